/*
 * record.h - recordings seen from src/report: the recorder a headless run
 * feeds beside its summary and trace (src/rec does the file; here it
 * learns the run's header, the live names and the end).  The headless
 * replay is out_replay in out.h.
 */
#ifndef LANES_OUT_RECORD_H
#define LANES_OUT_RECORD_H

#include <stddef.h>
#include "lanes.h"
#include "options.h"
#include "rec/rec.h"
#include "scn/scn.h"
#include "report/summary.h"

/* Creates the recording `path` of the run of `prog` on `rt` (settings in
 * force as info says), naming routines and channels from rt as events are
 * written with rec_write_events.  NULL, with the message in err, when the
 * file cannot be created. */
rec_writer *out_record_open(const char *path, const scn_program *prog, lanes_rt *rt,
                            const out_run_info *info, char *err, size_t errlen);

/* Writes the end (status and exit status from info, times and drops from
 * the finished summary, the end message and the JSON summary's extra
 * members, either may be NULL) and closes.  0, or -1 with the message. */
int out_record_close(rec_writer *w, const out_run_info *info, const out_summary *sum,
                     const char *message, const char *report_json, char *err, size_t errlen);

/* The same for the screen, which keeps no out_run_info: the settings in
 * force are read from rt, the names from opts and prog. */
rec_writer *out_record_start(const lanes_opts *opts, const scn_program *prog, lanes_rt *rt,
                             char *err, size_t errlen);

/* Ends a recording without a summary: status ("done", "restarted"...),
 * exit status and wall time given, runtime time and drops from rt.
 * 0, or -1 with the message in err. */
int out_record_end(rec_writer *w, lanes_rt *rt, const char *status, int exit_status,
                   uint64_t wall_ns, const char *message, char *err, size_t errlen);

/* The recorder as a fold of the pump (play.h): lossless; feed is
 * rec_write_events, error rec_write_error; no finish (the caller closes
 * it with out_record_close or out_record_end, which need the run's end). */
play_fold out_record_fold(rec_writer *w);

#endif
