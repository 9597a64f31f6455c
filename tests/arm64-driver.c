/*
 * arm64-driver.c - a stand-alone smoke test of the runtime for a CPU where
 * the Check tests cannot run (cross builds under qemu-user: tests/arm64.sh).
 * Needs only liblanes.a and libc.  Exercises the hand-written switch:
 * callee-saved registers and FPCR across yields, yields on 1 and 2 lanes,
 * channel ping-pong, select, a spawn storm, deadlock detection and a deep
 * stack.  Prints one line per check and exits non-zero on any failure.
 * Not part of make check (the Check tests cover the same on the build CPU).
 */
#include <fenv.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lanes.h"

static int failures;

static void check(int ok, const char *what)
{
    printf("%s %s\n", ok ? "ok  " : "FAIL", what);
    fflush(stdout);
    if (!ok)
        failures++;
}

static lanes_rt *open_rt(int cores, size_t trace)
{
    lanes_config c = { .cores = cores, .quantum = 4, .tick_ns = 20000, .trace_events = trace };
    lanes_rt *rt = lanes_open(&c);
    if (rt == NULL) {
        perror("lanes_open");
        exit(2);
    }
    return rt;
}

/* ---- callee-saved registers across a yield --------------------------------- */
static atomic_int reg_bad;

#if defined(__aarch64__)
/* Loads x19..x28 and d8..d15 with values derived from seed, yields, and
 * returns how many came back changed. */
static long regs_across_yield(long seed)
{
    register long x0 __asm__("x0") = seed;   /* in: seed, out: count */
    __asm__ volatile(
        "mov x19, x0\n add x20, x19, #1\n add x21, x19, #2\n add x22, x19, #3\n"
        "add x23, x19, #4\n add x24, x19, #5\n add x25, x19, #6\n add x26, x19, #7\n"
        "add x27, x19, #8\n add x28, x19, #9\n"
        "fmov d8, x19\n fmov d9, x20\n fmov d10, x21\n fmov d11, x22\n"
        "fmov d12, x23\n fmov d13, x24\n fmov d14, x25\n fmov d15, x26\n"
        "bl lanes_yield\n"
        "mov x0, #0\n"
        "and x2, x20, #-16\n"   /* seed is 16-aligned: x20 = seed + 1 */
        "sub x1, x20, x19\n cmp x1, #1\n cinc x0, x0, ne\n"
        "sub x1, x21, x19\n cmp x1, #2\n cinc x0, x0, ne\n"
        "sub x1, x22, x19\n cmp x1, #3\n cinc x0, x0, ne\n"
        "sub x1, x23, x19\n cmp x1, #4\n cinc x0, x0, ne\n"
        "sub x1, x24, x19\n cmp x1, #5\n cinc x0, x0, ne\n"
        "sub x1, x25, x19\n cmp x1, #6\n cinc x0, x0, ne\n"
        "sub x1, x26, x19\n cmp x1, #7\n cinc x0, x0, ne\n"
        "sub x1, x27, x19\n cmp x1, #8\n cinc x0, x0, ne\n"
        "sub x1, x28, x19\n cmp x1, #9\n cinc x0, x0, ne\n"
        "cmp x19, x2\n cinc x0, x0, ne\n"
        "fmov x1, d8\n cmp x1, x19\n cinc x0, x0, ne\n"
        "fmov x1, d9\n cmp x1, x20\n cinc x0, x0, ne\n"
        "fmov x1, d10\n cmp x1, x21\n cinc x0, x0, ne\n"
        "fmov x1, d11\n cmp x1, x22\n cinc x0, x0, ne\n"
        "fmov x1, d12\n cmp x1, x23\n cinc x0, x0, ne\n"
        "fmov x1, d13\n cmp x1, x24\n cinc x0, x0, ne\n"
        "fmov x1, d14\n cmp x1, x25\n cinc x0, x0, ne\n"
        "fmov x1, d15\n cmp x1, x26\n cinc x0, x0, ne\n"
        : "+r"(x0)
        :
        : "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10",
          "x11", "x12", "x13", "x14", "x15", "x16", "x17", "x18", "x19", "x20",
          "x21", "x22", "x23", "x24", "x25", "x26", "x27", "x28", "x30",
          "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10",
          "v11", "v12", "v13", "v14", "v15", "v16", "v17", "v18", "v19", "v20",
          "v21", "v22", "v23", "v24", "v25", "v26", "v27", "v28", "v29", "v30",
          "v31", "cc", "memory");
    return x0;
}
#else
/* Elsewhere: locals live across the call, wherever the compiler keeps them. */
static long regs_across_yield(long seed)
{
    volatile long v[10];
    long bad = 0;
    for (int i = 0; i < 10; i++)
        v[i] = seed + i;
    lanes_yield();
    for (int i = 0; i < 10; i++)
        bad += v[i] != seed + i;
    return bad;
}
#endif

static void reg_keeper(void *a)
{
    long seed = (long)(intptr_t)a << 20;
    for (int i = 0; i < 500; i++)
        atomic_fetch_add(&reg_bad, (int)regs_across_yield(seed + i * 16));
}

/* ---- yields on 1 and 2 lanes -------------------------------------------------- */
static atomic_int yields;

static void yielder(void *a)
{
    for (int i = 0; i < 1000; i++) {
        lanes_yield();
        atomic_fetch_add(&yields, 1);
    }
}

/* ---- FP control per routine ------------------------------------------------- */
static atomic_int fp_wrong;

/* The direction arithmetic rounds in now: 1 up, -1 down, 0 nearest. */
static int arith_rounding(void)
{
    volatile double one = 1.0, minus_one = -1.0, three = 3.0;
    double up = one / three, down = -(minus_one / three);
    return (up > down) - (up < down);
}

static void fp_rounder(void *a)
{
    int mode = (int)(long)a;
    int dir = mode == FE_UPWARD ? 1 : mode == FE_DOWNWARD ? -1 : 0;
    if (fegetround() != FE_TONEAREST || arith_rounding() != 0)
        atomic_fetch_add(&fp_wrong, 1);
    fesetround(mode);
    for (int i = 0; i < 2000; i++) {
        lanes_yield();
        if (fegetround() != mode || arith_rounding() != dir)
            atomic_fetch_add(&fp_wrong, 1);
    }
}

/* ---- channels ----------------------------------------------------------------- */
#define PINGS 5000
static atomic_int ping_bad;

typedef struct { lanes_chan *a, *b; } pair;

static void pinger(void *p)
{
    pair *pr = p;
    for (int i = 0; i < PINGS; i++) {
        int v = i, back = -1;
        lanes_send(pr->a, &v);
        lanes_recv(pr->b, &back);
        if (back != i + 1)
            atomic_fetch_add(&ping_bad, 1);
    }
    lanes_chan_close(pr->a);
}

static void ponger(void *p)
{
    pair *pr = p;
    int v;
    while (lanes_recv(pr->a, &v) == 0) {
        v++;
        lanes_send(pr->b, &v);
    }
}

/* ---- select ------------------------------------------------------------------- */
#define SEL_N 3000
static atomic_long sel_sum;
static atomic_int sel_count;

static void sel_producer(void *p)
{
    lanes_chan *ch = p;
    for (int i = 1; i <= SEL_N; i++)
        lanes_send(ch, &i);
    lanes_chan_close(ch);
}

static void sel_consumer(void *p)
{
    pair *pr = p;
    int open = 2, va, vb;
    lanes_case cs[2] = { { pr->a, LANES_RECV, &va, 0 }, { pr->b, LANES_RECV, &vb, 0 } };
    while (open > 0) {
        int k = lanes_select(cs, 2, 0);
        if (k < 0)
            break;
        if (cs[k].result == LANES_CLOSED) {
            cs[k].ch = NULL;
            open--;
            continue;
        }
        atomic_fetch_add(&sel_sum, k == 0 ? va : vb);
        atomic_fetch_add(&sel_count, 1);
    }
}

/* ---- spawn storm --------------------------------------------------------------- */
#define STORM 3000
static atomic_int storm_done, storm_bad;

static void storm_child(void *a)
{
    lanes_yield();
    atomic_fetch_add(&storm_done, 1);
}

static void storm_parent(void *a)
{
    for (int i = 0; i < STORM; i++) {
        if (lanes_go(lanes_self_rt(), "child", storm_child, NULL) <= 0)
            atomic_fetch_add(&storm_bad, 1);
        if (i % 64 == 63)
            lanes_yield();
    }
}

/* ---- deadlock ------------------------------------------------------------------ */
static void park_forever(void *p)
{
    int v;
    lanes_recv((lanes_chan *)p, &v);
}

/* ---- deep stack ---------------------------------------------------------------- */
static atomic_int deep_bad;

/* About 200 bytes of frame per level, a yield at every 64th level. */
static double deep(int n, double acc)
{
    volatile double pad[20];
    for (int i = 0; i < 20; i++)
        pad[i] = acc + i;
    if (n % 64 == 0)
        lanes_yield();
    double r = n == 0 ? acc : deep(n - 1, acc + 1.0);
    for (int i = 0; i < 20; i++)
        if (pad[i] != acc + i)
            atomic_fetch_add(&deep_bad, 1);
    return r;
}

static void deep_routine(void *a)
{
    int n = (int)(intptr_t)a;
    if (deep(n, 0.0) != (double)n)
        atomic_fetch_add(&deep_bad, 1);
}

int main(void)
{
    lanes_rt *rt;
    char msg[128];
    int rc;

    for (int cores = 1; cores <= 2; cores++) {
        rt = open_rt(cores, 0);
        atomic_store(&yields, 0);
        for (int i = 0; i < 8; i++)
            lanes_go(rt, "y", yielder, NULL);
        rc = lanes_wait(rt);
        snprintf(msg, sizeof msg, "yields, %d lane(s): %d of 8000", cores, atomic_load(&yields));
        check(rc == 0 && atomic_load(&yields) == 8000, msg);

        atomic_store(&reg_bad, 0);
        for (int i = 1; i <= 6; i++)
            lanes_go(rt, "r", reg_keeper, (void *)(intptr_t)i);
        rc = lanes_wait(rt);
        snprintf(msg, sizeof msg, "callee-saved x19-x28, d8-d15 across yields, %d lane(s): %d wrong",
                 cores, atomic_load(&reg_bad));
        check(rc == 0 && atomic_load(&reg_bad) == 0, msg);

        atomic_store(&fp_wrong, 0);
        lanes_go(rt, "up", fp_rounder, (void *)(long)FE_UPWARD);
        lanes_go(rt, "down", fp_rounder, (void *)(long)FE_DOWNWARD);
        lanes_go(rt, "zero", fp_rounder, (void *)(long)FE_TOWARDZERO);
        lanes_go(rt, "near", fp_rounder, (void *)(long)FE_TONEAREST);
        rc = lanes_wait(rt);
        snprintf(msg, sizeof msg, "rounding mode per routine, %d lane(s): %d wrong, thread mode %s",
                 cores, atomic_load(&fp_wrong), fegetround() == FE_TONEAREST ? "nearest" : "CHANGED");
        check(rc == 0 && atomic_load(&fp_wrong) == 0 && fegetround() == FE_TONEAREST, msg);

        pair pr = { lanes_chan_open(rt, "a", sizeof(int), 0), lanes_chan_open(rt, "b", sizeof(int), 0) };
        atomic_store(&ping_bad, 0);
        lanes_go(rt, "ping", pinger, &pr);
        lanes_go(rt, "pong", ponger, &pr);
        rc = lanes_wait(rt);
        snprintf(msg, sizeof msg, "channel ping-pong x%d, %d lane(s): %d wrong", PINGS, cores,
                 atomic_load(&ping_bad));
        check(rc == 0 && atomic_load(&ping_bad) == 0, msg);

        pair sp = { lanes_chan_open(rt, "s1", sizeof(int), 0), lanes_chan_open(rt, "s2", sizeof(int), 4) };
        atomic_store(&sel_sum, 0);
        atomic_store(&sel_count, 0);
        lanes_go(rt, "p1", sel_producer, sp.a);
        lanes_go(rt, "p2", sel_producer, sp.b);
        lanes_go(rt, "sel", sel_consumer, &sp);
        rc = lanes_wait(rt);
        long want = 2L * SEL_N * (SEL_N + 1) / 2;
        snprintf(msg, sizeof msg, "select over 2 channels, %d lane(s): %d received, sum %ld of %ld",
                 cores, atomic_load(&sel_count), atomic_load(&sel_sum), want);
        check(rc == 0 && atomic_load(&sel_count) == 2 * SEL_N && atomic_load(&sel_sum) == want, msg);

        atomic_store(&storm_done, 0);
        atomic_store(&storm_bad, 0);
        lanes_go(rt, "parent", storm_parent, NULL);
        rc = lanes_wait(rt);
        snprintf(msg, sizeof msg, "spawn storm, %d lane(s): %d of %d done", cores,
                 atomic_load(&storm_done), STORM);
        check(rc == 0 && atomic_load(&storm_done) == STORM && atomic_load(&storm_bad) == 0, msg);

        lanes_chan *never = lanes_chan_open(rt, "never", sizeof(int), 0);
        lanes_go(rt, "stuck1", park_forever, never);
        lanes_go(rt, "stuck2", park_forever, never);
        rc = lanes_wait(rt);
        lanes_blocked b[4];
        size_t nb = lanes_blocked_list(rt, b, 4);
        snprintf(msg, sizeof msg, "deadlock detected, %d lane(s): rc %d, %zu blocked", cores, rc, nb);
        check(rc == LANES_DEADLOCK && nb == 2, msg);
        lanes_close(rt);

        /* 64 KiB default stack: ~200 levels of ~200 bytes is over half of it */
        rt = open_rt(cores, 0);
        atomic_store(&deep_bad, 0);
        for (int i = 0; i < 4; i++)
            lanes_go(rt, "deep", deep_routine, (void *)(intptr_t)200);
        rc = lanes_wait(rt);
        snprintf(msg, sizeof msg, "deep stack (200 frames, yields inside), %d lane(s): %d wrong",
                 cores, atomic_load(&deep_bad));
        check(rc == 0 && atomic_load(&deep_bad) == 0, msg);
        lanes_close(rt);
    }
    printf("%s: %d failure(s)\n", failures ? "FAIL" : "PASS", failures);
    return failures ? 1 : 0;
}
