/*
 * parse_int.h - the state the lexer, parser, checker and diagnostics share
 * while one buffer is turned into a program.  Lives only inside scn_parse.
 */
#ifndef LANES_SCN_PARSE_INT_H
#define LANES_SCN_PARSE_INT_H

#include <stdarg.h>
#include "scn/scn_int.h"

enum { SCN_SEV_ERROR, SCN_SEV_WARNING };

typedef struct scn_diag {
    int     sev;        /* SCN_SEV_*                                  */
    int32_t line;       /* 1-based; 0: about the whole file           */
    size_t  off;        /* byte offset in the buffer it points at     */
    size_t  seq;        /* order of arrival, to keep sorting stable   */
    char   *msg;        /* malloc'd                                   */
} scn_diag;

#define SCN_HASH_SIZE 1024u   /* > 4 x the name limits: short probes */

typedef struct scn_pstate {
    const char *file;
    const char *buf;
    size_t      len;
    size_t      body;          /* offset after the UTF-8 BOM, if any  */
    uint32_t   *lines;         /* start offset of each line (index line-1) */
    size_t      nlines, lines_cap;
    scn_diag   *diags;
    size_t      ndiags, diags_cap;
    int         errors, warnings;
    int         stopped;       /* the error limit was reached        */
    scn_program *p;
    size_t      steps_cap, chans_cap, routs_cap;
    int32_t     chan_hash[SCN_HASH_SIZE];   /* index+1, 0 = empty      */
    int32_t     rout_hash[SCN_HASH_SIZE];
    int32_t     seen[SCN_DECL_COUNT];       /* line of each one-time declaration */
} scn_pstate;

/* A token inside one line. */
enum { SCN_TOK_END, SCN_TOK_WORD, SCN_TOK_STRING, SCN_TOK_BADSTRING };

typedef struct scn_tok {
    int    kind;
    size_t off;         /* offset in the buffer                      */
    size_t len;         /* bytes, quotes included for strings        */
} scn_tok;

typedef struct scn_cursor {
    size_t pos, end;    /* within the buffer: the rest of the line   */
} scn_cursor;

/* lex.c */
void scn_lex_next(const scn_pstate *ps, scn_cursor *c, scn_tok *t);
int  scn_tok_is(const scn_pstate *ps, const scn_tok *t, const char *word);
/* The token for people: printable, at most 40 characters, "..." after. */
void scn_tok_show(const scn_pstate *ps, const scn_tok *t, char *out, size_t n);
/* A whole decimal number in lo..hi; emits the error and returns -1 if not. */
int  scn_lex_number(scn_pstate *ps, int32_t line, const scn_tok *t,
                    int64_t lo, int64_t hi, const char *what, int64_t *out);
/* "A" or "A..B" ticks. */
int  scn_lex_amount(scn_pstate *ps, int32_t line, const scn_tok *t,
                    int32_t *a, int32_t *b);
/* "50ms", "200us", "1s": 1 us .. 60 s. */
int  scn_lex_duration(scn_pstate *ps, int32_t line, const scn_tok *t, uint64_t *ns);
/* A name: a letter or _, then letters, digits, _; at most SCN_MAX_NAME. */
int  scn_lex_name(scn_pstate *ps, int32_t line, const scn_tok *t, const char *what);
/* The text of a string token without quotes, escapes undone (malloc'd). */
char *scn_lex_string(const scn_pstate *ps, const scn_tok *t);

/* diag.c */
__attribute__((format(printf, 5, 6)))
void scn_diag_add(scn_pstate *ps, int sev, int32_t line, size_t off, const char *fmt, ...);
char *scn_diag_format(scn_pstate *ps);
void scn_diag_free(scn_pstate *ps);
/* " (did you mean 'x'?)" for the nearest of `n` names, or "" */
void scn_suggest(const char *name, size_t len, const char *const *cands, int n,
                 char *out, size_t outlen);

/* check.c */
void scn_check(scn_pstate *ps);
int  scn_hash_find(const scn_pstate *ps, const int32_t *table, int kind,
                   const char *name, size_t len);
int  scn_hash_add(scn_pstate *ps, int32_t *table, int kind, int index);

#endif
