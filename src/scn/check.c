/*
 * check.c - the checker: after the parse, resolves every channel and
 * routine name a step uses (suggesting near names), enforces the limits
 * that need the whole file, and warns about channels nobody uses and
 * `range` loops that cannot end.  Owns the name hash tables of a parse.
 * Invariant: a program without errors has every step's `ref` resolved.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "scn/parse_int.h"

static const char *name_of(const scn_pstate *ps, int kind, int i)
{
    return kind == 0 ? ps->p->chans[i].name : ps->p->routs[i].name;
}

static uint32_t hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    while (n-- > 0)
        h = (h ^ (unsigned char)*s++) * 16777619u;
    return h;
}

int scn_hash_find(const scn_pstate *ps, const int32_t *table, int kind, const char *name, size_t len)
{
    uint32_t h = hash(name, len) % SCN_HASH_SIZE;

    if (len > SCN_MAX_NAME)
        return -1;
    while (table[h] != 0) {
        const char *s = name_of(ps, kind, table[h] - 1);
        if (strlen(s) == len && memcmp(s, name, len) == 0)
            return table[h] - 1;
        h = (h + 1) % SCN_HASH_SIZE;
    }
    return -1;
}

int scn_hash_add(scn_pstate *ps, int32_t *table, int kind, int index)
{
    const char *s = name_of(ps, kind, index);
    uint32_t h = hash(s, strlen(s)) % SCN_HASH_SIZE;

    while (table[h] != 0)
        h = (h + 1) % SCN_HASH_SIZE;
    table[h] = index + 1;
    return 0;
}

/* What a step's name argument names, from the step table. */
static int uses_chan(int op)
{
    return scn_steps[op].arg == SCN_ARG_CHAN || scn_steps[op].arg == SCN_ARG_CASE;
}

static void unknown(scn_pstate *ps, const scn_step *st, int kind)
{
    const char *cands[SCN_MAX_ROUTINES > SCN_MAX_CHANS ? SCN_MAX_ROUTINES : SCN_MAX_CHANS] = { NULL };
    int n = kind == 0 ? ps->p->nchan : ps->p->nrout, i, k = 0;
    char name[SCN_MAX_NAME + 1], hint[96];

    for (i = 0; i < n && k < (int)(sizeof cands / sizeof cands[0]); i++)
        if (name_of(ps, kind, i)[0] != '\0')
            cands[k++] = name_of(ps, kind, i);
    memcpy(name, ps->buf + st->name_off, st->name_len);
    name[st->name_len] = '\0';
    scn_suggest(name, st->name_len, cands, k, hint, sizeof hint);
    if (kind == 0)
        scn_diag_add(ps, SCN_SEV_ERROR, st->line, st->name_off, "unknown channel '%s'%s", name, hint);
    else
        scn_diag_add(ps, SCN_SEV_ERROR, st->line, st->name_off, "spawn of unknown routine '%s'%s",
                     name, hint);
}

static void resolve(scn_pstate *ps)
{
    scn_program *p = ps->p;
    int i;

    for (i = 0; i < p->nsteps && !ps->stopped; i++) {
        scn_step *st = &p->steps[i];

        if (st->name_len == 0)
            continue;
        if (uses_chan(st->op)) {
            st->ref = scn_hash_find(ps, ps->chan_hash, 0, ps->buf + st->name_off, st->name_len);
            if (st->ref < 0) {
                unknown(ps, st, 0);
                continue;
            }
            p->chans[st->ref].used = 1;
            if (st->op == SCN_OP_CLOSE)
                p->chans[st->ref].closed = 1;
        } else if (scn_steps[st->op].arg == SCN_ARG_ROUTINE) {
            st->ref = scn_hash_find(ps, ps->rout_hash, 1, ps->buf + st->name_off, st->name_len);
            if (st->ref < 0)
                unknown(ps, st, 1);
        }
    }
}

static void limits(scn_pstate *ps)
{
    scn_program *p = ps->p;
    long total = 0;
    int i;

    for (i = 0; i < p->nrout; i++) {
        scn_routine_decl *r = &p->routs[i];
        total += r->count;
        if (total > SCN_MAX_INSTANCES && total - r->count <= SCN_MAX_INSTANCES)
            scn_diag_add(ps, SCN_SEV_ERROR, r->line, ps->lines[r->line - 1] + (size_t)r->col,
                         "more than %d routine instances at start (%ld with routine '%s')",
                         SCN_MAX_INSTANCES, total, r->name);
    }
    if (ps->errors == 0 && total == 0) {
        if (p->nrout == 0)
            scn_diag_add(ps, SCN_SEV_ERROR, 0, 0, "nothing to run: no routine is declared");
        else
            scn_diag_add(ps, SCN_SEV_ERROR, 0, 0,
                         "nothing to run: every routine is x0, and only 'spawn' starts those");
    }
}

/* A `forever` in a routine that runs (started, or named by a spawn) has
 * no way out: the run may go on until somebody stops it.  Warned, and
 * remembered (scn_endless_line) so headless runs can ask for a limit. */
static void endless(scn_pstate *ps)
{
    scn_program *p = ps->p;
    uint8_t spawned[SCN_MAX_ROUTINES] = { 0 };
    int i, r;

    for (i = 0; i < p->nsteps; i++)
        if (p->steps[i].op == SCN_OP_SPAWN && p->steps[i].ref >= 0)
            spawned[p->steps[i].ref] = 1;
    for (r = 0; r < p->nrout; r++) {
        const scn_routine_decl *d = &p->routs[r];
        if (d->count == 0 && !spawned[r])
            continue;
        for (i = d->first; i < d->last; i++) {
            const scn_step *st = &p->steps[i];
            if (st->op != SCN_OP_FOREVER)
                continue;
            if (p->endless_line == 0)
                p->endless_line = st->line;
            scn_diag_add(ps, SCN_SEV_WARNING, st->line, ps->lines[st->line - 1] + (size_t)st->col,
                         "'forever' never ends: '%s' runs until the run is stopped "
                         "(a headless run needs --for TICKS)", d->name);
            break;
        }
    }
}

static void warnings(scn_pstate *ps)
{
    scn_program *p = ps->p;
    int i;

    endless(ps);
    for (i = 0; i < p->nchan; i++)
        if (!p->chans[i].used)
            scn_diag_add(ps, SCN_SEV_WARNING, p->chans[i].line,
                         ps->lines[p->chans[i].line - 1] + (size_t)p->chans[i].col,
                         "channel '%s' is never used", p->chans[i].name);
    for (i = 0; i < p->nsteps; i++) {
        const scn_step *st = &p->steps[i];
        if (st->op == SCN_OP_RANGE && !p->chans[st->ref].closed)
            scn_diag_add(ps, SCN_SEV_WARNING, st->line, ps->lines[st->line - 1] + (size_t)st->col,
                         "'range' over '%s' never ends: no routine closes it", p->chans[st->ref].name);
    }
}

/* Copies each routine's lines for the UI's detail view. */
static void texts(scn_pstate *ps)
{
    scn_program *p = ps->p;
    int i;

    for (i = 0; i < p->nrout; i++) {
        scn_routine_decl *r = &p->routs[i];
        size_t from = ps->lines[r->line - 1], to, k, o = 0;

        to = (size_t)r->end_line < ps->nlines ? ps->lines[r->end_line] : ps->len;
        if (to < from)
            to = from;
        r->text = scn_xrealloc(NULL, to - from + 2);
        for (k = from; k < to; k++) {
            char ch = ps->buf[k];
            if (ch == '\r' && (k + 1 == to || ps->buf[k + 1] == '\n'))
                continue;
            r->text[o++] = ch;
        }
        if (o == 0 || r->text[o - 1] != '\n')
            r->text[o++] = '\n';
        r->text[o] = '\0';
    }
}

void scn_check(scn_pstate *ps)
{
    resolve(ps);
    if (ps->stopped)
        return;
    limits(ps);
    if (ps->errors != 0)
        return;
    warnings(ps);
    texts(ps);
}
