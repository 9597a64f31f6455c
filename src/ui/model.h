/*
 * model.h - what the screen shows, folded from trace events.  Pure C: no
 * curses, no runtime calls (names come through a callback), so it can be
 * fed synthetic events in tests.  One thread (the UI thread) owns a model.
 *
 * Time: runtime time in milli-ticks (lanes_event.t_rt).  Timeline column k
 * is tick k, the runtime time [k*1000, (k+1)*1000); a step of one tick
 * therefore advances every timeline by exactly one column.
 */
#ifndef LANES_UI_MODEL_H
#define LANES_UI_MODEL_H

#include <stddef.h>
#include <stdint.h>
#include "lanes.h"
#include "fold/state.h"

#define UI_TL_LEN     512          /* timeline ring: ticks remembered per lane */
#define UI_BUF_SHOW   64           /* buffered item numbers kept per channel   */
#define UI_LOG_LEN    64           /* scheduler decisions remembered           */
#define UI_LOG_TEXT   120
#define UI_STEP_TEXT  160          /* "what this lane did in the last step"    */
#define UI_NAME       LANES_NAME_MAX
#define UI_BASES      64           /* base names kept unique in labels     */
#define UI_NOTE_TEXT  320          /* a scenario's note (narration)          */

/* timeline cell flags */
enum {
    UI_CELL_RUN     = 0x1,         /* routine ran in this tick               */
    UI_CELL_PARKED  = 0x2,         /* lane was switched off                  */
    UI_CELL_PREEMPT = 0x4,         /* a slice ended here by preemption       */
    UI_CELL_STEAL   = 0x8,         /* a stolen routine started here          */
    UI_CELL_SEEN    = 0x10,        /* the tick has passed (else: no data)    */
    UI_CELL_ALT     = 0x20,        /* its routine's slice is an odd one of the
                                      lane's: neighbouring slices differ,
                                      even without colour                   */
    UI_CELL_NOCPU   = 0x40         /* idle with work queued for it (nocpu)   */
};

typedef struct ui_cell {
    uint64_t tick;                 /* which tick this slot holds now         */
    uint32_t routine;              /* who held the lane most of it, 0 = idle */
    uint16_t amount;               /* milli-ticks that routine held it       */
    uint16_t ran;                  /* milli-ticks the lane's thread had a CPU
                                      in it, by the CPU events covering it   */
    uint16_t wait;                 /* milli-ticks it waited for a CPU        */
    uint8_t  flags;                /* UI_CELL_*                              */
    uint16_t nocpu;                /* milli-ticks the lane, on and holding no
                                      routine, had one queued that it would
                                      take at once (the global queue, its
                                      own) and took none: its thread had no
                                      CPU (ui_model_cell_nocpu)              */
} ui_cell;

typedef struct ui_lane {
    uint32_t cur;                  /* routine running now, 0 = none          */
    uint64_t run_since;            /* t_rt when cur started its slice        */
    int      cpu;                  /* OS CPU seen in the last RUN, -1 = none */
    int      parked;               /* switched off                           */
    int      used;                 /* ever ran or was ever switched on       */
    uint64_t filled;               /* timeline complete up to this t_rt      */
    uint64_t busy_mt;              /* milli-ticks holding routines (occupancy) */
    uint64_t cpu_upto;             /* t_rt of its latest CPU event           */
    int      cpu_starved;          /* that event said: waited more than ran  */
    uint64_t idle_since;           /* t_rt when cur last became 0            */
    uint32_t slices;               /* RUNs seen (parity: UI_CELL_ALT)        */
    ui_cell  tl[UI_TL_LEN];        /* ring indexed by tick % UI_TL_LEN       */
    char     step[UI_STEP_TEXT];   /* what it did since the last STEP        */
} ui_lane;

/* where a routine is */
enum {
    UI_AT_NEW = 0,                 /* known but not placed yet               */
    UI_AT_LANE,                    /* running on `lane`                      */
    UI_AT_LOCAL,                   /* in the local queue of `lane`           */
    UI_AT_RUNNEXT,                 /* in the run-next slot of `lane`         */
    UI_AT_GLOBAL,                  /* in the global queue                    */
    UI_AT_SEND,                    /* waiting to send on `chan`              */
    UI_AT_RECV,                    /* waiting to receive on `chan`           */
    UI_AT_SELECT,                  /* waiting in a select (`chan`: first)    */
    UI_AT_SLEEP,                   /* asleep until `wake_at`                 */
    UI_AT_DONE                     /* returned                               */
};

typedef struct ui_routine {
    uint32_t id;                   /* 0: slot unused                         */
    char     name[UI_NAME];
    char     letter;               /* one character for narrow cells         */
    char     abbr[12];             /* short label, unique among routines:
                                      first letters + instance ("c1", "ca") */
    int      colour;               /* index into the routine palette         */
    int      at;                   /* UI_AT_*                                */
    int      lane;                 /* for LANE, LOCAL, RUNNEXT               */
    uint32_t chan;                 /* for SEND, RECV, SELECT                 */
    uint64_t wake_at;              /* for SLEEP: t_rt                        */
    uint64_t queued_seq;           /* order within a queue                   */
    uint64_t since;                /* t_rt when it got where it is           */
    uint64_t moved_wall;           /* wall ms of its last move (highlight)   */
    int      has_item;
    int32_t  item;                 /* item held, when has_item               */
    uint64_t lane_mt;              /* milli-ticks holding a lane             */
    uint64_t wait_mt;              /* milli-ticks blocked on channels        */
    uint64_t lanes_mask;           /* lanes it ran on (bit i = lane i)       */
    int      loop_yield;           /* its next YIELD stop is the interpreter's
                                      (a NOTE SCN_MARK_LOOP_YIELD came first) */
} ui_routine;

typedef struct ui_chan {
    uint32_t id;                   /* 0: slot unused                         */
    char     name[UI_NAME];
    int      cap;                  /* 0 = unbuffered                         */
    int      closed;
    int      nbuf;                 /* items in buf (oldest first)            */
    int32_t  buf[UI_BUF_SHOW];
    uint64_t sent, received;
} ui_chan;

/* Fills buf with the name of routine (kind 0) or channel (kind 1) `id`, or
 * the text of the scenario's note number `id` (kind 2). */
typedef void (*ui_namer)(void *ctx, int kind, uint32_t id, char *buf, size_t n);

typedef struct ui_model {
    int      cores;                /* lanes switched on                      */
    int      quantum;
    int      paused;
    uint64_t now;                  /* runtime time, milli-ticks              */
    uint64_t wall;                 /* wall ms given to the last advance      */
    uint64_t seq;                  /* counter for queue order                */
    int      nlanes;               /* lanes worth showing (max used + 1)     */
    ui_lane  lanes[LANES_MAX_CORES];

    ui_routine *routines;          /* indexed by id, nroutines slots         */
    uint32_t nroutines;            /* slots allocated                        */
    uint32_t maxid;                /* highest id seen                        */
    uint32_t made;                 /* routines known (their colour order)    */
    uint8_t  letters[128];         /* letters given out                      */
    struct ui_base {               /* base names seen ("cook" of "cook#2")   */
        char    name[UI_NAME];
        uint8_t plen;              /* letters its labels take                */
    } bases[UI_BASES];
    int      nbases;
    uint32_t runnext[LANES_MAX_CORES]; /* last routine put in each run-next */
    ui_chan  *chans;               /* indexed by id                          */
    uint32_t nchans;
    uint32_t maxchan;

    /* the run state (fold/state.h), the same fold the summary and the
     * trace build on: switches, preemptions, items and their latency,
     * every routine's CPU ticks, slices, waits and preemptions, and the
     * CPU truth (st.cpu: per lane CPU / wait, load) */
    fold_state st;

    /* the screen's own counters */
    uint64_t events;               /* steals: st.steals (the run state's rule) */
    uint64_t steps;                /* STEPs since the latest PAUSE           */
    int      deadlock;             /* blocked routines at a DEADLOCK event   */

    /* scheduler decisions in words, newest at (log_head - 1) % UI_LOG_LEN */
    char     log[UI_LOG_LEN][UI_LOG_TEXT];
    unsigned log_head, log_count;
    int      step_valid;           /* lanes[].step describe the last step    */
    /* the step in progress: the runtime moves its clock to step_t1 first,
     * so what a lane takes in the step ran in [step_t0, step_t1) */
    int      stepping;
    uint64_t step_t0, step_t1;

    /* the scenario's narration: the latest note a routine reached */
    char     lesson[UI_NOTE_TEXT]; /* "" before the first                    */
    int      lesson_pause;         /* it was a `note ... pause`              */
    uint32_t lesson_routine;       /* who reached it                         */
    uint64_t lesson_wall;          /* wall ms it came, moved on while paused */
    uint64_t lessons;              /* notes reached                          */

    ui_namer namer;
    void    *namer_ctx;
} ui_model;

/* Sets up an empty model with `cores` lanes on; namer may be NULL. */
void ui_model_init(ui_model *m, int cores, int quantum, ui_namer namer, void *ctx);
void ui_model_free(ui_model *m);
/* Forgets everything (restart), keeping the namer. */
void ui_model_reset(ui_model *m, int cores, int quantum);

/* Folds n events, oldest first.  wall_ms: the caller's clock, for the
 * "moved a moment ago" highlight. */
void ui_model_fold(ui_model *m, const lanes_event *ev, size_t n, uint64_t wall_ms);

/* Runtime time is now `now` (lanes_now): extends every timeline to it. */
void ui_model_advance(ui_model *m, uint64_t now, uint64_t wall_ms);

/* ---- reading ------------------------------------------------------------ */

ui_routine *ui_model_routine(ui_model *m, uint32_t id);   /* NULL: unknown */
ui_chan    *ui_model_chan(ui_model *m, uint32_t id);

/* The newest tick with any time in it (the rightmost timeline column);
 * -1 before any time passed. */
int64_t ui_model_last_tick(const ui_model *m);

/* The cell of `lane` for tick `tick`; NULL when forgotten or in the future. */
const ui_cell *ui_model_cell(const ui_model *m, int lane, uint64_t tick);

/* The tick length in force now (routines' CPU ticks); TICK events keep it
 * up to date after this. */
void ui_model_set_tick(ui_model *m, uint64_t tick_ns);

/* Busy share (occupancy) of a lane over the last `ticks` ticks, 0..100. */
int ui_model_busy(const ui_model *m, int lane, int ticks);

/* Share of a CPU the lane's thread had over the last `ticks` complete,
 * measured ticks (up to its latest CPU event while its slice is being
 * measured, else up to the tick before the current one), 0..100. */
int ui_model_ran(const ui_model *m, int lane, int ticks);

/* Cell c of `lane` is a tick of waiting for a CPU: its routine held the
 * lane, the thread had a CPU for less than half of that time (fold/cpu.h).
 * The newest ticks of a slice whose work is being measured wait for their
 * CPU event (a thread without a CPU cannot report): until it comes they
 * take the state the lane's latest CPU event gave, not "running". */
int ui_model_cell_waiting(const ui_model *m, int lane, const ui_cell *c);

/* Cell c of `lane` is an idle tick of waiting for a CPU: the lane held no
 * routine, yet for more than half the tick a routine sat in the global
 * queue or the lane's own, which a lane whose thread runs takes within
 * microseconds (the scheduler's rule), so its thread had no CPU.  Seen
 * when a busy machine leaves a lane's thread unscheduled as the run
 * starts or after an idle sleep; the CPU events do not cover it (they
 * sample lanes_work only), so the queues are the evidence. */
int ui_model_cell_nocpu(const ui_cell *c);

/* Parallelism: the lanes' CPU time / wall time not paused (fold/cpu.h). */
double ui_model_parallelism(const ui_model *m);
/* The run is long enough for that figure to mean something; the screen
 * shows a dash till then (FOLD_PAR_MIN_MT, FOLD_PAR_MIN_WALL_NS). */
int ui_model_parallelism_known(const ui_model *m);

/* Lane occupancy: routine-ticks held per tick of runtime time. */
double ui_model_occupancy(const ui_model *m);

/* Average item latency in ticks, over the items with a send and a
 * receive (the run state's); 0 when none. */
double ui_model_latency(const ui_model *m);

/* Routine id's counts from the run state: CPU ticks (cpu_mt), slices
 * (switches), waits, preemptions.  Never NULL (all 0 when it has none). */
const fold_routine *ui_model_counts(const ui_model *m, uint32_t id);

/* Milli-ticks r held a lane, the slice it is in now included. */
uint64_t ui_model_lane_mt(const ui_model *m, const ui_routine *r);

/* Milli-ticks r spent blocked on channels, the wait it is in now included. */
uint64_t ui_model_wait_mt(const ui_model *m, const ui_routine *r);

/* The routine Tab (dir > 0) or Shift-Tab (dir < 0) selects after `from`
 * (0: none yet): running ones first, then runnable, then waiting or
 * asleep, then finished, by id within each (the states as they are now),
 * round and round.  0 when there are none. */
uint32_t ui_model_next(const ui_model *m, uint32_t from, int dir);

/* Routines at `at` (and on `lane` / `chan` where that matters; -1 / 0 =
 * any), in queue order; fills ids, returns how many there are. */
size_t ui_model_list(const ui_model *m, int at, int lane, uint32_t chan,
                     uint32_t *ids, size_t max);

/* Ticks a sleeper has left (rounded up). */
int ui_model_sleep_left(const ui_model *m, const ui_routine *r);

/* The i-th newest logged decision (0 = newest), NULL past the end. */
const char *ui_model_log(const ui_model *m, unsigned i);

/* Words for a place ("core 1's queue", "waiting to send on orders"). */
void ui_model_place(const ui_model *m, const ui_routine *r, char *buf, size_t n);

#endif
