/*
 * summary.h - the headless summary: the run state (fold/state.h) fed
 * events (any number of batches, in lanes_trace_read order), finished,
 * then printed as text or JSON.  Pure: no runtime, no I/O until printing.
 * The out_summary_* fold calls are the run state's under the summary's
 * names; what is the summary's own is the printing.
 */
#ifndef LANES_OUT_SUMMARY_H
#define LANES_OUT_SUMMARY_H

#include <stdio.h>
#include <stdint.h>
#include "lanes.h"
#include "report/out.h"
#include "fold/state.h"

/* The summary is the run state (fold/state.h) and the printers below:
 * the counting is shared with the screen model and the trace writer. */
typedef fold_routine   out_routine_stats;
typedef fold_chan      out_chan_stats;
typedef fold_item_slot out_item_slot;
typedef fold_state     out_summary;

void out_summary_init(out_summary *s);
void out_summary_free(out_summary *s);

/* Folds n events.  Never fails (out of memory aborts). */
void out_summary_feed(out_summary *s, const lanes_event *ev, size_t n);

/* The summary as a fold of the pump (play.h): lossless; feed only (the
 * caller finishes and frees it). */
play_fold out_summary_fold(out_summary *s);

/* Ends the fold: slices still open end at end_mt (0: the last event's
 * runtime time).  wall_ns 0: last minus first event.  Call once. */
void out_summary_finish(out_summary *s, uint64_t end_mt, uint64_t wall_ns,
                        uint64_t dropped);

/* Lanes to report: max of nlanes, max_cores and `cores`. */
int out_summary_lanes(const out_summary *s, int cores);

/* The tick at the start of the run, for routines' CPU ticks (TICK events
 * follow changes).  Call before feeding. */
void out_summary_set_tick(out_summary *s, uint64_t tick_ns);

/* Parallelism: the lanes' CPU time / run wall time (fold/cpu.h). */
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
    unsigned pid;            /* an attached program's (lanes attach), else 0:
                                the counts are those since the attach     */
    uint64_t start_mt;       /* attached: the program's time at the attach */
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

/* Flushes f: 0, or -1 with errno set when anything written to it failed. */
int out_finish(FILE *f);

/* A message for people on stderr, each line starting "lanes: " unless it
 * already does or is an indented continuation. */
void out_say(const char *msg);

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
