/*
 * os.c - what the runtime asks of the operating system: the SIGSEGV
 * handler and signal stacks that turn a stack overflow into a message,
 * CPU affinity (online CPUs, pinning), the process-wide barrier
 * (membarrier) and the runtime's assertion failure (after Go's os_*.go).
 *
 * Owns the saved SIGSEGV action.  Must not take runtime locks: the
 * handler runs on any thread at any moment.  Invariant: the handler only
 * writes (async-signal-safe) and always passes the fault on.
 */
#include "config.h"
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/membarrier.h>
#include <sys/syscall.h>
#endif
#include "rt_int.h"

void rt_assert_fail(const char *expr, const char *file, int line, const char *func)
{
    fprintf(stderr, "lanes: internal error: %s:%d: %s: assertion '%s' failed\n",
            file, line, func, expr);
    abort();
}

#ifdef LANES_TSAN
atomic_int rt_fence_dummy;
#endif

/* Whether this process can have membarrier make every running thread of
 * it pass a full barrier (registers for that; cheap, so every lanes_open
 * asks again: a forked child must register anew).  The same as trace.c's. */
int membar_ready(void)
{
#if defined(__linux__) && defined(__NR_membarrier)
    return syscall(__NR_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0 &&
           syscall(__NR_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) == 0;
#else
    return 0;
#endif
}

void membar_heavy(void)
{
#if defined(__linux__) && defined(__NR_membarrier)
    if (syscall(__NR_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) == 0)
        return;
    RT_ASSERT(syscall(__NR_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0) == 0);
#else
    RT_ASSERT(!"rt->solo without membarrier");
#endif
}

/* ---- signals: stack overflow ------------------------------------------------ */

static struct sigaction old_segv;
static pthread_once_t segv_once = PTHREAD_ONCE_INIT;

static size_t cat(char *buf, size_t at, size_t cap, const char *s)
{
    while (*s != '\0' && at + 1 < cap)
        buf[at++] = *s++;
    buf[at] = '\0';
    return at;
}

/* Async-signal-safe: only writes. */
static void overflow_report(const rt_routine *r)
{
    char buf[160], num[24];
    size_t at = 0, kib = r->rt->stack_size / 1024, k = sizeof num - 1;
    num[k] = '\0';
    do {
        num[--k] = (char)('0' + kib % 10);
        kib /= 10;
    } while (kib > 0 && k > 0);
    at = cat(buf, at, sizeof buf, "lanes: routine ");
    at = cat(buf, at, sizeof buf, r->name != NULL ? r->name : "?");
    at = cat(buf, at, sizeof buf, " overflowed its ");
    at = cat(buf, at, sizeof buf, num + k);
    at = cat(buf, at, sizeof buf, " KiB stack\n");
    if (write(2, buf, at) < 0) {
        /* nothing left to tell */
    }
}

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

static void die_by_segv(void)
{
    struct sigaction sa;
    sigset_t set;
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

void overflow_die(rt_routine *r)
{
    overflow_report(r);
    die_by_segv();
}

static void segv_handler(int sig, siginfo_t *si, void *uctx)
{
    rt_routine *r = rt_tl_self;
    uintptr_t a = (uintptr_t)si->si_addr;
    (void)sig;
    (void)uctx;
    if (r != NULL) {
        /* a fault in the guard page, or (a big frame jumps over it, or a
         * canary stack has no guard) up to a stack's size under it */
        uintptr_t lo = (uintptr_t)r->stk->lo;
        uintptr_t reach = r->rt->stack_size;
        if (a < lo && a >= lo - reach) {
            overflow_report(r);
            sigaction(SIGSEGV, overflow_next(), NULL);
            return;             /* the fault repeats, the next handler kills */
        }
    }
    sigaction(SIGSEGV, &old_segv, NULL);    /* not ours: the old handler sees it again */
}

static void segv_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = segv_handler;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, &old_segv);
}

void altstack_on(rt_lane *l)
{
    stack_t ss, old;
    size_t sz = 64 * 1024;
    l->altstack = NULL;
    if (sigaltstack(NULL, &old) == 0 && !(old.ss_flags & SS_DISABLE))
        return;                 /* someone (a sanitizer) already gave one */
    void *m = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        return;
    ss.ss_sp = m;
    ss.ss_size = sz;
    ss.ss_flags = 0;
    if (sigaltstack(&ss, NULL) != 0) {
        munmap(m, sz);
        return;
    }
    l->altstack = m;
}

void altstack_off(rt_lane *l)
{
    stack_t ss;
    if (l->altstack == NULL)
        return;
    memset(&ss, 0, sizeof ss);
    ss.ss_flags = SS_DISABLE;
    sigaltstack(&ss, NULL);
    munmap(l->altstack, 64 * 1024);
    l->altstack = NULL;
}

void os_segv_install(void)
{
    pthread_once(&segv_once, segv_install);
}

void os_pin(rt_lane *l)
{
#ifdef HAVE_PTHREAD_SETAFFINITY_NP
    lanes_rt *rt = l->rt;
    cpu_set_t set;
    if (!(rt->flags & LANES_PIN_CPUS) || rt->ncpu <= 0)
        return;
    CPU_ZERO(&set);
    CPU_SET(rt->cpus[l->idx % rt->ncpu], &set);
    pthread_setaffinity_np(pthread_self(), sizeof set, &set);
#else
    (void)l;
#endif
}

int os_affinity_cpus(int *cpus, int max)
{
    int n = 0;
#ifdef CPU_ISSET
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        for (int i = 0; i < CPU_SETSIZE; i++)
            if (CPU_ISSET(i, &set)) {
                if (cpus != NULL && n < max)
                    cpus[n] = i;
                n++;
            }
        return n;
    }
#endif
    long v = sysconf(_SC_NPROCESSORS_ONLN);
    n = v > 0 ? (int)v : 1;
    for (int i = 0; cpus != NULL && i < n && i < max; i++)
        cpus[i] = i;
    return n;
}

int lanes_online_cpus(void)
{
    return os_affinity_cpus(NULL, 0);
}
