/*
 * lanes-bench.c - how fast the runtime is: one row per workload, each the
 * median, minimum and maximum of repeated runs (issue 7).
 *
 * Owns only measuring: every runtime workload opens a fresh runtime with
 * settings for throughput (quantum 0, a 1 us tick, tracing off unless the
 * row is about tracing), runs a driver routine that takes the start time,
 * spawns the workers, waits for them through a channel and takes the end
 * time.  So no figure counts runtime start-up, lanes_close, or the wake-up
 * of the sleeping main thread.  tests/bench/peers/main.go runs workloads
 * 1-7 the same way in Go, with the same sizes and the same output format
 * ("name unit median min max runs [note]"), which compare.sh joins.
 *
 * The UI rows live in ui-bench.c.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lanes.h"
#include "bench.h"

/* Sizes: identical to peers/main.go (scaled by --scale). */
#define N_SWITCH     2000000    /* yields per routine                       */
#define N_PINGPONG   500000     /* round trips                              */
#define N_BUFFERED   5000000    /* messages                                 */
#define N_SELECT     2000000    /* messages, all producers together         */
#define N_SPAWN      500000     /* routines spawned                         */
#define SPAWN_GAP    100        /* the spawner yields after this many       */
#define N_PARKED     100000     /* routines parked for the RSS row (fixed)  */
#define CPU_WORKERS  8
#define CPU_CHUNKS   200        /* chunks of hashing per worker, yield after each */
#define CPU_ITERS    20000      /* mixing rounds per chunk                  */

#define WAIT_LIMIT_NS (120ull * 1000000000ull)   /* a run that takes longer hangs */

bench_opts bench_o = { .runs = 7, .scale = 1.0, .quantum = 0,
                       .trace_events = 65536 };

/* ---- small helpers ------------------------------------------------------- */

uint64_t bench_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

long bench_scaled(long n)
{
    double v = (double)n * bench_o.scale;

    return v < 1 ? 1 : (long)v;
}

void bench_die(const char *what, int err)
{
    fprintf(stderr, "lanes-bench: %s: %s\n", what,
            err == LANES_DEADLOCK ? "deadlock" :
            err == LANES_CLOSED ? "channel closed" :
            err > 0 ? strerror(err) : "failed");
    exit(1);
}

/* ---- a runtime per run, with an optional trace consumer ------------------- */

typedef struct drive_ctx {
    long     (*body)(struct drive_ctx *);  /* the workload; returns operations */
    lanes_rt *rt;
    long     n;                  /* operations asked for                    */
    lanes_chan *done;            /* workers say "finished" here (cap 16)     */
    atomic_long count;           /* for spawn: children that exited          */
    uint64_t ns;                 /* driver's wall time                       */
    long     ops;                /* operations done                          */
} drive_ctx;

typedef struct consumer {
    pthread_t   th;
    lanes_rt   *rt;
    atomic_int  stop;
    uint64_t    events;          /* events read                             */
} consumer;

/* Drains the rings the way a screen does, only more often: read everything
 * there is, then nap - 100 us after a big batch, up to 2 ms after a small
 * one (the screen reads once a frame, every 16-33 ms).  At ~40 M events/s
 * a 64 Ki ring holds 1.6 ms, so nothing is dropped unless the consumer is
 * starved of a CPU; and a consumer that polled fast when there is little
 * to read would be measuring its own wake-ups, not tracing. */
static void *consume(void *p)
{
    consumer *c = p;
    static lanes_event buf[4096];
    const size_t max = sizeof buf / sizeof buf[0];

    for (;;) {
        size_t n, got = 0;
        int stop = atomic_load(&c->stop);
        do {
            n = lanes_trace_read(c->rt, buf, max);
            got += n;
        } while (n == max);
        c->events += got;
        if (stop)
            break;
        nanosleep(&(struct timespec){ 0, got >= 16384 ? 100000 : got >= 1024 ? 500000 : 2000000 },
                  NULL);
    }
    return NULL;
}

lanes_rt *bench_open(int lanes, int trace)
{
    lanes_config cfg = {
        .cores = lanes,
        .quantum = bench_o.quantum,
        .tick_ns = 1000,
        .stack_size = 0,
        .flags = bench_o.pin ? LANES_PIN_CPUS : 0,
        .trace_events = trace ? bench_o.trace_events : 0,
    };
    lanes_rt *rt = lanes_open(&cfg);

    if (rt == NULL)
        bench_die("lanes_open", errno);
    return rt;
}

void bench_wait(lanes_rt *rt)
{
    int rc = lanes_wait_for(rt, WAIT_LIMIT_NS);

    if (rc == 1)
        bench_die("lanes_wait_for: no end after 120 s", 0);
    if (rc != 0)
        bench_die("lanes_wait", rc);
}

static void driver(void *p)
{
    drive_ctx *d = p;
    uint64_t t0;

    d->done = lanes_chan_open(d->rt, "done", sizeof(int), 16);
    if (d->done == NULL)
        bench_die("lanes_chan_open", errno);
    t0 = bench_now_ns();
    d->ops = d->body(d);
    d->ns = bench_now_ns() - t0;
}

/* Runs body on `lanes` lanes; returns ns per operation.  With trace, a
 * consumer thread drains the rings meanwhile; *ev_per_op and *dropped
 * (when not NULL) say what tracing recorded. */
static double drive(long (*body)(drive_ctx *), long n, int lanes, int trace,
                    double *ev_per_op, uint64_t *dropped)
{
    drive_ctx d = { .body = body, .n = n };
    consumer c = { .stop = 0 };
    int id;

    d.rt = bench_open(lanes, trace);
    if (trace) {
        c.rt = d.rt;
        if (pthread_create(&c.th, NULL, consume, &c) != 0)
            bench_die("pthread_create", errno);
    }
    id = lanes_go(d.rt, "driver", driver, &d);
    if (id < 0)
        bench_die("lanes_go", -id);
    bench_wait(d.rt);
    if (trace) {
        atomic_store(&c.stop, 1);
        pthread_join(c.th, NULL);
        if (ev_per_op != NULL)
            *ev_per_op = (double)c.events / (double)d.ops;
        if (dropped != NULL)
            *dropped = lanes_trace_dropped(d.rt);
    }
    lanes_close(d.rt);
    return (double)d.ns / (double)d.ops;
}

static void finished(drive_ctx *d)
{
    int one = 1;

    if (lanes_send(d->done, &one) != 0)
        bench_die("lanes_send(done)", LANES_CLOSED);
}

static void wait_finished(drive_ctx *d, int k)
{
    int v;

    while (k-- > 0)
        if (lanes_recv(d->done, &v) != 0)
            bench_die("lanes_recv(done)", LANES_CLOSED);
}

/* ---- 1. context switch --------------------------------------------------- */

static void yielder(void *p)
{
    drive_ctx *d = p;

    for (long i = 0; i < d->n; i++)
        lanes_yield();
    finished(d);
}

static long body_switch(drive_ctx *d)
{
    for (int i = 0; i < 2; i++)
        if (lanes_go(d->rt, "yielder", yielder, d) < 0)
            bench_die("lanes_go", 0);
    wait_finished(d, 2);
    return 2 * d->n;
}

/* The same two yielders started from a plain thread (as a scenario starts
 * its routines): a yield must cost the same wherever the routine began. */
static void yielder_plain(void *p)
{
    long n = *(long *)p;

    for (long i = 0; i < n; i++)
        lanes_yield();
}

static double switch_plain(long n, int lanes)
{
    lanes_rt *rt = bench_open(lanes, 0);
    uint64_t t0 = bench_now_ns(), ns;

    for (int i = 0; i < 2; i++)
        if (lanes_go(rt, "yielder", yielder_plain, &n) < 0)
            bench_die("lanes_go", 0);
    bench_wait(rt);
    ns = bench_now_ns() - t0;
    lanes_close(rt);
    return (double)ns / (double)(2 * n);
}

/* ---- 2. unbuffered ping-pong ---------------------------------------------- */

typedef struct pp_ctx { drive_ctx *d; lanes_chan *ping, *pong; } pp_ctx;

/* The workers below copy what they need from the driver's frame first:
 * after their last message the driver may return and exit, and its stack
 * be reused, before they look at their loop's bound again. */
static void ponger(void *p)
{
    pp_ctx pp = *(pp_ctx *)p;
    long n = pp.d->n;
    int v;

    for (long i = 0; i < n; i++) {
        lanes_recv(pp.ping, &v);
        lanes_send(pp.pong, &v);
    }
}

static long body_pingpong(drive_ctx *d)
{
    pp_ctx pp = { .d = d };
    int v;

    pp.ping = lanes_chan_open(d->rt, "ping", sizeof(int), 0);
    pp.pong = lanes_chan_open(d->rt, "pong", sizeof(int), 0);
    if (pp.ping == NULL || pp.pong == NULL)
        bench_die("lanes_chan_open", errno);
    if (lanes_go(d->rt, "ponger", ponger, &pp) < 0)
        bench_die("lanes_go", 0);
    for (long i = 0; i < d->n; i++) {
        v = (int)i;
        lanes_send(pp.ping, &v);
        lanes_recv(pp.pong, &v);
    }
    return d->n;
}

/* ---- 3. buffered, capacity 128, one producer, one consumer ---------------- */

typedef struct buf_ctx { drive_ctx *d; lanes_chan *ch; } buf_ctx;

static volatile long sink;       /* keeps results alive */

static void producer(void *p)
{
    buf_ctx b = *(buf_ctx *)p;
    long n = b.d->n;

    for (long i = 0; i < n; i++) {
        int v = (int)i;
        lanes_send(b.ch, &v);
    }
}

static long body_buffered(drive_ctx *d)
{
    buf_ctx b = { .d = d };
    long sum = 0;
    int v;

    b.ch = lanes_chan_open(d->rt, "buf", sizeof(int), 128);
    if (b.ch == NULL)
        bench_die("lanes_chan_open", errno);
    if (lanes_go(d->rt, "producer", producer, &b) < 0)
        bench_die("lanes_go", 0);
    for (long i = 0; i < d->n; i++) {
        lanes_recv(b.ch, &v);
        sum += v;
    }
    sink = sum;
    return d->n;
}

/* ---- 4. select fan-in ------------------------------------------------------ */

typedef struct sel_ctx { drive_ctx *d; lanes_chan *ch; } sel_ctx;

static void sel_producer(void *p)
{
    sel_ctx s = *(sel_ctx *)p;
    long n = s.d->n / 4;

    for (long i = 0; i < n; i++) {
        int v = (int)i;
        lanes_send(s.ch, &v);
    }
}

static long body_select(drive_ctx *d)
{
    sel_ctx s[4];
    lanes_case cases[4];
    int vals[4];
    long sum = 0, n = d->n / 4 * 4;

    for (int i = 0; i < 4; i++) {
        s[i].d = d;
        s[i].ch = lanes_chan_open(d->rt, "in", sizeof(int), 0);
        if (s[i].ch == NULL)
            bench_die("lanes_chan_open", errno);
        cases[i] = (lanes_case){ .ch = s[i].ch, .op = LANES_RECV, .elem = &vals[i] };
        if (lanes_go(d->rt, "producer", sel_producer, &s[i]) < 0)
            bench_die("lanes_go", 0);
    }
    for (long i = 0; i < n; i++) {
        int k = lanes_select(cases, 4, 0);
        if (k < 0 || k >= 4)
            bench_die("lanes_select", k);
        sum += vals[k];
    }
    sink = sum;
    return n;
}

/* ---- 5. spawn + exit -------------------------------------------------------- */

static void child(void *p)
{
    drive_ctx *d = p;

    if (atomic_fetch_add(&d->count, 1) + 1 == d->n)
        finished(d);
}

static long body_spawn(drive_ctx *d)
{
    for (long i = 0; i < d->n; i++) {
        int id = lanes_go(d->rt, "child", child, d);
        if (id < 0)
            bench_die("lanes_go", -id);
        if (i % SPAWN_GAP == SPAWN_GAP - 1)
            lanes_yield();
    }
    wait_finished(d, 1);
    return d->n;
}

/* ---- 7. CPU-bound ------------------------------------------------------------ */

/* The fixed work unit: a dependent chain of 64-bit mixing rounds (the
 * splitmix64 finaliser), identical in peers/main.go. */
static uint64_t hash_chunk(uint64_t x)
{
    for (int i = 0; i < CPU_ITERS; i++) {
        uint64_t z;
        x += 0x9e3779b97f4a7c15ull;
        z = x;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        x = z ^ (z >> 31);
    }
    return x;
}

static atomic_long cpu_seed;

static void hasher(void *p)
{
    drive_ctx *d = p;
    uint64_t x = (uint64_t)atomic_fetch_add(&cpu_seed, 1);

    for (long c = 0; c < d->n; c++) {
        x = hash_chunk(x);
        lanes_yield();
    }
    sink = (long)x;
    finished(d);
}

static long body_cpu(drive_ctx *d)
{
    for (int w = 0; w < CPU_WORKERS; w++)
        if (lanes_go(d->rt, "hasher", hasher, d) < 0)
            bench_die("lanes_go", 0);
    wait_finished(d, CPU_WORKERS);
    return 1;
}

/* ---- the rows --------------------------------------------------------------- */

static double row_switch(bench_row *r, int lanes, double *aux)
{
    return drive(body_switch, bench_scaled(N_SWITCH), lanes, 0, NULL, NULL);
}

static double row_switch_plain(bench_row *r, int lanes, double *aux)
{
    return switch_plain(bench_scaled(N_SWITCH), lanes);
}

static double row_pingpong(bench_row *r, int lanes, double *aux)
{
    return drive(body_pingpong, bench_scaled(N_PINGPONG), lanes, 0, NULL, NULL);
}

static double row_buffered(bench_row *r, int lanes, double *aux)
{
    return 1e3 / drive(body_buffered, bench_scaled(N_BUFFERED), lanes, 0, NULL, NULL);
}

static double row_select(bench_row *r, int lanes, double *aux)
{
    return 1e3 / drive(body_select, bench_scaled(N_SELECT), lanes, 0, NULL, NULL);
}

static double row_spawn(bench_row *r, int lanes, double *aux)
{
    return drive(body_spawn, bench_scaled(N_SPAWN), lanes, 0, NULL, NULL);
}

/* ---- 6. RSS per parked routine ---------------------------------------------- */

long bench_vmrss(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;

    if (f == NULL)
        return -1;
    while (fgets(line, sizeof line, f) != NULL)
        if (strncmp(line, "VmRSS:", 6) == 0) {
            kb = strtol(line + 6, NULL, 10);
            break;
        }
    fclose(f);
    return kb < 0 ? -1 : kb * 1024;
}

typedef struct park_ctx { lanes_chan *ch; atomic_long parked; } park_ctx;

static void parker(void *p)
{
    park_ctx *k = p;
    int v;

    atomic_fetch_add(&k->parked, 1);
    lanes_recv(k->ch, &v);
}

static double row_parked(bench_row *r, int lanes, double *aux)
{
    park_ctx k = { .parked = 0 };
    lanes_rt *rt = bench_open(lanes, 0);
    long before, after;
    int tries = 0;

    k.ch = lanes_chan_open(rt, "never", sizeof(int), 0);
    if (k.ch == NULL)
        bench_die("lanes_chan_open", errno);
    before = bench_vmrss();
    for (long i = 0; i < N_PARKED; i++) {
        int id = lanes_go(rt, "parked", parker, &k);
        if (id < 0)
            bench_die("lanes_go (100,000 routines)", -id);
    }
    /* all of them in lanes_recv: counted, and on the channel's list */
    while (atomic_load(&k.parked) < N_PARKED
           || lanes_blocked_list(rt, NULL, 0) < N_PARKED) {
        nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
        if (++tries > 60000)
            bench_die("100,000 routines never all parked", 0);
    }
    after = bench_vmrss();
    lanes_chan_close(k.ch);
    bench_wait(rt);
    lanes_close(rt);
    return (double)(after - before) / N_PARKED;
}

/* Paired runs: one 1-lane run, one 2-lane run, the ratio of their walls;
 * the row is the median of the ratios, which cancels slow drifts of a
 * shared machine. */
static double row_speedup(bench_row *r, int lanes, double *aux)
{
    long n = bench_scaled(CPU_CHUNKS);
    double t1 = drive(body_cpu, n, 1, 0, NULL, NULL);
    double t2 = drive(body_cpu, n, 2, 0, NULL, NULL);

    *aux = t2 / 1e6;
    return t1 / t2;
}

static void note_speedup(char *buf, size_t n, const double *a)
{
    snprintf(buf, n, "2 lanes: %.1f ms", a[0]);
}

static void note_trace(char *buf, size_t n, const double *a)
{
    snprintf(buf, n, "on: %.4g ns/op, %.1f events/op, %.0f dropped", a[0], a[1], a[2]);
}

/* ---- 8. tracing overhead: paired off/on runs, the ratio of the times ------ */

static double trace_pair(long (*body)(drive_ctx *), long n, int lanes, double *aux)
{
    double ev = 0, off, on;
    uint64_t dropped = 0;

    off = drive(body, n, lanes, 0, NULL, NULL);
    on = drive(body, n, lanes, 1, &ev, &dropped);
    aux[0] = on;
    aux[1] = ev;
    aux[2] = (double)dropped;
    return on / off;
}

static double row_trace_pingpong(bench_row *r, int lanes, double *aux)
{
    return trace_pair(body_pingpong, bench_scaled(N_PINGPONG), lanes, aux);
}

static double row_trace_buffered(bench_row *r, int lanes, double *aux)
{
    return trace_pair(body_buffered, bench_scaled(N_BUFFERED), lanes, aux);
}

static double row_trace_cpu(bench_row *r, int lanes, double *aux)
{
    return trace_pair(body_cpu, bench_scaled(CPU_CHUNKS), lanes, aux);
}

static bench_row rows[] = {
    { "switch",    1, "ns",  "yield between two routines, one lane", row_switch, NULL },
    { "switch-plain", 1, "ns", "the same, both started from the main thread", row_switch_plain, NULL },
    { "pingpong",  1, "ns",  "unbuffered round trip", row_pingpong, NULL },
    { "pingpong",  2, "ns",  "unbuffered round trip", row_pingpong, NULL },
    { "buffered",  1, "M/s", "cap 128, 1 producer 1 consumer, messages", row_buffered, NULL },
    { "buffered",  2, "M/s", "cap 128, 1 producer 1 consumer, messages", row_buffered, NULL },
    { "select",    1, "M/s", "4 producers, select over 4 unbuffered, messages", row_select, NULL },
    { "select",    2, "M/s", "4 producers, select over 4 unbuffered, messages", row_select, NULL },
    { "spawn",     1, "ns",  "spawn + exit of an empty routine", row_spawn, NULL },
    { "spawn",     2, "ns",  "spawn + exit of an empty routine", row_spawn, NULL },
    { "rss-parked", 1, "B",  "VmRSS growth per routine, 100,000 parked on a channel", row_parked, NULL },
    { "cpu-speedup", -2, "x", "8 routines hashing: wall 1 lane / wall 2 lanes", row_speedup, note_speedup },
    { "trace-pingpong", 1, "x", "ping-pong time, tracing on / off", row_trace_pingpong, note_trace },
    { "trace-pingpong", 2, "x", "ping-pong time, tracing on / off", row_trace_pingpong, note_trace },
    { "trace-buffered", 1, "x", "buffered time, tracing on / off", row_trace_buffered, note_trace },
    { "trace-buffered", 2, "x", "buffered time, tracing on / off", row_trace_buffered, note_trace },
    { "trace-cpu",  2, "x",  "CPU-bound (8 hashers) time, tracing on / off", row_trace_cpu, note_trace },
    { NULL, 0, NULL, NULL, NULL, NULL }
};

/* ---- the table ---------------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

double bench_median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static const char *num(char *buf, size_t n, double v)
{
    snprintf(buf, n, v >= 1000 ? "%.0f" : v >= 10 ? "%.1f" : "%.3f", v);
    return buf;
}

static void row_name(const bench_row *r, char *buf, size_t n)
{
    if (r->lanes == 0)
        snprintf(buf, n, "%s", r->workload);
    else if (r->lanes < 0)
        snprintf(buf, n, "%s/%dv1", r->workload, -r->lanes);
    else
        snprintf(buf, n, "%s/%d", r->workload, r->lanes);
}

static int in_list(const char *list, const char *word)
{
    size_t len = strlen(word);

    for (const char *p = list; p != NULL && *p != '\0'; ) {
        const char *e = strchr(p, ',');
        size_t k = e != NULL ? (size_t)(e - p) : strlen(p);
        if (k == len && strncmp(p, word, len) == 0)
            return 1;
        p = e != NULL ? e + 1 : NULL;
    }
    return 0;
}

static int selected(const bench_row *r)
{
    char name[64], lanes[16];

    row_name(r, name, sizeof name);
    if (r->lanes > 0) {
        snprintf(lanes, sizeof lanes, "%d", r->lanes);
        if (!in_list(bench_o.lanes, lanes))
            return 0;
    }
    if (bench_o.only == NULL || *bench_o.only == '\0')
        return 1;
    return in_list(bench_o.only, r->workload) || in_list(bench_o.only, name);
}

static void run_row(bench_row *r)
{
    double *v = calloc((size_t)bench_o.runs, sizeof *v);
    double *aux = calloc((size_t)bench_o.runs * 3, sizeof *aux);
    double lo, hi, med, a[3];
    char name[64], b1[32], b2[32], b3[32], note[128] = "";

    if (v == NULL || aux == NULL)
        bench_die("calloc", ENOMEM);
    for (int i = 0; i < bench_o.runs; i++)
        v[i] = r->run(r, r->lanes, &aux[3 * i]);
    lo = hi = v[0];
    for (int i = 1; i < bench_o.runs; i++) {
        lo = v[i] < lo ? v[i] : lo;
        hi = v[i] > hi ? v[i] : hi;
    }
    med = bench_median(v, bench_o.runs);
    if (r->note != NULL) {
        for (int k = 0; k < 3; k++) {
            for (int i = 0; i < bench_o.runs; i++)
                v[i] = aux[3 * i + k];
            a[k] = bench_median(v, bench_o.runs);
        }
        r->note(note, sizeof note, a);
    }
    row_name(r, name, sizeof name);
    printf("  %-18s %-6s %12s %12s %12s %5d  %s\n", name, r->unit,
           num(b1, sizeof b1, med), num(b2, sizeof b2, lo),
           num(b3, sizeof b3, hi), bench_o.runs, note);
    fflush(stdout);
    free(v);
    free(aux);
}

static void usage(FILE *f)
{
    fputs("usage: lanes-bench [--runs N] [--scale X] [--only LIST] [--lanes LIST]\n"
          "                   [--quantum Q] [--trace-events N] [--pin] [--no-header] [--list]\n"
          "  --runs N          repetitions per row (default 7)\n"
          "  --scale X         multiply the operation counts (not the 100k parked)\n"
          "  --only LIST       comma list of workloads or rows: pingpong,select/2\n"
          "  --lanes LIST      lane counts for rows with a /N (default 1,2)\n"
          "  --quantum Q       runtime quantum (default 0: cooperative)\n"
          "  --trace-events N  ring capacity per lane for the trace rows (65536)\n"
          "  --pin             LANES_PIN_CPUS\n", f);
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "runs", required_argument, NULL, 'r' },
        { "scale", required_argument, NULL, 's' },
        { "only", required_argument, NULL, 'o' },
        { "lanes", required_argument, NULL, 'c' },
        { "procs", required_argument, NULL, 'c' },
        { "quantum", required_argument, NULL, 'q' },
        { "trace-events", required_argument, NULL, 't' },
        { "pin", no_argument, NULL, 'p' },
        { "no-header", no_argument, NULL, 'H' },
        { "list", no_argument, NULL, 'l' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    int ch, list = 0, header = 1;
    char host[64] = "?";
    bench_row *ui = bench_ui_rows();

    bench_o.lanes = "1,2";
    while ((ch = getopt_long(argc, argv, "r:s:o:c:q:t:pHlh", longopts, NULL)) != -1) {
        switch (ch) {
        case 'r': bench_o.runs = atoi(optarg); break;
        case 's': bench_o.scale = atof(optarg); break;
        case 'o': bench_o.only = optarg; break;
        case 'c': bench_o.lanes = optarg; break;
        case 'q': bench_o.quantum = atoi(optarg); break;
        case 't': bench_o.trace_events = (size_t)atol(optarg); break;
        case 'p': bench_o.pin = 1; break;
        case 'H': header = 0; break;
        case 'l': list = 1; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind < argc || bench_o.runs < 1 || !(bench_o.scale > 0)) {
        usage(stderr);
        return 2;
    }
    for (int pass = 0; pass < 2; pass++) {
        bench_row *t = pass == 0 ? rows : ui;
        for (bench_row *r = t; r != NULL && r->workload != NULL; r++) {
            char name[64];
            if (!list || !selected(r))
                continue;
            row_name(r, name, sizeof name);
            printf("%-18s %-6s %s\n", name, r->unit, r->what);
        }
    }
    if (list)
        return 0;
    if (header) {
        gethostname(host, sizeof host - 1);
        printf("# lanes-bench %s, %d CPUs, host %s, runs %d, scale %g, quantum %d%s\n",
               PACKAGE_VERSION, lanes_online_cpus(), host, bench_o.runs,
               bench_o.scale, bench_o.quantum, bench_o.pin ? ", pinned" : "");
        printf("# %-18s %-6s %12s %12s %12s %5s  %s\n", "workload", "unit",
               "median", "min", "max", "runs", "note");
        fflush(stdout);
    }
    for (bench_row *r = rows; r->workload != NULL; r++)
        if (selected(r))
            run_row(r);
    for (bench_row *r = ui; r != NULL && r->workload != NULL; r++)
        if (selected(r))
            run_row(r);
    return 0;
}
