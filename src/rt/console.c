/*
 * console.c - the runtime's trace served on a Unix socket (lanes_console,
 * LANES_CONSOLE): a thread of its own that is the trace's one consumer,
 * accepts one viewer at a time, streams the events to it and applies the
 * control it sends through the public calls of control.c.
 *
 * Owns the console struct, its socket and its thread, and rt->trace_on
 * while it serves: events are recorded only while a viewer is attached,
 * so a program with a console and no viewer pays what one without a
 * trace does.  Must not touch queues, routines or rings but through
 * lanes_trace_read, the control calls and the name tables.  Invariants:
 * no lane ever waits for the console (it drains the rings, and what the
 * viewer cannot take is dropped and counted, never queued without bound);
 * every field below `thread only` is touched by the console thread alone;
 * the program's thread owns the rest until lanes_close joins the thread.
 *
 * The wire format is in lanes.h (LANES_CON_*) and the README
 * ("Attaching").  A viewer gets a snapshot first, taken before the trace
 * is switched on: each channel's name, CHAN event and HELD events (its
 * buffered messages), each live routine's
 * name and a SPAWN into the global queue (where it is now is not known
 * until its next event), then the settings as CORES, QUANTUM, TICK and
 * PAUSE; every event after it is stamped no earlier.
 */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include "rt_int.h"

#define CON_OUT_MAX   (4u << 20)    /* bytes queued for a viewer, at most */
#define CON_PRIO_ROOM (256u << 10)  /* ... of which kept for the events never dropped */
#define CON_READ_MAX  1024          /* events a read, and a record */
#define CON_ROUNDS    64            /* reads a loop before looking at the sockets */
#define CON_POLL_MS   5             /* the longest the rings wait for a read */
#define CON_IN_MAX    256           /* a control record, whole */
#define CON_DRAIN_MS  250           /* lanes_close: what the viewer gets to take the end */
#define CON_END_ROOM  (256u << 10)  /* lanes_close: a viewer further behind skips to the end */

struct rt_console {
    lanes_rt *rt;                   /* immutable */
    pthread_t thr;                  /* immutable once started */
    int       lfd;                  /* listening socket; immutable */
    int       wake[2];              /* pipe: lanes_close wakes the thread */
    atomic_int stop;                /* set by lanes_close */
    char      path[sizeof(((struct sockaddr_un *)0)->sun_path)];   /* immutable */
    /* thread only */
    int       cfd;                  /* the viewer, or -1 */
    uint8_t  *out;                  /* bytes for the viewer: out[off..len) */
    size_t    len, off;
    size_t    next;                 /* where the first record not yet begun to be
                                       sent starts, >= off: out[next..len) are whole
                                       records (the header and HELLO count as one) */
    uint8_t   in[CON_IN_MAX + 16];  /* the viewer's bytes not yet whole records */
    size_t    in_len;
    int       in_magic;             /* the viewer's 16-byte header came and was right */
    uint64_t  unsent;               /* events a viewer could not take */
    uint64_t  told;                 /* dropped count last sent, +1 (0: never) */
    uint64_t  tick_at_attach;
    uint64_t  last_ns, last_rt;     /* the newest stamp sent */
    lanes_event ev[CON_READ_MAX];
};

/* The console thread's runtime: it alone may read a console's trace. */
static _Thread_local const lanes_rt *tl_console_rt;

int console_reader(const lanes_rt *rt)
{
    return tl_console_rt == rt;
}

/* ---- little-endian bytes ---------------------------------------------------- */

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)v);
    put16(p + 2, (uint16_t)(v >> 16));
}
static void put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}
static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint64_t get64(const uint8_t *p)
{
    return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* ---- records to the viewer ----------------------------------------------------- */

/* Room for a record of `body` bytes at the end of out, up to `max` bytes
 * queued (moving what is left to the front first); NULL when there is
 * none: the caller drops. */
static uint8_t *rec_begin_in(rt_console *c, int type, size_t body, size_t max)
{
    uint8_t *p;
    if (c->cfd < 0)
        return NULL;
    if (c->off > 0 && c->len + 8 + body > max) {
        memmove(c->out, c->out + c->off, c->len - c->off);
        c->len -= c->off;
        c->next -= c->off;
        c->off = 0;
    }
    if (c->len + 8 + body > max)
        return NULL;
    p = c->out + c->len;
    put16(p, (uint16_t)type);
    put16(p + 2, 0);
    put32(p + 4, (uint32_t)body);
    c->len += 8 + body;
    return p + 8;
}

/* Most records; the last CON_PRIO_ROOM bytes are kept for the few events
 * a viewer must not lose (prio_kind). */
static uint8_t *rec_begin(rt_console *c, int type, size_t body)
{
    return rec_begin_in(c, type, body, CON_OUT_MAX - CON_PRIO_ROOM);
}

/* Events sent even when the others are dropped: the CPU and LOAD figures
 * (a busy lane would read as idle without them) and the control events
 * (the settings in force).  They are few: a CPU event a lane every tick
 * or LANES_CPU_SAMPLE_NS at most. */
static int prio_kind(int kind)
{
    switch (kind) {
    case LANES_EV_CPU: case LANES_EV_LOAD: case LANES_EV_CORES: case LANES_EV_PAUSE:
    case LANES_EV_RESUME: case LANES_EV_STEP: case LANES_EV_TICK: case LANES_EV_QUANTUM:
    case LANES_EV_DEADLOCK:
        return 1;
    default:
        return 0;
    }
}

static void send_name(rt_console *c, int what, uint32_t id)
{
    char name[LANES_NAME_MAX];
    size_t n;
    uint8_t *p;
    if (c->cfd < 0)
        return;
    if (what == 1)
        lanes_routine_name(c->rt, id, name, sizeof name);
    else
        lanes_chan_name(c->rt, id, name, sizeof name);
    n = strlen(name);
    if ((p = rec_begin(c, LANES_CON_NAME, 8 + n)) != NULL) {
        put32(p, (uint32_t)what);
        put32(p + 4, id);
        memcpy(p + 8, name, n);
    }
}

static void put_event(uint8_t *p, const lanes_event *e)
{
    put64(p, e->t_ns);
    put64(p + 8, e->t_rt);
    put32(p + 16, e->routine);
    put32(p + 20, e->obj);
    put32(p + 24, (uint32_t)e->arg);
    put16(p + 28, e->lane);
    put16(p + 30, e->kind);
}

static void put_events(rt_console *c, uint8_t *p, const lanes_event *ev, size_t n, int prio)
{
    for (size_t i = 0; i < n; i++) {
        lanes_event e = ev[i];
        if (prio && !prio_kind(e.kind))
            continue;
        if (e.t_ns < c->last_ns)    /* not before the snapshot (see there) */
            e.t_ns = c->last_ns;
        c->last_ns = e.t_ns;
        put_event(p, &e);
        p += LANES_CON_EVENT_SIZE;
    }
}

/* What does not fit is dropped and counted, but the prio_kind events,
 * which go into the room kept for them while it lasts. */
static void send_events(rt_console *c, const lanes_event *ev, size_t n)
{
    uint8_t *p = rec_begin(c, LANES_CON_EVENTS, n * LANES_CON_EVENT_SIZE);
    size_t k = 0;
    if (p != NULL) {
        put_events(c, p, ev, n, 0);
        return;
    }
    if (c->cfd < 0)
        return;
    for (size_t i = 0; i < n; i++)
        k += (size_t)prio_kind(ev[i].kind);
    if (k > 0 && (p = rec_begin_in(c, LANES_CON_EVENTS, k * LANES_CON_EVENT_SIZE,
                                   CON_OUT_MAX)) != NULL)
        put_events(c, p, ev, n, 1);
    else
        k = 0;
    c->unsent += n - k;
}

/* An event of the snapshot, stamped when it was taken. */
static void send_synth(rt_console *c, int kind, uint32_t routine, uint32_t obj, int32_t arg)
{
    lanes_event e = { c->last_ns, c->last_rt, routine, obj, arg, LANES_NO_LANE, (uint16_t)kind };
    send_events(c, &e, 1);
}

static size_t program_name(char *buf, size_t n)
{
    FILE *f = fopen("/proc/self/comm", "re");
    size_t k = 0;
    if (f != NULL) {
        if (fgets(buf, (int)n, f) != NULL)
            k = strcspn(buf, "\n");
        fclose(f);
    }
    if (k == 0) {
        snprintf(buf, n, "program");
        k = strlen(buf);
    }
    return k > 64 ? 64 : k;
}

static void snap_routine(void *arg, uint32_t id)
{
    rt_console *c = arg;
    send_name(c, 1, id);
    send_synth(c, LANES_EV_SPAWN, id, 0, LANES_Q_GLOBAL);
}

/* A channel's buffered messages, as HELD events (lanes.h): a viewer that
 * came late sees the buffer as full as it is. */
static void send_held(rt_console *c, lanes_chan *ch, uint32_t id)
{
    int32_t items[256];
    size_t n = chan_held_items(ch, items, sizeof items / sizeof items[0]);
    for (size_t i = 0; i < n; i++)
        send_synth(c, LANES_EV_HELD, 0, id, items[i]);
}

/* The HELLO and the snapshot of what lives now, stamped now; the caller
 * switches the trace on after it. */
static void send_hello(rt_console *c)
{
    lanes_rt *rt = c->rt;
    char name[128];
    size_t nl = program_name(name, sizeof name), vl = strlen(PACKAGE_VERSION);
    uint8_t *p = c->out;
    int cores = lanes_cores(rt);
    uint64_t m = mono_ns();

    c->last_ns = m - rt->t0;
    c->last_rt = rt_time_at(rt, m);
    memcpy(p, LANES_CON_MAGIC, 8);
    put32(p + 8, LANES_CON_VERSION);
    put32(p + 12, 0);
    c->len = 16;
    c->off = 0;
    p = rec_begin(c, LANES_CON_HELLO, 48 + 2 + nl + 2 + vl);
    c->next = c->len;
    put32(p, (uint32_t)getpid());
    put32(p + 4, (uint32_t)cores);
    put32(p + 8, (uint32_t)lanes_online_cpus());
    put32(p + 12, (uint32_t)lanes_quantum(rt));
    put64(p + 16, lanes_tick(rt));
    put32(p + 24, (uint32_t)lanes_paused(rt));
    put32(p + 28, 0);
    put64(p + 32, c->last_ns);
    put64(p + 40, c->last_rt);
    put16(p + 48, (uint16_t)nl);
    memcpy(p + 50, name, nl);
    put16(p + 50 + nl, (uint16_t)vl);
    memcpy(p + 52 + nl, PACKAGE_VERSION, vl);

    for (uint32_t id = 1, n = atomic_load(&rt->nchans); id <= n; id++) {
        name_slot *ns = names_get(&rt->cnames, id, 0);
        if (ns == NULL || !atomic_load_explicit(&ns->ready, memory_order_acquire))
            continue;               /* being opened: its CHAN event comes */
        send_name(c, 2, id);
        send_synth(c, LANES_EV_CHAN, 0, id, (int32_t)lanes_chan_cap(ns->ptr));
        send_held(c, ns->ptr, id);
    }
    ids_each_live(&rt->ids, snap_routine, c);
    send_synth(c, LANES_EV_CORES, 0, (uint32_t)cores, 0);
    send_synth(c, LANES_EV_QUANTUM, 0, (uint32_t)lanes_quantum(rt), 0);
    send_synth(c, LANES_EV_TICK, 0, (uint32_t)(lanes_tick(rt) / 1000), 0);
    if (lanes_paused(rt))
        send_synth(c, LANES_EV_PAUSE, 0, 0, 0);
    c->told = 0;
    c->unsent = 0;
}

/* ---- the events ---------------------------------------------------------------- */

/* Reads what the rings hold (for at most CON_ROUNDS reads) and queues it
 * for the viewer (without one, it is only drained).
 * Returns 1 when the rings may hold more. */
static int pump(rt_console *c)
{
    int more = 1;
    for (int round = 0; round < CON_ROUNDS && more; round++) {
        size_t n = lanes_trace_read(c->rt, c->ev, CON_READ_MAX);
        for (size_t i = 0; i < n; i++) {
            const lanes_event *e = &c->ev[i];
            if (e->kind == LANES_EV_SPAWN)
                send_name(c, 1, e->routine);
            else if (e->kind == LANES_EV_CHAN)
                send_name(c, 2, e->obj);
        }
        if (n > 0)
            send_events(c, c->ev, n);   /* nothing without a viewer */
        more = n == CON_READ_MAX;
    }
    if (c->cfd >= 0) {
        uint64_t d = lanes_trace_dropped(c->rt) + c->unsent;
        uint8_t *p;
        if (d + 1 != c->told &&
            (p = rec_begin_in(c, LANES_CON_DROPPED, 8, CON_OUT_MAX)) != NULL) {
            put64(p, d);
            c->told = d + 1;
        }
    }
    return more;
}

/* ---- the viewer ------------------------------------------------------------------ */

static void viewer_drop(rt_console *c)
{
    if (c->cfd < 0)
        return;
    atomic_store(&c->rt->trace_on, 0);     /* no viewer, no cost */
    close(c->cfd);
    c->cfd = -1;
    c->len = c->off = c->next = 0;
    c->in_len = 0;
    /* the program goes on as it would have without a viewer */
    if (lanes_tick(c->rt) != c->tick_at_attach)
        lanes_set_tick(c->rt, c->tick_at_attach);
    lanes_resume(c->rt);
}

/* Writes what it can without waiting; 0, or -1 when the viewer is gone. */
static int flush(rt_console *c)
{
    while (c->cfd >= 0 && c->off < c->len) {
        ssize_t k = send(c->cfd, c->out + c->off, c->len - c->off, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (k > 0) {
            c->off += (size_t)k;
            while (c->next < c->off)
                c->next += 8 + get32(c->out + c->next + 4);
        } else if (k < 0 && errno == EINTR) {
            continue;
        } else if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return 0;
        } else {
            return -1;
        }
    }
    if (c->off == c->len)
        c->off = c->len = c->next = 0;
    return 0;
}

/* A peer we do not serve: one best-effort ERROR record, then closed. */
static void refuse(int fd, const char *why)
{
    uint8_t b[16 + 8 + 256];
    size_t n = strlen(why);
    if (n > 256)
        n = 256;
    memcpy(b, LANES_CON_MAGIC, 8);
    put32(b + 8, LANES_CON_VERSION);
    put32(b + 12, 0);
    put16(b + 16, LANES_CON_ERROR);
    put16(b + 18, 0);
    put32(b + 20, (uint32_t)n);
    memcpy(b + 24, why, n);
    (void)!send(fd, b, 24 + n, MSG_NOSIGNAL | MSG_DONTWAIT);
    close(fd);
}

static void accept_viewer(rt_console *c)
{
    struct ucred cr;
    socklen_t cl = sizeof cr;
    char why[128];
    int fd = accept4(c->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0)
        return;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &cl) != 0 || cr.uid != geteuid()) {
        snprintf(why, sizeof why, "refused: the program runs as uid %u, the viewer as %d",
                 (unsigned)geteuid(), cl == sizeof cr ? (int)cr.uid : -1);
        refuse(fd, why);
        return;
    }
    if (c->cfd >= 0) {
        refuse(fd, "another viewer is attached");
        return;
    }
    while (pump(c))
        ;                           /* what the trace held from before goes */
    c->cfd = fd;
    c->in_len = 0;
    c->in_magic = 0;
    c->tick_at_attach = lanes_tick(c->rt);
    send_hello(c);
    atomic_store(&c->rt->trace_on, 1);
}

/* One control record from the viewer; 0, or -1 when it makes no sense. */
static int control(rt_console *c, int type, const uint8_t *b, uint32_t n)
{
    lanes_rt *rt = c->rt;
    int32_t v = n >= 4 ? (int32_t)get32(b) : 0;
    switch (type) {
    case LANES_CON_PAUSE:
        lanes_pause(rt);
        return 0;
    case LANES_CON_RESUME:
        lanes_resume(rt);
        return 0;
    case LANES_CON_STEP:
        if (n != 4 || v < 1 || v > 1000)
            return -1;
        (void)lanes_step(rt, v);    /* -EINVAL when not paused: nothing to do */
        return 0;
    case LANES_CON_CORES:
        if (n != 4 || v < 1 || v > LANES_MAX_CORES)
            return -1;
        (void)lanes_set_cores(rt, v);
        return 0;
    case LANES_CON_QUANTUM:
        if (n != 4 || v < 0)
            return -1;
        lanes_set_quantum(rt, v);
        return 0;
    case LANES_CON_TICK: {
        uint64_t t = n == 8 ? get64(b) : 0;
        if (t < 1000 || t > 60000000000ull)
            return -1;
        lanes_set_tick(rt, t);
        return 0;
    }
    case LANES_CON_NAMEQ:
        if (n != 8 || (get32(b) != 1 && get32(b) != 2))
            return -1;
        send_name(c, (int)get32(b), get32(b + 4));
        return 0;
    default:
        return -1;
    }
}

/* Reads the viewer's bytes and acts on each whole record; 0, or -1 when
 * it left or sent something that is not a lanes viewer's. */
static int read_viewer(rt_console *c)
{
    for (;;) {
        ssize_t k = recv(c->cfd, c->in + c->in_len, sizeof c->in - c->in_len, MSG_DONTWAIT);
        if (k == 0)
            return -1;
        if (k < 0)
            return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
        c->in_len += (size_t)k;
        if (!c->in_magic) {
            if (c->in_len < 16)
                continue;
            if (memcmp(c->in, LANES_CON_MAGIC, 8) != 0 || get32(c->in + 8) != LANES_CON_VERSION)
                return -1;
            c->in_magic = 1;
            memmove(c->in, c->in + 16, c->in_len - 16);
            c->in_len -= 16;
        }
        size_t at = 0;
        while (c->in_len - at >= 8) {
            uint32_t n = get32(c->in + at + 4);
            int type = c->in[at] | c->in[at + 1] << 8;
            if (n > CON_IN_MAX)
                return -1;
            if (c->in_len - at < 8 + n)
                break;
            if (control(c, type, c->in + at + 8, n) != 0)
                return -1;
            at += 8 + n;
        }
        memmove(c->in, c->in + at, c->in_len - at);
        c->in_len -= at;
    }
}

/* ---- the thread -------------------------------------------------------------------- */

/* lanes_close: the rest of the events, END, and a short while for the
 * viewer to take them; then it is cut off. */
static void finish(rt_console *c)
{
    uint64_t until;
    uint8_t *p;
    while (pump(c))
        ;                           /* what is left, all of it */
    if (c->cfd < 0)
        return;
    if (flush(c) == 0 && c->len - c->off > CON_END_ROOM) {
        /* a viewer this far behind gets the record in flight, the count
         * of what it missed and the end, so that it ends between records */
        for (size_t at = c->next; at < c->len; at += 8 + get32(c->out + at + 4))
            if ((c->out[at] | c->out[at + 1] << 8) == LANES_CON_EVENTS)
                c->unsent += get32(c->out + at + 4) / LANES_CON_EVENT_SIZE;
        c->len = c->next;
        if ((p = rec_begin_in(c, LANES_CON_DROPPED, 8, CON_OUT_MAX)) != NULL)
            put64(p, lanes_trace_dropped(c->rt) + c->unsent);
    }
    p = rec_begin_in(c, LANES_CON_END, 4, CON_OUT_MAX);
    if (p != NULL)
        put32(p, 0);
    until = mono_ns() + CON_DRAIN_MS * 1000000ull;
    while (c->off < c->len && mono_ns() < until) {
        struct pollfd pf = { c->cfd, POLLOUT, 0 };
        if (flush(c) != 0)
            break;
        if (c->off < c->len)
            (void)poll(&pf, 1, 10);
    }
    close(c->cfd);
    c->cfd = -1;
}

static void *console_main(void *arg)
{
    rt_console *c = arg;
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);     /* the program's signals are the program's */
    tl_console_rt = c->rt;
    while (!atomic_load(&c->stop)) {
        struct pollfd pf[3] = { { c->wake[0], POLLIN, 0 }, { c->lfd, POLLIN, 0 },
                                { c->cfd, POLLIN, 0 } };
        int np = c->cfd >= 0 ? 3 : 2;
        pump(c);
        if (c->cfd >= 0 && flush(c) != 0)
            viewer_drop(c);
        if (c->cfd >= 0 && c->off < c->len)
            pf[2].events |= POLLOUT;
        np = c->cfd >= 0 ? 3 : 2;
        pf[2].fd = c->cfd;
        if (poll(pf, (nfds_t)np, CON_POLL_MS) <= 0)
            continue;
        if (pf[0].revents & POLLIN) {
            char b[64];
            while (read(c->wake[0], b, sizeof b) > 0)
                ;
        }
        /* a viewer that left makes room for one that came right after it */
        if (np == 3 && (pf[2].revents & (POLLIN | POLLHUP | POLLERR)) && read_viewer(c) != 0)
            viewer_drop(c);
        if (pf[1].revents & POLLIN)
            accept_viewer(c);
    }
    finish(c);
    return NULL;
}

/* ---- start and stop ------------------------------------------------------------------- */

/* A socket at path that nobody listens on is a stale one: removed.  A
 * live one, or a file that is no socket, stays. */
static int clear_path(const struct sockaddr_un *sa)
{
    struct stat st;
    int fd, r;
    if (lstat(sa->sun_path, &st) != 0)
        return errno == ENOENT ? 0 : -errno;
    if (!S_ISSOCK(st.st_mode))
        return -EEXIST;
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    r = connect(fd, (const struct sockaddr *)sa, sizeof *sa);
    close(fd);
    if (r == 0)
        return -EADDRINUSE;
    if (errno != ECONNREFUSED)
        return -errno;
    return unlink(sa->sun_path) == 0 || errno == ENOENT ? 0 : -errno;
}

static int listen_at(rt_console *c)
{
    struct sockaddr_un sa;
    int err;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    memcpy(sa.sun_path, c->path, sizeof sa.sun_path);
    if ((err = clear_path(&sa)) != 0)
        return err;
    c->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (c->lfd < 0)
        return -errno;
    /* Linux makes the socket file with the socket's mode: 0600 from the
     * start, whatever the umask (the chmod after is for other systems). */
    if (fchmod(c->lfd, 0600) != 0 ||
        bind(c->lfd, (const struct sockaddr *)&sa, sizeof sa) != 0)
        return -errno;
    if (chmod(c->path, 0600) != 0 || listen(c->lfd, 4) != 0) {
        err = -errno;
        unlink(c->path);
        return err;
    }
    return 0;
}

static void console_free(rt_console *c)
{
    if (c->lfd >= 0)
        close(c->lfd);
    if (c->wake[0] >= 0)
        close(c->wake[0]);
    if (c->wake[1] >= 0)
        close(c->wake[1]);
    free(c->out);
    free(c);
}

int lanes_console(lanes_rt *rt, const char *path)
{
    rt_console *c;
    int err;
    if (rt == NULL || path == NULL || path[0] == '\0' ||
        strlen(path) >= sizeof(((struct sockaddr_un *)0)->sun_path))
        return -EINVAL;
    if (!rt->trace_rings)
        return -ENOTSUP;
    if (atomic_load(&rt->console) != NULL)
        return -EBUSY;
    if ((c = calloc(1, sizeof *c)) == NULL)
        return -ENOMEM;
    c->rt = rt;
    c->lfd = c->cfd = c->wake[0] = c->wake[1] = -1;
    snprintf(c->path, sizeof c->path, "%s", path);
    if ((c->out = malloc(CON_OUT_MAX)) == NULL) {
        console_free(c);
        return -ENOMEM;
    }
    if (pipe2(c->wake, O_CLOEXEC | O_NONBLOCK) != 0) {
        err = -errno;
        console_free(c);
        return err;
    }
    if ((err = listen_at(c)) != 0) {
        console_free(c);
        return err;
    }
    atomic_store(&rt->console, c);  /* before the thread reads: from now on it alone does */
    atomic_store(&rt->trace_on, 0); /* until a viewer comes */
    if ((err = pthread_create(&c->thr, NULL, console_main, c)) != 0) {
        atomic_store(&rt->console, NULL);
        atomic_store(&rt->trace_on, 1);
        unlink(c->path);
        console_free(c);
        return -err;
    }
    return 0;
}

/* lanes_open: LANES_CONSOLE.  A console that cannot start is said on
 * standard error and the program runs without one. */
void console_from_env(lanes_rt *rt, const char *path)
{
    int err = lanes_console(rt, path);
    if (err == -EEXIST)
        fprintf(stderr, "lanes: LANES_CONSOLE=%s: a file that is no socket is there; remove "
                "it or choose another path (running without a console)\n", path);
    else if (err == -EADDRINUSE)
        fprintf(stderr, "lanes: LANES_CONSOLE=%s: another program serves a console there; "
                "choose another path (running without a console)\n", path);
    else if (err != 0)
        fprintf(stderr, "lanes: LANES_CONSOLE=%s: %s (running without a console)\n", path,
                strerror(-err));
}

/* lanes_close, after every lane was joined: the viewer gets the rest. */
void console_stop(lanes_rt *rt)
{
    rt_console *c = atomic_load(&rt->console);
    if (c == NULL)
        return;
    atomic_store(&c->stop, 1);
    (void)!write(c->wake[1], "x", 1);
    pthread_join(c->thr, NULL);
    atomic_store(&rt->console, NULL);
    unlink(c->path);
    console_free(c);
}
