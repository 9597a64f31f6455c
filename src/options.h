/*
 * options.h - the command line, parsed once by main.c and read by the layer
 * that runs the scenario (src/ui for the screen, src/report for headless).
 * Fields left at their "unset" value mean: take the scenario's own setting.
 */
#ifndef LANES_OPTIONS_H
#define LANES_OPTIONS_H

#include <stdint.h>

/* exit statuses, DESIGN section 7 */
enum {
    EXIT_DONE = 0,       /* the scenario ran to its end                 */
    EXIT_SYSTEM = 1,     /* a system error (memory, threads, files)     */
    EXIT_USAGE = 2,      /* bad usage or a bad scenario file            */
    EXIT_DEADLOCK = 3,   /* every remaining routine is blocked forever  */
    EXIT_FAULT = 4       /* a scenario fault (send on a closed channel) */
};

/* --speed max: the screen's fastest speed ("max"); headless, the same as
 * no --speed (its own fast tick). */
#define LANES_SPEED_MAX 1e9

/* --sweep: at most this many core counts (one per core, 1..64). */
#define LANES_SWEEP_MAX 64

/* --compare: 2 to this many core counts. */
#define LANES_COMPARE_MAX 4

typedef struct lanes_opts {
    const char *scenario;   /* file path or built-in name; NULL = default */
    int      cores;         /* -c; 0 = unset                              */
    int      quantum;       /* -q; -1 = unset                             */
    double   speed;         /* -s; 0 = unset (1.0); LANES_SPEED_MAX = "max" */
    uint64_t tick_ns;       /* --tick; 0 = unset                          */
    int      headless;      /* --headless                                 */
    int      json;          /* --json (implies headless)                  */
    const char *trace;      /* --trace FILE, "-" = stdout; NULL = none    */
    int      seed_set;      /* --seed given                               */
    uint64_t seed;
    int      paused;        /* --paused                                   */
    int      no_mouse;      /* --no-mouse                                 */
    int      no_color;      /* --no-color                                 */
    int      ascii;         /* --ascii                                    */
    long     frames;        /* --frames N: quit after N frames; 0 = never */
    long     for_ticks;     /* --for TICKS: stop the run after this much
                               runtime time, a normal end; 0 = unset      */
    const char *record;     /* --record FILE: keep the run; NULL = none   */
    const char *replay;     /* --replay FILE ("-" = stdin): show a recorded
                               run instead of running one; NULL = none    */
    const char *attach;     /* lanes attach PATH: show the program serving
                               its trace there; NULL = none               */
    int      sweep_n;       /* --sweep: core counts to run; 0 = no sweep  */
    int      sweep[LANES_SWEEP_MAX];  /* those counts, rising             */
    int      compare_n;     /* --compare: runs to play together; 0 = none */
    int      compare[LANES_COMPARE_MAX];  /* their core counts, in order  */
} lanes_opts;

#endif
