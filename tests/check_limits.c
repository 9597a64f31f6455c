/*
 * check_limits.c - the runtime at its edges (issue 14): waits with no
 * deadline, drop counts of tiny rings, stacks beyond the guard-page budget
 * and beyond the mappings the process already holds, millions of ids and
 * names, stopping in the middle of a long tick.  Every check reads counts,
 * ids, names or the fate of a child process; none measures the clock.
 */
#include "config.h"
#include <check.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "lanes.h"
#include "rtdebug.h"

static lanes_rt *rt;

static void teardown(void)
{
    lanes_close(rt);
    rt = NULL;
}

static void msleep(int ms)
{
    nanosleep(&(struct timespec){ ms / 1000, (long)(ms % 1000) * 1000000L }, NULL);
}

static void nop(void *a) { (void)a; }

static void parked(void *a)
{
    (void)a;
    lanes_sleep(1000000);
}

/* ---- item 7: a wait with no deadline to speak of -------------------------- */

static atomic_int release_spinner;

static void spinner(void *a)
{
    (void)a;
    while (!atomic_load(&release_spinner))
        lanes_work(1);
}

static void *release_later(void *a)
{
    (void)a;
    msleep(100);
    atomic_store(&release_spinner, 1);
    return NULL;
}

/* A timeout of UINT64_MAX ns is "no timeout": the wait ends when the
 * routine does (0), not at once with "timed out" (1). */
START_TEST(test_limits_wait_for_forever)
{
    lanes_config c = { .cores = 1, .quantum = 4, .tick_ns = 100000, .trace_events = 0 };
    pthread_t th;
    atomic_store(&release_spinner, 0);
    rt = lanes_open(&c);
    ck_assert_int_gt(lanes_go(rt, "spinner", spinner, NULL), 0);
    pthread_create(&th, NULL, release_later, NULL);
    ck_assert_int_eq(lanes_wait_for(rt, UINT64_MAX), 0);
    ck_assert_int_eq(atomic_load(&release_spinner), 1);
    pthread_join(th, NULL);
    atomic_store(&release_spinner, 0);
    ck_assert_int_gt(lanes_go(rt, "spinner", spinner, NULL), 0);
    pthread_create(&th, NULL, release_later, NULL);
    ck_assert_int_eq(lanes_wait_for(rt, UINT64_MAX - 1000), 0);
    pthread_join(th, NULL);
}
END_TEST

/* ---- item 6: drops counted before the next read ---------------------------- */

static void yielder(void *a)
{
    for (long i = 0; i < (long)a; i++)
        lanes_yield();
}

/* Events one routine of `yields` yields makes on one lane, with rings of
 * `cap` events; returns what was read, *dropped what was counted lost
 * before reading (*dropped_after: after). */
static uint64_t yield_run(size_t cap, long yields, uint64_t *dropped, uint64_t *dropped_after)
{
    lanes_config c = { .cores = 1, .quantum = 4, .tick_ns = 100000, .trace_events = cap };
    static lanes_event ev[4096];
    uint64_t got = 0;
    size_t k;
    lanes_rt *r = lanes_open(&c);
    ck_assert_ptr_nonnull(r);
    ck_assert_int_gt(lanes_go(r, "y", yielder, (void *)yields), 0);
    ck_assert_int_eq(lanes_wait(r), 0);
    *dropped = lanes_trace_dropped(r);
    while ((k = lanes_trace_read(r, ev, 4096)) > 0)
        got += k;
    *dropped_after = lanes_trace_dropped(r);
    lanes_close(r);
    return got;
}

/* A 16-event ring that nobody reads while 50,000 events are made: what
 * lanes_trace_dropped says before the read, plus what the read finds, is
 * every event made (the same run with a ring large enough counts them). */
START_TEST(test_limits_dropped_before_read)
{
    uint64_t made, d0, d1, got, z0, z1;
    made = yield_run(1u << 17, 25000, &z0, &z1);
    ck_assert_uint_eq(z0, 0);
    ck_assert_uint_eq(z1, 0);
    ck_assert_uint_gt(made, 50000);
    got = yield_run(16, 25000, &d0, &d1);
    ck_assert_msg(d0 + got == made, "dropped %llu + read %llu != made %llu",
                  (unsigned long long)d0, (unsigned long long)got, (unsigned long long)made);
    ck_assert_uint_eq(d1, d0);
}
END_TEST

/* ---- items 3 and 10: overflows, named ------------------------------------ */

#ifndef LANES_TSAN

static __attribute__((noinline)) int deep(int n)
{
    volatile char buf[1024];
    for (size_t i = 0; i < sizeof buf; i++)     /* every byte: a canary cannot be skipped */
        buf[i] = (char)n;
    if (n == 0)
        return buf[0];
    return deep(n - 1) + buf[sizeof buf - 1];
}

/* Recursion that never reaches a safepoint: only a fault can stop it. */
static void runaway(void *a)
{
    volatile int r = deep(INT_MAX / 2);
    (void)r;
    (void)a;
}

/* Runs `fn` as routine "cook#2" with stacks of `stack` bytes in a child
 * (guard pages only when `guarded`), after a parked neighbour; returns
 * the wait status and what the child wrote on stderr. */
static int overflow_child(int guarded, size_t stack, void (*fn)(void *), char *err, size_t cap)
{
    int fd[2], st = 0;
    pid_t pid;
    ck_assert_int_eq(pipe(fd), 0);
    pid = fork();
    if (pid == 0) {
        lanes_config c = { .cores = 1, .quantum = 4, .tick_ns = 50000,
                           .stack_size = stack, .trace_events = 0 };
        lanes_rt *r;
        dup2(fd[1], 2);
        if (!guarded)
            stk_set_guard_budget(0);
        r = lanes_open(&c);
        lanes_go(r, "spare", parked, NULL);
        lanes_go(r, "cook#2", fn, NULL);
        lanes_wait(r);
        _exit(0);
    }
    close(fd[1]);
    ssize_t k, got = 0;
    while ((k = read(fd[0], err + got, cap - 1 - (size_t)got)) > 0)
        got += k;
    err[got] = '\0';
    close(fd[0]);
    waitpid(pid, &st, 0);
    return st;
}

#endif

/* Beyond the guard-page budget, stacks share a mapping: a runaway
 * recursion there must still be named, not die as a bare SIGSEGV. */
START_TEST(test_limits_overflow_unguarded_named)
{
#ifdef LANES_TSAN
    return;     /* a crashing child under TSan tells nothing */
#else
    char err[4096];
    int st = overflow_child(0, 0, runaway, err, sizeof err);
    ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "status %x: %s", st, err);
    ck_assert_msg(strstr(err, "lanes: routine cook#2 overflowed its 64 KiB stack") != NULL,
                  "stderr: %s", err);
    st = overflow_child(1, 0, runaway, err, sizeof err);
    ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "status %x: %s", st, err);
    ck_assert_msg(strstr(err, "lanes: routine cook#2 overflowed its 64 KiB stack") != NULL,
                  "stderr: %s", err);
#endif
}
END_TEST

/* The message gives the stack the routine really had: a 1,000-byte
 * request gets the 16 KiB minimum. */
START_TEST(test_limits_overflow_real_size)
{
#ifdef LANES_TSAN
    return;
#else
    char err[4096];
    int st = overflow_child(1, 1000, runaway, err, sizeof err);
    ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "status %x: %s", st, err);
    ck_assert_msg(strstr(err, "lanes: routine cook#2 overflowed its 16 KiB stack") != NULL,
                  "stderr: %s", err);
    st = overflow_child(0, 70000, runaway, err, sizeof err);
    ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "status %x: %s", st, err);
    ck_assert_msg(strstr(err, "lanes: routine cook#2 overflowed its 72 KiB stack") != NULL,
                  "stderr: %s", err);
#endif
}
END_TEST

/* ---- item 8: the mappings the program already holds ---------------------- */

static long file_lines(const char *path)
{
    char buf[16384];
    long n = 0;
    size_t k;
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return -1;
    while ((k = fread(buf, 1, sizeof buf, f)) > 0)
        for (size_t i = 0; i < k; i++)
            n += buf[i] == '\n';
    fclose(f);
    return n;
}

static atomic_int sleepers;

static void long_sleep(void *a)
{
    (void)a;
    atomic_fetch_add(&sleepers, 1);
    lanes_sleep(1000000);
}

/* The program holds all but LEFT of the mappings the kernel allows: the
 * routines still get stacks (unguarded, fewer mappings each) while memory
 * lasts, where the budget used to assume an empty process and lanes_go
 * failed with -ENOMEM once the kernel refused the next mapping. */
START_TEST(test_limits_mappings_taken)
{
    enum { LEFT = 1200, ROUTINES = 2000 };
    lanes_config c = { .cores = 1, .quantum = 4, .tick_ns = 100000, .trace_events = 0 };
    long max = -1, used, take, pairs;
    size_t pg = (size_t)sysconf(_SC_PAGESIZE);
    FILE *f = fopen("/proc/sys/vm/max_map_count", "r");
    char *m;
    sched_stats st;

#ifdef LANES_TSAN
    /* its fibers need mappings of their own, more than are left here */
    fprintf(stderr, "test_limits_mappings_taken: skipped under ThreadSanitizer\n");
    if (f != NULL)
        fclose(f);
    return;
#endif
    if (f != NULL) {
        if (fscanf(f, "%ld", &max) != 1)
            max = -1;
        fclose(f);
    }
    used = file_lines("/proc/self/maps");
    if (max < 0 || used < 0 || max > 300000) {
        fprintf(stderr, "test_limits_mappings_taken: skipped (vm.max_map_count %ld: "
                "too many mappings to take quickly, or unknown)\n", max);
        return;
    }
    take = max - used - LEFT;
    ck_assert_int_gt(take, 0);
    /* pages alternately unreadable and readable: one mapping each */
    pairs = take / 2;
    m = mmap(NULL, (size_t)pairs * 2 * pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
             -1, 0);
    ck_assert_ptr_ne(m, MAP_FAILED);
    for (long i = 0; i < pairs; i++)
        ck_assert_int_eq(mprotect(m + (size_t)(2 * i + 1) * pg, pg, PROT_READ), 0);
    stk_set_guard_budget(-1);           /* measure anew, with these taken */
    atomic_store(&sleepers, 0);
    rt = lanes_open(&c);
    ck_assert_ptr_nonnull(rt);
    for (int i = 0; i < ROUTINES; i++) {
        int id = lanes_go(rt, "s", long_sleep, NULL);
        ck_assert_msg(id > 0, "lanes_go %d of %d: %d (%s)", i + 1, ROUTINES, id,
                      id < 0 ? strerror(-id) : "");
    }
    while (atomic_load(&sleepers) < ROUTINES)
        msleep(1);
    sched_get_stats(rt, &st);
    ck_assert_uint_lt(st.stacks_guarded, ROUTINES);     /* some shared mappings */
    lanes_close(rt);
    rt = NULL;
    munmap(m, (size_t)pairs * 2 * pg);
    stk_set_guard_budget(-1);
}
END_TEST

/* ---- item 9: ids and names in a program that spawns forever -------------- */

#ifdef LANES_TSAN
#define SPAWNS 100000       /* TSan fibers are heavy */
#define CROWD  0
#else
#define SPAWNS 1000000
#define CROWD  100000
#endif

static atomic_int bad_id;
static atomic_uint last_id;

static void spawn_many(void *a)
{
    lanes_rt *r = lanes_self_rt();
    for (long i = 0; i < (long)a; i++) {
        int id = lanes_go(r, i % 2 ? "odd" : "even", nop, NULL);
        if (id <= 0)
            atomic_store(&bad_id, id != 0 ? id : -1);
        else
            atomic_store(&last_id, (unsigned)id);
        if (i % 64 == 63)
            lanes_yield();      /* the children run and exit */
    }
}

/* A million short routines: what each held is reused - the name table
 * stays under 131,072 slots (it held one per routine ever spawned),
 * stacks stay few - every id is positive, the latest names read back. */
START_TEST(test_limits_spawns_reuse)
{
    lanes_config c = { .cores = 1, .quantum = 4, .tick_ns = 100000, .trace_events = 0 };
    sched_stats st;
    char buf[LANES_NAME_MAX];
    unsigned last;
    atomic_store(&bad_id, 0);
    rt = lanes_open(&c);
    ck_assert_int_eq(lanes_go(rt, "spawner", spawn_many, (void *)(long)SPAWNS), 1);
    ck_assert_int_eq(lanes_wait(rt), 0);
    ck_assert_int_eq(atomic_load(&bad_id), 0);
    last = atomic_load(&last_id);
    /* the spawner's own slot is skipped once a round of 65,536 */
    ck_assert_uint_ge(last, SPAWNS + 1);
    ck_assert_uint_le(last, SPAWNS + 1 + SPAWNS / LANES_NAMES_KEPT + 1);
    sched_get_stats(rt, &st);
    /* levels of 4,096 .. 65,536 slots, none more */
    ck_assert_uint_lt(st.name_slots, 2 * LANES_NAMES_KEPT);
    ck_assert_uint_le(st.stacks_mapped, 256);
    lanes_routine_name(rt, last, buf, sizeof buf);
    ck_assert_str_eq(buf, SPAWNS % 2 ? "even" : "odd");
    lanes_routine_name(rt, last - LANES_NAMES_KEPT / 2, buf, sizeof buf);
    ck_assert_str_ne(buf, "");
    lanes_routine_name(rt, 1, buf, sizeof buf);
    ck_assert_str_eq(buf, "spawner");                   /* kept: not reused */
    if (last > 3 * LANES_NAMES_KEPT) {
        lanes_routine_name(rt, last - 3 * LANES_NAMES_KEPT, buf, sizeof buf);
        ck_assert_str_eq(buf, "");                      /* long gone, not mixed up */
    }
}
END_TEST

/* Past LANES_ID_MAX ids start again from LANES_ID_REUSE_MIN, skipping a
 * live one; ids stay positive ints; names past 64 Mi ids are kept. */
START_TEST(test_limits_ids_wrap)
{
    lanes_config c = { .cores = 1, .quantum = 4, .tick_ns = 100000, .trace_events = 0 };
    char buf[LANES_NAME_MAX];
    int live, id, prev = 0;
    rt = lanes_open(&c);
    sched_set_ids_drawn(rt, 70u << 20);
    id = lanes_go(rt, "late", nop, NULL);
    ck_assert_int_eq(id, (70 << 20) + 1);
    ck_assert_int_eq(lanes_wait(rt), 0);
    lanes_routine_name(rt, (uint32_t)id, buf, sizeof buf);
    ck_assert_str_eq(buf, "late");

    sched_set_ids_drawn(rt, LANES_ID_REUSE_MIN - 1);
    live = lanes_go(rt, "keeper", parked, NULL);
    ck_assert_int_eq(live, LANES_ID_REUSE_MIN);
    sched_set_ids_drawn(rt, (uint64_t)LANES_ID_MAX - 3);
    for (int i = 0; i < 8; i++) {
        char name[16];
        snprintf(name, sizeof name, "w%d", i);
        id = lanes_go(rt, name, nop, NULL);
        ck_assert_int_gt(id, 0);
        ck_assert_int_ne(id, live);
        if (i < 3)
            ck_assert_uint_eq((unsigned)id, LANES_ID_MAX - 2 + (unsigned)i);
        else if (i == 3)
            ck_assert_int_eq(id, LANES_ID_REUSE_MIN + 1);  /* the keeper's is skipped */
        else
            ck_assert_int_eq(id, prev + 1);
        lanes_routine_name(rt, (uint32_t)id, buf, sizeof buf);
        ck_assert_str_eq(buf, name);
        prev = id;
    }
    lanes_routine_name(rt, (uint32_t)live, buf, sizeof buf);
    ck_assert_str_eq(buf, "keeper");
}
END_TEST

#if CROWD > 0
static atomic_int crowd_up;

static void crowd_member(void *a)
{
    (void)a;
    atomic_fetch_add(&crowd_up, 1);
    lanes_sleep(1000000);
}
#endif

/* More routines alive at once than the first name level has slots: none
 * loses its name, no id is given twice, the table grows with them (and
 * only about as much as they need). */
START_TEST(test_limits_crowd_keeps_names)
{
#if CROWD == 0
    return;
#else
    lanes_config c = { .cores = 2, .quantum = 4, .tick_ns = 100000, .trace_events = 0 };
    static int ids[CROWD];
    static unsigned char seen[(CROWD * 2) / 8 + 1];
    char buf[LANES_NAME_MAX], want[LANES_NAME_MAX];
    sched_stats st;
    atomic_store(&crowd_up, 0);
    memset(seen, 0, sizeof seen);
    rt = lanes_open(&c);
    for (int i = 0; i < CROWD; i++) {
        snprintf(want, sizeof want, "m%d", i);
        ids[i] = lanes_go(rt, want, crowd_member, NULL);
        ck_assert_int_gt(ids[i], 0);
        ck_assert_int_lt(ids[i], CROWD * 2);
        ck_assert_msg(!(seen[ids[i] / 8] & (1 << (ids[i] % 8))), "id %d twice", ids[i]);
        seen[ids[i] / 8] |= (unsigned char)(1 << (ids[i] % 8));
    }
    while (atomic_load(&crowd_up) < CROWD)
        msleep(1);
    for (int i = 0; i < CROWD; i++) {
        snprintf(want, sizeof want, "m%d", i);
        lanes_routine_name(rt, (uint32_t)ids[i], buf, sizeof buf);
        ck_assert_str_eq(buf, want);
    }
    sched_get_stats(rt, &st);
    ck_assert_uint_gt(st.name_slots, 2 * LANES_NAMES_KEPT);
    ck_assert_uint_le(st.name_slots, 4 * CROWD);
#endif
}
END_TEST

/* ---- item 1: stop, pause, step and speed in the middle of a long tick ---- */

#define LONG_TICK 60000000000ull    /* 60 s: no test may wait for its end */

static atomic_int in_tick, tick_done;

static void one_long_tick(void *a)
{
    (void)a;
    atomic_store(&in_tick, 1);
    lanes_work(1);
    atomic_store(&tick_done, 1);
}

static void start_long_tick(int cores)
{
    lanes_config c = { .cores = cores, .quantum = 4, .tick_ns = LONG_TICK, .trace_events = 256 };
    atomic_store(&in_tick, 0);
    atomic_store(&tick_done, 0);
    rt = lanes_open(&c);
    ck_assert_ptr_nonnull(rt);
    ck_assert_int_gt(lanes_go(rt, "long", one_long_tick, NULL), 0);
    while (!atomic_load(&in_tick))
        msleep(1);
    msleep(20);                 /* well into the tick */
}

static void wait_gated(void)
{
    while (!sched_quiescent(rt))
        msleep(1);
}

/* lanes_close stops a lane in the middle of a 60 s tick: it returns
 * (this case's timeout is the bound), and the tick never ended. */
START_TEST(test_limits_close_mid_tick)
{
    start_long_tick(2);
    lanes_close(rt);
    rt = NULL;
    ck_assert_int_eq(atomic_load(&tick_done), 0);
}
END_TEST

/* A pause stops the lane mid-tick at the gate, with time frozen; a step
 * then finishes exactly the tick in progress (after a speed change made
 * while paused, the rest is short) and advances time by one tick; the
 * next step lets the routine go on. */
START_TEST(test_limits_pause_step_mid_tick)
{
    uint64_t now;
    start_long_tick(1);
    lanes_pause(rt);
    wait_gated();
    now = lanes_now(rt);
    msleep(50);
    ck_assert_uint_eq(lanes_now(rt), now);
    ck_assert_int_eq(atomic_load(&tick_done), 0);
    lanes_set_tick(rt, 1000000);    /* what is left of the tick: ~1 ms */
    ck_assert_int_eq(lanes_step(rt, 1), 0);
    msleep(20);
    wait_gated();                   /* at the tick's end, its safepoint */
    ck_assert_uint_eq(lanes_now(rt), now + 1000);
    ck_assert_int_eq(atomic_load(&tick_done), 0);
    ck_assert_int_eq(lanes_step(rt, 1), 0);
    while (!atomic_load(&tick_done))
        msleep(1);
    lanes_resume(rt);
    ck_assert_int_eq(lanes_wait(rt), 0);
}
END_TEST

/* A faster speed set in the middle of a 60 s tick scales what is left of
 * it: the routine ends soon after (this case's timeout is the bound). */
START_TEST(test_limits_speed_mid_tick)
{
    start_long_tick(1);
    lanes_set_tick(rt, 1000000);
    ck_assert_int_eq(lanes_wait(rt), 0);
    ck_assert_int_eq(atomic_load(&tick_done), 1);
}
END_TEST

static Suite *limits_suite(void)
{
    Suite *s = suite_create("limits");
    TCase *tc = tcase_create("limits");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_limits_wait_for_forever);
    tcase_add_test(tc, test_limits_dropped_before_read);
    tcase_add_test(tc, test_limits_overflow_unguarded_named);
    tcase_add_test(tc, test_limits_overflow_real_size);
    tcase_add_test(tc, test_limits_mappings_taken);
    tcase_add_test(tc, test_limits_spawns_reuse);
    tcase_add_test(tc, test_limits_ids_wrap);
    tcase_add_test(tc, test_limits_crowd_keeps_names);
    suite_add_tcase(s, tc);
    /* the timeout is what these assert: far below the 60 s tick */
    tc = tcase_create("mid_tick");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_set_timeout(tc, 5);
    tcase_add_test(tc, test_limits_close_mid_tick);
    tcase_add_test(tc, test_limits_pause_step_mid_tick);
    tcase_add_test(tc, test_limits_speed_mid_tick);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(limits_suite());
    int failed;
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
