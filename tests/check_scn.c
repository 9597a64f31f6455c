/*
 * check_scn.c - the scenario parser and checker, without a runtime: a table
 * of bad inputs with the exact first message each must give, the built-in
 * scenarios parsing clean, warnings, the GCC-style layout of a message, and
 * the inputs a parser must survive (NUL bytes, CRLF, a BOM, tabs, no final
 * newline, a 1 MiB line, a million lines).
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scn/scn.h"
#include "scn/scn_int.h"   /* the step table, for its own test */

/* A string literal and its length (it may hold NUL bytes). */
#define S(lit) lit, sizeof(lit) - 1

static const struct bad {
    const char *src;
    size_t len;
    const char *first;      /* the exact first line of the messages */
} bad[] = {
    { S("routine a\n  note\nend\n"),
      "t.lanes:2:7: error: 'note' needs a text in double quotes, such as note \"Now press 4\"" },
    { S("routine a\n  note \"x\" later\nend\n"),
      "t.lanes:2:12: error: unexpected 'later' after the note's text: only 'pause' may follow it" },
    { S("routine a\n  note \"x\" pause pause\nend\n"),
      "t.lanes:2:18: error: unexpected 'pause' after 'note'" },
    { S("routine a\n  note \"x\nend\n"),
      "t.lanes:2:8: error: unterminated string: the closing '\"' is missing" },
    { S("note \"x\"\n"),
      "t.lanes:1:1: error: 'note' outside a routine" },
    { S("chan c 0x10\n"),
      "t.lanes:1:8: error: '0x10' is not a decimal number: hexadecimal is not supported" },
    { S("chan c 1e3\n"),
      "t.lanes:1:8: error: '1e3' is not a whole number: write digits only, such as 1000" },
    { S("chan c -3\n"),
      "t.lanes:1:8: error: '-3' is negative (capacity: 0 to 1000000)" },
    { S("chan c 1.5\n"),
      "t.lanes:1:8: error: '1.5' is not a whole number: write digits only, such as 1000" },
    { S("chan c 1000001\n"),
      "t.lanes:1:8: error: capacity 1000001 is too large (at most 1000000)" },
    { S("chan c 99999999999999999999999999\n"),
      "t.lanes:1:8: error: capacity 99999999999999999999999999 is too large (at most 1000000)" },
    { S("chan c many\n"),
      "t.lanes:1:8: error: 'many' is not a number (capacity: 0 to 1000000)" },
    { S("chan c +3\n"),
      "t.lanes:1:8: error: '+3' is not a whole number: write digits only, such as 1000" },
    { S("cores 0\n"),
      "t.lanes:1:7: error: cores 0 is too small (at least 1)" },
    { S("cores 65\n"),
      "t.lanes:1:7: error: cores 65 is too large (at most 64)" },
    { S("quantum -1\n"),
      "t.lanes:1:9: error: '-1' is negative (quantum: 0 to 1000000)" },
    { S("quantum 1000001\n"),
      "t.lanes:1:9: error: quantum 1000001 is too large (at most 1000000)" },
    { S("seed 9223372036854775808\n"),
      "t.lanes:1:6: error: seed 9223372036854775808 is too large (at most 9223372036854775807)" },
    { S("seed 0x1\n"),
      "t.lanes:1:6: error: '0x1' is not a decimal number: hexadecimal is not supported" },
    { S("tick 5\n"),
      "t.lanes:1:6: error: '5' is not a duration: a number with ns, us, ms or s, such as 50ms or 0.5ms" },
    { S("tick 50ns\n"),
      "t.lanes:1:6: error: tick 50ns is out of range (1us to 60s)" },
    { S("tick 1.5\n"),
      "t.lanes:1:6: error: '1.5' is not a duration: a number with ns, us, ms or s, such as 50ms or 0.5ms" },
    { S("tick 1.ms\n"),
      "t.lanes:1:6: error: '1.ms' is not a duration: a number with ns, us, ms or s, such as 50ms or 0.5ms" },
    { S("tick 1e3us\n"),
      "t.lanes:1:6: error: '1e3us' is not a duration: a number with ns, us, ms or s, such as 50ms or 0.5ms" },
    { S("tick 60.000001s\n"),
      "t.lanes:1:6: error: tick 60.000001s is out of range (1us to 60s)" },
    { S("tick 61s\n"),
      "t.lanes:1:6: error: tick 61s is out of range (1us to 60s)" },
    { S("tick 0ms\n"),
      "t.lanes:1:6: error: tick 0ms is out of range (1us to 60s)" },
    { S("tick fast\n"),
      "t.lanes:1:6: error: 'fast' is not a duration: a number with ns, us, ms or s, such as 50ms or 0.5ms" },
    { S("routine r\n" "  work 5..2\n" "end\n"),
      "t.lanes:2:8: error: range 5..2 is backwards: the smaller number comes first" },
    { S("routine r\n" "  work 2..\n" "end\n"),
      "t.lanes:2:8: error: '2..' is not an amount: write N or N..M ticks, such as 2..4" },
    { S("routine r\n" "  work ..4\n" "end\n"),
      "t.lanes:2:8: error: '..4' is not an amount: write N or N..M ticks, such as 2..4" },
    { S("routine r\n" "  work 1000001\n" "end\n"),
      "t.lanes:2:8: error: amount 1000001 is too large (at most 1000000)" },
    { S("routine r\n" "  work -1\n" "end\n"),
      "t.lanes:2:8: error: '-1' is negative (amount: 0 to 1000000)" },
    { S("routine r\n" "  sleep 1e2\n" "end\n"),
      "t.lanes:2:9: error: '1e2' is not a whole number: write digits only, such as 1000" },
    { S("routine r\n" "  sleep 3..x\n" "end\n"),
      "t.lanes:2:12: error: 'x' is not a number (amount: 0 to 1000000)" },
    { S("routine r\n" "  repeat 1000001\n" "  end\n" "end\n"),
      "t.lanes:2:10: error: repeat count 1000001 is too large (at most 1000000)" },
    { S("routine r\n" "  repeat 0x2\n" "  end\n" "end\n"),
      "t.lanes:2:10: error: '0x2' is not a decimal number: hexadecimal is not supported" },
    { S("routine r x4097\n" "end\n"),
      "t.lanes:1:12: error: instance count 4097 is too large (at most 4096)" },
    { S("routine r xx\n" "end\n"),
      "t.lanes:1:11: error: expected an instance count such as x2, not 'xx'" },
    { S("routine r 2\n" "end\n"),
      "t.lanes:1:11: error: expected an instance count such as x2, not '2'" },
    { S("chan aaaaaaaaaaaaaaaaaaaaaaaaa 1\n"),
      "t.lanes:1:6: error: channel name 'aaaaaaaaaaaaaaaaaaaaaaaaa' is too long (at most 24 characters)" },
    { S("routine bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\n" "end\n"),
      "t.lanes:1:9: error: routine name 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb' is too long (at most 24 characters)" },
    { S("chan 9lives 1\n"),
      "t.lanes:1:6: error: '9lives' is not a valid channel name: use letters, digits and _, starting with a letter" },
    { S("chan caf\xc3\xa9 1\n"),
      "t.lanes:1:6: error: 'caf\xc3\xa9' is not a valid channel name: use letters, digits and _, starting with a letter" },
    { S("chan c 1\n" "chan c 2\n"),
      "t.lanes:2:6: error: channel 'c' is already declared (line 1)" },
    { S("chan c 1 token\n"),
      "t.lanes:1:10: error: unexpected 'token' after the capacity (only 'tokens' may follow)" },
    { S("chan c tokens 1\n"),
      "t.lanes:1:15: error: unexpected '1' after 'tokens'" },
    { S("routine r\n" "end\n" "routine r\n" "end\n"),
      "t.lanes:3:9: error: routine 'r' is already declared (line 1)" },
    { S("chan orders 1\n" "routine r\n" "  send order\n" "end\n"),
      "t.lanes:3:8: error: unknown channel 'order' (did you mean 'orders'?)" },
    { S("chan orders 1\n" "routine r\n" "  recv ordres\n" "end\n"),
      "t.lanes:3:8: error: unknown channel 'ordres' (did you mean 'orders'?)" },
    { S("chan meals 1\n" "routine r\n" "  close mealz\n" "end\n"),
      "t.lanes:3:9: error: unknown channel 'mealz' (did you mean 'meals'?)" },
    { S("chan jobs 1\n" "routine r\n" "  range jbos\n" "  end\n" "end\n"),
      "t.lanes:3:9: error: unknown channel 'jbos' (did you mean 'jobs'?)" },
    { S("routine cook\n" "end\n" "routine r\n" "  spawn cok\n" "end\n"),
      "t.lanes:4:9: error: spawn of unknown routine 'cok' (did you mean 'cook'?)" },
    { S("routine r\n" "  spawn nobody\n" "end\n"),
      "t.lanes:2:9: error: spawn of unknown routine 'nobody'" },
    { S("chan c 1\n" "routine r\n" "  select\n" "    case recv cc\n" "  end\n" "end\n"),
      "t.lanes:4:15: error: unknown channel 'cc' (did you mean 'c'?)" },
    { S("routine r\n" "  wrok 1\n" "end\n"),
      "t.lanes:2:3: error: unknown step 'wrok' (did you mean 'work'?)" },
    { S("chn c 1\n"),
      "t.lanes:1:1: error: unknown declaration 'chn' (did you mean 'chan'?)" },
    { S("routine r\n" "  jump\n" "end\n"),
      "t.lanes:2:3: error: unknown step 'jump'" },
    { S("routine r\n" "  work\n" "end\n"),
      "t.lanes:2:7: error: 'work' needs a number of ticks, such as 3 or 2..4" },
    { S("routine r\n" "  send\n" "end\n"),
      "t.lanes:2:7: error: 'send' needs a channel name" },
    { S("routine r\n" "  spawn\n" "end\n"),
      "t.lanes:2:8: error: 'spawn' needs a routine name" },
    { S("routine r\n" "  repeat\n" "  end\n" "end\n"),
      "t.lanes:2:9: error: 'repeat' needs a count" },
    { S("routine r\n" "  yield now\n" "end\n"),
      "t.lanes:2:9: error: unexpected 'now' after 'yield'" },
    { S("chan c 1\n" "chan d 0\n" "routine r\n" "  send c d\n" "end\n"),
      "t.lanes:4:10: error: unexpected 'd' after 'send'" },
    { S("cores\n"),
      "t.lanes:1:6: error: 'cores' needs a number of cores (1 to 64)" },
    { S("tick\n"),
      "t.lanes:1:5: error: 'tick' needs a duration such as 50ms" },
    { S("chan\n"),
      "t.lanes:1:5: error: 'chan' needs a name and a capacity" },
    { S("routine\n"),
      "t.lanes:1:1: error: 'routine' is never closed: an 'end' is missing" },
    { S("cores 2 3\n"),
      "t.lanes:1:9: error: unexpected '3' after 'cores'" },
    { S("cores 2\n" "cores 3\n"),
      "t.lanes:2:1: error: 'cores' is given twice (first on line 1)" },
    { S("scenario \"a\"\n" "scenario \"b\"\n"),
      "t.lanes:2:1: error: 'scenario' is given twice (first on line 1)" },
    { S("scenario title\n"),
      "t.lanes:1:10: error: 'scenario' needs a title in double quotes" },
    { S("about\n"),
      "t.lanes:1:6: error: 'about' needs a text in double quotes" },
    { S("scenario \"ttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt\"\n"),
      "t.lanes:1:10: error: the title is too long (101 bytes, at most 100)" },
    { S("about \"unterminated\n"),
      "t.lanes:1:7: error: unterminated string: the closing '\"' is missing" },
    { S("\"just a string\"\n"),
      "t.lanes:1:1: error: a line starts with a declaration or a step, not a string" },
    { S("routine r\n" "  work 1 # fine\n" "  send \"x\n" "end\n"),
      "t.lanes:3:8: error: unterminated string: the closing '\"' is missing" },
    { S("routine r\n" "  work 1\n"),
      "t.lanes:1:1: error: routine 'r' is never closed: an 'end' is missing" },
    { S("routine r\n" "  repeat 2\n" "    work 1\n" "end\n"),
      "t.lanes:1:1: error: routine 'r' is never closed: an 'end' is missing" },
    { S("routine r\n" "  forever\n"),
      "t.lanes:1:1: error: routine 'r' is never closed: an 'end' is missing" },
    { S("end\n"),
      "t.lanes:1:1: error: 'end' without a block to close" },
    { S("work 1\n"),
      "t.lanes:1:1: error: 'work' outside a routine" },
    { S("routine a\n" "  work 1\n" "routine b\n" "  work 1\n" "end\n"),
      "t.lanes:3:1: error: 'routine' inside routine 'a': is an 'end' missing?" },
    { S("routine r\n" "  chan c 1\n" "end\n"),
      "t.lanes:2:3: error: 'chan' belongs outside routines: is an 'end' missing before it?" },
    { S("chan c 1\n" "routine r\n" "  case recv c\n" "end\n"),
      "t.lanes:3:3: error: 'case' outside a select" },
    { S("chan c 1\n" "routine r\n" "  default\n" "end\n"),
      "t.lanes:3:3: error: 'default' outside a select" },
    { S("chan c 1\n" "routine r\n" "  select\n" "    case recv c\n" "    repeat 2\n" "      case send c\n" "    end\n" "  end\n" "end\n"),
      "t.lanes:6:7: error: 'case' inside 'repeat' (line 5): is an 'end' missing?" },
    { S("chan c 1\n" "routine r\n" "  select\n" "  end\n" "end\n"),
      "t.lanes:3:3: error: select without any 'case'" },
    { S("chan c 1\n" "routine r\n" "  select\n" "    work 1\n" "    case recv c\n" "  end\n" "end\n"),
      "t.lanes:4:5: error: 'work' before the first 'case' of a select: each part starts with 'case send CH', 'case recv CH' or 'default'" },
    { S("chan c 1\n" "routine r\n" "  select\n" "    case recv c\n" "    default\n" "    default\n" "  end\n" "end\n"),
      "t.lanes:6:5: error: a select has one 'default' at most (first on line 5)" },
    { S("chan c 1\n" "routine r\n" "  select\n" "    case c\n" "  end\n" "end\n"),
      "t.lanes:4:10: error: 'case' needs 'send CH' or 'recv CH'" },
    { S("chan c 1\n" "routine r\n" "  select\n" "    case push c\n" "  end\n" "end\n"),
      "t.lanes:4:10: error: 'case' needs 'send CH' or 'recv CH'" },
    { S("chan c 1\n" "routine r\n" "  select\n" "    case recv\n" "  end\n" "end\n"),
      "t.lanes:4:14: error: 'case recv' needs a channel name" },
    { S("routine a x4096\n" "end\n" "routine b\n" "end\n"),
      "t.lanes:3:1: error: more than 4096 routine instances at start (4097 with routine 'b')" },
    { S(""),
      "t.lanes: error: nothing to run: no routine is declared" },
    { S("# only a comment\n"),
      "t.lanes: error: nothing to run: no routine is declared" },
    { S("routine r x0\n" "end\n"),
      "t.lanes: error: nothing to run: every routine is x0, and only 'spawn' starts those" },
    { S("routine r\n" "  wo\x00rk 1\n" "end\n"),
      "t.lanes:2:5: error: NUL byte in the line: is this a text file?" },
};

/* The first line of a message text, copied. */
static void first_line(const char *msgs, char *out, size_t n)
{
    size_t k = strcspn(msgs, "\n");
    if (k >= n)
        k = n - 1;
    memcpy(out, msgs, k);
    out[k] = '\0';
}

static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (; (hay = strstr(hay, needle)) != NULL; hay += strlen(needle))
        n++;
    return n;
}

START_TEST(test_scn_bad_inputs)
{
    const struct bad *b = &bad[_i];
    scn_result r = scn_parse("t.lanes", b->src, b->len);
    char line[600];

    ck_assert_msg(r.prog == NULL, "row %d parsed", _i);
    ck_assert_int_ge(r.errors, 1);
    ck_assert_int_le(r.errors, 10);
    ck_assert_ptr_nonnull(r.messages);
    first_line(r.messages, line, sizeof line);
    ck_assert_msg(strcmp(line, b->first) == 0, "row %d:\n got  %s\n want %s", _i, line, b->first);
    scn_result_free(&r);
}
END_TEST

START_TEST(test_scn_message_layout)
{
    static const char src[] =
        "chan orders 3\n"
        "routine cashier\n"
        "\trepeat 2\n"
        "\t\tsend order\n"
        "\tend\n"
        "end\n";
    scn_result r = scn_parse("restaurant.lanes", src, sizeof src - 1);

    ck_assert_int_eq(r.errors, 1);
    ck_assert_int_eq(r.warnings, 0);
    ck_assert_str_eq(r.messages,
        "restaurant.lanes:4:8: error: unknown channel 'order' (did you mean 'orders'?)\n"
        "\t\tsend order\n"
        "\t\t     ^\n");
    scn_result_free(&r);
}
END_TEST

START_TEST(test_scn_utf8_columns)
{
    static const char src[] = "about \"caf\xc3\xa9 \xe2\x98\x95\" x\nroutine r\nend\n";
    scn_result r = scn_parse("u.lanes", src, sizeof src - 1);

    ck_assert_int_eq(r.errors, 1);
    /* columns count characters: the caret sits under the x */
    ck_assert_str_eq(r.messages,
        "u.lanes:1:16: error: unexpected 'x' after 'about'\n"
        "about \"caf\xc3\xa9 \xe2\x98\x95\" x\n"
        "               ^\n");
    scn_result_free(&r);
}
END_TEST

START_TEST(test_scn_warnings)
{
    static const char src[] =
        "chan orders 3\n"
        "chan spare 1\n"
        "routine cook\n"
        "  range orders\n"
        "    work 1\n"
        "  end\n"
        "end\n";
    scn_result r = scn_parse("w.lanes", src, sizeof src - 1);

    ck_assert_ptr_nonnull(r.prog);
    ck_assert_int_eq(r.errors, 0);
    ck_assert_int_eq(r.warnings, 2);
    ck_assert_str_eq(r.messages,
        "w.lanes:2:6: warning: channel 'spare' is never used\n"
        "chan spare 1\n"
        "     ^\n"
        "w.lanes:4:3: warning: 'range' over 'orders' never ends: no routine closes it\n"
        "  range orders\n"
        "  ^\n");
    scn_result_free(&r);
}
END_TEST

/* A `forever` that a running routine reaches is warned about, once per
 * routine, and remembered; one in a routine nothing starts is not. */
START_TEST(test_scn_forever_warned)
{
    static const char src[] =
        "chan c 1\n"
        "routine idle x0\n"
        "  forever\n"
        "    yield\n"
        "  end\n"
        "end\n"
        "routine ticker\n"
        "  forever\n"
        "    send c\n"
        "    forever\n"
        "      recv c\n"
        "    end\n"
        "  end\n"
        "end\n";
    scn_result r = scn_parse("f.lanes", src, sizeof src - 1);

    ck_assert_ptr_nonnull(r.prog);
    ck_assert_int_eq(r.warnings, 1);
    ck_assert_str_eq(r.messages,
        "f.lanes:8:3: warning: 'forever' never ends: 'ticker' runs until the run is stopped "
        "(a headless run needs --for TICKS)\n"
        "  forever\n"
        "  ^\n");
    ck_assert_int_eq(scn_endless_line(r.prog), 8);
    scn_result_free(&r);
}
END_TEST

/* Warnings wait until the errors are fixed. */
START_TEST(test_scn_no_warnings_with_errors)
{
    static const char src[] = "chan spare 1\nroutine r\n  wurk 1\nend\n";
    scn_result r = scn_parse("w.lanes", src, sizeof src - 1);

    ck_assert_int_eq(r.errors, 1);
    ck_assert_int_eq(r.warnings, 0);
    scn_result_free(&r);
}
END_TEST

/* The about line shows whole on two rows at 100 columns (98 each). */
#define ABOUT_COLUMNS 196

static int columns(const char *s)
{
    int w = 0;
    for (; *s != '\0'; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

/* The built-ins that say "press 4" for four routines at once: on a 2-CPU
 * machine four lanes take turns on the CPUs, so their about line must say
 * how to tell (solid cells, not ░). */
static int promises_four(const char *name)
{
    static const char *const four[] = { "lesson", "smartphone", "restaurant",
                                        "workers", "timeslice" };
    for (size_t k = 0; k < sizeof four / sizeof four[0]; k++)
        if (strcmp(name, four[k]) == 0)
            return 1;
    return 0;
}

START_TEST(test_scn_builtins_clean)
{
    int i;

    for (i = 0; scn_builtin_name(i) != NULL; i++) {
        scn_result r = scn_load(scn_builtin_name(i));
        char file[64];

        ck_assert_msg(r.errors == 0 && r.warnings == 0, "%s:\n%s", scn_builtin_name(i),
                      r.messages ? r.messages : "");
        ck_assert_ptr_null(r.messages);
        ck_assert_ptr_nonnull(r.prog);
        snprintf(file, sizeof file, "%s.lanes", scn_builtin_name(i));
        ck_assert_str_eq(scn_filename(r.prog), file);
        ck_assert_str_eq(scn_title(r.prog), scn_builtin_title(i));
        ck_assert_msg(strstr(scn_about(r.prog), "ress") != NULL,
                      "%s: the about line names a key to press", file);
        ck_assert_msg(columns(scn_about(r.prog)) <= ABOUT_COLUMNS,
                      "%s: the about line takes %d columns, more than two rows of a "
                      "100-column screen", file, columns(scn_about(r.prog)));
        ck_assert_msg(!promises_four(scn_builtin_name(i)) || strstr(scn_about(r.prog), "░"),
                      "%s: the about line promises four at once without saying how it "
                      "reads on 2 CPUs (░)", file);
        scn_result_free(&r);
    }
    ck_assert_int_eq(i, 14);
    ck_assert_str_eq(scn_builtin_name(0), SCN_DEFAULT);
    ck_assert_ptr_null(scn_builtin_name(-1));
    ck_assert_ptr_null(scn_builtin_title(i));
}
END_TEST

/* The embedded texts are the files in assets/scenarios. */
START_TEST(test_scn_builtins_match_assets)
{
    const char *top = getenv("top_srcdir");
    int i;

    for (i = 0; scn_builtin_name(i) != NULL; i++) {
        char path[4096], buf[16384];
        size_t len, n;
        const char *text = scn_builtin_text(scn_builtin_name(i), &len);
        FILE *f;

        snprintf(path, sizeof path, "%s/assets/scenarios/%s.lanes", top ? top : ".",
                 scn_builtin_name(i));
        f = fopen(path, "rb");
        ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
        n = fread(buf, 1, sizeof buf, f);
        fclose(f);
        ck_assert_uint_eq(n, len);
        ck_assert(memcmp(buf, text, len) == 0);
    }
    ck_assert_ptr_null(scn_builtin_text("nosuch", NULL));
}
END_TEST

START_TEST(test_scn_defaults_and_settings)
{
    static const char plain[] = "routine r\nend\n";
    static const char set[] =
        "scenario \"A \\\"quoted\\\" title\"\n"
        "about \"what to watch\"\n"
        "cores 4\nquantum 0\ntick 200us\nseed 42\n"
        "routine r\nend\n";
    scn_result r = scn_parse("plain.lanes", plain, sizeof plain - 1);

    ck_assert_ptr_nonnull(r.prog);
    ck_assert_str_eq(scn_title(r.prog), "plain.lanes");
    ck_assert_str_eq(scn_about(r.prog), "");
    ck_assert_int_eq(scn_cores(r.prog), 1);
    ck_assert_int_eq(scn_quantum(r.prog), 4);
    ck_assert_uint_eq(scn_tick_ns(r.prog), 50000000u);
    ck_assert_uint_eq(scn_seed(r.prog), 1);
    scn_result_free(&r);

    r = scn_parse("set.lanes", set, sizeof set - 1);
    ck_assert_ptr_nonnull(r.prog);
    ck_assert_str_eq(scn_title(r.prog), "A \"quoted\" title");
    ck_assert_str_eq(scn_about(r.prog), "what to watch");
    ck_assert_int_eq(scn_cores(r.prog), 4);
    ck_assert_int_eq(scn_quantum(r.prog), 0);
    ck_assert_uint_eq(scn_tick_ns(r.prog), 200000u);
    ck_assert_uint_eq(scn_seed(r.prog), 42);
    scn_result_free(&r);
}
END_TEST

START_TEST(test_scn_durations)
{
    static const struct { const char *src; uint64_t ns; } d[] = {
        { "tick 1us\nroutine r\nend\n", 1000u },
        { "tick 50ms\nroutine r\nend\n", 50000000u },
        { "tick 2s\nroutine r\nend\n", 2000000000u },
        { "tick 60s\nroutine r\nend\n", 60000000000u },
        /* what --tick takes, the same parser */
        { "tick 1000ns\nroutine r\nend\n", 1000u },
        { "tick 0.5ms\nroutine r\nend\n", 500000u },
        { "tick 1.25us\nroutine r\nend\n", 1250u },
        { "tick 0.0015s\nroutine r\nend\n", 1500000u },
        { "tick 2.5000000009s\nroutine r\nend\n", 2500000000u },
    };
    size_t i;

    for (i = 0; i < sizeof d / sizeof d[0]; i++) {
        scn_result r = scn_parse("d.lanes", d[i].src, strlen(d[i].src));
        ck_assert_ptr_nonnull(r.prog);
        ck_assert_uint_eq(scn_tick_ns(r.prog), d[i].ns);
        scn_result_free(&r);
    }
}
END_TEST

/* The same program written with CRLF, a BOM, tabs and no final newline. */
START_TEST(test_scn_line_endings)
{
    static const char *const forms[] = {
        "chan c 1\nroutine r\n  send c\n  recv c\nend\n",
        "chan c 1\r\nroutine r\r\n  send c\r\n  recv c\r\nend\r\n",
        "\xef\xbb\xbf" "chan c 1\nroutine r\n  send c\n  recv c\nend\n",
        "\xef\xbb\xbf" "chan\tc\t1\r\nroutine\tr\r\n\tsend\tc\r\n\t\trecv c\r\nend",
        "chan c 1\nroutine r\n  send c\n  recv c\nend",
        "# comment\n\n  chan c 1 # trailing\n\nroutine r\n  send c\n  recv c\nend    # done",
    };
    size_t i;

    for (i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        scn_result r = scn_parse("e.lanes", forms[i], strlen(forms[i]));
        const char *text;
        int first = 0;

        ck_assert_msg(r.errors == 0 && r.warnings == 0, "form %zu: %s", i,
                      r.messages ? r.messages : "");
        ck_assert_int_eq(scn_routine_count(r.prog), 1);
        ck_assert_str_eq(scn_routine_decl_name(r.prog, 0), "r");
        text = scn_routine_decl_text(r.prog, 0, &first);
        ck_assert_ptr_null(strchr(text, '\r'));
        ck_assert_int_eq(text[strlen(text) - 1], '\n');
        ck_assert_int_eq(count(text, "\n"), 4);
        scn_result_free(&r);
    }
    /* a BOM is not part of the first line's columns */
    {
        static const char src[] = "\xef\xbb\xbf" "cores 0\nroutine r\nend\n";
        scn_result r = scn_parse("b.lanes", src, sizeof src - 1);
        ck_assert_str_eq(r.messages,
            "b.lanes:1:7: error: cores 0 is too small (at least 1)\ncores 0\n      ^\n");
        scn_result_free(&r);
    }
}
END_TEST

START_TEST(test_scn_nul_bytes)
{
    static const char src[] = "routine r\n  work 1\0\nend\n\0";
    static const char nuls[] = "\0\0\0\0\0\0\0\0";
    scn_result r = scn_parse("n.lanes", src, sizeof src - 1);

    ck_assert_ptr_null(r.prog);
    ck_assert_int_eq(r.errors, 2);
    ck_assert_str_eq(r.messages,
        "n.lanes:2:9: error: NUL byte in the line: is this a text file?\n"
        "  work 1?\n"
        "        ^\n"
        "n.lanes:4:1: error: NUL byte in the line: is this a text file?\n"
        "?\n"
        "^\n");
    scn_result_free(&r);
    r = scn_parse("n.lanes", nuls, sizeof nuls - 1);
    ck_assert_int_eq(r.errors, 1);
    scn_result_free(&r);
    r = scn_parse("n.lanes", NULL, 0);
    ck_assert_int_eq(r.errors, 1);
    scn_result_free(&r);
}
END_TEST

/* A 1 MiB line: parsed in one go; a message about it shows a window. */
START_TEST(test_scn_long_line)
{
    size_t n = 1u << 20, i;
    char *src = malloc(n + 64);
    scn_result r;
    int len;

    len = sprintf(src, "routine r\n  work 1 #");
    memset(src + len, 'z', n);
    strcpy(src + len + n, "\nend\n");
    r = scn_parse("l.lanes", src, strlen(src));
    ck_assert_msg(r.errors == 0, "%s", r.messages ? r.messages : "");
    scn_result_free(&r);

    len = sprintf(src, "routine r\n  work 1");
    for (i = 0; i < n; i++)
        src[len + i] = i % 2 ? 'y' : ' ';
    strcpy(src + len + n, " 9\nend\n");
    r = scn_parse("l.lanes", src, strlen(src));
    ck_assert_int_eq(r.errors, 1);
    ck_assert_ptr_nonnull(strstr(r.messages, "l.lanes:2:10: error: unexpected 'y' after 'work'\n"));
    ck_assert_uint_lt(strlen(r.messages), 600);
    scn_result_free(&r);

    /* an error far along the line: the window still has the caret under it */
    len = sprintf(src, "routine r\n  work 1 ");
    memset(src + len, ' ', n);
    strcpy(src + len + n, "oops\nend\n");
    r = scn_parse("l.lanes", src, strlen(src));
    ck_assert_int_eq(r.errors, 1);
    {
        char shown[128], caret[128];
        sprintf(shown, "\n...%60s\n", "oops");
        memcpy(shown + 64, "oops\n", 6);
        memset(shown + 4, ' ', 60);
        sprintf(caret, "\n%64s\n", "^");
        ck_assert_ptr_nonnull(strstr(r.messages, "l.lanes:2:1048586: error: unexpected 'oops' after 'work'\n"));
        ck_assert_ptr_nonnull(strstr(r.messages, shown));
        ck_assert_ptr_nonnull(strstr(r.messages, caret));
    }
    ck_assert_uint_lt(strlen(r.messages), 600);
    scn_result_free(&r);
    free(src);
}
END_TEST

/* A million lines, linear: this must take well under the test's timeout. */
START_TEST(test_scn_million_lines)
{
    const char step[] = "  work 1..2\n";
    size_t n = 1000000, k = sizeof step - 1, i;
    char *src = malloc(n * k + 64), *p = src;
    scn_result r;
    int first = 0;

    p += sprintf(p, "chan c 1\nroutine r\n");
    for (i = 0; i < n; i++, p += k)
        memcpy(p, step, k);
    p += sprintf(p, "  send c\n  recv c\nend\n");
    r = scn_parse("m.lanes", src, (size_t)(p - src));
    ck_assert_msg(r.errors == 0, "%s", r.messages ? r.messages : "");
    ck_assert_ptr_nonnull(scn_routine_decl_text(r.prog, 0, &first));
    ck_assert_int_eq(first, 2);
    scn_result_free(&r);

    /* and a million bad lines stop at 10 errors */
    p = src;
    for (i = 0; i < n; i++, p += k)
        memcpy(p, "  wurk 1..2\n", k);
    r = scn_parse("m.lanes", src, (size_t)(p - src));
    ck_assert_int_eq(r.errors, 10);
    free(src);
    scn_result_free(&r);
}
END_TEST

START_TEST(test_scn_error_limit)
{
    char src[2048], *p = src;
    scn_result r;
    int i;

    for (i = 0; i < 30; i++)
        p += sprintf(p, "cores %d\n", 100 + i);
    r = scn_parse("x.lanes", src, (size_t)(p - src));
    ck_assert_int_eq(r.errors, 10);
    ck_assert_int_eq(count(r.messages, ": error: "), 10);
    ck_assert_ptr_nonnull(strstr(r.messages, "x.lanes:10:7: error: cores 109 is too large"));
    ck_assert_ptr_null(strstr(r.messages, "cores 110"));
    ck_assert_ptr_nonnull(strstr(r.messages, "x.lanes: note: stopped after 10 errors\n"));
    scn_result_free(&r);
}
END_TEST

/* Limits that take many lines to reach. */
START_TEST(test_scn_limits)
{
    size_t cap = 1 << 16;
    char *src = malloc(cap), *p;
    scn_result r;
    int i;

    p = src;
    for (i = 0; i < 257; i++)
        p += sprintf(p, "chan c%d 0\n", i);
    p += sprintf(p, "routine r\n");
    for (i = 0; i < 256; i++)
        p += sprintf(p, "  send c%d\n", i);
    p += sprintf(p, "end\n");
    r = scn_parse("x.lanes", src, (size_t)(p - src));
    ck_assert_int_eq(r.errors, 1);
    ck_assert_ptr_nonnull(strstr(r.messages, "x.lanes:257:1: error: too many channels (at most 256)\n"));
    scn_result_free(&r);

    /* 256 channels, all used, are fine */
    p = src;
    for (i = 0; i < 256; i++)
        p += sprintf(p, "chan c%d 0\n", i);
    p += sprintf(p, "routine r\n");
    for (i = 0; i < 256; i++)
        p += sprintf(p, "  close c%d\n", i);
    p += sprintf(p, "end\n");
    r = scn_parse("x.lanes", src, (size_t)(p - src));
    ck_assert_msg(r.errors == 0 && r.warnings == 0, "%s", r.messages);
    scn_result_free(&r);

    p = src;
    for (i = 0; i < 257; i++)
        p += sprintf(p, "routine r%d\nend\n", i);
    r = scn_parse("x.lanes", src, (size_t)(p - src));
    ck_assert_int_eq(r.errors, 1);
    ck_assert_ptr_nonnull(strstr(r.messages, "x.lanes:513:1: error: too many routines (at most 256)\n"));
    scn_result_free(&r);

    p = src;
    p += sprintf(p, "routine r\n");
    for (i = 0; i < 33; i++)
        p += sprintf(p, "  repeat 1\n");
    for (i = 0; i < 33; i++)
        p += sprintf(p, "  end\n");
    p += sprintf(p, "end\n");
    r = scn_parse("x.lanes", src, (size_t)(p - src));
    ck_assert_int_eq(r.errors, 1);
    ck_assert_ptr_nonnull(strstr(r.messages, "x.lanes:34:3: error: blocks nested too deep (at most 32)\n"));
    scn_result_free(&r);

    p = src;
    p += sprintf(p, "chan c 0\nroutine r\n  select\n");
    for (i = 0; i < 65; i++)
        p += sprintf(p, "    case recv c\n");
    p += sprintf(p, "  end\nend\n");
    r = scn_parse("x.lanes", src, (size_t)(p - src));
    ck_assert_int_eq(r.errors, 1);
    ck_assert_ptr_nonnull(strstr(r.messages, "x.lanes:68:5: error: too many cases in one select (at most 64)\n"));
    scn_result_free(&r);

    p = src;
    p += sprintf(p, "routine a x4000\nend\nroutine b x96\nend\n");
    r = scn_parse("x.lanes", src, (size_t)(p - src));
    ck_assert_int_eq(r.errors, 0);
    scn_result_free(&r);
    free(src);
}
END_TEST

/* A full program using every step parses, and its text is kept. */
START_TEST(test_scn_every_step)
{
    static const char src[] =
        "chan a 2\n"
        "chan b 0\n"
        "routine main\n"
        "  work 1\n"
        "  sleep 1..3\n"
        "  yield\n"
        "  spawn helper\n"
        "  repeat 3\n"
        "    select\n"
        "      case send a\n"
        "        work 1\n"
        "      case recv b\n"
        "      default\n"
        "        yield\n"
        "    end\n"
        "  end\n"
        "  close a\n"
        "end\n"
        "routine helper x0\n"
        "  range a\n"
        "    send b\n"
        "  end\n"
        "  forever\n"
        "    recv b\n"
        "  end\n"
        "end\n";
    scn_result r = scn_parse("all.lanes", src, sizeof src - 1);
    const char *text;
    int first = 0;

    /* helper, spawned, loops forever: the one warning */
    ck_assert_msg(r.errors == 0 && r.warnings == 1 &&
                  strstr(r.messages, "all.lanes:23:3: warning: 'forever' never ends") != NULL,
                  "%s", r.messages ? r.messages : "");
    ck_assert_int_eq(scn_endless_line(r.prog), 23);
    ck_assert_int_eq(scn_routine_count(r.prog), 2);
    text = scn_routine_decl_text(r.prog, 1, &first);
    ck_assert_int_eq(first, 19);
    ck_assert_str_eq(text, "routine helper x0\n  range a\n    send b\n  end\n  forever\n"
                           "    recv b\n  end\nend\n");
    ck_assert_ptr_null(scn_routine_decl_text(r.prog, 2, NULL));
    scn_result_free(&r);
}
END_TEST

/* `tokens` channels: with or without a capacity; a program whose
 * channels are all tokens has no items to serve. */
START_TEST(test_scn_tokens)
{
    static const char forks[] = "chan f1 1 tokens\n" "chan f2 tokens\n"
                                "routine r\n" "  send f1\n" "  send f2\n" "end\n";
    static const char mixed[] = "chan f1 1 tokens\n" "chan orders 2\n"
                                "routine r\n" "  send f1\n" "  send orders\n" "end\n";
    scn_result r = scn_parse("t.lanes", forks, sizeof forks - 1);

    ck_assert_msg(r.errors == 0 && r.warnings == 0, "%s", r.messages ? r.messages : "");
    ck_assert_int_eq(scn_has_items(r.prog), 0);
    scn_result_free(&r);
    r = scn_parse("t.lanes", mixed, sizeof mixed - 1);
    ck_assert_msg(r.errors == 0, "%s", r.messages ? r.messages : "");
    ck_assert_int_eq(scn_has_items(r.prog), 1);
    scn_result_free(&r);
    r = scn_load("philosophers-fixed");
    ck_assert_int_eq(scn_has_items(r.prog), 0);
    scn_result_free(&r);
    r = scn_load("restaurant");
    ck_assert_int_eq(scn_has_items(r.prog), 1);
    scn_result_free(&r);
}
END_TEST

START_TEST(test_scn_help_from_table)
{
    static const char *const words[] = {
        "work A[..B]", "sleep A[..B]", "send CH", "recv CH", "close CH", "yield",
        "spawn ROUTINE", "repeat N", "forever", "range CH", "select", "case send CH",
        "default", "end", "scenario \"TITLE\"", "chan NAME [CAP] [tokens]", "routine NAME [xN]",
        "tick DURATION",
    };
    const char *h = scn_language_help();
    size_t i;

    for (i = 0; i < sizeof words / sizeof words[0]; i++)
        ck_assert_msg(strstr(h, words[i]) != NULL, "help lacks %s", words[i]);
}
END_TEST

/* Every row of the step table is complete, and the help shows each one. */
START_TEST(test_scn_step_table)
{
    const char *h = scn_language_help();
    int i, j;

    for (i = 0; i < SCN_OP_COUNT; i++) {
        const scn_stepdef *d = &scn_steps[i];
        ck_assert_int_eq(d->op, i);
        ck_assert_ptr_nonnull(d->name);
        ck_assert_ptr_nonnull(d->run);
        ck_assert_msg(d->usage != NULL && strncmp(d->usage, d->name, strlen(d->name)) == 0,
                      "usage of %s", d->name);
        ck_assert_msg(d->help != NULL && strlen(d->help) > 10, "help of %s", d->name);
        ck_assert_ptr_nonnull(strstr(h, d->usage));
        for (j = 0; j < i; j++)
            ck_assert_str_ne(scn_steps[j].name, d->name);
    }
    for (i = 0; i < SCN_DECL_COUNT; i++)
        ck_assert_ptr_nonnull(strstr(h, scn_decls[i].usage));
}
END_TEST

START_TEST(test_scn_load_sources)
{
    char path[] = "/tmp/lanes-scn-XXXXXX";
    int fd = mkstemp(path);
    static const char text[] = "routine r\n  work 1\nend\n";
    scn_result r;
    FILE *in;

    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, sizeof text - 1), (int)(sizeof text - 1));
    close(fd);
    r = scn_load(path);
    ck_assert_ptr_nonnull(r.prog);
    ck_assert_str_eq(scn_filename(r.prog), path);
    scn_result_free(&r);

    in = freopen(path, "rb", stdin);
    ck_assert_ptr_nonnull(in);
    r = scn_load("-");
    ck_assert_ptr_nonnull(r.prog);
    ck_assert_str_eq(scn_filename(r.prog), "<stdin>");
    scn_result_free(&r);
    unlink(path);

    r = scn_load("no-such-scenario");
    ck_assert_ptr_null(r.prog);
    ck_assert_int_eq(r.sys_error, ENOENT);
    ck_assert_str_eq(r.messages,
        "lanes: no scenario file or built-in scenario named 'no-such-scenario' (see 'lanes --list')\n");
    scn_result_free(&r);

    r = scn_load("/nonexistent/x.lanes");
    ck_assert_int_eq(r.sys_error, ENOENT);
    ck_assert_str_eq(r.messages, "lanes: cannot open '/nonexistent/x.lanes': No such file or directory\n");
    scn_result_free(&r);

    r = scn_load("/");
    ck_assert_ptr_null(r.prog);
    ck_assert_int_ne(r.sys_error, 0);
    scn_result_free(&r);

    r = scn_load("restaurant");
    ck_assert_ptr_nonnull(r.prog);
    ck_assert_str_eq(scn_title(r.prog), "Fast-food restaurant");
    scn_result_free(&r);
}
END_TEST

static Suite *scn_suite(void)
{
    Suite *s = suite_create("scn");
    TCase *tc = tcase_create("parse");

    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_scn_bad_inputs, 0, (int)(sizeof bad / sizeof bad[0]));
    tcase_add_test(tc, test_scn_message_layout);
    tcase_add_test(tc, test_scn_utf8_columns);
    tcase_add_test(tc, test_scn_warnings);
    tcase_add_test(tc, test_scn_forever_warned);
    tcase_add_test(tc, test_scn_no_warnings_with_errors);
    tcase_add_test(tc, test_scn_builtins_clean);
    tcase_add_test(tc, test_scn_tokens);
    tcase_add_test(tc, test_scn_builtins_match_assets);
    tcase_add_test(tc, test_scn_defaults_and_settings);
    tcase_add_test(tc, test_scn_durations);
    tcase_add_test(tc, test_scn_line_endings);
    tcase_add_test(tc, test_scn_nul_bytes);
    tcase_add_test(tc, test_scn_long_line);
    tcase_add_test(tc, test_scn_million_lines);
    tcase_add_test(tc, test_scn_error_limit);
    tcase_add_test(tc, test_scn_limits);
    tcase_add_test(tc, test_scn_every_step);
    tcase_add_test(tc, test_scn_help_from_table);
    tcase_add_test(tc, test_scn_step_table);
    tcase_add_test(tc, test_scn_load_sources);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(scn_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
