/*
 * stack.h - routine stacks: page-aligned, pooled per runtime, guarded by a
 * PROT_NONE page while the process's mapping budget allows; beyond it 32
 * share a mapping with one PROT_NONE page under them all, and each has a
 * canary.
 *
 * A stack is [lo, lo + size).  Its top bytes hold a stk_node (pool link and
 * what the pool must remember); the owner may use the rest, including the
 * bytes just under the node.  Stacks are never unmapped before the pool
 * dies, so a stack can be reused at once.
 */
#ifndef LANES_STACK_H
#define LANES_STACK_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

typedef struct stk_node {
    struct stk_node *next;  /* free list link while free; owner: the list's holder */
    void    *lo;            /* lowest usable byte */
    void    *guard;         /* the PROT_NONE page an overflow of this stack
                               runs into: just under lo (guarded), or under
                               the lowest stack of its chunk; NULL: none */
    uint32_t guarded;       /* a PROT_NONE page lies just under lo */
    uint32_t vg_id;         /* valgrind stack id */
    uint32_t used;          /* handed out by stk_get, not yet given back;
                               owner: the stack's holder */
    _Atomic uint32_t owner; /* id of the routine living on it, 0 once it
                               exited: its liveness word for ids.c */
} stk_node;

/* A lane's private cache of free stacks.  Owner: the lane thread. */
typedef struct stk_cache {
    stk_node *head;
    int n;
} stk_cache;

/* One mapping: `nstk` stacks from addr + off up (off: a guard page under
 * them, or none); guarded: one stack with its own guard (counts against
 * the budget). */
typedef struct stk_map {
    void    *addr;
    size_t   len;
    uint32_t off, nstk;
    int      guarded;
} stk_map;

/* Per runtime.  Every field under mu. */
typedef struct stk_pool {
    pthread_mutex_t mu;
    size_t    size;         /* usable bytes per stack, page multiple */
    stk_node *free;         /* free stacks shared by every lane */
    size_t    nfree;
    stk_map  *maps;         /* every mapping, unmapped by stk_pool_fini */
    size_t    nmaps, capmaps;
    size_t    nstacks;      /* stacks ever mapped */
    size_t    nguarded;     /* of which with a guard page */
} stk_pool;

int  stk_pool_init(stk_pool *p, size_t size);   /* 0 or -errno */
void stk_pool_fini(stk_pool *p);                /* unmaps everything */

/* A stack from the cache (may be NULL), else the pool, else new mappings.
 * NULL and errno on failure. */
stk_node *stk_get(stk_pool *p, stk_cache *c);
/* Gives a stack back (to the cache when not NULL). */
void stk_put(stk_pool *p, stk_cache *c, stk_node *s);
/* Returns a cache's stacks to the pool (a lane about to exit). */
void stk_cache_drain(stk_pool *p, stk_cache *c);
/* Calls fn on every stack handed out and not given back.  Only while no
 * other thread gets or puts stacks (the runtime closing). */
void stk_pool_each_used(stk_pool *p, void (*fn)(stk_node *s, void *arg), void *arg);

/* The canary of an unguarded stack: 1 when intact, that is when its
 * lowest STK_CANARY_WORDS words are all still zero (stack.c says why zero).
 * Every word, not one in a few: an overflowing frame may write zeros too,
 * and the OR of 32 words is four cache lines of loads either way.  Inline:
 * the scheduler asks at every switch. */
#define STK_CANARY_WORDS 32     /* 256 bytes: wider than any gap a frame
                                   leaves unwritten (ASan redzones included) */
static inline int stk_canary_ok(const stk_node *s)
{
    const uint64_t *w = s->lo;
    uint64_t any = 0;
    if (s->guarded)
        return 1;
    for (int i = 0; i < STK_CANARY_WORDS; i++)
        any |= w[i];
    return any == 0;
}

/* Where the node sits in a stack and how many bytes under it are usable. */
size_t stk_usable(const stk_pool *p);

/* Process-wide number of guard pages the pools may still create.  n >= 0
 * fixes it at n (tests set 0 to exercise canary stacks); n < 0 lets the
 * pools measure it again from the mappings in use.  Returns the old
 * budget (-1: not measured yet). */
long stk_set_guard_budget(long n);

/* Whether a fault at `addr` on the stack of routine stack s is its
 * overflow: under its lowest byte and no further than a stack's size under
 * the guard page its overflow runs into.  Async-signal-safe. */
int stk_overflow_at(const stk_pool *p, const stk_node *s, const void *addr);

/* Writes "lanes: routine NAME overflowed its N KiB stack" on stderr, N the
 * size the stacks really have.  Async-signal-safe. */
void stk_overflow_report(const stk_pool *p, const char *name);

/* Reports the overflow of routine `name` and dies by SIGSEGV (through the
 * program's own handler, a terminal to restore, say). */
_Noreturn void stk_overflow_die(const stk_pool *p, const char *name);

/* Installs the SIGSEGV handler that names overflows (once per process).
 * who: the calling thread's routine's stack, its pool and name, or NULL
 * on a thread running no routine; async-signal-safe. */
typedef const stk_node *(*stk_who_fn)(const stk_pool **p, const char **name);
void stk_segv_install(stk_who_fn who);

/* A signal stack for the calling thread, so the handler can run when its
 * routine's stack is spent: what to pass to stk_altstack_off (NULL when
 * the thread has one already, a sanitizer's, or none could be had). */
void *stk_altstack_on(void);
void stk_altstack_off(void *alt);

size_t stk_page(void);

#endif
