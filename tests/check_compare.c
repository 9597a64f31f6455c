/*
 * check_compare.c - the comparison's runs (src/ui/compare.c) made for
 * real: each core count's run to its end through its own pump, its every
 * event and the names kept, the progress told run by run and able to stop
 * them; --for's limit; a deadlock; the words of the status lines.  No
 * terminal: the screen is check_draw's and tests/tty/compare.sh's.  No
 * assertion on wall time: ticks of a pure-work program are what it asks.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/compare.h"

static scn_result res;

static const scn_program *program(const char *src)
{
    res = scn_parse("t.lanes", src, strlen(src));
    ck_assert_msg(res.prog != NULL, "%s", res.messages != NULL ? res.messages : "?");
    return res.prog;
}

static void teardown(void)
{
    scn_result_free(&res);
}

static void plan(ui_cmp_plan *pl, int a, int b)
{
    memset(pl, 0, sizeof *pl);
    pl->n = 2;
    pl->cores[0] = a;
    pl->cores[1] = b;
    pl->quantum = -1;
    pl->tick_ns = 200000;            /* 0.2 ms: short runs */
}

static int seen_i[16], nseen;

static int watch(void *ctx, int i, int n, uint64_t now_mt)
{
    (void)ctx;
    (void)now_mt;
    ck_assert_int_eq(n, 2);
    if (nseen < 16)
        seen_i[nseen++] = i;
    return 0;
}

static int stop_at_once(void *ctx, int i, int n, uint64_t now_mt)
{
    (void)ctx;
    (void)i;
    (void)n;
    (void)now_mt;
    return 1;
}

/* Two crunchers of 10 ticks each, at 1 and 2 cores: both runs end, keep
 * their events and names, the progress comes for run 0 then run 1, and
 * every routine is done at the end of each. */
START_TEST(test_compare_make_runs)
{
    const scn_program *p = program("routine crunch x2\n  work 10\nend\n");
    ui_cmp *c = ui_cmp_new();
    ui_cmp_plan pl;
    char err[256] = "", line[256];
    int i, k;

    plan(&pl, 1, 2);
    nseen = 0;
    ck_assert_int_eq(ui_cmp_make(c, p, &pl, watch, NULL, err, sizeof err), 0);
    ck_assert_int_eq(c->nruns, 2);
    for (k = 1; k < nseen; k++)
        ck_assert_msg(seen_i[k] >= seen_i[k - 1], "progress went back from run %d to %d",
                      seen_i[k - 1], seen_i[k]);
    ck_assert_int_eq(c->tick_ns, 200000);
    for (i = 0; i < 2; i++) {
        ui_cmp_run *r = &c->runs[i];
        ui_routine *ro;
        ck_assert_int_eq(r->cores, i + 1);
        ck_assert_int_eq(r->ended, SCN_DONE);
        ck_assert_int_eq(r->limited, 0);
        ck_assert_uint_gt(r->nev, 10);
        ck_assert_uint_eq(r->dropped, 0);
        /* 20 ticks of work on one lane take 20 ticks at least; on two, 10 */
        ck_assert_uint_ge(r->end_mt, i == 0 ? 20000u : 10000u);
        ck_assert_uint_ge(c->end_tick, ui_cmp_ticks(r));
        ui_cmp_seek(c, c->end_tick);
        ro = ui_model_routine(&r->model, 1);
        ck_assert_ptr_nonnull(ro);
        ck_assert_str_eq(ro->name, "crunch#1");
        ck_assert_int_eq(ro->at, UI_AT_DONE);
        ck_assert_int_eq(ui_model_routine(&r->model, 2)->at, UI_AT_DONE);
    }
    ui_cmp_status(c, 1, 0, 0, line, sizeof line);
    ck_assert_msg(strncmp(line, "2 cores: ", 9) == 0 && strstr(line, " ticks . parallelism ")
                  && strstr(line, ". speedup "), "%s", line);
    ui_cmp_seek(c, 0);                 /* back: folded again from the start */
    ck_assert_uint_eq(c->runs[0].at_mt, 0);
    ck_assert_uint_lt(c->runs[0].pos, c->runs[0].nev);
    ck_assert_int_ne(ui_model_routine(&c->runs[0].model, 1)->at, UI_AT_DONE);
    ui_cmp_free(c);
}
END_TEST

/* Progress that says stop: no comparison, the runs stopped. */
START_TEST(test_compare_stop)
{
    const scn_program *p = program("routine crunch x2\n  work 10\nend\n");
    ui_cmp *c = ui_cmp_new();
    ui_cmp_plan pl;
    char err[256] = "";

    plan(&pl, 1, 4);
    ck_assert_int_eq(ui_cmp_make(c, p, &pl, stop_at_once, NULL, err, sizeof err), 1);
    ck_assert_int_le(c->nruns, 1);
    ui_cmp_free(c);
}
END_TEST

/* A run that would go on forever stops at --for's tick exactly, and the
 * words say so: no speedup, compare parallelism. */
START_TEST(test_compare_for_limit)
{
    const scn_program *p = program("routine spin\n  forever\n    work 1\n  end\nend\n");
    ui_cmp *c = ui_cmp_new();
    ui_cmp_plan pl;
    char err[256] = "", line[256];

    plan(&pl, 1, 2);
    pl.for_ticks = 30;
    ck_assert_int_eq(ui_cmp_make(c, p, &pl, NULL, NULL, err, sizeof err), 0);
    ck_assert_int_eq(c->runs[0].limited, 1);
    ck_assert_int_eq(c->runs[1].limited, 1);
    ck_assert_uint_eq(c->runs[0].end_mt, 30000);
    ck_assert_uint_eq(c->runs[1].end_mt, 30000);
    ui_cmp_status(c, 1, 0, 0, line, sizeof line);
    ck_assert_msg(strstr(line, "2 cores: stopped at 30 ticks (--for)") != NULL, "%s", line);
    ck_assert_msg(strstr(line, "speedup -") != NULL, "%s", line);
    ui_cmp_summary(c, 0, 0, line, sizeof line);
    ck_assert_msg(strstr(line, "no speedup: stopped by --for, compare parallelism") != NULL,
                  "%s", line);
    ui_cmp_free(c);
}
END_TEST

/* Two routines waiting for each other: each run ends in deadlock, said
 * with its tick, and no speedup is claimed. */
START_TEST(test_compare_deadlock)
{
    const scn_program *p = program("chan a\nchan b\nroutine x\n  work 2\n  recv a\n"
                                   "  send b\nend\nroutine y\n  recv b\n  send a\nend\n");
    ui_cmp *c = ui_cmp_new();
    ui_cmp_plan pl;
    char err[256] = "", line[256];

    plan(&pl, 2, 1);
    ck_assert_int_eq(ui_cmp_make(c, p, &pl, NULL, NULL, err, sizeof err), 0);
    ck_assert_int_eq(c->runs[0].ended, SCN_DEADLOCK);
    ck_assert_int_eq(c->runs[1].ended, SCN_DEADLOCK);
    ui_cmp_status(c, 1, 0, 0, line, sizeof line);
    ck_assert_msg(strncmp(line, "1 core: deadlock at ", 20) == 0, "%s", line);
    ck_assert_msg(strstr(line, "speedup -") != NULL, "%s", line);
    ui_cmp_free(c);
}
END_TEST

/* More cores than CPUs: the status line says where the CPUs ran out, and
 * a speedup above what the CPUs allow is marked as no speedup of theirs. */
START_TEST(test_compare_words_beyond_cpus)
{
    ui_cmp *c = ui_cmp_new();
    ui_cmp_run *a = ui_cmp_add_run(c, 1, NULL), *b = ui_cmp_add_run(c, 8, NULL);
    char line[256], notes[4][UI_CMP_NOTE];

    ui_cmp_close_run(c, a, SCN_DONE, 0, 164000);
    ui_cmp_close_run(c, b, SCN_DONE, 0, 58000);
    c->cpus = 2;
    ui_cmp_status(c, 1, 1, 0, line, sizeof line);
    ck_assert_str_eq(line, "8 cores: 58 ticks \xc2\xb7 parallelism \xe2\x80\x94 \xc2\xb7 "
                           "speedup 2.8\xc3\x97? \xe2\x9a\xa0 8 cores on 2 CPUs");
    ui_cmp_summary(c, 1, 0, line, sizeof line);
    ck_assert_str_eq(line, "1 core: 164 ticks \xc2\xb7 8 cores: 58 ticks \xc2\xb7 speedup "
                           "2.8\xc3\x97 \xc2\xb7 2 CPUs");
    ui_cmp_summary(c, 0, 1, line, sizeof line);
    ck_assert_str_eq(line, "ticks on 1/8 cores: 164/58 . speedup 2.8x . 2 CPUs");
    /* 2.8 on 2 CPUs is more than the CPUs allow: marked, and a note says why */
    ui_cmp_status(c, 1, 0, 2, line, sizeof line);
    ck_assert_str_eq(line, "8c: 58t . par - . x2.8? ! 8 on 2 CPUs");
    ck_assert_int_eq(ui_cmp_notes(c, 0, notes, 4), 3);
    ck_assert_msg(strstr(notes[1], "more cores than the 2 CPUs") != NULL, "%s", notes[1]);
    ck_assert_msg(strncmp(notes[2], "?: a speedup above", 18) == 0, "%s", notes[2]);
    c->runs[1].end_mt = 90000;         /* 1.8: within what 2 CPUs allow */
    ui_cmp_status(c, 1, 0, 2, line, sizeof line);
    ck_assert_str_eq(line, "8c: 90t . par - . x1.8 ! 8 on 2 CPUs");
    ck_assert_int_eq(ui_cmp_notes(c, 0, notes, 4), 2);
    ui_cmp_free(c);
}
END_TEST

/* A run made by hand: one lane works `ticks` ticks of 1 ms, each tick's
 * CPU event saying cpu_us on a CPU and wait_us waiting for one, with
 * other programs' load (thousandths of a CPU) said at its start and end. */
static ui_cmp_run *worked_run(ui_cmp *c, int cores, int ticks, uint32_t cpu_us, int32_t wait_us,
                              uint32_t load)
{
    ui_cmp_run *r = ui_cmp_add_run(c, cores, NULL);
    lanes_event e[4];
    int k;

    ck_assert_ptr_nonnull(r);
    memset(e, 0, sizeof e);
    e[0].kind = LANES_EV_LOAD;
    e[0].lane = LANES_NO_LANE;
    e[0].obj = load;
    e[0].arg = 2;
    e[1].kind = LANES_EV_SPAWN;
    e[1].lane = LANES_NO_LANE;
    e[1].routine = 1;
    e[1].arg = LANES_Q_GLOBAL;
    e[2].kind = LANES_EV_RUN;
    e[2].routine = 1;
    e[2].arg = LANES_Q_GLOBAL;
    ui_cmp_add_events(r, e, 3);
    for (k = 1; k <= ticks; k++) {
        memset(e, 0, sizeof e);
        e[0].kind = LANES_EV_CPU;
        e[0].t_rt = (uint64_t)k * 1000;
        e[0].t_ns = (uint64_t)k * 1000000;
        e[0].routine = 1;
        e[0].obj = cpu_us * 1000;
        e[0].arg = wait_us * 1000;
        ui_cmp_add_events(r, e, 1);
    }
    memset(e, 0, sizeof e);
    e[0].kind = LANES_EV_LOAD;
    e[0].lane = LANES_NO_LANE;
    e[0].obj = load;
    e[0].arg = 2;
    e[0].t_rt = (uint64_t)ticks * 1000;
    e[0].t_ns = (uint64_t)ticks * 1000000;
    ui_cmp_add_events(r, e, 1);
    ui_cmp_close_run(c, r, SCN_DONE, 0, (uint64_t)ticks * 1000);
    return r;
}

/* The c key on a busy 2-CPU machine: 1 core 305 ticks, 4 cores 612 at
 * parallelism 0.27, their lanes waiting for a CPU 73% of the time while
 * other programs used 1.6 CPUs.  A speedup of 0.5 must not read "more
 * cores are slower": a note names the cause with its figures. */
START_TEST(test_compare_starved_run_explained)
{
    ui_cmp *c = ui_cmp_new();
    char notes[8][UI_CMP_NOTE];
    int n, k, found = 0;

    worked_run(c, 1, 305, 1000, 0, 100);
    worked_run(c, 4, 612, 270, 730, 1600);
    c->cpus = 2;
    ck_assert_double_eq_tol(c->runs[1].parallelism, 0.27, 0.005);
    ck_assert_double_eq_tol(c->runs[1].wait_share, 0.73, 0.005);
    ck_assert_int_eq(ui_cmp_starved(c, 0), 0);
    ck_assert_int_eq(ui_cmp_starved(c, 1), 1);
    n = ui_cmp_notes(c, 0, notes, 8);
    for (k = 0; k < n; k++)
        found |= strcmp(notes[k], "! speedup 0.5x is the machine's, not the cores': the "
                        "4-core run got only 0.27 CPU of the 2 it could use: its lanes waited "
                        "for a CPU (:) 73% of their time, other programs used 1.6 CPUs (! "
                        "machine busy); run it again on a quieter machine") == 0;
    ck_assert_msg(found, "no note on the slow run: %s", n > 1 ? notes[1] : "(none)");
    ui_cmp_free(c);
}
END_TEST

/* Slower with more cores, but no lane waited for a CPU: the note says it
 * is the routines' waits, not the machine's, and claims no busy machine. */
START_TEST(test_compare_slower_not_starved)
{
    ui_cmp *c = ui_cmp_new();
    char notes[8][UI_CMP_NOTE];
    int n;

    worked_run(c, 1, 100, 1000, 0, 0);
    worked_run(c, 2, 150, 500, 0, 0);
    c->cpus = 2;
    ck_assert_int_eq(ui_cmp_starved(c, 1), 0);
    n = ui_cmp_notes(c, 0, notes, 8);
    ck_assert_int_eq(n, 2);
    ck_assert_msg(strncmp(notes[1], "speedup 0.7x: the 2-core run took longer, yet its lanes "
                          "waited for a CPU only 0%", 80) == 0, "%s", notes[1]);
    ui_cmp_free(c);
}
END_TEST

/* Every run's status line shortens the same way: at each level the same
 * parts, the warnings (cores beyond the CPUs, a busy machine) in all. */
START_TEST(test_compare_status_one_form)
{
    ui_cmp *c = ui_cmp_new();
    char line[256];
    int extra[3] = { 0, 0, 0 };

    worked_run(c, 1, 300, 1000, 0, 100);
    worked_run(c, 2, 214, 700, 300, 900);
    worked_run(c, 4, 200, 750, 250, 900);
    c->cpus = 2;
    ui_cmp_status(c, 1, 1, 1, line, sizeof line);
    ck_assert_str_eq(line, "2 cores: 214 ticks \xc2\xb7 par 0.70 \xc2\xb7 speedup 1.4\xc3\x97 "
                           "\xe2\x9a\xa0 busy");
    ui_cmp_status(c, 2, 1, 1, line, sizeof line);
    ck_assert_str_eq(line, "4 cores: 200 ticks \xc2\xb7 par 0.75 \xc2\xb7 speedup 1.5\xc3\x97 "
                           "\xe2\x9a\xa0 4 on 2 CPUs \xe2\x9a\xa0 busy");
    ui_cmp_status(c, 1, 0, 2, line, sizeof line);
    ck_assert_str_eq(line, "2c: 214t . par 0.70 . x1.4 ! busy");
    ui_cmp_status(c, 2, 0, 2, line, sizeof line);
    ck_assert_str_eq(line, "4c: 200t . par 0.75 . x1.5 ! 4 on 2 CPUs ! busy");
    ui_cmp_status(c, 2, 0, 3, line, sizeof line);
    ck_assert_str_eq(line, "4c: 200t . par 0.75 . x1.5 !>CPUs !busy");
    /* one level for all: the one the longest line needs */
    ck_assert_int_eq(ui_cmp_status_level(c, 1, 100, extra), 0);
    ck_assert_int_eq(ui_cmp_status_level(c, 1, 65, extra), 1);
    ck_assert_int_eq(ui_cmp_status_level(c, 1, 64, extra), 2);
    ck_assert_int_eq(ui_cmp_status_level(c, 1, 47, extra), 2);
    ck_assert_int_eq(ui_cmp_status_level(c, 1, 44, extra), 3);
    ck_assert_int_eq(ui_cmp_status_level(c, 1, 10, extra), 3);
    extra[2] = 10;                     /* "+2 lanes" beside the 4-core line */
    ck_assert_int_eq(ui_cmp_status_level(c, 1, 54, extra), 3);
    ui_cmp_free(c);
}
END_TEST

/* The header's "of N" is the longest run's ticks as its line says them
 * (rounded), and that tick shows every run at its end. */
START_TEST(test_compare_end_tick_rounded)
{
    ui_cmp *c = ui_cmp_new();
    ui_cmp_run *a = ui_cmp_add_run(c, 1, NULL), *b = ui_cmp_add_run(c, 4, NULL);

    ui_cmp_close_run(c, a, SCN_DONE, 0, 236400);
    ui_cmp_close_run(c, b, SCN_DONE, 0, 204000);
    ck_assert_uint_eq(ui_cmp_ticks(a), 236);
    ck_assert_uint_eq(c->end_tick, 236);
    ui_cmp_seek(c, 999);
    ck_assert_uint_eq(c->tick, 236);
    ck_assert_uint_eq(a->at_mt, 236400);
    ck_assert_int_eq(ui_cmp_run_over(c, a), 1);
    ui_cmp_seek(c, 235);
    ck_assert_int_eq(ui_cmp_run_over(c, a), 0);
    ui_cmp_free(c);
}
END_TEST

static Suite *compare_suite(void)
{
    Suite *s = suite_create("compare");
    TCase *tc = tcase_create("runs");

    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_compare_make_runs);
    tcase_add_test(tc, test_compare_stop);
    tcase_add_test(tc, test_compare_for_limit);
    tcase_add_test(tc, test_compare_deadlock);
    tcase_add_test(tc, test_compare_words_beyond_cpus);
    tcase_add_test(tc, test_compare_starved_run_explained);
    tcase_add_test(tc, test_compare_slower_not_starved);
    tcase_add_test(tc, test_compare_status_one_form);
    tcase_add_test(tc, test_compare_end_tick_rounded);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(compare_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
