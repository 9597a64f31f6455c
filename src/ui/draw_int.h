/*
 * draw_int.h - private to the draw_*.c files: the theme and glyphs they
 * draw with, the cell-writing helpers (draw_cell.c), the layout draw.c
 * computes, and the regions the other files draw.  Includes curses, so only
 * src/ui may include it; names carry draw_ so nothing collides in libui.
 */
#ifndef LANES_UI_DRAW_INT_H
#define LANES_UI_DRAW_INT_H

#include <stddef.h>
#include <stdint.h>

#if defined(HAVE_NCURSESW_CURSES_H)
#include <ncursesw/curses.h>
#else
#include <curses.h>
#endif

#include "ui/draw.h"

/* ---- colours: semantic roles, chosen once (draw_cell.c) ------------------- */

enum role {
    R_NORMAL, R_TITLE, R_LABEL, R_DIM, R_IDLE, R_PARKED, R_BORDER, R_WARN,
    R_ERROR, R_OK, R_KEY, R_MOVED, R_SELECT, R_COUNT
};

#define NPAL_MAX 12

extern attr_t draw_role[R_COUNT];
extern attr_t draw_pal_fg[NPAL_MAX], draw_pal_bg[NPAL_MAX];  /* a routine's colour */
extern int draw_npal;              /* colours in the palette; 1: none       */

/* ---- glyphs ---------------------------------------------------------------- */

typedef struct glyphs {
    const char *h, *v, *tl, *tr, *bl, *br, *lt, *rt;
    const char *dot, *play, *pause, *stop, *next, *ell, *dash, *pre, *steal;
    const char *park, *mark, *up, *down, *times, *fill, *warn, *wait;
} glyphs;

extern const glyphs *draw_glyph;   /* UTF-8 or ASCII, chosen once          */

/* ---- layout (draw.c): where every region goes ------------------------------ */

typedef struct layout {
    int rows, cols;            /* cols: the main region (left of a side pane) */
    int about_n;               /* rows the about text takes (1 or 2)       */
    int full;                  /* the terminal's width                     */
    int side_x, side_w;        /* the side pane, side_w = 0: none          */
    int small;                 /* below the minimum size                   */
    int lanes_y, lanes_h;      /* the lanes box                            */
    int boxed;                 /* two rows a lane, else one                */
    int first, nshow;          /* lanes shown                              */
    int namew, tl_x, tl_w;     /* name column and timeline                 */
    int explain_y, explain_n;
    int runq_y, chan_y, chan_n, chans_hidden, sleep_y, done_y;
    int log_y, log_n;
    int stats_y, hints_y;
} layout;

/* ---- writing cells (draw_cell.c) ------------------------------------------- */

/* Draws s at (y, x), never at or past column xmax; returns the column after.
 * Glyph strings are one column each; without UTF-8 any non-ASCII character
 * becomes '?'. */
int draw_put(int y, int x, int xmax, attr_t a, const char *s);
/* Whether a key of ui_keys does something in this view (an attached
 * program cannot be compared or restarted): the hints and help show it. */
int draw_key_works(const ui_view *v, int action);
__attribute__((format(printf, 5, 6)))
int draw_putf(int y, int x, int xmax, attr_t a, const char *fmt, ...);
/* Like draw_put, but a string that does not fit ends in the ellipsis. */
int draw_put_cut(int y, int x, int xmax, attr_t a, const char *s);
/* Columns a string takes (every character is one column here). */
int draw_width(const char *s);
/* Glyph g in every column from x0 up to x1. */
void draw_repeat(int y, int x0, int x1, attr_t a, const char *g);
/* Text over up to n rows from (y, x0), breaking at spaces and '\n'; returns
 * the rows it took.  y < 0: only counts. */
int draw_wrap(int y, int n, int x0, int xmax, attr_t a, const char *text);
/* A cleared box of h rows by w columns at (y0, x0), title on its top edge. */
void draw_pane_box(int y0, int x0, int h, int w, const char *title);

/* Cells (y, x0..x1) show routine id: a click there selects it. */
void draw_add_hit(ui_view *v, int y, int x0, int x1, uint32_t id);
/* A routine's colour, highlighted just after a move, marked when selected. */
attr_t draw_chip_attr(const ui_view *v, const ui_routine *r);
/* A routine's name (then suffix) at (y, x); clickable; returns the column after. */
int draw_chip(ui_view *v, int y, int x, int xmax, uint32_t id, const char *suffix);
/* n of total routines as chips: "—" when none, "+N" for those that do not fit. */
int draw_chips(ui_view *v, int y, int x, int xmax, const uint32_t *ids, size_t n,
               size_t total, const char *prefix_first);

/* CPUs this process may use: the runtime's latest LOAD, else start-up's. */
int draw_cpus_of(const ui_view *v);

/* ---- regions -------------------------------------------------------------- */

/* draw_panel.c: the rows below the lanes (explain, runnable, channels,
 * sleeping, finished, decisions, stats, hints), where L puts them. */
void draw_panel(ui_view *v, const layout *L);
/* What the explain rows say as one text, 0 when none (then the latest
 * decision); the layout sizes the explain rows with it. */
size_t draw_explain_text(const ui_view *v, int cols, char *text, size_t size, attr_t *a);

/* draw.c: one lane's timeline on row y, from column L->tl_x for L->tl_w
 * columns, tick `last` at the right edge (the model's newest tick on the
 * screen; the shared tick in a comparison), ticks not yet run blank. */
void draw_timeline(ui_view *v, const layout *L, int y, int lane, int64_t last);

/* draw_compare.c: the comparison screen (compare.h). */

/* draw_help.c: the help screen over the whole terminal. */
void draw_help(ui_view *v, const layout *L);

/* draw_detail.c: the selected routine in a box at (top, x0), h by w. */
void draw_detail(ui_view *v, int top, int x0, int h, int w);

#endif
