/*
 * check_model.c - the screen's model fed with synthetic trace events: each
 * test plays a few scheduler moments and checks what the screen would show.
 */
#include "config.h"
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "ui/model.h"
#include "scn/scn.h"
#include "modelfeed.h"

static ui_model M;

static void ev(uint64_t t_rt, int kind, int lane, uint32_t routine, uint32_t obj, int32_t arg)
{
    feed(&M, t_rt, kind, lane, routine, obj, arg, 100);
}

static void setup(void)  { ui_model_init(&M, 1, 4, namer, NULL); }
static void teardown(void) { ui_model_free(&M); }

START_TEST(test_model_run_fills_timeline)
{
    const ui_cell *c;
    int k;

    ev(0, LANES_EV_SPAWN, -1, 1, 0, LANES_Q_GLOBAL);
    ck_assert_int_eq(ui_model_routine(&M, 1)->at, UI_AT_GLOBAL);
    ev(0, LANES_EV_RUN, 0, 1, 3, LANES_Q_GLOBAL);
    ck_assert_int_eq(M.lanes[0].cur, 1);
    ck_assert_int_eq(M.lanes[0].cpu, 3);
    ck_assert_int_eq(ui_model_routine(&M, 1)->at, UI_AT_LANE);
    ev(4000, LANES_EV_STOP, 0, 1, LANES_Q_GLOBAL, LANES_STOP_PREEMPT);
    for (k = 0; k < 4; k++) {
        c = ui_model_cell(&M, 0, (uint64_t)k);
        ck_assert_ptr_nonnull(c);
        ck_assert_uint_eq(c->routine, 1);
        ck_assert(c->flags & UI_CELL_RUN);
        ck_assert_int_eq(!!(c->flags & UI_CELL_PREEMPT), k == 3);
    }
    ck_assert_ptr_null(ui_model_cell(&M, 0, 4));
    ck_assert_int_eq(ui_model_routine(&M, 1)->at, UI_AT_GLOBAL);
    ck_assert_uint_eq(M.st.preemptions, 1);
    ck_assert_uint_eq(M.st.switches, 1);
    ck_assert_uint_eq(ui_model_routine(&M, 1)->lane_mt, 4000);
    ck_assert_uint_eq(ui_model_counts(&M, 1)->cpu_mt, 0);     /* no CPU events */
    /* idle time after the stop is seen but holds no routine */
    ui_model_advance(&M, 6000, 200);
    c = ui_model_cell(&M, 0, 5);
    ck_assert_ptr_nonnull(c);
    ck_assert_uint_eq(c->routine, 0);
    ck_assert(!(c->flags & UI_CELL_RUN));
    ck_assert_int_eq(ui_model_busy(&M, 0, 6), 66);
}
END_TEST

START_TEST(test_model_step_advances_one_column)
{
    ck_assert_int_eq(ui_model_last_tick(&M), -1);
    ev(0, LANES_EV_SPAWN, 0, 1, 0, LANES_Q_LOCAL);
    ev(0, LANES_EV_RUN, 0, 1, 0, LANES_Q_LOCAL);
    ui_model_advance(&M, 5000, 0);
    ck_assert_int_eq(ui_model_last_tick(&M), 4);
    ev(5000, LANES_EV_PAUSE, -1, 0, 0, 0);
    ev(5000, LANES_EV_STEP, -1, 0, 1, 1);
    ui_model_advance(&M, 6000, 0);
    ck_assert_int_eq(ui_model_last_tick(&M), 5);
    ck_assert_uint_eq(ui_model_cell(&M, 0, 5)->routine, 1);
    /* a frozen clock leaves the timeline where it is */
    ui_model_advance(&M, 6000, 0);
    ck_assert_int_eq(ui_model_last_tick(&M), 5);
    ck_assert_ptr_null(ui_model_cell(&M, 0, 6));
}
END_TEST

/* Paused, each step moves the clock to the step's end before the lanes
 * act: a routine taken in step 5 (RUN stamped 5000) ran in tick 4.  The
 * timeline shows what it shows running: a 4-tick slice, then the next
 * routine at once, no idle column at the switch. */
START_TEST(test_model_step_switch_leaves_no_gap)
{
    const ui_cell *c;
    uint32_t step = 0;
    int k;

    ev(0, LANES_EV_SPAWN, -1, 2, 0, LANES_Q_GLOBAL);
    ev(0, LANES_EV_SPAWN, -1, 3, 0, LANES_Q_GLOBAL);
    ev(0, LANES_EV_PAUSE, -1, 0, 0, 0);
    for (k = 0; k < 8; k++) {
        uint64_t t0 = (uint64_t)k * 1000;
        ev(t0, LANES_EV_STEP, -1, 0, 1, (int32_t)++step);
        if (k == 0)
            ev(t0 + 1000, LANES_EV_RUN, 0, 2, 0, LANES_Q_GLOBAL);
        if (k == 3)
            ev(t0 + 1000, LANES_EV_STOP, 0, 2, LANES_Q_GLOBAL, LANES_STOP_PREEMPT);
        if (k == 4)
            ev(t0 + 1000, LANES_EV_RUN, 0, 3, 0, LANES_Q_GLOBAL);
        ui_model_advance(&M, t0 + 1000, 0);
    }
    for (k = 0; k < 8; k++) {
        c = ui_model_cell(&M, 0, (uint64_t)k);
        ck_assert_ptr_nonnull(c);
        ck_assert_msg(c->flags & UI_CELL_RUN, "tick %d idle", k);
        ck_assert_uint_eq(c->routine, k < 4 ? 2 : 3);
    }
    ck_assert(ui_model_cell(&M, 0, 3)->flags & UI_CELL_PREEMPT);
    /* neighbouring slices carry different parities (no-colour boundaries) */
    ck_assert((ui_model_cell(&M, 0, 3)->flags & UI_CELL_ALT) !=
              (ui_model_cell(&M, 0, 4)->flags & UI_CELL_ALT));
    ck_assert_int_eq(ui_model_busy(&M, 0, 8), 100);
    ck_assert_uint_eq(ui_model_routine(&M, 2)->lane_mt, 4000);
    ck_assert_double_eq_tol(ui_model_occupancy(&M), 1.0, 0.001);
    /* running again: the clock and the events agree, nothing is moved */
    ev(8000, LANES_EV_RESUME, -1, 0, 0, 0);
    ev(9000, LANES_EV_STOP, 0, 3, 2, LANES_STOP_RECV);
    ev(10000, LANES_EV_RUN, 0, 2, 0, LANES_Q_GLOBAL);
    ui_model_advance(&M, 11000, 0);
    ck_assert_uint_eq(ui_model_cell(&M, 0, 9)->routine, 0);
    ck_assert_uint_eq(ui_model_cell(&M, 0, 10)->routine, 2);
}
END_TEST

/* Paused mid-tick (the clock frozen at 3.4 ticks): the newest column,
 * tick 3, shows what the trace says of [3000, 3400) and nothing more -
 * the routine whose RUN has no STOP yet runs up to the paused time, an
 * idle lane is idle up to it, and no column past it exists.  The step
 * brings the rest of tick 3: the running routine's column stays its, and
 * the idle lane's turns busy, as a routine taken in the step ran in the
 * step's tick (tests/tty/pause.sh allows exactly these changes). */
START_TEST(test_model_pause_paints_to_paused_time)
{
    const ui_cell *c;

    ui_model_free(&M);
    ui_model_init(&M, 2, 4, namer, NULL);
    ev(0, LANES_EV_SPAWN, -1, 1, 0, LANES_Q_GLOBAL);
    ev(0, LANES_EV_SPAWN, -1, 2, 0, LANES_Q_GLOBAL);
    ev(0, LANES_EV_SPAWN, -1, 3, 0, LANES_Q_GLOBAL);
    ev(0, LANES_EV_RUN, 0, 1, 0, LANES_Q_GLOBAL);
    ev(0, LANES_EV_RUN, 1, 2, 0, LANES_Q_GLOBAL);
    ev(2300, LANES_EV_STOP, 1, 2, 1, LANES_STOP_RECV);
    ev(3400, LANES_EV_PAUSE, -1, 0, 0, 0);
    ui_model_advance(&M, 3400, 0);
    ui_model_advance(&M, 3400, 0);          /* frames while paused */
    ck_assert_int_eq(ui_model_last_tick(&M), 3);
    c = ui_model_cell(&M, 0, 3);
    ck_assert_ptr_nonnull(c);
    ck_assert(c->flags & UI_CELL_RUN);
    ck_assert_uint_eq(c->routine, 1);
    ck_assert_uint_eq(c->amount, 400);
    c = ui_model_cell(&M, 1, 3);
    ck_assert_ptr_nonnull(c);
    ck_assert(!(c->flags & UI_CELL_RUN));
    ck_assert_ptr_null(ui_model_cell(&M, 0, 4));
    ck_assert_ptr_null(ui_model_cell(&M, 1, 4));
    ck_assert_uint_eq(M.lanes[0].busy_mt, 3400);

    /* s: the clock moves to 4.4 first; then lane 0 preempts routine 1 at
     * its safepoint and lane 1 takes routine 3 */
    ev(3400, LANES_EV_STEP, -1, 0, 1, 1);
    ev(4400, LANES_EV_STOP, 0, 1, LANES_Q_GLOBAL, LANES_STOP_PREEMPT);
    ev(4400, LANES_EV_RUN, 1, 3, 0, LANES_Q_GLOBAL);
    ui_model_advance(&M, 4400, 0);
    ck_assert_int_eq(ui_model_last_tick(&M), 4);
    c = ui_model_cell(&M, 0, 3);
    ck_assert_uint_eq(c->routine, 1);
    ck_assert_uint_eq(c->amount, 1000);
    c = ui_model_cell(&M, 0, 4);
    ck_assert_uint_eq(c->routine, 1);
    ck_assert(c->flags & UI_CELL_PREEMPT);
    c = ui_model_cell(&M, 1, 3);
    ck_assert(c->flags & UI_CELL_RUN);
    ck_assert_uint_eq(c->routine, 3);
    ck_assert_uint_eq(c->amount, 600);
    ck_assert_ptr_null(ui_model_cell(&M, 0, 5));
}
END_TEST

/* One short label per routine, the same in every run: first letters of the
 * base name plus the instance, as few letters as keep them unique. */
START_TEST(test_model_labels_unique_and_stable)
{
    ev(0, LANES_EV_SPAWN, -1, 1, 0, LANES_Q_GLOBAL);    /* cashier */
    ev(0, LANES_EV_SPAWN, -1, 2, 0, LANES_Q_GLOBAL);    /* cook#1  */
    ev(0, LANES_EV_SPAWN, -1, 3, 0, LANES_Q_GLOBAL);    /* cook#2  */
    ev(0, LANES_EV_SPAWN, -1, 4, 0, LANES_Q_GLOBAL);    /* attendant */
    ev(0, LANES_EV_SPAWN, -1, 9, 0, LANES_Q_GLOBAL);    /* r9 */
    ck_assert_str_eq(ui_model_routine(&M, 1)->abbr, "c");
    ck_assert_str_eq(ui_model_routine(&M, 2)->abbr, "co1");
    ck_assert_str_eq(ui_model_routine(&M, 3)->abbr, "co2");
    ck_assert_str_eq(ui_model_routine(&M, 4)->abbr, "a");
    ck_assert_str_eq(ui_model_routine(&M, 9)->abbr, "r");
}
END_TEST

/* The detail pane's wait total counts the wait in progress. */
START_TEST(test_model_wait_includes_current)
{
    ev(0, LANES_EV_SPAWN, -1, 1, 0, LANES_Q_GLOBAL);
    ev(0, LANES_EV_RUN, 0, 1, 0, LANES_Q_GLOBAL);
    ev(2000, LANES_EV_STOP, 0, 1, 1, LANES_STOP_RECV);
    ev(3000, LANES_EV_WAKE, 0, 1, 0, LANES_Q_LOCAL);
    ck_assert_uint_eq(ui_model_wait_mt(&M, ui_model_routine(&M, 1)), 1000);
    ev(3000, LANES_EV_RUN, 0, 1, 0, LANES_Q_LOCAL);
    ev(12000, LANES_EV_STOP, 0, 1, 1, LANES_STOP_RECV);
    ui_model_advance(&M, 20000, 0);
    ck_assert_uint_eq(ui_model_counts(&M, 1)->waits, 2);
    ck_assert_uint_eq(ui_model_wait_mt(&M, ui_model_routine(&M, 1)), 9000);
}
END_TEST

/* Tab visits running routines, then runnable, then waiting or asleep,
 * then finished: the first Tab selected a sleeping customer#1, not the
 * running cashier. */
START_TEST(test_model_tab_order_running_first)
{
    int id;

    for (id = 1; id <= 5; id++)
        ev(0, LANES_EV_SPAWN, -1, (uint32_t)id, 0, LANES_Q_GLOBAL);
    ev(0, LANES_EV_RUN, 0, 1, 0, LANES_Q_GLOBAL);
    ev(1000, LANES_EV_STOP, 0, 1, 0, LANES_STOP_SLEEP);     /* 1 asleep */
    ev(1000, LANES_EV_RUN, 0, 2, 0, LANES_Q_GLOBAL);
    ev(2000, LANES_EV_STOP, 0, 2, 0, LANES_STOP_EXIT);      /* 2 finished */
    ev(2000, LANES_EV_RUN, 0, 3, 0, LANES_Q_GLOBAL);
    ev(3000, LANES_EV_STOP, 0, 3, 1, LANES_STOP_RECV);      /* 3 waits */
    ev(3000, LANES_EV_RUN, 0, 5, 0, LANES_Q_GLOBAL);        /* 5 runs, 4 queued */
    ck_assert_uint_eq(ui_model_next(&M, 0, 1), 5);
    ck_assert_uint_eq(ui_model_next(&M, 5, 1), 4);
    ck_assert_uint_eq(ui_model_next(&M, 4, 1), 1);
    ck_assert_uint_eq(ui_model_next(&M, 1, 1), 3);
    ck_assert_uint_eq(ui_model_next(&M, 3, 1), 2);
    ck_assert_uint_eq(ui_model_next(&M, 2, 1), 5);
    ck_assert_uint_eq(ui_model_next(&M, 0, -1), 2);
    ck_assert_uint_eq(ui_model_next(&M, 5, -1), 2);
}
END_TEST

/* The step counter counts the steps since the pause: 6 steps, a resume,
 * a pause and 6 more read "step 6", not "step 12". */
START_TEST(test_model_steps_count_per_pause)
{
    int k;

    ev(0, LANES_EV_PAUSE, -1, 0, 0, 0);
    for (k = 1; k <= 6; k++)
        ev((uint64_t)k * 1000, LANES_EV_STEP, -1, 0, 1, k);
    ck_assert_uint_eq(M.steps, 6);
    ev(7000, LANES_EV_RESUME, -1, 0, 0, 0);
    ev(9000, LANES_EV_PAUSE, -1, 0, 0, 0);
    ck_assert_uint_eq(M.steps, 0);
    for (k = 7; k <= 12; k++)
        ev((uint64_t)k * 1000 + 3000, LANES_EV_STEP, -1, 0, 1, k);
    ck_assert_uint_eq(M.steps, 6);
}
END_TEST

/* Tab visits live routines (by id) before finished ones. */
START_TEST(test_model_tab_order_live_first)
{
    ev(0, LANES_EV_SPAWN, -1, 1, 0, LANES_Q_GLOBAL);
    ev(0, LANES_EV_SPAWN, -1, 2, 0, LANES_Q_GLOBAL);
    ev(0, LANES_EV_SPAWN, -1, 3, 0, LANES_Q_GLOBAL);
    ev(0, LANES_EV_SPAWN, -1, 4, 0, LANES_Q_GLOBAL);
    ev(0, LANES_EV_RUN, 0, 1, 0, LANES_Q_GLOBAL);
    ev(1000, LANES_EV_STOP, 0, 1, 0, LANES_STOP_EXIT);
    ev(1000, LANES_EV_RUN, 0, 3, 0, LANES_Q_GLOBAL);
    ev(2000, LANES_EV_STOP, 0, 3, 0, LANES_STOP_EXIT);
    ck_assert_uint_eq(ui_model_next(&M, 0, 1), 2);
    ck_assert_uint_eq(ui_model_next(&M, 2, 1), 4);
    ck_assert_uint_eq(ui_model_next(&M, 4, 1), 1);
    ck_assert_uint_eq(ui_model_next(&M, 1, 1), 3);
    ck_assert_uint_eq(ui_model_next(&M, 3, 1), 2);
    ck_assert_uint_eq(ui_model_next(&M, 2, -1), 3);
    ck_assert_uint_eq(ui_model_next(&M, 0, -1), 3);
    ck_assert_uint_eq(ui_model_next(&M, 1, -1), 4);
}
END_TEST

/* CPU events put the waiting mark on exactly the ticks where the thread
 * had a CPU for less than half the time its routine held the lane; time
 * no CPU event covers counts as running.  The feed's wall clock: one
 * milli-tick is 1000 ns, a tick 1 ms. */
START_TEST(test_model_cpu_waiting_ticks)
{
    static const int want[8] = { 0, 0, 1, 1, 0, 1, 0, 0 };
    int k;

    ui_model_set_tick(&M, 1000000);
    ev(0, LANES_EV_LOAD, -1, 0, LANES_LOAD_UNKNOWN, 1);
    ev(0, LANES_EV_SPAWN, 0, 1, 0, LANES_Q_LOCAL);
    ev(0, LANES_EV_RUN, 0, 1, 0, LANES_Q_LOCAL);
    ev(2000, LANES_EV_CPU, 0, 1, 2000000, 0);          /* ticks 0-1: ran */
    ev(4000, LANES_EV_CPU, 0, 1, 400000, 1600000);     /* 2-3: ran 20% */
    ev(5000, LANES_EV_CPU, 0, 1, 600000, 400000);      /* 4: ran 60% */
    ev(6500, LANES_EV_CPU, 0, 1, 0, 1500000);          /* 5 and half of 6 */
    /* so far tick 6 is half a tick, all of it waiting; the ticks after
     * the latest CPU event keep its word until the next one comes */
    ck_assert_int_eq(ui_model_cell_waiting(&M, 0, ui_model_cell(&M, 0, 6)), 1);
    ui_model_advance(&M, 7600, 0);
    ck_assert_int_eq(ui_model_cell_waiting(&M, 0, ui_model_cell(&M, 0, 7)), 1);
    ck_assert_int_eq(ui_model_cell_waiting(&M, 0, ui_model_cell(&M, 0, 4)), 0);
    /* on a core: the slice it is in counts */
    ck_assert_uint_eq(ui_model_lane_mt(&M, ui_model_routine(&M, 1)), 7600);
    /* ran: over ticks 0-5, the ones measured whole */
    ck_assert_int_eq(ui_model_ran(&M, 0, 50), 3000 * 100 / 6000);
    ev(8000, LANES_EV_STOP, 0, 1, 0, LANES_STOP_EXIT); /* 6.5-8: unsampled */
    for (k = 0; k < 8; k++)
        ck_assert_msg(ui_model_cell_waiting(&M, 0, ui_model_cell(&M, 0, (uint64_t)k)) == want[k],
                      "tick %d", k);
    ck_assert_uint_eq(ui_model_cell(&M, 0, 2)->ran, 200);
    ck_assert_uint_eq(ui_model_cell(&M, 0, 2)->wait, 800);
    /* ran: the CPU over ticks 0-6 (the newest tick is still measured) */
    ck_assert_int_eq(ui_model_ran(&M, 0, 50), 3000 * 100 / 7000);
    ck_assert_int_eq(ui_model_busy(&M, 0, 50), 100);
    /* CPU ticks from CPU ns; the lane held it 8 */
    ck_assert_uint_eq(ui_model_counts(&M, 1)->cpu_mt, 3000);
    ck_assert_uint_eq(ui_model_routine(&M, 1)->lane_mt, 8000);
    ck_assert_double_eq_tol(ui_model_parallelism(&M), 3.0 / 8.0, 1e-9);
    ck_assert_double_eq_tol(ui_model_occupancy(&M), 1.0, 1e-9);
    ck_assert_int_eq(M.st.cpu.cpus, 1);
}
END_TEST

/* A lane that is on and holds nothing while a routine waits in the
 * global queue (or its own) does not take it only when its thread has no
 * CPU: on a busy machine a 1-core run's lane sat so for 17 ms at its start
 * (its thread's run-queue wait over the wake-up measured as long).  Those
 * ticks are waiting for a CPU, not idle; before the routine came, idle. */
START_TEST(test_model_idle_with_work_queued_waits_for_cpu)
{
    int k;

    ev(0, LANES_EV_CORES, -1, 0, 1, 0);
    ev(0, LANES_EV_UNPARK, 0, 0, 0, 0);
    ev(5000, LANES_EV_SPAWN, -1, 1, 0, LANES_Q_GLOBAL);
    ev(20000, LANES_EV_RUN, 0, 1, 0, LANES_Q_GLOBAL);
    ev(22000, LANES_EV_STOP, 0, 1, 0, LANES_STOP_EXIT);
    ui_model_advance(&M, 25000, 0);
    for (k = 0; k < 25; k++) {
        const ui_cell *c = ui_model_cell(&M, 0, (uint64_t)k);
        ck_assert_ptr_nonnull(c);
        ck_assert_msg(ui_model_cell_nocpu(c) == (k >= 5 && k < 20), "tick %d: nocpu %u", k,
                      c->nocpu);
        ck_assert_int_eq(ui_model_cell_waiting(&M, 0, c), 0);
    }
}
END_TEST

/* A lane's CPU interval starts at its routine's RUN when that is later
 * than the lane's previous CPU event: idle time is not spread on. */
START_TEST(test_model_cpu_interval_starts_at_run)
{
    ev(0, LANES_EV_SPAWN, 0, 1, 0, LANES_Q_LOCAL);
    ev(0, LANES_EV_SPAWN, 0, 2, 0, LANES_Q_LOCAL);
    ev(0, LANES_EV_RUN, 0, 1, 0, LANES_Q_LOCAL);
    ev(1000, LANES_EV_CPU, 0, 1, 1000000, 0);
    ev(1000, LANES_EV_STOP, 0, 1, 0, LANES_STOP_SLEEP);
    ev(3000, LANES_EV_RUN, 0, 2, 0, LANES_Q_LOCAL);
    ev(4000, LANES_EV_CPU, 0, 2, 100000, 900000);
    ev(4000, LANES_EV_STOP, 0, 2, 0, LANES_STOP_EXIT);
    ck_assert_uint_eq(ui_model_cell(&M, 0, 1)->wait, 0);
    ck_assert_uint_eq(ui_model_cell(&M, 0, 2)->wait, 0);
    ck_assert_uint_eq(ui_model_cell(&M, 0, 3)->wait, 900);
    ck_assert_int_eq(ui_model_cell_waiting(&M, 0, ui_model_cell(&M, 0, 3)), 1);
    ck_assert_int_eq(ui_model_cell_waiting(&M, 0, ui_model_cell(&M, 0, 0)), 0);
}
END_TEST

START_TEST(test_model_two_lanes_same_column)
{
    ev(0, LANES_EV_CORES, -1, 0, 2, 1);
    ck_assert_int_eq(M.nlanes, 2);
    ck_assert_int_eq(M.lanes[1].parked, 0);
    ev(0, LANES_EV_SPAWN, 0, 2, 0, LANES_Q_LOCAL);
    ev(0, LANES_EV_SPAWN, 1, 3, 0, LANES_Q_LOCAL);
    ev(1000, LANES_EV_RUN, 0, 2, 0, LANES_Q_LOCAL);
    ev(1000, LANES_EV_RUN, 1, 3, 1, LANES_Q_LOCAL);
    ui_model_advance(&M, 3500, 0);
    ck_assert_uint_eq(ui_model_cell(&M, 0, 2)->routine, 2);
    ck_assert_uint_eq(ui_model_cell(&M, 1, 2)->routine, 3);
    ck_assert_uint_eq(ui_model_cell(&M, 0, 0)->routine, 0);
    ck_assert(ui_model_occupancy(&M) > 1.4);
}
END_TEST

START_TEST(test_model_channel_buffer_and_waiters)
{
    uint32_t ids[8];

    ev(0, LANES_EV_CHAN, -1, 0, 1, 3);
    ev(0, LANES_EV_CHAN, -1, 0, 2, 0);
    ck_assert_int_eq(ui_model_chan(&M, 1)->cap, 3);
    ck_assert_str_eq(ui_model_chan(&M, 1)->name, "orders");
    ev(0, LANES_EV_SPAWN, -1, 1, 0, LANES_Q_GLOBAL);
    ev(0, LANES_EV_SPAWN, -1, 2, 0, LANES_Q_GLOBAL);
    ev(0, LANES_EV_RUN, 0, 1, 0, LANES_Q_GLOBAL);
    ev(500, LANES_EV_SEND, 0, 1, 1, 1);
    ev(700, LANES_EV_SEND, 0, 1, 1, 2);
    ev(900, LANES_EV_SEND, 0, 1, 1, 3);
    ck_assert_int_eq(ui_model_chan(&M, 1)->nbuf, 3);
    ev(1000, LANES_EV_STOP, 0, 1, 1, LANES_STOP_SEND);
    ck_assert_int_eq(ui_model_list(&M, UI_AT_SEND, -1, 1, ids, 8), 1);
    ck_assert_uint_eq(ids[0], 1);
    ev(1000, LANES_EV_RUN, 0, 2, 0, LANES_Q_GLOBAL);
    ev(1200, LANES_EV_RECV, 0, 2, 1, 1);
    ck_assert_int_eq(ui_model_chan(&M, 1)->nbuf, 2);
    ck_assert_int_eq(ui_model_chan(&M, 1)->buf[0], 2);
    ck_assert_int_eq(ui_model_routine(&M, 2)->has_item, 1);
    ck_assert_int_eq(ui_model_routine(&M, 2)->item, 1);
    ev(1300, LANES_EV_WAKE, 0, 1, 2, LANES_Q_RUNNEXT);
    ck_assert_int_eq(ui_model_routine(&M, 1)->at, UI_AT_RUNNEXT);
    ck_assert_uint_eq(ui_model_routine(&M, 1)->wait_mt, 300);
    ck_assert_int_eq(ui_model_list(&M, UI_AT_SEND, -1, 1, ids, 8), 0);
    ev(1400, LANES_EV_STOP, 0, 2, 2, LANES_STOP_RECV);
    ck_assert_int_eq(ui_model_list(&M, UI_AT_RECV, -1, 2, ids, 8), 1);
    ev(1500, LANES_EV_CLOSE, 0, 1, 1, 0);
    ck_assert_int_eq(ui_model_chan(&M, 1)->closed, 1);
}
END_TEST

START_TEST(test_model_sleep_counts_down)
{
    ev(0, LANES_EV_SPAWN, -1, 4, 0, LANES_Q_GLOBAL);
    ev(0, LANES_EV_RUN, 0, 4, 0, LANES_Q_GLOBAL);
    ev(1000, LANES_EV_STOP, 0, 4, 3, LANES_STOP_SLEEP);
    ui_model_advance(&M, 2500, 0);
    ck_assert_int_eq(ui_model_routine(&M, 4)->at, UI_AT_SLEEP);
    ck_assert_int_eq(ui_model_sleep_left(&M, ui_model_routine(&M, 4)), 2);
    ev(4000, LANES_EV_WAKE, -1, 4, 0, LANES_Q_GLOBAL);
    ck_assert_int_eq(ui_model_routine(&M, 4)->at, UI_AT_GLOBAL);
}
END_TEST

START_TEST(test_model_park_hands_queue_to_global)
{
    const ui_cell *c;

    ev(0, LANES_EV_CORES, -1, 0, 2, 1);
    ev(0, LANES_EV_SPAWN, 1, 2, 0, LANES_Q_LOCAL);
    ev(0, LANES_EV_SPAWN, 1, 3, 0, LANES_Q_LOCAL);
    ev(0, LANES_EV_RUN, 1, 2, 0, LANES_Q_LOCAL);
    ev(2000, LANES_EV_CORES, -1, 0, 1, 2);
    ev(2000, LANES_EV_STOP, 1, 2, LANES_Q_GLOBAL, LANES_STOP_CORES);
    ev(2000, LANES_EV_PARK, 1, 0, 0, 1);
    ck_assert_int_eq(M.lanes[1].parked, 1);
    ck_assert_int_eq(M.cores, 1);
    ck_assert_int_eq(M.nlanes, 2);
    ck_assert_int_eq(ui_model_routine(&M, 2)->at, UI_AT_GLOBAL);
    ck_assert_int_eq(ui_model_routine(&M, 3)->at, UI_AT_GLOBAL);
    ui_model_advance(&M, 4000, 0);
    c = ui_model_cell(&M, 1, 3);
    ck_assert_ptr_nonnull(c);
    ck_assert(c->flags & UI_CELL_PARKED);
    ck_assert_uint_eq(ui_model_cell(&M, 1, 1)->routine, 2);
}
END_TEST

START_TEST(test_model_item_latency)
{
    ev(0, LANES_EV_SPAWN, -1, 1, 0, LANES_Q_GLOBAL);
    ev(0, LANES_EV_SPAWN, -1, 4, 0, LANES_Q_GLOBAL);
    ev(1000, LANES_EV_SEND, 0, 1, 1, 5);
    ev(1500, LANES_EV_SEND, 0, 1, 1, 6);
    /* first send to latest receive: 8 ticks each, whenever DONE comes */
    ev(9000, LANES_EV_RECV, 0, 4, 1, 5);
    ev(9500, LANES_EV_RECV, 0, 4, 1, 6);
    ev(12000, LANES_EV_DONE, 0, 4, 0, 5);
    ev(15000, LANES_EV_DONE, 0, 4, 0, 6);
    ck_assert_uint_eq(M.st.items, 2);
    ck_assert(ui_model_latency(&M) > 7.99 && ui_model_latency(&M) < 8.01);
}
END_TEST

/* A yield the interpreter made at a loop's end (a NOTE mark before it) is
 * not worded as the routine's own; the next, unmarked, yield is. */
START_TEST(test_model_loop_yield_words)
{
    ev(0, LANES_EV_SPAWN, -1, 1, 0, LANES_Q_GLOBAL);
    ev(0, LANES_EV_RUN, 0, 1, 0, LANES_Q_GLOBAL);
    ev(1000, LANES_EV_NOTE, 0, 1, SCN_MARK_LOOP_YIELD, 12);
    ev(1000, LANES_EV_STOP, 0, 1, LANES_Q_LOCAL, LANES_STOP_YIELD);
    ck_assert_ptr_null(strstr(ui_model_log(&M, 0), "yielded"));
    ck_assert_msg(strstr(ui_model_log(&M, 0), "cashier ended a loop pass that never waited") != NULL,
                  "%s", ui_model_log(&M, 0));
    ev(1000, LANES_EV_RUN, 0, 1, 0, LANES_Q_LOCAL);
    ev(2000, LANES_EV_STOP, 0, 1, LANES_Q_LOCAL, LANES_STOP_YIELD);
    ck_assert_ptr_nonnull(strstr(ui_model_log(&M, 0), "cashier yielded"));
}
END_TEST

/* A note reached: its text (through the namer), whether it pauses, who. */
START_TEST(test_model_note_folds)
{
    ck_assert_str_eq(M.lesson, "");
    ev(0, LANES_EV_SPAWN, -1, 1, 0, LANES_Q_GLOBAL);
    ev(0, LANES_EV_RUN, 0, 1, 0, LANES_Q_GLOBAL);
    ev(500, LANES_EV_NOTE, 0, 1, SCN_MARK_NOTE, 0);
    ck_assert_str_eq(M.lesson, "One cashier, one core: turns.");
    ck_assert_int_eq(M.lesson_pause, 0);
    ev(900, LANES_EV_NOTE, 0, 1, SCN_MARK_NOTE_PAUSE, 1);
    ck_assert_str_eq(M.lesson, "Now press 4.");
    ck_assert_int_eq(M.lesson_pause, 1);
    ck_assert_uint_eq(M.lesson_routine, 1);
    ck_assert_uint_eq(M.lessons, 2);
}
END_TEST

START_TEST(test_model_step_explains)
{
    ev(0, LANES_EV_SPAWN, -1, 2, 0, LANES_Q_GLOBAL);
    ev(0, LANES_EV_SPAWN, -1, 1, 0, LANES_Q_LOCAL);
    ev(0, LANES_EV_RUN, 0, 2, 0, LANES_Q_GLOBAL);
    ev(3000, LANES_EV_PAUSE, -1, 0, 0, 0);
    ev(3000, LANES_EV_STEP, -1, 0, 1, 1);
    ck_assert_int_eq(M.step_valid, 1);
    ck_assert_str_eq(M.lanes[0].step, "");
    ev(4000, LANES_EV_STOP, 0, 2, LANES_Q_GLOBAL, LANES_STOP_PREEMPT);
    ev(4000, LANES_EV_RUN, 0, 1, 0, LANES_Q_LOCAL);
    ck_assert_str_eq(M.lanes[0].step,
        "cook#1 used its slice (4 ticks of work), preempted to the global queue, took cashier "
        "from its queue");
    ck_assert_ptr_nonnull(strstr(ui_model_log(&M, 0), "took cashier"));
    ck_assert_ptr_nonnull(strstr(ui_model_log(&M, 1), "preempted"));
    ev(4000, LANES_EV_STEP, -1, 0, 1, 2);
    ck_assert_str_eq(M.lanes[0].step, "");
    ev(4000, LANES_EV_RESUME, -1, 0, 0, 0);
    ck_assert_int_eq(M.step_valid, 0);
}
END_TEST

START_TEST(test_model_steal_marks_and_counts)
{
    ev(0, LANES_EV_CORES, -1, 0, 2, 1);
    ev(0, LANES_EV_SPAWN, 0, 3, 0, LANES_Q_LOCAL);
    ev(1000, LANES_EV_STEAL, 1, 3, 0, 0);
    ck_assert_int_eq(ui_model_routine(&M, 3)->at, UI_AT_LOCAL);
    ck_assert_int_eq(ui_model_routine(&M, 3)->lane, 1);
    ev(1000, LANES_EV_RUN, 1, 3, 0, LANES_Q_STEAL);
    ck_assert_uint_eq(M.st.steals, 1);
    ck_assert_uint_eq(ui_model_counts(&M, 3)->steals, 1);
    ui_model_advance(&M, 2000, 0);
    ck_assert(ui_model_cell(&M, 1, 1)->flags & UI_CELL_STEAL);
    /* a RUN that says "stolen" without a STEAL event counts once too */
    ev(2000, LANES_EV_SPAWN, 0, 2, 0, LANES_Q_LOCAL);
    ev(2000, LANES_EV_STOP, 1, 3, LANES_Q_LOCAL, LANES_STOP_YIELD);
    ev(2000, LANES_EV_RUN, 1, 2, 0, LANES_Q_STEAL);
    ck_assert_uint_eq(M.st.steals, 2);
    ck_assert_uint_eq(ui_model_counts(&M, 2)->steals, 1);
    ck_assert_uint_eq(ui_model_routine(&M, 2)->lanes_mask, 2);
}
END_TEST

START_TEST(test_model_runnext_holds_one)
{
    uint32_t ids[4];

    ev(0, LANES_EV_SPAWN, 0, 1, 0, LANES_Q_RUNNEXT);
    ev(0, LANES_EV_SPAWN, 0, 2, 0, LANES_Q_RUNNEXT);
    /* the old occupant leaves by its MOVE, not by inference */
    ck_assert_int_eq(ui_model_routine(&M, 1)->at, UI_AT_RUNNEXT);
    ev(0, LANES_EV_MOVE, 0, 1, LANES_Q_RUNNEXT, LANES_Q_LOCAL);
    ck_assert_int_eq(ui_model_routine(&M, 1)->at, UI_AT_LOCAL);
    ck_assert_int_eq(ui_model_routine(&M, 2)->at, UI_AT_RUNNEXT);
    ev(0, LANES_EV_SPAWN, 0, 3, 0, LANES_Q_LOCAL);
    ck_assert_int_eq(ui_model_list(&M, UI_AT_LOCAL, 0, 0, ids, 4), 2);
    ck_assert_uint_eq(ids[0], 1);
    ck_assert_uint_eq(ids[1], 3);
}
END_TEST

START_TEST(test_model_letters_and_names)
{
    ev(0, LANES_EV_SPAWN, -1, 1, 0, LANES_Q_GLOBAL);
    ev(0, LANES_EV_SPAWN, -1, 2, 0, LANES_Q_GLOBAL);
    ev(0, LANES_EV_SPAWN, -1, 3, 0, LANES_Q_GLOBAL);
    ev(0, LANES_EV_SPAWN, -1, 4, 0, LANES_Q_GLOBAL);
    ev(0, LANES_EV_SPAWN, -1, 9, 0, LANES_Q_GLOBAL);
    ck_assert_int_eq(ui_model_routine(&M, 1)->letter, 'c');
    ck_assert_int_eq(ui_model_routine(&M, 2)->letter, 'C');
    ck_assert_int_eq(ui_model_routine(&M, 3)->letter, '2');
    ck_assert_int_eq(ui_model_routine(&M, 4)->letter, 'a');
    ck_assert_str_eq(ui_model_routine(&M, 9)->name, "r9");
    ck_assert_int_eq(ui_model_routine(&M, 9)->colour, 4);
    ck_assert_ptr_null(ui_model_routine(&M, 7));
}
END_TEST

START_TEST(test_model_exit_and_reset)
{
    char buf[64];

    ev(0, LANES_EV_SPAWN, -1, 1, 0, LANES_Q_GLOBAL);
    ev(0, LANES_EV_RUN, 0, 1, 0, LANES_Q_GLOBAL);
    ev(2500, LANES_EV_STOP, 0, 1, 0, LANES_STOP_EXIT);
    ck_assert_int_eq(ui_model_routine(&M, 1)->at, UI_AT_DONE);
    ui_model_place(&M, ui_model_routine(&M, 1), buf, sizeof buf);
    ck_assert_str_eq(buf, "done");
    ck_assert_uint_eq(ui_model_routine(&M, 1)->moved_wall, 100);
    ui_model_reset(&M, 3, 2);
    ck_assert_ptr_null(ui_model_routine(&M, 1));
    ck_assert_int_eq(M.nlanes, 3);
    ck_assert_int_eq(M.quantum, 2);
    ck_assert_int_eq(ui_model_last_tick(&M), -1);
    ev(0, LANES_EV_SPAWN, -1, 1, 0, LANES_Q_GLOBAL);
    ck_assert_str_eq(ui_model_routine(&M, 1)->name, "cashier");
}
END_TEST

START_TEST(test_model_long_gap_keeps_ring_sane)
{
    ev(0, LANES_EV_SPAWN, -1, 1, 0, LANES_Q_GLOBAL);
    ev(0, LANES_EV_RUN, 0, 1, 0, LANES_Q_GLOBAL);
    ui_model_advance(&M, (uint64_t)UI_TL_LEN * 3000 + 500, 0);
    ck_assert_ptr_null(ui_model_cell(&M, 0, 5));
    ck_assert_uint_eq(ui_model_cell(&M, 0, (uint64_t)UI_TL_LEN * 3)->routine, 1);
    ck_assert_int_eq(ui_model_busy(&M, 0, 50), 100);
}
END_TEST

START_TEST(test_model_many_routines_stay_cheap)
{
    uint32_t id, ids[4];
    uint64_t t = 0;

    /* sixty thousand short-lived routines through one run-next slot: the
     * fold must stay linear (Check's timeout guards it) */
    for (id = 1; id <= 60000; id++, t += 10) {
        ev(t, LANES_EV_SPAWN, 0, id, 0, LANES_Q_RUNNEXT);
        ev(t, LANES_EV_RUN, 0, id, 0, LANES_Q_RUNNEXT);
        ev(t + 5, LANES_EV_STOP, 0, id, 0, LANES_STOP_EXIT);
    }
    ck_assert_uint_eq(M.st.switches, 60000);
    ck_assert_int_eq(ui_model_list(&M, UI_AT_DONE, -1, 0, ids, 4), 60000);
    ck_assert_int_eq(ui_model_list(&M, UI_AT_RUNNEXT, -1, 0, ids, 4), 0);
    /* past the limit, routines are left out rather than grow without end */
    ev(t, LANES_EV_SPAWN, 0, 1u << 20, 0, LANES_Q_GLOBAL);
    ck_assert_ptr_null(ui_model_routine(&M, 1u << 20));
}
END_TEST

static Suite *model_suite(void)
{
    Suite *s = suite_create("model");
    TCase *tc = tcase_create("fold");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_model_run_fills_timeline);
    tcase_add_test(tc, test_model_step_advances_one_column);
    tcase_add_test(tc, test_model_step_switch_leaves_no_gap);
    tcase_add_test(tc, test_model_labels_unique_and_stable);
    tcase_add_test(tc, test_model_wait_includes_current);
    tcase_add_test(tc, test_model_tab_order_live_first);
    tcase_add_test(tc, test_model_tab_order_running_first);
    tcase_add_test(tc, test_model_steps_count_per_pause);
    tcase_add_test(tc, test_model_two_lanes_same_column);
    tcase_add_test(tc, test_model_cpu_waiting_ticks);
    tcase_add_test(tc, test_model_cpu_interval_starts_at_run);
    tcase_add_test(tc, test_model_idle_with_work_queued_waits_for_cpu);
    tcase_add_test(tc, test_model_channel_buffer_and_waiters);
    tcase_add_test(tc, test_model_sleep_counts_down);
    tcase_add_test(tc, test_model_park_hands_queue_to_global);
    tcase_add_test(tc, test_model_item_latency);
    tcase_add_test(tc, test_model_step_explains);
    tcase_add_test(tc, test_model_loop_yield_words);
    tcase_add_test(tc, test_model_note_folds);
    tcase_add_test(tc, test_model_steal_marks_and_counts);
    tcase_add_test(tc, test_model_runnext_holds_one);
    tcase_add_test(tc, test_model_letters_and_names);
    tcase_add_test(tc, test_model_exit_and_reset);
    tcase_add_test(tc, test_model_long_gap_keeps_ring_sane);
    tcase_add_test(tc, test_model_many_routines_stay_cheap);
    tcase_add_test(tc, test_model_pause_paints_to_paused_time);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(model_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
