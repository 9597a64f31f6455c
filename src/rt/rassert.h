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

#endif
