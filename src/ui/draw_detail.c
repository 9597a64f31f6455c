/*
 * draw_detail.c - the selected routine's pane (the side pane on a wide
 * screen, the detail pane on Enter): where it is, its counters, its program
 * around its current step, and the latest decisions about it.
 * Must not: change the model or the selection.  Invariant: nothing is drawn
 * outside the box it is given.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ui/draw_int.h"
#include "scn/scn.h"

/* What the pane says with nothing selected: how to select, and the legend. */
static void detail_none(int y, int x, int xmax)
{
    draw_put(y++, x, xmax, A_NORMAL, "No routine selected:");
    draw_put(y++, x, xmax, A_NORMAL, "Tab or a click selects one.");
    y++;
    draw_put(y++, x, xmax, draw_role[R_LABEL], "on the lanes");
    draw_put(y++, x, xmax, A_NORMAL, "a coloured run: a routine on that core");
    draw_putf(y++, x, xmax, A_NORMAL, "%s idle   %s core off", draw_glyph->dot,
              draw_glyph->park);
    draw_putf(y++, x, xmax, A_NORMAL, "%s preempted (its slice ran out)", draw_glyph->pre);
    draw_putf(y++, x, xmax, A_NORMAL, "%s stolen from another core", draw_glyph->steal);
    draw_put(y++, x, xmax, A_NORMAL, "one column = one tick of runtime time");
}

/* Where r is, what it holds, its counters and its cores, from row y;
 * returns the row after (and a blank one). */
static int detail_counters(ui_view *v, const ui_routine *r, int y, int x0, int xmax)
{
    ui_model *m = v->m;
    const fold_routine *cnt = ui_model_counts(m, r->id);   /* the run state's */
    char buf[256];
    int x, l;

    x = draw_chip(v, y, x0, xmax, r->id, NULL);
    ui_model_place(m, r, buf, sizeof buf);
    x = draw_putf(y, x, xmax, A_NORMAL, "  %s", buf);
    y++;
    if (r->has_item)
        x = draw_putf(y, x0, xmax, A_NORMAL, "holds item " SCN_ITEM_TAG "%d %s ",
                      (int)r->item, draw_glyph->dot);
    else
        x = draw_putf(y, x0, xmax, A_NORMAL, "holds no item %s ", draw_glyph->dot);
    draw_putf(y++, x, xmax, A_NORMAL, "CPU %.1f ticks %s on a core %.1f",
              (double)cnt->cpu_mt / 1000.0, draw_glyph->dot,
              (double)ui_model_lane_mt(m, r) / 1000.0);
    draw_putf(y++, x0, xmax, A_NORMAL, "switches %u %s preempted %u %s stolen %u",
              cnt->switches, draw_glyph->dot, cnt->preemptions, draw_glyph->dot, r->steals);
    draw_putf(y++, x0, xmax, A_NORMAL, "waited on channels %u time%s, %.1f ticks%s",
              cnt->waits, cnt->waits == 1 ? "" : "s", (double)ui_model_wait_mt(m, r) / 1000.0,
              r->at == UI_AT_SEND || r->at == UI_AT_RECV || r->at == UI_AT_SELECT
              ? " (waiting now)" : "");
    x = draw_put(y, x0, xmax, A_NORMAL, "ran on cores:");
    if (r->lanes_mask == 0)
        draw_put(y, x, xmax, draw_role[R_DIM], " none yet");
    for (l = 0; l < 64; l++)
        if (r->lanes_mask & ((uint64_t)1 << l))
            x = draw_putf(y, x, xmax, A_NORMAL, " %d", l);
    return y + 2;
}

/* r's program from row y, its current step in the middle and marked, in
 * the rows above `bottom`; returns the row after. */
static int detail_program(ui_view *v, const ui_routine *r, int y, int x0, int xmax,
                          int bottom)
{
    int line, i, first_line = 1;
    const char *prog;

    line = v->src_line_of != NULL ? v->src_line_of(v->src_ctx, r->id) : 0;
    prog = v->src_program != NULL ? v->src_program(v->src_ctx, r->id, &first_line) : NULL;
    if (prog != NULL && *prog != '\0') {
        const char *p;
        /* rows inside the box below the program's heading; a few stay
         * for the decisions when there are plenty */
        int total = 0, first, room = bottom - (y + 1);
        if (room > 8)
            room -= 4;
        if (room < 0)
            room = 0;
        for (p = prog; *p != '\0'; p++)
            total += *p == '\n';
        if (p > prog && p[-1] != '\n')
            total++;
        /* the routine's neighbourhood, its current step in the middle */
        first = line > 0 ? line - first_line - room / 2 : 0;
        if (first + room > total)
            first = total - room;
        if (first < 0)
            first = 0;
        draw_putf(y++, x0, xmax, draw_role[R_LABEL], "program (%s)%s",
                  v->src_file ? v->src_file : "", line > 0 ? "" : ": not at a step now");
        for (i = 0, p = prog; *p != '\0' && i < first + room; i++) {
            const char *nl = strchr(p, '\n');
            size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);
            int no = first_line + i;
            if (i >= first && y < bottom) {
                char text[256];
                snprintf(text, sizeof text, "%.*s", (int)(len < 255 ? len : 255), p);
                draw_putf(y, x0, xmax, no == line ? A_BOLD : draw_role[R_DIM], "%s%4d ",
                          no == line ? draw_glyph->mark : " ", no);
                draw_put(y, x0 + 6, xmax, no == line ? A_BOLD | A_REVERSE : A_NORMAL, text);
                y++;
            }
            p += len + (nl != NULL);
        }
    } else if (line > 0) {
        draw_putf(y++, x0, xmax, A_NORMAL, "at line %d of %s", line,
                  v->src_file ? v->src_file : "the scenario");
    } else {
        draw_put(y++, x0, xmax, draw_role[R_DIM], "(its program text is not available)");
    }
    return y;
}

/* The latest decisions naming r, from row y up to the row above `bottom`. */
static void detail_decisions(const ui_model *m, const ui_routine *r, int y, int x0,
                             int xmax, int bottom)
{
    unsigned k;

    draw_put(y++, x0, xmax, draw_role[R_LABEL], "latest decisions about it");
    for (k = 0; y < bottom && ui_model_log(m, k) != NULL; k++) {
        const char *s = ui_model_log(m, k), *p = strstr(s, r->name);
        size_t nl = strlen(r->name);
        if (p == NULL || (p[nl] >= '0' && p[nl] <= '9'))
            continue;
        draw_put_cut(y++, x0, xmax, A_NORMAL, s);
    }
}

/* The selected routine in a box at (top, x0), h rows by w columns. */
void draw_detail(ui_view *v, int top, int x0, int h, int w)
{
    ui_routine *r = ui_model_routine(v->m, v->selected);
    int y = top + 1, xmax = x0 + w - 2, bottom = top + h - 1;

    draw_pane_box(top, x0, h, w, "routine");
    if (r == NULL) {
        detail_none(y, x0 + 2, xmax);
        return;
    }
    y = detail_counters(v, r, y, x0 + 2, xmax);
    y = detail_program(v, r, y, x0 + 2, xmax, bottom);
    y++;
    if (y < bottom - 1)
        detail_decisions(v->m, r, y, x0 + 2, xmax, bottom);
    draw_putf(bottom, x0 + 2, xmax, draw_role[R_DIM], " Tab next %s Shift-Tab previous ",
              draw_glyph->dot);
}
