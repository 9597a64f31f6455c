/*
 * check_console.c - a runtime's console (src/rt/console.c) and the
 * viewer's reader (src/rec/console_read.c): the handshake and the
 * snapshot, control acting on the program, the socket's mode, one viewer
 * at a time, a program that never waits for a stalled viewer, the end;
 * and peers that are no lanes console, of another version, that stop
 * mid-message or send garbage, or run as another user.  Waits poll with
 * generous limits; nothing asserts on wall-clock time.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lanes.h"
#include "rec/console.h"

static char dir[64], path[128];

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/lanes-con-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/sock", dir);
}

static void teardown(void)
{
    unlink(path);
    rmdir(dir);
}

static void nap(void)
{
    nanosleep(&(struct timespec){ 0, 5000000 }, NULL);
}

static atomic_int stop;

static void looper(void *arg)
{
    (void)arg;
    while (!atomic_load(&stop)) {
        lanes_work(1);
        lanes_sleep(1);
    }
}

static lanes_rt *open_rt(void)
{
    lanes_config cfg = { .cores = 1, .quantum = 4, .tick_ns = 1000000,
                         .trace_events = 4096 };
    lanes_rt *rt = lanes_open(&cfg);
    ck_assert_ptr_nonnull(rt);
    ck_assert_int_eq(lanes_console(rt, path), 0);
    return rt;
}

static void close_rt(lanes_rt *rt)
{
    atomic_store(&stop, 1);
    lanes_resume(rt);
    ck_assert_int_eq(lanes_wait(rt), 0);
    lanes_close(rt);
    atomic_store(&stop, 0);
}

/* Reads until a NAME of routine `name` and a SPAWN of its id came. */
static void expect_routine(con_client *c, const char *name)
{
    uint32_t id = 0;
    int spawned = 0;
    con_msg m;
    for (int i = 0; i < 4000 && !(id != 0 && spawned); i++) {
        int r = con_next(c, &m, 5);
        ck_assert_int_ge(r, 0);
        if (r == 1 && m.type == LANES_CON_NAME && m.what == 1 && strcmp(m.name, name) == 0)
            id = m.id;
        if (r == 1 && m.type == LANES_CON_EVENTS)
            for (size_t k = 0; k < m.nev; k++)
                if (m.ev[k].kind == LANES_EV_SPAWN && id != 0 && m.ev[k].routine == id)
                    spawned = 1;
    }
    ck_assert_msg(id != 0 && spawned, "no name and spawn of %s", name);
}

START_TEST(test_console_handshake_and_control)
{
    lanes_rt *rt = open_rt();
    con_client *c;
    struct stat st;
    char err[512];
    int status, i;

    lanes_go(rt, "alpha", looper, NULL);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_msg(S_ISSOCK(st.st_mode) && (st.st_mode & 0777) == 0600, "mode %o", st.st_mode);
    c = con_connect(path, 10000, err, sizeof err, &status);
    ck_assert_msg(c != NULL, "%s", err);
    ck_assert_uint_eq(con_hello_of(c)->pid, (uint32_t)getpid());
    ck_assert_int_eq(con_hello_of(c)->cores, 1);
    ck_assert_int_eq(con_hello_of(c)->quantum, 4);
    ck_assert_uint_eq(con_hello_of(c)->tick_ns, 1000000);
    expect_routine(c, "alpha");
    /* the trace belongs to the console now */
    ck_assert_uint_eq(lanes_trace_read(rt, (lanes_event[4]){ { 0 } }, 4), 0);

    ck_assert_int_eq(con_send(c, LANES_CON_PAUSE, 0), 0);
    for (i = 0; i < 2000 && !lanes_paused(rt); i++)
        nap();
    ck_assert_int_eq(lanes_paused(rt), 1);
    ck_assert_int_eq(con_send(c, LANES_CON_CORES, 3), 0);
    ck_assert_int_eq(con_send(c, LANES_CON_QUANTUM, 0), 0);
    ck_assert_int_eq(con_send(c, LANES_CON_TICK, 2000000), 0);
    for (i = 0; i < 2000 && (lanes_cores(rt) != 3 || lanes_tick(rt) != 2000000); i++)
        nap();
    ck_assert_int_eq(lanes_cores(rt), 3);
    ck_assert_int_eq(lanes_quantum(rt), 0);
    ck_assert_uint_eq(lanes_tick(rt), 2000000);
    /* detaching resumes the program at the tick it had */
    con_close(c);
    for (i = 0; i < 2000 && (lanes_paused(rt) || lanes_tick(rt) != 1000000); i++)
        nap();
    ck_assert_int_eq(lanes_paused(rt), 0);
    ck_assert_uint_eq(lanes_tick(rt), 1000000);
    ck_assert_int_eq(lanes_cores(rt), 3);
    close_rt(rt);
    ck_assert_int_ne(access(path, F_OK), 0);    /* lanes_close removed it */
}
END_TEST

/* A viewer that comes after the routine was spawned still learns of it;
 * a second viewer is refused while one is attached; the end says END. */
START_TEST(test_console_snapshot_busy_end)
{
    lanes_rt *rt = open_rt();
    con_client *c, *c2;
    char err[512];
    int status, r = 0;
    con_msg m;

    lanes_go(rt, "early", looper, NULL);
    for (int i = 0; i < 20; i++)
        nap();                  /* the console has read the SPAWN by now, or will */
    c = con_connect(path, 10000, err, sizeof err, &status);
    ck_assert_msg(c != NULL, "%s", err);
    expect_routine(c, "early");
    c2 = con_connect(path, 10000, err, sizeof err, &status);
    ck_assert_ptr_null(c2);
    ck_assert_msg(strstr(err, "another viewer is attached") != NULL, "%s", err);
    ck_assert_int_eq(status, 1);

    close_rt(rt);
    for (int i = 0; i < 100000 && (r = con_next(c, &m, 100)) >= 0; i++)
        ;
    ck_assert_int_eq(r, -1);
    ck_assert_int_eq(con_ended(c), 1);
    con_close(c);
}
END_TEST

/* A peer that is no viewer is cut off and the program goes on; a
 * viewer can attach after it. */
START_TEST(test_console_garbage_peer)
{
    lanes_rt *rt = open_rt();
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    char err[512], b[256];
    int fd, status;
    con_client *c;
    ssize_t k;

    lanes_go(rt, "beta", looper, NULL);
    memcpy(sa.sun_path, path, strlen(path) + 1);
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    ck_assert_int_eq(write(fd, "GET / HTTP/1.0\r\n\r\n", 18), 18);
    while ((k = read(fd, b, sizeof b)) > 0)
        ;                       /* the console closes it */
    ck_assert_int_eq(k, 0);
    close(fd);
    /* a viewer's header, then a record with a huge length */
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    memcpy(b, LANES_CON_MAGIC "\1\0\0\0\0\0\0\0" "\20\0\0\0\377\377\377\377", 24);
    ck_assert_int_eq(write(fd, b, 24), 24);
    while ((k = read(fd, b, sizeof b)) > 0)
        ;
    ck_assert_int_eq(k, 0);
    close(fd);
    ck_assert_int_eq(lanes_paused(rt), 0);
    c = con_connect(path, 10000, err, sizeof err, &status);
    ck_assert_msg(c != NULL, "%s", err);
    con_close(c);
    close_rt(rt);
}
END_TEST

/* ---- a fake program: serves fixed bytes on the socket, then closes ---- */

static pid_t fake(const void *bytes, size_t n)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    int lfd = socket(AF_UNIX, SOCK_STREAM, 0);
    pid_t pid;
    memcpy(sa.sun_path, path, strlen(path) + 1);
    ck_assert_int_eq(bind(lfd, (struct sockaddr *)&sa, sizeof sa), 0);
    ck_assert_int_eq(listen(lfd, 1), 0);
    pid = fork();
    if (pid == 0) {
        int fd = accept(lfd, NULL, NULL);
        char head[16];
        if (read(fd, head, sizeof head) != (ssize_t)sizeof head)
            _exit(1);           /* the viewer's header: read, so the close is no reset */
        if (write(fd, bytes, n) != (ssize_t)n)
            _exit(1);
        close(fd);
        _exit(0);
    }
    close(lfd);
    return pid;
}

static void fake_end(pid_t pid)
{
    int st;
    waitpid(pid, &st, 0);
    unlink(path);
}

static size_t hello(uint8_t *b, uint32_t version)
{
    memset(b, 0, 200);
    memcpy(b, LANES_CON_MAGIC, 8);
    b[8] = (uint8_t)version;
    b[16] = LANES_CON_HELLO;
    b[20] = 52 + 4;             /* body: 48 fixed, name "prog", version "" */
    b[24 + 4] = 2;              /* cores */
    b[24 + 8] = 2;              /* cpus */
    b[24 + 16] = 1;             /* tick 1 ns */
    b[24 + 48] = 4;
    memcpy(b + 24 + 50, "prog", 4);
    return 24 + 56;
}

static void refused_with(const void *bytes, size_t n, const char *what, int want)
{
    char err[512];
    int status = 0;
    pid_t pid = fake(bytes, n);
    con_client *c = con_connect(path, 10000, err, sizeof err, &status);
    ck_assert_ptr_null(c);
    ck_assert_msg(strstr(err, what) != NULL && strncmp(err, path, strlen(path)) == 0,
                  "wanted '%s', got '%s'", what, err);
    ck_assert_int_eq(status, want);
    fake_end(pid);
}

START_TEST(test_console_bad_peers)
{
    uint8_t b[400];
    size_t n;

    char err[512];
    int status, fd;

    ck_assert_ptr_null(con_connect(path, 1000, err, sizeof err, &status));
    ck_assert_msg(strstr(err, "no such console") != NULL, "%s", err);
    ck_assert_int_eq(status, 1);
    fd = open(path, O_CREAT | O_WRONLY, 0600);
    close(fd);
    ck_assert_ptr_null(con_connect(path, 1000, err, sizeof err, &status));
    ck_assert_msg(strstr(err, "not a lanes console") != NULL, "%s", err);
    ck_assert_int_eq(status, 2);
    unlink(path);
    refused_with("SSH-2.0-OpenSSH_9.2\r\n", 21, "not a lanes console", 2);
    refused_with("", 0, "closed the connection before its handshake", 1);
    n = hello(b, 7);
    refused_with(b, n, "console version 7, this lanes reads 1", 2);
    n = hello(b, 1);
    refused_with(b, n - 10, "stopped in the middle of a message", 1);
    refused_with(b, 20, "stopped in the middle of a message", 1);
    n = hello(b, 1);
    b[20] = 3;                  /* a handshake too short */
    refused_with(b, n, "malformed handshake", 1);
    n = hello(b, 1);
    b[24 + 4] = 99;             /* 99 cores */
    refused_with(b, n, "handshake out of range", 1);
}
END_TEST

/* After a good handshake: garbage, then a cut. */
START_TEST(test_console_bad_stream)
{
    uint8_t b[400];
    size_t n = hello(b, 1);
    char err[512];
    int status;
    con_msg m;
    con_client *c;
    pid_t pid;

    memcpy(b + n, "\2\0\0\0\x20\0\0\0", 8);     /* one event ... */
    memset(b + n + 8, 0, 32);
    b[n + 8 + 30] = 0;                           /* ... of kind 0 */
    pid = fake(b, n + 40);
    c = con_connect(path, 10000, err, sizeof err, &status);
    ck_assert_msg(c != NULL, "%s", err);
    ck_assert_str_eq(con_hello_of(c)->name, "prog");
    ck_assert_int_eq(con_next(c, &m, 10000), -1);
    ck_assert_msg(strstr(con_error(c), "bad event (kind 0") != NULL, "%s", con_error(c));
    ck_assert_int_eq(con_status(c), 1);
    ck_assert_int_eq(con_ended(c), 0);
    con_close(c);
    fake_end(pid);

    memcpy(b + n, "\2\0\0\0\x20\0\0\0", 8);     /* an event cut short */
    pid = fake(b, n + 20);
    c = con_connect(path, 10000, err, sizeof err, &status);
    ck_assert_msg(c != NULL, "%s", err);
    ck_assert_int_eq(con_next(c, &m, 10000), -1);
    ck_assert_msg(strstr(con_error(c), "stopped in the middle of a message") != NULL, "%s",
                  con_error(c));
    con_close(c);
    fake_end(pid);
}
END_TEST

/* A viewer that reads nothing: the program never waits for it; what it
 * could not take is counted and told once it reads again. */
static lanes_chan *ping, *pong;
#define ROUNDS 100000

static void pinger(void *arg)
{
    (void)arg;
    for (int i = 0; i < ROUNDS; i++) {
        lanes_send(ping, &i);
        lanes_recv(pong, NULL);
    }
    lanes_chan_close(ping);
}

static void ponger(void *arg)
{
    int v;
    (void)arg;
    while (lanes_recv(ping, &v) == 0)
        lanes_send(pong, &v);
}

static void *close_thread(void *rt)
{
    lanes_close(rt);
    return NULL;
}

START_TEST(test_console_stalled_viewer)
{
    pthread_t closer;
    lanes_config cfg = { .cores = 2, .quantum = 0, .tick_ns = 1000, .trace_events = 4096 };
    lanes_rt *rt = lanes_open(&cfg);
    char err[512];
    int status, r;
    uint64_t dropped = 0;
    con_client *c;
    con_msg m;

    ck_assert_int_eq(lanes_console(rt, path), 0);
    c = con_connect(path, 10000, err, sizeof err, &status);
    ck_assert_msg(c != NULL, "%s", err);
    ping = lanes_chan_open(rt, "ping", sizeof(int), 0);
    pong = lanes_chan_open(rt, "pong", sizeof(int), 0);
    lanes_go(rt, "pinger", pinger, NULL);
    lanes_go(rt, "ponger", ponger, NULL);
    ck_assert_int_eq(lanes_wait(rt), 0);    /* 1.4 M events; nobody read them */
    while (dropped == 0 && (r = con_next(c, &m, 10000)) == 1)
        if (m.type == LANES_CON_DROPPED)
            dropped = m.dropped;
    /* the end comes while the viewer reads (lanes_close gives it a while) */
    ck_assert_int_eq(pthread_create(&closer, NULL, close_thread, rt), 0);
    while ((r = con_next(c, &m, 10000)) == 1)
        ;
    pthread_join(closer, NULL);
    ck_assert_msg(r == -1 && con_ended(c) == 1, "%s", con_error(c));
    ck_assert_msg(dropped > 0, "the stalled viewer was told of no drops");
    con_close(c);
}
END_TEST

/* No viewer, no trace: a program with a console records nothing until
 * one attaches (so its rings, 64 events here, never overflow), and
 * nothing again once it left. */
START_TEST(test_console_no_viewer_no_trace)
{
    lanes_config cfg = { .cores = 2, .quantum = 0, .tick_ns = 1000, .trace_events = 64 };
    lanes_rt *rt = lanes_open(&cfg);
    char err[512];
    int status;
    con_client *c;

    ck_assert_int_eq(lanes_console(rt, path), 0);
    ping = lanes_chan_open(rt, "ping", sizeof(int), 0);
    pong = lanes_chan_open(rt, "pong", sizeof(int), 0);
    lanes_go(rt, "pinger", pinger, NULL);
    lanes_go(rt, "ponger", ponger, NULL);
    ck_assert_int_eq(lanes_wait(rt), 0);
    ck_assert_uint_eq(lanes_trace_dropped(rt), 0);
    /* a viewer comes and goes: the channels are in its snapshot */
    c = con_connect(path, 10000, err, sizeof err, &status);
    ck_assert_msg(c != NULL, "%s", err);
    for (int i = 0; i < 4000; i++) {
        con_msg m;
        char name[LANES_NAME_MAX];
        ck_assert_int_ge(con_next(c, &m, 5), 0);
        con_chan_name(c, lanes_chan_id(pong), name, sizeof name);
        if (strcmp(name, "pong") == 0)
            break;
    }
    {
        char name[LANES_NAME_MAX];
        con_chan_name(c, lanes_chan_id(pong), name, sizeof name);
        ck_assert_str_eq(name, "pong");
    }
    con_close(c);
    lanes_close(rt);
}
END_TEST

/* Viewers come and go while two lanes ping-pong: the trace switches on
 * and off under the lanes' feet; every viewer gets a handshake and
 * well-formed events, and the program ends. */
static atomic_int churn_done;

static void *churner(void *arg)
{
    (void)arg;
    while (!atomic_load(&churn_done)) {
        char err[512];
        int status;
        con_msg m;
        con_client *c = con_connect(path, 10000, err, sizeof err, &status);
        if (c == NULL)
            return strdup(err);
        for (int i = 0; i < 20 && con_next(c, &m, 1) >= 0; i++)
            ;
        if (con_status(c) != 0) {
            char *e = strdup(con_error(c));
            con_close(c);
            return e;
        }
        con_close(c);
    }
    return NULL;
}

START_TEST(test_console_churn)
{
    lanes_config cfg = { .cores = 2, .quantum = 0, .tick_ns = 1000, .trace_events = 1024 };
    lanes_rt *rt = lanes_open(&cfg);
    pthread_t th;
    void *res;

    ck_assert_int_eq(lanes_console(rt, path), 0);
    atomic_store(&churn_done, 0);
    ck_assert_int_eq(pthread_create(&th, NULL, churner, NULL), 0);
    ping = lanes_chan_open(rt, "ping", sizeof(int), 0);
    pong = lanes_chan_open(rt, "pong", sizeof(int), 0);
    lanes_go(rt, "pinger", pinger, NULL);
    lanes_go(rt, "ponger", ponger, NULL);
    ck_assert_int_eq(lanes_wait(rt), 0);
    atomic_store(&churn_done, 1);
    pthread_join(th, &res);
    ck_assert_msg(res == NULL, "a viewer failed: %s", (char *)res);
    lanes_close(rt);
}
END_TEST

/* A peer of another user: refused by the socket's mode, and where the
 * mode lets it in, by SO_PEERCRED.  Needs root (to become nobody). */
START_TEST(test_console_other_user)
{
    lanes_rt *rt;
    pid_t pid;
    int st;

    if (geteuid() != 0) {
        fprintf(stderr, "check_console: not root: the other-user test is skipped\n");
        return;
    }
    chmod(dir, 0755);
    rt = open_rt();
    for (int round = 0; round < 2; round++) {
        if (round == 1)
            ck_assert_int_eq(chmod(path, 0666), 0);   /* the mode no longer keeps it out */
        pid = fork();
        if (pid == 0) {
            char err[512];
            int status;
            con_client *c;
            if (setgroups(0, NULL) != 0 || setgid(65534) != 0 || setuid(65534) != 0)
                _exit(3);
            c = con_connect(path, 10000, err, sizeof err, &status);
            if (c != NULL)
                _exit(1);
            if (round == 0 && strstr(err, "Permission denied") == NULL)
                _exit(4);
            if (round == 1 && strstr(err, "refused") == NULL)
                _exit(5);
            _exit(0);
        }
        ck_assert_int_eq(waitpid(pid, &st, 0), pid);
        ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "round %d: child said %d", round,
                      WEXITSTATUS(st));
    }
    close_rt(rt);
}
END_TEST

START_TEST(test_console_bad_calls)
{
    lanes_config cfg = { .cores = 1, .quantum = 4, .tick_ns = 1000000, .trace_events = 0 };
    lanes_rt *rt = lanes_open(&cfg);
    char longp[200];
    int fd;

    ck_assert_int_eq(lanes_console(rt, path), -ENOTSUP);    /* no trace */
    lanes_close(rt);
    rt = open_rt();
    ck_assert_int_eq(lanes_console(rt, path), -EBUSY);
    lanes_close(rt);
    memset(longp, 'x', sizeof longp - 1);
    longp[sizeof longp - 1] = '\0';
    cfg.trace_events = 64;
    rt = lanes_open(&cfg);
    ck_assert_int_eq(lanes_console(rt, longp), -EINVAL);
    ck_assert_int_eq(lanes_console(NULL, path), -EINVAL);
    fd = open(path, O_CREAT | O_WRONLY, 0600);          /* a file that is no socket */
    close(fd);
    ck_assert_int_eq(lanes_console(rt, path), -EEXIST);
    ck_assert_int_eq(access(path, F_OK), 0);            /* left alone */
    lanes_close(rt);
}
END_TEST

static lanes_chan *jobs;
static atomic_int filled, go_on;

static void filler(void *arg)
{
    (void)arg;
    for (int v = 10; v < 13; v++)
        lanes_send(jobs, &v);
    atomic_store(&filled, 1);
    while (!atomic_load(&go_on))
        lanes_sleep(1);
    lanes_send(jobs, &(int){ 13 });
}

/* A channel opened and filled before the viewer came: the snapshot says
 * its buffered messages (HELD, oldest first) and its SENDs after the
 * attach are traced like a new channel's. */
START_TEST(test_console_old_channel)
{
    lanes_rt *rt = open_rt();
    lanes_chan *ch = jobs = lanes_chan_open(rt, "jobs", sizeof(int), 4);
    con_client *c;
    char err[512];
    int status, held[8], nheld = 0, sent = 0;
    uint32_t id = 0;
    con_msg m;

    ck_assert_ptr_nonnull(ch);
    atomic_store(&filled, 0);
    atomic_store(&go_on, 0);
    lanes_go(rt, "filler", filler, NULL);
    for (int i = 0; i < 4000 && !atomic_load(&filled); i++)
        nap();
    ck_assert_int_eq(atomic_load(&filled), 1);
    c = con_connect(path, 10000, err, sizeof err, &status);
    ck_assert_msg(c != NULL, "%s", err);
    atomic_store(&go_on, 1);
    for (int i = 0; i < 4000 && !sent; i++) {
        int r = con_next(c, &m, 5);
        ck_assert_int_ge(r, 0);
        if (r == 1 && m.type == LANES_CON_NAME && m.what == 2 && strcmp(m.name, "jobs") == 0)
            id = m.id;
        if (r == 1 && m.type == LANES_CON_EVENTS)
            for (size_t k = 0; k < m.nev; k++) {
                if (m.ev[k].kind == LANES_EV_HELD && m.ev[k].obj == id && nheld < 8)
                    held[nheld++] = m.ev[k].arg;
                if (m.ev[k].kind == LANES_EV_SEND && m.ev[k].obj == id)
                    sent = m.ev[k].arg;
            }
    }
    ck_assert_uint_ne(id, 0);
    ck_assert_int_eq(nheld, 3);
    ck_assert_int_eq(held[0], 10);
    ck_assert_int_eq(held[2], 12);
    ck_assert_msg(sent == 13, "no SEND of 13 on the channel opened before the attach");
    con_close(c);
    close_rt(rt);
}
END_TEST

/* A socket served by another user (planted in a shared directory, say):
 * the viewer refuses it before it reads a byte (as root, served by nobody;
 * skipped otherwise). */
START_TEST(test_console_foreign_server)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    char err[512];
    int status = 0, ready[2], st;
    uint8_t b[200];
    size_t n = hello(b, LANES_CON_VERSION);
    pid_t pid;
    con_client *c;

    if (geteuid() != 0) {
        fprintf(stderr, "test_console_foreign_server: skipped, it needs root to serve as nobody\n");
        return;
    }
    memcpy(sa.sun_path, path, strlen(path) + 1);
    ck_assert_int_eq(chmod(dir, 0777), 0);
    ck_assert_int_eq(pipe(ready), 0);
    pid = fork();
    if (pid == 0) {
        int lfd, fd;
        char head[16];
        if (setgroups(0, NULL) != 0 || setgid(65534) != 0 || setuid(65534) != 0)
            _exit(3);
        lfd = socket(AF_UNIX, SOCK_STREAM, 0);
        if (bind(lfd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(lfd, 1) != 0)
            _exit(4);
        if (write(ready[1], "r", 1) != 1)
            _exit(5);
        fd = accept(lfd, NULL, NULL);
        if (read(fd, head, sizeof head) > 0)
            (void)!write(fd, b, n);
        _exit(0);
    }
    ck_assert_int_eq(read(ready[0], b + 100, 1), 1);
    c = con_connect(path, 10000, err, sizeof err, &status);
    ck_assert_ptr_null(c);
    ck_assert_msg(strstr(err, "served by uid 65534") != NULL, "%s", err);
    ck_assert_int_eq(status, 1);
    ck_assert_int_eq(waitpid(pid, &st, 0), pid);
    ck_assert_int_eq(WEXITSTATUS(st), 0);
    close(ready[0]);
    close(ready[1]);
}
END_TEST

/* A viewer that cannot keep up loses events, but not the CPU figures:
 * what a routine that works after the viewer's queue filled says in its
 * CPU events still adds up to the thread CPU time it spent working. */
static atomic_int pinged;
static _Atomic uint64_t worked_ns;

static uint64_t thread_cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void busy(void *arg)
{
    (void)arg;
    while (!atomic_load(&pinged))
        lanes_sleep(100);       /* until the viewer's queue is full */
    for (int i = 0; i < 40; i++) {
        uint64_t t0 = thread_cpu_ns();
        lanes_work(500);
        atomic_fetch_add(&worked_ns, thread_cpu_ns() - t0);
    }
}

static void pinger_then(void *arg)
{
    pinger(arg);
    atomic_store(&pinged, 1);
}

START_TEST(test_console_cpu_not_dropped)
{
    lanes_config cfg = { .cores = 2, .quantum = 0, .tick_ns = 1000, .trace_events = 1 << 17 };
    lanes_rt *rt = lanes_open(&cfg);
    char err[512];
    int status, r;
    uint64_t dropped = 0, cpu = 0;
    con_client *c;
    con_msg m;

    atomic_store(&pinged, 0);
    atomic_store(&worked_ns, 0);
    ck_assert_int_eq(lanes_console(rt, path), 0);
    c = con_connect(path, 10000, err, sizeof err, &status);
    ck_assert_msg(c != NULL, "%s", err);
    ping = lanes_chan_open(rt, "ping", sizeof(int), 0);
    pong = lanes_chan_open(rt, "pong", sizeof(int), 0);
    lanes_go(rt, "busy", busy, NULL);
    lanes_go(rt, "pinger", pinger_then, NULL);
    lanes_go(rt, "ponger", ponger, NULL);
    ck_assert_int_eq(lanes_wait(rt), 0);    /* nobody read meanwhile */
    while ((r = con_next(c, &m, 1000)) == 1) {
        if (m.type == LANES_CON_DROPPED)
            dropped = m.dropped;
        for (size_t k = 0; m.type == LANES_CON_EVENTS && k < m.nev; k++)
            if (m.ev[k].kind == LANES_EV_CPU)
                cpu += m.ev[k].obj;
    }
    ck_assert_int_eq(r, 0);
    lanes_close(rt);
    ck_assert_msg(dropped > 0, "nothing dropped: the test proves nothing");
    ck_assert_msg(cpu >= atomic_load(&worked_ns) * 8 / 10,
                  "the CPU events said %llu ns of %llu worked (%llu events dropped)",
                  (unsigned long long)cpu, (unsigned long long)atomic_load(&worked_ns),
                  (unsigned long long)dropped);
    con_close(c);
}
END_TEST

static Suite *console_suite(void)
{
    Suite *s = suite_create("console");
    TCase *tc = tcase_create("console");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_console_handshake_and_control);
    tcase_add_test(tc, test_console_snapshot_busy_end);
    tcase_add_test(tc, test_console_garbage_peer);
    tcase_add_test(tc, test_console_bad_peers);
    tcase_add_test(tc, test_console_bad_stream);
    tcase_add_test(tc, test_console_stalled_viewer);
    tcase_add_test(tc, test_console_no_viewer_no_trace);
    tcase_add_test(tc, test_console_churn);
    tcase_add_test(tc, test_console_other_user);
    tcase_add_test(tc, test_console_bad_calls);
    tcase_add_test(tc, test_console_old_channel);
    tcase_add_test(tc, test_console_foreign_server);
    tcase_add_test(tc, test_console_cpu_not_dropped);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(console_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
