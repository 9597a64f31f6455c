/*
 * draw_compare.c - the comparison screen (compare.h): a header, the line
 * over all runs, then each run's lanes stacked in one box, each run's
 * status line on the border over its lanes, the shared tick axis under
 * the box, a message line and the hint line from ui_cmp_keys.  While the
 * runs are made: which one, and how far it got.
 *
 * Draws the lanes with draw.c's timeline, every run with the same tick
 * at the right edge, so one column is the same tick in every run.
 * Must not: read keys, touch the runs (only their models, already
 * folded), refresh.  Invariant: every row drawn is inside LINES x COLS.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ui/compare.h"
#include "ui/draw_int.h"

#define FAR_FUTURE_MS (1ull << 62)  /* the views' wall: no "just moved" highlight */

static const char *plural(int n)
{
    return n == 1 ? "" : "s";
}

/* Lanes a run shows: its cores, or more if it used more. */
static int run_lanes(const ui_cmp_run *r)
{
    return r->model.nlanes > r->cores ? r->model.nlanes : r->cores;
}

/* Rows for each run's lanes out of `avail`: at least one each, then one
 * more to each run with lanes still hidden, round and round. */
static void share_rows(const ui_cmp *c, int avail, int *rows)
{
    int i, left = avail, more = 1;

    for (i = 0; i < c->nruns; i++) {
        rows[i] = 1;
        left--;
    }
    while (left > 0 && more) {
        more = 0;
        for (i = 0; i < c->nruns && left > 0; i++)
            if (rows[i] < run_lanes(&c->runs[i])) {
                rows[i]++;
                left--;
                more = 1;
            }
    }
}

/* One hint ("space play") at x: the key in the key colour. */
static int put_hint(int y, int x, int xmax, const char *h)
{
    const char *sp = strchr(h, ' ');
    char key[32];

    if (sp == NULL)
        sp = h + strlen(h);
    snprintf(key, sizeof key, "%.*s", (int)(sp - h), h);
    x = draw_put(y, x, xmax, draw_role[R_KEY], key);
    x = draw_put(y, x, xmax, A_NORMAL, sp);
    return draw_put(y, x, xmax, A_NORMAL, "   ");
}

/* The hint line from ui_cmp_keys: help and leave always, the others as
 * they fit, in the table's order. */
static void draw_hint_line(int y, int cols, int utf8)
{
    int i, x = 1, reserve = 0;

    for (i = 0; ui_cmp_keys[i].action != UI_ACT_NONE; i++)
        if (ui_cmp_keys[i].hint != NULL && (ui_cmp_keys[i].action == UI_CMP_HELP ||
                                            ui_cmp_keys[i].action == UI_CMP_QUIT))
            reserve += draw_width(ui_cmp_keys[i].hint) + 3;
    for (i = 0; ui_cmp_keys[i].action != UI_ACT_NONE; i++) {
        const char *h = ui_cmp_keys[i].hint;
        int keep = ui_cmp_keys[i].action == UI_CMP_HELP || ui_cmp_keys[i].action == UI_CMP_QUIT;
        /* the arrows' hint in words where the terminal has no arrows to show */
        if (h != NULL && !utf8 && (unsigned char)h[0] >= 0x80)
            h = ui_cmp_keys[i].action == UI_CMP_STEP ? "Left/Right step" : NULL;
        if (h == NULL || (!keep && x + draw_width(h) + 3 > cols - 1 - reserve))
            continue;
        if (keep)
            reserve -= draw_width(h) + 3;
        x = put_hint(y, x, cols - 1, h);
    }
}

static void draw_head(const ui_cmp_view *cv, int cols)
{
    const ui_cmp *c = cv->c;
    char right[128], state[48];
    int x, rw;

    if (cv->making)
        snprintf(state, sizeof state, "%s running", draw_glyph->play);
    else if (ui_cmp_run_over(c, &c->runs[0]) && c->tick >= c->end_tick)
        snprintf(state, sizeof state, "%s end", draw_glyph->stop);
    else if (cv->playing)
        snprintf(state, sizeof state, "%s %s", draw_glyph->play, cv->speed);
    else
        snprintf(state, sizeof state, "%s paused", draw_glyph->pause);
    if (cv->making || c == NULL)
        snprintf(right, sizeof right, " %s", state);
    else
        snprintf(right, sizeof right, " %s %s tick %llu of %llu", state, draw_glyph->dot,
                 (unsigned long long)c->tick, (unsigned long long)c->end_tick);
    rw = draw_width(right);
    x = draw_put(0, 0, cols - rw - 1, draw_role[R_TITLE], "lanes ");
    x = draw_put(0, x, cols - rw - 1, draw_role[R_DIM], draw_glyph->dot);
    x = draw_put(0, x, cols - rw - 1, draw_role[R_TITLE], " compare ");
    x = draw_put(0, x, cols - rw - 1, draw_role[R_DIM], draw_glyph->dot);
    draw_put_cut(0, x + 1, cols - rw - 1, draw_role[R_TITLE], cv->title != NULL ? cv->title : "");
    draw_put(0, cols - rw, cols, A_NORMAL, right);
}

/* While the runs are made: which, how far, and that q stops it. */
static void draw_making(const ui_cmp_view *cv, int rows, int cols)
{
    char a[160], b[160];
    int y = rows / 2 - 2, i;

    snprintf(a, sizeof a, "running %d core%s%s %d/%d", cv->make_cores, plural(cv->make_cores),
             draw_glyph->ell, cv->make_i + 1, cv->make_n);
    snprintf(b, sizeof b, "tick %llu", (unsigned long long)(cv->make_mt / 1000));
    draw_put(y, (cols - draw_width(a)) / 2, cols, A_BOLD, a);
    draw_put(y + 1, (cols - draw_width(b)) / 2, cols, A_NORMAL, b);
    draw_wrap(y + 3, 3, 2, cols - 2, draw_role[R_DIM],
              "each run alone on the machine, at full speed, then all played back "
              "together; q stops");
    /* the runs made so far, in their own words */
    for (i = 0; cv->c != NULL && i < cv->make_i && i < cv->c->nruns && y + 6 + i < rows - 1; i++) {
        char st[256];
        ui_cmp_status(cv->c, i, cv->utf8, cols < 80 ? 1 : 0, st, sizeof st);
        draw_put_cut(y + 6 + i, 2, cols - 2, A_NORMAL, st);
    }
}

/* The tick numbers under the box: where each multiple of `step` falls. */
static void draw_axis(const ui_cmp *c, const layout *L, int y)
{
    static const int steps[] = { 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000 };
    int64_t last = (int64_t)c->tick - 1;
    int i, col, step = 100000, next = 0;

    for (i = 0; i < (int)(sizeof steps / sizeof steps[0]); i++) {
        char w[24];
        int len = snprintf(w, sizeof w, "%lld", (long long)(last > 0 ? last : 0));
        if (steps[i] >= len + 3) {
            step = steps[i];
            break;
        }
    }
    draw_put(y, 1, L->tl_x, draw_role[R_DIM], "tick");
    for (col = 0; col < L->tl_w; col++) {
        int64_t t = last - (L->tl_w - 1 - col);
        int x = L->tl_x + col;
        char num[24];
        if (t < 0 || t % step != 0 || x < next)
            continue;
        snprintf(num, sizeof num, "%lld", (long long)t);
        if (x + draw_width(num) > L->cols - 1)
            continue;
        draw_put(y, x, L->cols - 1, draw_role[R_DIM], num);
        next = x + draw_width(num) + 1;
    }
}

/* Run i's lanes: rows y .. y+n-1, the first `n` of them. */
static void draw_run_lanes(ui_cmp_view *cv, int i, const layout *L, int y, int n)
{
    ui_cmp_run *r = &cv->c->runs[i];
    ui_view v;
    ui_routine *rt;
    int j, cols = L->cols, over = ui_cmp_run_over(cv->c, r);
    attr_t b = draw_role[R_BORDER];

    memset(&v, 0, sizeof v);
    v.m = &r->model;
    v.cores = r->cores;
    v.cpus = cv->cpus;
    v.utf8 = cv->utf8;
    v.wall = FAR_FUTURE_MS;
    for (j = 0; j < n; j++) {
        const ui_lane *ln = &r->model.lanes[j];
        int yy = y + j;
        draw_put(yy, 0, 1, b, draw_glyph->v);
        draw_put(yy, cols - 1, cols, b, draw_glyph->v);
        draw_putf(yy, 1, 5, draw_role[R_LABEL], "%3d", j);
        if (ln->cur != 0 && !over && (rt = ui_model_routine(v.m, ln->cur)) != NULL)
            draw_put(yy, 5, 5 + L->namew, draw_chip_attr(&v, rt),
                     draw_width(rt->name) <= L->namew ? rt->name : rt->abbr);
        else
            draw_put(yy, 5, 5 + L->namew, draw_role[R_DIM],
                     over ? "done" : ln->parked ? "off" : "idle");
        draw_timeline(&v, L, yy, j, (int64_t)cv->c->tick - 1);
    }
}

/* " +2 lanes ": the count of run i's lanes that do not fit. */
static void hidden_text(int hidden, char *buf, size_t n)
{
    buf[0] = '\0';
    if (hidden > 0)
        snprintf(buf, n, " +%d lane%s ", hidden, plural(hidden));
}

/* The border over run i's lanes, its status line on it in the wording
 * `level` that every run's border uses (ui_cmp_status_level). */
static void draw_run_border(const ui_cmp_view *cv, int i, const layout *L, int y, int hidden,
                            int level)
{
    const ui_cmp *c = cv->c;
    char st[256], more[32];
    int cols = L->cols, x, beyond = c->cpus > 0 && c->runs[i].cores > c->cpus;
    attr_t b = draw_role[R_BORDER];

    hidden_text(hidden, more, sizeof more);
    ui_cmp_status(c, i, cv->utf8, level, st, sizeof st);
    draw_put(y, 0, 1, b, i == 0 ? draw_glyph->tl : draw_glyph->lt);
    draw_repeat(y, 1, cols - 1, b, draw_glyph->h);
    draw_put(y, cols - 1, cols, b, i == 0 ? draw_glyph->tr : draw_glyph->rt);
    x = draw_put(y, 1, cols - 2 - draw_width(more), A_NORMAL, " ");
    x = draw_put_cut(y, x, cols - 2 - draw_width(more),
                     beyond || c->runs[i].busy || ui_cmp_starved(c, i)
                     ? draw_role[R_WARN] : draw_role[R_LABEL], st);
    draw_put(y, x, cols - 2 - draw_width(more), A_NORMAL, " ");
    if (hidden > 0)
        draw_put(y, cols - 1 - draw_width(more), cols - 1, draw_role[R_DIM], more);
}

/* What the cells mean, on one row: in full where it fits, else short
 * and pointing to the help, which says the rest. */
static void draw_key_legend(int y, int cols, int utf8)
{
    char buf[256];
    int solid = utf8 && draw_glyph->fill != NULL && draw_npal > 1;
    const char *run = draw_npal > 1 ? "coloured" : "reversed";

    /* as the main screen's legend: a run is drawn solid, or in its
     * colour, or reversed without colour */
    if (solid)
        snprintf(buf, sizeof buf, "%s ran on a CPU   %s waited for a CPU   %s preempted   "
                 "%s stolen   %s idle", draw_glyph->fill, draw_glyph->wait, draw_glyph->pre,
                 draw_glyph->steal, draw_glyph->dot);
    else
        snprintf(buf, sizeof buf, "a %s run ran on a CPU   %s waited for a CPU   %s "
                 "preempted   %s stolen   %s idle", run, draw_glyph->wait, draw_glyph->pre,
                 draw_glyph->steal, draw_glyph->dot);
    if (draw_width(buf) > cols - 2) {
        if (solid)
            snprintf(buf, sizeof buf, "%s ran  %s waited for a CPU  %s idle  %s see ? help",
                     draw_glyph->fill, draw_glyph->wait, draw_glyph->dot, draw_glyph->warn);
        else
            snprintf(buf, sizeof buf, "%s: ran  %s waited for a CPU  %s idle  %s see ?",
                     run, draw_glyph->wait, draw_glyph->dot, draw_glyph->warn);
    }
    draw_put_cut(y, 1, cols - 1, draw_role[R_DIM], buf);
}

/* The notes on the figures, rows y .. last, each whole or not at all;
 * where the one on a slowed run (the second) does not fit, its short
 * form on row `spare` when that is free (>= 0). */
static void draw_notes(const ui_cmp *c, int y, int last, int spare, int cols, int utf8)
{
    char lines[8][UI_CMP_NOTE], brief[UI_CMP_NOTE];
    int i, n = ui_cmp_notes(c, utf8, lines, 8);

    for (i = 0; i < n; i++) {
        int need = draw_wrap(-1, 8, 1, cols - 1, A_NORMAL, lines[i]);
        if (y + need - 1 > last)
            break;
        y += draw_wrap(y, need, 1, cols - 1, draw_role[R_DIM], lines[i]);
    }
    if (i < 2 && spare >= 0 && ui_cmp_short_note(c, utf8, brief, sizeof brief))
        draw_put_cut(spare, 1, cols - 1, draw_role[R_WARN], brief);
}

/* The longest routine name of any run, as the main screen sizes it. */
static int name_width(const ui_cmp *c, int cols)
{
    int i, w = 6, cap = cols < 80 ? 9 : 12;
    uint32_t id;

    for (i = 0; i < c->nruns; i++) {
        const ui_model *m = &c->runs[i].model;
        for (id = 1; id <= m->maxid && id < m->nroutines; id++)
            if (m->routines[id].id != 0 && draw_width(m->routines[id].name) > w)
                w = draw_width(m->routines[id].name);
    }
    return w > cap ? cap : w;
}

static void draw_cmp_help(int rows, int cols)
{
    char text[512];
    int w = cols < 64 ? cols : 64, x0 = (cols - w) / 2, h = 0, i, y, top, tn;

    /* the marks the screen's one-row legend may leave out, then the figures */
    snprintf(text, sizeof text, "%s waited for a CPU (a core that held a routine or had one "
             "queued); %s N on M CPUs: more cores than CPUs; %s busy: other programs used "
             "half a CPU or more.  One column is one tick in every run; speedup: the first "
             "run's ticks / this run's", draw_glyph->wait, draw_glyph->warn, draw_glyph->warn);
    tn = draw_wrap(-1, 8, x0 + 2, x0 + w - 2, A_NORMAL, text);
    for (i = 0; ui_cmp_keys[i].action != UI_ACT_NONE; i++)
        h += ui_cmp_keys[i].label != NULL;
    h += tn + 3;                    /* borders, a blank row, the text */
    if (h > rows)
        h = rows;
    top = y = (rows - h) / 2;
    draw_pane_box(y, x0, h, w, "compare: keys");
    for (i = 0, y++; ui_cmp_keys[i].action != UI_ACT_NONE && y < top + h - 2 - tn; i++) {
        if (ui_cmp_keys[i].label == NULL)
            continue;
        draw_put(y, x0 + 2, x0 + 16, draw_role[R_KEY], ui_cmp_keys[i].label);
        draw_put(y, x0 + 16, x0 + w - 1, A_NORMAL, ui_cmp_keys[i].help);
        y++;
    }
    draw_wrap(y + 1, top + h - 2 - y, x0 + 2, x0 + w - 2, draw_role[R_DIM], text);
    draw_put(top + h - 1, x0 + 2, x0 + w - 1, draw_role[R_DIM], " Esc or ? closes ");
}

void ui_cmp_draw(ui_cmp_view *cv)
{
    const ui_cmp *c = cv->c;
    layout L;
    int rows = LINES, cols = COLS, i, y, avail, nrows[UI_CMP_MAX], shown[UI_CMP_MAX];
    int extra[UI_CMP_MAX], level;
    char sum[512];

    erase();
    memset(&L, 0, sizeof L);
    L.rows = rows;
    L.cols = L.full = cols;
    if (rows < UI_MIN_ROWS || cols < UI_MIN_COLS) {
        draw_putf(rows / 2, 0, cols, A_BOLD, "lanes needs at least %d%s%d", UI_MIN_COLS,
                  draw_glyph->times, UI_MIN_ROWS);
        return;
    }
    draw_head(cv, cols);
    if (cv->making || c == NULL || c->nruns == 0) {
        draw_making(cv, rows, cols);
        draw_put(rows - 1, 1, cols - 1, draw_role[R_KEY], "q");
        draw_put(rows - 1, 2, cols - 1, A_NORMAL, " stop");
        return;
    }
    ui_cmp_summary(c, cv->utf8, 0, sum, sizeof sum);
    if (draw_width(sum) > cols - 2)
        ui_cmp_summary(c, cv->utf8, 1, sum, sizeof sum);
    draw_put_cut(1, 1, cols - 1, A_BOLD, sum);
    /* header, summary, a border a run, the bottom border, axis, message, hints */
    avail = rows - 6 - c->nruns;
    share_rows(c, avail, nrows);
    L.namew = name_width(c, cols);
    L.tl_x = 5 + L.namew + 1;
    L.tl_w = cols - 1 - L.tl_x;
    for (i = 0; i < c->nruns; i++) {
        char more[32];
        shown[i] = nrows[i] < run_lanes(&c->runs[i]) ? nrows[i] : run_lanes(&c->runs[i]);
        hidden_text(run_lanes(&c->runs[i]) - shown[i], more, sizeof more);
        extra[i] = draw_width(more);
    }
    /* one wording for every run's line: the widest that fits them all */
    level = ui_cmp_status_level(c, cv->utf8, cols - 6, extra);
    y = 2;
    for (i = 0; i < c->nruns; i++) {
        draw_run_border(cv, i, &L, y++, run_lanes(&c->runs[i]) - shown[i], level);
        draw_run_lanes(cv, i, &L, y, shown[i]);
        y += shown[i];
    }
    draw_put(y, 0, 1, draw_role[R_BORDER], draw_glyph->bl);
    draw_repeat(y, 1, cols - 1, draw_role[R_BORDER], draw_glyph->h);
    draw_put(y, cols - 1, cols, draw_role[R_BORDER], draw_glyph->br);
    draw_axis(c, &L, y + 1);
    /* the legend under the axis, or on the message row when that is free */
    if (y + 2 < rows - 2)
        draw_key_legend(y + 2, cols, cv->utf8);
    else if (cv->message[0] == '\0')
        draw_key_legend(rows - 2, cols, cv->utf8);
    draw_notes(c, y + 4, rows - 3, y + 3 <= rows - 3 ? y + 3 : -1, cols, cv->utf8);
    if (cv->message[0] != '\0')
        draw_put_cut(rows - 2, 1, cols - 1, draw_role[R_WARN], cv->message);
    draw_hint_line(rows - 1, cols, cv->utf8);
    if (cv->help)
        draw_cmp_help(rows, cols);
}
