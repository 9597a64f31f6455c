/*
 * chan.c - channels and select, after Go's runtime/chan.go and select.go.
 *
 * Owns: struct lanes_chan (ring buffer, closed flag, the two FIFO wait lists
 * of parked senders and receivers) and the wait records, which live on the
 * parked routine's own stack.  Knows nothing of lanes or run queues: it parks
 * through sched_park() and wakes through sched_ready() (which puts the woken
 * partner on the waker's runnext), as rt_sched.h describes.
 *
 * Invariants, all under the channel's lock:
 *   - a buffered channel never has parked receivers while it holds items,
 *     nor parked senders while it has room;
 *   - a waiter is on at most one list, and `queued` says whether it is;
 *   - a select is claimed at most once: whoever moves its `done` word from 0
 *     (by CAS) owns the exchange; any other party that finds one of its
 *     waiters just unlinks it.  The select removes its remaining waiters
 *     itself after waking, under the locks, so nothing ever walks a freed
 *     wait record;
 *   - the SEND and RECV events of an exchange are recorded while the lock is
 *     held, by whoever completes it (on behalf of a parked partner too), so a
 *     message's SEND always precedes its RECV in the trace.
 * A lock is never held across a switch except by sched_park, which releases
 * it through the unlock callback once the parking routine is off its stack.
 */
#include <errno.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lanes.h"
#include "rt_sched.h"

#define CHAN_ELEM_MAX (64u * 1024u)
#define CHAN_CAP_MAX  ((size_t)1 << 20)
#define SEL_ONSTACK   16        /* cases a select handles without malloc */

/* ---- a small spinlock ------------------------------------------------------
 * Critical sections are a few copies and pointer moves.  A spinlock (C11
 * atomics) rather than a pthread mutex because sched_park releases it from
 * the lane's scheduler context, not the routine that took it. */

typedef struct chan_lock {
    atomic_int held;            /* 0 free, 1 held */
} chan_lock;

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield" ::: "memory");
#endif
}

static void lock_take(chan_lock *l)
{
    for (;;) {
        int spins = 0;
        if (!atomic_exchange_explicit(&l->held, 1, memory_order_acquire))
            return;
        while (atomic_load_explicit(&l->held, memory_order_relaxed)) {
            if (++spins < 128) {
                cpu_relax();
            } else {
                sched_yield();  /* the holder's thread may be descheduled */
                spins = 0;
            }
        }
    }
}

static void lock_drop(chan_lock *l)
{
    atomic_store_explicit(&l->held, 0, memory_order_release);
}

/* ---- wait records ---------------------------------------------------------- */

typedef struct chan_sel {
    atomic_int done;            /* 0 while waiting; index+1 of the case that
                                   fired, set once by the claimer's CAS      */
} chan_sel;

typedef struct chan_waiter {
    struct chan_waiter *next;   /* links on ch->recvq or ch->sendq while     */
    struct chan_waiter *prev;   /*   queued; under ch->lock                  */
    lanes_chan *ch;             /* channel whose list holds it               */
    rt_routine *r;              /* the parked routine (owner of this record) */
    chan_sel   *sel;            /* NULL for plain send/recv                  */
    void       *elem;           /* value to send / where to receive (NULL:
                                   discard); owned by the parked routine     */
    int         index;          /* case index in a select                    */
    int         queued;         /* on a list now; under ch->lock             */
    int         result;         /* 0 or LANES_CLOSED; written by the claimer
                                   before sched_ready, read after waking     */
} chan_waiter;

typedef struct chan_waitq {
    chan_waiter *head, *tail;   /* FIFO; under the channel's lock */
} chan_waitq;

/* The malloc'd arrays of a select with more cases than fit its stack.  While
 * the select is parked the block hangs on its first channel (in lock order),
 * so lanes_close, which may free the routine without resuming it, frees the
 * block through chan_destroy. */
typedef struct sel_block {
    struct sel_block *next;     /* on keeper->blocks while parked; under    */
    struct sel_block *prev;     /*   keeper->lock                            */
    struct lanes_chan *keeper;
} sel_block;

struct lanes_chan {
    chan_lock   lock;           /* guards everything below but the constants */
    lanes_rt   *rt;             /* constant */
    uint32_t    id;             /* constant, from sched_chan_register        */
    size_t      elem_size;      /* constant, 0..CHAN_ELEM_MAX                */
    size_t      cap;            /* constant, 0 = unbuffered                  */
    unsigned char *buf;         /* cap * elem_size bytes (NULL if 0); ring   */
    size_t      head;           /* slot of the oldest item                   */
    size_t      len;            /* items buffered                            */
    int         closed;
    int         traced;         /* constant: the runtime records events      */
    uint32_t    nsent;          /* messages that entered the channel (trace
                                   arg for elements shorter than 4 bytes)    */
    uint32_t    nrecv;          /* messages that left it; FIFO keeps them in
                                   step with nsent                           */
    lanes_item_fn item_fn;      /* the SEND/RECV arg (lanes_chan_set_item), */
    void       *item_arg;       /*   NULL: the default; under the lock      */
    const void *trace_last;     /* traced: the ring of the latest event about
                                   the channel, or of a parker's STOP (rt_sched.h) */
    chan_waitq  recvq;          /* parked receivers                          */
    chan_waitq  sendq;          /* parked senders                            */
    sel_block  *blocks;         /* heap blocks of parked big selects that
                                   lock this channel first; chan_destroy
                                   frees those whose select never woke       */
};

static void waitq_push(chan_waitq *q, chan_waiter *w)
{
    w->next = NULL;
    w->prev = q->tail;
    if (q->tail != NULL)
        q->tail->next = w;
    else
        q->head = w;
    q->tail = w;
    w->queued = 1;
}

static void waitq_unlink(chan_waitq *q, chan_waiter *w)
{
    if (w->prev != NULL)
        w->prev->next = w->next;
    else
        q->head = w->next;
    if (w->next != NULL)
        w->next->prev = w->prev;
    else
        q->tail = w->prev;
    w->next = w->prev = NULL;
    w->queued = 0;
}

/* Takes the first waiter that can still be claimed off q: plain waiters
 * always, select waiters only when this CAS wins their select.  Waiters of
 * a select already claimed elsewhere are dropped from the list on the way
 * (their owner sees queued == 0 and leaves them). */
static chan_waiter *waitq_claim(chan_waitq *q)
{
    chan_waiter *w;

    while ((w = q->head) != NULL) {
        waitq_unlink(q, w);
        if (w->sel == NULL)
            return w;
        int expect = 0;
        if (atomic_compare_exchange_strong_explicit(&w->sel->done, &expect,
                w->index + 1, memory_order_acq_rel, memory_order_acquire))
            return w;
    }
    return NULL;
}

/* ---- buffer and trace helpers (channel locked) ----------------------------- */

/* i < cap and head < cap: one compare wraps (no division per message). */
static unsigned char *slot(lanes_chan *ch, size_t i)
{
    size_t k = ch->head + i;
    if (ch->buf == NULL)        /* zero-size elements: only the count moves */
        return NULL;
    if (k >= ch->cap)
        k -= ch->cap;
    return ch->buf + k * ch->elem_size;
}

static void advance_head(lanes_chan *ch)
{
    if (++ch->head == ch->cap)
        ch->head = 0;
}

/* Ints and pointers, the common elements, as one load and store. */
static void copy_elem(const lanes_chan *ch, void *dst, const void *src)
{
    if (dst == NULL)
        return;
    if (src == NULL) {
        memset(dst, 0, ch->elem_size);
        return;
    }
    switch (ch->elem_size) {
    case 0:
        break;
    case 4:
        memcpy(dst, src, 4);
        break;
    case 8:
        memcpy(dst, src, 8);
        break;
    default:
        memcpy(dst, src, ch->elem_size);
        break;
    }
}

/* The `arg` of SEND/RECV, the message's item: what the channel's item
 * function says, or by default the element's first 4 bytes when it has
 * them, else the message's number on this channel. */
static int32_t item_of(const lanes_chan *ch, const void *src, uint32_t count)
{
    int32_t v = 0;

    if (ch->item_fn != NULL)
        return ch->item_fn(src, count, ch->item_arg);
    if (ch->elem_size < 4)
        return (int32_t)count;
    if (src != NULL)
        memcpy(&v, src, sizeof v);
    return v;
}

static void trace_xfer(lanes_chan *ch, int kind, const rt_routine *who, int32_t item)
{
    sched_trace(ch->rt, kind, who != NULL ? sched_routine_id(who) : 0, ch->id, item,
                &ch->trace_last);
}

/* Both halves of one exchange: one timestamp. */
static void trace_xfer2(lanes_chan *ch, int kind0, const rt_routine *who0, int32_t item0,
                        int kind1, const rt_routine *who1, int32_t item1)
{
    sched_trace2(ch->rt, ch->id, kind0, who0 != NULL ? sched_routine_id(who0) : 0, item0,
                 kind1, who1 != NULL ? sched_routine_id(who1) : 0, item1, &ch->trace_last);
}

/* Without tracing, the message numbers and items are never looked at. */
#define TRACED(ch) __builtin_expect((ch)->traced, 0)

/* ---- the three ways an operation completes at once (channel locked) -------
 * Each returns 1 and sets *res when the operation completed (or failed for
 * good), 0 when it would have to wait.  A partner it served is left in
 * *wake for the caller to sched_ready once the locks are dropped (as Go
 * does): claimed, it is on no list, and it cannot run before that. */

static int send_now(lanes_chan *ch, const void *elem, int *res, rt_routine **wake)
{
    chan_waiter *w;

    if (ch->closed) {
        *res = LANES_CLOSED;
        return 1;
    }
    if ((w = waitq_claim(&ch->recvq)) != NULL) {
        /* a parked receiver implies an empty buffer: hand over directly */
        rt_routine *r = w->r;
        copy_elem(ch, w->elem, elem);
        if (TRACED(ch)) {
            int32_t item = item_of(ch, elem, ++ch->nsent);
            ch->nrecv++;
            trace_xfer2(ch, LANES_EV_SEND, NULL, item, LANES_EV_RECV, r, item);
        }
        w->result = 0;
        *wake = r;
        *res = 0;
        return 1;
    }
    if (ch->len < ch->cap) {
        unsigned char *s = slot(ch, ch->len);
        copy_elem(ch, s, elem);
        ch->len++;
        if (TRACED(ch))
            trace_xfer(ch, LANES_EV_SEND, NULL, item_of(ch, s, ++ch->nsent));
        *res = 0;
        return 1;
    }
    return 0;
}

static int recv_now(lanes_chan *ch, void *elem, int *res, rt_routine **wake)
{
    chan_waiter *w;

    if ((w = waitq_claim(&ch->sendq)) != NULL) {
        rt_routine *s = w->r;
        if (ch->cap == 0) {
            copy_elem(ch, elem, w->elem);
            if (TRACED(ch)) {
                int32_t item = item_of(ch, w->elem, ++ch->nsent);
                ch->nrecv++;
                trace_xfer2(ch, LANES_EV_SEND, s, item, LANES_EV_RECV, NULL, item);
            }
        } else {
            /* full buffer: take the oldest, the sender's value goes last */
            unsigned char *h = slot(ch, 0);
            int32_t out = TRACED(ch) ? item_of(ch, h, ++ch->nrecv) : 0;
            copy_elem(ch, elem, h);
            copy_elem(ch, h, w->elem);  /* head slot becomes the tail slot */
            advance_head(ch);
            if (TRACED(ch)) {
                trace_xfer2(ch, LANES_EV_RECV, NULL, out,
                            LANES_EV_SEND, s, item_of(ch, h, ++ch->nsent));
            }
        }
        w->result = 0;
        *wake = s;
        *res = 0;
        return 1;
    }
    if (ch->len > 0) {
        unsigned char *h = slot(ch, 0);
        if (TRACED(ch))
            trace_xfer(ch, LANES_EV_RECV, NULL, item_of(ch, h, ++ch->nrecv));
        copy_elem(ch, elem, h);
        advance_head(ch);
        ch->len--;
        *res = 0;
        return 1;
    }
    if (ch->closed) {
        copy_elem(ch, elem, NULL);
        *res = LANES_CLOSED;
        return 1;
    }
    return 0;
}

/* ---- channels --------------------------------------------------------------- */

static void chan_destroy(struct lanes_chan *ch);

lanes_chan *lanes_chan_open(lanes_rt *rt, const char *name, size_t elem_size, size_t cap)
{
    lanes_chan *ch;

    if (rt == NULL || elem_size > CHAN_ELEM_MAX || cap > CHAN_CAP_MAX) {
        errno = EINVAL;
        return NULL;
    }
    ch = calloc(1, sizeof *ch);
    if (ch == NULL)
        goto error1;
    if (cap > 0 && elem_size > 0) {
        ch->buf = calloc(cap, elem_size);
        if (ch->buf == NULL)
            goto error2;
    }
    ch->rt = rt;
    ch->elem_size = elem_size;
    ch->cap = cap;
    ch->traced = sched_tracing(rt);
    atomic_init(&ch->lock.held, 0);
    ch->id = sched_chan_register(rt, ch, name != NULL ? name : "", chan_destroy);
    if (ch->id == 0)
        goto error3;
    sched_trace(rt, LANES_EV_CHAN, 0, ch->id, cap > INT32_MAX ? INT32_MAX : (int32_t)cap, NULL);
    return ch;

error3:
    free(ch->buf);
error2:
    free(ch);
error1:
    errno = ENOMEM;
    return NULL;
}

/* lanes_close, through the registry (sched_chan_register). */
static void chan_destroy(struct lanes_chan *ch)
{
    /* Parked routines' wait records live on their stacks, which the
     * scheduler frees: nothing here may follow the lists. */
    if (ch == NULL)
        return;
    for (sel_block *b = ch->blocks, *next; b != NULL; b = next) {
        next = b->next;
        free(b);
    }
    free(ch->buf);
    free(ch);
}

void lanes_chan_set_item(lanes_chan *ch, lanes_item_fn fn, void *arg)
{
    if (ch == NULL)
        return;
    lock_take(&ch->lock);
    ch->item_fn = fn;
    ch->item_arg = arg;
    lock_drop(&ch->lock);
}

uint32_t lanes_chan_id(const lanes_chan *ch)
{
    return ch != NULL ? ch->id : 0;
}

size_t lanes_chan_cap(const lanes_chan *ch)
{
    return ch != NULL ? ch->cap : 0;
}

size_t lanes_chan_len(lanes_chan *ch)
{
    size_t n;

    if (ch == NULL)
        return 0;
    lock_take(&ch->lock);
    n = ch->len;
    lock_drop(&ch->lock);
    return n;
}

/* The console's snapshot: the items of the messages buffered now, oldest
 * first (what their RECV events will say), at most max of them. */
size_t chan_held_items(lanes_chan *ch, int32_t *out, size_t max)
{
    size_t n;

    lock_take(&ch->lock);
    n = ch->len < max ? ch->len : max;
    for (size_t i = 0; i < n; i++)
        out[i] = item_of(ch, slot(ch, i), ch->nrecv + (uint32_t)i + 1);
    lock_drop(&ch->lock);
    return n;
}

static void unlock_one(void *arg)
{
    lock_drop(&((lanes_chan *)arg)->lock);
}

/* One send (op LANES_SEND) or receive (LANES_RECV): at once when a partner
 * or the buffer allows, else LANES_WOULDBLOCK (block 0) or park on the
 * channel's queue for that direction until a partner or close serves it. */
static int chan_op(lanes_chan *ch, void *elem, int op, int block)
{
    rt_routine *self = sched_self(), *wake = NULL;
    chan_waiter w;
    int res, done;

    if (ch == NULL)
        return -EINVAL;
    if (block && self == NULL)
        return -EPERM;
    lock_take(&ch->lock);
    done = op == LANES_SEND ? send_now(ch, elem, &res, &wake)
                            : recv_now(ch, elem, &res, &wake);
    if (done) {
        lock_drop(&ch->lock);
        if (wake != NULL)
            sched_ready(wake);
        return res;
    }
    if (!block) {
        lock_drop(&ch->lock);
        return LANES_WOULDBLOCK;
    }
    if (__builtin_expect(sched_routine_rt(self) != ch->rt, 0)) {
        /* Parked here, it would count as blocked in its own runtime, whose
         * lanes_wait cannot see who may wake it: a false deadlock.  Only
         * waiting is refused; what completes at once above is sound. */
        lock_drop(&ch->lock);
        return -EINVAL;
    }
    /* every field a claimer or we read; waitq_push sets the links */
    w.ch = ch;
    w.r = self;
    w.sel = NULL;
    w.elem = elem;              /* a sender's is only read by the receiver */
    w.index = 0;
    w.result = 0;
    waitq_push(op == LANES_SEND ? &ch->sendq : &ch->recvq, &w);
    if (TRACED(ch))
        sched_trace_mark(ch->rt, &ch->trace_last);
    sched_park(op == LANES_SEND ? LANES_STOP_SEND : LANES_STOP_RECV, ch->id, op,
               unlock_one, ch);
    return w.result;
}

#define UNCONST(p) ((void *)(uintptr_t)(p))
int lanes_send(lanes_chan *ch, const void *elem)     { return chan_op(ch, UNCONST(elem), LANES_SEND, 1); }
int lanes_try_send(lanes_chan *ch, const void *elem) { return chan_op(ch, UNCONST(elem), LANES_SEND, 0); }
int lanes_recv(lanes_chan *ch, void *elem)           { return chan_op(ch, elem, LANES_RECV, 1); }
int lanes_try_recv(lanes_chan *ch, void *elem)       { return chan_op(ch, elem, LANES_RECV, 0); }

int lanes_chan_close(lanes_chan *ch)
{
    chan_waiter *w, *woken = NULL;

    if (ch == NULL)
        return -EINVAL;
    lock_take(&ch->lock);
    if (ch->closed) {
        lock_drop(&ch->lock);
        return LANES_CLOSED;
    }
    ch->closed = 1;
    sched_trace(ch->rt, LANES_EV_CLOSE, 0, ch->id, 0, &ch->trace_last);
    /* Every parked receiver sees the close (the buffer is empty when any is
     * parked), every parked sender too.  Each waiter is claimed once and
     * kept on a private chain until the lock is dropped. */
    while ((w = waitq_claim(&ch->recvq)) != NULL) {
        copy_elem(ch, w->elem, NULL);
        w->result = LANES_CLOSED;
        w->next = woken;
        woken = w;
    }
    while ((w = waitq_claim(&ch->sendq)) != NULL) {
        w->result = LANES_CLOSED;
        w->next = woken;
        woken = w;
    }
    lock_drop(&ch->lock);
    while ((w = woken) != NULL) {
        woken = w->next;            /* w may be gone once its routine runs */
        sched_ready(w->r);
    }
    return 0;
}

/* ---- select ------------------------------------------------------------------ */

typedef struct sel_locks {
    lanes_chan **ch;            /* distinct channels, sorted by address */
    int n;
} sel_locks;

static void sel_lock_all(const sel_locks *l)
{
    for (int i = 0; i < l->n; i++)
        lock_take(&l->ch[i]->lock);
}

static void sel_unlock_all(void *arg)
{
    const sel_locks *l = arg;
    for (int i = l->n - 1; i >= 0; i--)
        lock_drop(&l->ch[i]->lock);
}

static int chan_addr_cmp(const void *a, const void *b)
{
    uintptr_t x = (uintptr_t)*(lanes_chan *const *)a;
    uintptr_t y = (uintptr_t)*(lanes_chan *const *)b;
    return x < y ? -1 : x > y;
}

/* Fills order[] with a uniformly random permutation of 0..n-1. */
static void shuffle(int *order, int n)
{
    for (int i = 0; i < n; i++) {
        int j = (int)(sched_rand() % (uint32_t)(i + 1));
        if (j != i)
            order[i] = order[j];
        order[j] = i;
    }
}

int lanes_select(lanes_case *cases, int n, int nonblocking)
{
    rt_routine *self = sched_self(), *wake = NULL;
    int order_s[SEL_ONSTACK];
    lanes_chan *locks_s[SEL_ONSTACK];
    chan_waiter waiters_s[SEL_ONSTACK];
    int *order = order_s;
    lanes_chan **lockv = locks_s;
    chan_waiter *waiters = waiters_s;
    sel_block *heap = NULL;
    sel_locks locks;
    chan_sel sel;
    uint32_t first_id = 0;
    int fired = LANES_WOULDBLOCK, res = 0, i, nch = 0;

    if (n < 0 || (n > 0 && cases == NULL))
        return -EINVAL;
    for (i = 0; i < n; i++)
        if (cases[i].ch != NULL && cases[i].op != LANES_SEND && cases[i].op != LANES_RECV)
            return -EINVAL;
    if (!nonblocking && self == NULL)
        return -EPERM;
    if (n > SEL_ONSTACK) {
        size_t sz = sizeof *heap + (size_t)n * (sizeof *order + sizeof *lockv + sizeof *waiters);
        heap = malloc(sz);
        if (heap == NULL)
            return -ENOMEM;
        waiters = (chan_waiter *)(void *)(heap + 1);
        lockv = (lanes_chan **)(waiters + n);
        order = (int *)(lockv + n);
    }

    /* one global lock order: by address, each channel once */
    for (i = 0; i < n; i++)
        if (cases[i].ch != NULL)
            lockv[nch++] = cases[i].ch;
    if (nch > SEL_ONSTACK) {
        qsort(lockv, (size_t)nch, sizeof *lockv, chan_addr_cmp);
    } else {
        /* a handful: insertion sort in place, where glibc's qsort would
         * allocate and merge (6-8% of a select fan-in's time) */
        for (i = 1; i < nch; i++) {
            lanes_chan *c = lockv[i];
            int j = i;
            for (; j > 0 && (uintptr_t)lockv[j - 1] > (uintptr_t)c; j--)
                lockv[j] = lockv[j - 1];
            lockv[j] = c;
        }
    }
    locks.ch = lockv;
    locks.n = 0;
    for (i = 0; i < nch; i++)
        if (locks.n == 0 || lockv[locks.n - 1] != lockv[i])
            lockv[locks.n++] = lockv[i];

    shuffle(order, n);
    sel_lock_all(&locks);

    /* pass 1: the first ready case in random order wins */
    for (i = 0; i < n; i++) {
        lanes_case *c = &cases[order[i]];
        if (c->ch == NULL)
            continue;
        if (c->op == LANES_SEND ? send_now(c->ch, c->elem, &res, &wake)
                                : recv_now(c->ch, c->elem, &res, &wake)) {
            fired = order[i];
            break;
        }
    }
    if (fired >= 0 || nonblocking) {
        sel_unlock_all(&locks);
        if (wake != NULL)
            sched_ready(wake);
        goto done;
    }

    if (locks.n == 0) {
        /* no channel at all: nothing can ever wake it (Go's `select {}`) */
        free(heap);
        for (;;)
            sched_park(LANES_STOP_SELECT, 0, 0, sel_unlock_all, &locks);
    }

    for (i = 0; i < locks.n; i++)      /* never wait on another runtime's (chan_op) */
        if (locks.ch[i]->rt != sched_routine_rt(self)) {
            sel_unlock_all(&locks);
            fired = -EINVAL;
            goto done;
        }

    /* pass 2: wait on every case; the first party to claim `sel` wins */
    atomic_init(&sel.done, 0);
    for (i = 0; i < n; i++) {
        chan_waiter *w = &waiters[i];
        lanes_case *c = &cases[i];
        w->queued = 0;          /* pass 3 reads it for every case */
        if (c->ch == NULL)
            continue;
        w->ch = c->ch;
        w->r = self;
        w->sel = &sel;
        w->elem = c->elem;
        w->index = i;
        w->result = 0;
        waitq_push(c->op == LANES_SEND ? &c->ch->sendq : &c->ch->recvq, w);
        if (TRACED(c->ch))
            sched_trace_mark(c->ch->rt, &c->ch->trace_last);
        if (first_id == 0)
            first_id = c->ch->id;
    }
    if (heap != NULL) {
        heap->keeper = lockv[0];
        heap->prev = NULL;
        heap->next = lockv[0]->blocks;
        if (heap->next != NULL)
            heap->next->prev = heap;
        lockv[0]->blocks = heap;
    }
    sched_park(LANES_STOP_SELECT, first_id, 0, sel_unlock_all, &locks);

    /* pass 3: woken by the claimer; take the losing waiters off their lists */
    fired = atomic_load_explicit(&sel.done, memory_order_acquire) - 1;
    sel_lock_all(&locks);
    for (i = 0; i < n; i++) {
        chan_waiter *w = &waiters[i];
        if (w->queued)
            waitq_unlink(cases[i].op == LANES_SEND ? &w->ch->sendq : &w->ch->recvq, w);
    }
    if (heap != NULL) {
        if (heap->prev != NULL)
            heap->prev->next = heap->next;
        else
            heap->keeper->blocks = heap->next;
        if (heap->next != NULL)
            heap->next->prev = heap->prev;
    }
    sel_unlock_all(&locks);
    res = waiters[fired].result;

done:
    if (fired >= 0)
        cases[fired].result = res;
    free(heap);
    return fired;
}
