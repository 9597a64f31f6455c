/*
 * draw.c - one frame of the screen, drawn from the model and the view only.
 *
 * Owns: the colour theme and the glyph set (chosen once in ui_draw_setup)
 * and the layout (computed from LINES and COLS in layout(), the one place
 * that knows where things go).  Must not: read the runtime, read keys,
 * refresh the terminal, or touch anything but stdscr.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(HAVE_NCURSESW_CURSES_H)
#include <ncursesw/curses.h>
#else
#include <curses.h>
#endif

#include "ui/draw.h"
#include "scn/scn.h"

/* ---- colours: semantic roles, chosen once ---------------------------------- */

enum role {
    R_NORMAL, R_TITLE, R_LABEL, R_DIM, R_IDLE, R_PARKED, R_BORDER, R_WARN,
    R_ERROR, R_OK, R_KEY, R_MOVED, R_SELECT, R_COUNT
};

#define NPAL_MAX 12

static attr_t role[R_COUNT];
static attr_t pal_fg[NPAL_MAX], pal_bg[NPAL_MAX];
static int npal = 1;

/* ---- glyphs ------------------------------------------------------------------ */

typedef struct glyphs {
    const char *h, *v, *tl, *tr, *bl, *br, *lt, *rt;
    const char *dot, *play, *pause, *stop, *next, *ell, *dash, *pre, *steal;
    const char *park, *mark, *up, *down, *times, *fill, *warn, *wait;
} glyphs;

static const glyphs utf8_glyphs = {
    "\xe2\x94\x80", "\xe2\x94\x82", "\xe2\x94\x8c", "\xe2\x94\x90",
    "\xe2\x94\x94", "\xe2\x94\x98", "\xe2\x94\x9c", "\xe2\x94\xa4",
    "\xc2\xb7", "\xe2\x96\xb6", "\xe2\x80\x96", "\xe2\x96\xa0", "\xe2\x86\x92",
    "\xe2\x80\xa6", "\xe2\x80\x94", "\xc2\xbb", "\xc2\xab",
    "-", "\xe2\x96\xb8", "\xe2\x86\x91", "\xe2\x86\x93", "\xc3\x97", "\xe2\x96\x88",
    "\xe2\x9a\xa0", "\xe2\x96\x91"
};

static const glyphs ascii_glyphs = {
    "-", "|", "+", "+", "+", "+", "+", "+",
    ".", ">", "||", "#", ">", "...", "-", ">", "<",
    "-", ">", "^", "v", "x", NULL, "!", ":"
};

static const glyphs *G = &ascii_glyphs;
static int utf8_ok;

void ui_draw_setup(ui_view *v, int colour, int utf8)
{
    static const short p256[NPAL_MAX] = { 39, 214, 77, 177, 220, 44, 209, 141, 155, 180, 75, 204 };
    static const short p8[6] = { COLOR_CYAN, COLOR_YELLOW, COLOR_GREEN, COLOR_MAGENTA,
                                 COLOR_BLUE, COLOR_RED };
    int i;

    v->utf8 = utf8_ok = utf8;
    G = utf8 ? &utf8_glyphs : &ascii_glyphs;

    /* no colour: attributes alone carry the roles */
    for (i = 0; i < R_COUNT; i++)
        role[i] = A_NORMAL;
    role[R_TITLE] = A_BOLD;
    role[R_DIM] = role[R_IDLE] = role[R_PARKED] = A_DIM;
    role[R_WARN] = role[R_ERROR] = role[R_OK] = role[R_KEY] = A_BOLD;
    role[R_MOVED] = A_REVERSE | A_BOLD;
    role[R_SELECT] = A_UNDERLINE | A_BOLD;
    npal = 1;
    pal_fg[0] = A_BOLD;
    pal_bg[0] = A_REVERSE;

    if (!colour || !has_colors() || start_color() == ERR)
        return;
    use_default_colors();
    if (COLORS >= 256 && COLOR_PAIRS >= 64) {
        init_pair(1, 110, -1);  role[R_LABEL] = COLOR_PAIR(1);
        init_pair(2, 242, -1);  role[R_DIM] = role[R_IDLE] = COLOR_PAIR(2);
        init_pair(3, 238, -1);  role[R_PARKED] = COLOR_PAIR(3);
        init_pair(4, 244, -1);  role[R_BORDER] = COLOR_PAIR(4);
        init_pair(5, 214, -1);  role[R_WARN] = COLOR_PAIR(5) | A_BOLD;
        init_pair(6, 203, -1);  role[R_ERROR] = COLOR_PAIR(6) | A_BOLD;
        init_pair(7, 78, -1);   role[R_OK] = COLOR_PAIR(7) | A_BOLD;
        init_pair(8, 117, -1);  role[R_KEY] = COLOR_PAIR(8) | A_BOLD;
        npal = NPAL_MAX;
        for (i = 0; i < NPAL_MAX; i++) {
            init_pair((short)(20 + i), p256[i], -1);
            init_pair((short)(40 + i), 16, p256[i]);
            pal_fg[i] = COLOR_PAIR(20 + i);
            pal_bg[i] = COLOR_PAIR(40 + i);
        }
    } else if (COLORS >= 8 && COLOR_PAIRS >= 48) {
        init_pair(1, COLOR_CYAN, -1);    role[R_LABEL] = COLOR_PAIR(1);
        init_pair(4, COLOR_BLUE, -1);    role[R_BORDER] = COLOR_PAIR(4);
        init_pair(5, COLOR_YELLOW, -1);  role[R_WARN] = COLOR_PAIR(5) | A_BOLD;
        init_pair(6, COLOR_RED, -1);     role[R_ERROR] = COLOR_PAIR(6) | A_BOLD;
        init_pair(7, COLOR_GREEN, -1);   role[R_OK] = COLOR_PAIR(7) | A_BOLD;
        init_pair(8, COLOR_CYAN, -1);    role[R_KEY] = COLOR_PAIR(8) | A_BOLD;
        npal = 6;
        for (i = 0; i < 6; i++) {
            init_pair((short)(20 + i), p8[i], -1);
            init_pair((short)(40 + i), COLOR_BLACK, p8[i]);
            pal_fg[i] = COLOR_PAIR(20 + i);
            pal_bg[i] = COLOR_PAIR(40 + i);
        }
    }
}

/* ---- text helpers ------------------------------------------------------------ */

/* Draws s at (y, x), never at or past column xmax; returns the column after.
 * Glyph strings are one column each; without UTF-8 any non-ASCII character
 * becomes '?', so nothing but ASCII reaches an ASCII terminal. */
static int put(int y, int x, int xmax, attr_t a, const char *s)
{
    char buf[1024];
    size_t n = 0;
    int x0 = x;
    const unsigned char *p = (const unsigned char *)s;

    if (x >= xmax || y < 0 || y >= LINES || x < 0)
        return x;
    while (*p != '\0' && x < xmax && n + 5 < sizeof buf) {
        size_t len = 1;
        if (*p >= 0x80) {
            while ((p[len] & 0xC0) == 0x80)
                len++;
            if (!utf8_ok) {
                buf[n++] = '?';
                p += len;
                x++;
                continue;
            }
        }
        memcpy(buf + n, p, len);
        n += len;
        p += len;
        x++;
    }
    buf[n] = '\0';
    attrset(a);
    mvaddstr(y, x0, buf);
    attrset(A_NORMAL);
    return x;
}

__attribute__((format(printf, 5, 6)))
static int putf(int y, int x, int xmax, attr_t a, const char *fmt, ...)
{
    char buf[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return put(y, x, xmax, a, buf);
}

/* Columns a string takes (every character is one column here). */
static int width(const char *s)
{
    int w = 0;
    for (; *s != '\0'; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

/* Like put, but a string that does not fit ends in the ellipsis (as the
 * about line does), so a cut line never passes for a whole one. */
static int put_cut(int y, int x, int xmax, attr_t a, const char *s)
{
    int ew = width(G->ell);

    if (x + width(s) <= xmax || xmax - x <= ew)
        return put(y, x, xmax, a, s);
    x = put(y, x, xmax - ew, a, s);
    return put(y, x, xmax, a, G->ell);
}

static void repeat(int y, int x0, int x1, attr_t a, const char *g)
{
    int x;
    for (x = x0; x < x1; x++)
        put(y, x, x + 1, a, g);
}

static void add_hit(ui_view *v, int y, int x0, int x1, uint32_t id)
{
    if (v->nhits < UI_HITS && x1 > x0) {
        ui_hit *h = &v->hits[v->nhits++];
        h->y = y;
        h->x0 = x0;
        h->x1 = x1;
        h->routine = id;
    }
}

uint32_t ui_draw_hit(const ui_view *v, int y, int x)
{
    int i;
    for (i = v->nhits - 1; i >= 0; i--)
        if (v->hits[i].y == y && x >= v->hits[i].x0 && x < v->hits[i].x1)
            return v->hits[i].routine;
    return 0;
}

#define MOVED_MS 900     /* how long a chip stays highlighted after a move */

static attr_t chip_attr(const ui_view *v, const ui_routine *r)
{
    attr_t a = pal_fg[r->colour % npal];

    if (r->moved_wall != 0 && v->wall >= r->moved_wall && v->wall - r->moved_wall < MOVED_MS
        && r->at != UI_AT_DONE)
        a = (npal > 1 ? pal_bg[r->colour % npal] : A_REVERSE) | A_BOLD;
    if (r->id == v->selected)
        a |= A_UNDERLINE | A_BOLD;
    return a;
}

/* A routine's name where the routine is; clickable. */
static int chip(ui_view *v, int y, int x, int xmax, uint32_t id, const char *suffix)
{
    ui_routine *r = ui_model_routine(v->m, id);
    int x0 = x;

    if (r == NULL || x >= xmax)
        return x;
    if (r->id == v->selected)
        x = put(y, x, xmax, role[R_SELECT], G->mark);
    x = put(y, x, xmax, chip_attr(v, r), r->name);
    if (suffix != NULL)
        x = put(y, x, xmax, role[R_DIM], suffix);
    add_hit(v, y, x0, x, id);
    return x;
}

/* A list of chips separated by spaces; "—" when empty; "+N" when cut. */
static int chips(ui_view *v, int y, int x, int xmax, const uint32_t *ids, size_t n,
                 size_t total, const char *prefix_first)
{
    size_t i;

    if (total == 0)
        return put(y, x, xmax, role[R_DIM], G->dash);
    for (i = 0; i < n; i++) {
        ui_routine *r = ui_model_routine(v->m, ids[i]);
        int need = r != NULL ? width(r->name) + 1 : 0;
        /* "+N" where the rest would not fit, the last one too (never
         * a name cut short) */
        if ((x + need > xmax - 4 && i + 1 < n) || x + need - 1 > xmax) {
            return putf(y, x, xmax, role[R_DIM], "+%zu", total - i);
        }
        if (i == 0 && prefix_first != NULL)
            x = put(y, x, xmax, role[R_DIM], prefix_first);
        x = chip(v, y, x, xmax, ids[i], NULL);
        if (i + 1 < n)
            x = put(y, x, xmax, A_NORMAL, " ");
    }
    if (total > n)
        x = putf(y, x, xmax, role[R_DIM], " +%zu", total - n);
    return x;
}

/* ---- layout: the one function that knows where things go -------------------- */

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

static int count_chans(const ui_model *m)
{
    uint32_t i;
    int n = 0;
    for (i = 1; i <= m->maxchan && i < m->nchans; i++)
        n += m->chans[i].id != 0;
    return n;
}

static int wrap(int y, int n, int x0, int xmax, attr_t a, const char *text);
static size_t explain_text(const ui_view *v, int cols, char *text, size_t size, attr_t *a);

static void do_layout(ui_view *v, layout *L, int rows, int cols)
{
    const ui_model *m = v->m;
    int nl = m->nlanes > 0 ? m->nlanes : 1;
    int nch = count_chans(m), avail, y, maxname = 6, left;
    uint32_t id;

    memset(L, 0, sizeof *L);
    L->rows = rows;
    L->cols = cols;
    L->full = cols;
    if (rows < UI_MIN_ROWS || cols < UI_MIN_COLS) {
        L->small = 1;
        return;
    }
    if (cols >= 140 && rows >= 24 && !v->side_hidden) {
        /* wide: the selected routine stays in view at the right */
        L->side_w = cols / 3 > 60 ? 60 : cols / 3;
        L->side_x = cols - L->side_w;
        L->cols = cols = L->side_x;
    }
    /* header: the title row and the about (a second row for it when it is
     * long and there are 20 rows); below the lanes: explain, runnable,
     * channels, sleeping, done, stats, hints; the lanes come first,
     * channels give way down to one row */
    L->about_n = 1;
    if (rows >= 20 && v->about != NULL && width(v->about) > L->full)
        L->about_n = 2;
    avail = rows - 1 - L->about_n - 6;
    L->lanes_y = 1 + L->about_n;
    L->first = 0;
    L->nshow = nl;
    if (2 * nl + 1 + nch <= avail) {
        L->boxed = 1;
        L->lanes_h = 2 * nl + 1;
        L->chan_n = nch;
    } else {
        int want = nl + 2;
        L->chan_n = avail - want;
        if (L->chan_n > nch)
            L->chan_n = nch;
        if (L->chan_n < (nch > 0 ? 1 : 0))
            L->chan_n = nch > 0 ? 1 : 0;
        L->nshow = avail - L->chan_n - 2;
        if (L->nshow > nl)
            L->nshow = nl;
        if (L->nshow < 1)
            L->nshow = 1;
        L->lanes_h = L->nshow + 2;
        L->first = v->lane_scroll;
        if (L->first > nl - L->nshow)
            L->first = nl - L->nshow;
        if (L->first < 0)
            L->first = 0;
        v->lane_scroll = L->first;
    }
    L->chans_hidden = nch - L->chan_n;

    for (id = 1; id <= m->maxid && id < m->nroutines; id++)
        if (m->routines[id].id != 0 && width(m->routines[id].name) > maxname)
            maxname = width(m->routines[id].name);
    L->namew = maxname > (cols < 80 ? 9 : 12) ? (cols < 80 ? 9 : 12) : maxname;
    L->tl_x = 2 + (L->boxed ? 0 : 9) + L->namew + 1;
    L->tl_w = cols - 2 - L->tl_x;

    y = L->lanes_y + L->lanes_h;
    left = rows - y - 6 - L->chan_n;       /* rows nobody asked for */
    L->explain_y = y;
    L->explain_n = left >= 4 ? 2 : 1;
    {
        /* a message, or a step's account, takes rows from the decisions,
         * and on a small screen up to three from the channels */
        char text[2048];
        attr_t a;
        if (explain_text(v, cols, text, sizeof text, &a) > 0) {
            int want = wrap(-1, 64, 1, cols, A_NORMAL, text);
            int short_by = (want < 4 ? want : 4) - 1 - left;
            if (short_by > 0 && L->chan_n > 1) {
                int take = short_by < L->chan_n - 1 ? short_by : L->chan_n - 1;
                L->chan_n -= take;
                L->chans_hidden += take;
                left += take;
            }
            if (want > L->explain_n)
                L->explain_n = want < left + 1 ? want : left + 1;
            if (L->explain_n < 1)
                L->explain_n = 1;
        }
    }
    left -= L->explain_n - 1;
    y += L->explain_n;
    L->runq_y = y++;
    L->chan_y = y;
    y += L->chan_n;
    L->sleep_y = y++;
    L->done_y = y++;
    L->log_y = y;
    L->log_n = left > 0 ? left : 0;
    L->stats_y = rows - 2;
    L->hints_y = rows - 1;
}

/* ---- regions ------------------------------------------------------------------ */

/* CPUs this process may use: the runtime's latest LOAD, else start-up's. */
static int cpus_of(const ui_view *v)
{
    return v->m->cpu.cpus > 0 ? v->m->cpu.cpus : v->cpus;
}

static void draw_header(ui_view *v, const layout *L)
{
    const ui_model *m = v->m;
    char right[256], state[64], q[32], extra[64] = "", where[96], busy[48] = "";
    int cpus = cpus_of(v), x, rw, ww, cols = L->full, over = v->cores > cpus && cpus > 0;
    int warn = over || out_cpu_machine_busy(&m->cpu);
    attr_t ra = v->end == UI_END_DONE ? role[R_OK] : v->end != UI_END_NONE ? role[R_ERROR] : A_NORMAL;
    double t = (double)m->now / 1000.0 * v->tick_s;

    if (v->end == UI_END_DONE)
        snprintf(state, sizeof state, "%s done", G->stop);
    else if (v->end == UI_END_DEADLOCK)
        snprintf(state, sizeof state, "%s deadlock", G->stop);
    else if (v->end == UI_END_ERROR)
        snprintf(state, sizeof state, "%s error", G->stop);
    else if (v->end != UI_END_NONE)
        snprintf(state, sizeof state, "%s fault", G->stop);
    else if (v->paused)
        snprintf(state, sizeof state, "%s paused", G->pause);
    else
        snprintf(state, sizeof state, "%s %s", G->play, v->speed);
    if (v->quantum > 0)
        snprintf(q, sizeof q, "quantum %d", v->quantum);
    else
        snprintf(q, sizeof q, "no preemption");
    if (v->dropped > 0)
        snprintf(extra, sizeof extra, " %s dropped %llu", G->dot, (unsigned long long)v->dropped);
    /* more lanes than CPUs: said where it cannot be missed, in warning
     * colours, instead of "cores N (M CPUs)" */
    if (out_cpu_machine_busy(&m->cpu))
        snprintf(busy, sizeof busy, " %s machine busy", G->warn);
    if (over)
        snprintf(where, sizeof where, "%s %d lanes on %d CPU%s%s", G->warn, v->cores, cpus,
                 cpus == 1 ? "" : "s", busy);
    else
        snprintf(where, sizeof where, "cores %d (%d CPU%s)%s", v->cores, cpus,
                 cpus == 1 ? "" : "s", busy);
    snprintf(right, sizeof right, " %s %s %s %s %s tick %lld %s %.1fs%s",
             G->dot, q, G->dot, state,
             G->dot, (long long)(ui_model_last_tick(m) + 1), G->dot, t, extra);
    ww = width(where);
    rw = ww + width(right);
    if (rw > cols - 22) {
        if (busy[0] != '\0')
            snprintf(busy, sizeof busy, " %sbusy", G->warn);
        if (over)
            snprintf(where, sizeof where, "%s%d lanes/%d CPU%s%s", G->warn, v->cores, cpus,
                     cpus == 1 ? "" : "s", busy);
        else
            snprintf(where, sizeof where, "%d core%s/%d CPU%s%s", v->cores,
                     v->cores == 1 ? "" : "s", cpus, cpus == 1 ? "" : "s", busy);
        snprintf(right, sizeof right, " %s q%d %s %s %s t%lld%s",
                 G->dot, v->quantum, G->dot, state, G->dot,
                 (long long)(ui_model_last_tick(m) + 1), extra);
        ww = width(where);
        rw = ww + width(right);
    }
    x = 0;
    if (v->title == NULL || width(v->title) + 8 <= cols - rw - 2) {
        x = put(0, 0, cols - rw - 2, role[R_TITLE], "lanes ");
        x = put(0, x, cols - rw - 2, role[R_DIM], G->dot);
        x = put(0, x, cols - rw - 2, role[R_TITLE], " ");
    }
    put_cut(0, x, cols - rw - 2, role[R_TITLE], v->title != NULL ? v->title : "");
    x = put(0, cols - rw, cols, warn ? role[R_WARN] : ra, where);
    put(0, x, cols, ra, right);

    /* the scenario's about (it says what to press): whole, on two rows
     * when the layout gave it two, else ending in an ellipsis */
    if (v->about != NULL)
        wrap(1, L->about_n, 0, cols, role[R_DIM], v->about);
}

/* A routine's label in n cells: its whole name, else its one short label
 * (the model's abbr, "co1" for cook#1, the same everywhere), else nothing:
 * a run too short for either is only its colour. */
static const char *label_for(const ui_routine *r, int n)
{
    if (n >= width(r->name))
        return r->name;
    if (n >= width(r->abbr))
        return r->abbr;
    return "";
}

/* A lane's current routine in its name column of w cells. */
static void name_chip(ui_view *v, int y, int x, int w, uint32_t id)
{
    ui_routine *r = ui_model_routine(v->m, id);
    const char *label;

    if (r == NULL)
        return;
    label = label_for(r, w);
    if (*label == '\0')
        label = r->name;
    put(y, x, x + w, chip_attr(v, r), label);
    add_hit(v, y, x, x + width(label), id);
}

/* One lane's timeline, newest tick at the right edge. */
static void draw_timeline(ui_view *v, const layout *L, int y, int lane)
{
    const ui_model *m = v->m;
    int64_t last = ui_model_last_tick(m);
    const ui_cell *cells[1024];
    const char *label;
    int w = L->tl_w < 1024 ? L->tl_w : 1024, c, e, k;
    int prev_e = -2, prev_alt = 0;     /* the run before, without colour */
    uint32_t prev_routine = 0;

    for (c = 0; c < w; c++) {
        int64_t tick = last - (w - 1 - c);
        cells[c] = tick >= 0 ? ui_model_cell(m, lane, (uint64_t)tick) : NULL;
    }
    for (c = 0; c < w; c = e + 1) {
        const ui_cell *cl = cells[c];
        int x = L->tl_x + c;
        e = c;
        if (cl == NULL) {
            continue;
        }
        if (cl->flags & UI_CELL_RUN) {
            ui_routine *r = ui_model_routine(v->m, cl->routine);
            attr_t a;
            int len, lead, trail;
            if (r == NULL) {
                put(y, x, x + 1, A_REVERSE, "?");
                continue;
            }
            /* a run: one routine's cells up to a preemption or a steal */
            while (e + 1 < w && cells[e + 1] != NULL && (cells[e + 1]->flags & UI_CELL_RUN)
                   && cells[e + 1]->routine == cl->routine
                   && !(cells[e]->flags & UI_CELL_PREEMPT)
                   && !(cells[e + 1]->flags & UI_CELL_STEAL))
                e++;
            len = e - c + 1;
            lead = (cells[c]->flags & UI_CELL_STEAL) ? 1 : 0;
            trail = (cells[e]->flags & UI_CELL_PREEMPT) && len > lead ? 1 : 0;
            a = pal_bg[r->colour % npal];
            if (npal == 1) {
                /* no colour: runs are reversed, and a run next to another
                 * routine's takes the other of reverse / reverse
                 * underlined (the slice parity first, so it holds still) */
                int alt = (cl->flags & UI_CELL_ALT) != 0;
                if (prev_e == c - 1 && prev_routine == r->id)
                    alt = prev_alt;
                else if (prev_e == c - 1 && alt == prev_alt)
                    alt = !alt;
                prev_e = e;
                prev_alt = alt;
                prev_routine = r->id;
                if (alt)
                    a |= A_UNDERLINE;
                if (r->id == v->selected)
                    a |= A_BOLD;
            } else if (r->id == v->selected) {
                a |= A_UNDERLINE | A_BOLD;
            }
            label = label_for(r, len - lead - trail);
            for (k = 0; k < len; k++) {
                const ui_cell *ck = cells[c + k];
                char one[2] = { ' ', '\0' };
                const char *g = one;
                attr_t ak = a;
                int ni = k - lead, starved = ui_model_cell_waiting(m, lane, ck);
                /* the name or short label, then a solid bar in the
                 * routine's colour (UTF-8) or its colour as background;
                 * a tick its thread spent waiting for a CPU is a light
                 * shade in the routine's colour, never solid */
                if (starved)
                    ak = (npal > 1 ? pal_fg[r->colour % npal] : A_NORMAL)
                       | (a & (A_UNDERLINE | A_BOLD));
                if (ni >= 0 && ni < (int)strlen(label))
                    one[0] = label[ni];
                else if (starved) {
                    g = G->wait;
                    v->waiting_shown = 1;
                } else if (G->fill != NULL && npal > 1) {
                    g = G->fill;
                    ak = pal_fg[r->colour % npal] | (a & (A_UNDERLINE | A_BOLD));
                }
                if (ck->flags & UI_CELL_STEAL)
                    g = G->steal, ak = a;
                else if (ck->flags & UI_CELL_PREEMPT)
                    g = G->pre, ak = a;
                put(y, x + k, x + k + 1, ak, g);
            }
            add_hit(v, y, x, x + len, r->id);
        } else if (cl->flags & UI_CELL_PARKED) {
            put(y, x, x + 1, role[R_PARKED], G->park);
        } else {
            put(y, x, x + 1, role[R_IDLE], G->dot);
        }
    }
}

#define RAN_TICKS 50     /* the window of a lane's "ran N%" */

static void lane_label(const ui_view *v, int lane, char *buf, size_t n, int compact)
{
    const ui_lane *ln = &v->m->lanes[lane];
    char cpu[16];

    if (ln->cpu >= 0)
        snprintf(cpu, sizeof cpu, "%d", ln->cpu);
    else
        snprintf(cpu, sizeof cpu, "-");
    if (compact) {
        if (ln->parked)
            snprintf(buf, n, "%2d off ", lane);
        else
            snprintf(buf, n, "%2d %3d%%", lane, ui_model_ran(v->m, lane, RAN_TICKS));
    } else if (ln->parked) {
        snprintf(buf, n, " core %d %s off ", lane, G->dot);
    } else {
        /* the share of a CPU the lane's thread really had, not the share
         * of ticks it held a routine */
        snprintf(buf, n, " core %d %s cpu %s %s ran %d%% ", lane, G->dot, cpu, G->dot,
                 ui_model_ran(v->m, lane, RAN_TICKS));
    }
}

/* The legend of the waiting ticks, over the border under the lanes, while
 * any are on screen: the words for what the light shade means. */
static void draw_legend(ui_view *v, int y, int xmax)
{
    /* more lanes than CPUs: the lanes take turns; else other programs
     * (or our own other threads) had the CPU */
    static const char *const sliced[] = {
        " waiting for a CPU: the OS is time-slicing the lanes ",
        " waiting for a CPU: OS time-slicing ",
        " waiting for a CPU ",
    };
    static const char *const others[] = {
        " waiting for a CPU: the OS gave it to other programs ",
        " waiting for a CPU: others had it ",
        " waiting for a CPU ",
    };
    const char *const *words = v->cores > cpus_of(v) && cpus_of(v) > 0 ? sliced : others;
    int i, x;

    if (!v->waiting_shown)
        return;
    for (i = 0; i < 2 && 3 + width(words[i]) + 1 > xmax; i++)
        ;
    x = put(y, 2, xmax, A_NORMAL, " ");
    x = put(y, x, xmax, role[R_WARN], G->wait);
    put(y, x, xmax, role[R_WARN], words[i]);
}

static void draw_lanes(ui_view *v, const layout *L)
{
    const ui_model *m = v->m;
    int cols = L->cols, j, y = L->lanes_y;
    char label[96];
    attr_t b = role[R_BORDER];

    v->waiting_shown = 0;
    if (!L->boxed) {
        /* compact: a top and a bottom border, one row a lane */
        put(y, 0, 1, b, G->tl);
        repeat(y, 1, cols - 1, b, G->h);
        put(y, cols - 1, cols, b, G->tr);
        put(y, 2, cols - 2, role[R_LABEL], " core ran ");
        if (L->first > 0)
            putf(y, cols - 16, cols - 2, role[R_DIM], " %s %d more ", G->up, L->first);
        for (j = 0; j < L->nshow; j++) {
            int lane = L->first + j, yy = y + 1 + j;
            const ui_lane *ln = &m->lanes[lane];
            put(yy, 0, 1, b, G->v);
            put(yy, cols - 1, cols, b, G->v);
            lane_label(v, lane, label, sizeof label, 1);
            put(yy, 1, 9, ln->parked ? role[R_PARKED] : role[R_LABEL], label);
            if (ln->cur != 0)
                name_chip(v, yy, 10, L->namew, ln->cur);
            draw_timeline(v, L, yy, lane);
        }
        y += 1 + L->nshow;
        put(y, 0, 1, b, G->bl);
        repeat(y, 1, cols - 1, b, G->h);
        put(y, cols - 1, cols, b, G->br);
        if (L->first + L->nshow < m->nlanes)
            putf(y, cols - 24, cols - 2, role[R_DIM], " %s %d more (PgDn) ", G->down,
                 m->nlanes - L->first - L->nshow);
        draw_legend(v, y, L->first + L->nshow < m->nlanes ? cols - 25 : cols - 2);
        v->lanes_shown = L->nshow;
        return;
    }
    for (j = 0; j < L->nshow; j++) {
        int lane = L->first + j;
        const ui_lane *ln = &m->lanes[lane];
        put(y, 0, 1, b, j == 0 ? G->tl : G->lt);
        repeat(y, 1, cols - 1, b, G->h);
        put(y, cols - 1, cols, b, j == 0 ? G->tr : G->rt);
        lane_label(v, lane, label, sizeof label, 0);
        put(y, 1, cols - 2, ln->parked ? role[R_PARKED] : role[R_LABEL], label);
        y++;
        put(y, 0, 1, b, G->v);
        put(y, cols - 1, cols, b, G->v);
        if (ln->cur != 0)
            name_chip(v, y, 2, L->namew, ln->cur);
        else
            put(y, 2, 2 + L->namew, ln->parked ? role[R_PARKED] : role[R_DIM],
                ln->parked ? "off" : "idle");
        draw_timeline(v, L, y, lane);
        y++;
    }
    put(y, 0, 1, b, G->bl);
    repeat(y, 1, cols - 1, b, G->h);
    put(y, cols - 1, cols, b, G->br);
    draw_legend(v, y, cols - 2);
    v->lanes_shown = L->nshow;
}

/* Writes text over up to n rows, breaking at spaces and at '\n'; returns
 * the rows it took.  y < 0: only counts. */
static int wrap(int y, int n, int x0, int xmax, attr_t a, const char *text)
{
    const char *p = text;
    int row;

    for (row = 0; row < n && *p != '\0'; row++) {
        int w = xmax - x0, len = 0, brk = -1, cols = 0;
        char line[512];
        while (p[len] != '\0' && p[len] != '\n' && cols < w) {
            if (p[len] == ' ')
                brk = len;
            if (((unsigned char)p[len] & 0xC0) != 0x80)
                cols++;
            len++;
        }
        while (((unsigned char)p[len] & 0xC0) == 0x80)
            len++;
        if (p[len] != '\0' && p[len] != '\n' && brk > 0 && row + 1 < n)
            len = brk;
        if (len >= (int)sizeof line)
            len = (int)sizeof line - 1;
        memcpy(line, p, (size_t)len);
        line[len] = '\0';
        p += len;
        if (*p == '\n')
            p++;
        else
            while (*p == ' ')
                p++;
        if (y >= 0) {
            int x = put(y + row, x0, xmax, a, line);
            /* the last row, and more to say: show that it goes on */
            if (row + 1 == n && *p != '\0') {
                int ew = width(G->ell);
                put(y + row, x + 1 <= xmax - ew ? x + 1 : xmax - ew, xmax, a, G->ell);
            }
        }
    }
    return row;
}

#define NOTE_MS 2500     /* how long a passing note stays */
#define LESSON_MS 15000  /* how long the scenario's narration stays while running */

/* The scenario's latest note (its narration) while it is fresh or the run
 * is paused, with what to do when a note paused the run; then any message.
 * 0 when there is none to show. */
static size_t lesson_text(const ui_view *v, char *text, size_t size, attr_t *a)
{
    const ui_model *m = v->m;
    const char *dash = v->utf8 ? "\xe2\x80\x94" : "-";

    if (m->lesson[0] == '\0' || v->end != UI_END_NONE)
        return 0;
    if (v->paused ? m->step_valid : v->wall >= m->lesson_wall + LESSON_MS)
        return 0;                   /* a step's account, or the note is old */
    *a = A_BOLD;
    if (v->paused && m->lesson_pause)
        snprintf(text, size, "%s %s space goes on", m->lesson, dash);
    else
        snprintf(text, size, "%s", m->lesson);
    if (v->message[0] != '\0') {
        size_t n = strlen(text);
        snprintf(text + n, size - n, "\n%s", v->message);
    }
    return strlen(text);
}

/* Runnable routines lane l's preemption looks at: the global queue and
 * its own (as the runtime's others_runnable does). */
static size_t runnable_for(const ui_model *m, int l)
{
    return ui_model_list(m, UI_AT_GLOBAL, -1, 0, NULL, 0) +
           ui_model_list(m, UI_AT_LOCAL, l, 0, NULL, 0) +
           ui_model_list(m, UI_AT_RUNNEXT, l, 0, NULL, 0);
}

/* What the explain rows say, when they say one text: a message, what each
 * core did in the last step (a line a core), or how to step.  0 when the
 * run goes on (then they show the latest decision). */
static size_t explain_text(const ui_view *v, int cols, char *text, size_t size, attr_t *a)
{
    const ui_model *m = v->m;
    size_t n = 0;
    int l, first = 1;

    text[0] = '\0';
    if (v->note[0] != '\0' && v->wall >= v->note_wall && v->wall - v->note_wall < NOTE_MS) {
        *a = role[R_WARN];
        snprintf(text, size, "%s%s%s", v->note, v->message[0] != '\0' ? "\n" : "", v->message);
        return strlen(text);
    }
    if (lesson_text(v, text, size, a) > 0)
        return strlen(text);
    if (v->message[0] != '\0') {
        *a = v->end == UI_END_DONE ? role[R_OK]
           : v->end != UI_END_NONE ? role[R_ERROR] : role[R_WARN];
        snprintf(text, size, "%s", v->message);
        return strlen(text);
    }
    if (!v->paused)
        return 0;
    if (!m->step_valid) {
        *a = role[R_WARN];
        snprintf(text, size, "paused: s or Right steps one tick and says what each core did; "
                             "space resumes");
        return strlen(text);
    }
    *a = A_BOLD;
    n += (size_t)snprintf(text + n, size - n, "step %llu: ", (unsigned long long)m->steps);
    for (l = 0; l < m->nlanes && n + 200 < size; l++) {
        const ui_lane *ln = &m->lanes[l];
        const char *sep = first ? "" : "\n";
        if (ln->parked && ln->step[0] == '\0')
            continue;
        first = 0;
        if (ln->step[0] != '\0') {
            n += (size_t)snprintf(text + n, size - n, "%score %d: %s", sep, l, ln->step);
        } else if (ln->cur != 0) {
            const ui_routine *r = ui_model_routine(v->m, ln->cur);
            const char *name = r != NULL ? r->name : "?";
            uint64_t used = (m->now - ln->run_since + 999) / 1000;
            if (m->quantum > 0 && used <= (uint64_t)m->quantum)
                n += (size_t)snprintf(text + n, size - n, "%score %d: %s ran tick %llu of its "
                                      "%d-tick slice", sep, l, name, (unsigned long long)used,
                                      m->quantum);
            else if (m->quantum > 0 && runnable_for(m, l) > 0)
                /* "nobody waits" would contradict the queue line below */
                n += (size_t)snprintf(text + n, size - n, "%score %d: %s ran tick %llu, past "
                                      "its %d-tick slice", sep, l, name,
                                      (unsigned long long)used, m->quantum);
            else if (m->quantum > 0 && cols >= 100)
                n += (size_t)snprintf(text + n, size - n, "%score %d: %s kept running (tick %llu: "
                                      "nobody waits, so no preemption)", sep, l, name,
                                      (unsigned long long)used);
            else if (m->quantum > 0)
                n += (size_t)snprintf(text + n, size - n, "%score %d: %s kept running, nobody "
                                      "waits", sep, l, name);
            else
                n += (size_t)snprintf(text + n, size - n, "%score %d: %s ran on", sep, l, name);
        } else {
            n += (size_t)snprintf(text + n, size - n, "%score %d: idle, nothing to run", sep, l);
        }
    }
    return n;
}

static void draw_explain(ui_view *v, const layout *L)
{
    const ui_model *m = v->m;
    char text[2048];
    attr_t a = A_NORMAL;

    if (explain_text(v, L->cols, text, sizeof text, &a) > 0) {
        wrap(L->explain_y, L->explain_n, 1, L->cols, a, text);
        return;
    }
    if (ui_model_log(m, 0) != NULL) {
        int x = put(L->explain_y, 1, L->cols, role[R_LABEL], "latest ");
        put_cut(L->explain_y, x, L->cols, A_NORMAL, ui_model_log(m, 0));
    }
    if (L->explain_n > 1 && v->end == UI_END_NONE && v->cores > cpus_of(v) && cpus_of(v) > 0)
        putf(L->explain_y + 1, 1, L->cols, role[R_WARN],
             "%d lanes on %d CPU%s: the OS time-slices the lanes", v->cores, cpus_of(v),
             cpus_of(v) == 1 ? "" : "s");
    else if (L->explain_n > 1 && v->end == UI_END_NONE && out_cpu_machine_busy(&m->cpu))
        putf(L->explain_y + 1, 1, L->cols, role[R_WARN],
             "machine busy: other programs use %.1f CPU of this process's %d",
             (double)m->cpu.load / 1000.0, cpus_of(v));
    else if (L->explain_n > 1 && v->end == UI_END_NONE)
        put(L->explain_y + 1, 1, L->cols, role[R_DIM],
            "space pauses, s steps a tick and says what each core did");
}

#define LABEL_W 11

static void draw_runq(ui_view *v, const layout *L)
{
    const ui_model *m = v->m;
    uint32_t ids[64], nx[1];
    size_t n, nn;
    int x, y = L->runq_y, xmax = L->cols - 1, l;
    char lab[24];

    put(y, 1, LABEL_W, role[R_LABEL], "runnable");
    x = put(y, LABEL_W + 1, xmax, role[R_DIM], "global: ");
    n = ui_model_list(m, UI_AT_GLOBAL, -1, 0, ids, 64);
    x = chips(v, y, x, xmax, ids, n < 64 ? n : 64, n, NULL);
    for (l = 0; l < m->nlanes && x < xmax - 8; l++) {
        if (m->lanes[l].parked)
            continue;
        snprintf(lab, sizeof lab, "   core %d: ", l);
        x = put(y, x, xmax, role[R_DIM], lab);
        nn = ui_model_list(m, UI_AT_RUNNEXT, l, 0, nx, 1);
        n = ui_model_list(m, UI_AT_LOCAL, l, 0, ids, 64);
        if (nn > 0) {
            x = put(y, x, xmax, role[R_DIM], G->next);
            x = chip(v, y, x, xmax, nx[0], NULL);
            if (n > 0)
                x = put(y, x, xmax, A_NORMAL, " ");
        }
        if (n > 0 || nn == 0)
            x = chips(v, y, x, xmax, ids, n < 64 ? n : 64, n, NULL);
    }
}

/* The name and contents of channel c on row y; returns the column after. */
static int chan_contents(int y, int xmax, const ui_chan *c)
{
    int x = LABEL_W + 1, i;
    char buf[32];

    put(y, 1, LABEL_W, role[R_LABEL], c->name);
    if (c->cap == 0) {
        x = put(y, x, xmax, role[R_DIM], "unbuffered");
    } else {
        x = put(y, x, xmax, A_NORMAL, "[");
        for (i = 0; i < c->nbuf && x < LABEL_W + 1 + 24; i++) {
            snprintf(buf, sizeof buf, "%s" SCN_ITEM_TAG "%d", i ? " " : "", (int)c->buf[i]);
            x = put(y, x, xmax, A_BOLD, buf);
        }
        if (i < c->nbuf)
            x = putf(y, x, xmax, role[R_DIM], " +%d", c->nbuf - i);
        for (i = c->nbuf; i < c->cap && i < 6; i++)
            x = putf(y, x, xmax, role[R_DIM], "%s%s", i ? " " : "", G->dot);
        x = put(y, x, xmax, A_NORMAL, "]");
        x = putf(y, x, xmax, role[R_DIM], " %d/%d", c->nbuf, c->cap);
    }
    if (c->closed)
        x = put(y, x, xmax, role[R_WARN], " closed");
    return x;
}

/* Two passes: the contents of every shown channel first, so the waiters
 * start in one column for all of them (the widest contents decide it, as
 * far as the width allows). */
static void draw_chans(ui_view *v, const layout *L)
{
    ui_model *m = v->m;
    uint32_t id, ids[64];
    int row, xmax = L->cols - 1, narrow = L->cols < 90;
    int col = LABEL_W + 1 + 18, colmax = xmax - (narrow ? 16 : 40);
    size_t n;

    for (id = 1, row = 0; id <= m->maxchan && id < m->nchans && row < L->chan_n; id++) {
        int x;
        if (m->chans[id].id == 0)
            continue;
        x = chan_contents(L->chan_y + row++, xmax, &m->chans[id]);
        if (x > col)
            col = x;
    }
    if (col > colmax)
        col = colmax > LABEL_W + 1 + 18 ? colmax : LABEL_W + 1 + 18;

    for (id = 1, row = 0; id <= m->maxchan && id < m->nchans && row < L->chan_n; id++) {
        int y = L->chan_y + row, x;

        if (m->chans[id].id == 0)
            continue;
        row++;
        x = put(y, col, xmax, role[R_DIM], narrow ? "  send: " : "   senders waiting: ");
        n = ui_model_list(m, UI_AT_SEND, -1, id, ids, 64);
        x = chips(v, y, x, xmax, ids, n < 64 ? n : 64, n, NULL);
        x = put(y, x, xmax, role[R_DIM], narrow ? "  recv: " : "   receivers waiting: ");
        n = ui_model_list(m, UI_AT_RECV, -1, id, ids, 64);
        x = chips(v, y, x, xmax, ids, n < 64 ? n : 64, n, NULL);
        n = ui_model_list(m, UI_AT_SELECT, -1, id, ids, 64);
        if (n > 0) {
            x = put(y, x, xmax, role[R_DIM], "   in select: ");
            x = chips(v, y, x, xmax, ids, n < 64 ? n : 64, n, NULL);
        }
        if (row == L->chan_n && L->chans_hidden > 0 && xmax - x >= 10)
            putf(y, x, xmax, role[R_DIM], narrow ? "  +%d more" : "   (+%d channel%s)",
                 L->chans_hidden, L->chans_hidden == 1 ? "" : "s");
    }
}

static void draw_sleep_done(ui_view *v, const layout *L)
{
    ui_model *m = v->m;
    uint32_t ids[64];
    size_t n, i;
    int x, xmax = L->cols - 1, rw;
    char buf[160], suf[32];
    double secs = (double)m->now / 1000.0 * v->tick_s;

    put(L->sleep_y, 1, LABEL_W, role[R_LABEL], "sleeping");
    x = LABEL_W + 1;
    n = ui_model_list(m, UI_AT_SLEEP, -1, 0, ids, 64);
    if (n == 0)
        put(L->sleep_y, x, xmax, role[R_DIM], G->dash);
    for (i = 0; i < n && i < 64; i++) {
        const ui_routine *r = ui_model_routine(m, ids[i]);
        if (x + width(r->name) + 12 > xmax) {
            putf(L->sleep_y, x, xmax, role[R_DIM], "+%zu", n - i);
            break;
        }
        if (ui_model_sleep_left(m, r) == 0)
            snprintf(suf, sizeof suf, " (waking)");
        else
            snprintf(suf, sizeof suf, " (%d tick%s)", ui_model_sleep_left(m, r),
                     ui_model_sleep_left(m, r) == 1 ? "" : "s");
        x = chip(v, L->sleep_y, x, xmax, ids[i], suf);
        x = put(L->sleep_y, x, xmax, A_NORMAL, "  ");
    }

    if (m->items_done == 0)     /* nothing served: no rate, no latency */
        snprintf(buf, sizeof buf, "served 0 %s rate %s %s latency %s", G->dot, G->dash,
                 G->dot, G->dash);
    else
        snprintf(buf, sizeof buf, "served %llu %s %.1f/s %s latency %.1f ticks avg",
                 (unsigned long long)m->items_done, G->dot,
                 secs > 0 ? (double)m->items_done / secs : 0.0, G->dot, ui_model_latency(m));
    rw = width(buf);
    put(L->done_y, 1, LABEL_W, role[R_LABEL], "finished");
    n = ui_model_list(m, UI_AT_DONE, -1, 0, ids, 64);
    chips(v, L->done_y, LABEL_W + 1, xmax - rw - 2, ids, n < 64 ? n : 64, n, NULL);
    put(L->done_y, xmax - rw, xmax, A_NORMAL, buf);
}

static void draw_log(ui_view *v, const layout *L)
{
    int i;

    for (i = 0; i < L->log_n; i++) {
        const char *s = ui_model_log(v->m, (unsigned)i);
        if (i == 0)
            put(L->log_y, 1, LABEL_W, role[R_LABEL], "decisions");
        if (s == NULL)
            break;
        put_cut(L->log_y + i, LABEL_W + 1, L->cols - 1, i == 0 ? A_NORMAL : role[R_DIM], s);
    }
}

static void draw_stats(ui_view *v, const layout *L)
{
    const ui_model *m = v->m;
    char buf[3][256];
    int i, cpus = cpus_of(v);
    unsigned long long sw = m->switches, st = m->steals, pr = m->preempts;
    double par = ui_model_parallelism(m), occ = ui_model_occupancy(m);

    /* parallelism is CPU time over wall time (it never passes the CPUs);
     * occupancy is the share of lanes holding routines, named apart */
    snprintf(buf[0], sizeof buf[0], "switches %llu %s steals %llu %s preemptions %llu %s "
             "parallelism %.2f on %d CPU%s %s occupancy %.2f of %d lane%s",
             sw, G->dot, st, G->dot, pr, G->dot, par, cpus, cpus == 1 ? "" : "s", G->dot,
             occ, v->cores, v->cores == 1 ? "" : "s");
    snprintf(buf[1], sizeof buf[1], "switches %llu %s steals %llu %s preempt %llu %s "
             "parallelism %.2f/%d CPU %s occupancy %.2f/%d",
             sw, G->dot, st, G->dot, pr, G->dot, par, cpus, G->dot, occ, v->cores);
    snprintf(buf[2], sizeof buf[2], "switches %llu %s parallelism %.2f/%d CPU %s "
             "occupancy %.2f/%d", sw, G->dot, par, cpus, G->dot, occ, v->cores);
    for (i = 0; i < 2 && width(buf[i]) > L->full - 2; i++)
        ;
    put(L->stats_y, 1, L->full, A_NORMAL, buf[i]);
}

static void draw_hints(ui_view *v, const layout *L)
{
    int i, x = 1, xmax = L->full - 1, reserve = 0;
    const char *tail[2] = { NULL, NULL };

    (void)v;
    /* "? help" and "q quit" always show; the others as space allows */
    for (i = 0; ui_keys[i].action != UI_ACT_NONE; i++) {
        if (ui_keys[i].action == UI_ACT_HELP)
            tail[0] = ui_keys[i].hint;
        if (ui_keys[i].action == UI_ACT_QUIT)
            tail[1] = ui_keys[i].hint;
    }
    for (i = 0; i < 2; i++)
        if (tail[i] != NULL)
            reserve += width(tail[i]) + 3;
    for (i = 0; ui_keys[i].action != UI_ACT_NONE; i++) {
        const char *h = ui_keys[i].hint, *sp;
        char key[32];
        int w;
        if (h == NULL || h == tail[0] || h == tail[1])
            continue;
        w = width(h) + 3;
        if (x + w > xmax - reserve)
            continue;
        sp = strchr(h, ' ');
        snprintf(key, sizeof key, "%.*s", (int)(sp - h), h);
        x = put(L->hints_y, x, xmax, role[R_KEY], key);
        x = put(L->hints_y, x, xmax, A_NORMAL, sp);
        x = put(L->hints_y, x, xmax, role[R_DIM], "  ");
        x++;
    }
    for (i = 0; i < 2; i++) {
        const char *sp;
        char key[32];
        if (tail[i] == NULL)
            continue;
        sp = strchr(tail[i], ' ');
        snprintf(key, sizeof key, "%.*s", (int)(sp - tail[i]), tail[i]);
        x = put(L->hints_y, x, xmax, role[R_KEY], key);
        x = put(L->hints_y, x, xmax, A_NORMAL, sp);
        x += 3;
    }
}

/* ---- panes ---------------------------------------------------------------------- */

static void pane_box(int y0, int x0, int h, int w, const char *title)
{
    int y;
    attr_t b = role[R_BORDER];

    for (y = y0; y < y0 + h; y++) {
        move(y, x0);
        attrset(A_NORMAL);
        hline(' ', w);
    }
    put(y0, x0, x0 + 1, b, G->tl);
    repeat(y0, x0 + 1, x0 + w - 1, b, G->h);
    put(y0, x0 + w - 1, x0 + w, b, G->tr);
    for (y = y0 + 1; y < y0 + h - 1; y++) {
        put(y, x0, x0 + 1, b, G->v);
        put(y, x0 + w - 1, x0 + w, b, G->v);
    }
    put(y0 + h - 1, x0, x0 + 1, b, G->bl);
    repeat(y0 + h - 1, x0 + 1, x0 + w - 1, b, G->h);
    put(y0 + h - 1, x0 + w - 1, x0 + w, b, G->br);
    if (title != NULL)
        putf(y0, x0 + 2, x0 + w - 2, role[R_TITLE], " %s ", title);
}

static void draw_help(ui_view *v, const layout *L)
{
    int small = L->cols < 88 || L->rows < 24;
    int w = small ? L->cols : 84, x0 = (L->cols - w) / 2;
    int top = small ? 0 : 1, h = L->rows - top - (small ? 0 : 1);
    int i, y, xmax = x0 + w - 1;

    pane_box(top, x0, h, w, "keys");
    y = top + 1;
    for (i = 0; ui_keys[i].action != UI_ACT_NONE && y < top + h - 1; i++) {
        if (ui_keys[i].label == NULL)
            continue;
        put(y, x0 + 2, x0 + 18, role[R_KEY], ui_keys[i].label);
        put(y, x0 + 18, xmax, A_NORMAL, ui_keys[i].help);
        y++;
    }
    if (y + 4 < top + h - 1) {
        char buf[256];
        const ui_model *m = v->m;
        uint32_t id;
        int x;
        y++;
        put(y++, x0 + 2, xmax, role[R_LABEL], "on the lanes");
        snprintf(buf, sizeof buf, "a %s run is a routine on that core; %s idle; %s core off",
                 npal > 1 ? "coloured" : "reversed", G->dot, G->park);
        put(y++, x0 + 2, xmax, A_NORMAL, buf);
        snprintf(buf, sizeof buf, "%s preempted at the end of its slice; %s stolen from another core",
                 G->pre, G->steal);
        put(y++, x0 + 2, xmax, A_NORMAL, buf);
        if (y < top + h - 1) {
            snprintf(buf, sizeof buf, "%s waiting for a CPU: the core held its routine, the OS "
                     "ran another thread", G->wait);
            put(y++, x0 + 2, xmax, A_NORMAL, buf);
        }
        if (y < top + h - 1)
            put(y++, x0 + 2, xmax, A_NORMAL, "ran N%: CPU share its thread had lately; "
                "parallelism: CPU time / wall time");
        if (y < top + h - 1)
            put(y++, x0 + 2, xmax, A_NORMAL, npal > 1
                ? "a run shows the name, else its short label, else only its colour"
                : "a run shows the name, else its short label; runs alternate underlined");
        if (y < top + h - 1 && m != NULL && m->maxid > 0) {
            /* the short labels, one routine of each kind ("c1 customer#1"
             * stands for customer#2 too) */
            uint32_t shown[16];
            int ns = 0, j;
            x = put(y, x0 + 2, xmax, A_NORMAL, "labels:");
            for (id = 1; id <= m->maxid && id < m->nroutines; id++) {
                const ui_routine *r = &m->routines[id];
                const char *hs = strrchr(r->name, '#');
                size_t bl = hs != NULL ? (size_t)(hs - r->name) : strlen(r->name);
                if (r->id == 0 || strcmp(r->abbr, r->name) == 0)
                    continue;
                for (j = 0; j < ns; j++)
                    if (strncmp(m->routines[shown[j]].name, r->name, bl) == 0 &&
                        (m->routines[shown[j]].name[bl] == '#' || m->routines[shown[j]].name[bl] == '\0'))
                        break;
                if (j < ns)
                    continue;
                if (ns < 16)
                    shown[ns++] = id;
                snprintf(buf, sizeof buf, " %s %s", r->abbr, r->name);
                if (x + width(buf) + 2 > xmax) {
                    put(y, x, xmax, A_NORMAL, " ...");
                    break;
                }
                x = put(y, x, xmax, A_NORMAL, buf);
                if (id < m->maxid)
                    x = put(y, x, xmax, role[R_DIM], " ");
            }
            y++;
        }
        if (y < top + h - 1)
            put(y++, x0 + 2, xmax, A_NORMAL,
                "one column is one tick of runtime time; a highlighted name just moved");
        if (y < top + h - 1)
            putf(y++, x0 + 2, xmax, A_NORMAL,
                 "%s N lanes on M CPUs: more lanes than CPUs, the OS time-slices them", G->warn);
        if (y < top + h - 1)
            putf(y++, x0 + 2, xmax, A_NORMAL,
                 "%s machine busy: other programs use half a CPU or more of ours", G->warn);
    }
    put(top + h - 1, x0 + 2, xmax, role[R_DIM], " Esc or ? closes ");
}

/* The selected routine in a box at (top, x0), h rows by w columns. */
static void draw_detail(ui_view *v, int top, int x0, int h, int w)
{
    ui_model *m = v->m;
    ui_routine *r = ui_model_routine(m, v->selected);
    int y, xmax, x, l, line, i, first_line = 1;
    const char *prog;
    char buf[256];

    y = top + 1;
    xmax = x0 + w - 2;
    pane_box(top, x0, h, w, "routine");
    if (r == NULL) {
        put(y++, x0 + 2, xmax, A_NORMAL, "No routine selected:");
        put(y++, x0 + 2, xmax, A_NORMAL, "Tab or a click selects one.");
        y++;
        put(y++, x0 + 2, xmax, role[R_LABEL], "on the lanes");
        put(y++, x0 + 2, xmax, A_NORMAL, "a coloured run: a routine on that core");
        putf(y++, x0 + 2, xmax, A_NORMAL, "%s idle   %s core off", G->dot, G->park);
        putf(y++, x0 + 2, xmax, A_NORMAL, "%s preempted (its slice ran out)", G->pre);
        putf(y++, x0 + 2, xmax, A_NORMAL, "%s stolen from another core", G->steal);
        put(y++, x0 + 2, xmax, A_NORMAL, "one column = one tick of runtime time");
        return;
    }
    x = chip(v, y, x0 + 2, xmax, r->id, NULL);
    ui_model_place(m, r, buf, sizeof buf);
    x = putf(y, x, xmax, A_NORMAL, "  %s", buf);
    y++;
    if (r->has_item)
        x = putf(y, x0 + 2, xmax, A_NORMAL, "holds item " SCN_ITEM_TAG "%d %s ", (int)r->item, G->dot);
    else
        x = putf(y, x0 + 2, xmax, A_NORMAL, "holds no item %s ", G->dot);
    putf(y++, x, xmax, A_NORMAL, "CPU %.1f ticks %s on a core %.1f",
         (double)r->cpu_mt / 1000.0, G->dot, (double)ui_model_lane_mt(m, r) / 1000.0);
    putf(y++, x0 + 2, xmax, A_NORMAL, "switches %u %s preempted %u %s stolen %u",
         r->runs, G->dot, r->preempts, G->dot, r->steals);
    putf(y++, x0 + 2, xmax, A_NORMAL, "waited on channels %u time%s, %.1f ticks%s",
         r->waits, r->waits == 1 ? "" : "s", (double)ui_model_wait_mt(m, r) / 1000.0,
         r->at == UI_AT_SEND || r->at == UI_AT_RECV || r->at == UI_AT_SELECT
         ? " (waiting now)" : "");
    x = x0 + 2;
    x = put(y, x, xmax, A_NORMAL, "ran on cores:");
    if (r->lanes_mask == 0)
        put(y, x, xmax, role[R_DIM], " none yet");
    for (l = 0; l < 64; l++)
        if (r->lanes_mask & ((uint64_t)1 << l))
            x = putf(y, x, xmax, A_NORMAL, " %d", l);
    y += 2;

    line = v->src_line_of != NULL ? v->src_line_of(v->src_ctx, r->id) : 0;
    prog = v->src_program != NULL ? v->src_program(v->src_ctx, r->id, &first_line) : NULL;
    if (prog != NULL && *prog != '\0') {
        const char *p;
        /* rows inside the box below the program's heading; a few stay
         * for the decisions when there are plenty */
        int total = 0, first, room = top + h - 1 - (y + 1);
        if (room > 8)
            room -= 4;
        if (room < 0)
            room = 0;
        for (p = prog; *p != '\0'; p++)
            total += *p == '\n';
        if (p > prog && p[-1] != '\n')
            total++;
        /* the routine's neighbourhood, its current step in the middle */
        first = line > 0 ? line - first_line - room / 2 : 0;
        if (first + room > total)
            first = total - room;
        if (first < 0)
            first = 0;
        putf(y++, x0 + 2, xmax, role[R_LABEL], "program (%s)%s", v->src_file ? v->src_file : "",
             line > 0 ? "" : ": not at a step now");
        for (i = 0, p = prog; *p != '\0' && i < first + room; i++) {
            const char *nl = strchr(p, '\n');
            size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);
            int no = first_line + i;
            if (i >= first && y < top + h - 1) {
                char text[256];
                snprintf(text, sizeof text, "%.*s", (int)(len < 255 ? len : 255), p);
                putf(y, x0 + 2, xmax, no == line ? A_BOLD : role[R_DIM], "%s%4d ",
                     no == line ? G->mark : " ", no);
                put(y, x0 + 8, xmax, no == line ? A_BOLD | A_REVERSE : A_NORMAL, text);
                y++;
            }
            p += len + (nl != NULL);
        }
    } else if (line > 0) {
        putf(y++, x0 + 2, xmax, A_NORMAL, "at line %d of %s", line, v->src_file ? v->src_file : "the scenario");
    } else {
        put(y++, x0 + 2, xmax, role[R_DIM], "(its program text is not available)");
    }
    y++;
    if (y < top + h - 2) {
        unsigned k;
        put(y++, x0 + 2, xmax, role[R_LABEL], "latest decisions about it");
        for (k = 0; y < top + h - 1 && ui_model_log(m, k) != NULL; k++) {
            const char *s = ui_model_log(m, k), *p = strstr(s, r->name);
            size_t nl = strlen(r->name);
            if (p == NULL || (p[nl] >= '0' && p[nl] <= '9'))
                continue;
            put_cut(y++, x0 + 2, xmax, A_NORMAL, s);
        }
    }
    putf(top + h - 1, x0 + 2, xmax, role[R_DIM], " Tab next %s Shift-Tab previous ", G->dot);
}

static void draw_small(const layout *L)
{
    char a[96], b[96];
    int y = L->rows / 2 - 1;

    if (y < 0)
        y = 0;
    snprintf(a, sizeof a, "lanes needs at least %d%s%d", UI_MIN_COLS, G->times, UI_MIN_ROWS);
    snprintf(b, sizeof b, "this terminal is %d%s%d", L->cols, G->times, L->rows);
    put(y, (L->cols - width(a)) / 2 > 0 ? (L->cols - width(a)) / 2 : 0, L->cols, A_BOLD, a);
    put(y + 1, (L->cols - width(b)) / 2 > 0 ? (L->cols - width(b)) / 2 : 0, L->cols, A_NORMAL, b);
    put(y + 2, (L->cols - 27) / 2 > 0 ? (L->cols - 27) / 2 : 0, L->cols, role[R_DIM],
        "enlarge it: the run goes on");
}

void ui_draw(ui_view *v)
{
    layout L;

    erase();
    v->nhits = 0;
    do_layout(v, &L, LINES, COLS);
    v->too_small = L.small;
    if (L.small) {
        draw_small(&L);
        return;
    }
    draw_header(v, &L);
    draw_lanes(v, &L);
    draw_explain(v, &L);
    draw_runq(v, &L);
    draw_chans(v, &L);
    draw_sleep_done(v, &L);
    draw_log(v, &L);
    draw_stats(v, &L);
    draw_hints(v, &L);
    if (L.side_w > 0)
        draw_detail(v, L.lanes_y, L.side_x, L.rows - 2 - L.lanes_y, L.side_w);
    if (v->help) {
        v->nhits = 0;
        L.cols = L.full;
        draw_help(v, &L);
    } else if (v->detail && L.side_w == 0) {
        /* below the lanes, so they stay in sight; over them when short */
        int top = L.lanes_y + L.lanes_h;
        if (L.rows - 1 - top < 10)
            top = L.lanes_y;          /* the header (and its about) stays */
        draw_detail(v, top, 0, L.rows - 1 - top, L.cols);
    }
}
