/*
 * compare_ui.c - the comparison on the screen: makes the runs (compare.c)
 * while it shows their progress, then plays them back together with the
 * keys of its own table, ui_cmp_keys.  Entered from the command line
 * (`--compare`, ui_compare_main: it starts and stops the terminal) or from
 * the live screen's c key (ui_compare_screen: curses already runs, the
 * live run is paused by the caller so the runs have the CPUs alone).
 *
 * Owns: the ui_cmp of one comparison and its view.  All curses calls on
 * this thread.  Every way out (q, a signal, an error) frees the runs; the
 * caller restores the terminal.
 */
#include "config.h"

#include <errno.h>
#include <langinfo.h>
#include <poll.h>
#include <signal.h>
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

#include "ui/compare.h"
#include "ui/term.h"

#define ESC 27
#define CMP_FRAME_MS   33          /* playing: 30 frames a second            */
#define CMP_IDLE_MS    500         /* paused: look at the terminal this often */
#define CMP_PROGRESS_MS 100        /* a progress frame at most this often     */
#define CMP_ENDLESS_TICKS 1000     /* a scenario that runs forever, no --for  */

const ui_key ui_cmp_keys[] = {
    { { ' ', 'Z', 'z', 0 },            "space",       UI_CMP_PLAY,
      "play / pause every run together", "space play" },
    { { KEY_RIGHT, 's', 0 },           "Right  s",    UI_CMP_STEP,
      "one tick forward (pauses first)", "\xe2\x86\x90/\xe2\x86\x92 step" },
    { { KEY_LEFT, 'b', 0 },            "Left  b",     UI_CMP_STEP_BACK,
      "one tick back (pauses first)", NULL },
    { { KEY_NPAGE, 0 },                "PgDn  PgUp",  UI_CMP_PAGE_FWD,
      "a screen's width of ticks forward / back", NULL },
    { { KEY_PPAGE, 0 },                NULL,          UI_CMP_PAGE_BACK, NULL, NULL },
    { { KEY_HOME, 'g', 0 },            "Home  End",   UI_CMP_HOME,
      "to the start / to the end", "Home/End start/end" },
    { { KEY_END, 'G', 0 },             NULL,          UI_CMP_END, NULL, NULL },
    { { '>', '.', '+', '=' },          ">  <  +  -",  UI_CMP_FASTER,
      "faster / slower: 1/16x .. 64x, max", "</> speed" },
    { { '<', ',', '-', '_' },          NULL,          UI_CMP_SLOWER, NULL, NULL },
    { { '?', 'h', KEY_F(1), 0 },       "?  F1",       UI_CMP_HELP,
      "this help", "? help" },
    { { 'q', 'Q', ESC, KEY_F(10) },    "q  Esc",      UI_CMP_QUIT,
      "leave the comparison", "q leave" },
    { { 0 }, NULL, UI_ACT_NONE, NULL, NULL }
};

/* speeds, as the live screen's: factors of the scenario's tick at 1x */
static const struct { double x; const char *name; } speeds[] = {
    { 1.0 / 16, "1/16x" }, { 1.0 / 8, "1/8x" }, { 1.0 / 4, "1/4x" }, { 1.0 / 2, "1/2x" },
    { 1, "1x" }, { 2, "2x" }, { 4, "4x" }, { 8, "8x" }, { 16, "16x" }, { 32, "32x" },
    { 64, "64x" }, { 256, "max" }
};
#define NSPEEDS ((int)(sizeof speeds / sizeof speeds[0]))

typedef struct cmp_ui {
    ui_cmp_view v;
    ui_cmp     *c;
    int         sigfd;
    int         sig;               /* a signal that ends the program          */
    int         quit;
    int         speed;             /* index into speeds                        */
    double      ticks_per_s_1x;    /* the scenario's ticks a second at 1x      */
    double      pos;               /* playback position, ticks (fractional)    */
    uint64_t    last_draw;         /* mono ms of the latest progress frame     */
    long        frames, max_frames;
    int         cores[UI_CMP_MAX];  /* the runs' core counts                 */
} cmp_ui;

static uint64_t mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static int key_action(int code)
{
    int i, j;

    for (i = 0; ui_cmp_keys[i].action != UI_ACT_NONE; i++)
        for (j = 0; j < 4 && ui_cmp_keys[i].codes[j] != 0; j++)
            if (ui_cmp_keys[i].codes[j] == code)
                return ui_cmp_keys[i].action;
    return UI_ACT_NONE;
}

static void show(cmp_ui *u)
{
    u->v.speed = speeds[u->speed].name;
    ui_cmp_draw(&u->v);
    wnoutrefresh(stdscr);
    doupdate();
    u->frames++;
}

/* The signals the UI takes: 1 when one ends the program (u->sig). */
static int signals(cmp_ui *u)
{
    int sig;

    while ((sig = ui_term_next_signal(u->sigfd)) != 0) {
        switch (sig) {
        case SIGWINCH: case SIGCONT:
            ui_term_resize();
            break;
        case SIGTSTP:
            ui_term_suspend();
            break;
        default:                    /* INT, TERM, HUP, QUIT */
            u->sig = sig;
            return 1;
        }
    }
    return 0;
}

/* Between pumps of a run being made: its progress, and q or a signal. */
static int progress(void *ctx, int i, int n, uint64_t now_mt)
{
    cmp_ui *u = ctx;
    uint64_t now = mono_ms();
    int code;

    ui_term_crash_handlers();       /* after the runtime's own (once) */
    u->v.make_i = i;
    u->v.make_n = n;
    u->v.make_cores = u->cores[i];
    u->v.make_mt = now_mt;
    if (signals(u))
        return 1;
    while ((code = getch()) != ERR)
        if (key_action(code) == UI_CMP_QUIT) {
            u->quit = 1;
            return 1;
        }
    if (now - u->last_draw >= CMP_PROGRESS_MS) {
        u->last_draw = now;
        show(u);
    }
    return 0;
}

/* Makes the runs with progress on the screen.  0, 1 when stopped, -1
 * with the message in err. */
static int make_runs(cmp_ui *u, const lanes_opts *o, const scn_program *prog, const int *cores,
                     int n, char *err, size_t errlen)
{
    ui_cmp_plan pl;
    int rc;

    ui_cmp_plan_from(&pl, o, cores, n);
    if (pl.for_ticks == 0 && scn_endless_line(prog) != 0)
        pl.for_ticks = CMP_ENDLESS_TICKS;
    u->c = ui_cmp_new();
    if (u->c == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    u->v.c = u->c;                  /* the runs made so far: on the progress screen */
    u->v.making = 1;
    u->v.make_n = n;
    u->v.make_i = 0;
    u->v.make_cores = cores[0];
    for (rc = 0; rc < n; rc++)
        u->cores[rc] = cores[rc];
    show(u);
    u->last_draw = mono_ms();
    rc = ui_cmp_make(u->c, prog, &pl, progress, u, err, errlen);
    u->v.making = 0;
    if (rc != 0)
        return rc;
    u->v.c = u->c;
    ui_cmp_seek(u->c, 0);
    if (o->for_ticks == 0 && pl.for_ticks != 0)
        snprintf(u->v.message, sizeof u->v.message, "%s can run forever: each run stopped "
                 "at %ld ticks (--for sets where)", scn_title(prog), pl.for_ticks);
    return 0;
}

/* Moves playback to tick t (clamped), pausing if asked. */
static void go(cmp_ui *u, double t, int pause)
{
    if (t < 0)
        t = 0;
    if (t > (double)u->c->end_tick)
        t = (double)u->c->end_tick;
    u->pos = t;
    ui_cmp_seek(u->c, (uint64_t)t);
    if (pause)
        u->v.playing = 0;
}

static void act(cmp_ui *u, int action)
{
    double page = COLS > 40 ? COLS - 40 : 10;

    switch (action) {
    case UI_CMP_PLAY:
        if (!u->v.playing && u->c->tick >= u->c->end_tick)
            go(u, 0, 0);            /* at the end: from the start again */
        u->v.playing = !u->v.playing;
        break;
    case UI_CMP_STEP:      go(u, (double)u->c->tick + 1, 1); break;
    case UI_CMP_STEP_BACK: go(u, u->c->tick > 0 ? (double)u->c->tick - 1 : 0, 1); break;
    case UI_CMP_PAGE_FWD:  go(u, (double)u->c->tick + page, 1); break;
    case UI_CMP_PAGE_BACK: go(u, (double)u->c->tick - page, 1); break;
    case UI_CMP_HOME:      go(u, 0, 1); break;
    case UI_CMP_END:       go(u, (double)u->c->end_tick, 1); break;
    case UI_CMP_FASTER:
        if (u->speed < NSPEEDS - 1)
            u->speed++;
        break;
    case UI_CMP_SLOWER:
        if (u->speed > 0)
            u->speed--;
        break;
    case UI_CMP_HELP:
        u->v.help = !u->v.help;
        break;
    case UI_CMP_QUIT:
        if (u->v.help)
            u->v.help = 0;
        else
            u->quit = 1;
        break;
    default:
        break;
    }
}

/* Playback until q or a signal. */
static void play_back(cmp_ui *u, int paused)
{
    uint64_t last = mono_ms();
    int code;

    u->v.playing = !paused;
    while (!u->quit && !u->sig) {
        struct pollfd pf[2];
        uint64_t now = mono_ms();
        int n = 1;

        if (u->v.playing) {
            double rate = u->ticks_per_s_1x * speeds[u->speed].x;
            go(u, u->pos + rate * (double)(now - last) / 1000.0, 0);
            if (u->c->tick >= u->c->end_tick)
                u->v.playing = 0;   /* the end stays; space plays it again */
        }
        last = now;
        show(u);
        if (u->max_frames > 0 && u->frames >= u->max_frames)
            break;
        pf[0].fd = STDIN_FILENO;
        pf[0].events = POLLIN;
        pf[1].fd = u->sigfd;
        pf[1].events = POLLIN;
        if (u->sigfd >= 0)
            n = 2;
        if (poll(pf, (nfds_t)n, u->v.playing ? CMP_FRAME_MS : CMP_IDLE_MS) < 0 && errno != EINTR)
            break;
        if (signals(u))
            break;
        if (pf[0].revents & (POLLHUP | POLLERR | POLLNVAL)) {
            u->sig = SIGHUP;        /* the terminal went away */
            break;
        }
        while ((code = getch()) != ERR && !u->quit)
            if (code != KEY_RESIZE && code != KEY_MOUSE)
                act(u, key_action(code));
    }
}

static int speed_index(double x)
{
    int i, best = 4;
    double bd = 1e9;

    if (x <= 0 || x >= LANES_SPEED_MAX)
        return x <= 0 ? 4 : NSPEEDS - 1;
    for (i = 0; i < NSPEEDS - 1; i++) {
        double d = speeds[i].x > x ? speeds[i].x / x : x / speeds[i].x;
        if (d < bd) {
            bd = d;
            best = i;
        }
    }
    return best;
}

/* One comparison on a running screen: make, then play.  0 when left with
 * q (or the runs were stopped with q), 128+N on signal N, -1 with the
 * message in err when a run could not be made. */
static int session(cmp_ui *u, const lanes_opts *o, const scn_program *prog, const int *cores, int n,
                   int paused, char *err, size_t errlen)
{
    uint64_t tick1x = o->tick_ns != 0 ? o->tick_ns : scn_tick_ns(prog);
    int rc;

    u->v.title = scn_title(prog);
    u->v.utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0 && !o->ascii;
    u->v.cpus = lanes_online_cpus();
    u->ticks_per_s_1x = 1e9 / (double)(tick1x != 0 ? tick1x : 50000000u);
    u->max_frames = o->frames;
    rc = make_runs(u, o, prog, cores, n, err, errlen);
    if (rc == 0)
        play_back(u, paused);
    ui_cmp_free(u->c);
    u->c = NULL;
    if (u->sig != 0)
        return 128 + u->sig;
    return rc < 0 ? -1 : 0;
}

int ui_compare_screen(const lanes_opts *o, const scn_program *prog, const int *cores, int n,
                      int sigfd, double speed, int paused, char *msg, size_t msglen)
{
    cmp_ui *u = calloc(1, sizeof *u);
    int rc;

    if (u == NULL) {
        snprintf(msg, msglen, "compare: out of memory");
        return 0;
    }
    u->sigfd = sigfd;
    u->speed = speed <= 0 ? NSPEEDS - 1 : speed_index(speed);
    u->v.back = 1;
    msg[0] = '\0';
    rc = session(u, o, prog, cores, n, paused, msg, msglen);
    if (rc < 0) {
        char m[300];
        snprintf(m, sizeof m, "compare failed: %s", msg);
        snprintf(msg, msglen, "%s", m);
        rc = 0;
    }
    clearok(curscr, TRUE);          /* the live screen, whole again */
    free(u);
    return rc;
}

int ui_compare_main(const lanes_opts *o, scn_program *prog)
{
    cmp_ui *u = calloc(1, sizeof *u);
    ui_view setup;
    const char *nc = getenv("NO_COLOR");
    char err[600] = "";
    int rc, colour;

    if (u == NULL) {
        fprintf(stderr, "lanes: out of memory\n");
        return EXIT_SYSTEM;
    }
    u->sigfd = ui_term_signals();
    u->speed = speed_index(o->speed);
    scn_on_out_of_memory(ui_term_restore_for_exit);
    if (ui_term_start(!o->no_mouse) != 0) {
        fprintf(stderr, "lanes: no terminal description for TERM=%s; set TERM to one this "
                        "system knows (such as xterm)\n", getenv("TERM"));
        free(u);
        return EXIT_USAGE;
    }
    colour = !o->no_color && !(nc != NULL && *nc != '\0');
    memset(&setup, 0, sizeof setup);
    ui_draw_setup(&setup, colour,
                  !o->ascii && strcmp(nl_langinfo(CODESET), "UTF-8") == 0);
    rc = session(u, o, prog, o->compare, o->compare_n, o->paused, err, sizeof err);
    ui_term_stop();
    if (u->sigfd >= 0)
        close(u->sigfd);
    free(u);
    if (rc < 0) {
        fprintf(stderr, "lanes: compare: %s\n", err);
        return EXIT_SYSTEM;
    }
    return rc;
}
