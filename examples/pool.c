/*
 * pool.c - a worker pool with select and a deadline.
 *
 *   cc pool.c $(pkg-config --cflags --libs lanes) -o pool && ./pool
 *
 * A boss hands JOBS jobs to WORKERS workers and collects their results
 * in one lanes_select: hand out the next job, take a result, or see the
 * deadline pass.  One job is far too big; when the deadline passes the
 * boss closes `cancel`, which every worker watches: the busy one gives up
 * its job, the idle ones leave.  A closed channel is the broadcast.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <lanes.h>

#define WORKERS   3
#define JOBS      8
#define BIG_JOB   5                  /* this one would run for centuries */
#define DEADLINE  1000               /* ticks (1 ms each) for the whole batch;
                                        the other jobs need a few ms in all */

typedef struct { int id; uint64_t rounds; } job;
typedef struct { int id; uint64_t hash; } result;

static lanes_chan *jobs, *results, *cancel, *deadline;

static int cancelled(void)
{
    return lanes_try_recv(cancel, NULL) == LANES_CLOSED;
}

/* Real work, in slices: between them the worker yields its lane (a routine
 * keeps it until it blocks or yields) and looks whether it was cancelled. */
static int work(const job *j, uint64_t *hash)
{
    uint64_t h = (uint64_t)j->id;

    for (uint64_t done = 0; done < j->rounds; done += 10000) {
        for (int i = 0; i < 10000; i++)
            h = h * 6364136223846793005ull + 1442695040888963407ull;
        lanes_yield();
        if (cancelled())
            return -1;
    }
    *hash = h;
    return 0;
}

static void worker(void *arg)
{
    (void)arg;
    for (;;) {
        job j;
        lanes_case wait[2] = {
            { .ch = jobs,   .op = LANES_RECV, .elem = &j },
            { .ch = cancel, .op = LANES_RECV },           /* fires once closed */
        };
        if (lanes_select(wait, 2, 0) != 0)
            return;
        result r = { j.id, 0 };
        if (work(&j, &r.hash) != 0)
            return;                                       /* given up */
        lanes_case give[2] = {
            { .ch = results, .op = LANES_SEND, .elem = &r },
            { .ch = cancel,  .op = LANES_RECV },
        };
        if (lanes_select(give, 2, 0) != 0)
            return;
    }
}

/* time.After, by hand: a routine that sleeps, then closes a channel. */
static void timer(void *arg)
{
    (void)arg;
    lanes_sleep(DEADLINE);          /* runtime time: ticks, off any lane */
    lanes_chan_close(deadline);
}

static void boss(void *arg)
{
    (void)arg;
    int next = 1, pending = JOBS, done[JOBS + 1] = { 0 };
    uint64_t hash[JOBS + 1] = { 0 };

    while (pending > 0) {
        job j = { next, next == BIG_JOB ? UINT64_MAX : 100000u * (uint64_t)next };
        result r;
        lanes_case c[3] = {
            /* a NULL channel is never ready: no send once all are out */
            { .ch = next <= JOBS ? jobs : NULL, .op = LANES_SEND, .elem = &j },
            { .ch = results,  .op = LANES_RECV, .elem = &r },
            { .ch = deadline, .op = LANES_RECV },
        };
        int k = lanes_select(c, 3, 0);
        if (k == 0) {
            next++;
        } else if (k == 1) {
            done[r.id] = 1;
            hash[r.id] = r.hash;
            pending--;
        } else {
            break;                  /* the deadline passed */
        }
    }
    lanes_chan_close(cancel);       /* stop whoever still works, free the rest */
    for (int i = 1; i <= JOBS; i++) {
        if (done[i])
            printf("job %d: %016llx\n", i, (unsigned long long)hash[i]);
        else
            printf("job %d: not done after %d ticks, cancelled\n", i, DEADLINE);
    }
}

int main(void)
{
    lanes_config cfg = { .cores = 2, .tick_ns = 1000000 };
    lanes_rt *rt = lanes_open(&cfg);

    if (rt == NULL) {
        perror("pool: lanes_open");
        return 1;
    }
    jobs = lanes_chan_open(rt, "jobs", sizeof(job), 0);
    results = lanes_chan_open(rt, "results", sizeof(result), 0);
    cancel = lanes_chan_open(rt, "cancel", 0, 0);       /* only ever closed */
    deadline = lanes_chan_open(rt, "deadline", 0, 0);
    if (!jobs || !results || !cancel || !deadline) {
        perror("pool: lanes_chan_open");
        lanes_close(rt);
        return 1;
    }
    int e = lanes_go(rt, "boss", boss, NULL);
    if (e > 0)
        e = lanes_go(rt, "timer", timer, NULL);
    for (int i = 0; i < WORKERS && e > 0; i++)
        e = lanes_go(rt, "worker", worker, NULL);
    if (e < 0) {
        fprintf(stderr, "pool: lanes_go: %s\n", strerror(-e));
        lanes_close(rt);
        return 1;
    }
    /* a deadline for main too: lanes_wait_for returns 1 when it passed */
    int rc = lanes_wait_for(rt, 60ull * 1000000000u);
    if (rc != 0)
        fprintf(stderr, "pool: %s\n", rc == 1 ? "still running after 60 s" : "deadlock");
    lanes_close(rt);
    return rc == 0 ? 0 : 1;
}
