/*
 * check_places.c - every move is recorded: replays the lossless event
 * stream of several workloads (ping-pong, fan-in, preemption, core
 * changes) through a small checker that keeps each routine's place - a
 * lane, a lane's run-next slot or ring, the global queue, blocked,
 * sleeping, exited - and checks that each event finds the routine where
 * the stream last put it.  A move the runtime makes without an event
 * shows up as a routine taken from a place the checker never saw it
 * enter.
 */
#include "config.h"
#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "lanes.h"

#define MAXEV (1u << 21)
#define MAXR  4096

/* ---- the checker ----------------------------------------------------------- */

enum { P_NONE, P_LANE, P_RUNNEXT, P_LOCAL, P_GLOBAL, P_STOLEN, P_BLOCKED,
       P_SLEEPING, P_EXITED };
static const char *const pname[] = { "nowhere", "lane", "run-next", "ring",
    "global", "stolen", "blocked", "sleeping", "exited" };

typedef struct place { int at, lane; } place;

typedef struct checker {
    int      strict;            /* no thieves, no lost races: slot counts exact */
    place    p[MAXR];
    uint32_t cur[LANES_MAX_CORES];          /* running on each lane */
    int      in_runnext[LANES_MAX_CORES];   /* routines the stream put there */
    int      cores_stop[LANES_MAX_CORES];   /* STOP CORES since the lane's PARK */
    int      over;              /* lane+1 whose run-next holds two, awaiting a MOVE */
    uint64_t over_t;
    size_t   moves, spawned;
    char     err[256];
} checker;

static int bad(checker *c, size_t i, const lanes_event *e, const char *what)
{
    if (c->err[0] == '\0') {
        uint32_t id = e->routine < MAXR ? e->routine : 0;
        snprintf(c->err, sizeof c->err,
                 "event %zu (%s routine %u lane %d obj %u arg %d): %s; routine at %s %d",
                 i, lanes_event_kind_name(e->kind), e->routine, e->lane == LANES_NO_LANE
                 ? -1 : (int)e->lane, e->obj, e->arg, what, pname[c->p[id].at], c->p[id].lane);
    }
    return -1;
}

static void put(checker *c, uint32_t id, int at, int lane)
{
    if (c->p[id].at == P_RUNNEXT)
        c->in_runnext[c->p[id].lane]--;
    c->p[id].at = at;
    c->p[id].lane = lane;
    if (at == P_RUNNEXT)
        c->in_runnext[lane]++;
}

/* Where a LANES_Q_* on lane puts a routine. */
static void put_q(checker *c, uint32_t id, int q, int lane)
{
    if (q == LANES_Q_GLOBAL || lane < 0)
        put(c, id, P_GLOBAL, -1);
    else
        put(c, id, q == LANES_Q_RUNNEXT ? P_RUNNEXT : P_LOCAL, lane);
}

static int is(const checker *c, uint32_t id, int at, int lane)
{
    return c->p[id].at == at && (lane < 0 || c->p[id].lane == lane);
}

static int is_q(const checker *c, uint32_t id, int q, int lane)
{
    if (q == LANES_Q_GLOBAL)
        return is(c, id, P_GLOBAL, -1);
    return is(c, id, q == LANES_Q_RUNNEXT ? P_RUNNEXT : P_LOCAL, lane);
}

static int on_run(checker *c, size_t i, const lanes_event *e, int l)
{
    uint32_t id = e->routine;
    int ok = e->arg == LANES_Q_STEAL ? is(c, id, P_STOLEN, l) : is_q(c, id, e->arg, l);
    if (c->cur[l] != 0)
        return bad(c, i, e, "lane already runs a routine");
    if (!ok)
        return bad(c, i, e, "run from a queue the routine is not in");
    c->cur[l] = id;
    put(c, id, P_LANE, l);
    return 0;
}

static int on_stop(checker *c, size_t i, const lanes_event *e, int l)
{
    uint32_t id = e->routine;
    if (c->cur[l] != id || !is(c, id, P_LANE, l))
        return bad(c, i, e, "stop of a routine not running there");
    c->cur[l] = 0;
    switch (e->arg) {
    case LANES_STOP_PREEMPT:
    case LANES_STOP_YIELD:
        put_q(c, id, (int)e->obj, l);
        break;
    case LANES_STOP_CORES:
        put(c, id, P_GLOBAL, -1);
        c->cores_stop[l]++;
        break;
    case LANES_STOP_SEND:
    case LANES_STOP_RECV:
    case LANES_STOP_SELECT:
        put(c, id, P_BLOCKED, -1);
        break;
    case LANES_STOP_SLEEP:
        put(c, id, P_SLEEPING, -1);
        break;
    case LANES_STOP_EXIT:
        put(c, id, P_EXITED, -1);
        break;
    default:
        return bad(c, i, e, "unknown stop reason");
    }
    return 0;
}

static int on_park(checker *c, size_t i, const lanes_event *e, int l)
{
    int n = c->cores_stop[l];
    c->cores_stop[l] = 0;
    for (uint32_t id = 1; id < MAXR; id++)
        if ((c->p[id].at == P_LOCAL || c->p[id].at == P_RUNNEXT) && c->p[id].lane == l) {
            put(c, id, P_GLOBAL, -1);
            n++;
        }
    if (c->strict && n != e->arg)
        return bad(c, i, e, "park hands over other routines than the stream has there");
    return 0;
}

static int step(checker *c, size_t i, const lanes_event *e)
{
    int l = e->lane < LANES_MAX_CORES ? (int)e->lane : -1;
    uint32_t id = e->routine;

    if (c->over != 0 && (e->t_ns != c->over_t || l == c->over - 1) &&
        !(e->kind == LANES_EV_MOVE && l == c->over - 1))
        return bad(c, i, e, "a run-next slot held two routines past its batch");
    if (id >= MAXR)
        return bad(c, i, e, "routine id out of the checker's range");
    switch (e->kind) {
    case LANES_EV_SPAWN:
        if (!is(c, id, P_NONE, -1))
            return bad(c, i, e, "spawn of a known routine");
        c->spawned++;
        put_q(c, id, e->arg, l);
        break;
    case LANES_EV_RUN:
        if (l < 0 || on_run(c, i, e, l) != 0)
            return bad(c, i, e, "bad run");
        break;
    case LANES_EV_STOP:
        if (l < 0 || on_stop(c, i, e, l) != 0)
            return bad(c, i, e, "bad stop");
        break;
    case LANES_EV_WAKE:
        if (!is(c, id, P_BLOCKED, -1) && !is(c, id, P_SLEEPING, -1))
            return bad(c, i, e, "wake of a routine neither blocked nor sleeping");
        put_q(c, id, e->arg, l);
        break;
    case LANES_EV_MOVE:
        c->moves++;
        if (l < 0 || !is_q(c, id, (int)e->obj, l))
            return bad(c, i, e, "move from a queue the routine is not in");
        put_q(c, id, e->arg, l);
        break;
    case LANES_EV_STEAL:
        if (l < 0 || e->obj >= LANES_MAX_CORES ||
            !(is(c, id, P_LOCAL, (int)e->obj) || is(c, id, P_RUNNEXT, (int)e->obj)))
            return bad(c, i, e, "steal of a routine not in the victim's queues");
        if (e->arg == LANES_Q_STEAL)
            put(c, id, P_STOLEN, l);
        else
            put(c, id, P_LOCAL, l);
        break;
    case LANES_EV_PARK:
        if (l < 0 || on_park(c, i, e, l) != 0)
            return bad(c, i, e, "bad park");
        break;
    default:
        break;
    }
    c->over = 0;
    if (c->strict && l >= 0 && c->in_runnext[l] > 1) {
        c->over = l + 1;        /* the WAKE's MOVE must follow in its batch */
        c->over_t = e->t_ns;
    }
    return 0;
}

/* Replays ev[0..n) of a finished run: every event consistent, every
 * routine exited, no lane running.  Returns the checker (its err). */
static checker *replay(const lanes_event *ev, size_t n, int strict)
{
    checker *c = calloc(1, sizeof *c);
    ck_assert_ptr_nonnull(c);
    c->strict = strict;
    for (size_t i = 0; i < n && c->err[0] == '\0'; i++)
        step(c, i, &ev[i]);
    if (c->err[0] == '\0' && c->over != 0)
        snprintf(c->err, sizeof c->err, "the stream ends with two in a run-next slot");
    for (uint32_t id = 1; id < MAXR && c->err[0] == '\0'; id++)
        if (c->p[id].at != P_NONE && c->p[id].at != P_EXITED)
            snprintf(c->err, sizeof c->err, "routine %u ends at %s %d", id,
                     pname[c->p[id].at], c->p[id].lane);
    return c;
}

/* ---- running a workload with a lossless reader ------------------------------- */

static lanes_rt *rt;
static lanes_event *evs;
static size_t nev;
static atomic_int reader_stop;

static void *reader(void *p)
{
    (void)p;
    while (!atomic_load(&reader_stop)) {
        size_t k = lanes_trace_read(rt, evs + nev, MAXEV - nev);
        nev += k;
        if (k == 0) {
            struct timespec ts = { 0, 100000 };
            nanosleep(&ts, NULL);
        }
    }
    return NULL;
}

static pthread_t open_traced(int cores, int quantum, uint64_t tick_ns, unsigned flags)
{
    lanes_config cfg = { .cores = cores, .quantum = quantum, .tick_ns = tick_ns,
                         .flags = flags, .trace_events = 4096 };
    pthread_t th;
    nev = 0;
    atomic_store(&reader_stop, 0);
    rt = lanes_open(&cfg);
    ck_assert_ptr_nonnull(rt);
    lanes_trace_lossless(rt, 1);
    ck_assert_int_eq(pthread_create(&th, NULL, reader, NULL), 0);
    return th;
}

/* Waits for the end, drains the rings, replays; returns the checker. */
static checker *finish(pthread_t th, int strict)
{
    size_t k;
    checker *c;
    ck_assert_int_eq(lanes_wait(rt), 0);
    atomic_store(&reader_stop, 1);
    pthread_join(th, NULL);
    while ((k = lanes_trace_read(rt, evs + nev, MAXEV - nev)) > 0)
        nev += k;
    ck_assert_uint_eq(lanes_trace_dropped(rt), 0);
    ck_assert_uint_lt(nev, MAXEV);
    lanes_close(rt);
    c = replay(evs, nev, strict);
    if (c->err[0] != '\0')
        ck_abort_msg("%s", c->err);
    return c;
}

static void setup(void)
{
    evs = malloc(sizeof *evs * MAXEV);
    ck_assert_ptr_nonnull(evs);
}

static void teardown(void)
{
    free(evs);
}

/* ---- workloads --------------------------------------------------------------- */

typedef struct pp { lanes_chan *a, *b; int n; } pp;

static void pinger(void *p)
{
    pp *x = p;
    for (int i = 0; i < x->n; i++) {
        lanes_send(x->a, &i);
        lanes_recv(x->b, &i);
    }
}

static void ponger(void *p)
{
    pp *x = p;
    int v;
    for (int i = 0; i < x->n; i++) {
        lanes_recv(x->a, &v);
        lanes_send(x->b, &v);
    }
}

static void run_pingpong(int cores)
{
    pthread_t th = open_traced(cores, 0, 1000, 0);
    pp x = { lanes_chan_open(rt, "a", sizeof(int), 0), lanes_chan_open(rt, "b", sizeof(int), 0),
             2000 };
    lanes_go(rt, "ping", pinger, &x);
    lanes_go(rt, "pong", ponger, &x);
    free(finish(th, cores == 1));
}

START_TEST(test_places_pingpong)
{
    run_pingpong(1);
    run_pingpong(2);
}
END_TEST

typedef struct fan { lanes_chan *c[2]; int per; } fan;

static void producer(void *p)
{
    fan *f = p;
    int me = lanes_self();
    for (int i = 0; i < f->per; i++)
        lanes_send(f->c[(me + i) & 1], &i);
}

/* Receives from both channels by select: its wakes of parked producers
 * go to its lane's run-next slot, pushing the previous one out. */
static void consumer(void *p)
{
    fan *f = p;
    int v, left = 4 * f->per;
    while (left > 0) {
        lanes_case cs[2] = { { f->c[0], LANES_RECV, &v, 0 }, { f->c[1], LANES_RECV, &v, 0 } };
        ck_assert_int_ge(lanes_select(cs, 2, 0), 0);
        left--;
    }
    lanes_chan_close(f->c[0]);
    lanes_chan_close(f->c[1]);
}

static size_t run_fanin(int cores, unsigned flags)
{
    pthread_t th = open_traced(cores, 0, 1000, flags);
    fan f = { { lanes_chan_open(rt, "c0", sizeof(int), 0),
                lanes_chan_open(rt, "c1", sizeof(int), 0) }, 600 };
    checker *c;
    size_t moves;
    lanes_go(rt, "consumer", consumer, &f);
    for (int i = 0; i < 4; i++)
        lanes_go(rt, "producer", producer, &f);
    c = finish(th, cores == 1 || (flags & LANES_NO_STEAL));
    moves = c->moves;
    free(c);
    return moves;
}

/* The fan-in is where a wake pushes the run-next occupant out: the replay
 * must see MOVE events there, or it would not test them. */
START_TEST(test_places_fanin)
{
    ck_assert_uint_gt(run_fanin(1, 0), 0);
    run_fanin(2, 0);
    run_fanin(2, LANES_NO_STEAL);
}
END_TEST

static void cruncher(void *p)
{
    long n = (long)p;
    for (long i = 0; i < n; i++) {
        lanes_work(3);
        if (i % 4 == 3)
            lanes_sleep(1);
    }
}

START_TEST(test_places_preemption)
{
    for (int cores = 1; cores <= 2; cores++) {
        pthread_t th = open_traced(cores, 2, 20000, 0);
        for (int i = 0; i < 4; i++)
            lanes_go(rt, "crunch", cruncher, (void *)12L);
        free(finish(th, cores == 1));
    }
}
END_TEST

typedef struct pair { lanes_chan *c; int role; } pair;

static void churner(void *p)
{
    pair *x = p;
    int v = 0;
    for (int i = 0; i < 40; i++) {
        lanes_work(1);
        if (i % 5 != 0)
            lanes_yield();
        else if (x->role == 0)
            lanes_send(x->c, &v);
        else
            lanes_recv(x->c, &v);
    }
}

/* Lanes switched on and off while routines run, work, yield and meet in
 * pairs on channels.  Without thieves, the slot counts must be exact too. */
START_TEST(test_places_core_changes)
{
    static const int plan[] = { 3, 1, 4, 2, 1, 2 };
    for (int steal = 0; steal <= 1; steal++) {
        pthread_t th = open_traced(2, 1, 20000, steal ? 0 : LANES_NO_STEAL);
        pair x[6];
        for (int i = 0; i < 6; i++) {
            x[i].c = i % 2 == 0 ? lanes_chan_open(rt, "meet", sizeof(int), 0) : x[i - 1].c;
            x[i].role = i % 2;
            lanes_go(rt, "churn", churner, &x[i]);
        }
        for (size_t k = 0; k < sizeof plan / sizeof plan[0]; k++) {
            struct timespec ts = { 0, 500000 };
            nanosleep(&ts, NULL);
            lanes_set_cores(rt, plan[k]);
        }
        free(finish(th, !steal));
    }
}
END_TEST

/* The checker itself: routine 2 wakes 1 into the run-next slot, then 3,
 * and 1 goes to the ring with no MOVE; when 1 later runs from the ring,
 * the replay says so (strict: as soon as the WAKE's batch is over).  With
 * the MOVE the stream is clean. */
#define EV(t, kind, r, obj, arg) { t, 0, r, obj, arg, 0, LANES_EV_##kind }
static const lanes_event silent[] = {
    EV(1, SPAWN, 1, 0, LANES_Q_LOCAL), EV(1, SPAWN, 2, 0, LANES_Q_LOCAL),
    EV(1, SPAWN, 3, 0, LANES_Q_LOCAL),
    EV(2, RUN, 1, 0, LANES_Q_LOCAL), EV(3, STOP, 1, 9, LANES_STOP_RECV),
    EV(4, RUN, 3, 0, LANES_Q_LOCAL), EV(5, STOP, 3, 9, LANES_STOP_RECV),
    EV(6, RUN, 2, 0, LANES_Q_LOCAL),
    EV(7, WAKE, 1, 2, LANES_Q_RUNNEXT), EV(8, WAKE, 3, 2, LANES_Q_RUNNEXT),
    EV(9, STOP, 2, 0, LANES_STOP_EXIT),                                     /* 10 */
    EV(10, RUN, 3, 0, LANES_Q_RUNNEXT), EV(11, STOP, 3, 0, LANES_STOP_EXIT),
    EV(12, RUN, 1, 0, LANES_Q_LOCAL),                                       /* 13 */
    EV(13, STOP, 1, 0, LANES_STOP_EXIT),
};

START_TEST(test_places_checker_catches_a_silent_move)
{
    enum { N = sizeof silent / sizeof silent[0] };
    lanes_event moved[N + 1];
    checker *c = replay(silent, N, 0);
    ck_assert_msg(strstr(c->err, "event 13 ") != NULL, "%s", c->err);
    free(c);
    c = replay(silent, N, 1);
    ck_assert_msg(strstr(c->err, "event 10 ") != NULL, "%s", c->err);
    free(c);
    memcpy(moved, silent, 10 * sizeof moved[0]);
    moved[10] = (lanes_event)EV(8, MOVE, 1, LANES_Q_RUNNEXT, LANES_Q_LOCAL);
    memcpy(moved + 11, silent + 10, (N - 10) * sizeof moved[0]);
    for (int strict = 0; strict <= 1; strict++) {
        c = replay(moved, N + 1, strict);
        ck_assert_msg(c->err[0] == '\0', "%s", c->err);
        free(c);
    }
}
END_TEST

static Suite *places_suite(void)
{
    Suite *s = suite_create("places");
    TCase *tc = tcase_create("replay");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_places_checker_catches_a_silent_move);
    tcase_add_test(tc, test_places_pingpong);
    tcase_add_test(tc, test_places_fanin);
    tcase_add_test(tc, test_places_preemption);
    tcase_add_test(tc, test_places_core_changes);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(places_suite());
    int failed;
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
