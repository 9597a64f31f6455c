/*
 * rt-figures.c - the runtime's figures for issues 3 and 7: context switch
 * cost, a yield through the scheduler, an unbuffered ping-pong round trip
 * on one and two lanes, spawn+exit cost, resident memory per parked
 * routine.  Not built by make; from a build directory (so config.h is
 * found):
 *
 *   cc -O2 -I. -I$SRC/src -iquote $SRC/src/rt $SRC/tests/bench/rt-figures.c \
 *      src/rt/liblanes.a -pthread -o rt-figures && ./rt-figures [N]
 *
 * Prints one line per figure, each timing the best of five runs.  Wall-clock
 * timing: the quieter the machine, the truer.
 */
#include "config.h"
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include "ctx.h"
#include "lanes.h"
#include "rtdebug.h"
#include "stack.h"

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static long rss_kib(void)
{
    long pages = 0, rss = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f != NULL) {
        if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
            rss = 0;
        fclose(f);
    }
    return rss * (sysconf(_SC_PAGESIZE) / 1024);
}

/* ---- 1. the bare switch: two contexts bouncing on one thread ----------- */

static rt_ctx main_ctx, co_ctx;
static volatile long bounces;

static void co_entry(void *arg)
{
    (void)arg;
    ctx_entered();
    for (;;) {
        bounces++;
        ctx_switch(&co_ctx, &main_ctx, 0);
    }
}

static double bare_switch_ns(long n)
{
    static char stack[64 * 1024] __attribute__((aligned(4096)));
    uint64_t t;
    ctx_init_thread(&main_ctx);
    ctx_make(&co_ctx, stack, sizeof stack, co_entry, NULL);
    ctx_switch(&main_ctx, &co_ctx, 0);      /* warm up */
    t = now_ns();
    for (long i = 0; i < n; i++)
        ctx_switch(&main_ctx, &co_ctx, 0);
    t = now_ns() - t;
    return (double)t / (2.0 * (double)n);   /* two switches per round trip */
}

/* ---- 2. a yield through the scheduler ------------------------------------ *
 * Two yielders spawned by a routine sit in its lane's ring, and a yield
 * switches straight to the other one.  Spawned from main, they sit in the
 * global queue, and a yield must go behind whoever waits there: through
 * the global queue and the lane's context every time. */

static long yields;

static void yielder(void *a)
{
    (void)a;
    for (long i = 0; i < yields; i++)
        lanes_yield();
}

static void yield_parent(void *a)
{
    lanes_go(a, "a", yielder, NULL);
    lanes_go(a, "b", yielder, NULL);
}

static double yield_ns(long n, int from_main)
{
    lanes_config c = { .cores = 1, .quantum = 0, .tick_ns = 1000000, .trace_events = 0 };
    lanes_rt *rt = lanes_open(&c);
    uint64_t t;
    yields = n;
    if (from_main) {
        lanes_go(rt, "a", yielder, NULL);
        lanes_go(rt, "b", yielder, NULL);
    } else {
        lanes_go(rt, "parent", yield_parent, rt);
    }
    t = now_ns();
    lanes_wait(rt);
    t = now_ns() - t;
    lanes_close(rt);
    return (double)t / (2.0 * (double)n);
}

static double yield_ring_ns(long n) { return yield_ns(n, 0); }
static double yield_global_ns(long n) { return yield_ns(n, 1); }

/* ---- 3. ping-pong: a value there and back over two unbuffered channels ---- */

static long rounds;
static lanes_chan *ping, *pong;

static void ponger(void *a)
{
    int v;
    (void)a;
    for (long i = 0; i < rounds; i++) {
        lanes_recv(ping, &v);
        lanes_send(pong, &v);
    }
}

static void pinger(void *a)
{
    int v = 0;
    (void)a;
    for (long i = 0; i < rounds; i++) {
        lanes_send(ping, &v);
        lanes_recv(pong, &v);
    }
}

static double pingpong_ns(long n, int lanes)
{
    lanes_config c = { .cores = lanes, .quantum = 0, .tick_ns = 1000000, .trace_events = 0 };
    lanes_rt *rt = lanes_open(&c);
    uint64_t t;
    rounds = n;
    ping = lanes_chan_open(rt, "ping", sizeof(int), 0);
    pong = lanes_chan_open(rt, "pong", sizeof(int), 0);
    t = now_ns();
    lanes_go(rt, "ponger", ponger, NULL);
    lanes_go(rt, "pinger", pinger, NULL);
    lanes_wait(rt);
    t = now_ns() - t;
    lanes_close(rt);
    return (double)t / (double)n;
}

static double pingpong1_ns(long n) { return pingpong_ns(n, 1); }
static double pingpong2_ns(long n) { return pingpong_ns(n, 2); }

/* ---- 4. spawn and exit ---------------------------------------------------------- */

static long spawns;
static void child(void *a) { (void)a; }

static void spawner(void *a)
{
    lanes_rt *rt = a;
    for (long i = 0; i < spawns; i++) {
        lanes_go(rt, "c", child, NULL);
        if (i % 64 == 63)
            lanes_yield();
    }
}

static double spawn_ns(long n)
{
    lanes_config c = { .cores = 1, .quantum = 0, .tick_ns = 1000000, .trace_events = 0 };
    lanes_rt *rt = lanes_open(&c);
    uint64_t t;
    spawns = n;
    t = now_ns();
    lanes_go(rt, "spawner", spawner, rt);
    lanes_wait(rt);
    t = now_ns() - t;
    lanes_close(rt);
    return (double)t / (double)n;
}

/* ---- 5. resident memory per parked routine ------------------------------- */

static atomic_long parked;

static void sleeper(void *a)
{
    (void)a;
    atomic_fetch_add(&parked, 1);
    lanes_sleep(1000000000);
}

static double rss_per_parked(long n, long *guarded)
{
    lanes_config c = { .cores = 1, .quantum = 0, .tick_ns = 1000000, .trace_events = 0 };
    lanes_rt *rt = lanes_open(&c);
    sched_stats st;
    long before = rss_kib(), after;
    for (long i = 0; i < n; i++)
        lanes_go(rt, "z", sleeper, NULL);
    while (atomic_load(&parked) < n)
        usleep(1000);
    after = rss_kib();
    sched_get_stats(rt, &st);
    *guarded = (long)st.stacks_guarded;
    lanes_close(rt);    /* frees parked routines too */
    return (double)(after - before) * 1024.0 / (double)n;
}

/* The best of a few runs: on a shared machine the others only add noise. */
static double best(double (*f)(long), long n)
{
    double b = f(n);
    for (int i = 0; i < 4; i++) {
        double v = f(n);
        if (v < b)
            b = v;
    }
    return b;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 100000, guarded = 0;
    double rss;
    printf("bare context switch:      %6.1f ns (one direction, %s)\n", best(bare_switch_ns, n * 10),
#ifdef LANES_SWITCH_ASM
           "hand-written"
#else
           "ucontext"
#endif
    );
    printf("yield, local ring:        %6.1f ns (routine to routine, one switch)\n",
           best(yield_ring_ns, n));
    printf("yield, global queue:      %6.1f ns (spawned from main: via the lane, two switches)\n",
           best(yield_global_ns, n));
    printf("ping-pong, 1 lane:        %6.1f ns (round trip, unbuffered)\n", best(pingpong1_ns, n));
    printf("ping-pong, 2 lanes:       %6.1f ns (round trip, unbuffered)\n", best(pingpong2_ns, n));
    printf("spawn + exit:             %6.1f ns per routine\n", best(spawn_ns, n));
    rss = rss_per_parked(n, &guarded);
    printf("RSS per parked routine:   %6.0f bytes (%ld sleeping at once, %ld with guard pages)\n",
           rss, n, guarded);
    return 0;
}
