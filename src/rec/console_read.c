/*
 * console_read.c - the viewer's side of a program's console: the stream
 * decoder and the client (console.h; the wire format in src/rt/lanes.h).
 *
 * Owns the decoder's buffer and the client's socket and name table.  Must
 * not trust a byte: every length is bounded before anything is copied,
 * every field is checked before it leaves here, and a stream that breaks
 * off in a record is told apart from one that ends between records.
 * Invariant: what con_dec_next returns is well-formed (an event's kind is
 * not 0, its lane is a lane or LANES_NO_LANE, its t_ns never goes back; a
 * name is at most LANES_NAME_MAX-1 bytes, NUL-terminated).
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "console.h"

#define HEAD      16                               /* magic, version, 0 */
#define REC_HEAD  8                                /* type, 0, length */
#define BUF_MAX   (HEAD + REC_HEAD + LANES_CON_BODY_MAX)
#define EV_MAX    (LANES_CON_BODY_MAX / LANES_CON_EVENT_SIZE)
#define NAMES_MAX (1u << 20)                       /* ids the client keeps names for */

struct con_dec {
    char    *label;
    uint8_t *buf;                   /* bytes not yet decoded: buf[off..len) */
    size_t   len, off, cap;
    int      head_ok;               /* the 16-byte header was read */
    int      hello;                 /* a HELLO was read */
    int      ended;                 /* END was read: nothing may follow */
    int      status;                /* exit status after a failure, 0 before */
    uint64_t last_ns;               /* the newest event's t_ns */
    uint64_t total;                 /* bytes taken, for messages */
    char     err[512];
    lanes_event ev[EV_MAX];
};

static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static uint64_t get64(const uint8_t *p) { return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32; }
static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)v); put16(p + 2, (uint16_t)(v >> 16)); }

static int fail(con_dec *d, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(con_dec *d, int status, const char *fmt, ...)
{
    va_list ap;
    int k;
    if (d->status != 0)
        return -1;
    k = snprintf(d->err, sizeof d->err, "%s: ", d->label);
    va_start(ap, fmt);
    vsnprintf(d->err + k, sizeof d->err - (size_t)k, fmt, ap);
    va_end(ap);
    d->status = status;
    return -1;
}

con_dec *con_dec_new(const char *label)
{
    con_dec *d = calloc(1, sizeof *d);
    if (d == NULL)
        return NULL;
    d->label = strdup(label != NULL ? label : "console");
    d->cap = 4096;
    d->buf = malloc(d->cap);
    if (d->label == NULL || d->buf == NULL) {
        con_dec_free(d);
        return NULL;
    }
    return d;
}

void con_dec_free(con_dec *d)
{
    if (d == NULL)
        return;
    free(d->label);
    free(d->buf);
    free(d);
}

int con_dec_feed(con_dec *d, const void *data, size_t n)
{
    if (d->status != 0)
        return -1;
    if (d->off > 0) {
        memmove(d->buf, d->buf + d->off, d->len - d->off);
        d->len -= d->off;
        d->off = 0;
    }
    if (d->len + n > d->cap) {
        size_t cap = d->cap;
        while (cap < d->len + n)
            cap *= 2;
        uint8_t *b = realloc(d->buf, cap);
        if (b == NULL)
            return fail(d, 1, "out of memory");
        d->buf = b;
        d->cap = cap;
    }
    memcpy(d->buf + d->len, data, n);
    d->len += n;
    d->total += n;
    return 0;
}

/* ---- records ---------------------------------------------------------------- */

static int dec_hello(con_dec *d, const uint8_t *b, uint32_t n, con_msg *m)
{
    con_hello *h = &m->hello;
    uint32_t nl, vl;
    if (d->hello)
        return fail(d, 1, "a second handshake in the stream");
    if (n < 52 || (nl = get16(b + 48)) > CON_NAME_MAX || 52 + nl > n ||
        (vl = get16(b + 50 + nl)) > 32 || 52 + nl + vl != n)
        return fail(d, 1, "malformed handshake (%u bytes)", n);
    memset(h, 0, sizeof *h);
    h->pid = get32(b);
    h->cores = (int)get32(b + 4);
    h->cpus = (int)get32(b + 8);
    h->quantum = (int)get32(b + 12);
    h->tick_ns = get64(b + 16);
    h->paused = get32(b + 24) != 0;
    h->t_ns = get64(b + 32);
    h->t_rt = get64(b + 40);
    if (h->cores < 1 || h->cores > LANES_MAX_CORES || get32(b + 8) > 4096 ||
        get32(b + 12) > INT32_MAX || h->tick_ns == 0 || get32(b + 24) > 1)
        return fail(d, 1, "handshake out of range (cores %u, cpus %u, quantum %u)",
                    get32(b + 4), get32(b + 8), get32(b + 12));
    for (uint32_t i = 0; i < nl; i++)       /* shown on a screen: printable only */
        h->name[i] = b[50 + i] >= 0x20 && b[50 + i] < 0x7f ? (char)b[50 + i] : '?';
    for (uint32_t i = 0; i < vl; i++)
        h->version[i] = b[52 + nl + i] >= 0x20 && b[52 + nl + i] < 0x7f ? (char)b[52 + nl + i] : '?';
    d->last_ns = h->t_ns;
    d->hello = 1;
    return 1;
}

static int dec_events(con_dec *d, const uint8_t *b, uint32_t n, con_msg *m)
{
    size_t k = n / LANES_CON_EVENT_SIZE;
    if (n == 0 || n % LANES_CON_EVENT_SIZE != 0 || k > EV_MAX)
        return fail(d, 1, "malformed events record (%u bytes)", n);
    for (size_t i = 0; i < k; i++) {
        const uint8_t *p = b + i * LANES_CON_EVENT_SIZE;
        lanes_event *e = &d->ev[i];
        e->t_ns = get64(p);
        e->t_rt = get64(p + 8);
        e->routine = get32(p + 16);
        e->obj = get32(p + 20);
        e->arg = (int32_t)get32(p + 24);
        e->lane = get16(p + 28);
        e->kind = get16(p + 30);
        if (e->kind == 0 || e->kind > 255 ||
            (e->lane >= LANES_MAX_CORES && e->lane != LANES_NO_LANE))
            return fail(d, 1, "bad event (kind %u, lane %u)", e->kind, e->lane);
        if (e->t_ns < d->last_ns)
            return fail(d, 1, "events out of time order");
        d->last_ns = e->t_ns;
    }
    m->ev = d->ev;
    m->nev = k;
    return 1;
}

static int dec_name(con_dec *d, const uint8_t *b, uint32_t n, con_msg *m)
{
    if (n < 8 || n > 8 + LANES_NAME_MAX - 1 || (get32(b) != 1 && get32(b) != 2) ||
        get32(b + 4) == 0 || memchr(b + 8, 0, n - 8) != NULL)
        return fail(d, 1, "malformed name record");
    m->what = (int)get32(b);
    m->id = get32(b + 4);
    memcpy(m->name, b + 8, n - 8);
    m->name[n - 8] = '\0';
    return 1;
}

static int dec_record(con_dec *d, int type, const uint8_t *b, uint32_t n, con_msg *m)
{
    if (d->ended)
        return fail(d, 1, "a record after the end");
    if (!d->hello && type != LANES_CON_HELLO && type != LANES_CON_ERROR)
        return fail(d, 1, "a record of type %d before the handshake", type);
    m->type = type;
    switch (type) {
    case LANES_CON_HELLO:
        return dec_hello(d, b, n, m);
    case LANES_CON_EVENTS:
        return dec_events(d, b, n, m);
    case LANES_CON_NAME:
        return dec_name(d, b, n, m);
    case LANES_CON_DROPPED:
        if (n != 8)
            return fail(d, 1, "malformed dropped record");
        m->dropped = get64(b);
        return 1;
    case LANES_CON_END:
        if (n != 4)
            return fail(d, 1, "malformed end record");
        d->ended = 1;
        return 1;
    case LANES_CON_ERROR:
        if (n > 256)
            return fail(d, 1, "malformed error record");
        for (uint32_t i = 0; i < n; i++)
            m->text[i] = b[i] >= 0x20 && b[i] < 0x7f ? (char)b[i] : '?';
        m->text[n] = '\0';
        d->ended = 1;
        return 1;
    default:
        return fail(d, 1, "unknown record type %d", type);
    }
}

int con_dec_next(con_dec *d, con_msg *m)
{
    const uint8_t *p;
    uint32_t n;
    int r;
    if (d->status != 0)
        return -1;
    memset(m, 0, offsetof(con_msg, hello));
    if (!d->head_ok) {
        size_t have = d->len - d->off;
        p = d->buf + d->off;
        if (memcmp(p, LANES_CON_MAGIC, have < 8 ? have : 8) != 0)
            return fail(d, 2, "not a lanes console");
        if (have < HEAD)
            return 0;
        if (get32(p + 8) != LANES_CON_VERSION)
            return fail(d, 2, "console version %u, this lanes reads %d", get32(p + 8),
                        LANES_CON_VERSION);
        if (get32(p + 12) != 0)
            return fail(d, 1, "malformed console header");
        d->off += HEAD;
        d->head_ok = 1;
    }
    if (d->len - d->off < REC_HEAD)
        return 0;
    p = d->buf + d->off;
    n = get32(p + 4);
    if (get16(p + 2) != 0 || n > LANES_CON_BODY_MAX)
        return fail(d, 1, "malformed record (type %u, %u bytes)", get16(p), n);
    if (d->len - d->off < REC_HEAD + (size_t)n)
        return 0;
    d->off += REC_HEAD + n;
    r = dec_record(d, get16(p), p + REC_HEAD, n, m);
    return r;
}

int con_dec_eof(con_dec *d)
{
    if (d->status != 0)
        return -1;
    if (!d->head_ok && d->len == d->off)
        return fail(d, 1, "the program closed the connection before its handshake");
    if (!d->head_ok)
        return fail(d, 2, "not a lanes console (it sent %llu bytes)",
                    (unsigned long long)d->total);
    if (d->len != d->off)
        return fail(d, 1, "the program stopped in the middle of a message (it was "
                    "killed, or exited while this viewer was too far behind)");
    if (!d->hello)
        return fail(d, 1, "the program closed the connection before its handshake");
    return 0;
}

const char *con_dec_error(const con_dec *d) { return d->err; }
int con_dec_status(const con_dec *d) { return d->status; }

/* ---- the client ------------------------------------------------------------- */

struct con_client {
    int fd;
    char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
    con_dec *dec;
    con_hello hello;
    int ended;                      /* 1 END, 2 closed between records */
    char (*rname)[LANES_NAME_MAX];  /* by routine id, [0..nr) */
    uint8_t *rasked;
    size_t nr;
    char (*cname)[LANES_NAME_MAX];
    uint8_t *casked;
    size_t nc;
    char err[512];
    int status;
};

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Writes all of b (the socket is non-blocking: waits a little for room). */
static int send_all(int fd, const uint8_t *b, size_t n)
{
    while (n > 0) {
        ssize_t k = send(fd, b, n, MSG_NOSIGNAL);
        if (k > 0) {
            b += k;
            n -= (size_t)k;
        } else if (k < 0 && (errno == EAGAIN || errno == EINTR)) {
            struct pollfd pf = { fd, POLLOUT, 0 };
            if (poll(&pf, 1, 1000) == 0)
                return -1;
        } else {
            return -1;
        }
    }
    return 0;
}

int con_send(con_client *c, int type, int64_t arg)
{
    uint8_t b[REC_HEAD + 8];
    size_t n = type == LANES_CON_PAUSE || type == LANES_CON_RESUME ? 0
             : type == LANES_CON_TICK || type == LANES_CON_NAMEQ ? 8 : 4;
    if (c->fd < 0)
        return -1;
    put16(b, (uint16_t)type);
    put16(b + 2, 0);
    put32(b + 4, (uint32_t)n);
    if (type == LANES_CON_NAMEQ) {
        put32(b + 8, (uint32_t)(arg >> 32));
        put32(b + 12, (uint32_t)arg);
    } else if (n == 8) {
        put32(b + 8, (uint32_t)arg);
        put32(b + 12, (uint32_t)((uint64_t)arg >> 32));
    } else if (n == 4) {
        put32(b + 8, (uint32_t)arg);
    }
    return send_all(c->fd, b, REC_HEAD + n);
}

static int grow_names(char (**names)[LANES_NAME_MAX], uint8_t **asked, size_t *n, uint32_t id)
{
    size_t k = *n ? *n : 256;
    if (id < *n)
        return 0;
    if (id >= NAMES_MAX)
        return -1;
    while (k <= id)
        k *= 2;
    char (*p)[LANES_NAME_MAX] = realloc(*names, k * sizeof *p);
    if (p == NULL)
        return -1;
    *names = p;
    uint8_t *a = realloc(*asked, k);
    if (a == NULL)
        return -1;
    *asked = a;
    memset(p + *n, 0, (k - *n) * sizeof *p);
    memset(a + *n, 0, k - *n);
    *n = k;
    return 0;
}

/* An id seen in an event with no name yet: asked for once. */
static void want_name(con_client *c, int what, uint32_t id)
{
    char (**names)[LANES_NAME_MAX] = what == 1 ? &c->rname : &c->cname;
    uint8_t **asked = what == 1 ? &c->rasked : &c->casked;
    size_t *n = what == 1 ? &c->nr : &c->nc;
    if (id == 0 || grow_names(names, asked, n, id) != 0)
        return;
    if ((*names)[id][0] == '\0' && !(*asked)[id]) {
        (*asked)[id] = 1;
        (void)con_send(c, LANES_CON_NAMEQ, (int64_t)what << 32 | id);
    }
}

static void keep(con_client *c, const con_msg *m)
{
    if (m->type == LANES_CON_NAME) {
        char (**names)[LANES_NAME_MAX] = m->what == 1 ? &c->rname : &c->cname;
        uint8_t **asked = m->what == 1 ? &c->rasked : &c->casked;
        size_t *n = m->what == 1 ? &c->nr : &c->nc;
        if (grow_names(names, asked, n, m->id) == 0)
            memcpy((*names)[m->id], m->name, LANES_NAME_MAX);
    } else if (m->type == LANES_CON_EVENTS) {
        for (size_t i = 0; i < m->nev; i++) {
            const lanes_event *e = &m->ev[i];
            if (e->kind == LANES_EV_SPAWN || e->kind == LANES_EV_RUN)
                want_name(c, 1, e->routine);
            else if (e->kind == LANES_EV_CHAN || e->kind == LANES_EV_SEND ||
                     e->kind == LANES_EV_RECV || e->kind == LANES_EV_CLOSE)
                want_name(c, 2, e->obj);
        }
    } else if (m->type == LANES_CON_END) {
        c->ended = 1;
    }
}

static int client_fail(con_client *c)
{
    snprintf(c->err, sizeof c->err, "%s", con_dec_error(c->dec));
    c->status = con_dec_status(c->dec);
    return -1;
}

int con_next(con_client *c, con_msg *m, int timeout_ms)
{
    uint8_t b[65536];
    uint64_t until = timeout_ms < 0 ? 0 : now_ms() + (uint64_t)timeout_ms;
    if (c->ended || c->status != 0 || c->fd < 0)
        return -1;
    for (;;) {
        int r = con_dec_next(c->dec, m);
        if (r < 0)
            return client_fail(c);
        if (r > 0) {
            keep(c, m);
            return 1;
        }
        ssize_t k = recv(c->fd, b, sizeof b, MSG_DONTWAIT);
        if (k > 0) {
            if (con_dec_feed(c->dec, b, (size_t)k) != 0)
                return client_fail(c);
            continue;
        }
        if (k == 0 || (k < 0 && errno == ECONNRESET)) {
            if (con_dec_eof(c->dec) != 0)
                return client_fail(c);
            c->ended = 2;
            return -1;
        }
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            snprintf(c->err, sizeof c->err, "%s: %s", c->path, strerror(errno));
            c->status = 1;
            return -1;
        }
        int wait = timeout_ms < 0 ? -1 : (int)(until > now_ms() ? until - now_ms() : 0);
        if (wait == 0)
            return 0;
        struct pollfd pf = { c->fd, POLLIN, 0 };
        if (poll(&pf, 1, wait) == 0)
            return 0;
    }
}

/* The program at the other end must be ours: a socket in a shared
 * directory (/tmp) may have been put there by anyone, and what it sends
 * would go on our screen and our recordings.  Same effective uid only,
 * root too.  1 (message in err) when it is somebody else's. */
static int peer_foreign(const con_client *c, char *err, size_t errlen)
{
    struct ucred cr;
    socklen_t cl = sizeof cr;
    if (getsockopt(c->fd, SOL_SOCKET, SO_PEERCRED, &cr, &cl) != 0 || cl != sizeof cr) {
        snprintf(err, errlen, "%s: cannot tell who serves this socket: %s", c->path,
                 strerror(errno));
        return 1;
    }
    if (cr.uid == geteuid())
        return 0;
    snprintf(err, errlen, "%s: refused: the socket is served by uid %u (pid %d), not by this "
             "user (uid %u); attach only to your own programs", c->path, (unsigned)cr.uid,
             (int)cr.pid, (unsigned)geteuid());
    return 1;
}

con_client *con_open(const char *path, char *err, size_t errlen, int *status)
{
    struct sockaddr_un sa;
    con_client *c;
    uint8_t head[HEAD];

    *status = 1;
    if (strlen(path) >= sizeof sa.sun_path) {
        snprintf(err, errlen, "%s: too long for a socket's path", path);
        *status = 2;
        return NULL;
    }
    if ((c = calloc(1, sizeof *c)) == NULL || (c->dec = con_dec_new(path)) == NULL) {
        snprintf(err, errlen, "%s: out of memory", path);
        free(c);
        return NULL;
    }
    snprintf(c->path, sizeof c->path, "%s", path);
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    memcpy(sa.sun_path, path, strlen(path));
    c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        int e = errno;
        struct stat st;
        if (e == ECONNREFUSED && stat(path, &st) == 0 && !S_ISSOCK(st.st_mode))
            e = ENOTSOCK;       /* Linux refuses a connection to a plain file */
        if (e == ENOENT)
            snprintf(err, errlen, "%s: no such console (is a program running with "
                     "LANES_CONSOLE=%s?)", path, path);
        else if (e == ECONNREFUSED)
            snprintf(err, errlen, "%s: nobody serves this console (the program ended?)", path);
        else if (e == ENOTSOCK || e == ENOTDIR)
            snprintf(err, errlen, "%s: not a lanes console (not a socket)", path);
        else
            snprintf(err, errlen, "%s: %s", path, strerror(e));
        *status = e == ENOTSOCK || e == ENOTDIR ? 2 : 1;
        con_close(c);
        return NULL;
    }
    if (peer_foreign(c, err, errlen)) {
        con_close(c);
        return NULL;        /* status 1: a refusal */
    }
    memcpy(head, LANES_CON_MAGIC, 8);
    put32(head + 8, LANES_CON_VERSION);
    put32(head + 12, 0);
    (void)send_all(c->fd, head, HEAD);  /* a peer gone at once: said below */
    return c;
}

int con_handshake(con_client *c, int timeout_ms, char *err, size_t errlen, int *status)
{
    con_msg m;
    int r = con_next(c, &m, timeout_ms);

    if (r == 0)
        return 0;
    if (r == 1 && m.type == LANES_CON_HELLO) {
        c->hello = m.hello;
        return 1;
    }
    if (r == 1 && m.type == LANES_CON_ERROR)
        snprintf(err, errlen, "%s: the program refused: %s", c->path,
                 strncmp(m.text, "refused: ", 9) == 0 ? m.text + 9 : m.text);
    else if (r == 1)
        snprintf(err, errlen, "%s: a record before the handshake", c->path);
    else if (c->ended)
        snprintf(err, errlen, "%s: the program closed the connection before its handshake",
                 c->path);
    else
        snprintf(err, errlen, "%s", c->err);
    *status = r == -1 && !c->ended ? c->status : 1;
    return -1;
}

con_client *con_connect(const char *path, int timeout_ms, char *err, size_t errlen, int *status)
{
    con_client *c = con_open(path, err, errlen, status);
    int r;

    if (c == NULL)
        return NULL;
    r = con_handshake(c, timeout_ms, err, errlen, status);
    if (r == 1)
        return c;
    if (r == 0) {
        snprintf(err, errlen, "%s: no handshake within %d ms: not a lanes console?", path,
                 timeout_ms);
        *status = 2;
    }
    con_close(c);
    return NULL;
}

const con_hello *con_hello_of(const con_client *c) { return &c->hello; }
int con_fd(const con_client *c) { return c->fd; }
int con_ended(const con_client *c) { return c->ended; }
const char *con_error(const con_client *c) { return c->err; }
int con_status(const con_client *c) { return c->status; }

static void copy_name(char (*names)[LANES_NAME_MAX], size_t n, uint32_t id, char *buf, size_t len)
{
    if (len == 0)
        return;
    snprintf(buf, len, "%s", id < n ? names[id] : "");
}

void con_routine_name(const con_client *c, uint32_t id, char *buf, size_t n)
{
    copy_name(c->rname, c->nr, id, buf, n);
}

void con_chan_name(const con_client *c, uint32_t id, char *buf, size_t n)
{
    copy_name(c->cname, c->nc, id, buf, n);
}

void con_hangup(con_client *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
    if (!c->ended && c->status == 0)
        c->ended = 2;
}

void con_close(con_client *c)
{
    if (c == NULL)
        return;
    if (c->fd >= 0)
        close(c->fd);
    con_dec_free(c->dec);
    free(c->rname);
    free(c->rasked);
    free(c->cname);
    free(c->casked);
    free(c);
}
