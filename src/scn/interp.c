/*
 * interp.c - runs a checked program on the runtime: one real routine per
 * routine instance, each walking its flat steps (scn_int.h) through the
 * run functions of the step table.  Owns a run: the runtime it opened,
 * the channels, every instance (kept until scn_stop so ids stay valid),
 * the item counter, the fault, the end message and the partial-deadlock
 * reports.
 *
 * Threads: each instance's held item, spare number, counters and random
 * state belong to its own routine; pc, progress and id are atomics that
 * the monitor and the UI read.  run->lock guards the instance list, the
 * id map, the fault and the reports.
 *
 * Partial deadlock: for every step we know (conservatively, from the
 * program's structure and what `spawn` can start) which channels the rest
 * of the routine may still send on or close, and which it may receive
 * from.  A monitor thread takes the runtime's list of parked routines every
 * 2 ms and finds those that no live routine can ever release (a fixpoint:
 * a parked routine that can be released counts as live).  The list is not
 * one atomic snapshot, so stuck routines are reported (once each) only when
 * the same stuck set, none of it having moved, is found STUCK_LOOKS times
 * in a row.  The monitor starts only once every instance of the start is
 * on the alive list (a partner not yet spawned would look missing), and
 * judges nothing once the run has faulted (the routine that faulted is
 * gone and its partners wait for it in vain; the fault is the report).
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scn/scn_int.h"

struct scn_inst {
    scn_run   *run;
    int        decl;                /* routine declaration index          */
    int        number;              /* instance number, 1-based            */
    char       name[LANES_NAME_MAX];
    _Atomic uint32_t id;            /* routine id; 0 until lanes_go gave it */
    _Atomic int      pc;            /* step now; -1 not started, -2 done   */
    _Atomic uint32_t progress;      /* steps begun                         */
    _Atomic int32_t  held;          /* item held, 0 = none                 */
    int32_t    spare;               /* a number taken but never sent       */
    uint64_t   rng;                 /* splitmix64 state                    */
    int32_t    counters[SCN_MAX_DEPTH + 1];  /* repeat counters by depth   */
    int        switched;            /* a step this loop pass reached a safepoint */
    size_t     live_index;          /* its place in run->alive (under run->lock) */
    /* monitor thread only: */
    uint32_t   seen_epoch;          /* parked in this check                */
    int        freed;               /* can still be released (this check)  */
    int        suspect;             /* looks in a row it was judged stuck  */
    uint32_t   suspect_progress;    /* its progress then                   */
    int        stuck;               /* judged stuck in this check          */
    uint32_t   now_progress;
    int        reported;
};

struct scn_run {
    const scn_program *p;
    lanes_rt   *rt;
    lanes_chan **chans;             /* by channel index                    */
    uint64_t    seed;
    int         note_pauses;        /* `note ... pause` pauses the runtime  */
    _Atomic int32_t next_item;      /* the next new item number            */
    pthread_mutex_t lock;
    scn_inst  **insts;              /* every instance, in creation order   */
    size_t      ninst, inst_cap;
    scn_inst  **alive;              /* instances not done, in any order    */
    size_t      nalive, alive_cap;
    scn_inst  **by_id;              /* routine id -> instance              */
    size_t      by_id_cap;
    _Atomic int *next_number;       /* per declaration: next instance number */
    _Atomic int live;               /* instances not yet done              */
    _Atomic int faulted;            /* set once, after fault_msg and fault_sys */
    int         fault_sys;          /* the fault is the system's (exit 1), not
                                       the scenario's: no stack, no memory  */
    char        fault_msg[512];
    int         ended;              /* scn_wait saw the end                */
    int         end_status;
    char       *end_msg;
    char      **reports;
    size_t      nreports, rep_read, rep_cap;
    scn_stuck  *stuck;              /* the same, for machines (scn_stuck_list) */
    size_t      nstuck, stuck_cap;
    /* what the rest of a routine can do, per step: */
    int         words;              /* uint64 per channel set              */
    uint64_t   *can_send;           /* send on or close: releases receivers */
    uint64_t   *can_recv;           /* receive: releases senders           */
    /* monitor */
    pthread_t   monitor;
    int         monitor_on;
    _Atomic int stop;
    uint32_t    epoch;
    scn_inst  **parked;             /* parked at this look (any number)     */
    scn_inst  **suspects;           /* parked at the monitor's last look   */
    size_t      nsuspects, park_cap; /* park_cap: room in each of the two   */
};

/* ---- instances ------------------------------------------------------------ */

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void map_id(scn_run *run, uint32_t id, scn_inst *x)
{
    if (id >= run->by_id_cap) {
        size_t cap = run->by_id_cap ? run->by_id_cap : 64, old = run->by_id_cap;
        while (cap <= id)
            cap *= 2;
        run->by_id = scn_xrealloc(run->by_id, cap * sizeof *run->by_id);
        memset(run->by_id + old, 0, (cap - old) * sizeof *run->by_id);
        run->by_id_cap = cap;
    }
    run->by_id[id] = x;
}

static scn_inst *find_id(scn_run *run, uint32_t id)
{
    scn_inst *x = NULL;

    pthread_mutex_lock(&run->lock);
    if (id < run->by_id_cap)
        x = run->by_id[id];
    pthread_mutex_unlock(&run->lock);
    return x;
}

/* Stops the run with `msg` ("lanes: NAME: what (file:line)"): the first
 * one recorded wins.  `sys`: the system said no (memory, a stack), which
 * the end reports as SCN_ERROR rather than as the scenario's fault. */
static int record_msg(scn_inst *x, const scn_step *st, int sys, const char *what)
{
    scn_run *run = x->run;

    pthread_mutex_lock(&run->lock);
    if (!atomic_load(&run->faulted)) {
        snprintf(run->fault_msg, sizeof run->fault_msg, "lanes: %s: %s (%s:%ld)",
                 x->name, what, run->p->filename, (long)st->line);
        run->fault_sys = sys;
        atomic_store(&run->faulted, 1);
    }
    pthread_mutex_unlock(&run->lock);
    return -1;
}

static int record_fault(scn_inst *x, const scn_step *st, const char *what, const char *chan)
{
    char m[300];

    snprintf(m, sizeof m, "%s '%s'", what, chan);
    return record_msg(x, st, 0, m);
}

static void routine_main(void *arg);

/* The instance is done: off the alive list (swap with the last). */
static void retire(scn_run *run, scn_inst *x)
{
    pthread_mutex_lock(&run->lock);
    atomic_store(&x->pc, -2);
    atomic_fetch_add(&x->progress, 1);
    run->alive[x->live_index] = run->alive[--run->nalive];
    run->alive[x->live_index]->live_index = x->live_index;
    atomic_fetch_sub(&run->live, 1);
    pthread_mutex_unlock(&run->lock);
}

/* Grows *arr (of *cap pointers) to hold one more than n; 0, or -1 when
 * memory is short (the array is left as it was). */
static int room_for_one(void ***arr, size_t *cap, size_t n)
{
    void **p;
    size_t nc;

    if (n < *cap)
        return 0;
    nc = *cap ? *cap * 2 : 64;
    p = realloc(*arr, nc * sizeof *p);
    if (p == NULL)
        return -1;
    *arr = p;
    *cap = nc;
    return 0;
}

/* Creates instance `number` of routine `decl` and starts it; the instance
 * counts as live before its routine exists, so the monitor never misses
 * what it can do.  Returns the routine id; -1 when the language's limits
 * forbid it (a scenario fault); or -errno when the system said no (no
 * memory, no stack: -ENOMEM), with `why` saying which. */
static int spawn_instance(scn_run *run, int decl, int number, char *why, size_t whylen)
{
    const scn_program *p = run->p;
    scn_inst *x;
    int id;

    pthread_mutex_lock(&run->lock);
    if (run->ninst >= SCN_MAX_SPAWNED || atomic_load(&run->live) >= SCN_MAX_LIVE) {
        int alive = atomic_load(&run->live) >= SCN_MAX_LIVE;
        pthread_mutex_unlock(&run->lock);
        if (alive)
            snprintf(why, whylen, "more than %d routines alive at once", SCN_MAX_LIVE);
        else
            snprintf(why, whylen, "more than %d routines started in one run", SCN_MAX_SPAWNED);
        return -1;
    }
    x = calloc(1, sizeof *x);
    if (x == NULL || room_for_one((void ***)&run->insts, &run->inst_cap, run->ninst) != 0 ||
        room_for_one((void ***)&run->alive, &run->alive_cap, run->nalive) != 0) {
        pthread_mutex_unlock(&run->lock);
        free(x);
        snprintf(why, whylen, "out of memory");
        return -ENOMEM;
    }
    x->run = run;
    x->decl = decl;
    x->number = number;
    scn_instance_name(p, decl, number, x->name, sizeof x->name);
    atomic_init(&x->pc, -1);
    atomic_init(&x->id, 0);
    atomic_init(&x->progress, 0);
    atomic_init(&x->held, 0);
    x->rng = run->seed ^ ((uint64_t)(decl + 1) << 40) ^ (uint64_t)number * 0x2545f4914f6cdd1dull;
    splitmix(&x->rng);
    run->insts[run->ninst++] = x;
    x->live_index = run->nalive;
    run->alive[run->nalive++] = x;
    atomic_fetch_add(&run->live, 1);
    pthread_mutex_unlock(&run->lock);

    id = lanes_go(run->rt, x->name, routine_main, x);
    if (id <= 0) {
        retire(run, x);
        if (id == -ENOMEM)      /* lanes_go's one ENOMEM: no stack to be had */
            snprintf(why, whylen, "cannot map a stack for %s: %s", x->name, strerror(ENOMEM));
        else
            snprintf(why, whylen, "the runtime refused %s: %s", x->name,
                     strerror(id < 0 ? -id : EAGAIN));
        return id < -1 ? id : -EAGAIN;
    }
    pthread_mutex_lock(&run->lock);
    atomic_store(&x->id, (uint32_t)id);
    map_id(run, (uint32_t)id, x);
    pthread_mutex_unlock(&run->lock);
    return id;
}

static void routine_main(void *arg)
{
    scn_inst *x = arg;
    scn_run *run = x->run;
    const scn_program *p = run->p;
    const scn_routine_decl *d = &p->routs[x->decl];
    uint32_t id = (uint32_t)lanes_self();
    int pc = d->first;
    int32_t held;

    pthread_mutex_lock(&run->lock);
    atomic_store(&x->id, id);
    map_id(run, id, x);
    pthread_mutex_unlock(&run->lock);
    while (pc >= d->first && pc < d->last) {
        const scn_step *st = &p->steps[pc];
        atomic_store(&x->pc, pc);
        atomic_fetch_add(&x->progress, 1);
        pc = scn_steps[st->op].run(x, st, pc);
    }
    held = atomic_exchange(&x->held, 0);
    if (held != 0)
        lanes_item_done(held);
    retire(run, x);
}

/* ---- the steps ------------------------------------------------------------ */

static int amount(scn_inst *x, const scn_step *st)
{
    if (st->a >= st->b)
        return st->a;
    return st->a + (int)(splitmix(&x->rng) % (uint64_t)(st->b - st->a + 1));
}

static int32_t fresh(scn_inst *x)
{
    int32_t v = x->spare;

    if (v != 0) {
        x->spare = 0;
        return v;
    }
    return atomic_fetch_add(&x->run->next_item, 1);
}

/* The routine now holds item v: it is done with the one it held before. */
static void take(scn_inst *x, int32_t v)
{
    int32_t old = atomic_exchange(&x->held, v);
    if (old != 0)
        lanes_item_done(old);
}

/* A `tokens` channel's messages are not items: a routine sends a new
 * token and keeps the item it holds; it receives a token without holding
 * it, so no item's journey ends (no DONE: nothing is served). */
static int tokens(const scn_inst *x, int ref)
{
    return x->run->p->chans[ref].tokens;
}

static const char *chan_name(const scn_inst *x, const scn_step *st)
{
    return x->run->p->chans[st->ref].name;
}

int scn_run_work(scn_inst *x, const scn_step *st, int pc)
{
    int n = amount(x, st);
    if (n > 0) {
        lanes_work(n);
        x->switched = 1;
    }
    return pc + 1;
}

int scn_run_sleep(scn_inst *x, const scn_step *st, int pc)
{
    int n = amount(x, st);
    if (n > 0) {
        lanes_sleep(n);
        x->switched = 1;
    }
    return pc + 1;
}

int scn_run_send(scn_inst *x, const scn_step *st, int pc)
{
    int tok = tokens(x, st->ref);
    int32_t v = tok ? 0 : atomic_load(&x->held);
    int r;

    if (v == 0)
        v = fresh(x);
    r = lanes_send(x->run->chans[st->ref], &v);
    if (r == LANES_CLOSED)
        return record_fault(x, st, "send on closed channel", chan_name(x, st));
    if (r != 0)
        return record_fault(x, st, "send failed on channel", chan_name(x, st));
    if (!tok)
        atomic_store(&x->held, 0);
    return pc + 1;
}

int scn_run_recv(scn_inst *x, const scn_step *st, int pc)
{
    int32_t v = 0;
    int r = lanes_recv(x->run->chans[st->ref], &v);

    if (r == 0 && !tokens(x, st->ref))
        take(x, v);
    else if (r != 0 && r != LANES_CLOSED)
        return record_fault(x, st, "receive failed on channel", chan_name(x, st));
    return pc + 1;
}

int scn_run_close(scn_inst *x, const scn_step *st, int pc)
{
    int r = lanes_chan_close(x->run->chans[st->ref]);

    if (r == LANES_CLOSED)
        return record_fault(x, st, "close of closed channel", chan_name(x, st));
    if (r != 0)
        return record_fault(x, st, "close failed on channel", chan_name(x, st));
    return pc + 1;
}

int scn_run_yield(scn_inst *x, const scn_step *st, int pc)
{
    (void)st;
    lanes_yield();
    x->switched = 1;
    return pc + 1;
}

int scn_run_spawn(scn_inst *x, const scn_step *st, int pc)
{
    scn_run *run = x->run;
    char why[160], what[240];
    int n = atomic_fetch_add(&run->next_number[st->ref], 1);
    int id = spawn_instance(run, st->ref, n, why, sizeof why);

    if (id == -1) {             /* the language's limits: the scenario's fault */
        snprintf(what, sizeof what, "cannot spawn '%s': %s", run->p->routs[st->ref].name, why);
        return record_msg(x, st, 0, what);
    }
    if (id < 0)                 /* the system's: no memory, no stack */
        return record_msg(x, st, 1, why);
    return pc + 1;
}

/* Narration: the folds learn of it from a NOTE event; a pausing note
 * stops the lanes at their next safepoint, as the space key would. */
int scn_run_note(scn_inst *x, const scn_step *st, int pc)
{
    lanes_annotate(st->b ? SCN_MARK_NOTE_PAUSE : SCN_MARK_NOTE, st->a);
    if (st->b && x->run->note_pauses)
        lanes_pause(x->run->rt);
    return pc + 1;
}

int scn_run_repeat(scn_inst *x, const scn_step *st, int pc)
{
    if (st->a == 0)
        return st->jump + 1;
    x->counters[st->depth] = st->a;
    x->switched = 0;
    return pc + 1;
}

int scn_run_forever(scn_inst *x, const scn_step *st, int pc)
{
    (void)st;
    x->switched = 0;
    return pc + 1;
}

int scn_run_range(scn_inst *x, const scn_step *st, int pc)
{
    int32_t v = 0;
    int r = lanes_recv(x->run->chans[st->ref], &v);

    if (r == LANES_CLOSED)
        return st->jump + 1;
    if (r != 0)
        return record_fault(x, st, "receive failed on channel", chan_name(x, st));
    if (!tokens(x, st->ref))
        take(x, v);
    return pc + 1;
}

int scn_run_select(scn_inst *x, const scn_step *st, int pc)
{
    const scn_program *p = x->run->p;
    lanes_case cases[SCN_MAX_CASES];
    int32_t vals[SCN_MAX_CASES], sendv = 0;
    int where[SCN_MAX_CASES], n = 0, dflt = -1, part, k, sends = 0, tok;

    (void)pc;
    for (part = st->a; part != st->jump; part = p->steps[part].jump) {
        const scn_step *c = &p->steps[part];
        if (c->op == SCN_OP_DEFAULT) {
            dflt = part;
            continue;
        }
        if (c->b == LANES_SEND && !tokens(x, c->ref))
            sends++;
        cases[n].ch = x->run->chans[c->ref];
        cases[n].op = c->b;
        cases[n].elem = &vals[n];
        cases[n].result = 0;
        where[n] = part;
        n++;
    }
    if (sends > 0) {
        sendv = atomic_load(&x->held);
        if (sendv == 0)
            sendv = fresh(x);
    }
    for (k = 0; k < n; k++)         /* a token: a number of its own */
        vals[k] = cases[k].op != LANES_SEND ? 0
                : tokens(x, p->steps[where[k]].ref) ? fresh(x) : sendv;
    if (n == 0)
        k = LANES_WOULDBLOCK;
    else
        k = lanes_select(cases, n, dflt >= 0);
    if (k == LANES_WOULDBLOCK || k < 0 || k >= n) {
        if (sends > 0 && atomic_load(&x->held) == 0)
            x->spare = sendv;
        if (k >= 0 || k == LANES_WOULDBLOCK)
            return dflt >= 0 ? dflt + 1 : st->jump + 1;
        return record_fault(x, st, "select failed on channel", p->chans[p->steps[where[0]].ref].name);
    }
    tok = tokens(x, p->steps[where[k]].ref);
    if (cases[k].op == LANES_SEND) {
        if (cases[k].result == LANES_CLOSED)
            return record_fault(x, &p->steps[where[k]], "send on closed channel",
                                p->chans[p->steps[where[k]].ref].name);
    }
    if (cases[k].op == LANES_SEND && !tok) {
        atomic_store(&x->held, 0);
    } else {
        if (sends > 0 && atomic_load(&x->held) == 0)
            x->spare = sendv;
        if (cases[k].op == LANES_RECV && cases[k].result == 0 && !tok)
            take(x, vals[k]);
    }
    return where[k] + 1;
}

/* Reached in sequence, a case or default means the part before it is done. */
int scn_run_part(scn_inst *x, const scn_step *st, int pc)
{
    (void)x;
    (void)pc;
    return x->run->p->steps[st->sel].jump + 1;
}

/* A loop's way back: a pass that reached no safepoint yields, so that no
 * loop can keep a lane from pausing, stepping or preempting.  The yield is
 * ours, not the routine's: a mark just before it tells the folds so. */
static int back(scn_inst *x, const scn_step *end, int to)
{
    if (!x->switched) {
        lanes_annotate(SCN_MARK_LOOP_YIELD, end->line);
        lanes_yield();
    }
    x->switched = 0;
    return to;
}

int scn_run_end(scn_inst *x, const scn_step *st, int pc)
{
    const scn_step *head = &x->run->p->steps[st->jump];

    switch (head->op) {
    case SCN_OP_REPEAT:
        if (--x->counters[head->depth] > 0)
            return back(x, st, st->jump + 1);
        return pc + 1;
    case SCN_OP_FOREVER:
        return back(x, st, st->jump + 1);
    case SCN_OP_RANGE:
        return back(x, st, st->jump);
    default:
        return pc + 1;
    }
}

/* ---- the monitor ------------------------------------------------------------ */

/* Looks in a row (2 ms apart) that must find the same routines stuck, none
 * of them having moved, before a partial deadlock is reported: a routine
 * caught between a wake and its next park in one racy snapshot (slow under
 * ThreadSanitizer) must not make its partners look stuck. */
#define STUCK_LOOKS 3

static void add_sets(scn_run *run, int pc, int *cs, int *cr)
{
    const uint64_t *s = run->can_send + (size_t)pc * (size_t)run->words;
    const uint64_t *r = run->can_recv + (size_t)pc * (size_t)run->words;
    int k;

    for (k = 0; k < run->words; k++) {
        uint64_t bs = s[k], br = r[k];
        for (; bs != 0; bs &= bs - 1)
            cs[k * 64 + __builtin_ctzll(bs)]++;
        for (; br != 0; br &= br - 1)
            cr[k * 64 + __builtin_ctzll(br)]++;
    }
}

/* Can someone counted in cs/cr release a routine parked at step pc? */
static int releasable(scn_run *run, int pc, const int *cs, const int *cr)
{
    const scn_program *p = run->p;
    const scn_step *st = &p->steps[pc];
    int part;

    switch (st->op) {
    case SCN_OP_RECV: case SCN_OP_RANGE:
        return cs[st->ref] > 0;
    case SCN_OP_SEND:
        return cr[st->ref] > 0;
    case SCN_OP_SELECT:
        for (part = st->a; part != st->jump; part = p->steps[part].jump) {
            const scn_step *c = &p->steps[part];
            if (c->op == SCN_OP_DEFAULT)
                return 1;
            if (c->b == LANES_SEND ? cr[c->ref] > 0 : cs[c->ref] > 0)
                return 1;
        }
        return 0;
    default:
        return 1;
    }
}

/* A growing string for messages of any length: a select over 64 channels
 * with long names, a long file path, thousands of blocked routines. */
typedef struct sbuf {
    char  *s;
    size_t len, cap;
} sbuf;

__attribute__((format(printf, 2, 3)))
static void sb_printf(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if (b->len + (size_t)n + 1 > b->cap) {
        b->cap = (b->len + (size_t)n + 1) * 2;
        b->s = scn_xrealloc(b->s, b->cap);
    }
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

/* Appends what the routine at step pc waits for, whole. */
static void describe_wait(scn_run *run, int pc, sbuf *b, int quote)
{
    const scn_program *p = run->p;
    const scn_step *st = &p->steps[pc];
    const char *q = quote ? "'" : "";
    int part;

    switch (st->op) {
    case SCN_OP_RECV: case SCN_OP_RANGE:
        sb_printf(b, "waits on %s%s%s", q, p->chans[st->ref].name, q);
        break;
    case SCN_OP_SEND:
        sb_printf(b, "waits to send on %s%s%s", q, p->chans[st->ref].name, q);
        break;
    case SCN_OP_SELECT:
        sb_printf(b, "waits in select on");
        for (part = st->a; part != st->jump; part = p->steps[part].jump) {
            const scn_step *c = &p->steps[part];
            if (c->op == SCN_OP_CASE)
                sb_printf(b, "%s %s%s%s", part == st->a ? "" : ",", q, p->chans[c->ref].name, q);
        }
        break;
    default:
        sb_printf(b, "waits");
        break;
    }
}

_Static_assert(SCN_STUCK_CHANS >= SCN_MAX_CASES, "a select's cases fit in scn_stuck");

/* Keeps what x, parked at step pc (or, x NULL, a routine the program does
 * not know), waits for. */
static void add_stuck(scn_run *run, scn_inst *x, int pc, uint32_t id, int partial)
{
    const scn_program *p = run->p;
    scn_stuck *k;
    int part;

    pthread_mutex_lock(&run->lock);
    if (run->nstuck == run->stuck_cap) {
        run->stuck_cap = run->stuck_cap ? run->stuck_cap * 2 : 8;
        run->stuck = scn_xrealloc(run->stuck, run->stuck_cap * sizeof *run->stuck);
    }
    k = &run->stuck[run->nstuck++];
    memset(k, 0, sizeof *k);
    k->id = id;
    k->partial = partial;
    if (x == NULL || pc < 0) {
        lanes_routine_name(run->rt, id, k->name, sizeof k->name);
    } else {
        const scn_step *st = &p->steps[pc];
        snprintf(k->name, sizeof k->name, "%s", x->name);
        k->line = (int)st->line;
        if (st->op == SCN_OP_SELECT) {
            for (part = st->a; part != st->jump; part = p->steps[part].jump)
                if (p->steps[part].op == SCN_OP_CASE && k->nchans < SCN_STUCK_CHANS)
                    k->chans[k->nchans++] = p->chans[p->steps[part].ref].name;
        } else if (st->op == SCN_OP_SEND || st->op == SCN_OP_RECV || st->op == SCN_OP_RANGE) {
            k->op = st->op == SCN_OP_SEND ? LANES_SEND : LANES_RECV;
            k->chans[k->nchans++] = p->chans[st->ref].name;
        }
    }
    pthread_mutex_unlock(&run->lock);
}

size_t scn_stuck_list(scn_run *run, scn_stuck *out, size_t max)
{
    size_t n;

    pthread_mutex_lock(&run->lock);
    n = run->nstuck;
    if (out != NULL && max > 0)
        memcpy(out, run->stuck, (n < max ? n : max) * sizeof *out);
    pthread_mutex_unlock(&run->lock);
    return n;
}

/* Keeps msg (malloc'd; the run frees it). */
static void add_report(scn_run *run, char *msg)
{
    pthread_mutex_lock(&run->lock);
    if (run->nreports == run->rep_cap) {
        run->rep_cap = run->rep_cap ? run->rep_cap * 2 : 8;
        run->reports = scn_xrealloc(run->reports, run->rep_cap * sizeof *run->reports);
    }
    run->reports[run->nreports++] = msg;
    pthread_mutex_unlock(&run->lock);
}

/* Those parked at the last look but not at this one are no longer suspects
 * (instances are freed only by scn_stop, after the monitor has stopped). */
static void forget_suspects(scn_run *run, uint32_t epoch)
{
    size_t k;

    for (k = 0; k < run->nsuspects; k++)
        if (run->suspects[k]->seen_epoch != epoch)
            run->suspects[k]->suspect = 0;
    run->nsuspects = 0;
}

static void check_partial(scn_run *run, lanes_blocked **blk, size_t *blk_cap)
{
    const scn_program *p = run->p;
    size_t nb, i, nparked = 0, k;
    scn_inst **parked, **was;
    int cs[SCN_MAX_CHANS], cr[SCN_MAX_CHANS], free_live = 0, changed, stable = 1, faulted;
    uint32_t epoch = ++run->epoch;

    nb = lanes_blocked_list(run->rt, *blk, *blk_cap);
    if (nb > *blk_cap) {
        *blk_cap = nb * 2;
        *blk = scn_xrealloc(*blk, *blk_cap * sizeof **blk);
        return;                          /* look again next time */
    }
    if (nb > run->park_cap) {            /* every parked routine is judged */
        run->park_cap = nb * 2;
        run->parked = scn_xrealloc(run->parked, run->park_cap * sizeof *run->parked);
        run->suspects = scn_xrealloc(run->suspects, run->park_cap * sizeof *run->suspects);
    }
    parked = run->parked;
    if (nb == 0) {
        forget_suspects(run, epoch);
        return;
    }
    memset(cs, 0, sizeof cs);
    memset(cr, 0, sizeof cr);
    pthread_mutex_lock(&run->lock);
    for (i = 0; i < nb; i++) {
        uint32_t id = (*blk)[i].routine;
        scn_inst *x = id < run->by_id_cap ? run->by_id[id] : NULL;
        if (x != NULL && atomic_load(&x->pc) >= 0) {
            x->seen_epoch = epoch;
            x->freed = 0;
            parked[nparked++] = x;
        }
    }
    /* Everyone not parked can still do whatever its program has left. */
    for (i = 0; i < run->nalive; i++) {
        scn_inst *x = run->alive[i];
        int pc = atomic_load(&x->pc);
        if (pc == -2 || x->seen_epoch == epoch)
            continue;
        if (pc == -1)
            pc = p->routs[x->decl].first;
        if (pc < p->routs[x->decl].last)
            add_sets(run, pc, cs, cr);
        free_live++;
    }
    /* After a fault the run is ending: the routine that faulted retired
     * (after the fault was recorded, both under the lock) and its partners
     * wait for it in vain, which is the fault's doing, not a deadlock. */
    faulted = atomic_load(&run->faulted);
    pthread_mutex_unlock(&run->lock);
    if (free_live == 0 || faulted) {
        for (k = 0; k < nparked; k++)
            parked[k]->suspect = 0;
        forget_suspects(run, epoch);
        return;                          /* all parked: the runtime reports that */
    }
    do {
        changed = 0;
        for (k = 0; k < nparked; k++) {
            scn_inst *x = parked[k];
            int pc = atomic_load(&x->pc);
            if (x->freed || pc < 0)
                continue;
            if (releasable(run, pc, cs, cr)) {
                x->freed = 1;
                add_sets(run, pc, cs, cr);
                changed = 1;
            }
        }
    } while (changed);
    /* The stuck set is trusted only when it is the same as at the last look
     * and none of its routines moved in between: then each was parked all
     * along, and a routine that looked parked in one racy snapshot (having
     * just been woken and parked again) cannot make the others look stuck. */
    for (k = 0; k < nparked; k++) {
        scn_inst *x = parked[k];
        x->stuck = !x->freed && atomic_load(&x->pc) >= 0;
        x->now_progress = atomic_load(&x->progress);
        if (x->stuck && !(x->suspect >= STUCK_LOOKS - 1 &&
                          x->suspect_progress == x->now_progress))
            stable = 0;
    }
    for (k = 0; k < nparked; k++) {
        scn_inst *x = parked[k];
        int pc = atomic_load(&x->pc);
        if (!x->stuck) {
            x->suspect = 0;
            continue;
        }
        if (stable && !x->reported) {
            const scn_step *st = &p->steps[pc];
            sbuf msg = { NULL, 0, 0 };
            sb_printf(&msg, "%s ", x->name);
            describe_wait(run, pc, &msg, 0);
            sb_printf(&msg, ": no live routine can %s (%s:%ld)",
                      st->op == SCN_OP_SEND ? "receive from it" :
                      st->op == SCN_OP_SELECT ? "release it" : "send on it",
                      p->filename, (long)st->line);
            add_stuck(run, x, pc, atomic_load(&x->id), 1);
            add_report(run, msg.s);
            x->reported = 1;
        }
        x->suspect = x->suspect != 0 && x->suspect_progress == x->now_progress
                     ? x->suspect + 1 : 1;
        x->suspect_progress = x->now_progress;
    }
    forget_suspects(run, epoch);
    was = run->suspects;                 /* this look's parked become the suspects */
    run->suspects = parked;
    run->parked = was;
    run->nsuspects = nparked;
}

static void *monitor_main(void *arg)
{
    scn_run *run = arg;
    size_t cap = 64;
    lanes_blocked *blk = scn_xrealloc(NULL, cap * sizeof *blk);
    struct timespec ts = { 0, 2 * 1000 * 1000 };   /* a look every 2 ms */

    while (!atomic_load(&run->stop)) {
        nanosleep(&ts, NULL);
        if (!atomic_load(&run->stop))
            check_partial(run, &blk, &cap);
    }
    free(blk);
    return NULL;
}

/* ---- the run API ------------------------------------------------------------ */

void (*scn_start_hook)(scn_run *run, int decl);

static void set_err(char *err, size_t errlen, const char *what, int e)
{
    if (err != NULL && errlen > 0)
        snprintf(err, errlen, "lanes: %s: %s", what, strerror(e));
}

scn_run *scn_start(const scn_program *p, const scn_settings *s, char *err, size_t errlen)
{
    scn_run *run;
    lanes_config cfg;
    char why[160];
    int i, d, n, e;

    if (err != NULL && errlen > 0)
        err[0] = '\0';
    if (p == NULL) {
        set_err(err, errlen, "no scenario", EINVAL);
        errno = EINVAL;
        return NULL;
    }
    memset(&cfg, 0, sizeof cfg);
    cfg.cores = s != NULL && s->cores > 0 ? s->cores : p->cores;
    cfg.quantum = s != NULL && s->quantum >= 0 ? s->quantum : p->quantum;
    cfg.tick_ns = s != NULL && s->tick_ns > 0 ? s->tick_ns : p->tick_ns;
    cfg.flags = s != NULL ? s->flags : 0;
    cfg.trace_events = s != NULL && s->trace_events > 0 ? s->trace_events : LANES_DEFAULT_TRACE_EVENTS;

    run = scn_xrealloc(NULL, sizeof *run);
    memset(run, 0, sizeof *run);
    run->p = p;
    run->seed = s != NULL && s->seed_set ? s->seed : p->seed;
    run->note_pauses = s != NULL && s->note_pauses;
    atomic_init(&run->next_item, 1);
    atomic_init(&run->live, 0);
    atomic_init(&run->faulted, 0);
    atomic_init(&run->stop, 0);
    pthread_mutex_init(&run->lock, NULL);
    run->next_number = scn_xrealloc(NULL, (size_t)(p->nrout + 1) * sizeof *run->next_number);
    for (d = 0; d < p->nrout; d++)
        atomic_init(&run->next_number[d], p->routs[d].count + 1);
    run->words = (p->nchan + 63) / 64;
    if (run->words == 0)
        run->words = 1;
    scn_reach_sets(p, run->words, &run->can_send, &run->can_recv);

    run->rt = lanes_open(&cfg);
    if (run->rt == NULL) {
        e = errno;
        /* lanes_open fails with EAGAIN only when a lane's thread cannot be
         * created (pthread_create); anything else is memory or a bad setting */
        if (e == EAGAIN && err != NULL && errlen > 0)
            snprintf(err, errlen, "lanes: cannot create a thread for each of the %d lanes: %s",
                     cfg.cores, strerror(e));
        else
            set_err(err, errlen, "cannot start the runtime", e);
        scn_stop(run);
        errno = e;
        return NULL;
    }
    run->chans = scn_xrealloc(NULL, (size_t)(p->nchan + 1) * sizeof *run->chans);
    for (i = 0; i < p->nchan; i++) {
        run->chans[i] = lanes_chan_open(run->rt, p->chans[i].name, sizeof(int32_t),
                                        (size_t)p->chans[i].cap);
        if (run->chans[i] == NULL) {
            e = errno;
            if (err != NULL && errlen > 0)
                snprintf(err, errlen, "lanes: cannot open channel '%s' of capacity %ld (%s:%ld): %s",
                         p->chans[i].name, (long)p->chans[i].cap, p->filename,
                         (long)p->chans[i].line, strerror(e));
            scn_stop(run);
            errno = e;
            return NULL;
        }
    }
    for (d = 0; d < p->nrout; d++) {
        for (n = 1; n <= p->routs[d].count; n++) {
            int id = spawn_instance(run, d, n, why, sizeof why);
            if (id < 0) {
                e = id < -1 ? -id : EAGAIN;
                if (err != NULL && errlen > 0)
                    snprintf(err, errlen, "lanes: cannot start routine '%s': %s",
                             p->routs[d].name, why);
                scn_stop(run);
                errno = e;
                return NULL;
            }
        }
        if (scn_start_hook != NULL)
            scn_start_hook(run, d);
    }
    /* Only now that every instance of the start is on the alive list: the
     * first ones run while the others are being spawned, and a look taken
     * then would find those waiting on a partner declared later (the
     * cashier, after the customers) with no live routine to release them. */
    if (pthread_create(&run->monitor, NULL, monitor_main, run) == 0)
        run->monitor_on = 1;
    return run;
}

lanes_rt *scn_rt(scn_run *run) { return run->rt; }

static void end_with(scn_run *run, int status, char *msg)
{
    run->ended = 1;
    run->end_status = status;
    free(run->end_msg);
    run->end_msg = msg;
}

static int by_routine(const void *a, const void *b)
{
    uint32_t x = ((const lanes_blocked *)a)->routine, y = ((const lanes_blocked *)b)->routine;
    return x < y ? -1 : x > y;
}

static char *deadlock_message(scn_run *run)
{
    const scn_program *p = run->p;
    lanes_blocked *blk;
    size_t cap = 64, n, i;
    sbuf msg = { NULL, 0, 0 };

    for (;;) {
        blk = scn_xrealloc(NULL, cap * sizeof *blk);
        n = lanes_blocked_list(run->rt, blk, cap);
        if (n <= cap)
            break;
        free(blk);
        cap = n;
    }
    qsort(blk, n, sizeof *blk, by_routine);
    sb_printf(&msg, "lanes: deadlock: %zu routine%s blocked forever, and no other can run:\n",
              n, n == 1 ? " is" : "s are");
    for (i = 0; i < n; i++) {
        scn_inst *x = find_id(run, blk[i].routine);
        int pc = x != NULL ? atomic_load(&x->pc) : -1;
        char name[LANES_NAME_MAX], chname[LANES_NAME_MAX];

        add_stuck(run, x, pc, blk[i].routine, 0);
        if (x != NULL && pc >= 0) {
            sb_printf(&msg, "  %s ", x->name);
            describe_wait(run, pc, &msg, 1);
            sb_printf(&msg, " (%s:%ld)\n", p->filename, (long)p->steps[pc].line);
        } else {
            lanes_routine_name(run->rt, blk[i].routine, name, sizeof name);
            lanes_chan_name(run->rt, blk[i].chan, chname, sizeof chname);
            sb_printf(&msg, "  %s waits %s '%s'\n", name,
                      blk[i].op == LANES_SEND ? "to send on" : "on", chname);
        }
    }
    free(blk);
    return msg.s;
}

int scn_wait(scn_run *run, uint64_t timeout_ns)
{
    const uint64_t slice = 10 * 1000 * 1000;
    uint64_t waited = 0;

    if (run->ended)
        return run->end_status;
    for (;;) {
        uint64_t t = slice;
        int r;

        if (atomic_load(&run->faulted)) {
            char *m;
            int end;
            lanes_pause(run->rt);
            pthread_mutex_lock(&run->lock);
            m = scn_xrealloc(NULL, strlen(run->fault_msg) + 2);
            sprintf(m, "%s\n", run->fault_msg);
            end = run->fault_sys ? SCN_ERROR : SCN_FAULT;
            pthread_mutex_unlock(&run->lock);
            end_with(run, end, m);
            return end;
        }
        if (timeout_ns > 0) {
            if (waited >= timeout_ns)
                return SCN_TIMEOUT;
            if (timeout_ns - waited < t)
                t = timeout_ns - waited;
        }
        r = lanes_wait_for(run->rt, t);
        waited += t;
        if (r == 1)
            continue;
        if (atomic_load(&run->faulted))
            continue;                     /* reported as the fault above */
        if (r == LANES_DEADLOCK) {
            end_with(run, SCN_DEADLOCK, deadlock_message(run));
            return SCN_DEADLOCK;
        }
        end_with(run, SCN_DONE, NULL);
        return SCN_DONE;
    }
}

const char *scn_end_message(scn_run *run)
{
    return run->end_msg != NULL ? run->end_msg : "";
}

char *scn_take_report(scn_run *run)
{
    char *r = NULL;

    pthread_mutex_lock(&run->lock);
    if (run->rep_read < run->nreports)
        r = scn_xstrdup(run->reports[run->rep_read++]);
    pthread_mutex_unlock(&run->lock);
    return r;
}

int scn_next_report(scn_run *run, char *buf, size_t n)
{
    char *r = scn_take_report(run);

    if (r == NULL)
        return 0;
    if (n > 0)
        snprintf(buf, n, "%s", r);
    free(r);
    return 1;
}

int scn_routine_line(scn_run *run, uint32_t routine_id)
{
    scn_inst *x = find_id(run, routine_id);
    int pc = x != NULL ? atomic_load(&x->pc) : -1;

    return pc >= 0 ? run->p->steps[pc].line : 0;
}

const char *scn_routine_program(scn_run *run, uint32_t routine_id, int *first_line)
{
    scn_inst *x = find_id(run, routine_id);

    if (x == NULL)
        return NULL;
    if (first_line != NULL)
        *first_line = run->p->routs[x->decl].line;
    return run->p->routs[x->decl].text;
}

int scn_routine_item(scn_run *run, uint32_t routine_id)
{
    scn_inst *x = find_id(run, routine_id);
    return x != NULL ? atomic_load(&x->held) : 0;
}

void scn_stop(scn_run *run)
{
    size_t i;

    if (run == NULL)
        return;
    atomic_store(&run->stop, 1);
    if (run->monitor_on)
        pthread_join(run->monitor, NULL);
    if (run->rt != NULL)
        lanes_close(run->rt);
    for (i = 0; i < run->ninst; i++)
        free(run->insts[i]);
    for (i = 0; i < run->nreports; i++)
        free(run->reports[i]);
    free(run->reports);
    free(run->parked);
    free(run->suspects);
    free(run->stuck);
    free(run->insts);
    free(run->alive);
    free(run->by_id);
    free(run->chans);
    free(run->next_number);
    free(run->can_send);
    free(run->can_recv);
    free(run->end_msg);
    pthread_mutex_destroy(&run->lock);
    free(run);
}
