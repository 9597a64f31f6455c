/*
 * check_sched.c - the scheduler as the issue asks for it: real parallelism,
 * time slices, core changes under load, pause and step, sleep, a spawn
 * storm, 100,000 parked routines, deadlock detection, stack overflow.
 * Every check reads the trace or counters, never the wall clock.
 */
#include "config.h"
#include <check.h>
#include <errno.h>
#include <fenv.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "lanes.h"
#include "rtdebug.h"
#include "rt_sched.h"

#ifndef BIG
#ifdef LANES_TSAN
#define BIG 5000            /* TSan fibers are heavy: fewer at once */
#else
#define BIG 100000
#endif
#endif

static lanes_rt *rt;

static void teardown(void)
{
    lanes_close(rt);
    rt = NULL;
}

static void msleep(int ms)
{
    nanosleep(&(struct timespec){ ms / 1000, (long)(ms % 1000) * 1000000L }, NULL);
}

/* ---- a lossless trace collector running beside the runtime ------------- */

typedef struct coll {
    lanes_rt *rt;
    lanes_event *ev;
    size_t n, cap;
    pthread_t th;
    atomic_int stop;
} coll;

static void *coll_main(void *p)
{
    coll *c = p;
    while (!atomic_load(&c->stop)) {
        size_t k = lanes_trace_read(c->rt, c->ev + c->n, c->cap - c->n);
        c->n += k;
        ck_assert_uint_lt(c->n, c->cap);
        if (k == 0)
            msleep(1);
    }
    return NULL;
}

static void coll_start(coll *c, lanes_rt *r, size_t cap)
{
    memset(c, 0, sizeof *c);
    c->rt = r;
    c->cap = cap;
    c->ev = malloc(cap * sizeof *c->ev);
    ck_assert_ptr_nonnull(c->ev);
    lanes_trace_lossless(r, 1);
    pthread_create(&c->th, NULL, coll_main, c);
}

static void coll_finish(coll *c)
{
    size_t k;
    atomic_store(&c->stop, 1);
    pthread_join(c->th, NULL);
    while ((k = lanes_trace_read(c->rt, c->ev + c->n, c->cap - c->n)) > 0)
        c->n += k;
    ck_assert_uint_eq(lanes_trace_dropped(c->rt), 0);
}

/*
 * The trace must describe a possible history: a lane runs one routine at a
 * time, a routine runs on one lane at a time, nothing runs on a parked lane.
 * Returns how many RUN events it saw.
 */
static size_t check_history(const lanes_event *ev, size_t n, uint32_t maxid)
{
    uint32_t cur[LANES_MAX_CORES] = { 0 };
    int parked[LANES_MAX_CORES] = { 0 };
    int *on = malloc((maxid + 1) * sizeof *on);
    size_t runs = 0;
    for (uint32_t i = 0; i <= maxid; i++)
        on[i] = -1;
    for (size_t i = 0; i < n; i++) {
        const lanes_event *e = &ev[i];
        if (i > 0)
            ck_assert_uint_le(ev[i - 1].t_ns, e->t_ns);
        switch (e->kind) {
        case LANES_EV_RUN:
            ck_assert_uint_lt(e->lane, LANES_MAX_CORES);
            ck_assert_uint_le(e->routine, maxid);
            ck_assert_msg(cur[e->lane] == 0, "lane %u runs %u and %u", e->lane,
                          cur[e->lane], e->routine);
            ck_assert_msg(on[e->routine] < 0, "routine %u on lanes %d and %u",
                          e->routine, on[e->routine], e->lane);
            ck_assert_msg(!parked[e->lane], "routine %u runs on parked lane %u",
                          e->routine, e->lane);
            cur[e->lane] = e->routine;
            on[e->routine] = e->lane;
            runs++;
            break;
        case LANES_EV_STOP:
            ck_assert_uint_lt(e->lane, LANES_MAX_CORES);
            ck_assert_msg(cur[e->lane] == e->routine, "lane %u stops %u while running %u",
                          e->lane, e->routine, cur[e->lane]);
            cur[e->lane] = 0;
            on[e->routine] = -1;
            break;
        case LANES_EV_PARK:
            ck_assert_uint_eq(cur[e->lane], 0);
            parked[e->lane] = 1;
            break;
        case LANES_EV_UNPARK:
            parked[e->lane] = 0;
            break;
        default:
            break;
        }
    }
    free(on);
    return runs;
}

/* ---- parallelism ------------------------------------------------------------ */

static atomic_long token;

static void passer(void *a)
{
    long me = (long)a;
    for (int i = 0; i < 10000; i++) {
        unsigned spins = 0;
        /* spin without lanes_yield: only another OS thread can move us on */
        while (atomic_load(&token) % 2 != me)
            if (++spins % 1024 == 0)
                sched_yield();
        atomic_fetch_add(&token, 1);
    }
}

START_TEST(test_sched_parallelism)
{
    lanes_config c = { .cores = 2, .quantum = 0, .tick_ns = 20000, .trace_events = 4096 };
    lanes_event ev[4096];
    size_t n;
    uint64_t s[3] = { 0 }, e[3] = { 0 };
    int lane[3] = { -1, -1, -1 };
    atomic_store(&token, 0);
    rt = lanes_open(&c);
    ck_assert_ptr_nonnull(rt);
    ck_assert_int_eq(lanes_go(rt, "even", passer, (void *)0L), 1);
    ck_assert_int_eq(lanes_go(rt, "odd", passer, (void *)1L), 2);
    ck_assert_int_eq(lanes_wait(rt), 0);
    ck_assert_int_eq(atomic_load(&token), 20000);
    n = lanes_trace_read(rt, ev, 4096);
    check_history(ev, n, 2);
    for (size_t i = 0; i < n; i++) {
        if (ev[i].routine < 1 || ev[i].routine > 2)
            continue;
        if (ev[i].kind == LANES_EV_RUN) {
            s[ev[i].routine] = ev[i].t_ns;
            lane[ev[i].routine] = ev[i].lane;
        } else if (ev[i].kind == LANES_EV_STOP) {
            e[ev[i].routine] = ev[i].t_ns;
        }
    }
    /* one slice each, on different lanes, overlapping in time */
    ck_assert_int_ne(lane[1], lane[2]);
    ck_assert_uint_lt(s[1], e[2]);
    ck_assert_uint_lt(s[2], e[1]);
}
END_TEST

/* ---- time slicing ------------------------------------------------------------ */

static void worker12(void *a)
{
    (void)a;
    lanes_work(12);
}

static void slices(int quantum, int *runs, int *switches)
{
    lanes_config c = { .cores = 1, .quantum = quantum, .tick_ns = 20000,
                       .flags = LANES_START_PAUSED, .trace_events = 4096 };
    lanes_event ev[4096];
    size_t n;
    uint32_t last = 0;
    rt = lanes_open(&c);
    for (int i = 0; i < 3; i++)
        ck_assert_int_gt(lanes_go(rt, "w", worker12, NULL), 0);
    lanes_resume(rt);
    ck_assert_int_eq(lanes_wait(rt), 0);
    n = lanes_trace_read(rt, ev, 4096);
    check_history(ev, n, 3);
    memset(runs, 0, 4 * sizeof *runs);
    *switches = 0;
    for (size_t i = 0; i < n; i++)
        if (ev[i].kind == LANES_EV_RUN) {
            runs[ev[i].routine]++;
            if (last != 0 && last != ev[i].routine)
                ++*switches;
            last = ev[i].routine;
        }
    lanes_close(rt);
    rt = NULL;
}

START_TEST(test_sched_time_slicing)
{
    int runs[4], sw;
    slices(2, runs, &sw);
    for (int i = 1; i <= 3; i++)
        ck_assert_int_ge(runs[i], 6);
    ck_assert_int_ge(sw, 15);       /* interleaved, not one after another */
    slices(0, runs, &sw);
    for (int i = 1; i <= 3; i++)
        ck_assert_int_eq(runs[i], 1);
    ck_assert_int_eq(sw, 2);
}
END_TEST

/* ---- core changes under load -------------------------------------------------- */

static atomic_int finished[201];

static void mixed(void *a)
{
    long id = (long)a;
    for (int i = 0; i < 60; i++) {
        lanes_work(1);
        if (i % 3 == 0)
            lanes_yield();
    }
    atomic_fetch_add(&finished[id], 1);
}

static atomic_int churn_stop;

static void *churner(void *p)
{
    lanes_rt *r = p;
    unsigned seed = 12345;
    for (int i = 0; i < 1000 && !atomic_load(&churn_stop); i++) {
        seed = seed * 1103515245u + 12345u;
        ck_assert_int_eq(lanes_set_cores(r, 1 + (int)((seed >> 16) % 8)), 0);
        nanosleep(&(struct timespec){ 0, 100000 }, NULL);
    }
    return NULL;
}

START_TEST(test_sched_cores_under_load)
{
    lanes_config c = { .cores = 4, .quantum = 2, .tick_ns = 10000, .trace_events = 1 << 14 };
    coll col;
    pthread_t th;
    size_t parks = 0, runs;
    rt = lanes_open(&c);
    coll_start(&col, rt, 1u << 22);
    atomic_store(&churn_stop, 0);
    for (long i = 1; i <= 200; i++) {
        atomic_store(&finished[i], 0);
        ck_assert_int_eq(lanes_go(rt, "m", mixed, (void *)i), (int)i);
    }
    pthread_create(&th, NULL, churner, rt);
    ck_assert_int_eq(lanes_wait(rt), 0);
    pthread_join(th, NULL);
    for (int i = 1; i <= 200; i++)
        ck_assert_int_eq(atomic_load(&finished[i]), 1);
    coll_finish(&col);
    runs = check_history(col.ev, col.n, 200);
    for (size_t i = 0; i < col.n; i++)
        parks += col.ev[i].kind == LANES_EV_PARK;
    ck_assert_uint_gt(parks, 0);
    ck_assert_uint_ge(runs, 200 * 21);
    free(col.ev);
}
END_TEST

/* ---- every control at random while routines run ------------------------------------ */

static void mixed_sleepy(void *a)
{
    long id = (long)a;
    for (int i = 0; i < 30; i++) {
        lanes_work(1);
        if (i % 4 == 1)
            lanes_yield();
        if (i % 7 == 3)
            lanes_sleep(2);
    }
    atomic_fetch_add(&finished[id], 1);
}

static void *chaos(void *p)
{
    lanes_rt *r = p;
    unsigned seed = 777;
    for (int i = 0; i < 2000 && !atomic_load(&churn_stop); i++) {
        seed = seed * 1103515245u + 12345u;
        unsigned v = seed >> 16;
        switch (v % 7) {
        case 0: case 1: lanes_set_cores(r, 1 + (int)((v >> 3) % 6)); break;
        case 2: lanes_pause(r); break;
        case 3: lanes_resume(r); break;
        case 4: lanes_step(r, 1 + (int)((v >> 3) % 3)); break;
        case 5: lanes_set_quantum(r, (int)((v >> 3) % 4)); break;
        case 6: lanes_set_tick(r, 5000 + ((v >> 3) % 4) * 5000); break;
        }
        nanosleep(&(struct timespec){ 0, 50000 }, NULL);
    }
    lanes_resume(r);
    return NULL;
}

START_TEST(test_sched_control_chaos)
{
    lanes_config c = { .cores = 3, .quantum = 2, .tick_ns = 10000, .trace_events = 1 << 14 };
    coll col;
    pthread_t th;
    rt = lanes_open(&c);
    coll_start(&col, rt, 1u << 22);
    atomic_store(&churn_stop, 0);
    for (long i = 1; i <= 100; i++) {
        atomic_store(&finished[i], 0);
        ck_assert_int_eq(lanes_go(rt, "x", mixed_sleepy, (void *)i), (int)i);
    }
    pthread_create(&th, NULL, chaos, rt);
    pthread_join(th, NULL);         /* ends resumed */
    ck_assert_int_eq(lanes_wait(rt), 0);
    for (int i = 1; i <= 100; i++)
        ck_assert_int_eq(atomic_load(&finished[i]), 1);
    coll_finish(&col);
    check_history(col.ev, col.n, 100);
    free(col.ev);
}
END_TEST

/* ---- pause and step ------------------------------------------------------------- */

static atomic_long progress[3];

static void counter(void *a)
{
    long id = (long)a;
    for (int i = 0; i < 400; i++) {
        lanes_work(1);
        atomic_fetch_add(&progress[id], 1);
    }
}

static void wait_quiescent(lanes_rt *r)
{
    while (!sched_quiescent(r))
        msleep(1);
}

START_TEST(test_sched_pause_and_step)
{
    lanes_config c = { .cores = 2, .quantum = 4, .tick_ns = 20000,
                       .flags = LANES_START_PAUSED, .trace_events = 4096 };
    long p1, p2;
    uint64_t now;
    rt = lanes_open(&c);
    ck_assert(lanes_paused(rt));
    atomic_store(&progress[1], 0);
    atomic_store(&progress[2], 0);
    lanes_go(rt, "a", counter, (void *)1L);
    lanes_go(rt, "b", counter, (void *)2L);
    /* paused from the start: nothing moves, not even time */
    wait_quiescent(rt);
    now = lanes_now(rt);
    msleep(100);
    ck_assert_int_eq(atomic_load(&progress[1]) + atomic_load(&progress[2]), 0);
    ck_assert_uint_eq(lanes_now(rt), now);
    /* the first step picks a routine on each lane and does its first tick */
    ck_assert_int_eq(lanes_step(rt, 1), 0);
    wait_quiescent(rt);
    ck_assert_uint_eq(lanes_now(rt), now + 1000);
    ck_assert_int_eq(atomic_load(&progress[1]) + atomic_load(&progress[2]), 0);
    for (int s = 1; s <= 5; s++) {
        ck_assert_int_eq(lanes_step(rt, 1), 0);
        wait_quiescent(rt);
        ck_assert_uint_eq(lanes_now(rt), now + 1000 * (uint64_t)(s + 1));
        ck_assert_int_eq(atomic_load(&progress[1]), s);
        ck_assert_int_eq(atomic_load(&progress[2]), s);
    }
    ck_assert_int_eq(lanes_step(rt, 3), 0);
    wait_quiescent(rt);
    ck_assert_int_eq(atomic_load(&progress[1]), 8);
    ck_assert_int_eq(atomic_load(&progress[2]), 8);
    /* running, then paused again: progress stops */
    lanes_resume(rt);
    ck_assert_int_eq(lanes_step(rt, 1), -EINVAL);
    while (atomic_load(&progress[1]) < 50)
        msleep(1);
    lanes_pause(rt);
    wait_quiescent(rt);
    p1 = atomic_load(&progress[1]);
    p2 = atomic_load(&progress[2]);
    now = lanes_now(rt);
    msleep(100);
    ck_assert_int_eq(atomic_load(&progress[1]), p1);
    ck_assert_int_eq(atomic_load(&progress[2]), p2);
    ck_assert_uint_eq(lanes_now(rt), now);
    lanes_resume(rt);
    ck_assert_int_eq(lanes_wait(rt), 0);
    ck_assert_int_eq(atomic_load(&progress[1]), 400);
}
END_TEST

/* A step's first decision must not depend on when each lane looks: lane 0
 * takes a and b from the global queue together (its share) and puts b on
 * its ring; lane 1, stepped, looks meanwhile and finds neither, and must
 * wait for that move and take b, not sit out the step (a test in a full
 * `make check` once saw b start a step late).  The move delay widens the
 * window from a few instructions to 30 ms.  Three rounds: a lane woken
 * after the window passes anyway. */
START_TEST(test_sched_step_sees_moving_work)
{
    lanes_event *ev = malloc(4096 * sizeof *ev);
    ck_assert_ptr_nonnull(ev);
    for (int round = 0; round < 3; round++) {
        lanes_config c = { .cores = 2, .quantum = 4, .tick_ns = 20000,
                           .flags = LANES_START_PAUSED, .trace_events = 4096 };
        size_t n;
        int runs = 0, lanes_ran = 0;
        rt = lanes_open(&c);
        ck_assert_ptr_nonnull(rt);
        sched_set_move_delay(rt, 30000000);
        atomic_store(&progress[1], 0);
        atomic_store(&progress[2], 0);
        lanes_go(rt, "a", counter, (void *)1L);
        lanes_go(rt, "b", counter, (void *)2L);
        wait_quiescent(rt);
        ck_assert_int_eq(lanes_step(rt, 1), 0);
        wait_quiescent(rt);
        n = lanes_trace_read(rt, ev, 4096);
        for (size_t i = 0; i < n; i++) {
            if (ev[i].kind == LANES_EV_RUN) {
                runs++;
                lanes_ran |= 1 << ev[i].lane;
            }
        }
        ck_assert_msg(runs == 2 && lanes_ran == 3,
                      "round %d: step 1 ran %d routines, lanes mask %d (want 2 on both lanes)",
                      round, runs, lanes_ran);
        ck_assert_int_eq(lanes_step(rt, 1), 0);
        wait_quiescent(rt);
        ck_assert_int_eq(atomic_load(&progress[1]), 1);
        ck_assert_int_eq(atomic_load(&progress[2]), 1);
        sched_set_move_delay(rt, 0);
        lanes_resume(rt);
        ck_assert_int_eq(lanes_wait(rt), 0);
        lanes_close(rt);
        rt = NULL;
    }
    free(ev);
}
END_TEST

/* ---- sleep is concurrency without parallelism ------------------------------------ */

static void sleeper10(void *a)
{
    (void)a;
    lanes_sleep(10);
}

START_TEST(test_sched_sleep_concurrency)
{
    lanes_config c = { .cores = 1, .quantum = 4, .tick_ns = 5000000, .trace_events = 4096 };
    lanes_event ev[4096];
    size_t n;
    uint64_t first = UINT64_MAX, last = 0, slept[9] = { 0 };
    int exits = 0, asleep = 0, most_asleep = 0;
    rt = lanes_open(&c);
    for (int i = 0; i < 8; i++)
        lanes_go(rt, "s", sleeper10, NULL);
    ck_assert_int_eq(lanes_wait(rt), 0);
    n = lanes_trace_read(rt, ev, 4096);
    check_history(ev, n, 8);
    for (size_t i = 0; i < n; i++) {
        if (ev[i].kind == LANES_EV_RUN && ev[i].t_rt < first)
            first = ev[i].t_rt;
        if (ev[i].kind == LANES_EV_STOP && ev[i].arg == LANES_STOP_SLEEP) {
            slept[ev[i].routine] = ev[i].t_rt;
            if (++asleep > most_asleep)
                most_asleep = asleep;
        }
        if (ev[i].kind == LANES_EV_WAKE) {
            ck_assert_uint_ge(ev[i].t_rt, slept[ev[i].routine] + 10000);
            asleep--;
        }
        if (ev[i].kind == LANES_EV_STOP && ev[i].arg == LANES_STOP_EXIT) {
            exits++;
            last = ev[i].t_rt;
        }
    }
    ck_assert_int_eq(exits, 8);
    ck_assert_uint_ge(last - first, 10000);
    /* The sleeps overlap on one lane: several routines are asleep at once,
     * and the whole takes less than the 80 ticks eight sleeps one after
     * another would.  (About 10 on a quiet machine; the bound is the claim,
     * not the speed, so a loaded machine or a sanitizer cannot fail it.) */
    ck_assert_int_ge(most_asleep, 2);
    ck_assert_uint_lt(last - first, 80000);
}
END_TEST

/* ---- spawn storm ------------------------------------------------------------------- */

static atomic_int storm_done;

static void storm_child(void *a)
{
    (void)a;
    lanes_work(1);
    atomic_fetch_add(&storm_done, 1);
}

static void storm_parent(void *a)
{
    (void)a;
    for (int i = 0; i < BIG; i++) {
        ck_assert_int_gt(lanes_go(lanes_self_rt(), "child", storm_child, NULL), 0);
        if (i % 100 == 99)
            lanes_yield();
    }
}

START_TEST(test_sched_spawn_storm)
{
    lanes_config c = { .cores = 2, .quantum = 4, .tick_ns = 2000, .trace_events = 0 };
    sched_stats st;
    atomic_store(&storm_done, 0);
    rt = lanes_open(&c);
    lanes_go(rt, "parent", storm_parent, NULL);
    ck_assert_int_eq(lanes_wait(rt), 0);
    ck_assert_int_eq(atomic_load(&storm_done), BIG);
    sched_get_stats(rt, &st);
    ck_assert_uint_eq(st.live, 0);
    /* stacks were reused: far fewer mapped than routines run */
    ck_assert_uint_le(st.stacks_mapped, 4096);
}
END_TEST

/* ---- 100,000 parked routines ---------------------------------------------------- */

static atomic_int asleep;

static void long_sleeper(void *a)
{
    (void)a;
    atomic_fetch_add(&asleep, 1);
    lanes_sleep(1000000);
}

START_TEST(test_sched_many_parked)
{
    lanes_config c = { .cores = 2, .quantum = 4, .tick_ns = 100000, .trace_events = 0 };
    sched_stats st;
    atomic_store(&asleep, 0);
    rt = lanes_open(&c);
    for (int i = 0; i < BIG; i++)
        ck_assert_int_gt(lanes_go(rt, "z", long_sleeper, NULL), 0);
    while (atomic_load(&asleep) < BIG)
        msleep(5);
    sched_get_stats(rt, &st);
    ck_assert_uint_eq(st.live, BIG);        /* all alive at once, none done */
    ck_assert_uint_eq(st.blocked, 0);
    ck_assert_int_eq(lanes_wait_for(rt, 1000000), 1);   /* sleepers are no deadlock */
    lanes_set_tick(rt, 1000);               /* 1 us ticks: wake them all soon */
    ck_assert_int_eq(lanes_wait(rt), 0);
}
END_TEST

/* ---- deadlock ------------------------------------------------------------------------ */

static void no_unlock(void *a) { (void)a; }
static rt_routine *parked_one;

static void park7(void *a)
{
    (void)a;
    parked_one = sched_self();
    sched_park(LANES_STOP_RECV, 7, LANES_RECV, no_unlock, NULL);
}

static void park_forever(void *a)
{
    (void)a;
    sched_park(LANES_STOP_SEND, 9, LANES_SEND, no_unlock, NULL);
}

static void waker(void *a)
{
    (void)a;
    lanes_sleep(3);
    sched_ready(parked_one);
}

START_TEST(test_sched_deadlock)
{
    lanes_config c = { .cores = 2, .quantum = 4, .tick_ns = 50000, .trace_events = 4096 };
    lanes_blocked b[4];
    lanes_event ev[4096];
    size_t n;
    int dl = 0;
    rt = lanes_open(&c);
    /* a parked routine that a sleeper will wake: no deadlock */
    lanes_go(rt, "p", park7, NULL);
    lanes_go(rt, "w", waker, NULL);
    ck_assert_int_eq(lanes_wait(rt), 0);
    /* two parked for good: deadlock, with who and where */
    lanes_go(rt, "p", park7, NULL);
    lanes_go(rt, "q", park_forever, NULL);
    ck_assert_int_eq(lanes_wait(rt), LANES_DEADLOCK);
    ck_assert_uint_eq(lanes_blocked_list(rt, b, 4), 2);
    for (int i = 0; i < 2; i++) {
        if (b[i].chan == 7)
            ck_assert_int_eq(b[i].op, LANES_RECV);
        else
            ck_assert(b[i].chan == 9 && b[i].op == LANES_SEND);
    }
    n = lanes_trace_read(rt, ev, 4096);
    for (size_t i = 0; i < n; i++) {
        if (ev[i].kind == LANES_EV_DEADLOCK) {
            dl++;
            ck_assert_int_eq(ev[i].arg, 2);
        }
        /* the culprits stopped before the deadlock was declared */
        if (ev[i].kind == LANES_EV_STOP &&
            (ev[i].arg == LANES_STOP_SEND || ev[i].arg == LANES_STOP_RECV))
            ck_assert_int_eq(dl, 0);
    }
    ck_assert_int_eq(dl, 1);
}
END_TEST

/* ---- waking: runnext, and the old runnext to the back of the ring ------------------ */

static _Atomic(rt_routine *) parked_pair[2];

static void park_slot(void *a)
{
    parked_pair[(long)a] = sched_self();
    sched_park(LANES_STOP_RECV, 3, LANES_RECV, no_unlock, NULL);
}

static void wake_both(void *a)
{
    (void)a;
    while (parked_pair[0] == NULL || parked_pair[1] == NULL)
        lanes_sleep(1);
    lanes_sleep(2);             /* both are surely off their lanes now */
    sched_ready(parked_pair[0]);
    sched_ready(parked_pair[1]);
    lanes_work(1);
}

START_TEST(test_sched_runnext)
{
    lanes_config c = { .cores = 1, .quantum = 0, .tick_ns = 50000, .trace_events = 4096 };
    lanes_event ev[4096];
    size_t n;
    int wakes = 0, order = 0;
    parked_pair[0] = parked_pair[1] = NULL;
    rt = lanes_open(&c);
    lanes_go(rt, "p0", park_slot, (void *)0L);      /* id 1 */
    lanes_go(rt, "p1", park_slot, (void *)1L);      /* id 2 */
    lanes_go(rt, "w", wake_both, NULL);             /* id 3 */
    ck_assert_int_eq(lanes_wait(rt), 0);
    n = lanes_trace_read(rt, ev, 4096);
    check_history(ev, n, 3);
    for (size_t i = 0; i < n; i++) {
        const lanes_event *e = &ev[i];
        if (e->kind == LANES_EV_WAKE && e->routine <= 2) {
            /* woken into the waker's runnext, naming the waker */
            ck_assert_int_eq(e->arg, LANES_Q_RUNNEXT);
            ck_assert_uint_eq(e->obj, 3);
            ck_assert_uint_eq(e->lane, 0);
            wakes++;
        }
        if (e->kind == LANES_EV_RUN && wakes == 2 && e->routine <= 2) {
            /* p1 (in runnext) first, then p0 (pushed back to the ring) */
            if (order == 0) {
                ck_assert_uint_eq(e->routine, 2);
                ck_assert_int_eq(e->arg, LANES_Q_RUNNEXT);
            } else if (order == 1) {
                ck_assert_uint_eq(e->routine, 1);
                ck_assert_int_eq(e->arg, LANES_Q_LOCAL);
            }
            order++;
        }
    }
    ck_assert_int_eq(wakes, 2);
    ck_assert_int_eq(order, 2);
}
END_TEST

/* ---- the old runnext stays with its lane, unless the lane is stuck --------------- */

#define CHAIN_ROUNDS 20
static lanes_chan *chain_in[2], *chain_out;
static atomic_int chain_arrived;

/* Each round: woken by the dispatcher's send, then held at a barrier that
 * only two lanes at once can pass - spinning without lanes_work, so only
 * another OS thread can move the partner. */
static void chain_worker(void *a)
{
    long me = (long)a;
    for (int round = 0; round < CHAIN_ROUNDS; round++) {
        unsigned spins = 0;
        int v;
        ck_assert_int_eq(lanes_recv(chain_in[me], &v), 0);
        atomic_fetch_add(&chain_arrived, 1);
        while (atomic_load(&chain_arrived) < 2 * (round + 1))
            if (++spins % 1024 == 0)
                sched_yield();
        ck_assert_int_eq(lanes_send(chain_out, &v), 0);
    }
}

static void chain_dispatcher(void *a)
{
    (void)a;
    for (int round = 0; round < CHAIN_ROUNDS; round++) {
        int v = round;
        while (lanes_blocked_list(lanes_self_rt(), NULL, 0) < 2)
            lanes_yield();
        if (round % 2 == 1)
            lanes_sleep(2000);  /* let the other lane fall asleep */
        /* worker 0 into this lane's runnext, then worker 1: worker 0 goes
         * to the ring as the old runnext */
        ck_assert_int_eq(lanes_send(chain_in[0], &v), 0);
        ck_assert_int_eq(lanes_send(chain_in[1], &v), 0);
        ck_assert_int_eq(lanes_recv(chain_out, &v), 0);
        ck_assert_int_eq(lanes_recv(chain_out, &v), 0);
    }
}

/* A thief leaves the routines a wake pushed out of runnext to their lane
 * while the lane serves its ring (a fan-in's producers would otherwise
 * cross cores with every message).  Here the lane is stuck in worker 1 and
 * worker 0 waits in its ring: an idle lane must still take it, or this
 * never ends. */
START_TEST(test_sched_chain_taken_from_stuck_lane)
{
    lanes_config c = { .cores = 2, .quantum = 0, .tick_ns = 1000, .trace_events = 0 };
    rt = lanes_open(&c);
    ck_assert_ptr_nonnull(rt);
    atomic_store(&chain_arrived, 0);
    chain_in[0] = lanes_chan_open(rt, "in0", sizeof(int), 0);
    chain_in[1] = lanes_chan_open(rt, "in1", sizeof(int), 0);
    chain_out = lanes_chan_open(rt, "out", sizeof(int), 2);
    lanes_go(rt, "worker0", chain_worker, (void *)0L);
    lanes_go(rt, "worker1", chain_worker, (void *)1L);
    lanes_go(rt, "dispatcher", chain_dispatcher, NULL);
    ck_assert_int_eq(lanes_wait(rt), 0);
    ck_assert_int_eq(atomic_load(&chain_arrived), 2 * CHAIN_ROUNDS);
}
END_TEST

/* Spawned routines join that chain too (a thief taking each as it
 * appeared made every spawn cross cores).  Here the spawner is stuck,
 * spinning without lanes_work until its child has run, and the child waits
 * in its ring: an idle lane must still take it, or this never ends. */
#define SPAWN_ROUNDS 20
static atomic_int spawn_arrived;

static void stuck_child(void *a)
{
    (void)a;
    atomic_fetch_add(&spawn_arrived, 1);
}

static void stuck_spawner(void *a)
{
    (void)a;
    for (int round = 0; round < SPAWN_ROUNDS; round++) {
        unsigned spins = 0;
        if (round % 2 == 1)
            lanes_sleep(2000);  /* let the other lane fall asleep */
        ck_assert_int_gt(lanes_go(lanes_self_rt(), "child", stuck_child, NULL), 0);
        while (atomic_load(&spawn_arrived) < round + 1)
            if (++spins % 1024 == 0)
                sched_yield();
    }
}

START_TEST(test_sched_spawned_taken_from_stuck_lane)
{
    lanes_config c = { .cores = 2, .quantum = 0, .tick_ns = 1000, .trace_events = 0 };
    rt = lanes_open(&c);
    ck_assert_ptr_nonnull(rt);
    atomic_store(&spawn_arrived, 0);
    lanes_go(rt, "spawner", stuck_spawner, NULL);
    ck_assert_int_eq(lanes_wait(rt), 0);
    ck_assert_int_eq(atomic_load(&spawn_arrived), SPAWN_ROUNDS);
}
END_TEST

#define FANIN_MSGS 200
static lanes_chan *fanin_ch[4];

static void fanin_producer(void *a)
{
    lanes_chan *ch = a;
    for (int i = 0; i < FANIN_MSGS / 4; i++)
        ck_assert_int_eq(lanes_send(ch, &i), 0);
}

static void fanin_consumer(void *a)
{
    lanes_case cs[4];
    int v[4];
    (void)a;
    for (int i = 0; i < 4; i++) {
        cs[i] = (lanes_case){ .ch = fanin_ch[i], .op = LANES_RECV, .elem = &v[i] };
        lanes_go(lanes_self_rt(), "producer", fanin_producer, fanin_ch[i]);
    }
    for (int i = 0; i < FANIN_MSGS; i++)
        ck_assert_int_ge(lanes_select(cs, 4, 0), 0);
}

/* The other half: a select fan-in on two lanes keeps its producers with
 * the consumer.  Each select wakes a producer into runnext and pushes the
 * one there out to the ring; an idle lane that took those would run each
 * for one send, every message crossing cores.  Stepped, so that the lane
 * serving the fan-in switches between any three looks of the idle one,
 * whatever the machine's load: only the start spreads routines (the
 * spawned producers, in one or two steals of 2; 2-5 STEAL events in 600
 * runs), none of the chain is taken.  (Before, most runs had 30-80.) */
START_TEST(test_sched_fanin_stays_on_lane)
{
    lanes_config c = { .cores = 2, .quantum = 0, .tick_ns = 1000,
                       .flags = LANES_START_PAUSED, .trace_events = 1 << 14 };
    lanes_event *ev = malloc((1u << 14) * sizeof *ev);
    ck_assert_ptr_nonnull(ev);
    for (int run = 0; run < 3; run++) {
        size_t n, steals = 0, recvs = 0;
        rt = lanes_open(&c);
        ck_assert_ptr_nonnull(rt);
        for (int i = 0; i < 4; i++)
            fanin_ch[i] = lanes_chan_open(rt, "in", sizeof(int), 0);
        lanes_go(rt, "consumer", fanin_consumer, NULL);
        while (lanes_wait_for(rt, 0) == 1) {
            ck_assert_int_eq(lanes_step(rt, 1), 0);
            while (!sched_quiescent(rt) && lanes_wait_for(rt, 0) == 1)
                nanosleep(&(struct timespec){ 0, 20000 }, NULL);
        }
        n = lanes_trace_read(rt, ev, 1u << 14);
        check_history(ev, n, 5);
        for (size_t i = 0; i < n; i++) {
            steals += ev[i].kind == LANES_EV_STEAL;
            recvs += ev[i].kind == LANES_EV_RECV;
        }
        ck_assert_uint_eq(recvs, FANIN_MSGS);
        ck_assert_msg(steals <= 8, "run %d: %zu steals for %d messages", run, steals, FANIN_MSGS);
        lanes_close(rt);
        rt = NULL;
    }
    free(ev);
}
END_TEST

/* ---- ids: the one lanes_go returned is the one the routine has ------------------ */

#define NIDS 20000
static atomic_int self_id[NIDS];

static void note_self(void *a)
{
    atomic_store(&self_id[(long)a], lanes_self());
}

START_TEST(test_sched_ids)
{
    lanes_config c = { .cores = 2, .quantum = 4, .tick_ns = 10000, .trace_events = 0 };
    static int given[NIDS];
    rt = lanes_open(&c);
    /* short routines that exit at once: their stacks are reused while
     * lanes_go is still returning */
    for (long i = 0; i < NIDS; i++)
        given[i] = lanes_go(rt, "n", note_self, (void *)i);
    ck_assert_int_eq(lanes_wait(rt), 0);
    for (int i = 0; i < NIDS; i++) {
        ck_assert_int_eq(given[i], i + 1);
        ck_assert_int_eq(atomic_load(&self_id[i]), given[i]);
    }
}
END_TEST

/* ---- names, ids, settings ---------------------------------------------------- */

static void nop(void *a) { (void)a; }

START_TEST(test_sched_names_and_settings)
{
    lanes_config c = { .cores = 1, .quantum = 3, .tick_ns = 50000, .trace_events = 256 };
    char buf[LANES_NAME_MAX];
    int id;
    ck_assert_ptr_null(lanes_open(&(lanes_config){ .cores = 0, .tick_ns = 1 }));
    ck_assert_int_eq(errno, EINVAL);
    rt = lanes_open(&c);
    id = lanes_go(rt, "cook#2", nop, NULL);
    ck_assert_int_eq(id, 1);
    ck_assert_int_eq(lanes_go(rt, "a-name-far-longer-than-thirty-one-bytes", nop, NULL), 2);
    ck_assert_int_eq(lanes_wait(rt), 0);
    lanes_routine_name(rt, 1, buf, sizeof buf);
    ck_assert_str_eq(buf, "cook#2");
    lanes_routine_name(rt, 2, buf, sizeof buf);
    ck_assert_uint_eq(strlen(buf), LANES_NAME_MAX - 1);
    lanes_routine_name(rt, 99, buf, sizeof buf);
    ck_assert_str_eq(buf, "");
    ck_assert_int_eq(lanes_quantum(rt), 3);
    lanes_set_quantum(rt, 0);
    ck_assert_int_eq(lanes_quantum(rt), 0);
    lanes_set_tick(rt, 30000);
    ck_assert_uint_eq(lanes_tick(rt), 30000);
    ck_assert_int_eq(lanes_set_cores(rt, 0), -EINVAL);
    ck_assert_int_eq(lanes_set_cores(rt, 65), -EINVAL);
    ck_assert_int_eq(lanes_set_cores(rt, 3), 0);
    ck_assert_int_eq(lanes_cores(rt), 3);
    ck_assert_int_ge(lanes_online_cpus(), 1);
    ck_assert_int_eq(lanes_self(), 0);
    ck_assert_ptr_null(lanes_self_rt());
}
END_TEST

/* ---- stack overflow ------------------------------------------------------------ */

#ifndef LANES_TSAN

static int deep(int n)
{
    volatile char buf[1024];
    for (size_t i = 0; i < sizeof buf; i++)     /* every byte: a canary cannot be skipped */
        buf[i] = (char)n;
    if (n == 0)
        return buf[0];
    return deep(n - 1) + buf[sizeof buf - 1];
}

static void overflow(void *a)
{
    volatile int r = deep((int)(long)a);
    (void)r;
    lanes_yield();
}

/* Runs an overflowing routine in a child; returns its wait status and
 * what it wrote on stderr. */
static int overflow_child(int guarded, char *err, size_t cap)
{
    int fd[2], st = 0;
    pid_t pid;
    ck_assert_int_eq(pipe(fd), 0);
    pid = fork();
    if (pid == 0) {
        lanes_config c = { .cores = 1, .quantum = 4, .tick_ns = 50000, .trace_events = 0 };
        lanes_rt *r;
        dup2(fd[1], 2);
        if (!guarded)
            stk_set_guard_budget(0);
        r = lanes_open(&c);
        lanes_go(r, "spare", nop, NULL);
        lanes_go(r, "cook#2", overflow, (void *)100L);
        lanes_wait(r);
        _exit(0);
    }
    close(fd[1]);
    ssize_t k, got = 0;
    while ((k = read(fd[0], err + got, cap - 1 - (size_t)got)) > 0)
        got += k;
    err[got] = '\0';
    close(fd[0]);
    waitpid(pid, &st, 0);
    return st;
}

#endif

START_TEST(test_sched_stack_overflow)
{
#ifdef LANES_TSAN
    return;     /* a crashing child under TSan tells nothing */
#else
    char err[4096];
    int st = overflow_child(1, err, sizeof err);
    ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "status %x: %s", st, err);
    ck_assert_ptr_nonnull(strstr(err, "lanes: routine cook#2 overflowed its 64 KiB stack"));
    st = overflow_child(0, err, sizeof err);
    ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "status %x: %s", st, err);
    ck_assert_ptr_nonnull(strstr(err, "lanes: routine cook#2 overflowed its 64 KiB stack"));
#endif
}
END_TEST

/* ---- NO_STEAL and PIN_CPUS ---------------------------------------------------- */

static void fan_out(void *a)
{
    (void)a;
    for (int i = 0; i < 40; i++)
        lanes_go(lanes_self_rt(), "leaf", storm_child, NULL);
    lanes_work(20);
}

/* Keeps its lane (quantum 0) until a child has run: only a thief can run
 * one, so without stealing this never ends. */
static void fan_out_wait(void *a)
{
    (void)a;
    atomic_store(&storm_done, 0);
    for (int i = 0; i < 40; i++)
        lanes_go(lanes_self_rt(), "leaf", storm_child, NULL);
    while (atomic_load(&storm_done) == 0)
        lanes_work(1);
}

START_TEST(test_sched_no_steal)
{
    lanes_config c = { .cores = 2, .quantum = 0, .tick_ns = 20000,
                       .flags = LANES_NO_STEAL, .trace_events = 4096 };
    lanes_event ev[4096];
    size_t n;
    int lane_of_parent = -1;
    rt = lanes_open(&c);
    lanes_go(rt, "root", fan_out, NULL);
    ck_assert_int_eq(lanes_wait(rt), 0);
    n = lanes_trace_read(rt, ev, 4096);
    check_history(ev, n, 41);
    for (size_t i = 0; i < n; i++) {
        ck_assert_uint_ne(ev[i].kind, LANES_EV_STEAL);
        if (ev[i].kind == LANES_EV_RUN && ev[i].routine == 1)
            lane_of_parent = ev[i].lane;
        /* children sit in the parent's ring: only its lane runs them */
        if (ev[i].kind == LANES_EV_RUN && ev[i].routine > 1)
            ck_assert_int_eq(ev[i].lane, lane_of_parent);
    }
    /* and with stealing, the idle lane takes some */
    lanes_close(rt);
    c.flags = 0;
    rt = lanes_open(&c);
    lanes_go(rt, "root", fan_out_wait, NULL);
    ck_assert_int_eq(lanes_wait(rt), 0);
    n = lanes_trace_read(rt, ev, 4096);
    check_history(ev, n, 41);
    int steals = 0;
    for (size_t i = 0; i < n; i++)
        steals += ev[i].kind == LANES_EV_STEAL;
    ck_assert_int_gt(steals, 0);
}
END_TEST

START_TEST(test_sched_pin_cpus)
{
    lanes_config c = { .cores = 3, .quantum = 1, .tick_ns = 20000,
                       .flags = LANES_PIN_CPUS, .trace_events = 4096 };
    lanes_event ev[4096];
    int cpus[CPU_SETSIZE], ncpu = 0, runs = 0;
    cpu_set_t set;
    size_t n;
    ck_assert_int_eq(sched_getaffinity(0, sizeof set, &set), 0);
    for (int i = 0; i < CPU_SETSIZE; i++)
        if (CPU_ISSET(i, &set))
            cpus[ncpu++] = i;
    rt = lanes_open(&c);
    for (int i = 0; i < 6; i++)
        lanes_go(rt, "w", worker12, NULL);
    ck_assert_int_eq(lanes_wait(rt), 0);
    n = lanes_trace_read(rt, ev, 4096);
    for (size_t i = 0; i < n; i++)
        if (ev[i].kind == LANES_EV_RUN) {
            ck_assert_int_eq((int)ev[i].obj, cpus[ev[i].lane % ncpu]);
            runs++;
        }
    ck_assert_int_ge(runs, 6);
}
END_TEST

/* ---- control events ---------------------------------------------------------------- */

START_TEST(test_sched_control_events)
{
    lanes_config c = { .cores = 1, .quantum = 4, .tick_ns = 50000,
                       .flags = LANES_START_PAUSED, .trace_events = 4096 };
    lanes_event ev[4096];
    size_t n;
    int seen[LANES_EV_KINDS] = { 0 }, steps = 0;
    rt = lanes_open(&c);
    lanes_go(rt, "w", worker12, NULL);
    lanes_step(rt, 1);
    lanes_step(rt, 2);
    lanes_set_quantum(rt, 2);
    lanes_set_tick(rt, 20000);
    lanes_set_cores(rt, 2);
    lanes_set_cores(rt, 1);
    wait_quiescent(rt);         /* lane 1 started, then parked */
    lanes_resume(rt);
    ck_assert_int_eq(lanes_wait(rt), 0);
    n = lanes_trace_read(rt, ev, 4096);
    for (size_t i = 0; i < n; i++) {
        const lanes_event *e = &ev[i];
        seen[e->kind]++;
        switch (e->kind) {
        case LANES_EV_STEP:
            steps++;
            ck_assert_int_eq(e->arg, steps);
            ck_assert_uint_eq(e->obj, (uint32_t)steps);
            ck_assert_uint_eq(e->lane, LANES_NO_LANE);
            break;
        case LANES_EV_QUANTUM:
            ck_assert(e->obj == 2 && e->arg == 4);
            break;
        case LANES_EV_TICK:
            ck_assert(e->obj == 20 && e->arg == 50);
            break;
        case LANES_EV_CORES:
            ck_assert(e->obj != (uint32_t)e->arg);
            break;
        default:
            break;
        }
    }
    ck_assert_int_eq(seen[LANES_EV_PAUSE], 1);
    ck_assert_int_eq(seen[LANES_EV_RESUME], 1);
    ck_assert_int_eq(steps, 2);
    ck_assert_int_eq(seen[LANES_EV_CORES], 3);     /* open, 1->2, 2->1 */
    ck_assert_int_ge(seen[LANES_EV_UNPARK], 2);
    ck_assert_int_ge(seen[LANES_EV_PARK], 1);
    ck_assert_int_eq(seen[LANES_EV_SPAWN], 1);
}
END_TEST

/* ---- review findings: a ping-pong must not starve the ring; a step is for
 * the lanes running when it was given --------------------------------------- */

#define PP_ROUNDS 100000
static lanes_chan *pp_ab, *pp_ba;
static atomic_int pp_done, bystander_ran_before_end;

static void bystander(void *a)
{
    (void)a;
    atomic_store(&bystander_ran_before_end, !atomic_load(&pp_done));
}

static void ping_side(void *a)
{
    int v = 0;
    (void)a;
    for (int i = 0; i < PP_ROUNDS; i++) {
        lanes_send(pp_ab, &v);
        lanes_recv(pp_ba, &v);
    }
    atomic_store(&pp_done, 1);
}

static void pong_side(void *a)
{
    int v = 0;
    (void)a;
    for (int i = 0; i < PP_ROUNDS; i++) {
        if (i == 10)            /* into this lane's ring, behind the runnext chain */
            lanes_go(lanes_self_rt(), "bystander", bystander, NULL);
        lanes_recv(pp_ab, &v);
        lanes_send(pp_ba, &v);
    }
}

/* One core, no work ticks: the partners wake each other through runnext
 * forever.  The routine waiting in the ring must still get the lane before
 * the ping-pong ends. */
START_TEST(test_sched_runnext_no_starvation)
{
    lanes_config c = { .cores = 1, .quantum = 4, .tick_ns = 20000,
                       .flags = LANES_NO_STEAL, .trace_events = 0 };
    rt = lanes_open(&c);
    ck_assert_ptr_nonnull(rt);
    atomic_store(&pp_done, 0);
    atomic_store(&bystander_ran_before_end, 0);
    pp_ab = lanes_chan_open(rt, "ab", sizeof(int), 0);
    pp_ba = lanes_chan_open(rt, "ba", sizeof(int), 0);
    lanes_go(rt, "ping", ping_side, NULL);
    lanes_go(rt, "pong", pong_side, NULL);
    ck_assert_int_eq(lanes_wait(rt), 0);
    ck_assert_msg(atomic_load(&bystander_ran_before_end),
                  "the routine in the local ring waited for the whole ping-pong");
}
END_TEST

static atomic_long spun;
static atomic_int spin_stop;

static void spinner(void *a)
{
    (void)a;
    while (!atomic_load(&spin_stop)) {
        lanes_work(1);
        atomic_fetch_add(&spun, 1);
    }
}

/* A lane switched off in the middle of a step must not keep the rest of it:
 * switched on again while paused, it runs nothing until the next step. */
START_TEST(test_sched_step_permits_end_with_lane)
{
    lanes_config c = { .cores = 2, .quantum = 0, .tick_ns = 2000000,
                       .flags = LANES_START_PAUSED, .trace_events = 0 };
    long t0, t1;

    rt = lanes_open(&c);
    ck_assert_ptr_nonnull(rt);
    atomic_store(&spun, 0);
    atomic_store(&spin_stop, 0);
    lanes_go(rt, "a", spinner, NULL);
    lanes_go(rt, "b", spinner, NULL);
    lanes_step(rt, 1);
    msleep(50);
    lanes_step(rt, 40);         /* 40 ticks for each running lane ...          */
    msleep(5);
    lanes_set_cores(rt, 1);     /* ... lane 1 goes off with most of its share */
    while (!sched_quiescent(rt))
        msleep(5);              /* lane 0 spends its 40 and waits at the gate  */
    t0 = atomic_load(&spun);
    lanes_set_cores(rt, 2);     /* still paused, no step given                 */
    msleep(300);
    t1 = atomic_load(&spun);
    ck_assert_msg(t1 == t0, "%ld ticks ran while paused with no step given", t1 - t0);
    atomic_store(&spin_stop, 1);
    lanes_resume(rt);
    ck_assert_int_eq(lanes_wait(rt), 0);
}
END_TEST

/* ---- stepping preempts as running does ------------------------------------------- */

static void cruncher(void *a)
{
    (void)a;
    for (int i = 0; i < 40; i++)
        lanes_work(10);
}

/* Stepped one tick at a time, 4 routines that only compute on 1 lane with
 * quantum 2 take turns every 2 steps, as they do running: a step shows a
 * tick as running shows it.  Both tick lengths: short ticks end at the
 * safepoint, long ones (over a millisecond of work) also look at the
 * pause mid-tick (tick_interrupt). */
START_TEST(test_sched_step_preempts)
{
    static const uint64_t ticks_ns[] = { 20000, 3000000 };
    lanes_event *ev = malloc(4096 * sizeof *ev);
    ck_assert_ptr_nonnull(ev);
    for (size_t k = 0; k < sizeof ticks_ns / sizeof ticks_ns[0]; k++) {
        lanes_config c = { .cores = 1, .quantum = 2, .tick_ns = ticks_ns[k],
                           .flags = LANES_START_PAUSED, .trace_events = 4096 };
        int step = 0, preempts = 0, last = 0;
        size_t n;
        rt = lanes_open(&c);
        ck_assert_ptr_nonnull(rt);
        for (int i = 0; i < 4; i++)
            lanes_go(rt, "cruncher", cruncher, NULL);
        for (int s = 0; s < 13; s++) {
            ck_assert_int_eq(lanes_step(rt, 1), 0);
            wait_quiescent(rt);
        }
        n = lanes_trace_read(rt, ev, 4096);
        for (size_t i = 0; i < n; i++) {
            if (ev[i].kind == LANES_EV_STEP)
                step = ev[i].arg;
            if (ev[i].kind == LANES_EV_STOP) {
                ck_assert_msg(ev[i].arg == LANES_STOP_PREEMPT,
                              "tick %llu ns: step %d: STOP %d, not PREEMPT",
                              (unsigned long long)ticks_ns[k], step, ev[i].arg);
                /* step 1 picks the first routine and does its first tick */
                ck_assert_msg(step - last == 2, "tick %llu ns: PREEMPT at step %d, "
                              "the one before at step %d", (unsigned long long)ticks_ns[k],
                              step, last);
                last = step;
                preempts++;
            }
        }
        ck_assert_msg(preempts == 6, "tick %llu ns: %d PREEMPT stops in 13 steps, not 6",
                      (unsigned long long)ticks_ns[k], preempts);
        lanes_close(rt);
        rt = NULL;
    }
    free(ev);
}
END_TEST

/* lanes_pause_at: the lanes pause themselves at that runtime time, within
 * a tick (20 us here), with no thread watching; once there it is spent. */
START_TEST(test_sched_pause_at)
{
    lanes_config c = { .cores = 2, .quantum = 2, .tick_ns = 20000,
                       .flags = LANES_START_PAUSED, .trace_events = 0 };
    uint64_t now;
    rt = lanes_open(&c);
    ck_assert_ptr_nonnull(rt);
    atomic_store(&spin_stop, 0);
    for (int i = 0; i < 3; i++)
        lanes_go(rt, "spinner", spinner, NULL);
    lanes_pause_at(rt, 300000);
    lanes_resume(rt);
    while (!lanes_paused(rt))
        msleep(1);
    now = lanes_now(rt);
    ck_assert_msg(now >= 300000 && now <= 301000, "paused at %llu, not 300000",
                  (unsigned long long)now);
    wait_quiescent(rt);
    ck_assert_uint_eq(lanes_now(rt), now);
    lanes_resume(rt);                   /* spent: time goes on */
    while (lanes_now(rt) < now + 50000)
        msleep(1);
    ck_assert(!lanes_paused(rt));
    lanes_pause_at(rt, 1);              /* already passed: pauses now */
    ck_assert(lanes_paused(rt));
    atomic_store(&spin_stop, 1);
    lanes_resume(rt);
    ck_assert_int_eq(lanes_wait(rt), 0);
}
END_TEST

/* ---- a lane alone, then a second one starts stealing --------------------------- */

#define SOLO_N 8
static atomic_int solo_on[SOLO_N], solo_twice;
static atomic_long solo_done[SOLO_N];

/* Yields all the time, so the lane takes from its ring at every switch;
 * now and then a short sleep, so that the second lane runs dry and
 * steals again.  Never on two lanes at once. */
static void solo_yielder(void *a)
{
    long id = (long)a;
    for (int i = 0; i < 6000; i++) {
        if (atomic_exchange(&solo_on[id], 1) != 0)
            atomic_fetch_add(&solo_twice, 1);
        atomic_fetch_add(&solo_done[id], 1);
        atomic_store(&solo_on[id], 0);
        if (i % 512 == 511)
            lanes_sleep(1);
        else
            lanes_yield();
    }
}

/*
 * One lane takes from its queues with plain stores (rt->solo); starting a
 * second one, which steals, must end that before its first steal.  Were a
 * plain take to overlap a steal, a routine would be taken twice: run on
 * two lanes at once, or resumed twice (an assertion).
 */
START_TEST(test_sched_solo_then_steal)
{
#ifdef LANES_TSAN
    const int rounds = 4;
#else
    const int rounds = 40;
#endif
    sched_stats st;
    for (int k = 0; k < rounds; k++) {
        lanes_config c = { .cores = 1, .quantum = 0, .tick_ns = 10000, .trace_events = 0 };
        long seen = 0;
        rt = lanes_open(&c);
        ck_assert_ptr_nonnull(rt);
        if (k == 0) {
            sched_get_stats(rt, &st);
            ck_assert_int_eq(st.solo, 1);     /* on Linux, with membarrier */
        }
        for (long i = 0; i < SOLO_N; i++) {
            atomic_store(&solo_done[i], 0);
            ck_assert_int_gt(lanes_go(rt, "y", solo_yielder, (void *)i), 0);
        }
        /* start the second lane somewhere in the first half of the run */
        while (seen < (long)(k % 8 + 1) * 300) {
            seen = 0;
            for (int i = 0; i < SOLO_N; i++)
                seen += atomic_load(&solo_done[i]);
            sched_yield();
        }
        ck_assert_int_eq(lanes_set_cores(rt, 2), 0);
        sched_get_stats(rt, &st);
        ck_assert_int_eq(st.solo, 0);
        ck_assert_int_eq(lanes_wait(rt), 0);
        for (int i = 0; i < SOLO_N; i++)
            ck_assert_int_eq(atomic_load(&solo_done[i]), 6000);
        ck_assert_int_eq(atomic_load(&solo_twice), 0);
        lanes_close(rt);
        rt = NULL;
    }
    /* more than one lane from the start: never solo */
    rt = lanes_open(&(lanes_config){ .cores = 2, .tick_ns = 10000 });
    sched_get_stats(rt, &st);
    ck_assert_int_eq(st.solo, 0);
}
END_TEST

/* ---- the floating-point control state belongs to each routine ------------------ */

static atomic_int fp_wrong;

/* The rounding direction SSE arithmetic uses now: 1 up, -1 down, 0 nearest
 * (or toward zero). */
static int sse_rounding(void)
{
    volatile double one = 1.0, minus_one = -1.0, three = 3.0;
    double up = one / three, down = -(minus_one / three);
    return (up > down) - (up < down);
}

/* Sets its rounding direction (x87 and SSE both: fesetround) and checks it
 * after every switch: the ABI keeps the control bits across a call, so
 * lanes_yield must too, whoever ran meanwhile. */
static void fp_rounder(void *a)
{
    int mode = (int)(long)a;
    int sse = mode == FE_UPWARD ? 1 : mode == FE_DOWNWARD ? -1 : 0;
    /* a new routine starts with the default state */
    if (fegetround() != FE_TONEAREST || sse_rounding() != 0)
        atomic_fetch_add(&fp_wrong, 1);
    fesetround(mode);
    for (int i = 0; i < 2000; i++) {
        lanes_yield();
        if (fegetround() != mode || sse_rounding() != sse)
            atomic_fetch_add(&fp_wrong, 1);
    }
}

START_TEST(test_sched_fp_control_per_routine)
{
    lanes_config c = { .cores = 1, .quantum = 0, .tick_ns = 10000, .trace_events = 0 };
    atomic_store(&fp_wrong, 0);
    rt = lanes_open(&c);
    lanes_go(rt, "up", fp_rounder, (void *)(long)FE_UPWARD);
    lanes_go(rt, "down", fp_rounder, (void *)(long)FE_DOWNWARD);
    lanes_go(rt, "near", fp_rounder, (void *)(long)FE_TONEAREST);
    ck_assert_int_eq(lanes_wait(rt), 0);
    ck_assert_int_eq(atomic_load(&fp_wrong), 0);
    ck_assert_int_eq(fegetround(), FE_TONEAREST);   /* nor into the lane's thread */
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("sched");
    TCase *tc = tcase_create("sched");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_sched_names_and_settings);
    tcase_add_test(tc, test_sched_parallelism);
    tcase_add_test(tc, test_sched_time_slicing);
    tcase_add_test(tc, test_sched_cores_under_load);
    tcase_add_test(tc, test_sched_pause_and_step);
    tcase_add_test(tc, test_sched_step_sees_moving_work);
    tcase_add_test(tc, test_sched_sleep_concurrency);
    tcase_add_test(tc, test_sched_deadlock);
    tcase_add_test(tc, test_sched_spawn_storm);
    tcase_add_test(tc, test_sched_many_parked);
    tcase_add_test(tc, test_sched_stack_overflow);
    tcase_add_test(tc, test_sched_no_steal);
    tcase_add_test(tc, test_sched_pin_cpus);
    tcase_add_test(tc, test_sched_control_events);
    tcase_add_test(tc, test_sched_runnext);
    tcase_add_test(tc, test_sched_chain_taken_from_stuck_lane);
    tcase_add_test(tc, test_sched_spawned_taken_from_stuck_lane);
    tcase_add_test(tc, test_sched_fanin_stays_on_lane);
    tcase_add_test(tc, test_sched_control_chaos);
    tcase_add_test(tc, test_sched_ids);
    tcase_add_test(tc, test_sched_runnext_no_starvation);
    tcase_add_test(tc, test_sched_step_permits_end_with_lane);
    tcase_add_test(tc, test_sched_step_preempts);
    tcase_add_test(tc, test_sched_pause_at);
    tcase_add_test(tc, test_sched_solo_then_steal);
    tcase_add_test(tc, test_sched_fp_control_per_routine);
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
