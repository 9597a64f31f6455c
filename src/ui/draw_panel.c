/*
 * draw_panel.c - the text rows below the lanes: the explanation (a note,
 * the scenario's narration, a message or a step's account), the runnable
 * queues, the channels and their waiters, the sleepers, the finished and
 * the served rate, the decisions, the statistics and the hint line.
 * Must not: choose its rows (the layout gives them) or change the model.
 * Invariant: each row stays on the row and inside the width it was given.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ui/draw_int.h"
#include "scn/scn.h"

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

/* A core that kept its routine through the step: which tick of its slice
 * that was.  The quantum counts ticks of work while the columns count
 * runtime ticks, so a lane that waited for a CPU passes the quantum in
 * columns without being preempted while others wait: said so, and
 * "nobody waits" only when nobody does (the runnable line shows it). */
static size_t kept_words(const ui_view *v, int l, int cols, char *text, size_t size)
{
    const ui_model *m = v->m;
    const ui_lane *ln = &m->lanes[l];
    const ui_routine *r = ui_model_routine(v->m, ln->cur);
    const char *name = r != NULL ? r->name : "?";
    unsigned long long used = (m->now - ln->run_since + 999) / 1000;

    if (m->quantum <= 0)
        return (size_t)snprintf(text, size, "%s ran on", name);
    if (used <= (unsigned long long)m->quantum)
        return (size_t)snprintf(text, size, "%s ran tick %llu of its %d-tick slice", name, used,
                                m->quantum);
    if (runnable_for(m, l) > 0)
        return (size_t)snprintf(text, size, cols >= 100
                                ? "%s ran tick %llu, past its %d-tick slice: a slice counts "
                                  "ticks of work, and the lane waited for a CPU"
                                : "%s ran tick %llu, past its %d-tick slice of work",
                                name, used, m->quantum);
    if (cols >= 100)
        return (size_t)snprintf(text, size, "%s kept running (tick %llu: nobody waits, so no "
                                "preemption)", name, used);
    return (size_t)snprintf(text, size, "%s kept running, nobody waits", name);
}

/* What the explain rows say, when they say one text: a message, what each
 * core did in the last step (a line a core), or how to step.  0 when the
 * run goes on (then they show the latest decision). */
size_t draw_explain_text(const ui_view *v, int cols, char *text, size_t size, attr_t *a)
{
    const ui_model *m = v->m;
    size_t n = 0;
    int l, first = 1;

    text[0] = '\0';
    if (v->note[0] != '\0' && v->wall >= v->note_wall && v->wall - v->note_wall < NOTE_MS) {
        *a = draw_role[R_WARN];
        snprintf(text, size, "%s%s%s", v->note, v->message[0] != '\0' ? "\n" : "", v->message);
        return strlen(text);
    }
    if (lesson_text(v, text, size, a) > 0)
        return strlen(text);
    if (v->message[0] != '\0') {
        *a = v->end == UI_END_DONE || v->end == UI_END_STOPPED ? draw_role[R_OK]
           : v->end != UI_END_NONE ? draw_role[R_ERROR] : draw_role[R_WARN];
        snprintf(text, size, "%s", v->message);
        return strlen(text);
    }
    if (!v->paused)
        return 0;
    if (!m->step_valid) {
        *a = draw_role[R_WARN];
        snprintf(text, size, "paused: s or Right steps one tick and says what each core did; "
                             "Left goes back; space resumes");
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
            n += (size_t)snprintf(text + n, size - n, "%score %d: ", sep, l);
            n += kept_words(v, l, cols, text + n, size - n);
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

    if (draw_explain_text(v, L->cols, text, sizeof text, &a) > 0) {
        draw_wrap(L->explain_y, L->explain_n, 1, L->cols, a, text);
        return;
    }
    if (ui_model_log(m, 0) != NULL) {
        int x = draw_put(L->explain_y, 1, L->cols, draw_role[R_LABEL], "latest ");
        draw_put_cut(L->explain_y, x, L->cols, A_NORMAL, ui_model_log(m, 0));
    }
    if (L->explain_n > 1 && v->end == UI_END_NONE && v->cores > draw_cpus_of(v)
        && draw_cpus_of(v) > 0)
        draw_putf(L->explain_y + 1, 1, L->cols, draw_role[R_WARN],
                  "%d lanes on %d CPU%s: the OS time-slices the lanes", v->cores,
                  draw_cpus_of(v), draw_cpus_of(v) == 1 ? "" : "s");
    else if (L->explain_n > 1 && v->end == UI_END_NONE && fold_cpu_machine_busy(&m->st.cpu))
        draw_putf(L->explain_y + 1, 1, L->cols, draw_role[R_WARN],
                  "machine busy: other programs use %.1f CPU of this process's %d",
                  (double)m->st.cpu.load / 1000.0, draw_cpus_of(v));
    else if (L->explain_n > 1 && v->end == UI_END_NONE)
        draw_put(L->explain_y + 1, 1, L->cols, draw_role[R_DIM],
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

    draw_put(y, 1, LABEL_W, draw_role[R_LABEL], "runnable");
    x = draw_put(y, LABEL_W + 1, xmax, draw_role[R_DIM], "global: ");
    n = ui_model_list(m, UI_AT_GLOBAL, -1, 0, ids, 64);
    x = draw_chips(v, y, x, xmax, ids, n < 64 ? n : 64, n, NULL);
    for (l = 0; l < m->nlanes && x < xmax - 8; l++) {
        if (m->lanes[l].parked)
            continue;
        snprintf(lab, sizeof lab, "   core %d: ", l);
        if (x + draw_width(lab) + 2 > xmax)
            break;                  /* never a label cut short */
        x = draw_put(y, x, xmax, draw_role[R_DIM], lab);
        nn = ui_model_list(m, UI_AT_RUNNEXT, l, 0, nx, 1);
        n = ui_model_list(m, UI_AT_LOCAL, l, 0, ids, 64);
        if (nn > 0) {
            x = draw_put(y, x, xmax, draw_role[R_DIM], draw_glyph->next);
            x = draw_chip(v, y, x, xmax, nx[0], NULL);
            if (n > 0)
                x = draw_put(y, x, xmax, A_NORMAL, " ");
        }
        if (n > 0 || nn == 0)
            x = draw_chips(v, y, x, xmax, ids, n < 64 ? n : 64, n, NULL);
    }
    for (; l < m->nlanes; l++)      /* cores left out: say so */
        if (!m->lanes[l].parked) {
            int ew = draw_width(draw_glyph->ell);
            draw_put(y, x + 1 + ew <= xmax ? x + 1 : xmax - ew, xmax, draw_role[R_DIM],
                     draw_glyph->ell);
            break;
        }
}

/* The name and contents of channel c on row y; returns the column after. */
static int chan_contents(int y, int xmax, const ui_chan *c)
{
    int x = LABEL_W + 1, i;
    char buf[32];

    draw_put(y, 1, LABEL_W, draw_role[R_LABEL], c->name);
    if (c->cap == 0) {
        x = draw_put(y, x, xmax, draw_role[R_DIM], "unbuffered");
    } else {
        x = draw_put(y, x, xmax, A_NORMAL, "[");
        for (i = 0; i < c->nbuf && x < LABEL_W + 1 + 24; i++) {
            snprintf(buf, sizeof buf, "%s" SCN_ITEM_TAG "%d", i ? " " : "", (int)c->buf[i]);
            x = draw_put(y, x, xmax, A_BOLD, buf);
        }
        if (i < c->nbuf)
            x = draw_putf(y, x, xmax, draw_role[R_DIM], " +%d", c->nbuf - i);
        for (i = c->nbuf; i < c->cap && i < 6; i++)
            x = draw_putf(y, x, xmax, draw_role[R_DIM], "%s%s", i ? " " : "", draw_glyph->dot);
        x = draw_put(y, x, xmax, A_NORMAL, "]");
        x = draw_putf(y, x, xmax, draw_role[R_DIM], " %d/%d", c->nbuf, c->cap);
    }
    if (c->closed)
        x = draw_put(y, x, xmax, draw_role[R_WARN], " closed");
    return x;
}

/* A label of the waiters' row, or the ellipsis where it (and a little of
 * what follows) no longer fits: a row is never cut mid-word. */
static int waiters_label(int y, int x, int xmax, const char *s)
{
    if (x >= xmax)
        return x;
    if (x + draw_width(s) + 2 > xmax) {
        draw_put(y, x + 1 < xmax ? x + 1 : x, xmax, draw_role[R_DIM], draw_glyph->ell);
        return xmax;
    }
    return draw_put(y, x, xmax, draw_role[R_DIM], s);
}

/* The waiters of channel id on row y from column x, up to xmax; returns
 * the column after them. */
static int chan_waiters(ui_view *v, int y, int x, int xmax, uint32_t id, int narrow)
{
    uint32_t ids[64];
    size_t n;

    x = waiters_label(y, x, xmax, narrow ? "  send: " : "   senders waiting: ");
    n = ui_model_list(v->m, UI_AT_SEND, -1, id, ids, 64);
    if (x < xmax)
        x = draw_chips(v, y, x, xmax, ids, n < 64 ? n : 64, n, NULL);
    x = waiters_label(y, x, xmax, narrow ? "  recv: " : "   receivers waiting: ");
    n = ui_model_list(v->m, UI_AT_RECV, -1, id, ids, 64);
    if (x < xmax)
        x = draw_chips(v, y, x, xmax, ids, n < 64 ? n : 64, n, NULL);
    n = ui_model_list(v->m, UI_AT_SELECT, -1, id, ids, 64);
    if (n > 0) {
        x = waiters_label(y, x, xmax, "   in select: ");
        if (x < xmax)
            x = draw_chips(v, y, x, xmax, ids, n < 64 ? n : 64, n, NULL);
    }
    return x;
}

/* Two passes: the contents of every shown channel first, so the waiters
 * start in one column for all of them (the widest contents decide it, as
 * far as the width allows). */
static void draw_chans(ui_view *v, const layout *L)
{
    ui_model *m = v->m;
    uint32_t id;
    int row, xmax = L->cols - 1, narrow = L->cols < 90;
    int col = LABEL_W + 1 + 18, colmax = xmax - (narrow ? 16 : 40);
    char more[32];

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

    /* channels left out for want of rows: said at the end of the last
     * row shown, its room kept first (a full row must not hide it) */
    snprintf(more, sizeof more, " +%d channel%s", L->chans_hidden,
             L->chans_hidden == 1 ? "" : "s");
    for (id = 1, row = 0; id <= m->maxchan && id < m->nchans && row < L->chan_n; id++) {
        int y = L->chan_y + row, lim = xmax, x;

        if (m->chans[id].id == 0)
            continue;
        row++;
        if (row == L->chan_n && L->chans_hidden > 0)
            lim = xmax - draw_width(more);
        x = chan_waiters(v, y, col, lim, id, narrow);
        if (lim < xmax)
            draw_put(y, x < lim ? x : lim, xmax, A_NORMAL, more);
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

    draw_put(L->sleep_y, 1, LABEL_W, draw_role[R_LABEL], "sleeping");
    x = LABEL_W + 1;
    n = ui_model_list(m, UI_AT_SLEEP, -1, 0, ids, 64);
    if (n == 0)
        draw_put(L->sleep_y, x, xmax, draw_role[R_DIM], draw_glyph->dash);
    for (i = 0; i < n && i < 64; i++) {
        const ui_routine *r = ui_model_routine(m, ids[i]);
        if (x + draw_width(r->name) + 12 > xmax) {
            draw_putf(L->sleep_y, x, xmax, draw_role[R_DIM], "+%zu", n - i);
            break;
        }
        if (ui_model_sleep_left(m, r) == 0)
            snprintf(suf, sizeof suf, " (waking)");
        else
            snprintf(suf, sizeof suf, " (%d tick%s)", ui_model_sleep_left(m, r),
                     ui_model_sleep_left(m, r) == 1 ? "" : "s");
        x = draw_chip(v, L->sleep_y, x, xmax, ids[i], suf);
        x = draw_put(L->sleep_y, x, xmax, A_NORMAL, "  ");
    }

    if (v->no_items && m->st.items == 0)   /* tokens only: nothing to serve */
        buf[0] = '\0';
    else if (m->st.items == 0)     /* nothing served: no rate, no latency */
        snprintf(buf, sizeof buf, "served 0 %s rate %s %s latency %s", draw_glyph->dot,
                 draw_glyph->dash, draw_glyph->dot, draw_glyph->dash);
    else
        snprintf(buf, sizeof buf, "served %llu %s %.1f/s %s latency %.1f ticks avg",
                 (unsigned long long)m->st.items, draw_glyph->dot,
                 secs > 0 ? (double)m->st.items / secs : 0.0, draw_glyph->dot,
                 ui_model_latency(m));
    rw = buf[0] != '\0' ? draw_width(buf) : -2;
    draw_put(L->done_y, 1, LABEL_W, draw_role[R_LABEL], "finished");
    n = ui_model_list(m, UI_AT_DONE, -1, 0, ids, 64);
    draw_chips(v, L->done_y, LABEL_W + 1, xmax - rw - 2, ids, n < 64 ? n : 64, n, NULL);
    draw_put(L->done_y, xmax - rw, xmax, A_NORMAL, buf);
}

static void draw_log(ui_view *v, const layout *L)
{
    int i;

    for (i = 0; i < L->log_n; i++) {
        const char *s = ui_model_log(v->m, (unsigned)i);
        if (i == 0)
            draw_put(L->log_y, 1, LABEL_W, draw_role[R_LABEL], "decisions");
        if (s == NULL)
            break;
        draw_put_cut(L->log_y + i, LABEL_W + 1, L->cols - 1,
                     i == 0 ? A_NORMAL : draw_role[R_DIM], s);
    }
}

static void draw_stats(ui_view *v, const layout *L)
{
    const ui_model *m = v->m;
    char buf[4][256];
    int i, cpus = draw_cpus_of(v);
    unsigned long long sw = m->st.switches, st = m->st.steals, pr = m->st.preemptions;
    double occ = ui_model_occupancy(m);
    const char *dot = draw_glyph->dot, *cs = cpus == 1 ? "" : "s";
    char par[16];

    /* parallelism is CPU time over wall time (it never passes the CPUs);
     * a dash until the run is long enough for it to mean something
     * (fold/cpu.h); occupancy is the share of lanes holding routines */
    if (ui_model_parallelism_known(m))
        snprintf(par, sizeof par, "%.2f", ui_model_parallelism(m));
    else
        snprintf(par, sizeof par, "%s", draw_glyph->dash);
    snprintf(buf[0], sizeof buf[0], "switches %llu %s steals %llu %s preemptions %llu %s "
             "parallelism %s on %d CPU%s %s occupancy %.2f of %d lane%s",
             sw, dot, st, dot, pr, dot, par, cpus, cs, dot,
             occ, v->cores, v->cores == 1 ? "" : "s");
    snprintf(buf[1], sizeof buf[1], "switches %llu %s steals %llu %s preempt %llu %s "
             "parallelism %s/%d CPU%s %s occupancy %.2f/%d",
             sw, dot, st, dot, pr, dot, par, cpus, cs, dot, occ, v->cores);
    snprintf(buf[2], sizeof buf[2], "switches %llu %s parallelism %s/%d CPU%s %s "
             "occupancy %.2f/%d", sw, dot, par, cpus, cs, dot, occ, v->cores);
    snprintf(buf[3], sizeof buf[3], "parallelism %s/%d CPU%s %s occupancy %.2f/%d",
             par, cpus, cs, dot, occ, v->cores);
    for (i = 0; i < 3 && draw_width(buf[i]) > L->full - 2; i++)
        ;
    draw_put(L->stats_y, 1, L->full, A_NORMAL, buf[i]);
}

int draw_key_works(const ui_view *v, int action)
{
    return !(v->attached && (action == UI_ACT_COMPARE || action == UI_ACT_RESTART));
}

/* A replay's keys: what a recording can do (cores, preemption and
 * compare would change or rerun the run; the help screen has them all). */
static const char *const replay_hints[] = {
    "space pause", "s step", "r again", "</> speed", "Left back", NULL
};

static void draw_hints(ui_view *v, const layout *L)
{
    int i, n = 0, x = 1, xmax = L->full - 1, reserve = 0;
    const char *tail[2] = { NULL, NULL }, *hints[40];

    if (v->banner[0] != '\0') {        /* history: where the screen is */
        draw_put(L->hints_y, 0, L->full, draw_role[R_WARN] | A_REVERSE, " ");
        draw_put_cut(L->hints_y, 1, L->full, draw_role[R_WARN] | A_REVERSE, v->banner);
        return;
    }
    /* "? help" and "q quit" always show; the others as space allows */
    for (i = 0; ui_keys[i].action != UI_ACT_NONE; i++) {
        if (ui_keys[i].action == UI_ACT_HELP)
            tail[0] = ui_keys[i].hint;
        if (ui_keys[i].action == UI_ACT_QUIT)
            tail[1] = ui_keys[i].hint;
    }
    for (i = 0; i < 2; i++)
        if (tail[i] != NULL)
            reserve += draw_width(tail[i]) + 3;
    for (i = 0; v->replay && replay_hints[i] != NULL; i++)
        hints[n++] = replay_hints[i];
    for (i = 0; !v->replay && ui_keys[i].action != UI_ACT_NONE && n < 40; i++)
        if (draw_key_works(v, ui_keys[i].action))
            hints[n++] = ui_keys[i].hint;
    for (i = 0; i < n; i++) {
        const char *h = hints[i], *sp;
        char key[32];
        int w;
        if (h == NULL || h == tail[0] || h == tail[1])
            continue;
        w = draw_width(h) + 3;
        if (x + w > xmax - reserve)
            continue;
        sp = strchr(h, ' ');
        snprintf(key, sizeof key, "%.*s", (int)(sp - h), h);
        x = draw_put(L->hints_y, x, xmax, draw_role[R_KEY], key);
        x = draw_put(L->hints_y, x, xmax, A_NORMAL, sp);
        x = draw_put(L->hints_y, x, xmax, draw_role[R_DIM], "  ");
        x++;
    }
    for (i = 0; i < 2; i++) {
        const char *sp;
        char key[32];
        if (tail[i] == NULL)
            continue;
        sp = strchr(tail[i], ' ');
        snprintf(key, sizeof key, "%.*s", (int)(sp - tail[i]), tail[i]);
        x = draw_put(L->hints_y, x, xmax, draw_role[R_KEY], key);
        x = draw_put(L->hints_y, x, xmax, A_NORMAL, sp);
        x += 3;
    }
}

/* The rows below the lanes, top to bottom. */
void draw_panel(ui_view *v, const layout *L)
{
    draw_explain(v, L);
    draw_runq(v, L);
    draw_chans(v, L);
    draw_sleep_done(v, L);
    draw_log(v, L);
    draw_stats(v, L);
    draw_hints(v, L);
}
