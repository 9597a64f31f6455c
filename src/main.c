/*
 * main.c - the command line.  Parses options (DESIGN section 7), loads the
 * scenario, and hands it to exactly one of: the terminal UI, or a headless
 * run.  Owns nothing else: every other function lives in a layer library.
 * Messages go to stderr as "lanes: ..." with a hint; bad usage exits 2.
 */
#include "config.h"

#include <stdio.h>

#include "cli.h"
#include "scn/scn.h"
#include "ui/ui.h"
#include "out/out.h"

int main(int argc, char **argv)
{
    lanes_opts o;
    scn_result res;
    int status;

    status = cli_parse(argc, argv, &o, stdout, stderr);
    if (status >= 0)
        return status;
    res = scn_load(o.scenario);
    if (res.messages != NULL)
        fputs(res.messages, stderr);
    if (res.prog == NULL) {
        scn_result_free(&res);
        return EXIT_USAGE;
    }
    status = o.headless ? out_headless(&o, res.prog) : ui_main(&o, res.prog);
    scn_result_free(&res);
    return status;
}
