/*
 * cpu.c - the CPU-truth fold that the screen model, the summary and the
 * trace writer each keep one of (definitions in cpu.h).
 *
 * Owns: struct fold_cpu.  Touches nothing else, does no I/O.  Invariant:
 * wall_ns only grows, by the gaps between consecutive events while the
 * runtime was running (or working in a step), so it never counts a pause.
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
}

void fold_cpu_feed(fold_cpu *c, const lanes_event *e)
{
    int l = e->lane < LANES_MAX_CORES ? (int)e->lane : -1;

    add_wall(c, e);
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
    return c->wall_ns != 0 ? (double)c->cpu_ns / (double)c->wall_ns : 0.0;
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
