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
 * Owns nothing of the UI; reads it through model.h only.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "ui/model.h"

#define UI_EVENTS   1000000
#define G_LANES     4
#define G_ROUTINES  24
#define G_CHANS     4

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
    aux[0] = (double)m.switches;
    ui_model_free(&m);
    return (double)(t1 - t0) / (double)nevents;
}

static void note_fold(char *buf, size_t n, const double *a)
{
    snprintf(buf, n, "1,000,000 generated events, %.0f slices", a[0]);
}

static bench_row ui_rows[] = {
    { "ui-fold", 0, "ns", "fold one event into the UI model", row_fold, note_fold },
    { NULL, 0, NULL, NULL, NULL, NULL }
};

bench_row *bench_ui_rows(void)
{
    return ui_rows;
}
