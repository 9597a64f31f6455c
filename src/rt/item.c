/*
 * item.c - the one event a routine records about its own data: that it is
 * done with an item, the number its messages carried (chan.c gives each
 * message its item).  Owns nothing; writes through the trace.
 */
#include "config.h"
#include "lanes.h"
#include "rt_sched.h"

void lanes_item_done(int32_t item)
{
    lanes_rt *rt = lanes_self_rt();

    if (rt != NULL)
        sched_trace(rt, LANES_EV_DONE, 0, 0, item, NULL);
}
