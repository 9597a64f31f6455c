/*
 * cpu.c - the CPU-truth fold that the screen model, the summary and the
 * trace writer each keep one of (definitions in cpu.h).
 *
 * Owns: struct fold_cpu.  Touches nothing else, does no I/O.  Invariant:
 * wall_ns only grows, by the gaps between consecutive events while the
 * runtime was running (or working in a step, or finishing its work after
 * a PAUSE), so it never counts the wait at the gate.
 */
#include "config.h"

#include <string.h>

#include "fold/cpu.h"

void fold_cpu_init(fold_cpu *c, uint64_t tick_ns)
{
    memset(c, 0, sizeof *c);
    c->load = LANES_LOAD_UNKNOWN;
    c->tick_ns = tick_ns;
}

/* ns a CPU event accounts for: on a CPU or waiting for one */
static uint64_t cpu_span(const lanes_event *e)
{
    return (uint64_t)e->obj + (e->arg > 0 ? (uint64_t)e->arg : 0);
}

static void add_wall(fold_cpu *c, const lanes_event *e)
{
    uint64_t d;

    if (!c->started) {
        c->started = 1;
        c->last_ns = e->t_ns;
        return;
    }
    if (e->t_ns <= c->last_ns)
        return;
    d = e->t_ns - c->last_ns;
    c->last_ns = e->t_ns;
    /* paused: the wall time of a step is its lanes' work, up to the last
     * event a lane wrote in it; the wait at the gate after it is a pause */
    if (!c->paused || (c->stepping && e->lane != LANES_NO_LANE))
        c->wall_ns += d;
    /* after a PAUSE the lanes work on to their next safepoint and report
     * that work in a CPU event before the gate: its wall time is the run's
     * too, or that CPU time is divided by nothing (at the lesson's first
     * note, one lane read 1.95).  At most what the event measured: a lane
     * switched on or off while paused writes events long after the PAUSE */
    else if (e->kind == LANES_EV_CPU && e->lane != LANES_NO_LANE)
        c->wall_ns += d < cpu_span(e) ? d : cpu_span(e);
}

void fold_cpu_feed(fold_cpu *c, const lanes_event *e)
{
    int l = e->lane < LANES_MAX_CORES ? (int)e->lane : -1;

    add_wall(c, e);
    if (e->t_rt > c->rt_mt)
        c->rt_mt = e->t_rt;
    switch (e->kind) {
    case LANES_EV_CPU:
        if (l < 0)
            break;
        c->cpu_ns += e->obj;
        c->lane_cpu_ns[l] += e->obj;
        if (e->arg > 0) {
            c->wait_ns += (uint64_t)e->arg;
            c->lane_wait_ns[l] += (uint64_t)e->arg;
        }
        c->lane_cpu_t[l] = e->t_ns;
        break;
    case LANES_EV_LOAD:
        /* paused, the picture stands still and the figures describe the
         * run: the machine's load while we wait is neither */
        if (c->paused && !c->stepping && c->cpus > 0)
            break;
        c->load = e->obj;
        if (e->arg > 0)
            c->cpus = e->arg;
        if (e->obj != LANES_LOAD_UNKNOWN) {
            c->load_sum += e->obj;
            c->load_n++;
        }
        break;
    case LANES_EV_TICK:
        if (e->obj > 0)
            c->tick_ns = (uint64_t)e->obj * 1000;
        break;
    case LANES_EV_PAUSE:
        c->paused = 1;
        c->stepping = 0;
        break;
    case LANES_EV_RESUME:
        c->paused = 0;
        c->stepping = 0;
        break;
    case LANES_EV_STEP:
        c->stepping = 1;
        break;
    default:
        break;
    }
}

double fold_cpu_parallelism(const fold_cpu *c)
{
    double p;
    int l, lanes = 0;

    if (c->wall_ns == 0)
        return 0.0;
    p = (double)c->cpu_ns / (double)c->wall_ns;
    for (l = 0; l < LANES_MAX_CORES; l++)
        lanes += c->lane_cpu_ns[l] != 0;
    if (c->cpus > 0 && c->cpus < lanes)
        lanes = c->cpus;
    /* each lane's CPU time is sampled a window late or early (cpu.h):
     * beyond what the lanes or the CPUs allow is that noise */
    return lanes > 0 && p > lanes ? (double)lanes : p;
}

int fold_cpu_parallelism_known(const fold_cpu *c)
{
    return c->wall_ns >= FOLD_PAR_MIN_WALL_NS && c->rt_mt >= FOLD_PAR_MIN_MT;
}

uint64_t fold_cpu_mt(const fold_cpu *c, uint64_t ns)
{
    return c->tick_ns != 0 ? ns * 1000 / c->tick_ns : 0;
}

uint32_t fold_cpu_load_avg(const fold_cpu *c)
{
    return c->load_n != 0 ? (uint32_t)(c->load_sum / c->load_n) : LANES_LOAD_UNKNOWN;
}

int fold_cpu_machine_busy(const fold_cpu *c)
{
    return c->load != LANES_LOAD_UNKNOWN && c->load >= FOLD_LOAD_BUSY;
}
