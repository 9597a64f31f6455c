/*
 * check_select.c - select as Go's suites check it: uniform choice among
 * ready cases, no self-receive, doubleselect (nothing duplicated or lost
 * when senders select among several unbuffered channels on several lanes),
 * wait-queue integrity after a select is woken through another channel, the
 * non-blocking select race, closed channels and the same channel twice.
 */
#include "config.h"
#include <check.h>
#include <errno.h>
#include <math.h>

#include "chantest.h"

/* ---- fairness: 2 always ready + 2 never ready ------------------------------ */

#define FAIR_TRIALS 10000

typedef struct fair {
    lanes_chan *c[4];
    int count[4];
    int errors;
} fair;

static void r_fair(void *a)
{
    fair *f = a;
    for (int i = 0; i < FAIR_TRIALS; i++) {
        int v = -1;
        lanes_case cs[4] = {
            { f->c[2], LANES_RECV, &v, 0 }, { f->c[3], LANES_RECV, &v, 0 },
            { f->c[0], LANES_RECV, &v, 0 }, { f->c[1], LANES_RECV, &v, 0 },
        };
        int k = lanes_select(cs, 4, 0);
        if (k < 0 || k > 3 || cs[k].result != 0 || (k == 2 && v != 1) || (k == 3 && v != 2))
            f->errors++;
        else
            f->count[k]++;
    }
}

START_TEST(test_select_fairness)
{
    lanes_rt *rt = ct_open(1);
    static fair f;
    double sigma = sqrt(FAIR_TRIALS * 0.25), mean = FAIR_TRIALS * 0.5;

    memset(&f, 0, sizeof f);
    f.c[0] = ct_chan(rt, "ready1", sizeof(int), FAIR_TRIALS + 1);
    f.c[1] = ct_chan(rt, "ready2", sizeof(int), FAIR_TRIALS + 1);
    f.c[2] = ct_chan(rt, "never1", sizeof(int), 0);
    f.c[3] = ct_chan(rt, "never2", sizeof(int), 0);
    for (int i = 0; i < FAIR_TRIALS + 1; i++) {
        int one = 1, two = 2;
        ck_assert_int_eq(lanes_try_send(f.c[0], &one), 0);
        ck_assert_int_eq(lanes_try_send(f.c[1], &two), 0);
    }
    ct_go(rt, "select", r_fair, &f);
    ct_wait_ok(rt);
    ck_assert_int_eq(f.errors, 0);
    ck_assert_int_eq(f.count[0] + f.count[1], 0);
    ck_assert_int_eq(f.count[2] + f.count[3], FAIR_TRIALS);
    ck_assert_msg(fabs(f.count[2] - mean) <= 10 * sigma && fabs(f.count[3] - mean) <= 10 * sigma,
                  "unfair select: %d vs %d of %d", f.count[2], f.count[3], FAIR_TRIALS);
    lanes_close(rt);
}
END_TEST

/* ---- a select that sends and receives on one channel ---------------------- */

#define SELF_ITERS 1000

typedef struct self_sel {
    lanes_chan *ch;
    int p;
    int cap;
    atomic_int *errors;
} self_sel;

static void r_self_select(void *a)
{
    self_sel *s = a;
    for (int i = 0; i < SELF_ITERS; i++) {
        int v = -1, k;
        if (s->p == 0 || i % 2 == 0) {
            lanes_case cs[2] = { { s->ch, LANES_SEND, &s->p, 0 }, { s->ch, LANES_RECV, &v, 0 } };
            k = lanes_select(cs, 2, 0);
            if (k == 1 && s->cap == 0 && v == s->p)
                atomic_fetch_add(s->errors, 1);
        } else {
            lanes_case cs[2] = { { s->ch, LANES_RECV, &v, 0 }, { s->ch, LANES_SEND, &s->p, 0 } };
            k = lanes_select(cs, 2, 0);
            if (k == 0 && s->cap == 0 && v == s->p)
                atomic_fetch_add(s->errors, 1);
        }
        if (k < 0)
            atomic_fetch_add(s->errors, 1);
    }
}

START_TEST(test_select_self)
{
    const int cap = _i;
    lanes_rt *rt = ct_open(2);
    lanes_chan *ch = ct_chan(rt, "self", sizeof(int), (size_t)cap);
    atomic_int errors;
    self_sel s[2];

    atomic_init(&errors, 0);
    for (int p = 0; p < 2; p++) {
        s[p] = (self_sel){ ch, p, cap, &errors };
        ct_go(rt, "self", r_self_select, &s[p]);
    }
    ct_wait_ok(rt);
    ck_assert_int_eq(atomic_load(&errors), 0);
    lanes_close(rt);
}
END_TEST

/* ---- doubleselect --------------------------------------------------------- */

#define DS_VALUES 100000

typedef struct dsel {
    lanes_chan *c[4], *mux, *done;
    atomic_int left;
    unsigned char *seen;
    int dups, received;
} dsel;

static void r_ds_sender(void *a)
{
    dsel *d = a;
    for (int i = 0; i < DS_VALUES; i++) {
        lanes_case cs[4];
        for (int k = 0; k < 4; k++)
            cs[k] = (lanes_case){ d->c[k], LANES_SEND, &i, 0 };
        lanes_select(cs, 4, 0);
    }
    for (int k = 0; k < 4; k++)
        lanes_chan_close(d->c[k]);
}

typedef struct dsmux {
    dsel *d;
    lanes_chan *in;
} dsmux;

static void r_ds_mux(void *a)
{
    dsmux *m = a;
    int v;
    while (lanes_recv(m->in, &v) == 0)
        lanes_send(m->d->mux, &v);
    if (atomic_fetch_sub(&m->d->left, 1) == 1)
        lanes_chan_close(m->d->mux);
}

static void r_ds_recver(void *a)
{
    dsel *d = a;
    int v;
    while (lanes_recv(d->mux, &v) == 0) {
        if (v < 0 || v >= DS_VALUES || d->seen[v]++)
            d->dups++;
        d->received++;
    }
}

/* _i: 0 on 2 lanes, 1 on 4 lanes, 2 with the core count changing (1..4)
 * and pauses while the values flow */
START_TEST(test_select_double)
{
    lanes_rt *rt = ct_open(_i == 1 ? 4 : 2);
    static dsel d;
    static dsmux m[4];
    int rc, turn = 0;

    memset(&d, 0, sizeof d);
    d.seen = calloc(DS_VALUES, 1);
    for (int k = 0; k < 4; k++)
        d.c[k] = ct_chan(rt, "c", sizeof(int), 0);
    d.mux = ct_chan(rt, "mux", sizeof(int), 0);
    atomic_init(&d.left, 4);
    ct_go(rt, "sender", r_ds_sender, &d);
    for (int k = 0; k < 4; k++) {
        m[k] = (dsmux){ &d, d.c[k] };
        ct_go(rt, "mux", r_ds_mux, &m[k]);
    }
    ct_go(rt, "recver", r_ds_recver, &d);
    if (_i == 2) {
        while ((rc = lanes_wait_for(rt, 200000)) == 1) {
            turn++;
            ck_assert_int_eq(lanes_set_cores(rt, 1 + turn % 4), 0);
            if (turn % 5 == 0) {
                lanes_pause(rt);
                ct_nap();
                lanes_resume(rt);
            }
        }
        ck_assert_int_eq(rc, 0);
    }
    ct_wait_ok(rt);
    ck_assert_int_eq(d.dups, 0);
    ck_assert_int_eq(d.received, DS_VALUES);
    for (int i = 0; i < DS_VALUES; i++)
        ck_assert_int_eq(d.seen[i], 1);
    free(d.seen);
    lanes_close(rt);
}
END_TEST

/* ---- wait-queue integrity --------------------------------------------------
 * A parks in a select on c1, c1 again and c2; B parks on c1.  A is woken
 * through c2 (its waiters on c1 must leave c1's list before its stack is
 * reused) and parks on c1 again.  Two sends on c1 then reach B, then A. */

typedef struct wq {
    lanes_chan *c1, *c2;
    int a_first, a_second, b_val, a_index;
} wq;

/* Overwrites the stack below the caller, where a select's wait records
 * were: a record left on a channel's list would now be garbage. */
static __attribute__((noinline)) void scribble_stack(void)
{
    volatile unsigned char junk[4096];
    for (size_t i = 0; i < sizeof junk; i++)
        junk[i] = 0xa5;
}

static void r_wq_a(void *a)
{
    wq *w = a;
    int v1 = -1, v2 = -1, v3 = -1;
    lanes_case cs[3] = { { w->c1, LANES_RECV, &v1, 0 }, { w->c1, LANES_RECV, &v2, 0 },
                         { w->c2, LANES_RECV, &v3, 0 } };
    w->a_index = lanes_select(cs, 3, 0);
    w->a_first = w->a_index == 2 ? v3 : -1;
    scribble_stack();
    if (lanes_recv(w->c1, &w->a_second) != 0)
        w->a_second = -2;
}

static void r_wq_b(void *a)
{
    wq *w = a;
    if (lanes_recv(w->c1, &w->b_val) != 0)
        w->b_val = -2;
}

START_TEST(test_select_waitq_integrity)
{
    lanes_rt *rt = ct_open(1 + _i);
    static wq w;
    int a, b, seven = 7, eight = 8, nine = 9;

    memset(&w, 0, sizeof w);
    w.c1 = ct_chan(rt, "c1", sizeof(int), 0);
    w.c2 = ct_chan(rt, "c2", sizeof(int), 0);
    a = ct_go(rt, "A", r_wq_a, &w);
    ct_wait_blocked(rt, lanes_chan_id(w.c1), 0, (uint32_t)a, 1);
    b = ct_go(rt, "B", r_wq_b, &w);
    ct_wait_blocked(rt, lanes_chan_id(w.c1), LANES_RECV, (uint32_t)b, 1);
    ck_assert_int_eq(lanes_try_send(w.c2, &seven), 0);          /* wakes A's select */
    ct_wait_blocked(rt, lanes_chan_id(w.c1), LANES_RECV, (uint32_t)a, 1);
    /* c1 now holds B, then A: both sends find a receiver, in that order */
    ck_assert_int_eq(lanes_try_send(w.c1, &eight), 0);
    ck_assert_int_eq(lanes_try_send(w.c1, &nine), 0);
    ck_assert_int_eq(lanes_try_send(w.c1, &nine), LANES_WOULDBLOCK);
    ct_wait_ok(rt);
    ck_assert_int_eq(w.a_index, 2);
    ck_assert_int_eq(w.a_first, 7);
    ck_assert_int_eq(w.b_val, 8);
    ck_assert_int_eq(w.a_second, 9);
    lanes_close(rt);
}
END_TEST

/* ---- non-blocking select racing: one of two channels is always ready ----- */

typedef struct nbs {
    lanes_chan *c1, *c2;
    atomic_int flag;
    atomic_int *fail;
} nbs;

static void r_nbs(void *a)
{
    nbs *n = a;
    int v;
    lanes_case cs[2] = { { n->c1, LANES_RECV, &v, 0 }, { n->c2, LANES_RECV, &v, 0 } };
    if (lanes_select(cs, 2, 1) == LANES_WOULDBLOCK)
        atomic_fetch_add(n->fail, 1);
    atomic_store(&n->flag, 1);
}

START_TEST(test_select_nonblock_race)
{
    lanes_rt *rt = ct_open(2);
    atomic_int fail;
    nbs n;
    int one = 1, v;

    atomic_init(&fail, 0);
    for (int i = 0; i < 10000; i++) {
        n.c1 = ct_chan(rt, "c1", sizeof(int), 1);
        n.c2 = ct_chan(rt, "c2", sizeof(int), 1);
        n.fail = &fail;
        atomic_init(&n.flag, 0);
        ck_assert_int_eq(lanes_try_send(n.c1, &one), 0);
        ct_go(rt, "select", r_nbs, &n);
        ck_assert_int_eq(lanes_try_send(n.c2, &one), 0);
        lanes_case cs[1] = { { n.c1, LANES_RECV, &v, 0 } };
        lanes_select(cs, 1, 1);
        ct_wait_flag(&n.flag);
    }
    ct_wait_ok(rt);
    ck_assert_int_eq(atomic_load(&fail), 0);
    lanes_close(rt);
}
END_TEST

/* ---- close racing hand-offs to parked selects ------------------------------
 * Receivers select on {quit, data}; senders select on {send data, quit}.
 * The test thread closes quit while values flow: every select returns once,
 * and exactly the values whose send fired are received. */

#define CR_ITERS 2000
#define CR_RECV 3
#define CR_SEND 2

typedef struct crace {
    lanes_chan *quit, *data;
    atomic_int sent, recvd, closed_seen, returned;
} crace;

static void r_cr_recv(void *a)
{
    crace *c = a;
    for (;;) {
        int v;
        lanes_case cs[2] = { { c->quit, LANES_RECV, NULL, 0 }, { c->data, LANES_RECV, &v, 0 } };
        int k = lanes_select(cs, 2, 0);
        if (k == 1 && cs[1].result == 0) {
            atomic_fetch_add(&c->recvd, 1);
            continue;
        }
        atomic_fetch_add(&c->closed_seen, 1);
        break;
    }
    atomic_fetch_add(&c->returned, 1);
}

static void r_cr_send(void *a)
{
    crace *c = a;
    for (int i = 0; i < 4; i++) {
        lanes_case cs[2] = { { c->data, LANES_SEND, &i, 0 }, { c->quit, LANES_RECV, NULL, 0 } };
        int k = lanes_select(cs, 2, 0);
        if (k != 0)
            break;
        atomic_fetch_add(&c->sent, 1);
    }
    atomic_fetch_add(&c->returned, 1);
}

START_TEST(test_select_close_race)
{
    lanes_rt *rt = ct_open(2);
    crace c;

    for (int it = 0; it < CR_ITERS; it++) {
        c.quit = ct_chan(rt, "quit", 0, 0);
        c.data = ct_chan(rt, "data", sizeof(int), (size_t)(it % 3));
        atomic_init(&c.sent, 0);
        atomic_init(&c.recvd, 0);
        atomic_init(&c.closed_seen, 0);
        atomic_init(&c.returned, 0);
        for (int i = 0; i < CR_RECV; i++)
            ct_go(rt, "recv", r_cr_recv, &c);
        for (int i = 0; i < CR_SEND; i++)
            ct_go(rt, "send", r_cr_send, &c);
        for (int spin = 0; spin < it % 64; spin++)
            sched_yield();
        ck_assert_int_eq(lanes_chan_close(c.quit), 0);
        ct_wait_ok(rt);
        ck_assert_int_eq(atomic_load(&c.returned), CR_RECV + CR_SEND);
        ck_assert_int_eq(atomic_load(&c.closed_seen), CR_RECV);
        /* buffered values nobody took stay in data */
        ck_assert_int_eq(atomic_load(&c.sent),
                         atomic_load(&c.recvd) + (int)lanes_chan_len(c.data));
    }
    lanes_close(rt);
}
END_TEST

/* ---- closed channels, NULL cases, bad arguments, many cases -------------- */

typedef struct selc {
    lanes_chan *closed, *never;
    int errors;
} selc;

static void r_sel_closed(void *a)
{
    selc *c = a;
    int v = 5;
    for (int i = 0; i < 100; i++) {
        lanes_case cs[3] = { { NULL, LANES_RECV, &v, 0 }, { c->never, LANES_RECV, &v, 0 },
                             { c->closed, LANES_RECV, &v, 0 } };
        v = 5;
        if (lanes_select(cs, 3, 0) != 2 || cs[2].result != LANES_CLOSED || v != 0)
            c->errors++;
        lanes_case ss[2] = { { c->never, LANES_SEND, &v, 0 }, { c->closed, LANES_SEND, &v, 0 } };
        if (lanes_select(ss, 2, 0) != 1 || ss[1].result != LANES_CLOSED)
            c->errors++;
    }
}

START_TEST(test_select_closed)
{
    lanes_rt *rt = ct_open(1);
    selc c = { ct_chan(rt, "closed", sizeof(int), 0), ct_chan(rt, "never", sizeof(int), 0), 0 };
    lanes_case bad = { c.closed, 99, NULL, 0 };
    lanes_case none = { NULL, LANES_RECV, NULL, 0 };

    ck_assert_int_eq(lanes_select(&bad, 1, 1), -EINVAL);
    ck_assert_int_eq(lanes_select(NULL, -1, 1), -EINVAL);
    ck_assert_int_eq(lanes_select(NULL, 0, 1), LANES_WOULDBLOCK);
    ck_assert_int_eq(lanes_select(&none, 1, 1), LANES_WOULDBLOCK);
    ck_assert_int_eq(lanes_chan_close(c.closed), 0);
    ct_go(rt, "closed", r_sel_closed, &c);
    ct_wait_ok(rt);
    ck_assert_int_eq(c.errors, 0);
    lanes_close(rt);
}
END_TEST

/* many cases (more than fit on the stack), with one channel many times:
 * a sender selects over 40 cases on 3 channels; receivers pull values */

#define MANY_CASES 40
#define MANY_VALUES 3000

typedef struct many {
    lanes_chan *c[3];
    int recvd[3];
    int64_t sum;
} many;

static void r_many_send(void *a)
{
    many *m = a;
    lanes_case cs[MANY_CASES];
    for (int i = 1; i <= MANY_VALUES; i++) {
        for (int k = 0; k < MANY_CASES; k++)
            cs[k] = (lanes_case){ k % 7 == 6 ? NULL : m->c[k % 3], LANES_SEND, &i, 0 };
        if (lanes_select(cs, MANY_CASES, 0) < 0)
            m->sum = -1000000000;
    }
    for (int k = 0; k < 3; k++)
        lanes_chan_close(m->c[k]);
}

static void r_many_recv(void *a)
{
    many *m = a;
    int v, rc;
    for (;;) {
        lanes_case cs[3] = { { m->c[0], LANES_RECV, &v, 0 }, { m->c[1], LANES_RECV, &v, 0 },
                             { m->c[2], LANES_RECV, &v, 0 } };
        rc = lanes_select(cs, 3, 0);
        if (rc < 0 || cs[rc].result != 0)
            break;
        m->recvd[rc]++;
        m->sum += v;
    }
}

START_TEST(test_select_many_cases)
{
    lanes_rt *rt = ct_open(2);
    static many m;

    memset(&m, 0, sizeof m);
    for (int k = 0; k < 3; k++)
        m.c[k] = ct_chan(rt, "c", sizeof(int), (size_t)k);
    ct_go(rt, "recv", r_many_recv, &m);
    ct_go(rt, "send", r_many_send, &m);
    ct_wait_ok(rt);
    ck_assert_int_eq(m.recvd[0] + m.recvd[1] + m.recvd[2], MANY_VALUES);
    ck_assert(m.sum == (int64_t)MANY_VALUES * (MANY_VALUES + 1) / 2);
    for (int k = 0; k < 3; k++)
        ck_assert_int_gt(m.recvd[k], 0);
    lanes_close(rt);
}
END_TEST

static Suite *select_suite(void)
{
    Suite *s = suite_create("select");
    TCase *tc = tcase_create("select");

    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_select_fairness);
    tcase_add_loop_test(tc, test_select_self, 0, 2);
    tcase_add_loop_test(tc, test_select_double, 0, 3);
    tcase_add_loop_test(tc, test_select_waitq_integrity, 0, 2);
    tcase_add_test(tc, test_select_nonblock_race);
    tcase_add_test(tc, test_select_close_race);
    tcase_add_test(tc, test_select_closed);
    tcase_add_test(tc, test_select_many_cases);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(select_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
