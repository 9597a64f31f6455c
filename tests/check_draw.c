/*
 * check_draw.c - the screen drawn from a synthetic model onto a curses
 * terminal writing to /dev/null, then read back cell by cell: what a person
 * would see at 100x30, at 60x16, below the minimum, with many lanes.
 */
#include "config.h"
#include <check.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(HAVE_NCURSESW_CURSES_H)
#include <ncursesw/curses.h>
#else
#include <curses.h>
#endif

#include "ui/draw.h"
#include "ui/model.h"
#include "ui/compare.h"
#include "scn/scn.h"
#include "modelfeed.h"

static ui_model M;
static ui_view V;
static SCREEN *scr;
static FILE *out, *in;

static void ev(uint64_t t_rt, int kind, int lane, uint32_t routine, uint32_t obj, int32_t arg)
{
    feed(&M, t_rt, kind, lane, routine, obj, arg, 1000);
}

static void term_open(int rows, int cols)
{
    char r[16], c[16];

    snprintf(r, sizeof r, "%d", rows);
    snprintf(c, sizeof c, "%d", cols);
    setenv("LINES", r, 1);
    setenv("COLUMNS", c, 1);
    out = fopen("/dev/null", "w");
    in = fopen("/dev/null", "r");
    scr = newterm("xterm-256color", out, in);
    ck_assert_ptr_nonnull(scr);
    set_term(scr);
}

/* The restaurant a few ticks in: cashier runs, cooks queued, one order
 * buffered, the attendant asleep. */
static void restaurant(int cores)
{
    ui_model_init(&M, cores, 4, namer, NULL);
    ev(0, LANES_EV_CHAN, -1, 0, 1, 3);
    ev(0, LANES_EV_CHAN, -1, 0, 2, 0);
    ev(0, LANES_EV_SPAWN, -1, 1, 0, LANES_Q_GLOBAL);
    ev(0, LANES_EV_SPAWN, -1, 2, 0, LANES_Q_GLOBAL);
    ev(0, LANES_EV_SPAWN, -1, 3, 0, LANES_Q_GLOBAL);
    ev(0, LANES_EV_SPAWN, -1, 4, 0, LANES_Q_GLOBAL);
    ev(0, LANES_EV_RUN, 0, 4, 0, LANES_Q_GLOBAL);
    ev(1000, LANES_EV_STOP, 0, 4, 20, LANES_STOP_SLEEP);
    ev(1000, LANES_EV_RUN, 0, 1, 0, LANES_Q_GLOBAL);
    ev(3000, LANES_EV_SEND, 0, 1, 1, 1);
    ev(5000, LANES_EV_STOP, 0, 1, LANES_Q_GLOBAL, LANES_STOP_PREEMPT);
    ev(5000, LANES_EV_RUN, 0, 2, 0, LANES_Q_GLOBAL);
    ui_model_advance(&M, 12500, 1000);

    memset(&V, 0, sizeof V);
    V.m = &M;
    V.title = "Fast-food restaurant";
    V.about = "One cashier, two cooks, one attendant. Press 1, then 4.";
    V.cpus = 2;
    V.cores = cores;
    V.quantum = 4;
    V.speed = "1x";
    V.tick_s = 0.05;
    V.wall = 1000;
}

static void setup(void)
{
    setlocale(LC_ALL, "C");
    term_open(30, 100);
}

static void teardown_term(void)
{
    endwin();
    delscreen(scr);
    fclose(out);
    fclose(in);
}

static void teardown(void)
{
    teardown_term();
    ui_model_free(&M);
}

static char screen_text[200 * 80];

/* The whole screen as text, rows ending in '\n'. */
static const char *grab(void)
{
    int y;
    size_t n = 0;
    char row[512];

    for (y = 0; y < LINES; y++) {
        int k = mvinnstr(y, 0, row, COLS < 500 ? COLS : 500);
        if (k < 0)
            k = 0;
        row[k] = '\0';
        n += (size_t)snprintf(screen_text + n, sizeof screen_text - n, "%s\n", row);
    }
    return screen_text;
}

static const char *row_text(int y)
{
    static char row[512];
    int k = mvinnstr(y, 0, row, COLS < 500 ? COLS : 500);
    row[k < 0 ? 0 : k] = '\0';
    return row;
}

static void draw(int colour)
{
    ui_draw_setup(&V, colour, 0);
    ui_draw(&V);
    if (getenv("CHECK_DRAW_SHOW") != NULL)
        fprintf(stderr, "%s", grab());
}

START_TEST(test_draw_restaurant_one_lane)
{
    const char *s;

    restaurant(1);
    draw(1);
    s = grab();
    ck_assert_ptr_nonnull(strstr(s, "lanes . Fast-food restaurant"));
    ck_assert_ptr_nonnull(strstr(s, "cores 1 (2 CPUs)"));
    ck_assert_ptr_nonnull(strstr(s, "quantum 4"));
    ck_assert_ptr_nonnull(strstr(s, "One cashier, two cooks"));
    ck_assert_ptr_nonnull(strstr(s, "core 0"));
    ck_assert_ptr_null(strstr(s, "core 1"));
    ck_assert_ptr_nonnull(strstr(s, "runnable"));
    ck_assert_ptr_nonnull(strstr(s, "global: cook#2 cashier"));
    ck_assert_ptr_nonnull(strstr(s, "orders"));
    ck_assert_ptr_nonnull(strstr(s, "[o1 . .] 1/3"));
    ck_assert_ptr_nonnull(strstr(s, "meals"));
    ck_assert_ptr_nonnull(strstr(s, "unbuffered"));
    ck_assert_ptr_nonnull(strstr(s, "attendant (9 ticks)"));
    ck_assert_ptr_nonnull(strstr(s, "switches 3"));
    ck_assert_ptr_nonnull(strstr(s, "q quit"));
    ck_assert_ptr_nonnull(strstr(s, "? help"));
    /* the timeline: the attendant's 1-tick run shows its short label "a",
     * the cashier's 4-tick slice its label "c" and a preemption mark,
     * the current run of cook#1 its whole name; the rest is colour */
    ck_assert_ptr_nonnull(strstr(s, "ac  >cook#1   |"));
}
END_TEST

START_TEST(test_draw_two_lanes_same_column)
{
    const char *a, *b;
    char ra[512], rb[512];
    int y, ya = -1, yb = -1;

    restaurant(2);
    ev(12500, LANES_EV_RUN, 1, 3, 1, LANES_Q_GLOBAL);
    ui_model_advance(&M, 20500, 1000);
    draw(0);
    for (y = 0; y < LINES; y++) {
        const char *r = row_text(y);
        if (strncmp(r, "| cook#1", 8) == 0)
            ya = y;
        if (strncmp(r, "| cook#2", 8) == 0)
            yb = y;
    }
    ck_assert_int_ge(ya, 0);
    ck_assert_int_ge(yb, 0);
    snprintf(ra, sizeof ra, "%s", row_text(ya));
    snprintf(rb, sizeof rb, "%s", row_text(yb));
    /* the last column before the right border: both lanes busy (no
     * colour: a busy cell is reversed) */
    a = ra + COLS - 3;
    b = rb + COLS - 3;
    ck_assert(*a != '.' && *b != '.');
    ck_assert(mvinch(ya, COLS - 3) & A_REVERSE);
    ck_assert(mvinch(yb, COLS - 3) & A_REVERSE);
    /* occupancy counts lanes holding routines; 12 ms of wall time: too
     * short for a parallelism figure */
    ck_assert_ptr_nonnull(strstr(grab(), "occupancy 1."));
    ck_assert_ptr_nonnull(strstr(grab(), "parallelism - on 2 CPUs"));
}
END_TEST

/* The parallelism shows a dash until the run has gone on 10 ticks and
 * 50 ms (here 1 tick is 1 ms of wall time), then CPU time / wall time,
 * never more than the lanes allow; CPUs take a plural at every width. */
START_TEST(test_draw_parallelism_when_known)
{
    restaurant(1);
    ev(1000, LANES_EV_CPU, 0, 1, 4000000, 0);   /* 4 ms of CPU in 1 ms */
    draw(0);
    ck_assert_msg(strstr(grab(), "parallelism - on 2 CPUs") != NULL, "%s", grab());
    ev(60000, LANES_EV_CPU, 0, 2, 26000000, 0);
    draw(0);
    ck_assert_msg(strstr(grab(), "parallelism 0.50 on 2 CPUs") != NULL, "%s", grab());
    resize_term(16, 60);
    draw(0);
    ck_assert_msg(strstr(grab(), "parallelism 0.50/2 CPUs") != NULL, "%s", grab());
    V.cpus = 1;
    draw(0);
    ck_assert_msg(strstr(grab(), "parallelism 0.50/1 CPU ") != NULL, "%s", grab());
}
END_TEST

START_TEST(test_draw_too_small_says_size)
{
    restaurant(1);
    resize_term(10, 40);
    draw(1);
    ck_assert_ptr_nonnull(strstr(grab(), "needs at least 60x16"));
    ck_assert_ptr_nonnull(strstr(grab(), "this terminal is 40x10"));
    ck_assert_int_eq(V.too_small, 1);
    resize_term(30, 100);
    draw(1);
    ck_assert_int_eq(V.too_small, 0);
    ck_assert_ptr_nonnull(strstr(grab(), "core 0"));
}
END_TEST

START_TEST(test_draw_smallest_size_keeps_essentials)
{
    const char *s;

    restaurant(4);
    ev(0, LANES_EV_CORES, -1, 0, 4, 1);
    resize_term(16, 60);
    draw(1);
    s = grab();
    ck_assert_int_eq(V.too_small, 0);
    ck_assert_ptr_nonnull(strstr(s, "Fast-food"));
    ck_assert_ptr_nonnull(strstr(s, "runnable"));
    ck_assert_ptr_nonnull(strstr(s, "orders"));
    ck_assert_ptr_nonnull(strstr(s, "switches"));
    ck_assert_ptr_nonnull(strstr(row_text(15), "q quit"));
    ck_assert_int_eq(V.lanes_shown, 4);
}
END_TEST

START_TEST(test_draw_many_lanes_scroll)
{
    const char *s;

    restaurant(1);
    ev(0, LANES_EV_CORES, -1, 0, 12, 1);
    resize_term(16, 60);
    draw(1);
    s = grab();
    ck_assert_int_lt(V.lanes_shown, 12);
    ck_assert_ptr_nonnull(strstr(s, "more (PgDn)"));
    ck_assert_ptr_nonnull(strstr(row_text(15), "q quit"));
    V.lane_scroll = 100;
    draw(1);
    ck_assert_int_eq(V.lane_scroll, 12 - V.lanes_shown);
    ck_assert_ptr_nonnull(strstr(grab(), "11 "));
}
END_TEST

START_TEST(test_draw_help_from_key_table)
{
    const char *s;
    int i;

    restaurant(1);
    V.help = 1;
    draw(1);
    s = grab();
    for (i = 0; ui_keys[i].action != UI_ACT_NONE; i++)
        if (ui_keys[i].label != NULL)
            ck_assert_msg(strstr(s, ui_keys[i].label) != NULL, "help lacks '%s'", ui_keys[i].label);
    ck_assert_ptr_nonnull(strstr(s, "pause / resume"));
    /* the waiting shade is named (':' without UTF-8) */
    ck_assert_ptr_nonnull(strstr(s, ": waiting for a CPU"));
}
END_TEST

/* At 60x16 the help's legend does not fit under the keys: the bottom
 * line points to PgDn, and its pages carry every line of it, wrapped, the
 * last one too; a page past the last stays on the last. */
START_TEST(test_draw_small_help_pages)
{
    restaurant(1);
    resize_term(16, 60);
    V.help = 1;
    draw(0);
    ck_assert_msg(strstr(grab(), "PgDn: what the lanes show") != NULL, "%s", grab());
    ck_assert_ptr_null(strstr(grab(), "on the lanes"));
    V.help_page = 1;
    draw(0);
    ck_assert_msg(strstr(grab(), "on the lanes") != NULL, "%s", grab());
    ck_assert_ptr_nonnull(strstr(grab(), ": waiting for a CPU"));
    ck_assert_ptr_nonnull(strstr(grab(), "PgDn: more"));
    V.help_page = 9;
    draw(0);
    ck_assert_int_eq(V.help_page, 2);
    ck_assert_msg(strstr(grab(), "machine busy") != NULL, "%s", grab());
    ck_assert_ptr_nonnull(strstr(grab(), "PgUp: back"));
    ck_assert_ptr_nonnull(strstr(grab(), "ticks of work"));
}
END_TEST

/* Ticks whose thread waited for a CPU are drawn apart from ticks of real
 * running: ':' (ASCII) after the label, not reversed; a legend under the
 * lanes says what it means; the lane's title gives the CPU share it had;
 * the header says when the machine is busy. */
START_TEST(test_draw_waiting_for_cpu)
{
    const char *s, *row = NULL;
    int y;

    restaurant(1);
    /* cook#1 (id 2) runs from tick 5: it had the CPU for ticks 5-8, then
     * about a seventh of ticks 9 to 12 */
    ev(9000, LANES_EV_CPU, 0, 2, 4000000, 0);
    ev(12500, LANES_EV_CPU, 0, 2, 500000, 3000000);
    draw(0);
    s = grab();
    for (y = 0; y < LINES; y++)
        if (strncmp(row_text(y), "| cook#1", 8) == 0)
            row = row_text(y), y = LINES;
    ck_assert_ptr_nonnull(row);
    ck_assert_msg(row[COLS - 3] == ':' && row[COLS - 4] == ':', "row: %s", row);
    ck_assert_msg(row[COLS - 5] == '1', "row: %s", row);       /* the label goes on */
    ck_assert_msg(row[COLS - 9] != ':', "row: %s", row);       /* tick 8 ran */
    for (y = 0; y < LINES; y++)
        if (strncmp(row_text(y), "| cook#1", 8) == 0)
            break;
    ck_assert(!(mvinch(y, COLS - 3) & A_REVERSE));
    ck_assert(!(mvinch(y, COLS - 5) & A_REVERSE));
    ck_assert(mvinch(y, COLS - 9) & A_REVERSE);
    /* one lane, two CPUs: somebody else had the CPU */
    ck_assert_ptr_nonnull(strstr(s, ": waiting for a CPU: the OS gave it to other programs"));
    ck_assert_ptr_nonnull(strstr(s, "core 0 . cpu 0 . ran 36%"));
    V.cores = 4;
    draw(0);
    ck_assert_ptr_nonnull(strstr(grab(), ": waiting for a CPU: the OS is time-slicing the lanes"));
    V.cores = 1;
    ck_assert_ptr_null(strstr(s, "machine busy"));
    ev(12500, LANES_EV_LOAD, -1, 0, 800, 1);
    draw(0);
    s = grab();
    ck_assert_ptr_nonnull(strstr(s, "! machine busy"));
    ck_assert_ptr_nonnull(strstr(s, "cores 1 (1 CPU)"));
}
END_TEST

/* Without a waiting tick on screen there is no legend. */
START_TEST(test_draw_no_legend_without_waiting)
{
    restaurant(1);
    ev(9000, LANES_EV_CPU, 0, 2, 4000000, 0);
    draw(0);
    ck_assert_ptr_null(strstr(grab(), "waiting for a CPU"));
}
END_TEST

START_TEST(test_draw_ascii_only_without_utf8)
{
    const char *s;

    restaurant(3);
    ev(0, LANES_EV_CORES, -1, 0, 3, 1);
    V.about = "Caf\xc3\xa9 \xe2\x80\x94 with UTF-8 in its about: solid, not \xe2\x96\x91";
    V.cores = 3;
    draw(1);
    s = grab();
    for (; *s != '\0'; s++)
        ck_assert_msg((unsigned char)*s < 128, "non-ASCII byte %02x", (unsigned char)*s);
    /* the glyphs the built-ins' texts use read as the ASCII screen draws
     * them (a waiting tick is ':'); others become '?' */
    ck_assert_msg(strstr(grab(), "Caf? - with UTF-8 in its about: solid, not :") != NULL, "%s",
                  grab());
    ck_assert_ptr_nonnull(strstr(grab(), "3 lanes on 2 CPUs: the OS time-slices the lanes"));
    ck_assert_ptr_nonnull(strstr(row_text(0), "! 3 lanes on 2 CPUs"));
}
END_TEST

START_TEST(test_draw_paused_step_explains)
{
    restaurant(1);
    ev(12500, LANES_EV_PAUSE, -1, 0, 0, 0);
    ev(12500, LANES_EV_STEP, -1, 0, 1, 1);
    ev(13000, LANES_EV_STOP, 0, 2, 2, LANES_STOP_SEND);
    ev(13000, LANES_EV_RUN, 0, 3, 0, LANES_Q_GLOBAL);
    ui_model_advance(&M, 13500, 1000);
    V.paused = 1;
    draw(1);
    ck_assert_ptr_nonnull(strstr(grab(), "step 1: core 0: cook#1 blocked sending on meals, took cook#2 from the global queue"));
    ck_assert_ptr_nonnull(strstr(grab(), "|| paused"));
}
END_TEST

/* A step in which the running routine went past its slice: "nobody waits"
 * only when nobody does - here cashier and cook#2 wait in the global
 * queue, shown on the runnable line below; then, alone, it may say so. */
START_TEST(test_draw_step_past_slice_says_who_waits)
{
    restaurant(1);
    ev(12500, LANES_EV_PAUSE, -1, 0, 0, 0);
    ev(12500, LANES_EV_STEP, -1, 0, 1, 1);
    ui_model_advance(&M, 13500, 1000);
    V.paused = 1;
    draw(1);
    ck_assert_ptr_null(strstr(grab(), "nobody waits"));
    ck_assert_ptr_nonnull(strstr(grab(), "step 1: core 0: cook#1 ran tick 9, past its 4-tick slice"));
    ui_model_free(&M);

    ui_model_init(&M, 1, 4, namer, NULL);      /* cook#1 alone; V as before */
    ev(0, LANES_EV_SPAWN, -1, 2, 0, LANES_Q_GLOBAL);
    ev(5000, LANES_EV_RUN, 0, 2, 0, LANES_Q_GLOBAL);
    ui_model_advance(&M, 12500, 1000);
    ev(12500, LANES_EV_PAUSE, -1, 0, 0, 0);
    ev(12500, LANES_EV_STEP, -1, 0, 1, 1);
    ui_model_advance(&M, 13500, 1000);
    draw(1);
    ck_assert_ptr_nonnull(strstr(grab(), "step 1: core 0: cook#1 kept running (tick 9: nobody waits"));
}
END_TEST

/* Past the quantum in columns while others waited: the slice counts
 * ticks of work, and the lane waited for a CPU (cook#1 has held core 0
 * for 9 columns, the cashier is in the global queue). */
START_TEST(test_draw_step_slice_counts_work)
{
    restaurant(1);
    ev(12500, LANES_EV_PAUSE, -1, 0, 0, 0);
    ev(12500, LANES_EV_STEP, -1, 0, 1, 1);
    ui_model_advance(&M, 13500, 1000);
    V.paused = 1;
    resize_term(30, 100);
    draw(1);
    ck_assert_msg(strstr(grab(), "past its 4-tick slice: a slice counts ticks of work, and the")
                  != NULL, "%s", grab());
    resize_term(16, 60);
    draw(1);
    ck_assert_msg(strstr(grab(), "cook#1 ran tick 9, past its 4-tick slice") != NULL &&
                  strstr(grab(), "\n of work") != NULL, "%s", grab());
}
END_TEST

/* At 60x16 with 4 lanes the rows run short: the channels left out are
 * counted on the last one shown, and an idle lane's name column says
 * idle, as the boxed rows do. */
START_TEST(test_draw_small_says_what_is_left_out)
{
    int y, idle = 0;

    restaurant(4);
    ev(0, LANES_EV_CORES, -1, 0, 4, 1);
    ev(12500, LANES_EV_PAUSE, -1, 0, 0, 0);
    V.paused = 1;                   /* the pause's two rows of words */
    resize_term(16, 60);
    draw(0);
    ck_assert_msg(strstr(grab(), "orders") == NULL || strstr(grab(), "meals") == NULL,
                  "both channels fit: %s", grab());
    ck_assert_msg(strstr(grab(), " +1 channel") != NULL, "%s", grab());
    for (y = 0; y < LINES; y++)
        idle += strstr(row_text(y), "idle") != NULL;
    ck_assert_msg(idle >= 3, "%d idle lanes named: %s", idle, grab());
    /* the run queues of four cores do not fit in 60 columns: the row
     * ends in an ellipsis, never a core's label cut short */
    for (y = 0; y < LINES; y++)
        if (strncmp(row_text(y), " runnable", 9) == 0)
            break;
    ck_assert_msg(y < LINES && strstr(row_text(y), "...") != NULL &&
                  strstr(row_text(y), "core 3") == NULL, "%s", row_text(y));
}
END_TEST

static const char *fake_program(void *ctx, uint32_t routine, int *first)
{
    (void)ctx;
    (void)routine;
    *first = 20;
    return "routine attendant\n  repeat 12\n    recv meals\n    work 1\n    sleep 3\n  end\nend\n";
}

static int fake_line(void *ctx, uint32_t routine)
{
    (void)ctx;
    return routine == 4 ? 24 : 0;
}

START_TEST(test_draw_click_selects_and_detail)
{
    int y, x, found = 0;
    uint32_t id = 0;
    const char *s;

    restaurant(1);
    draw(1);
    /* find "attendant" on the sleeping row and click it */
    for (y = 0; y < LINES && !found; y++) {
        const char *r = row_text(y), *p = strstr(r, "attendant (");
        if (p != NULL) {
            x = (int)(p - r);
            id = ui_draw_hit(&V, y, x + 2);
            found = 1;
        }
    }
    ck_assert(found);
    ck_assert_uint_eq(id, 4);
    V.selected = id;
    V.detail = 1;
    draw(1);
    s = grab();
    ck_assert_ptr_nonnull(strstr(s, "sleeping, 9 ticks left"));
    ck_assert_ptr_nonnull(strstr(s, "ran on cores: 0"));
    ck_assert_ptr_nonnull(strstr(s, "switches 1 . preempted 0"));
    V.src_program = fake_program;
    V.src_line_of = fake_line;
    V.src_file = "restaurant.lanes";
    draw(1);
    s = grab();
    ck_assert_ptr_nonnull(strstr(s, "program (restaurant.lanes)"));
    ck_assert_ptr_nonnull(strstr(s, ">  24     sleep 3"));
    ck_assert_ptr_nonnull(strstr(s, "   20 routine attendant"));
}
END_TEST

START_TEST(test_draw_utf8_glyphs)
{
    wchar_t row[256];

    if (setlocale(LC_ALL, "C.UTF-8") == NULL)
        return;
    teardown();
    term_open(30, 100);
    restaurant(1);
    ui_draw_setup(&V, 1, 1);
    ui_draw(&V);
    mvinnwstr(2, 0, row, 100);
    ck_assert(row[0] == L'\x250c');
    mvinnwstr(0, 0, row, 100);
    ck_assert(wcsstr(row, L"lanes \x00b7 Fast-food") != NULL);
    setlocale(LC_ALL, "C");
}
END_TEST

START_TEST(test_draw_key_table_consistent)
{
    int i, j, k, l;

    /* no key code is bound twice; the keys the issue names are there */
    for (i = 0; ui_keys[i].action != UI_ACT_NONE; i++)
        for (j = 0; j < 4 && ui_keys[i].codes[j] != 0; j++)
            for (k = i; ui_keys[k].action != UI_ACT_NONE; k++)
                for (l = k == i ? j + 1 : 0; l < 4 && ui_keys[k].codes[l] != 0; l++)
                    ck_assert_msg(ui_keys[i].codes[j] != ui_keys[k].codes[l],
                                  "key %d bound twice", ui_keys[i].codes[j]);
    ck_assert_int_eq(ui_key_action(' '), UI_ACT_PAUSE);
    ck_assert_int_eq(ui_key_action('Z'), UI_ACT_PAUSE);
    ck_assert_int_eq(ui_key_action('s'), UI_ACT_STEP);
    ck_assert_int_eq(ui_key_action(KEY_RIGHT), UI_ACT_HIST_NEXT);   /* at now: a step */
    ck_assert_int_eq(ui_key_action(KEY_LEFT), UI_ACT_HIST_PREV);
    ck_assert_int_eq(ui_key_action(KEY_HOME), UI_ACT_HIST_FIRST);
    ck_assert_int_eq(ui_key_action(KEY_END), UI_ACT_HIST_END);
    ck_assert_int_eq(ui_key_action('['), UI_ACT_HIST_DPREV);
    ck_assert_int_eq(ui_key_action(']'), UI_ACT_HIST_DNEXT);
    ck_assert_int_eq(ui_key_action('+'), UI_ACT_CORE_MORE);
    ck_assert_int_eq(ui_key_action('-'), UI_ACT_CORE_LESS);
    ck_assert_int_eq(ui_key_action('1'), UI_ACT_CORES_N);
    ck_assert_int_eq(ui_key_action('9'), UI_ACT_CORES_N);
    ck_assert_int_eq(ui_key_action('0'), UI_ACT_NONE);
    ck_assert_int_eq(ui_key_action('>'), UI_ACT_FASTER);
    ck_assert_int_eq(ui_key_action('<'), UI_ACT_SLOWER);
    ck_assert_int_eq(ui_key_action('p'), UI_ACT_PREEMPT);
    ck_assert_int_eq(ui_key_action('r'), UI_ACT_RESTART);
    ck_assert_int_eq(ui_key_action('\t'), UI_ACT_NEXT);
    ck_assert_int_eq(ui_key_action(KEY_BTAB), UI_ACT_PREV);
    ck_assert_int_eq(ui_key_action('\r'), UI_ACT_DETAIL);
    ck_assert_int_eq(ui_key_action(27), UI_ACT_BACK);
    ck_assert_int_eq(ui_key_action('?'), UI_ACT_HELP);
    ck_assert_int_eq(ui_key_action(KEY_F(1)), UI_ACT_HELP);
    ck_assert_int_eq(ui_key_action('q'), UI_ACT_QUIT);
    ck_assert_int_eq(ui_key_action(KEY_F(10)), UI_ACT_QUIT);
    ck_assert_int_eq(ui_key_action('c'), UI_ACT_COMPARE);
    /* the comparison's own table: no code twice either */
    for (i = 0; ui_cmp_keys[i].action != UI_ACT_NONE; i++)
        for (j = 0; j < 4 && ui_cmp_keys[i].codes[j] != 0; j++)
            for (k = i; ui_cmp_keys[k].action != UI_ACT_NONE; k++)
                for (l = k == i ? j + 1 : 0; l < 4 && ui_cmp_keys[k].codes[l] != 0; l++)
                    ck_assert_msg(ui_cmp_keys[i].codes[j] != ui_cmp_keys[k].codes[l],
                                  "compare key %d bound twice", ui_cmp_keys[i].codes[j]);
}
END_TEST

/* The about line tells what to press: at 80x24 it wraps onto a second row,
 * at 60x16 it ends in an ellipsis; the lanes-vs-CPUs warning sits in the
 * header and never cuts it. */
START_TEST(test_draw_about_wraps_and_warning_in_header)
{
    const char *about = "Customers queue, one cashier takes orders, two cooks cook, "
                        "one attendant serves. Press 1, then 4.";
    char r1[512], r2[512];

    restaurant(4);
    ev(0, LANES_EV_CORES, -1, 0, 4, 1);
    V.about = about;
    resize_term(24, 80);
    draw(1);
    ck_assert_ptr_nonnull(strstr(row_text(0), "! 4 lanes on 2 CPUs"));
    snprintf(r1, sizeof r1, "%s", row_text(1));
    snprintf(r2, sizeof r2, "%s", row_text(2));
    ck_assert_msg(strncmp(r1, "Customers queue, one cashier takes orders, two cooks cook,", 58) == 0,
                  "row 1: %s", r1);
    ck_assert_msg(strstr(r2, "Press 1, then 4.") != NULL, "row 2: %s", r2);
    ck_assert_ptr_null(strstr(r1, "lanes on"));
    ck_assert_int_eq(row_text(3)[0], '+');
    ck_assert_int_eq(V.lanes_shown, 4);
    ck_assert_ptr_nonnull(strstr(row_text(23), "q quit"));
    ck_assert_ptr_nonnull(strstr(grab(), "occupancy "));
    ck_assert_ptr_nonnull(strstr(grab(), "parallelism -/2 CPUs"));

    resize_term(16, 60);
    draw(1);
    snprintf(r1, sizeof r1, "%s", row_text(1));
    ck_assert_msg(strncmp(r1, "Customers queue", 15) == 0, "row 1: %s", r1);
    ck_assert_msg(strstr(r1, "...") != NULL, "no ellipsis: %s", r1);
    ck_assert_ptr_nonnull(strstr(row_text(0), "!4 lanes/2 CPUs"));
    ck_assert_int_eq(row_text(2)[0], '+');
    ck_assert_int_eq(V.lanes_shown, 4);
    ck_assert_ptr_nonnull(strstr(row_text(15), "q quit"));
}
END_TEST

/* Labels: a routine's whole name when its run is long enough, else its one
 * short label, else nothing; without colour neighbouring runs alternate
 * reverse and reverse underlined, so their boundary shows. */
START_TEST(test_draw_labels_and_no_colour_boundaries)
{
    char row[512];
    int y, yl = -1, x, c0;
    chtype a, b;

    ui_model_init(&M, 1, 4, namer, NULL);
    ev(0, LANES_EV_SPAWN, -1, 2, 0, LANES_Q_GLOBAL);
    ev(0, LANES_EV_SPAWN, -1, 3, 0, LANES_Q_GLOBAL);
    ev(0, LANES_EV_SPAWN, -1, 1, 0, LANES_Q_GLOBAL);
    /* cook#1 2 ticks, cook#2 3 ticks, cashier 1 tick, cook#1 8 ticks */
    ev(0, LANES_EV_RUN, 0, 2, 0, LANES_Q_GLOBAL);
    ev(2000, LANES_EV_STOP, 0, 2, 1, LANES_STOP_SEND);
    ev(2000, LANES_EV_RUN, 0, 3, 0, LANES_Q_GLOBAL);
    ev(5000, LANES_EV_STOP, 0, 3, 1, LANES_STOP_RECV);
    ev(5000, LANES_EV_RUN, 0, 1, 0, LANES_Q_GLOBAL);
    ev(6000, LANES_EV_STOP, 0, 1, 1, LANES_STOP_RECV);
    ev(6000, LANES_EV_RUN, 0, 2, 0, LANES_Q_GLOBAL);
    ui_model_advance(&M, 14000, 1000);
    memset(&V, 0, sizeof V);
    V.m = &M;
    V.title = "labels";
    V.cpus = 2;
    V.cores = 1;
    V.quantum = 4;
    V.speed = "1x";
    V.tick_s = 0.05;
    V.wall = 1000;
    ck_assert_str_eq(ui_model_routine(&M, 2)->abbr, "c1");
    ck_assert_str_eq(ui_model_routine(&M, 1)->abbr, "ca");
    draw(0);
    for (y = 0; y < LINES; y++)
        if (strncmp(row_text(y), "| cook#1", 8) == 0)
            yl = y;
    ck_assert_int_ge(yl, 0);
    snprintf(row, sizeof row, "%s", row_text(yl));
    /* 2 ticks: "c1"; 3 ticks: "c2 "; 1 tick: nothing; 8: the name */
    ck_assert_msg(strstr(row, "c1c2  cook#1   |") != NULL, "lane: %s", row);
    c0 = (int)(strstr(row, "c1c2  cook#1") - row);
    /* every busy cell reversed; each run's attributes differ from the next */
    for (x = c0; x < c0 + 14; x++)
        ck_assert(mvinch(yl, x) & A_REVERSE);
    a = mvinch(yl, c0 + 1) & A_UNDERLINE;
    b = mvinch(yl, c0 + 2) & A_UNDERLINE;
    ck_assert(a != b);
    ck_assert((mvinch(yl, c0 + 4) & A_UNDERLINE) != (mvinch(yl, c0 + 5) & A_UNDERLINE));
    ck_assert((mvinch(yl, c0 + 5) & A_UNDERLINE) != (mvinch(yl, c0 + 6) & A_UNDERLINE));
    /* the help screen says what the labels stand for */
    V.help = 1;
    draw(0);
    ck_assert_ptr_nonnull(strstr(grab(), "short label"));
    ck_assert_ptr_nonnull(strstr(grab(), "labels: ca cashier  c1 cook#1"));
}
END_TEST

static const char *long_program(void *ctx, uint32_t routine, int *first)
{
    (void)ctx;
    (void)routine;
    *first = 20;
    return "routine collector\n  repeat 16\n    recv results\n    work 1\n  end\n"
           "  send done\n  print \"all in\"\nend\n# one\n# two\n# three\n# four\n";
}

/* The detail pane at 80x24 with nine lanes: the program stays inside its
 * box and the hint row is the hints alone (it once read "s   28 recv
 * results+/- cores"). */
START_TEST(test_draw_detail_stays_in_its_box)
{
    int y;

    restaurant(9);
    ev(0, LANES_EV_CORES, -1, 0, 9, 1);
    V.cores = 9;
    V.selected = 2;
    V.detail = 1;
    V.src_program = long_program;
    V.src_file = "workers.lanes";
    V.about = "A dispatcher fans 16 jobs out to four workers and a collector gathers the "
              "results. Press 4: four jobs at once; press 1 to compare.";
    resize_term(24, 80);
    draw(1);
    /* the pane covers the lanes, never the about's two rows */
    ck_assert_ptr_nonnull(strstr(row_text(2), "Press 4: four jobs at once"));
    ck_assert_int_eq(row_text(3)[0], '+');
    ck_assert_msg(strncmp(row_text(23), " space pause", 12) == 0, "hints: %s", row_text(23));
    ck_assert_int_eq(row_text(22)[0], '+');
    for (y = 0; y < 22; y++)
        ck_assert_ptr_null(strstr(row_text(y), "Tab next"));
    ck_assert_ptr_nonnull(strstr(row_text(22), "Tab next"));
}
END_TEST

/* Nothing served: no rate and no latency to speak of. */
START_TEST(test_draw_nothing_served_says_dash)
{
    restaurant(1);
    draw(1);
    ck_assert_ptr_nonnull(strstr(grab(), "served 0 . rate - . latency -"));
    ev(12500, LANES_EV_SEND, 0, 2, 2, 7);
    ev(12500, LANES_EV_RECV, 0, 4, 2, 7);
    ev(12500, LANES_EV_DONE, 0, 4, 0, 7);
    draw(1);
    ck_assert_ptr_nonnull(strstr(grab(), "served 1 . "));
    ck_assert_ptr_nonnull(strstr(grab(), "latency 0.0 ticks avg"));
}
END_TEST

/* A scenario whose channels carry only tokens (the philosophers' forks)
 * serves nothing: the finished row says nothing of served or latency. */
START_TEST(test_draw_tokens_serve_nothing)
{
    restaurant(1);
    V.no_items = 1;
    draw(1);
    ck_assert_ptr_null(strstr(grab(), "served"));
    ck_assert_ptr_null(strstr(grab(), "latency"));
    ck_assert_ptr_nonnull(strstr(grab(), "finished"));
}
END_TEST

/* A routine blocked since t 12: its wait so far counts. */
START_TEST(test_draw_detail_counts_wait_in_progress)
{
    restaurant(1);
    ev(12500, LANES_EV_STOP, 0, 2, 2, LANES_STOP_SEND);
    ui_model_advance(&M, 20500, 1000);
    V.selected = 2;
    V.detail = 1;
    draw(1);
    ck_assert_ptr_nonnull(strstr(grab(), "waited on channels 1 time, 8.0 ticks (waiting now)"));
}
END_TEST

/* From 140 columns the side pane shows; Esc (side_hidden) hides it. */
START_TEST(test_draw_side_pane_hides)
{
    resize_term(30, 150);
    restaurant(1);
    draw(1);
    ck_assert_ptr_nonnull(strstr(grab(), "No routine selected"));
    V.side_hidden = 1;
    draw(1);
    ck_assert_ptr_null(strstr(grab(), "No routine selected"));
    ck_assert_ptr_null(strstr(grab(), "routine -"));
}
END_TEST

/* A passing note (a key after the end) shows over the end message. */
START_TEST(test_draw_note_over_end_message)
{
    restaurant(1);
    V.end = UI_END_DONE;
    snprintf(V.message, sizeof V.message, "done - every routine returned");
    snprintf(V.note, sizeof V.note, "the run has ended: r runs it again, 1-9 on that many cores, q quits");
    V.note_wall = 1000;
    draw(1);
    ck_assert_ptr_nonnull(strstr(grab(), "the run has ended: r runs it again"));
    ck_assert_ptr_nonnull(strstr(grab(), "done - every routine returned"));
    V.wall = 1000 + 3000;
    draw(1);
    ck_assert_ptr_null(strstr(grab(), "the run has ended"));
    ck_assert_ptr_nonnull(strstr(grab(), "done - every routine returned"));
}
END_TEST

/* A replay: 'replay ·' stays whole at 100 and 60 columns (the title
 * gives way), its hint line offers its keys, not cores; a recorded run
 * that was restarted ends as restarted, not done; history's state is
 * 'history', not the run's speed. */
START_TEST(test_draw_replay_header_and_keys)
{
    int cols[2] = { 100, 60 }, i;

    for (i = 0; i < 2; i++) {
        restaurant(4);
        ev(0, LANES_EV_CORES, -1, 0, 4, 1);
        V.replay = 1;
        resize_term(i == 0 ? 30 : 16, cols[i]);
        draw(1);
        ck_assert_msg(strncmp(row_text(0), "replay . Fast", 13) == 0, "%d: %s", cols[i],
                      row_text(0));
        ck_assert_ptr_nonnull(strstr(row_text(LINES - 1), "r again"));
        ck_assert_ptr_null(strstr(row_text(LINES - 1), "cores"));
        ck_assert_ptr_nonnull(strstr(row_text(0), "> 1x"));
        V.end = UI_END_STOPPED;
        V.end_word = "restarted";
        draw(1);
        ck_assert_ptr_nonnull(strstr(row_text(0), "# restarted"));
        ck_assert_ptr_null(strstr(row_text(0), "done"));
        V.end = UI_END_NONE;
        V.history = 1;
        snprintf(V.banner, sizeof V.banner, "hist t3/12");
        draw(1);
        ck_assert_ptr_nonnull(strstr(row_text(0), "|| history"));
        ck_assert_ptr_null(strstr(row_text(0), "1x"));
        ui_model_free(&M);
    }
    ui_model_init(&M, 1, 0, namer, NULL);   /* for the teardown */
}
END_TEST

/* A scenario's note shows on the explanation line while fresh; a pausing
 * note, while paused, says so and how to go on; it gives way to a step's
 * account, goes when old, and never hides the end. */
START_TEST(test_draw_lesson_note)
{
    restaurant(1);
    ev(12500, LANES_EV_NOTE, 0, 2, SCN_MARK_NOTE, 0);
    draw(1);
    ck_assert_ptr_nonnull(strstr(grab(), " One cashier, one core: turns."));
    V.wall = 1000 + 20000;
    draw(1);
    ck_assert_ptr_null(strstr(grab(), "one core: turns"));

    ev(12500, LANES_EV_NOTE, 0, 2, SCN_MARK_NOTE_PAUSE, 1);
    ev(12500, LANES_EV_PAUSE, -1, 0, 0, 0);
    V.paused = 1;
    V.wall = 1000 + 60000;          /* paused: however long it stays */
    draw(1);
    ck_assert_msg(strstr(grab(), "Now press 4. - space goes on") != NULL, "%s", grab());
    ev(12500, LANES_EV_STEP, -1, 0, 1, 1);
    draw(1);
    ck_assert_ptr_null(strstr(grab(), "Now press 4."));
    ck_assert_ptr_nonnull(strstr(grab(), "step 1:"));
    V.end = UI_END_DONE;
    V.paused = 0;
    snprintf(V.message, sizeof V.message, "done - every routine returned");
    draw(1);
    ck_assert_ptr_null(strstr(grab(), "Now press 4."));
    ck_assert_ptr_nonnull(strstr(grab(), "done - every routine returned"));
}
END_TEST

/* The restaurant with cook#1 preempted at tick 12: the newest decision,
 * "t 12: core 0: cook#1 used its slice (4 ticks of work), preempted to the global
 * queue", is longer than a 60-column row has room for. */
static void restaurant_preempted(void)
{
    restaurant(2);
    ev(12000, LANES_EV_STOP, 0, 2, LANES_Q_GLOBAL, LANES_STOP_PREEMPT);
}

/* Rows holding `what`, trailing blanks dropped, each checked to end in
 * "..." (cut) or not (whole); returns how many. */
static int rows_ending(const char *what, int cut)
{
    int y, found = 0;

    for (y = 0; y < LINES; y++) {
        const char *r = row_text(y);
        size_t n = strlen(r);
        if (strstr(r, what) == NULL)
            continue;
        while (n > 0 && r[n - 1] == ' ')
            n--;
        if (cut)
            ck_assert_msg(n >= 3 && strncmp(r + n - 3, "...", 3) == 0,
                          "cut without an ellipsis: [%s]", r);
        else
            ck_assert_msg(strstr(r, "...") == NULL, "a whole line with an ellipsis: [%s]", r);
        found++;
    }
    return found;
}

/* At 60x16 a decision too long for its row ends in an ellipsis ("..."
 * without UTF-8, as the about line), never in a silent cut; one that fits
 * is whole.  Both the "decisions" row and the "latest" one. */
START_TEST(test_draw_decisions_cut_with_ellipsis)
{
    const char *s;

    restaurant_preempted();
    resize_term(16, 60);
    draw(1);
    s = grab();
    ck_assert_msg(strstr(s, " decisions  t 12: core 0: cook#1 used its") != NULL,
                  "no decisions row:\n%s", s);
    ck_assert_msg(rows_ending("t 12: core 0: cook#1 used its", 1) == 2, "%s", s);

    ev(12000, LANES_EV_RUN, 0, 3, 0, LANES_Q_GLOBAL);
    draw(1);
    s = grab();
    ck_assert_msg(rows_ending("t 12: core 0 took cook#2 from the global queue", 0) == 2,
                  "%s", s);
}
END_TEST

/* The same with UTF-8: one "\u2026" in the last column the text may use. */
START_TEST(test_draw_decisions_ellipsis_utf8)
{
    wchar_t row[256];
    int y, found = 0;

    if (setlocale(LC_ALL, "C.UTF-8") == NULL)
        return;
    teardown();
    term_open(16, 60);
    restaurant_preempted();
    ui_draw_setup(&V, 1, 1);
    ui_draw(&V);
    for (y = 0; y < LINES; y++) {
        int n;
        mvinnwstr(y, 0, row, 60);
        if (wcsstr(row, L"t 12: core 0: cook#1 used its") == NULL)
            continue;
        n = (int)wcslen(row);
        while (n > 0 && row[n - 1] == L' ')
            n--;
        ck_assert_msg(n > 0 && row[n - 1] == L'\x2026', "row %d ends in U+%04X", y,
                      n > 0 ? (unsigned)row[n - 1] : 0u);
        found++;
    }
    ck_assert_int_gt(found, 0);
    setlocale(LC_ALL, "C");
}
END_TEST

/* The waiters of every channel start in one column, however wide a
 * channel's contents: a closed channel holding two items at 60 columns
 * ("[#1 #2 .] 2/3 closed") moves the column for all rows. */
START_TEST(test_draw_chan_waiters_aligned)
{
    int y, col[2] = { -1, -1 }, k = 0;

    restaurant(1);
    ev(12000, LANES_EV_SEND, 0, 2, 1, 2);
    ev(12000, LANES_EV_CLOSE, 0, 2, 1, 0);
    resize_term(16, 60);
    draw(1);
    for (y = 0; y < LINES && k < 2; y++) {
        const char *r = row_text(y), *p = strstr(r, "send:");
        if (p != NULL && (strncmp(r, " orders", 7) == 0 || strncmp(r, " meals", 6) == 0))
            col[k++] = (int)(p - r);
    }
    ck_assert_msg(k == 2, "two channel rows expected:\n%s", grab());
    ck_assert_msg(strstr(grab(), "2/3 closed") != NULL, "%s", grab());
    ck_assert_msg(col[0] == col[1], "send: at columns %d and %d:\n%s", col[0], col[1], grab());
}
END_TEST

/* ---- the comparison screen (compare.h) -------------------------------------- */

static void cmp_ev(ui_cmp_run *r, uint64_t t_rt, int kind, int lane, uint32_t routine,
                   uint32_t obj, int32_t arg)
{
    lanes_event e;

    memset(&e, 0, sizeof e);
    e.t_ns = t_rt * 1000;
    e.t_rt = t_rt;
    e.kind = (uint16_t)kind;
    e.lane = lane < 0 ? LANES_NO_LANE : (uint16_t)lane;
    e.routine = routine;
    e.obj = obj;
    e.arg = arg;
    ui_cmp_add_events(r, &e, 1);
}

/* Two runs of one shop: on 1 core cashier and cook#1 take turns of 4
 * ticks for 20 ticks; on 4 cores (of 2 CPUs) each runs 11 ticks at once. */
static ui_cmp *shop_runs(void)
{
    ui_cmp *c = ui_cmp_new();
    ui_cmp_run *a, *b;
    int l, k;

    ck_assert_ptr_nonnull(c);
    a = ui_cmp_add_run(c, 1, NULL);
    b = ui_cmp_add_run(c, 4, NULL);
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    ui_cmp_set_name(a, 0, 1, "cashier");
    ui_cmp_set_name(a, 0, 2, "cook#1");
    ui_cmp_set_name(b, 0, 1, "cashier");
    ui_cmp_set_name(b, 0, 2, "cook#1");
    cmp_ev(a, 0, LANES_EV_UNPARK, 0, 0, 0, 0);
    cmp_ev(a, 0, LANES_EV_SPAWN, -1, 1, 0, LANES_Q_GLOBAL);
    cmp_ev(a, 0, LANES_EV_SPAWN, -1, 2, 0, LANES_Q_GLOBAL);
    for (k = 0; k < 5; k++) {
        uint32_t who = k % 2 == 0 ? 1 : 2;
        cmp_ev(a, (uint64_t)k * 4000, LANES_EV_RUN, 0, who, 0, LANES_Q_GLOBAL);
        cmp_ev(a, (uint64_t)k * 4000 + 4000, LANES_EV_STOP, 0, who, LANES_Q_GLOBAL,
               k < 4 ? LANES_STOP_PREEMPT : LANES_STOP_EXIT);
    }
    for (l = 0; l < 4; l++)
        cmp_ev(b, 0, LANES_EV_UNPARK, l, 0, 0, 0);
    cmp_ev(b, 0, LANES_EV_SPAWN, -1, 1, 0, LANES_Q_GLOBAL);
    cmp_ev(b, 0, LANES_EV_SPAWN, -1, 2, 0, LANES_Q_GLOBAL);
    cmp_ev(b, 0, LANES_EV_RUN, 0, 1, 0, LANES_Q_GLOBAL);
    cmp_ev(b, 0, LANES_EV_RUN, 1, 2, 0, LANES_Q_GLOBAL);
    cmp_ev(b, 11000, LANES_EV_STOP, 0, 1, 0, LANES_STOP_EXIT);
    cmp_ev(b, 11000, LANES_EV_STOP, 1, 2, 0, LANES_STOP_EXIT);
    ui_cmp_close_run(c, a, SCN_DONE, 0, 20000);
    ui_cmp_close_run(c, b, SCN_DONE, 0, 11000);
    c->cpus = 2;
    return c;
}

static int cmp_colour = 1;

static void cmp_draw(ui_cmp_view *cv, ui_cmp *c, uint64_t tick)
{
    memset(cv, 0, sizeof *cv);
    cv->c = c;
    cv->title = "Shop";
    cv->speed = "1x";
    cv->cpus = 2;
    ui_cmp_seek(c, tick);
    ui_draw_setup(&V, cmp_colour, 0);
    ui_cmp_draw(cv);
    if (getenv("CHECK_DRAW_SHOW") != NULL)
        fprintf(stderr, "%s", grab());
}

/* Rows from `from` on that start a lane of a run: "|  N ". */
static int lane_rows(int from, int to, int lane)
{
    char want[16];
    int y, n = 0;

    snprintf(want, sizeof want, "|%3d ", lane);
    for (y = from; y < to && y < LINES; y++)
        n += strncmp(row_text(y), want, strlen(want)) == 0;
    return n;
}

/* 100x30: the line over both, each run's status line on the border over
 * its own lanes (1 then 4), one shared tick: at tick 12 the 1-core run
 * is at cook#1's third turn, the 4-core run is done. */
START_TEST(test_draw_compare_both_runs)
{
    ui_cmp *c = shop_runs();
    ui_cmp_view cv;
    const char *s;

    cmp_draw(&cv, c, 12);
    s = grab();
    ck_assert_ptr_nonnull(strstr(row_text(0), "lanes . compare . Shop"));
    ck_assert_ptr_nonnull(strstr(row_text(0), "tick 12 of 20"));
    ck_assert_ptr_nonnull(strstr(row_text(1),
                                 "1 core: 20 ticks . 4 cores: 11 ticks . speedup 1.8x . 2 CPUs"));
    ck_assert_ptr_nonnull(strstr(row_text(2), "1 core: 20 ticks . parallelism -"));
    ck_assert_msg(strncmp(row_text(3), "|  0 cook#1", 11) == 0, "row 3: %s", row_text(3));
    ck_assert_ptr_nonnull(strstr(row_text(4), "4 cores: 11 ticks . parallelism - . speedup "
                                              "1.8x ! 4 cores on 2 CPUs"));
    ck_assert_int_eq(lane_rows(3, 4, 0), 1);
    ck_assert_int_eq(lane_rows(5, 9, 0) + lane_rows(5, 9, 1) + lane_rows(5, 9, 2)
                     + lane_rows(5, 9, 3), 4);
    ck_assert_msg(strncmp(row_text(5), "|  0 done", 9) == 0, "row 5: %s", row_text(5));
    /* the shared axis: tick 10 under its column, in every run the same */
    ck_assert_ptr_nonnull(strstr(row_text(10), "tick"));
    ck_assert_ptr_nonnull(strstr(row_text(10), "10"));
    ck_assert_ptr_nonnull(strstr(s, "space play"));
    ck_assert_ptr_nonnull(strstr(s, "q leave"));
    ui_cmp_free(c);
}
END_TEST

/* 60x16: the same, in the narrow wording, nothing cut off the status
 * lines that matters: ticks, speedup, where the CPUs ran out. */
START_TEST(test_draw_compare_small)
{
    ui_cmp *c = shop_runs();
    ui_cmp_view cv;
    const char *s;

    teardown_term();
    term_open(16, 60);
    cmp_draw(&cv, c, 12);
    s = grab();
    /* one wording for both lines: the 4-core one's decides */
    ck_assert_msg(strncmp(row_text(2), "+ 1 core: 20 ticks . par - -", 28) == 0, "%s",
                  row_text(2));
    ck_assert_ptr_nonnull(strstr(row_text(4), "4 cores: 11 ticks . par - . speedup 1.8x "
                                              "! 4 on 2 CPUs"));
    /* a legend of the marks, short, pointing to the help for the rest */
    ck_assert_msg(strncmp(row_text(11), " coloured: ran  : waited for a CPU  . idle  ! see ?",
                          51) == 0, "row 11: %s", row_text(11));
    ck_assert_int_eq(lane_rows(3, 4, 0), 1);
    ck_assert_int_eq(lane_rows(5, 9, 0) + lane_rows(5, 9, 1) + lane_rows(5, 9, 2)
                     + lane_rows(5, 9, 3), 4);
    ck_assert_ptr_nonnull(strstr(s, "? help"));
    ck_assert_ptr_nonnull(strstr(s, "q leave"));
    /* a third run takes the row under the axis: the legend keeps the
     * message row, which is free */
    {
        ui_cmp_run *d = ui_cmp_add_run(c, 4, NULL);
        ui_cmp_add_events(d, c->runs[1].ev, c->runs[1].nev);
        ui_cmp_close_run(c, d, SCN_DONE, 0, 11000);
    }
    cmp_draw(&cv, c, 12);
    ck_assert_msg(strncmp(row_text(13), " tick", 5) == 0, "row 13: %s", row_text(13));
    ck_assert_msg(strncmp(row_text(14), " coloured: ran  : waited for a CPU  . idle  ! see ?",
                          51) == 0, "row 14: %s", row_text(14));
    ui_cmp_free(c);
}
END_TEST

/* 60x16 has no room for the note on a run the machine slowed: its short
 * form takes the row between the legend and the hints, with the figures. */
START_TEST(test_draw_compare_small_slowed_note)
{
    ui_cmp *c = shop_runs();
    ui_cmp_view cv;
    ui_cmp_run *b = &c->runs[1];
    int y, found = 0;

    teardown_term();
    term_open(16, 60);
    b->par_known = 1;
    b->parallelism = 0.27;
    b->wait_share = 0.73;
    b->load = 1600;
    b->busy = 1;
    cmp_draw(&cv, c, 12);
    for (y = 11; y < 15; y++)
        found |= strcmp(row_text(y), " ! 4c: 0.27 CPU of 2, others used 1.6: rerun when "
                        "quieter   ") == 0;
    ck_assert_msg(found, "no short note:\n%s", grab());
    ui_cmp_free(c);
}
END_TEST

/* Without colour the legend says how a run looks as the main screen's
 * does: "a reversed run", not a bare "reversed". */
START_TEST(test_draw_compare_legend_no_colour)
{
    ui_cmp *c = shop_runs();
    ui_cmp_view cv;

    cmp_colour = 0;
    cmp_draw(&cv, c, 12);
    cmp_colour = 1;
    ck_assert_msg(strncmp(row_text(11), " a reversed run ran on a CPU   : waited for a CPU   ",
                          52) == 0, "row 11: %s", row_text(11));
    ui_cmp_free(c);
}
END_TEST

/* Back is a fold from the start: tick 12 reached from 20 then 3 looks
 * exactly as tick 12 reached going forward. */
START_TEST(test_draw_compare_step_back_same)
{
    ui_cmp *c = shop_runs();
    ui_cmp_view cv;
    static char first[sizeof screen_text];

    cmp_draw(&cv, c, 12);
    snprintf(first, sizeof first, "%s", grab());
    cmp_draw(&cv, c, 20);
    ck_assert_ptr_nonnull(strstr(row_text(0), "tick 20 of 20"));
    cmp_draw(&cv, c, 3);
    ck_assert_msg(strncmp(row_text(3), "|  0 cashier", 12) == 0, "row 3: %s", row_text(3));
    cmp_draw(&cv, c, 12);
    ck_assert_str_eq(grab(), first);
    cmp_draw(&cv, c, 99);                  /* past the end: the end */
    ck_assert_ptr_nonnull(strstr(row_text(0), "tick 20 of 20"));
    ui_cmp_free(c);
}
END_TEST

static Suite *draw_suite(void)
{
    Suite *s = suite_create("draw");
    TCase *tc = tcase_create("screen");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_draw_restaurant_one_lane);
    tcase_add_test(tc, test_draw_two_lanes_same_column);
    tcase_add_test(tc, test_draw_waiting_for_cpu);
    tcase_add_test(tc, test_draw_no_legend_without_waiting);
    tcase_add_test(tc, test_draw_parallelism_when_known);
    tcase_add_test(tc, test_draw_small_says_what_is_left_out);
    tcase_add_test(tc, test_draw_step_slice_counts_work);
    tcase_add_test(tc, test_draw_too_small_says_size);
    tcase_add_test(tc, test_draw_smallest_size_keeps_essentials);
    tcase_add_test(tc, test_draw_many_lanes_scroll);
    tcase_add_test(tc, test_draw_help_from_key_table);
    tcase_add_test(tc, test_draw_small_help_pages);
    tcase_add_test(tc, test_draw_ascii_only_without_utf8);
    tcase_add_test(tc, test_draw_paused_step_explains);
    tcase_add_test(tc, test_draw_step_past_slice_says_who_waits);
    tcase_add_test(tc, test_draw_click_selects_and_detail);
    tcase_add_test(tc, test_draw_utf8_glyphs);
    tcase_add_test(tc, test_draw_key_table_consistent);
    tcase_add_test(tc, test_draw_about_wraps_and_warning_in_header);
    tcase_add_test(tc, test_draw_labels_and_no_colour_boundaries);
    tcase_add_test(tc, test_draw_detail_stays_in_its_box);
    tcase_add_test(tc, test_draw_nothing_served_says_dash);
    tcase_add_test(tc, test_draw_tokens_serve_nothing);
    tcase_add_test(tc, test_draw_detail_counts_wait_in_progress);
    tcase_add_test(tc, test_draw_side_pane_hides);
    tcase_add_test(tc, test_draw_note_over_end_message);
    tcase_add_test(tc, test_draw_replay_header_and_keys);
    tcase_add_test(tc, test_draw_lesson_note);
    tcase_add_test(tc, test_draw_decisions_cut_with_ellipsis);
    tcase_add_test(tc, test_draw_decisions_ellipsis_utf8);
    tcase_add_test(tc, test_draw_chan_waiters_aligned);
    tcase_add_test(tc, test_draw_compare_both_runs);
    tcase_add_test(tc, test_draw_compare_small);
    tcase_add_test(tc, test_draw_compare_legend_no_colour);
    tcase_add_test(tc, test_draw_compare_small_slowed_note);
    tcase_add_test(tc, test_draw_compare_step_back_same);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(draw_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
