/*
 * scn.h - the scenario language: parse, check, load built-ins, and run a
 * program's routines on the runtime.  Depends on src/rt only.
 *
 * (Entry points main.c relies on; the scenario module owns and extends this.)
 */
#ifndef LANES_SCN_H
#define LANES_SCN_H

#include <stddef.h>

typedef struct scn_program scn_program;

typedef struct scn_result {
    scn_program *prog;   /* NULL when there were errors                       */
    char *messages;      /* malloc'd GCC-style diagnostics (errors and
                            warnings, each with its line and caret), or NULL  */
    int errors;          /* how many errors                                   */
    int warnings;
    int sys_error;       /* the file could not be read (errno value), 0 if read */
} scn_result;

/* Parses and checks `len` bytes named `filename` (for messages).  Never prints. */
scn_result scn_parse(const char *filename, const char *buf, size_t len);

/* A built-in name ("restaurant"), a file path, or "-" for standard input. */
scn_result scn_load(const char *name_or_path);

void scn_result_free(scn_result *res);   /* frees messages and the program */

/* Built-in scenarios, in listing order; NULL past the end. */
const char *scn_builtin_name(int i);
const char *scn_builtin_title(int i);

#define SCN_DEFAULT "restaurant"

#endif
