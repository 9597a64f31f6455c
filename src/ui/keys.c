/*
 * keys.c - the one key table.  The help screen, the hint line and the key
 * dispatch in ui.c are all generated from it, so they cannot disagree.
 */
#include "config.h"

#if defined(HAVE_NCURSESW_CURSES_H)
#include <ncursesw/curses.h>
#else
#include <curses.h>
#endif

#include "ui/draw.h"

#define ESC 27

const ui_key ui_keys[] = {
    { { ' ', 'Z', 'z', 0 },        "space  Z",    UI_ACT_PAUSE,
      "pause / resume; runtime time stops too", "space pause" },
    { { 's', 0 },                  "s  Right",    UI_ACT_STEP,
      "paused: each running core does 1 tick", "s step" },
    /* history: one line of help for six keys, so the legend keeps its room */
    { { KEY_LEFT, 0 },             "Left Home [ ]", UI_ACT_HIST_PREV,
      "history: back, first, decisions; End: now", NULL },
    { { KEY_RIGHT, 0 },            NULL,          UI_ACT_HIST_NEXT, NULL, NULL },
    { { KEY_HOME, 0 },             NULL,          UI_ACT_HIST_FIRST, NULL, NULL },
    { { KEY_END, 0 },              NULL,          UI_ACT_HIST_END, NULL, NULL },
    { { '[', 0 },                  NULL,          UI_ACT_HIST_DPREV, NULL, NULL },
    { { ']', 0 },                  NULL,          UI_ACT_HIST_DNEXT, NULL, NULL },
    { { '+', '=', 0 },             "+ - 1...9",   UI_ACT_CORE_MORE,
      "one core more / less; 1 to 9 cores", "+/- cores" },
    { { '-', '_', 0 },             NULL,          UI_ACT_CORE_LESS, NULL, NULL },
    { { '1', 0 },                  NULL,          UI_ACT_CORES_N,
      NULL, "1-9 cores" },
    { { '>', '.', 0 },             ">  <",        UI_ACT_FASTER,
      "faster / slower: 1/16x .. 64x, max", "</> speed" },
    { { '<', ',', 0 },             NULL,          UI_ACT_SLOWER, NULL, NULL },
    { { 'c', 'C', 0 },             "c",           UI_ACT_COMPARE,
      "compare 1 core with these, together", "c compare" },
    { { 'p', 'P', 0 },             "p",           UI_ACT_PREEMPT,
      "preemption on/off (off: run to block)", "p preempt" },
    { { 'r', 'R', 0 },             "r",           UI_ACT_RESTART,
      "restart with the current settings", "r restart" },
    { { '\t', KEY_DOWN, 0 },       "Tab  Shift-Tab", UI_ACT_NEXT,
      "select next / previous (or click it)", "Tab select" },
    { { KEY_BTAB, KEY_UP, 0 },     NULL,          UI_ACT_PREV, NULL, NULL },
    { { '\n', '\r', KEY_ENTER, 0 }, "Enter",      UI_ACT_DETAIL,
      "selected routine: program, counters", "Enter detail" },
    { { ESC, KEY_BACKSPACE, 0 },   "Esc",         UI_ACT_BACK,
      "close help or detail; hide the side pane", NULL },
    { { KEY_PPAGE, 0 },            "PgUp  PgDn",  UI_ACT_SCROLL_UP,
      "scroll lanes, or the pages of this help", NULL },
    { { KEY_NPAGE, 0 },            NULL,          UI_ACT_SCROLL_DOWN, NULL, NULL },
    { { '?', 'h', KEY_F(1), 0 },   "?  F1",       UI_ACT_HELP,
      "this help", "? help" },
    { { 'q', 'Q', KEY_F(10), 0 },  "q  F10",      UI_ACT_QUIT,
      "quit (the terminal is restored)", "q quit" },
    { { 0 }, NULL, UI_ACT_NONE, NULL, NULL }
};

int ui_key_action(int code)
{
    int i, j;

    if (code >= '1' && code <= '9')
        return UI_ACT_CORES_N;
    for (i = 0; ui_keys[i].action != UI_ACT_NONE; i++)
        for (j = 0; j < 4 && ui_keys[i].codes[j] != 0; j++)
            if (ui_keys[i].codes[j] == code)
                return ui_keys[i].action;
    return UI_ACT_NONE;
}
