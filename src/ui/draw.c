/*
 * draw.c - one frame of the screen, drawn from the model and the view only:
 * the layout (computed from LINES and COLS in do_layout, the one place that
 * knows where things go), the header, the lanes and their timelines, and
 * ui_draw, which draws the regions in order.
 * Must not: read the runtime, read keys, refresh the terminal, or touch
 * anything but stdscr.  Invariant: every region is drawn inside the rows
 * and columns do_layout gave it.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ui/draw_int.h"

/* ---- layout: the one function that knows where things go -------------------- */

static int count_chans(const ui_model *m)
{
    uint32_t i;
    int n = 0;
    for (i = 1; i <= m->maxchan && i < m->nchans; i++)
        n += m->chans[i].id != 0;
    return n;
}

/* The lanes: boxed (two rows a lane) when they and every channel fit in
 * avail rows, else one row a lane, scrolled, the channels down to one row. */
static void layout_lanes(ui_view *v, layout *L, int nl, int nch, int avail)
{
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
}

/* The name column (the longest name, up to 9 or 12) and the timeline. */
static void layout_names(const ui_model *m, layout *L, int cols)
{
    int maxname = 6;
    uint32_t id;

    for (id = 1; id <= m->maxid && id < m->nroutines; id++)
        if (m->routines[id].id != 0 && draw_width(m->routines[id].name) > maxname)
            maxname = draw_width(m->routines[id].name);
    L->namew = maxname > (cols < 80 ? 9 : 12) ? (cols < 80 ? 9 : 12) : maxname;
    L->tl_x = 2 + (L->boxed ? 0 : 9) + L->namew + 1;
    L->tl_w = cols - 2 - L->tl_x;
}

/* The explain rows, given `left` rows nobody asked for: a message, or a
 * step's account, takes rows from the decisions, and on a small screen up
 * to three from the channels.  Returns the rows still unclaimed. */
static int layout_explain(const ui_view *v, layout *L, int cols, int left)
{
    char text[2048];
    attr_t a;

    L->explain_n = left >= 4 ? 2 : 1;
    if (draw_explain_text(v, cols, text, sizeof text, &a) > 0) {
        int want = draw_wrap(-1, 64, 1, cols, A_NORMAL, text);
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
    return left - (L->explain_n - 1);
}

/* The one function that knows where things go: every region from the
 * terminal's rows and cols (LINES and COLS at each frame, so a resize
 * needs nothing else). */
static void do_layout(ui_view *v, layout *L, int rows, int cols)
{
    const ui_model *m = v->m;
    int nl = m->nlanes > 0 ? m->nlanes : 1;
    int nch = count_chans(m), avail, y, left;

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
    if (rows >= 20 && v->about != NULL && draw_width(v->about) > L->full)
        L->about_n = 2;
    avail = rows - 1 - L->about_n - 6;
    L->lanes_y = 1 + L->about_n;
    layout_lanes(v, L, nl, nch, avail);
    layout_names(m, L, cols);

    y = L->lanes_y + L->lanes_h;
    left = rows - y - 6 - L->chan_n;       /* rows nobody asked for */
    L->explain_y = y;
    left = layout_explain(v, L, cols, left);
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

static void draw_header(ui_view *v, const layout *L)
{
    const ui_model *m = v->m;
    char right[256], state[64], q[32], extra[64] = "", where[96], busy[48] = "", pid[32];
    int cpus = draw_cpus_of(v), x, rw, ww, cols = L->full, over = v->cores > cpus && cpus > 0;
    int warn = over || fold_cpu_machine_busy(&m->st.cpu);
    attr_t ra = v->end == UI_END_DONE || v->end == UI_END_STOPPED ? draw_role[R_OK]
              : v->end != UI_END_NONE ? draw_role[R_ERROR] : A_NORMAL;
    double t = (double)m->now / 1000.0 * v->tick_s;

    if (v->history)                 /* a picture of the past, not the run now */
        snprintf(state, sizeof state, "%s history", draw_glyph->pause);
    else if (v->end == UI_END_DONE)
        snprintf(state, sizeof state, "%s done", draw_glyph->stop);
    else if (v->end == UI_END_STOPPED)
        snprintf(state, sizeof state, "%s %s", draw_glyph->stop,
                 v->end_word != NULL ? v->end_word : "stopped");
    else if (v->end == UI_END_DEADLOCK)
        snprintf(state, sizeof state, "%s deadlock", draw_glyph->stop);
    else if (v->end == UI_END_ERROR)
        snprintf(state, sizeof state, "%s error", draw_glyph->stop);
    else if (v->end != UI_END_NONE)
        snprintf(state, sizeof state, "%s fault", draw_glyph->stop);
    else if (v->paused)
        snprintf(state, sizeof state, "%s paused", draw_glyph->pause);
    else
        snprintf(state, sizeof state, "%s %s", draw_glyph->play, v->speed);
    if (v->quantum > 0)
        snprintf(q, sizeof q, "quantum %d", v->quantum);
    else
        snprintf(q, sizeof q, "no preemption");
    if (v->dropped > 0)
        snprintf(extra, sizeof extra, " %s dropped %llu", draw_glyph->dot,
                 (unsigned long long)v->dropped);
    /* more lanes than CPUs: said where it cannot be missed, in warning
     * colours, instead of "cores N (M CPUs)" */
    if (fold_cpu_machine_busy(&m->st.cpu))
        snprintf(busy, sizeof busy, " %s machine busy", draw_glyph->warn);
    if (over)
        snprintf(where, sizeof where, "%s %d lanes on %d CPU%s%s", draw_glyph->warn, v->cores, cpus,
                 cpus == 1 ? "" : "s", busy);
    else
        snprintf(where, sizeof where, "cores %d (%d CPU%s)%s", v->cores, cpus,
                 cpus == 1 ? "" : "s", busy);
    snprintf(right, sizeof right, " %s %s %s %s %s tick %lld %s %.1fs%s",
             draw_glyph->dot, q, draw_glyph->dot, state,
             draw_glyph->dot, (long long)(ui_model_last_tick(m) + 1), draw_glyph->dot, t, extra);
    ww = draw_width(where);
    rw = ww + draw_width(right);
    /* an attached program's name and pid survive: the compact form
     * first, then the short title, then fewer words about the CPUs */
    if (rw > cols - 22 || (v->who != NULL && draw_width(v->title) > cols - rw - 2)) {
        if (busy[0] != '\0')
            snprintf(busy, sizeof busy, " %sbusy", draw_glyph->warn);
        if (over)
            snprintf(where, sizeof where, "%s%d lanes/%d CPU%s%s", draw_glyph->warn, v->cores, cpus,
                     cpus == 1 ? "" : "s", busy);
        else
            snprintf(where, sizeof where, "%d core%s/%d CPU%s%s", v->cores,
                     v->cores == 1 ? "" : "s", cpus, cpus == 1 ? "" : "s", busy);
        snprintf(right, sizeof right, " %s q%d %s %s %s t%lld%s",
                 draw_glyph->dot, v->quantum, draw_glyph->dot, state, draw_glyph->dot,
                 (long long)(ui_model_last_tick(m) + 1), extra);
        ww = draw_width(where);
        rw = ww + draw_width(right);
    }
    if (v->who != NULL && draw_width(v->title) > cols - rw - 2) {
        snprintf(pid, sizeof pid, "%s%u", draw_glyph->dot, v->who_pid);
        if (draw_width(v->who) + draw_width(pid) > cols - rw - 2) {
            snprintf(where, sizeof where, "%s%d/%d CPU%s", over || busy[0] ? draw_glyph->warn : "",
                     v->cores, cpus, cpus == 1 ? "" : "s");
            ww = draw_width(where);
            rw = ww + draw_width(right);
        }
        x = draw_put_cut(0, 0, cols - rw - 2 - draw_width(pid), draw_role[R_TITLE], v->who);
        draw_put(0, x, cols - rw - 2, draw_role[R_TITLE], pid);
        x = draw_put(0, cols - rw, cols, warn ? draw_role[R_WARN] : ra, where);
        draw_put(0, x, cols, ra, right);
        if (v->about != NULL)
            draw_wrap(1, L->about_n, 0, cols, draw_role[R_DIM], v->about);
        return;
    }
    x = 0;
    if (v->replay) {                /* the marker stays whole; the title gives way */
        x = draw_put(0, 0, cols - rw - 2, draw_role[R_WARN], "replay");
        x = draw_put(0, x, cols - rw - 2, draw_role[R_DIM], " ");
        x = draw_put(0, x, cols - rw - 2, draw_role[R_DIM], draw_glyph->dot);
        x = draw_put(0, x, cols - rw - 2, draw_role[R_TITLE], " ");
    } else if (v->title == NULL || draw_width(v->title) + 8 <= cols - rw - 2) {
        x = draw_put(0, 0, cols - rw - 2, draw_role[R_TITLE], "lanes ");
        x = draw_put(0, x, cols - rw - 2, draw_role[R_DIM], draw_glyph->dot);
        x = draw_put(0, x, cols - rw - 2, draw_role[R_TITLE], " ");
    }
    draw_put_cut(0, x, cols - rw - 2, draw_role[R_TITLE], v->title != NULL ? v->title : "");
    x = draw_put(0, cols - rw, cols, warn ? draw_role[R_WARN] : ra, where);
    draw_put(0, x, cols, ra, right);

    /* the scenario's about (it says what to press): whole, on two rows
     * when the layout gave it two, else ending in an ellipsis */
    if (v->about != NULL)
        draw_wrap(1, L->about_n, 0, cols, draw_role[R_DIM], v->about);
}

/* A routine's label in n cells: its whole name, else its one short label
 * (the model's abbr, "co1" for cook#1, the same everywhere), else nothing:
 * a run too short for either is only its colour. */
static const char *label_for(const ui_routine *r, int n)
{
    if (n >= draw_width(r->name))
        return r->name;
    if (n >= draw_width(r->abbr))
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
    draw_put(y, x, x + w, draw_chip_attr(v, r), label);
    draw_add_hit(v, y, x, x + draw_width(label), id);
}

/* The cells of one run of routine r from (y, x): its label (after a steal
 * mark), then a bar in its colour; a tick of waiting for a CPU in a light
 * shade; the steal and preemption marks at its ends. */
static void draw_run(ui_view *v, int y, int x, int lane, const ui_cell *const *cells,
                     int len, int lead, attr_t a, const ui_routine *r, const char *label)
{
    const ui_model *m = v->m;
    int k;

    for (k = 0; k < len; k++) {
        const ui_cell *ck = cells[k];
        char one[2] = { ' ', '\0' };
        const char *g = one;
        attr_t ak = a;
        int ni = k - lead, starved = ui_model_cell_waiting(m, lane, ck);
        /* the name or short label, then a solid bar in the routine's
         * colour (UTF-8) or its colour as background; a tick its thread
         * spent waiting for a CPU is a light shade in the routine's
         * colour, never solid */
        if (starved)
            ak = (draw_npal > 1 ? draw_pal_fg[r->colour % draw_npal] : A_NORMAL)
               | (a & (A_UNDERLINE | A_BOLD));
        if (ni >= 0 && ni < (int)strlen(label))
            one[0] = label[ni];
        else if (starved) {
            g = draw_glyph->wait;
            v->waiting_shown = 1;
        } else if (draw_glyph->fill != NULL && draw_npal > 1) {
            g = draw_glyph->fill;
            ak = draw_pal_fg[r->colour % draw_npal] | (a & (A_UNDERLINE | A_BOLD));
        }
        if (ck->flags & UI_CELL_STEAL)
            g = draw_glyph->steal, ak = a;
        else if (ck->flags & UI_CELL_PREEMPT)
            g = draw_glyph->pre, ak = a;
        draw_put(y, x + k, x + k + 1, ak, g);
    }
}

/* One lane's timeline, tick `last` at the right edge (draw_int.h). */
void draw_timeline(ui_view *v, const layout *L, int y, int lane, int64_t last)
{
    const ui_model *m = v->m;
    const ui_cell *cells[1024];
    const char *label;
    int w = L->tl_w < 1024 ? L->tl_w : 1024, c, e;
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
                draw_put(y, x, x + 1, A_REVERSE, "?");
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
            a = draw_pal_bg[r->colour % draw_npal];
            if (draw_npal == 1) {
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
            draw_run(v, y, x, lane, cells + c, len, lead, a, r, label);
            draw_add_hit(v, y, x, x + len, r->id);
        } else if (cl->flags & UI_CELL_PARKED) {
            draw_put(y, x, x + 1, draw_role[R_PARKED], draw_glyph->park);
        } else if (ui_model_cell_nocpu(cl)) {
            /* work waited for this lane, its thread for a CPU */
            draw_put(y, x, x + 1, draw_role[R_IDLE], draw_glyph->wait);
            v->waiting_shown = 1;
        } else {
            draw_put(y, x, x + 1, draw_role[R_IDLE], draw_glyph->dot);
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
        snprintf(buf, n, " core %d %s off ", lane, draw_glyph->dot);
    } else {
        /* the share of a CPU the lane's thread really had, not the share
         * of ticks it held a routine */
        snprintf(buf, n, " core %d %s cpu %s %s ran %d%% ", lane, draw_glyph->dot, cpu,
                 draw_glyph->dot, ui_model_ran(v->m, lane, RAN_TICKS));
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
    const char *const *words = v->cores > draw_cpus_of(v) && draw_cpus_of(v) > 0 ? sliced : others;
    int i, x;

    if (!v->waiting_shown)
        return;
    for (i = 0; i < 2 && 3 + draw_width(words[i]) + 1 > xmax; i++)
        ;
    x = draw_put(y, 2, xmax, A_NORMAL, " ");
    x = draw_put(y, x, xmax, draw_role[R_WARN], draw_glyph->wait);
    draw_put(y, x, xmax, draw_role[R_WARN], words[i]);
}

static void draw_lanes(ui_view *v, const layout *L)
{
    const ui_model *m = v->m;
    int cols = L->cols, j, y = L->lanes_y;
    char label[96];
    attr_t b = draw_role[R_BORDER];

    v->waiting_shown = 0;
    if (!L->boxed) {
        /* compact: a top and a bottom border, one row a lane */
        draw_put(y, 0, 1, b, draw_glyph->tl);
        draw_repeat(y, 1, cols - 1, b, draw_glyph->h);
        draw_put(y, cols - 1, cols, b, draw_glyph->tr);
        draw_put(y, 2, cols - 2, draw_role[R_LABEL], " core ran ");
        if (L->first > 0)
            draw_putf(y, cols - 16, cols - 2, draw_role[R_DIM], " %s %d more ", draw_glyph->up,
                      L->first);
        for (j = 0; j < L->nshow; j++) {
            int lane = L->first + j, yy = y + 1 + j;
            const ui_lane *ln = &m->lanes[lane];
            draw_put(yy, 0, 1, b, draw_glyph->v);
            draw_put(yy, cols - 1, cols, b, draw_glyph->v);
            lane_label(v, lane, label, sizeof label, 1);
            draw_put(yy, 1, 9, ln->parked ? draw_role[R_PARKED] : draw_role[R_LABEL], label);
            if (ln->cur != 0)
                name_chip(v, yy, 10, L->namew, ln->cur);
            else            /* as the boxed rows say it: never a blank */
                draw_put(yy, 10, 10 + L->namew,
                         ln->parked ? draw_role[R_PARKED] : draw_role[R_DIM],
                         ln->parked ? "off" : "idle");
            draw_timeline(v, L, yy, lane, ui_model_last_tick(m));
        }
        y += 1 + L->nshow;
        draw_put(y, 0, 1, b, draw_glyph->bl);
        draw_repeat(y, 1, cols - 1, b, draw_glyph->h);
        draw_put(y, cols - 1, cols, b, draw_glyph->br);
        if (L->first + L->nshow < m->nlanes)
            draw_putf(y, cols - 24, cols - 2, draw_role[R_DIM], " %s %d more (PgDn) ",
                      draw_glyph->down, m->nlanes - L->first - L->nshow);
        draw_legend(v, y, L->first + L->nshow < m->nlanes ? cols - 25 : cols - 2);
        v->lanes_shown = L->nshow;
        return;
    }
    for (j = 0; j < L->nshow; j++) {
        int lane = L->first + j;
        const ui_lane *ln = &m->lanes[lane];
        draw_put(y, 0, 1, b, j == 0 ? draw_glyph->tl : draw_glyph->lt);
        draw_repeat(y, 1, cols - 1, b, draw_glyph->h);
        draw_put(y, cols - 1, cols, b, j == 0 ? draw_glyph->tr : draw_glyph->rt);
        lane_label(v, lane, label, sizeof label, 0);
        draw_put(y, 1, cols - 2, ln->parked ? draw_role[R_PARKED] : draw_role[R_LABEL], label);
        y++;
        draw_put(y, 0, 1, b, draw_glyph->v);
        draw_put(y, cols - 1, cols, b, draw_glyph->v);
        if (ln->cur != 0)
            name_chip(v, y, 2, L->namew, ln->cur);
        else
            draw_put(y, 2, 2 + L->namew, ln->parked ? draw_role[R_PARKED] : draw_role[R_DIM],
                     ln->parked ? "off" : "idle");
        draw_timeline(v, L, y, lane, ui_model_last_tick(m));
        y++;
    }
    draw_put(y, 0, 1, b, draw_glyph->bl);
    draw_repeat(y, 1, cols - 1, b, draw_glyph->h);
    draw_put(y, cols - 1, cols, b, draw_glyph->br);
    draw_legend(v, y, cols - 2);
    v->lanes_shown = L->nshow;
}

static void draw_small(const layout *L)
{
    char a[96], b[96];
    int y = L->rows / 2 - 1;

    if (y < 0)
        y = 0;
    snprintf(a, sizeof a, "lanes needs at least %d%s%d", UI_MIN_COLS, draw_glyph->times,
             UI_MIN_ROWS);
    snprintf(b, sizeof b, "this terminal is %d%s%d", L->cols, draw_glyph->times, L->rows);
    draw_put(y, (L->cols - draw_width(a)) / 2 > 0 ? (L->cols - draw_width(a)) / 2 : 0, L->cols,
             A_BOLD, a);
    draw_put(y + 1, (L->cols - draw_width(b)) / 2 > 0 ? (L->cols - draw_width(b)) / 2 : 0, L->cols,
             A_NORMAL, b);
    draw_put(y + 2, (L->cols - 27) / 2 > 0 ? (L->cols - 27) / 2 : 0, L->cols, draw_role[R_DIM],
             "enlarge it: the run goes on");
}

void ui_draw(ui_view *v)
{
    layout L;

    erase();
    v->nhits = 0;
    v->tl_w = 0;
    do_layout(v, &L, LINES, COLS);
    v->too_small = L.small;
    if (L.small) {
        draw_small(&L);
        return;
    }
    draw_header(v, &L);
    draw_lanes(v, &L);
    v->tl_x = L.tl_x;               /* for clicks on a timeline (history) */
    v->tl_w = L.tl_w < 1024 ? L.tl_w : 1024;
    v->tl_y0 = L.lanes_y + 1;
    v->tl_y1 = L.lanes_y + L.lanes_h - 1;
    v->tl_last = ui_model_last_tick(v->m);
    draw_panel(v, &L);
    if (L.side_w > 0)
        draw_detail(v, L.lanes_y, L.side_x, L.rows - 2 - L.lanes_y, L.side_w);
    if (v->help) {
        v->nhits = 0;
        v->tl_w = 0;
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

int64_t ui_draw_tick_at(const ui_view *v, int y, int x)
{
    int64_t tick;

    if (v->tl_w <= 0 || y < v->tl_y0 || y >= v->tl_y1 || x < v->tl_x || x >= v->tl_x + v->tl_w)
        return -1;
    tick = v->tl_last - (v->tl_w - 1 - (x - v->tl_x));
    return tick >= 0 ? tick : -1;
}
