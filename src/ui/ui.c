/* ui.c - placeholder until the terminal UI lands. */
#include <stdio.h>
#include "ui/ui.h"

int ui_main(const lanes_opts *opts, scn_program *prog)
{
    (void)opts; (void)prog;
    fprintf(stderr, "lanes: the terminal UI is not built yet\n");
    return EXIT_SYSTEM;
}
