/*
 * ui.h - the terminal user interface: plays a scenario on screen.
 */
#ifndef LANES_UI_H
#define LANES_UI_H

#include "options.h"
#include "scn/scn.h"
#include "play/play.h"

/* What must be right before the screen starts (a terminal; no --trace -).
 * 0, or the exit status, said on stderr.  Sets the locale. */
int ui_check(const lanes_opts *opts);

/* Plays `prog` on the pump `p` (main added the other folds to it; the
 * model is added here) until the user quits or it ends; returns an
 * exit status (options.h).  Restores the terminal on every way out.  A
 * fold's write error ends the screen, exit 1, its message said after the
 * terminal is back.  Finishes the pump's folds; the caller frees it.
 * `messages`: what scn_load said (may be NULL); its warnings show on the
 * message line. */
int ui_main(const lanes_opts *opts, scn_program *prog, const char *messages, play *p);

/* The terminal back as it was, from anywhere (async-signal-safe): for
 * out-of-memory hooks. */
void ui_restore_for_exit(void);

#endif
