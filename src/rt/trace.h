/*
 * trace.h - trace rings.  Each lane writes its own single-producer ring;
 * plain threads write the control ring under its lock.  One consumer merges
 * them in time order.  A full ring overwrites its oldest event (the consumer
 * notices and counts the drop) or, in lossless mode, makes its producer wait
 * for the consumer.
 */
#ifndef LANES_TRACE_H
#define LANES_TRACE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include "lanes.h"
#include "rassert.h"

/*
 * One event is four 64-bit words (32 bytes, two to a cache line), written
 * and read with atomics:
 *   w[0] = t_ns | lap << 56     w[1] = t_rt
 *   w[2] = routine | obj << 32  w[3] = arg | lane << 32 | kind << 48 | lap << 56
 * where lap is the low byte of position / capacity.  The producer writes
 * w[0] first and w[1..3] each with release; the consumer reads w[3] down
 * to w[0] each with acquire and keeps the event only when both laps are
 * the position's: a producer that lapped it (overwriting the oldest) and
 * changed any word between has changed w[0] before, so a torn or newer
 * slot is thrown away and counted as missed.  No sequence word, no second
 * store.  The producer never writes head: one producer, one consumer, no
 * read-modify-write on the shared indices.  (t_ns < 2^56: 2.2 years.)
 */
#define TRACE_SLOT_WORDS 4
#define TRACE_LAP_SHIFT  56
#define TRACE_MAX_LAPS   255     /* a lossy producer stays fewer laps ahead of the reader (trace.c) */
#define TRACE_T_MASK     ((1ull << TRACE_LAP_SHIFT) - 1)

/* The fields each side writes sit apart (128 bytes, so apart even where
 * the ring's memory is only 16-byte aligned), and each side keeps the
 * other's index as last seen: a producer touches the consumer's line only
 * when its ring looks full in lossless mode, the consumer the producer's
 * only when it has read up to the tail it knew. */
typedef struct trace_ring {
    char pad_lead[128 - 8];     /* nothing of the lane's before it either */
    uint64_t mask;              /* capacity - 1 (power of two); immutable */
    unsigned shift;             /* log2(capacity); immutable */
    _Atomic uint64_t *w;        /* TRACE_SLOT_WORDS per slot; freed by trace_ring_free */
    char pad0[128 - 3 * 8];
    _Atomic uint64_t tail;      /* next to read up to; the producer only */
    _Atomic uint64_t busy;      /* odd while a batch is open: from before its clock read to publishing */
    uint64_t head_seen;         /* the producer's: a head it read, <= head */
    /* the producer's open batch (trace_open .. trace_close) */
    uint64_t wtail;             /* next slot to write, >= tail */
    uint64_t wroom;             /* slots it may still write before waiting for room */
    uint64_t t_ns, t_rt;        /* its stamp */
    uint64_t last_ns;           /* the newest stamp put: stamps never go back in a ring */
    uint64_t skip;              /* 1: the open batch is dropped, not written (trace_wait_room) */
    _Atomic uint64_t skipped;   /* events so dropped; the producer writes, the consumer counts */
    char pad1[128 - 10 * 8];
    _Atomic uint64_t head;      /* next to read; the consumer only */
    uint64_t tail_seen;         /* the consumer's: a tail it read, <= tail */
    _Atomic uint64_t skipped_seen;  /* skipped events a merge has counted; written by
                                   the consumer, read by lanes_trace_dropped */
    char pad2[128 - 3 * 8];     /* and nothing of the lane's after it */
} trace_ring;

typedef struct trace_ev {       /* what a producer fills in */
    uint32_t routine, obj;
    int32_t  arg;
    uint16_t lane, kind;
} trace_ev;

int  trace_ring_init(trace_ring *r, size_t cap);     /* 0 or -ENOMEM */

/*
 * The process's clock for everything that is compared with event times:
 * monotonic ns, CLOCK_MONOTONIC's value at the first call and its rate to
 * a few ppm.  Where the kernel's own clocksource is the TSC and the TSC is
 * invariant, it is the TSC scaled once per process (a third less than
 * clock_gettime); else clock_gettime(CLOCK_MONOTONIC).  The first call
 * calibrates (about 2 ms).  trace_now reads the TSC after every earlier
 * load has completed (as the vDSO does), so a time read after seeing
 * another thread's store is not earlier than one that thread read before
 * making it.  trace_mono_of converts to CLOCK_MONOTONIC for a deadline.
 */
enum { TCLK_UNKNOWN, TCLK_MONO, TCLK_TSC };
struct trace_tclk { uint64_t tsc0, ns0, mult; };    /* ns = ns0 + (tsc - tsc0) * mult >> 32 */
extern atomic_int trace_tclk_kind;      /* TCLK_*; its release publishes trace_tclk */
extern struct trace_tclk trace_tclk;    /* written once, before trace_tclk_kind */
uint64_t trace_now_slow(void);
uint64_t trace_mono_of(uint64_t t);
int      trace_clock_is_tsc(void);

#if defined(__x86_64__)
/* RDTSC waits for no earlier instruction: LFENCE first makes it read the
 * counter only after every earlier load has completed (Intel SDM, RDTSC;
 * the vDSO's rdtsc_ordered). */
static inline uint64_t trace_tsc_ordered(void)
{
    __builtin_ia32_lfence();
    return __builtin_ia32_rdtsc();
}

static inline uint64_t trace_tsc_to_ns(uint64_t tsc)
{
    if (tsc <= trace_tclk.tsc0)     /* another CPU a few cycles behind */
        return trace_tclk.ns0;
    return trace_tclk.ns0 +
           (uint64_t)(((unsigned __int128)(tsc - trace_tclk.tsc0) * trace_tclk.mult) >> 32);
}
#endif

static inline uint64_t trace_now(void)
{
#if defined(__x86_64__)
    if (__builtin_expect(atomic_load_explicit(&trace_tclk_kind, memory_order_acquire) ==
                         TCLK_TSC, 1))
        return trace_tsc_to_ns(trace_tsc_ordered());
#endif
    return trace_now_slow();
}

extern atomic_int trace_asym;           /* the consumer fences for producers: trace.c */

/*
 * trace_now without the LFENCE (8 ns less here), for a producer's
 * trace_open only, where the consumer fences for it (trace_asym), and only
 * for events whose causes are all in the same ring.  Then nothing can be
 * out of order: (1) against the consumer's limit, the membarrier IPI lands
 * on an instruction boundary - a busy store before it is drained by the
 * handler's barrier and seen by the consumer, and an RDTSC after it (the
 * busy store precedes it in program order) executes after the IPI, so
 * after the limit was read; (2) against later events anywhere, RDTSC
 * executes before it retires, so before any later store (publishing, a
 * lock release) becomes visible; (3) against earlier events of the same
 * ring, the stamp is clamped to the ring's last.  What it may not be used
 * for is an event caused by another lane's store (a message, a wake): an
 * RDTSC that does not wait may execute before the load that saw that store.
 */
static inline uint64_t trace_now_local(void)
{
#if defined(__x86_64__)
    if (__builtin_expect(atomic_load_explicit(&trace_tclk_kind, memory_order_acquire) ==
                         TCLK_TSC, 1) &&
        atomic_load_explicit(&trace_asym, memory_order_relaxed))
        return trace_tsc_to_ns(__builtin_ia32_rdtsc());
#endif
    return trace_now();
}

/* Once per process, before the first traced runtime's lanes start: lets
 * producers skip their per-event barrier where the consumer can issue one
 * for all of them (Linux membarrier).  Safe to call again. */
void trace_asym_init(void);
void trace_ring_free(trace_ring *r);

/* Producer side.  A batch of events with one stamp: trace_open waits
 * (lossless) for room for `room` events, marks the ring busy and reads the
 * clock - clk(arg, &t_rt) returns t_ns and sets t_rt; trace_add writes one
 * event with that stamp (past `room`, it publishes what it has and opens
 * again, with a new stamp); trace_close publishes.  While a batch is open
 * the consumer waits for it, so the span from open to close must be short
 * and must not wait for the consumer (no lossless put into another ring).
 * trace_put is the three for events known at once (1 <= n <= capacity).
 * *lossless and *closing are read when the ring looks full. */
typedef uint64_t (*trace_clock_fn)(void *arg, uint64_t *t_rt);
uint64_t trace_wait_room(trace_ring *r, uint64_t room, const atomic_int *lossless,
                     const atomic_int *closing);

static inline void trace_open(trace_ring *r, size_t room, trace_clock_fn clk, void *clk_arg,
                              const atomic_int *lossless, const atomic_int *closing)
{
    uint64_t t = atomic_load_explicit(&r->tail, memory_order_relaxed);
    uint64_t b = atomic_load_explicit(&r->busy, memory_order_relaxed);
    uint64_t t_ns, t_rt;

    RT_ASSERT(!(b & 1));
    r->skip = 0;
    if (__builtin_expect(t - r->head_seen > r->mask + 1 - room, 0))
        r->skip = trace_wait_room(r, room, lossless, closing);
    /* Busy (odd) before the clock read: only this thread writes busy, so a
     * plain store would do but for the store-load order against the clock;
     * the exchange is that full barrier in one locked instruction. */
    if (atomic_load_explicit(&trace_asym, memory_order_relaxed)) {
        atomic_store_explicit(&r->busy, b + 1, memory_order_relaxed);
        atomic_signal_fence(memory_order_seq_cst);  /* the consumer fences for us */
    } else {
        atomic_exchange_explicit(&r->busy, b + 1, memory_order_seq_cst);
    }
    t_ns = clk(clk_arg, &t_rt);
    if (t_ns < r->last_ns)
        t_ns = r->last_ns;
    r->last_ns = t_ns;
    r->t_ns = t_ns;
    r->t_rt = t_rt;
    r->wtail = t;
    r->wroom = room;
}

/* Full or not, writes slot t: when full it held position t - cap, which
 * the consumer will find torn or newer and count as dropped. */
static inline void trace_slot_write(trace_ring *r, uint64_t t, const trace_ev *e)
{
    _Atomic uint64_t *w = &r->w[(t & r->mask) * TRACE_SLOT_WORDS];
    uint64_t lap = (t >> r->shift) << TRACE_LAP_SHIFT;
    atomic_store_explicit(&w[0], (r->t_ns & TRACE_T_MASK) | lap, memory_order_relaxed);
    atomic_store_explicit(&w[1], r->t_rt, memory_order_release);
    atomic_store_explicit(&w[2], (uint64_t)e->routine | ((uint64_t)e->obj << 32),
                          memory_order_release);
    atomic_store_explicit(&w[3], (uint64_t)(uint32_t)e->arg | ((uint64_t)e->lane << 32) |
                          ((uint64_t)(uint8_t)e->kind << 48) | lap, memory_order_release);
}

static inline void trace_close(trace_ring *r)
{
    uint64_t b = atomic_load_explicit(&r->busy, memory_order_relaxed);
    RT_ASSERT(b & 1);
    atomic_store_explicit(&r->tail, r->wtail, memory_order_release);
    atomic_store_explicit(&r->busy, b + 1, memory_order_release);
}

static inline void trace_add(trace_ring *r, const trace_ev *e, trace_clock_fn clk,
                             void *clk_arg, const atomic_int *lossless,
                             const atomic_int *closing)
{
    if (__builtin_expect(r->wroom == 0, 0)) {
        trace_close(r);
        trace_open(r, 1, clk, clk_arg, lossless, closing);
    }
    if (__builtin_expect(r->skip, 0))
        atomic_store_explicit(&r->skipped,
                              atomic_load_explicit(&r->skipped, memory_order_relaxed) + 1,
                              memory_order_relaxed);
    else
        trace_slot_write(r, r->wtail++, e);
    r->wroom--;
}

static inline void trace_put(trace_ring *r, const trace_ev *ev, size_t n, trace_clock_fn clk,
                             void *clk_arg, const atomic_int *lossless,
                             const atomic_int *closing)
{
    /* events put together share the one clock read (they happen at one point) */
    trace_open(r, n, clk, clk_arg, lossless, closing);
    if (__builtin_expect(r->skip, 0)) {
        atomic_store_explicit(&r->skipped,
                              atomic_load_explicit(&r->skipped, memory_order_relaxed) + n,
                              memory_order_relaxed);
    } else {
        for (size_t i = 0; i < n; i++)
            trace_slot_write(r, r->wtail + i, &ev[i]);
        r->wtail += n;
    }
    trace_close(r);
}

/* Consumer: merges rings[0..n) (NULL entries skipped), events with
 * t_ns < limit only, oldest first; at most max.  Fresh (a limit just read
 * from the clock): first waits for producers that are mid-batch, so that
 * nothing older can appear later; a limit a fresh merge already waited for
 * needs no second wait.  Events overwritten before being read are added to
 * *dropped. */
size_t trace_merge(trace_ring *const *rings, size_t n, uint64_t limit, int fresh,
                   lanes_event *out, size_t max, _Atomic uint64_t *dropped);

/* Events lost in r and not yet counted by a merge: overwritten, or
 * dropped by the producer rather than lap the reader too far (skipped).
 * Exact from the consumer's thread; from another, a hint that never
 * counts one twice against a merge that runs meanwhile when read after
 * the merge's running total. */
uint64_t trace_ring_lapped(const trace_ring *r);

#endif
