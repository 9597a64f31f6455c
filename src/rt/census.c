/*
 * census.c - how many routines live and how many of them are blocked
 * (rt->census), and lanes_wait, which waits for all to end or all to
 * block (a deadlock, recorded once as a DEADLOCK event).
 *
 * Owns rt->census, wait_mu/wait_cv and deadlock_seen.  Must not touch
 * queues or routines.  Invariant: live and blocked are only ever
 * over-counted while a lane owes them (see lanes_rt.census), so neither
 * live == 0 nor live == blocked is ever seen early.
 */
#include "config.h"
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include "rt_int.h"

/* ---- census and lanes_wait -------------------------------------------------- */


void census_add(lanes_rt *rt, uint64_t d)
{
    uint64_t v = atomic_fetch_add(&rt->census, d) + d;
    uint32_t live = (uint32_t)(v >> 32), blocked = (uint32_t)v;
    if (live == 0 || live == blocked) {
        pthread_mutex_lock(&rt->wait_mu);
        pthread_cond_broadcast(&rt->wait_cv);
        pthread_mutex_unlock(&rt->wait_mu);
    }
}

static int wait_common(lanes_rt *rt, const struct timespec *deadline)
{
    int ret;
    pthread_mutex_lock(&rt->wait_mu);
    for (;;) {
        uint64_t v = atomic_load(&rt->census);
        uint32_t live = (uint32_t)(v >> 32), blocked = (uint32_t)v;
        if (live == 0) {
            ret = 0;
            break;
        }
        if (live == blocked) {
            if (rt->deadlock_seen != v) {
                rt->deadlock_seen = v;
                emit(rt, NULL, LANES_EV_DEADLOCK, 0, 0, (int32_t)blocked, LANES_NO_LANE);
            }
            ret = LANES_DEADLOCK;
            break;
        }
        if (deadline == NULL) {
            pthread_cond_wait(&rt->wait_cv, &rt->wait_mu);
        } else if (pthread_cond_timedwait(&rt->wait_cv, &rt->wait_mu, deadline) == ETIMEDOUT) {
            v = atomic_load(&rt->census);
            live = (uint32_t)(v >> 32);
            blocked = (uint32_t)v;
            if (live != 0 && live != blocked) {
                ret = 1;
                break;
            }
        }
    }
    pthread_mutex_unlock(&rt->wait_mu);
    return ret;
}

int lanes_wait(lanes_rt *rt)
{
    if (rt == NULL)
        return -EINVAL;
    if (cur_self() != NULL)     /* a routine waiting would hold its lane: */
        return -EPERM;          /* maybe the one the others need */
    return wait_common(rt, NULL);
}

int lanes_wait_for(lanes_rt *rt, uint64_t timeout_ns)
{
    struct timespec ts;
    uint64_t now;
    if (rt == NULL)
        return -EINVAL;
    if (cur_self() != NULL)
        return -EPERM;
    now = trace_mono_of(mono_ns());
    if (timeout_ns > UINT64_MAX - now)  /* past the clock's range: no deadline */
        return wait_common(rt, NULL);
    ts = abs_mono(now + timeout_ns);
    return wait_common(rt, &ts);
}
