/*
 * play.h - the one run driver (DESIGN §8): a source of events, one pump,
 * the folds a caller plugs in.
 *
 * The source today is a live runtime running a scenario.  The pump reads
 * its events in their one total order and hands each batch, unchanged, to
 * every fold in the order they were added (the screen model, the summary,
 * the trace writer, a recorder...).  Control goes back to the source
 * through play_* calls (pause, step, cores, quantum, tick), so the screen
 * and the headless run drive a run the same way and need not know what
 * the source is.
 *
 * Lossless: when any fold asks for it, the runtime starts paused, its
 * rings are made lossless before a routine runs, and then it resumes
 * unless the caller asked for a paused start.
 *
 * Errors: a fold's feed that fails (a trace or recording that cannot be
 * written) stops the feeding of every fold for good; play_error then
 * returns its message, and the caller ends the run (exit 1) as it sees
 * fit.  One thread calls everything here.
 */
#ifndef LANES_PLAY_H
#define LANES_PLAY_H

#include <stddef.h>
#include <stdint.h>
#include "lanes.h"
#include "scn/scn.h"

#define PLAY_FOLDS_MAX 8
#define PLAY_CHUNK     16384     /* events read from the source at a time */

/* A fold the pump feeds.  Every function may be NULL but feed. */
typedef struct play_fold {
    /* Folds n events (n > 0) of the run on `rt` (for names; the source's
     * runtime, valid during the call).  0, or -1 after an error that ends
     * the run, with its message from error(). */
    int (*feed)(void *ctx, const lanes_event *ev, size_t n, lanes_rt *rt);
    /* The next events come from a new run of the same program (the
     * screen's restart).  0, or -1 as feed. */
    int (*restart)(void *ctx);
    /* A piece of text about the run for the fold's metadata. */
    void (*note)(void *ctx, const char *key, const char *value);
    /* The end: `dropped` events were lost.  Frees what the fold owns.
     * 0, or -1 with the message in err. */
    int (*finish)(void *ctx, uint64_t dropped, char *err, size_t errlen);
    /* The message of the error that made feed or restart fail. */
    const char *(*error)(void *ctx);
    void *ctx;
    int lossless;                 /* this fold needs every event */
} play_fold;

typedef struct play play;

/* A pump for runs of `prog` (which must outlive it), with no fold yet.
 * NULL when memory runs out. */
play *play_new(const scn_program *prog);

/* Adds a fold, fed after the ones added before.  The pump owns it from
 * here: play_finish (or play_free) calls its finish once.  0, or -1 when
 * PLAY_FOLDS_MAX are already there. */
int play_add(play *p, const play_fold *f);

/* Is any fold one that needs every event? */
int play_lossless(const play *p);

/* Starts a run of the program with `set` (the pump adds what losslessness
 * needs), paused when `paused`.  0, or -1 with the message in err. */
int play_start(play *p, const scn_settings *set, int paused, char *err, size_t errlen);

/* Every run started from now on pauses itself when its runtime time
 * reaches t_rt (lanes_pause_at, set before any routine runs when the
 * start is lossless or paused); 0: never (the default).  --for. */
void play_pause_at_start(play *p, uint64_t t_rt);

/* Reads at most about `max` events (in chunks of PLAY_CHUNK, until the
 * source has no more or max is reached) and feeds them to every fold.
 * Returns how many were read; nothing is read once a fold failed. */
size_t play_pump(play *p, size_t max);

/* The first fold error's message, NULL while none. */
const char *play_error(const play *p);

/* Drains what the source still holds into the folds and stops the run
 * (nothing to do without one). */
void play_stop(play *p);

/* The screen's restart: stops the run, tells every fold that a new run
 * begins, starts it again with `set`.  0, or -1 with the message in err
 * (a fold error, or the start failing). */
int play_restart(play *p, const scn_settings *set, int paused, char *err, size_t errlen);

/* Passes a note to every fold that takes notes. */
void play_note(play *p, const char *key, const char *value);

/* The end: drains what the source still holds and finishes every fold
 * with the count of dropped events; the run stays (its end message, its
 * reports) until play_stop or play_free.  0, or -1 with the first
 * message in err (may be NULL). */
int play_finish(play *p, char *err, size_t errlen);

/* Finishes the folds if play_finish was not called (errors ignored),
 * stops the run and frees the pump.  NULL is fine. */
void play_free(play *p);

/* ---- the source and control back to it --------------------------------
 * All need a run (play_start succeeded). */
scn_run  *play_run(play *p);          /* the scenario's run: waits, reports */
lanes_rt *play_rt(play *p);           /* the runtime: names               */
void      play_pause(play *p);
void      play_pause_at(play *p, uint64_t t_rt);   /* lanes_pause_at */
void      play_resume(play *p);
int       play_step(play *p, int ticks);   /* -EINVAL when not paused */
int       play_set_cores(play *p, int n);     /* 0, or -1 as lanes_set_cores */
void      play_set_quantum(play *p, int q);
void      play_set_tick(play *p, uint64_t ns);
int       play_paused(play *p);
int       play_cores(play *p);
int       play_quantum(play *p);
uint64_t  play_tick(play *p);
uint64_t  play_now(play *p);          /* runtime milli-ticks               */
uint64_t  play_dropped(play *p);      /* events lost so far                */

#endif
