/*
 * play.h - the one run driver (DESIGN §8): a source of events, one pump,
 * the folds a caller plugs in.
 *
 * A *source* yields a run's events in one total order, the names of its
 * routines and channels, the messages the run said, how it ended, and
 * takes control calls.  Two are here: a live runtime running a scenario
 * (play_new / play_source_live, source_live.c) and a recording
 * (play_source_recording, source_rec.c).  The pump reads the source and
 * hands each batch, unchanged, to every fold in the order they were added
 * (the screen model, the summary, the trace writer, a recorder...).
 * Control goes back to the source through play_* calls, so the screen and
 * the headless run drive a run the same way and need not know what the
 * source is; a source refuses what it cannot do with PLAY_REFUSED (a
 * recording cannot change cores, quantum or tick: the past is fixed).
 *
 * Lossless: when any fold asks for it, a live runtime starts paused, its
 * rings are made lossless before a routine runs, and then it resumes
 * unless the caller asked for a paused start.  A recording holds every
 * event it was given.
 *
 * Errors: a fold's feed that fails (a trace or recording that cannot be
 * written), or a source that cannot be read on (a recording cut short),
 * stops the feeding of every fold for good; play_error then returns its
 * message, play_error_from says whose, and the caller ends the run as it
 * sees fit.  One thread calls everything here.
 */
#ifndef LANES_PLAY_H
#define LANES_PLAY_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "lanes.h"
#include "scn/scn.h"

#define PLAY_FOLDS_MAX 8
#define PLAY_CHUNK     16384     /* events read from the source at a time */

/* A control call the source cannot do: a recording asked to change its
 * cores, quantum or tick, or to step when it is not paced. */
#define PLAY_REFUSED (-ENOTSUP)

/* How a source's run stands (play_wait): scn_wait's codes, and STOPPED
 * for a recorded run that ended otherwise (stopped by --for, interrupted,
 * restarted on the screen). */
enum {
    PLAY_DONE = SCN_DONE, PLAY_RUNNING = SCN_TIMEOUT, PLAY_DEADLOCK = SCN_DEADLOCK,
    PLAY_FAULT = SCN_FAULT, PLAY_ERROR = SCN_ERROR, PLAY_STOPPED
};

/* Names of routines and channels by id.  A NULL function or an empty name
 * means "unnamed" (the reader then says "r<id>" / "ch<id>"). */
typedef struct play_names {
    void (*routine)(void *ctx, uint32_t id, char *buf, size_t n);
    void (*chan)(void *ctx, uint32_t id, char *buf, size_t n);
    void *ctx;
} play_names;

/* What a source says of its run, valid from play_start until the next
 * start or play_free.  Strings are never NULL. */
typedef struct play_about {
    const char *kind;         /* "live", "recording"                       */
    const char *scenario;     /* the name or path given on the command line */
    const char *title;
    const char *file;         /* the name the scenario was parsed under    */
    const scn_program *prog;  /* the program, for its notes and text; NULL
                                 when unknown (a recording whose text this
                                 lanes cannot parse)                       */
    int      cores, quantum;  /* at the start                              */
    uint64_t tick_ns;
    uint64_t seed;            /* the seed in force                         */
    int      seed_set;
    int      cpus;            /* CPUs the process could use (0: unknown)   */
    unsigned pid;             /* an attached program's; 0 otherwise        */
    uint64_t start_mt;        /* attached: the program's runtime time (1/1000
                                 ticks, its lanes_now) when the viewer came:
                                 the run's time 0                          */
} play_about;

/* How the run ended, as far as the source knows it (play_outcome). */
typedef struct play_outcome {
    const char *how;          /* as recorded ("done", "stopped"...); NULL:
                                 the source does not say (live: the caller
                                 knows how it stopped the run)             */
    int      exit_status;     /* with how                                  */
    const char *message;      /* the end message for people, "" when none  */
    const char *report_json;  /* recorded JSON members of the summary, NULL
                                 when not recorded                         */
    uint64_t wall_ns;         /* recorded wall time, 0: not recorded       */
} play_outcome;

/* A source: every function may be NULL but read.  ctx is the source's.
 * The pump owns a source handed to play_new_source and frees it. */
typedef struct play_source {
    /* Starts a run (again, for a restart): set is what the caller wants
     * (a recording ignores it), paused whether it should start paused,
     * lossless whether every event must be kept, pause_at a runtime time
     * at which it pauses itself (0: none).  0, or -1 with the message. */
    int  (*start)(void *ctx, const scn_settings *set, int paused, int lossless,
                  uint64_t pause_at, char *err, size_t errlen);
    /* Ends the run (what it still holds need not be read). */
    void (*stop)(void *ctx);
    /* Up to max events in order: how many (0: none now, or the end), or
     * -1 when it cannot be read on (error says why). */
    ssize_t (*read)(void *ctx, lanes_event *buf, size_t max);
    const char *(*error)(void *ctx);
    play_names names;                 /* its ctx: the source's */
    /* The next message the run said after the events read so far,
     * malloc'd; NULL when none now. */
    char *(*take_message)(void *ctx);
    /* Waits up to ns (0: no wait) for the run to end: PLAY_*. */
    int  (*wait)(void *ctx, uint64_t ns);
    void (*about)(void *ctx, play_about *a);
    void (*outcome)(void *ctx, play_outcome *o);
    /* PLAY_CTL_* with its argument: 0, -EINVAL, or PLAY_REFUSED. */
    int  (*control)(void *ctx, int op, int64_t arg);
    /* PLAY_GET_*. */
    uint64_t (*get)(void *ctx, int what);
    int  (*routine_line)(void *ctx, uint32_t id);
    const char *(*routine_program)(void *ctx, uint32_t id, int *first_line);
    scn_run  *(*run)(void *ctx);
    lanes_rt *(*rt)(void *ctx);
    void (*free)(void *ctx);
    void *ctx;
} play_source;

enum { PLAY_CTL_PAUSE, PLAY_CTL_RESUME, PLAY_CTL_STEP, PLAY_CTL_PAUSE_AT, PLAY_CTL_CORES,
       PLAY_CTL_QUANTUM, PLAY_CTL_TICK,
       PLAY_CTL_SPEED };         /* arg: a paced playback's speed x 1,000,000 */
enum { PLAY_GET_PAUSED, PLAY_GET_CORES, PLAY_GET_QUANTUM, PLAY_GET_TICK, PLAY_GET_NOW,
       PLAY_GET_DROPPED };

/* A live runtime running `prog` (which must outlive it); `scenario` is the
 * name given on the command line (NULL: SCN_DEFAULT). */
play_source play_source_live(const scn_program *prog, const char *scenario);

/* The recording `path` ("-": standard input), opened and its header read
 * now.  `speed` paces it: 0 gives every event as fast as it is read (a
 * headless replay); s > 0 gives events as the recorded run made them, s
 * times faster (runtime time advances s ticks per recorded tick time).
 * Pause, resume, pause-at and step (paused) pace it too; cores, quantum
 * and tick are refused (PLAY_REFUSED).  A restart reads it again from its
 * start (not standard input).  0, or -1 with the message in err ("FILE:
 * what, where"). */
int play_source_recording(const char *path, double speed, play_source *out,
                          char *err, size_t errlen);

/* The program serving its trace on the console socket at `path`
 * (LANES_CONSOLE, lanes_console), connected and its handshake read now
 * (source_attach.c).  Its time starts at the attach; control goes to the
 * program; a restart is refused; stopping detaches (the program resumes
 * and goes on).  Its run ends when the program closes its runtime
 * (PLAY_STOPPED, outcome "exited", "program exited"); dropped counts what
 * the program could not send.  0, or -1 with the message in err ("PATH:
 * what") and the exit status in *status (2: not a lanes console, or
 * another version; 1: the system, a refusal).  While the handshake has
 * not come (5 s at most), `waiting` (NULL: none) is called about every
 * 100 ms, `first` 1 the first time (after 200 ms); a status it returns,
 * not 0, gives up with that status. */
typedef int (*play_attach_waiting)(const char *path, int first);
int play_source_attach(const char *path, play_attach_waiting waiting, play_source *out,
                       char *err, size_t errlen, int *status);

typedef struct play play;

/* A pump for the source `src` (which it owns from here, even when this
 * fails), with no fold yet.  NULL when memory runs out. */
play *play_new_source(const play_source *src);

/* play_new_source(play_source_live(prog, NULL)). */
play *play_new(const scn_program *prog);

/* A fold the pump feeds.  Every function may be NULL but feed. */
typedef struct play_fold {
    /* Folds n events (n > 0); names: the source's, valid during the call.
     * 0, or -1 after an error that ends the run, with its message from
     * error(). */
    int (*feed)(void *ctx, const lanes_event *ev, size_t n, const play_names *names);
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
    /* A run of the source started (nothing fed yet; ask p about it).
     * 0, or -1 with the message in err: the start fails (play_error says
     * it). */
    int (*start)(void *ctx, play *p, char *err, size_t errlen);
    /* That run ends, every event of it fed: before a restart (how
     * "restarted", status EXIT_DONE) or in play_finish (as play_end_as
     * said; "stopped", EXIT_DONE when it did not).  Errors: kept by the
     * fold for its finish. */
    void (*end)(void *ctx, play *p, const char *how, int status);
} play_fold;

/* Adds a fold, fed after the ones added before.  The pump owns it from
 * here: play_finish (or play_free) calls its finish once.  0, or -1 when
 * PLAY_FOLDS_MAX are already there. */
int play_add(play *p, const play_fold *f);

/* Is any fold one that needs every event? */
int play_lossless(const play *p);

/* Starts a run of the source with `set` (the pump adds what losslessness
 * needs), paused when `paused`.  0, or -1 with the message in err. */
int play_start(play *p, const scn_settings *set, int paused, char *err, size_t errlen);

/* Every run started from now on pauses itself when its runtime time
 * reaches t_rt (set before any routine runs when the start is lossless or
 * paused); 0: never (the default).  --for. */
void play_pause_at_start(play *p, uint64_t t_rt);

/* Reads at most about `max` events (in chunks of PLAY_CHUNK, until the
 * source has no more now or max is reached) and feeds them to every fold.
 * Returns how many were read; nothing is read once a fold or the source
 * failed. */
size_t play_pump(play *p, size_t max);

/* The first error's message (a fold's, or the source's), NULL while none. */
const char *play_error(const play *p);

/* Whose error play_error gives. */
enum { PLAY_FROM_NONE, PLAY_FROM_FOLD, PLAY_FROM_SOURCE };
int play_error_from(const play *p);

/* Drains what the source still holds into the folds and stops the run
 * (nothing to do without one). */
void play_stop(play *p);

/* The screen's restart: stops the run, tells every fold that a new run
 * begins, starts it again with `set`.  0, or -1 with the message in err
 * (a fold error, or the start failing). */
int play_restart(play *p, const scn_settings *set, int paused, char *err, size_t errlen);

/* How the run ended, for the folds' end hooks in play_finish: how
 * ("done", "deadlock", "fault", "stopped") and the exit status (options.h).
 * `how` must live until play_finish. */
void play_end_as(play *p, const char *how, int status);

/* Passes a note to every fold that takes notes. */
void play_note(play *p, const char *key, const char *value);

/* The end: drains what the source still holds and finishes every fold
 * with the count of dropped events; the run stays (its end message, its
 * reports) until play_stop or play_free.  0, or -1 with the first
 * message in err (may be NULL). */
int play_finish(play *p, char *err, size_t errlen);

/* Finishes the folds if play_finish was not called (errors ignored),
 * stops the run, frees the source and the pump.  NULL is fine. */
void play_free(play *p);

/* ---- the source and control back to it --------------------------------
 * All need a run (play_start succeeded). */
const play_names *play_names_of(play *p);  /* the source's names         */
void      play_routine_name(play *p, uint32_t id, char *buf, size_t n);  /* "" unnamed */
void      play_chan_name(play *p, uint32_t id, char *buf, size_t n);
void      play_about_run(play *p, play_about *a);
char     *play_take_message(play *p);  /* malloc'd, NULL: none now      */
int       play_wait(play *p, uint64_t ns);   /* PLAY_*                  */
void      play_outcome_of(play *p, play_outcome *o);
int       play_routine_line(play *p, uint32_t id);   /* 0: unknown       */
const char *play_routine_program(play *p, uint32_t id, int *first_line); /* NULL: unknown */
scn_run  *play_run(play *p);          /* live only (NULL otherwise)      */
lanes_rt *play_rt(play *p);           /* live only (NULL otherwise)      */
/* Control: 0, or PLAY_REFUSED when the source cannot (a recording's
 * cores, quantum, tick); step: -EINVAL when not paused. */
int       play_pause(play *p);
int       play_pause_at(play *p, uint64_t t_rt);
int       play_resume(play *p);
int       play_step(play *p, int ticks);
int       play_set_cores(play *p, int n);     /* also -1 as lanes_set_cores */
int       play_set_quantum(play *p, int q);
int       play_set_tick(play *p, uint64_t ns);
/* A paced recording's speed (> 0; from now on): 0, or PLAY_REFUSED (a
 * live run's pace is its tick; an unpaced recording has none). */
int       play_set_speed(play *p, double speed);
int       play_paused(play *p);
int       play_cores(play *p);
int       play_quantum(play *p);
uint64_t  play_tick(play *p);
uint64_t  play_now(play *p);          /* runtime milli-ticks               */
uint64_t  play_dropped(play *p);      /* events lost so far                */

#endif
