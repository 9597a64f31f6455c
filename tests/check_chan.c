/*
 * check_chan.c - channels as Go's own suites check them: the TestChan matrix
 * for every capacity 0..50, element sizes, the non-blocking race, the trace a
 * channel leaves, and the classic programs (multi-consumer, daisy chain,
 * synchronous FIFO chain, prime sieve, ping-pong hog fairness).
 *
 * Every test starts and stops its own runtime.  "Blocks" is observed through
 * lanes_blocked_list, never through time.
 */
#include "config.h"
#include <check.h>
#include <errno.h>
#include <stdio.h>

#include "chantest.h"

/* ---- a job: one routine's channel, its result and a done flag ------------- */

typedef struct job {
    lanes_chan *ch;
    int n;              /* how many values, or a parameter */
    int rc;             /* last return code */
    int val;            /* last value */
    int errors;         /* mismatches the routine saw */
    atomic_int flag;    /* set when the routine is done */
} job;

static void job_init(job *j, lanes_chan *ch, int n)
{
    memset(j, 0, sizeof *j);
    j->ch = ch;
    j->n = n;
    atomic_init(&j->flag, 0);
}

static void r_recv_one(void *a)
{
    job *j = a;
    int v = -1;
    j->rc = lanes_recv(j->ch, &v);
    j->val = v;
    atomic_store(&j->flag, 1);
}

/* sends 0..n-1, j->val counts the sends that returned */
static void r_send_seq(void *a)
{
    job *j = a;
    for (int i = 0; i < j->n; i++) {
        j->rc = lanes_send(j->ch, &i);
        if (j->rc != 0)
            break;
        atomic_fetch_add(&j->flag, 1);
    }
}

static void r_send_one(void *a)
{
    job *j = a;
    j->rc = lanes_send(j->ch, &j->val);
    atomic_store(&j->flag, 1);
}

/* receives n values and checks they are 0..n-1 in order */
static void r_recv_seq(void *a)
{
    job *j = a;
    for (int i = 0; i < j->n; i++) {
        int v = -1;
        if (lanes_recv(j->ch, &v) != 0 || v != i)
            j->errors++;
    }
    atomic_store(&j->flag, 1);
}

/* a routine's own non-blocking ops on an empty channel of capacity n */
static void r_nonblocking(void *a)
{
    job *j = a;
    int v = 0;
    if (lanes_try_recv(j->ch, &v) != LANES_WOULDBLOCK)
        j->errors++;
    for (int i = 0; i < j->n; i++)
        if (lanes_try_send(j->ch, &i) != 0)
            j->errors++;
    if (lanes_try_send(j->ch, &v) != LANES_WOULDBLOCK)
        j->errors++;
    for (int i = 0; i < j->n; i++)
        if (lanes_try_recv(j->ch, &v) != 0 || v != i)
            j->errors++;
    if (lanes_try_recv(j->ch, &v) != LANES_WOULDBLOCK)
        j->errors++;
    atomic_store(&j->flag, 1);
}

static void r_closed_ops(void *a)
{
    job *j = a;
    int v = -1;
    if (lanes_recv(j->ch, &v) != LANES_CLOSED || v != 0)
        j->errors++;
    if (lanes_send(j->ch, &v) != LANES_CLOSED)
        j->errors++;
    if (lanes_chan_close(j->ch) != LANES_CLOSED)
        j->errors++;
    atomic_store(&j->flag, 1);
}

/* 4 x 4 x 1000: counts of each value received */
#define MX_PAIRS 4
#define WQ_N (2 * MX_PAIRS)     /* parked routines in the wait-list order test */
#define MX_VALUES 1000
static atomic_int mx_count[MX_VALUES];

static void r_mx_send(void *a)
{
    job *j = a;
    for (int i = 0; i < MX_VALUES; i++)
        if (lanes_send(j->ch, &i) != 0)
            j->errors++;
}

static void r_mx_recv(void *a)
{
    job *j = a;
    for (int i = 0; i < MX_VALUES; i++) {
        int v = -1;
        if (lanes_recv(j->ch, &v) != 0 || v < 0 || v >= MX_VALUES)
            j->errors++;
        else
            atomic_fetch_add(&mx_count[v], 1);
    }
}

START_TEST(test_chan_matrix)
{
    const int cap = _i;
    lanes_rt *rt = ct_open(2);
    lanes_chan *ch;
    job j, js[2 * MX_PAIRS];
    int v, id;

    /* receive from an empty channel blocks until a value comes */
    ch = ct_chan(rt, "empty", sizeof(int), (size_t)cap);
    job_init(&j, ch, 0);
    id = ct_go(rt, "recv", r_recv_one, &j);
    ct_wait_blocked(rt, lanes_chan_id(ch), LANES_RECV, (uint32_t)id, 1);
    ck_assert_int_eq(atomic_load(&j.flag), 0);
    v = 42;
    ck_assert_int_eq(lanes_try_send(ch, &v), 0);   /* hands off to the parked one */
    ct_wait_ok(rt);
    ck_assert_int_eq(j.rc, 0);
    ck_assert_int_eq(j.val, 42);
    ck_assert_uint_eq(lanes_chan_len(ch), 0);

    /* non-blocking send and receive never block (plain thread, then routine) */
    ch = ct_chan(rt, "nonblocking", sizeof(int), (size_t)cap);
    ck_assert_int_eq(lanes_try_recv(ch, &v), LANES_WOULDBLOCK);
    for (int i = 0; i < cap; i++)
        ck_assert_int_eq(lanes_try_send(ch, &i), 0);
    ck_assert_int_eq(lanes_try_send(ch, &v), LANES_WOULDBLOCK);
    ck_assert_uint_eq(lanes_chan_len(ch), (size_t)cap);
    ck_assert_uint_eq(lanes_chan_cap(ch), (size_t)cap);
    for (int i = 0; i < cap; i++) {
        ck_assert_int_eq(lanes_try_recv(ch, &v), 0);
        ck_assert_int_eq(v, i);
    }
    ck_assert_int_eq(lanes_try_recv(ch, &v), LANES_WOULDBLOCK);
    job_init(&j, ch, cap);
    ct_go(rt, "nonblocking", r_nonblocking, &j);
    ct_wait_ok(rt);
    ck_assert_int_eq(j.errors, 0);

    /* send to a full channel blocks; the parked sender's value comes last */
    ch = ct_chan(rt, "full", sizeof(int), (size_t)cap);
    job_init(&j, ch, cap + 1);
    id = ct_go(rt, "send", r_send_seq, &j);
    ct_wait_blocked(rt, lanes_chan_id(ch), LANES_SEND, (uint32_t)id, 1);
    ck_assert_int_eq(atomic_load(&j.flag), cap);
    ck_assert_uint_eq(lanes_chan_len(ch), (size_t)cap);
    for (int i = 0; i <= cap; i++) {
        ck_assert_int_eq(lanes_try_recv(ch, &v), 0);
        ck_assert_int_eq(v, i);
    }
    ct_wait_ok(rt);
    ck_assert_int_eq(atomic_load(&j.flag), cap + 1);
    ck_assert_int_eq(lanes_try_recv(ch, &v), LANES_WOULDBLOCK);

    /* a closed channel yields its buffered values, then LANES_CLOSED */
    ch = ct_chan(rt, "closed", sizeof(int), (size_t)cap);
    for (int i = 0; i < cap; i++) {
        v = 100 + i;
        ck_assert_int_eq(lanes_try_send(ch, &v), 0);
    }
    ck_assert_int_eq(lanes_chan_close(ch), 0);
    ck_assert_int_eq(lanes_chan_close(ch), LANES_CLOSED);
    ck_assert_int_eq(lanes_try_send(ch, &v), LANES_CLOSED);
    for (int i = 0; i < cap; i++) {
        ck_assert_int_eq(lanes_try_recv(ch, &v), 0);
        ck_assert_int_eq(v, 100 + i);
    }
    v = -1;
    ck_assert_int_eq(lanes_try_recv(ch, &v), LANES_CLOSED);
    ck_assert_int_eq(v, 0);
    job_init(&j, ch, 0);
    ct_go(rt, "closed", r_closed_ops, &j);
    ct_wait_ok(rt);
    ck_assert_int_eq(j.errors, 0);

    /* close wakes a parked receiver, and a parked sender */
    ch = ct_chan(rt, "wake-recv", sizeof(int), (size_t)cap);
    job_init(&j, ch, 0);
    id = ct_go(rt, "recv", r_recv_one, &j);
    ct_wait_blocked(rt, lanes_chan_id(ch), LANES_RECV, (uint32_t)id, 1);
    ck_assert_int_eq(lanes_chan_close(ch), 0);
    ct_wait_ok(rt);
    ck_assert_int_eq(j.rc, LANES_CLOSED);
    ck_assert_int_eq(j.val, 0);
    ch = ct_chan(rt, "wake-send", sizeof(int), (size_t)cap);
    for (int i = 0; i < cap; i++)
        ck_assert_int_eq(lanes_try_send(ch, &i), 0);
    job_init(&j, ch, 0);
    j.val = 7;
    id = ct_go(rt, "send", r_send_one, &j);
    ct_wait_blocked(rt, lanes_chan_id(ch), LANES_SEND, (uint32_t)id, 1);
    ck_assert_int_eq(lanes_chan_close(ch), 0);
    ct_wait_ok(rt);
    ck_assert_int_eq(j.rc, LANES_CLOSED);
    for (int i = 0; i < cap; i++) {
        ck_assert_int_eq(lanes_try_recv(ch, &v), 0);
        ck_assert_int_eq(v, i);
    }
    ck_assert_int_eq(lanes_try_recv(ch, &v), LANES_CLOSED);

    /* parked senders, then parked receivers, are served in the order they
     * parked (each one parked before the next starts) */
    ch = ct_chan(rt, "waitq", sizeof(int), (size_t)cap);
    for (int i = 0; i < cap; i++) {
        v = -1;
        ck_assert_int_eq(lanes_try_send(ch, &v), 0);
    }
    for (int i = 0; i < WQ_N; i++) {
        job_init(&js[i], ch, 0);
        js[i].val = i;
        id = ct_go(rt, "send", r_send_one, &js[i]);
        ct_wait_blocked(rt, lanes_chan_id(ch), LANES_SEND, (uint32_t)id, 1);
    }
    for (int i = 0; i < cap; i++) {
        ck_assert_int_eq(lanes_try_recv(ch, &v), 0);
        ck_assert_int_eq(v, -1);
    }
    for (int i = 0; i < WQ_N; i++) {
        ck_assert_int_eq(lanes_try_recv(ch, &v), 0);
        ck_assert_msg(v == i, "cap %d: parked sender %d served as %d", cap, v, i);
    }
    ct_wait_ok(rt);
    for (int i = 0; i < WQ_N; i++) {
        job_init(&js[i], ch, 0);
        id = ct_go(rt, "recv", r_recv_one, &js[i]);
        ct_wait_blocked(rt, lanes_chan_id(ch), LANES_RECV, (uint32_t)id, 1);
    }
    for (int i = 0; i < WQ_N; i++)
        ck_assert_int_eq(lanes_try_send(ch, &i), 0);
    ct_wait_ok(rt);
    for (int i = 0; i < WQ_N; i++)
        ck_assert_msg(js[i].rc == 0 && js[i].val == i, "cap %d: parked receiver %d got %d",
                      cap, i, js[i].val);

    /* FIFO order of 100 values between two routines */
    ch = ct_chan(rt, "fifo", sizeof(int), (size_t)cap);
    job_init(&js[0], ch, 100);
    job_init(&js[1], ch, 100);
    ct_go(rt, "recv", r_recv_seq, &js[1]);
    ct_go(rt, "send", r_send_seq, &js[0]);
    ct_wait_ok(rt);
    ck_assert_int_eq(js[0].rc, 0);
    ck_assert_int_eq(js[1].errors, 0);

    /* 4 senders x 4 receivers x 1000 values: each value exactly 4 times */
    ch = ct_chan(rt, "mx", sizeof(int), (size_t)cap);
    for (int i = 0; i < MX_VALUES; i++)
        atomic_init(&mx_count[i], 0);
    for (int i = 0; i < 2 * MX_PAIRS; i++) {
        job_init(&js[i], ch, 0);
        ct_go(rt, i < MX_PAIRS ? "sender" : "receiver",
              i < MX_PAIRS ? r_mx_send : r_mx_recv, &js[i]);
    }
    ct_wait_ok(rt);
    for (int i = 0; i < 2 * MX_PAIRS; i++)
        ck_assert_int_eq(js[i].errors, 0);
    for (int i = 0; i < MX_VALUES; i++)
        ck_assert_msg(atomic_load(&mx_count[i]) == MX_PAIRS,
                      "cap %d: value %d received %d times", cap, i, atomic_load(&mx_count[i]));
    ck_assert_uint_eq(lanes_chan_len(ch), 0);
    lanes_close(rt);
}
END_TEST

/* ---- element sizes ------------------------------------------------------------ */

static const size_t sizes[] = { 0, 1, 3, 4, 7, 8, 64, 4096, 65536 };
#define NSIZES (sizeof sizes / sizeof sizes[0])
#define SZ_MSGS 5

static unsigned char pattern(size_t size, int msg, size_t at)
{
    return (unsigned char)(size * 31u + (unsigned)msg * 7u + at * 13u + 1u);
}

typedef struct sz_job {
    lanes_chan *ch;
    size_t size;
    int errors;
} sz_job;

static void r_sz_send(void *a)
{
    sz_job *j = a;
    unsigned char *buf = malloc(j->size + 1);   /* 64 KiB won't fit a stack */
    for (int m = 0; m < SZ_MSGS; m++) {
        for (size_t k = 0; k < j->size; k++)
            buf[k] = pattern(j->size, m, k);
        if (lanes_send(j->ch, buf) != 0)
            j->errors++;
    }
    lanes_chan_close(j->ch);
    free(buf);
}

static void r_sz_recv(void *a)
{
    sz_job *j = a;
    unsigned char *buf = malloc(j->size + 1);
    int m = 0;
    for (;;) {
        buf[j->size] = 0xa5;                    /* canary: one past the element */
        int rc = lanes_recv(j->ch, buf);
        if (buf[j->size] != 0xa5)
            j->errors++;
        if (rc == LANES_CLOSED)
            break;
        for (size_t k = 0; k < j->size; k++)
            if (buf[k] != pattern(j->size, m, k)) {
                j->errors++;
                break;
            }
        m++;
    }
    for (size_t k = 0; k < j->size; k++)     /* closed: zeroed */
        if (buf[k] != 0) {
            j->errors++;
            break;
        }
    if (m != SZ_MSGS)
        j->errors++;
    free(buf);
}

START_TEST(test_chan_elem_sizes)
{
    lanes_rt *rt = ct_open(2);
    static sz_job js[NSIZES * 3];
    int n = 0;

    errno = 0;
    ck_assert_ptr_null(lanes_chan_open(rt, "big", 65537, 1));
    ck_assert_int_eq(errno, EINVAL);
    ck_assert_ptr_null(lanes_chan_open(rt, "long", 4, ((size_t)1 << 20) + 1));
    ck_assert_ptr_null(lanes_chan_open(NULL, "nort", 4, 1));
    for (size_t s = 0; s < NSIZES; s++)
        for (size_t cap = 0; cap < 3; cap++) {
            sz_job *j = &js[n++];
            j->ch = ct_chan(rt, "sized", sizes[s], cap * 2);
            j->size = sizes[s];
            j->errors = 0;
            ct_go(rt, "recv", r_sz_recv, j);
            ct_go(rt, "send", r_sz_send, j);
        }
    ct_wait_ok(rt);
    for (int i = 0; i < n; i++)
        ck_assert_msg(js[i].errors == 0, "size %zu: %d errors", js[i].size, js[i].errors);
    lanes_close(rt);
}
END_TEST

/* ---- non-blocking receive racing a close ----------------------------------- */

static atomic_int nb_fail;

static void r_try_recv_once(void *a)
{
    job *j = a;
    int v;
    if (lanes_try_recv(j->ch, &v) == LANES_WOULDBLOCK)
        atomic_fetch_add(&nb_fail, 1);
    atomic_store(&j->flag, 1);
}

START_TEST(test_chan_nonblock_recv_race)
{
    lanes_rt *rt = ct_open(2);
    job j;
    int one = 1, v;

    atomic_init(&nb_fail, 0);
    for (int i = 0; i < 10000; i++) {
        lanes_chan *ch = ct_chan(rt, "race", sizeof(int), 1);
        ck_assert_int_eq(lanes_try_send(ch, &one), 0);
        job_init(&j, ch, 0);
        ct_go(rt, "try", r_try_recv_once, &j);
        ck_assert_int_eq(lanes_chan_close(ch), 0);
        ck_assert_int_ne(lanes_try_recv(ch, &v), LANES_WOULDBLOCK);
        ct_wait_flag(&j.flag);
    }
    ct_wait_ok(rt);
    ck_assert_int_eq(atomic_load(&nb_fail), 0);
    lanes_close(rt);
}
END_TEST

/* ---- plain threads and bad arguments ------------------------------------- */

START_TEST(test_chan_plain_thread)
{
    lanes_rt *rt = ct_open(1);
    lanes_chan *ch = ct_chan(rt, "plain", sizeof(int), 1);
    lanes_case c = { ch, LANES_RECV, NULL, 0 };
    int v = 1;

    ck_assert_int_eq(lanes_send(ch, &v), -EPERM);
    ck_assert_int_eq(lanes_recv(ch, &v), -EPERM);
    ck_assert_int_eq(lanes_select(&c, 1, 0), -EPERM);
    ck_assert_uint_eq(lanes_chan_len(ch), 0);
    ck_assert_int_eq(lanes_send(NULL, &v), -EINVAL);
    ck_assert_int_eq(lanes_try_recv(NULL, &v), -EINVAL);
    ck_assert_int_eq(lanes_chan_close(NULL), -EINVAL);
    ck_assert_uint_gt(lanes_chan_id(ch), 0);
    /* NULL elem: sends zeros, receives into nowhere */
    ck_assert_int_eq(lanes_try_send(ch, NULL), 0);
    v = 5;
    ck_assert_int_eq(lanes_try_recv(ch, &v), 0);
    ck_assert_int_eq(v, 0);
    ck_assert_int_eq(lanes_try_send(ch, &v), 0);
    ck_assert_int_eq(lanes_try_recv(ch, NULL), 0);
    ck_assert_uint_eq(lanes_chan_len(ch), 0);
    lanes_close(rt);
}
END_TEST

/* ---- the trace of a channel ------------------------------------------------- */

static void r_trace_send(void *a)
{
    lanes_chan **ch = a;
    for (int i = 1; i <= 3; i++)
        lanes_send(ch[0], &i);      /* unbuffered: each a rendezvous */
    for (int i = 11; i <= 13; i++)
        lanes_send(ch[1], &i);      /* buffered, 1 slot */
    lanes_chan_close(ch[1]);
}

static void r_trace_recv(void *a)
{
    lanes_chan **ch = a;
    int v;
    for (int i = 0; i < 3; i++)
        lanes_recv(ch[0], &v);
    while (lanes_recv(ch[1], &v) == 0)
        ;
}

START_TEST(test_chan_trace)
{
    lanes_rt *rt = ct_open_ex(2, 4, 4096);
    lanes_chan *ch[2];
    lanes_event ev[4096];
    size_t n;
    int sent[32] = { 0 }, recvd[32] = { 0 }, opened = 0, closes = 0, stops = 0;

    ch[0] = ct_chan(rt, "unbuf", sizeof(int), 0);
    ch[1] = ct_chan(rt, "buf", sizeof(int), 1);
    int rid = ct_go(rt, "recv", r_trace_recv, ch);
    ct_wait_blocked(rt, lanes_chan_id(ch[0]), LANES_RECV, (uint32_t)rid, 1);
    ct_go(rt, "send", r_trace_send, ch);
    ct_wait_ok(rt);
    n = lanes_trace_read(rt, ev, 4096);
    ck_assert_uint_eq(lanes_trace_dropped(rt), 0);
    for (size_t i = 0; i < n; i++) {
        const lanes_event *e = &ev[i];
        if (i > 0)
            ck_assert_uint_ge(e->t_ns, ev[i - 1].t_ns);
        switch (e->kind) {
        case LANES_EV_CHAN:
            if (e->obj == lanes_chan_id(ch[0]) || e->obj == lanes_chan_id(ch[1])) {
                ck_assert_int_eq(e->arg, e->obj == lanes_chan_id(ch[0]) ? 0 : 1);
                opened++;
            }
            break;
        case LANES_EV_SEND:
            ck_assert(e->arg > 0 && e->arg < 32);
            ck_assert_int_eq(sent[e->arg]++, 0);
            break;
        case LANES_EV_RECV:
            ck_assert(e->arg > 0 && e->arg < 32);
            ck_assert_msg(sent[e->arg] == 1, "RECV of item %d before its SEND", e->arg);
            ck_assert_int_eq(recvd[e->arg]++, 0);
            ck_assert_uint_eq(e->routine, (uint32_t)rid);
            break;
        case LANES_EV_CLOSE:
            ck_assert_uint_eq(e->obj, lanes_chan_id(ch[1]));
            closes++;
            break;
        case LANES_EV_STOP:
            if (e->routine == (uint32_t)rid && e->arg == LANES_STOP_RECV
                && e->obj == lanes_chan_id(ch[0]))
                stops++;
            break;
        default:
            break;
        }
    }
    ck_assert_int_eq(opened, 2);
    ck_assert_int_eq(closes, 1);
    ck_assert_int_ge(stops, 1);
    for (int i = 1; i <= 3; i++)
        ck_assert(sent[i] == 1 && recvd[i] == 1);
    for (int i = 11; i <= 13; i++)
        ck_assert(sent[i] == 1 && recvd[i] == 1);
    lanes_close(rt);
}
END_TEST

/* ---- close wakes every parked routine, once -------------------------------
 * Receivers and selects parked on an empty channel, senders and a select
 * parked on a full one: close wakes each exactly once with LANES_CLOSED (a
 * second wake would trip the scheduler's state assertion). */

typedef struct cw {
    lanes_chan *ch, *never;
    int op;             /* LANES_SEND / LANES_RECV */
    int use_select;
    int rc, index, val;
} cw;

static void r_close_wait(void *a)
{
    cw *c = a;
    c->val = 5;
    if (!c->use_select) {
        c->rc = c->op == LANES_SEND ? lanes_send(c->ch, &c->val) : lanes_recv(c->ch, &c->val);
        return;
    }
    lanes_case cs[2] = { { c->never, LANES_RECV, NULL, 0 }, { c->ch, c->op, &c->val, 0 } };
    c->index = lanes_select(cs, 2, 0);
    c->rc = c->index >= 0 ? cs[c->index].result : c->index;
}

START_TEST(test_chan_close_wakes_all)
{
    lanes_rt *rt = ct_open_ex(2, 4, 4096);
    lanes_chan *empty = ct_chan(rt, "empty", sizeof(int), 0);
    lanes_chan *full = ct_chan(rt, "full", sizeof(int), 2);
    lanes_chan *never = ct_chan(rt, "never", sizeof(int), 0);
    lanes_event ev[4096];
    cw w[10];
    int v, sel_stops = 0;
    size_t n;

    for (int i = 0; i < 2; i++)
        ck_assert_int_eq(lanes_try_send(full, &i), 0);
    for (int i = 0; i < 10; i++) {
        int on_full = i >= 5;
        w[i] = (cw){ on_full ? full : empty, never, on_full ? LANES_SEND : LANES_RECV,
                     i % 5 >= 3, -99, -99, 0 };
        ct_go(rt, "waiter", r_close_wait, &w[i]);
    }
    ct_wait_blocked(rt, 0, -1, 0, 10);
    ck_assert_int_eq(lanes_chan_close(empty), 0);
    ck_assert_int_eq(lanes_chan_close(full), 0);
    ck_assert_int_eq(lanes_chan_close(full), LANES_CLOSED);
    ct_wait_ok(rt);
    for (int i = 0; i < 10; i++) {
        ck_assert_msg(w[i].rc == LANES_CLOSED, "waiter %d: rc %d", i, w[i].rc);
        if (w[i].use_select)
            ck_assert_int_eq(w[i].index, 1);
        if (w[i].op == LANES_RECV)
            ck_assert_int_eq(w[i].val, 0);
    }
    for (int i = 0; i < 2; i++) {
        ck_assert_int_eq(lanes_try_recv(full, &v), 0);
        ck_assert_int_eq(v, i);
    }
    ck_assert_int_eq(lanes_try_recv(full, &v), LANES_CLOSED);
    /* a parked select stops with reason SELECT on its first case's channel */
    n = lanes_trace_read(rt, ev, 4096);
    for (size_t i = 0; i < n; i++)
        if (ev[i].kind == LANES_EV_STOP && ev[i].arg == LANES_STOP_SELECT) {
            ck_assert_uint_eq(ev[i].obj, lanes_chan_id(never));
            sel_stops++;
        }
    ck_assert_int_eq(sel_stops, 4);
    lanes_close(rt);
}
END_TEST

/* ---- multi-consumer: 23 workers range over a channel ---------------------- */

#define MC_WORKERS 23
#define MC_ITEMS 100000
static const int mc_pn[] = { 2, 3, 7, 11, 13, 17, 19, 23, 27, 31 };

typedef struct mc_state {
    lanes_chan *q, *r;
    atomic_int left;        /* workers still ranging */
    int64_t expect, sum;
    int count;
} mc_state;

typedef struct mc_worker {
    mc_state *s;
    int w;
} mc_worker;

static void r_mc_worker(void *a)
{
    mc_worker *mw = a;
    int v;
    while (lanes_recv(mw->s->q, &v) == 0) {
        if (mc_pn[mw->w % 10] == v)
            lanes_yield();      /* mess with the FIFO-ish nature of range */
        lanes_send(mw->s->r, &v);
    }
    if (atomic_fetch_sub(&mw->s->left, 1) == 1)
        lanes_chan_close(mw->s->r);
}

static void r_mc_feed(void *a)
{
    mc_state *s = a;
    for (int i = 0; i < MC_ITEMS; i++) {
        int v = mc_pn[i % 10];
        s->expect += v;
        lanes_send(s->q, &v);
    }
    lanes_chan_close(s->q);
}

static void r_mc_consume(void *a)
{
    mc_state *s = a;
    int v;
    while (lanes_recv(s->r, &v) == 0) {
        s->count++;
        s->sum += v;
    }
}

START_TEST(test_chan_multi_consumer)
{
    lanes_rt *rt = ct_open(2);
    static mc_state s;
    static mc_worker w[MC_WORKERS];

    memset(&s, 0, sizeof s);
    s.q = ct_chan(rt, "q", sizeof(int), MC_WORKERS * 3);
    s.r = ct_chan(rt, "r", sizeof(int), MC_WORKERS * 3);
    atomic_init(&s.left, MC_WORKERS);
    for (int i = 0; i < MC_WORKERS; i++) {
        w[i].s = &s;
        w[i].w = i;
        ct_go(rt, "worker", r_mc_worker, &w[i]);
    }
    ct_go(rt, "feed", r_mc_feed, &s);
    ct_go(rt, "consume", r_mc_consume, &s);
    ct_wait_ok(rt);
    ck_assert_int_eq(s.count, MC_ITEMS);
    ck_assert_int_eq(s.sum, s.expect);
    lanes_close(rt);
}
END_TEST

/* ---- daisy chain: 10,000 routines doing left <- 1 + <-right ------------- */

#ifdef LANES_TSAN
#define DAISY 2000      /* ThreadSanitizer keeps at most ~8k live fibers */
#else
#define DAISY 10000
#endif

typedef struct daisy_link {
    lanes_chan *left, *right;
} daisy_link;

static void r_daisy(void *a)
{
    daisy_link *l = a;
    int v;
    if (lanes_recv(l->right, &v) == 0) {
        v++;
        lanes_send(l->left, &v);
    }
}

static void r_daisy_start(void *a)
{
    int one = 1;
    lanes_send(a, &one);
}

static int daisy_result;

static void r_daisy_end(void *a)
{
    daisy_result = -1;
    lanes_recv(a, &daisy_result);
}

START_TEST(test_chan_daisy_chain)
{
    lanes_rt *rt = ct_open(2);
    daisy_link *links = calloc(DAISY, sizeof *links);
    lanes_chan *leftmost = ct_chan(rt, "leftmost", sizeof(int), 0), *left = leftmost;

    ck_assert_ptr_nonnull(links);
    for (int i = 0; i < DAISY; i++) {
        links[i].left = left;
        links[i].right = ct_chan(rt, "link", sizeof(int), 0);
        left = links[i].right;
        ct_go(rt, "daisy", r_daisy, &links[i]);
    }
    ct_go(rt, "end", r_daisy_end, leftmost);
    ct_go(rt, "start", r_daisy_start, left);
    ct_wait_ok(rt);
    ck_assert_int_eq(daisy_result, DAISY + 1);
    lanes_close(rt);
    free(links);
}
END_TEST

/* ---- a synchronous FIFO chain preserves order ---------------------------- */

#define SFIFO 1000

typedef struct sfifo_link {
    lanes_chan *ch, *in, *out;
    int val;
    atomic_int *errors;
} sfifo_link;

static void r_sfifo_link(void *a)
{
    sfifo_link *l = a;
    int v = -1, t;
    lanes_recv(l->in, &t);
    if (lanes_recv(l->ch, &v) != 0 || v != l->val)
        atomic_fetch_add(l->errors, 1);
    lanes_send(l->out, &t);
}

typedef struct sfifo {
    lanes_chan *ch, *start, *end;
} sfifo;

static void r_sfifo_main(void *a)
{
    sfifo *s = a;
    int t = 0;
    lanes_send(s->start, &t);
    for (int i = 0; i < SFIFO; i++)
        lanes_send(s->ch, &i);
    lanes_recv(s->end, &t);
}

START_TEST(test_chan_sync_fifo)
{
    lanes_rt *rt = ct_open(2);
    sfifo_link *links = calloc(SFIFO, sizeof *links);
    atomic_int errors;
    sfifo s;
    lanes_chan *in;

    atomic_init(&errors, 0);
    s.ch = ct_chan(rt, "ch", sizeof(int), 0);
    s.start = in = ct_chan(rt, "start", sizeof(int), 0);
    for (int i = 0; i < SFIFO; i++) {
        links[i] = (sfifo_link){ s.ch, in, ct_chan(rt, "link", sizeof(int), 0), i, &errors };
        in = links[i].out;
        ct_go(rt, "link", r_sfifo_link, &links[i]);
    }
    s.end = in;
    ct_go(rt, "main", r_sfifo_main, &s);
    ct_wait_ok(rt);
    ck_assert_int_eq(atomic_load(&errors), 0);
    lanes_close(rt);
    free(links);
}
END_TEST

/* ---- prime sieve: each filter spawned by its predecessor ----------------- */

#define PRIMES 25
#define SIEVE_MAX 100       /* the primes below 100 are exactly the first 25 */

typedef struct sieve {
    lanes_rt *rt;
    int primes[PRIMES + 1];
    atomic_int found;
} sieve;

typedef struct filter {
    sieve *s;
    lanes_chan *in;
} filter;

static void r_filter(void *a)
{
    filter *f = a, *next;
    int p, v, k;

    if (lanes_recv(f->in, &p) != 0) {   /* the end of the chain */
        free(f);
        return;
    }
    k = atomic_fetch_add(&f->s->found, 1);
    if (k < PRIMES + 1)
        f->s->primes[k] = p;
    next = malloc(sizeof *next);
    next->s = f->s;
    next->in = lanes_chan_open(f->s->rt, "sieve", sizeof(int), 0);
    lanes_go(f->s->rt, "filter", r_filter, next);
    while (lanes_recv(f->in, &v) == 0)
        if (v % p != 0)
            lanes_send(next->in, &v);
    lanes_chan_close(next->in);
    free(f);
}

static void r_generate(void *a)
{
    lanes_chan *ch = a;
    for (int i = 2; i < SIEVE_MAX; i++)
        lanes_send(ch, &i);
    lanes_chan_close(ch);
}

START_TEST(test_chan_prime_sieve)
{
    static const int want[PRIMES] = { 2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41,
                                      43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97 };
    static const int lanes_n[] = { 1, 2, 4 };
    lanes_rt *rt = ct_open(lanes_n[_i]);
    sieve s;
    filter *f = malloc(sizeof *f);

    memset(&s, 0, sizeof s);
    s.rt = rt;
    atomic_init(&s.found, 0);
    f->s = &s;
    f->in = ct_chan(rt, "gen", sizeof(int), 0);
    ct_go(rt, "generate", r_generate, f->in);
    ct_go(rt, "filter", r_filter, f);
    ct_wait_ok(rt);
    ck_assert_int_eq(atomic_load(&s.found), PRIMES);
    for (int i = 0; i < PRIMES; i++)
        ck_assert_int_eq(s.primes[i], want[i]);
    lanes_close(rt);
}
END_TEST

/* ---- ping-pong hog: fairness on one lane ---------------------------------- */

typedef struct hog_pair {
    lanes_chan *wake, *done;
    int work;               /* ticks between messages */
    atomic_long ticks;      /* ticks of work done by the pair */
} hog_pair;

static void r_hog(void *a)
{
    hog_pair *p = a;
    int t = 1;
    for (;;) {
        lanes_case in[2] = { { p->done, LANES_RECV, NULL, 0 }, { p->wake, LANES_RECV, &t, 0 } };
        if (lanes_select(in, 2, 0) == 0)
            return;
        for (int i = 0; i < p->work; i++) {
            lanes_work(1);
            atomic_fetch_add(&p->ticks, 1);
        }
        lanes_case out[2] = { { p->done, LANES_RECV, NULL, 0 }, { p->wake, LANES_SEND, &t, 0 } };
        if (lanes_select(out, 2, 0) == 0)
            return;
    }
}

START_TEST(test_chan_pingpong_hog)
{
    lanes_rt *rt = ct_open_ex(1, 4, 0);
    static hog_pair hog, light;
    lanes_chan *done = ct_chan(rt, "done", 0, 0);
    int t = 1;
    long h, l;

    hog = (hog_pair){ ct_chan(rt, "hog", sizeof(int), 0), done, 1000, 0 };
    light = (hog_pair){ ct_chan(rt, "light", sizeof(int), 0), done, 1, 0 };
    for (int i = 0; i < 2; i++) {
        ct_go(rt, "hog", r_hog, &hog);
        ct_go(rt, "light", r_hog, &light);
    }
    ct_wait_blocked(rt, 0, 0, 0, 4);        /* all four in their select */
    ck_assert_int_eq(lanes_try_send(hog.wake, &t), 0);
    ck_assert_int_eq(lanes_try_send(light.wake, &t), 0);
    /* a window of 20,000 ticks of work, whoever did them */
    while (atomic_load(&hog.ticks) + atomic_load(&light.ticks) < 20000)
        ct_nap();
    h = atomic_load(&hog.ticks);
    l = atomic_load(&light.ticks);
    lanes_chan_close(done);
    ct_wait_ok(rt);
    /* both pairs pass the lane within a time slice: each half the work */
    ck_assert_msg(h <= 2 * l && l <= 2 * h, "hog %ld ticks vs light %ld ticks", h, l);
    lanes_close(rt);
}
END_TEST

static Suite *chan_suite(void)
{
    Suite *s = suite_create("chan");
    TCase *tc;

    tc = tcase_create("matrix");
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_chan_matrix, 0, 51);
    suite_add_tcase(s, tc);

    tc = tcase_create("basics");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_chan_plain_thread);
    tcase_add_test(tc, test_chan_elem_sizes);
    tcase_add_test(tc, test_chan_trace);
    tcase_add_test(tc, test_chan_nonblock_recv_race);
    tcase_add_test(tc, test_chan_close_wakes_all);
    suite_add_tcase(s, tc);

    tc = tcase_create("programs");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_chan_multi_consumer);
    tcase_add_test(tc, test_chan_daisy_chain);
    tcase_add_test(tc, test_chan_sync_fifo);
    tcase_add_loop_test(tc, test_chan_prime_sieve, 0, 3);
    tcase_add_test(tc, test_chan_pingpong_hog);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(chan_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
