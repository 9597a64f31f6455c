/*
 * cpu.h - what the OS really gave the lanes, folded from the CPU and LOAD
 * events (lanes.h): the arithmetic every output shares, so the screen, the
 * summary and the trace say the same thing about parallelism.
 *
 * Definitions (the README's "CPU truth" says them for users):
 *   run wall time   wall ns while not paused, from the first event on; a
 *                   step counts from its STEP event to the last lane event
 *                   in it (the lanes work, then wait at the gate unseen).
 *   run wall time   also counts, after a PAUSE, the lanes finishing
 *                   their work up to their CPU events before the gate.
 *   parallelism     the lanes' CPU ns (CPU events' obj) / run wall time:
 *                   never more than the CPUs the process may use nor the
 *                   lanes that ran (more is sampling noise: a lane's CPU
 *                   events come up to a tick apart, so its CPU time runs
 *                   up to a tick ahead of or behind the wall time).
 *                   Known (worth showing) once the run has gone on for
 *                   FOLD_PAR_MIN_MT of runtime and FOLD_PAR_MIN_WALL_NS of
 *                   wall time: a tick of sampling lag is then at most a
 *                   tenth of the figure, and clock and jiffy noise small.
 *   waiting tick    a tick column whose routine held the lane while its
 *                   thread had a CPU for less than half of that time;
 *                   time not sampled (outside lanes_work) counts as running.
 *   machine busy    the latest LOAD says other processes used at least
 *                   FOLD_LOAD_BUSY thousandths of a CPU on our CPUs.
 *                   LOAD events while paused (not stepping) are left out
 *                   of the load and its average: a paused picture stands
 *                   still, and the load that matters is the run's.
 * Pure: no runtime calls, no I/O.
 */
#ifndef LANES_FOLD_CPU_H
#define LANES_FOLD_CPU_H

#include <stdint.h>
#include "lanes.h"

/* Half a CPU busy elsewhere: enough to slow a lane visibly (a lane that
 * shares a CPU with such a process gets about two thirds of it). */
#define FOLD_LOAD_BUSY 500u

/* Before this much runtime (10 ticks) and wall time (50 ms) the
 * parallelism is not worth a figure: outputs show a dash. */
#define FOLD_PAR_MIN_MT      10000u
#define FOLD_PAR_MIN_WALL_NS 50000000ull

typedef struct fold_cpu {
    uint64_t wall_ns;          /* run wall time so far (see above)          */
    uint64_t last_ns;          /* t_ns of the latest event                  */
    int      started;          /* an event was seen                         */
    int      paused;           /* between PAUSE and RESUME                  */
    int      stepping;         /* paused, a STEP given since the PAUSE      */
    uint64_t cpu_ns, wait_ns;  /* all lanes: ran on a CPU / waited for one  */
    uint64_t lane_cpu_ns[LANES_MAX_CORES];
    uint64_t lane_wait_ns[LANES_MAX_CORES];
    uint64_t lane_cpu_t[LANES_MAX_CORES];   /* t_ns of its latest CPU event */
    uint32_t load;             /* latest LOAD obj, LANES_LOAD_UNKNOWN       */
    int      cpus;             /* latest LOAD arg; 0 before any LOAD        */
    uint64_t load_sum;         /* known LOAD samples: sum and count, for    */
    uint32_t load_n;           /*   the run's average                       */
    uint64_t tick_ns;          /* tick in force (TICK events); 0: unknown   */
    uint64_t rt_mt;            /* latest runtime time (t_rt) seen           */
} fold_cpu;

/* tick_ns: the tick at the start of the run (0: learn it from TICK). */
void fold_cpu_init(fold_cpu *c, uint64_t tick_ns);

/* Folds one event of any kind (call for every event, in order). */
void fold_cpu_feed(fold_cpu *c, const lanes_event *e);

/* Lanes' CPU time / run wall time, at most the lanes that ran and the
 * CPUs; 0 before any wall time passed. */
double fold_cpu_parallelism(const fold_cpu *c);

/* The run is long enough for the parallelism to mean something (above). */
int fold_cpu_parallelism_known(const fold_cpu *c);

/* A CPU event's obj (ns on a CPU) in milli-ticks of the tick in force;
 * call before feeding that event, or after: TICK events change it. */
uint64_t fold_cpu_mt(const fold_cpu *c, uint64_t ns);

/* Other processes' average load over the run in thousandths of a CPU,
 * LANES_LOAD_UNKNOWN when no LOAD measured it. */
uint32_t fold_cpu_load_avg(const fold_cpu *c);

/* The latest LOAD says the machine is busy (see above). */
int fold_cpu_machine_busy(const fold_cpu *c);

/* The waiting-tick rule: of `held` units a routine held the lane, the
 * thread waited `waited` for a CPU (units: any, the same for both). */
static inline int fold_cpu_starved(uint64_t waited, uint64_t held)
{
    return held > 0 && waited * 2 > held;
}

#endif
