/*
 * term.c - the terminal around the screen.
 *
 * Owns: the saved terminal settings, the held-stderr file, the signal mask
 * of the UI thread and the crash handlers.  Invariant: whatever way the
 * process leaves (q, a signal, a crash), the terminal gets back the settings
 * it had before curses started, and nothing is written to the terminal
 * while curses owns it except by curses.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <unistd.h>

#if defined(HAVE_NCURSESW_CURSES_H)
#include <ncursesw/curses.h>
#include <ncursesw/term.h>
#else
#include <curses.h>
#include <term.h>
#endif

#include "options.h"
#include "ui/term.h"

static struct termios saved_tios;
static int have_tios;
static int curses_on;
static int held_fd = -1;       /* where stderr goes while curses runs  */
static int real_err = -1;      /* the real stderr, kept aside           */
static SCREEN *screen;
/* Set by the first crash handler to run, on whichever thread: a lock-free
 * atomic, since the second signal may land on another thread (a
 * sig_atomic_t is only safe against its own thread's handler). */
static atomic_int in_crash;

static const int crash_sigs[] = { SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL };
static struct sigaction old_crash[sizeof crash_sigs / sizeof crash_sigs[0]];

int ui_term_check(void)
{
    const char *term = getenv("TERM");
    int err = 0;

    if (!isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO) || term == NULL
        || *term == '\0' || strcmp(term, "dumb") == 0) {
        fprintf(stderr, "lanes: the screen needs a terminal (TERM set, input and output a "
                        "tty); use --headless for a summary without one\n");
        return EXIT_USAGE;
    }
    /* asked before anything starts (and before newterm, which leaks when
     * it fails): is there a description of this terminal? */
    if (setupterm(NULL, STDOUT_FILENO, &err) != OK) {
        fprintf(stderr, "lanes: no terminal description for TERM=%s; set TERM to one this "
                        "system knows (such as xterm), or use --headless\n", term);
        return EXIT_USAGE;
    }
    del_curterm(cur_term);
    return 0;
}

static void write_all(int fd, const char *s, size_t n)
{
    while (n > 0) {
        ssize_t k = write(fd, s, n);
        if (k <= 0) {
            if (k < 0 && errno == EINTR)
                continue;
            return;
        }
        s += k;
        n -= (size_t)k;
    }
}

/* Copies what was held back to the real stderr.  Async-signal-safe. */
static void release_stderr(void)
{
    char buf[4096];
    ssize_t k;

    if (real_err < 0)
        return;
    dup2(real_err, STDERR_FILENO);
    if (held_fd >= 0) {
        lseek(held_fd, 0, SEEK_SET);
        while ((k = read(held_fd, buf, sizeof buf)) > 0)
            write_all(STDERR_FILENO, buf, (size_t)k);
        close(held_fd);
        held_fd = -1;
    }
    close(real_err);
    real_err = -1;
}

/* The terminal back as it was, and stderr let through, without curses:
 * async-signal-safe, from any thread. */
static void restore_at_once(void)
{
    static const char restore[] =
        "\033[?1000l\033[?1002l\033[?1006l\033[0m\033[?25h\033[?1049l\r\n";

    if (curses_on) {
        write_all(STDOUT_FILENO, restore, sizeof restore - 1);
        if (have_tios)
            tcsetattr(STDIN_FILENO, TCSANOW, &saved_tios);
    }
    release_stderr();
}

void ui_term_restore_for_exit(void)
{
    if (!atomic_exchange(&in_crash, 1))
        restore_at_once();
}

static void crash_handler(int sig, siginfo_t *si, void *uc)
{
    static const char banner[] =
        "lanes: crashed (fatal signal); the terminal was restored. "
        "Please report this with the scenario and the keys pressed.\n";
    size_t i;

    if (atomic_exchange(&in_crash, 1))
        _exit(128 + sig);
    restore_at_once();
    write_all(STDERR_FILENO, banner, sizeof banner - 1);
    (void)uc;
    if (si == NULL || si->si_code <= 0) {
        /* sent by kill or raise: nothing to report, die of it (a core) */
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    /* a real fault: hand it to whoever had it before (the runtime's stack
     * overflow report, a sanitizer, or the default action); returning
     * repeats the fault under that handler */
    for (i = 0; i < sizeof crash_sigs / sizeof crash_sigs[0]; i++)
        if (crash_sigs[i] == sig)
            sigaction(sig, &old_crash[i], NULL);
}

void ui_term_crash_handlers(void)
{
    static int done;
    struct sigaction sa;
    size_t i;

    if (done)
        return;
    done = 1;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = crash_handler;
    sigemptyset(&sa.sa_mask);
    /* on the lanes' alternate stacks, so a stack overflow reaches us too */
    sa.sa_flags = SA_NODEFER | SA_SIGINFO | SA_ONSTACK;
    for (i = 0; i < sizeof crash_sigs / sizeof crash_sigs[0]; i++)
        sigaction(crash_sigs[i], &sa, &old_crash[i]);
}

/* Never runs: every signal it is set for stays blocked and is read from
 * the signalfd.  It is there so curses finds a handler already in place
 * and leaves these signals alone: curses would otherwise set SIGTSTP to
 * "ignore" while it writes to the screen, and a Ctrl-Z typed then would be
 * thrown away by the kernel. */
static void placeholder_handler(int sig)
{
    (void)sig;
}

int ui_term_signals(void)
{
    static const int mine[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH, SIGTSTP, SIGCONT };
    sigset_t all, handled;
    struct sigaction sa, old;
    size_t i;

    sigfillset(&all);
    for (i = 0; i < sizeof crash_sigs / sizeof crash_sigs[0]; i++)
        sigdelset(&all, crash_sigs[i]);
    sigdelset(&all, SIGTRAP);
    pthread_sigmask(SIG_BLOCK, &all, NULL);

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = placeholder_handler;
    sigemptyset(&sa.sa_mask);
    sigemptyset(&handled);
    for (i = 0; i < sizeof mine / sizeof mine[0]; i++) {
        /* what the parent set to be ignored (nohup) stays ignored */
        if (sigaction(mine[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
            continue;
        sigaction(mine[i], &sa, NULL);
        sigaddset(&handled, mine[i]);
    }
    return signalfd(-1, &handled, SFD_NONBLOCK | SFD_CLOEXEC);
}

int ui_term_next_signal(int fd)
{
    struct signalfd_siginfo si;
    ssize_t k;

    if (fd < 0)
        return 0;
    k = read(fd, &si, sizeof si);
    if (k != (ssize_t)sizeof si)
        return 0;
    return (int)si.ssi_signo;
}

static void hold_stderr(void)
{
    char path[] = "/tmp/lanes-stderr-XXXXXX";
    int fd;

    fflush(stderr);
    fd = mkstemp(path);
    if (fd < 0)
        return;
    unlink(path);
    real_err = dup(STDERR_FILENO);
    if (real_err < 0) {
        close(fd);
        return;
    }
    fcntl(real_err, F_SETFD, FD_CLOEXEC);
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    held_fd = fd;
    dup2(fd, STDERR_FILENO);
}

int ui_term_start(int mouse)
{
    if (tcgetattr(STDIN_FILENO, &saved_tios) == 0)
        have_tios = 1;
    screen = newterm(NULL, stdout, stdin);
    if (screen == NULL)
        return -1;
    set_term(screen);
    curses_on = 1;
    hold_stderr();
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    set_escdelay(25);
    curs_set(0);
    leaveok(stdscr, TRUE);
    if (mouse) {
        mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_RELEASED, NULL);
        mouseinterval(0);
    }
    return 0;
}

void ui_term_stop(void)
{
    if (curses_on) {
        endwin();
        curses_on = 0;
        if (have_tios)
            tcsetattr(STDIN_FILENO, TCSANOW, &saved_tios);
        delscreen(screen);
        screen = NULL;
    }
    release_stderr();
}

void ui_term_resize(void)
{
    struct winsize ws;

    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
        resize_term(ws.ws_row, ws.ws_col);
    clearok(curscr, TRUE);
}

void ui_term_suspend(void)
{
    if (!curses_on)
        return;
    endwin();
    if (have_tios)
        tcsetattr(STDIN_FILENO, TCSANOW, &saved_tios);
    /* every thread has SIGTSTP blocked; SIGSTOP cannot be */
    kill(0, SIGSTOP);
    /* continued (fg): take the screen back */
    reset_prog_mode();
    ui_term_resize();
    refresh();
}
