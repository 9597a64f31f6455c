/*
 * check_interp.c - scenarios run on the real runtime: items keep their
 * numbers end to end, the same seed gives the same amounts, faults stop
 * the run with the routine and file:line, whole and partial deadlocks are
 * found and explained, and every built-in scenario runs to its end.
 * Runs use a tick of tens of microseconds so that each takes milliseconds;
 * nothing asserts on wall-clock time.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scn/scn.h"
#include "scn/scn_int.h"     /* scn_start_hook */

#define FAST_TICK 20000ull          /* 20 us */
#define MAX_ITEMS 256

/* What a run's trace said, folded. */
typedef struct folded {
    int status;
    long sends, recvs, closes, dones;
    int sent[MAX_ITEMS];            /* SEND events per item number  */
    int recvd[MAX_ITEMS];
    int done[MAX_ITEMS];
    int bad_items;                  /* item numbers out of range    */
    int sleeps[64];                 /* SLEEP stop ticks, in order   */
    int nsleeps;
    char names[64][LANES_NAME_MAX]; /* routines, in spawn order     */
    int nnames;
    char reports[8][1024];
    int nreports;
    int allreports;                 /* reports in all, kept or not  */
    int report_while_running;       /* a report came before the end */
    char end[16384];
    int notes[4];                   /* NOTE events of note 0..3      */
    int pausing_notes;              /* of them marked to pause       */
    int pauses;                     /* PAUSE events                  */
    int loop_marks;                 /* SCN_MARK_LOOP_YIELD marks     */
    int marked_yields, plain_yields;/* STOP yield after a mark, or not */
    uint32_t marked;                /* routine whose stop a mark announced */
} folded;

static void fold(lanes_rt *rt, folded *f, const char *sleeper)
{
    lanes_event ev[1024];
    size_t n, i;

    while ((n = lanes_trace_read(rt, ev, 1024)) > 0)
        for (i = 0; i < n; i++) {
            const lanes_event *e = &ev[i];
            int item = e->arg;
            char name[LANES_NAME_MAX];

            switch (e->kind) {
            case LANES_EV_SEND:
            case LANES_EV_RECV:
            case LANES_EV_DONE:
                if (item <= 0 || item >= MAX_ITEMS) {
                    f->bad_items++;
                    break;
                }
                if (e->kind == LANES_EV_SEND) {
                    f->sends++;
                    f->sent[item]++;
                } else if (e->kind == LANES_EV_RECV) {
                    f->recvs++;
                    f->recvd[item]++;
                } else {
                    f->dones++;
                    f->done[item]++;
                }
                break;
            case LANES_EV_CLOSE:
                f->closes++;
                break;
            case LANES_EV_NOTE:
                if (e->obj == SCN_MARK_LOOP_YIELD) {
                    f->loop_marks++;
                    f->marked = e->routine;
                } else if (e->arg >= 0 && e->arg < 4) {
                    f->notes[e->arg]++;
                    f->pausing_notes += e->obj == SCN_MARK_NOTE_PAUSE;
                }
                break;
            case LANES_EV_PAUSE:
                f->pauses++;
                break;
            case LANES_EV_SPAWN:
                if (f->nnames < 64)
                    lanes_routine_name(rt, e->routine, f->names[f->nnames++], LANES_NAME_MAX);
                break;
            case LANES_EV_STOP:
                if (e->arg == LANES_STOP_YIELD && f->marked == e->routine)
                    f->marked_yields++;
                else if (e->arg == LANES_STOP_YIELD)
                    f->plain_yields++;
                if (f->marked == e->routine)
                    f->marked = 0;
                if (e->arg != LANES_STOP_SLEEP || f->nsleeps >= 64 || sleeper == NULL)
                    break;
                lanes_routine_name(rt, e->routine, name, sizeof name);
                if (strcmp(name, sleeper) == 0)
                    f->sleeps[f->nsleeps++] = (int)e->obj;
                break;
            default:
                break;
            }
        }
}

/* Runs `p` to its end with the given cores and seed (seed 0: the file's). */
static void run_prog(const scn_program *p, int cores, uint64_t tick, uint64_t seed,
                     const char *sleeper, folded *f)
{
    scn_settings s;
    scn_run *run;
    char err[256], *buf;

    memset(f, 0, sizeof *f);
    memset(&s, 0, sizeof s);
    s.cores = cores;
    s.quantum = -1;
    s.tick_ns = tick;
    s.seed_set = seed != 0;
    s.seed = seed;
    run = scn_start(p, &s, err, sizeof err);
    ck_assert_msg(run != NULL, "%s", err);
    for (;;) {
        int st = scn_wait(run, 5000000ull);
        fold(scn_rt(run), f, sleeper);
        while ((buf = scn_take_report(run)) != NULL) {
            if (st == SCN_TIMEOUT)
                f->report_while_running = 1;
            if (f->nreports < 8)
                snprintf(f->reports[f->nreports++], sizeof f->reports[0], "%s", buf);
            f->allreports++;
            free(buf);
        }
        if (st != SCN_TIMEOUT) {
            f->status = st;
            break;
        }
    }
    fold(scn_rt(run), f, sleeper);
    snprintf(f->end, sizeof f->end, "%s", scn_end_message(run));
    ck_assert_int_eq(scn_wait(run, 0), f->status);     /* the end is kept */
    scn_stop(run);
}

static scn_program *parse(scn_result *r, const char *name, const char *src)
{
    *r = scn_parse(name, src, strlen(src));
    ck_assert_msg(r->prog != NULL, "%s", r->messages ? r->messages : "");
    return r->prog;
}

static folded F;

/* Every order keeps its number from customer to attendant. */
START_TEST(test_interp_items_keep_numbers)
{
    scn_result r = scn_load("restaurant");
    int i;

    run_prog(r.prog, 1 + _i * 3, FAST_TICK, 0, NULL, &F);
    ck_assert_int_eq(F.status, SCN_DONE);
    ck_assert_int_eq(F.bad_items, 0);
    ck_assert_int_eq(F.sends, 600);
    ck_assert_int_eq(F.recvs, 600);
    ck_assert_int_eq(F.dones, 200);
    for (i = 1; i <= 200; i++) {
        ck_assert_msg(F.sent[i] == 3 && F.recvd[i] == 3 && F.done[i] == 1,
                      "item %d: sent %d recvd %d done %d", i, F.sent[i], F.recvd[i], F.done[i]);
    }
    ck_assert_int_eq(F.sent[201], 0);
    ck_assert_msg(F.nreports == 0, "false report: %s", F.reports[0]);
    ck_assert_str_eq(F.end, "");
    scn_result_free(&r);
}
END_TEST

/* Notes record NOTE events (their index; whether they pause); a pausing
 * note pauses the runtime when the run lets it, and only then; a loop pass
 * that never waited is marked before its yield, a `yield` step is not. */
static const char notes_src[] =
    "chan c 3\n"
    "routine a\n"
    "  note \"first\"\n"
    "  note \"second\" pause\n"
    "  repeat 3\n"
    "    send c\n"
    "  end\n"
    "  yield\n"
    "  close c\n"
    "end\n"
    "routine b\n"
    "  sleep 5\n"
    "  range c\n"
    "    work 1\n"
    "  end\n"
    "end\n";

START_TEST(test_interp_notes)
{
    scn_result r;
    scn_program *p = parse(&r, "notes.lanes", notes_src);
    scn_settings s;
    scn_run *run;
    char err[256];
    int st, waited = 0;

    ck_assert_int_eq(scn_note_count(p), 2);
    ck_assert_str_eq(scn_note_text(p, 1), "second");
    ck_assert_ptr_null(scn_note_text(p, 2));

    /* headless: the note does not pause */
    run_prog(p, 1, FAST_TICK, 0, NULL, &F);
    ck_assert_int_eq(F.status, SCN_DONE);
    ck_assert_int_eq(F.notes[0], 1);
    ck_assert_int_eq(F.notes[1], 1);
    ck_assert_int_eq(F.pausing_notes, 1);
    ck_assert_int_eq(F.pauses, 0);
    ck_assert_int_eq(F.loop_marks, 2);
    ck_assert_int_eq(F.marked_yields, 2);
    ck_assert_int_eq(F.plain_yields, 1);

    /* on a screen: it pauses the runtime, which waits for a resume */
    memset(&F, 0, sizeof F);
    memset(&s, 0, sizeof s);
    s.cores = 1;
    s.quantum = -1;
    s.tick_ns = FAST_TICK;
    s.note_pauses = 1;
    run = scn_start(p, &s, err, sizeof err);
    ck_assert_msg(run != NULL, "%s", err);
    while (!lanes_paused(scn_rt(run))) {
        st = scn_wait(run, 5000000ull);
        ck_assert_int_eq(st, SCN_TIMEOUT);      /* it cannot end before the pause */
    }
    while (scn_wait(run, 20000000ull) == SCN_TIMEOUT && waited < 3)
        waited++;                               /* paused: it stays so */
    ck_assert_int_eq(waited, 3);
    ck_assert(lanes_paused(scn_rt(run)));
    lanes_resume(scn_rt(run));
    ck_assert_int_eq(scn_wait(run, 0), SCN_DONE);
    fold(scn_rt(run), &F, NULL);
    ck_assert_int_eq(F.pauses, 1);
    ck_assert_int_eq(F.notes[1], 1);
    scn_stop(run);
    scn_result_free(&r);
}
END_TEST

/* One ball: pingpong passes item 1 forty times and is done with it once. */
START_TEST(test_interp_one_ball)
{
    scn_result r = scn_load("pingpong");

    run_prog(r.prog, 2, FAST_TICK, 0, NULL, &F);
    ck_assert_int_eq(F.status, SCN_DONE);
    ck_assert_int_eq(F.sent[1], 40);
    ck_assert_int_eq(F.recvd[1], 40);
    ck_assert_int_eq(F.done[1], 1);
    ck_assert_int_eq(F.sends, 40);
    scn_result_free(&r);
}
END_TEST

static const char sleepy[] =
    "chan c 0\n"
    "routine napper x2\n"
    "  repeat 8\n"
    "    sleep 1..40\n"
    "  end\n"
    "end\n";

/* The same seed gives the same amounts; another seed other amounts. */
START_TEST(test_interp_seeds_repeat)
{
    scn_result r;
    scn_program *p = parse(&r, "sleepy.lanes", sleepy);
    int a[8], b[8], c[8], i, differ = 0;

    run_prog(p, 1, FAST_TICK, 11, "napper#2", &F);
    ck_assert_int_eq(F.nsleeps, 8);
    memcpy(a, F.sleeps, sizeof a);
    run_prog(p, 3, FAST_TICK, 11, "napper#2", &F);
    ck_assert_int_eq(F.nsleeps, 8);
    memcpy(b, F.sleeps, sizeof b);
    run_prog(p, 1, FAST_TICK, 12, "napper#2", &F);
    ck_assert_int_eq(F.nsleeps, 8);
    memcpy(c, F.sleeps, sizeof c);
    for (i = 0; i < 8; i++) {
        ck_assert_int_eq(a[i], b[i]);
        ck_assert_int_ge(a[i], 1);
        ck_assert_int_le(a[i], 40);
        differ += a[i] != c[i];
    }
    ck_assert_int_gt(differ, 0);
    /* and the two instances do not share their amounts */
    run_prog(p, 1, FAST_TICK, 11, "napper#1", &F);
    ck_assert_int_eq(F.nsleeps, 8);
    ck_assert(memcmp(a, F.sleeps, sizeof a) != 0);
    scn_result_free(&r);
}
END_TEST

START_TEST(test_interp_fault_send_on_closed)
{
    static const char src[] =
        "chan c 1\n"
        "routine closer\n"
        "  close c\n"
        "end\n"
        "routine late\n"
        "  sleep 3\n"
        "  send c\n"
        "end\n";
    scn_result r;

    run_prog(parse(&r, "f.lanes", src), 1, FAST_TICK, 0, NULL, &F);
    ck_assert_int_eq(F.status, SCN_FAULT);
    ck_assert_str_eq(F.end, "lanes: late: send on closed channel 'c' (f.lanes:7)\n");
    scn_result_free(&r);
}
END_TEST

START_TEST(test_interp_fault_close_of_closed)
{
    static const char src[] =
        "chan meals 0\n"
        "routine cook x2\n"
        "  work 1\n"
        "  close meals\n"
        "end\n";
    scn_result r;

    run_prog(parse(&r, "f.lanes", src), 1, FAST_TICK, 0, NULL, &F);
    ck_assert_int_eq(F.status, SCN_FAULT);
    ck_assert_msg(strcmp(F.end, "lanes: cook#1: close of closed channel 'meals' (f.lanes:4)\n") == 0 ||
                  strcmp(F.end, "lanes: cook#2: close of closed channel 'meals' (f.lanes:4)\n") == 0,
                  "%s", F.end);
    scn_result_free(&r);
}
END_TEST

/* A send case of a select on a closed channel is a fault too. */
START_TEST(test_interp_fault_in_select)
{
    static const char src[] =
        "chan c 0\n"
        "chan d 0\n"
        "routine r\n"
        "  close c\n"
        "  select\n"
        "    case recv d\n"
        "    case send c\n"
        "  end\n"
        "end\n";
    scn_result r;

    run_prog(parse(&r, "s.lanes", src), 1, FAST_TICK, 0, NULL, &F);
    ck_assert_int_eq(F.status, SCN_FAULT);
    ck_assert_str_eq(F.end, "lanes: r: send on closed channel 'c' (s.lanes:7)\n");
    scn_result_free(&r);
}
END_TEST

/* A spawn beyond the language's limit (8,192 routines alive at once) is
 * the scenario's fault; a spawn the system cannot serve (no stack) is not
 * (SCN_ERROR, exit 1: tests/faults.sh makes one under ulimit -v). */
START_TEST(test_interp_fault_spawn_beyond_limit)
{
    static const char src[] =
        "chan gate 0\n"
        "routine boss\n"
        "  repeat 8200\n"
        "    spawn part\n"
        "  end\n"
        "  close gate\n"
        "end\n"
        "routine part x0\n"
        "  range gate\n"
        "  end\n"
        "end\n";
    scn_result r;

#ifdef LANES_TSAN
    return;     /* ThreadSanitizer keeps at most ~8k live fibers */
#endif
    run_prog(parse(&r, "l.lanes", src), 2, FAST_TICK, 0, NULL, &F);
    ck_assert_int_eq(F.status, SCN_FAULT);
    ck_assert_str_eq(F.end, "lanes: boss: cannot spawn 'part': more than 8192 routines "
                            "alive at once (l.lanes:4)\n");
    scn_result_free(&r);
}
END_TEST

START_TEST(test_interp_whole_deadlock)
{
    scn_result r = scn_load("deadlock");

    run_prog(r.prog, 1 + _i, FAST_TICK, 0, NULL, &F);
    ck_assert_int_eq(F.status, SCN_DEADLOCK);
    ck_assert_str_eq(F.end,
        "lanes: deadlock: 2 routines are blocked forever, and no other can run:\n"
        "  alice waits on 'left' (deadlock.lanes:13)\n"
        "  bob waits on 'right' (deadlock.lanes:19)\n");
    scn_result_free(&r);
}
END_TEST

/* w waits on a channel nobody will ever send on while `busy` still works:
 * the report comes while the run goes on, and names w, the channel and
 * the line; the busy one and the one it feeds are not reported. */
START_TEST(test_interp_partial_deadlock)
{
    static const char src[] =
        "chan a 0\n"
        "chan b 0\n"
        "routine w\n"
        "  recv a\n"
        "end\n"
        "routine busy\n"
        "  repeat 200\n"
        "    work 1\n"
        "  end\n"
        "  send b\n"
        "end\n"
        "routine t\n"
        "  recv b\n"
        "end\n";
    scn_result r;

    /* 1 ms ticks: busy runs for about 200 ms, the monitor looks every 2 */
    run_prog(parse(&r, "p.lanes", src), 1, 1000000ull, 0, NULL, &F);
    ck_assert_int_eq(F.nreports, 1);
    ck_assert_str_eq(F.reports[0], "w waits on a: no live routine can send on it (p.lanes:4)");
    ck_assert_int_eq(F.report_while_running, 1);
    ck_assert_int_eq(F.status, SCN_DEADLOCK);
    ck_assert_str_eq(F.end,
        "lanes: deadlock: 1 routine is blocked forever, and no other can run:\n"
        "  w waits on 'a' (p.lanes:4)\n");
    scn_result_free(&r);
}
END_TEST

/* The monitor judges every parked routine, not the first 256: a stuck one
 * is found among 300 rightly parked (they wait for jobs boss will send),
 * and 300 stuck ones are all reported. */
START_TEST(test_interp_partial_many_parked)
{
    /* one stuck routine parks before the 300 and one after, so that one
     * of them is past the 256th whatever order the runtime lists them in */
    static const char src[] =
        "chan jobs 0\n"
        "chan never 0\n"
        "routine early\n"
        "  recv never\n"
        "end\n"
        "routine worker x300\n"
        "  recv jobs\n"
        "end\n"
        "routine boss\n"
        "  repeat 200\n"
        "    work 1\n"
        "  end\n"
        "  repeat 300\n"
        "    send jobs\n"
        "  end\n"
        "end\n"
        "routine late\n"
        "  sleep 2\n"
        "  recv never\n"
        "end\n";
    scn_result r;
    int e, l;

    run_prog(parse(&r, "b.lanes", src), 1, 1000000ull, 0, NULL, &F);
    ck_assert_int_eq(F.allreports, 2);
    e = strcmp(F.reports[0], "early waits on never: no live routine can send on it (b.lanes:4)") == 0 ||
        strcmp(F.reports[1], "early waits on never: no live routine can send on it (b.lanes:4)") == 0;
    l = strcmp(F.reports[0], "late waits on never: no live routine can send on it (b.lanes:19)") == 0 ||
        strcmp(F.reports[1], "late waits on never: no live routine can send on it (b.lanes:19)") == 0;
    ck_assert_msg(e && l, "%s | %s", F.reports[0], F.reports[1]);
    ck_assert_int_eq(F.status, SCN_DEADLOCK);
    scn_result_free(&r);
}
END_TEST

START_TEST(test_interp_partial_many_stuck)
{
    static const char src[] =
        "chan never 0\n"
        "routine lost x300\n"
        "  recv never\n"
        "end\n"
        "routine busy\n"
        "  repeat 200\n"
        "    work 1\n"
        "  end\n"
        "end\n";
    scn_result r;
    const char *l;
    int lines = 0;

    run_prog(parse(&r, "m.lanes", src), 1, 1000000ull, 0, NULL, &F);
    ck_assert_int_eq(F.allreports, 300);
    ck_assert_int_eq(F.status, SCN_DEADLOCK);
    for (l = F.end; (l = strchr(l, '\n')) != NULL; l++)
        lines++;
    ck_assert_int_eq(lines, 301);
    scn_result_free(&r);
}
END_TEST

/* The deadlock message lists every blocked routine whole: 10 routines in
 * a select over 12 channels with 24-letter names, and 20 routines of a
 * file with a 264-byte path; each line ends with its place and '\n'. */
START_TEST(test_interp_deadlock_message_whole)
{
    char src[4096], path[300], want[512];
    const char *l, *nl;
    size_t o = 0;
    int i, lines = 0;
    scn_result r;

    for (i = 0; i < 12; i++)
        o += (size_t)snprintf(src + o, sizeof src - o, "chan channel_with_long_name%02d 0\n", i);
    o += (size_t)snprintf(src + o, sizeof src - o, "routine waiter x10\n  select\n");
    for (i = 0; i < 12; i++)
        o += (size_t)snprintf(src + o, sizeof src - o, "    case recv channel_with_long_name%02d\n", i);
    snprintf(src + o, sizeof src - o, "  end\nend\n");
    run_prog(parse(&r, "s.lanes", src), 2, FAST_TICK, 0, NULL, &F);
    ck_assert_int_eq(F.status, SCN_DEADLOCK);
    ck_assert(strncmp(F.end, "lanes: deadlock: 10 routines are blocked forever", 48) == 0);
    for (l = strchr(F.end, '\n') + 1; *l != '\0'; l = nl + 1) {
        nl = strchr(l, '\n');
        ck_assert_msg(nl != NULL, "last line without a newline: %s", l);
        snprintf(want, sizeof want, "'channel_with_long_name11' (s.lanes:14)\n");
        ck_assert_msg(strncmp(nl + 1 - strlen(want), want, strlen(want)) == 0, "cut: %.*s",
                      (int)(nl - l), l);
        lines++;
    }
    ck_assert_int_eq(lines, 10);
    scn_result_free(&r);

    memset(path, 'd', 259);
    memcpy(path + 259, ".lanes", 7);           /* 264 bytes and the NUL */
    run_prog(parse(&r, path, "chan c 0\nroutine w x20\n  recv c\nend\n"), 1, FAST_TICK, 0,
             NULL, &F);
    ck_assert_int_eq(F.status, SCN_DEADLOCK);
    lines = 0;
    for (l = strchr(F.end, '\n') + 1; *l != '\0'; l = nl + 1) {
        nl = strchr(l, '\n');
        ck_assert_msg(nl != NULL, "last line without a newline: %s", l);
        ck_assert_msg(strncmp(nl - 9, ".lanes:3)\n", 10) == 0, "cut: %.*s", (int)(nl - l), l);
        lines++;
    }
    ck_assert_int_eq(lines, 20);
    scn_result_free(&r);
}
END_TEST

/* A partial report is whole too, however many channels its select has. */
START_TEST(test_interp_partial_report_whole)
{
    char src[4096];
    size_t o = 0;
    int i;
    scn_result r;

    for (i = 0; i < 12; i++)
        o += (size_t)snprintf(src + o, sizeof src - o, "chan channel_with_long_name%02d 0\n", i);
    o += (size_t)snprintf(src + o, sizeof src - o, "routine waiter\n  select\n");
    for (i = 0; i < 12; i++)
        o += (size_t)snprintf(src + o, sizeof src - o, "    case recv channel_with_long_name%02d\n", i);
    snprintf(src + o, sizeof src - o, "  end\nend\nroutine busy\n  repeat 200\n    work 1\n  end\nend\n");
    run_prog(parse(&r, "s.lanes", src), 1, 1000000ull, 0, NULL, &F);
    ck_assert_int_eq(F.allreports, 1);
    ck_assert_msg(strstr(F.reports[0], ", channel_with_long_name11: no live routine can "
                                       "release it (s.lanes:14)") != NULL, "%s", F.reports[0]);
    scn_result_free(&r);
}
END_TEST

/* A sender nobody will receive from, and a cycle of two: both found. */
START_TEST(test_interp_partial_deadlock_kinds)
{
    static const char src[] =
        "chan out 0\n"
        "chan x 0\n"
        "chan y 0\n"
        "routine s\n"
        "  send out\n"
        "end\n"
        "routine p\n"
        "  recv x\n"
        "  send y\n"
        "end\n"
        "routine q\n"
        "  recv y\n"
        "  send x\n"
        "end\n"
        "routine busy\n"
        "  repeat 200\n"
        "    work 1\n"
        "  end\n"
        "end\n";
    scn_result r;
    int i, s = 0, p = 0, q = 0;

    run_prog(parse(&r, "k.lanes", src), 2, 1000000ull, 0, NULL, &F);
    ck_assert_int_eq(F.nreports, 3);
    for (i = 0; i < F.nreports; i++) {
        s += strcmp(F.reports[i], "s waits to send on out: no live routine can receive from it (k.lanes:5)") == 0;
        p += strcmp(F.reports[i], "p waits on x: no live routine can send on it (k.lanes:8)") == 0;
        q += strcmp(F.reports[i], "q waits on y: no live routine can send on it (k.lanes:12)") == 0;
    }
    ck_assert_msg(s == 1 && p == 1 && q == 1, "%s | %s | %s", F.reports[0], F.reports[1], F.reports[2]);
    ck_assert_int_eq(F.status, SCN_DEADLOCK);
    scn_result_free(&r);
}
END_TEST

/* No false alarms: waits that will end are never reported. */
START_TEST(test_interp_no_false_reports)
{
    static const char src[] =
        "chan c 0\n"
        "routine waiter\n"
        "  recv c\n"
        "end\n"
        "routine late\n"
        "  repeat 40\n"
        "    work 1\n"
        "  end\n"
        "  spawn sender\n"
        "end\n"
        "routine sender x0\n"
        "  send c\n"
        "end\n";
    scn_result r;

    run_prog(parse(&r, "n.lanes", src), 1, 1000000ull, 0, NULL, &F);
    ck_assert_int_eq(F.status, SCN_DONE);
    ck_assert_int_eq(F.nreports, 0);
    scn_result_free(&r);
}
END_TEST

/* A partner declared later is not missing while the start still spawns:
 * the start is held after `idler` (the sender parked, the idler asleep,
 * the taker not yet spawned) for 100 of the monitor's 2 ms looks, and a
 * report taken then is false.  Before the monitor waited for the start,
 * it made one whenever scn_start's thread fell behind (ThreadSanitizer,
 * a loaded machine: "customer#6 waits to send on queue"). */
static char held_report[256];

static void hold_start(scn_run *run, int decl)
{
    struct timespec ms = { 0, 1000000 };
    lanes_blocked b[4];
    int i;

    if (decl != 1)
        return;
    for (i = 0; i < 5000 && lanes_blocked_list(scn_rt(run), b, 4) == 0; i++)
        nanosleep(&ms, NULL);
    for (i = 0; i < 200 && held_report[0] == '\0'; i++) {
        nanosleep(&ms, NULL);
        if (!scn_next_report(run, held_report, sizeof held_report))
            held_report[0] = '\0';
    }
}

START_TEST(test_interp_no_report_during_start)
{
    static const char src[] =
        "chan c 0\n"
        "routine sender\n"
        "  send c\n"
        "end\n"
        "routine idler\n"
        "  sleep 300\n"
        "end\n"
        "routine taker\n"
        "  recv c\n"
        "end\n";
    scn_result r;

    held_report[0] = '\0';
    scn_start_hook = hold_start;
    run_prog(parse(&r, "h.lanes", src), 1, 1000000ull, 0, NULL, &F);
    scn_start_hook = NULL;
    ck_assert_msg(held_report[0] == '\0', "false report during the start: %s", held_report);
    ck_assert_int_eq(F.status, SCN_DONE);
    ck_assert_msg(F.nreports == 0, "false report: %s", F.reports[0]);
    scn_result_free(&r);
}
END_TEST

/* After a fault the run is ending, and those left waiting on the routine
 * that faulted are not reported as deadlocked: the run is left going for
 * 100 of the monitor's looks before scn_wait takes the fault (as its 10 ms
 * slices may under load: faults.sh once saw a report before the
 * spawn-limit message). */
START_TEST(test_interp_no_report_after_fault)
{
    static const char src[] =
        "chan c 0\n"
        "chan d 0\n"
        "routine w\n"
        "  recv d\n"
        "end\n"
        "routine f\n"
        "  close c\n"
        "  send c\n"
        "  send d\n"
        "end\n"
        "routine idler\n"
        "  sleep 300\n"
        "end\n";
    struct timespec ms = { 0, 1000000 };
    scn_settings s;
    scn_result r;
    scn_run *run;
    char err[256], buf[256] = "";
    int i, got = 0;

    memset(&s, 0, sizeof s);
    s.cores = 1;
    s.quantum = -1;
    s.tick_ns = 1000000ull;
    run = scn_start(parse(&r, "f.lanes", src), &s, err, sizeof err);
    ck_assert_msg(run != NULL, "%s", err);
    for (i = 0; i < 200 && !got; i++) {
        nanosleep(&ms, NULL);
        got = scn_next_report(run, buf, sizeof buf);
    }
    ck_assert_msg(!got, "report after the fault: %s", buf);
    ck_assert_int_eq(scn_wait(run, 0), SCN_FAULT);
    ck_assert_str_eq(scn_end_message(run), "lanes: f: send on closed channel 'c' (f.lanes:8)\n");
    scn_stop(run);
    scn_result_free(&r);
}
END_TEST

/* Spawned instances get numbered names; x0 routines start only by spawn. */
START_TEST(test_interp_spawn_names)
{
    scn_result r = scn_load("amdahl");
    int i, parts = 0;

    run_prog(r.prog, 4, FAST_TICK, 0, NULL, &F);
    ck_assert_int_eq(F.status, SCN_DONE);
    ck_assert_int_eq(F.nnames, 5);
    ck_assert_str_eq(F.names[0], "leader");
    for (i = 1; i < 5; i++) {
        char want[16];
        snprintf(want, sizeof want, "part#%d", i);
        parts += strcmp(F.names[i], want) == 0;
    }
    ck_assert_int_eq(parts, 4);
    scn_result_free(&r);
}
END_TEST

/* select, default, forever, range and close together. */
START_TEST(test_interp_select_and_loops)
{
    static const char src[] =
        "chan jobs 2\n"
        "chan quit 0\n"
        "routine boss\n"
        "  repeat 10\n"
        "    send jobs\n"
        "  end\n"
        "  close jobs\n"
        "  recv quit\n"
        "end\n"
        "routine worker\n"
        "  range jobs\n"
        "    select\n"
        "      case recv quit\n"
        "        work 99\n"
        "      default\n"
        "        work 1\n"
        "    end\n"
        "  end\n"
        "  send quit\n"
        "end\n";
    scn_result r;

    run_prog(parse(&r, "sel.lanes", src), 2, FAST_TICK, 0, NULL, &F);
    ck_assert_int_eq(F.status, SCN_DONE);
    ck_assert_int_eq(F.sends, 11);
    ck_assert_int_eq(F.recvs, 11);
    ck_assert_int_eq(F.closes, 1);
    ck_assert_int_eq(F.dones, 10);      /* quit carries the worker's last job */
    scn_result_free(&r);
}
END_TEST

/* Every built-in runs to its end with its exact message count. */
START_TEST(test_interp_builtins_run)
{
    static const struct {
        const char *name; int status; long sends; long recvs; long dones;
    } want[] = {
        { "restaurant", SCN_DONE, 600, 600, 200 }, { "timeslice", SCN_DONE, 0, 0, 0 },
        { "pipeline", SCN_DONE, 20, 20, 10 },      { "workers", SCN_DONE, 32, 32, 16 },
        { "pingpong", SCN_DONE, 40, 40, 1 },       { "io", SCN_DONE, 0, 0, 0 },
        { "hog", SCN_DONE, 0, 0, 0 },              { "amdahl", SCN_DONE, 4, 4, 4 },
        { "deadlock", SCN_DEADLOCK, 0, 0, 0 },     { "smartphone", SCN_DONE, 0, 0, 0 },
        /* five tokens laid, each philosopher takes one and waits for another */
        { "philosophers", SCN_DEADLOCK, 5, 5, 0 },
        /* 5 laid, 2 taken and 2 put back a meal, 20 meals, 5 left on the table;
         * forks are tokens: taking the second does not end the first's journey */
        { "philosophers-fixed", SCN_DONE, 45, 40, 0 },
        { "buffer", SCN_DONE, 30, 30, 30 },
    };
    size_t i;

    for (i = 0; i < sizeof want / sizeof want[0]; i++) {
        scn_result r = scn_load(want[i].name);
        /* the philosophers' deadlock rests on a pause of 40 ticks being long
         * enough for every neighbour to take a fork: not so at 20 us */
        uint64_t tick = strncmp(want[i].name, "philosophers", 12) == 0 ? 5000000ull : FAST_TICK;
        run_prog(r.prog, _i == 0 ? 1 : 4, tick, 0, NULL, &F);
        ck_assert_msg(F.status == want[i].status, "%s: status %d", want[i].name, F.status);
        ck_assert_msg(F.sends == want[i].sends && F.recvs == want[i].recvs &&
                      F.dones == want[i].dones, "%s: sends %ld recvs %ld dones %ld", want[i].name,
                      F.sends, F.recvs, F.dones);
        ck_assert_int_eq(F.bad_items, 0);
        scn_result_free(&r);
    }
}
END_TEST

/* What the UI asks about a routine while the run is paused. */
START_TEST(test_interp_routine_queries)
{
    scn_result r = scn_load("restaurant");
    scn_settings s;
    scn_run *run;
    char err[256];
    lanes_event ev[256];
    size_t n, i;
    uint32_t cook = 0;
    int first = 0, line;
    const char *text;

    memset(&s, 0, sizeof s);
    s.quantum = -1;
    s.tick_ns = FAST_TICK;
    s.flags = LANES_START_PAUSED;
    run = scn_start(r.prog, &s, err, sizeof err);
    ck_assert_msg(run != NULL, "%s", err);
    n = lanes_trace_read(scn_rt(run), ev, 256);
    for (i = 0; i < n; i++) {
        char name[LANES_NAME_MAX];
        if (ev[i].kind != LANES_EV_SPAWN)
            continue;
        lanes_routine_name(scn_rt(run), ev[i].routine, name, sizeof name);
        if (strcmp(name, "cook#2") == 0)
            cook = ev[i].routine;
    }
    ck_assert_uint_ne(cook, 0);
    ck_assert_int_eq(scn_routine_line(run, cook), 0);      /* not started yet */
    text = scn_routine_program(run, cook, &first);
    ck_assert_ptr_nonnull(text);
    ck_assert_int_eq(first, 37);
    ck_assert(strncmp(text, "routine cook x2", 15) == 0);
    ck_assert_ptr_null(scn_routine_program(run, 9999, NULL));
    ck_assert_int_eq(scn_routine_line(run, 9999), 0);
    ck_assert_int_eq(scn_routine_item(run, cook), 0);
    lanes_resume(scn_rt(run));
    do {
        line = scn_routine_line(run, cook);
    } while (line == 0 && scn_wait(run, 1000000ull) == SCN_TIMEOUT);
    ck_assert(line == 0 || (line >= 38 && line <= 42));
    ck_assert_int_eq(scn_wait(run, 0), SCN_DONE);
    ck_assert_int_eq(scn_routine_line(run, cook), 0);      /* done */
    scn_stop(run);
    scn_result_free(&r);
}
END_TEST

/* A loop that never blocks still lets the run be stopped. */
START_TEST(test_interp_busy_loop_stops)
{
    static const char src[] =
        "chan c 0\n"
        "routine spin\n"
        "  close c\n"
        "  forever\n"
        "    recv c\n"
        "  end\n"
        "end\n";
    scn_result r;
    scn_run *run;
    scn_settings s;
    char err[256];

    memset(&s, 0, sizeof s);
    s.quantum = -1;
    s.tick_ns = FAST_TICK;
    run = scn_start(parse(&r, "spin.lanes", src), &s, err, sizeof err);
    ck_assert_msg(run != NULL, "%s", err);
    ck_assert_int_eq(scn_wait(run, 30000000ull), SCN_TIMEOUT);
    lanes_pause(scn_rt(run));
    scn_stop(run);
    scn_result_free(&r);
}
END_TEST

START_TEST(test_interp_settings_override)
{
    scn_result r = scn_load("timeslice");
    scn_settings s;
    scn_run *run;
    char err[256];

    memset(&s, 0, sizeof s);
    s.cores = 3;
    s.quantum = 0;
    s.tick_ns = FAST_TICK;
    run = scn_start(r.prog, &s, err, sizeof err);
    ck_assert_msg(run != NULL, "%s", err);
    ck_assert_int_eq(lanes_cores(scn_rt(run)), 3);
    ck_assert_int_eq(lanes_quantum(scn_rt(run)), 0);
    ck_assert_uint_eq(lanes_tick(scn_rt(run)), FAST_TICK);
    ck_assert_int_eq(scn_wait(run, 0), SCN_DONE);
    scn_stop(run);
    scn_stop(NULL);
    ck_assert_ptr_null(scn_start(NULL, &s, err, sizeof err));
    scn_result_free(&r);
}
END_TEST

static Suite *interp_suite(void)
{
    Suite *s = suite_create("interp");
    TCase *tc = tcase_create("run");

    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_interp_items_keep_numbers, 0, 2);
    tcase_add_test(tc, test_interp_one_ball);
    tcase_add_test(tc, test_interp_notes);
    tcase_add_test(tc, test_interp_seeds_repeat);
    tcase_add_test(tc, test_interp_fault_send_on_closed);
    tcase_add_test(tc, test_interp_fault_close_of_closed);
    tcase_add_test(tc, test_interp_fault_in_select);
    tcase_add_test(tc, test_interp_fault_spawn_beyond_limit);
    tcase_add_loop_test(tc, test_interp_whole_deadlock, 0, 2);
    tcase_add_test(tc, test_interp_partial_deadlock);
    tcase_add_test(tc, test_interp_partial_deadlock_kinds);
    tcase_add_test(tc, test_interp_partial_many_parked);
    tcase_add_test(tc, test_interp_partial_many_stuck);
    tcase_add_loop_test(tc, test_interp_deadlock_message_whole, 0, 1);
    tcase_add_test(tc, test_interp_partial_report_whole);
    tcase_add_test(tc, test_interp_no_false_reports);
    tcase_add_test(tc, test_interp_no_report_during_start);
    tcase_add_test(tc, test_interp_no_report_after_fault);
    tcase_add_test(tc, test_interp_spawn_names);
    tcase_add_test(tc, test_interp_select_and_loops);
    tcase_add_loop_test(tc, test_interp_builtins_run, 0, 2);
    tcase_add_test(tc, test_interp_routine_queries);
    tcase_add_test(tc, test_interp_busy_loop_stops);
    tcase_add_test(tc, test_interp_settings_override);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(interp_suite());
    int failed;

    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
