/*
 * check_trace.c - the trace rings: time order across lanes, drop counting,
 * lossless mode, causal order across lanes, names of kinds, items.
 */
#include "config.h"
#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "lanes.h"
#include "rtdebug.h"
#include "trace.h"

static lanes_rt *rt;

static void teardown(void)
{
    lanes_close(rt);
    rt = NULL;
}

static void worker(void *a)
{
    int n = (int)(long)a;
    for (int i = 0; i < n; i++) {
        lanes_work(1);
        lanes_yield();
    }
}

static uint64_t fake_ns;

static uint64_t fake_clock(void *arg, uint64_t *t_rt)
{
    (void)arg;
    *t_rt = fake_ns;
    return ++fake_ns;
}

/* A reader that knew of a tail and comes back after a lossy producer has
 * run 256 laps on (the lap byte's period) must not take the newest lap's
 * slots for the positions it expected: it would emit them, then older
 * ones.  Read back: time never goes back, nothing twice, and what is read
 * plus what is counted lost (overwritten, or dropped by the producer) is
 * what was put. */
START_TEST(test_trace_ring_lap_period)
{
    static const atomic_int no;
    trace_ring r;
    trace_ring *rings[1] = { &r };
    lanes_event out[64];
    _Atomic uint64_t dropped = 0;
    trace_ev e = { 1, 0, 0, 0, LANES_EV_RUN };
    uint64_t cap, i, got = 0, last, put = 0;
    size_t k;

    fake_ns = 0;
    ck_assert_int_eq(trace_ring_init(&r, 64), 0);
    cap = r.mask + 1;
    for (i = 0; i < cap - cap / 4; i++, put++)
        trace_put(&r, &e, 1, fake_clock, NULL, &no, &no);
    ck_assert_uint_eq(trace_merge(rings, 1, UINT64_MAX, 0, out, 1, &dropped), 1);
    last = out[0].t_ns;
    got = 1;
    for (i = 0; i < 256 * cap; i++, put++)
        trace_put(&r, &e, 1, fake_clock, NULL, &no, &no);
    while ((k = trace_merge(rings, 1, UINT64_MAX, 0, out, 64, &dropped)) > 0)
        for (i = 0; i < k; i++, got++) {
            ck_assert_msg(out[i].t_ns > last, "event stamped %llu after one stamped %llu",
                          (unsigned long long)out[i].t_ns, (unsigned long long)last);
            last = out[i].t_ns;
        }
    ck_assert_uint_gt(last, cap);               /* something after the lapping was read */
    ck_assert_uint_eq(got + atomic_load(&dropped), put);
    trace_ring_free(&r);
}
END_TEST

/* Everything read comes out oldest first, whichever ring it was in. */
START_TEST(test_trace_time_order)
{
    lanes_config c = { .cores = 2, .quantum = 1, .tick_ns = 10000, .trace_events = 1 << 16 };
    static lanes_event ev[1 << 18];
    size_t n = 0, k;
    rt = lanes_open(&c);
    ck_assert_ptr_nonnull(rt);
    for (int i = 0; i < 8; i++)
        ck_assert_int_gt(lanes_go(rt, "w", worker, (void *)50L), 0);
    /* read while it runs, then the rest */
    while (lanes_wait_for(rt, 1000000) == 1)
        n += lanes_trace_read(rt, ev + n, (sizeof ev / sizeof ev[0]) - n);
    while ((k = lanes_trace_read(rt, ev + n, (sizeof ev / sizeof ev[0]) - n)) > 0)
        n += k;
    ck_assert_uint_eq(lanes_trace_dropped(rt), 0);
    ck_assert_uint_gt(n, 8 * 50 * 2);
    for (size_t i = 1; i < n; i++)
        ck_assert_uint_le(ev[i - 1].t_ns, ev[i].t_ns);
    for (size_t i = 1; i < n; i++)
        ck_assert_uint_le(ev[i - 1].t_rt, ev[i].t_rt + 1000);
}
END_TEST

/* Small rings that nobody reads: the oldest are dropped and counted. */
START_TEST(test_trace_drops_counted)
{
    lanes_config c = { .cores = 1, .quantum = 1, .tick_ns = 10000, .trace_events = 64 };
    static lanes_event ev[4096];
    size_t n;
    rt = lanes_open(&c);
    for (int i = 0; i < 4; i++)
        lanes_go(rt, "w", worker, (void *)100L);
    ck_assert_int_eq(lanes_wait(rt), 0);
    n = lanes_trace_read(rt, ev, 4096);
    ck_assert_uint_gt(lanes_trace_dropped(rt), 0);
    ck_assert_uint_le(n, 2 * 64);
    /* what is left is the newest: the last exit is there */
    int exits = 0;
    for (size_t i = 0; i < n; i++)
        if (ev[i].kind == LANES_EV_STOP && ev[i].arg == LANES_STOP_EXIT)
            exits++;
    ck_assert_int_ge(exits, 1);
}
END_TEST

static atomic_int reader_stop;
static size_t lossless_n;
static lanes_event *lossless_ev;

static void *reader(void *a)
{
    lanes_rt *r = a;
    while (!atomic_load(&reader_stop))
        lossless_n += lanes_trace_read(r, lossless_ev + lossless_n, (1 << 20) - lossless_n);
    return NULL;
}

/* Waits for the routines, stops the reader, reads what is left: every
 * event of the run is then in lossless_ev[0..lossless_n), none dropped. */
static void read_to_end(pthread_t th)
{
    size_t k;

    ck_assert_int_eq(lanes_wait(rt), 0);
    atomic_store(&reader_stop, 1);
    pthread_join(th, NULL);
    while ((k = lanes_trace_read(rt, lossless_ev + lossless_n, (1 << 20) - lossless_n)) > 0)
        lossless_n += k;
    ck_assert_uint_eq(lanes_trace_dropped(rt), 0);
}

/* Lossless: tiny rings, a slow reader, and not one event lost. */
START_TEST(test_trace_lossless)
{
    lanes_config c = { .cores = 2, .quantum = 1, .tick_ns = 10000, .trace_events = 16 };
    pthread_t th;
    size_t runs = 0, stops = 0;
    lossless_ev = malloc(sizeof(lanes_event) << 20);
    lossless_n = 0;
    atomic_store(&reader_stop, 0);
    rt = lanes_open(&c);
    lanes_trace_lossless(rt, 1);
    pthread_create(&th, NULL, reader, rt);
    for (int i = 0; i < 6; i++)
        lanes_go(rt, "w", worker, (void *)40L);
    read_to_end(th);
    for (size_t i = 0; i < lossless_n; i++) {
        runs += lossless_ev[i].kind == LANES_EV_RUN;
        stops += lossless_ev[i].kind == LANES_EV_STOP;
        if (i > 0)
            ck_assert_uint_le(lossless_ev[i - 1].t_ns, lossless_ev[i].t_ns);
    }
    ck_assert_uint_eq(runs, stops);
    ck_assert_uint_ge(runs, 6 * 41);
    free(lossless_ev);
}
END_TEST

/* ---- causality: the merged order never contradicts what made what ----- */

enum { PP_PAIRS = 3, PP_ITEMS = 3000, BUF_ITEMS = 6000 };

typedef struct pp_end {
    lanes_chan *in, *out;
    int first;                  /* sends before it receives */
} pp_end;

static void pp_player(void *a)
{
    pp_end *e = a;
    for (int i = 0; i < PP_ITEMS; i++) {
        int v = i, got = -1;
        if (e->first) {
            ck_assert_int_eq(lanes_send(e->out, &v), 0);
            ck_assert_int_eq(lanes_recv(e->in, &got), 0);
        } else {
            ck_assert_int_eq(lanes_recv(e->in, &got), 0);
            ck_assert_int_eq(lanes_send(e->out, &v), 0);
        }
        ck_assert_int_eq(got, i);
    }
}

static void buf_producer(void *a)
{
    for (int i = 0; i < BUF_ITEMS; i++)
        ck_assert_int_eq(lanes_send(a, &i), 0);
}

static void buf_consumer(void *a)
{
    int v;
    for (int i = 0; i < BUF_ITEMS; i++) {
        ck_assert_int_eq(lanes_recv(a, &v), 0);
        ck_assert_int_eq(v, i);
    }
}

enum { ST_NONE, ST_RUNNABLE, ST_RUNNING, ST_BLOCKED, ST_DEAD };

/* Ping-pong pairs and a buffered pipe on two lanes, traced losslessly
 * through small rings while a reader drains them: in the merged trace every
 * RECV of an item comes after its SEND, a routine runs only after the
 * SPAWN, WAKE or STOP that made it runnable and is woken only after the
 * STOP that blocked it, and a lane's slices do not overlap. */
START_TEST(test_trace_causal_order)
{
    lanes_config c = { .cores = 2, .quantum = 1, .tick_ns = 10000, .trace_events = 64 };
    static pp_end ends[PP_PAIRS][2];
    static int state[64];
    static uint32_t lane_cur[LANES_MAX_CORES];
    static unsigned char sent[16][BUF_ITEMS];
    pthread_t th;
    size_t recvs = 0, runs = 0;

    lossless_ev = malloc(sizeof(lanes_event) << 20);
    lossless_n = 0;
    atomic_store(&reader_stop, 0);
    rt = lanes_open(&c);
    ck_assert_ptr_nonnull(rt);
    lanes_trace_lossless(rt, 1);
    pthread_create(&th, NULL, reader, rt);
    for (int p = 0; p < PP_PAIRS; p++) {
        lanes_chan *a = lanes_chan_open(rt, "ping", sizeof(int), 0);
        lanes_chan *b = lanes_chan_open(rt, "pong", sizeof(int), 0);
        ends[p][0] = (pp_end){ b, a, 1 };
        ends[p][1] = (pp_end){ a, b, 0 };
        ck_assert_int_gt(lanes_go(rt, "ping", pp_player, &ends[p][0]), 0);
        ck_assert_int_gt(lanes_go(rt, "pong", pp_player, &ends[p][1]), 0);
    }
    lanes_chan *pipe = lanes_chan_open(rt, "pipe", sizeof(int), 8);
    ck_assert_int_gt(lanes_go(rt, "prod", buf_producer, pipe), 0);
    ck_assert_int_gt(lanes_go(rt, "cons", buf_consumer, pipe), 0);
    read_to_end(th);

    for (size_t i = 0; i < lossless_n; i++) {
        const lanes_event *e = &lossless_ev[i];
        int *st = e->routine < 64 ? &state[e->routine] : NULL;
        if (i > 0)
            ck_assert_uint_le(lossless_ev[i - 1].t_ns, e->t_ns);
        switch (e->kind) {
        case LANES_EV_SPAWN:
            ck_assert_ptr_nonnull(st);
            ck_assert_int_eq(*st, ST_NONE);
            *st = ST_RUNNABLE;
            break;
        case LANES_EV_WAKE:
            ck_assert_msg(*st == ST_BLOCKED, "event %zu: WAKE of %u in state %d",
                          i, e->routine, *st);
            *st = ST_RUNNABLE;
            break;
        case LANES_EV_STEAL:
            ck_assert_msg(*st == ST_RUNNABLE, "event %zu: STEAL of %u in state %d",
                          i, e->routine, *st);
            break;
        case LANES_EV_RUN:
            ck_assert_msg(*st == ST_RUNNABLE, "event %zu: RUN of %u in state %d",
                          i, e->routine, *st);
            ck_assert_uint_lt(e->lane, LANES_MAX_CORES);
            ck_assert_msg(lane_cur[e->lane] == 0, "event %zu: lane %u runs %u and %u",
                          i, e->lane, lane_cur[e->lane], e->routine);
            lane_cur[e->lane] = e->routine;
            *st = ST_RUNNING;
            runs++;
            break;
        case LANES_EV_STOP:
            ck_assert_msg(*st == ST_RUNNING, "event %zu: STOP of %u in state %d",
                          i, e->routine, *st);
            ck_assert_uint_eq(lane_cur[e->lane], e->routine);
            lane_cur[e->lane] = 0;
            *st = e->arg == LANES_STOP_EXIT ? ST_DEAD
                : e->arg == LANES_STOP_YIELD || e->arg == LANES_STOP_PREEMPT ||
                  e->arg == LANES_STOP_CORES ? ST_RUNNABLE : ST_BLOCKED;
            break;
        case LANES_EV_SEND:
        case LANES_EV_RECV:
            ck_assert_uint_lt(e->obj, 16);
            ck_assert_int_ge(e->arg, 0);
            ck_assert_int_lt(e->arg, BUF_ITEMS);
            if (e->kind == LANES_EV_SEND) {
                ck_assert_int_eq(sent[e->obj][e->arg], 0);
                sent[e->obj][e->arg] = 1;
            } else {
                ck_assert_msg(sent[e->obj][e->arg] == 1,
                              "event %zu: RECV of item %d on channel %u before its SEND",
                              i, e->arg, e->obj);
                sent[e->obj][e->arg] = 2;
                recvs++;
            }
            break;
        default:
            break;
        }
    }
    ck_assert_uint_eq(recvs, PP_PAIRS * 2 * PP_ITEMS + BUF_ITEMS);
    ck_assert_uint_ge(runs, PP_PAIRS * 2 * PP_ITEMS);
    free(lossless_ev);
}
END_TEST

/* Tracing off: nothing recorded, nothing read. */
START_TEST(test_trace_off)
{
    lanes_config c = { .cores = 1, .quantum = 1, .tick_ns = 10000, .trace_events = 0 };
    lanes_event ev[16];
    rt = lanes_open(&c);
    lanes_go(rt, "w", worker, (void *)10L);
    ck_assert_int_eq(lanes_wait(rt), 0);
    ck_assert_uint_eq(lanes_trace_read(rt, ev, 16), 0);
}
END_TEST

/* lanes_annotate: a NOTE with the routine, its lane, the tag and the
 * argument, between the routine's own events; nothing from a plain thread. */
static void annotator(void *a)
{
    (void)a;
    lanes_work(1);
    lanes_annotate(77, -5);
    lanes_work(1);
}

START_TEST(test_trace_annotate)
{
    lanes_config c = { .cores = 1, .quantum = 0, .tick_ns = 10000, .trace_events = 4096 };
    lanes_event ev[4096];
    size_t n, i, notes = 0;
    int id;

    rt = lanes_open(&c);
    lanes_annotate(1, 1);               /* a plain thread: nothing */
    id = lanes_go(rt, "w", annotator, NULL);
    ck_assert_int_eq(lanes_wait(rt), 0);
    n = lanes_trace_read(rt, ev, 4096);
    for (i = 0; i < n; i++) {
        if (ev[i].kind != LANES_EV_NOTE)
            continue;
        notes++;
        ck_assert_uint_eq(ev[i].routine, (uint32_t)id);
        ck_assert_uint_eq(ev[i].obj, 77);
        ck_assert_int_eq(ev[i].arg, -5);
        ck_assert_uint_eq(ev[i].lane, 0);
    }
    ck_assert_uint_eq(notes, 1);
    ck_assert_str_eq(lanes_event_kind_name(LANES_EV_NOTE), "note");
}
END_TEST

START_TEST(test_trace_names)
{
    ck_assert_str_eq(lanes_event_kind_name(LANES_EV_RUN), "run");
    ck_assert_str_eq(lanes_event_kind_name(LANES_EV_DEADLOCK), "deadlock");
    ck_assert_str_eq(lanes_event_kind_name(999), "?");
    ck_assert_str_eq(lanes_stop_reason_name(LANES_STOP_PREEMPT), "preempt");
    ck_assert_str_eq(lanes_stop_reason_name(LANES_STOP_CORES), "cores");
}
END_TEST

/* ---- a message's item: the SEND/RECV arg -------------------------------- */

static int32_t tenfold(const void *elem, uint32_t seq, void *arg)
{
    (void)elem;
    return (int32_t)seq * 10 + *(int *)arg;
}

static void itemer(void *a)
{
    lanes_chan **ch = a;
    for (int k = 0; k < 3; k++)
        for (int v = 100; v <= 300; v += 100) {
            int got;
            lanes_send(ch[k], &v);
            lanes_recv(ch[k], &got);
        }
}

/* A channel's item function gives its SEND and RECV args; the default is
 * the element's first 4 bytes; setting NULL brings the default back. */
START_TEST(test_trace_item_fn)
{
    lanes_config c = { .cores = 1, .tick_ns = 1000, .trace_events = 4096 };
    static const int32_t want[3][3] = { { 17, 27, 37 }, { 100, 200, 300 }, { 100, 200, 300 } };
    lanes_event ev[512];
    lanes_chan *ch[3];
    int seven = 7, seen[3] = { 0, 0, 0 };
    size_t n;
    rt = lanes_open(&c);
    for (int k = 0; k < 3; k++)
        ch[k] = lanes_chan_open(rt, "c", sizeof(int), 1);
    lanes_chan_set_item(ch[0], tenfold, &seven);
    lanes_chan_set_item(ch[2], tenfold, &seven);
    lanes_chan_set_item(ch[2], NULL, NULL);
    lanes_go(rt, "itemer", itemer, ch);
    ck_assert_int_eq(lanes_wait(rt), 0);
    n = lanes_trace_read(rt, ev, 512);
    for (size_t i = 0; i < n; i++) {
        if (ev[i].kind != LANES_EV_SEND && ev[i].kind != LANES_EV_RECV)
            continue;
        for (int k = 0; k < 3; k++)
            if (ev[i].obj == lanes_chan_id(ch[k])) {
                ck_assert_int_eq(ev[i].arg, want[k][seen[k] / 2]);
                seen[k]++;
            }
    }
    for (int k = 0; k < 3; k++)
        ck_assert_int_eq(seen[k], 6);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("trace");
    TCase *tc = tcase_create("trace");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_trace_time_order);
    tcase_add_test(tc, test_trace_drops_counted);
    tcase_add_test(tc, test_trace_lossless);
    tcase_add_test(tc, test_trace_causal_order);
    tcase_add_test(tc, test_trace_ring_lap_period);
    tcase_add_test(tc, test_trace_off);
    tcase_add_test(tc, test_trace_names);
    tcase_add_test(tc, test_trace_item_fn);
    tcase_add_test(tc, test_trace_annotate);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    int failed;
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
