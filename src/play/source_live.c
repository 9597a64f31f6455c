/*
 * source_live.c - the live source (play.h): a runtime running a scenario.
 * Events are what lanes_trace_read gives, names the runtime's, messages
 * the scenario's reports, control the runtime's own calls.
 *
 * Owns: the run (scn_run) from its start to its stop.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "play/play.h"

typedef struct live {
    const scn_program *prog;
    const char *scenario;
    scn_run  *run;
    lanes_rt *rt;
    uint64_t  seed;                 /* in force at the start */
} live;

static int live_start(void *ctx, const scn_settings *set, int paused, int lossless,
                      uint64_t pause_at, char *err, size_t errlen)
{
    live *l = ctx;
    scn_settings s = *set;

    if (paused)
        s.flags |= LANES_START_PAUSED;
    l->run = scn_start(l->prog, &s, err, errlen);
    if (l->run == NULL)
        return -1;
    l->rt = scn_rt(l->run);
    l->seed = set->seed_set ? set->seed : scn_seed(l->prog);
    if (pause_at != 0)
        lanes_pause_at(l->rt, pause_at);
    if (lossless)
        lanes_trace_lossless(l->rt, 1);
    return 0;
}

static void live_stop(void *ctx)
{
    live *l = ctx;

    if (l->run != NULL)
        scn_stop(l->run);
    l->run = NULL;
    l->rt = NULL;
}

static ssize_t live_read(void *ctx, lanes_event *buf, size_t max)
{
    live *l = ctx;

    return l->rt != NULL ? (ssize_t)lanes_trace_read(l->rt, buf, max) : 0;
}

static void live_routine(void *ctx, uint32_t id, char *buf, size_t n)
{
    live *l = ctx;

    if (l->rt != NULL)
        lanes_routine_name(l->rt, id, buf, n);
}

static void live_chan(void *ctx, uint32_t id, char *buf, size_t n)
{
    live *l = ctx;

    if (l->rt != NULL)
        lanes_chan_name(l->rt, id, buf, n);
}

static char *live_message(void *ctx)
{
    live *l = ctx;

    return l->run != NULL ? scn_take_report(l->run) : NULL;
}

static int live_wait(void *ctx, uint64_t ns)
{
    live *l = ctx;

    /* scn_wait(run, 0) waits forever: "no wait" is the shortest wait */
    return l->run != NULL ? scn_wait(l->run, ns != 0 ? ns : 1) : PLAY_STOPPED;
}

static void live_about(void *ctx, play_about *a)
{
    live *l = ctx;

    a->kind = "live";
    a->scenario = l->scenario != NULL ? l->scenario : SCN_DEFAULT;
    a->title = scn_title(l->prog);
    a->file = scn_filename(l->prog);
    a->prog = l->prog;
    if (l->rt != NULL) {
        a->cores = lanes_cores(l->rt);
        a->quantum = lanes_quantum(l->rt);
        a->tick_ns = lanes_tick(l->rt);
    }
    a->seed = l->seed;
    a->seed_set = 1;
    a->cpus = lanes_online_cpus();
}

static void live_outcome(void *ctx, play_outcome *o)
{
    live *l = ctx;

    if (l->run != NULL)
        o->message = scn_end_message(l->run);
}

static int live_control(void *ctx, int op, int64_t arg)
{
    live *l = ctx;

    if (l->rt == NULL)
        return -EINVAL;
    switch (op) {
    case PLAY_CTL_PAUSE:    lanes_pause(l->rt); return 0;
    case PLAY_CTL_RESUME:   lanes_resume(l->rt); return 0;
    case PLAY_CTL_STEP:     return lanes_step(l->rt, (int)arg);
    case PLAY_CTL_PAUSE_AT: lanes_pause_at(l->rt, (uint64_t)arg); return 0;
    case PLAY_CTL_CORES:    return lanes_set_cores(l->rt, (int)arg);
    case PLAY_CTL_QUANTUM:  lanes_set_quantum(l->rt, (int)arg); return 0;
    case PLAY_CTL_TICK:     lanes_set_tick(l->rt, (uint64_t)arg); return 0;
    case PLAY_CTL_SPEED:    return PLAY_REFUSED;     /* its pace is its tick */
    default:                return -EINVAL;
    }
}

static uint64_t live_get(void *ctx, int what)
{
    live *l = ctx;

    if (l->rt == NULL)
        return 0;
    switch (what) {
    case PLAY_GET_PAUSED:  return (uint64_t)lanes_paused(l->rt);
    case PLAY_GET_CORES:   return (uint64_t)lanes_cores(l->rt);
    case PLAY_GET_QUANTUM: return (uint64_t)lanes_quantum(l->rt);
    case PLAY_GET_TICK:    return lanes_tick(l->rt);
    case PLAY_GET_NOW:     return lanes_now(l->rt);
    case PLAY_GET_DROPPED: return lanes_trace_dropped(l->rt);
    default:               return 0;
    }
}

static int live_line(void *ctx, uint32_t id)
{
    live *l = ctx;

    return l->run != NULL ? scn_routine_line(l->run, id) : 0;
}

static const char *live_program(void *ctx, uint32_t id, int *first_line)
{
    live *l = ctx;

    return l->run != NULL ? scn_routine_program(l->run, id, first_line) : NULL;
}

static scn_run *live_run(void *ctx)
{
    return ((live *)ctx)->run;
}

static lanes_rt *live_rt(void *ctx)
{
    return ((live *)ctx)->rt;
}

static void live_free(void *ctx)
{
    live_stop(ctx);
    free(ctx);
}

play_source play_source_live(const scn_program *prog, const char *scenario)
{
    play_source s;
    live *l = calloc(1, sizeof *l);

    memset(&s, 0, sizeof s);
    if (l == NULL)
        return s;                   /* ctx NULL: out of memory */
    l->prog = prog;
    l->scenario = scenario;
    s.start = live_start;
    s.stop = live_stop;
    s.read = live_read;
    s.names.routine = live_routine;
    s.names.chan = live_chan;
    s.names.ctx = l;
    s.take_message = live_message;
    s.wait = live_wait;
    s.about = live_about;
    s.outcome = live_outcome;
    s.control = live_control;
    s.get = live_get;
    s.routine_line = live_line;
    s.routine_program = live_program;
    s.run = live_run;
    s.rt = live_rt;
    s.free = live_free;
    s.ctx = l;
    return s;
}
