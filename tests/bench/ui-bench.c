/*
 * ui-bench.c - the cost of the screen (issue 7, row 9): folding events into
 * the UI model, and drawing frames of a busy model.  Placeholder until the
 * UI model and its drawing land: no rows yet.
 */
#include "config.h"
#include "bench.h"

static bench_row ui_rows[] = {
    { NULL, 0, NULL, NULL, NULL, NULL }
};

bench_row *bench_ui_rows(void)
{
    return ui_rows;
}
