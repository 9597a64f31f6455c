/*
 * os.c - what the runtime asks of the operating system: the SIGSEGV
 * handler's view of routines (stack.c reports an overflow and passes the
 * fault on), CPU affinity (online CPUs, pinning), the process-wide
 * barrier (membarrier) and the runtime's assertion failure (after Go's
 * os_*.go).
 *
 * Owns nothing but the handler's one-time installation.  Must not take
 * runtime locks: the handler's question (segv_who) runs on any thread at
 * any moment.  Invariant: segv_who only reads the calling thread's own
 * routine (async-signal-safe).
 */
#include "config.h"
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
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

static pthread_once_t segv_once = PTHREAD_ONCE_INIT;

/* The fault handler's question (stack.c): the calling thread's routine's
 * stack, pool and name.  Async-signal-safe. */
static const stk_node *segv_who(const stk_pool **p, const char **name)
{
    rt_routine *r = rt_tl_self;
    if (r == NULL)
        return NULL;
    *p = &r->rt->stacks;
    *name = r->name;
    return r->stk;
}

static void segv_install(void)
{
    stk_segv_install(segv_who);
}

void overflow_die(rt_routine *r)
{
    stk_overflow_die(&r->rt->stacks, r->name);
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
