/*
 * ui.c - plays a scenario on the screen: the loop that folds trace events
 * into the model, draws, reads keys and acts on them.
 *
 * Owns: the run (scn_run) while the screen shows it, the model and the view.
 * All curses calls happen on this thread; lanes never draw.  The loop is:
 * signals -> keys (actions) -> at most 30 frames a second: read events, fold,
 * draw.  It blocks in poll() between frames, so a paused screen costs
 * almost nothing.
 */
#include "config.h"

#include <errno.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#if defined(HAVE_NCURSESW_CURSES_H)
#include <ncursesw/curses.h>
#else
#include <curses.h>
#endif

#include "lanes.h"
#include "play/play.h"
#include "ui/ui.h"
#include "ui/draw.h"
#include "ui/history.h"
#include "ui/model.h"
#include "ui/term.h"
#include "ui/compare.h"

#define FRAME_MS     33            /* at most 30 frames a second          */
#define IDLE_MS      100           /* paused: how often to look for events */
#define MESSAGE_MS   6000          /* how long a passing message stays     */
#define UI_RING_EVENTS 16384       /* per lane; a frame's worth many times over */
#define EV_FRAME_MAX (1u << 18)    /* events folded per frame at most      */

/* speeds: numerator / denominator of 1x; the last is "max" */
static const struct { int num, den; const char *name; } speeds[] = {
    { 1, 16, "1/16x" }, { 1, 8, "1/8x" }, { 1, 4, "1/4x" }, { 1, 2, "1/2x" },
    { 1, 1, "1x" }, { 2, 1, "2x" }, { 4, 1, "4x" }, { 8, 1, "8x" }, { 16, 1, "16x" },
    { 32, 1, "32x" }, { 64, 1, "64x" }, { 0, 0, "max" }
};
#define NSPEEDS ((int)(sizeof speeds / sizeof speeds[0]))
#define MAX_TICK_NS 100000u        /* the tick at "max": 100 us, where a tick is still mostly work */

typedef struct ui_state {
    const lanes_opts *opts;
    const scn_program *prog;       /* NULL: a recording whose text this lanes
                                      cannot read                          */
    int          replay;           /* the source is a recording (--replay) */
    int          attached;         /* the source is a program attached (lanes
                                      attach): it cannot be run again      */
    char         who[72];          /* an attached program's name, for the
                                      title's short form                     */
    unsigned     who_pid;
    char         about[160];       /* an attached program's about line      */
    char         title[320];       /* a replay's: the recording's title (the
                                      header puts "replay ·" before it); an
                                      attached program's                   */
    char         end_word[32];     /* a replay's end: how the run ended    */
    uint64_t     rec_tick;         /* a replay's tick when it was recorded */
    play        *play;           /* the source, the pump and its folds    */
    int          running;          /* play has a run (names, lines)        */
    ui_model     model;
    ui_view      view;
    ui_history   hist;             /* every event; the screen at any tick  */
    uint64_t     fold_now;         /* mono_ms of the frame being folded    */
    int          write_failed;     /* a fold (the trace) could not write   */
    char         write_err[600];   /* its message, said after the screen   */
    int          speed;            /* index into speeds                    */
    uint64_t     base_tick;        /* the scenario's tick at 1x            */
    int          base_quantum;     /* quantum when preemption is on        */
    int          cores;            /* wanted cores (survives restarts)     */
    int          quantum;          /* wanted quantum                       */
    int          ended;            /* SCN_* + 1 once the run ended         */
    int          limited;          /* it ended at --for's limit (paused)   */
    int          status;           /* exit status when quitting            */
    int          quit;
    int          dirty;
    int          report_shown;     /* the message line holds reports       */
    int          sigfd;            /* the signals the loop reads            */
    int          exit_sig;         /* a signal during a comparison: 128+N   */
    char        *end_text;         /* printed to stderr after endwin: every
                                      report and the end message, whole
                                      (malloc'd; NULL: nothing to print)  */
} ui_state;

static uint64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void namer(void *ctx, int kind, uint32_t id, char *buf, size_t n)
{
    ui_state *s = ctx;

    if (kind == 2) {                /* a note's text: the program's, not the runtime's */
        const char *t = s->prog != NULL ? scn_note_text(s->prog, (int)id) : NULL;
        snprintf(buf, n, "%s", t != NULL ? t : "");
        return;
    }
    if (!s->running)
        return;
    if (kind == 0)
        play_routine_name(s->play, id, buf, n);
    else
        play_chan_name(s->play, id, buf, n);
}

static int line_of(void *ctx, uint32_t routine)
{
    ui_state *s = ctx;
    return s->running ? play_routine_line(s->play, routine) : 0;
}

static const char *program_of(void *ctx, uint32_t routine, int *first_line)
{
    ui_state *s = ctx;
    return s->running ? play_routine_program(s->play, routine, first_line) : NULL;
}

__attribute__((format(printf, 2, 3)))
static void say(ui_state *s, const char *fmt, ...)
{
    va_list ap;

    if (s->ended)
        return;                     /* the end message stays */
    s->report_shown = 0;
    va_start(ap, fmt);
    vsnprintf(s->view.message, sizeof s->view.message, fmt, ap);
    va_end(ap);
    s->view.message_wall = mono_ms();
    s->dirty = 1;
}

static uint64_t tick_for(const ui_state *s, int speed)
{
    if (speeds[speed].num == 0)
        return MAX_TICK_NS;
    return s->base_tick * (uint64_t)speeds[speed].den / (uint64_t)speeds[speed].num;
}

static uint64_t tick_for_speed(const ui_state *s)
{
    return tick_for(s, s->speed);
}

/* A replay plays at the speed the screen shows: 1x is the scenario's
 * tick, whatever tick the run was recorded at (a headless run's is
 * short); the recording source paces by its recorded tick. */
static void replay_pace(ui_state *s)
{
    double x = speeds[s->speed].num == 0 ? (double)s->base_tick / MAX_TICK_NS
             : (double)speeds[s->speed].num / speeds[s->speed].den;

    if (s->rec_tick > 0 && s->base_tick > 0)
        x *= (double)s->rec_tick / (double)s->base_tick;
    play_set_speed(s->play, x > 0.0001 ? x : 0.0001);
}

/* The run's settings as the user wants them now. */
static void settings(const ui_state *s, scn_settings *set)
{
    memset(set, 0, sizeof *set);
    set->cores = s->cores;
    set->quantum = s->quantum;
    set->tick_ns = tick_for_speed(s);
    set->seed_set = s->opts->seed_set;
    set->seed = s->opts->seed;
    /* the screen drains the rings every frame: small rings keep the
     * memory a many-lane run touches small (a full ring is counted and
     * shown as dropped, never blocks, unless a fold wants every event) */
    set->trace_events = UI_RING_EVENTS;
    set->note_pauses = 1;           /* `note ... pause` waits for the user */
}

/* The run just (re)started: the model and the view start again. */
static void started(ui_state *s)
{
    s->running = 1;
    ui_model_reset(&s->model, s->cores, s->quantum);
    /* a recording's own tick: its TICK events say how it changed */
    ui_model_set_tick(&s->model, s->replay ? s->rec_tick : tick_for_speed(s));
    ui_hist_reset(s->hist.h, s->cores, s->quantum, s->replay ? s->rec_tick : tick_for_speed(s));
    if (s->replay)
        replay_pace(s);
    s->hist.on = 0;
    s->ended = 0;
    s->limited = 0;
    s->view.end = UI_END_NONE;
    s->view.message[0] = '\0';
    free(s->end_text);
    s->end_text = NULL;
}

/* Sets (replace) or extends the text printed after endwin with a, b and
 * c; out of memory ends the process like any other allocation here. */
static void end_text_put(ui_state *s, int replace, const char *a, const char *b, const char *c)
{
    size_t old = replace || s->end_text == NULL ? 0 : strlen(s->end_text);
    size_t n = old + strlen(a) + strlen(b) + strlen(c) + 1;
    char *t = realloc(s->end_text, n);

    if (t == NULL) {
        ui_term_restore_for_exit();
        fputs("lanes: out of memory\n", stderr);
        _exit(EXIT_SYSTEM);
    }
    snprintf(t + old, n - old, "%s%s%s", a, b, c);
    s->end_text = t;
}

/* Starts the run with the wanted settings. */
static int start_run(ui_state *s, int paused, char *err, size_t errlen)
{
    scn_settings set;

    settings(s, &set);
    if (play_start(s->play, &set, paused, err, errlen) != 0)
        return -1;
    started(s);
    return 0;
}

/* The model as a fold of the pump, first of its folds. */
static int model_feed(void *ctx, const lanes_event *ev, size_t n, const play_names *names)
{
    ui_state *s = ctx;

    (void)names;
    ui_model_fold(&s->model, ev, n, s->fold_now);
    return 0;
}

/* Pumps every event still in the rings (at most about max) into the
 * model and the other folds.  A fold's write error ends the screen:
 * status 1, its message said after the terminal is restored. */
static size_t drain(ui_state *s, uint64_t now, size_t max)
{
    size_t total;
    const char *e;

    s->fold_now = now;
    total = play_pump(s->play, max);
    if (!s->write_failed && (e = play_error(s->play)) != NULL) {
        s->write_failed = 1;
        snprintf(s->write_err, sizeof s->write_err, "lanes: %s\n", e);
        /* a recording damaged since the screen checked it: bad input */
        s->status = s->replay && play_error_from(s->play) == PLAY_FROM_SOURCE ? EXIT_USAGE
                                                                             : EXIT_SYSTEM;
        s->quit = 1;
    }
    return total;
}

/* ---- one frame ------------------------------------------------------------- */

/* What runs the run again, for the end's words. */
static const char *again_words(const ui_state *s)
{
    return s->attached ? "Left looks back"
         : s->replay ? "r plays it again, Left looks back"
                     : "r runs it again, 1-9 on that many cores";
}

static void check_end(ui_state *s)
{
    char *buf;
    int st;

    while ((buf = play_take_message(s->play)) != NULL) {
        /* reports found close together are read together */
        if (s->report_shown && s->view.message[0] != '\0') {
            size_t len = strlen(s->view.message);
            snprintf(s->view.message + len, sizeof s->view.message - len, "\n%s", buf);
            s->view.message_wall = mono_ms();
        } else {
            say(s, "%s", buf);
        }
        s->report_shown = 1;
        end_text_put(s, 0, buf, "\n", "");
        free(buf);
    }
    if (s->ended)
        return;
    st = play_wait(s->play, 1);
    if (st == SCN_TIMEOUT && s->opts->for_ticks > 0 &&
        play_now(s->play) >= (uint64_t)s->opts->for_ticks * 1000u) {
        play_pause(s->play);         /* --for: a normal end where the user wanted it */
        s->limited = 1;
        s->ended = SCN_DONE + 1;
        s->dirty = 1;
        s->view.end = UI_END_DONE;
        snprintf(s->view.message, sizeof s->view.message,
                 "stopped after %ld ticks (--for) %s q quits, r runs it again, 1-9 on that "
                 "many cores", s->opts->for_ticks, s->view.utf8 ? "\xe2\x80\x94" : "-");
        s->status = EXIT_DONE;
        return;
    }
    if (st == SCN_TIMEOUT)
        return;
    if (st == PLAY_STOPPED && s->attached) {    /* the program exited: the picture stays */
        play_outcome o;

        play_outcome_of(s->play, &o);
        s->ended = SCN_DONE + 1;
        s->dirty = 1;
        s->view.end = UI_END_DONE;
        snprintf(s->view.message, sizeof s->view.message, "%s %s q quits, %s",
                 o.message != NULL && *o.message ? o.message : "the program ended",
                 s->view.utf8 ? "\xe2\x80\x94" : "-", again_words(s));
        s->status = o.how != NULL ? o.exit_status : EXIT_DONE;
        s->view.about = "the program has exited; its picture stays";
        return;
    }
    if (st == PLAY_STOPPED) {       /* a recorded run stopped before its end */
        play_outcome o = { 0 };

        /* as the recording says: restarted, stopped (--for), interrupted */
        play_outcome_of(s->play, &o);
        snprintf(s->end_word, sizeof s->end_word, "%s",
                 o.how != NULL && *o.how != '\0' ? o.how : "stopped");
        s->ended = SCN_DONE + 1;
        s->dirty = 1;
        s->view.end = UI_END_STOPPED;
        s->view.end_word = s->end_word;
        snprintf(s->view.message, sizeof s->view.message,
                 "the recording ends here: the recorded run was %s %s q quits, r plays it "
                 "again", s->end_word, s->view.utf8 ? "\xe2\x80\x94" : "-");
        s->status = EXIT_DONE;
        return;
    }
    s->ended = st + 1;
    s->dirty = 1;
    if (st == SCN_DONE) {
        s->view.end = UI_END_DONE;
        snprintf(s->view.message, sizeof s->view.message,
                 "done %s every routine returned %s q quits, %s",
                 s->view.utf8 ? "\xe2\x80\x94" : "-", s->view.utf8 ? "\xe2\x80\x94" : "-",
                 again_words(s));
        s->status = EXIT_DONE;
    } else {
        play_outcome o;
        const char *msg;
        const char *what = st == SCN_DEADLOCK ? "deadlock: every routine left is blocked forever"
                         : st == SCN_ERROR ? "a system error stopped the run"
                                           : "the scenario faulted";
        const char *shown;
        size_t len;

        play_outcome_of(s->play, &o);
        msg = o.message;
        shown = msg != NULL && *msg ? msg : what;

        s->view.end = st == SCN_DEADLOCK ? UI_END_DEADLOCK
                    : st == SCN_ERROR ? UI_END_ERROR : UI_END_FAULT;
        s->status = st == SCN_DEADLOCK ? EXIT_DEADLOCK
                  : st == SCN_ERROR ? EXIT_SYSTEM : EXIT_FAULT;
        if (strncmp(shown, "lanes: ", 7) == 0)
            shown += 7;
        snprintf(s->view.message, sizeof s->view.message, "%s", shown);
        len = strlen(s->view.message);
        while (len > 0 && s->view.message[len - 1] == '\n')
            s->view.message[--len] = '\0';
        snprintf(s->view.message + len, sizeof s->view.message - len,
                 "\nq quits (status %d), %s", s->status, again_words(s));
        if (msg != NULL && *msg)
            end_text_put(s, 1, msg, msg[strlen(msg) - 1] == '\n' ? "" : "\n", "");
        else
            end_text_put(s, 1, "lanes: ", what, "\n");
    }
}

/* The live tick: the header's (history is every tick before it). */
static uint64_t live_tick(const ui_state *s)
{
    return (uint64_t)(ui_model_last_tick(&s->model) + 1);
}

/* The screen at history's tick, as it was then: its model, the cores,
 * quantum, pause and speed it had; the banner instead of the hints, no
 * end nor message of now. */
static void draw_history(ui_state *s)
{
    ui_view *v = &s->view;
    const ui_model *m = &s->hist.m;
    const ui_routine *sel;
    char message = v->message[0], note = v->note[0];
    uint64_t note_wall = v->note_wall;
    int end = v->end, i;

    v->m = &s->hist.m;
    v->cores = m->cores;
    v->quantum = m->quantum;
    v->paused = m->paused;
    for (i = 0; i < NSPEEDS; i++)
        if (m->st.cpu.tick_ns != 0 && i != s->speed &&
            tick_for(s, i) == m->st.cpu.tick_ns)
            v->speed = speeds[i].name;
    /* the events' own clock (hist.h); a passing note keeps its time */
    if (v->wall - v->note_wall < 2000)
        v->note_wall = m->wall;
    else
        v->note[0] = '\0';
    v->wall = m->wall;
    v->message[0] = '\0';
    v->end = UI_END_NONE;
    sel = ui_model_routine(&s->model, v->selected);
    ui_history_banner(&s->hist, live_tick(s), v->utf8 ? "\xc2\xb7" : ".",
                      sel != NULL ? sel->name : NULL, COLS - 2, v->banner, sizeof v->banner);
    v->history = 1;
    ui_draw(v);
    v->history = 0;
    v->message[0] = message;
    v->note[0] = note;
    v->note_wall = note_wall;
    v->end = end;
    v->banner[0] = '\0';
    v->m = &s->model;
}

static void frame(ui_state *s, uint64_t now)
{
    size_t total = drain(s, now, EV_FRAME_MAX);

    if (total > 0)
        s->dirty = 1;
    if (!s->ended) {
        check_end(s);
        if (s->ended)               /* the last events after the end too */
            drain(s, now, EV_FRAME_MAX);
    } else {
        check_end(s);
    }
    /* the end keeps its picture, the lanes drawn up to its last event
     * (a run that ends within a frame was never advanced) */
    ui_model_advance(&s->model, s->ended ? s->model.now : play_now(s->play), now);
    if (s->view.message[0] != '\0' && !s->ended && now - s->view.message_wall > MESSAGE_MS) {
        s->view.message[0] = '\0';
        s->report_shown = 0;
    }

    s->view.m = &s->model;
    s->view.cores = play_cores(s->play);
    s->view.quantum = play_quantum(s->play);
    s->view.paused = play_paused(s->play);
    s->view.speed = speeds[s->speed].name;
    s->view.dropped = play_dropped(s->play);
    s->view.wall = now;
    s->model.cores = s->view.cores;
    s->model.quantum = s->view.quantum;
    if (s->hist.on)
        draw_history(s);
    else
        ui_draw(&s->view);
    wnoutrefresh(stdscr);
    doupdate();
}

/* ---- actions ----------------------------------------------------------------- */

/* Tab and Shift-Tab: running, runnable, waiting, finished (model.h). */
static void select_step(ui_state *s, int dir)
{
    uint32_t id = ui_model_next(&s->model, s->view.selected, dir);

    if (id != 0)
        s->view.selected = id;
    s->view.side_hidden = 0;
}

/* After the end the picture stays as it ended: these still act, the
 * others (which would run the runtime again) only say so. */
static int acts_after_end(int action)
{
    switch (action) {
    case UI_ACT_RESTART: case UI_ACT_QUIT: case UI_ACT_NEXT: case UI_ACT_PREV:
    case UI_ACT_DETAIL: case UI_ACT_BACK: case UI_ACT_HELP:
    case UI_ACT_SCROLL_UP: case UI_ACT_SCROLL_DOWN: case UI_ACT_NONE: case UI_ACT_COMPARE:
    case UI_ACT_HIST_PREV: case UI_ACT_HIST_FIRST: case UI_ACT_HIST_END:
    case UI_ACT_HIST_DPREV: case UI_ACT_HIST_DNEXT:
        return 1;
    default:
        return 0;
    }
}

static void set_cores(ui_state *s, int n)
{
    if (n < 1 || n > LANES_MAX_CORES)
        return;
    if (play_set_cores(s->play, n) == 0) {
        s->cores = n;
        s->view.cores = n;
    }
}

/* Runs the scenario again from its start on `cores` lanes, paused if the
 * run was.  0, or -1 when it could not (the UI then quits, status 1). */
static int restart(ui_state *s, int cores)
{
    ui_view *v = &s->view;
    char err[256] = "";
    /* --for or a fault (scn_wait) paused it, not the user: a restart
     * after those runs, as after any other end */
    int paused = play_paused(s->play) && !s->limited &&
                 v->end != UI_END_FAULT && v->end != UI_END_ERROR;
    scn_settings set;

    s->cores = cores;
    settings(s, &set);
    s->fold_now = mono_ms();
    if (play_restart(s->play, &set, paused, err, sizeof err) != 0) {
        s->write_failed = play_error(s->play) != NULL;  /* a fold's write error */
        snprintf(s->write_err, sizeof s->write_err, "lanes: %s%s\n",
                 s->write_failed ? "" : "cannot restart: ", err);
        s->running = 0;
        s->status = EXIT_SYSTEM;
        s->quit = 1;
        return -1;
    }
    started(s);
    v->selected = 0;
    v->detail = 0;
    v->note[0] = '\0';
    return 0;
}

/* A core key after the end (1-9, +, -): the user wants to see the run on
 * that many cores, so one key press runs it again so. */
static void again_on_cores(ui_state *s, int action, int code)
{
    int n = play_cores(s->play);

    if (s->attached) {
        say(s, "the program has exited: q quits");
        return;
    }
    n = action == UI_ACT_CORES_N ? code - '0' : n + (action == UI_ACT_CORE_MORE ? 1 : -1);
    if (n < 1 || n > LANES_MAX_CORES)
        n = play_cores(s->play);
    if (restart(s, n) == 0)
        say(s, "the run had ended: running it again on %d core%s", n, n == 1 ? "" : "s");
}

/* The c key: the scenario on 1 core and on the cores now (on 1 core:
 * on the CPUs, at least 2), each run alone - the live run waits paused -
 * then both played together (compare_ui.c); back here after. */
static void compare_now(ui_state *s)
{
    int cores[2], was = play_paused(s->play) || s->ended, cpus = lanes_online_cpus(), rc;
    char msg[sizeof s->view.message];

    if (s->prog == NULL) {
        say(s, "%s", s->attached ? "compare needs a scenario: an attached program has none"
                     : "compare needs the scenario, and this recording's does not parse here");
        return;
    }
    cores[0] = 1;
    cores[1] = s->cores > 1 ? s->cores : cpus > 1 ? cpus : 2;
    if (!was)
        play_pause(s->play);
    rc = ui_compare_screen(s->opts, s->prog, cores, 2, s->sigfd,
                           speeds[s->speed].num == 0 ? 0
                           : (double)speeds[s->speed].num / speeds[s->speed].den,
                           was && !s->ended, msg, sizeof msg);
    if (!was)
        play_resume(s->play);
    if (rc >= 128) {
        s->exit_sig = rc;
        s->quit = 1;
    } else if (msg[0] != '\0') {
        say(s, "%s", msg);
    }
}

/* Keys that would change the run: history cannot be changed. */
static int changes_run(int action)
{
    switch (action) {
    case UI_ACT_PAUSE: case UI_ACT_CORE_MORE: case UI_ACT_CORE_LESS: case UI_ACT_CORES_N:
    case UI_ACT_FASTER: case UI_ACT_SLOWER: case UI_ACT_PREEMPT: case UI_ACT_RESTART:
        return 1;
    default:
        return 0;
    }
}

static void passing_note(ui_state *s, const char *text)
{
    snprintf(s->view.note, sizeof s->view.note, "%s", text);
    s->view.note_wall = mono_ms();
}

/* History's keys (history.h), and the keys that would change the run
 * while the screen shows history.  1 when done, 0: the live action. */
static int history_act(ui_state *s, int action)
{
    ui_view *v = &s->view;
    const ui_routine *r = ui_model_routine(&s->model, v->selected);
    char note[sizeof v->note] = "";
    int rc, was = s->hist.on;

    /* a replay's cores and preemption never change (act says so), and
     * its r plays it again from anywhere, history too */
    if (s->hist.on && changes_run(action) &&
        !(s->replay && (action == UI_ACT_RESTART || action == UI_ACT_CORES_N ||
                        action == UI_ACT_CORE_MORE || action == UI_ACT_CORE_LESS ||
                        action == UI_ACT_PREEMPT))) {
        passing_note(s, "history cannot be changed: End goes back to now");
        return 1;
    }
    if ((action < UI_ACT_HIST_PREV || action > UI_ACT_HIST_DNEXT) &&
        !(s->hist.on && action == UI_ACT_STEP))
        return 0;
    if (!s->ended && !play_paused(s->play) && action != UI_ACT_HIST_NEXT &&
        action != UI_ACT_HIST_END)
        play_pause(s->play);        /* looking back pauses the run, as s does */
    rc = ui_history_key(&s->hist, action, v->selected, r != NULL ? r->name : "?", live_tick(s),
                        note, sizeof note);
    if (rc == UI_HIST_NOTE && note[0] != '\0')
        passing_note(s, note);
    else if (rc == UI_HIST_NOW && was)  /* what history said is said no more */
        passing_note(s, "back to now");
    return rc != UI_HIST_LIVE;
}

static void act(ui_state *s, int action, int code)
{
    ui_view *v = &s->view;

    s->dirty = 1;
    if (history_act(s, action))
        return;
    if (s->replay && (action == UI_ACT_CORES_N || action == UI_ACT_CORE_MORE ||
                      action == UI_ACT_CORE_LESS || action == UI_ACT_PREEMPT)) {
        passing_note(s, "a recording shows the run as it was: cores and preemption cannot "
                        "change; r plays it again");
        return;
    }
    if (s->ended && (action == UI_ACT_CORES_N || action == UI_ACT_CORE_MORE ||
                     action == UI_ACT_CORE_LESS)) {
        again_on_cores(s, action, code);
        return;
    }
    if (s->ended && !acts_after_end(action)) {
        snprintf(v->note, sizeof v->note, "the run has ended: %s, q quits", again_words(s));
        v->note_wall = mono_ms();
        return;
    }
    switch (action) {
    case UI_ACT_PAUSE:
        if (play_paused(s->play))
            play_resume(s->play);
        else
            play_pause(s->play);
        break;
    case UI_ACT_STEP:
    case UI_ACT_HIST_NEXT:          /* Right at now: a step */
        if (!play_paused(s->play))
            play_pause(s->play);
        play_step(s->play, 1);
        break;
    case UI_ACT_CORE_MORE: set_cores(s, play_cores(s->play) + 1); break;
    case UI_ACT_CORE_LESS: set_cores(s, play_cores(s->play) - 1); break;
    case UI_ACT_CORES_N:   set_cores(s, code - '0'); break;
    case UI_ACT_FASTER:
    case UI_ACT_SLOWER:
        s->speed += action == UI_ACT_FASTER ? 1 : -1;
        if (s->speed < 0)
            s->speed = 0;
        if (s->speed >= NSPEEDS)
            s->speed = NSPEEDS - 1;
        if (s->replay)              /* a recording's pace, not its tick */
            replay_pace(s);
        else
            play_set_tick(s->play, tick_for_speed(s));
        say(s, "speed %s", speeds[s->speed].name);
        break;
    case UI_ACT_PREEMPT:
        s->quantum = play_quantum(s->play) > 0 ? 0 : s->base_quantum;
        play_set_quantum(s->play, s->quantum);
        if (s->quantum > 0)
            say(s, "preemption on: a routine gets %d ticks, then the next one runs", s->quantum);
        else
            say(s, "preemption off: a routine runs until it blocks, sleeps or yields");
        break;
    case UI_ACT_RESTART:
        if (s->attached)
            say(s, "an attached program cannot be run again: q detaches, it goes on");
        else if (restart(s, play_cores(s->play)) == 0)
            say(s, s->replay ? "playing the recording again from its start" : "restarted");
        break;
    case UI_ACT_NEXT: select_step(s, 1); break;
    case UI_ACT_PREV: select_step(s, -1); break;
    case UI_ACT_DETAIL:
        if (v->selected == 0)
            select_step(s, 1);
        v->detail = v->selected != 0;
        v->help = 0;
        v->side_hidden = 0;
        break;
    case UI_ACT_BACK:
        /* closes what is open: help, else the detail, and the side pane
         * of a wide screen until Tab or Enter */
        if (v->help) {
            v->help = 0;
        } else {
            v->detail = 0;
            v->side_hidden = 1;
        }
        break;
    case UI_ACT_HELP:
        v->help = !v->help;
        v->help_page = 0;
        break;
    case UI_ACT_SCROLL_UP:
    case UI_ACT_SCROLL_DOWN:
        if (v->help) {              /* a small screen's help: keys, legend pages */
            v->help_page += action == UI_ACT_SCROLL_DOWN ? 1 : -1;
            if (v->help_page < 0)
                v->help_page = 0;
            break;
        }
        if (action == UI_ACT_SCROLL_DOWN) {
            v->lane_scroll += v->lanes_shown > 1 ? v->lanes_shown - 1 : 1;
            break;
        }
        v->lane_scroll -= v->lanes_shown > 1 ? v->lanes_shown - 1 : 1;
        if (v->lane_scroll < 0)
            v->lane_scroll = 0;
        break;
    case UI_ACT_QUIT:
        s->quit = 1;
        break;
    case UI_ACT_COMPARE:
        compare_now(s);
        break;
    default:
        break;
    }
}

static void key(ui_state *s, int code)
{
    if (code == KEY_RESIZE) {
        s->dirty = 1;
        return;
    }
    if (code == KEY_MOUSE) {
        MEVENT me;
        if (getmouse(&me) == OK && (me.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED))) {
            uint32_t id = ui_draw_hit(&s->view, me.y, me.x);
            int64_t tick = ui_draw_tick_at(&s->view, me.y, me.x);
            char note[sizeof s->view.note] = "";
            if (id != 0) {
                s->view.selected = id;
                s->view.side_hidden = 0;
            }
            /* paused or ended: a click on a timeline shows the screen as
             * it was when that column was the newest */
            if (tick >= 0 && (s->ended || play_paused(s->play)) &&
                ui_history_go(&s->hist, tick + 1, live_tick(s), note, sizeof note) == UI_HIST_NOTE)
                passing_note(s, note);
            s->dirty = 1;
        }
        return;
    }
    act(s, ui_key_action(code), code);
}

/* ---- the loop ------------------------------------------------------------------- */

static int speed_index(double x)
{
    int i, best = 4;
    double bd = 1e9;

    if (x <= 0)
        return 4;
    if (x >= LANES_SPEED_MAX)
        return NSPEEDS - 1;
    for (i = 0; i < NSPEEDS - 1; i++) {
        double v = (double)speeds[i].num / speeds[i].den, d = v > x ? v / x : x / v;
        if (d < bd) {
            bd = d;
            best = i;
        }
    }
    return best;
}

static int loop(ui_state *s, int sigfd)
{
    uint64_t next = 0, last = 0;      /* next frame due; the last one drawn */
    long frames = 0;
    int idle_reads = 0;

    s->dirty = 1;
    while (!s->quit) {
        struct pollfd pf[2];
        uint64_t now = mono_ms();
        int timeout, paused = play_paused(s->play) || s->ended, sig, code, got = 0;

        if (now >= next && (s->dirty || !paused)) {
            frame(s, now);
            s->dirty = 0;
            next = now + FRAME_MS;
            last = now;
            if (s->opts->frames > 0 && ++frames >= s->opts->frames)
                break;
            continue;
        }
        if (now >= next) {
            /* paused and nothing new: look for events (a step), draw if any */
            next = now + IDLE_MS;
            last = now;
            frame(s, now);
            s->dirty = 0;
            if (s->opts->frames > 0 && ++frames >= s->opts->frames)
                break;
        }
        timeout = (int)(next > now ? next - now : 0);
        pf[0].fd = STDIN_FILENO;
        pf[0].events = POLLIN;
        pf[1].fd = sigfd;
        pf[1].events = POLLIN;
        if (poll(pf, sigfd >= 0 ? 2 : 1, timeout) < 0 && errno != EINTR)
            return EXIT_SYSTEM;

        while ((sig = ui_term_next_signal(sigfd)) != 0) {
            switch (sig) {
            case SIGWINCH:
                ui_term_resize();
                s->dirty = 1;
                next = last + FRAME_MS;
                break;
            case SIGTSTP:
                ui_term_suspend();
                s->dirty = 1;
                next = 0;
                break;
            case SIGCONT:
                ui_term_resize();
                s->dirty = 1;
                break;
            default:        /* INT, TERM, HUP, QUIT */
                return 128 + sig;
            }
        }
        if (pf[0].revents & (POLLHUP | POLLERR | POLLNVAL))
            return 128 + SIGHUP;        /* the terminal went away */
        while ((code = getch()) != ERR) {
            key(s, code);
            got = 1;
            if (s->quit)
                break;
        }
        if (got) {
            idle_reads = 0;
            /* answer a key as soon as the frame rate allows */
            if (next > last + FRAME_MS)
                next = last + FRAME_MS;
        } else if (pf[0].revents & POLLIN) {
            /* readable again and again but nothing comes: the terminal
             * is dead (EOF, EIO); never spin */
            if (++idle_reads > 50)
                return 128 + SIGHUP;
        } else {
            idle_reads = 0;
        }
    }
    if (s->exit_sig != 0)
        return s->exit_sig;
    return s->ended ? s->status : EXIT_DONE;
}

/* The scenario's warnings (lines with ": warning: ", without their source
 * and caret lines) for the message line: stderr is hidden by the screen. */
static void say_warnings(ui_state *s, const char *messages)
{
    char text[sizeof s->view.message];
    size_t n = 0;
    const char *p = messages;

    text[0] = '\0';
    while (p != NULL && *p != '\0') {
        const char *nl = strchr(p, '\n');
        size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);
        if (len < 512 && memmem(p, len, ": warning: ", 11) != NULL && n + len + 2 < sizeof text)
            n += (size_t)snprintf(text + n, sizeof text - n, "%s%.*s", n ? "\n" : "",
                                  (int)len, p);
        p = nl != NULL ? nl + 1 : NULL;
    }
    if (n > 0)
        say(s, "%s", text);
}

int ui_check(const lanes_opts *opts)
{
    setlocale(LC_ALL, "");
    if (ui_term_check() != 0)
        return EXIT_USAGE;
    if (opts->trace != NULL && strcmp(opts->trace, "-") == 0) {
        fprintf(stderr, "lanes: --trace - writes to standard output, which the screen "
                        "uses; give a file name, or add --headless\n");
        return EXIT_USAGE;
    }
    return 0;
}

void ui_restore_for_exit(void)
{
    ui_term_restore_for_exit();
}

int ui_main(const lanes_opts *opts, scn_program *prog, const char *messages, play *p)
{
    ui_state *s;
    play_fold model, hfold;
    play_about about;
    char err[600] = "";
    const char *nc = getenv("NO_COLOR");
    int sigfd = -1, status, colour, utf8;

    s = calloc(1, sizeof *s);
    if (s == NULL) {
        fprintf(stderr, "lanes: out of memory\n");
        return EXIT_SYSTEM;
    }
    s->opts = opts;
    s->prog = prog;
    s->play = p;
    if (opts->for_ticks > 0)        /* --for: the runtime stops there itself */
        play_pause_at_start(p, (uint64_t)opts->for_ticks * 1000u);
    play_about_run(p, &about);
    s->attached = strcmp(about.kind, "attached") == 0;
    if (s->attached) {              /* lanes attach: the program says */
        s->base_tick = about.tick_ns;
        s->speed = speed_index(opts->speed);
        s->cores = about.cores;
        s->quantum = about.quantum;
        snprintf(s->title, sizeof s->title, "%s", about.title);
        snprintf(s->who, sizeof s->who, "%s", about.scenario);
        s->who_pid = about.pid;
        /* the screen's time starts at the attach; the program's logs say
         * its own (lanes_now): the offset maps one to the other */
        snprintf(s->about, sizeof s->about, "q detaches, it goes on; its lanes_now is tick + %.0f",
                 (double)about.start_mt / 1000.0);
    } else if (prog == NULL) {      /* --replay: the recording says what ran */
        play_about a;
        play_about_run(p, &a);
        s->replay = 1;
        s->prog = a.prog;
        s->rec_tick = a.tick_ns;
        s->base_tick = a.prog != NULL ? scn_tick_ns(a.prog) : a.tick_ns;
        s->speed = speed_index(1.0);
        s->cores = a.cores;
        s->quantum = a.quantum;
        snprintf(s->title, sizeof s->title, "%s", a.title);
    } else {
        s->base_tick = opts->tick_ns ? opts->tick_ns : scn_tick_ns(prog);
        s->speed = speed_index(opts->speed);
        s->cores = opts->cores > 0 ? opts->cores : scn_cores(prog);
        s->quantum = opts->quantum >= 0 ? opts->quantum : scn_quantum(prog);
    }
    s->base_quantum = s->quantum > 0 ? s->quantum : LANES_DEFAULT_QUANTUM;
    ui_model_init(&s->model, s->cores, s->quantum, namer, s);
    memset(&model, 0, sizeof model);
    model.feed = model_feed;
    model.ctx = s;
    play_add(p, &model);
    if (ui_history_init(&s->hist, namer, s) != 0) {
        fprintf(stderr, "lanes: out of memory\n");
        ui_model_free(&s->model);
        free(s);
        return EXIT_SYSTEM;
    }
    ui_history_fold(&s->hist, &hfold);
    play_add(p, &hfold);

    /* lanes inherit the mask: block before they are created */
    sigfd = ui_term_signals();
    s->sigfd = sigfd;
    if (start_run(s, opts->paused, err, sizeof err) != 0) {
        s->write_failed = play_error(p) != NULL;   /* said here, not again */
        if (s->write_failed)        /* a fold could not start: the recording */
            fprintf(stderr, "lanes: %s\n", play_error(p));
        else
            fprintf(stderr, "lanes: cannot start the scenario: %s\n", err);
        status = EXIT_SYSTEM;
        goto out;
    }
    ui_term_crash_handlers();       /* after the runtime's own handler */
    /* out of memory ends the process (status 1): the terminal first (main
     * set the same for the other folds) */
    scn_on_out_of_memory(ui_term_restore_for_exit);
    if (ui_term_start(!opts->no_mouse) != 0) {
        fprintf(stderr, "lanes: no terminal description for TERM=%s; set TERM to one this "
                        "system knows (such as xterm), or use --headless\n", getenv("TERM"));
        status = EXIT_USAGE;
        goto out;
    }
    colour = !opts->no_color && !(nc != NULL && *nc != '\0');
    utf8 = !opts->ascii && strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
    s->view.m = &s->model;
    s->view.title = s->replay || s->attached ? s->title : scn_title(prog);
    s->view.replay = s->replay;
    s->view.who = s->attached ? s->who : NULL;
    s->view.attached = s->attached;
    s->view.who_pid = s->who_pid;
    s->view.about = s->prog != NULL ? scn_about(s->prog)
                  : s->attached ? s->about : "";
    s->view.no_items = s->prog != NULL && !scn_has_items(s->prog);
    s->view.cpus = lanes_online_cpus();
    s->view.tick_s = (double)s->base_tick / 1e9;     /* seconds a tick at 1x */
    s->view.speed = speeds[s->speed].name;
    s->view.src_ctx = s;
    s->view.src_line_of = line_of;
    s->view.src_program = program_of;
    s->view.src_file = s->prog != NULL ? scn_filename(s->prog) : "";
    ui_draw_setup(&s->view, colour, utf8);
    say_warnings(s, messages);

    status = loop(s, sigfd);
    if (s->write_failed)            /* the trace could not be written, or the
                                       recording read on (bad input): said below */
        status = s->replay && play_error_from(p) == PLAY_FROM_SOURCE ? EXIT_USAGE : EXIT_SYSTEM;

    ui_term_stop();
out:
    /* the folds' ends (the recording's end hook, then the trace closed,
     * their write errors) after the terminal is back, before the run stops */
    s->fold_now = mono_ms();
    play_end_as(p, s->ended == SCN_DONE + 1 ? "done" : s->ended == SCN_DEADLOCK + 1 ?
                "deadlock" : s->ended == SCN_FAULT + 1 ? "fault" : "stopped", status);
    if (play_finish(p, err, sizeof err) != 0 && !s->write_failed) {
        fprintf(stderr, "lanes: %s\n", err);
        if (status == EXIT_DONE)
            status = EXIT_SYSTEM;
    }
    play_stop(p);
    s->running = 0;
    if (s->end_text != NULL && status < 128)
        fputs(s->end_text, stderr);
    fputs(s->write_err, stderr);
    if (sigfd >= 0)
        close(sigfd);
    ui_model_free(&s->model);
    ui_history_free(&s->hist);
    free(s->end_text);
    free(s);
    return status;
}
