/*
 * main.c - the command line.  Parses options (DESIGN section 7), loads the
 * scenario, and hands it to exactly one of: the terminal UI, or a headless
 * run.  Owns nothing else: every other function lives in a layer library.
 * Messages go to stderr as "lanes: ..." with a hint; bad usage exits 2.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "scn/scn.h"
#include "ui/ui.h"
#include "out/out.h"

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

int main(int argc, char **argv)
{
    lanes_opts o;
    scn_result res;
    int status;

    status = cli_parse(argc, argv, &o, stdout, stderr);
    if (status == EXIT_DONE)
        return stdout_done(status);
    if (status >= 0)
        return status;
    if (o.replay != NULL)
        return out_replay(&o);
    res = scn_load(o.scenario);
    if (res.messages != NULL)
        cli_put_clean(stderr, res.messages);
    if (res.prog == NULL) {
        scn_result_free(&res);
        return EXIT_USAGE;
    }
    status = o.sweep_n != 0 ? out_sweep(&o, res.prog)
           : o.headless ? out_headless(&o, res.prog) : ui_main(&o, res.prog, res.messages);
    scn_result_free(&res);
    return status;
}
