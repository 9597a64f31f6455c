/*
 * sweep.h - `--sweep`: the same scenario run headless at each of several
 * core counts, one run after another, and what the rows say together:
 * speedup, efficiency, the serial fraction they imply (Karp-Flatt), a table
 * and a small text plot (sweep.c).  The figures of each row are the
 * summary fold's (summary.h); this adds only what compares rows.
 */
#ifndef LANES_REPORT_SWEEP_H
#define LANES_REPORT_SWEEP_H

#include <stdio.h>
#include <stdint.h>
#include "options.h"

typedef struct out_sweep_row {
    int      cores;         /* lanes of this run                            */
    uint64_t ticks_mt;      /* runtime to its end, milli-ticks (the fold's)  */
    uint64_t wall_ns;       /* wall time of the run (the fold's)            */
    double   parallelism;   /* lanes' CPU time / wall time (the fold's)     */
    uint32_t other_load;    /* others' average load, thousandths of a CPU;
                               LANES_LOAD_UNKNOWN when not measured        */
    uint64_t cpu_ns;        /* the lanes' CPU time and the time they waited */
    uint64_t wait_ns;       /*   for a CPU (the fold's, out/cpu.h)          */
    int      limited;       /* stopped by --for, not at its end             */
    /* filled by out_sweep_figures: */
    double   speedup;       /* first row's ticks / this row's               */
    double   efficiency;    /* speedup / (cores / first row's cores)        */
} out_sweep_row;

typedef struct out_sweep_table {
    const char *scenario;   /* name or path given                          */
    const char *title;
    int      cpus;          /* CPUs the process may use; 0: unknown         */
    int      quantum;
    uint64_t tick_ns;
    int      nrows;
    out_sweep_row rows[LANES_SWEEP_MAX];
    /* filled by out_sweep_figures: */
    double   serial;        /* serial fraction, 0..1; -1: not estimated     */
    int      serial_lo, serial_hi;   /* cores of the rows it came from      */
} out_sweep_table;

/* A row ran on a busy machine, its figures not the scenario's alone, when
 * others' load was at or above OUT_SWEEP_BUSY (thousandths of a CPU), or
 * when its lanes got less than (100 - OUT_SWEEP_WAITED) percent of the CPU
 * time they could have had: what they wanted (CPU + waiting), at most the
 * CPUs' worth of the row's wall time (beyond the CPUs they wait for each
 * other, which is no one else's doing). */
#define OUT_SWEEP_BUSY   500u
#define OUT_SWEEP_WAITED 25u
int out_sweep_row_busy(const out_sweep_table *s, const out_sweep_row *r);

/* A first row shorter than this (wall ns) is said to be mostly start-up. */
#define OUT_SWEEP_SHORT_NS 20000000u

/* Fills each row's speedup and efficiency and the serial fraction.
 * Karp-Flatt: a row of p cores with speedup S against the first row's p0
 * cores gives the e of Amdahl's law T(p) = T(1) (e + (1 - e) / p) that
 * reproduces S (for p0 = 1: e = (1/S - 1/p) / (1 - 1/p)); the estimate is
 * the mean of e over the rows with p0 < p <= CPUs, not on a busy machine
 * and not stopped by --for, clamped to 0..1. */
void out_sweep_figures(out_sweep_table *s);

/* Amdahl's law against p0 cores: the speedup p cores give when a fraction
 * `serial` of the work cannot be shared, with a CPU for every core. */
double out_sweep_amdahl(double serial, int p0, double p);

/* The table, the plot and the notes for people; the one-line JSON object.
 * 0, or -1 with errno when the stream reported an error. */
int out_sweep_print_text(FILE *f, const out_sweep_table *s);
int out_sweep_print_json(FILE *f, const out_sweep_table *s);

#endif
