/*
 * work.c - a routine's work: lanes_work spins a calibrated number of
 * iterations a tick and passes a safepoint after each; and what the OS
 * really gave the lane meanwhile, in CPU windows (cpu.h) recorded as CPU
 * events.  Calibration of the spin per process.
 *
 * Owns the calibration and, per lane, the window's timing (rt_lane.cpu,
 * the lane's thread only; cpu.c reads the OS).  Must not move routines:
 * the safepoint (sched.c) does.  Invariant: a window never holds time off
 * the lane or paused - it is closed before the routine leaves its lane or
 * waits at the pause gate, and opened again where it works next.
 */
#include "config.h"
#include <pthread.h>
#include <stdatomic.h>
#include "rt_int.h"

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

uint64_t work_iters(uint64_t tick_ns)
{
    uint64_t n = (uint64_t)(((unsigned __int128)tick_ns * iters_per_ms) / 1000000u);
    return n > 0 ? n : 1;
}

void work_calibrate(void)
{
    pthread_once(&calib_once, calibrate);
}


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
        RT_ASSERT(l->tb_hold == TB_NONE && !l->tb_open);
        emit_slow(rt, l, LANES_EV_CPU, r->id, obj, arg, (uint16_t)l->idx);
        cpu_mark(&l->cpu, l->ring.t_ns + rt->t0);
    }
}

/* Closes l's window: a CPU event for r. */
__attribute__((noinline)) void work_cpu_sample(rt_lane *l, rt_routine *r)
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
__attribute__((noinline)) rt_lane *work_cpu_resume(rt_routine *r, int how)
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
    pause_due(rt);
    return atomic_load_explicit(&rt->closing, memory_order_relaxed) ||
           atomic_load_explicit(&rt->paused, memory_order_relaxed) ||
           atomic_load_explicit(&rt->iters_per_tick, memory_order_relaxed) != iters;
}

/* A tick longer than a millisecond of work, in chunks of one: between
 * two chunks a long tick looks whether it must stop, pause or change
 * speed (sched_tick_interrupt), and whether a CPU window has grown long
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
            n = sched_tick_interrupt(r, n, &iters);
            l = cur_lane();
        }
        if (trace_now_local() >= l->cpu.chop_due)
            work_cpu_sample(l, r);
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
            x = spin(work_iters(LANES_DEFAULT_TICK_NS), x);
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
            work_cpu_sample(l, r);
        if ((sp = sched_safepoint(r)) != SP_STAYED)
            l = work_cpu_resume(r, sp);
    }
    work_cpu_sample(l, r);
    atomic_fetch_add_explicit(&work_sink, x, memory_order_relaxed);
}
