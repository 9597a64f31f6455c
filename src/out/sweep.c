/*
 * sweep.c - `--sweep`: runs one scenario headless at each core count in
 * turn and compares the runs.  Owns the loop over the counts, the
 * comparison (speedup, efficiency, Karp-Flatt) and its table, plot and
 * JSON; every figure of a single run is the summary fold's (summary.c),
 * read after the run, never recomputed here.
 *
 * Invariants: the runs never overlap - each runtime is closed before the
 * next opens, so no row competes with another for the CPUs; every row
 * runs the same program with the same seed, quantum and tick; a row whose
 * run lost events, or ended other than at its end or at --for's limit,
 * stops the sweep with that run's exit status and prints no table.
 * Speedup is a ratio of runtime ticks to the end, which are wall time in
 * ticks: more lanes than CPUs cannot shrink them but by waiting (sleep,
 * channels) overlapping, and the table says where the CPUs ran out.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "out/out.h"
#include "out/summary.h"
#include "out/sweep.h"

#define SWEEP_TICK_NS 20000u         /* a headless run's own tick (headless.c) */
#define SWEEP_BATCH   16384u         /* events per lanes_trace_read           */
#define SWEEP_WAIT_NS 1000000u       /* between drains                         */
#define PLOT_H        10             /* text rows of the plot                  */
#define PLOT_W        61             /* its widest x axis, columns             */

/* ---- the comparison (pure) ------------------------------------------------ */

double out_sweep_amdahl(double serial, int p0, double p)
{
    double t0 = serial + (1 - serial) / p0, t = serial + (1 - serial) / p;

    return t > 0 ? t0 / t : 0;
}

/* The e of Amdahl's law that gives speedup S at p cores against p0. */
static double karp_flatt(double S, int p0, int p)
{
    double den = S * (1 - 1.0 / p) - (1 - 1.0 / p0);

    return den != 0 ? (1.0 / p0 - S / p) / den : 1;
}

static int row_busy(const out_sweep_row *r)
{
    return r->other_load != LANES_LOAD_UNKNOWN && r->other_load >= OUT_SWEEP_BUSY;
}

void out_sweep_figures(out_sweep_table *s)
{
    int i, n = 0, p0 = s->nrows > 0 ? s->rows[0].cores : 1;
    double t0 = s->nrows > 0 ? (double)s->rows[0].ticks_mt : 0, sum = 0;

    s->serial = -1;
    s->serial_lo = s->serial_hi = 0;
    for (i = 0; i < s->nrows; i++) {
        out_sweep_row *r = &s->rows[i];
        r->speedup = r->ticks_mt > 0 ? t0 / (double)r->ticks_mt : 0;
        r->efficiency = r->speedup * p0 / r->cores;
        if (i == 0 || r->limited || row_busy(r) || s->rows[0].limited ||
            row_busy(&s->rows[0]) || (s->cpus > 0 && r->cores > s->cpus) || r->speedup <= 0)
            continue;
        sum += karp_flatt(r->speedup, p0, r->cores);
        if (n++ == 0)
            s->serial_lo = r->cores;
        s->serial_hi = r->cores;
    }
    if (n > 0)
        s->serial = fmax(0, fmin(1, sum / n));
}

/* ---- printing -------------------------------------------------------------- */

static int finish(FILE *f)
{
    if (fflush(f) != 0 || ferror(f)) {
        if (errno == 0)
            errno = EIO;
        return -1;
    }
    return 0;
}

static int beyond_cpus(const out_sweep_table *s, const out_sweep_row *r)
{
    return s->cpus > 0 && r->cores > s->cpus;
}

/* The x column of p cores on an axis of w columns from lo to hi. */
static int plot_col(int p, int lo, int hi, int w)
{
    return hi == lo ? 0 : (int)lround((double)(p - lo) * (w - 1) / (hi - lo));
}

static int plot_level(double y, double ymax)
{
    int l = (int)lround(y / ymax * (PLOT_H - 1));

    return l < 0 ? 0 : l > PLOT_H - 1 ? PLOT_H - 1 : l;
}

/* Speedup (up) against cores (across): '*' each row, '.' Amdahl's law for
 * the serial fraction measured, '|' the last core count with a CPU of its
 * own. */
static void print_plot(FILE *f, const out_sweep_table *s)
{
    char grid[PLOT_H][PLOT_W + 1], axis[PLOT_W + 8];
    int lo = s->rows[0].cores, hi = s->rows[s->nrows - 1].cores;
    int span = hi - lo, w = span == 0 ? 1 : span > 60 ? PLOT_W : span * (60 / span < 6 ? 60 / span : 6) + 1;
    double ymax = 1;
    int i, c, l;

    for (i = 0; i < s->nrows; i++)
        ymax = fmax(ymax, s->rows[i].speedup);
    if (s->serial >= 0)
        ymax = fmax(ymax, out_sweep_amdahl(s->serial, lo, hi));
    ymax = ceil(ymax);
    memset(grid, ' ', sizeof grid);
    for (l = 0; l < PLOT_H; l++)
        grid[l][w] = '\0';
    if (s->cpus >= lo && s->cpus <= hi)
        for (l = 0; l < PLOT_H; l++)
            grid[l][plot_col(s->cpus, lo, hi, w)] = '|';
    if (s->serial >= 0)
        for (c = 0; c < w; c++) {
            double p = w > 1 ? lo + (double)c * span / (w - 1) : lo;
            grid[PLOT_H - 1 - plot_level(out_sweep_amdahl(s->serial, lo, p), ymax)][c] = '.';
        }
    for (i = 0; i < s->nrows; i++)
        grid[PLOT_H - 1 - plot_level(s->rows[i].speedup, ymax)]
            [plot_col(s->rows[i].cores, lo, hi, w)] = '*';

    fprintf(f, "\nspeedup\n");
    for (l = 0; l < PLOT_H; l++) {
        int level = PLOT_H - 1 - l;
        if (level % 3 == 0 || l == 0)
            fprintf(f, "%6.1f |%s\n", ymax * level / (PLOT_H - 1), grid[l]);
        else
            fprintf(f, "       |%s\n", grid[l]);
    }
    fprintf(f, "       +");
    for (c = 0; c < w; c++)
        fputc('-', f);
    fprintf(f, " cores\n");
    /* the rows' core counts under their columns, where they fit */
    memset(axis, ' ', sizeof axis);
    axis[sizeof axis - 1] = '\0';
    for (i = 0, c = 0; i < s->nrows; i++) {
        char num[8];
        int at = plot_col(s->rows[i].cores, lo, hi, w), len;
        len = snprintf(num, sizeof num, "%d", s->rows[i].cores);
        if (at < c || at + len > (int)sizeof axis - 1)
            continue;
        memcpy(axis + at, num, (size_t)len);
        c = at + len + 1;
    }
    for (c = (int)sizeof axis - 2; c >= 0 && axis[c] == ' '; c--)
        axis[c] = '\0';
    fprintf(f, "        %s\n", axis);
    fprintf(f, "        * measured");
    if (s->serial >= 0)
        fprintf(f, "   . Amdahl's law, serial fraction %.2f", s->serial);
    if (s->cpus >= lo && s->cpus <= hi)
        fprintf(f, "   | %d CPU%s", s->cpus, s->cpus == 1 ? "" : "s");
    fputc('\n', f);
}

static void print_notes(FILE *f, const out_sweep_table *s)
{
    int i, beyond = 0, busy = 0, limited = 0, p0 = s->rows[0].cores;

    for (i = 0; i < s->nrows; i++) {
        beyond |= beyond_cpus(s, &s->rows[i]);
        busy |= row_busy(&s->rows[i]);
        limited |= s->rows[i].limited;
    }
    if (beyond)
        fprintf(f, "> more cores than the %d CPU%s: the OS time-slices the lanes, so "
                   "speedup stops near %d;\n  beyond it only waiting (sleep, channels) can "
                   "still overlap\n", s->cpus, s->cpus == 1 ? "" : "s", s->cpus);
    if (busy)
        fprintf(f, "! other programs used half a CPU or more during the run: its figures "
                   "are not the scenario's alone\n");
    if (limited)
        fprintf(f, "= stopped by --for at the same tick count: compare parallelism, "
                   "not speedup\n");
    if (s->serial >= 0)
        fprintf(f, "serial fraction %.3f (Karp-Flatt: the e in T(p) = T(%d) x (e + (1-e)/p) "
                   "that gives\n  each row's speedup, averaged over the rows of %d to %d "
                   "cores; rows beyond the CPUs,\n  on a busy machine or stopped by --for "
                   "left out)\n", s->serial, p0, s->serial_lo, s->serial_hi);
    else
        fprintf(f, "serial fraction not estimated: it needs a row with more cores than "
                   "the first\n  and no more than the CPUs, on a quiet machine, run to its "
                   "end\n");
}

int out_sweep_print_text(FILE *f, const out_sweep_table *s)
{
    int i;

    fprintf(f, "lanes: sweep of %s \"%s\": %d run%s, one after another\n", s->scenario,
            s->title, s->nrows, s->nrows == 1 ? "" : "s");
    if (s->cpus > 0)
        fprintf(f, "%d CPU%s", s->cpus, s->cpus == 1 ? "" : "s");
    else
        fprintf(f, "CPUs unknown");
    fprintf(f, ", tick %g us, quantum %d; speedup = ticks on %d core%s / ticks\n\n",
            (double)s->tick_ns / 1e3, s->quantum, s->rows[0].cores,
            s->rows[0].cores == 1 ? "" : "s");
    fprintf(f, "%5s %10s %10s %11s %8s  %10s\n", "cores", "ticks", "wall ms",
            "parallelism", "speedup", "efficiency");
    for (i = 0; i < s->nrows; i++) {
        const out_sweep_row *r = &s->rows[i];
        fprintf(f, "%5d %10.1f %10.1f %11.2f %8.2f%c %10.2f%s\n", r->cores,
                (double)r->ticks_mt / 1000.0, (double)r->wall_ns / 1e6, r->parallelism,
                r->speedup, beyond_cpus(s, r) ? '>' : ' ', r->efficiency,
                row_busy(r) ? (r->limited ? " ! =" : " !") : r->limited ? " =" : "");
    }
    print_plot(f, s);
    fputc('\n', f);
    print_notes(f, s);
    return finish(f);
}

int out_sweep_print_json(FILE *f, const out_sweep_table *s)
{
    char q[4 * 256 + 8];
    int i;

    out_json_quote(q, sizeof q, s->scenario);
    fprintf(f, "{\"scenario\":%s", q);
    out_json_quote(q, sizeof q, s->title);
    fprintf(f, ",\"title\":%s", q);
    if (s->cpus > 0)
        fprintf(f, ",\"cpus\":%d", s->cpus);
    else
        fprintf(f, ",\"cpus\":null");
    fprintf(f, ",\"quantum\":%d,\"tick_ns\":%llu,\"rows\":[", s->quantum,
            (unsigned long long)s->tick_ns);
    for (i = 0; i < s->nrows; i++) {
        const out_sweep_row *r = &s->rows[i];
        fprintf(f, "%s{\"cores\":%d,\"ticks\":%.3f,\"wall_ns\":%llu,\"parallelism\":%.4f,"
                   "\"speedup\":%.4f,\"efficiency\":%.4f,\"beyond_cpus\":%s,",
                i != 0 ? "," : "", r->cores, (double)r->ticks_mt / 1000.0,
                (unsigned long long)r->wall_ns, r->parallelism, r->speedup, r->efficiency,
                beyond_cpus(s, r) ? "true" : "false");
        if (r->other_load != LANES_LOAD_UNKNOWN)
            fprintf(f, "\"other_load\":%.3f", (double)r->other_load / 1000.0);
        else
            fprintf(f, "\"other_load\":null");
        fprintf(f, ",\"stopped\":%s}", r->limited ? "true" : "false");
    }
    if (s->serial >= 0)
        fprintf(f, "],\"serial_fraction\":%.4f}\n", s->serial);
    else
        fprintf(f, "],\"serial_fraction\":null}\n");
    return finish(f);
}

/* ---- the runs ---------------------------------------------------------------- */

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The tick of every row: as a headless run takes it (headless.c). */
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
    lanes_rt *rt;
    lanes_event *buf;
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
    set.flags = LANES_START_PAUSED;         /* lossless before anything runs */
    run = scn_start(prog, &set, err, sizeof err);
    if (run == NULL) {
        fprintf(stderr, "lanes: %s\n", err[0] != '\0' ? err : strerror(errno));
        return EXIT_SYSTEM;
    }
    rt = scn_rt(run);
    lanes_trace_lossless(rt, 1);
    sw->tick_ns = lanes_tick(rt);
    sw->quantum = lanes_quantum(rt);
    out_summary_init(&sum);
    out_summary_set_tick(&sum, sw->tick_ns);
    buf = out_xrealloc(NULL, SWEEP_BATCH * sizeof *buf);
    t0 = now_ns();
    lanes_resume(rt);
    for (;;) {
        n = lanes_trace_read(rt, buf, SWEEP_BATCH);
        out_summary_feed(&sum, buf, n);
        while ((r = scn_take_report(run)) != NULL)
            free(r);                     /* a stuck run ends in its end message */
        if (n == SWEEP_BATCH)
            continue;
        if (ended && n == 0)
            break;
        if (!ended && limit_mt != 0 && lanes_now(rt) >= limit_mt) {
            lanes_pause(rt);
            ended = row->limited = 1;
        }
        if (!ended) {
            st = scn_wait(run, SWEEP_WAIT_NS);
            ended = st != SCN_TIMEOUT;
        }
    }
    out_summary_finish(&sum, lanes_now(rt), now_ns() - t0, lanes_trace_dropped(rt));
    row->cores = cores;
    row->ticks_mt = sum.end_mt;
    row->wall_ns = sum.wall_ns;
    row->parallelism = out_summary_parallelism(&sum);
    row->other_load = out_cpu_load_avg(&sum.cpu);
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
    free(buf);
    out_summary_free(&sum);
    scn_stop(run);
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
