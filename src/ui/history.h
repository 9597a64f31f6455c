/*
 * history.h - the screen's history (issue 16): a pump fold that keeps
 * every event of the run (hist.h), and what the history keys do with it:
 * the tick shown, the model at that tick, the banner.  No curses.
 *
 * The screen is "in history" while `on`: it draws `m`, the model at
 * `tick`, instead of the live model.  Ticks at or past the live one are
 * not history: moving there goes back to now.
 */
#ifndef LANES_UI_HISTORY_H
#define LANES_UI_HISTORY_H

#include <stddef.h>
#include <stdint.h>
#include "play/play.h"
#include "ui/hist.h"

typedef struct ui_history {
    ui_hist  *h;
    ui_model  m;                   /* the model at `tick`, while on     */
    int       on;
    uint64_t  tick;
} ui_history;

/* 0, or -1 when memory runs out.  namer: the screen model's. */
int  ui_history_init(ui_history *y, ui_namer namer, void *ctx);
void ui_history_free(ui_history *y);

/* The lossless fold that keeps the run's events (reset at each start). */
void ui_history_fold(ui_history *y, play_fold *f);

/* What a history key did. */
enum { UI_HIST_MOVED = 0,          /* on, at a new tick (or the same)    */
       UI_HIST_NOW,                /* back to now (off)                  */
       UI_HIST_LIVE,               /* at the live edge: the key acts live
                                      (Right and s step the run)        */
       UI_HIST_NOTE };             /* nothing moved: `note` says why     */

/* Shows `tick` (clamped to where history starts); live: the live tick.
 * UI_HIST_MOVED, UI_HIST_NOW at or past live, UI_HIST_NOTE before the
 * start of history. */
int ui_history_go(ui_history *y, int64_t tick, uint64_t live, char *note, size_t n);

/* The key `action` (UI_ACT_HIST_*, or STEP while on) from where the
 * screen is; selected: the routine [ and ] follow (its name in `who`). */
int ui_history_key(ui_history *y, int action, uint32_t selected, const char *who,
                   uint64_t live, char *note, size_t n);

/* The banner: "history · tick 45 of 116 · ..." (dots as `dot`); `who`:
 * the selected routine [ and ] follow (NULL: none).  When the long form
 * is wider than `cols` columns, a short one that keeps every key
 * ("hist t45/116 · End: now · Left Right [ ] Home", with ": NAME" after
 * [ ] when it fits); cols 0: long. */
void ui_history_banner(const ui_history *y, uint64_t live, const char *dot, const char *who,
                       int cols, char *buf, size_t n);

#endif
