/*
 * ui-bench.c - the cost of the screen (issue 7, row 9): folding trace events
 * into the UI model (src/ui/model.h), per event.
 *
 * The events come from a small deterministic generator, not from a run of
 * the runtime, so the row measures the model alone and is the same on every
 * machine and every day: a busy restaurant-like picture of 4 lanes, 24
 * routines and 4 channels (two buffered, two unbuffered), where routines
 * run slices, send and receive numbered items, wake partners into run-next
 * slots, block, sleep, get preempted and stolen, the mix a scheduler records.
 *
 * Frames: the same stream drives a 160x48 screen (256 colours, UTF-8) that
 * curses writes to /dev/null through newterm; between frames (untimed)
 * 1,000 more events are folded, so every frame has changes to draw.  A
 * frame is ui_draw + wnoutrefresh + doupdate, as the UI loop does.
 * Owns nothing of the UI; reads it through model.h and draw.h only.
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(HAVE_NCURSESW_CURSES_H)
#include <ncursesw/curses.h>
#else
#include <curses.h>
#endif

#include "bench.h"
#include "ui/draw.h"
#include "ui/hist.h"
#include "ui/model.h"

#define UI_EVENTS   1000000
#define G_LANES     4
#define G_ROUTINES  24
#define G_CHANS     4
#define UI_FRAMES   1000
#define FRAME_EVENTS 1000        /* folded between two frames            */
#define FRAME_ROWS  48
#define FRAME_COLS  160

/* ---- a generator of plausible events -------------------------------------- */

typedef struct gen {
    uint64_t    rng;
    uint64_t    t_rt;            /* runtime time, milli-ticks              */
    uint32_t    cur[G_LANES];    /* routine on each lane, 0 = idle         */
    int32_t     item;            /* last item number handed out            */
    lanes_event *ev;
    size_t      n, max;
} gen;

static uint32_t gen_rand(gen *g, uint32_t below)
{
    g->rng ^= g->rng << 13;
    g->rng ^= g->rng >> 7;
    g->rng ^= g->rng << 17;
    return (uint32_t)(g->rng % below);
}

static void emit(gen *g, int kind, int lane, uint32_t routine, uint32_t obj, int32_t arg)
{
    lanes_event *e;

    if (g->n == g->max)
        return;
    e = &g->ev[g->n++];
    e->t_ns = g->t_rt * 1000;
    e->t_rt = g->t_rt;
    e->routine = routine;
    e->obj = obj;
    e->arg = arg;
    e->lane = (uint16_t)lane;
    e->kind = (uint16_t)kind;
}

static void generate(gen *g)
{
    static const int qs[] = { LANES_Q_LOCAL, LANES_Q_RUNNEXT, LANES_Q_GLOBAL, LANES_Q_STEAL };

    for (uint32_t c = 1; c <= G_CHANS; c++)
        emit(g, LANES_EV_CHAN, LANES_NO_LANE, 0, c, c <= 2 ? 3 : 0);
    for (uint32_t r = 1; r <= G_ROUTINES; r++)
        emit(g, LANES_EV_SPAWN, (int)(r % G_LANES), r, 0, LANES_Q_LOCAL);
    while (g->n + 8 < g->max) {
        int l = (int)gen_rand(g, G_LANES);
        uint32_t r = g->cur[l], other = 1 + gen_rand(g, G_ROUTINES);
        uint32_t ch = 1 + gen_rand(g, G_CHANS);

        g->t_rt += 50 + gen_rand(g, 400);
        if (r == 0) {                            /* take one and run it */
            int q = qs[gen_rand(g, 4)];
            r = 1 + gen_rand(g, G_ROUTINES);
            if (q == LANES_Q_STEAL)
                emit(g, LANES_EV_STEAL, l, r, (uint32_t)((l + 1) % G_LANES), 0);
            emit(g, LANES_EV_RUN, l, r, (uint32_t)l, q);
            g->cur[l] = r;
            continue;
        }
        switch (gen_rand(g, 8)) {
        case 0: case 1:                          /* send, wake the partner */
            emit(g, LANES_EV_SEND, l, r, ch, ++g->item);
            emit(g, LANES_EV_RECV, l, other, ch, g->item);
            emit(g, LANES_EV_WAKE, l, other, r, LANES_Q_RUNNEXT);
            break;
        case 2:                                  /* receive from a buffer */
            emit(g, LANES_EV_RECV, l, r, ch, g->item);
            if (gen_rand(g, 4) == 0)
                emit(g, LANES_EV_DONE, l, r, 0, g->item);
            break;
        case 3:                                  /* block */
            emit(g, LANES_EV_STOP, l, r, ch,
                 gen_rand(g, 2) ? LANES_STOP_RECV : LANES_STOP_SEND);
            g->cur[l] = 0;
            break;
        case 4:                                  /* preempted */
            emit(g, LANES_EV_STOP, l, r, LANES_Q_LOCAL, LANES_STOP_PREEMPT);
            g->cur[l] = 0;
            break;
        case 5:                                  /* yield */
            emit(g, LANES_EV_STOP, l, r, LANES_Q_GLOBAL, LANES_STOP_YIELD);
            g->cur[l] = 0;
            break;
        case 6:                                  /* sleep, a timer wakes another */
            emit(g, LANES_EV_STOP, l, r, 3, LANES_STOP_SLEEP);
            emit(g, LANES_EV_WAKE, LANES_NO_LANE, other, 0, LANES_Q_GLOBAL);
            g->cur[l] = 0;
            break;
        default:                                 /* just runs on */
            break;
        }
    }
}

static void namer(void *ctx, int kind, uint32_t id, char *buf, size_t n)
{
    static const char *const who[] = { "cashier", "cook", "attendant", "waiter" };
    static const char *const what[] = { "orders", "meals", "pickup", "bell" };

    if (kind == 0)
        snprintf(buf, n, "%s#%u", who[id % 4], (unsigned)id);
    else
        snprintf(buf, n, "%s", what[(id - 1) % 4]);
}

static lanes_event *events;
static size_t nevents;

static void make_events(void)
{
    gen g = { .rng = 0x2545f4914f6cdd1dull, .max = UI_EVENTS };

    if (events != NULL)
        return;
    g.ev = calloc(g.max, sizeof *g.ev);
    if (g.ev == NULL)
        bench_die("calloc (1,000,000 events)", 12);
    generate(&g);
    events = g.ev;
    nevents = g.n;
}

/* ---- rows ------------------------------------------------------------------- */

/* Folds the million events in batches of 4096, as the screen does between
 * frames (with an advance per batch); ns per event. */
static double row_fold(bench_row *r, int lanes, double *aux)
{
    ui_model m;
    uint64_t t0, t1;
    const size_t batch = 4096;

    make_events();
    ui_model_init(&m, G_LANES, 4, namer, NULL);
    t0 = bench_now_ns();
    for (size_t i = 0; i < nevents; i += batch) {
        size_t k = nevents - i < batch ? nevents - i : batch;
        ui_model_fold(&m, events + i, k, i / batch);
        ui_model_advance(&m, events[i + k - 1].t_rt, i / batch);
    }
    t1 = bench_now_ns();
    aux[0] = (double)m.st.switches;
    ui_model_free(&m);
    return (double)(t1 - t0) / (double)nevents;
}

static void note_fold(char *buf, size_t n, const double *a)
{
    snprintf(buf, n, "1,000,000 generated events, %.0f slices", a[0]);
}

/* 1,000 frames of the busy picture; us per frame. */
static double row_frame(bench_row *r, int lanes, double *aux)
{
    ui_model m;
    ui_view v;
    SCREEN *scr;
    FILE *out, *in;
    char *old_locale = NULL;
    const char *loc;
    uint64_t spent = 0;
    size_t next = 0;

    make_events();
    loc = setlocale(LC_ALL, NULL);
    if (loc != NULL)
        old_locale = strdup(loc);
    if (setlocale(LC_ALL, "C.UTF-8") == NULL)
        setlocale(LC_ALL, "");
    setenv("LINES", "48", 1);
    setenv("COLUMNS", "160", 1);
    out = fopen("/dev/null", "w");
    in = fopen("/dev/null", "r");
    if (out == NULL || in == NULL)
        bench_die("/dev/null", 0);
    scr = newterm("xterm-256color", out, in);
    if (scr == NULL)
        bench_die("newterm(xterm-256color) on /dev/null", 0);
    set_term(scr);
    start_color();
    use_default_colors();

    ui_model_init(&m, G_LANES, 4, namer, NULL);
    memset(&v, 0, sizeof v);
    v.m = &m;
    v.title = "Fast-food restaurant (bench)";
    v.about = "Four cores, twenty-four routines, four channels, all of them busy.";
    v.cpus = 2;
    v.cores = G_LANES;
    v.quantum = 4;
    v.speed = "1x";
    v.tick_s = 0.05;
    v.utf8 = 1;
    ui_draw_setup(&v, 1, 1);

    for (int f = 0; f < UI_FRAMES; f++) {
        uint64_t t0;
        size_t k = FRAME_EVENTS;
        if (next + k > nevents) {       /* start the picture again */
            next = 0;
            ui_model_reset(&m, G_LANES, 4);
        }
        ui_model_fold(&m, events + next, k, (uint64_t)f * 33);
        ui_model_advance(&m, events[next + k - 1].t_rt, (uint64_t)f * 33);
        next += k;
        v.wall = (uint64_t)f * 33;
        v.selected = (uint32_t)(1 + f / 100 % G_ROUTINES);
        t0 = bench_now_ns();
        ui_draw(&v);
        wnoutrefresh(stdscr);
        doupdate();
        spent += bench_now_ns() - t0;
    }
    aux[0] = (double)v.lanes_shown;
    endwin();
    delscreen(scr);
    fclose(out);
    fclose(in);
    ui_model_free(&m);
    if (old_locale != NULL) {
        setlocale(LC_ALL, old_locale);
        free(old_locale);
    }
    return (double)spent / UI_FRAMES / 1000.0;
}

static void note_frame(char *buf, size_t n, const double *a)
{
    snprintf(buf, n, "%dx%d, 256 colours, UTF-8, %.0f lanes shown", FRAME_COLS, FRAME_ROWS, a[0]);
}

/* ---- history: seek in a 10-million-event run (issue 16) -------------------- */

#define HIST_EVENTS   10000000
#define HIST_SEEKS    50

static ui_hist *hist;
static double hist_add_ns;          /* keeping one event, folding included */

/* The million generated events again and again, each copy later in time,
 * every item done at its first receive (the runtime ends an item's
 * journey; the generator seldom does, and items on their way forever
 * would fill every snapshot): a 10-million-event run kept by history. */
static void make_hist(void)
{
    uint64_t span_rt, span_ns, t0;
    size_t done = 0, i, k = 0;
    static lanes_event buf[8192];

    if (hist != NULL)
        return;
    make_events();
    span_rt = events[nevents - 1].t_rt + 1000;
    span_ns = events[nevents - 1].t_ns + 1000000;
    hist = ui_hist_new(0, namer, NULL);
    if (hist == NULL)
        bench_die("ui_hist_new", 12);
    ui_hist_reset(hist, G_LANES, 4, 0);
    t0 = bench_now_ns();
    for (uint64_t copy = 0; done < HIST_EVENTS; copy++) {
        for (i = 0; i < nevents && done < HIST_EVENTS; i++) {
            lanes_event *e = &buf[k++];
            *e = events[i];
            e->t_rt += copy * span_rt;
            e->t_ns += copy * span_ns;
            if (e->kind == LANES_EV_RECV) {
                buf[k] = *e;
                buf[k].kind = LANES_EV_DONE;
                buf[k++].obj = 0;
            }
            if (k + 2 > sizeof buf / sizeof buf[0] || done + k >= HIST_EVENTS) {
                ui_hist_add(hist, buf, k);
                done += k;
                k = 0;
            }
        }
    }
    hist_add_ns = (double)(bench_now_ns() - t0) / (double)done;
}

/* 50 seeks to ticks spread over the run (the model at that tick out of a
 * snapshot and a re-fold); ms per seek. */
static double row_hist_seek(bench_row *r, int lanes, double *aux)
{
    ui_model m;
    uint64_t last, t0, worst = 0, total = 0;

    make_hist();
    last = ui_hist_last_tick(hist);
    ui_model_init(&m, G_LANES, 4, namer, NULL);
    for (int i = 0; i < HIST_SEEKS; i++) {
        uint64_t tick = last * (uint64_t)(2 * i + 1) / (2 * HIST_SEEKS), d;
        t0 = bench_now_ns();
        if (ui_hist_seek(hist, tick, &m) != 0)
            bench_die("ui_hist_seek", 0);
        d = bench_now_ns() - t0;
        total += d;
        worst = d > worst ? d : worst;
    }
    ui_model_free(&m);
    aux[0] = (double)ui_hist_event_bytes(hist) / (double)ui_hist_events(hist);
    aux[1] = (double)(ui_hist_event_bytes(hist) + ui_hist_snap_bytes(hist)) / 1048576.0;
    aux[2] = (double)worst / 1e6;
    return (double)total / HIST_SEEKS / 1e6;
}

static void note_hist_seek(char *buf, size_t n, const double *a)
{
    snprintf(buf, n, "10,000,000 events: %.1f B an event, %.0f MiB with snapshots, "
             "slowest seek %.1f ms; keeping one %.0f ns", a[0], a[1], a[2], hist_add_ns);
}

static bench_row ui_rows[] = {
    { "ui-fold", 0, "ns", "fold one event into the UI model", row_fold, note_fold },
    { "ui-frame", 0, "us", "draw one frame of a busy model (160x48, to /dev/null)", row_frame, note_frame },
    { "hist-seek", 0, "ms", "history: the model at a tick of a 10,000,000-event run", row_hist_seek,
      note_hist_seek },
    { NULL, 0, NULL, NULL, NULL, NULL }
};

bench_row *bench_ui_rows(void)
{
    return ui_rows;
}
