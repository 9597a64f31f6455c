/*
 * check_cpu.c - what the OS really gave the lanes (src/rt/cpu.c): CPU
 * events tell time-slicing from parallelism, obey their contract (inside
 * a slice, intervals apart, obj + arg within the interval, every
 * lanes_work call covered), LOAD events report the affinity, and
 * lanes_lane_cpu sums the CPU events.
 *
 * Runs restrict the affinity of the thread that opens the runtime (the
 * lanes inherit it) and restore it after.  Whatever depends on a quiet
 * machine (two CPUs giving parallelism) skips, saying why, when the LOAD
 * events show other processes using the CPUs.
 */
#include "config.h"
#include <check.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "lanes.h"
#include "rtdebug.h"

#define MAX_EV (1u << 18)
#define EPS_NS 2000     /* stamps of two CPUs' clocks may differ this much */

static lanes_rt *rt;
static cpu_set_t saved_set;
static int set_saved;
static lanes_event *ev;
static size_t nev;

static void setup(void)
{
    ev = malloc(MAX_EV * sizeof *ev);
    ck_assert_ptr_nonnull(ev);
    nev = 0;
}

static void teardown(void)
{
    lanes_close(rt);
    rt = NULL;
    if (set_saved)
        sched_setaffinity(0, sizeof saved_set, &saved_set);
    set_saved = 0;
    free(ev);
    ev = NULL;
}

/* Restricts this thread to the first `want` CPUs it may use now; 0 when
 * it has fewer. */
static int restrict_cpus(int want)
{
    cpu_set_t cur, set;
    int k = 0;
    ck_assert_int_eq(sched_getaffinity(0, sizeof cur, &cur), 0);
    if (!set_saved) {
        saved_set = cur;
        set_saved = 1;
    }
    CPU_ZERO(&set);
    for (int i = 0; i < CPU_SETSIZE && k < want; i++)
        if (CPU_ISSET(i, &cur)) {
            CPU_SET(i, &set);
            k++;
        }
    if (k < want)
        return 0;
    ck_assert_int_eq(sched_setaffinity(0, sizeof set, &set), 0);
    return 1;
}

/* ---- the workers: lanes_work calls marked by DONE events ------------------- */

typedef struct job { int calls, ticks; } job;

/* Item 2k: call k starts; 2k + 1: it returned. */
static void worker(void *p)
{
    const job *j = p;
    for (int k = 0; k < j->calls; k++) {
        lanes_item_done(2 * k);
        lanes_work(j->ticks);
        lanes_item_done(2 * k + 1);
    }
}

/* Reads while the routines run (lossless: nothing may be missed). */
static void drain(void)
{
    size_t k;
    while ((k = lanes_trace_read(rt, ev + nev, MAX_EV - nev)) > 0) {
        nev += k;
        ck_assert_uint_lt(nev, MAX_EV);
    }
}

static void run_and_read(void)
{
    lanes_trace_lossless(rt, 1);
    while (lanes_wait_for(rt, 5000000) == 1)
        drain();
    drain();
    ck_assert_uint_eq(lanes_trace_dropped(rt), 0);
}

static lanes_rt *open_rt(int cores, int quantum, uint64_t tick_ns)
{
    lanes_config c = { .cores = cores, .quantum = quantum, .tick_ns = tick_ns,
                       .trace_events = 1u << 16 };
    lanes_rt *r = lanes_open(&c);
    ck_assert_ptr_nonnull(r);
    return r;
}

/* ---- what the events say ---------------------------------------------------- */

typedef struct sums {
    uint64_t cpu, wait;         /* over all CPU events */
    uint64_t wall;              /* first RUN to last CPU event */
    uint64_t lane_cpu[LANES_MAX_CORES], lane_wait[LANES_MAX_CORES];
    size_t   ncpu_ev;
    int      nload;             /* measured LOAD events */
    uint32_t load_max;          /* the most other processes used, 1/1000 CPU */
} sums;

static void add_up(sums *s)
{
    uint64_t first = 0, last = 0;
    memset(s, 0, sizeof *s);
    for (size_t i = 0; i < nev; i++) {
        const lanes_event *e = &ev[i];
        if (e->kind == LANES_EV_RUN && first == 0)
            first = e->t_ns;
        if (e->kind == LANES_EV_LOAD && e->obj != LANES_LOAD_UNKNOWN) {
            s->nload++;
            if (e->obj > s->load_max)
                s->load_max = e->obj;
        }
        if (e->kind != LANES_EV_CPU)
            continue;
        ck_assert_uint_lt(e->lane, LANES_MAX_CORES);
        ck_assert_int_ge(e->arg, 0);
        s->cpu += e->obj;
        s->wait += (uint64_t)e->arg;
        s->lane_cpu[e->lane] += e->obj;
        s->lane_wait[e->lane] += (uint64_t)e->arg;
        s->ncpu_ev++;
        last = e->t_ns;
    }
    ck_assert_uint_gt(s->ncpu_ev, 0);
    ck_assert_uint_gt(last, first);
    s->wall = last - first;
}

enum { MAXR = 64 };

/*
 * The contract of LANES_EV_CPU (lanes.h), with no timing in it:
 *  - a CPU event of routine R on lane L comes while L runs R (after R's
 *    RUN there, before its STOP) and while R is inside lanes_work;
 *  - its interval starts at the later of L's previous CPU event and R's
 *    RUN on L: obj + arg fit in it;
 *  - every lanes_work call is covered: R's last event before each STOP
 *    inside a call, and before the call's end marker, is a CPU event.
 * Returns how many calls it saw end.
 */
static int check_contract(void)
{
    uint32_t lane_cur[LANES_MAX_CORES] = { 0 };
    uint64_t run_t[LANES_MAX_CORES] = { 0 }, cpu_t[LANES_MAX_CORES] = { 0 };
    int in_call[MAXR] = { 0 }, last_kind[MAXR] = { 0 }, calls = 0;

    for (size_t i = 0; i < nev; i++) {
        const lanes_event *e = &ev[i];
        uint32_t r = e->routine;
        int l = e->lane;
        uint64_t start;

        switch (e->kind) {
        case LANES_EV_RUN:
            ck_assert_uint_lt(r, MAXR);
            lane_cur[l] = r;
            run_t[l] = e->t_ns;
            last_kind[r] = e->kind;
            break;
        case LANES_EV_STOP:
            ck_assert_uint_eq(lane_cur[l], r);
            ck_assert_msg(!in_call[r] || last_kind[r] == LANES_EV_CPU,
                          "event %zu: routine %u left lane %d inside lanes_work "
                          "without a CPU event (last: %s)", i, r, l,
                          lanes_event_kind_name(last_kind[r]));
            lane_cur[l] = 0;
            last_kind[r] = e->kind;
            break;
        case LANES_EV_DONE:
            ck_assert_uint_lt(r, MAXR);
            if (e->arg % 2 == 0) {
                ck_assert_int_eq(in_call[r], 0);
                in_call[r] = 1;
            } else {
                ck_assert_msg(last_kind[r] == LANES_EV_CPU,
                              "event %zu: lanes_work of %u returned without a CPU event", i, r);
                in_call[r] = 0;
                calls++;
            }
            last_kind[r] = e->kind;
            break;
        case LANES_EV_CPU:
            ck_assert_uint_lt(r, MAXR);
            ck_assert_msg(lane_cur[l] == r, "event %zu: CPU event of %u on lane %d, "
                          "which runs %u", i, r, l, lane_cur[l]);
            ck_assert_msg(in_call[r], "event %zu: CPU event of %u outside lanes_work", i, r);
            start = cpu_t[l] > run_t[l] ? cpu_t[l] : run_t[l];
            ck_assert_uint_ge(e->t_ns, start);
            ck_assert_msg((uint64_t)e->obj + (uint64_t)e->arg <= e->t_ns - start + EPS_NS,
                          "event %zu: obj %u + arg %d > interval %llu ns", i, e->obj, e->arg,
                          (unsigned long long)(e->t_ns - start));
            cpu_t[l] = e->t_ns;
            last_kind[r] = e->kind;
            break;
        default:
            break;
        }
    }
    return calls;
}

/* lanes_lane_cpu holds the sums of each lane's CPU events. */
static void check_totals(const sums *s)
{
    for (int l = 0; l < LANES_MAX_CORES; l++) {
        uint64_t c = 1, w = 1;
        ck_assert_int_eq(lanes_lane_cpu(rt, l, &c, &w), 0);
        ck_assert_uint_eq(c, s->lane_cpu[l]);
        ck_assert_uint_eq(w, s->lane_wait[l]);
    }
}

/* 100 ticks of 1 ms a routine; twice that where a LOAD reading must
 * come during the run (one comes every 250 ms). */
static const job busy = { 2, 50 }, busier = { 2, 100 };

static void spawn_busy(int n, const job *j)
{
    for (int i = 0; i < n; i++)
        ck_assert_int_gt(lanes_go(rt, "busy", worker, (void *)j), 0);
}

/* ---- tests ----------------------------------------------------------------- */

/* One CPU, four lanes: the OS time-slices them.  Occupancy says 4; the
 * CPU events say at most one CPU's worth ran, and the rest waited. */
START_TEST(test_cpu_one_cpu_is_not_parallel)
{
    sums s;
    ck_assert(restrict_cpus(1));
    rt = open_rt(4, 0, 1000000);
    spawn_busy(4, &busy);
    run_and_read();
    add_up(&s);
    fprintf(stderr, "one CPU: ran %.3f CPUs, waited %.3f, over %.1f ms\n",
            (double)s.cpu / (double)s.wall, (double)s.wait / (double)s.wall, s.wall / 1e6);
    ck_assert_msg((double)s.cpu <= 1.1 * (double)s.wall, "ran %.3f CPUs on one",
                  (double)s.cpu / (double)s.wall);
    ck_assert_msg((double)s.wait > 1.5 * (double)s.wall, "waited only %.3f CPUs",
                  (double)s.wait / (double)s.wall);
    ck_assert_int_eq(check_contract(), 4 * busy.calls);
    check_totals(&s);
}
END_TEST

/* Two CPUs, four lanes: more than one CPU's worth runs at once - unless
 * others keep the machine busy, which the LOAD events tell. */
START_TEST(test_cpu_two_cpus_are_parallel)
{
    sums s;
    double par;
    if (!restrict_cpus(2)) {
        fprintf(stderr, "test_cpu_two_cpus_are_parallel: skipped: fewer than 2 CPUs\n");
        return;
    }
    rt = open_rt(4, 0, 1000000);
    spawn_busy(4, &busier);
    run_and_read();
    add_up(&s);
    par = (double)s.cpu / (double)s.wall;
    fprintf(stderr, "two CPUs: ran %.3f CPUs, waited %.3f, over %.1f ms; others used "
            "up to %.2f CPUs (%d LOAD readings)\n", par, (double)s.wait / (double)s.wall,
            s.wall / 1e6, s.load_max / 1000.0, s.nload);
    ck_assert_int_eq(check_contract(), 4 * busier.calls);
    check_totals(&s);
    if (s.nload == 0) {
        fprintf(stderr, "test_cpu_two_cpus_are_parallel: skipped the figure: no LOAD "
                "reading during the run, cannot tell a busy machine\n");
        return;
    }
    if (s.load_max > 300) {
        fprintf(stderr, "test_cpu_two_cpus_are_parallel: skipped the figure: other "
                "processes used %.2f of our 2 CPUs\n", s.load_max / 1000.0);
        return;
    }
    ck_assert_msg(par >= 1.3, "ran %.3f CPUs on two idle ones", par);
}
END_TEST

/* Preemption, short ticks (a CPU event at most every LANES_CPU_SAMPLE_NS
 * of them), long ticks (cut inside): the contract holds throughout, and
 * the totals are the events' sums. */

START_TEST(test_cpu_contract)
{
    static const job shortj = { 3, 40 }, longj = { 1, 2 };
    sums s;
    size_t ncpu_short = 0;

    /* 50 us ticks, quantum 2: preempted every 100 us, 4 routines on 2 lanes */
    rt = open_rt(2, 2, 50000);
    for (int i = 0; i < 4; i++)
        ck_assert_int_gt(lanes_go(rt, "short", worker, (void *)&shortj), 0);
    run_and_read();
    add_up(&s);
    ck_assert_int_eq(check_contract(), 4 * shortj.calls);
    check_totals(&s);
    ncpu_short = s.ncpu_ev;
    ck_assert_uint_gt(ncpu_short, 0);
    lanes_close(rt);

    /* 150 ms ticks: CPU events inside each (CPU_CHOP_NS, 100 ms) */
    nev = 0;
    rt = open_rt(1, 0, 150000000);
    ck_assert_int_gt(lanes_go(rt, "long", worker, (void *)&longj), 0);
    run_and_read();
    add_up(&s);
    ck_assert_int_eq(check_contract(), 1);
    check_totals(&s);
    ck_assert_uint_ge(s.ncpu_ev, 3);    /* one inside each tick at least, and the end */
}
END_TEST

/* A pause while routines work: each lane emits a CPU event before its
 * gate and an empty one after, so no interval with time in it holds the
 * pause. */
static void long_worker(void *p)
{
    (void)p;
    lanes_item_done(0);
    lanes_work(400);
    lanes_item_done(1);
}

START_TEST(test_cpu_pause_is_not_measured)
{
    sums s;
    uint64_t pause_t = 0, resume_t = 0;
    int empty = 0;

    rt = open_rt(2, 0, 1000000);
    for (int i = 0; i < 2; i++)
        ck_assert_int_gt(lanes_go(rt, "w", long_worker, NULL), 0);
    lanes_trace_lossless(rt, 1);
    for (int seen = 0; !seen; ) {       /* until both work (a CPU event each) */
        uint32_t who = 0;
        lanes_wait_for(rt, 2000000);
        drain();
        for (size_t i = 0; i < nev && !seen; i++)
            if (ev[i].kind == LANES_EV_CPU) {
                if (who != 0 && who != ev[i].routine)
                    seen = 1;
                who = ev[i].routine;
            }
    }
    lanes_pause(rt);
    /* both lanes at their pause gate, however long a loaded machine keeps
     * one of them off a CPU (a timed wait here made the test flaky) */
    while (!sched_quiescent(rt)) {
        lanes_wait_for(rt, 2000000);
        drain();
    }
    for (int i = 0; i < 5; i++) {
        lanes_wait_for(rt, 2000000);
        drain();
    }
    lanes_resume(rt);
    run_and_read();
    add_up(&s);
    ck_assert_int_eq(check_contract(), 2);
    check_totals(&s);
    for (size_t i = 0; i < nev; i++) {
        const lanes_event *e = &ev[i];
        if (e->kind == LANES_EV_PAUSE)
            pause_t = e->t_ns;
        else if (e->kind == LANES_EV_RESUME)
            resume_t = e->t_ns;
        else if (e->kind == LANES_EV_CPU && pause_t != 0 && resume_t != 0 && e->t_ns > resume_t &&
                 e->obj == 0 && e->arg == 0)
            empty++;
    }
    ck_assert_uint_gt(resume_t, pause_t);
    /* both were in lanes_work (400 ticks) at the pause: each lane came
     * back from its gate with an empty event */
    ck_assert_int_ge(empty, 2);
}
END_TEST

/* The first LOAD event comes at lanes_open, unmeasured, with the number
 * of CPUs the process may use; later ones keep that number. */
START_TEST(test_cpu_load_at_open)
{
    int first = -1;
    ck_assert(restrict_cpus(1));
    ck_assert_int_eq(lanes_online_cpus(), 1);
    rt = open_rt(2, 0, 1000000);
    spawn_busy(1, &busy);
    run_and_read();
    for (size_t i = 0; i < nev; i++) {
        if (ev[i].kind != LANES_EV_LOAD)
            continue;
        ck_assert_uint_eq(ev[i].lane, LANES_NO_LANE);
        ck_assert_int_eq(ev[i].arg, 1);
        if (first < 0) {
            first = (int)i;
            ck_assert_uint_eq(ev[i].obj, LANES_LOAD_UNKNOWN);
        } else {
            ck_assert_uint_le(ev[i].obj, 1000);
        }
    }
    ck_assert_int_ge(first, 0);
    for (int i = 0; i < first; i++)     /* before anything a lane did */
        ck_assert_uint_eq(ev[i].lane, LANES_NO_LANE);
}
END_TEST

/* A run shorter than a LOAD period (250 ms) still ends measured: the
 * first read after its end brings one LOAD for the stretch since the
 * previous reading, and then nothing more comes (a screen that has ended
 * stands still).  Without /proc/stat, no measurement at all. */
static const job brief = { 1, 30 };

START_TEST(test_cpu_short_run_measured_at_end)
{
    int measured = 0;
    rt = open_rt(2, 0, 1000000);
    spawn_busy(2, &brief);
    run_and_read();
    for (size_t i = 0; i < nev; i++)
        measured += ev[i].kind == LANES_EV_LOAD && ev[i].obj != LANES_LOAD_UNKNOWN;
    if (access("/proc/stat", R_OK) != 0) {
        ck_assert_int_eq(measured, 0);
        return;
    }
    ck_assert_int_ge(measured, 1);
    ck_assert_msg(ev[nev - 1].kind == LANES_EV_LOAD && ev[nev - 1].obj != LANES_LOAD_UNKNOWN,
                  "the last event is %s, not a measured LOAD",
                  lanes_event_kind_name(ev[nev - 1].kind));
    ck_assert_uint_le(ev[nev - 1].obj, 1000u * (unsigned)lanes_online_cpus());
    for (int i = 0; i < 5; i++) {           /* once: nothing after it */
        lanes_wait_for(rt, 2000000);
        ck_assert_uint_eq(lanes_trace_read(rt, ev, MAX_EV), 0);
    }
}
END_TEST

/* Tracing off: the totals are still kept. */
START_TEST(test_cpu_totals_without_trace)
{
    lanes_config c = { .cores = 2, .quantum = 0, .tick_ns = 1000000, .trace_events = 0 };
    uint64_t cpu = 0, wait = 0, sum = 0;
    rt = lanes_open(&c);
    ck_assert_ptr_nonnull(rt);
    spawn_busy(2, &busy);
    ck_assert_int_eq(lanes_wait(rt), 0);
    for (int l = 0; l < 2; l++) {
        ck_assert_int_eq(lanes_lane_cpu(rt, l, &cpu, &wait), 0);
        sum += cpu;
    }
    /* 200 ticks of a millisecond's work: some of it was on a CPU */
    ck_assert_uint_gt(sum, 0);
    ck_assert_int_eq(lanes_lane_cpu(rt, 2, &cpu, NULL), 0);
    ck_assert_uint_eq(cpu, 0);
    ck_assert_int_eq(lanes_lane_cpu(rt, -1, &cpu, &wait), -EINVAL);
    ck_assert_int_eq(lanes_lane_cpu(rt, LANES_MAX_CORES, &cpu, &wait), -EINVAL);
    ck_assert_int_eq(lanes_lane_cpu(NULL, 0, &cpu, &wait), -EINVAL);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("cpu");
    TCase *tc = tcase_create("cpu");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_cpu_one_cpu_is_not_parallel);
    tcase_add_test(tc, test_cpu_two_cpus_are_parallel);
    tcase_add_test(tc, test_cpu_contract);
    tcase_add_test(tc, test_cpu_pause_is_not_measured);
    tcase_add_test(tc, test_cpu_load_at_open);
    tcase_add_test(tc, test_cpu_short_run_measured_at_end);
    tcase_add_test(tc, test_cpu_totals_without_trace);
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
