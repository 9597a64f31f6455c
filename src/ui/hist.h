/*
 * hist.h - history (DESIGN §8): every event of a run, kept compactly, and
 * snapshots of the screen model, so that the screen can show any tick of
 * the run exactly as it was shown live: a snapshot plus a short re-fold.
 *
 * Positions are ticks.  The model "at tick k" is the model folded from the
 * events that had happened when the runtime's clock read k ticks (t_rt at
 * most k*1000, the step or resume that starts tick k+1 excluded), then
 * advanced to k*1000 as the live screen advances it every frame.  The
 * live screen paused after a step at tick k showed exactly that.
 *
 * History folds its model with the events' own wall clock (t_ns in ms), so
 * that a routine's "moved a moment ago" highlight and a note's time on
 * screen come out the same however often it is folded again.
 *
 * Memory: events take 31 bytes at most, about 10 on average (varint deltas
 * from the event before); snapshots are taken so that they cost at most
 * HIST_SNAP_PER_EVENT bytes an event.  Past `limit` bytes the oldest
 * segment (its snapshot and its events) goes: ui_hist_first_tick says
 * where history then starts.  Pure C, one thread, no curses.
 */
#ifndef LANES_UI_HIST_H
#define LANES_UI_HIST_H

#include <stddef.h>
#include <stdint.h>
#include "lanes.h"
#include "ui/model.h"

#define HIST_SEG_MIN        4096     /* events between snapshots, at least   */
#define HIST_SEG_MAX        65536    /* and at most: a seek re-folds no more */
#define HIST_SNAP_PER_EVENT 4        /* snapshot bytes an event, at most
                                        (between SEG_MIN and SEG_MAX)       */
#define HIST_LIMIT_DEFAULT  ((size_t)512 << 20)

typedef struct ui_hist ui_hist;

/* An empty history keeping at most about `limit` bytes (0: the default);
 * namer as the screen model's.  NULL when memory runs out. */
ui_hist *ui_hist_new(size_t limit, ui_namer namer, void *ctx);
void     ui_hist_free(ui_hist *h);

/* Forgets everything: a new run starts with `cores`, `quantum`, `tick_ns`
 * (as the screen model is reset). */
void ui_hist_reset(ui_hist *h, int cores, int quantum, uint64_t tick_ns);

/* Keeps n events, in lanes_trace_read order.  Never fails (out of memory
 * ends the process, as the folds do). */
void ui_hist_add(ui_hist *h, const lanes_event *ev, size_t n);

/* The first tick history still holds (0 until its oldest part went) and
 * the last one (the newest event's, rounded up). */
uint64_t ui_hist_first_tick(const ui_hist *h);
uint64_t ui_hist_last_tick(const ui_hist *h);

/* The model at `tick` (see above) into *out, an initialised model whose
 * contents are replaced.  0, or -1 when tick is before ui_hist_first_tick
 * (out untouched). */
int ui_hist_seek(ui_hist *h, uint64_t tick, ui_model *out);

/* The tick of routine id's previous (dir < 0: the latest one shown before
 * tick) or next (dir > 0: the first one not yet shown at tick) scheduling
 * decision: spawned, run, stopped, woken, stolen, moved.  -1: none. */
int64_t ui_hist_decision(const ui_hist *h, uint32_t id, uint64_t tick, int dir);

/* Events kept, bytes they take encoded, bytes of the snapshots. */
uint64_t ui_hist_events(const ui_hist *h);
size_t   ui_hist_event_bytes(const ui_hist *h);
size_t   ui_hist_snap_bytes(const ui_hist *h);

/* ---- snapshots of the model (snap.c) ----------------------------------- */

/* The model as bytes: every field but the pointers, the lanes that ever
 * changed, the used part of every table.  Two models that would draw and
 * fold alike pack to the same bytes (the tests compare them so).
 * malloc'd, its length in *len; out of memory ends the process. */
unsigned char *ui_model_pack(const ui_model *m, size_t *len);

/* The model packed by ui_model_pack into *m, an initialised model whose
 * contents are replaced (its namer stays). */
void ui_model_unpack(ui_model *m, const unsigned char *p, size_t len);

#endif
