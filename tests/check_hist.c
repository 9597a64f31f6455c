/*
 * check_hist.c - history (src/ui/hist.c): the model at any tick, from a
 * snapshot and a short re-fold, is the model the live screen had then.
 *
 * The live screen folds events as they come and advances the model to
 * the runtime's clock every frame.  The synthetic stream here is made
 * the way the runtime makes one: running stretches (frames at every
 * tick), a pause at an odd time, steps of one tick, a resume.  At each
 * frame the live model is packed (ui_model_pack: equal bytes, equal
 * models) and compared with ui_hist_seek at that frame's tick.  A real
 * run of a built-in, paused and stepped, gives a recorded stream that is
 * checked the same way at every tick.  Drawing: history's screen at tick
 * k is the live screen's, and back N then forward N draws the same text.
 */
#include "config.h"
#include <check.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(HAVE_NCURSESW_CURSES_H)
#include <ncursesw/curses.h>
#else
#include <curses.h>
#endif

#include "play/play.h"
#include "scn/scn.h"
#include "ui/draw.h"
#include "ui/hist.h"
#include "ui/history.h"
#include "ui/model.h"
#include "modelfeed.h"

/* ---- a synthetic stream, with the live screen's frames --------------------- */

#define MAXEV 200000
#define MAXCP 8192

typedef struct frame_pt { uint64_t tick; unsigned char *pack; size_t len; } frame_pt;

static lanes_event *evs;
static size_t nev;
static frame_pt cps[MAXCP];
static size_t ncp;
static ui_model live;              /* folded as the screen folds        */
static size_t live_n;              /* events folded into it             */
static uint64_t ns_clock;

static void push(uint64_t t_rt, int kind, int lane, uint32_t routine, uint32_t obj, int32_t arg)
{
    lanes_event *e = &evs[nev++];

    ck_assert_uint_lt(nev, MAXEV);
    memset(e, 0, sizeof *e);
    ns_clock += 1000 + (uint64_t)(rand() % 50000);
    if (rand() % 5000 == 0)
        ns_clock += (uint64_t)1 << 40;      /* a clock jump: stored whole */
    e->t_ns = ns_clock;
    e->t_rt = t_rt;
    e->kind = (uint16_t)kind;
    e->lane = lane < 0 ? LANES_NO_LANE : (uint16_t)lane;
    e->routine = routine;
    e->obj = obj;
    e->arg = arg;
}

/* The live screen draws a frame with the clock at t: everything so far
 * folded (as the screen folds: in batches, its wall clock the events'),
 * then advanced to t.  A later frame with the same tick replaces it. */
static int every_frame;              /* keep every frame, not every 5th */

static void frame_at(uint64_t t)
{
    uint64_t tick = (t + 999) / 1000;
    frame_pt *f;

    for (; live_n < nev; live_n++)
        ui_model_fold(&live, &evs[live_n], 1, evs[live_n].t_ns / 1000000u);
    ui_model_advance(&live, t, live.wall);
    if (!every_frame && tick % 5 != 0 && !(ncp > 0 && cps[ncp - 1].tick == tick))
        return;
    f = ncp > 0 && cps[ncp - 1].tick == tick ? &cps[ncp - 1] : &cps[ncp++];
    ck_assert_uint_lt(ncp, MAXCP);
    free(f->pack);
    f->tick = tick;
    f->pack = ui_model_pack(&live, &f->len);
}

/* a tiny scheduler: 2 lanes, 4 routines, one global queue */
static uint32_t q[16];
static int qn;
static uint32_t cur[2];
static uint64_t wake_at[5];
static int32_t sent, got;

static void run_next(uint64_t t, int l)
{
    if (cur[l] != 0 || qn == 0)
        return;
    cur[l] = q[0];
    memmove(q, q + 1, (size_t)--qn * sizeof *q);
    push(t, LANES_EV_RUN, l, cur[l], 0, LANES_Q_GLOBAL);
}

static void act_once(uint64_t t)
{
    int l = rand() % 2, what = rand() % 6;
    uint32_t r = cur[l], id;

    for (id = 1; id <= 4; id++)
        if (wake_at[id] != 0 && wake_at[id] <= t) {
            wake_at[id] = 0;
            push(t, LANES_EV_WAKE, -1, id, 0, LANES_Q_GLOBAL);
            q[qn++] = id;
        }
    if (r == 0) {
        run_next(t, l);
        return;
    }
    switch (what) {
    case 0:
        push(t, LANES_EV_STOP, l, r, LANES_Q_GLOBAL, LANES_STOP_PREEMPT);
        q[qn++] = r;
        cur[l] = 0;
        run_next(t, l);
        break;
    case 1:
        push(t, LANES_EV_CPU, l, r, 200000, 50000);
        break;
    case 2:
        push(t, LANES_EV_SEND, l, r, 1, ++sent);
        break;
    case 3:
        if (got < sent)
            push(t, LANES_EV_RECV, l, r, 1, ++got);
        break;
    case 4:
        push(t, LANES_EV_STOP, l, r, 3, LANES_STOP_SLEEP);
        wake_at[r] = t + 3000;
        cur[l] = 0;
        run_next(t, l);
        break;
    default:
        push(t, LANES_EV_NOTE, l, r, SCN_MARK_NOTE, 1);
        break;
    }
}

static uint64_t cp;                        /* the next tick's frame */

/* The frames of the ticks that end before t (every event up to them came). */
static void frames_before(uint64_t t)
{
    for (; cp < t; cp += 1000)
        frame_at(cp);
}

static uint64_t running(uint64_t t, uint64_t until)
{
    while (t < until) {
        t += 250;
        frames_before(t);
        if (rand() % 3 == 0)               /* frames come at any time */
            frame_at(t - 125);
        act_once(t);
        act_once(t);
    }
    return t;
}

/* A pause at an odd time, `steps` steps of one tick, a resume. */
static uint64_t pause_steps(uint64_t t, int steps)
{
    int s;

    if (t % 1000 == 0)                     /* every event at t came */
        frame_at(t);
    t += 123;
    frames_before(t);
    push(t, LANES_EV_PAUSE, -1, 0, 0, 0);
    every_frame = 1;
    frame_at(t);
    for (s = 1; s <= steps; s++) {
        push(t, LANES_EV_STEP, -1, 0, 1, s);
        t += 1000;
        act_once(t);
        act_once(t);
        frame_at(t);
    }
    every_frame = 0;
    push(t, LANES_EV_RESUME, -1, 0, 0, 0);
    cp = (t / 1000 + 1) * 1000;            /* the ticks in the steps were never shown */
    return t;
}

static void make_stream(unsigned seed, int rounds)
{
    uint64_t t = 0;
    uint32_t id;
    int i;

    srand(seed);
    nev = live_n = ncp = 0;
    ns_clock = 0;
    cp = 1000;
    qn = 0;
    cur[0] = cur[1] = 0;
    memset(wake_at, 0, sizeof wake_at);
    sent = got = 0;
    ui_model_init(&live, 2, 4, namer, NULL);
    push(0, LANES_EV_CHAN, -1, 0, 1, 3);
    push(0, LANES_EV_CHAN, -1, 0, 2, 0);
    for (id = 1; id <= 4; id++) {
        push(0, LANES_EV_SPAWN, -1, id, 0, LANES_Q_GLOBAL);
        q[qn++] = id;
    }
    run_next(0, 0);
    run_next(0, 1);
    for (i = 0; i < rounds; i++) {
        t = running(t, t + 500000 + (uint64_t)(rand() % 200000));
        t = pause_steps(t, 1 + rand() % 5);
    }
    t = running(t, t + 5000);
    frames_before((t / 1000 + 1) * 1000 + 1);   /* the last tick ends */
}

static void drop_stream(void)
{
    size_t i;

    for (i = 0; i < ncp; i++) {
        free(cps[i].pack);
        cps[i].pack = NULL;
    }
    ncp = 0;
    ui_model_free(&live);
}

static ui_hist *hist_of(size_t limit, int cores, size_t batch)
{
    ui_hist *h = ui_hist_new(limit, namer, NULL);
    size_t i;

    ck_assert_ptr_nonnull(h);
    ui_hist_reset(h, cores, 4, 0);
    for (i = 0; i < nev; i += batch)
        ui_hist_add(h, evs + i, nev - i < batch ? nev - i : batch);
    return h;
}

/* seek(tick) packs to the same bytes as the frame's live model */
static void same_as_frame(ui_hist *h, const frame_pt *f)
{
    ui_model m;
    unsigned char *p;
    size_t len;

    ui_model_init(&m, 1, 0, namer, NULL);
    ck_assert_int_eq(ui_hist_seek(h, f->tick, &m), 0);
    p = ui_model_pack(&m, &len);
    ck_assert_msg(len == f->len && memcmp(p, f->pack, len) == 0,
                  "tick %llu: history's model differs from the live one (%zu vs %zu bytes)",
                  (unsigned long long)f->tick, len, f->len);
    free(p);
    ui_model_free(&m);
}

static void setup(void)
{
    evs = malloc(MAXEV * sizeof *evs);
    ck_assert_ptr_nonnull(evs);
    (void)feed;
}

static void teardown(void)
{
    drop_stream();
    free(evs);
}

START_TEST(test_hist_seek_is_the_live_model)
{
    ui_hist *h;
    size_t i;

    make_stream(7, 6);
    ck_assert_uint_gt(nev, 20000);                  /* several snapshots */
    h = hist_of(0, 2, 977);
    ck_assert_uint_eq(ui_hist_events(h), nev);
    ck_assert_uint_gt(ncp, 100);
    for (i = 0; i < ncp; i++)
        same_as_frame(h, &cps[i]);
    /* compact: well under the 32 bytes of an event */
    ck_assert_uint_lt(ui_hist_event_bytes(h), nev * 16);
    ui_hist_free(h);
}
END_TEST

START_TEST(test_hist_seek_any_order)
{
    ui_hist *h;
    size_t i;

    make_stream(11, 4);
    h = hist_of(0, 2, 4096);
    for (i = 0; i < ncp; i++)               /* backwards and jumping */
        same_as_frame(h, &cps[(ncp - 1 - i) * 7 % ncp]);
    ui_hist_free(h);
}
END_TEST

START_TEST(test_hist_oldest_part_goes)
{
    ui_hist *h;
    ui_model m;
    uint64_t first;
    size_t i, checked = 0;

    make_stream(3, 6);
    h = hist_of(200000, 2, 1000);
    first = ui_hist_first_tick(h);
    ck_assert_uint_gt(first, 0);
    ck_assert_uint_lt(ui_hist_events(h), nev);
    /* the limit is kept as each segment starts: one segment more */
    ck_assert_uint_le(ui_hist_event_bytes(h) + ui_hist_snap_bytes(h), 2 * 200000);
    ui_model_init(&m, 1, 0, namer, NULL);
    ck_assert_int_eq(ui_hist_seek(h, first - 1, &m), -1);
    ui_model_free(&m);
    for (i = 0; i < ncp; i++)
        if (cps[i].tick >= first) {
            same_as_frame(h, &cps[i]);
            checked++;
        }
    ck_assert_uint_gt(checked, 10);
    ui_hist_free(h);
}
END_TEST

START_TEST(test_hist_decisions)
{
    ui_hist *h = ui_hist_new(0, namer, NULL);
    lanes_event e[6];
    int i;

    memset(e, 0, sizeof e);
    for (i = 0; i < 6; i++) {
        e[i].lane = 0;
        e[i].routine = i % 2 ? 2 : 1;
        e[i].kind = LANES_EV_RUN;
        e[i].t_rt = (uint64_t)(i + 1) * 3000 + 500;   /* shows at tick 4, 7, 10 ... */
    }
    ui_hist_reset(h, 1, 4, 0);
    ui_hist_add(h, e, 6);
    /* routine 1: ticks 4, 10, 16 */
    ck_assert_int_eq(ui_hist_decision(h, 1, 10, -1), 4);
    ck_assert_int_eq(ui_hist_decision(h, 1, 10, 1), 16);
    ck_assert_int_eq(ui_hist_decision(h, 1, 11, -1), 10);
    ck_assert_int_eq(ui_hist_decision(h, 1, 4, -1), -1);
    ck_assert_int_eq(ui_hist_decision(h, 1, 16, 1), -1);
    ck_assert_int_eq(ui_hist_decision(h, 2, 0, 1), 7);
    ck_assert_int_eq(ui_hist_last_tick(h), 19);
    ui_hist_free(h);
}
END_TEST

/* The banner names the routine [ and ] follow; a narrow screen gets a
 * short form that still has every key (End first). */
START_TEST(test_history_banner)
{
    ui_history y;
    lanes_event e[6];
    char note[160], b[200];
    const char *dot = "\xc2\xb7";
    int i, cols;

    memset(e, 0, sizeof e);
    for (i = 0; i < 6; i++) {
        e[i].routine = 1;
        e[i].kind = LANES_EV_RUN;
        e[i].t_rt = (uint64_t)(i + 1) * 3000 + 500;
    }
    ck_assert_int_eq(ui_history_init(&y, namer, NULL), 0);
    ui_hist_reset(y.h, 1, 4, 0);
    ui_hist_add(y.h, e, 6);
    ck_assert_int_eq(ui_history_go(&y, 10, 19, note, sizeof note), UI_HIST_MOVED);
    ui_history_banner(&y, 19, dot, "cook#1", 0, b, sizeof b);
    ck_assert_ptr_nonnull(strstr(b, "tick 10 of 19"));
    ck_assert_ptr_nonnull(strstr(b, "[ ]: cook#1's decisions"));
    ui_history_banner(&y, 19, dot, NULL, 0, b, sizeof b);
    ck_assert_ptr_nonnull(strstr(b, "[ ]: decisions"));
    ck_assert_ptr_nonnull(strstr(b, "Home: first"));
    /* 100 columns with a long name: the keys' words go before the name */
    ui_history_banner(&y, 19, dot, "customer#20", 98, b, sizeof b);
    ck_assert_ptr_nonnull(strstr(b, "[ ]: customer#20's decisions"));
    ck_assert_ptr_nonnull(strstr(b, "End: back to now"));
    /* 60 columns: the hint line has 58 */
    ui_history_banner(&y, 19, dot, "cook#1", 58, b, sizeof b);
    for (cols = 0, i = 0; b[i] != '\0'; i++)
        cols += ((unsigned char)b[i] & 0xc0) != 0x80;
    ck_assert_int_le(cols, 58);
    ck_assert_ptr_nonnull(strstr(b, "t10/19"));
    ck_assert_ptr_nonnull(strstr(b, "End: now"));
    ck_assert_ptr_nonnull(strstr(b, "[ ]"));
    ck_assert_ptr_nonnull(strstr(b, "Home"));
    ck_assert_ptr_nonnull(strstr(b, "[ ]: cook#1"));
    /* narrower still: the keys, without the name */
    ui_history_banner(&y, 19, dot, "cook#1", 44, b, sizeof b);
    ck_assert_ptr_nonnull(strstr(b, "End: now"));
    ck_assert_ptr_nonnull(strstr(b, "[ ] Home"));
    ui_history_free(&y);
}
END_TEST

/* ---- a recorded stream: a real run, paused and stepped ---------------------- */

static int keep(void *ctx, const lanes_event *ev, size_t n, const play_names *pn)
{
    (void)ctx;
    (void)pn;
    ck_assert_uint_lt(nev + n, MAXEV);
    memcpy(evs + nev, ev, n * sizeof *ev);
    nev += n;
    return 0;
}

static void nap(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

START_TEST(test_hist_recorded_run)
{
    scn_result res = scn_load("restaurant");
    scn_settings set;
    play_fold rec;
    play *p;
    ui_hist *h;
    char err[600];
    uint64_t tick_ns, k, last;
    size_t n = 0, checked = 0;
    int i, cores = 2;

    ck_assert_ptr_nonnull(res.prog);
    nev = 0;
    p = play_new(res.prog);
    memset(&rec, 0, sizeof rec);
    rec.feed = keep;
    rec.lossless = 1;
    ck_assert_int_eq(play_add(p, &rec), 0);
    memset(&set, 0, sizeof set);
    set.cores = cores;
    set.quantum = -1;
    set.tick_ns = 200000;
    ck_assert_int_eq(play_start(p, &set, 0, err, sizeof err), 0);
    tick_ns = play_tick(p);
    nap(30);
    play_pause(p);
    for (i = 0; i < 6; i++) {
        nap(20);
        play_step(p, 1);
    }
    nap(20);
    play_resume(p);
    while (play_wait(p, 1000000) == PLAY_RUNNING && play_now(p) < 400000)
        play_pump(p, PLAY_CHUNK);
    play_pump(p, (size_t)-1);
    ck_assert_int_eq(play_finish(p, err, sizeof err), 0);
    play_free(p);
    scn_result_free(&res);
    ck_assert_uint_gt(nev, 100);

    /* the live fold, stopped before each tick's first event not yet shown */
    ui_model_init(&live, cores, LANES_DEFAULT_QUANTUM, namer, NULL);
    ui_model_set_tick(&live, tick_ns);
    h = ui_hist_new(0, namer, NULL);
    ui_hist_reset(h, cores, LANES_DEFAULT_QUANTUM, tick_ns);
    ui_hist_add(h, evs, nev);
    last = ui_hist_last_tick(h);
    for (k = 0; k <= last; k++) {
        frame_pt f;
        uint64_t t = k * 1000, to = t;
        for (; n < nev; n++) {
            const lanes_event *e = &evs[n];
            uint64_t key = e->kind == LANES_EV_STEP ? e->t_rt + (e->obj ? e->obj : 1) * 1000u
                         : e->kind == LANES_EV_RESUME ? e->t_rt + 1 : e->t_rt;
            if (key > t) {
                if (e->kind == LANES_EV_STEP && e->t_rt < t)
                    to = e->t_rt;
                break;
            }
            ui_model_fold(&live, e, 1, e->t_ns / 1000000u);
        }
        /* a step's pause is kept apart: a copy advances, not the live fold */
        {
            ui_model c;
            size_t len;
            unsigned char *pk = ui_model_pack(&live, &len);
            ui_model_init(&c, 1, 0, namer, NULL);
            ui_model_unpack(&c, pk, len);
            free(pk);
            ui_model_advance(&c, to, c.wall);
            f.tick = k;
            f.pack = ui_model_pack(&c, &f.len);
            ui_model_free(&c);
        }
        same_as_frame(h, &f);
        free(f.pack);
        checked++;
    }
    ck_assert_uint_gt(checked, 20);
    ui_hist_free(h);
}
END_TEST

/* ---- drawing -------------------------------------------------------------------- */

static SCREEN *scr;
static FILE *out, *in;
static char text[200 * 100];

static void term_open(int rows, int cols)
{
    char r[16], c[16];

    snprintf(r, sizeof r, "%d", rows);
    snprintf(c, sizeof c, "%d", cols);
    setenv("LINES", r, 1);
    setenv("COLUMNS", c, 1);
    setlocale(LC_ALL, "C");
    out = fopen("/dev/null", "w");
    in = fopen("/dev/null", "r");
    scr = newterm("xterm-256color", out, in);
    ck_assert_ptr_nonnull(scr);
    set_term(scr);
}

static void term_close(void)
{
    endwin();
    delscreen(scr);
    fclose(out);
    fclose(in);
}

static const char *draw_text(ui_model *m)
{
    ui_view v;
    size_t n = 0;
    int y;

    memset(&v, 0, sizeof v);
    v.m = m;
    v.title = "history";
    v.cpus = 2;
    v.cores = m->cores;
    v.quantum = m->quantum;
    v.paused = m->paused;
    v.speed = "1x";
    v.tick_s = 0.05;
    v.wall = m->wall;
    ui_draw_setup(&v, 1, 0);
    ui_draw(&v);
    for (y = 0; y < LINES; y++) {
        char row[512];
        int k = mvinnstr(y, 0, row, COLS < 500 ? COLS : 500);
        row[k < 0 ? 0 : k] = '\0';
        n += (size_t)snprintf(text + n, sizeof text - n, "%s\n", row);
    }
    return text;
}

START_TEST(test_hist_back_and_forth_draws_the_same)
{
    ui_hist *h;
    ui_model m, l;
    char first[sizeof text];
    size_t i;

    term_open(30, 100);
    make_stream(5, 3);
    h = hist_of(0, 2, 4096);
    ui_model_init(&m, 1, 0, namer, NULL);
    ui_model_init(&l, 1, 0, namer, NULL);
    for (i = 10; i < ncp; i += 17) {
        uint64_t k = cps[i].tick;
        ck_assert_int_eq(ui_hist_seek(h, k, &m), 0);
        snprintf(first, sizeof first, "%s", draw_text(&m));
        /* the live screen at that frame draws the same */
        ui_model_unpack(&l, cps[i].pack, cps[i].len);
        ck_assert_str_eq(draw_text(&l), first);
        ck_assert_int_eq(ui_hist_seek(h, k - 9, &m), 0);
        ck_assert_str_ne(draw_text(&m), first);
        ck_assert_int_eq(ui_hist_seek(h, k, &m), 0);
        ck_assert_str_eq(draw_text(&m), first);
    }
    ui_model_free(&m);
    ui_model_free(&l);
    ui_hist_free(h);
    term_close();
}
END_TEST

static Suite *hist_suite(void)
{
    Suite *s = suite_create("hist");
    TCase *tc = tcase_create("seek");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_hist_seek_is_the_live_model);
    tcase_add_test(tc, test_hist_seek_any_order);
    tcase_add_test(tc, test_hist_oldest_part_goes);
    tcase_add_test(tc, test_hist_decisions);
    tcase_add_test(tc, test_history_banner);
    tcase_add_test(tc, test_hist_recorded_run);
    tcase_add_test(tc, test_hist_back_and_forth_draws_the_same);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(hist_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
