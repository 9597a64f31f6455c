/*
 * write.c - the recorder: a fold that writes events, names and the run's
 * header and end into a recording (format.c says how).
 *
 * Owns struct rec_writer: its output buffer, the events block being built
 * and the names waiting to go before it.  Writes go straight to a file
 * descriptor so every error keeps its errno; the first error wins and
 * every later call does nothing.  Invariant: names waiting are written
 * before the block being built, so a name always precedes the first event
 * that needs it.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rec/rec_int.h"

#define OUT_BUF (64 * 1024)

struct rec_writer {
    int       fd;
    int       own_fd;          /* close it at rec_close                    */
    char     *label;           /* the file's name, for messages            */
    uint8_t   out[OUT_BUF];    /* bytes not yet written                    */
    size_t    out_len;
    uint8_t  *blk;             /* the events block being built (no count)  */
    size_t    blk_len;
    unsigned  blk_count;       /* events in it, < REC_BLOCK_MAX            */
    rec_codec codec;           /* the block's previous event               */
    uint8_t  *names;           /* 'N' payload waiting for the next block   */
    size_t    names_len, names_cap;
    rec_namer namer;
    void     *namer_ctx;
    uint64_t  events;          /* written (or in the block)                */
    uint64_t  bytes;           /* handed to out[] so far                   */
    int       failed;
    char      err[400];
};

static void fail(rec_writer *w, int e)
{
    if (w->failed)
        return;
    w->failed = 1;
    snprintf(w->err, sizeof w->err, "cannot write recording %s: %s", w->label, strerror(e));
}

static int write_all(rec_writer *w, const uint8_t *p, size_t n)
{
    while (n > 0 && !w->failed) {
        ssize_t k = write(w->fd, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            fail(w, k < 0 ? errno : EIO);
            break;
        }
        p += k;
        n -= (size_t)k;
    }
    return w->failed ? -1 : 0;
}

static int out_flush(rec_writer *w)
{
    int rc = write_all(w, w->out, w->out_len);

    w->out_len = 0;
    return rc;
}

static int out_put(rec_writer *w, const void *p, size_t n)
{
    if (w->failed)
        return -1;
    if (n == 0)
        return 0;                        /* p may be NULL */
    w->bytes += n;
    if (w->out_len + n > sizeof w->out && out_flush(w) != 0)
        return -1;
    if (n >= sizeof w->out)
        return write_all(w, p, n);
    memcpy(w->out + w->out_len, p, n);
    w->out_len += n;
    return 0;
}

/* One record: type, length, payload (pre then body), crc. */
static int put_record(rec_writer *w, int type, const uint8_t *pre, size_t pre_len,
                      const uint8_t *body, size_t body_len)
{
    uint8_t head[1 + REC_VARINT_MAX], tail[4];
    size_t hn;
    uint32_t crc;

    head[0] = (uint8_t)type;
    hn = 1 + rec_put_varint(head + 1, pre_len + body_len);
    crc = rec_crc32(0, head, hn);
    crc = rec_crc32(crc, pre, pre_len);
    crc = rec_crc32(crc, body, body_len);
    tail[0] = (uint8_t)crc;
    tail[1] = (uint8_t)(crc >> 8);
    tail[2] = (uint8_t)(crc >> 16);
    tail[3] = (uint8_t)(crc >> 24);
    if (out_put(w, head, hn) != 0 || out_put(w, pre, pre_len) != 0 ||
        out_put(w, body, body_len) != 0)
        return -1;
    return out_put(w, tail, 4);
}

/* ---- growable byte buffers (key/value payloads, names) ------------------ */

typedef struct bytes {
    uint8_t *p;
    size_t   len, cap;
} bytes;

static int grow(bytes *b, size_t more)
{
    uint8_t *np;
    size_t cap = b->cap != 0 ? b->cap : 256;

    if (b->len + more <= b->cap)
        return 0;
    while (cap < b->len + more)
        cap *= 2;
    if ((np = realloc(b->p, cap)) == NULL)
        return -1;
    b->p = np;
    b->cap = cap;
    return 0;
}

static int put_str(bytes *b, const char *s, size_t n)
{
    if (grow(b, REC_VARINT_MAX + n) != 0)
        return -1;
    b->len += rec_put_varint(b->p + b->len, n);
    if (n != 0)
        memcpy(b->p + b->len, s, n);
    b->len += n;
    return 0;
}

static int put_kv(bytes *b, const char *key, const char *val)
{
    if (val == NULL)
        val = "";
    return put_str(b, key, strlen(key)) != 0 ? -1 : put_str(b, val, strlen(val));
}

static int put_kv_num(bytes *b, const char *key, uint64_t v)
{
    char num[24];

    snprintf(num, sizeof num, "%" PRIu64, v);
    return put_kv(b, key, num);
}

/* The 'H' payload of h. */
static int header_payload(bytes *b, const rec_header *h)
{
    int bad = 0;

    bad |= put_kv(b, "lanes", h->lanes);
    bad |= put_kv(b, "scenario", h->scenario);
    bad |= put_kv(b, "title", h->title);
    bad |= put_kv(b, "file", h->file);
    bad |= put_str(b, "source", 6);
    bad |= put_str(b, h->source != NULL ? h->source : "", h->source != NULL ? h->source_len : 0);
    bad |= put_kv_num(b, "cores", (uint64_t)h->cores);
    bad |= put_kv_num(b, "quantum", (uint64_t)h->quantum);
    bad |= put_kv_num(b, "tick_ns", h->tick_ns);
    bad |= put_kv_num(b, "seed", h->seed);
    bad |= put_kv_num(b, "seed_set", (uint64_t)(h->seed_set != 0));
    bad |= put_kv_num(b, "cpus", (uint64_t)(h->cpus > 0 ? h->cpus : 0));
    bad |= put_kv_num(b, "start_unix_ns", h->start_unix_ns);
    return bad;
}

/* ---- opening ------------------------------------------------------------ */

rec_writer *rec_open_write_fd(int fd, const char *label, const rec_header *h)
{
    rec_writer *w = calloc(1, sizeof *w);
    char magic[32];
    bytes b = { NULL, 0, 0 };

    if (w == NULL)
        return NULL;
    w->fd = fd;
    w->label = strdup(label != NULL ? label : "(recording)");
    w->blk = malloc((size_t)REC_BLOCK_MAX * REC_EVENT_MAX);
    if (w->label == NULL || w->blk == NULL || header_payload(&b, h) != 0 ||
        (h->source != NULL && h->source_len > REC_SOURCE_MAX)) {
        free(b.p);
        free(w->blk);
        free(w->label);
        free(w);
        return NULL;
    }
    rec_codec_reset(&w->codec);
    snprintf(magic, sizeof magic, "%s %d\n", REC_MAGIC, REC_VERSION);
    out_put(w, magic, strlen(magic));
    put_record(w, REC_T_HEADER, NULL, 0, b.p, b.len);
    free(b.p);
    return w;
}

rec_writer *rec_open_write(const char *path, const rec_header *h, char *err, size_t errlen)
{
    rec_writer *w;
    int fd, std = strcmp(path, "-") == 0, e;

    fd = std ? STDOUT_FILENO : open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) {
        snprintf(err, errlen, "cannot create recording %s: %s", path, strerror(errno));
        return NULL;
    }
    w = rec_open_write_fd(fd, std ? "(standard output)" : path, h);
    if (w == NULL) {
        e = errno;
        if (!std)
            close(fd);
        snprintf(err, errlen, "cannot write recording %s: %s", path,
                 h->source_len > REC_SOURCE_MAX ? "the scenario's text is too long"
                                                : strerror(e != 0 ? e : ENOMEM));
        return NULL;
    }
    w->own_fd = !std;
    return w;
}

void rec_set_namer(rec_writer *w, rec_namer fn, void *ctx)
{
    w->namer = fn;
    w->namer_ctx = ctx;
}

/* ---- names and events ---------------------------------------------------- */

static int add_name(rec_writer *w, int what, uint32_t id, const char *name)
{
    size_t len = strnlen(name, LANES_NAME_MAX - 1);
    bytes b = { w->names, w->names_len, w->names_cap };

    if (len == 0 || id == 0)
        return 0;
    if (grow(&b, 1 + 2 * REC_VARINT_MAX + len) != 0) {
        fail(w, ENOMEM);
        return -1;
    }
    b.p[b.len++] = what == REC_CHAN ? 'c' : 'r';
    b.len += rec_put_varint(b.p + b.len, id);
    put_str(&b, name, len);              /* room was made above */
    w->names = b.p;
    w->names_len = b.len;
    w->names_cap = b.cap;
    return 0;
}

/* Writes the waiting names, then the block being built. */
static int flush_block(rec_writer *w)
{
    uint8_t count[REC_VARINT_MAX];

    if (w->failed)
        return -1;
    if (w->names_len != 0 && put_record(w, REC_T_NAMES, NULL, 0, w->names, w->names_len) != 0)
        return -1;
    w->names_len = 0;
    if (w->blk_count != 0 &&
        put_record(w, REC_T_EVENTS, count, rec_put_varint(count, w->blk_count),
                   w->blk, w->blk_len) != 0)
        return -1;
    w->blk_len = 0;
    w->blk_count = 0;
    rec_codec_reset(&w->codec);
    return 0;
}

int rec_write_name(rec_writer *w, int what, uint32_t id, const char *name)
{
    if (flush_block(w) != 0)
        return -1;
    return add_name(w, what, id, name);
}

static void name_of(rec_writer *w, int what, uint32_t id)
{
    char name[LANES_NAME_MAX];

    name[0] = '\0';
    w->namer(w->namer_ctx, what, id, name, sizeof name);
    name[sizeof name - 1] = '\0';
    add_name(w, what, id, name);
}

int rec_write_events(rec_writer *w, const lanes_event *ev, size_t n)
{
    size_t i;

    for (i = 0; i < n && !w->failed; i++) {
        const lanes_event *e = &ev[i];

        if (e->kind == 0 || e->kind > 255 ||
            (e->lane >= LANES_MAX_CORES && e->lane != LANES_NO_LANE)) {
            fail(w, EINVAL);             /* only what a runtime makes */
            break;
        }
        if (w->namer != NULL && e->kind == LANES_EV_SPAWN)
            name_of(w, REC_ROUTINE, e->routine);
        if (w->namer != NULL && e->kind == LANES_EV_CHAN)
            name_of(w, REC_CHAN, e->obj);
        w->blk_len += rec_encode_event(&w->codec, e, w->blk + w->blk_len);
        w->events++;
        if (++w->blk_count == REC_BLOCK_MAX)
            flush_block(w);
    }
    return w->failed ? -1 : 0;
}

int rec_flush(rec_writer *w)
{
    if (flush_block(w) != 0)
        return -1;
    return out_flush(w);
}

int rec_write_message(rec_writer *w, const char *text)
{
    size_t n = strlen(text);

    if (flush_block(w) != 0)
        return -1;
    if (n > REC_MESSAGE_MAX)
        n = REC_MESSAGE_MAX;
    return put_record(w, REC_T_MESSAGE, NULL, 0, (const uint8_t *)text, n);
}

uint64_t rec_bytes(const rec_writer *w)
{
    return w->bytes + w->blk_len + w->names_len;
}

const char *rec_write_error(const rec_writer *w)
{
    return w->failed ? w->err : "";
}

/* ---- the end ------------------------------------------------------------- */

static int end_payload(bytes *b, const rec_writer *w, const rec_end *end)
{
    static const rec_end none = { "", 0, 0, 0, 0, 0, "", "" };
    int bad = 0;

    if (end == NULL)
        end = &none;
    bad |= put_kv(b, "status", end->status);
    bad |= put_kv_num(b, "exit_status", (uint64_t)(end->exit_status >= 0 ? end->exit_status : 0));
    bad |= put_kv_num(b, "events", w->events);
    bad |= put_kv_num(b, "wall_ns", end->wall_ns);
    bad |= put_kv_num(b, "end_mt", end->end_mt);
    bad |= put_kv_num(b, "dropped", end->dropped);
    bad |= put_kv(b, "message", end->message);
    bad |= put_kv(b, "report_json", end->report_json);
    return bad;
}

int rec_close(rec_writer *w, const rec_end *end, char *err, size_t errlen)
{
    bytes b = { NULL, 0, 0 };
    int rc;

    if (end_payload(&b, w, end) != 0)
        fail(w, ENOMEM);
    if (flush_block(w) == 0)
        put_record(w, REC_T_END, NULL, 0, b.p, b.len);
    out_flush(w);
    free(b.p);
    if (w->own_fd && close(w->fd) != 0)
        fail(w, errno);
    rc = w->failed ? -1 : 0;
    if (rc != 0 && err != NULL)
        snprintf(err, errlen, "%s", w->err);
    free(w->names);
    free(w->blk);
    free(w->label);
    free(w);
    return rc;
}
