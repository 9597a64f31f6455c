/* headless.c - placeholder until headless runs land. */
#include <stdio.h>
#include "out/out.h"

int out_headless(const lanes_opts *opts, scn_program *prog)
{
    (void)opts; (void)prog;
    fprintf(stderr, "lanes: headless runs are not built yet\n");
    return EXIT_SYSTEM;
}
