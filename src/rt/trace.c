/*
 * trace.c - the trace rings and their time-ordered merge.  Owns the ring
 * memory; knows nothing of lanes or routines.
 *
 * Ordering invariant: a producer marks itself busy, then reads the clock,
 * then publishes.  The consumer reads the clock (limit) first, then waits
 * out any producer busy at that moment; after that every event stamped
 * before `limit` is in some ring, so merging only those never emits an
 * event before an older one that is still on its way.
 */
#include "config.h"
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "rassert.h"
#include "trace.h"

int trace_ring_init(trace_ring *r, size_t cap)
{
    size_t c = 16;
    while (c < cap)
        c <<= 1;
    memset(r, 0, sizeof *r);
    r->w = calloc(c * 4, sizeof(uint64_t));
    if (r->w == NULL)
        return -ENOMEM;
    r->mask = c - 1;
    return 0;
}

void trace_ring_free(trace_ring *r)
{
    free(r->w);
    r->w = NULL;
}

static void backoff(unsigned *spins)
{
    if (++*spins < 64) {
#if defined(__x86_64__)
        __builtin_ia32_pause();
#endif
        return;
    }
    if (*spins < 256) {
        sched_yield();
        return;
    }
    nanosleep(&(struct timespec){ 0, 50000 }, NULL);
}

void trace_put(trace_ring *r, const trace_ev *e, trace_clock_fn clk, void *clk_arg,
               const atomic_int *lossless, const atomic_int *closing,
               _Atomic uint64_t *dropped)
{
    uint64_t cap = r->mask + 1;
    uint64_t t = atomic_load_explicit(&r->tail, memory_order_relaxed);
    uint64_t h, t_ns, t_rt;
    unsigned spins = 0;

    /* Lossless: wait for room before going busy, so the consumer (which
     * waits for busy producers) can never wait for us while we wait. */
    while (t - atomic_load_explicit(&r->head, memory_order_acquire) >= cap &&
           atomic_load_explicit(lossless, memory_order_relaxed) &&
           !atomic_load_explicit(closing, memory_order_relaxed))
        backoff(&spins);

    atomic_fetch_add_explicit(&r->busy, 1, memory_order_seq_cst);
    RT_FENCE(memory_order_seq_cst);
    t_ns = clk(clk_arg, &t_rt);

    h = atomic_load_explicit(&r->head, memory_order_acquire);
    while (t - h >= cap) {
        /* full: drop the oldest */
        if (atomic_compare_exchange_weak_explicit(&r->head, &h, h + 1,
                memory_order_acq_rel, memory_order_acquire)) {
            atomic_fetch_add_explicit(dropped, 1, memory_order_relaxed);
            h++;
        }
    }
    _Atomic uint64_t *w = &r->w[(t & r->mask) * 4];
    atomic_store_explicit(&w[0], t_ns, memory_order_relaxed);
    atomic_store_explicit(&w[1], t_rt, memory_order_relaxed);
    atomic_store_explicit(&w[2], (uint64_t)e->routine | ((uint64_t)e->obj << 32),
                          memory_order_relaxed);
    atomic_store_explicit(&w[3], (uint64_t)(uint32_t)e->arg | ((uint64_t)e->lane << 32) |
                          ((uint64_t)e->kind << 48), memory_order_relaxed);
    atomic_store_explicit(&r->tail, t + 1, memory_order_release);
    atomic_fetch_add_explicit(&r->busy, 1, memory_order_release);
}

/* Reads the oldest event of r into *ev without consuming it.  0: empty. */
static int peek(trace_ring *r, uint64_t *at, lanes_event *ev)
{
    uint64_t h = atomic_load_explicit(&r->head, memory_order_acquire);
    uint64_t t = atomic_load_explicit(&r->tail, memory_order_acquire);
    if (h == t)
        return 0;
    _Atomic uint64_t *w = &r->w[(h & r->mask) * 4];
    uint64_t w2, w3;
    ev->t_ns = atomic_load_explicit(&w[0], memory_order_relaxed);
    ev->t_rt = atomic_load_explicit(&w[1], memory_order_relaxed);
    w2 = atomic_load_explicit(&w[2], memory_order_relaxed);
    w3 = atomic_load_explicit(&w[3], memory_order_relaxed);
    ev->routine = (uint32_t)w2;
    ev->obj = (uint32_t)(w2 >> 32);
    ev->arg = (int32_t)(uint32_t)w3;
    ev->lane = (uint16_t)(w3 >> 32);
    ev->kind = (uint16_t)(w3 >> 48);
    *at = h;
    return 1;
}

/* Consumes the event peeked at position h; 0 when a producer dropped it
 * meanwhile (the copy may be torn: peek again). */
static int claim(trace_ring *r, uint64_t h)
{
    return atomic_compare_exchange_strong_explicit(&r->head, &h, h + 1,
            memory_order_acq_rel, memory_order_relaxed);
}

size_t trace_merge(trace_ring *const *rings, size_t n, uint64_t limit,
                   lanes_event *out, size_t max)
{
    enum { MAXR = LANES_MAX_CORES + 1 };
    lanes_event head[MAXR];
    uint64_t at[MAXR];
    int have[MAXR];
    size_t k = 0;

    RT_ASSERT(n <= MAXR);
    RT_FENCE(memory_order_seq_cst);
    for (size_t i = 0; i < n; i++) {
        unsigned spins = 0;
        uint64_t b;
        have[i] = 0;
        if (rings[i] == NULL)
            continue;
        b = atomic_load_explicit(&rings[i]->busy, memory_order_acquire);
        if (b & 1)
            while (atomic_load_explicit(&rings[i]->busy, memory_order_acquire) == b)
                backoff(&spins);
        have[i] = peek(rings[i], &at[i], &head[i]);
    }
    while (k < max) {
        size_t best = n;
        for (size_t i = 0; i < n; i++)
            if (have[i] && head[i].t_ns < limit &&
                (best == n || head[i].t_ns < head[best].t_ns))
                best = i;
        if (best == n)
            break;
        if (claim(rings[best], at[best]))
            out[k++] = head[best];
        have[best] = peek(rings[best], &at[best], &head[best]);
    }
    return k;
}
