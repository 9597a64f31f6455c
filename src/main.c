/*
 * main.c - the command line.  Parses options (DESIGN section 7), loads the
 * scenario, and hands it to exactly one of: the terminal UI, or a headless
 * run.  Owns nothing else: every other function lives in a layer library.
 * Messages go to stderr as "lanes: ..." with a hint; bad usage exits 2.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "scn/scn.h"
#include "play/play.h"
#include "rec/rec.h"
#include "ui/ui.h"
#include "ui/compare.h"
#include "report/out.h"
#include "report/record.h"
#include "report/summary.h"

/* What --help, --version and --list printed must arrive: a full disk or a
 * closed stdout is a system error, said on stderr. */
static int stdout_done(int status)
{
    int e;

    errno = 0;
    if (fflush(stdout) == 0 && !ferror(stdout))
        return status;
    e = errno != 0 ? errno : EIO;
    fprintf(stderr, "lanes: cannot write to standard output: %s\n", strerror(e));
    return EXIT_SYSTEM;
}

/* Wires one run on the pump `p` (src/play), whose source is a live
 * runtime running `prog` or a recording (--replay; prog NULL): the trace
 * writer as a fold when --trace asks for one (and the screen's recorder
 * for --record), then the screen or the headless run on it, which add
 * their own folds (the model; the summary).  Frees p. */
static int run_on(const lanes_opts *o, scn_program *prog, const char *messages, play *p)
{
    out_trace *tw;
    play_fold f;
    play_about a;
    char err[600];
    int status;

    if (o->trace != NULL) {
        tw = out_trace_open(o->trace, err, sizeof err);
        if (tw == NULL) {
            fprintf(stderr, "lanes: %s\n", err);
            play_free(p);
            return EXIT_SYSTEM;
        }
        play_about_run(p, &a);      /* a recording says it before its start */
        out_trace_note(tw, "scenario", prog != NULL ? (o->scenario != NULL ? o->scenario
                                                       : SCN_DEFAULT) : a.scenario);
        out_trace_note(tw, "title", prog != NULL ? scn_title(prog) : a.title);
        out_trace_program(tw, prog != NULL ? prog : a.prog);
        f = out_trace_fold(tw);
        play_add(p, &f);
    }
    if (o->record != NULL && !o->headless) {    /* headless: out_headless's own */
        f = out_record_screen_fold(o->record);
        play_add(p, &f);
    }
    status = o->headless ? out_headless(o, prog, p) : ui_main(o, prog, messages, p);
    play_free(p);
    return status;
}

static int run(const lanes_opts *o, scn_program *prog, const char *messages)
{
    play_source src;
    play *p;
    int status = o->headless ? out_headless_check(o, prog) : ui_check(o);

    if (status != 0)
        return status;
    if (o->sweep_n != 0)            /* one run per core count, each its own pump */
        return out_sweep(o, prog);
    if (o->compare_n != 0)          /* the same, kept and played back together */
        return ui_compare_main(o, prog);
    if (!o->headless)               /* the folds' out of memory: the terminal first */
        out_on_out_of_memory(ui_restore_for_exit);
    src = play_source_live(prog, o->scenario);
    p = src.ctx != NULL ? play_new_source(&src) : NULL;
    if (p == NULL) {
        fprintf(stderr, "lanes: out of memory\n");
        return EXIT_SYSTEM;
    }
    return run_on(o, prog, messages, p);
}

/* --replay FILE: the recording as the pump's source, through the folds a
 * live run has; headless, played to its end as fast as it reads; on the
 * screen, paced as it was recorded (the screen sets its speed). */
static int replay(const lanes_opts *o)
{
    play_source src;
    play *p;
    char err[600];
    int status = o->headless ? 0 : ui_check(o);

    if (status != 0)
        return status;
    /* the screen reads the whole file first: a damaged recording is said
     * before the screen opens, never halfway through its playback */
    if (!o->headless && rec_check(o->replay, err, sizeof err) != 0) {
        out_say(err);
        return EXIT_USAGE;
    }
    if (!o->headless)               /* the folds' out of memory: the terminal first */
        out_on_out_of_memory(ui_restore_for_exit);
    if (play_source_recording(o->replay, o->headless ? 0 : 1, &src, err, sizeof err) != 0) {
        out_say(err);
        return EXIT_USAGE;
    }
    p = play_new_source(&src);
    if (p == NULL) {
        fprintf(stderr, "lanes: out of memory\n");
        return EXIT_SYSTEM;
    }
    return run_on(o, NULL, NULL, p);
}

/* A program slow to say hello (or a socket that never will): said, and
 * q or Ctrl-C leave (1: not attached; 130) instead of a blank wait. */
static struct termios wait_tio;
static int wait_tio_set, wait_sig_set;
static struct sigaction wait_old_int;
static volatile sig_atomic_t wait_int;

static void wait_on_int(int sig)
{
    (void)sig;
    wait_int = 1;
}

static int attach_waiting(const char *path, int first)
{
    char b[32];
    ssize_t n;

    if (first) {
        struct sigaction sa;
        fprintf(stderr, "lanes: connecting to %s... (q or Ctrl-C leaves)\n", path);
        if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &wait_tio) == 0) {
            struct termios t = wait_tio;
            t.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
            t.c_cc[VMIN] = 0;
            t.c_cc[VTIME] = 0;
            wait_tio_set = tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0;
        }
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = wait_on_int;
        sigemptyset(&sa.sa_mask);
        wait_sig_set = sigaction(SIGINT, &sa, &wait_old_int) == 0;
    }
    if (wait_int)
        return 128 + SIGINT;
    while (wait_tio_set && (n = read(STDIN_FILENO, b, sizeof b)) > 0)
        for (ssize_t i = 0; i < n; i++)
            if (b[i] == 'q' || b[i] == 'Q')
                return EXIT_SYSTEM;
    return 0;
}

/* After the wait: the terminal and Ctrl-C as they were. */
static void attach_waited(void)
{
    if (wait_tio_set)
        tcsetattr(STDIN_FILENO, TCSANOW, &wait_tio);
    wait_tio_set = 0;
    if (wait_sig_set)
        sigaction(SIGINT, &wait_old_int, NULL);
    wait_sig_set = 0;
}

/* lanes attach PATH: the program serving its trace at PATH as the
 * pump's source, on the screen or headless. */
static int attach(const lanes_opts *o)
{
    play_source src;
    play *p;
    char err[600];
    int status, r;

    r = play_source_attach(o->attach, attach_waiting, &src, err, sizeof err, &status);
    attach_waited();
    if (r != 0) {
        out_say(err);
        return status;
    }
    if (!o->headless && (status = ui_check(o)) != 0) {
        src.free(src.ctx);          /* detached: the program goes on */
        return status;
    }
    if (!o->headless)
        out_on_out_of_memory(ui_restore_for_exit);
    p = play_new_source(&src);
    if (p == NULL) {
        fprintf(stderr, "lanes: out of memory\n");
        return EXIT_SYSTEM;
    }
    return run_on(o, NULL, NULL, p);
}

int main(int argc, char **argv)
{
    lanes_opts o;
    scn_result res;
    int status;

    /* The variable is for programs built on the runtime: lanes reads its
     * own runtimes' traces and serves no console of its own. */
    unsetenv("LANES_CONSOLE");
    status = cli_parse(argc, argv, &o, stdout, stderr);
    if (status == EXIT_DONE)
        return stdout_done(status);
    if (status >= 0)
        return status;
    if (o.attach != NULL)
        return attach(&o);
    if (o.replay != NULL)
        return replay(&o);
    res = scn_load(o.scenario);
    if (res.messages != NULL)
        cli_put_clean(stderr, res.messages);
    if (res.prog == NULL) {
        scn_result_free(&res);
        return EXIT_USAGE;
    }
    status = run(&o, res.prog, res.messages);
    scn_result_free(&res);
    return status;
}
