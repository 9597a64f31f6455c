/*
 * bite.c - programs that must be caught.  A green sanitizer run means
 * something only if the sanitizer can see into routines at all, so:
 *   bite which     prints the sanitizer this was built with
 *   bite race      two routines on two lanes write one int unguarded
 *                  (ThreadSanitizer must report a data race)
 *   bite overflow  a routine writes past an array on its own stack
 *                  (AddressSanitizer must report a stack-buffer-overflow)
 *   bite deep      a routine recurses until its stack runs out (the
 *                  runtime must name it and die by the signal)
 * Run by tests/bites.sh.
 */
#include "config.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "lanes.h"

static int shared_counter;          /* deliberately unguarded */
static volatile int sink;
static _Atomic int arrived;         /* relaxed only: no happens-before */

static void racer(void *arg)
{
    int i;
    (void)arg;
    /* Both routines must be on different lanes at the same instant (this
     * spin never yields), so nothing the scheduler does orders the writes. */
    atomic_fetch_add_explicit(&arrived, 1, memory_order_relaxed);
    while (atomic_load_explicit(&arrived, memory_order_relaxed) < 2)
        ;
    for (i = 0; i < 100000; i++)
        shared_counter++;           /* the race */
}

__attribute__((noinline)) static void poke(char *p, int idx)
{
    p[idx] = 1;                     /* idx is 16: one past the end */
}

__attribute__((noinline)) static void overflow_at(int idx)
{
    char buf[16];

    memset(buf, 0, sizeof buf);
    poke(buf, idx);
    sink = buf[0];
}

static void overflower(void *arg)
{
    overflow_at(*(int *)arg);
}

__attribute__((noinline)) static int recurse(int depth)
{
    volatile char pad[512];
    pad[0] = (char)depth;
    pad[511] = pad[0];
    return depth > 1000000 ? pad[511] : recurse(depth + 1) + pad[0];
}

static void deep(void *arg)
{
    (void)arg;
    sink = recurse(0);
}

int main(int argc, char **argv)
{
    lanes_config cfg = { .cores = 2, .quantum = 0, .tick_ns = 10000 };
    lanes_rt *rt;
    int idx = 16;

    if (argc < 2)
        return 2;
    if (strcmp(argv[1], "which") == 0) {
#if defined(LANES_TSAN)
        puts("thread");
#elif defined(LANES_ASAN)
        puts("address");
#else
        puts("none");
#endif
        return 0;
    }
    rt = lanes_open(&cfg);
    if (rt == NULL)
        return 1;
    if (strcmp(argv[1], "race") == 0) {
        lanes_go(rt, "racer#1", racer, NULL);
        lanes_go(rt, "racer#2", racer, NULL);
    } else if (strcmp(argv[1], "overflow") == 0) {
        lanes_go(rt, "overflower", overflower, &idx);
    } else if (strcmp(argv[1], "deep") == 0) {
        lanes_go(rt, "diver", deep, NULL);
    } else {
        return 2;
    }
    lanes_wait(rt);
    lanes_close(rt);
    printf("counter %d\n", shared_counter);
    return 0;
}
