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
#ifdef __linux__
#include <linux/membarrier.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

/*
 * The store-load barrier a producer needs between "busy" and its clock
 * read costs a locked instruction per event.  Where the kernel offers
 * membarrier, the consumer pays for it instead, once per merge: its
 * membarrier makes every running thread of the process pass a full
 * barrier, so a producer's busy store is either visible after it or was
 * made after it, and then its clock read is later than the consumer's
 * limit.  Set once, before any lane runs (trace_asym_init); else 0.
 */
static atomic_int asym;
static pthread_once_t asym_once = PTHREAD_ONCE_INIT;

static void asym_register(void)
{
#if defined(__linux__) && defined(__NR_membarrier)
    if (syscall(__NR_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0 &&
        syscall(__NR_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) == 0)
        atomic_store(&asym, 1);
#endif
}

void trace_asym_init(void)
{
    pthread_once(&asym_once, asym_register);
}

/* A forked child may not inherit the registration: register again, and
 * as a last resort use the (slow) global command, which needs none. */
static void asym_barrier(void)
{
#if defined(__linux__) && defined(__NR_membarrier)
    if (syscall(__NR_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) == 0)
        return;
    if (syscall(__NR_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0 &&
        syscall(__NR_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) == 0)
        return;
    RT_ASSERT(syscall(__NR_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0) == 0);
#endif
}

int trace_ring_init(trace_ring *r, size_t cap)
{
    size_t c = 16;
    while (c < cap)
        c <<= 1;
    memset(r, 0, sizeof *r);
    r->w = calloc(c * TRACE_SLOT_WORDS, sizeof(uint64_t));
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

void trace_put(trace_ring *r, const trace_ev *ev, size_t n, trace_clock_fn clk,
               void *clk_arg, const atomic_int *lossless, const atomic_int *closing)
{
    uint64_t cap = r->mask + 1;
    uint64_t t = atomic_load_explicit(&r->tail, memory_order_relaxed);
    uint64_t b = atomic_load_explicit(&r->busy, memory_order_relaxed);
    uint64_t t_ns, t_rt;
    unsigned spins = 0;

    /* Lossless: wait for room before going busy, so the consumer (which
     * waits for busy producers) can never wait for us while we wait. */
    RT_ASSERT(n >= 1 && n <= cap);
    while (t - r->head_seen > cap - n &&
           atomic_load_explicit(lossless, memory_order_relaxed) &&
           !atomic_load_explicit(closing, memory_order_relaxed)) {
        r->head_seen = atomic_load_explicit(&r->head, memory_order_acquire);
        if (t - r->head_seen > cap - n)
            backoff(&spins);
    }

    /* Busy (odd) before the clock read: only this thread writes busy, so a
     * plain store would do but for the store-load order against the clock;
     * the exchange is that full barrier in one locked instruction. */
    if (atomic_load_explicit(&asym, memory_order_relaxed)) {
        atomic_store_explicit(&r->busy, b + 1, memory_order_relaxed);
        atomic_signal_fence(memory_order_seq_cst);  /* the consumer fences for us */
    } else {
        atomic_exchange_explicit(&r->busy, b + 1, memory_order_seq_cst);
    }
    t_ns = clk(clk_arg, &t_rt);

    /* Full or not, write slot t: when full it held position t - cap, which
     * the consumer will find torn or newer and count as dropped.  Events
     * put together share the one clock read (they happen at one point). */
    for (size_t i = 0; i < n; i++, t++) {
        const trace_ev *e = &ev[i];
        _Atomic uint64_t *w = &r->w[(t & r->mask) * TRACE_SLOT_WORDS];
        atomic_store_explicit(&w[4], 2 * t + 1, memory_order_relaxed);
        RT_FENCE(memory_order_release);
        atomic_store_explicit(&w[0], t_ns, memory_order_relaxed);
        atomic_store_explicit(&w[1], t_rt, memory_order_relaxed);
        atomic_store_explicit(&w[2], (uint64_t)e->routine | ((uint64_t)e->obj << 32),
                              memory_order_relaxed);
        atomic_store_explicit(&w[3], (uint64_t)(uint32_t)e->arg | ((uint64_t)e->lane << 32) |
                              ((uint64_t)e->kind << 48), memory_order_relaxed);
        atomic_store_explicit(&w[4], 2 * t + 2, memory_order_release);
    }
    atomic_store_explicit(&r->tail, t, memory_order_release);
    atomic_store_explicit(&r->busy, b + 2, memory_order_release);
}

/* Reads the oldest event of r still intact into *ev without consuming it,
 * skipping (and adding to *lost) those the producer overwrote.  0: empty. */
static int peek(trace_ring *r, uint64_t *at, lanes_event *ev, uint64_t *lost)
{
    uint64_t cap = r->mask + 1;
    uint64_t h0 = atomic_load_explicit(&r->head, memory_order_relaxed);
    uint64_t h = h0, t = r->tail_seen;
    int got = 0;
    for (;;) {
        if (h == t) {                   /* read all we knew of: look again */
            t = atomic_load_explicit(&r->tail, memory_order_acquire);
            if (h == t)
                break;
        }
        if (t - h > cap) {              /* positions below t - cap are gone */
            *lost += t - cap - h;
            h = t - cap;
        }
        _Atomic uint64_t *w = &r->w[(h & r->mask) * TRACE_SLOT_WORDS];
        uint64_t s1 = atomic_load_explicit(&w[4], memory_order_acquire), s2, w2, w3;
        if (s1 == 2 * h + 2) {
            ev->t_ns = atomic_load_explicit(&w[0], memory_order_relaxed);
            ev->t_rt = atomic_load_explicit(&w[1], memory_order_relaxed);
            w2 = atomic_load_explicit(&w[2], memory_order_relaxed);
            w3 = atomic_load_explicit(&w[3], memory_order_relaxed);
            RT_FENCE(memory_order_acquire);
            s2 = atomic_load_explicit(&w[4], memory_order_relaxed);
            if (s2 == s1) {
                ev->routine = (uint32_t)w2;
                ev->obj = (uint32_t)(w2 >> 32);
                ev->arg = (int32_t)(uint32_t)w3;
                ev->lane = (uint16_t)(w3 >> 32);
                ev->kind = (uint16_t)(w3 >> 48);
                *at = h;
                got = 1;
                break;
            }
        }
        (*lost)++;                      /* overwritten (or being) under us */
        h++;
        t = atomic_load_explicit(&r->tail, memory_order_acquire);  /* how far ahead? */
    }
    r->tail_seen = t;
    if (h != h0)
        atomic_store_explicit(&r->head, h, memory_order_release);
    return got;
}

/* Consumes the event peeked at position h (the copy is whole even if the
 * producer has overwritten the slot since). */
static void claim(trace_ring *r, uint64_t h)
{
    atomic_store_explicit(&r->head, h + 1, memory_order_release);
}

uint64_t trace_ring_lapped(const trace_ring *r)
{
    trace_ring *w = (trace_ring *)r;
    uint64_t h = atomic_load_explicit(&w->head, memory_order_acquire);
    uint64_t t = atomic_load_explicit(&w->tail, memory_order_acquire);
    return t - h > r->mask + 1 ? t - h - (r->mask + 1) : 0;
}

size_t trace_merge(trace_ring *const *rings, size_t n, uint64_t limit,
                   lanes_event *out, size_t max, _Atomic uint64_t *dropped)
{
    enum { MAXR = LANES_MAX_CORES + 1 };
    lanes_event head[MAXR];
    uint64_t at[MAXR];
    int have[MAXR];
    size_t k = 0;
    uint64_t lost = 0;

    RT_ASSERT(n <= MAXR);
    RT_FENCE(memory_order_seq_cst);
    if (atomic_load_explicit(&asym, memory_order_relaxed))
        asym_barrier();
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
        have[i] = peek(rings[i], &at[i], &head[i], &lost);
    }
    while (k < max) {
        size_t best = n;
        for (size_t i = 0; i < n; i++)
            if (have[i] && head[i].t_ns < limit &&
                (best == n || head[i].t_ns < head[best].t_ns))
                best = i;
        if (best == n)
            break;
        claim(rings[best], at[best]);
        out[k++] = head[best];
        have[best] = peek(rings[best], &at[best], &head[best], &lost);
    }
    /* after the heads moved: lanes_trace_dropped reads this total first */
    if (lost > 0)
        atomic_fetch_add_explicit(dropped, lost, memory_order_release);
    return k;
}
