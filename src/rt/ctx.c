/*
 * ctx.c - execution contexts: the hand-written switch for x86-64 and
 * aarch64, the ucontext fallback, and the sanitizer bookkeeping of each
 * context.  Owns nothing but the bytes of a new context's first frame; the
 * stacks themselves belong to stack.c.
 *
 * Invariant: a context's saved frame holds exactly what ctx_swap_asm pushes,
 * so the first switch to a new context "returns" into ctx_start_asm.
 */
#include "config.h"
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include "ctx.h"
#include "rassert.h"

#ifdef LANES_SWITCH_ASM
#if defined(__x86_64__)
/*
 * Frame (low to high): mxcsr+x87 cw (8 bytes), r15, r14, r13, r12, rbx, rbp,
 * return address.  A new context gets r12 = arg, r13 = entry and returns
 * into ctx_start_asm, which calls entry(arg) on a 16-byte aligned stack.
 * The SysV ABI keeps the control bits of mxcsr and the x87 control word
 * across a call, so each context keeps its own (a routine's rounding mode
 * must not leak into the next: test_sched_fp_control_per_routine).  They
 * cost ~2 ns of a bare switch but under 1 ns of a yield, where the rest
 * of the switch hides them; loading them only when they differ is slower
 * (the reload of the fresh stmxcsr/fnstcw stores stalls).
 */
__asm__(
    ".text\n"
    ".globl ctx_swap_asm\n"
    ".type ctx_swap_asm,@function\n"
    ".p2align 4\n"
    "ctx_swap_asm:\n"
    "    pushq %rbp\n"
    "    pushq %rbx\n"
    "    pushq %r12\n"
    "    pushq %r13\n"
    "    pushq %r14\n"
    "    pushq %r15\n"
    "    subq $8, %rsp\n"
    "    stmxcsr (%rsp)\n"
    "    fnstcw 4(%rsp)\n"
    "    movq %rsp, (%rdi)\n"
    "    movq %rsi, %rsp\n"
    "    ldmxcsr (%rsp)\n"
    "    fldcw 4(%rsp)\n"
    "    addq $8, %rsp\n"
    "    popq %r15\n"
    "    popq %r14\n"
    "    popq %r13\n"
    "    popq %r12\n"
    "    popq %rbx\n"
    "    popq %rbp\n"
    "    ret\n"
    ".size ctx_swap_asm, .-ctx_swap_asm\n"
    ".p2align 4\n"
    "ctx_start_asm:\n"
    "    movq %r12, %rdi\n"
    "    callq *%r13\n"
    "    ud2\n"
);
#define FRAME_WORDS 8
#elif defined(__aarch64__)
/*
 * Frame (176 bytes): x19..x28, x29, x30, d8..d15, fpcr, 8 bytes of padding.
 * A new context gets x19 = arg, x20 = entry, x30 = ctx_start_asm, fpcr = 0
 * (Linux's default: round to nearest, no flush-to-zero, no traps).
 * AAPCS64 treats the FPCR control fields (rounding mode, FZ, DN, trap
 * enables) as global state that a call leaves alone unless changing it is
 * the callee's purpose (fesetround), so a yield must keep each context's
 * own (test_sched_fp_control_per_routine).  Reading FPCR is cheap; writing
 * it may synchronise the FP unit on some cores, so it is written only when
 * the two contexts differ, which is almost never.
 * ctx_start_asm is a hidden global: as a local label, PIE code reached it
 * through a GOT entry for ".text + offset" and the linker dropped the
 * offset (the first switch "returned" into ctx_swap_asm itself).
 */
__asm__(
    ".text\n"
    ".globl ctx_swap_asm\n"
    ".type ctx_swap_asm,%function\n"
    ".p2align 4\n"
    "ctx_swap_asm:\n"
    "    sub sp, sp, #176\n"
    "    stp x19, x20, [sp, #0]\n"
    "    stp x21, x22, [sp, #16]\n"
    "    stp x23, x24, [sp, #32]\n"
    "    stp x25, x26, [sp, #48]\n"
    "    stp x27, x28, [sp, #64]\n"
    "    stp x29, x30, [sp, #80]\n"
    "    stp d8, d9, [sp, #96]\n"
    "    stp d10, d11, [sp, #112]\n"
    "    stp d12, d13, [sp, #128]\n"
    "    stp d14, d15, [sp, #144]\n"
    "    mrs x10, fpcr\n"
    "    str x10, [sp, #160]\n"
    "    mov x9, sp\n"
    "    str x9, [x0]\n"
    "    mov sp, x1\n"
    "    ldr x11, [sp, #160]\n"
    "    cmp x10, x11\n"
    "    b.eq 1f\n"
    "    msr fpcr, x11\n"
    "1:\n"
    "    ldp x19, x20, [sp, #0]\n"
    "    ldp x21, x22, [sp, #16]\n"
    "    ldp x23, x24, [sp, #32]\n"
    "    ldp x25, x26, [sp, #48]\n"
    "    ldp x27, x28, [sp, #64]\n"
    "    ldp x29, x30, [sp, #80]\n"
    "    ldp d8, d9, [sp, #96]\n"
    "    ldp d10, d11, [sp, #112]\n"
    "    ldp d12, d13, [sp, #128]\n"
    "    ldp d14, d15, [sp, #144]\n"
    "    add sp, sp, #176\n"
    "    ret\n"
    ".size ctx_swap_asm, .-ctx_swap_asm\n"
    ".p2align 4\n"
    ".globl ctx_start_asm\n"
    ".hidden ctx_start_asm\n"
    ".type ctx_start_asm,%function\n"
    "ctx_start_asm:\n"
    "    mov x0, x19\n"
    "    blr x20\n"
    "    brk #0\n"
);
#define FRAME_WORDS 22
#else
#error "LANES_SWITCH_ASM on a CPU without a hand-written switch: configure --with-switch=ucontext"
#endif
__attribute__((visibility("hidden"))) void ctx_start_asm(void);
#endif /* LANES_SWITCH_ASM */

#ifndef LANES_SWITCH_ASM
/* makecontext passes ints: the entry and its argument travel in halves. */
static void ctx_start_uc(unsigned e_hi, unsigned e_lo, unsigned a_hi, unsigned a_lo)
{
    void (*entry)(void *) = (void (*)(void *))(((uintptr_t)e_hi << 32) | e_lo);
    void *arg = (void *)(((uintptr_t)a_hi << 32) | a_lo);
    entry(arg);
    RT_ASSERT(!"a context's entry returned");
}
#endif

void ctx_make(rt_ctx *c, void *lo, size_t size, void (*entry)(void *), void *arg)
{
    memset(c, 0, sizeof *c);
#ifdef LANES_SWITCH_ASM
    uintptr_t top = ((uintptr_t)lo + size) & ~(uintptr_t)15;
    void **sp;
#if defined(__x86_64__)
    top -= 16;                       /* slack above the first frame */
    sp = (void **)top - FRAME_WORDS;
    memset(sp, 0, FRAME_WORDS * sizeof(void *));
    ((uint32_t *)sp)[0] = 0x1f80;    /* mxcsr: all exceptions masked */
    ((uint16_t *)sp)[2] = 0x037f;    /* x87 control word, default */
    sp[3] = (void *)entry;           /* r13 */
    sp[4] = arg;                     /* r12 */
    sp[6] = NULL;                    /* rbp */
    sp[7] = (void *)ctx_start_asm;   /* return address: after it, rsp = top */
#else
    top -= 16;
    sp = (void **)top - FRAME_WORDS;
    memset(sp, 0, FRAME_WORDS * sizeof(void *));
    sp[0] = arg;                     /* x19 */
    sp[1] = (void *)entry;           /* x20 */
    sp[10] = NULL;                   /* x29 */
    sp[11] = (void *)ctx_start_asm;  /* x30 */
    sp[20] = NULL;                   /* fpcr: default */
#endif
    c->sp = sp;
#else
    uintptr_t e = (uintptr_t)entry, a = (uintptr_t)arg;
    RT_ASSERT(getcontext(&c->uc) == 0);
    c->uc.uc_stack.ss_sp = lo;
    c->uc.uc_stack.ss_size = size;
    c->uc.uc_link = NULL;
    makecontext(&c->uc, (void (*)(void))ctx_start_uc, 4,
                (unsigned)(e >> 32), (unsigned)e, (unsigned)(a >> 32), (unsigned)a);
#endif
#ifdef LANES_ASAN
    c->stk_lo = lo;
    c->stk_size = size;
#endif
#ifdef LANES_TSAN
    c->fiber = __tsan_create_fiber(0);
    c->own_fiber = 1;
#endif
}

void ctx_init_thread(rt_ctx *c)
{
    memset(c, 0, sizeof *c);
#ifdef LANES_ASAN
    pthread_attr_t a;
    void *lo = NULL;
    size_t sz = 0;
    if (pthread_getattr_np(pthread_self(), &a) == 0) {
        pthread_attr_getstack(&a, &lo, &sz);
        pthread_attr_destroy(&a);
    }
    c->stk_lo = lo;
    c->stk_size = sz;
#endif
#ifdef LANES_TSAN
    c->fiber = __tsan_get_current_fiber();
    c->own_fiber = 0;
#endif
}

void ctx_entered(void)
{
#ifdef LANES_ASAN
    __sanitizer_finish_switch_fiber(NULL, NULL, NULL);
#endif
}

void ctx_free(rt_ctx *c)
{
#ifdef LANES_TSAN
    if (c->own_fiber && c->fiber != NULL)
        __tsan_destroy_fiber(c->fiber);
    c->fiber = NULL;
#else
    (void)c;
#endif
}
