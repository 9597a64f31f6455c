/*
 * rec.h - recordings: a run's every event, with what is needed to show it
 * again (the scenario's text, its settings, the names of routines and
 * channels, the machine's CPU count), in one versioned file.
 *
 * A recording is a *source* of events like the live runtime (DESIGN 8):
 * the writer is a fold that takes events in lanes_trace_read order; the
 * reader gives them back in the same order, with the names known so far.
 * The file format is described in format.c's opening comment and in the
 * README ("Recordings").
 *
 * Depends on src/rt/lanes.h (lanes_event) only.  Nothing here prints:
 * every failure comes back as a message for people, "FILE: what, where".
 * Writers and readers are each used from one thread.
 */
#ifndef LANES_REC_H
#define LANES_REC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "lanes.h"

#define REC_MAGIC       "lanes-recording"   /* first line: REC_MAGIC " 1\n" */
#define REC_VERSION     1                   /* the format this code writes and reads */
#define REC_BLOCK_MAX   4096                /* events in one events record   */
#define REC_SOURCE_MAX  (8u << 20)          /* longest scenario text kept    */

/* What the run was: written first, read back whole by rec_open_*.
 * Strings may be NULL when writing (recorded as ""); when reading they are
 * never NULL and belong to the reader.  Numbers are as the run started. */
typedef struct rec_header {
    int         version;      /* reading: the file's format version        */
    const char *lanes;        /* version of lanes that wrote it            */
    const char *scenario;     /* name or path given on the command line    */
    const char *title;
    const char *file;         /* the name the scenario was parsed under    */
    const char *source;       /* the scenario's text (source_len bytes,
                                 NUL-terminated when read)                 */
    size_t      source_len;
    int         cores;        /* lanes at start                            */
    int         quantum;
    uint64_t    tick_ns;
    uint64_t    seed;
    int         seed_set;     /* 1: seed is the one in force               */
    int         cpus;         /* CPUs the process could use (0: unknown)   */
    uint64_t    start_unix_ns;/* wall clock at the start (CLOCK_REALTIME)  */
} rec_header;

/* How the run ended: written last by rec_close, read back once every
 * event was read (rec_read_end).  Strings as for rec_header. */
typedef struct rec_end {
    const char *status;       /* "done", "deadlock", "fault", "stopped"... */
    int         exit_status;
    uint64_t    events;       /* events recorded (reading: checked)        */
    uint64_t    wall_ns;      /* wall time of the run                      */
    uint64_t    end_mt;       /* runtime time at the end, milli-ticks      */
    uint64_t    dropped;      /* events the live rings dropped             */
    const char *message;      /* the end message for people, or ""         */
    const char *report_json;  /* JSON members the live summary added at the
                                 end of its object (",\"k\":v..."), or ""  */
} rec_end;

/* kinds of names */
enum { REC_ROUTINE = 1, REC_CHAN = 2 };

/* ---- writing --------------------------------------------------------------- */

typedef struct rec_writer rec_writer;

/* Where the writer finds the name of a routine (at its SPAWN) or a
 * channel (at its CHAN event) as events are written: buf gets the name
 * ("" when unknown).  Called from rec_write_events. */
typedef void (*rec_namer)(void *ctx, int what, uint32_t id, char *buf, size_t n);

/* Creates `path` (truncating it), or uses standard output for "-", and
 * writes the magic line and the header.  NULL, with the message in err,
 * when the file cannot be created or the header is too large.  A pipe
 * whose reader left gives EPIPE only if the caller ignores SIGPIPE. */
rec_writer *rec_open_write(const char *path, const rec_header *h, char *err, size_t errlen);

/* The same on an open descriptor, left open by rec_close; `label` names it
 * in messages.  NULL only when out of memory or the header is too large. */
rec_writer *rec_open_write_fd(int fd, const char *label, const rec_header *h);

void rec_set_namer(rec_writer *w, rec_namer fn, void *ctx);

/* Records a name now: it applies to the events written after it. */
int rec_write_name(rec_writer *w, int what, uint32_t id, const char *name);

/* Appends n events (any n; they go out in blocks of REC_BLOCK_MAX), asking
 * the namer for the name of each routine spawned and channel opened.
 * 0, or -1 once a write failed (rec_write_error says why; later calls do
 * nothing and return -1). */
int rec_write_events(rec_writer *w, const lanes_event *ev, size_t n);

/* Records a message for people that the run says now (after the events
 * written so far); at most 64 KiB of it are kept.  0 or -1 as above. */
int rec_write_message(rec_writer *w, const char *text);

/* Writes out what is buffered.  0 or -1 as above. */
int rec_flush(rec_writer *w);

/* Bytes written so far (including what is buffered). */
uint64_t rec_bytes(const rec_writer *w);

/* The first write error, "cannot write recording FILE: reason", or "". */
const char *rec_write_error(const rec_writer *w);

/* Writes the end record (end may be NULL: nothing known but the count),
 * flushes and closes the file (not standard output nor an fd of
 * rec_open_write_fd).  Frees w.  0, or -1 with the message in err (err
 * may be NULL). */
int rec_close(rec_writer *w, const rec_end *end, char *err, size_t errlen);

/* ---- reading --------------------------------------------------------------- */

typedef struct rec_reader rec_reader;

/* Opens a recording ("-": standard input), checks its magic line and
 * version and reads its header into *h.  NULL, with the message in err,
 * when it cannot be read, is not a recording, is of a version this code
 * does not read, or is truncated or corrupt before its first event. */
rec_reader *rec_open_read(const char *path, rec_header *h, char *err, size_t errlen);

/* Reads the recording `path` (a file, not "-") through once, every
 * record's checksum and every event: 0 when it is whole, or -1 with the
 * message rec_read_events would give at its damage (the screen checks a
 * recording before it opens, so that a bad one never shows). */
int rec_check(const char *path, char *err, size_t errlen);

/* The same from memory (the fuzz target); `label` names it in messages.
 * The bytes must outlive the reader. */
rec_reader *rec_open_mem(const void *data, size_t size, const char *label, rec_header *h,
                         char *err, size_t errlen);

/* Up to max events, in the order they were written, stopping early at a
 * message (rec_take_message) so that it comes after exactly the events
 * returned so far.  Returns how many;
 * 0 once the end record was read (the recording is whole); -1 when the
 * file is truncated, corrupt or unreadable (rec_read_error says where).
 * Events decoded before an error come first; the error at the next call. */
ssize_t rec_read_events(rec_reader *r, lanes_event *out, size_t max);

/* The next message the run said among the events read so far (in order),
 * malloc'd for the caller to free; NULL when there is none now. */
char *rec_take_message(rec_reader *r);

/* The end record, once rec_read_events returned 0; NULL before. */
const rec_end *rec_read_end(const rec_reader *r);

/* The message of the error that ended reading, "" when none. */
const char *rec_read_error(const rec_reader *r);

/* The name of routine / channel `id` as recorded before the events read
 * so far ("" when none was). */
void rec_routine_name(const rec_reader *r, uint32_t id, char *buf, size_t n);
void rec_chan_name(const rec_reader *r, uint32_t id, char *buf, size_t n);

void rec_close_read(rec_reader *r);

#endif
