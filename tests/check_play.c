/*
 * check_play.c - the pump's sources (src/play): a recording played through
 * the pump gives its folds the recorded events in order, with the
 * recorded names, messages and end; it refuses control that would change
 * the run; paced, it holds events while paused, steps and stops at a
 * pause-at; a cut recording is the source's error.  And a live source
 * through the same pump names its routines for the folds.
 */
#include "config.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "play/play.h"
#include "rec/rec.h"

static const char source[] = "scenario \"A test\"\nroutine a\n  work 1\nend\n";

#define NEV 40000                /* more than two PLAY_CHUNKs */

static char path[64];

/* What a fold saw: every event, and the name each SPAWN's routine had
 * when it was fed. */
typedef struct seen {
    lanes_event *ev;
    size_t n;
    char names[8][32];
    int nnames;
} seen;

static int see(void *ctx, const lanes_event *ev, size_t n, const play_names *names)
{
    seen *s = ctx;
    size_t i;

    s->ev = realloc(s->ev, (s->n + n) * sizeof *ev);
    ck_assert_ptr_nonnull(s->ev);
    memcpy(s->ev + s->n, ev, n * sizeof *ev);
    for (i = 0; i < n; i++)
        if (ev[i].kind == LANES_EV_SPAWN && s->nnames < 8 && names->routine != NULL)
            names->routine(names->ctx, ev[i].routine, s->names[s->nnames++], 32);
    s->n += n;
    return 0;
}

static play_fold fold_of(seen *s)
{
    play_fold f;

    memset(&f, 0, sizeof f);
    f.feed = see;
    f.ctx = s;
    f.lossless = 1;
    return f;
}

static lanes_event event(size_t i)
{
    lanes_event e;

    memset(&e, 0, sizeof e);
    e.t_ns = 1000 + i * 1000;         /* 1 us apart */
    e.t_rt = i * 10;                  /* 100 events a tick */
    e.lane = (uint16_t)(i % 2);
    e.kind = LANES_EV_RUN;
    e.routine = 1 + (uint32_t)(i % 2);
    if (i < 2) {
        e.kind = LANES_EV_SPAWN;
        e.lane = LANES_NO_LANE;
    }
    if (i == 100) {
        e.kind = LANES_EV_CORES;
        e.obj = 3;
        e.arg = 2;
        e.lane = LANES_NO_LANE;
    }
    return e;
}

/* Writes the recording: two named routines, NEV events, a message after
 * the first 500, an end that says "deadlock", exit 3.  Cut: without its
 * end (the file stops after the events). */
static void write_recording(int cut)
{
    rec_header h;
    rec_end end;
    rec_writer *w;
    lanes_event e;
    char err[256];
    size_t i;

    memset(&h, 0, sizeof h);
    h.lanes = "9.9";
    h.scenario = "t";
    h.title = "A test";
    h.file = "t.lanes";
    h.source = source;
    h.source_len = sizeof source - 1;
    h.cores = 2;
    h.quantum = 4;
    h.tick_ns = 1000000;
    h.seed = 7;
    h.seed_set = 1;
    h.cpus = 4;
    snprintf(path, sizeof path, "/tmp/check_play.%ld.rec", (long)getpid());
    w = rec_open_write(path, &h, err, sizeof err);
    ck_assert_msg(w != NULL, "%s", err);
    ck_assert_int_eq(rec_write_name(w, REC_ROUTINE, 1, "alice"), 0);
    ck_assert_int_eq(rec_write_name(w, REC_ROUTINE, 2, "bob"), 0);
    for (i = 0; i < NEV; i++) {
        e = event(i);
        ck_assert_int_eq(rec_write_events(w, &e, 1), 0);
        if (i == 499)
            ck_assert_int_eq(rec_write_message(w, "a report"), 0);
    }
    memset(&end, 0, sizeof end);
    end.status = "deadlock";
    end.exit_status = 3;
    end.wall_ns = 123456;
    end.end_mt = NEV * 10;
    end.message = "the end\n";
    end.report_json = ",\"x\":1";
    if (cut) {
        ck_assert_int_eq(rec_flush(w), 0);
        /* leave the end out: close a copy of what is there */
        ck_assert_int_eq(rec_close(w, &end, err, sizeof err), 0);
        ck_assert_int_eq(truncate(path, 4 * NEV), 0);   /* among the events */
        return;
    }
    ck_assert_int_eq(rec_close(w, &end, err, sizeof err), 0);
}

static play *open_play(double speed)
{
    play_source src;
    char err[256];

    ck_assert_msg(play_source_recording(path, speed, &src, err, sizeof err) == 0, "%s", err);
    return play_new_source(&src);
}

static void start(play *p, int paused)
{
    scn_settings set;
    char err[256] = "";

    memset(&set, 0, sizeof set);
    ck_assert_msg(play_start(p, &set, paused, err, sizeof err) == 0, "%s", err);
}

START_TEST(recording_through_the_pump)
{
    seen s;
    play_fold f;
    play_about a;
    play_outcome o;
    play *p;
    char *m;
    size_t i;
    int messages = 0, st = PLAY_RUNNING;

    memset(&s, 0, sizeof s);
    write_recording(0);
    p = open_play(0);
    ck_assert_ptr_nonnull(p);
    f = fold_of(&s);
    ck_assert_int_eq(play_add(p, &f), 0);
    play_about_run(p, &a);              /* known before the start */
    ck_assert_str_eq(a.kind, "recording");
    ck_assert_str_eq(a.scenario, "t");
    ck_assert_str_eq(a.title, "A test");
    ck_assert_ptr_nonnull(a.prog);
    ck_assert_int_eq(a.cores, 2);
    ck_assert_int_eq(a.cpus, 4);
    ck_assert_uint_eq(a.seed, 7);
    start(p, 0);
    ck_assert_int_eq(play_cores(p), 2);
    while (st == PLAY_RUNNING) {
        play_pump(p, PLAY_CHUNK);
        ck_assert_ptr_null(play_error(p));
        while ((m = play_take_message(p)) != NULL) {
            ck_assert_str_eq(m, "a report");
            ck_assert_uint_ge(s.n, 500);  /* after the events before it */
            free(m);
            messages++;
        }
        st = play_wait(p, 1000);
    }
    ck_assert_int_eq(st, PLAY_DEADLOCK);
    ck_assert_int_eq(messages, 1);
    ck_assert_uint_eq(s.n, NEV);
    for (i = 0; i < NEV; i++) {
        lanes_event e = event(i);
        ck_assert_msg(memcmp(&e, &s.ev[i], sizeof e) == 0, "event %zu differs", i);
    }
    ck_assert_int_eq(s.nnames, 2);
    ck_assert_str_eq(s.names[0], "alice");
    ck_assert_str_eq(s.names[1], "bob");
    ck_assert_int_eq(play_cores(p), 3);  /* the CORES event given */
    ck_assert_uint_eq(play_now(p), NEV * 10);
    play_outcome_of(p, &o);
    ck_assert_str_eq(o.how, "deadlock");
    ck_assert_int_eq(o.exit_status, 3);
    ck_assert_str_eq(o.message, "the end\n");
    ck_assert_str_eq(o.report_json, ",\"x\":1");
    ck_assert_uint_eq(o.wall_ns, 123456);
    ck_assert_ptr_null(play_run(p));
    ck_assert_ptr_null(play_rt(p));
    ck_assert_int_eq(play_finish(p, NULL, 0), 0);
    play_free(p);
    free(s.ev);
    unlink(path);
}
END_TEST

START_TEST(recording_refuses_changes)
{
    play *p;

    write_recording(0);
    p = open_play(0);
    start(p, 1);
    ck_assert_int_eq(play_set_cores(p, 4), PLAY_REFUSED);
    ck_assert_int_eq(play_set_quantum(p, 0), PLAY_REFUSED);
    ck_assert_int_eq(play_set_tick(p, 5000), PLAY_REFUSED);
    ck_assert_int_eq(play_cores(p), 2);
    ck_assert_int_eq(play_pause(p), 0);
    ck_assert_int_eq(play_paused(p), 1);
    ck_assert_int_eq(play_resume(p), 0);
    ck_assert_int_eq(play_paused(p), 0);
    ck_assert_int_eq(play_step(p, 1), -EINVAL);   /* not paused */
    ck_assert_int_eq(play_set_speed(p, 2.0), PLAY_REFUSED);   /* unpaced */
    play_free(p);
    unlink(path);
}
END_TEST

/* Paused, nothing comes; a step of one tick lets one tick through;
 * pause-at stops at its time and pauses. */
START_TEST(recording_paced)
{
    seen s;
    play_fold f;
    play *p;
    int i;

    memset(&s, 0, sizeof s);
    write_recording(0);
    p = open_play(1.0);
    f = fold_of(&s);
    play_add(p, &f);
    start(p, 1);
    for (i = 0; i < 3; i++) {
        play_pump(p, PLAY_CHUNK);
        ck_assert_int_eq(play_wait(p, 1000), PLAY_RUNNING);
    }
    ck_assert_uint_eq(s.n, 0);
    ck_assert_int_eq(play_step(p, 1), 0);       /* ticks 0..1: events 0..100 */
    play_pump(p, PLAY_CHUNK);
    ck_assert_uint_eq(s.n, 101);
    play_pump(p, PLAY_CHUNK);
    ck_assert_uint_eq(s.n, 101);                /* the step is over */
    ck_assert_int_eq(play_pause_at(p, 3000), 0);
    ck_assert_int_eq(play_set_speed(p, 0.0), -EINVAL);
    ck_assert_int_eq(play_set_speed(p, 4.0), 0);
    ck_assert_int_eq(play_resume(p), 0);
    /* events are 1 us apart: at 1x the rest of tick 3 comes within ms */
    for (i = 0; i < 2000 && !play_paused(p); i++) {
        play_pump(p, PLAY_CHUNK);
        play_wait(p, 1000000);
    }
    ck_assert_int_eq(play_paused(p), 1);
    ck_assert_uint_eq(s.n, 301);                /* up to t_rt 3000, not past it */
    ck_assert_uint_eq(play_now(p), 3000);
    play_free(p);
    free(s.ev);
    unlink(path);
}
END_TEST

/* A deadlock is the recorded run's end: what the recording holds after
 * it (the runtime's last LOAD reading, here stamped far later) comes
 * with it, and the end is known as soon as the deadlock is given - the
 * screen shows the deadlock only when the exit status is known. */
START_TEST(recording_ends_with_its_deadlock)
{
    rec_header h;
    rec_end end;
    rec_writer *w;
    lanes_event e[3];
    char err[256];
    seen s;
    play_fold f;
    play *p;
    int i, dl = 0;

    memset(&h, 0, sizeof h);
    h.lanes = "9.9";
    h.scenario = "t";
    h.file = "t.lanes";
    h.source = source;
    h.source_len = sizeof source - 1;
    h.cores = 1;
    h.tick_ns = 1000000;
    snprintf(path, sizeof path, "/tmp/check_play.%ld.rec", (long)getpid());
    w = rec_open_write(path, &h, err, sizeof err);
    ck_assert_msg(w != NULL, "%s", err);
    memset(e, 0, sizeof e);
    e[0] = (lanes_event){ .t_ns = 1000, .t_rt = 0, .routine = 1, .kind = LANES_EV_SPAWN,
                          .lane = LANES_NO_LANE };
    e[1] = (lanes_event){ .t_ns = 2000, .t_rt = 1000, .arg = 1, .kind = LANES_EV_DEADLOCK,
                          .lane = LANES_NO_LANE };
    e[2] = (lanes_event){ .t_ns = 3000, .t_rt = 60000000, .obj = 0, .arg = 1,
                          .kind = LANES_EV_LOAD, .lane = LANES_NO_LANE };  /* 1 min on */
    ck_assert_int_eq(rec_write_events(w, e, 2), 0);
    ck_assert_int_eq(rec_write_message(w, "lanes: deadlock\n"), 0);
    ck_assert_int_eq(rec_write_events(w, &e[2], 1), 0);
    memset(&end, 0, sizeof end);
    end.status = "deadlock";
    end.exit_status = 3;
    end.end_mt = 1000;
    end.message = "lanes: deadlock\n";
    end.report_json = "";
    ck_assert_int_eq(rec_close(w, &end, err, sizeof err), 0);

    memset(&s, 0, sizeof s);
    p = open_play(1.0);
    f = fold_of(&s);
    play_add(p, &f);
    start(p, 0);
    for (i = 0; i < 2000 && !dl; i++) {
        play_pump(p, PLAY_CHUNK);
        for (size_t k = 0; k < s.n; k++)
            dl |= s.ev[k].kind == LANES_EV_DEADLOCK;
        if (!dl)
            ck_assert_int_eq(play_wait(p, 1000000), PLAY_RUNNING);
    }
    ck_assert_msg(dl, "no deadlock given");
    ck_assert_int_eq(play_wait(p, 0), PLAY_DEADLOCK);
    ck_assert_uint_eq(s.n, 3);
    ck_assert_int_eq(s.ev[2].kind, LANES_EV_LOAD);
    play_free(p);
    free(s.ev);
    unlink(path);
}
END_TEST

START_TEST(recording_cut)
{
    seen s;
    play_fold f;
    play *p;
    int i;

    memset(&s, 0, sizeof s);
    write_recording(1);
    p = open_play(0);
    ck_assert_ptr_nonnull(p);
    f = fold_of(&s);
    play_add(p, &f);
    start(p, 0);
    for (i = 0; i < 10 && play_error(p) == NULL; i++)
        play_pump(p, PLAY_CHUNK);
    ck_assert_ptr_nonnull(play_error(p));
    ck_assert_int_eq(play_error_from(p), PLAY_FROM_SOURCE);
    ck_assert_msg(strstr(play_error(p), "truncated") != NULL, "%s", play_error(p));
    ck_assert_uint_eq(play_pump(p, PLAY_CHUNK), 0);   /* nothing after */
    play_free(p);
    free(s.ev);
    unlink(path);
}
END_TEST

START_TEST(recording_missing)
{
    play_source src;
    char err[256];

    ck_assert_int_eq(play_source_recording("/nonexistent/x.rec", 0, &src, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "/nonexistent/x.rec") != NULL, "%s", err);
}
END_TEST

/* The live source: the same pump, names from the runtime. */
static const char live_text[] = "routine cook x2\n  work 1\nend\n";

START_TEST(live_names)
{
    scn_result res = scn_parse("t.lanes", live_text, sizeof live_text - 1);
    scn_settings set;
    seen s;
    play_fold f;
    play_about a;
    play *p;
    char err[256];
    int st = PLAY_RUNNING;

    ck_assert_msg(res.prog != NULL, "%s", res.messages ? res.messages : "");
    memset(&s, 0, sizeof s);
    memset(&set, 0, sizeof set);
    set.tick_ns = 20000;
    p = play_new(res.prog);
    f = fold_of(&s);
    play_add(p, &f);
    ck_assert_msg(play_start(p, &set, 0, err, sizeof err) == 0, "%s", err);
    play_about_run(p, &a);
    ck_assert_str_eq(a.kind, "live");
    ck_assert_ptr_nonnull(play_rt(p));
    while (st == PLAY_RUNNING) {
        play_pump(p, PLAY_CHUNK);
        st = play_wait(p, 1000000);
    }
    ck_assert_int_eq(st, PLAY_DONE);
    ck_assert_int_eq(play_finish(p, NULL, 0), 0);
    ck_assert_int_eq(s.nnames, 2);
    ck_assert_str_eq(s.names[0], "cook#1");
    ck_assert_str_eq(s.names[1], "cook#2");
    play_free(p);
    free(s.ev);
    scn_result_free(&res);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("play");
    TCase *tc = tcase_create("sources");
    SRunner *sr;
    int failed;

    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, recording_through_the_pump);
    tcase_add_test(tc, recording_refuses_changes);
    tcase_add_test(tc, recording_paced);
    tcase_add_test(tc, recording_ends_with_its_deadlock);
    tcase_add_test(tc, recording_cut);
    tcase_add_test(tc, recording_missing);
    tcase_add_test(tc, live_names);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
