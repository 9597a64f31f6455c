/*
 * check_out_json.h - JSON checks shared by check_out and check_headless.
 */
#ifndef LANES_CHECK_OUT_JSON_H
#define LANES_CHECK_OUT_JSON_H

#include <stddef.h>
#include <sys/wait.h>
#include <unistd.h>

/* -1 when buf holds exactly one valid JSON value, else the offset of the
 * first byte found wrong. */
long json_check(const char *buf, size_t len);

/* Whole file, NUL-terminated, malloc'd; NULL when it cannot be read. */
char *slurp_file(const char *path, size_t *len);

/* Loads a trace file with Python's json module and checks its structure:
 * slices on one track never overlap, every flow start has exactly one end
 * (bound with "bp":"e"), flows sit inside a slice of their track, tracks are
 * named.  0 when good (out: "slices=N arrows=M events=K"), 77 when python3
 * is missing, else the failure with its message in out. */
int trace_check_python(const char *path, char *out, size_t outlen);

#endif
