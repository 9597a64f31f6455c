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

/*
 * One event is four 64-bit words plus a sequence word, all written and read
 * with relaxed atomics.  The slot of position p says 2p+1 while being
 * written and 2p+2 once whole, so a reader racing with a producer that
 * laps it (overwriting the oldest) sees a torn or newer slot, throws it
 * away and counts what it missed.  The producer never writes head: one
 * producer, one consumer, no read-modify-write on the shared indices.
 */
#define TRACE_SLOT_WORDS 5

/* The fields each side writes sit apart (128 bytes, so apart even where
 * the ring's memory is only 16-byte aligned), and each side keeps the
 * other's index as last seen: a producer touches the consumer's line only
 * when its ring looks full in lossless mode, the consumer the producer's
 * only when it has read up to the tail it knew. */
typedef struct trace_ring {
    char pad_lead[128 - 8];     /* nothing of the lane's before it either */
    uint64_t mask;              /* capacity - 1 (power of two); immutable */
    _Atomic uint64_t *w;        /* TRACE_SLOT_WORDS per slot; freed by trace_ring_free */
    char pad0[128 - 2 * 8];
    _Atomic uint64_t tail;      /* next to write; the producer only */
    _Atomic uint64_t busy;      /* odd while the producer is between its clock read and publishing */
    uint64_t head_seen;         /* the producer's: a head it read, <= head */
    char pad1[128 - 3 * 8];
    _Atomic uint64_t head;      /* next to read; the consumer only */
    uint64_t tail_seen;         /* the consumer's: a tail it read, <= tail */
    char pad2[128 - 2 * 8];     /* and nothing of the lane's after it */
} trace_ring;

typedef struct trace_ev {       /* what a producer fills in */
    uint32_t routine, obj;
    int32_t  arg;
    uint16_t lane, kind;
} trace_ev;

int  trace_ring_init(trace_ring *r, size_t cap);     /* 0 or -ENOMEM */

/* Once per process, before the first traced runtime's lanes start: lets
 * producers skip their per-event barrier where the consumer can issue one
 * for all of them (Linux membarrier).  Safe to call again. */
void trace_asym_init(void);
void trace_ring_free(trace_ring *r);

/* Producer side: puts ev[0..n) (1 <= n <= capacity), in order, stamped
 * with one clock read.  clock(arg, &t_rt) returns t_ns and sets t_rt; it is
 * read inside the busy window.  *lossless and *closing are read when full. */
typedef uint64_t (*trace_clock_fn)(void *arg, uint64_t *t_rt);
void trace_put(trace_ring *r, const trace_ev *ev, size_t n, trace_clock_fn clk,
               void *clk_arg, const atomic_int *lossless, const atomic_int *closing);

/* Consumer: merges rings[0..n) (NULL entries skipped), events with
 * t_ns < limit only, oldest first; at most max.  Waits for producers that
 * are mid-event so nothing older can appear later.  Events overwritten
 * before being read are added to *dropped. */
size_t trace_merge(trace_ring *const *rings, size_t n, uint64_t limit,
                   lanes_event *out, size_t max, _Atomic uint64_t *dropped);

/* Events overwritten in r and not yet counted by a merge (racy: a hint
 * that never counts one twice against a merge that runs meanwhile when
 * read after the merge's running total). */
uint64_t trace_ring_lapped(const trace_ring *r);

#endif
