/*
 * pipeline.c - a parallel pipeline over channels: count the primes below
 * LIMIT on several lanes at once.
 *
 *   cc pipeline.c $(pkg-config --cflags --libs lanes) -o pipeline && ./pipeline
 *
 *   cutter --chunks--> counter x COUNTERS --counts--> adder
 *
 * The cutter cuts [2, LIMIT) into chunks; each counter takes chunks as
 * they come (whichever is free first: the fan-out) and sends back how
 * many primes each held; the adder sums them (the fan-in).  The counters
 * run at the same instant on different lanes, each an OS thread.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <lanes.h>

#define LIMIT    200000
#define CHUNK    5000
#define COUNTERS 4

typedef struct { uint32_t lo, hi; } chunk;        /* numbers lo .. hi-1 */
typedef struct { uint32_t lo, primes; } count;

static lanes_chan *chunks, *counts;
static uint32_t total, nchunks;                    /* the adder's result */

static int is_prime(uint32_t n)
{
    if (n < 2)
        return 0;
    for (uint32_t d = 2; d * d <= n; d++)
        if (n % d == 0)
            return 0;
    return 1;
}

static void cutter(void *arg)
{
    (void)arg;
    for (uint32_t lo = 2; lo < LIMIT; lo += CHUNK) {
        chunk c = { lo, lo + CHUNK < LIMIT ? lo + CHUNK : LIMIT };
        lanes_send(chunks, &c);     /* waits while the buffer is full */
    }
    lanes_chan_close(chunks);       /* the counters' loops end when drained */
}

/* Plain C work: a routine keeps its lane until it blocks on a channel,
 * yields or returns, so a chunk is the unit other routines wait for. */
static void counter(void *arg)
{
    (void)arg;
    chunk c;

    while (lanes_recv(chunks, &c) == 0) {
        count n = { c.lo, 0 };
        for (uint32_t i = c.lo; i < c.hi; i++)
            n.primes += is_prime(i);
        lanes_send(counts, &n);
    }
}

static void adder(void *arg)
{
    (void)arg;
    uint32_t want = (LIMIT - 2 + CHUNK - 1) / CHUNK;
    count n;

    /* exactly one count per chunk, in whatever order they finish */
    for (nchunks = 0; nchunks < want && lanes_recv(counts, &n) == 0; nchunks++)
        total += n.primes;
}

int main(void)
{
    lanes_config cfg = { .cores = COUNTERS, .tick_ns = 1000000 };
    lanes_rt *rt = lanes_open(&cfg);

    if (rt == NULL) {
        perror("pipeline: lanes_open");
        return 1;
    }
    chunks = lanes_chan_open(rt, "chunks", sizeof(chunk), 8);   /* buffered */
    counts = lanes_chan_open(rt, "counts", sizeof(count), 0);   /* unbuffered */
    if (chunks == NULL || counts == NULL) {
        perror("pipeline: lanes_chan_open");
        lanes_close(rt);
        return 1;
    }
    int e = lanes_go(rt, "cutter", cutter, NULL);               /* an id, or -errno */
    for (int i = 0; i < COUNTERS && e > 0; i++)
        e = lanes_go(rt, "counter", counter, NULL);
    if (e > 0)
        e = lanes_go(rt, "adder", adder, NULL);
    if (e < 0) {
        fprintf(stderr, "pipeline: %s\n", strerror(-e));
        lanes_close(rt);
        return 1;
    }
    if (lanes_wait(rt) != 0) {      /* LANES_DEADLOCK would be a bug here */
        fprintf(stderr, "pipeline: deadlock\n");
        lanes_close(rt);
        return 1;
    }
    lanes_close(rt);
    /* what the routines wrote, read after lanes_wait returned */
    printf("%u primes below %u, counted in %u chunks by %d counters\n",
           (unsigned)total, (unsigned)LIMIT, (unsigned)nchunks, COUNTERS);
    return 0;
}
