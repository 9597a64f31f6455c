/*
 * chaos.c - every built-in scenario, again and again, while another thread
 * changes the runtime under it at random: cores (1..8), pause, resume,
 * steps, quantum, tick.  Every run: no trace event lost, no out-of-order
 * RUN/STOP; one that ends done has every routine spawned exited and no
 * partial-deadlock report; one that deadlocks has some routine left.  A
 * run that ends done implies exactly what every other done run of that
 * scenario implies -- routines spawned and exited, messages sent and
 * received on each channel, items.  A deadlock is allowed only of a
 * scenario that deadlocked in one of its calm runs (on 1, 2 and 4 cores):
 * some (the philosophers) deadlock or not as time falls, others (the
 * `deadlock` built-in) always do, and the rest must never.
 *
 * Built-ins that can run forever (scn_endless_line) are left out.
 * Usage: tests/chaos [SECONDS] (default $LANES_CHAOS_SECONDS, else 2):
 * rounds over the built-ins until SECONDS have passed (at least one).
 * make check runs it briefly; .ci/run runs it for minutes.  The time only
 * bounds how long it goes on: nothing asserts on it.
 */
#include "config.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lanes.h"
#include "scn/scn.h"
#include "report/summary.h"

#define BATCH 4096
#define MAX_CH 64

/* What a run implies, to compare with the calm run's. */
typedef struct outcome {
    int      status;           /* SCN_*                                     */
    uint64_t spawns, exits, sends, recvs, items;
    uint64_t ch_sends[MAX_CH], ch_recvs[MAX_CH];
    int      reports;
    char     report[256];      /* the first one                             */
    uint64_t dropped, anomalies;
} outcome;

typedef struct chaos {
    lanes_rt   *rt;
    _Atomic int over;
    unsigned    seed;
    long        actions;
} chaos;

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void *chaos_main(void *arg)
{
    chaos *c = arg;

    while (!atomic_load(&c->over)) {
        unsigned v;

        c->seed = c->seed * 1103515245u + 12345u;
        v = c->seed >> 16;
        switch (v % 8) {
        case 0: case 1: case 2: lanes_set_cores(c->rt, 1 + (int)((v >> 3) % 8)); break;
        case 3: lanes_pause(c->rt); break;
        case 4: case 5: lanes_resume(c->rt); break;
        case 6: lanes_step(c->rt, 1 + (int)((v >> 3) % 3)); break;   /* -EINVAL if running */
        default:
            if (v & 8)
                lanes_set_quantum(c->rt, (int)((v >> 4) % 5));
            else
                lanes_set_tick(c->rt, 5000 + ((v >> 4) % 8) * 5000);
            break;
        }
        c->actions++;
        nanosleep(&(struct timespec){ 0, 10000 + (long)((v >> 5) % 8) * 10000 }, NULL);
    }
    lanes_resume(c->rt);
    return NULL;
}

/* What the calm runs of a scenario said. */
typedef struct known {
    outcome ref;               /* the first run that ended done             */
    int     have_ref;
    int     may_deadlock;      /* a calm run deadlocked                     */
} known;

/* Runs p to its end on `cores` (0: its own), with chaos when seed != 0. */
static void run_one(const scn_program *p, int cores, unsigned seed, outcome *o, long *actions)
{
    scn_settings set;
    scn_run *run;
    lanes_rt *rt;
    lanes_event *ev = malloc(BATCH * sizeof *ev);
    out_summary sum;
    chaos c;
    pthread_t th;
    char err[256], *r;
    size_t n, i;
    int st = SCN_TIMEOUT;

    memset(o, 0, sizeof *o);
    memset(&set, 0, sizeof set);
    set.cores = cores;
    set.quantum = -1;
    set.tick_ns = 20000;
    set.seed_set = 1;
    set.seed = 7;
    set.flags = LANES_START_PAUSED;
    run = scn_start(p, &set, err, sizeof err);
    if (run == NULL || ev == NULL) {
        fprintf(stderr, "chaos: cannot start %s: %s\n", scn_title(p), err);
        exit(1);
    }
    rt = scn_rt(run);
    lanes_trace_lossless(rt, 1);
    out_summary_init(&sum);
    memset(&c, 0, sizeof c);
    c.rt = rt;
    c.seed = seed;
    atomic_init(&c.over, 0);
    lanes_resume(rt);
    if (seed != 0 && pthread_create(&th, NULL, chaos_main, &c) != 0) {
        fprintf(stderr, "chaos: no thread\n");
        exit(1);
    }
    for (;;) {
        n = lanes_trace_read(rt, ev, BATCH);
        out_summary_feed(&sum, ev, n);
        while ((r = scn_take_report(run)) != NULL) {
            if (o->reports++ == 0)
                snprintf(o->report, sizeof o->report, "%s", r);
            free(r);
        }
        if (n == BATCH)
            continue;
        if (st != SCN_TIMEOUT && n == 0)
            break;
        if (st == SCN_TIMEOUT)
            st = scn_wait(run, 1000000u);
    }
    if (seed != 0) {
        atomic_store(&c.over, 1);
        pthread_join(th, NULL);
        *actions += c.actions;
    }
    n = lanes_trace_read(rt, ev, BATCH);
    out_summary_feed(&sum, ev, n);
    out_summary_finish(&sum, lanes_now(rt), 0, lanes_trace_dropped(rt));
    o->status = st;
    o->spawns = sum.spawns;
    o->exits = sum.exits;
    o->sends = sum.sends;
    o->recvs = sum.recvs;
    o->items = sum.items;
    o->dropped = sum.dropped;
    o->anomalies = sum.anomalies;
    for (i = 1; i < sum.chans_len && i < MAX_CH; i++) {
        o->ch_sends[i] = sum.chans[i].sends;
        o->ch_recvs[i] = sum.chans[i].recvs;
    }
    out_summary_free(&sum);
    scn_stop(run);
    free(ev);
}

static int same(const char *name, unsigned seed, const outcome *ref, const outcome *o)
{
    int bad = 0, i;

#define SAME(f) do { if (ref->f != o->f) { \
        fprintf(stderr, "chaos: %s, seed %u: " #f " %llu, another done run %llu\n", name, seed, \
                (unsigned long long)o->f, (unsigned long long)ref->f); bad = 1; } } while (0)
    SAME(spawns);
    SAME(exits);
    SAME(sends);
    SAME(recvs);
    SAME(items);
    for (i = 1; i < MAX_CH; i++) {
        SAME(ch_sends[i]);
        SAME(ch_recvs[i]);
    }
#undef SAME
    return bad;
}

/* Judges run o of a scenario (seed 0: a calm one); 1 when it is wrong. */
static int judge(const char *name, unsigned seed, known *k, const outcome *o)
{
    int bad = 0;

    if (o->dropped != 0 || o->anomalies != 0) {
        fprintf(stderr, "chaos: %s, seed %u: %llu events dropped, %llu anomalies\n", name, seed,
                (unsigned long long)o->dropped, (unsigned long long)o->anomalies);
        bad = 1;
    }
    if (o->status == SCN_DEADLOCK) {
        if (seed == 0)
            k->may_deadlock = 1;
        if (!k->may_deadlock || o->exits >= o->spawns) {
            fprintf(stderr, "chaos: %s, seed %u: deadlock (%llu of %llu exited), never in a "
                    "calm run\n", name, seed, (unsigned long long)o->exits,
                    (unsigned long long)o->spawns);
            bad = 1;
        }
        return bad;
    }
    if (o->status != SCN_DONE || o->spawns != o->exits || o->reports != 0) {
        /* in a run that ends done nobody was stuck for good: a report is false */
        fprintf(stderr, "chaos: %s, seed %u: status %d, %llu of %llu exited, %d reports %s\n",
                name, seed, o->status, (unsigned long long)o->exits,
                (unsigned long long)o->spawns, o->reports, o->report);
        return 1;
    }
    if (!k->have_ref) {
        k->ref = *o;
        k->have_ref = 1;
        return bad;
    }
    return bad | same(name, seed, &k->ref, o);
}

int main(int argc, char **argv)
{
    const char *env = getenv("LANES_CHAOS_SECONDS");
    double secs = argc > 1 ? atof(argv[1]) : env != NULL ? atof(env) : 2;
    uint64_t end;
    static known calm[32];
    outcome o;
    int cores;
    scn_result res[32];
    const char *names[32];
    int nb = 0, b, i, rounds = 0, failed = 0;
    long actions = 0;
    unsigned seed = 1;

    for (i = 0; nb < 32 && scn_builtin_name(i) != NULL; i++) {
        names[nb] = scn_builtin_name(i);
        res[nb] = scn_load(names[nb]);
        if (res[nb].prog == NULL) {
            fprintf(stderr, "chaos: cannot load %s\n", names[nb]);
            return 1;
        }
        if (scn_endless_line(res[nb].prog) != 0) {   /* would never end: not here */
            scn_result_free(&res[nb]);
            continue;
        }
        for (cores = 1; cores <= 4 && !failed; cores *= 2) {
            run_one(res[nb].prog, cores, 0, &o, &actions);
            failed |= judge(names[nb], 0, &calm[nb], &o);
        }
        nb++;
    }
    end = now_ns() + (uint64_t)(secs * 1e9);
    do {
        for (b = 0; b < nb && !failed; b++) {
            seed = seed * 2654435761u + 1u;
            if (seed == 0)
                seed = 1;
            run_one(res[b].prog, 0, seed, &o, &actions);
            failed |= judge(names[b], seed, &calm[b], &o);
        }
        rounds++;
    } while (!failed && now_ns() < end);
    for (b = 0; b < nb; b++)
        scn_result_free(&res[b]);
    printf("chaos: %d rounds of %d scenarios, %ld random changes: %s\n", rounds, nb, actions,
           failed ? "FAILED" : "ok");
    return failed ? 1 : 0;
}
