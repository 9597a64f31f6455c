/*
 * sweep_run.c - `--sweep`'s runs: the scenario headless at each core count
 * in turn, each through its own pump (src/play) with the summary as its
 * one fold; each run's figures are the fold's (summary.c), never
 * recomputed; sweep.c compares and prints them.
 *
 * Invariants: the runs never overlap - each runtime is closed before the
 * next opens, so no row competes with another for the CPUs; every row
 * runs the same program with the same seed, quantum and tick; a row whose
 * run lost events, or ended other than at its end or at --for's limit,
 * stops the sweep with that run's exit status and prints no table.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report/out.h"
#include "report/summary.h"
#include "report/sweep.h"

/* A sweep's own tick, unless --tick or --speed: a headless run's 20 us
 * (headless.c) makes rows of a few ms, where the start of a run and the
 * OS's time slices weigh as much as the work (speedups of 0.5 to 3 on one
 * CPU); at 1 ms a row of timeslice is 160 ms. */
#define SWEEP_TICK_NS 1000000u
#define SWEEP_WAIT_NS 1000000u       /* between drains                         */

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The tick of every row: SWEEP_TICK_NS, else as a headless run takes it
 * (headless.c). */
static uint64_t sweep_tick(const lanes_opts *o, const scn_program *prog)
{
    double t;

    if (o->tick_ns == 0 && (o->speed <= 0 || o->speed >= LANES_SPEED_MAX))
        return SWEEP_TICK_NS;
    t = (double)(o->tick_ns != 0 ? o->tick_ns : scn_tick_ns(prog));
    if (o->speed > 0 && o->speed < LANES_SPEED_MAX)
        t /= o->speed;
    return t < 1000 ? 1000 : (uint64_t)t;
}

/* One run of `cores` lanes to its end (or --for's limit) into *row, from
 * the summary fold.  The exit status a single headless run would give;
 * on failure the reason is said on stderr. */
static int run_row(const lanes_opts *o, const scn_program *prog, int cores,
                   out_sweep_table *sw, out_sweep_row *row)
{
    scn_settings set;
    scn_run *run;
    play *p;
    play_fold f;
    out_summary sum;
    char err[600], *r;
    uint64_t t0, limit_mt = (uint64_t)o->for_ticks * 1000u;
    size_t n;
    int st = SCN_TIMEOUT, ended = 0, status = EXIT_DONE;

    memset(&set, 0, sizeof set);
    set.cores = cores;
    set.quantum = o->quantum;
    set.tick_ns = sweep_tick(o, prog);
    set.seed_set = o->seed_set;
    set.seed = o->seed;
    p = play_new(prog);
    if (p == NULL) {
        fprintf(stderr, "lanes: out of memory\n");
        return EXIT_SYSTEM;
    }
    out_summary_init(&sum);
    f = out_summary_fold(&sum);
    play_add(p, &f);                    /* lossless: the pump starts it paused */
    if (play_start(p, &set, 1, err, sizeof err) != 0) {
        fprintf(stderr, "lanes: %s\n", err[0] != '\0' ? err : strerror(errno));
        play_free(p);
        out_summary_free(&sum);
        return EXIT_SYSTEM;
    }
    run = play_run(p);
    sw->tick_ns = play_tick(p);
    sw->quantum = play_quantum(p);
    out_summary_set_tick(&sum, sw->tick_ns);
    if (limit_mt > 0)
        play_pause_at(p, limit_mt);     /* --for: exact, as headless.c */
    t0 = now_ns();
    play_resume(p);
    for (;;) {
        n = play_pump(p, PLAY_CHUNK);
        while ((r = scn_take_report(run)) != NULL)
            free(r);                     /* a stuck run ends in its end message */
        if (n == PLAY_CHUNK)
            continue;
        if (ended && n == 0)
            break;
        if (!ended && limit_mt != 0 && play_now(p) >= limit_mt) {
            play_pause(p);
            ended = row->limited = 1;
        }
        if (!ended) {
            st = scn_wait(run, SWEEP_WAIT_NS);
            ended = st != SCN_TIMEOUT;
        }
    }
    out_summary_finish(&sum, play_now(p), now_ns() - t0, play_dropped(p));
    row->cores = cores;
    row->ticks_mt = sum.end_mt;
    row->wall_ns = sum.wall_ns;
    row->parallelism = out_summary_parallelism(&sum);
    row->other_load = fold_cpu_load_avg(&sum.cpu);
    row->cpu_ns = sum.cpu.cpu_ns;
    row->wait_ns = sum.cpu.wait_ns;
    if (sum.cpu.cpus > 0)
        sw->cpus = sum.cpu.cpus;
    if (st != SCN_DONE && !row->limited) {
        status = st == SCN_DEADLOCK ? EXIT_DEADLOCK : st == SCN_FAULT ? EXIT_FAULT : EXIT_SYSTEM;
        fprintf(stderr, "%s", scn_end_message(run));
        fprintf(stderr, "lanes: the run on %d core%s did not end well: the sweep stops "
                "there\n", cores, cores == 1 ? "" : "s");
    } else if (sum.dropped != 0) {
        status = EXIT_SYSTEM;
        fprintf(stderr, "lanes: the run on %d core%s lost %llu trace events: its "
                "figures are incomplete\n", cores, cores == 1 ? "" : "s",
                (unsigned long long)sum.dropped);
    }
    play_finish(p, NULL, 0);
    play_free(p);                       /* stops the run: the next one runs alone */
    out_summary_free(&sum);
    return status;
}

int out_sweep(const lanes_opts *o, scn_program *prog)
{
    out_sweep_table *sw;
    struct sigaction sa, old;
    int i, status;

    if ((status = out_headless_check(o, prog)) != 0)
        return status;
    sw = out_xrealloc(NULL, sizeof *sw);
    memset(sw, 0, sizeof *sw);
    sw->scenario = o->scenario != NULL ? o->scenario : SCN_DEFAULT;
    sw->title = scn_title(prog);
    sw->cpus = lanes_online_cpus();
    for (i = 0; i < o->sweep_n; i++) {
        status = run_row(o, prog, o->sweep[i], sw, &sw->rows[i]);
        if (status != EXIT_DONE) {
            free(sw);
            return status;
        }
        sw->nrows = i + 1;
    }
    out_sweep_figures(sw);
    /* a reader gone away is a write error (exit 1), not a silent death */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_IGN;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGPIPE, &sa, &old);
    if ((o->json ? out_sweep_print_json(stdout, sw) : out_sweep_print_text(stdout, sw)) != 0) {
        fprintf(stderr, "lanes: cannot write the sweep: %s\n", strerror(errno));
        status = EXIT_SYSTEM;
    }
    sigaction(SIGPIPE, &old, NULL);
    free(sw);
    return status;
}
