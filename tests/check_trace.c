/*
 * check_trace.c - the trace rings: time order across lanes, drop counting,
 * lossless mode, names of kinds.
 */
#include "config.h"
#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "lanes.h"
#include "rtdebug.h"

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

/* Lossless: tiny rings, a slow reader, and not one event lost. */
START_TEST(test_trace_lossless)
{
    lanes_config c = { .cores = 2, .quantum = 1, .tick_ns = 10000, .trace_events = 16 };
    pthread_t th;
    size_t k, runs = 0, stops = 0;
    lossless_ev = malloc(sizeof(lanes_event) << 20);
    lossless_n = 0;
    atomic_store(&reader_stop, 0);
    rt = lanes_open(&c);
    lanes_trace_lossless(rt, 1);
    pthread_create(&th, NULL, reader, rt);
    for (int i = 0; i < 6; i++)
        lanes_go(rt, "w", worker, (void *)40L);
    ck_assert_int_eq(lanes_wait(rt), 0);
    atomic_store(&reader_stop, 1);
    pthread_join(th, NULL);
    while ((k = lanes_trace_read(rt, lossless_ev + lossless_n, (1 << 20) - lossless_n)) > 0)
        lossless_n += k;
    ck_assert_uint_eq(lanes_trace_dropped(rt), 0);
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

START_TEST(test_trace_names)
{
    ck_assert_str_eq(lanes_event_kind_name(LANES_EV_RUN), "run");
    ck_assert_str_eq(lanes_event_kind_name(LANES_EV_DEADLOCK), "deadlock");
    ck_assert_str_eq(lanes_event_kind_name(999), "?");
    ck_assert_str_eq(lanes_stop_reason_name(LANES_STOP_PREEMPT), "preempt");
    ck_assert_str_eq(lanes_stop_reason_name(LANES_STOP_CORES), "cores");
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
    tcase_add_test(tc, test_trace_off);
    tcase_add_test(tc, test_trace_names);
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
