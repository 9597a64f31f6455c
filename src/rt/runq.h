/*
 * runq.h - the run queues (after Go's runq): each lane's ring and runnext
 * slot, the solo take, and the global queue.  Static inlines: the switch
 * path takes from and puts on these, and must not pay a call for it.
 * Included by the scheduler (sched.c) alone.
 *
 * Owns no state (the queues live in rt_lane and lanes_rt); must not touch
 * a routine beyond its queue link.  Invariant: only a ring's lane adds to
 * it (at the tail) and only its lane fills runnext; thieves only take.
 */
#ifndef LANES_RUNQ_H
#define LANES_RUNQ_H

#include "rt_int.h"

static inline uint32_t rq_len(rt_lane *l)
{
    uint32_t h = atomic_load_explicit(&l->rq_head, memory_order_acquire);
    uint32_t t = atomic_load_explicit(&l->rq_tail, memory_order_acquire);
    return t - h;
}

/* Owner only. */
static inline int rq_room(rt_lane *l)
{
    uint32_t h = atomic_load_explicit(&l->rq_head, memory_order_acquire);
    uint32_t t = atomic_load_explicit(&l->rq_tail, memory_order_relaxed);
    return t - h < RQ_SIZE;
}

/* Owner only; the caller checked rq_room (thieves only ever make room). */
static inline void rq_put(rt_lane *l, rt_routine *r)
{
    uint32_t h = atomic_load_explicit(&l->rq_head, memory_order_acquire);
    uint32_t t = atomic_load_explicit(&l->rq_tail, memory_order_relaxed);
    RT_ASSERT(t - h < RQ_SIZE);
    atomic_store_explicit(&l->rq[t % RQ_SIZE], r, memory_order_relaxed);
    atomic_store_explicit(&l->rq_tail, t + 1, memory_order_release);
}

/*
 * A lane takes from its own ring and runnext.  Thieves take from them by
 * CAS (ring head) or compare-and-swap (runnext), so the owner must too: a
 * locked instruction per switch.  While rt->solo, no thief exists, and
 * the owner takes with plain loads and stores, between these two:
 *
 *   owner:    taking = 1; (compiler barrier) solo?  -> plain take; taking = 0
 *   starter:  solo = 0; membarrier; wait until taking == 0     (solo_end)
 *
 * The starter's membarrier makes the owner pass a full barrier, so either
 * the owner's "solo?" already reads 0 (it takes by CAS), or its "taking"
 * store is visible after the membarrier and the starter waits for that
 * take to end.  Only after that may the second lane start, and steal.
 */
static inline int solo_take_begin(rt_lane *l)
{
    if (!atomic_load_explicit(&l->rt->solo, memory_order_relaxed))
        return 0;
    atomic_store_explicit(&l->taking, 1, memory_order_relaxed);
    atomic_signal_fence(memory_order_seq_cst);     /* the starter's membarrier does the rest */
    if (atomic_load_explicit(&l->rt->solo, memory_order_relaxed))
        return 1;
    atomic_store_explicit(&l->taking, 0, memory_order_relaxed);
    return 0;
}

static inline void solo_take_end(rt_lane *l)
{
    atomic_store_explicit(&l->taking, 0, memory_order_release);
}

/* Owner only. */
static inline rt_routine *rq_get(rt_lane *l)
{
    if (solo_take_begin(l)) {
        uint32_t h = atomic_load_explicit(&l->rq_head, memory_order_relaxed);
        uint32_t t = atomic_load_explicit(&l->rq_tail, memory_order_relaxed);
        rt_routine *r = NULL;
        if (t != h) {
            r = atomic_load_explicit(&l->rq[h % RQ_SIZE], memory_order_relaxed);
            atomic_store_explicit(&l->rq_head, h + 1, memory_order_release);
        }
        solo_take_end(l);
        return r;
    }
    for (;;) {
        uint32_t h = atomic_load_explicit(&l->rq_head, memory_order_acquire);
        uint32_t t = atomic_load_explicit(&l->rq_tail, memory_order_relaxed);
        rt_routine *r;
        if (t == h)
            return NULL;
        r = atomic_load_explicit(&l->rq[h % RQ_SIZE], memory_order_relaxed);
        if (atomic_compare_exchange_weak_explicit(&l->rq_head, &h, h + 1,
                memory_order_release, memory_order_relaxed))
            return r;
    }
}

/* Owner only: empties runnext, returning what it held. */
static inline rt_routine *runnext_take(rt_lane *l)
{
    rt_routine *r;
    if (atomic_load_explicit(&l->runnext, memory_order_relaxed) == NULL)
        return NULL;
    if (solo_take_begin(l)) {
        r = atomic_load_explicit(&l->runnext, memory_order_relaxed);
        atomic_store_explicit(&l->runnext, NULL, memory_order_relaxed);
        solo_take_end(l);
        return r;
    }
    return atomic_exchange(&l->runnext, NULL);
}

/* Any thread: takes half of v's ring (all of it when `all`), oldest first. */
static inline uint32_t rq_grab(rt_lane *v, rt_routine **buf, int all)
{
    for (;;) {
        uint32_t h = atomic_load_explicit(&v->rq_head, memory_order_acquire);
        uint32_t t = atomic_load_explicit(&v->rq_tail, memory_order_acquire);
        uint32_t n = t - h;
        if (!all)
            n -= n / 2;
        if (n == 0)
            return 0;
        if (n > RQ_SIZE)
            continue;           /* read h and t at different times: again */
        for (uint32_t i = 0; i < n; i++)
            buf[i] = atomic_load_explicit(&v->rq[(h + i) % RQ_SIZE], memory_order_relaxed);
        if (atomic_compare_exchange_weak_explicit(&v->rq_head, &h, h + n,
                memory_order_acq_rel, memory_order_relaxed))
            return n;
    }
}

/* ---- global queue -------------------------------------------------------------- */

/* Under gq_mu, the only writers: a plain store, no locked instruction.
 * Readers outside the lock only use it as a hint (then take the lock), and
 * wake_idle's fence orders it before the look at idle lanes. */
static inline void gq_len_add(lanes_rt *rt, int d)
{
    int n = atomic_load_explicit(&rt->gq_len, memory_order_relaxed);
    atomic_store_explicit(&rt->gq_len, n + d, memory_order_release);
}

static inline void gq_push(lanes_rt *rt, rt_routine *r)
{
    pthread_mutex_lock(&rt->gq_mu);
    r->qnext = NULL;
    if (rt->gq_tail != NULL)
        rt->gq_tail->qnext = r;
    else
        rt->gq_head = r;
    rt->gq_tail = r;
    gq_len_add(rt, 1);
    pthread_mutex_unlock(&rt->gq_mu);
}

/* v[0] becomes the head, v[n-1] sits before the old head. */
static inline void gq_push_head(lanes_rt *rt, rt_routine **v, int n)
{
    if (n == 0)
        return;
    for (int i = 0; i + 1 < n; i++)
        v[i]->qnext = v[i + 1];
    pthread_mutex_lock(&rt->gq_mu);
    v[n - 1]->qnext = rt->gq_head;
    if (rt->gq_head == NULL)
        rt->gq_tail = v[n - 1];
    rt->gq_head = v[0];
    gq_len_add(rt, n);
    pthread_mutex_unlock(&rt->gq_mu);
}

/* Takes up to max routines from the head of the global queue into v,
 * oldest first; how many. */
static inline int gq_pop_n(lanes_rt *rt, rt_routine **v, int max)
{
    int n = 0;
    if (atomic_load_explicit(&rt->gq_len, memory_order_acquire) == 0)
        return 0;
    pthread_mutex_lock(&rt->gq_mu);
    while (n < max && rt->gq_head != NULL) {
        rt_routine *r = rt->gq_head;
        rt->gq_head = r->qnext;
        r->qnext = NULL;
        v[n++] = r;
    }
    if (rt->gq_head == NULL)
        rt->gq_tail = NULL;
    gq_len_add(rt, -n);
    pthread_mutex_unlock(&rt->gq_mu);
    return n;
}

#endif
