/*
 * stack.c - the stack pool of a runtime.  Owns every stack mapping; hands a
 * stack to one routine at a time and takes it back when the routine exits.
 *
 * Mapping budget: vm.max_map_count (65530 on a stock kernel) limits the
 * number of mappings of the whole process, and a stack with its own guard
 * page costs two.  So while the process-wide budget allows, each stack is
 * its own mapping with a PROT_NONE page under it; beyond it stacks come 32
 * to a mapping, each with a canary in its lowest bytes that the scheduler
 * checks at every switch.
 *
 * The canary is "the lowest STK_CANARY_WORDS words are still zero".  A
 * fresh anonymous mapping reads as zeros, and reading a page never written
 * maps the kernel's shared zero page, which RSS does not count: so a canary
 * stack that never came near its bottom keeps only the pages its frames
 * wrote (one, for a parked routine), where a written pattern cost a second
 * resident page per stack.  An overflow writes return addresses, saved
 * registers and locals there, non-zero words the next check sees.  Only an
 * overflowing routine writes the region, and it dies at that check, so a
 * stack that passed it on its way back to the pool is still all zero.
 */
#include "config.h"
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#ifdef HAVE_VALGRIND_VALGRIND_H
#include <valgrind/valgrind.h>
#endif
#ifdef LANES_ASAN
#include <sanitizer/asan_interface.h>
#endif
#include "rassert.h"
#include "stack.h"

#define CHUNK_STACKS 32
#define CACHE_MAX    64

static atomic_long guard_budget = -1;   /* -1: not computed yet */
static pthread_once_t budget_once = PTHREAD_ONCE_INIT;

size_t stk_page(void)
{
    static size_t pg;
    if (pg == 0) {
        long v = sysconf(_SC_PAGESIZE);
        pg = v > 0 ? (size_t)v : 4096;
    }
    return pg;
}

static void budget_init(void)
{
    long max = 65530;
    FILE *f = fopen("/proc/sys/vm/max_map_count", "r");
    if (f != NULL) {
        if (fscanf(f, "%ld", &max) != 1)
            max = 65530;
        fclose(f);
    }
    /* Two mappings per guarded stack; keep 16384 for everything else
     * (malloc arenas, thread stacks, sanitizer shadow, unguarded chunks). */
    long b = (max - 16384) / 2;
    long expect = -1;
    atomic_compare_exchange_strong(&guard_budget, &expect, b < 0 ? 0 : b);
}

long stk_set_guard_budget(long n)
{
    pthread_once(&budget_once, budget_init);
    return atomic_exchange(&guard_budget, n);
}

static int take_guard(void)
{
    long b;
    pthread_once(&budget_once, budget_init);
    b = atomic_load(&guard_budget);
    while (b > 0)
        if (atomic_compare_exchange_weak(&guard_budget, &b, b - 1))
            return 1;
    return 0;
}

size_t stk_usable(const stk_pool *p) { return p->size - sizeof(stk_node); }

static stk_node *node_of(void *lo, size_t size)
{
    return (stk_node *)(void *)((char *)lo + size - sizeof(stk_node));
}

int stk_pool_init(stk_pool *p, size_t size)
{
    size_t pg = stk_page();
    memset(p, 0, sizeof *p);
    if (size < 16 * 1024)
        size = 16 * 1024;
    p->size = (size + pg - 1) & ~(pg - 1);
    if (pthread_mutex_init(&p->mu, NULL) != 0)
        return -ENOMEM;
    return 0;
}

static int add_map(stk_pool *p, void *addr, size_t len, int guarded)
{
    if (p->nmaps == p->capmaps) {
        size_t cap = p->capmaps ? p->capmaps * 2 : 64;
        stk_map *m = realloc(p->maps, cap * sizeof *m);
        if (m == NULL)
            return -1;
        p->maps = m;
        p->capmaps = cap;
    }
    p->maps[p->nmaps++] = (stk_map){ addr, len, guarded };
    return 0;
}

static stk_node *init_stack(stk_pool *p, void *lo, int guarded)
{
    stk_node *s = node_of(lo, p->size);
    s->next = NULL;
    s->lo = lo;
    s->guarded = (uint32_t)guarded;
    s->used = 0;
#ifdef HAVE_VALGRIND_VALGRIND_H
    s->vg_id = VALGRIND_STACK_REGISTER(lo, (char *)lo + p->size);
#else
    s->vg_id = 0;
#endif
    /* an unguarded stack's canary is the mapping's own zeros: untouched */
    p->nstacks++;
    return s;
}

/* Maps new stacks; called with p->mu held.  Returns one, the rest go to the
 * free list. */
static stk_node *map_more(stk_pool *p)
{
    size_t pg = stk_page();
    if (take_guard()) {
        size_t len = p->size + pg;
        char *m = mmap(NULL, len, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (m == MAP_FAILED) {
            atomic_fetch_add(&guard_budget, 1);
            return NULL;
        }
        if (mprotect(m, pg, PROT_NONE) != 0 || add_map(p, m, len, 1) != 0) {
            munmap(m, len);
            atomic_fetch_add(&guard_budget, 1);
            errno = ENOMEM;
            return NULL;
        }
        p->nguarded++;
        return init_stack(p, m + pg, 1);
    }
    size_t len = p->size * CHUNK_STACKS;
    char *m = mmap(NULL, len, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED)
        return NULL;
    if (add_map(p, m, len, 0) != 0) {
        munmap(m, len);
        errno = ENOMEM;
        return NULL;
    }
    for (int i = 1; i < CHUNK_STACKS; i++) {
        stk_node *s = init_stack(p, m + (size_t)i * p->size, 0);
        s->next = p->free;
        p->free = s;
        p->nfree++;
    }
    return init_stack(p, m, 0);
}

stk_node *stk_get(stk_pool *p, stk_cache *c)
{
    stk_node *s;
    if (c != NULL && c->head != NULL) {
        s = c->head;
        c->head = s->next;
        c->n--;
        s->next = NULL;
        s->used = 1;
        return s;
    }
    pthread_mutex_lock(&p->mu);
    s = p->free;
    if (s != NULL) {
        p->free = s->next;
        p->nfree--;
        /* refill the cache with a few while the lock is held */
        while (c != NULL && c->n < CACHE_MAX / 4 && p->free != NULL) {
            stk_node *t = p->free;
            p->free = t->next;
            p->nfree--;
            t->next = c->head;
            c->head = t;
            c->n++;
        }
    } else {
        s = map_more(p);
    }
    pthread_mutex_unlock(&p->mu);
    if (s != NULL) {
        s->next = NULL;
        s->used = 1;
    }
    return s;
}

/* A dead routine's frames are still poisoned for ASan: clean the stack
 * before anybody reuses it. */
static void scrub(stk_pool *p, stk_node *s)
{
#ifdef LANES_ASAN
    ASAN_UNPOISON_MEMORY_REGION(s->lo, p->size - sizeof(stk_node));
#else
    (void)p;
    (void)s;
#endif
}

void stk_put(stk_pool *p, stk_cache *c, stk_node *s)
{
    RT_ASSERT(stk_canary_ok(s));
    scrub(p, s);
    s->used = 0;
    if (c != NULL && c->n < CACHE_MAX) {
        s->next = c->head;
        c->head = s;
        c->n++;
        return;
    }
    pthread_mutex_lock(&p->mu);
    s->next = p->free;
    p->free = s;
    p->nfree++;
    /* a full cache gives half back so other lanes can reuse them */
    while (c != NULL && c->n > CACHE_MAX / 2) {
        stk_node *t = c->head;
        c->head = t->next;
        c->n--;
        t->next = p->free;
        p->free = t;
        p->nfree++;
    }
    pthread_mutex_unlock(&p->mu);
}

void stk_cache_drain(stk_pool *p, stk_cache *c)
{
    pthread_mutex_lock(&p->mu);
    while (c->head != NULL) {
        stk_node *t = c->head;
        c->head = t->next;
        t->next = p->free;
        p->free = t;
        p->nfree++;
    }
    c->n = 0;
    pthread_mutex_unlock(&p->mu);
}

void stk_pool_each_used(stk_pool *p, void (*fn)(stk_node *s, void *arg), void *arg)
{
    size_t pg = stk_page();
    (void)pg;   /* unused without valgrind.h and ASan */
    for (size_t i = 0; i < p->nmaps; i++) {
        stk_map *m = &p->maps[i];
        size_t n = m->guarded ? 1 : CHUNK_STACKS;
        char *lo0 = (char *)m->addr + (m->guarded ? pg : 0);
        for (size_t k = 0; k < n; k++) {
            stk_node *s = node_of(lo0 + k * p->size, p->size);
            if (s->used)
                fn(s, arg);
        }
    }
}

void stk_pool_fini(stk_pool *p)
{
    size_t pg = stk_page();
    (void)pg;   /* unused without valgrind.h and ASan */
    for (size_t i = 0; i < p->nmaps; i++) {
        stk_map *m = &p->maps[i];
#ifdef HAVE_VALGRIND_VALGRIND_H
        size_t n = m->guarded ? 1 : CHUNK_STACKS;
        char *lo0 = (char *)m->addr + (m->guarded ? pg : 0);
        for (size_t k = 0; k < n; k++)
            VALGRIND_STACK_DEREGISTER(node_of(lo0 + k * p->size, p->size)->vg_id);
#endif
#ifdef LANES_ASAN
        ASAN_UNPOISON_MEMORY_REGION((char *)m->addr + (m->guarded ? pg : 0),
                                    m->len - (m->guarded ? pg : 0));
#endif
        munmap(m->addr, m->len);
        if (m->guarded)
            atomic_fetch_add(&guard_budget, 1);
    }
    free(p->maps);
    pthread_mutex_destroy(&p->mu);
    memset(p, 0, sizeof *p);
}
