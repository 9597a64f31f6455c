/*
 * annotate.c - the one event a routine records about its own program: a
 * NOTE with a tag and an argument that only the layer above understands
 * (the scenario interpreter marks its narration and its own yields).
 * Owns nothing; writes through the scheduler's trace, on the routine's lane.
 */
#include "config.h"
#include "lanes.h"
#include "rt_sched.h"

void lanes_annotate(uint32_t tag, int32_t arg)
{
    lanes_rt *rt = lanes_self_rt();

    if (rt != NULL)
        sched_trace(rt, LANES_EV_NOTE, 0, tag, arg, NULL);
}
