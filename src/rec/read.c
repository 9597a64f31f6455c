/*
 * read.c - the recording reader: a source of events that gives back, in
 * order, what write.c wrote, and the names recorded before them.
 *
 * Owns struct rec_reader: the stream, the record being decoded, the names
 * table and the header's and end's strings.  Trusts nothing in the file:
 * every length is checked against what is left and against the format's
 * limits before it is used, every record's crc before its payload is
 * parsed; the first problem ends reading with a message naming the file,
 * the byte offset and what was wrong (format.c describes the format).
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rec/rec_int.h"

typedef struct rec_name {
    uint32_t id;               /* 0: empty slot                             */
    uint8_t  what;             /* REC_ROUTINE or REC_CHAN                   */
    char     name[LANES_NAME_MAX];
} rec_name;

struct rec_reader {
    FILE     *f;
    int       own;             /* fclose at rec_close_read                  */
    char     *label;
    uint64_t  off;             /* bytes consumed from the stream            */
    uint8_t  *rec;             /* the payload of the record read last       */
    size_t    rec_cap;
    size_t    blk_at, blk_len; /* the events block: rec[blk_at..blk_len)    */
    uint64_t  blk_left;        /* events still to decode in it              */
    uint64_t  blk_off;         /* its record's offset, for messages         */
    int       rec_type;        /* the type of the record read last          */
    rec_codec codec;
    rec_name *names;           /* open addressing on (what, id)             */
    size_t    names_cap, names_used;
    char     *hstr[6];         /* the header's strings                      */
    char     *estr[3];         /* the end's strings                         */
    char    **msgs;            /* messages read, not yet taken: a queue     */
    size_t    msgs_head, msgs_len, msgs_cap;
    rec_end   end;
    int       ended;           /* the end record was read                   */
    uint64_t  events;          /* events returned so far                    */
    int       failed;
    char      err[512];
};

__attribute__((format(printf, 2, 3)))
static void fail(rec_reader *r, const char *fmt, ...)
{
    char what[300];
    va_list ap;

    if (r->failed)
        return;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    r->failed = 1;
    snprintf(r->err, sizeof r->err, "%s: %s", r->label, what);
}

/* The file ends early: `what` says where, with the file's length. */
static void truncated(rec_reader *r, const char *what)
{
    fail(r, "truncated: %s (the run that wrote it was stopped before its end, or its disk "
         "was full)", what);
}

static const char *type_name(int type);

/* Damage inside the record read last: its type and where it starts. */
static void corrupt(rec_reader *r, const char *what)
{
    fail(r, "corrupt: the %s record at byte %" PRIu64 ": %s", type_name(r->rec_type),
         r->blk_off, what);
}

static void read_failed(rec_reader *r)
{
    fail(r, "cannot read: %s", strerror(errno != 0 ? errno : EIO));
}

/* Reads exactly n bytes; 1, or 0 at the end of the stream, -1 on error. */
static int get(rec_reader *r, void *p, size_t n)
{
    size_t k;

    errno = 0;
    k = fread(p, 1, n, r->f);
    r->off += k;
    if (k == n)
        return 1;
    if (ferror(r->f)) {
        read_failed(r);
        return -1;
    }
    return 0;
}

/* ---- records ------------------------------------------------------------- */

static const char *type_name(int type)
{
    switch (type) {
    case REC_T_HEADER: return "header";
    case REC_T_NAMES:  return "names";
    case REC_T_EVENTS: return "events";
    case REC_T_END:    return "end";
    case REC_T_MESSAGE: return "message";
    default:           return "unknown";
    }
}

/* Reads the next record into r->rec: 1 with its type and length, 0 at a
 * clean end of the stream (no byte of a record), -1 after a failure. */
static int read_record(rec_reader *r, int *type, size_t *len)
{
    uint8_t head[1 + REC_VARINT_MAX], tail[4];
    uint64_t at = r->off, v;
    size_t hn = 1, k;
    uint32_t crc;
    int rc;
    char msg[120];

    if ((rc = get(r, head, 1)) <= 0)
        return rc;
    for (;;) {                           /* the length varint, byte by byte */
        if ((rc = get(r, head + hn, 1)) <= 0) {
            if (rc == 0) {
                snprintf(msg, sizeof msg, "the record at byte %" PRIu64 " is cut off inside "
                         "its length, the file ends at byte %" PRIu64, at, r->off);
                truncated(r, msg);
            }
            return -1;
        }
        hn++;
        if ((head[hn - 1] & 0x80) == 0 || hn == sizeof head)
            break;
    }
    k = rec_get_varint(head + 1, hn - 1, &v);
    if (k == 0 || v > REC_RECORD_MAX) {
        fail(r, "corrupt: the record at byte %" PRIu64 " %s", at,
             k == 0 ? "has a bad length" : "is longer than 16 MiB");
        return -1;
    }
    if (v > r->rec_cap) {
        uint8_t *p = realloc(r->rec, (size_t)v);
        if (p == NULL) {
            fail(r, "cannot read: %s", strerror(ENOMEM));
            return -1;
        }
        r->rec = p;
        r->rec_cap = (size_t)v;
    }
    if ((rc = get(r, r->rec, (size_t)v)) <= 0 || (rc = get(r, tail, 4)) <= 0) {
        if (rc == 0) {
            snprintf(msg, sizeof msg, "the %s record at byte %" PRIu64 " is cut off, the file "
                     "ends at byte %" PRIu64, type_name(head[0]), at, r->off);
            truncated(r, msg);
        }
        return -1;
    }
    crc = rec_crc32(rec_crc32(0, head, hn), r->rec, (size_t)v);
    if (crc != ((uint32_t)tail[0] | (uint32_t)tail[1] << 8 | (uint32_t)tail[2] << 16 |
                (uint32_t)tail[3] << 24)) {
        fail(r, "corrupt: the checksum of the %s record at byte %" PRIu64 " does not match",
             type_name(head[0]), at);
        return -1;
    }
    if (head[0] != REC_T_HEADER && head[0] != REC_T_NAMES && head[0] != REC_T_EVENTS &&
        head[0] != REC_T_END && head[0] != REC_T_MESSAGE && (head[0] < 'a' || head[0] > 'z')) {
        fail(r, "corrupt: the record at byte %" PRIu64 " is of an unknown type 0x%02x", at,
             head[0]);
        return -1;
    }
    *type = head[0];
    *len = (size_t)v;
    r->blk_off = at;
    r->rec_type = head[0];
    return 1;
}

/* ---- key/value payloads (header, end) ------------------------------------ */

/* The string at p[*at..len): its bytes and length; 0 when cut short. */
static int get_str(const uint8_t *p, size_t len, size_t *at, const uint8_t **s, size_t *n)
{
    uint64_t v;
    size_t k = rec_get_varint(p + *at, len - *at, &v);

    if (k == 0 || v > len - *at - k)
        return 0;
    *s = p + *at + k;
    *n = (size_t)v;
    *at += k + (size_t)v;
    return 1;
}

static char *dup_bytes(const uint8_t *s, size_t n)
{
    char *d = malloc(n + 1);

    if (d != NULL) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

/* A decimal number of at most 20 digits that fits in 64 bits; 0 if bad. */
static int get_num(const uint8_t *s, size_t n, uint64_t *v)
{
    uint64_t x = 0;
    size_t i;

    if (n == 0 || n > 20)
        return 0;
    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9' || x > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
            return 0;
        x = x * 10 + (uint64_t)(s[i] - '0');
    }
    *v = x;
    return 1;
}

/* One key of a key/value record: where its value goes. */
typedef struct kv_slot {
    const char *key;
    char      **str;     /* a string: malloc'd copy here (NULL: a number) */
    uint64_t   *num;
    uint64_t    max;     /* the largest number accepted                   */
    size_t     *len;     /* the string's length, when wanted              */
} kv_slot;

/* Parses pairs into the slots; unknown keys are skipped.  0, or -1 with
 * the reader failed. */
static int parse_kv(rec_reader *r, const uint8_t *p, size_t len, kv_slot *slots, int nslots,
                    const char *what)
{
    size_t at = 0, kn, vn;
    const uint8_t *k, *v;
    char msg[200];
    int i;

    while (at < len) {
        if (!get_str(p, len, &at, &k, &kn) || !get_str(p, len, &at, &v, &vn)) {
            corrupt(r, "a key or value is cut short");
            return -1;
        }
        for (i = 0; i < nslots; i++) {
            if (strlen(slots[i].key) != kn || memcmp(slots[i].key, k, kn) != 0)
                continue;
            if (slots[i].str != NULL) {
                free(*slots[i].str);
                if ((*slots[i].str = dup_bytes(v, vn)) == NULL) {
                    fail(r, "cannot read: %s", strerror(ENOMEM));
                    return -1;
                }
                if (slots[i].len != NULL)
                    *slots[i].len = vn;
            } else if (!get_num(v, vn, slots[i].num) || *slots[i].num > slots[i].max) {
                snprintf(msg, sizeof msg, "its %s is not a number it can be", slots[i].key);
                corrupt(r, msg);
                return -1;
            }
        }
    }
    return 0;
}

static int parse_header(rec_reader *r, const uint8_t *p, size_t len, rec_header *h)
{
    uint64_t cores = 0, quantum = 0, tick = 0, seed = 0, seed_set = 0, cpus = 0, start = 0;
    size_t source_len = 0;
    kv_slot slots[] = {
        { "lanes", &r->hstr[0], NULL, 0, NULL },
        { "scenario", &r->hstr[1], NULL, 0, NULL },
        { "title", &r->hstr[2], NULL, 0, NULL },
        { "file", &r->hstr[3], NULL, 0, NULL },
        { "source", &r->hstr[4], NULL, 0, &source_len },
        { "cores", NULL, &cores, LANES_MAX_CORES, NULL },
        { "quantum", NULL, &quantum, INT32_MAX, NULL },
        { "tick_ns", NULL, &tick, UINT64_MAX, NULL },
        { "seed", NULL, &seed, UINT64_MAX, NULL },
        { "seed_set", NULL, &seed_set, 1, NULL },
        { "cpus", NULL, &cpus, INT32_MAX, NULL },
        { "start_unix_ns", NULL, &start, UINT64_MAX, NULL },
    };
    int i;

    if (parse_kv(r, p, len, slots, (int)(sizeof slots / sizeof slots[0]), "header") != 0)
        return -1;
    for (i = 0; i < 5; i++)
        if (r->hstr[i] == NULL && (r->hstr[i] = dup_bytes((const uint8_t *)"", 0)) == NULL) {
            fail(r, "cannot read: %s", strerror(ENOMEM));
            return -1;
        }
    memset(h, 0, sizeof *h);
    h->version = REC_VERSION;
    h->lanes = r->hstr[0];
    h->scenario = r->hstr[1];
    h->title = r->hstr[2];
    h->file = r->hstr[3];
    h->source = r->hstr[4];
    h->source_len = source_len;
    h->cores = (int)cores;
    h->quantum = (int)quantum;
    h->tick_ns = tick;
    h->seed = seed;
    h->seed_set = (int)seed_set;
    h->cpus = (int)cpus;
    h->start_unix_ns = start;
    return 0;
}

static int parse_end(rec_reader *r, const uint8_t *p, size_t len)
{
    uint64_t exit_status = 0, events = 0;
    kv_slot slots[] = {
        { "status", &r->estr[0], NULL, 0, NULL },
        { "exit_status", NULL, &exit_status, 255, NULL },
        { "events", NULL, &events, UINT64_MAX, NULL },
        { "wall_ns", NULL, &r->end.wall_ns, UINT64_MAX, NULL },
        { "end_mt", NULL, &r->end.end_mt, UINT64_MAX, NULL },
        { "dropped", NULL, &r->end.dropped, UINT64_MAX, NULL },
        { "message", &r->estr[1], NULL, 0, NULL },
        { "report_json", &r->estr[2], NULL, 0, NULL },
    };
    char msg[200];
    int i;

    if (parse_kv(r, p, len, slots, (int)(sizeof slots / sizeof slots[0]), "end") != 0)
        return -1;
    for (i = 0; i < 3; i++)
        if (r->estr[i] == NULL && (r->estr[i] = dup_bytes((const uint8_t *)"", 0)) == NULL) {
            fail(r, "cannot read: %s", strerror(ENOMEM));
            return -1;
        }
    if (events != r->events) {
        snprintf(msg, sizeof msg, "it counts %" PRIu64 " events, the file holds %" PRIu64,
                 events, r->events);
        corrupt(r, msg);
        return -1;
    }
    r->end.status = r->estr[0];
    r->end.exit_status = (int)exit_status;
    r->end.events = events;
    r->end.message = r->estr[1];
    r->end.report_json = r->estr[2];
    return 0;
}

/* ---- names ----------------------------------------------------------------- */

static size_t name_hash(int what, uint32_t id, size_t cap)
{
    uint32_t x = (id ^ (uint32_t)what << 30) * 2654435761u;

    return (size_t)(x ^ (x >> 15)) & (cap - 1);
}

static rec_name *name_slot(const rec_reader *r, int what, uint32_t id)
{
    size_t i;

    if (r->names_cap == 0)
        return NULL;
    for (i = name_hash(what, id, r->names_cap); r->names[i].id != 0;
         i = (i + 1) & (r->names_cap - 1))
        if (r->names[i].id == id && r->names[i].what == what)
            return &r->names[i];
    return &r->names[i];
}

static int set_name(rec_reader *r, int what, uint32_t id, const uint8_t *s, size_t n)
{
    rec_name *slot;

    if ((r->names_used + 1) * 2 > r->names_cap) {
        rec_name *old = r->names;
        size_t oldcap = r->names_cap, i;

        r->names_cap = oldcap != 0 ? oldcap * 2 : 64;
        r->names = calloc(r->names_cap, sizeof *r->names);
        if (r->names == NULL) {
            r->names = old;
            r->names_cap = oldcap;
            fail(r, "cannot read: %s", strerror(ENOMEM));
            return -1;
        }
        for (i = 0; i < oldcap; i++)
            if (old[i].id != 0)
                *name_slot(r, old[i].what, old[i].id) = old[i];
        free(old);
    }
    slot = name_slot(r, what, id);
    if (slot->id == 0)
        r->names_used++;
    slot->id = id;
    slot->what = (uint8_t)what;
    memcpy(slot->name, s, n);
    slot->name[n] = '\0';
    return 0;
}

static int parse_names(rec_reader *r, const uint8_t *p, size_t len)
{
    size_t at = 0, k, n;
    const uint8_t *s;
    uint64_t id;

    while (at < len) {
        uint8_t what = p[at++];
        if (what != 'r' && what != 'c') {
            corrupt(r, "a name of neither a routine nor a channel");
            return -1;
        }
        k = rec_get_varint(p + at, len - at, &id);
        if (k == 0 || id == 0 || id > UINT32_MAX) {
            corrupt(r, "a name with a bad id");
            return -1;
        }
        at += k;
        if (!get_str(p, len, &at, &s, &n) || n >= LANES_NAME_MAX) {
            corrupt(r, "a name cut short or longer than 31 bytes");
            return -1;
        }
        if (set_name(r, what == 'c' ? REC_CHAN : REC_ROUTINE, (uint32_t)id, s, n) != 0)
            return -1;
    }
    return 0;
}

static void get_name(const rec_reader *r, int what, uint32_t id, char *buf, size_t n)
{
    rec_name *slot = name_slot(r, what, id);

    if (n == 0)
        return;
    snprintf(buf, n, "%s", slot != NULL && slot->id != 0 ? slot->name : "");
}

void rec_routine_name(const rec_reader *r, uint32_t id, char *buf, size_t n)
{
    get_name(r, REC_ROUTINE, id, buf, n);
}

void rec_chan_name(const rec_reader *r, uint32_t id, char *buf, size_t n)
{
    get_name(r, REC_CHAN, id, buf, n);
}

/* ---- messages -------------------------------------------------------------- */

static int add_message(rec_reader *r, const uint8_t *p, size_t len)
{
    char *m;

    if (len > REC_MESSAGE_MAX) {
        corrupt(r, "a message longer than 64 KiB");
        return -1;
    }
    if (r->msgs_len == r->msgs_cap) {
        size_t cap = r->msgs_cap != 0 ? r->msgs_cap * 2 : 8;
        char **q = realloc(r->msgs, cap * sizeof *q);
        if (q == NULL) {
            fail(r, "cannot read: %s", strerror(ENOMEM));
            return -1;
        }
        r->msgs = q;
        r->msgs_cap = cap;
    }
    if ((m = dup_bytes(p, len)) == NULL) {
        fail(r, "cannot read: %s", strerror(ENOMEM));
        return -1;
    }
    r->msgs[r->msgs_len++] = m;
    return 0;
}

char *rec_take_message(rec_reader *r)
{
    char *m;

    if (r->msgs_head == r->msgs_len)
        return NULL;
    m = r->msgs[r->msgs_head++];
    if (r->msgs_head == r->msgs_len)
        r->msgs_head = r->msgs_len = 0;
    return m;
}

/* ---- events ---------------------------------------------------------------- */

/* Reads records up to the next events block (or the end).  0 or -1. */
static int next_block(rec_reader *r)
{
    int type, rc, c;
    size_t len, k;
    uint64_t count;

    while (!r->ended && !r->failed) {
        rc = read_record(r, &type, &len);
        if (rc == 0) {
            char msg[120];
            snprintf(msg, sizeof msg, "the file ends at byte %" PRIu64 ", after %" PRIu64
                     " events, before its end record", r->off, r->events);
            truncated(r, msg);
        }
        if (rc <= 0)
            return -1;
        switch (type) {
        case REC_T_NAMES:
            if (parse_names(r, r->rec, len) != 0)
                return -1;
            break;
        case REC_T_MESSAGE:
            if (add_message(r, r->rec, len) != 0)
                return -1;
            break;
        case REC_T_EVENTS:
            k = rec_get_varint(r->rec, len, &count);
            if (k == 0 || count == 0 || count > REC_BLOCK_MAX) {
                corrupt(r, "a bad count of events");
                return -1;
            }
            r->blk_at = k;
            r->blk_len = len;
            r->blk_left = count;
            rec_codec_reset(&r->codec);
            return 0;
        case REC_T_END:
            if (parse_end(r, r->rec, len) != 0)
                return -1;
            errno = 0;
            if ((c = fgetc(r->f)) != EOF) {
                fail(r, "corrupt: bytes after the end record, from byte %" PRIu64, r->off);
                return -1;
            }
            if (ferror(r->f)) {
                read_failed(r);
                return -1;
            }
            r->ended = 1;
            return 0;
        case REC_T_HEADER:
            corrupt(r, "a second header");
            return -1;
        default:                         /* a lowercase type: not ours to read */
            break;
        }
    }
    return r->failed ? -1 : 0;
}

ssize_t rec_read_events(rec_reader *r, lanes_event *out, size_t max)
{
    size_t n = 0, k;
    const char *why;

    while (n < max && !r->failed) {
        if (r->blk_left == 0) {
            if (r->ended || next_block(r) != 0 || r->ended)
                break;
            if (n > 0 && r->msgs_head < r->msgs_len)
                break;                   /* the message comes after these */
            continue;
        }
        k = rec_decode_event(&r->codec, r->rec + r->blk_at, r->blk_len - r->blk_at,
                             &out[n], &why);
        if (k == 0) {
            corrupt(r, why);
            break;
        }
        r->blk_at += k;
        n++;
        r->events++;
        if (--r->blk_left == 0 && r->blk_at != r->blk_len) {
            corrupt(r, "bytes after its last event");
            break;
        }
    }
    if (n > 0)
        return (ssize_t)n;
    return r->failed ? -1 : 0;
}

const rec_end *rec_read_end(const rec_reader *r)
{
    return r->ended && !r->failed ? &r->end : NULL;
}

const char *rec_read_error(const rec_reader *r)
{
    return r->failed ? r->err : "";
}

/* ---- opening --------------------------------------------------------------- */

/* The magic line: "lanes-recording N\n".  0, or -1 with the reader failed. */
static int read_magic(rec_reader *r)
{
    char line[40], want[40];
    size_t n = 0, plen = strlen(REC_MAGIC);
    unsigned long v = 0;
    int c;

    snprintf(want, sizeof want, "%s %d\n", REC_MAGIC, REC_VERSION);
    errno = 0;
    while (n < sizeof line - 1 && (c = fgetc(r->f)) != EOF) {
        line[n++] = (char)c;
        if (c == '\n')
            break;
    }
    line[n] = '\0';
    r->off = n;
    if (ferror(r->f)) {
        read_failed(r);
        return -1;
    }
    if (n == 0) {
        fail(r, "is empty, not a lanes recording");
        return -1;
    }
    if (strncmp(line, want, n < plen + 1 ? n : plen + 1) != 0) {
        fail(r, "not a lanes recording (its first line is not '%s N')", REC_MAGIC);
        return -1;
    }
    if (line[n - 1] != '\n') {
        if (n < sizeof line - 1) {
            char msg[80];
            snprintf(msg, sizeof msg, "the file ends at byte %zu, inside its first line", n);
            truncated(r, msg);
            return -1;
        }
        fail(r, "not a lanes recording (its first line is not '%s N')", REC_MAGIC);
        return -1;
    }
    if (n == plen + 2 || line[plen + 1] == '0') {
        fail(r, "corrupt: its first line has no version number");
        return -1;
    }
    for (c = (int)plen + 1; line[c] != '\n'; c++) {
        if (line[c] < '0' || line[c] > '9' || v > 100000000) {
            fail(r, "corrupt: its first line has a bad version number");
            return -1;
        }
        v = v * 10 + (unsigned long)(line[c] - '0');
    }
    if (v != REC_VERSION) {
        fail(r, "recording format version %lu is newer than this lanes reads (version %d): "
             "replay it with a newer lanes", v, REC_VERSION);
        return -1;
    }
    return 0;
}

static rec_reader *open_stream(FILE *f, int own, const char *label, rec_header *h,
                               char *err, size_t errlen)
{
    rec_reader *r = calloc(1, sizeof *r);
    int type, rc;
    size_t len;

    if (r == NULL || (r->label = strdup(label)) == NULL ||
        (r->rec = malloc(r->rec_cap = 4096)) == NULL) {
        snprintf(err, errlen, "%s: cannot read: %s", label, strerror(ENOMEM));
        if (r != NULL)
            free(r->label);
        free(r);
        if (own)
            fclose(f);
        return NULL;
    }
    r->f = f;
    r->own = own;
    if (read_magic(r) == 0) {
        rc = read_record(r, &type, &len);
        char msg[80];

        if (rc == 0) {
            snprintf(msg, sizeof msg, "the file ends at byte %" PRIu64 ", before its header",
                     r->off);
            truncated(r, msg);
        }
        else if (rc > 0 && type != REC_T_HEADER)
            corrupt(r, "the first record must be the header");
        else if (rc > 0)
            parse_header(r, r->rec, len, h);
    }
    if (r->failed) {
        snprintf(err, errlen, "%s", r->err);
        rec_close_read(r);
        return NULL;
    }
    return r;
}

rec_reader *rec_open_read(const char *path, rec_header *h, char *err, size_t errlen)
{
    FILE *f;

    if (strcmp(path, "-") == 0)
        return open_stream(stdin, 0, "(standard input)", h, err, errlen);
    if ((f = fopen(path, "rb")) == NULL) {
        snprintf(err, errlen, "cannot open recording %s: %s", path, strerror(errno));
        return NULL;
    }
    return open_stream(f, 1, path, h, err, errlen);
}

rec_reader *rec_open_mem(const void *data, size_t size, const char *label, rec_header *h,
                         char *err, size_t errlen)
{
    FILE *f;

    if (size == 0) {
        snprintf(err, errlen, "%s: is empty, not a lanes recording", label);
        return NULL;
    }
    if ((f = fmemopen((void *)data, size, "rb")) == NULL) {
        snprintf(err, errlen, "%s: cannot read: %s", label, strerror(errno));
        return NULL;
    }
    return open_stream(f, 1, label, h, err, errlen);
}

void rec_close_read(rec_reader *r)
{
    size_t i;

    if (r == NULL)
        return;
    if (r->own)
        fclose(r->f);
    for (i = 0; i < sizeof r->hstr / sizeof r->hstr[0]; i++)
        free(r->hstr[i]);
    for (i = 0; i < sizeof r->estr / sizeof r->estr[0]; i++)
        free(r->estr[i]);
    while ((i = r->msgs_head) < r->msgs_len) {
        free(r->msgs[i]);
        r->msgs_head++;
    }
    free(r->msgs);
    free(r->names);
    free(r->rec);
    free(r->label);
    free(r);
}

static int rec_has_message(const rec_reader *r)
{
    return r->msgs_head < r->msgs_len;
}

/* Reads the whole recording once (rec.h). */
int rec_check(const char *path, char *err, size_t errlen)
{
    rec_header h;
    rec_reader *r = rec_open_read(path, &h, err, errlen);
    lanes_event *ev;
    ssize_t n;

    if (r == NULL)
        return -1;
    if ((ev = malloc(REC_BLOCK_MAX * sizeof *ev)) == NULL) {
        snprintf(err, errlen, "%s: cannot read: %s", path, strerror(ENOMEM));
        rec_close_read(r);
        return -1;
    }
    /* a message stops a read early: take them as they come */
    while ((n = rec_read_events(r, ev, REC_BLOCK_MAX)) > 0 || rec_has_message(r))
        for (char *m; (m = rec_take_message(r)) != NULL;)
            free(m);
    free(ev);
    if (n < 0)
        snprintf(err, errlen, "%s", rec_read_error(r));
    rec_close_read(r);
    return n < 0 ? -1 : 0;
}
