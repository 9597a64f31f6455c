/*
 * home.c - the routine lists (rt_home): which routines each lane (or the
 * plain threads) created, for lanes_blocked_list, and the stacks of those
 * that exited elsewhere on their way home.
 *
 * Owns the links all_prev/all_next and dead_next, under each home's lock.
 * Must not touch queues or routine states but to read them.  Invariant: a
 * routine is on its home's `all` list from its first park to its exit,
 * and never on another home's.
 */
#include "config.h"
#include <sched.h>
#include <stdatomic.h>
#include "rt_int.h"

/* ---- routine lists (rt_home) -------------------------------------------------- */

/* The owning lane takes a list's lock for every spawn and exit, others
 * seldom (a walk, a reclaim, a sleeping owner's stacks): one locked
 * instruction to take, a plain store to give back, where a mutex costs two
 * locked instructions and two calls.  A long walk holds it a while: a
 * lane that keeps finding it taken gives its CPU away. */
void home_lock(rt_home *h)
{
    for (int n = 0; atomic_exchange_explicit(&h->lock, 1, memory_order_acquire); ) {
        while (atomic_load_explicit(&h->lock, memory_order_relaxed)) {
            if (++n < 64)
                cpu_relax();
            else
                sched_yield();
        }
    }
}

void home_init(rt_home *h, int plain)
{
    atomic_store(&h->lock, 0);
    h->all = NULL;
    h->plain = plain;
    atomic_store(&h->dead, NULL);
    atomic_store(&h->away, plain);
}

/* Under h->lock. */
void home_link(rt_home *h, rt_routine *r)
{
    r->all_prev = NULL;
    r->all_next = h->all;
    if (h->all != NULL)
        h->all->all_prev = r;
    h->all = r;
}

/* Under h->lock. */
static void home_unlink(rt_home *h, rt_routine *r)
{
    if (r->all_prev != NULL)
        r->all_prev->all_next = r->all_next;
    else
        h->all = r->all_next;
    if (r->all_next != NULL)
        r->all_next->all_prev = r->all_prev;
}

/* Unlinks every routine waiting in h->dead and gives their stacks to
 * cache c (NULL: the pool).  Any thread. */
void home_reclaim(lanes_rt *rt, rt_home *h, stk_cache *c)
{
    rt_routine *list;
    home_lock(h);
    list = atomic_exchange(&h->dead, NULL);
    for (rt_routine *r = list; r != NULL; r = r->dead_next)
        if (r->listed)
            home_unlink(h, r);
    home_unlock(h);
    while (list != NULL) {
        rt_routine *next = list->dead_next;
        stk_put(&rt->stacks, c, list->stk);     /* frees list */
        list = next;
    }
}

/* Lane l stops running routines for a while (home_away) or runs them
 * again (home_back): see rt_home for why `away` comes before the reclaim. */
void home_away(lanes_rt *rt, rt_lane *l)
{
    atomic_store(&l->home.away, 1);
    home_reclaim(rt, &l->home, &l->cache);
}

void home_back(rt_lane *l)
{
    atomic_store_explicit(&l->home.away, 0, memory_order_relaxed);
}

/* Lane l, after dead routine r's exit (no lane on its stack any more):
 * off its home's list and its stack to l's cache, or (another lane's
 * routine) on that home's dead stack for the owner to take. */
void home_release(rt_lane *l, rt_routine *r)
{
    lanes_rt *rt = l->rt;
    rt_home *h = r->home;
    if (h == &l->home || h->plain) {
        if (r->listed) {
            home_lock(h);
            home_unlink(h, r);
            home_unlock(h);
        }
        stk_put(&rt->stacks, &l->cache, r->stk);    /* frees r */
        return;
    }
    rt_routine *top = atomic_load_explicit(&h->dead, memory_order_relaxed);
    do
        r->dead_next = top;
    while (!atomic_compare_exchange_weak(&h->dead, &top, r));
    if (atomic_load(&h->away))
        home_reclaim(rt, h, &l->cache);
}

static size_t blocked_in(rt_home *h, lanes_blocked *out, size_t max, size_t n)
{
    home_lock(h);
    for (rt_routine *r = h->all; r != NULL; r = r->all_next) {
        if (atomic_load(&r->state) != RS_BLOCKED)
            continue;
        if (n < max && out != NULL)
            out[n] = (lanes_blocked){ r->id, atomic_load(&r->block_chan),
                                      atomic_load(&r->block_op) };
        n++;
    }
    home_unlock(h);
    return n;
}

/* Walks every list, one lock at a time: a routine never changes lists,
 * and a listed one's memory stays valid while its list is locked. */
size_t lanes_blocked_list(lanes_rt *rt, lanes_blocked *out, size_t max)
{
    size_t n;
    if (rt == NULL)
        return 0;
    n = blocked_in(&rt->plain, out, max, 0);
    for (int i = 0; i < LANES_MAX_CORES; i++)
        n = blocked_in(&rt->lanes[i].home, out, max, n);
    return n;
}
