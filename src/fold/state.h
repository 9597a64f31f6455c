/*
 * state.h - the run state: the one fold of the trace event stream that the
 * screen model, the summary and the trace writer build on (DESIGN §8).
 * Lanes and their occupancy, routines and channels by id, items on their
 * way and their latency, the totals, and the CPU truth (fold/cpu.h).
 * Feed events (any number of batches, in lanes_trace_read order), finish,
 * read.  Pure: no runtime calls, no I/O.
 *
 * Limits, the runtime's own (lanes.h): ids below LANES_ID_REUSE_MIN name
 * one routine (or channel) for the whole run, so those get a record of
 * their own (tables grow to the highest id seen); ids from there up to
 * LANES_ID_MAX are reused by the runtime, so they count in the totals
 * only.  Item numbers are any int32; an item's record lives from its
 * first SEND to its DONE.
 *
 * Times: "mt" fields are runtime milli-ticks (lanes_event.t_rt), so lane
 * occupancy counts ticks a routine held a lane, not CPU; CPU time comes
 * from the CPU events, in ns or converted to ticks of the tick in force;
 * other ns fields are wall time.
 */
#ifndef LANES_FOLD_STATE_H
#define LANES_FOLD_STATE_H

#include <stddef.h>
#include <stdint.h>
#include "lanes.h"
#include "fold/cpu.h"

/* Ids with a record of their own: below this (one routine a whole run). */
#define FOLD_ID_LIMIT LANES_ID_REUSE_MIN

/* Where a routine is (fold_routine.place), as SPAWN, RUN, STOP, WAKE,
 * MOVE, STEAL and PARK describe it (lanes.h); the screen's UI_AT_* follow
 * the same order. */
enum {
    FOLD_AT_NEW = 0,       /* known, not placed yet                         */
    FOLD_AT_LANE,          /* running on place_lane                         */
    FOLD_AT_LOCAL,         /* in place_lane's local queue                   */
    FOLD_AT_RUNNEXT,       /* in place_lane's run-next slot                 */
    FOLD_AT_GLOBAL,        /* in the global queue                           */
    FOLD_AT_SEND,          /* blocked sending on place_chan                 */
    FOLD_AT_RECV,          /* blocked receiving on place_chan               */
    FOLD_AT_SELECT,        /* blocked in a select (place_chan: the first)   */
    FOLD_AT_SLEEP,         /* asleep                                        */
    FOLD_AT_DONE           /* returned                                      */
};

/* The global queue's index in fold_state.queued. */
#define FOLD_GLOBAL_Q LANES_MAX_CORES

typedef struct fold_routine {
    uint32_t id;           /* 0: no routine with this id was seen           */
    uint64_t cpu_mt;       /* CPU time: CPU events' obj in milli-ticks of
                              the tick in force (unsampled time: none)     */
    uint64_t cpu_ns;       /* the same in ns                                */
    uint64_t lane_mt;      /* time holding a lane, RUN to STOP              */
    uint32_t switches;     /* slices: times it was put on a lane (RUN)      */
    uint32_t waits;        /* blocked on a channel (STOP send/recv/select)  */
    uint32_t sleeps;       /* STOP sleep                                    */
    uint32_t yields;       /* STOP yield of a `yield` step                  */
    uint32_t loop_yields;  /* STOP yield the interpreter made at a loop's end
                              (announced by a NOTE SCN_MARK_LOOP_YIELD)     */
    int      loop_mark;    /* fold state: that NOTE came, its STOP not yet  */
    uint32_t preemptions;  /* STOP preempt                                  */
    uint32_t steals;       /* times it was stolen (the one rule: a STEAL
                              event, or a RUN from a steal that no STEAL
                              event brought to that lane: one went missing) */
    int      steal_to;     /* fold state: lane + 1 its last STEAL event
                              moved it to since its last RUN, 0: none      */
    uint32_t sent;         /* SEND events of this routine                   */
    uint32_t received;     /* RECV events of this routine                   */
    uint64_t lanes;        /* bit i: it ran on lane i                       */
    int      exited;       /* STOP exit seen                                */
    int      place;        /* FOLD_AT_*: where it is now                    */
    int      place_lane;   /* its lane (LANE, LOCAL, RUNNEXT), else -1      */
    uint32_t place_chan;   /* its channel (SEND, RECV, SELECT), else 0      */
} fold_routine;

typedef struct fold_chan {
    uint32_t id;           /* 0: no channel with this id was seen           */
    int32_t  cap;          /* from CHAN; -1 when never announced            */
    uint64_t sends;        /* messages: SEND events                         */
    uint64_t recvs;        /* RECV events                                   */
    int64_t  balance;      /* sends - recvs so far (fold state)             */
    uint64_t peak;         /* highest occupancy: balance clamped to 0..cap  */
    int      closed;
} fold_chan;

/* One entry of the item table (open addressing on the item number). */
typedef struct fold_item_slot {
    int32_t  item;
    uint8_t  used;         /* slot holds an item                            */
    uint8_t  sent;         /* a SEND was seen since the last DONE           */
    uint8_t  recvd;        /* a RECV was seen since the last DONE           */
    uint64_t first_send_mt;
    uint64_t last_recv_mt;
} fold_item_slot;

typedef struct fold_state {
    /* time */
    uint64_t events;             /* events folded                           */
    uint64_t first_ns, last_ns;  /* wall time of the first and last event   */
    uint64_t last_mt;            /* runtime time of the last event          */
    uint64_t end_mt;             /* elapsed runtime time (fold_state_finish) */
    uint64_t wall_ns;            /* wall time of the run, when known        */
    uint64_t dropped;            /* events the rings dropped                */
    int      finished;

    /* lanes */
    int      nlanes;             /* highest lane index seen + 1             */
    int      max_cores;          /* highest core count seen (CORES)         */
    uint64_t lane_busy_mt[LANES_MAX_CORES];  /* occupancy: a routine on it */
    fold_cpu  cpu;                /* CPU truth: per-lane CPU and wait, load  */
    uint32_t lane_routine[LANES_MAX_CORES];  /* running now, 0: none (fold) */
    /* run queues: routines placed in lane i's queues (local and run-next),
     * [FOLD_GLOBAL_Q] in the global queue; routines with a record only */
    uint32_t queued[LANES_MAX_CORES + 1];
    uint64_t lane_since_mt[LANES_MAX_CORES]; /* its RUN time (fold)         */

    /* routines and channels, indexed by id (entry 0 unused) */
    fold_routine *routines;
    size_t   routines_len;       /* entries allocated                       */
    fold_chan *chans;
    size_t   chans_len;

    /* items */
    fold_item_slot *items_tab;
    size_t   items_cap;          /* power of two                            */
    size_t   items_used;
    uint64_t items;              /* DONE events                             */
    uint64_t items_timed;        /* of those, with a SEND and a RECV        */
    uint64_t lat_min_mt, lat_max_mt, lat_sum_mt;

    /* totals */
    uint64_t spawns, exits, switches, preemptions, waits;
    uint64_t steals;             /* by the rule of fold_routine.steals     */
    uint64_t sends, recvs, closes, deadlocks, pauses, steps, parks;
    uint64_t anomalies;          /* RUN on a busy lane, STOP of a routine
                                    not running there: repaired, counted   */
    uint64_t by_kind[LANES_EV_KINDS];
} fold_state;

void fold_state_init(fold_state *s);
void fold_state_free(fold_state *s);

/* The tick at the start of the run, for routines' CPU ticks (TICK events
 * follow changes).  Call before feeding. */
void fold_state_set_tick(fold_state *s, uint64_t tick_ns);

/* Folds n events.  Never fails (out of memory ends the process). */
void fold_state_feed(fold_state *s, const lanes_event *ev, size_t n);

/* Ends the fold: slices still open end at end_mt (0: the last event's
 * runtime time).  wall_ns 0: last minus first event.  Call once. */
void fold_state_finish(fold_state *s, uint64_t end_mt, uint64_t wall_ns, uint64_t dropped);

/* The record of routine / channel id, NULL when it has none (0, or at or
 * above FOLD_ID_LIMIT, or never seen). */
const fold_routine *fold_state_routine(const fold_state *s, uint32_t id);
const fold_chan *fold_state_chan(const fold_state *s, uint32_t id);

/* The run queue a place (FOLD_AT_*, on `lane`) is in: the lane's index,
 * FOLD_GLOBAL_Q, or -1 when it is in none (running, blocked...). */
int fold_queue_of(int at, int lane);

/* Lanes to report: max of nlanes, max_cores and `cores`. */
int fold_state_lanes(const fold_state *s, int cores);

/* Parallelism: the lanes' CPU time / run wall time (fold/cpu.h). */
double fold_state_parallelism(const fold_state *s);

/* Lane occupancy: busy lane-ticks of all lanes / elapsed ticks. */
double fold_state_occupancy(const fold_state *s);

/* Average item latency in ticks over the items with a SEND and a RECV;
 * 0 when none. */
double fold_state_latency(const fold_state *s);

/* ---- memory ---------------------------------------------------------------- */

/* When memory runs out, the folds call `fn` (the screen restores the
 * terminal there; async-signal-safe), say "lanes: out of memory" on
 * stderr and end the process with status 1.  NULL: nothing to restore. */
void fold_on_out_of_memory(void (*fn)(void));

/* realloc that never returns NULL (see above). */
void *fold_xrealloc(void *p, size_t n);

/* Grows a zero-filled table of `elem`-byte entries indexed by id, of *len
 * entries, so that `id` is a valid index (doubling); returns the table. */
void *fold_grow(void *tab, size_t *len, size_t elem, uint32_t id);

#endif
