/*
 * check_out.c - the folds of src/report fed with synthetic event streams, no
 * runtime needed: exact summary counts, the text and JSON printers, and the
 * Chrome trace (valid JSON, slices that never overlap, every arrow with both
 * ends) including its write errors.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/out.h"
#include "report/summary.h"
#include "check_out_json.h"

/* Times are given in microseconds of wall time, and runtime time runs at
 * one tick per microsecond: t_rt (milli-ticks) is 1000 times the count. */
#define E(t, k, l, r, o, a) \
    { (uint64_t)(t) * 1000u, (uint64_t)(t) * 1000u, (r), (o), (a), (l), LANES_EV_##k }
#define NL LANES_NO_LANE

/* A producer (r1) and a consumer (r2) on two lanes with channel 1 (cap 2):
 * r1 sends items 1..4 (preempted once, stolen to lane 1, exits after closing),
 * r2 receives them, blocks once, and is handed item 4 while blocked. */
static const lanes_event stream[] = {
    E(0,  CHAN,  NL, 0, 1, 2),
    E(1,  SPAWN, NL, 1, 0, LANES_Q_GLOBAL),
    E(1,  SPAWN, NL, 2, 0, LANES_Q_GLOBAL),
    E(10, RUN,   0,  1, 3, LANES_Q_GLOBAL),
    E(10, RUN,   1,  2, 2, LANES_Q_GLOBAL),
    E(20, SEND,  0,  1, 1, 1),
    E(25, RECV,  1,  2, 1, 1),
    E(30, SEND,  0,  1, 1, 2),
    E(35, SEND,  0,  1, 1, 3),
    E(40, STOP,  0,  1, LANES_Q_LOCAL, LANES_STOP_PREEMPT),
    E(45, DONE,  1,  2, 0, 1),
    E(50, RECV,  1,  2, 1, 2),
    E(55, RECV,  1,  2, 1, 3),
    E(56, DONE,  1,  2, 0, 2),
    E(57, DONE,  1,  2, 0, 3),
    E(60, STOP,  1,  2, 1, LANES_STOP_RECV),
    E(61, STEAL, 1,  1, 0, 0),
    E(62, RUN,   1,  1, 2, LANES_Q_STEAL),
    E(70, SEND,  1,  1, 1, 4),
    E(71, RECV,  1,  2, 1, 4),
    E(71, WAKE,  1,  2, 1, LANES_Q_RUNNEXT),
    E(72, CLOSE, 1,  1, 1, 0),
    E(80, STOP,  1,  1, 0, LANES_STOP_EXIT),
    E(81, RUN,   1,  2, 2, LANES_Q_RUNNEXT),
    E(83, DONE,  1,  2, 0, 4),
    E(90, STOP,  1,  2, 0, LANES_STOP_EXIT),
};
#define NSTREAM (sizeof stream / sizeof stream[0])

static void names_routine(void *ctx, uint32_t id, char *buf, size_t n)
{
    (void)ctx;
    snprintf(buf, n, "%s", id == 1 ? "producer" : id == 2 ? "consumer \"2\"" : "");
}

static void names_chan(void *ctx, uint32_t id, char *buf, size_t n)
{
    (void)ctx;
    snprintf(buf, n, "%s", id == 1 ? "queue" : "");
}

static const out_names names = { names_routine, names_chan, NULL };

static void fold_stream(out_summary *s, size_t batch)
{
    size_t i;

    out_summary_init(s);
    for (i = 0; i < NSTREAM; i += batch)
        out_summary_feed(s, stream + i, NSTREAM - i < batch ? NSTREAM - i : batch);
    out_summary_finish(s, 0, 0, 0);
}

START_TEST(test_out_summary_counts)
{
    out_summary s;
    size_t batch;

    /* the same numbers whatever the batch sizes the consumer read */
    for (batch = 1; batch <= NSTREAM; batch += 5) {
        fold_stream(&s, batch);
        ck_assert_uint_eq(s.events, NSTREAM);
        ck_assert_uint_eq(s.end_mt, 90000);
        ck_assert_int_eq(out_summary_lanes(&s, 1), 2);
        ck_assert_uint_eq(s.lane_busy_mt[0], 30000);
        ck_assert_uint_eq(s.lane_busy_mt[1], (50 + 18 + 9) * 1000);
        ck_assert_uint_eq(s.routines[1].lane_mt, 48000);
        ck_assert_uint_eq(s.routines[1].switches, 2);
        ck_assert_uint_eq(s.routines[1].preemptions, 1);
        ck_assert_uint_eq(s.routines[1].waits, 0);
        ck_assert_uint_eq(s.routines[1].lanes, 3);
        ck_assert_uint_eq(s.routines[1].sent, 4);
        ck_assert_int_eq(s.routines[1].exited, 1);
        ck_assert_uint_eq(s.routines[2].lane_mt, 59000);
        ck_assert_uint_eq(s.routines[2].switches, 2);
        ck_assert_uint_eq(s.routines[2].waits, 1);
        ck_assert_uint_eq(s.routines[2].lanes, 2);
        ck_assert_uint_eq(s.routines[2].received, 4);
        ck_assert_uint_eq(s.chans[1].sends, 4);
        ck_assert_uint_eq(s.chans[1].recvs, 4);
        ck_assert_uint_eq(s.chans[1].peak, 2);
        ck_assert_int_eq(s.chans[1].cap, 2);
        ck_assert_int_eq(s.chans[1].closed, 1);
        ck_assert_uint_eq(s.items, 4);
        ck_assert_uint_eq(s.items_timed, 4);
        ck_assert_uint_eq(s.lat_min_mt, 1000);     /* item 4: 70 -> 71 */
        ck_assert_uint_eq(s.lat_max_mt, 20000);    /* items 2, 3 */
        ck_assert_uint_eq(s.lat_sum_mt, (5 + 20 + 20 + 1) * 1000);
        ck_assert_uint_eq(s.steals, 1);
        ck_assert_uint_eq(s.preemptions, 1);
        ck_assert_uint_eq(s.switches, 4);
        ck_assert_uint_eq(s.spawns, 2);
        ck_assert_uint_eq(s.exits, 2);
        ck_assert_uint_eq(s.anomalies, 0);
        ck_assert_double_eq_tol(out_summary_occupancy(&s), 107.0 / 90.0, 1e-9);
        /* no CPU events: no CPU time, whatever the lanes held */
        ck_assert_double_eq_tol(out_summary_parallelism(&s), 0.0, 1e-9);
        ck_assert_uint_eq(s.routines[1].cpu_mt, 0);
        out_summary_free(&s);
    }
}
END_TEST

/* Wall time t in microseconds, runtime time rt in ticks (1 tick = 1 us
 * of work at the start): for streams where a pause stops runtime time. */
#define ER(t, rt, k, l, r, o, a) \
    { (uint64_t)(t) * 1000u, (uint64_t)(rt) * 1000u, (r), (o), (a), (l), LANES_EV_##k }

/* Two lanes time-sliced on one CPU: each thread runs half the time and
 * waits for the CPU the other half; a pause in the middle; the tick
 * doubles for the last interval. */
static const lanes_event sliced[] = {
    ER(0,  0,  LOAD,   NL, 0, LANES_LOAD_UNKNOWN, 1),
    ER(0,  0,  RUN,    0,  1, 0, LANES_Q_GLOBAL),
    ER(0,  0,  RUN,    1,  2, 0, LANES_Q_GLOBAL),
    ER(10, 10, CPU,    0,  1, 5000, 5000),
    ER(10, 10, CPU,    1,  2, 5000, 5000),
    ER(20, 20, CPU,    0,  1, 5000, 5000),
    ER(20, 20, CPU,    1,  2, 5000, 5000),
    ER(20, 20, PAUSE,  NL, 0, 0, 0),
    ER(30, 20, LOAD,   NL, 0, 1900, 1),   /* paused: left out */
    ER(50, 20, RESUME, NL, 0, 0, 0),
    ER(50, 20, LOAD,   NL, 0, 900, 1),
    ER(50, 20, TICK,   NL, 0, 2, 1),
    ER(60, 25, CPU,    0,  1, 5000, 5000),
    ER(60, 25, CPU,    1,  2, 5000, 5000),
    ER(60, 25, STOP,   0,  1, 0, LANES_STOP_EXIT),
    ER(60, 25, STOP,   1,  2, 0, LANES_STOP_EXIT),
};
#define NSLICED (sizeof sliced / sizeof sliced[0])

static void fold_sliced(out_summary *s)
{
    out_summary_init(s);
    out_summary_set_tick(s, 1000);
    out_summary_feed(s, sliced, NSLICED);
    out_summary_finish(s, 0, 0, 0);
}

/* Parallelism is CPU time over wall time not paused; lane occupancy is the
 * old figure; routines' CPU ticks come from CPU events, each converted with
 * the tick in force. */
START_TEST(test_out_summary_cpu_truth)
{
    out_summary s;

    fold_sliced(&s);
    ck_assert_uint_eq(s.cpu.wall_ns, 30000);             /* 60 us less 30 paused */
    ck_assert_uint_eq(s.cpu.cpu_ns, 30000);
    ck_assert_uint_eq(s.cpu.wait_ns, 30000);
    ck_assert_double_eq_tol(out_summary_parallelism(&s), 1.0, 1e-9);
    ck_assert_double_eq_tol(out_summary_occupancy(&s), 2.0, 1e-9);
    ck_assert_uint_eq(s.cpu.lane_cpu_ns[0], 15000);
    ck_assert_uint_eq(s.cpu.lane_wait_ns[0], 15000);
    ck_assert_uint_eq(s.cpu.lane_cpu_ns[1], 15000);
    ck_assert_uint_eq(s.cpu.lane_wait_ns[1], 15000);
    ck_assert_uint_eq(s.routines[1].cpu_ns, 15000);
    ck_assert_uint_eq(s.routines[1].cpu_mt, 5000 + 5000 + 2500);
    ck_assert_uint_eq(s.routines[1].lane_mt, 25000);
    ck_assert_uint_eq(s.routines[2].cpu_mt, 12500);
    ck_assert_int_eq(s.cpu.cpus, 1);
    ck_assert_uint_eq(fold_cpu_load_avg(&s.cpu), 900);
    ck_assert_int_eq(fold_cpu_machine_busy(&s.cpu), 1);
    out_summary_free(&s);
}
END_TEST

/* A step's wall time is its lanes' work: from the STEP to the last lane
 * event in it, not the wait at the gate before the next step. */
START_TEST(test_out_cpu_steps_count_their_work)
{
    static const lanes_event ev[] = {
        ER(0,   0, PAUSE, NL, 0, 0, 0),
        ER(100, 1, STEP,  NL, 0, 1, 1),
        ER(104, 1, CPU,   0,  1, 4000, 0),
        ER(300, 2, STEP,  NL, 0, 1, 2),
        ER(302, 2, RUN,   0,  1, 0, LANES_Q_LOCAL),
        ER(306, 2, CPU,   0,  1, 4000, 0),
        ER(400, 2, RESUME, NL, 0, 0, 0),
        ER(410, 12, CPU,  0,  1, 10000, 0),
    };
    fold_cpu c;
    size_t i;

    fold_cpu_init(&c, 1000);
    for (i = 0; i < sizeof ev / sizeof ev[0]; i++)
        fold_cpu_feed(&c, &ev[i]);
    ck_assert_uint_eq(c.wall_ns, 4000 + 6000 + 10000);
    ck_assert_uint_eq(c.cpu_ns, 18000);
    ck_assert_double_eq_tol(fold_cpu_parallelism(&c), 0.9, 1e-9);
    ck_assert_int_eq(fold_cpu_machine_busy(&c), 0);          /* never measured */
    ck_assert_uint_eq(fold_cpu_load_avg(&c), LANES_LOAD_UNKNOWN);
}
END_TEST

/* After a PAUSE a lane works on to its safepoint and reports that work in
 * a CPU event before the gate: the lesson's first note, one lane, read
 * parallelism 1.95 because that CPU time came with no wall time.  Its wall
 * time counts (at most what the event measured), lanes switched on while
 * paused add none, and the figure is not "known" so early. */
START_TEST(test_out_cpu_work_after_pause)
{
    static const lanes_event ev[] = {
        ER(0,     0, CORES,  NL, 0, 1, 0),
        ER(2290,  0, RUN,    0,  1, 0, LANES_Q_GLOBAL),
        ER(2292,  0, NOTE,   0,  1, 2, 0),
        ER(2293,  0, PAUSE,  NL, 0, 0, 0),
        ER(3945,  0, CPU,    0,  1, 1007000, 610000),  /* 1.65 ms after */
        ER(9000,  0, UNPARK, 1,  0, 0, 0),             /* cores raised */
        ER(9001,  0, CPU,    1,  2, 100, 0),           /* a mere 100 ns */
    };
    fold_cpu c;
    size_t i;

    fold_cpu_init(&c, 1000);
    for (i = 0; i < sizeof ev / sizeof ev[0]; i++)
        fold_cpu_feed(&c, &ev[i]);
    ck_assert_uint_eq(c.wall_ns, 2293000 + 1617000 + 100);
    ck_assert_double_le(fold_cpu_parallelism(&c), 1.0);
    ck_assert_int_eq(fold_cpu_parallelism_known(&c), 0);
}
END_TEST

/* More CPU time than the lanes or the CPUs allow is sampling noise:
 * capped; known once 10 ticks and 50 ms have passed. */
START_TEST(test_out_cpu_parallelism_capped)
{
    static const lanes_event ev[] = {
        ER(0,     0,  LOAD, NL, 0, LANES_LOAD_UNKNOWN, 4),
        ER(0,     0,  RUN,  0,  1, 0, LANES_Q_GLOBAL),
        ER(0,     0,  RUN,  1,  2, 0, LANES_Q_GLOBAL),
        ER(30000, 9,  CPU,  0,  1, 40000000, 0),   /* a window early */
        ER(30000, 9,  CPU,  1,  2, 40000000, 0),
        ER(60000, 12, CPU,  0,  1, 10000000, 0),
    };
    fold_cpu c;

    fold_cpu_init(&c, 1000);
    for (size_t i = 0; i < 4; i++)
        fold_cpu_feed(&c, &ev[i]);
    ck_assert_double_eq_tol(fold_cpu_parallelism(&c), 1.0, 1e-9);   /* 1 lane */
    fold_cpu_feed(&c, &ev[4]);
    ck_assert_double_eq_tol(fold_cpu_parallelism(&c), 2.0, 1e-9);   /* 2 lanes */
    ck_assert_int_eq(fold_cpu_parallelism_known(&c), 0);            /* 9 ticks */
    fold_cpu_feed(&c, &ev[5]);
    ck_assert_double_eq_tol(fold_cpu_parallelism(&c), 1.5, 1e-9);
    ck_assert_int_eq(fold_cpu_parallelism_known(&c), 1);
}
END_TEST

/* The waiting-tick rule: less than half the held time on a CPU. */
START_TEST(test_out_cpu_starved_rule)
{
    ck_assert_int_eq(fold_cpu_starved(501, 1000), 1);
    ck_assert_int_eq(fold_cpu_starved(500, 1000), 0);
    ck_assert_int_eq(fold_cpu_starved(0, 1000), 0);
    ck_assert_int_eq(fold_cpu_starved(10, 0), 0);
}
END_TEST

/* An attach's snapshot (lanes_console): the channel's buffered messages
 * come as HELD, the routine that was on a lane when the viewer came
 * stops without a RUN, and it receives what was sent before: none of
 * that is an anomaly, and only what happened since counts as messages. */
START_TEST(test_out_summary_attached)
{
    static const lanes_event ev[] = {
        E(0,  CHAN,  NL, 0, 1, 4),
        E(0,  HELD,  NL, 0, 1, 7),
        E(0,  HELD,  NL, 0, 1, 8),
        E(0,  SPAWN, NL, 1, 0, LANES_Q_GLOBAL),
        E(0,  SPAWN, NL, 2, 0, LANES_Q_GLOBAL),
        E(5,  STOP,  0, 1, 1, LANES_STOP_PREEMPT),   /* its RUN came before */
        E(6,  RUN,   0, 2, 0, LANES_Q_LOCAL),
        E(7,  RECV,  0, 2, 1, 7),
        E(8,  SEND,  0, 2, 1, 9),
        E(9,  STOP,  0, 2, 0, LANES_STOP_YIELD),
    };
    out_summary s;

    out_summary_init(&s);
    out_summary_feed(&s, ev, sizeof ev / sizeof ev[0]);
    out_summary_finish(&s, 100000, 5000, 0);
    ck_assert_uint_eq(s.anomalies, 0);
    ck_assert_uint_eq(s.chans[1].sends, 1);
    ck_assert_uint_eq(s.chans[1].recvs, 1);
    ck_assert_uint_eq(s.chans[1].peak, 2);
    ck_assert_uint_eq(s.sends, 1);
    out_summary_free(&s);
}
END_TEST

/* A stream that breaks the rules is repaired, the same way every time. */
START_TEST(test_out_summary_repairs)
{
    static const lanes_event bad[] = {
        E(0,  RUN,  0, 1, 0, LANES_Q_LOCAL),
        E(10, RUN,  0, 2, 0, LANES_Q_LOCAL),     /* r1 never stopped */
        E(15, STOP, 0, 1, 0, LANES_STOP_YIELD),  /* r1 is not on lane 0 */
        E(20, STOP, 0, 2, 0, LANES_STOP_SLEEP),
        E(30, RUN,  5, 3, 0, LANES_Q_LOCAL),     /* still open at the end */
        E(40, DONE, 5, 3, 0, 9),                 /* never sent: untimed */
    };
    out_summary s;

    out_summary_init(&s);
    out_summary_feed(&s, bad, sizeof bad / sizeof bad[0]);
    out_summary_finish(&s, 100000, 5000, 7);
    ck_assert_uint_eq(s.anomalies, 2);
    ck_assert_uint_eq(s.routines[1].lane_mt, 10000);
    ck_assert_uint_eq(s.routines[2].lane_mt, 10000);
    ck_assert_uint_eq(s.routines[2].sleeps, 1);
    ck_assert_uint_eq(s.routines[3].lane_mt, 70000);
    ck_assert_uint_eq(s.lane_busy_mt[5], 70000);
    ck_assert_int_eq(out_summary_lanes(&s, 1), 6);
    ck_assert_uint_eq(s.items, 1);
    ck_assert_uint_eq(s.items_timed, 0);
    ck_assert_uint_eq(s.lat_min_mt, 0);
    ck_assert_uint_eq(s.wall_ns, 5000);
    ck_assert_uint_eq(s.dropped, 7);
    out_summary_free(&s);
}
END_TEST

/* Many items, several on their way at once: exact latencies, and the item
 * table holds only those still travelling. */
START_TEST(test_out_summary_many_items)
{
    enum { N = 100000, AHEAD = 37 };
    lanes_event ev[3];
    out_summary s;
    int32_t i;

    out_summary_init(&s);
    for (i = 0; i < N + AHEAD; i++) {
        size_t n = 0;
        if (i < N)       /* item i leaves at 10 i ticks */
            ev[n++] = (lanes_event){ 0, (uint64_t)i * 10000, 1, 1, i * 7919, 0, LANES_EV_SEND };
        if (i >= AHEAD) {  /* item i - AHEAD arrives (i - AHEAD) % 5 ticks after AHEAD sends */
            int32_t k = i - AHEAD;
            uint64_t t = (uint64_t)i * 10000 + (uint64_t)(k % 5) * 1000;
            ev[n++] = (lanes_event){ 0, t, 2, 1, k * 7919, 0, LANES_EV_RECV };
            ev[n++] = (lanes_event){ 0, t, 2, 0, k * 7919, 0, LANES_EV_DONE };
        }
        out_summary_feed(&s, ev, n);
        ck_assert_uint_le(s.items_used, AHEAD + 1);
    }
    out_summary_finish(&s, 0, 0, 0);
    ck_assert_uint_eq(s.items, N);
    ck_assert_uint_eq(s.items_timed, N);
    ck_assert_uint_eq(s.items_used, 0);
    ck_assert_uint_eq(s.lat_min_mt, AHEAD * 10000);
    ck_assert_uint_eq(s.lat_max_mt, AHEAD * 10000 + 4000);
    ck_assert_uint_eq(s.lat_sum_mt, (uint64_t)N * AHEAD * 10000 + (uint64_t)(N / 5) * (0 + 1 + 2 + 3 + 4) * 1000);
    ck_assert_uint_eq(s.chans[1].peak, AHEAD + 1);   /* sent before the oldest arrives */
    out_summary_free(&s);
}
END_TEST

/* Items finishing in random order (deletions all over the table): every
 * latency is still found, against a plain oracle. */
START_TEST(test_out_summary_items_random)
{
    enum { N = 50000, MAXF = 500 };
    static int32_t flying[MAXF];
    static uint64_t sent_at[MAXF];
    lanes_event ev[2];
    out_summary s;
    uint64_t t = 0, sum = 0, max = 0, min = UINT64_MAX, x = 12345;
    int32_t next = 1;
    int nf = 0, done = 0;

    out_summary_init(&s);
    while (done < N) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        t += 1000 + (x >> 60) * 1000;
        if (nf < MAXF && next <= N && (nf == 0 || (x >> 33) % 3 != 0)) {
            flying[nf] = (int32_t)((uint32_t)next++ * 104729u);  /* spread over the hash */
            sent_at[nf] = t;
            ev[0] = (lanes_event){ 0, t, 1, 1, flying[nf++], 0, LANES_EV_SEND };
            out_summary_feed(&s, ev, 1);
        } else {
            int k = (int)((x >> 20) % (uint64_t)nf);
            uint64_t lat = t - sent_at[k];
            ev[0] = (lanes_event){ 0, t, 2, 1, flying[k], 0, LANES_EV_RECV };
            ev[1] = (lanes_event){ 0, t, 2, 0, flying[k], 0, LANES_EV_DONE };
            out_summary_feed(&s, ev, 2);
            sum += lat;
            max = lat > max ? lat : max;
            min = lat < min ? lat : min;
            flying[k] = flying[--nf];
            sent_at[k] = sent_at[nf];
            done++;
        }
        ck_assert_uint_eq(s.items_used, (uint64_t)nf);
    }
    out_summary_finish(&s, 0, 0, 0);
    ck_assert_uint_eq(s.items_timed, N);
    ck_assert_uint_eq(s.lat_sum_mt, sum);
    ck_assert_uint_eq(s.lat_min_mt, min);
    ck_assert_uint_eq(s.lat_max_mt, max);
    out_summary_free(&s);
}
END_TEST

START_TEST(test_out_json_quote)
{
    char buf[64];

    out_json_quote(buf, sizeof buf, "a\"b\\c\n\x01");
    ck_assert_str_eq(buf, "\"a\\\"b\\\\c\\u000a\\u0001\"");
    out_json_quote(buf, sizeof buf, "caf\xc3\xa9 \xff!");
    ck_assert_str_eq(buf, "\"caf\xc3\xa9 \xef\xbf\xbd!\"");
    out_json_quote(buf, 8, "abcdefghijkl");
    ck_assert_str_eq(buf, "\"abcde\"");
    out_json_quote(buf, sizeof buf, NULL);
    ck_assert_str_eq(buf, "\"\"");
    ck_assert_int_eq(json_check(buf, strlen(buf)), -1);
}
END_TEST

START_TEST(test_out_json_checker)
{
    static const char *const good[] = {
        "{}", "[]", "[1,-2.5e3,0,\"x\\u00e9\",true,false,null]", " {\"a\":{\"b\":[]}} ",
    };
    static const char *const bad[] = {
        "", "{", "[1,]", "{\"a\":1,}", "01", "1.", "\"\x01\"", "[1] [2]", "{a:1}",
        "\"\\x\"", "nul", "\"\xff\"",
    };
    size_t i;

    for (i = 0; i < sizeof good / sizeof good[0]; i++)
        ck_assert_msg(json_check(good[i], strlen(good[i])) == -1, "%s", good[i]);
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(json_check(bad[i], strlen(bad[i])) != -1, "%s", bad[i]);
}
END_TEST

static unsigned print_pid;      /* print_to_string: as if attached to this pid */

static char *print_to_string(int json, const out_summary *s)
{
    static char buf[16384];
    out_run_info info = { "two", "Two \"routines\"", "done", 0, 1, 4, 1000000, 0, 0, 4, NULL,
                          print_pid, 605000 };
    FILE *f = tmpfile();
    size_t n;

    ck_assert_ptr_nonnull(f);
    if (json)
        ck_assert_int_eq(out_summary_print_json(f, s, &info, &names), 0);
    else
        ck_assert_int_eq(out_summary_print_text(f, s, &info, &names), 0);
    rewind(f);
    n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

START_TEST(test_out_summary_text)
{
    out_summary s;
    const char *t;

    fold_stream(&s, NSTREAM);
    t = print_to_string(0, &s);
    if (getenv("SHOW") != NULL)
        fputs(t, stderr);
    ck_assert_ptr_nonnull(strstr(t, "lanes: two \"Two \"routines\"\": done"));
    ck_assert_ptr_nonnull(strstr(t, "runtime 90.0 ticks"));
    ck_assert_ptr_nonnull(strstr(t, "core 0             30.0   33.3%        0.0        0.0\n"));
    ck_assert_ptr_nonnull(strstr(t, "core 1             77.0   85.6%        0.0        0.0\n"));
    ck_assert_ptr_nonnull(strstr(t, "lane occupancy 1.19 (busy lane-ticks / elapsed ticks)"));
    ck_assert_ptr_nonnull(strstr(t, "parallelism 0.00 (CPU time / wall time, 4 CPUs, "
                                    "machine's other load not measured)"));
    ck_assert_ptr_nonnull(strstr(t, "\nproducer                0.0       48.0      0      0        2       1  0,1\n"));
    ck_assert_ptr_nonnull(strstr(t, "\nconsumer \"2\"            0.0       59.0      1      0        2       0  1\n"));
    ck_assert_ptr_nonnull(strstr(t, "wall time 0.1 ms,"));
    ck_assert_ptr_nonnull(strstr(t, "queue                   2         4     2"));
    ck_assert_ptr_nonnull(strstr(t, "items 4, latency in ticks min 1.0 avg 11.5 max 20.0"));
    ck_assert_ptr_nonnull(strstr(t, "steals 1, preemptions 1, switches 4, dropped events 0"));
    out_summary_free(&s);
}
END_TEST

START_TEST(test_out_summary_json)
{
    out_summary s;
    const char *t;
    char path[] = "/tmp/lanes-check-sumXXXXXX", msg[4096];
    int fd, rc;

    fold_stream(&s, 7);
    t = print_to_string(1, &s);
    ck_assert_msg(json_check(t, strlen(t)) == -1, "bad JSON at %ld: %s",
                  json_check(t, strlen(t)), t);
    ck_assert_ptr_nonnull(strstr(t, "\"title\":\"Two \\\"routines\\\"\""));
    ck_assert_ptr_nonnull(strstr(t, "\"name\":\"consumer \\\"2\\\"\""));
    ck_assert_ptr_nonnull(strstr(t, "\"messages\":4,\"received\":4,\"peak\":2"));
    ck_assert_ptr_nonnull(strstr(t, "\"items\":{\"count\":4,\"timed\":4,"
                                    "\"latency_ticks\":{\"min\":1.000,\"avg\":11.500,\"max\":20.000}}"));
    ck_assert_ptr_nonnull(strstr(t, "\"lanes\":[0,1]"));
    ck_assert_ptr_nonnull(strstr(t, "\"anomalies\":0,\"dropped_events\":0}"));
    ck_assert_ptr_null(strstr(t, "\"pid\""));
    /* attached: the pid, and the counts start at the attach */
    print_pid = 4242;
    t = print_to_string(1, &s);
    ck_assert_ptr_nonnull(strstr(t, "\"exit_status\":0,\"pid\":4242,\"since_attach\":true,"
                                    "\"attached_at_ticks\":605.000,"));
    t = print_to_string(0, &s);
    ck_assert_msg(strncmp(t, "lanes: Two \"routines\": done\ncounts since the attach, at the "
                             "program's tick 605.0\n", 80) == 0, "%s", t);
    print_pid = 0;
    t = print_to_string(1, &s);
    /* and Python agrees it is JSON */
    fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, t, strlen(t)), (ssize_t)strlen(t));
    close(fd);
    snprintf(msg, sizeof msg, "python3 -c 'import json,sys; json.load(open(sys.argv[1]))' %s"
             " 2>/dev/null", path);
    if (system("python3 -c 1 >/dev/null 2>&1") == 0) {
        rc = system(msg);
        ck_assert_int_eq(rc, 0);
    }
    unlink(path);
    out_summary_free(&s);
}
END_TEST

/* The sliced run as people and programs read it: parallelism with the CPU
 * count and the machine's load, occupancy apart, per lane CPU and wait. */
START_TEST(test_out_summary_sliced_printed)
{
    out_summary s;
    const char *t;

    fold_sliced(&s);
    t = print_to_string(0, &s);
    if (getenv("SHOW") != NULL)
        fputs(t, stderr);
    ck_assert_ptr_nonnull(strstr(t, "\nparallelism 1.00 (CPU time / wall time, 1 CPU, "
                                    "machine's other load 0.9 CPU)\n"));
    ck_assert_ptr_nonnull(strstr(t, "\nlane occupancy 2.00 (busy lane-ticks / elapsed ticks)\n"));
    ck_assert_ptr_nonnull(strstr(t, "core 0             25.0  100.0%        0.0        0.0\n"));
    ck_assert_ptr_nonnull(strstr(t, "\nproducer               12.5       25.0"));
    t = print_to_string(1, &s);
    ck_assert_msg(json_check(t, strlen(t)) == -1, "bad JSON: %s", t);
    ck_assert_ptr_nonnull(strstr(t, "\"cpus\":1,\"other_load\":0.900,"));
    ck_assert_ptr_nonnull(strstr(t, "\"run_wall_s\":0.000030,\"cpu_ns\":30000,\"wait_ns\":30000"));
    ck_assert_ptr_nonnull(strstr(t, "{\"lane\":0,\"busy_ticks\":25.000,\"busy_pct\":100.00,"
                                    "\"cpu_ns\":15000,\"wait_ns\":15000}"));
    ck_assert_ptr_nonnull(strstr(t, "\"parallelism\":1.0000,\"lane_occupancy\":2.0000"));
    ck_assert_ptr_nonnull(strstr(t, "\"cpu_ticks\":12.500,\"cpu_ns\":15000,\"lane_ticks\":25.000"));
    out_summary_free(&s);
}
END_TEST

/* Writes the stream as a trace in batches of `batch`; returns the file. */
static char *trace_of(const lanes_event *ev, size_t n, size_t batch, char *path)
{
    char err[512];
    out_trace *w;
    size_t i, len;
    char *buf;
    int fd = mkstemp(path);

    ck_assert_int_ge(fd, 0);
    close(fd);
    w = out_trace_open(path, err, sizeof err);
    ck_assert_msg(w != NULL, "%s", err);
    ck_assert_int_eq(out_trace_note(w, "scenario", "synthetic \"two\""), 0);
    for (i = 0; i < n; i += batch)
        ck_assert_int_eq(out_trace_feed(w, ev + i, n - i < batch ? n - i : batch, &names), 0);
    ck_assert_str_eq(out_trace_error(w), "");
    ck_assert_int_eq(out_trace_close(w, 0, err, sizeof err), 0);
    buf = slurp_file(path, &len);
    ck_assert_ptr_nonnull(buf);
    ck_assert_msg(json_check(buf, len) == -1, "bad JSON at %ld", json_check(buf, len));
    return buf;
}

static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (; (hay = strstr(hay, needle)) != NULL; hay++)
        n++;
    return n;
}

START_TEST(test_out_trace_synthetic)
{
    char path[] = "/tmp/lanes-check-traceXXXXXX", out[4096];
    char *buf = trace_of(stream, NSTREAM, 3, path);
    int rc;

    ck_assert_int_eq(count(buf, "\"cat\":\"run\""), 4);
    ck_assert_int_eq(count(buf, "\"ph\":\"s\""), 4);
    ck_assert_int_eq(count(buf, "\"ph\":\"f\""), 4);
    ck_assert_int_eq(count(buf, "\"bp\":\"e\""), 4);
    ck_assert_ptr_nonnull(strstr(buf, "\"name\":\"thread_name\",\"args\":{\"name\":\"core 1\"}"));
    ck_assert_ptr_nonnull(strstr(buf, "\"name\":\"process_name\",\"args\":{\"name\":\"cores\"}"));
    ck_assert_ptr_nonnull(strstr(buf, "\"name\":\"process_name\",\"args\":{\"name\":\"routines\"}"));
    ck_assert_ptr_nonnull(strstr(buf, "\"name\":\"thread_sort_index\""));
    /* the first slice of the producer: lane 0, 10..40 us, preempted */
    ck_assert_ptr_nonnull(strstr(buf, "{\"ph\":\"X\",\"pid\":1,\"tid\":1,\"ts\":10.000,"
                                      "\"dur\":30.000,\"name\":\"producer\",\"cat\":\"run\","
                                      "\"args\":{\"routine\":\"producer\",\"id\":1,\"cpu\":3,\"cpu_ns\":0,"
                                      "\"wait_ns\":0,\"item\":\"o3\","
                                      "\"stop\":\"preempt\",\"queue\":\"core 0\"}}"));
    /* item 4 was handed over while the consumer was blocked: its arrow ends
     * inside the consumer's next slice (81..90 us, on core 1) */
    ck_assert_ptr_nonnull(strstr(buf, "{\"ph\":\"f\",\"pid\":1,\"tid\":2,\"ts\":85.500,"
                                      "\"name\":\"item\",\"cat\":\"flow\",\"id\":4,\"bp\":\"e\"}"));
    ck_assert_ptr_nonnull(strstr(buf, "\"name\":\"preempt\""));
    ck_assert_ptr_nonnull(strstr(buf, "\"name\":\"steal\""));
    ck_assert_ptr_nonnull(strstr(buf, "\"name\":\"runq global\",\"args\":{\"routines\":2}"));
    ck_assert_ptr_nonnull(strstr(buf, "\"name\":\"runq core 1\",\"args\":{\"routines\":1}"));
    ck_assert_ptr_nonnull(strstr(buf, "\"name\":\"chan queue\",\"args\":{\"items\":2}"));
    ck_assert_ptr_nonnull(strstr(buf, "\"name\":\"blocked\",\"cat\":\"state\","
                                      "\"args\":{\"on\":\"recv queue\"}"));
    ck_assert_ptr_nonnull(strstr(buf, "\"name\":\"runnable\",\"cat\":\"state\","
                                      "\"args\":{\"queue\":\"core 1\"}"));
    ck_assert_ptr_null(strstr(buf, "\"queue\":\"-\""));
    ck_assert_ptr_nonnull(strstr(buf, "\"name\":\"running\""));
    ck_assert_ptr_nonnull(strstr(buf, "\"scenario\":\"synthetic \\\"two\\\"\""));
    ck_assert_ptr_nonnull(strstr(buf, "\"arrows\":4,\"dropped_events\":0"));
    rc = trace_check_python(path, out, sizeof out);
    ck_assert_msg(rc == 0 || rc == 77, "python says %d: %s", rc, out);
    if (rc == 0)
        ck_assert_msg(strncmp(out, "slices=4 arrows=4 ", 18) == 0, "%s", out);
    free(buf);
    unlink(path);
}
END_TEST

/* The trace's run queue counters are the run state's queue lengths
 * (fold_state.queued) after every event: spawns into a lane's queue, its
 * run-next slot and the global queue, a MOVE, a RUN from each, a WAKE that
 * comes while the routine still runs (the run state places it at once; a
 * writer with places of its own held it back until the STOP), a PARK
 * and a STEAL. */
static const lanes_event queues[] = {
    E(0,  SPAWN, 0,  1, 0, LANES_Q_LOCAL),
    E(1,  SPAWN, 0,  2, 0, LANES_Q_RUNNEXT),
    E(2,  SPAWN, NL, 3, 0, LANES_Q_GLOBAL),
    E(3,  RUN,   0,  2, 0, LANES_Q_RUNNEXT),
    E(4,  SPAWN, 0,  4, 2, LANES_Q_RUNNEXT),
    E(5,  MOVE,  0,  4, LANES_Q_RUNNEXT, LANES_Q_LOCAL),
    E(6,  STOP,  0,  2, 1, LANES_STOP_RECV),
    E(7,  RUN,   1,  3, 1, LANES_Q_GLOBAL),
    E(8,  WAKE,  1,  2, 3, LANES_Q_RUNNEXT),
    E(9,  WAKE,  0,  3, 0, LANES_Q_LOCAL),
    E(10, STOP,  1,  3, 1, LANES_STOP_RECV),
    E(11, PARK,  0,  0, 0, 2),
    E(12, STEAL, 1,  1, 0, 0),
    E(13, RUN,   1,  1, 1, LANES_Q_STEAL),
};
#define NQUEUES (sizeof queues / sizeof queues[0])

/* The last value the trace wrote for counter `name`, 0 when none. */
static unsigned last_counter(const char *buf, const char *name)
{
    char key[96];
    const char *p, *last = NULL;

    snprintf(key, sizeof key, "\"name\":\"%s\",\"args\":{\"routines\":", name);
    for (p = buf; (p = strstr(p, key)) != NULL; p++)
        last = p;
    return last != NULL ? (unsigned)strtoul(last + strlen(key), NULL, 10) : 0;
}

START_TEST(test_out_trace_runq_is_run_state)
{
    char path[] = "/tmp/lanes-check-traceXXXXXX";
    size_t k;

    for (k = 1; k <= NQUEUES; k++) {
        fold_state s;
        char *buf;

        fold_state_init(&s);
        fold_state_feed(&s, queues, k);
        strcpy(path, "/tmp/lanes-check-traceXXXXXX");
        buf = trace_of(queues, k, 2, path);
        ck_assert_msg(last_counter(buf, "runq core 0") == s.queued[0] &&
                      last_counter(buf, "runq core 1") == s.queued[1] &&
                      last_counter(buf, "runq global") == s.queued[FOLD_GLOBAL_Q],
                      "after %zu events: the trace says %u %u %u, the run state %u %u %u", k,
                      last_counter(buf, "runq core 0"), last_counter(buf, "runq core 1"),
                      last_counter(buf, "runq global"), s.queued[0], s.queued[1],
                      s.queued[FOLD_GLOBAL_Q]);
        free(buf);
        unlink(path);
        fold_state_free(&s);
    }
}
END_TEST

/* One steal rule (fold/state.h): a STEAL event counts, and so does a RUN
 * from a steal that no STEAL event announced (it was dropped), once; the
 * summary, the routine's record and the trace's "steal" instants agree. */
START_TEST(test_out_steal_one_rule)
{
    lanes_event ev[NSTREAM];
    char path[] = "/tmp/lanes-check-traceXXXXXX";
    size_t i, n = 0;
    int without;
    char *buf;

    for (without = 0; without <= 1; without++) {
        fold_state s;

        n = 0;
        for (i = 0; i < NSTREAM; i++)
            if (!(without && stream[i].kind == LANES_EV_STEAL))
                ev[n++] = stream[i];
        ck_assert_uint_eq(n, NSTREAM - (size_t)without);
        fold_state_init(&s);
        fold_state_feed(&s, ev, n);
        ck_assert_uint_eq(s.steals, 1);
        ck_assert_uint_eq(fold_state_routine(&s, 1)->steals, 1);
        ck_assert_uint_eq(fold_state_routine(&s, 2)->steals, 0);
        fold_state_free(&s);
        strcpy(path, "/tmp/lanes-check-traceXXXXXX");
        buf = trace_of(ev, n, 3, path);
        ck_assert_int_eq(count(buf, "\"name\":\"steal\""), 1);
        free(buf);
        unlink(path);
    }
}
END_TEST

/* CPU truth in the trace: each run slice carries the CPU and wait ns its
 * CPU events summed, and each lane a counter of the share it waited. */
START_TEST(test_out_trace_cpu_truth)
{
    char path[] = "/tmp/lanes-check-traceXXXXXX", out[4096];
    char *buf = trace_of(sliced, NSLICED, 4, path);
    int rc;

    ck_assert_int_eq(count(buf, "\"cat\":\"run\""), 2);
    ck_assert_ptr_nonnull(strstr(buf, "\"args\":{\"routine\":\"producer\",\"id\":1,\"cpu\":0,"
                                      "\"cpu_ns\":15000,\"wait_ns\":15000,"));
    ck_assert_ptr_nonnull(strstr(buf, "{\"ph\":\"C\",\"pid\":1,\"tid\":1000,\"ts\":0.000,"
                                      "\"name\":\"cpu wait core 1\",\"args\":{\"waiting_pct\":50}}"));
    ck_assert_ptr_nonnull(strstr(buf, "\"ts\":60.000,\"name\":\"cpu wait core 0\","
                                      "\"args\":{\"waiting_pct\":0}}"));
    ck_assert_ptr_nonnull(strstr(buf, "\"name\":\"other load\",\"args\":{\"cpus\":0.900}}"));
    rc = trace_check_python(path, out, sizeof out);
    ck_assert_msg(rc == 0 || rc == 77, "python says %d: %s", rc, out);
    free(buf);
    unlink(path);
}
END_TEST

/* A lane switched on gets its track even when the OS never let it run a
 * routine: a starved lane is worth seeing (and a test looking for "core 0"
 * on a busy machine found none). */
START_TEST(test_out_trace_idle_lane_has_track)
{
    static const lanes_event ev[] = {
        E(0,  CORES, NL, 0, 2, 0),
        E(1,  SPAWN, NL, 1, 0, LANES_Q_GLOBAL),
        E(2,  RUN,   1,  1, 0, LANES_Q_GLOBAL),
        E(9,  STOP,  1,  1, 0, LANES_STOP_EXIT),
    };
    char path[] = "/tmp/lanes-check-traceXXXXXX";
    char *buf = trace_of(ev, sizeof ev / sizeof ev[0], 4, path);

    ck_assert_ptr_nonnull(strstr(buf, "\"name\":\"thread_name\",\"args\":{\"name\":\"core 0\"}"));
    ck_assert_ptr_nonnull(strstr(buf, "\"name\":\"thread_name\",\"args\":{\"name\":\"core 1\"}"));
    free(buf);
    unlink(path);
}
END_TEST

/* Two routines on one lane with RUNs that come too early: slices are cut so
 * that they never overlap, and a send never received draws no arrow. */
START_TEST(test_out_trace_no_overlap)
{
    static const lanes_event ev[] = {
        E(0,  CHAN,  NL, 0, 1, 0),
        E(10, RUN,   0, 1, 0, LANES_Q_LOCAL),
        E(12, SEND,  0, 1, 1, 7),
        E(15, RUN,   0, 2, 0, LANES_Q_LOCAL),   /* r1 never stopped */
        E(20, STOP,  0, 2, 0, LANES_STOP_YIELD),
        E(20, RUN,   0, 1, 0, LANES_Q_LOCAL),
        E(30, STOP,  0, 1, 1, LANES_STOP_SEND),
        E(31, RUN,   0, 3, 0, LANES_Q_LOCAL),   /* open at the end */
        E(35, PAUSE, NL, 0, 0, 0),
        E(36, STEP,  NL, 0, 1, 1),
        E(37, CORES, NL, 0, 2, 1),
        E(38, UNPARK, 1, 0, 0, 0),
        E(39, PARK,   1, 0, 0, 0),
        E(40, DEADLOCK, NL, 0, 0, 1),
    };
    char path[] = "/tmp/lanes-check-traceXXXXXX", out[4096];
    char *buf = trace_of(ev, sizeof ev / sizeof ev[0], 1, path);
    int rc;

    ck_assert_int_eq(count(buf, "\"cat\":\"run\""), 4);
    ck_assert_int_eq(count(buf, "\"ph\":\"s\""), 0);
    ck_assert_int_eq(count(buf, "\"ph\":\"f\""), 0);
    ck_assert_ptr_nonnull(strstr(buf, "\"stop\":\"end of trace\""));
    ck_assert_ptr_nonnull(strstr(buf, "\"s\":\"g\",\"name\":\"pause\""));
    ck_assert_ptr_nonnull(strstr(buf, "\"s\":\"g\",\"name\":\"step\""));
    ck_assert_ptr_nonnull(strstr(buf, "\"name\":\"cores\",\"args\":{\"cores\":2}"));
    ck_assert_ptr_nonnull(strstr(buf, "\"name\":\"park\""));
    ck_assert_ptr_nonnull(strstr(buf, "\"name\":\"deadlock\""));
    rc = trace_check_python(path, out, sizeof out);
    ck_assert_msg(rc == 0 || rc == 77, "python says %d: %s", rc, out);
    free(buf);
    unlink(path);
}
END_TEST

START_TEST(test_out_trace_write_error)
{
    char err[512] = "";
    out_trace *w = out_trace_open("/dev/full", err, sizeof err);
    int i, rc = 0;

    ck_assert_msg(w != NULL, "%s", err);
    /* enough events to fill the buffer at least once */
    for (i = 0; i < 2000 && rc == 0; i++)
        rc = out_trace_feed(w, stream, NSTREAM, &names);
    ck_assert_int_eq(rc, -1);
    ck_assert_str_eq(out_trace_error(w), "cannot write trace /dev/full: No space left on device");
    ck_assert_int_eq(out_trace_close(w, 0, err, sizeof err), -1);
    ck_assert_str_eq(err, "cannot write trace /dev/full: No space left on device");

    /* a small trace fails at close, where the buffer is written */
    w = out_trace_open("/dev/full", err, sizeof err);
    ck_assert_ptr_nonnull(w);
    ck_assert_int_eq(out_trace_feed(w, stream, 3, &names), 0);
    ck_assert_int_eq(out_trace_close(w, 0, err, sizeof err), -1);
    ck_assert_str_eq(err, "cannot write trace /dev/full: No space left on device");

    ck_assert_ptr_null(out_trace_open("/nonexistent-dir/t.json", err, sizeof err));
    ck_assert_str_eq(err, "cannot write trace /nonexistent-dir/t.json: No such file or directory");
}
END_TEST

START_TEST(test_out_trace_broken_pipe)
{
    int p[2];
    out_trace *w;
    char err[512];
    int i, rc = 0;

    ck_assert_int_eq(pipe(p), 0);
    close(p[0]);
    signal(SIGPIPE, SIG_IGN);
    w = out_trace_open_fd(p[1], "-");
    for (i = 0; i < 2000 && rc == 0; i++)
        rc = out_trace_feed(w, stream, NSTREAM, &names);
    ck_assert_int_eq(rc, -1);
    ck_assert_int_eq(out_trace_close(w, 0, err, sizeof err), -1);
    ck_assert_str_eq(err, "cannot write trace to standard output: Broken pipe");
    close(p[1]);
}
END_TEST

START_TEST(test_out_trace_dropped)
{
    char path[] = "/tmp/lanes-check-traceXXXXXX", err[512];
    int fd = mkstemp(path);
    out_trace *w;
    char *buf;
    size_t len;

    close(fd);
    w = out_trace_open(path, err, sizeof err);
    ck_assert_ptr_nonnull(w);
    ck_assert_int_eq(out_trace_feed(w, stream, NSTREAM, &names), 0);
    ck_assert_int_eq(out_trace_close(w, 12, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "incomplete: 12 events were dropped"));
    buf = slurp_file(path, &len);
    ck_assert_int_eq(json_check(buf, len), -1);
    ck_assert_ptr_nonnull(strstr(buf, "\"incomplete\":true"));
    free(buf);
    unlink(path);
}
END_TEST

/* The UI's restart: a second runtime in the same file, after the first. */
START_TEST(test_out_trace_restart)
{
    char path[] = "/tmp/lanes-check-traceXXXXXX", err[512], out[4096];
    int fd = mkstemp(path), rc;
    out_trace *w;
    char *buf;
    size_t len;

    close(fd);
    w = out_trace_open(path, err, sizeof err);
    ck_assert_ptr_nonnull(w);
    ck_assert_int_eq(out_trace_feed(w, stream, NSTREAM - 3, &names), 0);  /* cut short */
    ck_assert_int_eq(out_trace_restart(w), 0);
    ck_assert_int_eq(out_trace_feed(w, stream, NSTREAM, &names), 0);
    ck_assert_int_eq(out_trace_close(w, 0, err, sizeof err), 0);
    buf = slurp_file(path, &len);
    ck_assert_int_eq(json_check(buf, len), -1);
    ck_assert_ptr_nonnull(strstr(buf, "\"args\":{\"name\":\"cores (run 2)\"}"));
    ck_assert_ptr_nonnull(strstr(buf, "\"args\":{\"name\":\"routines (run 2)\"}"));
    /* run 1 was cut at 80 us; run 2 starts 1 ms later */
    ck_assert_ptr_nonnull(strstr(buf, "{\"ph\":\"X\",\"pid\":3,\"tid\":20000001,\"ts\":1090.000,"
                                      "\"dur\":30.000,\"name\":\"producer\""));
    ck_assert_int_eq(count(buf, "\"cat\":\"run\""), 3 + 4);
    rc = trace_check_python(path, out, sizeof out);
    ck_assert_msg(rc == 0 || rc == 77, "python says %d: %s", rc, out);
    free(buf);
    unlink(path);
}
END_TEST

/* Notes longer than the writer's buffer still come out whole. */
START_TEST(test_out_trace_long_notes)
{
    char path[] = "/tmp/lanes-check-traceXXXXXX", err[512], val[900], key[16];
    int fd = mkstemp(path), i;
    out_trace *w;
    char *buf;
    size_t len;

    close(fd);
    memset(val, 'x', sizeof val - 1);
    val[sizeof val - 1] = '\0';
    w = out_trace_open(path, err, sizeof err);
    ck_assert_ptr_nonnull(w);
    for (i = 0; i < 200; i++) {
        snprintf(key, sizeof key, "k%d", i);
        out_trace_note(w, key, val);
    }
    ck_assert_int_eq(out_trace_feed(w, stream, NSTREAM, &names), 0);
    ck_assert_int_eq(out_trace_close(w, 0, err, sizeof err), 0);
    buf = slurp_file(path, &len);
    ck_assert_int_eq(json_check(buf, len), -1);
    ck_assert_int_eq(count(buf, val), 200);
    ck_assert_ptr_nonnull(strstr(buf, "\"k199\":\"xxx"));
    free(buf);
    unlink(path);
}
END_TEST

/* The interpreter's marks: a note is an instant named by its text on the
 * routine's core; a loop's own yield is "loop yield" in the trace and a
 * loop_yields count in the summary, while a `yield` step stays a yield. */
static const lanes_event marked[] = {
    E(1,  SPAWN, NL, 1, 0, LANES_Q_GLOBAL),
    E(10, RUN,   0,  1, 0, LANES_Q_GLOBAL),
    E(12, NOTE,  0,  1, SCN_MARK_NOTE_PAUSE, 1),
    E(14, NOTE,  0,  1, SCN_MARK_LOOP_YIELD, 9),
    E(15, STOP,  0,  1, LANES_Q_LOCAL, LANES_STOP_YIELD),
    E(20, RUN,   0,  1, 0, LANES_Q_LOCAL),
    E(25, STOP,  0,  1, LANES_Q_LOCAL, LANES_STOP_YIELD),
    E(30, RUN,   0,  1, 0, LANES_Q_LOCAL),
    E(40, STOP,  0,  1, 0, LANES_STOP_EXIT),
};

static const char *note_texts(void *ctx, int i)
{
    static const char *const t[] = { "zero", "Press \"4\" now" };
    (void)ctx;
    return i >= 0 && i < 2 ? t[i] : NULL;
}

START_TEST(test_out_marks)
{
    char path[] = "/tmp/lanes-check-traceXXXXXX", err[512];
    int fd = mkstemp(path);
    size_t n = sizeof marked / sizeof marked[0], len;
    out_summary s;
    out_trace *w;
    char *buf;

    close(fd);
    w = out_trace_open(path, err, sizeof err);
    ck_assert_ptr_nonnull(w);
    out_trace_notes(w, note_texts, NULL);
    ck_assert_int_eq(out_trace_feed(w, marked, n, &names), 0);
    ck_assert_int_eq(out_trace_close(w, 0, err, sizeof err), 0);
    buf = slurp_file(path, &len);
    ck_assert_int_eq(json_check(buf, len), -1);
    ck_assert_msg(strstr(buf, "{\"ph\":\"i\",\"pid\":1,\"tid\":1,\"ts\":12.000,\"s\":\"t\","
                              "\"name\":\"Press \\\"4\\\" now\",\"cat\":\"note\",\"args\":"
                              "{\"routine\":\"producer\",\"pause\":true}}") != NULL, "%s", buf);
    ck_assert_int_eq(count(buf, "\"stop\":\"loop yield\""), 1);
    ck_assert_int_eq(count(buf, "\"stop\":\"yield\""), 1);
    free(buf);
    unlink(path);

    out_summary_init(&s);
    out_summary_feed(&s, marked, n);
    out_summary_finish(&s, 40000, 40000, 0);
    ck_assert_uint_eq(s.routines[1].yields, 1);
    ck_assert_uint_eq(s.routines[1].loop_yields, 1);
    out_summary_free(&s);
}
END_TEST

static Suite *out_suite(void)
{
    Suite *s = suite_create("out");
    TCase *tc = tcase_create("folds");

    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_out_summary_counts);
    tcase_add_test(tc, test_out_summary_repairs);
    tcase_add_test(tc, test_out_summary_cpu_truth);
    tcase_add_test(tc, test_out_cpu_steps_count_their_work);
    tcase_add_test(tc, test_out_cpu_starved_rule);
    tcase_add_test(tc, test_out_cpu_work_after_pause);
    tcase_add_test(tc, test_out_cpu_parallelism_capped);
    tcase_add_test(tc, test_out_summary_sliced_printed);
    tcase_add_test(tc, test_out_summary_many_items);
    tcase_add_test(tc, test_out_summary_items_random);
    tcase_add_test(tc, test_out_json_quote);
    tcase_add_test(tc, test_out_json_checker);
    tcase_add_test(tc, test_out_summary_text);
    tcase_add_test(tc, test_out_summary_json);
    tcase_add_test(tc, test_out_trace_synthetic);
    tcase_add_test(tc, test_out_steal_one_rule);
    tcase_add_test(tc, test_out_trace_cpu_truth);
    tcase_add_test(tc, test_out_trace_idle_lane_has_track);
    tcase_add_test(tc, test_out_trace_no_overlap);
    tcase_add_test(tc, test_out_trace_write_error);
    tcase_add_test(tc, test_out_trace_broken_pipe);
    tcase_add_test(tc, test_out_trace_dropped);
    tcase_add_test(tc, test_out_trace_restart);
    tcase_add_test(tc, test_out_trace_long_notes);
    tcase_add_test(tc, test_out_marks);
    tcase_add_test(tc, test_out_trace_runq_is_run_state);
    tcase_add_test(tc, test_out_summary_attached);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(out_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
