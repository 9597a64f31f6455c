/*
 * record.h - recordings seen from src/report: the recorder a headless run
 * feeds beside its summary and trace (src/rec does the file; here it
 * learns the run's header, the source's names and the end).  Playing one
 * back is a source of the pump (src/play/source_rec.c).
 */
#ifndef LANES_OUT_RECORD_H
#define LANES_OUT_RECORD_H

#include <stddef.h>
#include "lanes.h"
#include "options.h"
#include "rec/rec.h"
#include "scn/scn.h"
#include "report/summary.h"

/* Creates the recording `path` of the run of the pump p's source (the
 * program's text as the source says, the settings in force as info says),
 * naming routines and channels with the source's names as events are
 * written with rec_write_events.  NULL, with the message in err, when the
 * file cannot be created. */
rec_writer *out_record_open(const char *path, play *p, const out_run_info *info,
                            char *err, size_t errlen);

/* Writes the end (status and exit status from info, times and drops from
 * the finished summary, the end message and the JSON summary's extra
 * members, either may be NULL) and closes.  0, or -1 with the message. */
int out_record_close(rec_writer *w, const out_run_info *info, const out_summary *sum,
                     const char *message, const char *report_json, char *err, size_t errlen);

/* The same for the screen, which keeps no out_run_info: the settings in
 * force and the names are the source's (play_about_run, play_cores...). */
rec_writer *out_record_start(const char *path, play *p, char *err, size_t errlen);

/* Ends a recording without a summary: status ("done", "restarted"...),
 * exit status and wall time given, runtime time and drops from p.
 * 0, or -1 with the message in err. */
int out_record_end(rec_writer *w, play *p, const char *status, int exit_status,
                   uint64_t wall_ns, const char *message, char *err, size_t errlen);

/* The recorder as a fold of the pump (play.h): lossless; feed is
 * rec_write_events, error rec_write_error; no finish (the caller closes
 * it with out_record_close or out_record_end, which need the run's end). */
play_fold out_record_fold(rec_writer *w);

/* The screen's recording (--record with the screen) as a fold that main
 * adds to the pump: it records the first run only, opening `path`
 * when that run starts (a failure fails the start, play_error says it)
 * and closing it at that run's end hook (a restart, or play_finish as
 * play_end_as said).  A write error is its finish's error.  Lossless. */
play_fold out_record_screen_fold(const char *path);

#endif
