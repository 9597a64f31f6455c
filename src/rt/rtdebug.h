/*
 * rtdebug.h - what tests and benchmarks may ask the scheduler beyond
 * lanes.h.  Internal to the project: programs outside it use lanes.h only.
 */
#ifndef LANES_RTDEBUG_H
#define LANES_RTDEBUG_H

#include <stddef.h>
#include <stdint.h>
#include "lanes.h"

typedef struct sched_stats {
    size_t   stacks_mapped;   /* stacks ever mapped by this runtime */
    size_t   stacks_guarded;  /* of which with a guard page */
    size_t   stacks_free;     /* in the shared pool now (not counting lane caches) */
    uint32_t live;            /* routines spawned and not yet returned */
    uint32_t blocked;         /* of which parked through sched_park */
    int      solo;            /* lanes take from their own queues without a
                                 locked instruction (one lane, no thief) */
    size_t   name_slots;      /* routine name slots mapped (ids.c) */
} sched_stats;

void sched_get_stats(lanes_rt *rt, sched_stats *st);

/* As if `n` ids had been drawn already: the next lanes_go gives id n + 1
 * (or, past LANES_ID_MAX, the next of the later rounds). */
void sched_set_ids_drawn(lanes_rt *rt, uint64_t n);

/* 1 when paused and every switched-on lane waits at the pause gate with no
 * step left to do, and every switched-off lane is parked. */
int sched_quiescent(lanes_rt *rt);

/* From now on a lane that takes several routines from the global queue
 * holds them `ns` before it puts them on its ring, where other lanes
 * could find them (0: not at all): makes that window wide for tests. */
void sched_set_move_delay(lanes_rt *rt, uint64_t ns);

/* Guard pages stacks may still get, process-wide (stack.c). */
long stk_set_guard_budget(long n);

#endif
