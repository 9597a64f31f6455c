/*
 * model.c - folds trace events into what the screen shows: lanes with their
 * timelines, where each routine is, channel buffers and wait lists, counters,
 * and the scheduler's latest decisions in words.
 *
 * Owns: the ui_model and everything it points to.  Touches nothing else:
 * no curses, no runtime calls (names arrive through the namer callback).
 * Invariant: a lane's timeline is complete up to lane->filled; every event
 * first extends its lane to the event's time with the lane's old state, then
 * changes that state, so each cell is drawn from what really ran in it.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/model.h"
#include "scn/scn.h"

#define MAX_IDS   (1u << 16)        /* routines past this many are ignored  */

/* ---- routines and channels --------------------------------------------- */

static int letter_taken(const ui_model *m, char c)
{
    return m->letters[(unsigned char)c & 127] != 0;
}

/* One character per routine, unique while letters last: the first letter,
 * its other case, the instance digit, then any free one. */
static char pick_letter(const ui_model *m, const char *name)
{
    static const char spare[] =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    const char *hash = strchr(name, '#');
    char c = name[0], cands[4];
    int i, n = 0;

    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
        cands[n++] = c;
        cands[n++] = (char)(c ^ 0x20);
    }
    if (hash != NULL && hash[1] >= '0' && hash[1] <= '9')
        cands[n++] = hash[1];
    for (i = 0; i < n; i++)
        if (!letter_taken(m, cands[i]))
            return cands[i];
    for (i = 0; spare[i] != '\0'; i++)
        if (!letter_taken(m, spare[i]))
            return spare[i];
    return '?';
}

/* The short label of a routine: the first letters of its base name (the
 * part before '#') and its instance number, "cook#2" -> "c2".  Base names
 * get the fewest letters that no other base name has taken, so labels are
 * unique: a prefix ends in a letter and the instance is all digits, so
 * equal labels would need equal prefixes.  Computed once, when the routine
 * is first seen. */
static void make_abbr(ui_model *m, ui_routine *r)
{
    const char *hash = strrchr(r->name, '#');
    size_t blen = strlen(r->name), ilen = 0, plen, i;
    int b;

    if (hash != NULL && hash[1] != '\0' && strspn(hash + 1, "0123456789") == strlen(hash + 1)) {
        blen = (size_t)(hash - r->name);
        ilen = strlen(hash + 1);
    }
    if (ilen > 4)
        ilen = 4;
    for (b = 0; b < m->nbases; b++)
        if (strlen(m->bases[b].name) == blen && strncmp(m->bases[b].name, r->name, blen) == 0)
            break;
    if (b == m->nbases) {
        /* a new base name: the shortest prefix no other base uses */
        size_t most = sizeof r->abbr - 1 - 4;
        plen = 1;
        for (; plen < blen && plen < most; plen++) {
            for (i = 0; i < (size_t)m->nbases; i++)
                if (m->bases[i].plen == plen && strncmp(m->bases[i].name, r->name, plen) == 0)
                    break;
            if (i == (size_t)m->nbases)
                break;
        }
        if (blen == 0)
            plen = 0;
        if (m->nbases < UI_BASES) {
            snprintf(m->bases[b].name, sizeof m->bases[b].name, "%.*s", (int)blen, r->name);
            m->bases[b].plen = (uint8_t)plen;
            m->nbases++;
        }
    } else {
        plen = m->bases[b].plen;
    }
    if (plen > blen)
        plen = blen;
    snprintf(r->abbr, sizeof r->abbr, "%.*s%.*s", (int)plen, r->name,
             (int)ilen, hash != NULL && ilen > 0 ? hash + 1 : "");
    if (r->abbr[0] == '\0')
        snprintf(r->abbr, sizeof r->abbr, "%c", r->letter);
}

static int grow(void **arr, uint32_t *n, uint32_t need, size_t size)
{
    uint32_t nn = *n ? *n : 16;
    void *p;

    while (nn <= need)
        nn *= 2;
    p = realloc(*arr, nn * size);
    if (p == NULL)
        return -1;
    memset((char *)p + (size_t)*n * size, 0, (size_t)(nn - *n) * size);
    *arr = p;
    *n = nn;
    return 0;
}

static ui_routine *routine_get(ui_model *m, uint32_t id)
{
    ui_routine *r;

    if (id == 0 || id >= MAX_IDS)
        return NULL;
    if (id >= m->nroutines &&
        grow((void **)&m->routines, &m->nroutines, id, sizeof *m->routines) != 0)
        return NULL;
    r = &m->routines[id];
    if (r->id == 0) {
        r->id = id;
        r->name[0] = '\0';
        if (m->namer != NULL)
            m->namer(m->namer_ctx, 0, id, r->name, sizeof r->name);
        if (r->name[0] == '\0')
            snprintf(r->name, sizeof r->name, "r%u", (unsigned)id);
        r->letter = pick_letter(m, r->name);
        m->letters[(unsigned char)r->letter & 127] = 1;
        make_abbr(m, r);
        r->colour = (int)m->made++;
        r->lane = -1;
        r->at = UI_AT_NEW;
        if (id > m->maxid)
            m->maxid = id;
    }
    return r;
}

static ui_chan *chan_get(ui_model *m, uint32_t id)
{
    ui_chan *c;

    if (id == 0 || id >= MAX_IDS)
        return NULL;
    if (id >= m->nchans &&
        grow((void **)&m->chans, &m->nchans, id, sizeof *m->chans) != 0)
        return NULL;
    c = &m->chans[id];
    if (c->id == 0) {
        c->id = id;
        if (m->namer != NULL)
            m->namer(m->namer_ctx, 1, id, c->name, sizeof c->name);
        if (c->name[0] == '\0')
            snprintf(c->name, sizeof c->name, "ch%u", (unsigned)id);
        if (id > m->maxchan)
            m->maxchan = id;
    }
    return c;
}

ui_routine *ui_model_routine(ui_model *m, uint32_t id)
{
    if (id == 0 || id >= m->nroutines || m->routines[id].id == 0)
        return NULL;
    return &m->routines[id];
}

ui_chan *ui_model_chan(ui_model *m, uint32_t id)
{
    if (id == 0 || id >= m->nchans || m->chans[id].id == 0)
        return NULL;
    return &m->chans[id];
}

static const char *rname(ui_model *m, uint32_t id)
{
    ui_routine *r = routine_get(m, id);
    return r != NULL ? r->name : "?";
}

static const char *cname(ui_model *m, uint32_t id)
{
    ui_chan *c = chan_get(m, id);
    return c != NULL ? c->name : "?";
}

/* ---- words --------------------------------------------------------------- */

__attribute__((format(printf, 3, 4)))
static void logf_(ui_model *m, uint64_t t, const char *fmt, ...)
{
    char *s = m->log[m->log_head % UI_LOG_LEN];
    int k = snprintf(s, UI_LOG_TEXT, "t %llu: ", (unsigned long long)(t / 1000));
    va_list ap;

    if (k < 0 || k >= UI_LOG_TEXT)
        k = 0;
    va_start(ap, fmt);
    vsnprintf(s + k, (size_t)(UI_LOG_TEXT - k), fmt, ap);
    va_end(ap);
    m->log_head++;
    if (m->log_count < UI_LOG_LEN)
        m->log_count++;
}

const char *ui_model_log(const ui_model *m, unsigned i)
{
    if (i >= m->log_count)
        return NULL;
    return m->log[(m->log_head - 1 - i) % UI_LOG_LEN];
}

/* Appends a phrase to what lane `l` did in this step. */
__attribute__((format(printf, 3, 4)))
static void stepf(ui_model *m, int l, const char *fmt, ...)
{
    char *s, phrase[UI_STEP_TEXT];
    size_t len, plen;
    va_list ap;

    /* only a step's words are ever shown: running, skip the formatting
     * (it was a third of the cost of folding an event) */
    if (!m->stepping || l < 0 || l >= LANES_MAX_CORES)
        return;
    s = m->lanes[l].step;
    va_start(ap, fmt);
    vsnprintf(phrase, sizeof phrase, fmt, ap);
    va_end(ap);
    len = strlen(s);
    plen = strlen(phrase);
    if (len > 0 && len + 2 + plen < UI_STEP_TEXT) {
        memcpy(s + len, ", ", 2);
        memcpy(s + len + 2, phrase, plen + 1);
    } else if (len == 0) {
        snprintf(s, UI_STEP_TEXT, "%s", phrase);
    } else if (len + 4 < UI_STEP_TEXT && strcmp(s + len - 3, "...") != 0) {
        memcpy(s + len, "...", 4);
    }
}

static const char *queue_words(int lane, int q, char *buf, size_t n)
{
    if (q == LANES_Q_GLOBAL || lane < 0 || lane == LANES_NO_LANE)
        snprintf(buf, n, "the global queue");
    else if (q == LANES_Q_RUNNEXT)
        snprintf(buf, n, "core %d's run-next slot", lane);
    else
        snprintf(buf, n, "core %d's queue", lane);
    return buf;
}

void ui_model_place(const ui_model *m, const ui_routine *r, char *buf, size_t n)
{
    const ui_chan *c = r->chan < m->nchans ? &m->chans[r->chan] : NULL;
    const char *ch = c != NULL && c->id != 0 ? c->name : "?";

    switch (r->at) {
    case UI_AT_LANE:    snprintf(buf, n, "running on core %d", r->lane); break;
    case UI_AT_LOCAL:   snprintf(buf, n, "runnable, in core %d's queue", r->lane); break;
    case UI_AT_RUNNEXT: snprintf(buf, n, "runnable, in core %d's run-next slot", r->lane); break;
    case UI_AT_GLOBAL:  snprintf(buf, n, "runnable, in the global queue"); break;
    case UI_AT_SEND:    snprintf(buf, n, "waiting to send on %s", ch); break;
    case UI_AT_RECV:    snprintf(buf, n, "waiting to receive on %s", ch); break;
    case UI_AT_SELECT:  snprintf(buf, n, "waiting in a select (%s...)", ch); break;
    case UI_AT_SLEEP:   snprintf(buf, n, "sleeping, %d ticks left", ui_model_sleep_left(m, r)); break;
    case UI_AT_DONE:    snprintf(buf, n, "done"); break;
    default:            snprintf(buf, n, "not started"); break;
    }
}

/* ---- timelines ------------------------------------------------------------ */

/* Fills [from, to) of lane ln's timeline: `routine` (0: idle) held it
 * there, continuously since `since`.  A cell goes to the routine whose
 * run held it longest, measured from the run's start (since) and not per
 * piece, so the cell comes out the same however the time was cut into
 * pieces (by events, or by the frames that advance the model): history
 * folds without frames and must draw what the live screen drew. */
static void fill(ui_lane *ln, uint64_t from, uint64_t to, uint32_t routine, uint64_t since,
                 int flags)
{
    uint64_t k, first, last;

    if (to <= from)
        return;
    if (to - from > (uint64_t)UI_TL_LEN * 1000)
        from = to - (uint64_t)UI_TL_LEN * 1000;
    first = from / 1000;
    last = (to - 1) / 1000;
    for (k = first; k <= last; k++) {
        ui_cell *c = &ln->tl[k % UI_TL_LEN];
        uint64_t a = k * 1000 > from ? k * 1000 : from;
        uint64_t b = (k + 1) * 1000 < to ? (k + 1) * 1000 : to;
        uint16_t amount = (uint16_t)(b - a);
        uint16_t held = (uint16_t)(b - (since > k * 1000 ? since : k * 1000));

        if (c->tick != k) {
            memset(c, 0, sizeof *c);
            c->tick = k;
        }
        c->flags |= UI_CELL_SEEN;
        if (routine != 0) {
            if (c->routine == routine) {
                c->amount = (uint16_t)(c->amount + amount);
            } else if (held > c->amount || c->routine == 0) {
                c->routine = routine;
                c->amount = held;
                c->flags = (uint8_t)((c->flags & ~UI_CELL_ALT) | (flags & UI_CELL_ALT));
            }
            c->flags |= UI_CELL_RUN;
        } else if (flags & UI_CELL_PARKED) {
            c->flags |= UI_CELL_PARKED;
        } else if (flags & UI_CELL_NOCPU) {
            c->flags |= UI_CELL_NOCPU;
            c->nocpu = (uint16_t)(c->nocpu + amount);
        }
    }
}

/* Brings lane l's timeline up to time t with the lane's current state. */
static void extend(ui_model *m, int l, uint64_t t)
{
    ui_lane *ln = &m->lanes[l];

    if (t <= ln->filled)
        return;
    if (ln->cur != 0) {
        fill(ln, ln->filled, t, ln->cur, ln->run_since, (ln->slices & 1) ? UI_CELL_ALT : 0);
        ln->busy_mt += t - ln->filled;
    } else if (ln->used) {
        fill(ln, ln->filled, t, 0, ln->filled, ln->parked ? UI_CELL_PARKED
             : m->st.queued[FOLD_GLOBAL_Q] > 0 || m->st.queued[l] > 0 ? UI_CELL_NOCPU : 0);
    }
    ln->filled = t;
}

/* Before an event that can move a routine in or out of a run queue: every
 * lane's timeline up to it, so an idle lane's span is judged by the
 * queues as they were during it, not as the event leaves them. */
static void extend_all(ui_model *m, const lanes_event *e)
{
    int l;

    switch (e->kind) {
    case LANES_EV_SPAWN: case LANES_EV_RUN: case LANES_EV_STOP: case LANES_EV_WAKE:
    case LANES_EV_STEAL: case LANES_EV_PARK: case LANES_EV_MOVE:
        for (l = 0; l < m->nlanes && l < LANES_MAX_CORES; l++)
            if (m->lanes[l].used)
                extend(m, l, e->t_rt);
        break;
    default:
        break;
    }
}

static void mark(ui_model *m, int l, uint64_t tick, int flag)
{
    ui_cell *c = &m->lanes[l].tl[tick % UI_TL_LEN];
    if (c->tick != tick) {          /* a mark may come before the time fills */
        memset(c, 0, sizeof *c);
        c->tick = tick;
    }
    c->flags |= (uint8_t)flag;
}

int64_t ui_model_last_tick(const ui_model *m)
{
    if (m->now == 0)
        return -1;
    return (int64_t)((m->now + 999) / 1000) - 1;
}

const ui_cell *ui_model_cell(const ui_model *m, int lane, uint64_t tick)
{
    const ui_cell *c;

    if (lane < 0 || lane >= LANES_MAX_CORES)
        return NULL;
    c = &m->lanes[lane].tl[tick % UI_TL_LEN];
    if (c->tick != tick || !(c->flags & UI_CELL_SEEN))
        return NULL;
    return c;
}

int ui_model_busy(const ui_model *m, int lane, int ticks)
{
    int64_t last = ui_model_last_tick(m), k;
    int run = 0, seen = 0;

    for (k = last; k >= 0 && k > last - ticks; k--) {
        const ui_cell *c = ui_model_cell(m, lane, (uint64_t)k);
        if (c == NULL || (c->flags & UI_CELL_PARKED))
            continue;
        seen++;
        run += (c->flags & UI_CELL_RUN) != 0;
    }
    return seen ? run * 100 / seen : 0;
}

int ui_model_ran(const ui_model *m, int lane, int ticks)
{
    int64_t last = ui_model_last_tick(m) - 1, k;
    const ui_lane *ln = &m->lanes[lane];
    uint64_t ran = 0;
    int seen = 0;

    /* a slice being measured: up to its latest CPU event, the rest waits
     * for its word (a thread without a CPU cannot report) */
    if (ln->cur != 0 && ln->cpu_upto > ln->run_since && (int64_t)(ln->cpu_upto / 1000) - 1 < last)
        last = (int64_t)(ln->cpu_upto / 1000) - 1;

    for (k = last; k >= 0 && k > last - ticks; k--) {
        const ui_cell *c = ui_model_cell(m, lane, (uint64_t)k);
        if (c == NULL || (c->flags & UI_CELL_PARKED))
            continue;
        seen++;
        ran += c->ran;
    }
    return seen ? (int)(ran * 100 / ((uint64_t)seen * 1000)) : 0;
}

int ui_model_cell_waiting(const ui_model *m, int lane, const ui_cell *c)
{
    const ui_lane *ln;

    if (c == NULL || !(c->flags & UI_CELL_RUN) || lane < 0 || lane >= LANES_MAX_CORES)
        return 0;
    ln = &m->lanes[lane];
    if (ln->cur != 0 && ln->cpu_upto > ln->run_since && (c->tick + 1) * 1000 > ln->cpu_upto)
        return ln->cpu_starved;        /* not measured yet: the latest word */
    return fold_cpu_starved(c->wait, c->amount);
}

int ui_model_cell_nocpu(const ui_cell *c)
{
    return c != NULL && !(c->flags & (UI_CELL_RUN | UI_CELL_PARKED)) && c->nocpu * 2 > 1000;
}

void ui_model_set_tick(ui_model *m, uint64_t tick_ns)
{
    fold_state_set_tick(&m->st, tick_ns);
}

double ui_model_parallelism(const ui_model *m)
{
    return fold_cpu_parallelism(&m->st.cpu);
}

int ui_model_parallelism_known(const ui_model *m)
{
    return fold_cpu_parallelism_known(&m->st.cpu);
}

double ui_model_occupancy(const ui_model *m)
{
    uint64_t busy = 0;
    int l;

    if (m->now == 0)
        return 0;
    for (l = 0; l < LANES_MAX_CORES; l++)
        busy += m->lanes[l].busy_mt;
    return (double)busy / (double)m->now;
}

double ui_model_latency(const ui_model *m)
{
    return fold_state_latency(&m->st);
}

const fold_routine *ui_model_counts(const ui_model *m, uint32_t id)
{
    static const fold_routine none;
    const fold_routine *r = fold_state_routine(&m->st, id);

    return r != NULL ? r : &none;
}

static int waiting(int at);

uint64_t ui_model_lane_mt(const ui_model *m, const ui_routine *r)
{
    uint64_t t = r->lane_mt;
    const ui_lane *ln;

    if (r->at != UI_AT_LANE || r->lane < 0 || r->lane >= LANES_MAX_CORES)
        return t;
    ln = &m->lanes[r->lane];
    if (ln->cur == r->id && m->now > ln->run_since)
        t += m->now - ln->run_since;
    return t;
}

uint64_t ui_model_wait_mt(const ui_model *m, const ui_routine *r)
{
    uint64_t w = r->wait_mt;

    if (waiting(r->at) && m->now > r->since)
        w += m->now - r->since;
    return w;
}

/* Tab order: live routines by id, then finished ones by id. */
/* Tab's order: running, then runnable (queued or not placed yet), then
 * waiting on a channel or asleep, then finished; by id within each.  The
 * first Tab lands on what the lanes show, not on a sleeper. */
static uint64_t tab_key(const ui_routine *r)
{
    uint64_t rank;

    switch (r->at) {
    case UI_AT_LANE:
        rank = 0;
        break;
    case UI_AT_NEW: case UI_AT_LOCAL: case UI_AT_RUNNEXT: case UI_AT_GLOBAL:
        rank = 1;
        break;
    case UI_AT_DONE:
        rank = 3;
        break;
    default:                        /* send, recv, select, sleep */
        rank = 2;
        break;
    }
    return (rank << 32) | r->id;
}

uint32_t ui_model_next(const ui_model *m, uint32_t from, int dir)
{
    const ui_routine *f = from != 0 && from < m->nroutines && m->routines[from].id != 0
                        ? &m->routines[from] : NULL;
    uint64_t kf = f != NULL ? tab_key(f) : 0, best = 0, wrap = 0;
    uint32_t id, got = 0, wrapped = 0;

    for (id = 1; id <= m->maxid && id < m->nroutines; id++) {
        const ui_routine *r = &m->routines[id];
        uint64_t k;
        if (r->id == 0)
            continue;
        k = tab_key(r);
        if (dir > 0) {
            if ((f == NULL || k > kf) && (got == 0 || k < best))
                best = k, got = id;
            if (wrapped == 0 || k < wrap)
                wrap = k, wrapped = id;
        } else {
            if ((f == NULL || k < kf) && (got == 0 || k > best))
                best = k, got = id;
            if (wrapped == 0 || k > wrap)
                wrap = k, wrapped = id;
        }
    }
    return got != 0 ? got : wrapped;
}

int ui_model_sleep_left(const ui_model *m, const ui_routine *r)
{
    if (r->at != UI_AT_SLEEP || r->wake_at <= m->now)
        return 0;
    return (int)((r->wake_at - m->now + 999) / 1000);
}

size_t ui_model_list(const ui_model *m, int at, int lane, uint32_t chan,
                     uint32_t *ids, size_t max)
{
    size_t n = 0, i, j;
    uint32_t id;

    for (id = 1; id <= m->maxid && id < m->nroutines; id++) {
        const ui_routine *r = &m->routines[id];
        if (r->id == 0 || r->at != at)
            continue;
        if (lane >= 0 && r->lane != lane)
            continue;
        if (chan != 0 && r->chan != chan)
            continue;
        if (n < max) {
            /* insertion by queue order */
            for (i = n; i > 0 && m->routines[ids[i - 1]].queued_seq > r->queued_seq; i--)
                ;
            for (j = n; j > i; j--)
                ids[j] = ids[j - 1];
            ids[i] = id;
        }
        n++;
    }
    return n;
}

/* ---- folding ------------------------------------------------------------- */

static void moved(ui_model *m, ui_routine *r, int at, uint64_t t)
{
    r->at = at;
    r->since = t;
    r->queued_seq = ++m->seq;
    r->moved_wall = m->wall;
}

_Static_assert((int)UI_AT_NEW == (int)FOLD_AT_NEW && (int)UI_AT_LANE == (int)FOLD_AT_LANE &&
               (int)UI_AT_LOCAL == (int)FOLD_AT_LOCAL &&
               (int)UI_AT_RUNNEXT == (int)FOLD_AT_RUNNEXT &&
               (int)UI_AT_GLOBAL == (int)FOLD_AT_GLOBAL && (int)UI_AT_SEND == (int)FOLD_AT_SEND &&
               (int)UI_AT_RECV == (int)FOLD_AT_RECV && (int)UI_AT_SELECT == (int)FOLD_AT_SELECT &&
               (int)UI_AT_SLEEP == (int)FOLD_AT_SLEEP && (int)UI_AT_DONE == (int)FOLD_AT_DONE,
               "the screen's places are the run state's");

/* r moved where the run state (fed the event first) now says it is: its
 * place, lane and channel are the run state's; the model stamps the move
 * (since when, order within a queue, the highlight).  r's fields before
 * the call say where it was. */
static void placed(ui_model *m, ui_routine *r, uint64_t t)
{
    const fold_routine *f = fold_state_routine(&m->st, r->id);

    if (f == NULL)
        return;
    r->lane = f->place_lane;
    if (f->place_chan != 0)
        r->chan = f->place_chan;    /* kept after: the last one waited on */
    moved(m, r, f->place, t);
}

/* r went to a run queue (SPAWN, WAKE, MOVE, STOP): where, the run state
 * says; the run-next slot's last occupant is the model's. */
static void enqueue(ui_model *m, ui_routine *r, int lane, int q, uint64_t t)
{
    /* an older occupant leaves by its own MOVE event */
    if (q == LANES_Q_RUNNEXT && lane >= 0 && lane < LANES_MAX_CORES)
        m->runnext[lane] = r->id;
    placed(m, r, t);
}

static int waiting(int at)
{
    return at == UI_AT_SEND || at == UI_AT_RECV || at == UI_AT_SELECT;
}

static int lane_ok(const lanes_event *e)
{
    return e->lane < LANES_MAX_CORES;
}

static void touch_lane(ui_model *m, int l)
{
    if (!m->lanes[l].used) {
        m->lanes[l].used = 1;
        m->lanes[l].filled = m->now;
    }
    if (l + 1 > m->nlanes)
        m->nlanes = l + 1;
}

static void chan_push(ui_chan *c, int32_t item)
{
    int limit = c->cap < UI_BUF_SHOW ? c->cap : UI_BUF_SHOW;

    if (limit <= 0)
        return;
    if (c->nbuf >= limit) {
        memmove(c->buf, c->buf + 1, (size_t)(c->nbuf - 1) * sizeof c->buf[0]);
        c->nbuf--;
    }
    c->buf[c->nbuf++] = item;
}

static void chan_take(ui_chan *c, int32_t item)
{
    int i;

    for (i = 0; i < c->nbuf; i++) {
        if (c->buf[i] == item) {
            memmove(c->buf + i, c->buf + i + 1, (size_t)(c->nbuf - i - 1) * sizeof c->buf[0]);
            c->nbuf--;
            return;
        }
    }
}

static void fold_run(ui_model *m, const lanes_event *e)
{
    int l = e->lane;
    ui_lane *ln = &m->lanes[l];
    ui_routine *r = routine_get(m, e->routine);

    if (r == NULL)
        return;
    touch_lane(m, l);
    if (ln->cur != 0 && ln->cur != e->routine) {
        /* a STOP went missing (dropped): end the old slice here */
        ui_routine *o = routine_get(m, ln->cur);
        if (o != NULL && o->at == UI_AT_LANE && o->lane == l) {
            o->lane_mt += e->t_rt - ln->run_since;
            placed(m, o, e->t_rt);
        }
    }
    ln->cur = e->routine;
    ln->run_since = e->t_rt;
    ln->cpu = (int)e->obj;
    ln->parked = 0;
    ln->slices++;
    if (m->stepping && e->t_rt > m->step_t0 && e->t_rt <= m->step_t1) {
        /* A step moves the clock to its end before any lane acts, so a
         * routine taken in the step ran in the step's tick: the tick
         * belongs to it, as it would when running, not to idleness. */
        uint64_t t0 = ln->idle_since > m->step_t0 ? ln->idle_since : m->step_t0;
        if (t0 < e->t_rt) {
            fill(ln, t0, e->t_rt, r->id, t0, (ln->slices & 1) ? UI_CELL_ALT : 0);
            ln->busy_mt += e->t_rt - t0;
            ln->run_since = t0;
        }
    }
    r->lanes_mask |= (uint64_t)1 << l;

    if (e->arg == LANES_Q_STEAL) {
        int from = (r->at == UI_AT_LOCAL || r->at == UI_AT_RUNNEXT) ? r->lane : -1;
        mark(m, l, e->t_rt / 1000, UI_CELL_STEAL);
        if (from >= 0 && from != l) {
            stepf(m, l, "stole %s from core %d and ran it", r->name, from);
            logf_(m, e->t_rt, "core %d stole %s from core %d and runs it", l, r->name, from);
        } else if (from == l) {     /* the STEAL event told where from */
            stepf(m, l, "ran %s", r->name);
            logf_(m, e->t_rt, "core %d runs %s, just stolen", l, r->name);
        } else {
            stepf(m, l, "stole %s and ran it", r->name);
            logf_(m, e->t_rt, "core %d runs %s, stolen from another core", l, r->name);
        }
    } else {
        const char *src = e->arg == LANES_Q_GLOBAL ? "the global queue"
                        : e->arg == LANES_Q_RUNNEXT ? "its run-next slot" : "its queue";
        stepf(m, l, "took %s from %s", r->name, src);
        logf_(m, e->t_rt, "core %d took %s from %s", l, r->name, src);
    }
    placed(m, r, e->t_rt);
}

static void fold_stop(ui_model *m, const lanes_event *e)
{
    int l = e->lane;
    ui_lane *ln = &m->lanes[l];
    ui_routine *r = routine_get(m, e->routine);
    char q[64];
    uint64_t t = e->t_rt;
    int loop_yield;

    if (r == NULL)
        return;
    loop_yield = r->loop_yield;     /* a mark speaks of this stop only */
    r->loop_yield = 0;
    touch_lane(m, l);
    if (ln->cur == e->routine) {
        if (t > ln->run_since)
            r->lane_mt += t - ln->run_since;
        ln->cur = 0;
        ln->idle_since = t;
    }
    switch (e->arg) {
    case LANES_STOP_PREEMPT:
        if (t > 0 && ln->tl[((t - 1) / 1000) % UI_TL_LEN].routine == e->routine)
            mark(m, l, (t - 1) / 1000, UI_CELL_PREEMPT);
        enqueue(m, r, l, (int)e->obj, t);
        queue_words(l, (int)e->obj, q, sizeof q);
        if (m->quantum > 0) {
            /* the quantum counts ticks of work, not columns: a lane kept
             * waiting for a CPU draws a slice wider than the quantum */
            stepf(m, l, "%s used its slice (%d ticks of work), preempted to %s", r->name,
                  m->quantum, q);
            logf_(m, t, "core %d: %s used its slice (%d ticks of work), preempted to %s", l,
                  r->name, m->quantum, q);
        } else {
            stepf(m, l, "%s preempted to %s", r->name, q);
            logf_(m, t, "core %d: %s preempted to %s", l, r->name, q);
        }
        break;
    case LANES_STOP_YIELD:
        enqueue(m, r, l, (int)e->obj, t);
        queue_words(l, (int)e->obj, q, sizeof q);
        if (loop_yield) {           /* not the routine's: a loop pass that never waited */
            stepf(m, l, "%s ended a loop pass that never waited, so gave way to %s", r->name, q);
            logf_(m, t, "core %d: %s ended a loop pass that never waited, so gave way; back to %s",
                  l, r->name, q);
        } else {
            stepf(m, l, "%s yielded to %s", r->name, q);
            logf_(m, t, "core %d: %s yielded, back to %s", l, r->name, q);
        }
        break;
    case LANES_STOP_CORES:
        enqueue(m, r, l, (int)e->obj, t);
        queue_words(l, (int)e->obj, q, sizeof q);
        stepf(m, l, "switched off, %s to %s", r->name, q);
        logf_(m, t, "core %d switched off: %s to %s", l, r->name, q);
        break;
    case LANES_STOP_SEND:
    case LANES_STOP_RECV:
    case LANES_STOP_SELECT: {
        int at = e->arg == LANES_STOP_SEND ? UI_AT_SEND
               : e->arg == LANES_STOP_RECV ? UI_AT_RECV : UI_AT_SELECT;
        const char *verb = at == UI_AT_SEND ? "sending on"
                         : at == UI_AT_RECV ? "receiving on" : "in a select on";
        placed(m, r, t);
        stepf(m, l, "%s blocked %s %s", r->name, verb, cname(m, e->obj));
        logf_(m, t, "core %d: %s blocked %s %s", l, r->name, verb, cname(m, e->obj));
        break;
    }
    case LANES_STOP_SLEEP:
        r->wake_at = t + (uint64_t)e->obj * 1000;
        placed(m, r, t);
        stepf(m, l, "%s went to sleep for %u ticks", r->name, (unsigned)e->obj);
        logf_(m, t, "core %d: %s sleeps %u ticks", l, r->name, (unsigned)e->obj);
        break;
    case LANES_STOP_EXIT:
    default:
        placed(m, r, t);
        stepf(m, l, "%s finished", r->name);
        logf_(m, t, "core %d: %s finished", l, r->name);
        break;
    }
}

/* A CPU event: what the lane's thread really had, spread over the tick
 * columns its interval covers (from the later of the lane's previous CPU
 * event and its routine's RUN), in proportion to the time in each; runtime
 * time runs at one pace within an interval, so the shares hold. */
static void cpu_cells(ui_model *m, int l, const lanes_event *e)
{
    ui_lane *ln = &m->lanes[l];
    uint64_t from = ln->cpu_upto > ln->run_since ? ln->cpu_upto : ln->run_since;
    uint64_t to = e->t_rt, waited = e->arg > 0 ? (uint64_t)e->arg : 0;
    uint64_t sum = e->obj + waited, k;

    (void)routine_get(m, e->routine);   /* known from its first CPU event on */
    ln->cpu_upto = to;
    ln->cpu_starved = fold_cpu_starved(waited, sum);
    if (sum == 0 || to <= from)
        return;
    if (to - from > (uint64_t)UI_TL_LEN * 1000)
        from = to - (uint64_t)UI_TL_LEN * 1000;
    for (k = from / 1000; k <= (to - 1) / 1000; k++) {
        ui_cell *c = &ln->tl[k % UI_TL_LEN];
        uint64_t a = k * 1000 > from ? k * 1000 : from;
        uint64_t b = (k + 1) * 1000 < to ? (k + 1) * 1000 : to;
        uint64_t ran, wt;

        if (c->tick != k)
            continue;                  /* forgotten already */
        ran = c->ran + (b - a) * e->obj / sum;
        wt = c->wait + (b - a) * waited / sum;
        c->ran = (uint16_t)(ran < 1000 ? ran : 1000);
        c->wait = (uint16_t)(wt < 1000 ? wt : 1000);
    }
}

/* The interpreter's marks (scn.h): a narrated note, or that the routine's
 * next yield is the interpreter's own at a loop's end. */
static void fold_note(ui_model *m, const lanes_event *e)
{
    ui_routine *r = routine_get(m, e->routine);

    switch (e->obj) {
    case SCN_MARK_LOOP_YIELD:
        if (r != NULL)
            r->loop_yield = 1;
        break;
    case SCN_MARK_NOTE:
    case SCN_MARK_NOTE_PAUSE:
        m->lesson[0] = '\0';
        if (m->namer != NULL)
            m->namer(m->namer_ctx, 2, (uint32_t)e->arg, m->lesson, sizeof m->lesson);
        m->lesson_pause = e->obj == SCN_MARK_NOTE_PAUSE;
        m->lesson_routine = e->routine;
        m->lesson_wall = m->wall;
        m->lessons++;
        break;
    default:
        break;
    }
}

static void fold_one(ui_model *m, const lanes_event *e)
{
    ui_routine *r;
    ui_chan *c;
    char q[64];
    int l = lane_ok(e) ? e->lane : -1;

    m->events++;
    if (e->t_rt > m->now)
        m->now = e->t_rt;
    if (l >= 0)
        extend(m, l, e->t_rt);
    extend_all(m, e);
    fold_state_feed(&m->st, e, 1);     /* the shared counts first */

    switch (e->kind) {
    case LANES_EV_CPU:
        if (l >= 0)
            cpu_cells(m, l, e);
        break;
    case LANES_EV_SPAWN:
        if ((r = routine_get(m, e->routine)) == NULL)
            break;
        enqueue(m, r, l, e->arg, e->t_rt);
        queue_words(l, e->arg, q, sizeof q);
        if (e->obj != 0)
            logf_(m, e->t_rt, "%s started %s in %s", rname(m, e->obj), r->name, q);
        else
            logf_(m, e->t_rt, "%s started in %s", r->name, q);
        break;
    case LANES_EV_RUN:
        if (l >= 0)
            fold_run(m, e);
        break;
    case LANES_EV_STOP:
        if (l >= 0)
            fold_stop(m, e);
        break;
    case LANES_EV_WAKE: {
        ui_routine *w = e->obj != 0 ? routine_get(m, e->obj) : NULL;
        if ((r = routine_get(m, e->routine)) == NULL)
            break;
        if (waiting(r->at) && e->t_rt > r->since)
            r->wait_mt += e->t_rt - r->since;
        enqueue(m, r, l, e->arg, e->t_rt);
        queue_words(l, e->arg, q, sizeof q);
        if (w != NULL) {
            if (w->at == UI_AT_LANE)
                stepf(m, w->lane, "%s woke %s into %s", w->name, r->name, q);
            logf_(m, e->t_rt, "%s woke %s into %s", w->name, r->name, q);
        } else {
            logf_(m, e->t_rt, "%s woke up into %s", r->name, q);
        }
        break;
    }
    case LANES_EV_SEND:
        if ((r = routine_get(m, e->routine)) == NULL || (c = chan_get(m, e->obj)) == NULL)
            break;
        c->sent++;
        chan_push(c, e->arg);
        r->has_item = 0;
        if (l >= 0)
            stepf(m, l, "%s sent " SCN_ITEM_TAG "%d on %s", r->name, (int)e->arg, c->name);
        break;
    case LANES_EV_RECV:
        if ((r = routine_get(m, e->routine)) == NULL || (c = chan_get(m, e->obj)) == NULL)
            break;
        c->received++;
        chan_take(c, e->arg);
        r->has_item = 1;
        r->item = e->arg;
        if (l >= 0)
            stepf(m, l, "%s received " SCN_ITEM_TAG "%d from %s", r->name, (int)e->arg, c->name);
        break;
    case LANES_EV_CLOSE:
        if ((c = chan_get(m, e->obj)) == NULL)
            break;
        c->closed = 1;
        logf_(m, e->t_rt, "%s closed %s", rname(m, e->routine), c->name);
        if (l >= 0)
            stepf(m, l, "%s closed %s", rname(m, e->routine), c->name);
        break;
    case LANES_EV_MOVE:         /* between queues without running (lanes.h) */
        if (l >= 0 && (r = routine_get(m, e->routine)) != NULL)
            enqueue(m, r, l, e->arg, e->t_rt);
        break;
    case LANES_EV_STEAL:
        if (l < 0 || (r = routine_get(m, e->routine)) == NULL)
            break;
        touch_lane(m, l);
        placed(m, r, e->t_rt);
        stepf(m, l, "stole %s from core %u", r->name, (unsigned)e->obj);
        logf_(m, e->t_rt, "core %d stole %s from core %u", l, r->name, (unsigned)e->obj);
        break;
    case LANES_EV_PARK: {
        uint32_t id;
        if (l < 0)
            break;
        touch_lane(m, l);
        m->lanes[l].parked = 1;
        m->lanes[l].cur = 0;
        m->lanes[l].idle_since = e->t_rt;
        for (id = 1; id <= m->maxid && id < m->nroutines; id++) {
            ui_routine *o = &m->routines[id];
            if (o->id != 0 && (o->at == UI_AT_LOCAL || o->at == UI_AT_RUNNEXT) && o->lane == l)
                placed(m, o, e->t_rt);
        }
        stepf(m, l, "switched off");
        logf_(m, e->t_rt, "core %d switched off, %d routines to the global queue", l, (int)e->arg);
        break;
    }
    case LANES_EV_UNPARK:
        if (l < 0)
            break;
        touch_lane(m, l);
        m->lanes[l].parked = 0;
        stepf(m, l, "switched on");
        logf_(m, e->t_rt, "core %d switched on", l);
        break;
    case LANES_EV_CORES: {
        int i, n = (int)e->obj;
        if (n < 1 || n > LANES_MAX_CORES)
            break;
        for (i = 0; i < LANES_MAX_CORES; i++) {
            if (i < n)
                touch_lane(m, i);
            if (m->lanes[i].used)
                extend(m, i, e->t_rt);
            m->lanes[i].parked = i >= n;
        }
        m->cores = n;
        logf_(m, e->t_rt, "cores %d -> %d", (int)e->arg, n);
        break;
    }
    case LANES_EV_PAUSE:
        m->paused = 1;
        m->stepping = 0;
        m->steps = 0;       /* "step 3" reads as the third since the pause;
                               the header's tick says where in the run */
        break;
    case LANES_EV_RESUME:
        /* a note's time runs only while the run does: it starts again
         * here, whenever the model is folded (history folds it again) */
        if (m->paused)
            m->lesson_wall = m->wall;
        m->paused = 0;
        m->step_valid = 0;
        m->stepping = 0;
        break;
    case LANES_EV_STEP: {
        int i;
        m->steps++;
        m->stepping = 1;
        m->step_t0 = e->t_rt;
        m->step_t1 = e->t_rt + (uint64_t)(e->obj > 0 ? e->obj : 1) * 1000;
        for (i = 0; i < LANES_MAX_CORES; i++)
            m->lanes[i].step[0] = '\0';
        m->step_valid = 1;
        break;
    }
    case LANES_EV_DEADLOCK:
        m->deadlock = e->arg > 0 ? e->arg : 1;
        logf_(m, e->t_rt, "deadlock: %d routines blocked forever", (int)e->arg);
        break;
    case LANES_EV_QUANTUM:
        m->quantum = (int)e->obj;
        logf_(m, e->t_rt, "quantum %d -> %d", (int)e->arg, (int)e->obj);
        break;
    case LANES_EV_CHAN:
        if ((c = chan_get(m, e->obj)) == NULL)
            break;
        c->cap = e->arg;
        break;
    case LANES_EV_HELD:         /* in the buffer when the viewer came (lanes.h) */
        if ((c = chan_get(m, e->obj)) != NULL)
            chan_push(c, e->arg);
        break;
    case LANES_EV_DONE:
        break;
    case LANES_EV_NOTE:
        fold_note(m, e);
        break;
    default:
        break;
    }
}

void ui_model_fold(ui_model *m, const lanes_event *ev, size_t n, uint64_t wall_ms)
{
    size_t i;

    m->wall = wall_ms;
    for (i = 0; i < n; i++)
        fold_one(m, &ev[i]);
}

void ui_model_advance(ui_model *m, uint64_t now, uint64_t wall_ms)
{
    int l;

    m->wall = wall_ms;
    if (now > m->now)
        m->now = now;
    for (l = 0; l < LANES_MAX_CORES; l++)
        if (m->lanes[l].used)
            extend(m, l, m->now);
}

/* ---- life ------------------------------------------------------------------ */

void ui_model_reset(ui_model *m, int cores, int quantum)
{
    ui_namer namer = m->namer;
    void *ctx = m->namer_ctx;
    int l;

    free(m->routines);
    free(m->chans);
    fold_state_free(&m->st);
    memset(m, 0, sizeof *m);
    m->namer = namer;
    m->namer_ctx = ctx;
    if (cores < 1)
        cores = 1;
    if (cores > LANES_MAX_CORES)
        cores = LANES_MAX_CORES;
    m->cores = cores;
    m->quantum = quantum;
    m->nlanes = cores;
    fold_state_init(&m->st);
    for (l = 0; l < LANES_MAX_CORES; l++) {
        m->lanes[l].cpu = -1;
        m->lanes[l].used = l < cores;
        m->lanes[l].parked = l >= cores;
    }
}

void ui_model_init(ui_model *m, int cores, int quantum, ui_namer namer, void *ctx)
{
    memset(m, 0, sizeof *m);
    m->namer = namer;
    m->namer_ctx = ctx;
    ui_model_reset(m, cores, quantum);
}

void ui_model_free(ui_model *m)
{
    free(m->routines);
    free(m->chans);
    fold_state_free(&m->st);
    m->routines = NULL;
    m->chans = NULL;
    m->nroutines = m->nchans = 0;
}
