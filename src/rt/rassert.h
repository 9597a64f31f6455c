/*
 * rassert.h - the runtime's always-on assertion for scheduler invariants.
 *
 * RT_ASSERT stays in release builds: a broken invariant in the scheduler
 * (a routine on two queues, a lane running while parked) must stop the
 * process at once with the place, never go on to corrupt a stack.
 */
#ifndef LANES_RASSERT_H
#define LANES_RASSERT_H

_Noreturn void rt_assert_fail(const char *expr, const char *file, int line,
                              const char *func);

#define RT_ASSERT(c) \
    (__builtin_expect(!!(c), 1) ? (void)0 \
                                : rt_assert_fail(#c, __FILE__, __LINE__, __func__))

/* A memory fence.  ThreadSanitizer does not model fences (and warns about
 * them), so under it a sequentially consistent read-modify-write on a
 * shared dummy stands in: a full barrier on real hardware too. */
#include "config.h"
#include <stdatomic.h>
#ifdef LANES_TSAN
extern atomic_int rt_fence_dummy;
#define RT_FENCE(order) ((void)(order), (void)atomic_fetch_add(&rt_fence_dummy, 0))
#else
#define RT_FENCE(order) atomic_thread_fence(order)
#endif

#endif
