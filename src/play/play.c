/*
 * play.c - the pump: starts a run of its source, pumps the source's events
 * into the folds, carries control back (play.h).
 *
 * Owns: the source, the event buffer, the folds handed to it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "play/play.h"

struct play {
    play_source  src;
    int          running;            /* a run was started and not stopped */
    lanes_event *buf;                /* PLAY_CHUNK events */
    play_fold    folds[PLAY_FOLDS_MAX];
    int          nfolds;
    int          failed;             /* index + 1 of the fold that failed */
    int          src_failed;         /* the source could not be read on */
    int          finished;
    uint64_t     pause_at;           /* play_pause_at_start, 0: none */
    const char  *end_how;            /* play_end_as, NULL: "stopped" */
    int          end_status;
};

play *play_new_source(const play_source *src)
{
    play *p = calloc(1, sizeof *p);

    if (p != NULL)
        p->buf = malloc(PLAY_CHUNK * sizeof *p->buf);
    if (p == NULL || p->buf == NULL) {
        free(p);
        if (src->free != NULL)
            src->free(src->ctx);
        return NULL;
    }
    p->src = *src;
    return p;
}

play *play_new(const scn_program *prog)
{
    play_source s = play_source_live(prog, NULL);

    return s.ctx != NULL ? play_new_source(&s) : NULL;
}

int play_add(play *p, const play_fold *f)
{
    if (p->nfolds >= PLAY_FOLDS_MAX)
        return -1;
    p->folds[p->nfolds++] = *f;
    return 0;
}

int play_lossless(const play *p)
{
    int i;

    for (i = 0; i < p->nfolds; i++)
        if (p->folds[i].lossless)
            return 1;
    return 0;
}

static void fail(play *p, int i)
{
    if (!p->failed && !p->src_failed)
        p->failed = i + 1;
}

static void src_stop(play *p)
{
    if (p->running && p->src.stop != NULL)
        p->src.stop(p->src.ctx);
    p->running = 0;
}

int play_start(play *p, const scn_settings *set, int paused, char *err, size_t errlen)
{
    int lossless = play_lossless(p), i;

    if (p->src.start != NULL &&
        p->src.start(p->src.ctx, set, paused || lossless, lossless, p->pause_at, err,
                     errlen) != 0)
        return -1;
    p->running = 1;
    for (i = 0; i < p->nfolds; i++)
        if (p->folds[i].start != NULL &&
            p->folds[i].start(p->folds[i].ctx, p, err, errlen) != 0) {
            fail(p, i);
            src_stop(p);
            return -1;
        }
    /* lossless rings were switched on before any routine ran */
    if (lossless && !paused)
        play_resume(p);
    return 0;
}

void play_pause_at_start(play *p, uint64_t t_rt)
{
    p->pause_at = t_rt;
}

size_t play_pump(play *p, size_t max)
{
    ssize_t n;
    size_t total = 0;
    int i;

    if (!p->running)
        return 0;
    do {
        if (p->failed || p->src_failed)
            break;
        n = p->src.read(p->src.ctx, p->buf, PLAY_CHUNK);
        if (n < 0) {
            p->src_failed = 1;
            break;
        }
        for (i = 0; i < p->nfolds && n > 0; i++)
            if (p->folds[i].feed(p->folds[i].ctx, p->buf, (size_t)n, &p->src.names) != 0) {
                fail(p, i);
                break;
            }
        total += (size_t)n;
    } while (n == PLAY_CHUNK && total < max);
    return total;
}

const char *play_error(const play *p)
{
    const play_fold *f;
    const char *e;

    if (p->src_failed) {
        e = p->src.error != NULL ? p->src.error(p->src.ctx) : NULL;
        return e != NULL && *e != '\0' ? e : "the source of events failed";
    }
    if (!p->failed)
        return NULL;
    f = &p->folds[p->failed - 1];
    return f->error != NULL ? f->error(f->ctx) : "a fold failed";
}

int play_error_from(const play *p)
{
    return p->src_failed ? PLAY_FROM_SOURCE : p->failed ? PLAY_FROM_FOLD : PLAY_FROM_NONE;
}

void play_stop(play *p)
{
    if (!p->running)
        return;
    play_pump(p, (size_t)-1);
    src_stop(p);
}

/* Every event of the run fed, the folds' end hooks. */
static void end_hooks(play *p, const char *how, int status)
{
    int i;

    if (!p->running)
        return;
    play_pump(p, (size_t)-1);
    for (i = 0; i < p->nfolds; i++)
        if (p->folds[i].end != NULL)
            p->folds[i].end(p->folds[i].ctx, p, how, status);
}

void play_end_as(play *p, const char *how, int status)
{
    p->end_how = how;
    p->end_status = status;
}

int play_restart(play *p, const scn_settings *set, int paused, char *err, size_t errlen)
{
    int i;

    end_hooks(p, "restarted", EXIT_DONE);
    play_stop(p);
    for (i = 0; i < p->nfolds && !p->failed; i++)
        if (p->folds[i].restart != NULL && p->folds[i].restart(p->folds[i].ctx) != 0)
            fail(p, i);
    if (p->failed) {
        snprintf(err, errlen, "%s", play_error(p));
        return -1;
    }
    return play_start(p, set, paused, err, errlen);
}

void play_note(play *p, const char *key, const char *value)
{
    int i;

    for (i = 0; i < p->nfolds; i++)
        if (p->folds[i].note != NULL)
            p->folds[i].note(p->folds[i].ctx, key, value);
}

int play_finish(play *p, char *err, size_t errlen)
{
    uint64_t dropped = 0;
    char e[600];
    int i, rc = 0;

    if (p->finished)
        return 0;
    end_hooks(p, p->end_how != NULL ? p->end_how : "stopped",
              p->end_how != NULL ? p->end_status : EXIT_DONE);
    if (p->running) {
        play_pump(p, (size_t)-1);
        dropped = play_dropped(p);
    }
    for (i = 0; i < p->nfolds; i++) {
        e[0] = '\0';
        if (p->folds[i].finish != NULL &&
            p->folds[i].finish(p->folds[i].ctx, dropped, e, sizeof e) != 0 && rc == 0) {
            if (err != NULL)
                snprintf(err, errlen, "%s", e);
            rc = -1;
        }
    }
    p->finished = 1;
    p->nfolds = 0;                  /* nothing is fed to a finished fold */
    return rc;
}

void play_free(play *p)
{
    if (p == NULL)
        return;
    play_finish(p, NULL, 0);
    play_stop(p);
    if (p->src.free != NULL)
        p->src.free(p->src.ctx);
    free(p->buf);
    free(p);
}

/* ---- the source ------------------------------------------------------------ */

const play_names *play_names_of(play *p) { return &p->src.names; }

void play_routine_name(play *p, uint32_t id, char *buf, size_t n)
{
    if (n > 0)
        buf[0] = '\0';
    if (p->src.names.routine != NULL)
        p->src.names.routine(p->src.names.ctx, id, buf, n);
}

void play_chan_name(play *p, uint32_t id, char *buf, size_t n)
{
    if (n > 0)
        buf[0] = '\0';
    if (p->src.names.chan != NULL)
        p->src.names.chan(p->src.names.ctx, id, buf, n);
}

void play_about_run(play *p, play_about *a)
{
    memset(a, 0, sizeof *a);
    a->kind = a->scenario = a->title = a->file = "";
    if (p->src.about != NULL)
        p->src.about(p->src.ctx, a);
}

char *play_take_message(play *p)
{
    return p->src.take_message != NULL ? p->src.take_message(p->src.ctx) : NULL;
}

int play_wait(play *p, uint64_t ns)
{
    return p->src.wait != NULL ? p->src.wait(p->src.ctx, ns) : PLAY_RUNNING;
}

void play_outcome_of(play *p, play_outcome *o)
{
    memset(o, 0, sizeof *o);
    o->message = "";
    if (p->src.outcome != NULL)
        p->src.outcome(p->src.ctx, o);
}

int play_routine_line(play *p, uint32_t id)
{
    return p->src.routine_line != NULL ? p->src.routine_line(p->src.ctx, id) : 0;
}

const char *play_routine_program(play *p, uint32_t id, int *first_line)
{
    if (p->src.routine_program == NULL)
        return NULL;
    return p->src.routine_program(p->src.ctx, id, first_line);
}

scn_run *play_run(play *p)
{
    return p->src.run != NULL ? p->src.run(p->src.ctx) : NULL;
}

lanes_rt *play_rt(play *p)
{
    return p->src.rt != NULL ? p->src.rt(p->src.ctx) : NULL;
}

static int ctl(play *p, int op, int64_t arg)
{
    return p->src.control != NULL ? p->src.control(p->src.ctx, op, arg) : PLAY_REFUSED;
}

static uint64_t get(play *p, int what)
{
    return p->src.get != NULL ? p->src.get(p->src.ctx, what) : 0;
}

int      play_pause(play *p)                 { return ctl(p, PLAY_CTL_PAUSE, 0); }
int      play_pause_at(play *p, uint64_t t)  { return ctl(p, PLAY_CTL_PAUSE_AT, (int64_t)t); }
int      play_resume(play *p)                { return ctl(p, PLAY_CTL_RESUME, 0); }
int      play_step(play *p, int ticks)       { return ctl(p, PLAY_CTL_STEP, ticks); }
int      play_set_cores(play *p, int n)      { return ctl(p, PLAY_CTL_CORES, n); }
int      play_set_quantum(play *p, int q)    { return ctl(p, PLAY_CTL_QUANTUM, q); }
int      play_set_tick(play *p, uint64_t ns) { return ctl(p, PLAY_CTL_TICK, (int64_t)ns); }
int      play_set_speed(play *p, double x)  { return ctl(p, PLAY_CTL_SPEED, (int64_t)(x * 1e6 + 0.5)); }
int      play_paused(play *p)                { return (int)get(p, PLAY_GET_PAUSED); }
int      play_cores(play *p)                 { return (int)get(p, PLAY_GET_CORES); }
int      play_quantum(play *p)               { return (int)get(p, PLAY_GET_QUANTUM); }
uint64_t play_tick(play *p)                  { return get(p, PLAY_GET_TICK); }
uint64_t play_now(play *p)                   { return get(p, PLAY_GET_NOW); }
uint64_t play_dropped(play *p)               { return get(p, PLAY_GET_DROPPED); }
