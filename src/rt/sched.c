/*
 * sched.c - the M:N scheduler: routines, lanes (worker pthreads), run
 * queues, timers, runtime time, pause/step, core changes, deadlock
 * detection, names and trace emission.  Owns every rt_routine and rt_lane;
 * knows nothing of channel internals (chan.c parks and wakes through
 * rt_sched.h).
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
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/membarrier.h>
#include <sys/syscall.h>
#endif
#include "cpu.h"
#include "ctx.h"
#include "ids.h"
#include "lanes.h"
#include "names.h"
#include "rassert.h"
#include "rtdebug.h"
#include "rt_sched.h"
#include "stack.h"
#include "trace.h"

/* chan.c may not be linked (a program without channels registers none). */
#pragma weak chan_destroy

#define RQ_SIZE      256        /* local ring slots */
#define GLOBAL_EVERY 61         /* schedule ticks between looks at the global queue */
#define RUNNEXT_STREAK 61       /* runnext picks in a row before the ring gets one */
#define SPIN_ROUNDS  40         /* idle lane: look for work this often before sleeping */
#define CHAIN_WAIT_NS 10000     /* a thief leaves a ring of woken partners alone */
#define CHAIN_LOOKS  3          /*   until its lane stood still this long, over as
                                     many looks (ring_takeable) */
#define POLL_MAX_NS  1280000    /* idle lane: longest wait between looks at one */
#define NO_TIMER     UINT64_MAX

/* What a routine asks of its lane when it switches out. */
enum { ACT_NONE, ACT_YIELD, ACT_PREEMPT, ACT_SLEEP, ACT_PARK, ACT_EXIT,
       ACT_CORES, ACT_ABANDON };
/* Where a routine is (rt_routine.state). */
enum { RS_RUNNABLE = 1, RS_RUNNING, RS_SLEEPING, RS_BLOCKED, RS_DEAD };
/* What a lane waits for (rt_lane.waiting). */
enum { W_NONE, W_IDLE, W_WOKEN, W_GATE, W_PARKED };

typedef struct rt_home rt_home;

/*
 * A routine.  The struct lives at the top of its own stack (under the
 * stk_node), so freeing the stack frees it.  Created by lanes_go; freed
 * (its stack given back) by whoever unlinks it from its home's list after
 * its exit (see rt_home), or by lanes_close for routines still alive.
 */
struct rt_routine {
    rt_ctx    ctx;          /* registers while switched out; owner: whoever holds the routine */
    lanes_rt *rt;           /* immutable */
    uint32_t  id;           /* immutable; no other live routine has it (ids.c) */
    const char *name;       /* immutable: its slot in rt->ids, kept while it lives */
    void    (*fn)(void *);  /* immutable */
    void     *arg;          /* immutable */
    stk_node *stk;          /* the stack it lives on; immutable */
    /* Set by the routine just before it switches out, read by its lane right
     * after (same thread). */
    int       action;       /* ACT_* */
    int32_t   act_arg;      /* STOP reason for ACT_PARK */
    uint32_t  act_obj;      /* channel id (park), ticks (sleep) */
    void    (*unlock)(void *);
    void     *unlock_arg;
    _Atomic int state;      /* RS_*; read by lanes_blocked_list and asserts */
    _Atomic uint32_t block_chan;    /* while RS_BLOCKED: channel and op, for */
    _Atomic int      block_op;      /* lanes_blocked_list */
    uint64_t  wake_at;      /* RS_SLEEPING: runtime time to wake; under rt->tmu */
    size_t    heap_idx;     /* index in rt->heap; under rt->tmu */
    rt_routine *qnext;      /* link in the global queue; under rt->gq_mu */
    rt_home  *home;         /* immutable: the list it is on */
    rt_routine *all_prev, *all_next;  /* home->all; under home->lock */
    int       listed;       /* on home->all: from its first park on (see
                               rt_home); written by the routine, read by
                               whoever releases it after its exit */
    rt_routine *dead_next;  /* link in home->dead once exited (see rt_home) */
};

/*
 * The routines one lane created (rt_lane.home), or plain threads created
 * (lanes_rt.plain), and those that exited on another lane and wait in
 * `dead` for their stacks to come home.  The list `all` is for
 * lanes_blocked_list, so a routine joins it at its first park and leaves
 * it at its exit: one that never parks (most short ones) costs no list
 * work at all, and lanes_close finds every live routine by its stack
 * (stk_pool_each_used).  A routine's list never changes, and mostly its
 * own lane links and unlinks there, so the lock is one no other lane
 * wants; a stack goes back to the cache of the lane that will spawn on it
 * again rather than migrating.
 *
 * An exit on another lane pushes the routine on `dead` (it is RS_DEAD,
 * its stack untouched until unlinked); whoever holds `lock` may take the
 * whole stack (home_reclaim): the owner when its stack cache runs dry, at
 * a tick, and when it stops running routines (idle, switched off, closing),
 * which it says by setting `away` first.  A pusher that then sees `away`
 * reclaims itself: push and `away` are seq_cst on both sides, so one of
 * the two always sees the other and no stack is stranded while its lane
 * sleeps.  The plain list has no owner: `away` always, and its routines'
 * exits unlink them directly, as every exit did before.
 */
struct rt_home {
    atomic_int  lock;                /* the links of `all` (home_lock): the
                                        owner, walkers (lanes_blocked_list)
                                        and reclaimers */
    rt_routine *all;                 /* under lock */
    int         plain;               /* immutable: lanes_rt.plain */
    _Alignas(64) _Atomic(rt_routine *) dead;  /* pushed by any lane (CAS);
                                        emptied by exchange under lock */
    _Atomic int away;                /* written by the owner (see above) */
};

/*
 * A lane: one worker pthread.  Its local queue is a ring that only the lane
 * adds to (at tail) and that the lane and thieves take from (at head, by
 * CAS), after Go's runq.  runnext is swapped atomically by the lane and
 * taken by CAS by a thief once it has sat there a whole tick.  A ring that
 * holds nothing but routines that wakes pushed out of runnext (a chain of
 * channel partners) or that the lane spawned, a thief leaves to the lane
 * while the lane keeps switching (ring_takeable).
 */
typedef struct rt_lane {
    lanes_rt *rt;                   /* immutable */
    int       idx;                  /* immutable */
    pthread_t thr;                  /* set by the starter under rt->mu */
    _Alignas(64) _Atomic uint32_t rq_head;  /* lane and thieves (CAS) */
    _Alignas(64) _Atomic uint32_t rq_tail;  /* lane only */
    _Atomic int taking;             /* 1 during a plain take (solo_take_begin):
                                       written by the lane, read by solo_end */
    /* written by the lane, read by thieves (hints: see ring_takeable) */
    _Atomic uint32_t rq_chain0;     /* ring index of the first of the latest run of
                                       routines pushed out of runnext or spawned, */
    _Atomic uint32_t rq_chain;      /*   and past its last */
    _Atomic uint32_t switches;      /* schedtick as the lane last published it */
    _Atomic(rt_routine *) rq[RQ_SIZE];
    _Atomic(rt_routine *) runnext;
    _Atomic uint64_t runnext_stamp;  /* `ticks` when runnext was set */
    _Atomic uint64_t ticks;          /* safepoints passed; written by the lane */
    /* owner: the lane thread */
    _Alignas(64) rt_ctx sched;       /* the lane's scheduler context (its pthread stack) */
    rt_routine *cur;                 /* routine running on this lane, or NULL */
    rt_routine *prev;                /* routine that switched straight to
                                        `cur` (switch_direct): `cur` finishes
                                        its switch-out (finish_prev) */
    int       prev_from;             /* where `cur` came from then (RUN's arg) */
    int64_t   census_due;            /* blocked-count change not yet in
                                        rt->census: -1 per routine the running
                                        routine woke into runnext while this
                                        was the only lane (see census) */
    int64_t   exits_due;             /* exits on this lane not yet taken off
                                        rt->census's live count; a spawn here
                                        takes one instead of adding (census) */
    uint32_t  schedtick;             /* scheduling decisions made */
    uint32_t  rn_streak;             /* routines taken from runnext in a row
                                        while the ring had some waiting; lane only */
    int       slice;                 /* ticks used by the current time slice */
    int       tick_paid;             /* the tick under way passed the gate on a
                                        step's permit: a pause seen mid-tick
                                        lets it finish (tick_interrupt), so a
                                        step is one tick; lane only */
    uint64_t  rnd;                   /* sched_rand state */
    stk_cache cache;                 /* free stacks kept by this lane */
    /* the lane as a thief (ring_takeable): each victim's `switches` as last
     * seen while its ring held a chain, and since when (mono ns, 0 never) */
    uint32_t  seen_sw[LANES_MAX_CORES];
    uint64_t  seen_at[LANES_MAX_CORES];
    uint8_t   seen_n[LANES_MAX_CORES];   /* looks that saw it so */
    uint64_t  poll_ns;               /* idle: wait before the next look at such a
                                        ring, 0 for CHAIN_WAIT_NS */
    int       polled;                /* the last idle_sleep ended at its look */
    void     *altstack;              /* our signal stack, or NULL */
    trace_ring ring;                 /* producer: this lane; consumer: lanes_trace_read */
    cpu_lane  cpu;                   /* what the OS gave this thread in lanes_work
                                        (cpu.h); the lane, but its totals */
    int       tb_hold;               /* lane only: TB_*: events go into one open batch
                                        (one stamp) until emit_release; see emit_n */
    int       tb_open;               /* lane only: that batch is open in `ring` */
    rt_home   home;                  /* routines spawned on this lane; owner: the lane */
    /* under rt->mu */
    pthread_cond_t cv;               /* the lane sleeps here (idle, gate, parked) */
    int       permits;               /* step ticks the lane may still pass */
    int       waiting;               /* W_* */
    int       started;
} rt_lane;

struct lanes_rt {
    /* immutable after lanes_open */
    unsigned flags;
    size_t   stack_size;
    int      trace_on;
    size_t   trace_cap;              /* events per ring */
    uint64_t t0;                     /* monotonic ns at open */
    int      ncpu;
    int      cpus[LANES_MAX_CORES];  /* online CPUs, for LANES_PIN_CPUS */
    /* settings, atomics: read anywhere, written under mu */
    _Atomic int      quantum;
    _Atomic uint64_t tick_ns;
    _Atomic uint64_t iters_per_tick;
    _Atomic int      ncores;
    _Atomic int      paused;
    atomic_int       closing;
    /* 1 while no lane can steal (one lane ever started) and the heavy
     * barrier works: each lane then takes from its own ring and runnext
     * with plain stores, no locked instruction.  Set by lanes_open, cleared
     * once and for good by start_lane (solo_end), under mu. */
    _Atomic int      solo;
    /* runtime clock: a seqlock written under mu */
    _Atomic uint32_t clk_seq;
    _Atomic uint64_t clk_base_rt;    /* runtime time at clk_base_mono */
    _Atomic uint64_t clk_base_mono;
    _Atomic uint64_t clk_tick;
    _Atomic int      clk_paused;
    _Atomic uint64_t clk_stop;       /* lanes_pause_at's time, 0 none: running, the
                                        clock does not pass it (clk_at) */
    /* lanes.  From here on, groups that some lane writes often start on
     * their own cache line, so that a spinning idle lane reading them does
     * not make the settings above bounce between the cores. */
    _Alignas(64) pthread_mutex_t mu; /* lane waits, permits, starting lanes, control */
    _Atomic int     nstarted;        /* lanes[0..nstarted) have rings and threads (started) */
    int             step_no;         /* under mu */
    atomic_int      nidle;           /* lanes in idle_sleep */
    /* global queue */
    _Alignas(64) pthread_mutex_t gq_mu;
    rt_routine     *gq_head, *gq_tail;   /* under gq_mu */
    _Atomic int     gq_len;          /* written under gq_mu; read anywhere as a hint */
    /* timers: a binary heap on wake_at */
    _Alignas(64) pthread_mutex_t tmu;
    rt_routine    **heap;            /* under tmu */
    size_t          nheap, capheap;  /* under tmu */
    _Atomic uint64_t timer_next;     /* earliest wake_at, NO_TIMER when none */
    /* census: live routines << 32 | blocked ones.  Exact but for two cases.
     * (1) While a single lane was ever started (no thieves), a routine a
     * running routine wakes into runnext leaves its -1 in
     * rt_lane.census_due, paid with the waker's own change when it stops (a
     * park's +1 cancels it: no atomic at all in a ping-pong), or before
     * anything lets the woken one run or be taken (a tick, the slot's
     * occupant going to the ring).  So the over-count is of routines that
     * cannot run, while their waker counts as not blocked: blocked stays
     * below live.  (2) An exit leaves its -1 live in rt_lane.exits_due, and
     * a later spawn on that lane takes it back instead of adding 1 (no
     * atomic at all while a lane spawns and its children exit there); the
     * lane pays the rest with its next park or tick and whenever it looks
     * for work and finds none.  Live is only ever over-counted, never
     * under (a spawn's +1 is in before the routine is queued).  So neither
     * live == 0 nor live == blocked is seen early; and since a lane pays
     * everything before it idles, the last park of a real deadlock, or the
     * lane of the last exit on its way to idle, makes the census exact. */
    _Alignas(64) _Atomic uint64_t census;
    pthread_mutex_t wait_mu;
    pthread_cond_t  wait_cv;
    uint64_t        deadlock_seen;   /* census last reported as deadlock; under wait_mu */
    /* routines created by plain threads; the lanes' own in rt_lane.home */
    _Alignas(64) rt_home plain;
    _Atomic uint32_t nchans;
    ids_tab  ids;                    /* routine ids and names */
    name_tab cnames;
    stk_pool stacks;
    /* trace */
    pthread_mutex_t ctl_mu;          /* serialises producers of ctl_ring */
    trace_ring      ctl_ring;
    _Atomic(trace_ring *) rings[LANES_MAX_CORES];   /* lane rings once started */
    _Atomic uint64_t dropped;
    atomic_int       lossless;
    uint64_t         read_limit;     /* the consumer's: the limit of its last merge */
    cpu_load         load;           /* lanes_open's, then the consumer's (LOAD events) */
    int              read_full;      /* the consumer's: that merge filled its buffer */
    rt_lane lanes[LANES_MAX_CORES];
};

/* ---- small things ---------------------------------------------------------- */

void rt_assert_fail(const char *expr, const char *file, int line, const char *func)
{
    fprintf(stderr, "lanes: internal error: %s:%d: %s: assertion '%s' failed\n",
            file, line, func, expr);
    abort();
}

#ifdef LANES_TSAN
atomic_int rt_fence_dummy;
#endif

static _Thread_local rt_lane *tl_lane;
static _Thread_local rt_routine *tl_self;
static _Thread_local uint64_t tl_rnd;

/* TLS is read through functions the compiler cannot merge across a context
 * switch: a routine may resume on another thread. */
#if defined(__GNUC__) && !defined(__clang__)
#define NOIPA __attribute__((noinline, noipa))
#else
#define NOIPA __attribute__((noinline))
#endif
static NOIPA rt_lane *cur_lane(void)
{
    rt_lane *l = tl_lane;
    __asm__ volatile("" ::: "memory");
    return l;
}

static NOIPA rt_routine *cur_self(void)
{
    rt_routine *r = tl_self;
    __asm__ volatile("" ::: "memory");
    return r;
}

static NOIPA void set_self(rt_routine *r)
{
    tl_self = r;
    __asm__ volatile("" ::: "memory");
}

/* rt_routine.state is bookkeeping (asserts, lanes_blocked_list): the
 * queues and locks that hand a routine over order everything else. */
static inline void set_state(_Atomic int *st, int v)
{
    atomic_store_explicit(st, v, memory_order_relaxed);
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ volatile("yield");
#endif
}

/* Every time that is compared with event times comes from the trace
 * clock (trace.h); a condition variable's deadline is converted back. */
static uint64_t mono_ns(void)
{
    return trace_now();
}

static uint64_t xorshift(uint64_t *s)
{
    uint64_t x = *s;
    if (x == 0)
        x = 0x9e3779b97f4a7c15ull ^ (uintptr_t)s ^ mono_ns();
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *s = x;
    return x;
}

uint32_t sched_rand(void)
{
    rt_lane *l = cur_lane();
    return (uint32_t)(xorshift(l != NULL ? &l->rnd : &tl_rnd) >> 16);
}

/* ---- names ------------------------------------------------------------------ */

void lanes_routine_name(lanes_rt *rt, uint32_t id, char *buf, size_t n)
{
    if (rt == NULL) {
        if (buf != NULL && n > 0)
            buf[0] = '\0';
        return;
    }
    ids_name(&rt->ids, id, buf, n);
}

void lanes_chan_name(lanes_rt *rt, uint32_t id, char *buf, size_t n)
{
    if (rt == NULL) {
        if (buf != NULL && n > 0)
            buf[0] = '\0';
        return;
    }
    names_copy(&rt->cnames, id, buf, n);
}

uint32_t sched_chan_register(lanes_rt *rt, struct lanes_chan *ch, const char *name)
{
    uint32_t id = atomic_fetch_add(&rt->nchans, 1) + 1;
    RT_ASSERT(names_set(&rt->cnames, id, name, ch) != NULL);
    return id;
}

/* ---- runtime clock ------------------------------------------------------- */

typedef struct clk_snap { uint64_t base_rt, base_mono, tick, stop; int paused; } clk_snap;

static void clk_read(const lanes_rt *rt, clk_snap *c)
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
static void clk_write(lanes_rt *rt, const clk_snap *c)
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
static uint64_t clk_at(const clk_snap *c, uint64_t mono)
{
    uint64_t t = clk_run(c, mono);
    if (c->stop != 0 && t > c->stop)
        t = c->stop > c->base_rt ? c->stop : c->base_rt;
    return t;
}

static uint64_t rt_time_at(const lanes_rt *rt, uint64_t mono)
{
    clk_snap c;
    clk_read(rt, &c);
    return clk_at(&c, mono);
}

uint64_t lanes_now(const lanes_rt *rt)
{
    return rt != NULL ? rt_time_at(rt, mono_ns()) : 0;
}

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

/* Events that happen at one point of a lane's work - a message's SEND
 * and RECV and the WAKE of the routine that was waiting for it; the STOP
 * of a routine and the RUN of the one it switches straight to - share one
 * clock read: the first opens a batch (trace_open) when the lane holds
 * (tb_hold), the others join it, emit_release publishes.  Between them the
 * lane only drops locks and puts routines on queues: the consumer, which
 * waits for an open batch, waits for nothing longer. */
#define TB_ROOM 4
enum { TB_NONE, TB_HOLD, TB_HOLD_LOCAL /* and no event in it has a cause in another ring */ };

static void emit_release(rt_lane *l)
{
    l->tb_hold = TB_NONE;
    if (l->tb_open) {
        l->tb_open = 0;
        trace_close(&l->ring);
    }
}

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

static void emit_slow(lanes_rt *rt, rt_lane *l, int kind, uint32_t routine,
                      uint32_t obj, int32_t arg, uint16_t lane)
{
    trace_ev e = { routine, obj, arg, lane, (uint16_t)kind };
    emit_n(rt, l, &e, 1, 0);
}

/* l: the emitting lane (its ring), NULL for the control ring.  `lane` is
 * the event's lane field. */
static inline void emit(lanes_rt *rt, rt_lane *l, int kind, uint32_t routine,
                        uint32_t obj, int32_t arg, uint16_t lane)
{
    if (__builtin_expect(!rt->trace_on, 0))
        return;
    emit_slow(rt, l, kind, routine, obj, arg, lane);
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
    return rt->trace_on;
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
    if (rt == NULL || !rt->trace_on || out == NULL || max == 0)
        return 0;
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
    if (!rt->trace_on)
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
        "tick", "quantum", "chan", "done", "cpu", "load", "note",
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

/* ---- work calibration ----------------------------------------------------- */

static uint64_t spin(uint64_t n, uint64_t x)
{
    for (; n > 0; n--) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        __asm__ volatile("" : "+r"(x));
    }
    return x;
}

static uint64_t iters_per_ms;       /* written once under calib_once */
static pthread_once_t calib_once = PTHREAD_ONCE_INIT;
static _Atomic uint64_t work_sink;

static void calibrate(void)
{
    const uint64_t n = 200000;
    uint64_t best = UINT64_MAX, x = 1;
    for (int i = 0; i < 7; i++) {
        uint64_t t = mono_ns();
        x = spin(n, x);
        t = mono_ns() - t;
        if (t > 0 && t < best)
            best = t;
    }
    atomic_fetch_add_explicit(&work_sink, x, memory_order_relaxed);
    if (best == UINT64_MAX)
        best = n;
    iters_per_ms = n * 1000000ull / best;
    if (iters_per_ms == 0)
        iters_per_ms = 1;
}

static uint64_t iters_for(uint64_t tick_ns)
{
    uint64_t n = (uint64_t)(((unsigned __int128)tick_ns * iters_per_ms) / 1000000u);
    return n > 0 ? n : 1;
}

/* ---- local run queue --------------------------------------------------------- */

static uint32_t rq_len(rt_lane *l)
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

/* Whether this process can have membarrier make every running thread of
 * it pass a full barrier (registers for that; cheap, so every lanes_open
 * asks again: a forked child must register anew).  The same as trace.c's. */
static int membar_ready(void)
{
#if defined(__linux__) && defined(__NR_membarrier)
    return syscall(__NR_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0 &&
           syscall(__NR_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) == 0;
#else
    return 0;
#endif
}

static void membar_heavy(void)
{
#if defined(__linux__) && defined(__NR_membarrier)
    if (syscall(__NR_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) == 0)
        return;
    RT_ASSERT(syscall(__NR_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0) == 0);
#else
    RT_ASSERT(!"rt->solo without membarrier");
#endif
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

/* Owner only. */
static rt_routine *rq_get(rt_lane *l)
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
static uint32_t rq_grab(rt_lane *v, rt_routine **buf, int all)
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

static void gq_push(lanes_rt *rt, rt_routine *r)
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
static void gq_push_head(lanes_rt *rt, rt_routine **v, int n)
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

static rt_routine *gq_pop(lanes_rt *rt)
{
    rt_routine *r;
    if (atomic_load_explicit(&rt->gq_len, memory_order_acquire) == 0)
        return NULL;
    pthread_mutex_lock(&rt->gq_mu);
    r = rt->gq_head;
    if (r != NULL) {
        rt->gq_head = r->qnext;
        if (rt->gq_head == NULL)
            rt->gq_tail = NULL;
        r->qnext = NULL;
        gq_len_add(rt, -1);
    }
    pthread_mutex_unlock(&rt->gq_mu);
    return r;
}

/* ---- waking idle lanes ---------------------------------------------------------- */

static int steal_ok(const lanes_rt *rt) { return !(rt->flags & LANES_NO_STEAL); }

/* After making work visible: wakes one idle lane, if any sleeps. */
static void wake_idle(lanes_rt *rt)
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
static void wake_all_locked(lanes_rt *rt)
{
    int n = atomic_load(&rt->nstarted);
    for (int i = 0; i < n; i++)
        pthread_cond_broadcast(&rt->lanes[i].cv);
}

/* ---- routine lists (rt_home) -------------------------------------------------- */

/* The owning lane takes a list's lock for every spawn and exit, others
 * seldom (a walk, a reclaim, a sleeping owner's stacks): one locked
 * instruction to take, a plain store to give back, where a mutex costs two
 * locked instructions and two calls.  A long walk holds it a while: a
 * lane that keeps finding it taken gives its CPU away. */
static void home_lock(rt_home *h)
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

static inline void home_unlock(rt_home *h)
{
    atomic_store_explicit(&h->lock, 0, memory_order_release);
}

static void home_init(rt_home *h, int plain)
{
    atomic_store(&h->lock, 0);
    h->all = NULL;
    h->plain = plain;
    atomic_store(&h->dead, NULL);
    atomic_store(&h->away, plain);
}

/* Under h->lock. */
static void home_link(rt_home *h, rt_routine *r)
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
static void home_reclaim(lanes_rt *rt, rt_home *h, stk_cache *c)
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
static void home_away(lanes_rt *rt, rt_lane *l)
{
    atomic_store(&l->home.away, 1);
    home_reclaim(rt, &l->home, &l->cache);
}

static void home_back(rt_lane *l)
{
    atomic_store_explicit(&l->home.away, 0, memory_order_relaxed);
}

/* Lane l, after dead routine r's exit (no lane on its stack any more):
 * off its home's list and its stack to l's cache, or (another lane's
 * routine) on that home's dead stack for the owner to take. */
static void home_release(rt_lane *l, rt_routine *r)
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

/* ---- census and lanes_wait -------------------------------------------------- */

#define LIVE1 (1ull << 32)

static void census_add(lanes_rt *rt, uint64_t d)
{
    uint64_t v = atomic_fetch_add(&rt->census, d) + d;
    uint32_t live = (uint32_t)(v >> 32), blocked = (uint32_t)v;
    if (live == 0 || live == blocked) {
        pthread_mutex_lock(&rt->wait_mu);
        pthread_cond_broadcast(&rt->wait_cv);
        pthread_mutex_unlock(&rt->wait_mu);
    }
}

/* What l's wakes and exits owe the census (census_due, exits_due), as one
 * addend, and none owed any more: the caller adds it. */
static inline uint64_t census_take(rt_lane *l)
{
    uint64_t d = (uint64_t)l->census_due - (uint64_t)l->exits_due * LIVE1;
    l->census_due = 0;
    l->exits_due = 0;
    return d;
}

/* Pays what l's wakes and exits still owe the census. */
static inline void census_flush(rt_lane *l)
{
    if (l->census_due != 0 || l->exits_due != 0)
        census_add(l->rt, census_take(l));
}

static int wait_common(lanes_rt *rt, const struct timespec *deadline)
{
    int ret;
    pthread_mutex_lock(&rt->wait_mu);
    for (;;) {
        uint64_t v = atomic_load(&rt->census);
        uint32_t live = (uint32_t)(v >> 32), blocked = (uint32_t)v;
        if (live == 0) {
            ret = 0;
            break;
        }
        if (live == blocked) {
            if (rt->deadlock_seen != v) {
                rt->deadlock_seen = v;
                emit(rt, NULL, LANES_EV_DEADLOCK, 0, 0, (int32_t)blocked, LANES_NO_LANE);
            }
            ret = LANES_DEADLOCK;
            break;
        }
        if (deadline == NULL) {
            pthread_cond_wait(&rt->wait_cv, &rt->wait_mu);
        } else if (pthread_cond_timedwait(&rt->wait_cv, &rt->wait_mu, deadline) == ETIMEDOUT) {
            v = atomic_load(&rt->census);
            live = (uint32_t)(v >> 32);
            blocked = (uint32_t)v;
            if (live != 0 && live != blocked) {
                ret = 1;
                break;
            }
        }
    }
    pthread_mutex_unlock(&rt->wait_mu);
    return ret;
}

int lanes_wait(lanes_rt *rt)
{
    if (rt == NULL)
        return -EINVAL;
    RT_ASSERT(cur_self() == NULL);
    return wait_common(rt, NULL);
}

static struct timespec abs_mono(uint64_t ns)
{
    return (struct timespec){ (time_t)(ns / 1000000000ull), (long)(ns % 1000000000ull) };
}

int lanes_wait_for(lanes_rt *rt, uint64_t timeout_ns)
{
    struct timespec ts;
    uint64_t now;
    if (rt == NULL)
        return -EINVAL;
    RT_ASSERT(cur_self() == NULL);
    now = trace_mono_of(mono_ns());
    if (timeout_ns > UINT64_MAX - now)  /* past the clock's range: no deadline */
        return wait_common(rt, NULL);
    ts = abs_mono(now + timeout_ns);
    return wait_common(rt, &ts);
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

static void timer_add(lanes_rt *rt, rt_routine *r)
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

static void put_runnable(rt_lane *l, rt_routine *r, int kind, uint32_t obj, int32_t stop_reason);
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

/* Moves due sleepers to this lane's queue.  Lane thread (either context). */
static __attribute__((noinline)) void timers_fire_slow(rt_lane *l, uint64_t next)
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
    } while (n == 64);
}

/* At every switch: a load and a test while no routine sleeps. */
static inline void timers_fire(rt_lane *l)
{
    uint64_t next = atomic_load_explicit(&l->rt->timer_next, memory_order_relaxed);
    if (next != NO_TIMER)
        timers_fire_slow(l, next);
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

static void put_runnable(rt_lane *l, rt_routine *r, int kind, uint32_t obj, int32_t stop_reason)
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

    if (running != NULL)
        batch[n++] = running;
    rn = atomic_exchange(&l->runnext, NULL);
    if (rn != NULL)
        batch[n++] = rn;
    n += (int)rq_grab(l, batch + n, 1);
    emit(rt, l, LANES_EV_PARK, 0, 0, n, (uint16_t)l->idx);
    gq_push_head(rt, batch, n);
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

/* lanes_pause_at: the first lane to see runtime time at the stop pauses
 * the runtime there (the clock stopped there already: clk_at).  While no
 * stop is set, one load and compare. */
static inline int pause_due(lanes_rt *rt)
{
    uint64_t stop = atomic_load_explicit(&rt->clk_stop, memory_order_relaxed);
    return stop != 0 && !atomic_load_explicit(&rt->paused, memory_order_relaxed) &&
           lanes_now(rt) >= stop;
}

static int others_runnable(rt_lane *l)
{
    return atomic_load_explicit(&l->runnext, memory_order_relaxed) != NULL ||
           rq_len(l) > 0 ||
           atomic_load_explicit(&l->rt->gq_len, memory_order_relaxed) > 0;
}

static void overflow_die(rt_routine *r);

static void cpu_sample(rt_lane *l, rt_routine *r);

/* What a safepoint did to the lanes_work that called it. */
enum { SP_STAYED, SP_GATED /* waited at the pause gate, still on l */,
       SP_MOVED /* left its lane and came back, maybe on another */ };

/* Routine context, at the end of every tick.  Before the routine leaves
 * its lane or waits at the gate, the lane closes its CPU window
 * (cpu_sample): a window never holds time off the lane or paused. */
static int safepoint(rt_routine *r)
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
        cpu_sample(l, r);
        switch_out(r, ACT_ABANDON);
    }
    if (l->idx >= atomic_load_explicit(&rt->ncores, memory_order_relaxed)) {
        cpu_sample(l, r);
        switch_out(r, ACT_CORES);
        return SP_MOVED;
    }
    timers_fire(l);
    if (pause_due(rt))
        lanes_pause(rt);        /* lanes_pause_at's time: paused below */
    q = atomic_load_explicit(&rt->quantum, memory_order_relaxed);
    if (q > 0 && l->slice >= q && others_runnable(l)) {
        cpu_sample(l, r);
        switch_out(r, ACT_PREEMPT);
        return SP_MOVED;
    }
    /* a woken routine waiting in runnext: let an idle lane take it */
    if (atomic_load_explicit(&l->runnext, memory_order_relaxed) != NULL && steal_ok(rt))
        wake_idle(rt);
    if (atomic_load_explicit(&rt->paused, memory_order_relaxed)) {
        cpu_sample(l, r);
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
        k = ring_takeable(l, v, &now) == RING_TAKE ? rq_grab(v, buf, 0) : 0;
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
        if (k > 1)
            wake_idle(rt);
        return buf[0];
    }
    return NULL;
}

static rt_routine *find_runnable(rt_lane *l, int *from)
{
    lanes_rt *rt = l->rt;
    rt_routine *r;

    l->schedtick++;
    switches_publish(l);
    if (l->schedtick % GLOBAL_EVERY == 0 && (r = gq_pop(rt)) != NULL) {
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
    if ((r = gq_pop(rt)) != NULL) {
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

/* Lane context: the next routine to run, blocking while there is none;
 * NULL when the runtime closes. */
static rt_routine *find_work(rt_lane *l, int *from)
{
    lanes_rt *rt = l->rt;
    for (;;) {
        int stepped;
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
        timers_fire(l);
        if ((r = find_runnable(l, from)) != NULL) {
            l->polled = 0;
            l->poll_ns = 0;
            return r;           /* its exits stay due: a thief that finds
                                   work at once touches no shared line */
        }
        census_flush(l);        /* exits: before this lane may wait */
        if (stepped)
            continue;           /* this step's decision: nothing to run */
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

/* ---- signals: stack overflow ------------------------------------------------ */

static pthread_once_t segv_once = PTHREAD_ONCE_INIT;

/* The fault handler's question (stack.c): the calling thread's routine's
 * stack, pool and name.  Async-signal-safe. */
static const stk_node *segv_who(const stk_pool **p, const char **name)
{
    rt_routine *r = tl_self;
    if (r == NULL)
        return NULL;
    *p = &r->rt->stacks;
    *name = r->name;
    return r->stk;
}

static void segv_install(void)
{
    stk_segv_install(segv_who);
}

static void overflow_die(rt_routine *r)
{
    stk_overflow_die(&r->rt->stacks, r->name);
}

/* ---- lanes ------------------------------------------------------------------ */

static void pin(rt_lane *l)
{
#ifdef HAVE_PTHREAD_SETAFFINITY_NP
    lanes_rt *rt = l->rt;
    cpu_set_t set;
    if (!(rt->flags & LANES_PIN_CPUS) || rt->ncpu <= 0)
        return;
    CPU_ZERO(&set);
    CPU_SET(rt->cpus[l->idx % rt->ncpu], &set);
    pthread_setaffinity_np(pthread_self(), sizeof set, &set);
#else
    (void)l;
#endif
}

static void *lane_main(void *p)
{
    rt_lane *l = p;
    lanes_rt *rt = l->rt;
    int from;
    rt_routine *r;

    tl_lane = l;
    l->rnd = 0x2545f4914f6cdd1dull * (uint64_t)(l->idx + 1) ^ mono_ns();
    ctx_init_thread(&l->sched);
    l->altstack = stk_altstack_on();
    pin(l);
    emit(rt, l, LANES_EV_UNPARK, 0, 0, 0, (uint16_t)l->idx);
    while ((r = find_work(l, &from)) != NULL)
        run(l, r, from);
    home_away(rt, l);
    stk_cache_drain(&rt->stacks, &l->cache);
    cpu_lane_fini(&l->cpu);
    stk_altstack_off(l->altstack);
    tl_lane = NULL;
    return NULL;
}

/* Under rt->mu. */
static int start_lane(lanes_rt *rt, int i)
{
    rt_lane *l = &rt->lanes[i];
    int err;
    if (l->started)
        return 0;
    /* a lane whose thread could not be created before keeps its ring: the
     * consumer may be reading it already */
    if (rt->trace_on && l->ring.w == NULL) {
        if (trace_ring_init(&l->ring, rt->trace_cap) != 0)
            return -ENOMEM;
    }
    /* The consumer must see the ring before the lane's first event, or it
     * could merge later events before that one. */
    if (rt->trace_on)
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

/* ---- control ------------------------------------------------------------------ */

int lanes_set_cores(lanes_rt *rt, int n)
{
    int err = 0, old;
    if (rt == NULL || n < 1 || n > LANES_MAX_CORES)
        return -EINVAL;
    pthread_mutex_lock(&rt->mu);
    old = atomic_load(&rt->ncores);
    if (n != old) {
        emit(rt, NULL, LANES_EV_CORES, 0, (uint32_t)n, old, LANES_NO_LANE);
        atomic_store(&rt->ncores, n);
        for (int i = 0; i < n && err == 0; i++)
            err = start_lane(rt, i);
        if (err != 0) {
            int k = 0;
            while (k < LANES_MAX_CORES && rt->lanes[k].started)
                k++;
            atomic_store(&rt->ncores, k > 0 ? k : 1);
            /* the CORES event above promised n: say what there really is */
            emit(rt, NULL, LANES_EV_CORES, 0, (uint32_t)atomic_load(&rt->ncores), n, LANES_NO_LANE);
        }
        wake_all_locked(rt);
    }
    pthread_mutex_unlock(&rt->mu);
    return err;
}

int lanes_cores(const lanes_rt *rt)
{
    return rt != NULL ? atomic_load(&((lanes_rt *)rt)->ncores) : 0;
}

void lanes_pause(lanes_rt *rt)
{
    if (rt == NULL)
        return;
    pthread_mutex_lock(&rt->mu);
    if (!atomic_load(&rt->paused)) {
        clk_snap c;
        uint64_t m = mono_ns();
        clk_read(rt, &c);
        c.base_rt = clk_at(&c, m);
        c.base_mono = m;
        c.paused = 1;
        if (c.stop != 0 && c.base_rt >= c.stop)
            c.stop = 0;         /* lanes_pause_at: reached, spent */
        clk_write(rt, &c);
        atomic_store(&rt->paused, 1);
        emit(rt, NULL, LANES_EV_PAUSE, 0, 0, 0, LANES_NO_LANE);
        wake_all_locked(rt);    /* idle lanes go and wait at the gate */
    }
    pthread_mutex_unlock(&rt->mu);
}

void lanes_resume(lanes_rt *rt)
{
    if (rt == NULL)
        return;
    pthread_mutex_lock(&rt->mu);
    if (atomic_load(&rt->paused)) {
        clk_snap c;
        clk_read(rt, &c);
        c.base_mono = mono_ns();
        c.paused = 0;
        if (c.stop != 0 && c.base_rt >= c.stop)
            c.stop = 0;         /* stepped past lanes_pause_at's time */
        emit(rt, NULL, LANES_EV_RESUME, 0, 0, 0, LANES_NO_LANE);
        clk_write(rt, &c);
        for (int i = 0; i < LANES_MAX_CORES; i++)
            rt->lanes[i].permits = 0;
        atomic_store(&rt->paused, 0);
        wake_all_locked(rt);
    }
    pthread_mutex_unlock(&rt->mu);
}

void lanes_pause_at(lanes_rt *rt, uint64_t t_rt)
{
    clk_snap c;
    int due;
    if (rt == NULL)
        return;
    pthread_mutex_lock(&rt->mu);
    clk_read(rt, &c);
    if (!c.paused) {            /* rebased: the stop never takes the clock back */
        uint64_t m = mono_ns();
        c.base_rt = clk_at(&c, m);
        c.base_mono = m;
    }
    c.stop = t_rt;
    clk_write(rt, &c);
    due = t_rt != 0 && !c.paused && c.base_rt >= t_rt;
    pthread_mutex_unlock(&rt->mu);
    if (due)
        lanes_pause(rt);
}

int lanes_step(lanes_rt *rt, int ticks)
{
    clk_snap c;
    int n;
    if (rt == NULL || ticks < 1)
        return -EINVAL;
    pthread_mutex_lock(&rt->mu);
    if (!atomic_load(&rt->paused)) {
        pthread_mutex_unlock(&rt->mu);
        return -EINVAL;
    }
    rt->step_no++;
    emit(rt, NULL, LANES_EV_STEP, 0, (uint32_t)ticks, rt->step_no, LANES_NO_LANE);
    clk_read(rt, &c);
    c.base_rt += (uint64_t)ticks * 1000u;
    clk_write(rt, &c);
    n = atomic_load(&rt->ncores);
    for (int i = 0; i < n; i++)
        rt->lanes[i].permits += ticks;
    wake_all_locked(rt);
    pthread_mutex_unlock(&rt->mu);
    return 0;
}

int lanes_paused(const lanes_rt *rt)
{
    return rt != NULL ? atomic_load(&((lanes_rt *)rt)->paused) : 0;
}

void lanes_set_tick(lanes_rt *rt, uint64_t tick_ns)
{
    clk_snap c;
    uint64_t m, old;
    if (rt == NULL || tick_ns == 0)
        return;
    pthread_mutex_lock(&rt->mu);
    old = atomic_load(&rt->tick_ns);
    m = mono_ns();
    clk_read(rt, &c);
    c.base_rt = clk_at(&c, m);
    c.base_mono = m;
    c.tick = tick_ns;
    clk_write(rt, &c);
    atomic_store(&rt->tick_ns, tick_ns);
    atomic_store(&rt->iters_per_tick, iters_for(tick_ns));
    emit(rt, NULL, LANES_EV_TICK, 0, (uint32_t)(tick_ns / 1000), (int32_t)(old / 1000),
         LANES_NO_LANE);
    wake_all_locked(rt);        /* idle lanes recompute their timer waits */
    pthread_mutex_unlock(&rt->mu);
}

uint64_t lanes_tick(const lanes_rt *rt)
{
    return rt != NULL ? atomic_load(&((lanes_rt *)rt)->tick_ns) : 0;
}

void lanes_set_quantum(lanes_rt *rt, int quantum)
{
    int old;
    if (rt == NULL || quantum < 0)
        return;
    pthread_mutex_lock(&rt->mu);
    old = atomic_exchange(&rt->quantum, quantum);
    emit(rt, NULL, LANES_EV_QUANTUM, 0, (uint32_t)quantum, old, LANES_NO_LANE);
    pthread_mutex_unlock(&rt->mu);
}

int lanes_quantum(const lanes_rt *rt)
{
    return rt != NULL ? atomic_load(&((lanes_rt *)rt)->quantum) : 0;
}

static int affinity_cpus(int *cpus, int max)
{
    int n = 0;
#ifdef CPU_ISSET
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        for (int i = 0; i < CPU_SETSIZE; i++)
            if (CPU_ISSET(i, &set)) {
                if (cpus != NULL && n < max)
                    cpus[n] = i;
                n++;
            }
        return n;
    }
#endif
    long v = sysconf(_SC_NPROCESSORS_ONLN);
    n = v > 0 ? (int)v : 1;
    for (int i = 0; cpus != NULL && i < n && i < max; i++)
        cpus[i] = i;
    return n;
}

int lanes_online_cpus(void)
{
    return affinity_cpus(NULL, 0);
}

int lanes_lane_cpu(lanes_rt *rt, int lane, uint64_t *cpu_ns, uint64_t *wait_ns)
{
    if (rt == NULL || lane < 0 || lane >= LANES_MAX_CORES)
        return -EINVAL;
    if (cpu_ns != NULL)
        *cpu_ns = atomic_load_explicit(&rt->lanes[lane].cpu.tot_cpu, memory_order_acquire);
    if (wait_ns != NULL)
        *wait_ns = atomic_load_explicit(&rt->lanes[lane].cpu.tot_wait, memory_order_acquire);
    return 0;
}

/* ---- inside a routine -------------------------------------------------------- */

/* ---- CPU windows (cpu.h): the hooks of lanes_work ----------------------- */

/* Lane thread: the newest stamp in l's ring (absolute ns), 0 without a
 * trace: an interval starts at such an event (the routine's RUN or the
 * lane's last CPU event), so a window must not start before it. */
static uint64_t cpu_floor(rt_lane *l)
{
    return l->rt->trace_on ? l->ring.last_ns + l->rt->t0 : 0;
}

/* Records a CPU event for r on l and starts the next interval at its
 * stamp.  Never inside a held batch: lanes_work holds none. */
static void cpu_emit(rt_lane *l, rt_routine *r, uint32_t obj, int32_t arg)
{
    lanes_rt *rt = l->rt;
    if (rt->trace_on) {
        trace_ev e = { r->id, obj, arg, (uint16_t)l->idx, LANES_EV_CPU };
        RT_ASSERT(l->tb_hold == TB_NONE && !l->tb_open);
        emit_n(rt, l, &e, 1, 0);
        cpu_mark(&l->cpu, l->ring.t_ns + rt->t0);
    }
}

/* Closes l's window: a CPU event for r. */
static __attribute__((noinline)) void cpu_sample(rt_lane *l, rt_routine *r)
{
    uint32_t obj;
    int32_t arg;
    cpu_take(&l->cpu, &obj, &arg);
    cpu_emit(l, r, obj, arg);
}

/* After a safepoint that closed the window: open one where r works now.
 * Back from the gate, on the same lane with no STOP, an empty CPU event
 * first ends the interval that holds the pause, so the next one is only
 * the work after it. */
static __attribute__((noinline)) rt_lane *cpu_resume(rt_routine *r, int how)
{
    rt_lane *l = cur_lane();
    if (how == SP_GATED)
        cpu_emit(l, r, 0, 0);
    cpu_begin(&l->cpu, cpu_floor(l));
    return l;
}

/* Between two chunks of a long tick: whether something must not wait for
 * the tick's end - closing, a pause (lanes_pause_at's time pauses here),
 * a new speed (iters: the tick's length the chunks were counted for). */
static inline int tick_interrupted(lanes_rt *rt, uint64_t iters)
{
    if (pause_due(rt))
        lanes_pause(rt);        /* lanes_pause_at's time, mid-tick */
    return atomic_load_explicit(&rt->closing, memory_order_relaxed) ||
           atomic_load_explicit(&rt->paused, memory_order_relaxed) ||
           atomic_load_explicit(&rt->iters_per_tick, memory_order_relaxed) != iters;
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
static __attribute__((noinline)) uint64_t tick_interrupt(rt_routine *r, uint64_t left,
                                                         uint64_t *iters)
{
    lanes_rt *rt = r->rt;
    int how = SP_STAYED;
    uint64_t now;
    for (;;) {
        rt_lane *l = cur_lane();
        if (atomic_load(&rt->closing)) {
            if (how == SP_STAYED)
                cpu_sample(l, r);
            switch_out(r, ACT_ABANDON);
        }
        if (l->idx >= atomic_load(&rt->ncores)) {
            if (how == SP_STAYED)
                cpu_sample(l, r);
            switch_out(r, ACT_CORES);   /* back on some lane: look again */
            how = SP_MOVED;
        } else if (!atomic_load(&rt->paused) || l->tick_paid) {
            break;              /* running, or this tick was stepped: finish it */
        } else {
            if (how == SP_STAYED)
                cpu_sample(l, r);
            how = SP_GATED;
            if (gate(l))
                break;                  /* a step's permit */
        }
    }
    if (how != SP_STAYED)
        cpu_resume(r, how);
    now = atomic_load_explicit(&rt->iters_per_tick, memory_order_relaxed);
    if (now != *iters) {
        left = (uint64_t)(((unsigned __int128)left * now) / *iters);
        *iters = now;
    }
    return left;
}

/* A tick longer than a millisecond of work, in chunks of one: between
 * two chunks a long tick looks whether it must stop, pause or change
 * speed (tick_interrupt), and whether a CPU window has grown long
 * (CPU_CHOP_NS).  *lp: the lane, which a core change may replace. */
static __attribute__((noinline)) uint64_t spin_long(rt_lane **lp, rt_routine *r, uint64_t n,
                                                    uint64_t x)
{
    const uint64_t chunk = iters_per_ms;
    uint64_t iters = n;
    rt_lane *l = *lp;
    while (n > chunk) {
        x = spin(chunk, x);
        n -= chunk;
        if (tick_interrupted(r->rt, iters)) {
            n = tick_interrupt(r, n, &iters);
            l = cur_lane();
        }
        if (trace_now_local() >= l->cpu.chop_due)
            cpu_sample(l, r);
    }
    *lp = l;
    return spin(n, x);
}

/* Each tick pays one clock read for the CPU window (is a CPU event
 * due?), a tick longer than a millisecond one a millisecond (and three
 * loads for tick_interrupted); the readings of cpu.c only when one is. */
void lanes_work(int ticks)
{
    rt_routine *r = cur_self();
    rt_lane *l;
    uint64_t x = 0x853c49e6748fea9bull;
    if (r == NULL) {
        /* a plain thread: plain work at the default speed, no safepoints */
        pthread_once(&calib_once, calibrate);
        for (int i = 0; i < ticks; i++)
            x = spin(iters_for(LANES_DEFAULT_TICK_NS), x);
        atomic_fetch_add_explicit(&work_sink, x, memory_order_relaxed);
        return;
    }
    if (ticks <= 0)
        return;
    l = cur_lane();
    cpu_begin(&l->cpu, cpu_floor(l));
    for (int i = 0; i < ticks; i++) {
        uint64_t n = atomic_load_explicit(&r->rt->iters_per_tick, memory_order_relaxed);
        int sp;
        x = n <= iters_per_ms ? spin(n, x) : spin_long(&l, r, n, x);
        /* the last tick's window closes after its safepoint, below */
        if (i + 1 < ticks && trace_now_local() >= l->cpu.due)
            cpu_sample(l, r);
        if ((sp = safepoint(r)) != SP_STAYED)
            l = cpu_resume(r, sp);
    }
    cpu_sample(l, r);
    atomic_fetch_add_explicit(&work_sink, x, memory_order_relaxed);
}

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
        emit_release(l);
        atomic_store_explicit(&l->runnext_stamp,
                              atomic_load_explicit(&l->ticks, memory_order_relaxed),
                              memory_order_relaxed);
        if (old == NULL)
            atomic_store_explicit(&l->runnext, r, memory_order_release);
        else
            old = atomic_exchange_explicit(&l->runnext, r, memory_order_acq_rel);
        /* No idle lane is woken for r itself: no thief may take runnext
         * before this lane passes a tick, and the safepoint of that tick
         * wakes one.  The old one goes to the ring, to the chain there
         * (rq_chain0..rq_chain), which thieves leave to this lane while it
         * keeps switching (ring_takeable).  An idle lane is woken for the
         * first of a chain only, to watch for this lane getting stuck (it
         * then looks again by itself): a fan-in pushes one out per message,
         * and a futex call each would halve its rate. */
        if (old != NULL)
            rq_put_chained(l, old);     /* the UI folds this from the WAKE into runnext */
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

/* ---- lifetime ------------------------------------------------------------------ */

static rt_routine *routine_of(stk_node *s)
{
    return (rt_routine *)(((uintptr_t)s - sizeof(rt_routine)) & ~(uintptr_t)63);
}

/* Every live routine (and any dead one whose stack waits in a `dead`
 * list: ctx_free is idempotent). */
static void routine_free_ctx(stk_node *s, void *arg)
{
    (void)arg;
    ctx_free(&routine_of(s)->ctx);
}

static void rt_free(lanes_rt *rt)
{
    uint32_t nch = atomic_load(&rt->nchans);
    for (uint32_t id = 1; id <= nch; id++) {
        name_slot *s = names_get(&rt->cnames, id, 0);
        if (s != NULL && s->ptr != NULL && chan_destroy != NULL)
            chan_destroy(s->ptr);
    }
    stk_pool_each_used(&rt->stacks, routine_free_ctx, NULL);
    stk_pool_fini(&rt->stacks);
    free(rt->heap);
    ids_fini(&rt->ids);
    names_fini(&rt->cnames);
    for (int i = 0; i < LANES_MAX_CORES; i++) {
        trace_ring_free(&rt->lanes[i].ring);
        pthread_cond_destroy(&rt->lanes[i].cv);
    }
    trace_ring_free(&rt->ctl_ring);
    cpu_load_fini(&rt->load);
    pthread_mutex_destroy(&rt->mu);
    pthread_mutex_destroy(&rt->gq_mu);
    pthread_mutex_destroy(&rt->tmu);
    pthread_mutex_destroy(&rt->wait_mu);
    pthread_cond_destroy(&rt->wait_cv);
    pthread_mutex_destroy(&rt->ctl_mu);
    free(rt);
}

lanes_rt *lanes_open(const lanes_config *cfg)
{
    lanes_config c;
    lanes_rt *rt;
    pthread_condattr_t ca;
    clk_snap clk;
    void *mem = NULL;
    int err;

    if (cfg != NULL) {
        c = *cfg;
    } else {
        memset(&c, 0, sizeof c);
        c.cores = 1;
        c.quantum = LANES_DEFAULT_QUANTUM;
        c.tick_ns = LANES_DEFAULT_TICK_NS;
        c.trace_events = LANES_DEFAULT_TRACE_EVENTS;
    }
    if (c.cores < 1 || c.cores > LANES_MAX_CORES || c.quantum < 0 || c.tick_ns == 0 ||
        c.trace_events > (1u << 26) || c.stack_size > (256u << 20) ||
        (c.flags & ~(LANES_NO_STEAL | LANES_PIN_CPUS | LANES_START_PAUSED)) != 0) {
        errno = EINVAL;
        return NULL;
    }
    if (c.stack_size == 0)
        c.stack_size = LANES_DEFAULT_STACK;
    pthread_once(&calib_once, calibrate);
    pthread_once(&segv_once, segv_install);

    if (posix_memalign(&mem, 64, sizeof *rt) != 0) {
        errno = ENOMEM;
        return NULL;
    }
    rt = mem;
    memset(rt, 0, sizeof *rt);
    rt->flags = c.flags;
    rt->stack_size = c.stack_size;
    rt->trace_on = c.trace_events > 0;
    rt->trace_cap = c.trace_events;
    rt->ncpu = affinity_cpus(rt->cpus, LANES_MAX_CORES);
    cpu_load_init(&rt->load);
    if (rt->ncpu > LANES_MAX_CORES)
        rt->ncpu = LANES_MAX_CORES;
    atomic_store(&rt->quantum, c.quantum);
    atomic_store(&rt->tick_ns, c.tick_ns);
    atomic_store(&rt->iters_per_tick, iters_for(c.tick_ns));
    atomic_store(&rt->ncores, c.cores);
    atomic_store(&rt->paused, (c.flags & LANES_START_PAUSED) != 0);
    atomic_store(&rt->solo, c.cores == 1 && membar_ready());
    atomic_store(&rt->timer_next, NO_TIMER);

    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_mutex_init(&rt->mu, NULL);
    pthread_mutex_init(&rt->gq_mu, NULL);
    pthread_mutex_init(&rt->tmu, NULL);
    pthread_mutex_init(&rt->wait_mu, NULL);
    pthread_cond_init(&rt->wait_cv, &ca);
    home_init(&rt->plain, 1);
    pthread_mutex_init(&rt->ctl_mu, NULL);
    for (int i = 0; i < LANES_MAX_CORES; i++) {
        rt->lanes[i].rt = rt;
        rt->lanes[i].idx = i;
        pthread_cond_init(&rt->lanes[i].cv, &ca);
        home_init(&rt->lanes[i].home, 0);
        cpu_lane_init(&rt->lanes[i].cpu);
    }
    pthread_condattr_destroy(&ca);

    if (ids_init(&rt->ids, &rt->census) != 0 || names_init(&rt->cnames) != 0 ||
        stk_pool_init(&rt->stacks, c.stack_size) != 0 ||
        (rt->trace_on && trace_ring_init(&rt->ctl_ring, c.trace_events) != 0)) {
        err = ENOMEM;
        goto fail;
    }
    if (rt->trace_on)
        trace_asym_init();      /* before any event: see trace.c */

    rt->t0 = mono_ns();
    clk.base_rt = 0;
    clk.base_mono = rt->t0;
    clk.tick = c.tick_ns;
    clk.paused = (c.flags & LANES_START_PAUSED) != 0;
    clk.stop = 0;
    clk_write(rt, &clk);

    emit(rt, NULL, LANES_EV_CORES, 0, (uint32_t)c.cores, 0, LANES_NO_LANE);
    emit(rt, NULL, LANES_EV_LOAD, 0, LANES_LOAD_UNKNOWN, rt->load.ncpu, LANES_NO_LANE);
    if (c.flags & LANES_START_PAUSED)
        emit(rt, NULL, LANES_EV_PAUSE, 0, 0, 0, LANES_NO_LANE);
    pthread_mutex_lock(&rt->mu);
    err = 0;
    for (int i = 0; i < c.cores && err == 0; i++)
        err = start_lane(rt, i);
    pthread_mutex_unlock(&rt->mu);
    if (err != 0) {
        lanes_close(rt);
        errno = -err;
        return NULL;
    }
    return rt;
fail:
    rt_free(rt);
    errno = err;
    return NULL;
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

void lanes_close(lanes_rt *rt)
{
    int n;
    if (rt == NULL)
        return;
    RT_ASSERT(cur_self() == NULL);
    if (tl_consumer_of == rt)
        tl_consumer_of = NULL;
    pthread_mutex_lock(&rt->mu);
    atomic_store(&rt->closing, 1);
    wake_all_locked(rt);
    pthread_mutex_unlock(&rt->mu);
    n = atomic_load(&rt->nstarted);
    for (int i = 0; i < n; i++)
        if (rt->lanes[i].started)
            pthread_join(rt->lanes[i].thr, NULL);
    rt_free(rt);
}

/* ---- rtdebug.h ------------------------------------------------------------------ */

void sched_get_stats(lanes_rt *rt, sched_stats *st)
{
    uint64_t v = atomic_load(&rt->census);
    pthread_mutex_lock(&rt->stacks.mu);
    st->stacks_mapped = rt->stacks.nstacks;
    st->stacks_guarded = rt->stacks.nguarded;
    st->stacks_free = rt->stacks.nfree;
    pthread_mutex_unlock(&rt->stacks.mu);
    st->live = (uint32_t)(v >> 32);
    st->blocked = (uint32_t)v;
    st->solo = atomic_load(&rt->solo);
    st->name_slots = ids_slots(&rt->ids);
}

void sched_set_ids_drawn(lanes_rt *rt, uint64_t n)
{
    ids_set_drawn(&rt->ids, n);
}

int sched_quiescent(lanes_rt *rt)
{
    int q;
    pthread_mutex_lock(&rt->mu);
    q = atomic_load(&rt->paused);
    int n = atomic_load(&rt->nstarted), nc = atomic_load(&rt->ncores);
    for (int i = 0; i < n && q; i++) {
        rt_lane *l = &rt->lanes[i];
        if (i < nc ? (l->waiting != W_GATE || l->permits != 0) : l->waiting != W_PARKED)
            q = 0;
    }
    pthread_mutex_unlock(&rt->mu);
    return q;
}
