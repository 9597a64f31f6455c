/*
 * chantest.h - helpers shared by the channel, select and deadlock tests:
 * a runtime with a short tick, and waiting (without timing anything) until
 * the scheduler says a routine is parked on a channel.
 *
 * Waiting polls lanes_blocked_list from the test's plain thread; a test that
 * never gets there hangs and Check's timeout fails it.  Nothing here asserts
 * on wall-clock time.
 */
#ifndef LANES_CHANTEST_H
#define LANES_CHANTEST_H

#include <check.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lanes.h"

#define CT_TICK_NS 20000u       /* 20 us: tests run fast, ticks still real */

static inline lanes_rt *ct_open_ex(int cores, int quantum, size_t trace_events)
{
    lanes_config cfg;
    lanes_rt *rt;

    memset(&cfg, 0, sizeof cfg);
    cfg.cores = cores;
    cfg.quantum = quantum;
    cfg.tick_ns = CT_TICK_NS;
    cfg.stack_size = 0;
    cfg.trace_events = trace_events;
    rt = lanes_open(&cfg);
    ck_assert_msg(rt != NULL, "lanes_open failed");
    return rt;
}

static inline lanes_rt *ct_open(int cores)
{
    return ct_open_ex(cores, 4, 0);
}

static inline lanes_chan *ct_chan(lanes_rt *rt, const char *name, size_t elem, size_t cap)
{
    lanes_chan *ch = lanes_chan_open(rt, name, elem, cap);
    ck_assert_msg(ch != NULL, "lanes_chan_open(%s, %zu, %zu) failed", name, elem, cap);
    return ch;
}

static inline int ct_go(lanes_rt *rt, const char *name, void (*fn)(void *), void *arg)
{
    int id = lanes_go(rt, name, fn, arg);
    ck_assert_msg(id > 0, "lanes_go(%s) = %d", name, id);
    return id;
}

static inline void ct_nap(void)
{
    struct timespec ts = { 0, 50000 };     /* only to poll politely */
    nanosleep(&ts, NULL);
}

/* How many routines are parked on channel `chan` (0: any) doing `op`
 * (-1: any; 0: a select), and whether routine `who` (0: anyone) is one. */
static inline size_t ct_blocked(lanes_rt *rt, uint32_t chan, int op, uint32_t who)
{
    lanes_blocked list[256];
    size_t n = lanes_blocked_list(rt, list, 256), k = 0;

    if (n > 256)
        n = 256;
    for (size_t i = 0; i < n; i++)
        if ((chan == 0 || list[i].chan == chan) && (op < 0 || list[i].op == op)
            && (who == 0 || list[i].routine == who))
            k++;
    return k;
}

/* Waits until at least `count` routines are parked as ct_blocked counts. */
static inline void ct_wait_blocked(lanes_rt *rt, uint32_t chan, int op, uint32_t who, size_t count)
{
    while (ct_blocked(rt, chan, op, who) < count)
        ct_nap();
}

static inline void ct_wait_ok(lanes_rt *rt)
{
    int rc = lanes_wait(rt);
    ck_assert_msg(rc == 0, "lanes_wait = %d, expected 0 (all returned)", rc);
}

/* Spins politely until *flag is non-zero. */
static inline void ct_wait_flag(atomic_int *flag)
{
    while (atomic_load(flag) == 0)
        sched_yield();
}

#endif
