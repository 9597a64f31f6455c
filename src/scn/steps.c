/*
 * steps.c - the one table of steps.  The parser takes each step's name,
 * argument kind and block role from here, the help text prints its usage
 * and help, and the interpreter calls its run function: adding a step is
 * adding a row (and its run function in interp.c).
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "scn/scn_int.h"

const scn_stepdef scn_steps[SCN_OP_COUNT] = {
    [SCN_OP_WORK]    = { "work", SCN_OP_WORK, SCN_ARG_AMOUNT, SCN_BLK_NONE, "work A[..B]",
        "A (to B, at random) ticks of real CPU work on the routine's lane", scn_run_work },
    [SCN_OP_SLEEP]   = { "sleep", SCN_OP_SLEEP, SCN_ARG_AMOUNT, SCN_BLK_NONE, "sleep A[..B]",
        "wait A (to B) ticks off-core: no lane is used", scn_run_sleep },
    [SCN_OP_SEND]    = { "send", SCN_OP_SEND, SCN_ARG_CHAN, SCN_BLK_NONE, "send CH",
        "send the item held (or a new one) on channel CH; blocks while CH is full", scn_run_send },
    [SCN_OP_RECV]    = { "recv", SCN_OP_RECV, SCN_ARG_CHAN, SCN_BLK_NONE, "recv CH",
        "receive an item from CH and hold it; blocks while CH is empty", scn_run_recv },
    [SCN_OP_CLOSE]   = { "close", SCN_OP_CLOSE, SCN_ARG_CHAN, SCN_BLK_NONE, "close CH",
        "close CH: receivers drain it, then see it closed", scn_run_close },
    [SCN_OP_YIELD]   = { "yield", SCN_OP_YIELD, SCN_ARG_NONE, SCN_BLK_NONE, "yield",
        "give the lane to the next runnable routine", scn_run_yield },
    [SCN_OP_SPAWN]   = { "spawn", SCN_OP_SPAWN, SCN_ARG_ROUTINE, SCN_BLK_NONE, "spawn ROUTINE",
        "start one more instance of ROUTINE", scn_run_spawn },
    [SCN_OP_NOTE]    = { "note", SCN_OP_NOTE, SCN_ARG_NOTE, SCN_BLK_NONE, "note \"TEXT\" [pause]",
        "narration: shows TEXT on the screen when the routine gets here; with"
        " 'pause' the screen pauses there until space", scn_run_note },
    [SCN_OP_REPEAT]  = { "repeat", SCN_OP_REPEAT, SCN_ARG_COUNT, SCN_BLK_OPEN, "repeat N ... end",
        "run the steps up to 'end' N times", scn_run_repeat },
    [SCN_OP_FOREVER] = { "forever", SCN_OP_FOREVER, SCN_ARG_NONE, SCN_BLK_OPEN, "forever ... end",
        "run the steps up to 'end' again and again", scn_run_forever },
    [SCN_OP_RANGE]   = { "range", SCN_OP_RANGE, SCN_ARG_CHAN, SCN_BLK_OPEN, "range CH ... end",
        "receive from CH and run the steps for each item, until CH is closed and drained",
        scn_run_range },
    [SCN_OP_SELECT]  = { "select", SCN_OP_SELECT, SCN_ARG_NONE, SCN_BLK_OPEN, "select ... end",
        "wait for the first of its cases that can go; a random one when several can",
        scn_run_select },
    [SCN_OP_CASE]    = { "case", SCN_OP_CASE, SCN_ARG_CASE, SCN_BLK_PART, "case send CH | case recv CH",
        "inside select: a send or receive, followed by the steps to run when it goes",
        scn_run_part },
    [SCN_OP_DEFAULT] = { "default", SCN_OP_DEFAULT, SCN_ARG_NONE, SCN_BLK_PART, "default",
        "inside select: the steps to run when no case can go at once", scn_run_part },
    [SCN_OP_END]     = { "end", SCN_OP_END, SCN_ARG_NONE, SCN_BLK_CLOSE, "end",
        "closes routine, repeat, forever, range and select", scn_run_end },
};

static char help_text[6144];
static pthread_once_t help_once = PTHREAD_ONCE_INIT;

static void build_help(void)
{
    char *text = help_text;
    size_t o = 0;
    int i;

    o += (size_t)snprintf(text + o, sizeof help_text - o, "Declarations (outside routines):\n");
    for (i = 0; i < SCN_DECL_COUNT && o < sizeof help_text; i++)
        o += (size_t)snprintf(text + o, sizeof help_text - o, "  %-26s %s\n", scn_decls[i].usage,
                              scn_decls[i].help);
    if (o < sizeof help_text)
        o += (size_t)snprintf(text + o, sizeof help_text - o, "Steps (inside routines):\n");
    for (i = 0; i < SCN_OP_COUNT && o < sizeof help_text; i++)
        o += (size_t)snprintf(text + o, sizeof help_text - o, "  %-26s %s\n", scn_steps[i].usage,
                              scn_steps[i].help);
}

/* The language reference, built from the two tables. */
const char *scn_language_help(void)
{
    pthread_once(&help_once, build_help);
    return help_text;
}
