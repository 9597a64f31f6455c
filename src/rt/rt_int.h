/*
 * rt_int.h - the runtime's shared insides (after Go's runtime2.go): the
 * routine, lane, home and runtime structs, the states and actions, the
 * thread-locals, and what each room of src/rt offers the others.  Private
 * to src/rt; never included outside it (tests go through rtdebug.h).
 *
 * Owns no code but small inlines that several rooms call on hot paths.
 * Every field says which thread or lock owns it; a room touches another
 * room's fields only as the field's comment allows.
 */
#ifndef LANES_RT_INT_H
#define LANES_RT_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>
#include "cpu.h"
#include "ctx.h"
#include "ids.h"
#include "lanes.h"
#include "names.h"
#include "rassert.h"
#include "rt_sched.h"
#include "stack.h"
#include "trace.h"

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
                                        lets it finish (sched_tick_interrupt),
                                        so a step is one tick; lane only */
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
    int      trace_rings;            /* the rings exist (trace_events > 0) */
    /* events are being recorded: trace_rings, but for a console with no
     * viewer (console.c, which alone writes it then); read by every
     * emitter, a plain load on x86 */
    atomic_int trace_on;
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
    /* Moves of routines by a lane from a shared place (global queue,
     * timer heap, a lane's ring) to where other lanes can find them (its
     * ring, the global queue): low 32 bits those under way, high 32 bits
     * those done (mod 2^32).  A lane stepped while paused that found
     * nothing waits for none to be under way, and looks again if any began
     * or ended since before its look (find_work), so what a step runs does
     * not depend on when each lane looked.  Slow paths only. */
    _Atomic uint64_t moving;
    _Atomic uint64_t move_delay_ns;  /* tests: gq_take holds its moves this long */
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
    /* set by lanes_console, cleared by lanes_close after its thread ended
     * (the program's thread); read by lanes_trace_read */
    _Atomic(struct rt_console *) console;
    rt_lane lanes[LANES_MAX_CORES];
};

/* ---- thread-locals (sched.c) ---------------------------------------------- */

extern _Thread_local rt_lane *rt_tl_lane;
extern _Thread_local rt_routine *rt_tl_self;

/* TLS is read through functions the compiler cannot merge across a context
 * switch: a routine may resume on another thread. */
#if defined(__GNUC__) && !defined(__clang__)
#define NOIPA __attribute__((noinline, noipa))
#else
#define NOIPA __attribute__((noinline))
#endif
static NOIPA __attribute__((unused)) rt_lane *cur_lane(void)
{
    rt_lane *l = rt_tl_lane;
    __asm__ volatile("" ::: "memory");
    return l;
}

static NOIPA __attribute__((unused)) rt_routine *cur_self(void)
{
    rt_routine *r = rt_tl_self;
    __asm__ volatile("" ::: "memory");
    return r;
}

static NOIPA __attribute__((unused)) void set_self(rt_routine *r)
{
    rt_tl_self = r;
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
static inline uint64_t mono_ns(void)
{
    return trace_now();
}

static inline uint64_t xorshift(uint64_t *s)
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

/* Around a lane's move of routines from a shared place to its ring
 * (lanes_rt.moving): begin before the take, end once they are all there.
 * A lane that sees the take (the place emptier) sees the begin: the
 * release fence orders it before the take's stores; end releases the
 * puts to whoever reads 0. */
static inline void moving_begin(lanes_rt *rt)
{
    atomic_fetch_add_explicit(&rt->moving, 1, memory_order_relaxed);
    RT_FENCE(memory_order_release);
}

static inline void moving_end(lanes_rt *rt)
{
    /* one under way less, one done more */
    atomic_fetch_add_explicit(&rt->moving, (UINT64_C(1) << 32) - 1, memory_order_release);
}

/* ---- time.c: runtime clock, timers ------------------------------------------ */

typedef struct clk_snap { uint64_t base_rt, base_mono, tick, stop; int paused; } clk_snap;

void     clk_read(const lanes_rt *rt, clk_snap *c);
void     clk_write(lanes_rt *rt, const clk_snap *c);    /* under rt->mu */
uint64_t clk_at(const clk_snap *c, uint64_t mono);
uint64_t rt_time_at(const lanes_rt *rt, uint64_t mono);   /* runtime time at mono ns */

/* Puts sleeping r (wake_at set) in the timer heap; wakes an idle lane
 * when it is now the first.  Any lane thread; takes rt->tmu. */
void timer_add(lanes_rt *rt, rt_routine *r);
/* Moves the sleepers due by now to l's queues (put_runnable, a WAKE
 * each).  l's thread; takes rt->tmu. */
void timers_fire_slow(rt_lane *l, uint64_t next);

/* At every switch: a load and a test while no routine sleeps. */
static inline void timers_fire(rt_lane *l)
{
    uint64_t next = atomic_load_explicit(&l->rt->timer_next, memory_order_relaxed);
    if (next != NO_TIMER)
        timers_fire_slow(l, next);
}

/* lanes_pause_at: the first lane to see runtime time at the stop pauses
 * the runtime there (the clock stopped there already: clk_at), at a
 * safepoint or a long tick's chunk check.  While no stop is set, one load
 * and compare. */
static inline void pause_due(lanes_rt *rt)
{
    uint64_t stop = atomic_load_explicit(&rt->clk_stop, memory_order_relaxed);
    if (stop != 0 && !atomic_load_explicit(&rt->paused, memory_order_relaxed) &&
        lanes_now(rt) >= stop)
        lanes_pause(rt);
}

/* ---- tracing.c: emission ------------------------------------------------------ */

/* Events that happen at one point of a lane's work - a message's SEND
 * and RECV and the WAKE of the routine that was waiting for it; the STOP
 * of a routine and the RUN of the one it switches straight to - share one
 * clock read: the first opens a batch (trace_open) when the lane holds
 * (tb_hold), the others join it, emit_release publishes.  Between them the
 * lane only drops locks and puts routines on queues: the consumer, which
 * waits for an open batch, waits for nothing longer. */
#define TB_ROOM 4
enum { TB_NONE, TB_HOLD, TB_HOLD_LOCAL /* and no event in it has a cause in another ring */ };

static inline void emit_release(rt_lane *l)
{
    l->tb_hold = TB_NONE;
    if (l->tb_open) {
        l->tb_open = 0;
        trace_close(&l->ring);
    }
}

void emit_slow(lanes_rt *rt, rt_lane *l, int kind, uint32_t routine,
               uint32_t obj, int32_t arg, uint16_t lane);
void tracing_forget(lanes_rt *rt);      /* lanes_close: the consumer goes */

/* l: the emitting lane (its ring), NULL for the control ring.  `lane` is
 * the event's lane field. */
static inline void emit(lanes_rt *rt, rt_lane *l, int kind, uint32_t routine,
                        uint32_t obj, int32_t arg, uint16_t lane)
{
    if (__builtin_expect(!rt->trace_on, 0))
        return;
    emit_slow(rt, l, kind, routine, obj, arg, lane);
}

/* ---- console.c: the trace on a socket ------------------------------------------ */

typedef struct rt_console rt_console;
int  console_reader(const lanes_rt *rt);    /* the calling thread is rt's console */
void console_from_env(lanes_rt *rt, const char *path);  /* lanes_open */
void console_stop(lanes_rt *rt);            /* lanes_close, after the lanes ended */

/* ---- home.c: routine lists ----------------------------------------------------- */

void home_lock(rt_home *h);                         /* spins, then yields */
void home_init(rt_home *h, int plain);
void home_link(rt_home *h, rt_routine *r);          /* under h->lock */
/* Takes h's dead routines off its list, their stacks to cache c (NULL:
 * the pool).  Any thread; takes h->lock. */
void home_reclaim(lanes_rt *rt, rt_home *h, stk_cache *c);
void home_away(lanes_rt *rt, rt_lane *l);           /* l stops running routines */
void home_back(rt_lane *l);                         /* l runs them again */
/* After dead r's exit on lane l: frees r now (its stack to l's cache) or
 * hands it to its home's owner.  l's thread. */
void home_release(rt_lane *l, rt_routine *r);

static inline void home_unlock(rt_home *h)
{
    atomic_store_explicit(&h->lock, 0, memory_order_release);
}

/* ---- census.c: live and blocked routines, lanes_wait ------------------------- */

#define LIVE1 (1ull << 32)

/* Adds d (live << 32 | blocked, two's complement) to the census; wakes
 * lanes_wait when all ended or all blocked.  Any thread. */
void census_add(lanes_rt *rt, uint64_t d);

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

static inline struct timespec abs_mono(uint64_t ns)
{
    return (struct timespec){ (time_t)(ns / 1000000000ull), (long)(ns % 1000000000ull) };
}

/* ---- os.c: signals, stack overflow, affinity, barriers --------------------- */

void overflow_die(rt_routine *r);
void os_segv_install(void);             /* once per process */
void os_pin(rt_lane *l);
int  os_affinity_cpus(int *cpus, int max);
int  membar_ready(void);
void membar_heavy(void);

/* ---- work.c: lanes_work, its calibration and CPU windows -------------------- */

void     work_calibrate(void);          /* once per process */
uint64_t work_iters(uint64_t tick_ns);  /* spin iterations a tick */
void     work_cpu_sample(rt_lane *l, rt_routine *r);    /* closes l's CPU window */
rt_lane *work_cpu_resume(rt_routine *r, int how);       /* opens it after SP_* how */

/* ---- sched.c: scheduling ---------------------------------------------------- */

/* What a safepoint did to the lanes_work that called it. */
enum { SP_STAYED, SP_GATED /* waited at the pause gate, still on l */,
       SP_MOVED /* left its lane and came back, maybe on another */ };
int  sched_safepoint(rt_routine *r);    /* routine context, at every tick's end */
uint64_t sched_tick_interrupt(rt_routine *r, uint64_t left, uint64_t *iters);  /* mid-tick */

void wake_idle(lanes_rt *rt);           /* after work became visible: one idle lane */
void wake_all_locked(lanes_rt *rt);     /* under rt->mu */
/* Records `kind` (WAKE, SPAWN or STOP) and puts runnable r on l's ring or
 * the global queue.  l's thread. */
void put_runnable(rt_lane *l, rt_routine *r, int kind, uint32_t obj, int32_t stop_reason);
/* Starts lane i's thread (and ring) unless started; 0 or -errno.  Under
 * rt->mu. */
int  start_lane(lanes_rt *rt, int i);

/* The routine whose stack s is: its struct sits right under the node. */
static inline rt_routine *routine_of(stk_node *s)
{
    return (rt_routine *)(((uintptr_t)s - sizeof(rt_routine)) & ~(uintptr_t)63);
}

#endif
