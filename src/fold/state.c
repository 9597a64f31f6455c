/*
 * state.c - the run state fold (state.h).
 *
 * Owns: struct fold_state and its tables (routines and channels indexed by
 * id, items in an open-addressing table).  Touches no runtime and does no
 * I/O but the out-of-memory message.  Invariant: at most one routine is
 * open on a lane at a time; an event stream that breaks this (a RUN on a
 * busy lane, a STOP of a routine that is not on that lane) is repaired the
 * same way every time and counted in `anomalies`, so the counts never
 * depend on luck.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "options.h"
#include "scn/scn.h"
#include "fold/state.h"

/* Set once, before any fold starts (fold_on_out_of_memory). */
static void (*oom_hook)(void);

void fold_on_out_of_memory(void (*fn)(void))
{
    oom_hook = fn;
}

void *fold_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n != 0 ? n : 1);

    if (q == NULL) {
        /* a system error (exit 1), not a crash */
        if (oom_hook != NULL)
            oom_hook();
        fputs("lanes: out of memory\n", stderr);
        _exit(EXIT_SYSTEM);
    }
    return q;
}

void *fold_grow(void *tab, size_t *len, size_t elem, uint32_t id)
{
    size_t n = *len != 0 ? *len : 16;

    if (id < *len)
        return tab;
    while (n <= id)
        n *= 2;
    tab = fold_xrealloc(tab, n * elem);
    memset((char *)tab + *len * elem, 0, (n - *len) * elem);
    *len = n;
    return tab;
}


void fold_state_init(fold_state *s)
{
    memset(s, 0, sizeof *s);
    s->lat_min_mt = UINT64_MAX;
    fold_cpu_init(&s->cpu, 0);
}

void fold_state_set_tick(fold_state *s, uint64_t tick_ns)
{
    s->cpu.tick_ns = tick_ns;
}

void fold_state_free(fold_state *s)
{
    free(s->routines);
    free(s->chans);
    free(s->items_tab);
    memset(s, 0, sizeof *s);
}

static fold_routine *routine(fold_state *s, uint32_t id)
{
    fold_routine *r;

    if (id == 0 || id >= FOLD_ID_LIMIT)
        return NULL;
    s->routines = fold_grow(s->routines, &s->routines_len, sizeof *s->routines, id);
    r = &s->routines[id];
    r->id = id;
    return r;
}

static fold_chan *chan(fold_state *s, uint32_t id)
{
    fold_chan *c;

    if (id == 0 || id >= FOLD_ID_LIMIT)
        return NULL;
    s->chans = fold_grow(s->chans, &s->chans_len, sizeof *s->chans, id);
    c = &s->chans[id];
    if (c->id == 0) {
        c->id = id;
        c->cap = -1;
    }
    return c;
}

static size_t item_hash(int32_t item, size_t cap)
{
    uint32_t x = (uint32_t)item * 2654435761u;
    return (size_t)(x ^ (x >> 16)) & (cap - 1);
}

static fold_item_slot *item_slot(fold_state *s, int32_t item)
{
    size_t i;

    if (s->items_used * 2 >= s->items_cap) {
        fold_item_slot *old = s->items_tab;
        size_t oldcap = s->items_cap, k;

        s->items_cap = oldcap != 0 ? oldcap * 2 : 256;
        s->items_tab = fold_xrealloc(NULL, s->items_cap * sizeof *s->items_tab);
        memset(s->items_tab, 0, s->items_cap * sizeof *s->items_tab);
        for (k = 0; k < oldcap; k++) {
            if (!old[k].used)
                continue;
            i = item_hash(old[k].item, s->items_cap);
            while (s->items_tab[i].used)
                i = (i + 1) & (s->items_cap - 1);
            s->items_tab[i] = old[k];
        }
        free(old);
    }
    i = item_hash(item, s->items_cap);
    while (s->items_tab[i].used && s->items_tab[i].item != item)
        i = (i + 1) & (s->items_cap - 1);
    if (!s->items_tab[i].used) {
        s->items_tab[i].used = 1;
        s->items_tab[i].item = item;
        s->items_used++;
    }
    return &s->items_tab[i];
}

/* Removes a slot, shifting back the entries of its probe run so that every
 * remaining item is still found from its home slot (no tombstones). */
static void item_delete(fold_state *s, fold_item_slot *slot)
{
    size_t mask = s->items_cap - 1, i = (size_t)(slot - s->items_tab), j = i;

    for (;;) {
        size_t home;

        j = (j + 1) & mask;
        if (!s->items_tab[j].used)
            break;
        home = item_hash(s->items_tab[j].item, s->items_cap);
        /* j may move to i unless its home lies cyclically in (i, j] */
        if (i <= j ? (home <= i || home > j) : (home <= i && home > j)) {
            s->items_tab[i] = s->items_tab[j];
            i = j;
        }
    }
    memset(&s->items_tab[i], 0, sizeof s->items_tab[i]);
    s->items_used--;
}

/* Ends the slice open on `lane` at time t. */
static void close_slice(fold_state *s, int lane, uint64_t t)
{
    fold_routine *r = routine(s, s->lane_routine[lane]);
    uint64_t d = t > s->lane_since_mt[lane] ? t - s->lane_since_mt[lane] : 0;

    s->lane_busy_mt[lane] += d;
    if (r != NULL)
        r->lane_mt += d;
    s->lane_routine[lane] = 0;
}

/* ---- where each routine is (fold_routine.place) ---------------------------- */

/* The queue a place is in: lane index, FOLD_GLOBAL_Q, or -1 (none). */
int fold_queue_of(int at, int lane)
{
    if (at == FOLD_AT_GLOBAL)
        return FOLD_GLOBAL_Q;
    if ((at == FOLD_AT_LOCAL || at == FOLD_AT_RUNNEXT) && lane >= 0 && lane < LANES_MAX_CORES)
        return lane;
    return -1;
}

static void place(fold_state *s, fold_routine *r, int at, int lane, uint32_t chan)
{
    int from = fold_queue_of(r->place, r->place_lane), to = fold_queue_of(at, lane);

    if (from != to) {
        if (from >= 0 && s->queued[from] > 0)
            s->queued[from]--;
        if (to >= 0)
            s->queued[to]++;
    }
    r->place = at;
    r->place_lane = lane;
    r->place_chan = chan;
}

/* On a run queue as SPAWN, WAKE, MOVE, STOP and STEAL say: lane and
 * LANES_Q_*; no lane, or the global queue, is the global queue. */
static void enqueue(fold_state *s, fold_routine *r, int lane, int q)
{
    if (q == LANES_Q_GLOBAL || lane < 0)
        place(s, r, FOLD_AT_GLOBAL, -1, 0);
    else
        place(s, r, q == LANES_Q_RUNNEXT ? FOLD_AT_RUNNEXT : FOLD_AT_LOCAL, lane, 0);
}

static void place_stop(fold_state *s, fold_routine *r, const lanes_event *e, int lane)
{
    switch (e->arg) {
    case LANES_STOP_PREEMPT:
    case LANES_STOP_YIELD:
    case LANES_STOP_CORES:
        enqueue(s, r, lane, (int)e->obj);   /* obj: the queue it went to */
        break;
    case LANES_STOP_SEND:
        place(s, r, FOLD_AT_SEND, -1, e->obj);
        break;
    case LANES_STOP_RECV:
        place(s, r, FOLD_AT_RECV, -1, e->obj);
        break;
    case LANES_STOP_SELECT:
        place(s, r, FOLD_AT_SELECT, -1, e->obj);
        break;
    case LANES_STOP_SLEEP:
        place(s, r, FOLD_AT_SLEEP, -1, 0);
        break;
    default:
        place(s, r, FOLD_AT_DONE, -1, 0);
        break;
    }
}

/* A lane parks: what its queues held went to the global queue. */
static void place_park(fold_state *s, int lane)
{
    size_t id;

    for (id = 1; id < s->routines_len; id++) {
        fold_routine *o = &s->routines[id];
        if (o->id != 0 && (o->place == FOLD_AT_LOCAL || o->place == FOLD_AT_RUNNEXT) &&
            o->place_lane == lane)
            place(s, o, FOLD_AT_GLOBAL, -1, 0);
    }
}

static void occupancy(fold_chan *c, int64_t delta)
{
    int64_t occ;

    c->balance += delta;
    occ = c->balance < 0 ? 0 : c->balance;
    if (c->cap >= 0 && occ > c->cap)
        occ = c->cap;
    if ((uint64_t)occ > c->peak)
        c->peak = (uint64_t)occ;
}

static void fold_stop(fold_state *s, const lanes_event *e, fold_routine *r)
{
    int loop_mark;

    if (r == NULL)
        return;
    loop_mark = r->loop_mark;       /* a mark speaks of this stop only */
    r->loop_mark = 0;
    switch (e->arg) {
    case LANES_STOP_PREEMPT:
        r->preemptions++;
        s->preemptions++;
        break;
    case LANES_STOP_YIELD:
        if (loop_mark)
            r->loop_yields++;
        else
            r->yields++;
        break;
    case LANES_STOP_SEND:
    case LANES_STOP_RECV:
    case LANES_STOP_SELECT:
        r->waits++;
        s->waits++;
        break;
    case LANES_STOP_SLEEP:
        r->sleeps++;
        break;
    case LANES_STOP_EXIT:
        if (!r->exited)
            s->exits++;
        r->exited = 1;
        break;
    default:
        break;
    }
}

static void fold_one(fold_state *s, const lanes_event *e)
{
    int lane = e->lane < LANES_MAX_CORES ? (int)e->lane : -1;
    fold_routine *r = routine(s, e->routine);
    fold_chan *c;
    fold_item_slot *it;

    if (s->events == 0)
        s->first_ns = e->t_ns;
    s->events++;
    if (e->t_ns > s->last_ns)
        s->last_ns = e->t_ns;
    if (e->t_rt > s->last_mt)
        s->last_mt = e->t_rt;
    if (e->kind < LANES_EV_KINDS)
        s->by_kind[e->kind]++;
    if (lane >= s->nlanes)
        s->nlanes = lane + 1;
    fold_cpu_feed(&s->cpu, e);

    switch (e->kind) {
    case LANES_EV_CPU:
        if (r != NULL) {
            r->cpu_ns += e->obj;
            r->cpu_mt += fold_cpu_mt(&s->cpu, e->obj);
        }
        break;
    case LANES_EV_SPAWN:
        s->spawns++;
        if (r != NULL)
            enqueue(s, r, lane, e->arg);
        break;
    case LANES_EV_WAKE:
        if (r != NULL)
            enqueue(s, r, lane, e->arg);
        break;
    case LANES_EV_MOVE:             /* between queues without running */
        if (r != NULL && lane >= 0)
            enqueue(s, r, lane, e->arg);
        break;
    case LANES_EV_RUN:
        if (lane < 0 || r == NULL)
            break;
        if (s->lane_routine[lane] != 0) {
            fold_routine *o = routine(s, s->lane_routine[lane]);
            /* a STOP went missing: the old one is off the lane */
            if (o != NULL && o->place == FOLD_AT_LANE && o->place_lane == lane)
                place(s, o, FOLD_AT_GLOBAL, -1, 0);
            s->anomalies++;
            close_slice(s, lane, e->t_rt);
        }
        place(s, r, FOLD_AT_LANE, lane, 0);
        s->lane_routine[lane] = e->routine;
        s->lane_since_mt[lane] = e->t_rt;
        if (e->arg == LANES_Q_STEAL && r->steal_to != lane + 1) {
            /* stolen, but no STEAL event brought it here: count it */
            s->steals++;
            r->steals++;
        }
        r->steal_to = 0;
        r->switches++;
        r->lanes |= (uint64_t)1 << lane;
        s->switches++;
        break;
    case LANES_EV_STOP:
        if (lane >= 0 && s->lane_routine[lane] == e->routine && e->routine != 0)
            close_slice(s, lane, e->t_rt);
        else if (!(lane >= 0 && s->lane_routine[lane] == 0 && r != NULL && r->switches == 0))
            s->anomalies++;     /* but the end of a slice begun before the trace did
                                   (an attach): its RUN is the unknown past */
        fold_stop(s, e, r);
        if (r != NULL && lane >= 0)
            place_stop(s, r, e, lane);
        break;
    case LANES_EV_SEND:
        s->sends++;
        if (r != NULL)
            r->sent++;
        if ((c = chan(s, e->obj)) != NULL) {
            c->sends++;
            occupancy(c, 1);
        }
        it = item_slot(s, e->arg);
        if (!it->sent) {
            it->sent = 1;
            it->first_send_mt = e->t_rt;
        }
        break;
    case LANES_EV_RECV:
        s->recvs++;
        if (r != NULL)
            r->received++;
        if ((c = chan(s, e->obj)) != NULL) {
            c->recvs++;
            occupancy(c, -1);
        }
        it = item_slot(s, e->arg);
        it->recvd = 1;
        if (e->t_rt > it->last_recv_mt)
            it->last_recv_mt = e->t_rt;
        break;
    case LANES_EV_NOTE:
        if (e->obj == SCN_MARK_LOOP_YIELD && r != NULL)
            r->loop_mark = 1;
        break;
    case LANES_EV_DONE:
        s->items++;
        it = item_slot(s, e->arg);
        if (it->sent && it->recvd) {
            uint64_t lat = it->last_recv_mt > it->first_send_mt
                         ? it->last_recv_mt - it->first_send_mt : 0;
            s->items_timed++;
            s->lat_sum_mt += lat;
            if (lat < s->lat_min_mt)
                s->lat_min_mt = lat;
            if (lat > s->lat_max_mt)
                s->lat_max_mt = lat;
        }
        /* the journey is over: forget it (the same number sent again
         * starts afresh), so the table holds only items on their way */
        item_delete(s, it);
        break;
    case LANES_EV_CLOSE:
        s->closes++;
        if ((c = chan(s, e->obj)) != NULL)
            c->closed = 1;
        break;
    case LANES_EV_CHAN:
        if ((c = chan(s, e->obj)) != NULL)
            c->cap = e->arg;
        break;
    case LANES_EV_HELD:             /* buffered before an attach: no message of ours */
        if ((c = chan(s, e->obj)) != NULL)
            occupancy(c, 1);
        break;
    case LANES_EV_STEAL:
        s->steals++;
        if (r != NULL) {
            r->steals++;
            r->steal_to = lane + 1;
            if (lane >= 0)
                place(s, r, FOLD_AT_LOCAL, lane, 0);
        }
        break;
    case LANES_EV_PARK:
        s->parks++;
        if (lane >= 0)
            place_park(s, lane);
        break;
    case LANES_EV_CORES:
        if ((int)e->obj > s->max_cores && e->obj <= LANES_MAX_CORES)
            s->max_cores = (int)e->obj;
        if (e->arg > s->max_cores && e->arg <= LANES_MAX_CORES)
            s->max_cores = e->arg;
        break;
    case LANES_EV_PAUSE:
        s->pauses++;
        break;
    case LANES_EV_STEP:
        s->steps++;
        break;
    case LANES_EV_DEADLOCK:
        s->deadlocks++;
        break;
    default:
        break;
    }
}

void fold_state_feed(fold_state *s, const lanes_event *ev, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        fold_one(s, &ev[i]);
}

void fold_state_finish(fold_state *s, uint64_t end_mt, uint64_t wall_ns,
                        uint64_t dropped)
{
    int l;

    if (s->finished)
        return;
    s->finished = 1;
    s->end_mt = end_mt > s->last_mt ? end_mt : s->last_mt;
    for (l = 0; l < LANES_MAX_CORES; l++)
        if (s->lane_routine[l] != 0)
            close_slice(s, l, s->end_mt);
    s->wall_ns = wall_ns != 0 ? wall_ns : s->last_ns - s->first_ns;
    s->dropped = dropped;
    if (s->items_timed == 0)
        s->lat_min_mt = 0;
}

int fold_state_lanes(const fold_state *s, int cores)
{
    int n = s->nlanes;

    if (s->max_cores > n)
        n = s->max_cores;
    if (cores > n)
        n = cores;
    return n > LANES_MAX_CORES ? LANES_MAX_CORES : n;
}

double fold_state_parallelism(const fold_state *s)
{
    return fold_cpu_parallelism(&s->cpu);
}

double fold_state_occupancy(const fold_state *s)
{
    uint64_t busy = 0;
    int l;

    for (l = 0; l < LANES_MAX_CORES; l++)
        busy += s->lane_busy_mt[l];
    return s->end_mt != 0 ? (double)busy / (double)s->end_mt : 0.0;
}

const fold_routine *fold_state_routine(const fold_state *s, uint32_t id)
{
    if (id == 0 || id >= s->routines_len || s->routines[id].id == 0)
        return NULL;
    return &s->routines[id];
}

const fold_chan *fold_state_chan(const fold_state *s, uint32_t id)
{
    if (id == 0 || id >= s->chans_len || s->chans[id].id == 0)
        return NULL;
    return &s->chans[id];
}

double fold_state_latency(const fold_state *s)
{
    return s->items_timed != 0 ? (double)s->lat_sum_mt / 1000.0 / (double)s->items_timed : 0.0;
}
