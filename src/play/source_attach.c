/*
 * source_attach.c - a program attached over its console socket as a
 * source (play.h; the program runs with LANES_CONSOLE=PATH or called
 * lanes_console): the events it sends, the names it sends with them, and
 * control sent back to it (pause, resume, step, cores, quantum, tick).
 *
 * Owns the client (src/rec/console.h) and the events taken from it but
 * not given yet.  The settings it reports (paused, cores, quantum, tick,
 * runtime time) are those of the events given so far, which are the
 * program's truth; a control call sets them at once too, so a screen
 * shows what it asked for before the program's events confirm it.
 * Time starts at the attach: every event's t_ns and t_rt are given less
 * the HELLO's (the newest event's when the viewer came), so the folds see
 * a run that begins then, and pause-at (--for) counts from there: events
 * past it are held and the program is paused.  Stopping detaches: the program resumes and goes on.
 * A restart is refused: the program's past cannot be run again.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "play/play.h"
#include "rec/console.h"

#define HOLD_MAX 4096           /* LANES_CON_BODY_MAX / LANES_CON_EVENT_SIZE, and more */

typedef struct attsrc {
    con_client *c;
    con_hello   h;
    char        title[128];
    char        name[CON_NAME_MAX + 1];
    lanes_event hold[HOLD_MAX];     /* taken, not given yet: hold[at..n) */
    size_t      n, at;
    int         over;               /* the stream ended (END or closed) */
    int         failed;             /* ... or broke: err */
    int         started;
    char        err[600];
    uint64_t    dropped;
    uint64_t    limit_mt;           /* pause-at, from the attach; 0 none */
    int         paused, cores, quantum;
    uint64_t    tick_ns, now_mt;
} attsrc;

/* Takes what the program sent, waiting at most timeout_ms for the first
 * of it, until the hold has no room. */
static void take(attsrc *s, int timeout_ms)
{
    con_msg m;
    int r;

    if (s->at == s->n)
        s->at = s->n = 0;
    while (!s->over && HOLD_MAX - s->n >= LANES_CON_BODY_MAX / LANES_CON_EVENT_SIZE) {
        r = con_next(s->c, &m, timeout_ms);
        timeout_ms = 0;
        if (r == 0)
            return;
        if (r < 0) {
            s->over = 1;
            if (!con_ended(s->c)) {
                s->failed = 1;
                snprintf(s->err, sizeof s->err, "%s", con_error(s->c));
            }
            return;
        }
        if (m.type == LANES_CON_EVENTS) {
            for (size_t i = 0; i < m.nev; i++) {  /* the decoder checked t_ns >= hello's */
                lanes_event *e = &s->hold[s->n++];
                *e = m.ev[i];
                e->t_ns -= s->h.t_ns;
                e->t_rt = e->t_rt > s->h.t_rt ? e->t_rt - s->h.t_rt : 0;
            }
        } else if (m.type == LANES_CON_DROPPED) {
            s->dropped = m.dropped;
        }
    }
}

/* What an event given says of the settings in force. */
static void follow(attsrc *s, const lanes_event *e)
{
    if (e->t_rt > s->now_mt)
        s->now_mt = e->t_rt;
    switch (e->kind) {
    case LANES_EV_CORES:   s->cores = (int)e->obj; break;
    case LANES_EV_QUANTUM: s->quantum = (int)e->obj; break;
    case LANES_EV_TICK:    s->tick_ns = (uint64_t)e->obj * 1000u; break;
    case LANES_EV_PAUSE:   s->paused = 1; break;
    case LANES_EV_RESUME:  s->paused = 0; break;
    default: break;
    }
}

static ssize_t as_read(void *ctx, lanes_event *buf, size_t max)
{
    attsrc *s = ctx;
    size_t k = 0;

    take(s, 0);
    while (k < max && s->at < s->n) {
        const lanes_event *e = &s->hold[s->at];
        if (s->limit_mt != 0 && e->t_rt > s->limit_mt) {
            if (!s->paused)
                (void)con_send(s->c, LANES_CON_PAUSE, 0);
            s->paused = 1;
            s->now_mt = s->limit_mt;
            break;              /* held: the run stops here, for the viewer */
        }
        follow(s, e);
        buf[k++] = *e;
        s->at++;
    }
    if (k == 0 && s->failed && s->at == s->n)
        return -1;
    return (ssize_t)k;
}

static const char *as_error(void *ctx)
{
    return ((attsrc *)ctx)->err;
}

static void as_routine(void *ctx, uint32_t id, char *buf, size_t n)
{
    con_routine_name(((attsrc *)ctx)->c, id, buf, n);
}

static void as_chan(void *ctx, uint32_t id, char *buf, size_t n)
{
    con_chan_name(((attsrc *)ctx)->c, id, buf, n);
}

/* Running until the program's stream ended and every event was given. */
static int as_wait(void *ctx, uint64_t ns)
{
    attsrc *s = ctx;
    int ms = (int)(ns / 1000000u);

    if (s->at == s->n && !s->over)
        take(s, ns > 0 && ms == 0 ? 1 : ms);
    if (s->over && s->at == s->n)
        return s->failed ? PLAY_ERROR : PLAY_STOPPED;
    return PLAY_RUNNING;
}

static void as_about(void *ctx, play_about *a)
{
    attsrc *s = ctx;

    a->kind = "attached";
    a->scenario = s->name;
    a->title = s->title;
    a->file = "";
    a->prog = NULL;
    a->cores = s->h.cores;
    a->quantum = s->h.quantum;
    a->tick_ns = s->h.tick_ns;
    a->seed = 0;
    a->seed_set = 0;
    a->cpus = s->h.cpus;
    a->pid = s->h.pid;
    a->start_mt = s->h.t_rt;
}

static void as_outcome(void *ctx, play_outcome *o)
{
    attsrc *s = ctx;

    if (!s->over || s->at < s->n)
        return;
    o->how = s->failed ? "error" : "exited";
    o->exit_status = s->failed ? 1 : 0;
    o->message = s->failed ? s->err : "program exited";
}

static int as_control(void *ctx, int op, int64_t arg)
{
    attsrc *s = ctx;
    int r = 0;

    if (s->over)
        return op == PLAY_CTL_PAUSE || op == PLAY_CTL_RESUME ? 0 : PLAY_REFUSED;
    switch (op) {
    case PLAY_CTL_PAUSE:
        r = con_send(s->c, LANES_CON_PAUSE, 0);
        s->paused = 1;
        break;
    case PLAY_CTL_RESUME:
        r = con_send(s->c, LANES_CON_RESUME, 0);
        s->paused = 0;
        s->limit_mt = 0;
        break;
    case PLAY_CTL_STEP:
        if (!s->paused || arg < 1 || arg > 1000)
            return -EINVAL;
        r = con_send(s->c, LANES_CON_STEP, arg);
        break;
    case PLAY_CTL_PAUSE_AT:
        s->limit_mt = arg > 0 ? (uint64_t)arg : 0;
        break;
    case PLAY_CTL_CORES:
        if (arg < 1 || arg > LANES_MAX_CORES)
            return -EINVAL;
        r = con_send(s->c, LANES_CON_CORES, arg);
        s->cores = (int)arg;
        break;
    case PLAY_CTL_QUANTUM:
        if (arg < 0 || arg > 1000000)
            return -EINVAL;
        r = con_send(s->c, LANES_CON_QUANTUM, arg);
        s->quantum = (int)arg;
        break;
    case PLAY_CTL_TICK:
        if (arg < 1000 || arg > 60000000000ll)
            return -EINVAL;
        r = con_send(s->c, LANES_CON_TICK, arg);
        s->tick_ns = (uint64_t)arg;
        break;
    default:
        return PLAY_REFUSED;
    }
    return r == 0 ? 0 : PLAY_REFUSED;
}

static uint64_t as_get(void *ctx, int what)
{
    attsrc *s = ctx;

    switch (what) {
    case PLAY_GET_PAUSED:  return (uint64_t)s->paused;
    case PLAY_GET_CORES:   return (uint64_t)s->cores;
    case PLAY_GET_QUANTUM: return (uint64_t)s->quantum;
    case PLAY_GET_TICK:    return s->tick_ns;
    case PLAY_GET_NOW:     return s->now_mt;
    case PLAY_GET_DROPPED: return s->dropped;
    default:               return 0;
    }
}

static int as_start(void *ctx, const scn_settings *set, int paused, int lossless,
                     uint64_t pause_at, char *err, size_t errlen)
{
    attsrc *s = ctx;

    (void)set;
    (void)lossless;             /* what a slow viewer misses is counted (dropped) */
    if (s->started) {
        snprintf(err, errlen, "an attached program cannot be started again");
        return -1;
    }
    s->started = 1;
    if (pause_at != 0)
        s->limit_mt = pause_at;
    if (paused)
        return as_control(s, PLAY_CTL_PAUSE, 0) == 0 ? 0 : -1;
    return 0;
}

static void as_free(void *ctx)
{
    attsrc *s = ctx;

    con_close(s->c);            /* the program resumes and goes on */
    free(s);
}

static void as_stop(void *ctx)
{
    attsrc *s = ctx;

    con_hangup(s->c);           /* the picture keeps its names */
    s->over = 1;
}

/* The handshake, 5 s at most, `waiting` asked every 100 ms after 200. */
static con_client *connect_waiting(const char *path, play_attach_waiting waiting, char *err,
                                   size_t errlen, int *status)
{
    con_client *c = con_open(path, err, errlen, status);
    int r = 0, ms = 0, step = 200;

    if (c == NULL)
        return NULL;
    while (ms < 5000 && (r = con_handshake(c, step, err, errlen, status)) == 0) {
        ms += step;
        step = 100;
        if (waiting != NULL && (*status = waiting(path, ms == 200)) != 0) {
            snprintf(err, errlen, "%s: left before the program's handshake", path);
            con_close(c);
            return NULL;
        }
    }
    if (r == 1)
        return c;
    if (r == 0) {
        snprintf(err, errlen, "%s: no handshake within 5 s: not a lanes console?", path);
        *status = 2;
    }
    con_close(c);
    return NULL;
}

int play_source_attach(const char *path, play_attach_waiting waiting, play_source *out,
                       char *err, size_t errlen, int *status)
{
    attsrc *s = calloc(1, sizeof *s);

    memset(out, 0, sizeof *out);
    *status = 1;
    if (s == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    s->c = connect_waiting(path, waiting, err, errlen, status);
    if (s->c == NULL) {
        free(s);
        return -1;
    }
    s->h = *con_hello_of(s->c);
    snprintf(s->name, sizeof s->name, "%s", s->h.name);
    snprintf(s->title, sizeof s->title, "attached to %s (pid %u)", s->h.name,
             (unsigned)s->h.pid);
    s->paused = s->h.paused;
    s->cores = s->h.cores;
    s->quantum = s->h.quantum;
    s->tick_ns = s->h.tick_ns;
    s->now_mt = 0;
    out->start = as_start;
    out->stop = as_stop;
    out->read = as_read;
    out->error = as_error;
    out->names.routine = as_routine;
    out->names.chan = as_chan;
    out->names.ctx = s;
    out->wait = as_wait;
    out->about = as_about;
    out->outcome = as_outcome;
    out->control = as_control;
    out->get = as_get;
    out->free = as_free;
    out->ctx = s;
    return 0;
}
