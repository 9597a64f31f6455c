/*
 * summary.h - the headless summary as a fold of the trace event stream:
 * feed events (any number of batches, in lanes_trace_read order), finish,
 * then print as text or JSON.  Pure: no runtime, no I/O until printing.
 *
 * Times: "mt" fields are runtime milli-ticks (lanes_event.t_rt), so lane
 * occupancy counts ticks a routine held a lane, not CPU; CPU time comes from
 * the CPU events (out/cpu.h), in ns or converted to ticks of the tick in
 * force; other ns fields are wall time.
 */
#ifndef LANES_OUT_SUMMARY_H
#define LANES_OUT_SUMMARY_H

#include <stdio.h>
#include <stdint.h>
#include "lanes.h"
#include "out/out.h"
#include "out/cpu.h"

typedef struct out_routine_stats {
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
    uint32_t sent;         /* SEND events of this routine                   */
    uint32_t received;     /* RECV events of this routine                   */
    uint64_t lanes;        /* bit i: it ran on lane i                       */
    int      exited;       /* STOP exit seen                                */
} out_routine_stats;

typedef struct out_chan_stats {
    uint32_t id;           /* 0: no channel with this id was seen           */
    int32_t  cap;          /* from CHAN; -1 when never announced            */
    uint64_t sends;        /* messages: SEND events                         */
    uint64_t recvs;        /* RECV events                                   */
    int64_t  balance;      /* sends - recvs so far (fold state)             */
    uint64_t peak;         /* highest occupancy: balance clamped to 0..cap  */
    int      closed;
} out_chan_stats;

/* One entry of the item table (open addressing on the item number). */
typedef struct out_item_slot {
    int32_t  item;
    uint8_t  used;         /* slot holds an item                            */
    uint8_t  sent;         /* a SEND was seen since the last DONE           */
    uint8_t  recvd;        /* a RECV was seen since the last DONE           */
    uint64_t first_send_mt;
    uint64_t last_recv_mt;
} out_item_slot;

typedef struct out_summary {
    /* time */
    uint64_t events;             /* events folded                           */
    uint64_t first_ns, last_ns;  /* wall time of the first and last event   */
    uint64_t last_mt;            /* runtime time of the last event          */
    uint64_t end_mt;             /* elapsed runtime time (out_summary_finish) */
    uint64_t wall_ns;            /* wall time of the run, when known        */
    uint64_t dropped;            /* events the rings dropped                */
    int      finished;

    /* lanes */
    int      nlanes;             /* highest lane index seen + 1             */
    int      max_cores;          /* highest core count seen (CORES)         */
    uint64_t lane_busy_mt[LANES_MAX_CORES];  /* occupancy: a routine on it */
    out_cpu  cpu;                /* CPU truth: per-lane CPU and wait, load  */
    uint32_t lane_routine[LANES_MAX_CORES];  /* running now, 0: none (fold) */
    uint64_t lane_since_mt[LANES_MAX_CORES]; /* its RUN time (fold)         */

    /* routines and channels, indexed by id (entry 0 unused) */
    out_routine_stats *routines;
    size_t   routines_len;       /* entries allocated                       */
    out_chan_stats *chans;
    size_t   chans_len;

    /* items */
    out_item_slot *items_tab;
    size_t   items_cap;          /* power of two                            */
    size_t   items_used;
    uint64_t items;              /* DONE events                             */
    uint64_t items_timed;        /* of those, with a SEND and a RECV        */
    uint64_t lat_min_mt, lat_max_mt, lat_sum_mt;

    /* totals */
    uint64_t spawns, exits, switches, steals, preemptions, waits;
    uint64_t sends, recvs, closes, deadlocks, pauses, steps, parks;
    uint64_t anomalies;          /* RUN on a busy lane, STOP of a routine
                                    not running there: repaired, counted   */
    uint64_t by_kind[LANES_EV_KINDS];
} out_summary;

void out_summary_init(out_summary *s);
void out_summary_free(out_summary *s);

/* Folds n events.  Never fails (out of memory aborts). */
void out_summary_feed(out_summary *s, const lanes_event *ev, size_t n);

/* Ends the fold: slices still open end at end_mt (0: the last event's
 * runtime time).  wall_ns 0: last minus first event.  Call once. */
void out_summary_finish(out_summary *s, uint64_t end_mt, uint64_t wall_ns,
                        uint64_t dropped);

/* Lanes to report: max of nlanes, max_cores and `cores`. */
int out_summary_lanes(const out_summary *s, int cores);

/* The tick at the start of the run, for routines' CPU ticks (TICK events
 * follow changes).  Call before feeding. */
void out_summary_set_tick(out_summary *s, uint64_t tick_ns);

/* Parallelism: the lanes' CPU time / run wall time (out/cpu.h). */
double out_summary_parallelism(const out_summary *s);

/* Lane occupancy: busy lane-ticks of all lanes / elapsed ticks. */
double out_summary_occupancy(const out_summary *s);

/* What the printers say about the run besides the fold. */
typedef struct out_run_info {
    const char *scenario;    /* name or path given                         */
    const char *title;
    const char *status;      /* "done", "deadlock", "fault", "error",
                                "interrupted", "stopped"                  */
    int      exit_status;
    int      cores;          /* at start                                   */
    int      quantum;
    uint64_t tick_ns;
    uint64_t seed;
    int      seed_set;
    int      cpus;           /* CPUs the process may use, when no LOAD event
                                says (0: unknown)                         */
    const char *json_more;   /* JSON members (",\"k\":v...") the caller adds
                                at the end of the object; NULL: none      */
} out_run_info;

/* Both return 0, or -1 with errno when the stream reported an error. */
int out_summary_print_text(FILE *f, const out_summary *s, const out_run_info *info,
                           const out_names *names);
int out_summary_print_json(FILE *f, const out_summary *s, const out_run_info *info,
                           const out_names *names);

/* ---- helpers shared by the printers and the trace writer (json.c) ------- */

/* Writes s as a JSON string literal with quotes into buf (always
 * NUL-terminated, cut at a character boundary when too long); invalid
 * UTF-8 becomes U+FFFD.  Returns the length written. */
size_t out_json_quote(char *buf, size_t n, const char *s);

/* realloc that never returns NULL: out of memory ends the process with a
 * message (DESIGN: out-of-memory aborts). */
void *out_xrealloc(void *p, size_t n);

/* Grows a zero-filled table of `elem`-byte entries indexed by id, of *len
 * entries, so that `id` is a valid index (doubling); returns the table. */
void *out_grow(void *tab, size_t *len, size_t elem, uint32_t id);

/* Name of routine / channel id into buf via names (fallbacks as out.h says). */
void out_routine_name(const out_names *names, uint32_t id, char *buf, size_t n);
void out_chan_name(const out_names *names, uint32_t id, char *buf, size_t n);

#endif
