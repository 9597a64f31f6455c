/*
 * trace_json.c - the Chrome Trace Event export: folds trace events into a
 * JSON document that Perfetto and chrome://tracing open.
 *
 * Owns the writer (struct out_trace): its output buffer, and per lane,
 * routine and channel what is its own: the slices open on the JSON tracks,
 * names as first seen, the counters' last values, the SEND/RECV halves
 * waiting to become arrows.  Where each routine is (its lane, its run
 * queue, what it waits on), how long each queue is and how full each
 * channel is are the run state's (fold/state.h), fed each event first.
 *
 * Layout of the document:
 *   pid 1 "cores":    tid lane+1 "core N": an X slice per routine run, with
 *                     args routine, id, cpu, item, stop (+ chan/ticks/queue);
 *                     instants preempt, steal, migrate, park, unpark, close,
 *                     done, and the scenario's notes (cat "note", named by
 *                     their text); tid 1000 "control": global instants (pause,
 *                     resume, step, cores, tick, quantum, deadlock);
 *                     counters "runq core N", "runq global", "cores",
 *                     "chan NAME" (buffered channels' occupancy),
 *                     "cpu wait core N" (percent of the lane's time its
 *                     thread waited for a CPU, from CPU events, at the
 *                     start of each interval; 0 when a slice ends),
 *                     "other load" (LOAD: other processes' CPUs in use).
 *                     Run slices carry cpu_ns and wait_ns: the CPU events'
 *                     sums while the slice was open (0: not sampled).
 *   pid 2 "routines": tid 10000 + routine id: X slices running / runnable /
 *                     blocked.
 *   After out_trace_restart the next run gets pids 3 and 4 (then 5, 6...)
 *   and every tid moves up by 20 million.
 *   arrows:           flow events "s" / "f" (cat "flow", name "item", "bp":"e")
 *                     placed strictly inside the sender's and the receiver's
 *                     run slices, so each binds to its enclosing slice.  A
 *                     slice may send or receive several items, which is why
 *                     the flows are separate events rather than one bind_id
 *                     on the slice.
 *
 * Invariants: slices on one lane never overlap (a slice starts no earlier
 * than the previous one on that lane ended); every "s" written has its "f"
 * (both are written together, once the receiving slice is known); the
 * document is valid JSON once out_trace_close returned 0.  Writes go
 * straight to a file descriptor so every error keeps its errno.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fold/state.h"
#include "report/out.h"
#include "report/summary.h"

#define PID_CORES      (w->pid_base + 1)   /* every user has a writer `w` */
#define PID_ROUTINES   (w->pid_base + 2)
/* Thread ids are unique across both processes (some viewers key threads by
 * tid alone), and across runs after a restart. */
#define TID_LANE(l)    (w->tid_base + (l) + 1)          /* "core N": N + 1  */
#define TID_CONTROL    (w->tid_base + 1000)
#define TID_ROUTINE(i) (w->tid_base + 10000 + (long)(i))
#define GLOBAL_Q       LANES_MAX_CORES     /* queue index of the global queue */
#define NO_Q           (-1)
#define BUF_SIZE       (64 * 1024)
#define LINE_MAX_LEN   4096                /* longest single event written  */
#define ID_LIMIT       FOLD_ID_LIMIT       /* the run state's limit (fold/state.h) */

enum { ST_NONE, ST_RUNNABLE, ST_RUNNING, ST_BLOCKED, ST_DONE };

/* A flow whose receiving end waits for the receiver's next slice. */
typedef struct pending_flow {
    uint64_t id;
    long     out_tid;       /* where the "s" goes                          */
    uint64_t out_ts;
} pending_flow;

typedef struct lane_state {
    int      seen;          /* metadata written                           */
    uint32_t routine;       /* open slice's routine, 0: none              */
    uint64_t start;         /* open slice's start (ns)                    */
    uint32_t cpu;           /* OS CPU the open slice runs on (RUN's obj)  */
    uint64_t last_end;      /* end of the previous slice on this lane     */
    uint64_t cpu_ns;        /* open slice: CPU events' ns on a CPU         */
    uint64_t wait_ns;       /*   and ns waiting for one                    */
    uint64_t cpu_t;         /* t_ns of the lane's latest CPU event        */
    int      wait_shown;    /* "cpu wait core N" last written, percent    */
} lane_state;

typedef struct routine_state {
    uint8_t  seen;          /* metadata written                           */
    uint8_t  named;         /* name[] filled                              */
    uint8_t  state;         /* ST_*: the slice open on its track          */
    uint8_t  has_item;      /* item is meaningful                         */
    uint8_t  has_last;      /* last_* describe its previous slice         */
    int16_t  last_lane;
    int32_t  item;          /* last item received or sent                 */
    uint64_t since;         /* start of the current state (ns)            */
    uint64_t last_start, last_end;
    char     why[LANES_NAME_MAX + 16];   /* what it is blocked on         */
    char     name[LANES_NAME_MAX];
    pending_flow *flows;    /* arrows ending in its next slice            */
    size_t   nflows, capflows;
} routine_state;

/* A SEND or RECV still waiting for its partner. */
typedef struct half {
    int32_t  item;
    uint32_t routine;
    uint64_t ts;
} half;

typedef struct half_queue {
    half   *v;
    size_t  head, len, cap;  /* live entries are v[head .. len)           */
} half_queue;

typedef struct chan_state {
    uint8_t  named;         /* name[] filled                              */
    int64_t  shown;         /* occupancy last written as a counter         */
    half_queue sends, recvs;
    char     name[LANES_NAME_MAX];
} chan_state;

struct out_trace {
    int      fd;
    int      own_fd;        /* close fd at the end                        */
    char     label[256];    /* for messages: the path, or "-" for stdout  */
    char     err[512];      /* first error, "" when none                  */
    char    *buf;
    size_t   len;
    uint64_t written;       /* JSON events written                        */
    uint64_t last_ns;       /* latest time seen in this run               */
    uint64_t time_off;      /* added to every time written (restarts)     */
    int      pid_base;      /* 0, then 2, 4... for each restart           */
    long     tid_base;      /* 0, then 20 million more for each restart   */
    int      run;           /* 1, 2... runs in this file                  */
    uint64_t flow_seq;
    uint64_t arrows;        /* flows written (each an "s" and its "f")    */
    int      nlanes;        /* highest lane seen + 1                       */
    lane_state lanes[LANES_MAX_CORES];
    uint32_t runq_shown[LANES_MAX_CORES + 1];   /* "runq" counters last written */
    routine_state *routines;
    size_t   routines_len;
    chan_state *chans;
    size_t   chans_len;
    char    *notes;         /* ,"key":"value" pairs for otherData        */
    size_t   notes_len;
    const out_names *names; /* valid during one out_trace_feed            */
    const char *(*note_text)(void *ctx, int i);   /* NULL: notes left out */
    void    *note_ctx;
    fold_state st;          /* the run state, fed each event first        */
    int      stolen;        /* the event being folded made st count a steal */
    uint32_t ev_routine;    /* the event being folded's routine, and      */
    fold_routine before;    /*   its record in st before it (place...)    */
};

/* ---- output ------------------------------------------------------------- */

static void set_error(out_trace *w, int errnum)
{
    if (w->err[0] != '\0')
        return;
    if (strcmp(w->label, "-") == 0)
        snprintf(w->err, sizeof w->err, "cannot write trace to standard output: %s",
                 strerror(errnum));
    else
        snprintf(w->err, sizeof w->err, "cannot write trace %s: %s", w->label,
                 strerror(errnum));
}

static void flush_buf(out_trace *w)
{
    size_t off = 0;

    while (off < w->len && w->err[0] == '\0') {
        ssize_t k = write(w->fd, w->buf + off, w->len - off);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            set_error(w, errno);
        } else if (k == 0) {
            set_error(w, EIO);
        } else {
            off += (size_t)k;
        }
    }
    w->len = 0;
}

__attribute__((format(printf, 2, 3)))
static void put(out_trace *w, const char *fmt, ...)
{
    va_list ap;
    int k;

    if (w->err[0] != '\0')
        return;
    if (BUF_SIZE - w->len < LINE_MAX_LEN)
        flush_buf(w);
    va_start(ap, fmt);
    k = vsnprintf(w->buf + w->len, BUF_SIZE - w->len, fmt, ap);
    va_end(ap);
    if (k < 0)
        return;
    if ((size_t)k < BUF_SIZE - w->len) {
        w->len += (size_t)k;
        return;
    }
    /* longer than what is left (only the notes can be): write it whole */
    flush_buf(w);
    if ((size_t)k < BUF_SIZE) {
        va_start(ap, fmt);
        vsnprintf(w->buf, BUF_SIZE, fmt, ap);
        va_end(ap);
        w->len = (size_t)k;
    } else {
        char *big = out_xrealloc(NULL, (size_t)k + 1), *keep = w->buf;

        va_start(ap, fmt);
        vsnprintf(big, (size_t)k + 1, fmt, ap);
        va_end(ap);
        w->buf = big;
        w->len = (size_t)k;
        flush_buf(w);
        w->buf = keep;
        free(big);
    }
}

/* Starts one event object: the separator and the fields every event has. */
static void ev_begin(out_trace *w, const char *ph, int pid, long tid, uint64_t ts)
{
    if (ph[0] != 'M')
        ts += w->time_off;
    put(w, "%s{\"ph\":\"%s\",\"pid\":%d,\"tid\":%ld,\"ts\":%llu.%03llu",
        w->written != 0 ? ",\n" : "\n", ph, pid, tid,
        (unsigned long long)(ts / 1000), (unsigned long long)(ts % 1000));
    w->written++;
}

static void put_str(out_trace *w, const char *s)
{
    char q[LANES_NAME_MAX * 6 + 64];

    out_json_quote(q, sizeof q, s);
    put(w, "%s", q);
}

static void put_dur(out_trace *w, uint64_t a, uint64_t b)
{
    uint64_t d = b > a ? b - a : 0;

    put(w, ",\"dur\":%llu.%03llu", (unsigned long long)(d / 1000),
        (unsigned long long)(d % 1000));
}

static void meta(out_trace *w, int pid, long tid, const char *what, const char *name,
                 long sort)
{
    ev_begin(w, "M", pid, tid, 0);
    put(w, ",\"name\":\"%s\",\"args\":{\"name\":", what);
    put_str(w, name);
    put(w, "}}");
    ev_begin(w, "M", pid, tid, 0);
    put(w, ",\"name\":\"%s_sort_index\",\"args\":{\"sort_index\":%ld}}",
        strcmp(what, "process_name") == 0 ? "process" : "thread", sort);
}

/* ---- names and per-object state ----------------------------------------- */

static routine_state *rs(out_trace *w, uint32_t id)
{
    routine_state *r;

    if (id == 0 || id >= ID_LIMIT)
        return NULL;
    w->routines = out_grow(w->routines, &w->routines_len, sizeof *w->routines, id);
    r = &w->routines[id];
    if (!r->named) {
        out_routine_name(w->names, id, r->name, sizeof r->name);
        r->named = 1;
        r->last_lane = -1;
    }
    if (!r->seen) {
        r->seen = 1;
        meta(w, PID_ROUTINES, TID_ROUTINE(id), "thread_name", r->name, (long)id);
    }
    return r;
}

static chan_state *cs(out_trace *w, uint32_t id)
{
    chan_state *c;

    if (id == 0 || id >= ID_LIMIT)
        return NULL;
    w->chans = out_grow(w->chans, &w->chans_len, sizeof *w->chans, id);
    c = &w->chans[id];
    if (!c->named) {
        out_chan_name(w->names, id, c->name, sizeof c->name);
        c->named = 1;
    }
    return c;
}

static lane_state *ls(out_trace *w, int lane)
{
    char name[32];

    if (lane < 0 || lane >= LANES_MAX_CORES)
        return NULL;
    if (!w->lanes[lane].seen) {
        w->lanes[lane].seen = 1;
        snprintf(name, sizeof name, "core %d", lane);
        meta(w, PID_CORES, TID_LANE(lane), "thread_name", name, lane);
    }
    if (lane >= w->nlanes)
        w->nlanes = lane + 1;
    return &w->lanes[lane];
}

static const char *stop_name(int reason)
{
    static const char *const names[] = {
        "?", "preempt", "yield", "send", "recv", "select", "sleep", "exit", "cores"
    };
    return reason > 0 && reason <= LANES_STOP_CORES ? names[reason] : "?";
}

static void queue_name(int q, char *buf, size_t n)
{
    if (q == GLOBAL_Q)
        snprintf(buf, n, "global");
    else if (q >= 0)
        snprintf(buf, n, "core %d", q);
    else
        snprintf(buf, n, "-");
}

/* ---- run queues ---------------------------------------------------------- */

/* One counter per queue ("runq core N", "runq global"), written when the
 * run state's length of it changed: every viewer reads a one-series
 * counter the same way.  After each event. */
static void runq_counters(out_trace *w, uint64_t ts)
{
    int q;

    for (q = 0; q <= w->nlanes; q++) {
        int i = q < w->nlanes ? q : GLOBAL_Q;
        uint32_t n = w->st.queued[i];

        if (n == w->runq_shown[i])
            continue;
        w->runq_shown[i] = n;
        if (i != GLOBAL_Q)
            ls(w, i);
        ev_begin(w, "C", PID_CORES, TID_CONTROL, ts);
        if (i == GLOBAL_Q)
            put(w, ",\"name\":\"runq global\",\"args\":{\"routines\":%u}}", n);
        else
            put(w, ",\"name\":\"runq core %d\",\"args\":{\"routines\":%u}}", i, n);
    }
}

/* Which queue a LANES_Q_* on `lane` means. */
static int queue_of(int qkind, int lane)
{
    if (qkind == LANES_Q_GLOBAL || lane < 0 || lane >= LANES_MAX_CORES)
        return GLOBAL_Q;
    return lane;
}

/* Where routine id is: the run state's record, as it was before the
 * event being folded when that event is the routine's. */
static const fold_routine *place_of(const out_trace *w, uint32_t id)
{
    if (id == w->ev_routine && id != 0)
        return &w->before;
    return fold_state_routine(&w->st, id);
}

/* ---- routine tracks ------------------------------------------------------ */

static void set_state(out_trace *w, uint32_t id, routine_state *r, int st, uint64_t ts)
{
    const fold_routine *at = place_of(w, id);
    char q[32];

    if (ts < r->since)
        ts = r->since;
    if (r->state == ST_RUNNABLE || r->state == ST_RUNNING || r->state == ST_BLOCKED) {
        ev_begin(w, "X", PID_ROUTINES, TID_ROUTINE(id), r->since);
        put_dur(w, r->since, ts);
        if (r->state == ST_RUNNING) {
            put(w, ",\"name\":\"running\",\"cat\":\"state\",\"args\":{\"core\":%d}}",
                at != NULL && at->place == FOLD_AT_LANE ? at->place_lane : -1);
        } else if (r->state == ST_RUNNABLE) {
            queue_name(at != NULL ? fold_queue_of(at->place, at->place_lane) : NO_Q, q,
                       sizeof q);
            put(w, ",\"name\":\"runnable\",\"cat\":\"state\",\"args\":{\"queue\":\"%s\"}}", q);
        } else {
            put(w, ",\"name\":\"blocked\",\"cat\":\"state\",\"args\":{\"on\":");
            put_str(w, r->why);
            put(w, "}}");
        }
    }
    r->state = (uint8_t)st;
    r->since = ts;
}

/* ---- flows --------------------------------------------------------------- */

/* A point strictly inside [a, b] near t, or a when the slice is too short. */
static uint64_t inside(uint64_t a, uint64_t b, uint64_t t)
{
    if (b < a + 2)
        return a;
    if (t <= a)
        return a + 1;
    if (t >= b)
        return b - 1;
    return t;
}

static void flow_event(out_trace *w, const char *ph, long tid, uint64_t ts, uint64_t id)
{
    ev_begin(w, ph, PID_CORES, tid, ts);
    put(w, ",\"name\":\"item\",\"cat\":\"flow\",\"id\":%llu%s}",
        (unsigned long long)id, ph[0] == 'f' ? ",\"bp\":\"e\"" : "");
    if (ph[0] == 'f')
        w->arrows++;
}

/* Where routine `id` is at time t for an arrow's end: its open slice, or
 * (when `or_last`) its last one.  0 when neither. */
static int bind_point(out_trace *w, routine_state *r, uint32_t id, uint64_t t,
                      int or_last, long *tid, uint64_t *ts)
{
    const fold_routine *at = place_of(w, id);

    if (r->state == ST_RUNNING && at != NULL && at->place == FOLD_AT_LANE &&
        w->lanes[at->place_lane].routine == id) {
        *tid = TID_LANE(at->place_lane);
        *ts = t > w->lanes[at->place_lane].start ? t : w->lanes[at->place_lane].start + 1;
        return 1;
    }
    if (or_last && r->has_last) {
        *tid = TID_LANE(r->last_lane);
        *ts = inside(r->last_start, r->last_end, t);
        return 1;
    }
    return 0;
}

/* A SEND and its RECV met: draw the arrow from the sender's slice to the
 * receiver's (now, or at the receiver's next slice). */
static void flow(out_trace *w, const half *snd, const half *rcv)
{
    routine_state *s = rs(w, snd->routine), *r = rs(w, rcv->routine);
    long out_tid, in_tid;
    uint64_t out_ts, in_ts, id;

    if (s == NULL || r == NULL)
        return;
    if (!bind_point(w, s, snd->routine, snd->ts, 1, &out_tid, &out_ts))
        return;
    id = ++w->flow_seq;
    if (bind_point(w, r, rcv->routine, rcv->ts, 0, &in_tid, &in_ts) ||
        (r->has_last && rcv->ts <= r->last_end &&
         bind_point(w, r, rcv->routine, rcv->ts, 1, &in_tid, &in_ts))) {
        flow_event(w, "s", out_tid, out_ts, id);
        flow_event(w, "f", in_tid, in_ts, id);
        return;
    }
    if (r->nflows == r->capflows) {
        r->capflows = r->capflows != 0 ? r->capflows * 2 : 4;
        r->flows = out_xrealloc(r->flows, r->capflows * sizeof *r->flows);
    }
    r->flows[r->nflows++] = (pending_flow){ id, out_tid, out_ts };
}

static void hq_push(half_queue *q, half h)
{
    if (q->head > 0 && q->head == q->len) {
        q->head = q->len = 0;
    } else if (q->len == q->cap && q->head > q->cap / 2) {
        memmove(q->v, q->v + q->head, (q->len - q->head) * sizeof *q->v);
        q->len -= q->head;
        q->head = 0;
    }
    if (q->len == q->cap) {
        q->cap = q->cap != 0 ? q->cap * 2 : 8;
        q->v = out_xrealloc(q->v, q->cap * sizeof *q->v);
    }
    q->v[q->len++] = h;
}

/* Takes the oldest entry for `item` out of q; 0 when there is none. */
static int hq_take(half_queue *q, int32_t item, half *out)
{
    size_t i;

    for (i = q->head; i < q->len; i++) {
        if (q->v[i].item != item)
            continue;
        *out = q->v[i];
        if (i == q->head) {
            q->head++;
        } else {
            memmove(q->v + i, q->v + i + 1, (q->len - i - 1) * sizeof *q->v);
            q->len--;
        }
        return 1;
    }
    return 0;
}

/* ---- events -------------------------------------------------------------- */

static void instant_cat(out_trace *w, const char *name, int lane, uint64_t ts,
                        const char *cat)
{
    if (lane >= 0)
        ev_begin(w, "i", PID_CORES, TID_LANE(lane), ts);
    else
        ev_begin(w, "i", PID_CORES, TID_CONTROL, ts);
    put(w, ",\"s\":\"%s\",\"name\":\"%s\",\"cat\":\"%s\"", lane >= 0 ? "t" : "g", name,
        cat);
}

static void instant(out_trace *w, const char *name, int lane, uint64_t ts)
{
    instant_cat(w, name, lane, ts, "sched");
}

static void chan_counter(out_trace *w, chan_state *c, uint32_t id, uint64_t ts)
{
    const fold_chan *f = fold_state_chan(&w->st, id);
    int64_t occ;
    char label[LANES_NAME_MAX + 8];

    if (f == NULL || f->cap <= 0)
        return;
    occ = f->balance < 0 ? 0 : f->balance;
    if (occ > f->cap)
        occ = f->cap;
    if (occ == c->shown)
        return;
    c->shown = occ;
    snprintf(label, sizeof label, "chan %s", c->name);
    ev_begin(w, "C", PID_CORES, TID_CONTROL, ts);
    put(w, ",\"name\":");
    put_str(w, label);
    put(w, ",\"args\":{\"items\":%lld}}", (long long)occ);
}

/* The share of lane's time its thread waited for a CPU, written when it
 * changes. */
static void wait_counter(out_trace *w, int lane, int pct, uint64_t ts)
{
    lane_state *l = &w->lanes[lane];

    if (pct == l->wait_shown)
        return;
    l->wait_shown = pct;
    ev_begin(w, "C", PID_CORES, TID_CONTROL, ts);
    put(w, ",\"name\":\"cpu wait core %d\",\"args\":{\"waiting_pct\":%d}}", lane, pct);
}

/* A CPU event: summed into the open slice, and the wait share of its
 * interval (from the later of the lane's previous CPU event and the
 * slice's start) as the lane's counter. */
static void on_cpu(out_trace *w, const lanes_event *e, int lane)
{
    lane_state *l = ls(w, lane);
    uint64_t waited = e->arg > 0 ? (uint64_t)e->arg : 0, sum, from;

    if (l == NULL)
        return;
    sum = e->obj + waited;
    from = l->cpu_t > l->start ? l->cpu_t : l->start;
    l->cpu_t = e->t_ns;
    if (l->routine != 0 && l->routine == e->routine) {
        l->cpu_ns += e->obj;
        l->wait_ns += waited;
    }
    if (sum > 0)
        wait_counter(w, lane, (int)(waited * 100 / sum), from);
}

/* Ends the slice open on `lane` at t. */
static void end_slice(out_trace *w, int lane, uint64_t t, int reason, uint32_t obj)
{
    lane_state *l = &w->lanes[lane];
    uint32_t id = l->routine;
    routine_state *r = rs(w, id);
    uint64_t end = t > l->start ? t : l->start;
    char extra[LANES_NAME_MAX + 32];
    size_t i;

    l->routine = 0;
    l->last_end = end;
    wait_counter(w, lane, 0, end);
    if (r == NULL) {
        l->cpu_ns = l->wait_ns = 0;
        return;
    }
    ev_begin(w, "X", PID_CORES, TID_LANE(lane), l->start);
    put_dur(w, l->start, end);
    put(w, ",\"name\":");
    put_str(w, r->name);
    put(w, ",\"cat\":\"run\",\"args\":{\"routine\":");
    put_str(w, r->name);
    put(w, ",\"id\":%u,\"cpu\":%u,\"cpu_ns\":%llu,\"wait_ns\":%llu", (unsigned)id,
        (unsigned)l->cpu, (unsigned long long)l->cpu_ns, (unsigned long long)l->wait_ns);
    if (r->has_item)
        put(w, ",\"item\":\"" SCN_ITEM_TAG "%ld\"", (long)r->item);
    put(w, ",\"stop\":\"%s\"", reason < 0 ? "end of trace"
        : reason == LANES_STOP_YIELD && place_of(w, id)->loop_mark ? "loop yield"
        : stop_name(reason));
    switch (reason) {
    case LANES_STOP_SEND:
    case LANES_STOP_RECV:
    case LANES_STOP_SELECT: {
        chan_state *c = cs(w, obj);
        put(w, ",\"chan\":");
        put_str(w, c != NULL ? c->name : "?");
        break;
    }
    case LANES_STOP_SLEEP:
        put(w, ",\"ticks\":%u", (unsigned)obj);
        break;
    case LANES_STOP_PREEMPT:
    case LANES_STOP_YIELD:
    case LANES_STOP_CORES:
        queue_name(queue_of((int)obj, lane), extra, sizeof extra);
        put(w, ",\"queue\":\"%s\"", extra);
        break;
    default:
        break;
    }
    put(w, "}}");
    l->cpu_ns = l->wait_ns = 0;
    r->has_last = 1;
    r->last_lane = (int16_t)lane;
    r->last_start = l->start;
    r->last_end = end;
    /* arrows that waited for this slice end in it */
    for (i = 0; i < r->nflows; i++) {
        flow_event(w, "s", r->flows[i].out_tid, r->flows[i].out_ts, r->flows[i].id);
        flow_event(w, "f", TID_LANE(lane), inside(l->start, end, l->start + (end - l->start) / 2),
                   r->flows[i].id);
    }
    r->nflows = 0;
}

static void on_run(out_trace *w, const lanes_event *e, int lane)
{
    lane_state *l = ls(w, lane);
    routine_state *r = rs(w, e->routine);

    if (l == NULL || r == NULL)
        return;
    if (l->routine != 0)
        end_slice(w, lane, e->t_ns, -1, 0);
    l->routine = e->routine;
    l->cpu = e->obj;
    l->start = e->t_ns > l->last_end ? e->t_ns : l->last_end;
    if (w->stolen) {
        /* a steal no STEAL event announced (the run state's rule) */
        instant(w, "steal", lane, l->start);
        put(w, ",\"args\":{\"routine\":");
        put_str(w, r->name);
        put(w, ",\"from\":\"another core\"}}");
    }
    if (r->has_last && r->last_lane != lane) {
        instant(w, "migrate", lane, l->start);
        put(w, ",\"args\":{\"routine\":");
        put_str(w, r->name);
        put(w, ",\"from\":\"core %d\"}}", r->last_lane);
    }
    set_state(w, e->routine, r, ST_RUNNING, e->t_ns);   /* names the queue it left */
}

static void on_stop(out_trace *w, const lanes_event *e, int lane)
{
    lane_state *l = ls(w, lane);
    routine_state *r = rs(w, e->routine);
    chan_state *c;

    if (l != NULL && l->routine == e->routine && e->routine != 0)
        end_slice(w, lane, e->t_ns, e->arg, e->obj);
    if (r == NULL)
        return;
    switch (e->arg) {
    case LANES_STOP_PREEMPT:
        instant(w, "preempt", lane, e->t_ns);
        put(w, ",\"args\":{\"routine\":");
        put_str(w, r->name);
        put(w, "}}");
        /* fall through */
    case LANES_STOP_YIELD:
    case LANES_STOP_CORES:
        set_state(w, e->routine, r, ST_RUNNABLE, e->t_ns);
        break;
    case LANES_STOP_EXIT:
        set_state(w, e->routine, r, ST_DONE, e->t_ns);
        break;
    default:
        if (e->arg == LANES_STOP_SLEEP) {
            snprintf(r->why, sizeof r->why, "sleep %u", (unsigned)e->obj);
        } else {
            c = cs(w, e->obj);
            snprintf(r->why, sizeof r->why, "%s %s", stop_name(e->arg),
                     c != NULL ? c->name : "?");
        }
        set_state(w, e->routine, r, ST_BLOCKED, e->t_ns);
        break;
    }
}

/* The interpreter's marks (scn.h): a note is an instant named by its text
 * on the routine's core; a loop's own yield marks the routine's next stop. */
static void on_note(out_trace *w, const lanes_event *e, int lane)
{
    routine_state *r = rs(w, e->routine);
    const char *text;
    char q[6 * 320 + 8];            /* a note's text (300 bytes), quoted */

    if (e->obj != SCN_MARK_NOTE && e->obj != SCN_MARK_NOTE_PAUSE)
        return;
    text = w->note_text != NULL ? w->note_text(w->note_ctx, e->arg) : NULL;
    if (text == NULL || r == NULL || lane < 0)
        return;
    ev_begin(w, "i", PID_CORES, TID_LANE(lane), e->t_ns);
    out_json_quote(q, sizeof q, text);
    put(w, ",\"s\":\"t\",\"name\":%s", q);
    put(w, ",\"cat\":\"note\",\"args\":{\"routine\":");
    put_str(w, r->name);
    put(w, ",\"pause\":%s}}", e->obj == SCN_MARK_NOTE_PAUSE ? "true" : "false");
}

static void on_wake(out_trace *w, const lanes_event *e)
{
    routine_state *r = rs(w, e->routine);

    if (r != NULL)
        set_state(w, e->routine, r, ST_RUNNABLE, e->t_ns);
}

static void on_message(out_trace *w, const lanes_event *e, int is_send)
{
    chan_state *c = cs(w, e->obj);
    routine_state *r = rs(w, e->routine);
    half h = { e->arg, e->routine, e->t_ns }, other;

    if (r != NULL) {
        r->item = e->arg;
        r->has_item = 1;
    }
    if (c == NULL)
        return;
    chan_counter(w, c, e->obj, e->t_ns);
    if (is_send) {
        if (hq_take(&c->recvs, e->arg, &other))
            flow(w, &h, &other);
        else
            hq_push(&c->sends, h);
    } else {
        if (hq_take(&c->sends, e->arg, &other))
            flow(w, &other, &h);
        else
            hq_push(&c->recvs, h);
    }
}

static void on_park(out_trace *w, const lanes_event *e, int lane)
{
    /* what its queues held went to the global queue: the run state's */
    instant(w, e->kind == LANES_EV_PARK ? "park" : "unpark", lane, e->t_ns);
    put(w, "}");
}

/* A STEAL event: an instant on the thief's core (the queue it moved to
 * is the run state's). */
static void on_steal(out_trace *w, const lanes_event *e, int lane)
{
    routine_state *r = rs(w, e->routine);

    if (r == NULL)
        return;
    instant(w, "steal", lane, e->t_ns);
    put(w, ",\"args\":{\"routine\":");
    put_str(w, r->name);
    put(w, ",\"from\":\"core %u\"}}", (unsigned)e->obj);
    if (e->obj < LANES_MAX_CORES)
        ls(w, (int)e->obj);
}

/* The runtime's control events: instants on the control track, and the
 * "cores" and "other load" counters. */
static void on_control(out_trace *w, const lanes_event *e)
{
    switch (e->kind) {
    case LANES_EV_CORES:
        instant(w, "cores", -1, e->t_ns);
        put(w, ",\"args\":{\"from\":%d,\"to\":%u}}", e->arg, (unsigned)e->obj);
        ev_begin(w, "C", PID_CORES, TID_CONTROL, e->t_ns);
        put(w, ",\"name\":\"cores\",\"args\":{\"cores\":%u}}", (unsigned)e->obj);
        /* every lane switched on has its track, even one the OS never let
         * run a routine (a starved lane is worth seeing) */
        for (int i = 0; i < (int)e->obj && i < LANES_MAX_CORES; i++)
            ls(w, i);
        break;
    case LANES_EV_PAUSE:
        instant(w, "pause", -1, e->t_ns);
        put(w, "}");
        break;
    case LANES_EV_RESUME:
        instant(w, "resume", -1, e->t_ns);
        put(w, "}");
        break;
    case LANES_EV_STEP:
        instant(w, "step", -1, e->t_ns);
        put(w, ",\"args\":{\"ticks\":%u,\"step\":%d}}", (unsigned)e->obj, e->arg);
        break;
    case LANES_EV_DEADLOCK:
        instant(w, "deadlock", -1, e->t_ns);
        put(w, ",\"args\":{\"blocked\":%d}}", e->arg);
        break;
    case LANES_EV_TICK:
        instant(w, "tick", -1, e->t_ns);
        put(w, ",\"args\":{\"from_us\":%d,\"to_us\":%u}}", e->arg, (unsigned)e->obj);
        break;
    case LANES_EV_QUANTUM:
        instant(w, "quantum", -1, e->t_ns);
        put(w, ",\"args\":{\"from\":%d,\"to\":%u}}", e->arg, (unsigned)e->obj);
        break;
    case LANES_EV_LOAD:
        if (e->obj != LANES_LOAD_UNKNOWN) {
            ev_begin(w, "C", PID_CORES, TID_CONTROL, e->t_ns);
            put(w, ",\"name\":\"other load\",\"args\":{\"cpus\":%.3f}}",
                (double)e->obj / 1000.0);
        }
        break;
    default:
        break;
    }
}

static void fold_one(out_trace *w, const lanes_event *e)
{
    int lane = e->lane < LANES_MAX_CORES ? (int)e->lane : -1;
    routine_state *r;
    chan_state *c;

    if (e->t_ns > w->last_ns)
        w->last_ns = e->t_ns;
    if (lane >= 0)
        ls(w, lane);
    switch (e->kind) {
    case LANES_EV_SPAWN:
        if ((r = rs(w, e->routine)) != NULL)
            set_state(w, e->routine, r, ST_RUNNABLE, e->t_ns);
        break;
    case LANES_EV_RUN:
        if (lane >= 0)
            on_run(w, e, lane);
        break;
    case LANES_EV_STOP:
        if (lane >= 0)
            on_stop(w, e, lane);
        break;
    case LANES_EV_WAKE:
        on_wake(w, e);
        break;
    case LANES_EV_SEND:
    case LANES_EV_RECV:
        on_message(w, e, e->kind == LANES_EV_SEND);
        break;
    case LANES_EV_CLOSE:
        if ((c = cs(w, e->obj)) != NULL) {
            instant(w, "close", lane, e->t_ns);
            put(w, ",\"args\":{\"chan\":");
            put_str(w, c->name);
            put(w, "}}");
        }
        break;
    case LANES_EV_MOVE:             /* the run state's: a counter below */
        rs(w, e->routine);
        break;
    case LANES_EV_STEAL:
        on_steal(w, e, lane);
        break;
    case LANES_EV_PARK:
    case LANES_EV_UNPARK:
        if (lane >= 0)
            on_park(w, e, lane);
        break;
    case LANES_EV_CORES:
    case LANES_EV_PAUSE:
    case LANES_EV_RESUME:
    case LANES_EV_STEP:
    case LANES_EV_DEADLOCK:
    case LANES_EV_TICK:
    case LANES_EV_QUANTUM:
        on_control(w, e);
        break;
    case LANES_EV_CHAN:             /* named now; its capacity: the run state's */
        cs(w, e->obj);
        break;
    case LANES_EV_CPU:
        if (lane >= 0)
            on_cpu(w, e, lane);
        break;
    case LANES_EV_LOAD:
        on_control(w, e);
        break;
    case LANES_EV_DONE:
        if ((r = rs(w, e->routine)) != NULL && lane >= 0) {
            instant_cat(w, "done", lane, e->t_ns, "item");
            put(w, ",\"args\":{\"routine\":");
            put_str(w, r->name);
            put(w, ",\"item\":\"" SCN_ITEM_TAG "%ld\"}}", (long)e->arg);
        }
        break;
    case LANES_EV_NOTE:
        on_note(w, e, lane);
        break;
    default:
        break;
    }
}

/* ---- public -------------------------------------------------------------- */

/* The two processes of a run: "cores" and "routines" ("... (run N)" after
 * a restart). */
static void run_begin(out_trace *w)
{
    char name[64];

    w->run++;
    w->tid_base = (long)((w->run - 1) % 100) * 20000000L;
    snprintf(name, sizeof name, w->run > 1 ? "cores (run %d)" : "cores", w->run);
    meta(w, PID_CORES, TID_CONTROL, "process_name", name, PID_CORES);
    snprintf(name, sizeof name, w->run > 1 ? "routines (run %d)" : "routines", w->run);
    meta(w, PID_ROUTINES, TID_CONTROL, "process_name", name, PID_ROUTINES);
    meta(w, PID_CORES, TID_CONTROL, "thread_name", "control", TID_CONTROL);
}

/* Ends what is still open (slices, routine states) at the last time seen. */
static void end_open(out_trace *w)
{
    size_t i;
    int l;

    for (l = 0; l < LANES_MAX_CORES; l++)
        if (w->lanes[l].routine != 0)
            end_slice(w, l, w->last_ns, -1, 0);
    for (i = 1; i < w->routines_len; i++)
        if (w->routines[i].named && w->routines[i].state != ST_NONE &&
            w->routines[i].state != ST_DONE)
            set_state(w, (uint32_t)i, &w->routines[i], ST_DONE, w->last_ns);
}

static void free_tables(out_trace *w)
{
    size_t i;

    for (i = 0; i < w->routines_len; i++)
        free(w->routines[i].flows);
    for (i = 0; i < w->chans_len; i++) {
        free(w->chans[i].sends.v);
        free(w->chans[i].recvs.v);
    }
    free(w->routines);
    free(w->chans);
    w->routines = NULL;
    w->chans = NULL;
    w->routines_len = w->chans_len = 0;
}

static out_trace *writer_new(int fd, int own, const char *label)
{
    out_trace *w = out_xrealloc(NULL, sizeof *w);

    memset(w, 0, sizeof *w);
    fold_state_init(&w->st);
    w->fd = fd;
    w->own_fd = own;
    snprintf(w->label, sizeof w->label, "%s", label);
    w->buf = out_xrealloc(NULL, BUF_SIZE);
    put(w, "{\"traceEvents\":[");
    run_begin(w);
    return w;
}

out_trace *out_trace_open(const char *path, char *err, size_t errlen)
{
    int fd;

    signal(SIGPIPE, SIG_IGN);
    if (strcmp(path, "-") == 0)
        return writer_new(STDOUT_FILENO, 0, "-");
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) {
        if (err != NULL && errlen > 0)
            snprintf(err, errlen, "cannot write trace %s: %s", path, strerror(errno));
        return NULL;
    }
    return writer_new(fd, 1, path);
}

out_trace *out_trace_open_fd(int fd, const char *label)
{
    return writer_new(fd, 0, label);
}

int out_trace_feed(out_trace *w, const lanes_event *ev, size_t n, const out_names *names)
{
    size_t i;

    if (w->err[0] != '\0')
        return -1;
    w->names = names;
    for (i = 0; i < n && w->err[0] == '\0'; i++) {
        uint64_t steals = w->st.steals;
        const fold_routine *b = fold_state_routine(&w->st, ev[i].routine);

        if (b != NULL) {
            w->before = *b;
        } else {
            memset(&w->before, 0, sizeof w->before);
            w->before.place_lane = -1;
        }
        w->ev_routine = ev[i].routine;
        fold_state_feed(&w->st, &ev[i], 1);
        w->stolen = w->st.steals != steals && ev[i].kind == LANES_EV_RUN;
        fold_one(w, &ev[i]);
        runq_counters(w, ev[i].t_ns);
        w->ev_routine = 0;
    }
    w->names = NULL;
    return w->err[0] != '\0' ? -1 : 0;
}

int out_trace_note(out_trace *w, const char *key, const char *value)
{
    char k[512], v[1024];
    size_t add;

    out_json_quote(k, sizeof k, key);
    out_json_quote(v, sizeof v, value);
    add = strlen(k) + strlen(v) + 2;
    w->notes = out_xrealloc(w->notes, w->notes_len + add + 1);
    snprintf(w->notes + w->notes_len, add + 1, ",%s:%s", k, v);
    w->notes_len += add;
    return 0;
}

void out_trace_notes(out_trace *w, const char *(*text)(void *ctx, int i), void *ctx)
{
    w->note_text = text;
    w->note_ctx = ctx;
}

const char *out_trace_error(const out_trace *w)
{
    return w->err;
}

int out_trace_restart(out_trace *w)
{
    if (w->err[0] != '\0')
        return -1;
    end_open(w);
    free_tables(w);
    fold_state_free(&w->st);
    fold_state_init(&w->st);
    memset(w->lanes, 0, sizeof w->lanes);
    memset(w->runq_shown, 0, sizeof w->runq_shown);
    w->nlanes = 0;
    w->time_off += w->last_ns + 1000000;     /* a 1 ms gap between runs */
    w->last_ns = 0;
    w->pid_base += 2;
    run_begin(w);
    return w->err[0] != '\0' ? -1 : 0;
}

static void writer_free(out_trace *w)
{
    free_tables(w);
    fold_state_free(&w->st);
    free(w->notes);
    free(w->buf);
    free(w);
}

int out_trace_close(out_trace *w, uint64_t dropped, char *err, size_t errlen)
{
    int rc = 0;

    end_open(w);
    put(w, "\n],\"displayTimeUnit\":\"ms\",\"otherData\":{\"generator\":\"lanes\","
           "\"clock\":\"wall time since the runtime started\","
           "\"arrows\":%llu,\"dropped_events\":%llu%s%s}}\n",
        (unsigned long long)w->arrows, (unsigned long long)dropped,
        dropped != 0 ? ",\"incomplete\":true" : "", w->notes != NULL ? w->notes : "");
    flush_buf(w);
    if (w->own_fd && close(w->fd) != 0)
        set_error(w, errno);
    if (w->err[0] == '\0' && dropped != 0) {
        snprintf(w->err, sizeof w->err,
                 "the trace %s is incomplete: %llu events were dropped before "
                 "they could be written",
                 strcmp(w->label, "-") == 0 ? "on standard output" : w->label,
                 (unsigned long long)dropped);
    }
    if (w->err[0] != '\0') {
        rc = -1;
        if (err != NULL && errlen > 0)
            snprintf(err, errlen, "%s", w->err);
    }
    writer_free(w);
    return rc;
}
