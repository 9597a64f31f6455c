/*
 * open.c - a runtime's life: lanes_open sets it up and starts its lanes,
 * lanes_close stops them and frees everything; and the name tables of
 * routines and channels.
 *
 * Owns the lanes_rt allocation and the channel registry.  Must not run
 * routines.  Invariant: nothing is freed while a lane still runs (close
 * joins them all first), and every registered channel is destroyed once.
 */
#include "config.h"
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "rt_int.h"

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

uint32_t sched_chan_register(lanes_rt *rt, struct lanes_chan *ch, const char *name,
                             void (*destroy)(struct lanes_chan *))
{
    uint32_t id = atomic_fetch_add(&rt->nchans, 1) + 1;
    name_slot *s = names_set(&rt->cnames, id, name, ch);
    if (s == NULL)
        return 0;               /* no memory for the name chunk: the open
                                   fails with ENOMEM; the id stays unused */
    s->destroy = destroy;       /* read by lanes_close, after every lane ended */
    return id;
}

/* ---- lifetime ------------------------------------------------------------------ */


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
        if (s != NULL && s->ptr != NULL && s->destroy != NULL)
            s->destroy(s->ptr);
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

/* The configuration lanes_open runs with (cfg, or the defaults for
 * NULL), stack size filled in; -EINVAL when out of range. */
static int config_of(const lanes_config *cfg, lanes_config *c)
{
    if (cfg != NULL) {
        *c = *cfg;
    } else {
        memset(c, 0, sizeof *c);
        c->cores = 1;
        c->quantum = LANES_DEFAULT_QUANTUM;
        c->tick_ns = LANES_DEFAULT_TICK_NS;
        c->trace_events = LANES_DEFAULT_TRACE_EVENTS;
    }
    if (c->cores < 1 || c->cores > LANES_MAX_CORES || c->quantum < 0 || c->tick_ns == 0 ||
        c->trace_events > (1u << 26) || c->stack_size > (256u << 20) ||
        (c->flags & ~(LANES_NO_STEAL | LANES_PIN_CPUS | LANES_START_PAUSED)) != 0)
        return -EINVAL;
    if (c->stack_size == 0)
        c->stack_size = LANES_DEFAULT_STACK;
    return 0;
}

/* The settings, locks, condition variables and lists of a zeroed rt. */
static void rt_init(lanes_rt *rt, const lanes_config *c)
{
    pthread_condattr_t ca;

    rt->flags = c->flags;
    rt->stack_size = c->stack_size;
    rt->trace_rings = c->trace_events > 0;
    atomic_store(&rt->trace_on, rt->trace_rings);
    rt->trace_cap = c->trace_events;
    rt->ncpu = os_affinity_cpus(rt->cpus, LANES_MAX_CORES);
    cpu_load_init(&rt->load);
    if (rt->ncpu > LANES_MAX_CORES)
        rt->ncpu = LANES_MAX_CORES;
    atomic_store(&rt->quantum, c->quantum);
    atomic_store(&rt->tick_ns, c->tick_ns);
    atomic_store(&rt->iters_per_tick, work_iters(c->tick_ns));
    atomic_store(&rt->ncores, c->cores);
    atomic_store(&rt->paused, (c->flags & LANES_START_PAUSED) != 0);
    atomic_store(&rt->solo, c->cores == 1 && membar_ready());
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
}

lanes_rt *lanes_open(const lanes_config *cfg)
{
    lanes_config c;
    lanes_rt *rt;
    const char *console;
    clk_snap clk;
    void *mem = NULL;
    int err;

    if (config_of(cfg, &c) != 0) {
        errno = EINVAL;
        return NULL;
    }
    console = getenv("LANES_CONSOLE");
    if (console != NULL && console[0] != '\0' && c.trace_events == 0)
        c.trace_events = LANES_DEFAULT_TRACE_EVENTS;   /* a console needs the trace */
    work_calibrate();
    os_segv_install();

    if (posix_memalign(&mem, 64, sizeof *rt) != 0) {
        errno = ENOMEM;
        return NULL;
    }
    rt = mem;
    memset(rt, 0, sizeof *rt);
    rt_init(rt, &c);
    if (ids_init(&rt->ids, &rt->census) != 0 || names_init(&rt->cnames) != 0 ||
        stk_pool_init(&rt->stacks, c.stack_size) != 0 ||
        (rt->trace_rings && trace_ring_init(&rt->ctl_ring, c.trace_events) != 0)) {
        err = ENOMEM;
        goto fail;
    }
    if (rt->trace_rings)
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
    if (console != NULL && console[0] != '\0')
        console_from_env(rt, console);
    return rt;
fail:
    rt_free(rt);
    errno = err;
    return NULL;
}

/* lanes_close from a routine: it would join the lane it runs on.  The
 * signature (void) leaves no error to return, so the program stops with
 * its own mistake named, not an internal assertion. */
static _Noreturn void close_from_routine(const rt_routine *self)
{
    char name[LANES_NAME_MAX];
    lanes_routine_name(self->rt, self->id, name, sizeof name);
    fprintf(stderr, "lanes: lanes_close called from routine %s: "
            "close the runtime from a plain thread\n", name[0] != '\0' ? name : "?");
    abort();
}

void lanes_close(lanes_rt *rt)
{
    rt_routine *self = cur_self();
    int n;
    if (rt == NULL)
        return;
    if (self != NULL)
        close_from_routine(self);
    tracing_forget(rt);
    pthread_mutex_lock(&rt->mu);
    atomic_store(&rt->closing, 1);
    wake_all_locked(rt);
    pthread_mutex_unlock(&rt->mu);
    n = atomic_load(&rt->nstarted);
    for (int i = 0; i < n; i++)
        if (rt->lanes[i].started)
            pthread_join(rt->lanes[i].thr, NULL);
    console_stop(rt);           /* the viewer gets every event, then END */
    rt_free(rt);
}
