/*
 * ctx.h - one execution context (registers and a stack) and the switch
 * between two of them.
 *
 * With LANES_SWITCH_ASM the switch is ctx_swap_asm (ctx.c): it pushes the
 * callee-saved registers on the current stack, stores the stack pointer,
 * loads the other one and pops: no system call.  Otherwise ucontext.
 * ctx_switch is always inlined into its caller so that the sanitizer fiber
 * calls (above all __tsan_switch_to_fiber) happen in the function that
 * really switches.
 */
#ifndef LANES_CTX_H
#define LANES_CTX_H

#include "config.h"
#include <stddef.h>
#ifndef LANES_SWITCH_ASM
#include <ucontext.h>
#endif
#ifdef LANES_ASAN
#include <sanitizer/common_interface_defs.h>
#endif
#ifdef LANES_TSAN
#include <sanitizer/tsan_interface.h>
#endif

typedef struct rt_ctx {
#ifdef LANES_SWITCH_ASM
    void *sp;               /* saved stack pointer while switched out */
#else
    ucontext_t uc;
#endif
#ifdef LANES_ASAN
    void *fake_stack;       /* ASan's fake stack while switched out */
    const void *stk_lo;     /* this context's stack, for ASan */
    size_t stk_size;
#endif
#ifdef LANES_TSAN
    void *fiber;            /* TSan fiber of this context */
    int own_fiber;          /* created by ctx_make: destroyed by ctx_free */
#endif
} rt_ctx;

/* A new context that will call entry(arg) on [lo, lo+size) when first
 * switched to.  entry must never return. */
void ctx_make(rt_ctx *c, void *lo, size_t size, void (*entry)(void *), void *arg);

/* The calling thread's own context (its pthread stack), to switch back to. */
void ctx_init_thread(rt_ctx *c);

/* First thing a new context's entry function calls. */
void ctx_entered(void);

/* Releases what ctx_make allocated (the TSan fiber).  Not the current one. */
void ctx_free(rt_ctx *c);

#ifdef LANES_SWITCH_ASM
void ctx_swap_asm(void **save_sp, void *load_sp);
#endif

/* Saves the running context into `from` and resumes `to`.  Returns when
 * something switches back to `from`.  from_dies: `from` is never resumed
 * (ASan then drops its fake stack). */
static inline __attribute__((always_inline)) void
ctx_switch(rt_ctx *from, rt_ctx *to, int from_dies)
{
#ifdef LANES_ASAN
    __sanitizer_start_switch_fiber(from_dies ? NULL : &from->fake_stack,
                                   to->stk_lo, to->stk_size);
#else
    (void)from_dies;
#endif
#ifdef LANES_TSAN
    __tsan_switch_to_fiber(to->fiber, 0);
#endif
#ifdef LANES_SWITCH_ASM
    ctx_swap_asm(&from->sp, to->sp);
#else
    swapcontext(&from->uc, &to->uc);
#endif
#ifdef LANES_ASAN
    __sanitizer_finish_switch_fiber(from->fake_stack, NULL, NULL);
#endif
}

#endif
