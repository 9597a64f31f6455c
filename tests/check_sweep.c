/*
 * check_sweep.c - --sweep's comparison (src/report/sweep.c) on rows made up
 * here, no runtime: speedup and efficiency, the serial fraction Karp-Flatt
 * recovers from rows that follow Amdahl's law, which rows it leaves out,
 * and the table, plot and JSON that print them.
 */
#include "config.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/out.h"
#include "report/sweep.h"
#include "check_out_json.h"

/* A sweep of cores lo..hi on `cpus` CPUs whose ticks follow Amdahl's law
 * for `serial` exactly, up to the CPUs; beyond them the ticks stay at the
 * CPUs' (the OS time-slices the lanes). */
static void amdahl_rows(out_sweep_table *s, int lo, int hi, int cpus, double serial)
{
    int p;

    memset(s, 0, sizeof *s);
    s->scenario = "amdahl";
    s->title = "Amdahl's law";
    s->cpus = cpus;
    s->quantum = 4;
    s->tick_ns = 1000000;
    for (p = lo; p <= hi; p++) {
        out_sweep_row *r = &s->rows[s->nrows++];
        int used = p < cpus ? p : cpus;
        r->cores = p;
        r->ticks_mt = (uint64_t)llround(60000.0 * (serial + (1 - serial) / used));
        r->wall_ns = r->ticks_mt * 1000u;
        r->parallelism = 60.0 / ((double)r->ticks_mt / 1000.0);
        r->other_load = LANES_LOAD_UNKNOWN;
    }
}

START_TEST(test_sweep_speedup_and_efficiency)
{
    out_sweep_table s;

    amdahl_rows(&s, 1, 4, 8, 0.0);
    out_sweep_figures(&s);
    ck_assert_double_eq_tol(s.rows[0].speedup, 1.0, 1e-9);
    ck_assert_double_eq_tol(s.rows[1].speedup, 2.0, 1e-3);
    ck_assert_double_eq_tol(s.rows[3].speedup, 4.0, 1e-3);
    ck_assert_double_eq_tol(s.rows[3].efficiency, 1.0, 1e-3);
    ck_assert_double_eq_tol(s.serial, 0.0, 1e-3);
    /* against a first row of 2 cores: 4 cores are 2x, efficiency per 2 */
    amdahl_rows(&s, 2, 4, 8, 0.0);
    out_sweep_figures(&s);
    ck_assert_double_eq_tol(s.rows[2].speedup, 2.0, 1e-3);
    ck_assert_double_eq_tol(s.rows[2].efficiency, 1.0, 1e-3);
}
END_TEST

/* Karp-Flatt gives back the serial fraction the rows were made with, from
 * a first row of 1 core or of more. */
START_TEST(test_sweep_karp_flatt_recovers_serial)
{
    static const double e[] = { 0.05, 1.0 / 3, 0.6 };
    out_sweep_table s;
    size_t i;

    for (i = 0; i < sizeof e / sizeof e[0]; i++) {
        amdahl_rows(&s, 1, 8, 8, e[i]);
        out_sweep_figures(&s);
        ck_assert_double_eq_tol(s.serial, e[i], 2e-3);
        ck_assert_int_eq(s.serial_lo, 2);
        ck_assert_int_eq(s.serial_hi, 8);
        amdahl_rows(&s, 2, 6, 8, e[i]);
        out_sweep_figures(&s);
        ck_assert_double_eq_tol(s.serial, e[i], 2e-3);
        ck_assert_double_eq_tol(out_sweep_amdahl(e[i], 2, 6), s.rows[4].speedup, 2e-3);
    }
}
END_TEST

/* Rows beyond the CPUs, on a busy machine, or stopped by --for say
 * nothing about the serial fraction; without others none is given. */
START_TEST(test_sweep_rows_left_out)
{
    out_sweep_table s;

    /* perfectly parallel on 2 CPUs: 3..8 cores stay at 2x; counted, they
     * would make the work look serial */
    amdahl_rows(&s, 1, 8, 2, 0.0);
    out_sweep_figures(&s);
    ck_assert_double_eq_tol(s.serial, 0.0, 1e-3);
    ck_assert_int_eq(s.serial_hi, 2);
    ck_assert_double_eq_tol(s.rows[7].speedup, 2.0, 1e-3);

    amdahl_rows(&s, 1, 4, 2, 0.2);
    s.rows[1].other_load = 900;       /* the only usable row, busy */
    out_sweep_figures(&s);
    ck_assert(s.serial < 0);
    amdahl_rows(&s, 1, 4, 1, 0.2);    /* one CPU: no row has a CPU more */
    out_sweep_figures(&s);
    ck_assert(s.serial < 0);
    amdahl_rows(&s, 1, 2, 4, 0.2);
    s.rows[0].limited = s.rows[1].limited = 1;
    out_sweep_figures(&s);
    ck_assert(s.serial < 0);
}
END_TEST

/* Busy: others took over a quarter of what the lanes could have had; a
 * row beyond the CPUs could have had only the CPUs' worth. */
START_TEST(test_sweep_busy_rule)
{
    out_sweep_table s;
    out_sweep_row *r;

    amdahl_rows(&s, 1, 4, 1, 0.0);
    r = &s.rows[3];                  /* 4 lanes on 1 CPU for 100 ms   */
    r->wall_ns = 100000000;
    r->cpu_ns = 98000000;            /* the whole CPU: its own waiting */
    r->wait_ns = 300000000;
    ck_assert_int_eq(out_sweep_row_busy(&s, r), 0);
    r->cpu_ns = 60000000;            /* 40% went elsewhere             */
    ck_assert_int_eq(out_sweep_row_busy(&s, r), 1);
    r = &s.rows[0];                  /* 1 lane: waited 30% of its want */
    r->wall_ns = 100000000;
    r->cpu_ns = 70000000;
    r->wait_ns = 30000000;
    ck_assert_int_eq(out_sweep_row_busy(&s, r), 1);
    r->wait_ns = 20000000;
    ck_assert_int_eq(out_sweep_row_busy(&s, r), 0);
    r->other_load = OUT_SWEEP_BUSY;  /* measured load alone suffices */
    ck_assert_int_eq(out_sweep_row_busy(&s, r), 1);
}
END_TEST

static char *print(const out_sweep_table *s, int json, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);

    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(json ? out_sweep_print_json(f, s) : out_sweep_print_text(f, s), 0);
    fclose(f);
    return buf;
}

/* The table marks the rows beyond the CPUs and says so; the plot marks
 * the CPUs, the rows and Amdahl's curve; the JSON is one valid line. */
START_TEST(test_sweep_printed)
{
    out_sweep_table s;
    size_t len;
    char *t, *line;

    amdahl_rows(&s, 1, 4, 2, 0.25);
    out_sweep_figures(&s);
    t = print(&s, 0, &len);
    ck_assert_ptr_nonnull(strstr(t, "cores      ticks    wall ms parallelism  speedup  efficiency"));
    line = strstr(t, "\n    3 ");
    ck_assert_msg(line != NULL && strchr(line + 1, '\n') != NULL, "%s", t);
    ck_assert_msg(memchr(line + 1, '>', (size_t)(strchr(line + 1, '\n') - line - 1)) != NULL,
                  "row of 3 cores on 2 CPUs unmarked: %s", t);
    line = strstr(t, "\n    2 ");
    ck_assert_msg(memchr(line + 1, '>', (size_t)(strchr(line + 1, '\n') - line - 1)) == NULL,
                  "row of 2 cores on 2 CPUs marked: %s", t);
    ck_assert_ptr_nonnull(strstr(t, "> more cores than the 2 CPUs"));
    ck_assert_ptr_nonnull(strstr(t, "| 2 CPUs"));
    ck_assert_ptr_nonnull(strstr(t, ". Amdahl's law, serial fraction 0.25"));
    ck_assert_ptr_nonnull(strstr(t, "serial fraction 0.250 (Karp-Flatt"));
    ck_assert_ptr_nonnull(strstr(t, "+-"));
    ck_assert_ptr_null(strstr(t, "mostly start-up"));
    for (line = t; *line != '\0'; ) {
        size_t w = strcspn(line, "\n");
        ck_assert_msg(w <= 80, "a line of %zu columns: %.*s", w, (int)w, line);
        line += w + (line[w] == '\n');
    }
    free(t);

    t = print(&s, 1, &len);
    ck_assert_msg(json_check(t, len) == -1, "%s", t);
    ck_assert_ptr_eq(strchr(t, '\n'), t + len - 1);
    ck_assert_ptr_nonnull(strstr(t, "{\"scenario\":\"amdahl\","));
    ck_assert_ptr_nonnull(strstr(t, "\"cpus\":2,"));
    ck_assert_ptr_nonnull(strstr(t, "\"rows\":[{\"cores\":1,\"ticks\":60.000,"));
    ck_assert_ptr_nonnull(strstr(t, "\"serial_fraction\":0.2500}"));
    free(t);

    s.cpus = 0;                       /* unknown CPUs: no mark, null */
    s.rows[1].other_load = 700;
    out_sweep_figures(&s);
    t = print(&s, 1, &len);
    ck_assert_msg(json_check(t, len) == -1, "%s", t);
    ck_assert_ptr_nonnull(strstr(t, "\"cpus\":null"));
    ck_assert_ptr_nonnull(strstr(t, "\"other_load\":0.700"));
    free(t);
    t = print(&s, 0, &len);
    ck_assert_ptr_null(strstr(t, "CPUs:"));
    ck_assert_ptr_nonnull(strstr(t, "! a busy machine"));
    ck_assert_ptr_null(strstr(t, "against the busy first row"));
    free(t);
    s.rows[0].other_load = 700;
    t = print(&s, 0, &len);
    ck_assert_ptr_nonnull(strstr(t, "against the busy first row"));
    free(t);
}
END_TEST

/* One row, or 64: the plot keeps to 80 columns and prints. */
START_TEST(test_sweep_plot_edges)
{
    out_sweep_table s;
    size_t len;
    char *t, *line;

    amdahl_rows(&s, 3, 3, 2, 0.1);
    s.rows[0].wall_ns = 2000000;      /* 2 ms: said to be mostly start-up */
    out_sweep_figures(&s);
    t = print(&s, 0, &len);
    ck_assert_ptr_nonnull(strstr(t, "serial fraction not estimated"));
    ck_assert_ptr_nonnull(strstr(t, "the first row ran 2.0 ms: runs this short are mostly "
                                    "start-up"));
    free(t);
    amdahl_rows(&s, 1, 64, 64, 0.1);
    out_sweep_figures(&s);
    t = print(&s, 0, &len);
    for (line = t; *line != '\0'; ) {
        size_t w = strcspn(line, "\n");
        ck_assert_msg(w <= 80, "a line of %zu columns: %.*s", w, (int)w, line);
        line += w + (line[w] == '\n');
    }
    ck_assert_ptr_nonnull(strstr(t, "\n   64 "));
    free(t);
}
END_TEST

static Suite *sweep_suite(void)
{
    Suite *s = suite_create("sweep");
    TCase *tc = tcase_create("compare");

    tcase_add_test(tc, test_sweep_speedup_and_efficiency);
    tcase_add_test(tc, test_sweep_karp_flatt_recovers_serial);
    tcase_add_test(tc, test_sweep_rows_left_out);
    tcase_add_test(tc, test_sweep_busy_rule);
    tcase_add_test(tc, test_sweep_printed);
    tcase_add_test(tc, test_sweep_plot_edges);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(sweep_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
