/*
 * pingpong.c - round-trip time of one value bounced between two routines
 * over two unbuffered channels, on 1 and on 2 lanes.  A benchmark, not a
 * test: make check never runs it, and nothing asserts on its times.
 *
 * Build and run from a configured build directory (here /work/build-chan):
 *   cc -O2 -std=gnu11 -pthread -I$SRC/src -iquote $SRC/src/rt -I. \
 *      $SRC/tests/bench/pingpong.c src/rt/liblanes.a -o pingpong && ./pingpong [rounds]
 * where SRC is the source tree.  Prints one line per lane count.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lanes.h"

typedef struct pp {
    lanes_chan *ping, *pong;
    long rounds;
    double ns;          /* per round trip, measured by the pinger */
} pp;

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static void pinger(void *a)
{
    pp *p = a;
    long warm = p->rounds / 10 + 1;
    double t0 = 0;
    int v = 0;

    for (long i = 0; i < warm + p->rounds; i++) {
        if (i == warm)
            t0 = now_ns();
        lanes_send(p->ping, &v);
        lanes_recv(p->pong, &v);
        v++;
    }
    p->ns = (now_ns() - t0) / (double)p->rounds;
    lanes_chan_close(p->ping);
}

static void ponger(void *a)
{
    pp *p = a;
    int v;

    while (lanes_recv(p->ping, &v) == 0)
        lanes_send(p->pong, &v);
}

static double run(int cores, long rounds)
{
    lanes_config cfg;
    lanes_rt *rt;
    pp p;

    memset(&cfg, 0, sizeof cfg);
    cfg.cores = cores;
    cfg.quantum = 4;
    cfg.tick_ns = 20000;
    cfg.trace_events = 0;
    rt = lanes_open(&cfg);
    if (rt == NULL) {
        perror("lanes_open");
        exit(1);
    }
    p.ping = lanes_chan_open(rt, "ping", sizeof(int), 0);
    p.pong = lanes_chan_open(rt, "pong", sizeof(int), 0);
    p.rounds = rounds;
    p.ns = 0;
    lanes_go(rt, "ponger", ponger, &p);
    lanes_go(rt, "pinger", pinger, &p);
    if (lanes_wait(rt) != 0) {
        fprintf(stderr, "pingpong: did not finish\n");
        exit(1);
    }
    lanes_close(rt);
    return p.ns;
}

int main(int argc, char **argv)
{
    long rounds = argc > 1 ? atol(argv[1]) : 1000000;

    if (rounds <= 0)
        rounds = 1000000;
    for (int cores = 1; cores <= 2; cores++) {
        double best = 0;
        for (int rep = 0; rep < 3; rep++) {
            double ns = run(cores, rounds);
            if (rep == 0 || ns < best)
                best = ns;
        }
        printf("pingpong: %d lane%s: %.0f ns per round trip (best of 3, %ld rounds)\n",
               cores, cores > 1 ? "s" : "", best, rounds);
    }
    return 0;
}
