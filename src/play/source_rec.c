/*
 * source_rec.c - a recording as a source (play.h): its events in the
 * order they were written, the names and messages recorded among them,
 * the end record as the outcome; the program parsed from the scenario
 * text it keeps.
 *
 * Pacing: unpaced (speed 0) gives every event as fast as it is read;
 * paced gives an event once its runtime time (t_rt) is reached, runtime
 * time running at `speed` ticks per tick length the run started with:
 * speed 1 is the recorded run's pace at its start, in ticks, not in wall
 * time (a headless run was recorded as fast as it could go, and a pause
 * of the recorded run is no pause of the playback).  Either way pause holds what
 * is not given yet, pause-at stops before the first event past a runtime
 * time (and pauses), and a paused step lets the next `ticks` ticks of
 * runtime time through.  What would change the run (cores, quantum, tick)
 * is refused: PLAY_REFUSED.
 *
 * Owns: the reader, the events read ahead (hold), the parsed program.
 * Names are the recording's as of the events read so far: when paced,
 * that may be a block ahead of the events given.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "play/play.h"
#include "rec/rec.h"

#define HOLD_MAX PLAY_CHUNK

typedef struct recsrc {
    char       *path;
    double      speed;             /* 0: unpaced                           */
    rec_reader *r;
    rec_header  h;
    scn_result  res;               /* the recorded text, parsed            */
    int         used;              /* a run was started on r               */
    lanes_event *hold;             /* read, not given yet                  */
    size_t      hold_n, hold_at;
    int         at_end;            /* the end record was read              */
    int         over;              /* a DEADLOCK was given: the run's end  */
    char        err[600];
    /* the playback */
    int         paused;
    uint64_t    limit_mt;          /* pause-at, 0: none                    */
    uint64_t    step_mt;           /* paused: give up to here              */
    uint64_t    now_mt;            /* runtime time given so far            */
    uint64_t    rt0;               /* runtime time at the anchor (paced)   */
    int         anchored;          /* the playback has started (paced)     */
    uint64_t    mono0;             /* our clock at the anchor              */
    int         cores, quantum;
    uint64_t    tick_ns;
} recsrc;

static uint64_t mono_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t playback_now(const recsrc *s);

/* ns of our clock a tick of runtime time takes at speed 1 */
static double pace_tick(const recsrc *s)
{
    return s->h.tick_ns > 0 ? (double)s->h.tick_ns : 1e6;
}

/* The runtime time the playback has reached (paced). */
static uint64_t pos_now(const recsrc *s)
{
    if (s->paused)
        return s->rt0;
    return s->rt0 + (uint64_t)((double)(mono_ns() - s->mono0) * s->speed * 1000.0 /
                               pace_tick(s));
}

static void anchor(recsrc *s, uint64_t rt)
{
    s->rt0 = rt;
    s->mono0 = mono_ns();
    s->anchored = 1;
}

/* Reads ahead when nothing is held.  0, or -1 when the file is bad. */
static int fill(recsrc *s)
{
    ssize_t n;

    if (s->hold_at < s->hold_n || s->at_end)
        return 0;
    s->hold_at = s->hold_n = 0;
    n = rec_read_events(s->r, s->hold, HOLD_MAX);
    if (n < 0) {
        snprintf(s->err, sizeof s->err, "%s", rec_read_error(s->r));
        return -1;
    }
    if (n == 0)
        s->at_end = 1;
    s->hold_n = (size_t)n;
    if (n > 0 && !s->anchored)
        anchor(s, s->hold[0].t_rt);     /* the first event: playback starts */
    return 0;
}

/* May event e be given now? */
static int due(recsrc *s, const lanes_event *e)
{
    if (s->over)
        return 1;                       /* the end's trailer: at once */
    if (s->limit_mt != 0 && e->t_rt > s->limit_mt) {
        s->paused = 1;                  /* as the runtime pauses itself */
        s->now_mt = s->limit_mt;
        s->limit_mt = 0;
        if (s->speed > 0)
            s->rt0 = s->now_mt;
        return 0;
    }
    if (s->paused)
        return s->step_mt != 0 && e->t_rt <= s->step_mt;
    return s->speed <= 0 || e->t_rt <= pos_now(s);
}

/* What an event given says of the settings in force. */
static void follow(recsrc *s, const lanes_event *e)
{
    if (e->t_rt > s->now_mt)
        s->now_mt = e->t_rt;
    switch (e->kind) {
    case LANES_EV_CORES:   s->cores = (int)e->obj; break;
    case LANES_EV_QUANTUM: s->quantum = (int)e->obj; break;
    case LANES_EV_TICK:    s->tick_ns = (uint64_t)e->obj * 1000u; break;
    case LANES_EV_DEADLOCK: s->over = 1; break;
    default: break;
    }
}

static ssize_t rs_read(void *ctx, lanes_event *buf, size_t max)
{
    recsrc *s = ctx;
    size_t n = 0;

    if (s->r == NULL)
        return 0;
    if (fill(s) != 0)
        return -1;
    /* After a deadlock the recording holds only the run's trailer (the
     * runtime's last LOAD reading) and its end record: give them with it,
     * reading on to the end, so that the screen never shows the deadlock
     * while the end (the exit status) is still unread. */
    for (;;) {
        while (n < max && s->hold_at < s->hold_n && due(s, &s->hold[s->hold_at])) {
            follow(s, &s->hold[s->hold_at]);
            buf[n++] = s->hold[s->hold_at++];
        }
        if (!s->over || n == max || s->hold_at < s->hold_n || s->at_end)
            break;
        if (fill(s) != 0)
            return n > 0 ? (ssize_t)n : -1;
    }
    if (s->paused && s->step_mt != 0 && s->hold_at < s->hold_n) {
        if (s->step_mt > s->now_mt)     /* the clock moves a whole step, as live */
            s->now_mt = s->step_mt;
        s->step_mt = 0;                 /* the step is done */
    }
    if (n > 0 && s->speed > 0 && s->paused)
        s->rt0 = s->now_mt;
    return (ssize_t)n;
}

static const char *rs_error(void *ctx)
{
    return ((recsrc *)ctx)->err;
}

static void rs_routine(void *ctx, uint32_t id, char *buf, size_t n)
{
    recsrc *s = ctx;

    if (s->r != NULL)
        rec_routine_name(s->r, id, buf, n);
}

static void rs_chan(void *ctx, uint32_t id, char *buf, size_t n)
{
    recsrc *s = ctx;

    if (s->r != NULL)
        rec_chan_name(s->r, id, buf, n);
}

static char *rs_message(void *ctx)
{
    recsrc *s = ctx;

    /* a message comes after every event read before it */
    if (s->r == NULL || s->hold_at < s->hold_n)
        return NULL;
    return rec_take_message(s->r);
}

static int ended(recsrc *s)
{
    const rec_end *e = s->r != NULL ? rec_read_end(s->r) : NULL;

    if (e == NULL || !s->at_end || s->hold_at < s->hold_n)
        return PLAY_RUNNING;
    if (strcmp(e->status, "done") == 0)
        return PLAY_DONE;
    if (strcmp(e->status, "deadlock") == 0)
        return PLAY_DEADLOCK;
    if (strcmp(e->status, "fault") == 0)
        return PLAY_FAULT;
    if (strcmp(e->status, "error") == 0)
        return PLAY_ERROR;
    return PLAY_STOPPED;
}

static int rs_wait(void *ctx, uint64_t ns)
{
    recsrc *s = ctx;
    struct timespec ts;
    int st;

    if (s->r == NULL)
        return PLAY_STOPPED;
    if (fill(s) != 0)
        return PLAY_RUNNING;            /* the next read says why */
    if ((st = ended(s)) != PLAY_RUNNING || ns == 0)
        return st;
    if (s->hold_at < s->hold_n && !s->paused && s->speed <= 0 && s->limit_mt == 0)
        return PLAY_RUNNING;            /* more to give at once */
    if (s->hold_at < s->hold_n && !s->paused && s->speed > 0) {
        uint64_t next = s->hold[s->hold_at].t_rt, w = pos_now(s);
        uint64_t until = next > w ? (uint64_t)((double)(next - w) * pace_tick(s) / 1000.0 /
                                               s->speed) : 0;

        if (until < ns)
            ns = until;
    }
    ts.tv_sec = (time_t)(ns / 1000000000u);
    ts.tv_nsec = (long)(ns % 1000000000u);
    nanosleep(&ts, NULL);
    return ended(s);
}

static void rs_about(void *ctx, play_about *a)
{
    recsrc *s = ctx;

    a->kind = "recording";
    a->scenario = s->h.scenario;
    a->title = s->h.title;
    a->file = s->h.file;
    a->prog = s->res.prog;
    a->cores = s->h.cores;
    a->quantum = s->h.quantum;
    a->tick_ns = s->h.tick_ns;
    a->seed = s->h.seed;
    a->seed_set = s->h.seed_set;
    a->cpus = s->h.cpus;
}

static void rs_outcome(void *ctx, play_outcome *o)
{
    recsrc *s = ctx;
    const rec_end *e = s->r != NULL ? rec_read_end(s->r) : NULL;

    if (e == NULL)
        return;
    o->how = e->status;
    o->exit_status = e->exit_status;
    o->message = e->message;
    o->report_json = e->report_json[0] != '\0' ? e->report_json : NULL;
    o->wall_ns = e->wall_ns;
}

static int rs_control(void *ctx, int op, int64_t arg)
{
    recsrc *s = ctx;

    switch (op) {
    case PLAY_CTL_PAUSE:
        if (!s->paused && s->speed > 0) {
            /* the clock stops where the playback is, between events too */
            s->now_mt = playback_now(s);
            s->rt0 = s->now_mt;
        }
        s->paused = 1;
        return 0;
    case PLAY_CTL_RESUME:
        if (s->paused)
            anchor(s, s->rt0);
        s->paused = 0;
        s->step_mt = 0;
        return 0;
    case PLAY_CTL_PAUSE_AT:
        s->limit_mt = (uint64_t)arg;
        return 0;
    case PLAY_CTL_STEP:
        if (!s->paused || arg < 1)
            return -EINVAL;
        s->step_mt = s->now_mt + (uint64_t)arg * 1000u;
        return 0;
    case PLAY_CTL_SPEED:
        if (s->speed <= 0)
            return PLAY_REFUSED;        /* unpaced: as fast as it reads */
        if (arg < 1)
            return -EINVAL;
        s->rt0 = pos_now(s);            /* from here on at the new speed */
        s->mono0 = mono_ns();
        s->speed = (double)arg / 1e6;
        return 0;
    default:                            /* cores, quantum, tick: the past is fixed */
        return PLAY_REFUSED;
    }
}

/* Runtime time now: a paced playback's clock runs between events (the
 * screen's timelines move as they did live), never past the next event
 * not given yet. */
static uint64_t playback_now(const recsrc *s)
{
    uint64_t t;

    if (s->speed <= 0 || s->paused || !s->anchored || s->hold_at >= s->hold_n)
        return s->now_mt;
    t = pos_now(s);
    if (t > s->hold[s->hold_at].t_rt)
        t = s->hold[s->hold_at].t_rt;
    return t > s->now_mt ? t : s->now_mt;
}

static uint64_t rs_get(void *ctx, int what)
{
    recsrc *s = ctx;
    const rec_end *e = s->r != NULL ? rec_read_end(s->r) : NULL;
    int over = ended(s) != PLAY_RUNNING;

    switch (what) {
    case PLAY_GET_PAUSED:  return (uint64_t)s->paused;
    case PLAY_GET_CORES:   return (uint64_t)s->cores;
    case PLAY_GET_QUANTUM: return (uint64_t)s->quantum;
    case PLAY_GET_TICK:    return s->tick_ns;
    case PLAY_GET_NOW:     return over && e != NULL ? e->end_mt : playback_now(s);
    case PLAY_GET_DROPPED: return over && e != NULL ? e->dropped : 0;
    default:               return 0;
    }
}

static int rs_open(recsrc *s, char *err, size_t errlen)
{
    rec_header h;

    s->r = rec_open_read(s->path, &h, err, errlen);
    if (s->r == NULL)
        return -1;
    s->h = h;
    return 0;
}

static int rs_start(void *ctx, const scn_settings *set, int paused, int lossless,
                    uint64_t pause_at, char *err, size_t errlen)
{
    recsrc *s = ctx;

    (void)set;
    (void)lossless;
    if (s->used) {                      /* a restart: from the start again */
        if (strcmp(s->path, "-") == 0) {
            snprintf(err, errlen, "a recording on standard input cannot be played again");
            return -1;
        }
        rec_close_read(s->r);
        s->r = NULL;
        if (rs_open(s, err, errlen) != 0)
            return -1;
    }
    s->used = 1;
    s->hold_n = s->hold_at = 0;
    s->at_end = 0;
    s->over = 0;
    s->err[0] = '\0';
    s->paused = paused;
    s->limit_mt = pause_at;
    s->step_mt = s->now_mt = s->rt0 = 0;
    s->anchored = 0;
    s->cores = s->h.cores;
    s->quantum = s->h.quantum;
    s->tick_ns = s->h.tick_ns;
    return 0;
}

static void rs_free(void *ctx)
{
    recsrc *s = ctx;

    if (s->r != NULL)
        rec_close_read(s->r);
    scn_result_free(&s->res);
    free(s->hold);
    free(s->path);
    free(s);
}

int play_source_recording(const char *path, double speed, play_source *out,
                          char *err, size_t errlen)
{
    recsrc *s = calloc(1, sizeof *s);

    memset(out, 0, sizeof *out);
    if (s == NULL || (s->path = strdup(path)) == NULL ||
        (s->hold = malloc(HOLD_MAX * sizeof *s->hold)) == NULL) {
        snprintf(err, errlen, "out of memory");
        if (s != NULL) {
            free(s->path);
            free(s);
        }
        return -1;
    }
    s->speed = speed > 0 ? speed : 0;
    if (rs_open(s, err, errlen) != 0) {
        rs_free(s);
        return -1;
    }
    /* the program, for what its notes say (a newer lanes' may not parse) */
    s->res = scn_parse(s->h.file, s->h.source, s->h.source_len);
    out->start = rs_start;
    out->read = rs_read;
    out->error = rs_error;
    out->names.routine = rs_routine;
    out->names.chan = rs_chan;
    out->names.ctx = s;
    out->take_message = rs_message;
    out->wait = rs_wait;
    out->about = rs_about;
    out->outcome = rs_outcome;
    out->control = rs_control;
    out->get = rs_get;
    out->free = rs_free;
    out->ctx = s;
    return 0;
}
