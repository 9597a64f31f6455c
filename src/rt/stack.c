/*
 * stack.c - the stack pool of a runtime.  Owns every stack mapping; hands a
 * stack to one routine at a time and takes it back when the routine exits.
 * Also the process's SIGSEGV handler that names a routine's overflow, and
 * the lanes' signal stacks it runs on.
 *
 * Mapping budget: vm.max_map_count (65530 on a stock kernel) limits the
 * number of mappings of the whole process, and a stack with its own guard
 * page costs two.  So while the process-wide budget allows (measured from
 * the mappings the process holds, see guard_budget), each stack is its own
 * mapping with a PROT_NONE page under it; beyond it, or when the kernel
 * refuses one, stacks come 32 to a mapping over one PROT_NONE page, each
 * with a canary in its lowest bytes that the scheduler checks at every
 * switch.  An overflow that never comes back to a switch (runaway
 * recursion) runs down into that page and is named there.
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
#include <fcntl.h>
#include <signal.h>
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
#define MAP_RESERVE  16384      /* mappings left to everything else (malloc
                                   arenas, thread stacks, sanitizer shadow,
                                   the program's own), at most max / 4 */
#define REMEASURE    8192       /* stacks mapped with no budget left before
                                   the mappings in use are counted again */

/* Guard pages the pools may still create, process-wide: -1 until
 * measured.  Measured from the mappings the process really holds, at the
 * first guarded stack and again, while it is spent, every REMEASURE
 * stacks (the program may have let some go), never per spawn: counting
 * /proc/self/maps takes a while at 65,000 lines.  It is an estimate that
 * other threads' mappings may outdate; a guarded stack that then cannot
 * be mapped falls back to a chunk. */
static atomic_long guard_budget = -1;
static atomic_int budget_fixed;         /* set by stk_set_guard_budget(n >= 0) */
static atomic_long since_measure;       /* stacks mapped since the last count */
static pthread_mutex_t measure_mu = PTHREAD_MUTEX_INITIALIZER;

size_t stk_page(void)
{
    static size_t pg;
    if (pg == 0) {
        long v = sysconf(_SC_PAGESIZE);
        pg = v > 0 ? (size_t)v : 4096;
    }
    return pg;
}

/* Lines of a /proc file (its records), or -1. */
static long count_lines(const char *path)
{
    char buf[16384];
    long n = 0;
    ssize_t k;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    while ((k = read(fd, buf, sizeof buf)) > 0)
        for (ssize_t i = 0; i < k; i++)
            n += buf[i] == '\n';
    close(fd);
    return k < 0 ? -1 : n;
}

/* Two mappings per guarded stack, out of what vm.max_map_count leaves
 * after the mappings in use and a reserve. */
static long measure(void)
{
    long max = 65530, used;
    FILE *f = fopen("/proc/sys/vm/max_map_count", "r");
    if (f != NULL) {
        if (fscanf(f, "%ld", &max) != 1)
            max = 65530;
        fclose(f);
    }
    used = count_lines("/proc/self/maps");
    if (used < 0)
        used = 1024;
    long reserve = max / 4 < MAP_RESERVE ? max / 4 : MAP_RESERVE;
    long b = (max - used - reserve) / 2;
    return b > 0 ? b : 0;
}

long stk_set_guard_budget(long n)
{
    atomic_store(&budget_fixed, n >= 0);
    atomic_store(&since_measure, 0);
    return atomic_exchange(&guard_budget, n >= 0 ? n : -1);
}

static int take_guard(void)
{
    long b = atomic_load(&guard_budget);
    if (b < 0 || (b == 0 && !atomic_load(&budget_fixed) &&
                  atomic_load(&since_measure) >= REMEASURE)) {
        pthread_mutex_lock(&measure_mu);
        b = atomic_load(&guard_budget);
        if (b < 0 || (b == 0 && !atomic_load(&budget_fixed) &&
                      atomic_load(&since_measure) >= REMEASURE)) {
            b = measure();
            atomic_store(&guard_budget, b);
            atomic_store(&since_measure, 0);
        }
        pthread_mutex_unlock(&measure_mu);
    }
    while (b > 0)
        if (atomic_compare_exchange_weak(&guard_budget, &b, b - 1))
            return 1;
    return 0;
}

/* A guarded stack unmapped (or never made): its guard may be had again,
 * unless the budget is fixed or due to be measured anyway. */
static void give_guard(void)
{
    long b = atomic_load(&guard_budget);
    if (atomic_load(&budget_fixed))
        return;
    while (b >= 0 && !atomic_compare_exchange_weak(&guard_budget, &b, b + 1))
        ;
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

static int add_map(stk_pool *p, void *addr, size_t len, uint32_t off, uint32_t nstk,
                   int guarded)
{
    if (p->nmaps == p->capmaps) {
        size_t cap = p->capmaps ? p->capmaps * 2 : 64;
        stk_map *m = realloc(p->maps, cap * sizeof *m);
        if (m == NULL)
            return -1;
        p->maps = m;
        p->capmaps = cap;
    }
    p->maps[p->nmaps++] = (stk_map){ addr, len, off, nstk, guarded };
    return 0;
}

static stk_node *init_stack(stk_pool *p, void *lo, void *guard, int guarded)
{
    stk_node *s = node_of(lo, p->size);
    s->next = NULL;
    s->lo = lo;
    s->guard = guard;
    s->guarded = (uint32_t)guarded;
    s->used = 0;
    atomic_init(&s->owner, 0);
#ifdef HAVE_VALGRIND_VALGRIND_H
    s->vg_id = VALGRIND_STACK_REGISTER(lo, (char *)lo + p->size);
#else
    s->vg_id = 0;
#endif
    /* an unguarded stack's canary is the mapping's own zeros: untouched */
    p->nstacks++;
    return s;
}

/* One stack in a mapping of its own with a guard page: NULL when the
 * budget is spent or the kernel refuses (its map count reached). */
static stk_node *map_guarded(stk_pool *p)
{
    size_t pg = stk_page(), len = p->size + pg;
    char *m;
    if (!take_guard())
        return NULL;
    m = mmap(NULL, len, PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m != MAP_FAILED && mprotect(m, pg, PROT_NONE) == 0 &&
        add_map(p, m, len, (uint32_t)pg, 1, 1) == 0) {
        p->nguarded++;
        atomic_fetch_add(&since_measure, 1);
        return init_stack(p, m + pg, m, 1);
    }
    if (m != MAP_FAILED)
        munmap(m, len);
    /* the estimate was too kind (the program's own mappings grew): none
     * until the next count */
    if (!atomic_load(&budget_fixed)) {
        atomic_store(&guard_budget, 0);
        atomic_store(&since_measure, 0);
    }
    return NULL;
}

/*
 * CHUNK_STACKS stacks in one mapping, over one guard page: two mappings
 * for them all.  A stack's overflow runs down through its neighbours
 * (their canaries catch what comes back) into that page, where the fault
 * handler names it (stk_overflow_at).  When even the guard page cannot be
 * had (the map count reached), the chunk goes without: canaries only.
 */
static stk_node *map_chunk(stk_pool *p)
{
    size_t pg = stk_page(), len = p->size * CHUNK_STACKS + pg;
    uint32_t off = (uint32_t)pg;
    char *m = mmap(NULL, len, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED)
        return NULL;
    if (mprotect(m, pg, PROT_NONE) != 0)
        off = 0;
    if (add_map(p, m, len, off, CHUNK_STACKS, 0) != 0) {
        munmap(m, len);
        errno = ENOMEM;
        return NULL;
    }
    atomic_fetch_add(&since_measure, CHUNK_STACKS);
    char *lo0 = m + off;
    void *guard = off != 0 ? m : NULL;
    for (int i = 1; i < CHUNK_STACKS; i++) {
        stk_node *s = init_stack(p, lo0 + (size_t)i * p->size, guard, 0);
        s->next = p->free;
        p->free = s;
        p->nfree++;
    }
    return init_stack(p, lo0, guard, 0);
}

/* Maps new stacks; called with p->mu held.  Returns one, the rest go to the
 * free list. */
static stk_node *map_more(stk_pool *p)
{
    stk_node *s = map_guarded(p);
    return s != NULL ? s : map_chunk(p);
}

int stk_overflow_at(const stk_pool *p, const stk_node *s, const void *addr)
{
    uintptr_t a = (uintptr_t)addr, lo = (uintptr_t)s->lo;
    uintptr_t floor = s->guard != NULL ? (uintptr_t)s->guard : lo;
    /* a big frame may jump over the guard page: up to a stack's size */
    floor = floor > p->size ? floor - p->size : 0;
    return a < lo && a >= floor;
}

static size_t cat(char *buf, size_t at, size_t cap, const char *s)
{
    while (*s != '\0' && at + 1 < cap)
        buf[at++] = *s++;
    buf[at] = '\0';
    return at;
}

void stk_overflow_report(const stk_pool *p, const char *name)
{
    char buf[160], num[24];
    size_t at = 0, kib = p->size / 1024, k = sizeof num - 1;
    num[k] = '\0';
    do {
        num[--k] = (char)('0' + kib % 10);
        kib /= 10;
    } while (kib > 0 && k > 0);
    at = cat(buf, at, sizeof buf, "lanes: routine ");
    at = cat(buf, at, sizeof buf, name != NULL ? name : "?");
    at = cat(buf, at, sizeof buf, " overflowed its ");
    at = cat(buf, at, sizeof buf, num + k);
    at = cat(buf, at, sizeof buf, " KiB stack\n");
    if (write(2, buf, at) < 0) {
        /* nothing left to tell */
    }
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
    for (size_t i = 0; i < p->nmaps; i++) {
        stk_map *m = &p->maps[i];
        char *lo0 = (char *)m->addr + m->off;
        for (size_t k = 0; k < m->nstk; k++) {
            stk_node *s = node_of(lo0 + k * p->size, p->size);
            if (s->used)
                fn(s, arg);
        }
    }
}

void stk_pool_fini(stk_pool *p)
{
    for (size_t i = 0; i < p->nmaps; i++) {
        stk_map *m = &p->maps[i];
#ifdef HAVE_VALGRIND_VALGRIND_H
        char *lo0 = (char *)m->addr + m->off;
        for (size_t k = 0; k < m->nstk; k++)
            VALGRIND_STACK_DEREGISTER(node_of(lo0 + k * p->size, p->size)->vg_id);
#endif
#ifdef LANES_ASAN
        ASAN_UNPOISON_MEMORY_REGION((char *)m->addr + m->off, m->len - m->off);
#endif
        munmap(m->addr, m->len);
        if (m->guarded)
            give_guard();
    }
    free(p->maps);
    pthread_mutex_destroy(&p->mu);
    memset(p, 0, sizeof *p);
}

/* ---- the guard-page fault ------------------------------------------------ */

static struct sigaction old_segv;
static stk_who_fn segv_who;

/* The handler to pass a guard-page hit on to: the program's own (a terminal
 * to restore, say), or the default one.  Under ASan its handler would exit
 * with a status instead of dying by the signal, so the default there. */
static const struct sigaction *overflow_next(void)
{
    static struct sigaction dfl;
#ifndef LANES_ASAN
    if (old_segv.sa_handler != SIG_IGN)
        return &old_segv;
#endif
    dfl.sa_handler = SIG_DFL;
    return &dfl;
}

_Noreturn void stk_overflow_die(const stk_pool *p, const char *name)
{
    struct sigaction sa;
    sigset_t set;
    stk_overflow_report(p, name);
    sigemptyset(&set);
    sigaddset(&set, SIGSEGV);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    sigaction(SIGSEGV, overflow_next(), NULL);
    raise(SIGSEGV);
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    sigaction(SIGSEGV, &sa, NULL);
    sigemptyset(&set);
    sigaddset(&set, SIGSEGV);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    raise(SIGSEGV);
    abort();
}

static void segv_handler(int sig, siginfo_t *si, void *uctx)
{
    const stk_pool *p = NULL;
    const char *name = NULL;
    const stk_node *s = segv_who != NULL ? segv_who(&p, &name) : NULL;
    (void)sig;
    (void)uctx;
    /* a fault in the guard page under its stack (or its chunk), or (a big
     * frame jumps over it) up to a stack's size under that */
    if (s != NULL && stk_overflow_at(p, s, si->si_addr)) {
        stk_overflow_report(p, name);
        sigaction(SIGSEGV, overflow_next(), NULL);
        return;                 /* the fault repeats, the next handler kills */
    }
    sigaction(SIGSEGV, &old_segv, NULL);    /* not ours: the old handler sees it again */
}

void stk_segv_install(stk_who_fn who)
{
    struct sigaction sa;
    segv_who = who;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = segv_handler;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, &old_segv);
}

#define ALTSTACK_SIZE (64 * 1024)

void *stk_altstack_on(void)
{
    stack_t ss, old;
    void *m;
    if (sigaltstack(NULL, &old) == 0 && !(old.ss_flags & SS_DISABLE))
        return NULL;            /* someone (a sanitizer) already gave one */
    m = mmap(NULL, ALTSTACK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        return NULL;
    ss.ss_sp = m;
    ss.ss_size = ALTSTACK_SIZE;
    ss.ss_flags = 0;
    if (sigaltstack(&ss, NULL) != 0) {
        munmap(m, ALTSTACK_SIZE);
        return NULL;
    }
    return m;
}

void stk_altstack_off(void *alt)
{
    stack_t ss;
    if (alt == NULL)
        return;
    memset(&ss, 0, sizeof ss);
    ss.ss_flags = SS_DISABLE;
    sigaltstack(&ss, NULL);
    munmap(alt, ALTSTACK_SIZE);
}
