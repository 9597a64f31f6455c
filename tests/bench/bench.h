/*
 * bench.h - what the parts of lanes-bench share: the options, a row of the
 * table, and small helpers.  Not part of any library.
 */
#ifndef LANES_BENCH_H
#define LANES_BENCH_H

#include <stddef.h>
#include <stdint.h>
#include "lanes.h"

typedef struct bench_opts {
    int         runs;          /* repetitions per row                      */
    double      scale;         /* multiplies operation counts              */
    const char *only;          /* comma list of workloads / rows, or NULL  */
    const char *lanes;         /* comma list of lane counts ("1,2")        */
    int         quantum;       /* lanes_config.quantum for every run       */
    size_t      trace_events;  /* ring capacity for the trace rows         */
    int         pin;           /* LANES_PIN_CPUS                           */
} bench_opts;

extern bench_opts bench_o;

typedef struct bench_row bench_row;
struct bench_row {
    const char *workload;      /* what --only selects                      */
    int         lanes;         /* the /N of the name; -2: "/2v1"           */
    const char *unit;          /* ns, M/s, B, x, us                        */
    const char *what;          /* for --list                               */
    /* one run: returns the row's value; may set aux[0..2] for the note */
    double    (*run)(bench_row *r, int lanes, double *aux);
    /* formats the medians of aux[0..2]; NULL: no note */
    void      (*note)(char *buf, size_t n, const double *aux);
};

/* The UI rows (ui-bench.c); a table ended by a NULL workload. */
bench_row *bench_ui_rows(void);

uint64_t  bench_now_ns(void);
long      bench_scaled(long n);
long      bench_vmrss(void);                 /* bytes, -1 when unknown */
double    bench_median(double *v, int n);    /* sorts v */
lanes_rt *bench_open(int lanes, int trace);  /* dies on failure */
void      bench_wait(lanes_rt *rt);          /* dies on deadlock or hang */
void      bench_die(const char *what, int err) __attribute__((noreturn));

#endif
