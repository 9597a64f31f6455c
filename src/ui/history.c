/*
 * history.c - the screen's history: its fold and its keys (history.h).
 *
 * Owns the history store (hist.c) and the model shown while in history.
 * Touches nothing of the live screen: ui.c decides what to draw and which
 * keys come here.  Invariant: while on, tick < the live tick and at or
 * after ui_hist_first_tick, and m is the model at tick.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ui/draw.h"
#include "ui/history.h"

int ui_history_init(ui_history *y, ui_namer namer, void *ctx)
{
    memset(y, 0, sizeof *y);
    y->h = ui_hist_new(0, namer, ctx);
    if (y->h == NULL)
        return -1;
    ui_model_init(&y->m, 1, 0, namer, ctx);
    return 0;
}

void ui_history_free(ui_history *y)
{
    ui_hist_free(y->h);
    ui_model_free(&y->m);
    y->h = NULL;
    y->on = 0;
}

static int feed(void *ctx, const lanes_event *ev, size_t n, const play_names *names)
{
    ui_history *y = ctx;

    (void)names;
    ui_hist_add(y->h, ev, n);
    return 0;
}

void ui_history_fold(ui_history *y, play_fold *f)
{
    memset(f, 0, sizeof *f);
    f->feed = feed;
    f->ctx = y;
    f->lossless = 1;                /* history is every event */
}

int ui_history_go(ui_history *y, int64_t tick, uint64_t live, char *note, size_t n)
{
    uint64_t first = ui_hist_first_tick(y->h);

    if (tick < 0)
        tick = 0;
    if ((uint64_t)tick >= live) {
        y->on = 0;
        return UI_HIST_NOW;
    }
    if ((uint64_t)tick < first) {
        if ((y->on && y->tick == first) || first >= live) {
            if (first > 0)
                snprintf(note, n, "history starts at tick %llu: the older part went to keep "
                         "memory", (unsigned long long)first);
            else
                snprintf(note, n, "this is the first tick");
            return UI_HIST_NOTE;
        }
        tick = (int64_t)first;
    }
    if (ui_hist_seek(y->h, (uint64_t)tick, &y->m) != 0)
        return UI_HIST_NOTE;        /* not reached: first is checked above */
    y->on = 1;
    y->tick = (uint64_t)tick;
    return UI_HIST_MOVED;
}

int ui_history_key(ui_history *y, int action, uint32_t selected, const char *who,
                   uint64_t live, char *note, size_t n)
{
    int64_t cur = (int64_t)(y->on ? y->tick : live), t;

    switch (action) {
    case UI_ACT_HIST_PREV:
        return ui_history_go(y, cur - 1, live, note, n);
    case UI_ACT_HIST_NEXT:
    case UI_ACT_STEP:
        if (!y->on)
            return UI_HIST_LIVE;
        return ui_history_go(y, cur + 1, live, note, n);
    case UI_ACT_HIST_FIRST:
        return ui_history_go(y, (int64_t)ui_hist_first_tick(y->h), live, note, n);
    case UI_ACT_HIST_END:
        y->on = 0;
        return UI_HIST_NOW;
    case UI_ACT_HIST_DPREV:
    case UI_ACT_HIST_DNEXT:
        if (selected == 0) {
            snprintf(note, n, "[ and ] go to the selected routine's decisions: Tab selects one");
            return UI_HIST_NOTE;
        }
        t = ui_hist_decision(y->h, selected, (uint64_t)cur, action == UI_ACT_HIST_DNEXT ? 1 : -1);
        if (t < 0) {
            snprintf(note, n, "no %s decision of %s in history",
                     action == UI_ACT_HIST_DNEXT ? "later" : "earlier", who);
            return UI_HIST_NOTE;
        }
        return ui_history_go(y, t, live, note, n);
    default:
        return UI_HIST_NOTE;
    }
}

/* Columns of UTF-8 text (every glyph here is one column wide). */
static int text_cols(const char *t)
{
    int w = 0;

    for (; *t != '\0'; t++)
        w += ((unsigned char)*t & 0xc0) != 0x80;
    return w;
}

void ui_history_banner(const ui_history *y, uint64_t live, const char *dot, const char *who,
                       int cols, char *buf, size_t n)
{
    uint64_t first = ui_hist_first_tick(y->h);
    unsigned long long t = (unsigned long long)y->tick, l = (unsigned long long)live;
    char from[48] = "", dec[64] = "decisions";

    if (first > 0)
        snprintf(from, sizeof from, " from tick %llu", (unsigned long long)first);
    if (who != NULL && *who != '\0')
        snprintf(dec, sizeof dec, "%s's decisions", who);
    /* what a narrow screen cuts is the end: the way back comes first */
    snprintf(buf, n, "history%s %s tick %llu of %llu %s End: back to now %s Left/Right: ticks "
             "%s [ ]: %s %s Home: first", from, dot, t, l, dot, dot, dot, dec, dot);
    if (cols <= 0 || text_cols(buf) <= cols)
        return;
    snprintf(buf, n, "history%s %s tick %llu of %llu %s End: back to now %s Left/Right %s "
             "[ ]: %s %s Home", from, dot, t, l, dot, dot, dot, dec, dot);
    if (text_cols(buf) <= cols)
        return;
    if (first > 0)
        snprintf(from, sizeof from, " (from %llu)", (unsigned long long)first);
    if (who != NULL && *who != '\0') {
        snprintf(buf, n, "hist t%llu/%llu%s %s End: now %s Left Right Home [ ]: %s", t, l,
                 from, dot, dot, who);
        if (text_cols(buf) <= cols)
            return;
    }
    snprintf(buf, n, "hist t%llu/%llu%s %s End: now %s Left Right [ ] Home", t, l, from, dot,
             dot);
}
