/*
 * cli.h - the command line parser (cli.c), apart from main() so that tests
 * and the fuzz harness can call it.
 */
#ifndef LANES_CLI_H
#define LANES_CLI_H

#include <stdio.h>
#include "options.h"

/* Parses argv into *o.  Returns -1 when the program should go on and run
 * o->scenario, or an exit status when it should stop now: 0 after --help,
 * --version or --list (printed to `out`), EXIT_USAGE after a message on `err`.
 * Not reentrant (getopt). */
int cli_parse(int argc, char **argv, lanes_opts *o, FILE *out, FILE *err);

/* Writes s to f with each control character but newline and tab shown as
 * '?', so a file name or an argument cannot garble the terminal. */
void cli_put_clean(FILE *f, const char *s);

#endif
