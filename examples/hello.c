/*
 * hello.c - the smallest lanes program: two routines and a channel.
 *
 *   cc hello.c $(pkg-config --cflags --libs lanes) -o hello && ./hello
 *
 * Prints "routine 2 got: hello from routine 1".
 */
#include <stdio.h>
#include <string.h>
#include <lanes.h>

static lanes_chan *greetings;       /* carries char[32] messages */

static void greeter(void *arg)
{
    (void)arg;
    char msg[32];

    snprintf(msg, sizeof msg, "hello from routine %d", lanes_self());
    lanes_send(greetings, msg);     /* unbuffered: waits for the listener */
    lanes_chan_close(greetings);    /* no more messages */
}

static void listener(void *arg)
{
    (void)arg;
    char msg[32];

    /* lanes_recv returns LANES_CLOSED once the channel is closed and empty */
    while (lanes_recv(greetings, msg) == 0)
        printf("routine %d got: %s\n", lanes_self(), msg);
}

int main(void)
{
    /* two lanes (worker threads), a 1 ms tick, no trace */
    lanes_config cfg = { .cores = 2, .tick_ns = 1000000 };
    lanes_rt *rt = lanes_open(&cfg);

    if (rt == NULL) {
        perror("hello: lanes_open");
        return 1;
    }
    greetings = lanes_chan_open(rt, "greetings", 32, 0);   /* capacity 0 */
    if (greetings == NULL) {
        perror("hello: lanes_chan_open");
        lanes_close(rt);
        return 1;
    }
    int e = lanes_go(rt, "greeter", greeter, NULL);        /* an id, or -errno */
    if (e > 0)
        e = lanes_go(rt, "listener", listener, NULL);
    if (e < 0) {
        fprintf(stderr, "hello: lanes_go: %s\n", strerror(-e));
        lanes_close(rt);
        return 1;
    }
    int rc = lanes_wait(rt);        /* 0: every routine returned */
    lanes_close(rt);
    return rc == 0 ? 0 : 1;
}
