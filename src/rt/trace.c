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
#include <stdio.h>
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
#if defined(__x86_64__)
#include <cpuid.h>
#endif

/* ---- the process clock ------------------------------------------------------
 * ns = ns0 + (tsc - tsc0) * mult / 2^32, the pair (tsc0, ns0) and mult
 * measured once against CLOCK_MONOTONIC over ~2 ms, so the rate is right
 * to the jitter of two clock_gettime pairs (tens of ns in 2 ms: ~10-20
 * ppm).  Written once inside pthread_once, then read-only: the acquire of
 * tclk_kind publishes them. */
atomic_int trace_tclk_kind;
struct trace_tclk trace_tclk;
static pthread_once_t tclk_once = PTHREAD_ONCE_INIT;

static uint64_t mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

#if defined(__x86_64__)
/* The kernel keeps its own clock on the TSC only after checking that it
 * runs at one rate and in step on every CPU; invariant: CPUID says it does
 * not stop or change rate with power states. */
static int tsc_usable(void)
{
    char buf[32] = "";
    unsigned a, b, c, d;
    FILE *f = fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource", "r");
    if (f == NULL)
        return 0;
    if (fgets(buf, sizeof buf, f) == NULL)
        buf[0] = '\0';
    fclose(f);
    if (strcmp(buf, "tsc\n") != 0)
        return 0;
    if (__get_cpuid_max(0x80000000u, NULL) < 0x80000007u ||
        !__get_cpuid(0x80000007u, &a, &b, &c, &d))
        return 0;
    return (d >> 8) & 1;
}

/* The TSC read closest to the middle of a short clock_gettime pair. */
static void tsc_sample(uint64_t *tsc, uint64_t *ns)
{
    uint64_t best = UINT64_MAX;
    for (int i = 0; i < 7; i++) {
        uint64_t m1 = mono_now(), t = trace_tsc_ordered(), m2 = mono_now();
        if (m2 - m1 < best) {
            best = m2 - m1;
            *tsc = t;
            *ns = m1 + (m2 - m1) / 2;
        }
    }
}
#endif

static void tclk_init(void)
{
    int kind = TCLK_MONO;
#if defined(__x86_64__)
    if (getenv("LANES_NO_TSC") == NULL && tsc_usable()) {
        uint64_t t0, n0, t1, n1, m;
        tsc_sample(&t0, &n0);
        while (mono_now() - n0 < 2000000)
            ;
        tsc_sample(&t1, &n1);
        /* 0.1 to 100 GHz, else something is off: stay with the kernel's */
        if (t1 > t0 && n1 > n0) {
            m = (uint64_t)(((unsigned __int128)(n1 - n0) << 32) / (t1 - t0));
            if (m >= (1ull << 32) / 100 && m <= (1ull << 32) * 10) {
                trace_tclk.tsc0 = t1;
                trace_tclk.ns0 = n1;
                trace_tclk.mult = m;
                kind = TCLK_TSC;
            }
        }
    }
#endif
    atomic_store_explicit(&trace_tclk_kind, kind, memory_order_release);
}

static int tclk(void)
{
    int k = atomic_load_explicit(&trace_tclk_kind, memory_order_acquire);
    if (__builtin_expect(k == TCLK_UNKNOWN, 0)) {
        pthread_once(&tclk_once, tclk_init);
        k = atomic_load_explicit(&trace_tclk_kind, memory_order_acquire);
    }
    return k;
}

uint64_t trace_now_slow(void)
{
#if defined(__x86_64__)
    if (tclk() == TCLK_TSC)
        return trace_tsc_to_ns(trace_tsc_ordered());
#else
    (void)tclk();
#endif
    return mono_now();
}

uint64_t trace_mono_of(uint64_t t)
{
    if (tclk() == TCLK_TSC) {
        uint64_t now = trace_now(), m = mono_now();
        return t >= now ? m + (t - now) : m - (now - t);
    }
    return t;
}

int trace_clock_is_tsc(void)
{
    return tclk() == TCLK_TSC;
}

/*
 * The store-load barrier a producer needs between "busy" and its clock
 * read costs a locked instruction per event.  Where the kernel offers
 * membarrier, the consumer pays for it instead, once per merge: its
 * membarrier makes every running thread of the process pass a full
 * barrier, so a producer's busy store is either visible after it or was
 * made after it, and then its clock read is later than the consumer's
 * limit.  Set once, before any lane runs (trace_asym_init); else 0.
 */
atomic_int trace_asym;
static pthread_once_t asym_once = PTHREAD_ONCE_INIT;

static void asym_register(void)
{
#if defined(__linux__) && defined(__NR_membarrier)
    if (syscall(__NR_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0 &&
        syscall(__NR_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) == 0)
        atomic_store(&trace_asym, 1);
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

_Static_assert(LANES_EV_KINDS <= 256, "a slot keeps 8 bits of kind");

int trace_ring_init(trace_ring *r, size_t cap)
{
    size_t c = 16;
    unsigned shift = 4;
    while (c < cap) {
        c <<= 1;
        shift++;
    }
    memset(r, 0, sizeof *r);
    /* slots on cache-line boundaries: an event never spans two lines */
    r->w = aligned_alloc(64, c * TRACE_SLOT_WORDS * sizeof(uint64_t));
    if (r->w == NULL)
        return -ENOMEM;
    memset(r->w, 0, c * TRACE_SLOT_WORDS * sizeof(uint64_t));
    r->mask = c - 1;
    r->shift = shift;
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

/*
 * Lossless: waits for room for `room` events before the batch goes busy,
 * so the consumer (which waits for busy producers) can never wait for us
 * while we wait.  Lossy: learns how far the consumer got, and returns 1
 * (drop this batch, count it in r->skipped) when writing it would put the
 * producer TRACE_MAX_LAPS laps ahead of the consumer's head.
 *
 * Why the bound: the lap byte in a slot's first and last words tells a
 * reader whether the slot still holds the position it expects, but it
 * repeats every 256 laps; a reader stalled between two of its loads while
 * a lossy producer ran 256 laps on would take words of a later position
 * for its own (and emit them, then older events).  The reader only reads
 * positions at or past the head it has stored, and a producer that never
 * writes 255 laps past any head it has seen (a stale head is smaller) never
 * writes a position the lap byte cannot tell from the one being read.
 */
uint64_t trace_wait_room(trace_ring *r, uint64_t room, const atomic_int *lossless,
                         const atomic_int *closing)
{
    uint64_t cap = r->mask + 1;
    uint64_t t = atomic_load_explicit(&r->tail, memory_order_relaxed);
    unsigned spins = 0;

    RT_ASSERT(room >= 1 && room <= cap);
    r->head_seen = atomic_load_explicit(&r->head, memory_order_acquire);
    while (t - r->head_seen > cap - room &&
           atomic_load_explicit(lossless, memory_order_relaxed) &&
           !atomic_load_explicit(closing, memory_order_relaxed)) {
        backoff(&spins);
        r->head_seen = atomic_load_explicit(&r->head, memory_order_acquire);
    }
    return t + room - r->head_seen > (uint64_t)TRACE_MAX_LAPS * cap;
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
        uint64_t lap = (h >> r->shift) & 0xff, w0, w1, w2, w3;
        w3 = atomic_load_explicit(&w[3], memory_order_acquire);
        w2 = atomic_load_explicit(&w[2], memory_order_acquire);
        w1 = atomic_load_explicit(&w[1], memory_order_acquire);
        w0 = atomic_load_explicit(&w[0], memory_order_relaxed);
        if (w3 >> TRACE_LAP_SHIFT == lap && w0 >> TRACE_LAP_SHIFT == lap) {
            ev->t_ns = w0 & TRACE_T_MASK;
            ev->t_rt = w1;
            ev->routine = (uint32_t)w2;
            ev->obj = (uint32_t)(w2 >> 32);
            ev->arg = (int32_t)(uint32_t)w3;
            ev->lane = (uint16_t)(w3 >> 32);
            ev->kind = (uint16_t)((w3 >> 48) & 0xff);
            *at = h;
            got = 1;
            break;
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
    uint64_t seen = atomic_load_explicit(&w->skipped_seen, memory_order_acquire);
    uint64_t skipped = atomic_load_explicit(&w->skipped, memory_order_relaxed);
    return (t - h > r->mask + 1 ? t - h - (r->mask + 1) : 0) +
           (skipped > seen ? skipped - seen : 0);
}

size_t trace_merge(trace_ring *const *rings, size_t n, uint64_t limit, int fresh,
                   lanes_event *out, size_t max, _Atomic uint64_t *dropped)
{
    enum { MAXR = LANES_MAX_CORES + 1 };
    lanes_event head[MAXR];
    uint64_t at[MAXR];
    int have[MAXR];
    size_t k = 0;
    uint64_t lost = 0;

    RT_ASSERT(n <= MAXR);
    if (fresh) {
#if defined(__x86_64__)
        /* The limit's RDTSC must execute before the loads of busy below:
         * MFENCE orders memory, not RDTSC; LFENCE waits for it. */
        __builtin_ia32_lfence();
#endif
        RT_FENCE(memory_order_seq_cst);
        if (atomic_load_explicit(&trace_asym, memory_order_relaxed))
            asym_barrier();
    }
    for (size_t i = 0; i < n; i++) {
        unsigned spins = 0;
        uint64_t b;
        have[i] = 0;
        if (rings[i] == NULL)
            continue;
        b = atomic_load_explicit(&rings[i]->busy, memory_order_acquire);
        if (fresh && (b & 1))
            while (atomic_load_explicit(&rings[i]->busy, memory_order_acquire) == b)
                backoff(&spins);
        have[i] = peek(rings[i], &at[i], &head[i], &lost);
        /* batches the producer dropped rather than lap us too far */
        b = atomic_load_explicit(&rings[i]->skipped, memory_order_relaxed);
        lost += b - atomic_load_explicit(&rings[i]->skipped_seen, memory_order_relaxed);
        atomic_store_explicit(&rings[i]->skipped_seen, b, memory_order_release);
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
