/*
 * rt_sched.h - what the scheduler (sched.c and friends) offers the rest of
 * src/rt, above all the channels (chan.c).  Internal: never included outside
 * src/rt.  This is the seam between the two: the scheduler knows nothing of
 * channel internals, the channels nothing of queues and lanes.
 *
 * A blocked routine is on no lane and no run queue: only the channel's wait
 * list (owned by chan.c, under the channel's lock) knows it.  It comes back
 * only through sched_ready().
 */

#ifndef LANES_SCHED_H
#define LANES_SCHED_H

#include <stdint.h>
#include "lanes.h"

typedef struct rt_routine rt_routine;

/* The routine running on the calling thread; NULL on a plain thread. */
rt_routine *sched_self(void);
uint32_t    sched_routine_id(const rt_routine *r);
lanes_rt   *sched_routine_rt(const rt_routine *r);

/*
 * Parks the calling routine.  It leaves its lane with a STOP event whose
 * reason is `reason` (LANES_STOP_SEND, _RECV or _SELECT) and obj `chan_id`;
 * `op` (LANES_SEND, LANES_RECV, 0 for select) is kept for
 * lanes_blocked_list.  Once the routine's registers are saved and no lane
 * runs on its stack, the lane calls unlock(arg) (the channel releases its
 * lock(s) there), so a waker can never resume a routine still on its stack.
 * Returns after another party called sched_ready(r).  Counts as "blocked"
 * for deadlock detection until then.
 */
void sched_park(int reason, uint32_t chan_id, int op,
                void (*unlock)(void *), void *arg);

/*
 * Makes parked routine r runnable again, with a WAKE event naming the waker.
 * Called from a routine: r goes to the calling lane's runnext slot (the old
 * runnext, if any, to the back of the local queue, where idle lanes leave
 * it to this lane while the lane keeps switching) and inherits the rest of
 * the waker's time slice.  Called from a plain thread: r goes to the global
 * queue.  May be called while holding channel locks; never blocks.
 */
void sched_ready(rt_routine *r);

/* A fast per-lane (per-thread) pseudo-random number. */
uint32_t sched_rand(void);

/* Whether rt may record trace events (it has rings; with a console they
 * are recorded only while a viewer is attached); fixed at lanes_open, so
 * callers may cache it (channels skip work only the trace would use). */
int sched_tracing(const lanes_rt *rt);

/* Records a trace event from the current lane's ring (a routine) or the
 * control ring (a plain thread).  routine 0 means "the current routine".
 * last: NULL, or the object's record of the ring its latest event went to
 * (guarded by the object's lock, which the caller holds; NULL at first),
 * which lets events of an object used by one lane skip a clock fence. */
void sched_trace(lanes_rt *rt, int kind, uint32_t routine, uint32_t obj, int32_t arg,
                 const void **last);

/* Two events about obj that happen at one point (a message's SEND and RECV
 * in one exchange): in this order, with one timestamp - which the WAKE of
 * the partner shares: the caller's next step must be sched_ready of it. */
void sched_trace2(lanes_rt *rt, uint32_t obj, int kind0, uint32_t routine0, int32_t arg0,
                  int kind1, uint32_t routine1, int32_t arg1, const void **last);

/* Sets *last (as above) to the calling lane's ring: for a routine about to
 * park on the object, whose STOP that lane records under the lock. */
void sched_trace_mark(lanes_rt *rt, const void **last);

/* Channel registry, owned by open.c: ids are 1, 2, ... per runtime.  The
 * runtime keeps every channel until lanes_close, which calls destroy(ch)
 * on each (channels may still have parked routines then: destroy must not
 * touch routines).  So the scheduler calls into chan.c only through the
 * pointer it was given: no link-time knot between the two.  Returns the
 * id, or 0 when there is no memory to register it (the caller fails the
 * open with ENOMEM). */
struct lanes_chan;
uint32_t sched_chan_register(lanes_rt *rt, struct lanes_chan *ch, const char *name,
                             void (*destroy)(struct lanes_chan *));

/* chan.c, for the console's snapshot: the items of the messages ch
 * buffers now, oldest first, at most max; how many. */
size_t chan_held_items(struct lanes_chan *ch, int32_t *out, size_t max);

#endif
