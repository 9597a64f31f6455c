/*
 * check_misuse.c - what a program that uses the runtime wrongly gets:
 * waiting for or closing a runtime from inside a routine, and a routine
 * waiting on another runtime's channel.  Each mistake must give an error
 * code or a message that names it, never an internal assertion or a
 * false deadlock.  Nothing here measures the clock.
 */
#include "config.h"
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "lanes.h"

#define WAIT_NS 20000000000ull      /* 20 s: only a broken runtime gets near */

static lanes_rt *rt;
static atomic_int got[4];

static lanes_rt *open_rt(int cores)
{
    lanes_config c = { .cores = cores, .tick_ns = 100000 };
    lanes_rt *r = lanes_open(&c);
    ck_assert_ptr_nonnull(r);
    return r;
}

/* ---- lanes_wait / lanes_wait_for inside a routine --------------------------- */

static void waits_inside(void *a)
{
    (void)a;
    atomic_store(&got[0], lanes_wait(rt));
    atomic_store(&got[1], lanes_wait_for(rt, 1000000));
    atomic_store(&got[2], lanes_wait_for(rt, UINT64_MAX));
}

START_TEST(test_misuse_wait_in_routine)
{
    rt = open_rt(2);
    ck_assert_int_gt(lanes_go(rt, "waiter", waits_inside, NULL), 0);
    ck_assert_int_eq(lanes_wait_for(rt, WAIT_NS), 0);
    ck_assert_int_eq(atomic_load(&got[0]), -EPERM);
    ck_assert_int_eq(atomic_load(&got[1]), -EPERM);
    ck_assert_int_eq(atomic_load(&got[2]), -EPERM);
    lanes_close(rt);
}
END_TEST

/* ---- lanes_close inside a routine -------------------------------------------- */

#ifndef LANES_TSAN
static void closes_inside(void *a)
{
    (void)a;
    lanes_close(rt);
    atomic_store(&got[0], 1);   /* never: the close must not return */
}
#endif

START_TEST(test_misuse_close_in_routine)
{
#ifdef LANES_TSAN
    return;     /* a crashing child under TSan tells nothing */
#else
    char err[4096];
    int fd[2], st = 0;
    ssize_t k, n = 0;
    pid_t pid;
    ck_assert_int_eq(pipe(fd), 0);
    pid = fork();
    if (pid == 0) {
        dup2(fd[1], 2);
        rt = open_rt(1);
        lanes_go(rt, "closer", closes_inside, NULL);
        lanes_wait_for(rt, WAIT_NS);
        _exit(atomic_load(&got[0]) ? 3 : 4);
    }
    close(fd[1]);
    while ((k = read(fd[0], err + n, sizeof err - 1 - (size_t)n)) > 0)
        n += k;
    err[n] = '\0';
    close(fd[0]);
    waitpid(pid, &st, 0);
    ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT, "status %x: %s", st, err);
    ck_assert_msg(strstr(err, "lanes: lanes_close called from routine closer: "
                              "close the runtime from a plain thread") != NULL,
                  "stderr: %s", err);
    ck_assert_msg(strstr(err, "internal error") == NULL, "stderr: %s", err);
#endif
}
END_TEST

/* ---- another runtime's channel ----------------------------------------------- */

static lanes_chan *a_ch;

static void foreign_user(void *a)
{
    int v = 7;
    lanes_case c[1] = { { a_ch, LANES_RECV, &v, 0 } };
    (void)a;
    atomic_store(&got[0], lanes_recv(a_ch, &v));        /* empty: would wait */
    atomic_store(&got[1], lanes_select(c, 1, 0));       /* likewise */
    atomic_store(&got[2], lanes_try_send(a_ch, &v));    /* cap 1: fits at once */
    atomic_store(&got[3], lanes_send(a_ch, &v));        /* full: would wait */
}

START_TEST(test_misuse_foreign_channel)
{
    lanes_rt *a = open_rt(1);
    int v = 0, rc;
    rt = open_rt(1);
    a_ch = lanes_chan_open(a, "a", sizeof(int), 1);
    ck_assert_ptr_nonnull(a_ch);
    ck_assert_int_gt(lanes_go(rt, "user", foreign_user, NULL), 0);
    rc = lanes_wait_for(rt, WAIT_NS);
    if (rc != 0)    /* set the parked user free, so the test reports */
        lanes_chan_close(a_ch);
    ck_assert_int_eq(rc, 0);
    ck_assert_int_eq(atomic_load(&got[0]), -EINVAL);
    ck_assert_int_eq(atomic_load(&got[1]), -EINVAL);
    ck_assert_int_eq(atomic_load(&got[2]), 0);
    ck_assert_int_eq(atomic_load(&got[3]), -EINVAL);
    ck_assert_int_eq(lanes_try_recv(a_ch, &v), 0);
    ck_assert_int_eq(v, 7);
    lanes_close(rt);
    lanes_close(a);
}
END_TEST

static Suite *misuse_suite(void)
{
    Suite *s = suite_create("misuse");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_misuse_wait_in_routine);
    tcase_add_test(tc, test_misuse_close_in_routine);
    tcase_add_test(tc, test_misuse_foreign_channel);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(misuse_suite());
    int failed;
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
