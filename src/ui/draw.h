/*
 * draw.h - drawing the model on a curses screen, and the key table the
 * help screen and the hint line are generated from.  Only src/ui includes
 * curses; this header does not, so tests and ui.c share the view freely.
 */
#ifndef LANES_UI_DRAW_H
#define LANES_UI_DRAW_H

#include <stddef.h>
#include <stdint.h>
#include "ui/model.h"

/* ---- keys ------------------------------------------------------------- */

enum ui_action {
    UI_ACT_NONE = 0, UI_ACT_PAUSE, UI_ACT_STEP, UI_ACT_CORE_MORE, UI_ACT_CORE_LESS,
    UI_ACT_CORES_N, UI_ACT_FASTER, UI_ACT_SLOWER, UI_ACT_PREEMPT, UI_ACT_RESTART,
    UI_ACT_NEXT, UI_ACT_PREV, UI_ACT_DETAIL, UI_ACT_BACK, UI_ACT_HELP, UI_ACT_QUIT,
    UI_ACT_SCROLL_UP, UI_ACT_SCROLL_DOWN, UI_ACT_COMPARE,
    /* history (history.h): a tick back / on, the first, now, the
     * selected routine's decision before / after */
    UI_ACT_HIST_PREV, UI_ACT_HIST_NEXT, UI_ACT_HIST_FIRST, UI_ACT_HIST_END,
    UI_ACT_HIST_DPREV, UI_ACT_HIST_DNEXT
};

typedef struct ui_key {
    int         codes[4];  /* curses key codes, 0-terminated              */
    const char *label;     /* how the help screen names the keys          */
    int         action;    /* UI_ACT_*                                    */
    const char *help;      /* one line for the help screen                */
    const char *hint;      /* short form for the hint line, NULL: none    */
} ui_key;

extern const ui_key ui_keys[];     /* ends with an entry whose action is NONE */

/* The action bound to a curses key code (digits: CORES_N). */
int ui_key_action(int code);

/* ---- the view: everything drawing reads ----------------------------------- */

#define UI_HITS 256

typedef struct ui_hit { int y, x0, x1; uint32_t routine; } ui_hit;

/* STOPPED: a recorded run that ended before its end (end_word says how) */
enum { UI_END_NONE = 0, UI_END_DONE, UI_END_DEADLOCK, UI_END_FAULT, UI_END_ERROR,
       UI_END_STOPPED };

typedef struct ui_view {
    ui_model   *m;
    const char *title, *about;
    const char *who;           /* an attached program: "NAME" and pid, the  */
    unsigned    who_pid;       /*   title's short form (NULL: none)         */
    int         attached;      /* lanes attach: no compare, no restart      */
    int         no_items;      /* no channel carries items (all `tokens`):
                                  nothing can be served, so no "served" */
    int         cpus;          /* CPUs this process may use (affinity); the
                                  runtime's LOAD events override it         */
    int         cores;         /* lanes switched on now                      */
    int         quantum;       /* 0: preemption off                          */
    int         paused;
    const char *speed;         /* "1x", "1/4x", "max"                        */
    double      tick_s;        /* seconds per tick at 1x (for "t 12.4s")     */
    uint64_t    dropped;       /* trace events lost                          */
    int         end;           /* UI_END_*                                   */
    const char *end_word;      /* UI_END_STOPPED: "restarted", "stopped"...  */
    int         replay;        /* a recording plays: "replay" before the
                                  title, the replay's keys on the hint line */
    int         history;       /* the screen shows history (banner set)     */
    char        message[512];  /* the message line (reports, end, errors)    */
    uint64_t    message_wall;  /* wall ms it was set                         */
    char        note[160];     /* a passing word over the message line       */
    uint64_t    note_wall;     /* wall ms it was set                         */
    uint64_t    wall;          /* wall ms now                                */
    uint32_t    selected;      /* routine id, 0 = none                       */
    int         detail;        /* the detail pane is open                    */
    int         help;          /* the help screen is open                    */
    int         help_page;     /* 0: the keys; 1, 2..: the legend's pages
                                  when it has its own (PgDn / PgUp); the
                                  help screen clamps it                      */
    int         side_hidden;   /* Esc hid the wide screen's side pane        */
    int         lane_scroll;   /* first lane shown when they do not all fit  */
    int         utf8;          /* UTF-8 glyphs                               */

    /* for the detail pane: the routine's step (a line number) and its
     * program (lines ending in '\n', the first numbered *first_line) */
    void       *src_ctx;
    int       (*src_line_of)(void *ctx, uint32_t routine);   /* 0: unknown */
    const char *(*src_program)(void *ctx, uint32_t routine, int *first_line);
    const char *src_file;

    char        banner[200];   /* history's banner, on the hint line; ""
                                  when the screen shows now               */

    /* written by drawing: where chips are, for mouse clicks */
    ui_hit      hits[UI_HITS];
    int         nhits;
    int         too_small;     /* the last frame showed the size message     */
    int         lanes_shown;   /* lanes that fitted in the last frame        */
    int         waiting_shown; /* the last frame drew ticks of waiting for a
                                  CPU (then the legend under the lanes)     */
    int         tl_x, tl_w;    /* the timelines' columns and rows, and the */
    int         tl_y0, tl_y1;  /*   tick at their right edge (clicks)      */
    int64_t     tl_last;
} ui_view;

/* Chooses colours (256, 8, none) and glyphs once, after curses started.
 * colour = 0: no colour at all. */
void ui_draw_setup(ui_view *v, int colour, int utf8);

/* Draws one frame on stdscr (no refresh: the caller does doupdate). */
void ui_draw(ui_view *v);

/* The routine under screen cell (y, x), 0 when none. */
uint32_t ui_draw_hit(const ui_view *v, int y, int x);

/* The tick of the timeline column at screen cell (y, x), -1 when (y, x)
 * is not on a lane's timeline. */
int64_t ui_draw_tick_at(const ui_view *v, int y, int x);

#define UI_MIN_COLS 60
#define UI_MIN_ROWS 16

#endif
