/*
 * diag.c - diagnostics of one parse: collected as they are found (at most
 * SCN_MAX_ERRORS errors and SCN_MAX_WARNINGS warnings), then sorted by
 * place and formatted GCC-style, each with its source line and a caret.
 * Owns the scn_diag array of a scn_pstate; never prints.  Also the layer's
 * allocator, which ends the process with status 1 when memory runs out.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "options.h"
#include "scn/parse_int.h"

/* Set once, before any run starts (scn_on_out_of_memory). */
static void (*oom_hook)(void);

void scn_on_out_of_memory(void (*fn)(void))
{
    oom_hook = fn;
}

void *scn_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n != 0 ? n : 1);

    if (q == NULL) {
        /* a system error (exit 1), not a crash: nothing here is wrong but
         * the machine's answer */
        if (oom_hook != NULL)
            oom_hook();
        fputs("lanes: out of memory\n", stderr);
        _exit(EXIT_SYSTEM);
    }
    return q;
}

char *scn_xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(scn_xrealloc(NULL, n), s, n);
}

void scn_diag_add(scn_pstate *ps, int sev, int32_t line, size_t off, const char *fmt, ...)
{
    va_list ap;
    char msg[512];
    scn_diag *d;

    if (sev == SCN_SEV_ERROR) {
        if (ps->errors >= SCN_MAX_ERRORS) {
            ps->stopped = 1;
            return;
        }
        ps->errors++;
    } else {
        if (ps->warnings >= SCN_MAX_WARNINGS)
            return;
        ps->warnings++;
    }
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (ps->ndiags == ps->diags_cap) {
        ps->diags_cap = ps->diags_cap ? ps->diags_cap * 2 : 8;
        ps->diags = scn_xrealloc(ps->diags, ps->diags_cap * sizeof *ps->diags);
    }
    d = &ps->diags[ps->ndiags];
    d->sev = sev;
    d->line = line;
    d->off = off;
    d->seq = ps->ndiags++;
    d->msg = scn_xstrdup(msg);
}

static int diag_cmp(const void *x, const void *y)
{
    const scn_diag *a = x, *b = y;
    uint64_t la = a->line > 0 ? (uint64_t)a->line : UINT64_MAX;
    uint64_t lb = b->line > 0 ? (uint64_t)b->line : UINT64_MAX;

    if (la != lb)
        return la < lb ? -1 : 1;
    if (a->off != b->off)
        return a->off < b->off ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* A growing string. */
typedef struct sbuf { char *s; size_t len, cap; } sbuf;

static void sb_put(sbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        while (b->len + n + 1 > b->cap)
            b->cap = b->cap ? b->cap * 2 : 256;
        b->s = scn_xrealloc(b->s, b->cap);
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void sb_str(sbuf *b, const char *s) { sb_put(b, s, strlen(s)); }

#define SCN_SHOW_WIDTH 120   /* bytes of a long line shown around the caret */

static int is_cont(unsigned char ch) { return (ch & 0xc0) == 0x80; }

/* The source line of d, a window of it when long, and the caret under d. */
static void put_source(sbuf *b, const scn_pstate *ps, const scn_diag *d)
{
    const char *buf = ps->buf;
    size_t ls = ps->lines[d->line - 1], le, ws, we, off, i;
    const char *nl = memchr(buf + ls, '\n', ps->len - ls);

    le = nl != NULL ? (size_t)(nl - buf) : ps->len;
    if (le > ls && buf[le - 1] == '\r')
        le--;
    off = d->off < ls ? ls : d->off > le ? le : d->off;
    ws = ls;
    we = le;
    if (le - ls > SCN_SHOW_WIDTH) {
        ws = off - ls > SCN_SHOW_WIDTH / 2 ? off - SCN_SHOW_WIDTH / 2 : ls;
        while (ws < off && is_cont((unsigned char)buf[ws]))
            ws++;
        we = le - ws > SCN_SHOW_WIDTH ? ws + SCN_SHOW_WIDTH : le;
        while (we > off && we < le && is_cont((unsigned char)buf[we]))
            we--;
    }
    if (ws > ls)
        sb_str(b, "...");
    for (i = ws; i < we; i++) {
        unsigned char ch = (unsigned char)buf[i];
        char c = (ch < 0x20 && ch != '\t') || ch == 0x7f ? '?' : (char)ch;
        sb_put(b, &c, 1);
    }
    if (we < le)
        sb_str(b, "...");
    sb_str(b, "\n");
    if (ws > ls)
        sb_str(b, "   ");
    for (i = ws; i < off; i++) {
        unsigned char ch = (unsigned char)buf[i];
        if (ch == '\t')
            sb_str(b, "\t");
        else if (!is_cont(ch))
            sb_str(b, " ");
    }
    sb_str(b, "^\n");
}

static size_t column(const scn_pstate *ps, const scn_diag *d)
{
    size_t ls = ps->lines[d->line - 1], i, col = 1;

    for (i = ls; i < d->off && i < ps->len && ps->buf[i] != '\n'; i++)
        if (!is_cont((unsigned char)ps->buf[i]) && ps->buf[i] != '\r')
            col++;
    return col;
}

char *scn_diag_format(scn_pstate *ps)
{
    sbuf b = { NULL, 0, 0 };
    char head[256];
    size_t i;

    if (ps->ndiags == 0)
        return NULL;
    qsort(ps->diags, ps->ndiags, sizeof *ps->diags, diag_cmp);
    for (i = 0; i < ps->ndiags; i++) {
        const scn_diag *d = &ps->diags[i];
        const char *sev = d->sev == SCN_SEV_ERROR ? "error" : "warning";

        if (d->line > 0 && (size_t)d->line <= ps->nlines)
            snprintf(head, sizeof head, "%s:%ld:%zu: %s: ", ps->file, (long)d->line,
                     column(ps, d), sev);
        else
            snprintf(head, sizeof head, "%s: %s: ", ps->file, sev);
        sb_str(&b, head);
        sb_str(&b, d->msg);
        sb_str(&b, "\n");
        if (d->line > 0 && (size_t)d->line <= ps->nlines)
            put_source(&b, ps, d);
    }
    if (ps->stopped) {
        snprintf(head, sizeof head, "%s: note: stopped after %d errors\n", ps->file, SCN_MAX_ERRORS);
        sb_str(&b, head);
    }
    return b.s;
}

void scn_diag_free(scn_pstate *ps)
{
    size_t i;

    for (i = 0; i < ps->ndiags; i++)
        free(ps->diags[i].msg);
    free(ps->diags);
    ps->diags = NULL;
    ps->ndiags = 0;
}

int scn_distance(const char *a, size_t al, const char *b, size_t bl, int cap)
{
    int row[65], prev, i, j;

    if (al > 64 || bl > 64)
        return cap + 1;
    if ((al > bl ? al - bl : bl - al) > (size_t)cap)
        return cap + 1;
    for (j = 0; j <= (int)bl; j++)
        row[j] = j;
    for (i = 1; i <= (int)al; i++) {
        int best;
        prev = row[0];
        row[0] = i;
        best = i;
        for (j = 1; j <= (int)bl; j++) {
            int cur = row[j];
            int sub = prev + (a[i - 1] != b[j - 1]);
            int v = row[j - 1] + 1 < cur + 1 ? row[j - 1] + 1 : cur + 1;
            row[j] = sub < v ? sub : v;
            if (row[j] < best)
                best = row[j];
            prev = cur;
        }
        if (best > cap)
            return cap + 1;
    }
    return row[bl];
}

void scn_suggest(const char *name, size_t len, const char *const *cands, int n,
                 char *out, size_t outlen)
{
    int cap = (int)(len + 2) / 3, best = cap + 1, bi = -1, i;

    out[0] = '\0';
    if (len > 40)
        return;
    for (i = 0; i < n; i++) {
        int d = scn_distance(name, len, cands[i], strlen(cands[i]), cap);
        if (d < best) {
            best = d;
            bi = i;
        }
    }
    if (bi >= 0)
        snprintf(out, outlen, " (did you mean '%s'?)", cands[bi]);
}
