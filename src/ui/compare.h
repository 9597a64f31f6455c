/*
 * compare.h - `lanes --compare 1,4` and the screen's c key: the same
 * scenario run at 2 to 4 core counts, one run after another, then played
 * back together on one axis of runtime ticks.
 *
 * compare.c (pure C, no curses) makes the runs - each through its own
 * pump (src/play) with a fold that keeps every event and the names in
 * memory, each runtime closed before the next opens - and plays them
 * back: one screen model (model.h) per run, folded up to the shared tick;
 * going back folds again from the start.  It also words the figures.
 * draw_compare.c draws it (curses); compare_ui.c is its loop and keys.
 *
 * Figures: ticks to finish are runtime ticks, which are wall time in
 * ticks, so a speedup (the first run's ticks / this run's) cannot pass
 * the CPUs but by noise or by waits (sleep, channels) overlapping; a run
 * with more cores than CPUs says where the CPUs ran out.  Parallelism is
 * the screen's (CPU time / wall time, fold/cpu.h) over the whole run.
 */
#ifndef LANES_UI_COMPARE_H
#define LANES_UI_COMPARE_H

#include <stddef.h>
#include <stdint.h>
#include "lanes.h"
#include "options.h"
#include "scn/scn.h"
#include "ui/model.h"
#include "ui/draw.h"

#define UI_CMP_MAX LANES_COMPARE_MAX

/* How a run ended (the scenario's end, SCN_*), or stopped at --for. */
typedef struct ui_cmp_run {
    int      cores;            /* lanes of this run                          */
    lanes_event *ev;           /* every event, in order (malloc'd)           */
    size_t   nev, cap;
    char   (*rname)[UI_NAME];  /* routine names by id, nrname slots          */
    uint32_t nrname;
    char   (*cname)[UI_NAME];  /* channel names by id                        */
    uint32_t ncname;
    uint64_t end_mt;           /* runtime time at its end, milli-ticks       */
    int      ended;            /* SCN_DONE, SCN_DEADLOCK, SCN_FAULT, SCN_ERROR */
    int      limited;          /* stopped by --for, not at its end           */
    uint64_t dropped;          /* events lost (never, with a lossless pump)  */
    /* the whole run folded once (ui_cmp_close_run): */
    double   parallelism;      /* lanes' CPU time / wall time                */
    int      par_known;        /* long enough for the figure (fold/cpu.h)    */
    int      busy;             /* others used half a CPU or more of ours     */
    int      cpus;             /* CPUs its LOAD events said (0: none)        */
    uint32_t load;             /* others' average load, thousandths of a CPU,
                                  LANES_LOAD_UNKNOWN when never measured     */
    double   wait_share;       /* of the lanes' sampled time (CPU + waiting
                                  for one), the part spent waiting: 0..1    */
    /* playback: */
    ui_model model;            /* folded up to `at_mt`                       */
    size_t   pos;              /* events folded into it                      */
    uint64_t at_mt;
    const scn_program *prog;   /* for the text of notes                      */
} ui_cmp_run;

typedef struct ui_cmp {
    int      nruns;
    ui_cmp_run runs[UI_CMP_MAX];
    int      cpus;             /* CPUs this process may use                  */
    uint64_t tick_ns;          /* the tick the runs ran with                 */
    uint64_t end_tick;         /* the longest run's ticks (ui_cmp_ticks)     */
    uint64_t tick;             /* the shared tick shown now                  */
} ui_cmp;

/* What the runs are made with: the core counts in order (the first is
 * the one speedups are against), the scenario's settings as the command
 * line gave them (0 / -1: the scenario's), --for. */
typedef struct ui_cmp_plan {
    int      n;
    int      cores[UI_CMP_MAX];
    int      quantum;          /* -1: the scenario's                         */
    uint64_t tick_ns;          /* --tick, 0: unset                           */
    double   speed;            /* --speed, 0: unset                          */
    int      seed_set;
    uint64_t seed;
    long     for_ticks;        /* 0: to the end                              */
} ui_cmp_plan;

/* Told about the run being made between pumps (i of n, its runtime time
 * so far); returns nonzero to abort (the runs made so far are dropped). */
typedef int (*ui_cmp_progress)(void *ctx, int i, int n, uint64_t now_mt);

/* An empty comparison (calloc'd; NULL when out of memory). */
ui_cmp *ui_cmp_new(void);
void ui_cmp_free(ui_cmp *c);

/* A plan from the command line and these core counts. */
void ui_cmp_plan_from(ui_cmp_plan *pl, const lanes_opts *o, const int *cores, int n);

/* The tick the runs are made with: 1 ms (as --sweep's rows: long enough
 * that start-up and the OS's time slices weigh little, short enough that
 * the default scenario takes two seconds a run), or --tick / the
 * scenario's tick divided by --speed when either was given. */
uint64_t ui_cmp_tick(const ui_cmp_plan *pl, const scn_program *prog);

/* Makes every run of the plan, one after another, each alone.  0; 1 when
 * progress asked to stop; -1 with the message in err when a run could
 * not start or lost events. */
int ui_cmp_make(ui_cmp *c, const scn_program *prog, const ui_cmp_plan *pl,
                ui_cmp_progress progress, void *ctx, char *err, size_t errlen);

/* ---- building a run by hand (ui_cmp_make uses these; so do tests) ------- */

/* A new run of `cores` lanes; NULL when UI_CMP_MAX are there. */
ui_cmp_run *ui_cmp_add_run(ui_cmp *c, int cores, const scn_program *prog);
/* Appends events (aborts the process, terminal restored, when out of memory). */
void ui_cmp_add_events(ui_cmp_run *r, const lanes_event *ev, size_t n);
/* Names routine (REC-like kind 0) or channel (kind 1) id. */
void ui_cmp_set_name(ui_cmp_run *r, int kind, uint32_t id, const char *name);
/* The run is whole: how it ended, at what runtime time; folds it once for
 * its figures and rewinds it to tick 0. */
void ui_cmp_close_run(ui_cmp *c, ui_cmp_run *r, int ended, int limited, uint64_t end_mt);

/* ---- playback ------------------------------------------------------------ */

/* Every run's model folded up to `tick` (clamped to end_tick); a run
 * whose ticks (rounded, as its status line says them) are reached is
 * folded to its very end. */
void ui_cmp_seek(ui_cmp *c, uint64_t tick);

/* The run has reached its end at the shared tick shown. */
int ui_cmp_run_over(const ui_cmp *c, const ui_cmp_run *r);

/* ---- words ----------------------------------------------------------------- */

/* Whole ticks a run took ("164"), rounded. */
uint64_t ui_cmp_ticks(const ui_cmp_run *r);

/* Speedup of run i against the first; 0 when it cannot be said. */
double ui_cmp_speedup(const ui_cmp *c, int i);

/* Run i's status line: "4 cores: 58 ticks · parallelism 1.93 · speedup
 * 2.8× ⚠ 4 cores on 2 CPUs ⚠ machine busy", with where it ended if not
 * done.  Narrower, the same parts shorten in the same order for every
 * run (the screen gives all runs one level, ui_cmp_status_level):
 *   1  "4 cores: 58 ticks · par 1.93 · speedup 2.8× ⚠ 4 on 2 CPUs ⚠ busy"
 *   2  "4c: 58t · par 1.93 · ×2.8 ⚠ 4 on 2 CPUs ⚠ busy"
 *   3  "4c: 58t · par 1.93 · ×2.8 ⚠>CPUs ⚠busy"
 * The warnings are never dropped.  utf8: · × ⚠ —, else . x ! -. */
#define UI_CMP_LEVELS 4
void ui_cmp_status(const ui_cmp *c, int i, int utf8, int narrow, char *buf, size_t n);

/* The widest level whose status line fits `room` columns for every run
 * (each line's width plus extra[i]); the narrowest when none does. */
int ui_cmp_status_level(const ui_cmp *c, int utf8, int room, const int *extra);

/* Run i was slowed by the machine: its speedup is below 1 beyond noise
 * or its parallelism far below min(cores, CPUs), while its lanes spent a
 * good part of their time waiting for a CPU (the CPU events' wait). */
int ui_cmp_starved(const ui_cmp *c, int i);

/* The line over them all: "1 core: 164 ticks · 4 cores: 58 ticks ·
 * speedup 2.8× · 2 CPUs" (more runs: each speedup after its ticks);
 * narrow: "ticks on 1/2/4 cores: 164/90/58 · 2 CPUs". */
void ui_cmp_summary(const ui_cmp *c, int utf8, int narrow, char *buf, size_t n);

/* What the figures mean and where they cannot be trusted (more cores
 * than CPUs, a busy machine, --for), a line each; returns how many. */
#define UI_CMP_NOTE 384
int ui_cmp_notes(const ui_cmp *c, int utf8, char (*lines)[UI_CMP_NOTE], int max);

/* The first slowed run's note in one short line, for a screen too small
 * for the notes ("⚠ 4c: 0.42 CPU of 2, others used 1.6: rerun when
 * quieter"); 0 when no run was slowed (ui_cmp_starved). */
int ui_cmp_short_note(const ui_cmp *c, int utf8, char *buf, size_t n);

/* ---- the screen ------------------------------------------------------------
 * compare_ui.c runs it (keys, playback, the runs' progress); draw_compare.c
 * draws it from this view only. */

enum {                         /* the comparison's actions (its key table) */
    UI_CMP_PLAY = 1, UI_CMP_STEP, UI_CMP_STEP_BACK, UI_CMP_PAGE_FWD, UI_CMP_PAGE_BACK,
    UI_CMP_HOME, UI_CMP_END, UI_CMP_FASTER, UI_CMP_SLOWER, UI_CMP_HELP, UI_CMP_QUIT
};

/* Its one key table: dispatch, hint line and help come from it. */
extern const ui_key ui_cmp_keys[];

typedef struct ui_cmp_view {
    ui_cmp     *c;             /* NULL while the first run is being made     */
    const char *title;
    const char *speed;         /* "4x", "max"                                */
    int         playing;
    int         utf8;
    int         help;          /* the key list is open                       */
    int         back;          /* q goes back to the live screen (c key)     */
    /* while the runs are made: run i of n, of `cores`, at runtime now_mt */
    int         making, make_i, make_n, make_cores;
    uint64_t    make_mt;
    char        message[256];  /* over the hint line                         */
    int         cpus;
} ui_cmp_view;

/* One frame of the comparison (or, while making, of its progress) on
 * stdscr; no refresh. */
void ui_cmp_draw(ui_cmp_view *cv);

/* `lanes --compare`: makes the runs and plays them on the screen until q;
 * the terminal restored on every way out.  The exit status: 0, 1 when a
 * run could not be made (said after the screen), 128+N for signal N. */
int ui_compare_main(const lanes_opts *o, scn_program *prog);

/* The live screen's c key (curses running, signals on sigfd): the
 * comparison of `cores` (n of them), then back.  0, or 128+N when signal
 * N asked to end the program; speed: the live screen's factor (0: max);
 * paused: playback starts paused (the live run was).  A run that could
 * not be made is said in msg ("" when all went well). */
int ui_compare_screen(const lanes_opts *o, const scn_program *prog, const int *cores, int n,
                      int sigfd, double speed, int paused, char *msg, size_t msglen);

#endif
