/*
 * console_prog.c - a small program on the runtime, for the console tests
 * (tests/tty/attach.sh): three routines count, and the main thread writes
 * "count N cores C paused P" to FILE about every 20 ms, until the file
 * FILE.stop exists; then the routines end and it exits 0.  Run it with
 * LANES_CONSOLE=PATH to attach to it.
 *
 *   console_prog FILE
 */
#include "config.h"
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "lanes.h"

static atomic_ulong count;
static atomic_int done;

static void counter(void *arg)
{
    (void)arg;
    while (!atomic_load(&done)) {
        lanes_work(1);
        atomic_fetch_add(&count, 1);
        lanes_sleep(1);
    }
}

static void put(const char *file, lanes_rt *rt)
{
    char tmp[4096];
    FILE *f;
    snprintf(tmp, sizeof tmp, "%s.tmp", file);
    if ((f = fopen(tmp, "w")) == NULL)
        return;
    fprintf(f, "count %lu cores %d paused %d\n", atomic_load(&count), lanes_cores(rt),
            lanes_paused(rt));
    fclose(f);
    rename(tmp, file);
}

int main(int argc, char **argv)
{
    lanes_config cfg = { .cores = 1, .quantum = 4, .tick_ns = 5000000, .trace_events = 0 };
    char stop[4096];
    lanes_rt *rt;
    if (argc != 2) {
        fprintf(stderr, "usage: console_prog FILE\n");
        return 2;
    }
    snprintf(stop, sizeof stop, "%s.stop", argv[1]);
    if ((rt = lanes_open(&cfg)) == NULL) {
        perror("console_prog: lanes_open");
        return 1;
    }
    lanes_go(rt, "counter", counter, NULL);
    lanes_go(rt, "worker#1", counter, NULL);
    lanes_go(rt, "worker#2", counter, NULL);
    while (access(stop, F_OK) != 0) {
        put(argv[1], rt);
        nanosleep(&(struct timespec){ 0, 20000000 }, NULL);
    }
    atomic_store(&done, 1);
    lanes_wait(rt);
    put(argv[1], rt);
    lanes_close(rt);
    return 0;
}
