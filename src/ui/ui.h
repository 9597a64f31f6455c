/*
 * ui.h - the terminal user interface: plays a scenario on screen.
 */
#ifndef LANES_UI_H
#define LANES_UI_H

#include "options.h"
#include "scn/scn.h"

/* Plays `prog` until the user quits or it ends; returns an exit status
 * (options.h).  Restores the terminal on every way out.  `messages`: what
 * scn_load said (may be NULL); its warnings show on the message line. */
int ui_main(const lanes_opts *opts, scn_program *prog, const char *messages);

#endif
