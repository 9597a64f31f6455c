/*
 * check_cli.c - the command line as a user meets it: --help, --version, and
 * a table of bad command lines (options, files, standard input, output
 * that cannot be written), each with its exit status and message, each run
 * as given and again with --headless.  The files live in a directory made
 * for the run, which is also the working directory of every run.
 */
#include "config.h"
#include <check.h>
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <sys/stat.h>
#include "testutil.h"

#define MAXARGS 8
#define NOBODY 65534            /* the unprivileged user of the unreadable-file row */

static char fixture_dir[] = "/tmp/lanes-cli.XXXXXX";
static char nobody_copy[sizeof fixture_dir + 16];   /* the program, where NOBODY reaches it */

static void run_lanes(tu_run *r, const char *const args[], const char *in)
{
    char *argv[MAXARGS + 2];
    int i;

    argv[0] = (char *)tu_lanes();
    for (i = 0; args[i] != NULL && i < MAXARGS; i++)
        argv[i + 1] = (char *)args[i];
    argv[i + 1] = NULL;
    tu_exec(r, argv, in);
}

static tu_run R;

START_TEST(test_cli_help)
{
    run_lanes(&R, (const char *[]){ "--help", NULL }, NULL);
    ck_assert_int_eq(R.status, 0);
    ck_assert_ptr_nonnull(strstr(R.out, "usage: lanes"));
    ck_assert_ptr_nonnull(strstr(R.out, "--headless"));
    /* every key a user meets (history's too) and every exit status */
    ck_assert_ptr_nonnull(strstr(R.out, "Home first, [ ] decisions, End back to now"));
    ck_assert_ptr_nonnull(strstr(R.out, "Left/Right"));
    ck_assert_ptr_nonnull(strstr(R.out, "128+N"));
    ck_assert_str_eq(R.err, "");
    /* the help fits 80 columns */
    for (const char *l = R.out, *e; *l != '\0'; l = *e ? e + 1 : e) {
        e = strchr(l, '\n');
        if (e == NULL)
            e = l + strlen(l);
        ck_assert_msg(e - l <= 80, "a help line of %d columns", (int)(e - l));
    }
    run_lanes(&R, (const char *[]){ "-h", NULL }, NULL);
    ck_assert_int_eq(R.status, 0);
}
END_TEST

START_TEST(test_cli_version)
{
    run_lanes(&R, (const char *[]){ "--version", NULL }, NULL);
    ck_assert_int_eq(R.status, 0);
    ck_assert_str_eq(R.out, "lanes " PACKAGE_VERSION "\n");
    run_lanes(&R, (const char *[]){ "-V", NULL }, NULL);
    ck_assert_str_eq(R.out, "lanes " PACKAGE_VERSION "\n");
}
END_TEST

/* Each bad command line: the exit status and a piece of the message;
 * optionally where stdin comes from and stdout goes, the start of the
 * message when it is not "lanes: ", and flags. */
enum {
    ONCE = 1,        /* not again with --headless (it has it, or needs none) */
    AS_NOBODY = 2,   /* as an unprivileged user, so mode 000 keeps root out   */
    OUT_SEEN = 4     /* stdout may carry a summary                            */
};
#pragma GCC diagnostic push      /* rows leave the optional fields out */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
static const struct bad {
    const char *args[MAXARGS];
    int status;
    const char *says;
    const char *in, *out, *starts;
    unsigned flags;
} bad[] = {
    { { "--bogus" }, 2, "unknown option '--bogus'" },
    { { "-x" }, 2, "unknown option '-x'" },
    { { "-c" }, 2, "needs a value" },
    { { "--cores" }, 2, "needs a value" },
    { { "-c", "0" }, 2, "--cores takes" },
    { { "-c", "65" }, 2, "--cores takes" },
    { { "-c", "-1" }, 2, "--cores takes" },
    { { "-c", "two" }, 2, "not 'two'" },
    { { "-c", "2x" }, 2, "--cores takes" },
    { { "-c", "" }, 2, "--cores takes" },
    { { "-c", "99999999999999999999" }, 2, "--cores takes" },
    { { "--cores=1.5" }, 2, "--cores takes" },
    { { "-q", "-1" }, 2, "--quantum takes" },
    { { "-q", "x" }, 2, "--quantum takes" },
    { { "-q", "1000001" }, 2, "--quantum takes" },
    { { "-s", "0" }, 2, "--speed takes" },
    { { "-s", "100" }, 2, "--speed takes" },
    { { "-s", "fast" }, 2, "--speed takes" },
    { { "-s", "nan" }, 2, "--speed takes" },
    { { "-s", "inf" }, 2, "--speed takes" },
    { { "-s", "-2" }, 2, "--speed takes" },
    { { "--tick", "50" }, 2, "--tick takes" },
    { { "--tick", "50xs" }, 2, "--tick takes" },
    { { "--tick", "0ms" }, 2, "--tick takes" },
    { { "--tick", "2min" }, 2, "--tick takes" },
    { { "--tick", "61s" }, 2, "--tick takes" },
    { { "--tick", "-5ms" }, 2, "--tick takes" },
    { { "--tick" }, 2, "needs a value" },
    { { "--seed", "-3" }, 2, "--seed takes" },
    { { "--seed", "abc" }, 2, "--seed takes" },
    { { "--frames", "0" }, 2, "--frames takes" },
    { { "--trace", "" }, 2, "--trace needs" },
    { { "--help=yes" }, 2, "--help=yes" },
    { { "a.lanes", "b.lanes" }, 2, "one scenario at a time" },
    { { "" }, 2, "empty" },
    /* more options */
    { { "--no" }, 2, "option '--no' is ambiguous: it could be --no-color" },
    { { "--cores=" }, 2, "--cores takes" },
    { { "-cx" }, 2, "--cores takes a whole number from 1 to 64, not 'x'" },
    { { "-c", "\033[2J" }, 2, "not '?[2J'" },
    { { "--headless=1" }, 2, "option '--headless=1' takes no value" },
    { { "--json", "--trace" }, 2, "option '--trace' needs a value" },
    { { "-q", "" }, 2, "--quantum takes" },
    { { "--speed=" }, 2, "--speed takes" },
    { { "--for", "0" }, 2, "--for takes a whole number of ticks" },
    { { "--for", "ten" }, 2, "--for takes a whole number of ticks" },
    { { "--for", "1000000001" }, 2, "--for takes a whole number of ticks" },
    { { "--headless", "endless.lanes" }, 2, "endless.lanes can run forever ('forever' at "
      "endless.lanes:3 never ends): give the headless run a limit with --for TICKS",
      NULL, NULL, "endless.lanes:3:3: warning: 'forever' never ends", ONCE },
    /* --sweep: its counts, what it needs and what it cannot take */
    { { "--sweep", "0..3" }, 2, "--sweep takes core counts from 1 to 64, a range (1..8) or "
      "a list (1,2,4), not '0..3'" },
    { { "--sweep", "5..2" }, 2, "--sweep 5..2 goes down: give the smaller core count first "
      "(2..5)" },
    { { "--sweep", "x" }, 2, "--sweep takes core counts from 1 to 64" },
    { { "--sweep", "1..65" }, 2, "--sweep takes core counts from 1 to 64" },
    { { "--sweep", "1,65" }, 2, "--sweep takes core counts from 1 to 64" },
    { { "--sweep", "1..2..3" }, 2, "--sweep takes core counts" },
    { { "--sweep", "1,2," }, 2, "--sweep takes core counts" },
    { { "--sweep", "" }, 2, "--sweep takes core counts" },
    { { "--sweep", "1,4,2" }, 2, "--sweep lists core counts in rising order, each once" },
    { { "--sweep", "2,2" }, 2, "--sweep lists core counts in rising order, each once" },
    { { "--sweep" }, 2, "option '--sweep' needs a value" },
    { { "--sweep", "1..3", "good.lanes" }, 2, "--sweep runs without a screen: add --headless",
      NULL, NULL, NULL, ONCE },
    { { "--json", "--sweep", "1,2", "-c", "2", "good.lanes" }, 2,
      "--sweep sets the cores of each run: leave out --cores" },
    { { "--json", "--sweep", "1,2", "--trace", "t.json", "good.lanes" }, 2,
      "--trace with --sweep is not built" },
    { { "--json", "--sweep", "1,2", "--record", "r.lrec", "good.lanes" }, 2,
      "--record with --sweep is not built" },
    { { "--json", "--replay", "x.lrec", "--sweep", "1,2" }, 2, "--sweep would change the run" },
    { { "--headless", "--sweep", "1..2", "endless.lanes" }, 2, "endless.lanes can run forever "
      "('forever' at endless.lanes:3 never ends): give the headless run a limit with --for "
      "TICKS", NULL, NULL, "endless.lanes:3:3: warning: 'forever' never ends", ONCE },
    { { "--headless", "--sweep", "1,2", "fault.lanes" }, 4,
      "the run on 1 core did not end well: the sweep stops there", NULL, NULL, NULL, ONCE },
    { { "--json", "--sweep", "1,2", "good.lanes" }, 1, "cannot write the sweep: No space left",
      NULL, "/dev/full", NULL, ONCE },
    /* --compare: 2 to 4 core counts, on the screen, nothing that makes one run */
    { { "--compare", "1" }, 2, "--compare takes 2 to 4 core counts from 1 to 64 separated "
      "by commas (1,4), not '1'" },
    { { "--compare", "0,4" }, 2, "--compare takes core counts from 1 to 64 separated by "
      "commas (1,4), not '0,4'" },
    { { "--compare", "1,2,3,4,5" }, 2, "--compare plays 2 to 4 runs together, not more "
      "('1,2,3,4,5')" },
    { { "--compare", "x" }, 2, "--compare takes core counts from 1 to 64 separated by "
      "commas (1,4), not 'x'" },
    { { "--compare", "1,65" }, 2, "--compare takes core counts from 1 to 64" },
    { { "--compare", "1,,4" }, 2, "--compare takes 2 to 4 core counts" },
    { { "--compare", "1,4," }, 2, "--compare takes 2 to 4 core counts" },
    { { "--compare", "" }, 2, "--compare takes 2 to 4 core counts" },
    { { "--compare", "4,4" }, 2, "--compare lists each core count once, not '4,4'" },
    { { "--compare" }, 2, "option '--compare' needs a value" },
    { { "--compare", "4,1,2", "--headless", "good.lanes" }, 2, "--compare plays the runs on "
      "the screen; without one, --sweep 1,2,4 --headless prints the same figures",
      NULL, NULL, NULL, ONCE },
    { { "--compare", "1,4", "-c", "2", "good.lanes" }, 2,
      "--compare sets the cores of each run: leave out --cores", NULL, NULL, NULL, ONCE },
    { { "--compare", "1,4", "--trace", "t.json", "good.lanes" }, 2,
      "--trace with --compare is not built", NULL, NULL, NULL, ONCE },
    { { "--compare", "1,4", "--record", "r.lrec", "good.lanes" }, 2,
      "--record with --compare is not built", NULL, NULL, NULL, ONCE },
    { { "--compare", "1,4", "--sweep", "1,4", "good.lanes" }, 2,
      "--compare and --sweep: one at a time", NULL, NULL, NULL, ONCE },
    { { "--headless", "--replay", "x.lrec", "--compare", "1,2" }, 2,
      "--compare would change the run", NULL, NULL, NULL, ONCE },
    { { "--compare", "1,4", "good.lanes" }, 2, "the screen needs a terminal",
      NULL, NULL, NULL, ONCE },
    /* recordings: usage (the files themselves: tests/replay.sh) */
    { { "--record", "" }, 2, "--record needs a file name" },
    { { "--headless", "--record", "-" }, 2, "--record needs a file name" },
    { { "--replay", "" }, 2, "--replay needs a recording" },
    { { "--replay", "-" }, 2, "--replay - reads standard input, which the screen uses",
      NULL, NULL, NULL, ONCE },
    { { "--headless", "--replay", "x.lrec", "pingpong" }, 2,
      "--replay plays the recording's own scenario: give no SCENARIO ('pingpong')" },
    { { "--headless", "--replay", "x.lrec", "-c", "2" }, 2, "--cores would change the run" },
    { { "--json", "--replay", "x.lrec", "--for", "9" }, 2, "--for would change the run" },
    { { "--json", "--replay", "x.lrec", "--seed", "9" }, 2, "--seed would change the run" },
    { { "--json", "--replay", "/nonexistent/x.lrec" }, 2,
      "lanes: cannot open recording /nonexistent/x.lrec: No such file or directory" },
    /* lanes attach PATH: usage, and paths that are no console */
    { { "attach" }, 2, "attach needs the path of a program's console socket" },
    { { "attach", "" }, 2, "attach needs the path" },
    { { "attach", "a.sock", "b.sock" }, 2, "attach takes one PATH, not 'b.sock' too" },
    { { "-c", "2", "attach", "a.sock" }, 2, "--cores sets how a run starts; an attached "
      "program is running already (its keys act on it)" },
    { { "attach", "a.sock", "--seed", "3" }, 2, "--seed sets how a run starts" },
    { { "attach", "a.sock", "-s", "2" }, 2, "--speed sets how a run starts" },
    { { "attach", "a.sock", "--compare", "1,4" }, 2, "an attached program runs once" },
    { { "--headless", "attach", "/nonexistent/a.sock" }, 1,
      "lanes: /nonexistent/a.sock: no such console (is a program running with "
      "LANES_CONSOLE=/nonexistent/a.sock?)" },
    { { "--headless", "attach", "/dev/null" }, 2,
      "lanes: /dev/null: not a lanes console (not a socket)" },
    { { "-s", "1/0" }, 2, "--speed takes" },
    { { "-s", "1/" }, 2, "--speed takes" },
    { { "-s", "/4" }, 2, "--speed takes" },
    { { "-s", "1/4y" }, 2, "--speed takes" },
    { { "-s", "1/32" }, 2, "--speed takes" },
    { { "-s", "x" }, 2, "--speed takes" },
    { { "-s", "1/4xx" }, 2, "--speed takes" },
    { { "-s", "3/7" }, 2, "--speed takes one of the screen's speeds: 1/16, 1/8, 1/4, 1/2, 1, "
                          "2, 4, 8, 16, 32, 64 (an x may follow; 0.5 for 1/2) or max, not '3/7'" },
    { { "-s", "3" }, 2, "--speed takes" },
    { { "-s", "0.3x" }, 2, "--speed takes" },
    { { "-s", "48" }, 2, "--speed takes" },
    { { "--tick", "ms" }, 2, "--tick takes" },
    { { "--tick", "1e400s" }, 2, "--tick takes" },
    { { "--tick", "1e3us" }, 2, "--tick takes" },
    { { "--tick", "0x10ms" }, 2, "--tick takes" },
    { { "--tick", "999ns" }, 2, "--tick takes" },
    { { "--seed", "99999999999999999999" }, 2, "--seed takes" },
    { { "--frames", "-1" }, 2, "--frames takes" },
    { { "--frames", "many" }, 2, "--frames takes" },
    { { "-", "good.lanes" }, 2, "one scenario at a time: '-' and 'good.lanes'" },
    /* files */
    { { "nosuch" }, 2, "no scenario file or built-in scenario named 'nosuch'" },
    { { "--", "--bogus" }, 2, "no scenario file or built-in scenario named '--bogus'" },
    { { "nosuch.lanes" }, 2, "cannot open 'nosuch.lanes': No such file or directory" },
    { { "./nosuch" }, 2, "cannot open './nosuch': No such file or directory" },
    { { "good.lanes/x" }, 2, "cannot open 'good.lanes/x': Not a directory" },
    { { "dir.lanes" }, 2, "cannot read 'dir.lanes': Is a directory" },
    { { "." }, 2, "cannot read '.': Is a directory" },
    { { "noread.lanes" }, 2, "cannot open 'noread.lanes': Permission denied",
      NULL, NULL, NULL, AS_NOBODY },
    { { "/proc/self/mem" }, 2, "cannot read '/proc/self/mem': Input/output error" },
    { { "x\033[2J.lanes" }, 2, "cannot open 'x?[2J.lanes'" },
    { { "empty.lanes" }, 2, "nothing to run", NULL, NULL, "empty.lanes: error: " },
    { { "comments.lanes" }, 2, "nothing to run", NULL, NULL, "comments.lanes: error: " },
    { { "binary.lanes" }, 2, "error:", NULL, NULL, "binary.lanes:1:" },
    { { "bad.lanes" }, 2, "unknown channel 'b' (did you mean 'a'?)", NULL, NULL,
      "bad.lanes:3:8: error: " },
    /* standard input */
    { { "-" }, 2, "unknown channel 'b'", "bad.lanes", NULL, "<stdin>:3:8: error: " },
    { { "-" }, 2, "nothing to run", "empty.lanes", NULL, "<stdin>: error: " },
    { { "-" }, 2, "error:", "binary.lanes", NULL, "<stdin>:1:" },
    { { "-" }, 2, "cannot read standard input: Is a directory", "dir.lanes" },
    /* output that cannot be written: a system error */
    { { "--help" }, 1, "cannot write to standard output: No space left", NULL, "/dev/full" },
    { { "--version" }, 1, "cannot write to standard output", NULL, "/dev/full" },
    { { "--list" }, 1, "cannot write to standard output", NULL, "/dev/full" },
    { { "--headless", "good.lanes" }, 1, "cannot write the summary: No space left",
      NULL, "/dev/full", NULL, ONCE },
    { { "--json", "good.lanes" }, 1, "cannot write the summary", NULL, "/dev/full", NULL, ONCE },
    { { "--headless", "--trace", "nodir/t.json", "good.lanes" }, 1,
      "cannot write trace nodir/t.json: No such file", NULL, "/dev/null", NULL, ONCE },
    { { "--headless", "--trace", "dir.lanes", "good.lanes" }, 1,
      "cannot write trace dir.lanes: Is a directory", NULL, "/dev/null", NULL, ONCE },
    /* a good file the screen cannot show: no terminal here */
    { { "good.lanes" }, 2, "the screen needs a terminal", NULL, NULL, NULL, ONCE },
    /* a file that runs into a fault, and one that deadlocks */
    { { "--headless", "fault.lanes" }, 4, "x: send on closed channel 'a' (fault.lanes:4)",
      NULL, NULL, NULL, ONCE | OUT_SEEN },
    { { "--headless", "-" }, 3, "deadlock: 1 routine is blocked forever",
      "stuck.lanes", NULL, NULL, ONCE | OUT_SEEN },
};
#pragma GCC diagnostic pop

#define NBAD ((int)(sizeof bad / sizeof bad[0]))

/* Runs lanes with `args` (after "--headless" when `headless`), stdin from
 * `in`, stdout to `out` (NULL: captured) and, when `nobody`, as user
 * NOBODY.  Like tu_exec otherwise. */
static void run_row(tu_run *r, const char *const args[], int headless, const char *in,
                    const char *out, int nobody)
{
    char outp[] = "/tmp/lanes-test-outXXXXXX", errp[] = "/tmp/lanes-test-errXXXXXX";
    char *argv[MAXARGS + 3];
    int ofd = mkstemp(outp), efd = mkstemp(errp), st = 0, i, k = 0;
    pid_t pid;

    argv[k++] = nobody ? nobody_copy : (char *)tu_lanes();
    if (headless)
        argv[k++] = (char *)"--headless";
    for (i = 0; args[i] != NULL && i < MAXARGS; i++)
        argv[k++] = (char *)args[i];
    argv[k] = NULL;
    unlink(outp);
    unlink(errp);
    pid = fork();
    if (pid == 0) {
        int ifd = open(in != NULL ? in : "/dev/null", O_RDONLY);
        int wfd = out != NULL ? open(out, O_WRONLY) : ofd;

        dup2(ifd, 0);
        dup2(wfd, 1);
        dup2(efd, 2);
        if (nobody && geteuid() == 0 &&
            (setgroups(0, NULL) != 0 || setgid(NOBODY) != 0 || setuid(NOBODY) != 0))
            _exit(126);
        execv(argv[0], argv);
        _exit(127);
    }
    waitpid(pid, &st, 0);
    r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    lseek(ofd, 0, SEEK_SET);
    lseek(efd, 0, SEEK_SET);
    tu_slurp(ofd, r->out, sizeof r->out);
    tu_slurp(efd, r->err, sizeof r->err);
    close(ofd);
    close(efd);
}

/* Can a run as NOBODY be kept from reading noread.lanes?  Not when we are
 * not root yet can still read it (CAP_DAC_OVERRIDE), nor when NOBODY cannot
 * run the program (copied into the fixture directory, as the build may sit
 * in a private one); then the row is skipped, and says so. */
static const char *unreadable_skip(void)
{
    static tu_run probe;
    int fd;

    if (geteuid() != 0) {
        fd = open("noread.lanes", O_RDONLY);
        if (fd >= 0) {
            close(fd);
            return "mode 000 does not stop this user from reading";
        }
        return NULL;
    }
    run_row(&probe, (const char *[]){ "--version", NULL }, 0, NULL, NULL, 1);
    if (probe.status != 0)
        return "root, and the program cannot be run as an unprivileged user";
    return NULL;
}

START_TEST(test_cli_bad_usage)
{
    const struct bad *b = &bad[_i % NBAD];
    int headless = _i >= NBAD;
    const char *starts = b->starts != NULL ? b->starts : "lanes: ";
    const char *why;
    size_t i;

    if (headless && (b->flags & ONCE))
        return;
    if ((b->flags & AS_NOBODY) && (why = unreadable_skip()) != NULL) {
        printf("check_cli: row %d skipped: %s\n", _i, why);
        return;
    }
    run_row(&R, b->args, headless, b->in, b->out, (b->flags & AS_NOBODY) != 0);
    ck_assert_msg(R.status == b->status, "row %d (%s%s): status %d, wanted %d (stderr: %s)",
                  _i, headless ? "--headless " : "", b->args[0], R.status, b->status, R.err);
    ck_assert_msg(strncmp(R.err, starts, strlen(starts)) == 0, "row %d (%s): stderr '%s' "
                  "does not start with '%s'", _i, b->args[0], R.err, starts);
    ck_assert_msg(strstr(R.err, b->says) != NULL, "row %d (%s): '%s' lacks '%s'",
                  _i, b->args[0], R.err, b->says);
    for (i = 0; R.err[i] != '\0'; i++) {
        unsigned char ch = (unsigned char)R.err[i];
        ck_assert_msg(ch >= 0x20 || ch == '\n' || ch == '\t',
                      "row %d (%s): control character %#x in the message", _i, b->args[0], ch);
    }
    if (!(b->flags & OUT_SEEN))
        ck_assert_msg(R.out[0] == '\0', "row %d (%s): stdout '%s'", _i, b->args[0], R.out);
}
END_TEST

/* The good counterpart of the stdin rows: a scenario read from '-' runs. */
START_TEST(test_cli_stdin_runs)
{
    run_row(&R, (const char *[]){ "-", NULL }, 1, "good.lanes", NULL, 0);
    ck_assert_msg(R.status == 0, "status %d (stderr: %s)", R.status, R.err);
    ck_assert_ptr_nonnull(strstr(R.out, "<stdin>"));
    ck_assert_ptr_nonnull(strstr(R.out, "done"));
}
END_TEST

/* --tick takes what the scenario's `tick` takes (one parser): ns, and
 * fractions. */
START_TEST(test_cli_tick_forms)
{
    static const struct { const char *arg, *want; } t[] = {
        { "0.5ms", "\"tick_ns\":500000," },
        { "1500ns", "\"tick_ns\":1500," },
        { "1.25us", "\"tick_ns\":1250," },
    };

    run_row(&R, (const char *[]){ "--json", "--tick", t[_i].arg, "pingpong", NULL }, 0, NULL,
            NULL, 0);
    ck_assert_msg(R.status == 0, "%s: status %d (stderr: %s)", t[_i].arg, R.status, R.err);
    ck_assert_msg(strstr(R.out, t[_i].want) != NULL, "%s: %s", t[_i].arg, R.out);
}
END_TEST

/* --speed takes every speed the screen shows, as it shows it. */
START_TEST(test_cli_speed_as_shown)
{
    static const struct { const char *as; const char *tick; } sp[] = {
        { "1/16", "\"tick_ns\":16000," }, { "1/4", "\"tick_ns\":4000," },
        { "1/4x", "\"tick_ns\":4000," }, { "1/2x", "\"tick_ns\":2000," },
        { "1x", "\"tick_ns\":1000," }, { "0.5", "\"tick_ns\":2000," },
        { "64x", "\"tick_ns\":1000," }, { "max", "\"tick_ns\":1000," },
        { "1/8", "\"tick_ns\":8000," }, { "2/4", "\"tick_ns\":2000," },
        { "0.0625x", "\"tick_ns\":16000," },
    };
    size_t i;

    for (i = 0; i < sizeof sp / sizeof sp[0]; i++) {
        run_row(&R, (const char *[]){ "--json", "--tick", "1us", "--speed", sp[i].as,
                                      "good.lanes", NULL }, 0, NULL, NULL, 0);
        ck_assert_msg(R.status == 0, "--speed %s: status %d (%s)", sp[i].as, R.status, R.err);
        ck_assert_msg(strstr(R.out, sp[i].tick) != NULL, "--speed %s: %s", sp[i].as, R.out);
    }
}
END_TEST

/* --for stops a run that would never end: a normal end, "stopped", 0. */
START_TEST(test_cli_for_stops)
{
    run_row(&R, (const char *[]){ "--json", "--for", "300", "endless.lanes", NULL }, 0,
            NULL, NULL, 0);
    ck_assert_msg(R.status == 0, "status %d (%s)", R.status, R.err);
    ck_assert_msg(strstr(R.out, "\"status\":\"stopped\",\"exit_status\":0,") != NULL, "%s", R.out);
    ck_assert_msg(strstr(R.err, "warning: 'forever' never ends") != NULL, "%s", R.err);
    /* at the default headless tick (20 us) too, it stops where asked: the
     * runtime pauses itself there (lanes_pause_at), not a polling driver
     * (which stopped --for 50 at 268.6) */
    for (int i = 0; i < 2; i++) {
        static const char *fors[] = { "50", "300" };
        const char *t;
        double ticks, want = atof(fors[i]);
        run_row(&R, (const char *[]){ "--json", "--for", fors[i], "endless.lanes", NULL }, 0,
                NULL, NULL, 0);
        t = strstr(R.out, "\"ticks\":");
        ck_assert_msg(t != NULL, "%s", R.out);
        ticks = atof(t + 8);
        ck_assert_msg(ticks >= want && ticks <= want + 1, "--for %s ran %.3f ticks",
                      fors[i], ticks);
    }
    /* a run that ends first ends as it would have */
    run_row(&R, (const char *[]){ "--json", "--for", "100000", "good.lanes", NULL }, 0,
            NULL, NULL, 0);
    ck_assert_msg(strstr(R.out, "\"status\":\"done\"") != NULL, "%s", R.out);
}
END_TEST

/* Columns of the first n bytes of a UTF-8 line. */
static int columns(const char *s, size_t n)
{
    int w = 0;
    for (size_t i = 0; i < n; i++)
        w += ((unsigned char)s[i] & 0xC0) != 0x80;
    return w;
}

/* --list gives each built-in's about line under its title, within 80
 * columns; every title and about line starts in the same column, the
 * longest name (philosophers-fixed) included. */
START_TEST(test_cli_list_about)
{
    const char *line;
    int col = -1;

    run_row(&R, (const char *[]){ "--list", NULL }, 0, NULL, NULL, 0);
    ck_assert_int_eq(R.status, 0);
    ck_assert_ptr_nonnull(strstr(R.out, "restaurant "));
    ck_assert_ptr_nonnull(strstr(R.out, "philosophers-fixed "));
    for (line = R.out; *line != '\0'; ) {
        size_t w = strcspn(line, "\n"), at;
        ck_assert_msg(columns(line, w) <= 80, "a line of %d columns: %.*s", columns(line, w),
                      (int)w, line);
        at = line[0] == ' ' ? strspn(line, " ")                     /* about */
                            : strcspn(line, " ") + strspn(line + strcspn(line, " "), " ");
        if (col < 0)
            col = (int)at;
        ck_assert_msg((int)at == col && at < w, "text at column %zu, not %d: %.*s", at, col,
                      (int)w, line);
        line += w + (line[w] == '\n');
    }
}
END_TEST

/* --json reports the seed in force: the scenario's, or --seed. */
START_TEST(test_cli_json_seed)
{
    run_row(&R, (const char *[]){ "--json", "--tick", "1us", "seeded.lanes", NULL }, 0,
            NULL, NULL, 0);
    ck_assert_msg(R.status == 0, "status %d (%s)", R.status, R.err);
    ck_assert_msg(strstr(R.out, "\"seed\":7,") != NULL, "%s", R.out);
    run_row(&R, (const char *[]){ "--json", "--tick", "1us", "--seed", "9", "seeded.lanes",
                                  NULL }, 0, NULL, NULL, 0);
    ck_assert_msg(strstr(R.out, "\"seed\":9,") != NULL, "%s", R.out);
    run_row(&R, (const char *[]){ "--json", "--tick", "1us", "good.lanes", NULL }, 0,
            NULL, NULL, 0);
    ck_assert_msg(strstr(R.out, "\"seed\":1,") != NULL, "%s", R.out);
}
END_TEST

/* ---- the files the rows name ---------------------------------------------- */

static void put_file(const char *name, const char *text, size_t len)
{
    FILE *f = fopen(name, "wb");

    if (f == NULL || fwrite(text, 1, len, f) != len || fclose(f) != 0) {
        fprintf(stderr, "check_cli: cannot write %s/%s: %s\n", fixture_dir, name,
                strerror(errno));
        exit(1);
    }
}

#define PUT(name, text) put_file(name, text, sizeof text - 1)

/* Random bytes from a fixed seed, with NULs, escapes and a few newlines. */
static void put_binary(void)
{
    char buf[600];
    uint32_t x = 12345;
    size_t i;

    for (i = 0; i < sizeof buf; i++) {
        x = x * 1103515245u + 12345u;
        buf[i] = (char)(x >> 16);
        if (i % 37 == 5)
            buf[i] = '\0';
        else if (i % 53 == 7)
            buf[i] = '\033';
        else if (i % 97 == 96)
            buf[i] = '\n';
    }
    put_file("binary.lanes", buf, sizeof buf);
}

/* A copy of the program, mode 0755, in the fixture directory. */
static void copy_program(void)
{
    char buf[65536];
    ssize_t k;
    int in = open(tu_lanes(), O_RDONLY), out;

    snprintf(nobody_copy, sizeof nobody_copy, "%s/lanes", fixture_dir);
    out = open(nobody_copy, O_WRONLY | O_CREAT | O_TRUNC, 0755);
    while (in >= 0 && out >= 0 && (k = read(in, buf, sizeof buf)) > 0)
        if (write(out, buf, (size_t)k) != k)
            break;
    if (in >= 0)
        close(in);
    if (out >= 0) {
        fchmod(out, 0755);
        close(out);
    }
}

static void make_fixtures(void)
{
    char here[PATH_MAX];

    if (mkdtemp(fixture_dir) == NULL || chmod(fixture_dir, 0755) != 0) {
        perror("check_cli: mkdtemp");
        exit(1);
    }
    /* runs happen in the fixture directory: keep the program's path whole */
    if (tu_lanes()[0] != '/' && getcwd(here, sizeof here) != NULL) {
        char abs[PATH_MAX + 64];
        snprintf(abs, sizeof abs, "%s/%s", here, tu_lanes());
        setenv("LANES", abs, 1);
    }
    copy_program();
    if (chdir(fixture_dir) != 0) {
        perror("check_cli: chdir");
        exit(1);
    }
    PUT("good.lanes", "routine x\n  work 1\nend\n");
    PUT("endless.lanes", "chan c 1\nroutine a\n  forever\n    send c\n    recv c\n  end\nend\n");
    PUT("seeded.lanes", "seed 7\nroutine x\n  work 1..3\nend\n");
    PUT("bad.lanes", "chan a 0\nroutine x\n  send b\nend\n");
    PUT("fault.lanes", "chan a 1\nroutine x\n  close a\n  send a\nend\n");
    PUT("stuck.lanes", "chan a 0\nroutine x\n  recv a\nend\n");
    PUT("empty.lanes", "");
    PUT("comments.lanes", "# only a comment\n\n   \n");
    PUT("noread.lanes", "routine x\n  work 1\nend\n");
    put_binary();
    if (chmod("noread.lanes", 0) != 0 || mkdir("dir.lanes", 0755) != 0) {
        perror("check_cli: fixtures");
        exit(1);
    }
}

static void remove_fixtures(void)
{
    static const char *const files[] = {
        "good.lanes", "bad.lanes", "fault.lanes", "stuck.lanes", "empty.lanes",
        "comments.lanes", "noread.lanes", "binary.lanes", "lanes"
    };
    size_t i;

    for (i = 0; i < sizeof files / sizeof files[0]; i++)
        unlink(files[i]);
    rmdir("dir.lanes");
    if (chdir("/") == 0)
        rmdir(fixture_dir);
}

static Suite *cli_suite(void)
{
    Suite *s = suite_create("cli");
    TCase *tc = tcase_create("cli");

    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_cli_help);
    tcase_add_test(tc, test_cli_version);
    tcase_add_loop_test(tc, test_cli_bad_usage, 0, 2 * NBAD);
    tcase_add_test(tc, test_cli_stdin_runs);
    tcase_add_loop_test(tc, test_cli_tick_forms, 0, 3);
    tcase_add_test(tc, test_cli_speed_as_shown);
    tcase_add_test(tc, test_cli_list_about);
    tcase_add_test(tc, test_cli_for_stops);
    tcase_add_test(tc, test_cli_json_seed);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(cli_suite());
    int failed;

    make_fixtures();
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    remove_fixtures();
    return failed == 0 ? 0 : 1;
}
