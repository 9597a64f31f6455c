/*
 * control.c - the calls that steer a running runtime from outside:
 * cores, pause, resume, step, tick length and quantum, each recorded as a
 * control event; what each lane's thread got of a CPU (lanes_lane_cpu);
 * and the debug questions of rtdebug.h.
 *
 * Owns nothing of its own: it writes the settings in lanes_rt under
 * rt->mu and wakes the lanes to see them.  Must not touch queues or
 * routines.  Invariant: every change of a setting is in the trace, in the
 * order the changes happened (the event is emitted under rt->mu).
 */
#include "config.h"
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include "rt_int.h"
#include "rtdebug.h"

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
    atomic_store(&rt->iters_per_tick, work_iters(tick_ns));
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

void sched_set_move_delay(lanes_rt *rt, uint64_t ns)
{
    atomic_store(&rt->move_delay_ns, ns);
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
