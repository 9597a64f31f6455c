/*
 * hist.c - history: the run's events in segments, each with a snapshot of
 * the screen model as it was before its first event (hist.h).
 *
 * An event is encoded as its kind, then varints: lane + 1 (0: no lane),
 * the zigzag differences of t_ns and t_rt from the event before, routine,
 * obj and zigzag arg; when that would take more than 31 bytes (a clock
 * jump), it is stored whole behind 0x80 | kind instead, 31 bytes.  Each
 * segment starts from the times of the event before it, so it decodes on
 * its own.
 *
 * Where a tick cuts the log: every event has a key, the latest tick time
 * at which it had not happened yet (hist.h's rule): its t_rt; a resume's
 * t_rt + 1 (at the resume's own time the run was still paused); a step's
 * end, t_rt + ticks * 1000 (while the step ran, the screen showed the
 * pause before it).  Tick k shows the events before the first one whose
 * key passes k * 1000.  Each segment keeps the largest key before it
 * (keys need not grow: a step's end is later than the events after it),
 * so a seek starts at the last segment whose keys before it all pass.
 *
 * Owns: the segments, their snapshots, the model folded as events come
 * (snapshots are taken from it).  Invariant: segs[0 .. nsegs) in order,
 * segs[i + 1].before >= segs[i].before; bytes is the sum of every
 * segment's data capacity and snapshot length.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ui/hist.h"

#define ENC_MAX 31

typedef struct seg {
    unsigned char *snap;           /* ui_model_pack of the model before it  */
    size_t   snap_len;
    unsigned char *data;           /* its events, encoded                   */
    size_t   len, cap;
    uint64_t n;                    /* events in it                          */
    uint64_t target;               /* events it takes before the next one   */
    uint64_t before;               /* the largest key of the events before  */
    uint64_t base_ns, base_rt;     /* times of the event before its first   */
} seg;

struct ui_hist {
    size_t   limit;
    seg     *segs;
    size_t   nsegs, cap;
    int      dropped;              /* the oldest part went                  */
    size_t   bytes, ev_bytes, snap_bytes;
    uint64_t events;
    uint64_t key_max;              /* the largest key so far                */
    uint64_t last_ns, last_rt;     /* the newest event's times              */
    ui_model head;                 /* every event folded: the next snapshot */
};

/* ---- encoding --------------------------------------------------------------- */

static unsigned char *put_var(unsigned char *p, uint64_t v)
{
    while (v >= 0x80) {
        *p++ = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    *p++ = (unsigned char)v;
    return p;
}

static uint64_t get_var(const unsigned char **pp)
{
    const unsigned char *p = *pp;
    uint64_t v = 0;
    int shift = 0;

    while (*p & 0x80) {
        v |= (uint64_t)(*p++ & 0x7f) << shift;
        shift += 7;
    }
    v |= (uint64_t)*p++ << shift;
    *pp = p;
    return v;
}

static uint64_t zig(int64_t v) { return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63); }
static int64_t unzig(uint64_t v) { return (int64_t)(v >> 1) ^ -(int64_t)(v & 1); }

/* Encodes e after an event at (ns, rt) into out (ENC_MAX bytes). */
static size_t encode(unsigned char *out, const lanes_event *e, uint64_t ns, uint64_t rt)
{
    unsigned char tmp[64], *p = tmp;

    if (e->kind < 0x7f) {
        *p++ = (unsigned char)e->kind;
        p = put_var(p, e->lane == LANES_NO_LANE ? 0 : (uint64_t)e->lane + 1);
        p = put_var(p, zig((int64_t)(e->t_ns - ns)));
        p = put_var(p, zig((int64_t)(e->t_rt - rt)));
        p = put_var(p, e->routine);
        p = put_var(p, e->obj);
        p = put_var(p, zig(e->arg));
        if (p - tmp <= ENC_MAX) {
            memcpy(out, tmp, (size_t)(p - tmp));
            return (size_t)(p - tmp);
        }
    }
    /* whole: 0x80 | kind, the times, routine, obj, arg, lane */
    out[0] = (unsigned char)(0x80 | (e->kind < 0x7f ? e->kind : 0x7f));
    memcpy(out + 1, &e->t_ns, 8);
    memcpy(out + 9, &e->t_rt, 8);
    memcpy(out + 17, &e->routine, 4);
    memcpy(out + 21, &e->obj, 4);
    memcpy(out + 25, &e->arg, 4);
    memcpy(out + 29, &e->lane, 2);
    return ENC_MAX;
}

static const unsigned char *decode(const unsigned char *p, lanes_event *e, uint64_t *ns,
                                   uint64_t *rt)
{
    memset(e, 0, sizeof *e);
    if (*p & 0x80) {
        e->kind = (uint16_t)(*p & 0x7f);
        memcpy(&e->t_ns, p + 1, 8);
        memcpy(&e->t_rt, p + 9, 8);
        memcpy(&e->routine, p + 17, 4);
        memcpy(&e->obj, p + 21, 4);
        memcpy(&e->arg, p + 25, 4);
        memcpy(&e->lane, p + 29, 2);
        p += ENC_MAX;
    } else {
        uint64_t lane;
        e->kind = *p++;
        lane = get_var(&p);
        e->lane = lane == 0 ? LANES_NO_LANE : (uint16_t)(lane - 1);
        e->t_ns = *ns + (uint64_t)unzig(get_var(&p));
        e->t_rt = *rt + (uint64_t)unzig(get_var(&p));
        e->routine = (uint32_t)get_var(&p);
        e->obj = (uint32_t)get_var(&p);
        e->arg = (int32_t)unzig(get_var(&p));
    }
    *ns = e->t_ns;
    *rt = e->t_rt;
    return p;
}

/* The latest tick time at which e had not happened yet (see the top). */
static uint64_t key_of(const lanes_event *e)
{
    if (e->kind == LANES_EV_STEP)
        return e->t_rt + (uint64_t)(e->obj > 0 ? e->obj : 1) * 1000;
    if (e->kind == LANES_EV_RESUME)
        return e->t_rt + 1;
    return e->t_rt;
}

/* ---- segments --------------------------------------------------------------- */

static void seg_free(seg *s)
{
    free(s->snap);
    free(s->data);
}

static void drop_oldest(ui_hist *h)
{
    seg *s = &h->segs[0];

    h->bytes -= s->cap + s->snap_len;
    h->ev_bytes -= s->len;
    h->snap_bytes -= s->snap_len;
    h->events -= s->n;
    seg_free(s);
    memmove(h->segs, h->segs + 1, (h->nsegs - 1) * sizeof *h->segs);
    h->nsegs--;
    h->dropped = 1;
}

/* A new segment from the head model as it is now. */
static void seg_open(ui_hist *h)
{
    seg *s;

    if (h->nsegs == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 64;
        h->segs = fold_xrealloc(h->segs, h->cap * sizeof *h->segs);
    }
    s = &h->segs[h->nsegs++];
    memset(s, 0, sizeof *s);
    s->snap = ui_model_pack(&h->head, &s->snap_len);
    s->target = s->snap_len / HIST_SNAP_PER_EVENT;
    if (s->target < HIST_SEG_MIN)
        s->target = HIST_SEG_MIN;
    if (s->target > HIST_SEG_MAX)
        s->target = HIST_SEG_MAX;
    s->before = h->key_max;
    s->base_ns = h->last_ns;
    s->base_rt = h->last_rt;
    h->bytes += s->snap_len;
    h->snap_bytes += s->snap_len;
    while (h->bytes > h->limit && h->nsegs > 1)
        drop_oldest(h);
}

static void clear(ui_hist *h)
{
    size_t i;

    for (i = 0; i < h->nsegs; i++)
        seg_free(&h->segs[i]);
    h->nsegs = 0;
    h->dropped = 0;
    h->bytes = h->ev_bytes = h->snap_bytes = 0;
    h->events = 0;
    h->key_max = h->last_ns = h->last_rt = 0;
}

ui_hist *ui_hist_new(size_t limit, ui_namer namer, void *ctx)
{
    ui_hist *h = calloc(1, sizeof *h);

    if (h == NULL)
        return NULL;
    h->limit = limit ? limit : HIST_LIMIT_DEFAULT;
    ui_model_init(&h->head, 1, 0, namer, ctx);
    seg_open(h);
    return h;
}

void ui_hist_free(ui_hist *h)
{
    if (h == NULL)
        return;
    clear(h);
    free(h->segs);
    ui_model_free(&h->head);
    free(h);
}

void ui_hist_reset(ui_hist *h, int cores, int quantum, uint64_t tick_ns)
{
    clear(h);
    ui_model_reset(&h->head, cores, quantum);
    ui_model_set_tick(&h->head, tick_ns);
    seg_open(h);
}

void ui_hist_add(ui_hist *h, const lanes_event *ev, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        const lanes_event *e = &ev[i];
        seg *s = &h->segs[h->nsegs - 1];
        uint64_t key = key_of(e);
        size_t k;

        if (s->n >= s->target) {
            seg_open(h);
            s = &h->segs[h->nsegs - 1];
        }
        if (s->len + ENC_MAX > s->cap) {
            size_t cap = s->cap ? s->cap * 2 : 4096;
            s->data = fold_xrealloc(s->data, cap);
            h->bytes += cap - s->cap;
            s->cap = cap;
        }
        k = encode(s->data + s->len, e, h->last_ns, h->last_rt);
        s->len += k;
        s->n++;
        h->ev_bytes += k;
        h->events++;
        h->last_ns = e->t_ns;
        h->last_rt = e->t_rt;
        if (key > h->key_max)
            h->key_max = key;
        ui_model_fold(&h->head, e, 1, e->t_ns / 1000000u);
    }
}

/* ---- reading ------------------------------------------------------------------ */

uint64_t ui_hist_first_tick(const ui_hist *h)
{
    if (!h->dropped)
        return 0;
    return (h->segs[0].before + 999) / 1000;
}

uint64_t ui_hist_last_tick(const ui_hist *h)
{
    return (h->key_max + 999) / 1000;
}

uint64_t ui_hist_events(const ui_hist *h)     { return h->events; }
size_t   ui_hist_event_bytes(const ui_hist *h) { return h->ev_bytes; }
size_t   ui_hist_snap_bytes(const ui_hist *h)  { return h->snap_bytes; }

/* The last segment whose events before it all show at time t. */
static size_t seg_for(const ui_hist *h, uint64_t t)
{
    size_t lo = 0, hi = h->nsegs;      /* segs[lo].before <= t, checked */

    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (h->segs[mid].before <= t)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

int ui_hist_seek(ui_hist *h, uint64_t tick, ui_model *out)
{
    uint64_t t = tick * 1000, to = t;
    size_t i = seg_for(h, t);

    if (tick < ui_hist_first_tick(h))
        return -1;
    ui_model_unpack(out, h->segs[i].snap, h->segs[i].snap_len);
    for (; i < h->nsegs; i++) {
        const seg *s = &h->segs[i];
        const unsigned char *p = s->data;
        uint64_t ns = s->base_ns, rt = s->base_rt, k;
        lanes_event e;

        for (k = 0; k < s->n; k++) {
            p = decode(p, &e, &ns, &rt);
            if (key_of(&e) > t) {
                /* a step not over at t: the screen showed the pause
                 * before it, at the step's start */
                if (e.kind == LANES_EV_STEP && e.t_rt < t)
                    to = e.t_rt;
                goto cut;
            }
            ui_model_fold(out, &e, 1, e.t_ns / 1000000u);
        }
    }
cut:
    ui_model_advance(out, to, out->wall);
    return 0;
}

static int decision(const lanes_event *e, uint32_t id)
{
    if (e->routine != id)
        return 0;
    switch (e->kind) {
    case LANES_EV_SPAWN: case LANES_EV_RUN: case LANES_EV_STOP: case LANES_EV_WAKE:
    case LANES_EV_STEAL: case LANES_EV_MOVE:
        return 1;
    default:
        return 0;
    }
}

/* Scans segment i: the tick at which each decision of id shows (the
 * largest key up to it, rounded up); for dir < 0 the latest one before
 * `tick`, for dir > 0 the first one after it.  -1: none here. */
static int64_t scan(const ui_hist *h, size_t i, uint32_t id, uint64_t tick, int dir)
{
    const seg *s = &h->segs[i];
    const unsigned char *p = s->data;
    uint64_t ns = s->base_ns, rt = s->base_rt, key = s->before, k, shows;
    int64_t found = -1;
    lanes_event e;

    for (k = 0; k < s->n; k++) {
        p = decode(p, &e, &ns, &rt);
        if (key_of(&e) > key)
            key = key_of(&e);
        if (!decision(&e, id))
            continue;
        shows = (key + 999) / 1000;
        if (dir < 0 && shows < tick)
            found = (int64_t)shows;
        if (dir > 0 && shows > tick)
            return (int64_t)shows;
    }
    return found;
}

int64_t ui_hist_decision(const ui_hist *h, uint32_t id, uint64_t tick, int dir)
{
    size_t i = seg_for(h, tick * 1000);
    int64_t t;

    if (id == 0)
        return -1;
    if (dir > 0) {
        for (; i < h->nsegs; i++)
            if ((t = scan(h, i, id, tick, dir)) >= 0)
                return t;
        return -1;
    }
    for (i = i + 1; i-- > 0;)
        if ((t = scan(h, i, id, tick, dir)) >= 0)
            return t;
    return -1;
}
