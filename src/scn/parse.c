/*
 * parse.c - lines to a program: one pass over the buffer, line by line,
 * each line one declaration or one step.  Blocks are kept on a stack and
 * laid out flat (scn_int.h); names stay as places in the buffer until the
 * checker (check.c) resolves them, so a step may name a channel or routine
 * declared further down.  Never prints; every problem is a diagnostic.
 * Invariant: the work per line is bounded by its length plus a constant,
 * so the whole parse is linear in the size of the file.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "scn/parse_int.h"

/* An open block: a step index on the block stack. */
typedef struct open_blk {
    int32_t step;       /* its head step (select, repeat...)      */
    int32_t part;       /* select: the open case/default, or -1    */
    int32_t last_part;  /* select: the last part so far, or -1     */
    int32_t ncases;     /* select: its parts                       */
    int32_t dflt_line;  /* select: line of its default, 0 if none  */
} open_blk;

typedef struct parser {
    scn_pstate *ps;
    int32_t     line;
    int32_t     rout;          /* routine being declared, or -1   */
    open_blk   *stack;
    size_t      depth, stack_cap;
    int         loops;         /* loops open in the routine        */
} parser;

static const char *const decl_words[SCN_DECL_COUNT] = {
    "scenario", "about", "cores", "quantum", "tick", "seed", "chan", "routine",
};

const scn_decldef scn_decls[SCN_DECL_COUNT] = {
    [SCN_DECL_SCENARIO] = { "scenario", "scenario \"TITLE\"",
        "the title shown on the screen (default: the file name)" },
    [SCN_DECL_ABOUT]    = { "about", "about \"TEXT\"",
        "one line under the title: what to watch, which keys to press" },
    [SCN_DECL_CORES]    = { "cores", "cores N", "lanes at start, 1 to 64 (default 1; -c overrides)" },
    [SCN_DECL_QUANTUM]  = { "quantum", "quantum N",
        "ticks a routine runs before it may be preempted, 0 = never (default 4)" },
    [SCN_DECL_TICK]     = { "tick", "tick DURATION",
        "length of a tick at speed 1x: 1us to 60s with ns, us, ms or s, 0.5ms too (default 50ms)" },
    [SCN_DECL_SEED]     = { "seed", "seed N", "seed for the random amounts (default 1)" },
    [SCN_DECL_CHAN]     = { "chan", "chan NAME [CAP] [tokens]",
        "a channel; capacity 0 (unbuffered, the default) to 1000000; 'tokens': its"
        " messages are tokens (forks, permits), not items: never held, never served" },
    [SCN_DECL_ROUTINE]  = { "routine", "routine NAME [xN] ... end",
        "a routine and its steps; xN starts N instances (x0: only spawn starts it)" },
};

static void put_step_name(const scn_pstate *ps, const scn_tok *t, char *out, size_t n)
{
    scn_tok_show(ps, t, out, n);
}

/* ---- growing arrays ------------------------------------------------------ */

static scn_step *new_step(parser *pr, int op, size_t off)
{
    scn_pstate *ps = pr->ps;
    scn_program *p = ps->p;
    scn_step *st;

    if ((size_t)p->nsteps == ps->steps_cap) {
        ps->steps_cap = ps->steps_cap ? ps->steps_cap * 2 : 64;
        p->steps = scn_xrealloc(p->steps, ps->steps_cap * sizeof *p->steps);
    }
    st = &p->steps[p->nsteps++];
    memset(st, 0, sizeof *st);
    st->op = (uint8_t)op;
    st->line = pr->line;
    st->col = (int32_t)(off - ps->lines[pr->line - 1]);   /* byte offset in its line */
    st->ref = -1;
    st->jump = -1;
    st->sel = -1;
    st->depth = (uint8_t)(pr->loops < 255 ? pr->loops : 255);
    return st;
}

static void push(parser *pr, int32_t step)
{
    open_blk *b;

    if (pr->depth == pr->stack_cap) {
        pr->stack_cap = pr->stack_cap ? pr->stack_cap * 2 : 16;
        pr->stack = scn_xrealloc(pr->stack, pr->stack_cap * sizeof *pr->stack);
    }
    b = &pr->stack[pr->depth++];
    b->step = step;
    b->part = -1;
    b->last_part = -1;
    b->ncases = 0;
    b->dflt_line = 0;
}

static int is_loop(int op)
{
    return op == SCN_OP_REPEAT || op == SCN_OP_FOREVER || op == SCN_OP_RANGE;
}

/* Complains about anything left on the line after a complete statement. */
static void expect_end(parser *pr, scn_cursor *c, const char *after)
{
    scn_tok t;
    char shown[64];

    scn_lex_next(pr->ps, c, &t);
    if (t.kind == SCN_TOK_END)
        return;
    scn_tok_show(pr->ps, &t, shown, sizeof shown);
    scn_diag_add(pr->ps, SCN_SEV_ERROR, pr->line, t.off, "unexpected '%s' after '%s'", shown, after);
}

/* ---- routines ---------------------------------------------------------- */

static void close_routine(parser *pr, int32_t end_line)
{
    scn_routine_decl *r = &pr->ps->p->routs[pr->rout];

    r->last = pr->ps->p->nsteps;
    r->end_line = end_line;
    pr->rout = -1;
    pr->depth = 0;
    pr->loops = 0;
}

static void unclosed(parser *pr)
{
    scn_pstate *ps = pr->ps;
    size_t i;

    for (i = pr->depth; i-- > 0;) {
        const scn_step *st = &ps->p->steps[pr->stack[i].step];
        scn_diag_add(ps, SCN_SEV_ERROR, st->line, ps->lines[st->line - 1] + (size_t)st->col,
                     "'%s' is never closed: an 'end' is missing", scn_steps[st->op].name);
    }
    if (pr->rout >= 0) {
        const scn_routine_decl *r = &ps->p->routs[pr->rout];
        if (r->name[0] != '\0')
            scn_diag_add(ps, SCN_SEV_ERROR, r->line, ps->lines[r->line - 1] + (size_t)r->col,
                         "routine '%s' is never closed: an 'end' is missing", r->name);
        else
            scn_diag_add(ps, SCN_SEV_ERROR, r->line, ps->lines[r->line - 1] + (size_t)r->col,
                         "'routine' is never closed: an 'end' is missing");
    }
}

static void decl_routine(parser *pr, scn_cursor *c, const scn_tok *kw)
{
    scn_pstate *ps = pr->ps;
    scn_program *p = ps->p;
    scn_routine_decl *r;
    scn_tok t;
    int64_t v;
    int named;

    if (pr->rout >= 0) {
        scn_diag_add(ps, SCN_SEV_ERROR, pr->line, kw->off,
                     "'routine' inside routine '%s': is an 'end' missing?", p->routs[pr->rout].name);
        close_routine(pr, pr->line - 1);
    }
    if (p->nrout == SCN_MAX_ROUTINES)
        scn_diag_add(ps, SCN_SEV_ERROR, pr->line, kw->off,
                     "too many routines (at most %d)", SCN_MAX_ROUTINES);
    if ((size_t)p->nrout == ps->routs_cap) {
        ps->routs_cap = ps->routs_cap ? ps->routs_cap * 2 : 8;
        p->routs = scn_xrealloc(p->routs, ps->routs_cap * sizeof *p->routs);
    }
    pr->rout = p->nrout++;
    r = &p->routs[pr->rout];
    memset(r, 0, sizeof *r);
    r->count = 1;
    r->line = pr->line;
    r->col = (int32_t)(kw->off - ps->lines[pr->line - 1]);
    r->first = r->last = p->nsteps;
    pr->depth = 0;
    pr->loops = 0;

    scn_lex_next(ps, c, &t);
    if (t.kind == SCN_TOK_END) {
        scn_diag_add(ps, SCN_SEV_ERROR, pr->line, t.off, "'routine' needs a name");
        return;
    }
    named = scn_lex_name(ps, pr->line, &t, "routine") == 0;
    if (named) {
        int prev = scn_hash_find(ps, ps->rout_hash, 1, ps->buf + t.off, t.len);
        memcpy(r->name, ps->buf + t.off, t.len);
        r->name[t.len] = '\0';
        if (prev >= 0)
            scn_diag_add(ps, SCN_SEV_ERROR, pr->line, t.off,
                         "routine '%s' is already declared (line %ld)", r->name,
                         (long)p->routs[prev].line);
        else if (pr->rout < SCN_MAX_ROUTINES)
            scn_hash_add(ps, ps->rout_hash, 1, pr->rout);
    }
    scn_lex_next(ps, c, &t);
    if (t.kind == SCN_TOK_END)
        return;
    if (t.kind == SCN_TOK_WORD && ps->buf[t.off] == 'x' && t.len > 1 &&
        ((ps->buf[t.off + 1] >= '0' && ps->buf[t.off + 1] <= '9') || ps->buf[t.off + 1] == '-')) {
        scn_tok n = t;
        n.off++;
        n.len--;
        if (scn_lex_number(ps, pr->line, &n, 0, SCN_MAX_INSTANCES, "instance count", &v) == 0)
            r->count = (int32_t)v;
    } else {
        char shown[64];
        scn_tok_show(ps, &t, shown, sizeof shown);
        scn_diag_add(ps, SCN_SEV_ERROR, pr->line, t.off,
                     "expected an instance count such as x2, not '%s'", shown);
        return;
    }
    expect_end(pr, c, "routine");
}

/* ---- top-level declarations --------------------------------------------- */

static int once(parser *pr, int d, const scn_tok *kw)
{
    scn_pstate *ps = pr->ps;

    if (ps->seen[d] != 0) {
        scn_diag_add(ps, SCN_SEV_ERROR, pr->line, kw->off, "'%s' is given twice (first on line %ld)",
                     decl_words[d], (long)ps->seen[d]);
        return -1;
    }
    ps->seen[d] = pr->line;
    return 0;
}

static void decl_string(parser *pr, scn_cursor *c, const scn_tok *kw, int d)
{
    scn_pstate *ps = pr->ps;
    scn_tok t;
    char *s;
    size_t max = d == SCN_DECL_SCENARIO ? SCN_MAX_TITLE : SCN_MAX_ABOUT;

    scn_lex_next(ps, c, &t);
    if (t.kind == SCN_TOK_BADSTRING) {
        scn_diag_add(ps, SCN_SEV_ERROR, pr->line, t.off,
                     "unterminated string: the closing '\"' is missing");
        return;
    }
    if (t.kind != SCN_TOK_STRING) {
        scn_diag_add(ps, SCN_SEV_ERROR, pr->line, t.off, "'%s' needs %s in double quotes",
                     decl_words[d], d == SCN_DECL_SCENARIO ? "a title" : "a text");
        return;
    }
    s = scn_lex_string(ps, &t);
    if (s == NULL)
        s = scn_xstrdup("");
    if (strlen(s) > max) {
        scn_diag_add(ps, SCN_SEV_ERROR, pr->line, t.off, "the %s is too long (%zu bytes, at most %zu)",
                     d == SCN_DECL_SCENARIO ? "title" : "about text", strlen(s), max);
        free(s);
        return;
    }
    if (once(pr, d, kw) != 0) {
        free(s);
        return;
    }
    if (d == SCN_DECL_SCENARIO) {
        free(ps->p->title);
        ps->p->title = s;
    } else {
        free(ps->p->about);
        ps->p->about = s;
    }
    expect_end(pr, c, decl_words[d]);
}

static void decl_number(parser *pr, scn_cursor *c, const scn_tok *kw, int d)
{
    scn_pstate *ps = pr->ps;
    scn_program *p = ps->p;
    scn_tok t;
    int64_t v = 0;
    uint64_t ns = 0;
    int ok;

    scn_lex_next(ps, c, &t);
    if (t.kind == SCN_TOK_END) {
        static const char *const need[SCN_DECL_COUNT] = {
            [SCN_DECL_CORES] = "a number of cores (1 to 64)",
            [SCN_DECL_QUANTUM] = "a number of ticks (0 to 1000000)",
            [SCN_DECL_TICK] = "a duration such as 50ms",
            [SCN_DECL_SEED] = "a number",
        };
        scn_diag_add(ps, SCN_SEV_ERROR, pr->line, t.off, "'%s' needs %s", decl_words[d], need[d]);
        return;
    }
    switch (d) {
    case SCN_DECL_CORES:
        ok = scn_lex_number(ps, pr->line, &t, 1, LANES_MAX_CORES, "cores", &v) == 0;
        break;
    case SCN_DECL_QUANTUM:
        ok = scn_lex_number(ps, pr->line, &t, 0, SCN_MAX_QUANTUM, "quantum", &v) == 0;
        break;
    case SCN_DECL_TICK:
        ok = scn_lex_duration(ps, pr->line, &t, &ns) == 0;
        break;
    default:
        ok = scn_lex_number(ps, pr->line, &t, 0, SCN_MAX_SEED, "seed", &v) == 0;
        break;
    }
    if (!ok || once(pr, d, kw) != 0)
        return;
    switch (d) {
    case SCN_DECL_CORES:   p->cores = (int)v; break;
    case SCN_DECL_QUANTUM: p->quantum = (int)v; break;
    case SCN_DECL_TICK:    p->tick_ns = ns; break;
    default:               p->seed = (uint64_t)v; break;
    }
    expect_end(pr, c, decl_words[d]);
}

static void decl_chan(parser *pr, scn_cursor *c, const scn_tok *kw)
{
    scn_pstate *ps = pr->ps;
    scn_program *p = ps->p;
    scn_chan_decl *ch;
    scn_tok t, name;
    int64_t v;
    int prev;

    scn_lex_next(ps, c, &name);
    if (name.kind == SCN_TOK_END) {
        scn_diag_add(ps, SCN_SEV_ERROR, pr->line, name.off, "'chan' needs a name and a capacity");
        return;
    }
    if (scn_lex_name(ps, pr->line, &name, "channel") != 0)
        return;
    prev = scn_hash_find(ps, ps->chan_hash, 0, ps->buf + name.off, name.len);
    if (prev >= 0) {
        scn_diag_add(ps, SCN_SEV_ERROR, pr->line, name.off,
                     "channel '%s' is already declared (line %ld)", p->chans[prev].name,
                     (long)p->chans[prev].line);
        return;
    }
    if (p->nchan == SCN_MAX_CHANS) {
        scn_diag_add(ps, SCN_SEV_ERROR, pr->line, kw->off, "too many channels (at most %d)",
                     SCN_MAX_CHANS);
        return;
    }
    if ((size_t)p->nchan == ps->chans_cap) {
        ps->chans_cap = ps->chans_cap ? ps->chans_cap * 2 : 8;
        p->chans = scn_xrealloc(p->chans, ps->chans_cap * sizeof *p->chans);
    }
    ch = &p->chans[p->nchan];
    memset(ch, 0, sizeof *ch);
    memcpy(ch->name, ps->buf + name.off, name.len);
    ch->line = pr->line;
    ch->col = (int32_t)(name.off - ps->lines[pr->line - 1]);
    scn_hash_add(ps, ps->chan_hash, 0, p->nchan++);
    scn_lex_next(ps, c, &t);
    if (t.kind == SCN_TOK_END)
        return;
    if (!scn_tok_is(ps, &t, "tokens")) {
        if (scn_lex_number(ps, pr->line, &t, 0, SCN_MAX_CAP, "capacity", &v) != 0)
            return;
        ch->cap = (int32_t)v;
        scn_lex_next(ps, c, &t);
        if (t.kind == SCN_TOK_END)
            return;
    }
    if (scn_tok_is(ps, &t, "tokens")) {
        ch->tokens = 1;
        expect_end(pr, c, "tokens");
        return;
    }
    {
        char shown[64];
        scn_tok_show(ps, &t, shown, sizeof shown);
        scn_diag_add(ps, SCN_SEV_ERROR, pr->line, t.off,
                     "unexpected '%s' after the capacity (only 'tokens' may follow)", shown);
    }
}

/* ---- steps ------------------------------------------------------------ */

/* Reads a name argument into the step (resolved later by the checker). */
static int step_name(parser *pr, scn_cursor *c, scn_step *st, const char *what, const char *kw)
{
    scn_pstate *ps = pr->ps;
    scn_tok t;

    scn_lex_next(ps, c, &t);
    if (t.kind == SCN_TOK_END) {
        scn_diag_add(ps, SCN_SEV_ERROR, pr->line, t.off, "'%s' needs a %s name", kw, what);
        return -1;
    }
    if (scn_lex_name(ps, pr->line, &t, what) != 0)
        return -1;
    st->name_off = (uint32_t)t.off;
    st->name_len = (uint32_t)t.len;
    return 0;
}

static int select_ancestor(const parser *pr)
{
    size_t i;
    for (i = pr->depth; i-- > 0;)
        if (pr->ps->p->steps[pr->stack[i].step].op == SCN_OP_SELECT)
            return (int)i;
    return -1;
}

/* `case ...` or `default` inside the select on top of the stack. */
static void select_part(parser *pr, scn_cursor *c, const scn_tok *kw, int op)
{
    scn_pstate *ps = pr->ps;
    open_blk *b;
    scn_step *st;
    int32_t idx;
    const char *word = scn_steps[op].name;

    if (pr->depth == 0 || ps->p->steps[pr->stack[pr->depth - 1].step].op != SCN_OP_SELECT) {
        int anc = select_ancestor(pr);
        if (anc >= 0) {
            const scn_step *in = &ps->p->steps[pr->stack[pr->depth - 1].step];
            scn_diag_add(ps, SCN_SEV_ERROR, pr->line, kw->off,
                         "'%s' inside '%s' (line %ld): is an 'end' missing?", word,
                         scn_steps[in->op].name, (long)in->line);
        } else {
            scn_diag_add(ps, SCN_SEV_ERROR, pr->line, kw->off, "'%s' outside a select", word);
        }
        return;
    }
    b = &pr->stack[pr->depth - 1];
    if (op == SCN_OP_DEFAULT && b->dflt_line != 0) {
        scn_diag_add(ps, SCN_SEV_ERROR, pr->line, kw->off,
                     "a select has one 'default' at most (first on line %ld)", (long)b->dflt_line);
        return;
    }
    if (op == SCN_OP_CASE && b->ncases == SCN_MAX_CASES) {
        scn_diag_add(ps, SCN_SEV_ERROR, pr->line, kw->off,
                     "too many cases in one select (at most %d)", SCN_MAX_CASES);
        return;
    }
    idx = ps->p->nsteps;
    st = new_step(pr, op, kw->off);
    st->sel = b->step;
    if (b->last_part >= 0)
        ps->p->steps[b->last_part].jump = idx;
    else
        ps->p->steps[b->step].a = idx;          /* the select's first part */
    b->last_part = idx;
    if (op == SCN_OP_DEFAULT) {
        b->dflt_line = pr->line;
        expect_end(pr, c, "default");
        return;
    }
    b->ncases++;
    {
        scn_tok t;
        scn_lex_next(ps, c, &t);
        if (scn_tok_is(ps, &t, "send"))
            st->b = LANES_SEND;
        else if (scn_tok_is(ps, &t, "recv"))
            st->b = LANES_RECV;
        else {
            scn_diag_add(ps, SCN_SEV_ERROR, pr->line, t.off, "'case' needs 'send CH' or 'recv CH'");
            return;
        }
        if (step_name(pr, c, st, "channel", st->b == LANES_SEND ? "case send" : "case recv") != 0)
            return;
    }
    expect_end(pr, c, "case");
}

static void step_end(parser *pr, scn_cursor *c, const scn_tok *kw)
{
    scn_pstate *ps = pr->ps;
    open_blk *b;
    scn_step *head, *st;
    int32_t idx;

    if (pr->depth == 0) {
        expect_end(pr, c, "end");
        close_routine(pr, pr->line);
        return;
    }
    b = &pr->stack[--pr->depth];
    idx = ps->p->nsteps;
    st = new_step(pr, SCN_OP_END, kw->off);
    head = &ps->p->steps[b->step];
    st->jump = b->step;
    head->jump = idx;
    if (head->op == SCN_OP_SELECT) {
        st->sel = b->step;
        if (b->last_part >= 0)
            ps->p->steps[b->last_part].jump = idx;
        else {
            head->a = idx;
            scn_diag_add(ps, SCN_SEV_ERROR, head->line, ps->lines[head->line - 1] + (size_t)head->col,
                         "select without any 'case'");
        }
    }
    if (is_loop(head->op))
        pr->loops--;
    st->depth = head->depth;
    expect_end(pr, c, "end");
}

/* note "TEXT" [pause]: the text joins the program's notes, the step keeps
 * its index.  0, or -1 after a diagnostic. */
static int step_note(parser *pr, scn_cursor *c, scn_step *st)
{
    scn_pstate *ps = pr->ps;
    scn_program *p = ps->p;
    scn_cursor save;
    scn_tok t;
    char *s;

    scn_lex_next(ps, c, &t);
    if (t.kind == SCN_TOK_BADSTRING) {
        scn_diag_add(ps, SCN_SEV_ERROR, pr->line, t.off,
                     "unterminated string: the closing '\"' is missing");
        return -1;
    }
    if (t.kind != SCN_TOK_STRING) {
        scn_diag_add(ps, SCN_SEV_ERROR, pr->line, t.off,
                     "'note' needs a text in double quotes, such as note \"Now press 4\"");
        return -1;
    }
    if (p->nnotes == SCN_MAX_NOTES) {
        scn_diag_add(ps, SCN_SEV_ERROR, pr->line, t.off, "too many notes (at most %d)",
                     SCN_MAX_NOTES);
        return -1;
    }
    s = scn_lex_string(ps, &t);
    if (s == NULL)
        s = scn_xstrdup("");
    if (strlen(s) > SCN_MAX_NOTE) {
        scn_diag_add(ps, SCN_SEV_ERROR, pr->line, t.off,
                     "the note is too long (%zu bytes, at most %d)", strlen(s), SCN_MAX_NOTE);
        free(s);
        return -1;
    }
    p->notes = scn_xrealloc(p->notes, (size_t)(p->nnotes + 1) * sizeof *p->notes);
    p->notes[p->nnotes] = s;
    st->a = p->nnotes++;
    st->b = 0;
    save = *c;
    scn_lex_next(ps, c, &t);
    if (t.kind == SCN_TOK_WORD && t.len == 5 && memcmp(ps->buf + t.off, "pause", 5) == 0) {
        st->b = 1;
    } else if (t.kind != SCN_TOK_END) {
        char shown[64];
        scn_tok_show(ps, &t, shown, sizeof shown);
        scn_diag_add(ps, SCN_SEV_ERROR, pr->line, t.off,
                     "unexpected '%s' after the note's text: only 'pause' may follow it", shown);
        return -1;
    } else {
        *c = save;
    }
    return 0;
}

static void step(parser *pr, scn_cursor *c, const scn_tok *kw, int op)
{
    scn_pstate *ps = pr->ps;
    const scn_stepdef *def = &scn_steps[op];
    scn_step *st;
    scn_tok t;
    int64_t v;
    char shown[64];

    if (pr->rout < 0) {
        if (op == SCN_OP_END)
            scn_diag_add(ps, SCN_SEV_ERROR, pr->line, kw->off, "'end' without a block to close");
        else
            scn_diag_add(ps, SCN_SEV_ERROR, pr->line, kw->off, "'%s' outside a routine", def->name);
        return;
    }
    if (def->block == SCN_BLK_PART) {
        select_part(pr, c, kw, op);
        return;
    }
    if (op == SCN_OP_END) {
        step_end(pr, c, kw);
        return;
    }
    if (pr->depth > 0 && ps->p->steps[pr->stack[pr->depth - 1].step].op == SCN_OP_SELECT &&
        pr->stack[pr->depth - 1].last_part < 0) {
        scn_diag_add(ps, SCN_SEV_ERROR, pr->line, kw->off,
                     "'%s' before the first 'case' of a select: each part starts with "
                     "'case send CH', 'case recv CH' or 'default'", def->name);
        return;
    }
    if (def->block == SCN_BLK_OPEN && pr->depth == SCN_MAX_DEPTH)
        scn_diag_add(ps, SCN_SEV_ERROR, pr->line, kw->off,
                     "blocks nested too deep (at most %d)", SCN_MAX_DEPTH);
    st = new_step(pr, op, kw->off);
    if (def->block == SCN_BLK_OPEN) {
        int32_t idx = (int32_t)(st - ps->p->steps);
        push(pr, idx);
        if (is_loop(op))
            pr->loops++;
    }
    switch (def->arg) {
    case SCN_ARG_AMOUNT:
        scn_lex_next(ps, c, &t);
        if (t.kind == SCN_TOK_END) {
            scn_diag_add(ps, SCN_SEV_ERROR, pr->line, t.off,
                         "'%s' needs a number of ticks, such as 3 or 2..4", def->name);
            return;
        }
        if (scn_lex_amount(ps, pr->line, &t, &st->a, &st->b) != 0)
            return;
        break;
    case SCN_ARG_COUNT:
        scn_lex_next(ps, c, &t);
        if (t.kind == SCN_TOK_END) {
            scn_diag_add(ps, SCN_SEV_ERROR, pr->line, t.off, "'%s' needs a count", def->name);
            return;
        }
        if (scn_lex_number(ps, pr->line, &t, 0, SCN_MAX_REPEAT, "repeat count", &v) != 0)
            return;
        st->a = (int32_t)v;
        break;
    case SCN_ARG_CHAN:
        if (step_name(pr, c, st, "channel", def->name) != 0)
            return;
        break;
    case SCN_ARG_ROUTINE:
        if (step_name(pr, c, st, "routine", def->name) != 0)
            return;
        break;
    case SCN_ARG_NOTE:
        if (step_note(pr, c, st) != 0)
            return;
        break;
    default:
        break;
    }
    put_step_name(ps, kw, shown, sizeof shown);
    expect_end(pr, c, shown);
}

/* ---- lines ------------------------------------------------------------- */

static int find_word(const char *s, size_t n, const char *const *words, int count)
{
    int i;
    for (i = 0; i < count; i++)
        if (strlen(words[i]) == n && memcmp(words[i], s, n) == 0)
            return i;
    return -1;
}

static void line(parser *pr, size_t ls, size_t le)
{
    scn_pstate *ps = pr->ps;
    scn_cursor c = { ls, le };
    scn_tok kw;
    const char *nul = memchr(ps->buf + ls, '\0', le - ls);
    const char *words[SCN_OP_COUNT + SCN_DECL_COUNT];
    char shown[64], hint[96];
    int i, d;

    if (nul != NULL) {
        scn_diag_add(ps, SCN_SEV_ERROR, pr->line, (size_t)(nul - ps->buf),
                     "NUL byte in the line: is this a text file?");
        return;
    }
    scn_lex_next(ps, &c, &kw);
    if (kw.kind == SCN_TOK_END)
        return;
    if (kw.kind == SCN_TOK_BADSTRING) {
        scn_diag_add(ps, SCN_SEV_ERROR, pr->line, kw.off,
                     "unterminated string: the closing '\"' is missing");
        return;
    }
    if (kw.kind == SCN_TOK_STRING) {
        scn_diag_add(ps, SCN_SEV_ERROR, pr->line, kw.off,
                     "a line starts with a declaration or a step, not a string");
        return;
    }
    d = find_word(ps->buf + kw.off, kw.len, decl_words, SCN_DECL_COUNT);
    if (d >= 0) {
        if (d == SCN_DECL_ROUTINE) {
            decl_routine(pr, &c, &kw);
            return;
        }
        if (pr->rout >= 0) {
            scn_diag_add(ps, SCN_SEV_ERROR, pr->line, kw.off,
                         "'%s' belongs outside routines: is an 'end' missing before it?",
                         decl_words[d]);
            return;
        }
        switch (d) {
        case SCN_DECL_SCENARIO:
        case SCN_DECL_ABOUT:
            decl_string(pr, &c, &kw, d);
            break;
        case SCN_DECL_CHAN:
            decl_chan(pr, &c, &kw);
            break;
        default:
            decl_number(pr, &c, &kw, d);
            break;
        }
        return;
    }
    for (i = 0; i < SCN_OP_COUNT; i++)
        words[i] = scn_steps[i].name;
    i = find_word(ps->buf + kw.off, kw.len, words, SCN_OP_COUNT);
    if (i >= 0) {
        step(pr, &c, &kw, i);
        return;
    }
    for (d = 0; d < SCN_DECL_COUNT; d++)
        words[SCN_OP_COUNT + d] = decl_words[d];
    scn_tok_show(ps, &kw, shown, sizeof shown);
    if (pr->rout >= 0)
        scn_suggest(ps->buf + kw.off, kw.len, words, SCN_OP_COUNT, hint, sizeof hint);
    else
        scn_suggest(ps->buf + kw.off, kw.len, words + SCN_OP_COUNT, SCN_DECL_COUNT, hint, sizeof hint);
    scn_diag_add(ps, SCN_SEV_ERROR, pr->line, kw.off, "unknown %s '%s'%s",
                 pr->rout >= 0 ? "step" : "declaration", shown, hint);
}

static void add_line(scn_pstate *ps, size_t start)
{
    if (ps->nlines == ps->lines_cap) {
        ps->lines_cap = ps->lines_cap ? ps->lines_cap * 2 : 256;
        ps->lines = scn_xrealloc(ps->lines, ps->lines_cap * sizeof *ps->lines);
    }
    ps->lines[ps->nlines++] = (uint32_t)start;
}

void scn_program_free(scn_program *p)
{
    int i;

    if (p == NULL)
        return;
    for (i = 0; i < p->nrout; i++)
        free(p->routs[i].text);
    free(p->routs);
    free(p->chans);
    free(p->steps);
    for (i = 0; i < p->nnotes; i++)
        free(p->notes[i]);
    free(p->notes);
    free(p->filename);
    free(p->source);
    free(p->title);
    free(p->about);
    free(p);
}

scn_result scn_parse(const char *filename, const char *buf, size_t len)
{
    scn_result res;
    scn_pstate *ps;
    parser pr;
    size_t pos;

    memset(&res, 0, sizeof res);
    if (filename == NULL)
        filename = "<input>";
    if (buf == NULL)
        len = 0;
    ps = scn_xrealloc(NULL, sizeof *ps);
    memset(ps, 0, sizeof *ps);
    ps->file = filename;
    ps->buf = buf != NULL ? buf : "";
    ps->len = len;
    ps->p = scn_xrealloc(NULL, sizeof *ps->p);
    memset(ps->p, 0, sizeof *ps->p);
    ps->p->filename = scn_xstrdup(filename);
    ps->p->source = scn_xrealloc(NULL, len + 1);
    if (len != 0)
        memcpy(ps->p->source, buf, len);
    ps->p->source[len] = '\0';
    ps->p->source_len = len;
    ps->p->cores = SCN_DEF_CORES;
    ps->p->quantum = SCN_DEF_QUANTUM;
    ps->p->tick_ns = SCN_DEF_TICK_NS;
    ps->p->seed = SCN_DEF_SEED;
    memset(&pr, 0, sizeof pr);
    pr.ps = ps;
    pr.rout = -1;

    if (len >= UINT32_MAX) {
        scn_diag_add(ps, SCN_SEV_ERROR, 0, 0, "the file is too large (at most 4 GiB)");
        goto done;
    }
    if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
        ps->body = 3;
    pos = ps->body;
    while (pos < len || (pos == len && ps->nlines == 0)) {
        const char *nl = memchr(ps->buf + pos, '\n', len - pos);
        size_t le = nl != NULL ? (size_t)(nl - ps->buf) : len, end = le;

        add_line(ps, pos);
        pr.line = (int32_t)ps->nlines;
        if (end > pos && ps->buf[end - 1] == '\r')
            end--;
        line(&pr, pos, end);
        pos = le + 1;
        if (nl == NULL || ps->stopped)
            break;
    }
    if (!ps->stopped) {
        unclosed(&pr);
        if (pr.rout >= 0)
            ps->p->routs[pr.rout].last = ps->p->nsteps;
    }
    if (!ps->stopped)
        scn_check(ps);
done:
    free(pr.stack);
    res.errors = ps->errors;
    res.warnings = ps->warnings;
    res.messages = scn_diag_format(ps);
    scn_diag_free(ps);
    if (ps->errors == 0) {
        res.prog = ps->p;
    } else {
        scn_program_free(ps->p);
    }
    free(ps->lines);
    free(ps);
    return res;
}
