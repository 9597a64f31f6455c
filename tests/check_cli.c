/*
 * check_cli.c - the command line as a user meets it: --help, --version, and
 * a table of bad command lines, each with its exit status and message.
 */
#include "config.h"
#include <check.h>
#include "testutil.h"

#define MAXARGS 8

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
    ck_assert_str_eq(R.err, "");
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

/* Each bad command line: the exit status and a piece of the message. */
static const struct bad {
    const char *args[MAXARGS];
    int status;
    const char *says;
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
};

START_TEST(test_cli_bad_usage)
{
    const struct bad *b = &bad[_i];

    run_lanes(&R, b->args, NULL);
    ck_assert_msg(R.status == b->status, "%s: status %d, wanted %d (stderr: %s)",
                  b->args[0], R.status, b->status, R.err);
    ck_assert_msg(strncmp(R.err, "lanes: ", 7) == 0, "%s: stderr '%s'", b->args[0], R.err);
    ck_assert_msg(strstr(R.err, b->says) != NULL, "%s: '%s' lacks '%s'",
                  b->args[0], R.err, b->says);
    ck_assert_str_eq(R.out, "");
}
END_TEST

static Suite *cli_suite(void)
{
    Suite *s = suite_create("cli");
    TCase *tc = tcase_create("cli");

    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_cli_help);
    tcase_add_test(tc, test_cli_version);
    tcase_add_loop_test(tc, test_cli_bad_usage, 0, (int)(sizeof bad / sizeof bad[0]));
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(cli_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
