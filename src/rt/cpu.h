/*
 * cpu.h - what the OS really gave the lanes (cpu.c).  Internal to src/rt.
 *
 * Two measurements, each with one owner:
 *  - cpu_lane, one per lane, owned by the lane's thread: while the lane's
 *    routine is inside lanes_work, how long the thread ran on a CPU and
 *    how long it was runnable but waited for one.  work.c opens a window
 *    (cpu_begin) when a lanes_work call starts or resumes on the lane and
 *    closes one (cpu_take) for every CPU event; each window starts where
 *    the last one ended, so nothing is counted twice.  Only the totals are
 *    read by other threads (lanes_lane_cpu).
 *  - cpu_load, one per runtime, owned by lanes_open and then the trace
 *    consumer (lanes_trace_read): how busy other processes keep the CPUs
 *    this process may use.
 */
#ifndef LANES_CPU_H
#define LANES_CPU_H

#include <stdatomic.h>
#include <stdint.h>
#include "lanes.h"

/* Inside one tick longer than this, the lane closes a window between two
 * chunks of its work (work.c), so a window stays well under a second and
 * the event's 32-bit fields never saturate. */
#define CPU_CHOP_NS 100000000ull

typedef struct cpu_lane {
    int      fd;            /* this thread's schedstat, CPU_FD_* or >= 0 */
    uint64_t at;            /* trace clock (absolute ns) of the last reading */
    uint64_t start;         /* the window's start as events see it: the
                               stamp of the lane's last CPU event, or `at` */
    uint64_t cpu, wait;     /* thread CPU ns and run-queue wait ns at `at` */
    uint64_t carry_cpu;     /* measured but beyond the window's length (a */
    uint64_t carry_wait;    /*   reading that took long): for the next one */
    uint64_t due;           /* absolute ns: close a window at the next tick end */
    uint64_t chop_due;      /* absolute ns: close one between chunks of a tick */
    _Atomic uint64_t tot_cpu, tot_wait;   /* sums of what windows reported;
                                             written by the lane only */
} cpu_lane;

#define CPU_FD_UNTRIED (-2) /* cpu_lane.fd before the lane's first window */
#define CPU_FD_NONE    (-1) /* no schedstat: wait = window - CPU time */

/* Zeroes c (fd untried).  Any thread, before the lane starts. */
void cpu_lane_init(cpu_lane *c);
/* On the lane's thread when it ends: closes the schedstat file. */
void cpu_lane_fini(cpu_lane *c);

/* Lane thread: opens a window now.  floor: no window may start before it
 * (the stamp of the newest event in the lane's ring, absolute ns: an
 * event's interval starts at such an event). */
void cpu_begin(cpu_lane *c, uint64_t floor);

/* Lane thread: closes the window at now and opens the next: *obj = ns on a
 * CPU, *arg = ns runnable but waiting, together at most now - c->start
 * (the excess carried, up to a bound); adds them to the totals.  The caller
 * then records the event and calls cpu_mark with its stamp. */
void cpu_take(cpu_lane *c, uint32_t *obj, int32_t *arg);

/* The stamp (absolute ns) of the event that reported the window just
 * closed: the next interval starts there. */
static inline void cpu_mark(cpu_lane *c, uint64_t stamp)
{
    c->start = stamp > c->at ? stamp : c->at;
}

typedef struct cpu_load {
    int      ncpu;          /* CPUs this process may use (affinity); immutable */
    int      nlist;         /* of them, those listed in cpus[] */
    int      fd;            /* /proc/stat, CPU_FD_* or >= 0 */
    uint64_t due;           /* absolute ns: next sample */
    uint64_t at;            /* absolute ns of the last reading, 0: none */
    uint64_t busy;          /* jiffies the allowed CPUs were busy, then */
    uint64_t own;           /* this process's CPU ns, then */
    uint64_t prev_at, prev_busy, prev_own;  /* the reading before (prev_at 0: none) */
    uint16_t *cpus;         /* the allowed CPUs' numbers (malloc'd), or NULL: all */
} cpu_load;

/* At lanes_open: the affinity.  Returns ncpu (>= 1). */
int  cpu_load_init(cpu_load *s);
void cpu_load_fini(cpu_load *s);

/* The consumer, when now >= s->due: 1 and *obj (thousandths of a CPU used
 * by other processes since the last reading) when there is a measurement
 * to report; 0 on the first reading or when /proc/stat cannot be read. */
int cpu_load_take(cpu_load *s, uint64_t now, uint32_t *obj);

/* The consumer, once, when the run has stopped going on (s->at != 0: a
 * reading since it went on): like cpu_load_take, for the stretch since
 * that reading, so that a run shorter than a sample period is measured
 * too - if it is at least a jiffy long (below, /proc/stat says nothing:
 * then for the stretch since the reading before that one, if any, so
 * that a run whose last periodic reading fell just before it stopped is
 * still measured at its end); then as cpu_load_idle. */
int cpu_load_last(cpu_load *s, uint64_t now, uint32_t *obj);

/* The consumer, when now >= s->due but nothing runs: no reading; the next
 * one starts afresh. */
static inline void cpu_load_idle(cpu_load *s, uint64_t now)
{
    s->due = now + LANES_LOAD_SAMPLE_NS;
    s->at = 0;
    s->prev_at = 0;
}

#endif
