/*
 * summary.c - the headless summary's numbers: the run state's (fold/
 * state.c) under the summary's names.  The printing is summary_print.c.
 */
#include "config.h"

#include "report/summary.h"

void out_summary_init(out_summary *s)
{
    fold_state_init(s);
}

void out_summary_set_tick(out_summary *s, uint64_t tick_ns)
{
    fold_state_set_tick(s, tick_ns);
}

void out_summary_free(out_summary *s)
{
    fold_state_free(s);
}

void out_summary_feed(out_summary *s, const lanes_event *ev, size_t n)
{
    fold_state_feed(s, ev, n);
}

void out_summary_finish(out_summary *s, uint64_t end_mt, uint64_t wall_ns, uint64_t dropped)
{
    fold_state_finish(s, end_mt, wall_ns, dropped);
}

int out_summary_lanes(const out_summary *s, int cores)
{
    return fold_state_lanes(s, cores);
}

double out_summary_parallelism(const out_summary *s)
{
    return fold_state_parallelism(s);
}

double out_summary_occupancy(const out_summary *s)
{
    return fold_state_occupancy(s);
}
