/*
 * tracing.c - the scheduler's side of the trace: emitting events into the
 * lanes' rings and the control ring (trace.c owns the rings themselves),
 * and reading them back merged (lanes_trace_read), after Go's trace.go.
 *
 * Owns rt->ctl_ring's producers (ctl_mu), the consumer's read state and
 * the thread-local consumer mark.  Must not move routines or look into
 * queues.  Invariant: an event is stamped no earlier than any event that
 * caused it (see trace_clock_local and emit_n's batches).
 */
#include "config.h"
#include <pthread.h>
#include <stdatomic.h>
#include "rt_int.h"

/* ---- trace emission ------------------------------------------------------ */

static uint64_t trace_clock(void *arg, uint64_t *t_rt)
{
    lanes_rt *rt = arg;
    uint64_t m = mono_ns();
    *t_rt = rt_time_at(rt, m);
    return m - rt->t0;
}

/* For a batch whose events follow only from earlier events of the same
 * ring (trace_now_local). */
static uint64_t trace_clock_local(void *arg, uint64_t *t_rt)
{
    lanes_rt *rt = arg;
    uint64_t m = trace_now_local();
    *t_rt = rt_time_at(rt, m);
    return m - rt->t0;
}

/* The runtime whose trace the calling thread reads (lanes_trace_read). */
static _Thread_local lanes_rt *tl_consumer_of;
static const atomic_int never;

/* local: every cause of e[0..n) is in l's ring (trace_now_local). */
static void emit_n(lanes_rt *rt, rt_lane *l, const trace_ev *e, size_t n, int local)
{
    if (l != NULL) {
        if (!l->tb_hold) {
            if (local)
                trace_put(&l->ring, e, n, trace_clock_local, rt, &rt->lossless, &rt->closing);
            else
                trace_put(&l->ring, e, n, trace_clock, rt, &rt->lossless, &rt->closing);
            return;
        }
        if (!l->tb_open) {
            if (l->tb_hold == TB_HOLD_LOCAL)
                trace_open(&l->ring, TB_ROOM, trace_clock_local, rt, &rt->lossless, &rt->closing);
            else
                trace_open(&l->ring, TB_ROOM, trace_clock, rt, &rt->lossless, &rt->closing);
            l->tb_open = 1;
        }
        for (size_t i = 0; i < n; i++)
            trace_add(&l->ring, &e[i], trace_clock, rt, &rt->lossless, &rt->closing);
    } else {
        /* The consumer itself (a UI thread pressing keys) must not wait for
         * room only it can make: for it a full control ring drops. */
        const atomic_int *lossless = tl_consumer_of == rt ? &never : &rt->lossless;
        rt_lane *me = cur_lane();
        if (me != NULL && me->tb_open) {    /* never wait for room while busy */
            me->tb_open = 0;
            trace_close(&me->ring);
        }
        pthread_mutex_lock(&rt->ctl_mu);
        trace_put(&rt->ctl_ring, e, n, trace_clock, rt, lossless, &rt->closing);
        pthread_mutex_unlock(&rt->ctl_mu);
    }
}

void emit_slow(lanes_rt *rt, rt_lane *l, int kind, uint32_t routine,
                      uint32_t obj, int32_t arg, uint16_t lane)
{
    trace_ev e = { routine, obj, arg, lane, (uint16_t)kind };
    emit_n(rt, l, &e, 1, 0);
}

/* Emits e[0..n) from wherever the caller runs: its lane's ring (lane
 * field: that lane), or the control ring (no lane); routine 0 in an event
 * means the calling routine.  last (or NULL): the ring of the latest
 * event about the object (a channel), under the object's lock: when it
 * is this lane's, every earlier event about the object is in this ring
 * or before one in it that read the clock in order, so the events can be
 * stamped with trace_now_local. */
static __attribute__((noinline)) void sched_trace_on(lanes_rt *rt, trace_ev *e, size_t n,
                                                     int hold, const void **last)
{
    rt_routine *me = cur_self();
    rt_lane *l = cur_lane();
    int local = 0;
    if (l != NULL && l->rt != rt)
        l = NULL;
    if (last != NULL) {
        local = l != NULL && *last == &l->ring;
        *last = l != NULL ? &l->ring : NULL;
    }
    if (l != NULL && hold)
        l->tb_hold = local ? TB_HOLD_LOCAL : TB_HOLD;
    for (size_t i = 0; i < n; i++) {
        if (e[i].routine == 0 && me != NULL)
            e[i].routine = me->id;
        e[i].lane = l != NULL ? (uint16_t)l->idx : LANES_NO_LANE;
    }
    emit_n(rt, l, e, n, local);
}

void sched_trace_mark(lanes_rt *rt, const void **last)
{
    rt_lane *l = cur_lane();
    *last = l != NULL && l->rt == rt ? &l->ring : NULL;
}

int sched_tracing(const lanes_rt *rt)
{
    return rt->trace_rings;         /* not trace_on: a console's viewer may come later */
}

/* Channels call this four times a round trip: with tracing off it must be
 * a test and a return, not a stack frame. */
void sched_trace(lanes_rt *rt, int kind, uint32_t routine, uint32_t obj, int32_t arg,
                 const void **last)
{
    if (rt != NULL && rt->trace_on) {
        trace_ev e = { routine, obj, arg, 0, (uint16_t)kind };
        sched_trace_on(rt, &e, 1, 0, last);
    }
}

void sched_trace2(lanes_rt *rt, uint32_t obj, int kind0, uint32_t routine0, int32_t arg0,
                  int kind1, uint32_t routine1, int32_t arg1, const void **last)
{
    if (rt != NULL && rt->trace_on) {
        trace_ev e[2] = { { routine0, obj, arg0, 0, (uint16_t)kind0 },
                          { routine1, obj, arg1, 0, (uint16_t)kind1 } };
        sched_trace_on(rt, e, 2, 1, last);  /* the WAKE in sched_ready joins them */
    }
}

/* The rings to merge: the limit must be read before nstarted, so that a
 * lane started after that read only has events newer than the limit. */
static size_t trace_rings(lanes_rt *rt, trace_ring **rings)
{
    int n = atomic_load(&rt->nstarted);
    rings[0] = &rt->ctl_ring;
    for (int i = 0; i < n; i++)
        rings[1 + i] = atomic_load_explicit(&rt->rings[i], memory_order_acquire);
    return (size_t)n + 1;
}

/* The consumer, about every LANES_LOAD_SAMPLE_NS: the load around us.
 * Here because somebody reading the trace is the one who wants it, and
 * the reader is a thread of its own, never a lane.  Only while the run
 * goes on (a routine alive and not all of them blocked), and once when it
 * stops (the first read after): a last reading for the stretch since the
 * previous one, so a run shorter than LANES_LOAD_SAMPLE_NS is measured
 * too.  Then nothing more: what is folded from the trace stays as the
 * run left it.  The census may count exits late (see census), which only
 * delays the last LOAD.  due: the period is up (else only the stop). */
static __attribute__((noinline)) void load_sample(lanes_rt *rt, uint64_t now, int due)
{
    uint64_t v = atomic_load_explicit(&rt->census, memory_order_relaxed);
    uint32_t obj;
    if ((v >> 32) <= (uint32_t)v) {
        if (cpu_load_last(&rt->load, now, &obj))
            emit(rt, NULL, LANES_EV_LOAD, 0, obj, rt->load.ncpu, LANES_NO_LANE);
        return;
    }
    if (due && cpu_load_take(&rt->load, now, &obj))
        emit(rt, NULL, LANES_EV_LOAD, 0, obj, rt->load.ncpu, LANES_NO_LANE);
}

size_t lanes_trace_read(lanes_rt *rt, lanes_event *out, size_t max)
{
    trace_ring *rings[LANES_MAX_CORES + 1];
    size_t k = 0, n;
    uint64_t m;
    if (rt == NULL || !rt->trace_rings || out == NULL || max == 0)
        return 0;
    if (atomic_load_explicit(&rt->console, memory_order_relaxed) != NULL && !console_reader(rt))
        return 0;               /* the console thread is the one consumer */
    tl_consumer_of = rt;
    /* A reader that filled its buffer comes back at once: what is older
     * than the limit it had is all in the rings, no need to wait for the
     * producers (and interrupt them, see trace.c) again before that is
     * read. */
    if (rt->read_full) {
        n = trace_rings(rt, rings);
        k = trace_merge(rings, n, rt->read_limit, 0, out, max, &rt->dropped);
        if (k == max)
            return k;
    }
    m = mono_ns();
    if (m >= rt->load.due || rt->load.at != 0) {   /* at: a last reading may be owed */
        load_sample(rt, m, m >= rt->load.due);
        m = mono_ns();
    }
    rt->read_limit = m - rt->t0;
    n = trace_rings(rt, rings);
    k += trace_merge(rings, n, rt->read_limit, 1, out + k, max - k, &rt->dropped);
    rt->read_full = k == max;
    return k;
}

/* The merge counts what it finds overwritten; add what is overwritten but
 * not yet looked at (the running total first: see trace_merge). */
uint64_t lanes_trace_dropped(const lanes_rt *rt)
{
    lanes_rt *w = (lanes_rt *)rt;
    uint64_t d;
    int n;
    if (rt == NULL)
        return 0;
    d = atomic_load_explicit(&w->dropped, memory_order_acquire);
    if (!rt->trace_rings)
        return d;
    d += trace_ring_lapped(&w->ctl_ring);
    n = atomic_load(&w->nstarted);
    for (int i = 0; i < n; i++) {
        trace_ring *r = atomic_load_explicit(&w->rings[i], memory_order_acquire);
        if (r != NULL)
            d += trace_ring_lapped(r);
    }
    return d;
}

void lanes_trace_lossless(lanes_rt *rt, int on)
{
    if (rt == NULL)
        return;
    if (on)
        tl_consumer_of = rt;    /* the thread that asks for lossless reads: its
                                   own control events must never wait for it */
    atomic_store(&rt->lossless, on != 0);
}

const char *lanes_event_kind_name(int kind)
{
    static const char *const names[] = {
        "?", "spawn", "run", "stop", "wake", "send", "recv", "close", "steal",
        "park", "unpark", "cores", "pause", "resume", "step", "deadlock",
        "tick", "quantum", "chan", "done", "cpu", "load", "note", "move",
        "held",
    };
    _Static_assert(sizeof names / sizeof names[0] == LANES_EV_KINDS, "kind names");
    return kind > 0 && kind < LANES_EV_KINDS ? names[kind] : "?";
}

const char *lanes_stop_reason_name(int reason)
{
    static const char *const names[] = {
        "?", "preempt", "yield", "send", "recv", "select", "sleep", "exit", "cores",
    };
    return reason > 0 && reason <= LANES_STOP_CORES ? names[reason] : "?";
}

void tracing_forget(lanes_rt *rt)
{
    if (tl_consumer_of == rt)
        tl_consumer_of = NULL;
}
