/*
 * sweep.c - `--sweep`'s comparison of runs at several core counts:
 * speedup, efficiency, the serial fraction (Karp-Flatt), and the table,
 * plot and JSON that show them.  Pure: reads the rows sweep_run.c filled
 * from the summary fold, writes only to the stream it is given.
 *
 * Speedup is a ratio of runtime ticks to the end, which are wall time in
 * ticks: more lanes than CPUs cannot shrink them but by waiting (sleep,
 * channels) overlapping, so the table marks where the CPUs ran out and
 * Karp-Flatt leaves those rows out.
 */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/out.h"
#include "report/summary.h"
#include "report/sweep.h"

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

int out_sweep_row_busy(const out_sweep_table *s, const out_sweep_row *r)
{
    uint64_t could = r->cpu_ns + r->wait_ns;

    if (r->other_load != LANES_LOAD_UNKNOWN && r->other_load >= OUT_SWEEP_BUSY)
        return 1;
    /* lanes beyond the CPUs wait for each other: only the CPUs' worth
     * of their wanting could have been met */
    if (s->cpus > 0 && could > (uint64_t)s->cpus * r->wall_ns)
        could = (uint64_t)s->cpus * r->wall_ns;
    return r->cpu_ns * 100 < could * (100 - OUT_SWEEP_WAITED);
}

void out_sweep_figures(out_sweep_table *s)
{
    int i, n = 0, p0 = s->nrows > 0 ? s->rows[0].cores : 1;
    double t0 = s->nrows > 0 ? (double)s->rows[0].ticks_mt : 0, sum = 0;
    int base_ok = s->nrows > 0 && !s->rows[0].limited && !out_sweep_row_busy(s, &s->rows[0]);

    s->serial = -1;
    s->serial_lo = s->serial_hi = 0;
    for (i = 0; i < s->nrows; i++) {
        out_sweep_row *r = &s->rows[i];
        r->speedup = r->ticks_mt > 0 ? t0 / (double)r->ticks_mt : 0;
        r->efficiency = r->speedup * p0 / r->cores;
        if (i == 0 || !base_ok || r->limited || out_sweep_row_busy(s, r) ||
            (s->cpus > 0 && r->cores > s->cpus) || r->speedup <= 0)
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
    int span = hi - lo, step = span == 0 ? 0 : 60 / span < 6 ? 60 / span : 6;
    int w = span == 0 ? 1 : span > 60 ? PLOT_W : span * step + 1;   /* columns */
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
        busy |= out_sweep_row_busy(s, &s->rows[i]);
        limited |= s->rows[i].limited;
    }
    if (beyond)
        fprintf(f, "> more cores than the %d CPU%s: the OS time-slices the lanes, so "
                   "speedup stays\n  near %d; beyond it only waiting (sleep, channels) "
                   "can still overlap\n", s->cpus, s->cpus == 1 ? "" : "s", s->cpus);
    if (busy)
        fprintf(f, "! a busy machine: other programs used half a CPU or more, or took "
                   "over a\n  quarter of the CPU time the lanes could have had; the "
                   "row's figures are not\n  the scenario's alone%s\n",
                out_sweep_row_busy(s, &s->rows[0])
                ? ", and every speedup is against the busy first row" : "");
    if (s->rows[0].wall_ns < OUT_SWEEP_SHORT_NS)
        fprintf(f, "the first row ran %.1f ms: runs this short are mostly start-up and "
                   "the OS's\n  time slices; give a longer --tick\n",
                (double)s->rows[0].wall_ns / 1e6);
    if (limited)
        fprintf(f, "= stopped by --for at the same tick count: compare parallelism, "
                   "not speedup\n");
    if (s->serial >= 0)
        fprintf(f, "serial fraction %.3f (Karp-Flatt: the e in T(p) = T(%d) x (e + (1-e)/p)"
                   "\n  that gives each row's speedup, averaged over the rows of %d to %d "
                   "cores;\n  rows beyond the CPUs, on a busy machine or stopped by --for "
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
                out_sweep_row_busy(s, r) ? (r->limited ? " ! =" : " !") : r->limited ? " =" : "");
    }
    print_plot(f, s);
    fputc('\n', f);
    print_notes(f, s);
    return out_finish(f);
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
                   "\"speedup\":%.4f,\"efficiency\":%.4f,\"beyond_cpus\":%s,"
                   "\"cpu_ns\":%llu,\"wait_ns\":%llu,",
                i != 0 ? "," : "", r->cores, (double)r->ticks_mt / 1000.0,
                (unsigned long long)r->wall_ns, r->parallelism, r->speedup, r->efficiency,
                beyond_cpus(s, r) ? "true" : "false", (unsigned long long)r->cpu_ns,
                (unsigned long long)r->wait_ns);
        if (r->other_load != LANES_LOAD_UNKNOWN)
            fprintf(f, "\"other_load\":%.3f", (double)r->other_load / 1000.0);
        else
            fprintf(f, "\"other_load\":null");
        fprintf(f, ",\"busy\":%s,\"stopped\":%s}", out_sweep_row_busy(s, r) ? "true" : "false",
                r->limited ? "true" : "false");
    }
    if (s->serial >= 0)
        fprintf(f, "],\"serial_fraction\":%.4f}\n", s->serial);
    else
        fprintf(f, "],\"serial_fraction\":null}\n");
    return out_finish(f);
}

