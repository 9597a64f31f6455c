/*
 * check_deadlock.c - the channel side of deadlock detection and teardown:
 * two routines each waiting for the other is LANES_DEADLOCK with both
 * listed; a sleeper that will still wake is not a deadlock; lanes_close with
 * routines parked on channels and selects frees everything (the sanitizer
 * builds and valgrind see the leaks if it does not).
 */
#include "config.h"
#include <check.h>

#include "chantest.h"

typedef struct pair {
    lanes_chan *mine, *theirs;
} pair;

/* receive from a channel only the other routine would send on, then send */
static void r_wait_other(void *a)
{
    pair *p = a;
    int v = 0;
    if (lanes_recv(p->mine, &v) == 0)
        lanes_send(p->theirs, &v);
}

static int find(const lanes_blocked *list, size_t n, uint32_t routine)
{
    for (size_t i = 0; i < n; i++)
        if (list[i].routine == routine)
            return (int)i;
    return -1;
}

START_TEST(test_deadlock_two_routines)
{
    lanes_rt *rt = ct_open_ex(1 + _i, 4, 1024);
    lanes_chan *c1 = ct_chan(rt, "c1", sizeof(int), 0), *c2 = ct_chan(rt, "c2", sizeof(int), 0);
    pair pa = { c1, c2 }, pb = { c2, c1 };
    lanes_blocked list[8];
    lanes_event ev[1024];
    int a = ct_go(rt, "A", r_wait_other, &pa), b = ct_go(rt, "B", r_wait_other, &pb), ia, ib;
    int deadlocks = 0, stops = 0;
    size_t n;

    ck_assert_int_eq(lanes_wait(rt), LANES_DEADLOCK);
    n = lanes_blocked_list(rt, list, 8);
    ck_assert_uint_eq(n, 2);
    ia = find(list, n, (uint32_t)a);
    ib = find(list, n, (uint32_t)b);
    ck_assert_int_ge(ia, 0);
    ck_assert_int_ge(ib, 0);
    ck_assert_uint_eq(list[ia].chan, lanes_chan_id(c1));
    ck_assert_int_eq(list[ia].op, LANES_RECV);
    ck_assert_uint_eq(list[ib].chan, lanes_chan_id(c2));
    ck_assert_int_eq(list[ib].op, LANES_RECV);
    ck_assert_uint_eq(lanes_blocked_list(rt, list, 1), 2);   /* count beyond max */
    /* the trace: each stopped on its channel, then one DEADLOCK naming 2 */
    n = lanes_trace_read(rt, ev, 1024);
    for (size_t i = 0; i < n; i++) {
        if (ev[i].kind == LANES_EV_DEADLOCK) {
            ck_assert_int_eq(ev[i].arg, 2);
            deadlocks++;
        } else if (ev[i].kind == LANES_EV_STOP && ev[i].arg == LANES_STOP_RECV) {
            ck_assert_uint_eq(ev[i].obj, ev[i].routine == (uint32_t)a ? lanes_chan_id(c1)
                                                                    : lanes_chan_id(c2));
            stops++;
        }
    }
    ck_assert_int_eq(deadlocks, 1);
    ck_assert_int_eq(stops, 2);
    lanes_close(rt);            /* both still parked: freed all the same */
}
END_TEST

/* a receiver waits on a sleeper that sends after a while: no deadlock */

typedef struct sleeper {
    lanes_chan *ch;
    int ticks;
    int send;
} sleeper;

static void r_sleep_then_send(void *a)
{
    sleeper *s = a;
    int v = 77;
    lanes_sleep(s->ticks);
    if (s->send)
        lanes_send(s->ch, &v);
}

static void r_recv(void *a)
{
    sleeper *s = a;
    int v = 0;
    s->send = lanes_recv(s->ch, &v) == 0 ? v : -1;
}

START_TEST(test_deadlock_not_while_sleeper)
{
    lanes_rt *rt = ct_open(2);
    sleeper s = { ct_chan(rt, "late", sizeof(int), 0), 500, 1 };
    sleeper r = { s.ch, 0, 0 };

    ct_go(rt, "recv", r_recv, &r);
    ct_go(rt, "sleeper", r_sleep_then_send, &s);
    ct_wait_ok(rt);
    ck_assert_int_eq(r.send, 77);
    lanes_close(rt);
}
END_TEST

/* the sleeper wakes but never sends: then, and only then, a deadlock */
START_TEST(test_deadlock_after_sleeper)
{
    lanes_rt *rt = ct_open(1);
    sleeper s = { ct_chan(rt, "never", sizeof(int), 0), 200, 0 };
    sleeper r = { s.ch, 0, 0 };
    lanes_blocked list[4];
    int id;

    id = ct_go(rt, "recv", r_recv, &r);
    ct_go(rt, "sleeper", r_sleep_then_send, &s);
    ck_assert_int_eq(lanes_wait(rt), LANES_DEADLOCK);
    ck_assert_uint_eq(lanes_blocked_list(rt, list, 4), 1);
    ck_assert_uint_eq(list[0].routine, (uint32_t)id);
    ck_assert_uint_eq(list[0].chan, lanes_chan_id(s.ch));
    ck_assert_int_eq(list[0].op, LANES_RECV);
    lanes_close(rt);
}
END_TEST

/* a select waiting on two channels nobody uses: listed with op 0 and the
 * first case's channel */

static void r_select_forever(void *a)
{
    lanes_chan **c = a;
    lanes_case cs[3] = { { NULL, LANES_RECV, NULL, 0 }, { c[0], LANES_SEND, NULL, 0 },
                         { c[1], LANES_RECV, NULL, 0 } };
    lanes_select(cs, 3, 0);
}

START_TEST(test_deadlock_select)
{
    lanes_rt *rt = ct_open(2);
    lanes_chan *c[2] = { ct_chan(rt, "s1", sizeof(int), 0), ct_chan(rt, "s2", sizeof(int), 4) };
    lanes_blocked list[4];
    int id = ct_go(rt, "select", r_select_forever, c);

    ck_assert_int_eq(lanes_wait(rt), LANES_DEADLOCK);
    ck_assert_uint_eq(lanes_blocked_list(rt, list, 4), 1);
    ck_assert_uint_eq(list[0].routine, (uint32_t)id);
    ck_assert_uint_eq(list[0].chan, lanes_chan_id(c[0]));
    ck_assert_int_eq(list[0].op, 0);
    lanes_close(rt);
}
END_TEST

/* lanes_close while routines are parked everywhere: senders on a full
 * buffer, receivers, selects over several channels; nothing is leaked and
 * no freed wait record is walked. */

static void r_park_send(void *a)
{
    lanes_send(a, NULL);
}

static void r_park_recv(void *a)
{
    lanes_recv(a, NULL);
}

/* a select with more cases than fit on its stack (its arrays on the heap) */
#define BIG_SELECT 40

static void r_big_select(void *a)
{
    lanes_chan **c = a;
    lanes_case cs[BIG_SELECT];
    for (int i = 0; i < BIG_SELECT; i++)
        cs[i] = (lanes_case){ c[i % 2], i % 2 == 0 ? LANES_SEND : LANES_RECV, NULL, 0 };
    lanes_select(cs, BIG_SELECT, 0);
}

/* select {}: no case at all, parked for good */
static void r_empty_select(void *a)
{
    lanes_case none[BIG_SELECT];
    memset(none, 0, sizeof none);
    lanes_select(a != NULL ? none : NULL, a != NULL ? BIG_SELECT : 0, 0);
}

START_TEST(test_deadlock_close_with_parked)
{
    lanes_rt *rt = ct_open(2);
    lanes_chan *full = ct_chan(rt, "full", 4096, 2), *empty = ct_chan(rt, "empty", 4096, 0);
    lanes_chan *c[2] = { full, ct_chan(rt, "other", 4096, 3) };
    static unsigned char big[4096];

    ck_assert_int_eq(lanes_try_send(full, big), 0);
    ck_assert_int_eq(lanes_try_send(full, big), 0);
    for (int i = 0; i < 5; i++) {
        ct_go(rt, "send", r_park_send, full);
        ct_go(rt, "recv", r_park_recv, empty);
        ct_go(rt, "select", r_select_forever, c);
        ct_go(rt, "big-select", r_big_select, c);
    }
    ct_go(rt, "select{}", r_empty_select, NULL);
    ct_go(rt, "select{40 x NULL}", r_empty_select, c);
    ct_wait_blocked(rt, 0, -1, 0, 22);
    lanes_close(rt);
}
END_TEST

/* Routines spawned by plain threads and on every lane, some exiting on
 * lanes other than their spawner's, the rest parked for good: the
 * deadlock is seen (the exits' census shares are paid) and the blocked
 * list finds every parked one, whichever list (lane) it is on. */

#define EL_PARENTS  8
#define EL_CHILDREN 64          /* per parent, every other one parks */

typedef struct el_ctx {
    lanes_rt   *rt;
    lanes_chan *never;
    atomic_int  ids[EL_PARENTS * (EL_CHILDREN / 2 + 1)];
    atomic_int  nids;
} el_ctx;

static el_ctx el;

static void el_exit(void *a)
{
    (void)a;
    lanes_work(1);
}

static void el_park(void *a)
{
    int v;
    (void)a;
    lanes_recv(el.never, &v);
}

static void el_parent(void *a)
{
    (void)a;
    lanes_work(2);              /* time for the other lane to take some of us */
    for (int i = 0; i < EL_CHILDREN; i++) {
        int id = lanes_go(el.rt, "child", i % 2 ? el_park : el_exit, NULL);
        ck_assert_int_gt(id, 0);
        if (i % 2)
            atomic_store(&el.ids[atomic_fetch_add(&el.nids, 1)], id);
        if (i % 8 == 7)
            lanes_yield();
    }
    atomic_store(&el.ids[atomic_fetch_add(&el.nids, 1)], lanes_self());
    el_park(NULL);
}

START_TEST(test_deadlock_every_list)
{
    enum { N = EL_PARENTS * (EL_CHILDREN / 2 + 1) };
    lanes_blocked list[N + 1];
    size_t n;

    memset(&el, 0, sizeof el);
    el.rt = ct_open(2);
    el.never = ct_chan(el.rt, "never", sizeof(int), 0);
    for (int i = 0; i < EL_PARENTS; i++)
        ct_go(el.rt, "parent", el_parent, NULL);
    ck_assert_int_eq(lanes_wait(el.rt), LANES_DEADLOCK);
    ck_assert_int_eq(atomic_load(&el.nids), N);
    n = lanes_blocked_list(el.rt, list, N + 1);
    ck_assert_uint_eq(n, N);
    for (int i = 0; i < N; i++)
        ck_assert_int_ge(find(list, n, (uint32_t)atomic_load(&el.ids[i])), 0);
    lanes_close(el.rt);
}
END_TEST

static Suite *deadlock_suite(void)
{
    Suite *s = suite_create("deadlock");
    TCase *tc = tcase_create("deadlock");

    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_deadlock_two_routines, 0, 2);
    tcase_add_test(tc, test_deadlock_not_while_sleeper);
    tcase_add_test(tc, test_deadlock_after_sleeper);
    tcase_add_test(tc, test_deadlock_select);
    tcase_add_test(tc, test_deadlock_close_with_parked);
    tcase_add_test(tc, test_deadlock_every_list);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(deadlock_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
