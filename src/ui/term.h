/*
 * term.h - the terminal around the screen: refusing what is not a terminal,
 * signals, curses start and stop, holding stderr, Ctrl-Z, crash restore.
 */
#ifndef LANES_UI_TERM_H
#define LANES_UI_TERM_H

/* 0 when stdin and stdout are a usable terminal; otherwise prints one line
 * pointing to --headless (nothing else, no escapes) and returns EXIT_USAGE. */
int ui_term_check(void);

/* Blocks every asynchronous signal in the calling (UI) thread, so threads
 * it creates afterwards (the lanes) inherit the mask, and opens a
 * signalfd for the ones the UI handles.  Returns the descriptor, or -1. */
int ui_term_signals(void);

/* Crash signals (SEGV, BUS, ABRT, FPE, ILL) restore the terminal, say so
 * on stderr and go on to the handler that was there before (so install
 * after the runtime installed its own): a sent signal kills at once, a
 * fault repeats under the old handler.  Once per process. */
void ui_term_crash_handlers(void);

/* For a process about to end at once (out of memory, any thread): the
 * terminal back as it was before curses, and the held stderr printed,
 * without curses; async-signal-safe.  Once per process, shared with the
 * crash handlers. */
void ui_term_restore_for_exit(void);

/* Starts curses on stdin/stdout; from here on stderr is held in a file.
 * 0, or -1 with nothing changed. */
int ui_term_start(int mouse);

/* Ends curses, restores the terminal, then lets stderr through again and
 * prints what was held. Safe to call twice. */
void ui_term_stop(void);

/* The next pending signal from fd (0: none). */
int ui_term_next_signal(int fd);

/* Ctrl-Z: restores the terminal, stops the process, and on fg takes the
 * screen back with the size read anew. */
void ui_term_suspend(void);

/* Reads the terminal's size and tells curses. */
void ui_term_resize(void);

#endif
