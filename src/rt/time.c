/*
 * time.c - time in the runtime: the runtime clock (a seqlock of base and
 * tick length, stopped while paused) and the timer heap of sleeping
 * routines (after Go's time.go).
 *
 * Owns rt->clk_* and rt->heap (under rt->tmu).  Must not
 * touch run queues: a due sleeper goes to a lane through put_runnable.
 * Invariant: rt->timer_next is the earliest wake_at in the heap, or
 * NO_TIMER when it is empty, whenever tmu is free.
 */
#include "config.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include "rt_int.h"

/* ---- runtime clock ------------------------------------------------------- */

void clk_read(const lanes_rt *rt, clk_snap *c)
{
    lanes_rt *w = (lanes_rt *)rt;
    for (;;) {
        uint32_t s = atomic_load_explicit(&w->clk_seq, memory_order_acquire);
        if (s & 1) {
            cpu_relax();
            continue;
        }
        c->base_rt = atomic_load_explicit(&w->clk_base_rt, memory_order_relaxed);
        c->base_mono = atomic_load_explicit(&w->clk_base_mono, memory_order_relaxed);
        c->tick = atomic_load_explicit(&w->clk_tick, memory_order_relaxed);
        c->paused = atomic_load_explicit(&w->clk_paused, memory_order_relaxed);
        c->stop = atomic_load_explicit(&w->clk_stop, memory_order_relaxed);
        RT_FENCE(memory_order_acquire);
        if (atomic_load_explicit(&w->clk_seq, memory_order_relaxed) == s)
            return;
    }
}

/* Under rt->mu. */
void clk_write(lanes_rt *rt, const clk_snap *c)
{
    uint32_t s = atomic_load_explicit(&rt->clk_seq, memory_order_relaxed);
    atomic_store_explicit(&rt->clk_seq, s + 1, memory_order_relaxed);
    RT_FENCE(memory_order_release);
    atomic_store_explicit(&rt->clk_base_rt, c->base_rt, memory_order_relaxed);
    atomic_store_explicit(&rt->clk_base_mono, c->base_mono, memory_order_relaxed);
    atomic_store_explicit(&rt->clk_tick, c->tick, memory_order_relaxed);
    atomic_store_explicit(&rt->clk_paused, c->paused, memory_order_relaxed);
    atomic_store_explicit(&rt->clk_stop, c->stop, memory_order_relaxed);
    atomic_store_explicit(&rt->clk_seq, s + 2, memory_order_release);
}

static uint64_t clk_run(const clk_snap *c, uint64_t mono)
{
    uint64_t d = mono - c->base_mono;
    if (c->paused || mono <= c->base_mono)
        return c->base_rt;
    /* the same quotient as the 128-bit form, without its library call
     * while the product fits (208 days of runtime time at 1 us ticks) */
    if (c->tick == 1000)
        return c->base_rt + d;
    if (d <= UINT64_MAX / 1000u)
        return c->base_rt + d * 1000u / c->tick;
    return c->base_rt + (uint64_t)(((unsigned __int128)d * 1000u) / c->tick);
}

/* Runtime time at mono: running, it stops at lanes_pause_at's time (never
 * going back below base_rt) until the lanes see it and pause (pause_due). */
uint64_t clk_at(const clk_snap *c, uint64_t mono)
{
    uint64_t t = clk_run(c, mono);
    if (c->stop != 0 && t > c->stop)
        t = c->stop > c->base_rt ? c->stop : c->base_rt;
    return t;
}

uint64_t rt_time_at(const lanes_rt *rt, uint64_t mono)
{
    clk_snap c;
    clk_read(rt, &c);
    return clk_at(&c, mono);
}

uint64_t lanes_now(const lanes_rt *rt)
{
    return rt != NULL ? rt_time_at(rt, mono_ns()) : 0;
}

/* ---- timers ---------------------------------------------------------------- */

static void heap_swap(lanes_rt *rt, size_t a, size_t b)
{
    rt_routine *t = rt->heap[a];
    rt->heap[a] = rt->heap[b];
    rt->heap[b] = t;
    rt->heap[a]->heap_idx = a;
    rt->heap[b]->heap_idx = b;
}

static void heap_up(lanes_rt *rt, size_t i)
{
    while (i > 0 && rt->heap[(i - 1) / 2]->wake_at > rt->heap[i]->wake_at) {
        heap_swap(rt, i, (i - 1) / 2);
        i = (i - 1) / 2;
    }
}

static void heap_down(lanes_rt *rt, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, m = i;
        if (l < rt->nheap && rt->heap[l]->wake_at < rt->heap[m]->wake_at)
            m = l;
        if (l + 1 < rt->nheap && rt->heap[l + 1]->wake_at < rt->heap[m]->wake_at)
            m = l + 1;
        if (m == i)
            return;
        heap_swap(rt, i, m);
        i = m;
    }
}

/* Under tmu. */
static void timer_next_update(lanes_rt *rt)
{
    atomic_store(&rt->timer_next, rt->nheap > 0 ? rt->heap[0]->wake_at : NO_TIMER);
}

void timer_add(lanes_rt *rt, rt_routine *r)
{
    int first;
    pthread_mutex_lock(&rt->tmu);
    if (rt->nheap == rt->capheap) {
        size_t cap = rt->capheap ? rt->capheap * 2 : 256;
        rt_routine **h = realloc(rt->heap, cap * sizeof *h);
        RT_ASSERT(h != NULL);
        rt->heap = h;
        rt->capheap = cap;
    }
    r->heap_idx = rt->nheap;
    rt->heap[rt->nheap++] = r;
    heap_up(rt, r->heap_idx);
    first = rt->heap[0] == r;
    timer_next_update(rt);
    pthread_mutex_unlock(&rt->tmu);
    if (first)
        wake_idle(rt);      /* an idle lane may sleep past the new deadline */
}

/* Moves due sleepers to this lane's queue.  Lane thread (either context). */
__attribute__((noinline)) void timers_fire_slow(rt_lane *l, uint64_t next)
{
    lanes_rt *rt = l->rt;
    uint64_t now;
    rt_routine *due[64];
    size_t n;
    now = lanes_now(rt);
    if (next > now)
        return;
    do {
        n = 0;
        moving_begin(rt);
        pthread_mutex_lock(&rt->tmu);
        while (rt->nheap > 0 && rt->heap[0]->wake_at <= now && n < 64) {
            due[n++] = rt->heap[0];
            rt->nheap--;
            if (rt->nheap > 0) {
                rt->heap[0] = rt->heap[rt->nheap];
                rt->heap[0]->heap_idx = 0;
                heap_down(rt, 0);
            }
        }
        timer_next_update(rt);
        pthread_mutex_unlock(&rt->tmu);
        for (size_t i = 0; i < n; i++) {
            RT_ASSERT(atomic_load(&due[i]->state) == RS_SLEEPING);
            set_state(&due[i]->state, RS_RUNNABLE);
            put_runnable(l, due[i], LANES_EV_WAKE, 0, 0);
        }
        moving_end(rt);
    } while (n == 64);
}
