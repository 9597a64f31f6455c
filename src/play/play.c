/*
 * play.c - the run driver: starts a scenario on a runtime, pumps its
 * events into the folds, carries control back (play.h).
 *
 * Owns: the run while it lasts, the event buffer, the folds handed to it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "play/play.h"

struct play {
    const scn_program *prog;
    scn_run     *run;
    lanes_rt    *rt;
    lanes_event *buf;                /* PLAY_CHUNK events */
    play_fold    folds[PLAY_FOLDS_MAX];
    int          nfolds;
    int          failed;             /* index + 1 of the fold that failed */
    int          finished;
    uint64_t     pause_at;           /* play_pause_at_start, 0: none */
};

play *play_new(const scn_program *prog)
{
    play *p = calloc(1, sizeof *p);

    if (p == NULL)
        return NULL;
    p->buf = malloc(PLAY_CHUNK * sizeof *p->buf);
    if (p->buf == NULL) {
        free(p);
        return NULL;
    }
    p->prog = prog;
    return p;
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

int play_start(play *p, const scn_settings *set, int paused, char *err, size_t errlen)
{
    scn_settings s = *set;
    int lossless = play_lossless(p);

    /* lossless rings are switched on before any routine runs */
    if (paused || lossless)
        s.flags |= LANES_START_PAUSED;
    p->run = scn_start(p->prog, &s, err, errlen);
    if (p->run == NULL)
        return -1;
    p->rt = scn_rt(p->run);
    if (p->pause_at != 0)
        lanes_pause_at(p->rt, p->pause_at);
    if (lossless) {
        lanes_trace_lossless(p->rt, 1);
        if (!paused)
            lanes_resume(p->rt);
    }
    return 0;
}

void play_pause_at_start(play *p, uint64_t t_rt)
{
    p->pause_at = t_rt;
}

static void fail(play *p, int i)
{
    if (!p->failed)
        p->failed = i + 1;
}

size_t play_pump(play *p, size_t max)
{
    size_t n, total = 0;
    int i;

    if (p->run == NULL)
        return 0;
    do {
        if (p->failed)
            break;
        n = lanes_trace_read(p->rt, p->buf, PLAY_CHUNK);
        for (i = 0; i < p->nfolds && n > 0; i++)
            if (p->folds[i].feed(p->folds[i].ctx, p->buf, n, p->rt) != 0) {
                fail(p, i);
                break;
            }
        total += n;
    } while (n == PLAY_CHUNK && total < max);
    return total;
}

const char *play_error(const play *p)
{
    const play_fold *f;

    if (!p->failed)
        return NULL;
    f = &p->folds[p->failed - 1];
    return f->error != NULL ? f->error(f->ctx) : "a fold failed";
}

void play_stop(play *p)
{
    if (p->run == NULL)
        return;
    play_pump(p, (size_t)-1);
    scn_stop(p->run);
    p->run = NULL;
    p->rt = NULL;
}

int play_restart(play *p, const scn_settings *set, int paused, char *err, size_t errlen)
{
    int i;

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
    if (p->run != NULL) {
        play_pump(p, (size_t)-1);
        dropped = lanes_trace_dropped(p->rt);
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
    free(p->buf);
    free(p);
}

scn_run  *play_run(play *p)                 { return p->run; }
lanes_rt *play_rt(play *p)                  { return p->rt; }
void      play_pause(play *p)               { lanes_pause(p->rt); }
void      play_pause_at(play *p, uint64_t t) { lanes_pause_at(p->rt, t); }
void      play_resume(play *p)              { lanes_resume(p->rt); }
int       play_step(play *p, int ticks)     { return lanes_step(p->rt, ticks); }
int       play_set_cores(play *p, int n)    { return lanes_set_cores(p->rt, n); }
void      play_set_quantum(play *p, int q)  { lanes_set_quantum(p->rt, q); }
void      play_set_tick(play *p, uint64_t ns) { lanes_set_tick(p->rt, ns); }
int       play_paused(play *p)              { return lanes_paused(p->rt); }
int       play_cores(play *p)               { return lanes_cores(p->rt); }
int       play_quantum(play *p)             { return lanes_quantum(p->rt); }
uint64_t  play_tick(play *p)                { return lanes_tick(p->rt); }
uint64_t  play_now(play *p)                 { return lanes_now(p->rt); }
uint64_t  play_dropped(play *p)             { return lanes_trace_dropped(p->rt); }
