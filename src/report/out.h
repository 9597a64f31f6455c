/*
 * out.h - what leaves the process without a screen: the headless summary
 * (text or JSON) and the Chrome Trace Event export.
 *
 * Both are folds of the runtime's trace event stream (lanes.h); neither
 * touches the runtime except to read names.  The trace writer is usable on
 * its own, incrementally, by the UI when --trace is given with the screen.
 */
#ifndef LANES_OUT_H
#define LANES_OUT_H

#include <stddef.h>
#include <stdint.h>
#include "options.h"
#include "lanes.h"
#include "scn/scn.h"
#include "play/play.h"

/* Plays the pump `p`'s source to its end without a terminal (main added
 * the trace writer to it, with --trace; the summary is added here) and
 * prints the summary to stdout (to stderr when the trace goes to stdout,
 * --trace -); returns an exit status (options.h): 0 done, 1 system or
 * write error (also when any trace event was dropped), 3 deadlock, 4
 * scenario fault.  A live source runs `prog` with opts' settings; a
 * recording (--replay) says the status its run ended with, and one that
 * cannot be read to its end gives 2 (said on stderr, no summary).
 * Finishes the pump's folds; the caller frees it. */
int out_headless(const lanes_opts *opts, scn_program *prog, play *p);

/* What must be right before a headless run starts (a scenario that can
 * run forever needs --for): 0, or the exit status, said on stderr. */
int out_headless_check(const lanes_opts *opts, const scn_program *prog);

/* --sweep: runs `prog` headless once per core count in opts->sweep, one
 * run after another, and prints the comparison (text, or JSON with
 * --json) to stdout (src/report/sweep.c).  0; 2 as out_headless_check; a
 * run's own status when it ends other than at its end (3, 4) or loses
 * events (1), and then no table; 1 on a write error. */
int out_sweep(const lanes_opts *opts, scn_program *prog);

/* When memory runs out, the folds and the trace writer call `fn` (the
 * screen restores the terminal there; it must be async-signal-safe), say
 * "lanes: out of memory" on stderr and end the process with status 1.
 * Set before the first fold; NULL: nothing to restore. */
void out_on_out_of_memory(void (*fn)(void));

/* ---- names ----------------------------------------------------------------
 * How a fold turns routine and channel ids into names: the source's
 * (play.h).  A NULL table, or a NULL function in it, or an empty name,
 * gives "r<id>" / "ch<id>". */
typedef play_names out_names;

/* Names read from a live runtime (lanes_routine_name / lanes_chan_name);
 * valid while rt is open. */
out_names out_names_of_rt(lanes_rt *rt);

/* ---- Chrome Trace Event export ---------------------------------------------
 *
 * A writer streams one JSON object {"traceEvents":[...], ...} as events are
 * fed.  Nothing here prints: every failure is kept (the first one wins) and
 * returned as a message "cannot write trace FILE: reason" for the caller to
 * print after "lanes: ".  Once an error happened, later calls do nothing and
 * keep returning -1.  The file is a complete JSON document only after
 * out_trace_close returned 0.
 *
 * Times are wall time (t_ns, shown in microseconds); slices on one lane never
 * overlap.  Feed events in the order lanes_trace_read returns them, from one
 * thread.  For an export that is complete, turn on lanes_trace_lossless(rt, 1)
 * before the routines start (LANES_START_PAUSED, then resume) and read the
 * rings every frame.
 */
typedef struct out_trace out_trace;

/* Creates `path` (truncating it), or uses standard output for "-".  Ignores
 * SIGPIPE for the whole process, so a reader that goes away shows up as an
 * EPIPE write error instead of a silent death.  NULL, with the message in
 * err, when the file cannot be created. */
out_trace *out_trace_open(const char *path, char *err, size_t errlen);

/* Same, writing to an open descriptor that out_trace_close leaves open;
 * `label` names it in messages. */
out_trace *out_trace_open_fd(int fd, const char *label);

/* Folds n events into the trace, naming routines and channels with the
 * runtime `rt` (which must still be open; NULL: numbered names).
 * 0, or -1 after a write error. */
int out_trace_events(out_trace *w, const lanes_event *ev, size_t n, lanes_rt *rt);

/* Same with any source of names (tests feed synthetic events this way). */
int out_trace_feed(out_trace *w, const lanes_event *ev, size_t n, const out_names *names);

/* The next events come from a new runtime (the UI's restart): what is open
 * ends, ids and times start again, and the new run gets its own two
 * processes ("cores (run 2)", "routines (run 2)") placed after the previous
 * run on the time line.  0, or -1 after a write error. */
int out_trace_restart(out_trace *w);

/* A piece of text shown in the trace's metadata ("otherData"), e.g. the
 * scenario title.  Keys and values are copied; call before close. */
int out_trace_note(out_trace *w, const char *key, const char *value);

/* The program whose run the events come from, for what its NOTE events
 * mean: a `note` becomes an instant named by its text on the routine's
 * core, and a loop's own yield ends its slice with "stop":"loop yield".
 * NULL (the default): notes are left out.  The program must outlive w. */
void out_trace_program(out_trace *w, const scn_program *p);

/* The same with any source of the texts (tests): text(ctx, i) is note i's
 * text, or NULL. */
void out_trace_notes(out_trace *w, const char *(*text)(void *ctx, int i), void *ctx);

/* The writer as a fold of the pump (play.h): lossless; feed is
 * out_trace_feed with the source's names, restart out_trace_restart, note out_trace_note, finish
 * out_trace_close (which frees w). */
play_fold out_trace_fold(out_trace *w);

/* The message of the first error so far ("" when none). */
const char *out_trace_error(const out_trace *w);

/* Ends open slices at the last time seen, finishes the JSON and closes the
 * file (not standard output nor an fd given to out_trace_open_fd).
 * `dropped` is lanes_trace_dropped(rt): when it is not 0 the trace is
 * incomplete and close fails with a message saying so.  Frees w.  0, or -1
 * with the message in err (err may be NULL). */
int out_trace_close(out_trace *w, uint64_t dropped, char *err, size_t errlen);

#endif
