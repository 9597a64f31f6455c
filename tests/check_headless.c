/*
 * check_headless.c - headless runs of the built program ($LANES): every
 * built-in scenario with its exact counts on 1 and 4 cores, the deadlock
 * exit, the trace of a real run (valid JSON, checked by a real parser), and
 * the trace's write errors (/dev/full, a reader that goes away).
 * Counts only: no assertion here depends on how fast the machine is.
 */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "scn/scn.h"
#include "check_out_json.h"

static tu_run R;

static void lanes_run(tu_run *r, const char *const args[])
{
    char *argv[16];
    int i;

    argv[0] = (char *)tu_lanes();
    for (i = 0; args[i] != NULL && i < 14; i++)
        argv[i + 1] = (char *)args[i];
    argv[i + 1] = NULL;
    tu_exec(r, argv, NULL);
}

/* Runs lanes with stdout into `out_path`; returns the exit status, stderr
 * in R.err. */
static int lanes_run_to(const char *out_path, const char *const args[])
{
    char *argv[16];
    char errp[] = "/tmp/lanes-test-errXXXXXX";
    int i, efd = mkstemp(errp), st = 0;
    pid_t pid;

    argv[0] = (char *)tu_lanes();
    for (i = 0; args[i] != NULL && i < 14; i++)
        argv[i + 1] = (char *)args[i];
    argv[i + 1] = NULL;
    unlink(errp);
    pid = fork();
    if (pid == 0) {
        int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int in = open("/dev/null", O_RDONLY);
        dup2(in, 0);
        dup2(out, 1);
        dup2(efd, 2);
        execv(argv[0], argv);
        _exit(127);
    }
    waitpid(pid, &st, 0);
    lseek(efd, 0, SEEK_SET);
    tu_slurp(efd, R.err, sizeof R.err);
    close(efd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* The integer after the first "key": at or after p; -1 when absent. */
static long json_int(const char *p, const char *key)
{
    char k[64];
    const char *q;

    snprintf(k, sizeof k, "\"%s\":", key);
    q = strstr(p, k);
    return q != NULL ? strtol(q + strlen(k), NULL, 10) : -1;
}

/* The counts of a --json summary that must not depend on timing or cores:
 * per channel messages sent and received, items, routines spawned and
 * finished.  "chan:sent/received ... items=N spawns=N exits=N". */
static void signature(const char *js, char *sig, size_t n)
{
    const char *p = strstr(js, "\"channels\":["), *end;
    size_t o = 0;

    sig[0] = '\0';
    if (p == NULL || (end = strstr(p, "],\"items\"")) == NULL) {
        snprintf(sig, n, "no channels in: %.200s", js);
        return;
    }
    while ((p = strstr(p, "{\"id\":")) != NULL && p < end) {
        const char *name = strstr(p, "\"name\":\"") + 8;
        const char *nend = strchr(name, '"');
        o += (size_t)snprintf(sig + o, n - o, "%.*s:%ld/%ld ", (int)(nend - name), name,
                              json_int(p, "messages"), json_int(p, "received"));
        p++;
    }
    snprintf(sig + o, n - o, "items=%ld spawns=%ld exits=%ld",
             json_int(end, "count"), json_int(end, "spawns"), json_int(end, "exits"));
}

/* Exact counts of each built-in scenario, whatever the cores. */
static const struct expect {
    const char *name;
    int status;
    const char *sig;
    const char *tick;   /* NULL: the headless default (20 us) */
} expected[] = {
    { "restaurant", 0, "queue:200/200 orders:200/200 meals:200/200 items=200 spawns=24 "
                       "exits=24", NULL },
    { "timeslice",  0, "items=0 spawns=4 exits=4", NULL },
    { "pipeline",   0, "raw:10/10 parsed:10/10 items=10 spawns=3 exits=3", NULL },
    { "workers",    0, "jobs:16/16 results:16/16 items=16 spawns=6 exits=6", NULL },
    { "pingpong",   0, "ping:20/20 pong:20/20 items=1 spawns=2 exits=2", NULL },
    { "io",         0, "items=0 spawns=12 exits=12", NULL },
    { "hog",        0, "items=0 spawns=4 exits=4", NULL },
    { "amdahl",     0, "done:4/4 items=4 spawns=5 exits=5", NULL },
    { "deadlock",   3, "left:0/0 right:0/0 items=0 spawns=3 exits=1", NULL },
    { "lesson",     0, "orders:16/16 meals:16/16 items=16 spawns=4 exits=4", NULL },
    { "smartphone", 0, "items=0 spawns=4 exits=4", NULL },
    /* a pause of 40 ticks lets every neighbour take its left fork: 5 ms */
    { "philosophers", 3, "fork1:1/1 fork2:1/1 fork3:1/1 fork4:1/1 fork5:1/1 items=0 spawns=6 "
                         "exits=1", "5ms" },
    /* forks are tokens: a meal serves no item */
    { "philosophers-fixed", 0, "fork1:9/8 fork2:9/8 fork3:9/8 fork4:9/8 fork5:9/8 items=0 "
                               "spawns=6 exits=6", "5ms" },
    { "buffer",     0, "buffer:30/30 items=30 spawns=4 exits=4", NULL },
};

START_TEST(test_headless_builtin_counts)
{
    const char *name = scn_builtin_name(_i);
    const struct expect *x = NULL;
    char sig1[1024], sig4[1024];
    size_t k;

    ck_assert_ptr_nonnull(name);
    for (k = 0; k < sizeof expected / sizeof expected[0]; k++)
        if (strcmp(expected[k].name, name) == 0)
            x = &expected[k];
    ck_assert_msg(x != NULL, "no expected counts for the built-in '%s'", name);

    lanes_run(&R, (const char *[]){ "--json", "-c", "1", "--seed", "7", "--tick",
                                    x->tick != NULL ? x->tick : "20us", name, NULL });
    ck_assert_msg(R.status == x->status, "%s on 1 core: exit %d: %s", name, R.status, R.err);
    ck_assert_msg(json_check(R.out, strlen(R.out)) == -1, "%s: not JSON: %s", name, R.out);
    ck_assert_int_eq(json_int(R.out, "dropped_events"), 0);
    ck_assert_msg(json_int(R.out, "anomalies") == 0, "%s: %s", name, R.out);
    signature(R.out, sig1, sizeof sig1);

    lanes_run(&R, (const char *[]){ "--json", "-c", "4", "--seed", "7", "--tick",
                                    x->tick != NULL ? x->tick : "20us", name, NULL });
    ck_assert_msg(R.status == x->status, "%s on 4 cores: exit %d: %s", name, R.status, R.err);
    ck_assert_msg(json_check(R.out, strlen(R.out)) == -1, "%s: not JSON: %s", name, R.out);
    ck_assert_int_eq(json_int(R.out, "dropped_events"), 0);
    ck_assert_msg(json_int(R.out, "anomalies") == 0, "%s: %s", name, R.out);
    signature(R.out, sig4, sizeof sig4);

    ck_assert_msg(strcmp(sig1, sig4) == 0, "%s: 1 core [%s] but 4 cores [%s]", name, sig1, sig4);
    if (x->sig != NULL)
        ck_assert_msg(strcmp(sig1, x->sig) == 0, "%s: [%s], expected [%s]", name, sig1, x->sig);
    else
        fprintf(stderr, "%s: %s\n", name, sig1);
}
END_TEST

START_TEST(test_headless_deadlock_names_both)
{
    lanes_run(&R, (const char *[]){ "--headless", "deadlock", NULL });
    ck_assert_msg(R.status == 3, "exit %d: %s", R.status, R.err);
    ck_assert_msg(strstr(R.err, "alice") != NULL && strstr(R.err, "bob") != NULL, "%s", R.err);
    ck_assert_ptr_nonnull(strstr(R.out, ": deadlock\n"));
}
END_TEST

START_TEST(test_headless_text_summary)
{
    lanes_run(&R, (const char *[]){ "--headless", "-c", "2", "pipeline", NULL });
    ck_assert_msg(R.status == 0, "exit %d: %s", R.status, R.err);
    ck_assert_ptr_nonnull(strstr(R.out, "lanes: pipeline \"Pipeline\": done\n"));
    ck_assert_ptr_nonnull(strstr(R.out, "(tick 20 us), 2 cores at start"));
    ck_assert_ptr_nonnull(strstr(R.out, "\ncore 0 "));
    ck_assert_ptr_nonnull(strstr(R.out, "\ncore 1 "));
    ck_assert_ptr_nonnull(strstr(R.out, "\nparallelism "));
    ck_assert_ptr_nonnull(strstr(R.out, "\nlane occupancy "));
    ck_assert_ptr_nonnull(strstr(R.out, "\nreader "));
    ck_assert_ptr_nonnull(strstr(R.out, "\nraw                     2        10 "));
    ck_assert_ptr_nonnull(strstr(R.out, "dropped events 0\n"));
    ck_assert_str_eq(R.err, "");
}
END_TEST

START_TEST(test_headless_trace_file)
{
    char path[] = "/tmp/lanes-test-traceXXXXXX", out[4096];
    int fd = mkstemp(path), rc;
    size_t len;
    char *buf;

    close(fd);
    lanes_run(&R, (const char *[]){ "--headless", "-c", "2", "--trace", path, "restaurant", NULL });
    ck_assert_msg(R.status == 0, "exit %d: %s", R.status, R.err);
    buf = slurp_file(path, &len);
    ck_assert_ptr_nonnull(buf);
    ck_assert_msg(json_check(buf, len) == -1, "not JSON at byte %ld", json_check(buf, len));
    ck_assert_ptr_nonnull(strstr(buf, "\"name\":\"core 0\""));
    ck_assert_ptr_nonnull(strstr(buf, "\"name\":\"cashier\""));
    ck_assert_ptr_nonnull(strstr(buf, "\"ph\":\"s\""));
    ck_assert_ptr_nonnull(strstr(buf, "\"dropped_events\":0"));
    rc = trace_check_python(path, out, sizeof out);
    ck_assert_msg(rc == 0 || rc == 77, "python says %d: %s", rc, out);
    free(buf);
    unlink(path);
}
END_TEST

START_TEST(test_headless_trace_stdout)
{
    char path[] = "/tmp/lanes-test-traceXXXXXX";
    int fd = mkstemp(path), st;
    size_t len;
    char *buf;

    close(fd);
    st = lanes_run_to(path, (const char *[]){ "--json", "--trace", "-", "pipeline", NULL });
    ck_assert_msg(st == 0, "exit %d: %s", st, R.err);
    buf = slurp_file(path, &len);
    ck_assert_msg(json_check(buf, len) == -1, "trace not JSON at %ld", json_check(buf, len));
    ck_assert_ptr_nonnull(strstr(buf, "{\"traceEvents\":["));
    /* the summary went to stderr, as JSON */
    ck_assert_msg(json_check(R.err, strlen(R.err)) == -1, "summary: %s", R.err);
    ck_assert_ptr_nonnull(strstr(R.err, "\"status\":\"done\""));
    free(buf);
    unlink(path);
}
END_TEST

/* --json --trace -: the JSON summary shares stderr, so the deadlock's text
 * is not printed beside it: stderr is one JSON object, which carries the
 * end message and every blocked routine with its channel and place. */
START_TEST(test_headless_json_report)
{
    char path[] = "/tmp/lanes-test-traceXXXXXX";
    int fd = mkstemp(path), st;
    size_t len;
    char *buf;

    close(fd);
    st = lanes_run_to(path, (const char *[]){ "--json", "--trace", "-", "deadlock", NULL });
    ck_assert_msg(st == 3, "exit %d: %s", st, R.err);
    buf = slurp_file(path, &len);
    ck_assert_msg(json_check(buf, len) == -1, "trace not JSON at %ld", json_check(buf, len));
    free(buf);
    unlink(path);
    ck_assert_msg(json_check(R.err, strlen(R.err)) == -1, "stderr is not one JSON object: %s", R.err);
    ck_assert_ptr_nonnull(strstr(R.err, "\"message\":\"lanes: deadlock: 2 routines are blocked forever"));
    ck_assert_msg(strstr(R.err, "\"blocked\":[{\"routine\":\"alice\",\"id\":1,\"waits\":\"recv\","
                                "\"channels\":[\"left\"],\"file\":\"deadlock.lanes\",\"line\":13,"
                                "\"partial\":false},{\"routine\":\"bob\",") != NULL, "%s", R.err);

    /* to stdout, the JSON is the same and stderr has the text for people */
    lanes_run(&R, (const char *[]){ "--json", "deadlock", NULL });
    ck_assert_int_eq(R.status, 3);
    ck_assert_ptr_nonnull(strstr(R.out, "\"blocked\":[{\"routine\":\"alice\""));
    ck_assert_ptr_nonnull(strstr(R.err, "lanes: deadlock: 2 routines"));

    /* a run that ends well: no message, nobody blocked */
    lanes_run(&R, (const char *[]){ "--json", "pingpong", NULL });
    ck_assert_int_eq(R.status, 0);
    ck_assert_ptr_nonnull(strstr(R.out, "\"message\":null,\"blocked\":[]}\n"));
}
END_TEST

/* A partial deadlock found while the run goes on is in "blocked" too. */
START_TEST(test_headless_json_partial)
{
    char path[] = "/tmp/lanes-test-partialXXXXXX";
    static const char prog[] =
        "chan b 0\n"
        "chan c 0\n"
        "routine w\n"
        "  select\n"
        "    case recv b\n"
        "    case recv c\n"
        "  end\n"
        "end\n"
        "routine busy\n"
        "  repeat 200\n"
        "    work 1\n"
        "  end\n"
        "end\n";
    int fd = mkstemp(path);

    ck_assert_int_eq(write(fd, prog, sizeof prog - 1), (ssize_t)(sizeof prog - 1));
    close(fd);
    lanes_run(&R, (const char *[]){ "--json", "--tick", "1ms", path, NULL });
    unlink(path);
    ck_assert_msg(R.status == 3, "exit %d: %s", R.status, R.err);
    ck_assert_msg(json_check(R.out, strlen(R.out)) == -1, "%s", R.out);
    ck_assert_msg(strstr(R.out, "\"blocked\":[{\"routine\":\"w\",\"id\":1,\"waits\":\"select\","
                                "\"channels\":[\"b\",\"c\"],\"file\":") != NULL, "%s", R.out);
    ck_assert_msg(strstr(R.out, "\"line\":4,\"partial\":true},{\"routine\":\"w\"") != NULL,
                  "%s", R.out);
    ck_assert_msg(strstr(R.out, "\"line\":4,\"partial\":false}]}") != NULL, "%s", R.out);
}
END_TEST

START_TEST(test_headless_trace_dev_full)
{
    lanes_run(&R, (const char *[]){ "--headless", "--trace", "/dev/full", "pipeline", NULL });
    ck_assert_int_eq(R.status, 1);
    ck_assert_ptr_nonnull(strstr(R.err, "lanes: cannot write trace /dev/full: No space left on device\n"));

    lanes_run(&R, (const char *[]){ "--headless", "--trace", "/nonexistent/t.json", "pipeline", NULL });
    ck_assert_int_eq(R.status, 1);
    ck_assert_ptr_nonnull(strstr(R.err, "lanes: cannot write trace /nonexistent/t.json: No such file"));
}
END_TEST

/* `lanes --trace - ... | head -c 100`: the reader goes away early.  The
 * run must end with an EPIPE message and exit 1, not die of SIGPIPE.  The
 * trace of timeslice with quantum 1 (160 slices, over 100 KB) cannot fit in
 * the pipe, so some write surely comes after the reader left. */
START_TEST(test_headless_trace_reader_gone)
{
    char errp[] = "/tmp/lanes-test-errXXXXXX", got[100];
    int p[2], efd = mkstemp(errp), st = 0;
    size_t n = 0;
    ssize_t k;
    pid_t pid;

    unlink(errp);
    ck_assert_int_eq(pipe(p), 0);
    pid = fork();
    if (pid == 0) {
        int in = open("/dev/null", O_RDONLY);
        dup2(in, 0);
        dup2(p[1], 1);
        dup2(efd, 2);
        close(p[0]);
        signal(SIGPIPE, SIG_DFL);
        execl(tu_lanes(), tu_lanes(), "--headless", "-c", "1", "-q", "1", "--trace", "-", "timeslice",
              (char *)NULL);
        _exit(127);
    }
    close(p[1]);
    while (n < sizeof got && (k = read(p[0], got + n, sizeof got - n)) > 0)
        n += (size_t)k;
    close(p[0]);
    waitpid(pid, &st, 0);
    lseek(efd, 0, SEEK_SET);
    tu_slurp(efd, R.err, sizeof R.err);
    close(efd);
    ck_assert_msg(WIFEXITED(st), "killed by signal %d", WIFSIGNALED(st) ? WTERMSIG(st) : 0);
    ck_assert_msg(WEXITSTATUS(st) == 1, "exit %d: %s", WEXITSTATUS(st), R.err);
    ck_assert_ptr_nonnull(strstr(R.err, "lanes: cannot write trace to standard output: Broken pipe\n"));
}
END_TEST

/* The summary's reader gone before it is written (lanes --json x | head
 * -c 10): a write error, exit 1 with a message, not death by SIGPIPE. */
START_TEST(test_headless_summary_reader_gone)
{
    char errp[] = "/tmp/lanes-test-errXXXXXX";
    int p[2], efd = mkstemp(errp), st = 0;
    pid_t pid;

    unlink(errp);
    ck_assert_int_eq(pipe(p), 0);
    close(p[0]);                         /* nobody will ever read */
    pid = fork();
    if (pid == 0) {
        int in = open("/dev/null", O_RDONLY);
        dup2(in, 0);
        dup2(p[1], 1);
        dup2(efd, 2);
        signal(SIGPIPE, SIG_DFL);
        execl(tu_lanes(), tu_lanes(), _i ? "--json" : "--headless", "pingpong", (char *)NULL);
        _exit(127);
    }
    close(p[1]);
    waitpid(pid, &st, 0);
    lseek(efd, 0, SEEK_SET);
    tu_slurp(efd, R.err, sizeof R.err);
    close(efd);
    ck_assert_msg(WIFEXITED(st), "killed by signal %d", WIFSIGNALED(st) ? WTERMSIG(st) : 0);
    ck_assert_msg(WEXITSTATUS(st) == 1, "exit %d: %s", WEXITSTATUS(st), R.err);
    ck_assert_msg(strstr(R.err, "lanes: cannot write the summary: Broken pipe\n") != NULL, "%s", R.err);
}
END_TEST

/* A scenario fault: exit 4, the fault on stderr, the summary still out. */
START_TEST(test_headless_fault)
{
    char path[] = "/tmp/lanes-test-faultXXXXXX";
    static const char prog[] =
        "scenario \"Fault\"\nchan c 1\nroutine a\n  close c\n  send c\nend\n";
    int fd = mkstemp(path);

    ck_assert_int_eq(write(fd, prog, sizeof prog - 1), (ssize_t)(sizeof prog - 1));
    close(fd);
    lanes_run(&R, (const char *[]){ "--json", "--tick", "100us", path, NULL });
    ck_assert_msg(R.status == 4, "exit %d: %s", R.status, R.err);
    ck_assert_ptr_nonnull(strstr(R.err, "send on closed channel 'c'"));
    ck_assert_msg(json_check(R.out, strlen(R.out)) == -1, "%s", R.out);
    ck_assert_ptr_nonnull(strstr(R.out, "\"status\":\"fault\",\"exit_status\":4"));
    ck_assert_ptr_nonnull(strstr(R.out, "\"tick_ns\":100000,"));
    unlink(path);
}
END_TEST

/* SIGTERM, SIGINT or SIGHUP in the middle of a slow run: the trace is
 * still finished (valid JSON, marked interrupted), the summary says so,
 * and the process then dies of the signal. */
static const int stop_sigs[] = { SIGTERM, SIGINT, SIGHUP };

#ifdef LANES_TSAN
#define TSAN_THREADS 1
#else
#define TSAN_THREADS 0
#endif

/* Whether process pid has a handler for sig: its bit in SigCgt of
 * /proc/PID/status (a mask in hex, bit sig-1). */
static int sig_caught(pid_t pid, int sig)
{
    char path[64], line[256];
    unsigned long long mask = 0;
    int found = 0;
    FILE *f;

    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    f = fopen(path, "r");
    if (f == NULL)
        return 0;
    while (fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "SigCgt: %llx", &mask) == 1) {
            found = 1;
            break;
        }
    fclose(f);
    return found && (mask >> (sig - 1) & 1u);
}

START_TEST(test_headless_interrupted)
{
    int sig = stop_sigs[_i];
    char want[64];
    char path[] = "/tmp/lanes-test-traceXXXXXX", outp[] = "/tmp/lanes-test-outXXXXXX";
    char task[64], *buf;
    int fd = mkstemp(path), ofd = mkstemp(outp), st = 0, i, threads = 0;
    size_t len;
    pid_t pid;

    close(fd);
    pid = fork();
    if (pid == 0) {
        int in = open("/dev/null", O_RDONLY);
        dup2(in, 0);
        dup2(ofd, 1);
        execl(tu_lanes(), tu_lanes(), "--json", "--tick", "50ms", "--trace", path,
              "restaurant", (char *)NULL);
        _exit(127);
    }
    /* The signal is caught (its bit in SigCgt), then the lanes' threads
     * exist once the run started.  ThreadSanitizer runs a thread of its
     * own from the start, so there one more is needed. */
    for (i = 0; i < 1000 && !sig_caught(pid, sig); i++)
        usleep(10000);
    ck_assert_msg(sig_caught(pid, sig), "signal %d never caught", sig);
    snprintf(task, sizeof task, "/proc/%d/task", (int)pid);
    for (i = 0; i < 1000 && threads < 2 + TSAN_THREADS; i++) {
        DIR *d = opendir(task);
        struct dirent *de;

        threads = 0;
        while (d != NULL && (de = readdir(d)) != NULL)
            threads += de->d_name[0] != '.';
        if (d != NULL)
            closedir(d);
        if (threads < 2 + TSAN_THREADS)
            usleep(10000);
    }
    ck_assert_int_ge(threads, 2 + TSAN_THREADS);
    kill(pid, sig);
    waitpid(pid, &st, 0);
    ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == sig, "signal %d: status %d", sig, st);
    buf = slurp_file(path, &len);
    ck_assert_msg(json_check(buf, len) == -1, "trace not JSON at %ld", json_check(buf, len));
    ck_assert_ptr_nonnull(strstr(buf, "\"interrupted\":"));
    free(buf);
    lseek(ofd, 0, SEEK_SET);
    tu_slurp(ofd, R.out, sizeof R.out);
    close(ofd);
    unlink(outp);
    ck_assert_msg(json_check(R.out, strlen(R.out)) == -1, "%s", R.out);
    snprintf(want, sizeof want, "\"status\":\"interrupted\",\"exit_status\":%d", 128 + sig);
    ck_assert_msg(strstr(R.out, want) != NULL, "%s", R.out);
    unlink(path);
}
END_TEST

static Suite *headless_suite(void)
{
    Suite *s = suite_create("headless");
    TCase *tc = tcase_create("runs");
    int n = 0;

    while (scn_builtin_name(n) != NULL)
        n++;
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_headless_builtin_counts, 0, n);
    tcase_add_test(tc, test_headless_deadlock_names_both);
    tcase_add_test(tc, test_headless_fault);
    tcase_add_loop_test(tc, test_headless_interrupted, 0, 3);
    tcase_add_loop_test(tc, test_headless_summary_reader_gone, 0, 2);
    tcase_add_test(tc, test_headless_text_summary);
    tcase_add_test(tc, test_headless_trace_file);
    tcase_add_test(tc, test_headless_trace_stdout);
    tcase_add_test(tc, test_headless_trace_dev_full);
    tcase_add_test(tc, test_headless_json_report);
    tcase_add_test(tc, test_headless_json_partial);
    tcase_add_test(tc, test_headless_trace_reader_gone);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(headless_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
