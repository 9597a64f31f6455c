/*
 * out.h - what leaves the process without a screen: the headless summary
 * (text or JSON) and the Chrome Trace Event export.
 */
#ifndef LANES_OUT_H
#define LANES_OUT_H

#include "options.h"
#include "scn/scn.h"

/* Runs `prog` to its end without a terminal and prints the summary to
 * stdout; returns an exit status (options.h). */
int out_headless(const lanes_opts *opts, scn_program *prog);

#endif
