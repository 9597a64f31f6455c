/*
 * sched.c - scheduling proper (after Go's proc.go): lanes (worker
 * pthreads) and their loop, putting routines on queues and taking them
 * off, stealing, idling, the switch in and out of routines (direct
 * switches too), preemption at safepoints, parking and waking, spawning.
 * The other rooms: rt_int.h (structs), runq.h (queues), time.c, tracing.c,
 * home.c, census.c, control.c, os.c, open.c.  Knows nothing of channel
 * internals (chan.c parks and wakes through rt_sched.h).
 *
 * Main invariant: a runnable routine is in exactly one place - a lane (as
 * its `cur`), one lane's runnext slot or local ring, the global queue, the
 * timer heap, or (blocked) a channel's wait list that only chan.c sees.  It
 * moves between places only on the thread that holds it, and every move is
 * recorded as a trace event *before* the routine becomes visible in its new
 * place, so the trace's time order is never contradicted by causality.
 */
#include "config.h"
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "rt_int.h"
#include "runq.h"

_Thread_local rt_lane *rt_tl_lane;
_Thread_local rt_routine *rt_tl_self;
static _Thread_local uint64_t tl_rnd;

uint32_t sched_rand(void)
{
    rt_lane *l = cur_lane();
    return (uint32_t)(xorshift(l != NULL ? &l->rnd : &tl_rnd) >> 16);
}

/* Under rt->mu, before a second lane starts: from now on every lane takes
 * from its queues by CAS, and none is in the middle of a plain take. */
static void solo_end(lanes_rt *rt)
{
    int n;
    if (!atomic_load(&rt->solo))
        return;
    atomic_store(&rt->solo, 0);
    membar_heavy();
    n = atomic_load(&rt->nstarted);
    for (int i = 0; i < n; i++)
        while (atomic_load_explicit(&rt->lanes[i].taking, memory_order_acquire))
            sched_yield();      /* a few instructions, unless the OS took its CPU */
}

/* ---- waking idle lanes ---------------------------------------------------------- */

static int steal_ok(const lanes_rt *rt) { return !(rt->flags & LANES_NO_STEAL); }

/* After making work visible: wakes one idle lane, if any sleeps. */
void wake_idle(lanes_rt *rt)
{
    RT_FENCE(memory_order_seq_cst);
    if (atomic_load_explicit(&rt->nidle, memory_order_relaxed) == 0)
        return;
    pthread_mutex_lock(&rt->mu);
    int n = atomic_load(&rt->nstarted);
    for (int i = 0; i < n; i++) {
        rt_lane *l = &rt->lanes[i];
        if (l->waiting == W_IDLE) {
            l->waiting = W_WOKEN;
            pthread_cond_signal(&l->cv);
            break;
        }
    }
    pthread_mutex_unlock(&rt->mu);
}

/* wake_idle for work that lane l just put on its own queues (or the global
 * one) while it runs.  With one core switched on and l being lane 0 there
 * is no lane that could take it (the others park; raising the count wakes
 * them all), and l itself gets to it: skip the fence. */
static inline void wake_idle_from(rt_lane *l)
{
    lanes_rt *rt = l->rt;
    if (l->idx == 0 && atomic_load_explicit(&rt->ncores, memory_order_relaxed) == 1)
        return;
    wake_idle(rt);
}

/* Under rt->mu. */
void wake_all_locked(lanes_rt *rt)
{
    int n = atomic_load(&rt->nstarted);
    for (int i = 0; i < n; i++)
        pthread_cond_broadcast(&rt->lanes[i].cv);
}

static int ring_chain_only(rt_lane *v, uint32_t h, uint32_t t);

/* Puts r on l's ring as part of its chain (rq_chain0..rq_chain), which
 * thieves leave to l while it keeps switching (ring_takeable); an idle lane
 * is woken for the first of a chain only.  l's own thread. */
static inline void rq_put_chained(rt_lane *l, rt_routine *r)
{
    uint32_t h = atomic_load_explicit(&l->rq_head, memory_order_acquire);
    uint32_t t = atomic_load_explicit(&l->rq_tail, memory_order_relaxed);
    int more = ring_chain_only(l, h, t);
    /* before the tail publishes r: a thief that sees it sees these */
    if (!more)
        atomic_store_explicit(&l->rq_chain0, t, memory_order_relaxed);
    atomic_store_explicit(&l->rq_chain, t + 1, memory_order_relaxed);
    rq_put(l, r);
    if (!more && steal_ok(l->rt))
        wake_idle_from(l);
}

/* ---- putting routines on queues ------------------------------------------- */

/*
 * Puts runnable r at the back of l's local ring, or of the global queue when
 * the ring is full (or, for a stopped routine, when others wait there),
 * recording first `kind`: a WAKE (obj = waker), a SPAWN (obj = parent) or a
 * STOP with reason stop_reason (obj = the queue).  Lane thread only.
 * Inline where a switch waits for it (finish_prev), with traced 0 known
 * there: no event, so no event on the stack either (under ASan that would
 * give every routine a fake stack at its first switch); put_runnable
 * elsewhere.
 */
static inline __attribute__((always_inline)) void
put_runnable_inline(rt_lane *l, rt_routine *r, int kind, uint32_t obj, int32_t stop_reason,
                    int traced)
{
    lanes_rt *rt = l->rt;
    /* A stopped routine goes behind those waiting in the global queue (as
     * Go's do), so a lane never prefers it to them. */
    int q = rq_room(l) && (kind != LANES_EV_STOP || atomic_load(&rt->gq_len) == 0)
          ? LANES_Q_LOCAL : LANES_Q_GLOBAL;
    uint16_t lane = q == LANES_Q_LOCAL ? (uint16_t)l->idx : LANES_NO_LANE;
    if (traced && kind == LANES_EV_STOP)
        emit(rt, l, LANES_EV_STOP, r->id, (uint32_t)q, stop_reason, (uint16_t)l->idx);
    else if (traced)
        emit(rt, l, kind, r->id, obj, q, lane);
    if (q == LANES_Q_LOCAL && kind == LANES_EV_SPAWN) {
        /* A spawn joins the ring's chain (ring_takeable): a spawner that
         * keeps switching runs its children itself; an idle lane is woken
         * for the first of a chain only, to take them if the spawner gets
         * stuck.  A thief taking each child as it appeared made every
         * spawn cross cores (spawn/2 at 1.6x Go's time). */
        rq_put_chained(l, r);
    } else if (q == LANES_Q_LOCAL) {
        rq_put(l, r);
        if (steal_ok(rt))
            wake_idle_from(l);
    } else {
        gq_push(rt, r);
        wake_idle_from(l);
    }
}

void put_runnable(rt_lane *l, rt_routine *r, int kind, uint32_t obj, int32_t stop_reason)
{
    put_runnable_inline(l, r, kind, obj, stop_reason, l->rt->trace_on);
}

/* ---- routines: entering and leaving ----------------------------------------- */

static int switch_direct(rt_lane *l, rt_routine *r, int action);
static void finish_prev(rt_lane *l);

/* Routine context: hands the lane `action` and switches to the lane's
 * scheduler, or for a yield, park or exit straight to the routine the
 * lane would run next (switch_direct).  Returns when the routine is
 * resumed, maybe on another lane; a routine that switched straight to it
 * is then finished here. */
static void switch_out(rt_routine *r, int action)
{
    rt_lane *l = cur_lane();
    RT_ASSERT(l != NULL && l->cur == r);
    r->action = action;
    if (!switch_direct(l, r, action))
        ctx_switch(&r->ctx, &l->sched, action == ACT_EXIT || action == ACT_ABANDON);
    l = cur_lane();
    if (l->prev != NULL)
        finish_prev(l);
}

static void routine_entry(void *p)
{
    rt_routine *r = p;
    rt_lane *l;
    ctx_entered();
    l = cur_lane();
    if (l->prev != NULL)        /* started straight from another routine */
        finish_prev(l);
    r->fn(r->arg);
    switch_out(r, ACT_EXIT);
    RT_ASSERT(!"an exited routine was resumed");
}

/* Lane context: called when l must stop (cores lowered).  Hands `running`
 * (already stopped with a STOP CORES event), runnext and the local ring to
 * the head of the global queue in that order, parks, and returns when the
 * lane is switched on again or the runtime closes. */
static void lane_switch_off(rt_lane *l, rt_routine *running)
{
    lanes_rt *rt = l->rt;
    rt_routine *batch[RQ_SIZE + 2];
    rt_routine *rn;
    int n = 0;

    moving_begin(rt);
    if (running != NULL)
        batch[n++] = running;
    rn = atomic_exchange(&l->runnext, NULL);
    if (rn != NULL)
        batch[n++] = rn;
    n += (int)rq_grab(l, batch + n, 1);
    emit(rt, l, LANES_EV_PARK, 0, 0, n, (uint16_t)l->idx);
    gq_push_head(rt, batch, n);
    moving_end(rt);
    if (n > 0)
        wake_idle(rt);
    census_flush(l);
    home_away(rt, l);

    pthread_mutex_lock(&rt->mu);
    l->permits = 0;             /* a step was for the lanes running then */
    l->tick_paid = 0;
    l->waiting = W_PARKED;
    while (l->idx >= atomic_load(&rt->ncores) && !atomic_load(&rt->closing))
        pthread_cond_wait(&l->cv, &rt->mu);
    l->waiting = W_NONE;
    pthread_mutex_unlock(&rt->mu);
    home_back(l);
    if (!atomic_load(&rt->closing))
        emit(rt, l, LANES_EV_UNPARK, 0, 0, 0, (uint16_t)l->idx);
    l->slice = 0;
}

/* The pause gate.  Returns 1 when it let the lane through on a step permit. */
static __attribute__((noinline)) int gate_slow(rt_lane *l)
{
    lanes_rt *rt = l->rt;
    int stepped = 0;
    pthread_mutex_lock(&rt->mu);
    while (atomic_load(&rt->paused) && l->permits == 0 && !atomic_load(&rt->closing) &&
           l->idx < atomic_load(&rt->ncores)) {
        l->waiting = W_GATE;
        pthread_cond_wait(&l->cv, &rt->mu);
    }
    l->waiting = W_NONE;
    if (atomic_load(&rt->paused) && l->permits > 0 && !atomic_load(&rt->closing) &&
        l->idx < atomic_load(&rt->ncores)) {
        l->permits--;
        stepped = 1;
    }
    pthread_mutex_unlock(&rt->mu);
    l->tick_paid = stepped;
    return stepped;
}

static inline int gate(rt_lane *l)
{
    if (!atomic_load_explicit(&l->rt->paused, memory_order_acquire))
        return 0;
    return gate_slow(l);
}

static int others_runnable(rt_lane *l)
{
    return atomic_load_explicit(&l->runnext, memory_order_relaxed) != NULL ||
           rq_len(l) > 0 ||
           atomic_load_explicit(&l->rt->gq_len, memory_order_relaxed) > 0;
}

/* Routine context, at the end of every tick (lanes_work).  Before the
 * routine leaves its lane or waits at the gate, the lane closes its CPU
 * window (work_cpu_sample): a window never holds time off the lane or
 * paused.  Returns SP_*. */
int sched_safepoint(rt_routine *r)
{
    lanes_rt *rt = r->rt;
    rt_lane *l = cur_lane();
    int q;

    l->slice++;
    l->tick_paid = 0;           /* the permit bought this tick, not the next */
    census_flush(l);            /* before the tick lets a thief take runnext */
    atomic_store_explicit(&l->ticks, atomic_load_explicit(&l->ticks, memory_order_relaxed) + 1,
                          memory_order_release);
    if (!stk_canary_ok(r->stk))     /* every tick too: a long slice is caught early */
        overflow_die(r);
    if (atomic_load_explicit(&l->home.dead, memory_order_relaxed) != NULL)
        home_reclaim(rt, &l->home, &l->cache);      /* see rt_home */
    if (atomic_load_explicit(&rt->closing, memory_order_relaxed)) {
        work_cpu_sample(l, r);
        switch_out(r, ACT_ABANDON);
    }
    if (l->idx >= atomic_load_explicit(&rt->ncores, memory_order_relaxed)) {
        work_cpu_sample(l, r);
        switch_out(r, ACT_CORES);
        return SP_MOVED;
    }
    timers_fire(l);
    pause_due(rt);              /* lanes_pause_at's time: paused below */
    q = atomic_load_explicit(&rt->quantum, memory_order_relaxed);
    if (q > 0 && l->slice >= q && others_runnable(l)) {
        work_cpu_sample(l, r);
        switch_out(r, ACT_PREEMPT);
        return SP_MOVED;
    }
    /* a woken routine waiting in runnext: let an idle lane take it */
    if (atomic_load_explicit(&l->runnext, memory_order_relaxed) != NULL && steal_ok(rt))
        wake_idle(rt);
    if (atomic_load_explicit(&rt->paused, memory_order_relaxed)) {
        work_cpu_sample(l, r);
        gate(l);
        if (atomic_load(&rt->closing))
            switch_out(r, ACT_ABANDON);
        if (l->idx >= atomic_load(&rt->ncores)) {
            switch_out(r, ACT_CORES);
            return SP_MOVED;
        }
        return SP_GATED;
    }
    return SP_STAYED;
}

/*
 * Routine r, `left` iterations before the end of its tick, answers that
 * as a safepoint would, mid-tick: closing abandons it (no return); a
 * pause holds it at the gate until a resume, or until a step's permit
 * lets it finish this tick (its safepoint then waits for the next) - a
 * tick that began on a permit (l->tick_paid) finishes without waiting, so
 * a step is one tick however long its ticks are; a lane switched off meanwhile hands it on; a new speed scales what is
 * left.  Runtime time stays exact: it is the clock's, frozen while
 * paused.  The lane's CPU window closes before r waits or leaves, and
 * opens again where it goes on (as around a safepoint).  Returns what is
 * left, *iters the tick's length now.
 */
__attribute__((noinline)) uint64_t sched_tick_interrupt(rt_routine *r, uint64_t left,
                                                        uint64_t *iters)
{
    lanes_rt *rt = r->rt;
    int how = SP_STAYED;
    uint64_t now;
    for (;;) {
        rt_lane *l = cur_lane();
        if (atomic_load(&rt->closing)) {
            if (how == SP_STAYED)
                work_cpu_sample(l, r);
            switch_out(r, ACT_ABANDON);
        }
        if (l->idx >= atomic_load(&rt->ncores)) {
            if (how == SP_STAYED)
                work_cpu_sample(l, r);
            switch_out(r, ACT_CORES);   /* back on some lane: look again */
            how = SP_MOVED;
        } else if (!atomic_load(&rt->paused) || l->tick_paid) {
            break;              /* running, or this tick was stepped: finish it */
        } else {
            if (how == SP_STAYED)
                work_cpu_sample(l, r);
            how = SP_GATED;
            if (gate(l))
                break;                  /* a step's permit */
        }
    }
    if (how != SP_STAYED)
        work_cpu_resume(r, how);
    now = atomic_load_explicit(&rt->iters_per_tick, memory_order_relaxed);
    if (now != *iters) {
        left = (uint64_t)(((unsigned __int128)left * now) / *iters);
        *iters = now;
    }
    return left;
}

/* ---- finding work ------------------------------------------------------------ */

/* Whether v's ring, head h to tail t, holds routines and all of them were
 * pushed out of runnext or spawned there: the run rq_chain0..rq_chain reaches from at or
 * before the head to the tail.  Read after t (acquire), the run is at least
 * as new as t; newer, it no longer ends at t and the answer is no, which
 * only lets a thief take a chain at once for that moment. */
static int ring_chain_only(rt_lane *v, uint32_t h, uint32_t t)
{
    uint32_t c0 = atomic_load_explicit(&v->rq_chain0, memory_order_relaxed);
    uint32_t c = atomic_load_explicit(&v->rq_chain, memory_order_relaxed);
    return t != h && c == t && h - c0 < t - c0;
}

/* The lane made a scheduling decision: say so to thieves (ring_takeable). */
static inline void switches_publish(rt_lane *l)
{
    atomic_store_explicit(&l->switches, l->schedtick, memory_order_relaxed);
}

enum { RING_EMPTY, RING_TAKE, RING_WAIT };

/*
 * May thief l take from v's ring now?  Routines a channel partner woke
 * stay with the partner's lane: the newest in its runnext, the ones it
 * pushed out of runnext in its ring (Go keeps thieves off runnext for
 * 3 us, but a fan-in pushes one routine out of runnext per message).  A
 * thief that took those at once would run each for one send and park it
 * again: every message would cross cores, and while the thief spins for
 * the next one, a fan-in stays that way (select/2 ran at a quarter of its
 * one-lane rate).  So a ring of nothing but such routines l takes from only
 * once v has made no scheduling decision for CHAIN_WAIT_NS and CHAIN_LOOKS
 * looks of l: v is stuck in a long routine.  (Three looks: stepped, two
 * looks in a row may fall after and before v's one decision of two steps;
 * three span a whole step.)  A lane that keeps switching gets to its ring
 * within RUNNEXT_STREAK decisions.  Spawned routines join the chain too
 * (put_runnable_inline): taken one by one as they appeared, each spawn
 * crossed cores.  A ring with other routines in it (yielded, preempted,
 * woken by a timer) is taken from at once.  *now: mono ns, read once per
 * look (0 until needed).
 */
static int ring_takeable(rt_lane *l, rt_lane *v, uint64_t *now)
{
    uint32_t h = atomic_load_explicit(&v->rq_head, memory_order_acquire);
    uint32_t t = atomic_load_explicit(&v->rq_tail, memory_order_acquire);
    uint32_t sw;

    if (t == h)
        return RING_EMPTY;
    if (!ring_chain_only(v, h, t))
        return RING_TAKE;
    if (*now == 0)
        *now = mono_ns();
    sw = atomic_load_explicit(&v->switches, memory_order_relaxed);
    if (sw != l->seen_sw[v->idx] || l->seen_at[v->idx] == 0) {
        l->seen_sw[v->idx] = sw;
        l->seen_at[v->idx] = *now;
        l->seen_n[v->idx] = 1;
        return RING_WAIT;
    }
    if (l->seen_n[v->idx] < CHAIN_LOOKS)
        l->seen_n[v->idx]++;
    return l->seen_n[v->idx] >= CHAIN_LOOKS && *now - l->seen_at[v->idx] >= CHAIN_WAIT_NS
         ? RING_TAKE : RING_WAIT;
}

/* Takes half of a random victim's queue: the oldest runs now, the rest go
 * to this lane's (empty) ring, each with a STEAL event. */
static rt_routine *steal(rt_lane *l)
{
    lanes_rt *rt = l->rt;
    rt_routine *buf[RQ_SIZE];
    int n = atomic_load(&rt->nstarted);
    uint32_t start;
    uint64_t now = 0;

    if (n < 2 || !steal_ok(rt))
        return NULL;
    start = (uint32_t)(xorshift(&l->rnd) % (uint64_t)n);
    for (int i = 0; i < n; i++) {
        rt_lane *v = &rt->lanes[(start + (uint32_t)i) % (uint32_t)n];
        uint32_t k;
        if (v == l)
            continue;
        k = 0;
        if (ring_takeable(l, v, &now) == RING_TAKE) {
            moving_begin(rt);
            k = rq_grab(v, buf, 0);
            if (k <= 1)
                moving_end(rt);     /* none to put on this lane's ring */
        }
        if (k == 0) {
            /* runnext only once it has waited a whole tick of its lane */
            rt_routine *rn = atomic_load(&v->runnext);
            if (rn != NULL && atomic_load(&v->ticks) != atomic_load(&v->runnext_stamp) &&
                atomic_compare_exchange_strong(&v->runnext, &rn, NULL)) {
                buf[0] = rn;
                k = 1;
            }
        }
        if (k == 0)
            continue;
        emit(rt, l, LANES_EV_STEAL, buf[0]->id, (uint32_t)v->idx, LANES_Q_STEAL, (uint16_t)l->idx);
        if (k > 1) {
            /* The rest go to this lane's (empty) ring as a chain: taken
             * from another ring, they stay here while this lane keeps
             * switching.  Else two lanes that run dry in turn would steal
             * them back and forth, keeping each other's ring mixed and so
             * open to thieves: a fan-in's producers crossed cores that way
             * every few messages. */
            uint32_t t = atomic_load_explicit(&l->rq_tail, memory_order_relaxed);
            atomic_store_explicit(&l->rq_chain0, t, memory_order_relaxed);
            atomic_store_explicit(&l->rq_chain, t + k - 1, memory_order_relaxed);
        }
        for (uint32_t j = 1; j < k; j++) {
            emit(rt, l, LANES_EV_STEAL, buf[j]->id, (uint32_t)v->idx, LANES_Q_LOCAL,
                 (uint16_t)l->idx);
            rq_put(l, buf[j]);
        }
        if (k > 1) {
            moving_end(rt);
            wake_idle(rt);
        }
        return buf[0];
    }
    return NULL;
}

/* rtdebug.h's sched_set_move_delay: widens gq_take's move for tests. */
static __attribute__((noinline, cold)) void move_delay(lanes_rt *rt)
{
    uint64_t ns = atomic_load_explicit(&rt->move_delay_ns, memory_order_relaxed);
    nanosleep(&(struct timespec){ (time_t)(ns / 1000000000u), (long)(ns % 1000000000u) }, NULL);
}

/*
 * Takes from the global queue (after Go's globrunqget): the head to run,
 * and with it the lane's share of the rest (the queue over the lanes
 * switched on, up to half a ring and the room there) into its ring, each
 * with a MOVE event before it is there.  Routines started from a plain
 * thread all begin in the global queue; taken one at a time, two that
 * yield to each other would pass through its lock at every switch (a
 * stopped routine queues behind those waiting there), where taken
 * together they switch straight to each other like routines a routine
 * started.  Lane thread.
 */
static rt_routine *gq_take(rt_lane *l)
{
    lanes_rt *rt = l->rt;
    rt_routine *buf[RQ_SIZE / 2];
    int len = atomic_load_explicit(&rt->gq_len, memory_order_acquire);
    int cores = atomic_load_explicit(&rt->ncores, memory_order_relaxed);
    int want, room, n;

    if (len <= 0)
        return NULL;
    want = len / (cores > 0 ? cores : 1) + 1;
    room = RQ_SIZE - (int)rq_len(l) + 1;        /* thieves only make more */
    if (want > room)
        want = room;
    if (want > RQ_SIZE / 2)
        want = RQ_SIZE / 2;
    if (want == 1)
        return gq_pop_n(rt, buf, 1) > 0 ? buf[0] : NULL;
    moving_begin(rt);
    n = gq_pop_n(rt, buf, want);
    if (n > 1 && atomic_load_explicit(&rt->move_delay_ns, memory_order_relaxed) != 0)
        move_delay(rt);
    for (int i = 1; i < n; i++) {
        emit(rt, l, LANES_EV_MOVE, buf[i]->id, LANES_Q_GLOBAL, LANES_Q_LOCAL, (uint16_t)l->idx);
        rq_put(l, buf[i]);
    }
    moving_end(rt);
    if (n > 1 && steal_ok(rt))
        wake_idle_from(l);
    return n > 0 ? buf[0] : NULL;
}

static rt_routine *find_runnable(rt_lane *l, int *from)
{
    rt_routine *r;

    l->schedtick++;
    switches_publish(l);
    if (l->schedtick % GLOBAL_EVERY == 0 && (r = gq_take(l)) != NULL) {
        *from = LANES_Q_GLOBAL;
        return r;
    }
    /* a chain of wakes through runnext (a ping-pong) must not starve the
     * ring: after RUNNEXT_STREAK of them the ring's head goes first */
    if (l->rn_streak >= RUNNEXT_STREAK && (r = rq_get(l)) != NULL) {
        l->rn_streak = 0;
        *from = LANES_Q_LOCAL;
        return r;
    }
    if ((r = runnext_take(l)) != NULL) {
        l->rn_streak = rq_len(l) > 0 ? l->rn_streak + 1 : 0;
        *from = LANES_Q_RUNNEXT;
        return r;
    }
    if ((r = rq_get(l)) != NULL) {
        l->rn_streak = 0;
        *from = LANES_Q_LOCAL;
        return r;
    }
    if ((r = gq_take(l)) != NULL) {
        *from = LANES_Q_GLOBAL;
        return r;
    }
    if ((r = steal(l)) != NULL) {
        *from = LANES_Q_STEAL;
        return r;
    }
    return NULL;
}

/* Is there anything this lane could take?  Timers count when due.  A ring
 * whose chain l may not take yet sets *waiting (when not NULL). */
static int work_visible(rt_lane *l, int *waiting)
{
    lanes_rt *rt = l->rt;
    uint64_t next;
    if (atomic_load(&rt->gq_len) > 0 || rq_len(l) > 0 || atomic_load(&l->runnext) != NULL)
        return 1;
    if (steal_ok(rt)) {
        int n = atomic_load(&rt->nstarted);
        uint64_t now = 0;
        for (int i = 0; i < n; i++) {
            int k;
            if (&rt->lanes[i] == l)
                continue;
            k = ring_takeable(l, &rt->lanes[i], &now);
            if (k == RING_TAKE)
                return 1;
            if (k == RING_WAIT && waiting != NULL)
                *waiting = 1;
        }
    }
    next = atomic_load(&rt->timer_next);
    return next != NO_TIMER && next <= lanes_now(rt);
}

/* Sleeps until woken, the next timer is due, or - while another lane's
 * ring holds a chain l may not take yet - it is time to look again
 * (l->polled), at intervals doubling while that lane keeps serving it. */
static void idle_sleep(rt_lane *l)
{
    lanes_rt *rt = l->rt;
    int waiting = 0, polled = 0;
    home_away(rt, l);
    pthread_mutex_lock(&rt->mu);
    l->waiting = W_IDLE;
    atomic_fetch_add(&rt->nidle, 1);
    RT_FENCE(memory_order_seq_cst);
    if (!atomic_load(&rt->closing) && !atomic_load(&rt->paused) &&
        l->idx < atomic_load(&rt->ncores) && !work_visible(l, &waiting)) {
        uint64_t dl = atomic_load(&rt->timer_next), wall = NO_TIMER, look = NO_TIMER;
        if (dl != NO_TIMER) {
            clk_snap c;
            clk_read(rt, &c);
            wall = dl > c.base_rt
                 ? c.base_mono + (uint64_t)(((unsigned __int128)(dl - c.base_rt) * c.tick) / 1000u) + 1000
                 : 0;
        }
        if (waiting) {
            look = mono_ns() + (l->poll_ns != 0 ? l->poll_ns : CHAIN_WAIT_NS);
            if (look < wall)
                wall = look;
            else
                look = NO_TIMER;
        }
        if (wall == NO_TIMER) {
            pthread_cond_wait(&l->cv, &rt->mu);
        } else if (wall > mono_ns()) {
            struct timespec ts = abs_mono(trace_mono_of(wall));
            pthread_cond_timedwait(&l->cv, &rt->mu, &ts);
        }
        polled = look != NO_TIMER && l->waiting == W_IDLE && mono_ns() >= look;
    }
    if (polled) {
        uint64_t p = l->poll_ns != 0 ? l->poll_ns : CHAIN_WAIT_NS;
        l->poll_ns = p * 2 < POLL_MAX_NS ? p * 2 : POLL_MAX_NS;
    } else {
        l->poll_ns = 0;
    }
    l->polled = polled;
    atomic_fetch_sub(&rt->nidle, 1);
    l->waiting = W_NONE;
    pthread_mutex_unlock(&rt->mu);
    home_back(l);
}

/* After a stepped look that found nothing: waits until no lane is moving
 * routines (lanes_rt.moving), then says whether any move began or ended
 * since *seen (read before the look), which it updates: if so, a look now
 * may find what the last one missed.  The acquire fence pairs with
 * moving_begin's release fence: a look that missed routines because a
 * take had emptied their place sees that take's begin. */
static __attribute__((noinline)) int moves_since(lanes_rt *rt, uint64_t *seen)
{
    uint64_t m;
    RT_FENCE(memory_order_acquire);
    while ((uint32_t)(m = atomic_load_explicit(&rt->moving, memory_order_acquire)) != 0)
        sched_yield();
    if (m == *seen)
        return 0;
    *seen = m;
    return 1;
}

/* Lane context: the next routine to run, blocking while there is none;
 * NULL when the runtime closes. */
static rt_routine *find_work(rt_lane *l, int *from)
{
    lanes_rt *rt = l->rt;
    for (;;) {
        int stepped;
        uint64_t moves;
        rt_routine *r;
        if (atomic_load(&rt->closing))
            return NULL;
        if (l->idx >= atomic_load(&rt->ncores)) {
            lane_switch_off(l, NULL);
            continue;
        }
        stepped = 0;
        if (atomic_load_explicit(&rt->paused, memory_order_acquire)) {
            census_flush(l);    /* exits: before this lane may wait */
            stepped = gate_slow(l);
            if (atomic_load(&rt->closing) || l->idx >= atomic_load(&rt->ncores))
                continue;
            if (!stepped && atomic_load(&rt->paused))
                continue;
        }
        moves = stepped ? atomic_load_explicit(&rt->moving, memory_order_acquire) : 0;
        do {
            timers_fire(l);
            if ((r = find_runnable(l, from)) != NULL) {
                l->polled = 0;
                l->poll_ns = 0;
                return r;       /* its exits stay due: a thief that finds
                                   work at once touches no shared line */
            }
            /* stepped, nothing to run is this step's decision - unless
             * other lanes moved routines meanwhile: then look again */
        } while (stepped && moves_since(rt, &moves));
        census_flush(l);        /* exits: before this lane may wait */
        if (stepped)
            continue;
        /* after a look at a chain that found its lane still serving it,
         * straight back to sleep: spinning would only watch it do so */
        if (!l->polled) {
            for (int i = 0; i < SPIN_ROUNDS; i++) {
                for (int k = 0; k < 50; k++)
                    cpu_relax();
                if (work_visible(l, NULL) || atomic_load(&rt->paused))
                    break;
            }
            if (work_visible(l, NULL))
                continue;
        }
        idle_sleep(l);
    }
}

static void finish_stop(rt_lane *l, rt_routine *r);

/* Lane context: runs r until it switches out, then does what it asked. */
static void run(rt_lane *l, rt_routine *r, int from)
{
    lanes_rt *rt = l->rt;
    int cpu = -1;

    if (from != LANES_Q_RUNNEXT)
        l->slice = 0;           /* a woken routine inherits its waker's slice */
    RT_ASSERT(r->rt == rt && l->cur == NULL);
#ifdef LANES_DEBUG
    {   /* deep check: no other lane can be starting r at this moment */
        int exp = RS_RUNNABLE;
        RT_ASSERT(atomic_compare_exchange_strong(&r->state, &exp, RS_RUNNING));
    }
#else
    RT_ASSERT(atomic_load_explicit(&r->state, memory_order_relaxed) == RS_RUNNABLE);
    set_state(&r->state, RS_RUNNING);
#endif
    l->cur = r;
#ifdef HAVE_SCHED_GETCPU
    if (rt->trace_on)
        cpu = sched_getcpu();
#endif
    emit(rt, l, LANES_EV_RUN, r->id, (uint32_t)cpu, from, (uint16_t)l->idx);
    set_self(r);
    ctx_switch(&l->sched, &r->ctx, 0);
    set_self(NULL);
    r = l->cur;                 /* r may have handed the lane to others (switch_direct) */
    RT_ASSERT(r != NULL && l->prev == NULL);
    l->cur = NULL;
    if (!stk_canary_ok(r->stk))
        overflow_die(r);

    if (r->action == ACT_CORES) {
        census_flush(l);
        set_state(&r->state, RS_RUNNABLE);
        emit(rt, l, LANES_EV_STOP, r->id, LANES_Q_GLOBAL, LANES_STOP_CORES, (uint16_t)l->idx);
        lane_switch_off(l, r);
    } else if (r->action != ACT_ABANDON) {  /* closing: lanes_close frees it */
        finish_stop(l, r);
    } else {
        census_flush(l);
    }
}

/* After r switched out (its registers saved, no lane on its stack), on the
 * lane's thread: what r asked for by yielding, sleeping, parking or
 * exiting.  From run(), or from the routine r switched straight to. */
static void finish_stop(rt_lane *l, rt_routine *r)
{
    lanes_rt *rt = l->rt;
    int64_t due = l->census_due;    /* r's wakes: paid before r is anywhere else */

    l->census_due = 0;
    if (due != 0 && r->action != ACT_PARK)
        census_add(rt, (uint64_t)due);
    switch (r->action) {
    case ACT_YIELD:
    case ACT_PREEMPT:
        set_state(&r->state, RS_RUNNABLE);
        put_runnable(l, r, LANES_EV_STOP, 0,
                     r->action == ACT_YIELD ? LANES_STOP_YIELD : LANES_STOP_PREEMPT);
        break;
    case ACT_SLEEP:
        emit(rt, l, LANES_EV_STOP, r->id, r->act_obj, LANES_STOP_SLEEP, (uint16_t)l->idx);
        set_state(&r->state, RS_SLEEPING);
        r->wake_at = lanes_now(rt) + (uint64_t)r->act_obj * 1000u;
        timer_add(rt, r);
        break;
    case ACT_PARK:
        /* r's registers are saved and no lane is on its stack: now the
         * channel may let a waker see it */
        emit(rt, l, LANES_EV_STOP, r->id, r->act_obj, r->act_arg, (uint16_t)l->idx);
        /* blocked from now: after its STOP, so a DEADLOCK event always
         * follows it; with the lane's unpaid exits, so a deadlock's last
         * park leaves this lane's share exact */
        if (due + 1 != 0 || l->exits_due != 0) {
            uint64_t d = (uint64_t)(due + 1) - (uint64_t)l->exits_due * LIVE1;
            l->exits_due = 0;
            census_add(rt, d);
        }
        r->unlock(r->unlock_arg);
        break;
    case ACT_EXIT:
        emit(rt, l, LANES_EV_STOP, r->id, 0, LANES_STOP_EXIT, (uint16_t)l->idx);
        set_state(&r->state, RS_DEAD);
        atomic_store_explicit(&r->stk->owner, 0, memory_order_relaxed);    /* id free */
        ctx_free(&r->ctx);
        l->exits_due++;         /* see census */
        home_release(l, r);     /* frees r, now or later */
        break;
    default:
        RT_ASSERT(!"unknown action");
    }
}

/*
 * Routine context, r switching out to yield, park or exit: when the lane
 * has nothing to do first (no pause, close, core change or timer; no look
 * at the global queue due; for a yield, nobody waiting in the global
 * queue, which r would have to queue behind) and the routine it would run
 * next is in its runnext slot or ring, switches from r straight to that
 * one: one switch instead of two through the lane's context.  The same
 * choice find_runnable makes.  The routine resumed finishes r's switch-out
 * on its own stack (finish_prev), so r's registers are saved and no lane
 * is on r's stack before anyone else can see r, and the events come in
 * the same order as the lane's way.  0: take the lane's way.
 */
static int switch_direct(rt_lane *l, rt_routine *r, int action)
{
    lanes_rt *rt = l->rt;
    rt_routine *n = NULL;
    int from;

    if ((action != ACT_YIELD && action != ACT_PARK && action != ACT_EXIT) ||
        atomic_load_explicit(&rt->paused, memory_order_relaxed) ||
        atomic_load_explicit(&rt->closing, memory_order_relaxed) ||
        l->idx >= atomic_load_explicit(&rt->ncores, memory_order_relaxed) ||
        atomic_load_explicit(&rt->timer_next, memory_order_relaxed) != NO_TIMER ||
        (l->schedtick + 1) % GLOBAL_EVERY == 0 ||
        (action == ACT_YIELD && atomic_load_explicit(&rt->gq_len, memory_order_relaxed) > 0))
        return 0;
    if (l->rn_streak >= RUNNEXT_STREAK && (n = rq_get(l)) != NULL) {
        l->rn_streak = 0;
        from = LANES_Q_LOCAL;
    } else if ((n = runnext_take(l)) != NULL) {
        l->rn_streak = rq_len(l) > 0 ? l->rn_streak + 1 : 0;
        from = LANES_Q_RUNNEXT;
    } else if ((n = rq_get(l)) != NULL) {
        l->rn_streak = 0;
        from = LANES_Q_LOCAL;
    } else {
        return 0;
    }
    if (!stk_canary_ok(r->stk))
        overflow_die(r);
    l->schedtick++;
    switches_publish(l);
    if (from != LANES_Q_RUNNEXT)
        l->slice = 0;           /* a woken routine inherits its waker's slice */
    RT_ASSERT(n->rt == rt && atomic_load_explicit(&n->state, memory_order_relaxed) == RS_RUNNABLE);
    set_state(&n->state, RS_RUNNING);
    l->prev = r;
    l->prev_from = from;
    l->cur = n;
    set_self(n);
    ctx_switch(&r->ctx, &n->ctx, action == ACT_EXIT);
    return 1;
}

/* The lane-context half of a direct switch, on the new routine's stack:
 * what run() does after its switch back, then the RUN of the new one. */
static __attribute__((noinline)) void finish_prev_slow(rt_lane *l, rt_routine *p)
{
    lanes_rt *rt = l->rt;
    rt_routine *r = l->cur;
    int cpu = -1;

    /* p's STOP and r's RUN: one stamp.  Their causes are all in this
     * lane's ring: p ran here; r came from this lane's runnext or local
     * ring, which only this lane fills (a WAKE, STOP, SPAWN or STEAL of
     * r in this ring).  So the clock need not wait (trace_now_local). */
    l->tb_hold = rt->trace_on ? TB_HOLD_LOCAL : TB_NONE;
    finish_stop(l, p);
#ifdef HAVE_SCHED_GETCPU
    if (rt->trace_on)
        cpu = sched_getcpu();
#endif
    emit(rt, l, LANES_EV_RUN, r->id, (uint32_t)cpu, l->prev_from, (uint16_t)l->idx);
    emit_release(l);
}

/* A yield with no census debt and no trace is the hot case (switch/1):
 * there finish_stop's ACT_YIELD arm and the RUN event and trace batch
 * (nothing without a trace) come down to this, inline, with no frame to
 * build.  Keep the two alike. */
static inline void finish_prev(rt_lane *l)
{
    rt_routine *p = l->prev;
    l->prev = NULL;
    if (p->action == ACT_YIELD && l->census_due == 0 && !l->rt->trace_on) {
        set_state(&p->state, RS_RUNNABLE);
        put_runnable_inline(l, p, LANES_EV_STOP, 0, LANES_STOP_YIELD, 0);
        return;
    }
    finish_prev_slow(l, p);
}

/* ---- lanes ------------------------------------------------------------------ */

static void *lane_main(void *p)
{
    rt_lane *l = p;
    lanes_rt *rt = l->rt;
    int from;
    rt_routine *r;

    rt_tl_lane = l;
    l->rnd = 0x2545f4914f6cdd1dull * (uint64_t)(l->idx + 1) ^ mono_ns();
    ctx_init_thread(&l->sched);
    l->altstack = stk_altstack_on();
    os_pin(l);
    emit(rt, l, LANES_EV_UNPARK, 0, 0, 0, (uint16_t)l->idx);
    while ((r = find_work(l, &from)) != NULL)
        run(l, r, from);
    home_away(rt, l);
    stk_cache_drain(&rt->stacks, &l->cache);
    cpu_lane_fini(&l->cpu);
    stk_altstack_off(l->altstack);
    rt_tl_lane = NULL;
    return NULL;
}

/* Under rt->mu. */
int start_lane(lanes_rt *rt, int i)
{
    rt_lane *l = &rt->lanes[i];
    int err;
    if (l->started)
        return 0;
    /* a lane whose thread could not be created before keeps its ring: the
     * consumer may be reading it already */
    if (rt->trace_rings && l->ring.w == NULL) {
        if (trace_ring_init(&l->ring, rt->trace_cap) != 0)
            return -ENOMEM;
    }
    /* The consumer must see the ring before the lane's first event, or it
     * could merge later events before that one. */
    if (rt->trace_rings)
        atomic_store_explicit(&rt->rings[i], &l->ring, memory_order_release);
    if (i > 0)
        solo_end(rt);           /* before anyone can steal */
    if (atomic_load(&rt->nstarted) < i + 1)
        atomic_store(&rt->nstarted, i + 1);
    err = pthread_create(&l->thr, NULL, lane_main, l);
    if (err != 0)
        return -err;    /* ring and index stay: an empty lane nobody runs */
    l->started = 1;
    return 0;
}

/* ---- inside a routine -------------------------------------------------------- */

void lanes_yield(void)
{
    rt_routine *r = cur_self();
    if (r == NULL) {
        sched_yield();
        return;
    }
    switch_out(r, ACT_YIELD);
}

void lanes_sleep(int ticks)
{
    rt_routine *r = cur_self();
    if (r == NULL)
        return;
    if (ticks <= 0) {
        switch_out(r, ACT_YIELD);
        return;
    }
    r->act_obj = (uint32_t)ticks;
    switch_out(r, ACT_SLEEP);
}

int lanes_self(void)
{
    rt_routine *r = cur_self();
    return r != NULL ? (int)r->id : 0;
}

lanes_rt *lanes_self_rt(void)
{
    rt_routine *r = cur_self();
    return r != NULL ? r->rt : NULL;
}

/* ---- rt_sched.h --------------------------------------------------------------- */

rt_routine *sched_self(void) { return cur_self(); }
uint32_t sched_routine_id(const rt_routine *r) { return r->id; }
lanes_rt *sched_routine_rt(const rt_routine *r) { return r->rt; }

void sched_park(int reason, uint32_t chan_id, int op, void (*unlock)(void *), void *arg)
{
    rt_routine *r = cur_self();
    RT_ASSERT(r != NULL);
    RT_ASSERT(unlock != NULL);
    r->act_arg = reason;
    r->act_obj = chan_id;
    r->unlock = unlock;
    r->unlock_arg = arg;
    if (!r->listed) {           /* its first park: see rt_home */
        home_lock(r->home);
        home_link(r->home, r);
        home_unlock(r->home);
        r->listed = 1;
    }
    /* plain stores (a seq_cst one is a locked instruction on x86): the
     * release of RS_BLOCKED publishes them to lanes_blocked_list */
    atomic_store_explicit(&r->block_chan, chan_id, memory_order_relaxed);
    atomic_store_explicit(&r->block_op, op, memory_order_relaxed);
    atomic_store_explicit(&r->state, RS_BLOCKED, memory_order_release);
    switch_out(r, ACT_PARK);
}

void sched_ready(rt_routine *r)
{
    lanes_rt *rt = r->rt;
    rt_lane *l = cur_lane();
    rt_routine *me = cur_self();
    uint32_t waker = me != NULL ? me->id : 0;

    RT_ASSERT(atomic_load(&r->state) == RS_BLOCKED);
    set_state(&r->state, RS_RUNNABLE);
    if (l != NULL && l->rt == rt &&
        (atomic_load_explicit(&l->runnext, memory_order_relaxed) == NULL || rq_room(l))) {
        /* Only this lane makes runnext non-empty, thieves only empty it: an
         * empty slot takes a plain (release) store, a full one an exchange
         * (a thief may take the old one meanwhile). */
        rt_routine *old = atomic_load_explicit(&l->runnext, memory_order_relaxed);
        if (old == NULL && me != NULL && atomic_load(&rt->nstarted) == 1) {
            l->census_due--;    /* r cannot run before `me` stops: see census */
        } else {
            /* the old one goes to the ring, where it may run at once */
            census_add(rt, (uint64_t)(l->census_due - 1));
            l->census_due = 0;
        }
        emit(rt, l, LANES_EV_WAKE, r->id, waker, LANES_Q_RUNNEXT, (uint16_t)l->idx);
        atomic_store_explicit(&l->runnext_stamp,
                              atomic_load_explicit(&l->ticks, memory_order_relaxed),
                              memory_order_relaxed);
        if (old == NULL)
            atomic_store_explicit(&l->runnext, r, memory_order_release);
        else
            old = atomic_exchange_explicit(&l->runnext, r, memory_order_acq_rel);
        /* The one pushed out (the exchange says who: a thief may have
         * taken it meanwhile) is recorded before it joins the ring, in
         * the WAKE's batch: every move has its event. */
        if (old != NULL)
            emit(rt, l, LANES_EV_MOVE, old->id, LANES_Q_RUNNEXT, LANES_Q_LOCAL, (uint16_t)l->idx);
        emit_release(l);
        /* No idle lane is woken for r itself: no thief may take runnext
         * before this lane passes a tick, and the safepoint of that tick
         * wakes one.  The old one goes to the ring, to the chain there
         * (rq_chain0..rq_chain), which thieves leave to this lane while it
         * keeps switching (ring_takeable).  An idle lane is woken for the
         * first of a chain only, to watch for this lane getting stuck (it
         * then looks again by itself): a fan-in pushes one out per message,
         * and a futex call each would halve its rate. */
        if (old != NULL)
            rq_put_chained(l, old);
        return;
    }
    census_add(rt, (uint64_t)-1);
    if (l != NULL && l->rt != rt)
        l = NULL;
    emit(rt, l, LANES_EV_WAKE, r->id, waker, LANES_Q_GLOBAL, LANES_NO_LANE);
    if (l != NULL)
        emit_release(l);
    gq_push(rt, r);
    wake_idle(rt);
}

int lanes_go(lanes_rt *rt, const char *name, void (*fn)(void *), void *arg)
{
    rt_lane *l = cur_lane();
    rt_routine *me = cur_self();
    stk_node *s;
    rt_routine *r;
    uint32_t id;

    if (rt == NULL || fn == NULL)
        return -EINVAL;
    if (atomic_load(&rt->closing))
        return -ESHUTDOWN;
    if (l != NULL && l->rt != rt)
        l = NULL;
    /* children that exited on other lanes give their stacks back first */
    if (l != NULL && l->cache.head == NULL &&
        atomic_load_explicit(&l->home.dead, memory_order_relaxed) != NULL)
        home_reclaim(rt, &l->home, &l->cache);
    s = stk_get(&rt->stacks, l != NULL ? &l->cache : NULL);
    if (s == NULL)
        return -ENOMEM;
    r = routine_of(s);
    memset(r, 0, sizeof *r);
    r->rt = rt;
    r->stk = s;
    r->fn = fn;
    r->arg = arg;
    r->id = ids_new(&rt->ids, name, &s->owner, &r->name);
    ctx_make(&r->ctx, s->lo, (size_t)((char *)r - (char *)s->lo), routine_entry, r);
    set_state(&r->state, RS_RUNNABLE);

    r->home = l != NULL ? &l->home : &rt->plain;
    if (l != NULL && l->exits_due > 0)
        l->exits_due--;         /* live already counts one more: see census */
    else
        census_add(rt, LIVE1);

    /* Once queued, r may run, exit and have its stack (and so its struct)
     * reused by another lanes_go before we return: keep the id. */
    id = r->id;
    if (l != NULL) {
        put_runnable(l, r, LANES_EV_SPAWN, me != NULL ? me->id : 0, 0);
    } else {
        emit(rt, NULL, LANES_EV_SPAWN, id, me != NULL ? me->id : 0, LANES_Q_GLOBAL,
             LANES_NO_LANE);
        gq_push(rt, r);
        wake_idle(rt);
    }
    return (int)id;
}
