/*
 * check_stress.c - conservation under load: a workers-shaped and a
 * pipeline-shaped scenario, each with 1,000 routines, run headless while
 * another thread changes the core count 1,000 times at random (1..8).
 * The trace is read losslessly and must show every item sent exactly once
 * and received exactly once on each channel it passes, the totals the
 * program implies, every routine spawned once and exiting once (never run
 * after its exit), every core change, and no dropped event; the headless
 * summary, fed the same events, must count the same.
 *
 * The changer is paced by the trace, not by the clock: it makes a change,
 * then waits until the consumer has read STRIDE more events, and the
 * consumer waits for it in turn.  The lanes' rings are small and lossless,
 * so the lanes cannot run far ahead of the consumer, and every change
 * lands while routines are running, on any machine at any speed.
 * The same numbers in every build: about 0.2 s plain, 0.8 s under ASan,
 * 6 s and 1 GB under TSan (its shadow of 1,000 routine stacks).
 */
#include "config.h"

#include <check.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lanes.h"
#include "scn/scn.h"
#include "report/summary.h"

enum { ROUTINES = 1000, CHANGES = 1000, ITEMS = 8000, RING = 2048 };

/* RING is each ring's capacity.  The control ring holds the SPAWN events
 * of every routine until the run starts, before lossless mode can be on.
 * Each item makes at least 4 events (2 sends, 2 receives) and each routine
 * 3 (spawn, run, exit); the consumer reads at most CHANGES * STRIDE + BATCH
 * before the last change, and the lanes can write at most a ring more
 * each: so the last change always comes before the end. */
enum { STRIDE = 4, MAX_CORES_USED = 8, BATCH = 1024, MAX_CHANS = 4 };
_Static_assert(RING > ROUTINES + 16, "the control ring must hold every SPAWN");
_Static_assert(4 * ITEMS + 3 * ROUTINES > CHANGES * STRIDE + BATCH + RING * (MAX_CORES_USED + 1),
               "the run could end before the last core change");

/* ---- the core changer ------------------------------------------------------- */

typedef struct changer {
    lanes_rt *rt;
    _Atomic uint64_t events_read;  /* by the consumer                        */
    _Atomic int changes;           /* lanes_set_cores calls made             */
    _Atomic int real_changes;      /* of those, with a new count (a CORES)   */
    _Atomic int over;              /* the run ended: stop                    */
    int failures;                  /* lanes_set_cores returned an error      */
    unsigned seed;
} changer;

static void *changer_main(void *arg)
{
    changer *c = arg;
    int k, last = lanes_cores(c->rt);

    for (k = 0; k < CHANGES && !atomic_load(&c->over); k++) {
        int n = 1 + (int)(rand_r(&c->seed) % MAX_CORES_USED);

        if (lanes_set_cores(c->rt, n) != 0)
            c->failures++;
        else if (n != last)
            atomic_fetch_add(&c->real_changes, 1);
        last = n;
        atomic_fetch_add(&c->changes, 1);
        while (!atomic_load(&c->over) &&
               atomic_load(&c->events_read) < (uint64_t)(k + 1) * STRIDE)
            sched_yield();
    }
    return NULL;
}

/* ---- what the trace says ---------------------------------------------------- */

typedef struct tally {
    uint32_t chan_ids[MAX_CHANS];  /* by CHAN event order                   */
    int      nchans;
    uint8_t  sent[MAX_CHANS][ITEMS * 2 + 2];   /* per item number         */
    uint8_t  recvd[MAX_CHANS][ITEMS * 2 + 2];
    uint64_t sends[MAX_CHANS], recvs[MAX_CHANS];
    int      bad_item;             /* an item number out of range           */
    uint8_t  spawned[ROUTINES * 2 + 2];        /* per routine id          */
    uint8_t  exited[ROUTINES * 2 + 2];
    int      bad_routine, run_after_exit;
    int      cores_events;
    uint64_t last_exit_ns, last_cores_ns;
} tally;

static int chan_index(tally *t, uint32_t id)
{
    int i;
    for (i = 0; i < t->nchans; i++)
        if (t->chan_ids[i] == id)
            return i;
    return -1;
}

static void count(tally *t, const lanes_event *e)
{
    int c;

    switch (e->kind) {
    case LANES_EV_CHAN:
        if (t->nchans < MAX_CHANS)
            t->chan_ids[t->nchans++] = e->obj;
        break;
    case LANES_EV_SEND:
    case LANES_EV_RECV:
        c = chan_index(t, e->obj);
        if (c < 0 || e->arg <= 0 || e->arg > ITEMS * 2) {
            t->bad_item++;
            break;
        }
        if (e->kind == LANES_EV_SEND) {
            t->sent[c][e->arg]++;
            t->sends[c]++;
        } else {
            t->recvd[c][e->arg]++;
            t->recvs[c]++;
        }
        break;
    case LANES_EV_SPAWN:
    case LANES_EV_STOP:
    case LANES_EV_RUN:
        if (e->routine == 0 || e->routine > ROUTINES * 2) {
            t->bad_routine++;
            break;
        }
        if (e->kind == LANES_EV_SPAWN)
            t->spawned[e->routine]++;
        else if (e->kind == LANES_EV_RUN && t->exited[e->routine])
            t->run_after_exit++;
        else if (e->kind == LANES_EV_STOP && e->arg == LANES_STOP_EXIT) {
            t->exited[e->routine]++;
            t->last_exit_ns = e->t_ns;
        }
        break;
    case LANES_EV_CORES:
        t->cores_events++;
        t->last_cores_ns = e->t_ns;
        break;
    default:
        break;
    }
}

/* ---- one run ------------------------------------------------------------------ */

static tally T;
static out_summary S;
static lanes_event buf[BATCH];

/* Runs `text` (`nchans` channels, which every item passes in turn) to its
 * end while the core count changes; checks the counts. */
static void stress(const char *name, const char *text, int nchans)
{
    scn_result res = scn_parse(name, text, strlen(text));
    scn_settings set;
    scn_run *run;
    changer ch;
    pthread_t thr;
    char err[300];
    uint64_t read_total = 0;
    int st = SCN_TIMEOUT, ended = 0, c, i, exits = 0, spawns = 0, cores_before_end;
    size_t n;

    ck_assert_msg(res.prog != NULL, "%s", res.messages != NULL ? res.messages : "no program");
    memset(&set, 0, sizeof set);
    set.cores = 2;
    set.quantum = 1;
    set.tick_ns = 1000;
    set.flags = LANES_START_PAUSED;
    set.trace_events = RING;
    run = scn_start(res.prog, &set, err, sizeof err);
    ck_assert_msg(run != NULL, "%s", err);
    lanes_trace_lossless(scn_rt(run), 1);

    memset(&T, 0, sizeof T);
    out_summary_init(&S);
    memset(&ch, 0, sizeof ch);
    ch.rt = scn_rt(run);
    ch.seed = 20261127u;
    ck_assert_int_eq(pthread_create(&thr, NULL, changer_main, &ch), 0);
    lanes_resume(scn_rt(run));

    for (;;) {
        n = lanes_trace_read(scn_rt(run), buf, BATCH);
        for (i = 0; i < (int)n; i++)
            count(&T, &buf[i]);
        out_summary_feed(&S, buf, n);
        read_total += n;
        atomic_store(&ch.events_read, read_total);
        /* let the changer keep up: one change per STRIDE events read */
        while (!ended && atomic_load(&ch.changes) < CHANGES &&
               (uint64_t)atomic_load(&ch.changes) * STRIDE < read_total)
            sched_yield();
        if (n == BATCH)
            continue;
        if (ended && n == 0)
            break;
        if (!ended) {
            st = scn_wait(run, 1000000);
            ended = st != SCN_TIMEOUT;
            if (ended)
                atomic_store(&ch.over, 1);
        }
    }
    pthread_join(thr, NULL);
    out_summary_finish(&S, 0, 0, lanes_trace_dropped(scn_rt(run)));

    if (st != SCN_DONE)
        fprintf(stderr, "%s: %s", name, scn_end_message(run));
    ck_assert_msg(st == SCN_DONE, "%s ended with %d: %.300s", name, st, scn_end_message(run));
    ck_assert_int_eq(lanes_trace_dropped(scn_rt(run)), 0);
    ck_assert_int_eq(ch.failures, 0);

    /* every core change happened, and while routines still ran */
    ck_assert_int_eq(atomic_load(&ch.changes), CHANGES);
    ck_assert_int_eq(T.cores_events, 1 + atomic_load(&ch.real_changes));   /* +1: at open */
    cores_before_end = T.last_cores_ns < T.last_exit_ns;
    ck_assert_msg(cores_before_end, "%s: the last core change came after the last exit", name);

    /* every routine spawned once, exited once, never ran after */
    for (i = 1; i < (int)(sizeof T.spawned); i++) {
        ck_assert_msg(T.spawned[i] <= 1 && T.exited[i] == T.spawned[i],
                      "%s: routine %d spawned %d times, exited %d", name, i,
                      T.spawned[i], T.exited[i]);
        spawns += T.spawned[i];
        exits += T.exited[i];
    }
    ck_assert_int_eq(spawns, ROUTINES);
    ck_assert_int_eq(exits, ROUTINES);
    ck_assert_int_eq(T.bad_routine, 0);
    ck_assert_int_eq(T.run_after_exit, 0);

    /* every item sent once and received once on each channel it passes */
    ck_assert_int_eq(T.nchans, nchans);
    ck_assert_int_eq(T.bad_item, 0);
    for (c = 0; c < nchans; c++) {
        int items = 0;
        for (i = 1; i <= ITEMS * 2; i++) {
            ck_assert_msg(T.sent[c][i] == T.recvd[c][i] && T.sent[c][i] <= 1,
                          "%s: item %d on channel %d: sent %d times, received %d", name, i,
                          c, T.sent[c][i], T.recvd[c][i]);
            ck_assert_msg(T.sent[c][i] == T.sent[0][i], "%s: item %d skipped channel %d",
                          name, i, c);
            items += T.sent[c][i];
        }
        ck_assert_int_eq(items, ITEMS);
        ck_assert_int_eq(T.sends[c], ITEMS);
        ck_assert_int_eq(T.recvs[c], ITEMS);
    }

    /* the summary counts the same */
    ck_assert_int_eq(S.sends, (uint64_t)ITEMS * (uint64_t)nchans);
    ck_assert_int_eq(S.recvs, (uint64_t)ITEMS * (uint64_t)nchans);
    ck_assert_int_eq(S.spawns, ROUTINES);
    ck_assert_int_eq(S.exits, ROUTINES);
    ck_assert_int_eq(S.items, ITEMS);
    ck_assert_int_eq(S.anomalies, 0);
    ck_assert_int_eq(S.dropped, 0);

    printf("%s: %d routines, %d items over %d channels, %d core changes (%d to a new count), "
           "%llu events\n", name, ROUTINES, ITEMS, nchans, atomic_load(&ch.changes),
           atomic_load(&ch.real_changes), (unsigned long long)read_total);
    out_summary_free(&S);
    scn_stop(run);
    scn_result_free(&res);
}

/* A dispatcher, ROUTINES-2 workers and a collector: every job goes
 * dispatcher -> jobs -> a worker -> results -> collector. */
START_TEST(test_stress_workers)
{
    char text[600];

    snprintf(text, sizeof text,
             "chan jobs 8\n"
             "chan results 8\n"
             "routine dispatcher\n  repeat %d\n    send jobs\n  end\n  close jobs\nend\n"
             "routine worker x%d\n  range jobs\n    work 1\n    send results\n  end\nend\n"
             "routine collector\n  repeat %d\n    recv results\n  end\nend\n",
             ITEMS, ROUTINES - 2, ITEMS);
    stress("stress-workers.lanes", text, 2);
}
END_TEST

/* One reader, then parsers and writers sharing the rest: every item goes
 * reader -> raw -> a parser -> parsed -> a writer.  Each writer takes an
 * equal share, so nobody needs to close `parsed`. */
START_TEST(test_stress_pipeline)
{
    int writers = ROUTINES / 2, parsers = ROUTINES - 1 - writers;
    char text[600];

    ck_assert_msg(ITEMS % writers == 0, "ITEMS must split evenly among %d writers", writers);
    snprintf(text, sizeof text,
             "chan raw 4\n"
             "chan parsed 4\n"
             "routine reader\n  repeat %d\n    work 1\n    send raw\n  end\n  close raw\nend\n"
             "routine parser x%d\n  range raw\n    work 1\n    send parsed\n  end\nend\n"
             "routine writer x%d\n  repeat %d\n    recv parsed\n    work 1\n  end\nend\n",
             ITEMS, parsers, writers, ITEMS / writers);
    stress("stress-pipeline.lanes", text, 2);
}
END_TEST

static Suite *stress_suite(void)
{
    Suite *s = suite_create("stress");
    TCase *tc = tcase_create("stress");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_stress_workers);
    tcase_add_test(tc, test_stress_pipeline);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(stress_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
