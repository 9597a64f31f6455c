/*
 * draw_detail.c - the selected routine's pane (the side pane on a wide
 * screen, the detail pane on Enter): where it is, its counters, its program
 * around its current step, and the latest decisions about it.
 * Must not: change the model or the selection.  Invariant: nothing is drawn
 * outside the box it is given.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/draw_int.h"
#include "scn/scn.h"

/* The selected routine in a box at (top, x0), h rows by w columns. */
void draw_detail(ui_view *v, int top, int x0, int h, int w)
{
    ui_model *m = v->m;
    ui_routine *r = ui_model_routine(m, v->selected);
    int y, xmax, x, l, line, i, first_line = 1;
    const char *prog;
    char buf[256];

    y = top + 1;
    xmax = x0 + w - 2;
    draw_pane_box(top, x0, h, w, "routine");
    if (r == NULL) {
        draw_put(y++, x0 + 2, xmax, A_NORMAL, "No routine selected:");
        draw_put(y++, x0 + 2, xmax, A_NORMAL, "Tab or a click selects one.");
        y++;
        draw_put(y++, x0 + 2, xmax, draw_role[R_LABEL], "on the lanes");
        draw_put(y++, x0 + 2, xmax, A_NORMAL, "a coloured run: a routine on that core");
        draw_putf(y++, x0 + 2, xmax, A_NORMAL, "%s idle   %s core off", draw_glyph->dot, draw_glyph->park);
        draw_putf(y++, x0 + 2, xmax, A_NORMAL, "%s preempted (its slice ran out)", draw_glyph->pre);
        draw_putf(y++, x0 + 2, xmax, A_NORMAL, "%s stolen from another core", draw_glyph->steal);
        draw_put(y++, x0 + 2, xmax, A_NORMAL, "one column = one tick of runtime time");
        return;
    }
    x = draw_chip(v, y, x0 + 2, xmax, r->id, NULL);
    ui_model_place(m, r, buf, sizeof buf);
    x = draw_putf(y, x, xmax, A_NORMAL, "  %s", buf);
    y++;
    if (r->has_item)
        x = draw_putf(y, x0 + 2, xmax, A_NORMAL, "holds item " SCN_ITEM_TAG "%d %s ", (int)r->item, draw_glyph->dot);
    else
        x = draw_putf(y, x0 + 2, xmax, A_NORMAL, "holds no item %s ", draw_glyph->dot);
    draw_putf(y++, x, xmax, A_NORMAL, "CPU %.1f ticks %s on a core %.1f",
         (double)r->cpu_mt / 1000.0, draw_glyph->dot, (double)ui_model_lane_mt(m, r) / 1000.0);
    draw_putf(y++, x0 + 2, xmax, A_NORMAL, "switches %u %s preempted %u %s stolen %u",
         r->runs, draw_glyph->dot, r->preempts, draw_glyph->dot, r->steals);
    draw_putf(y++, x0 + 2, xmax, A_NORMAL, "waited on channels %u time%s, %.1f ticks%s",
         r->waits, r->waits == 1 ? "" : "s", (double)ui_model_wait_mt(m, r) / 1000.0,
         r->at == UI_AT_SEND || r->at == UI_AT_RECV || r->at == UI_AT_SELECT
         ? " (waiting now)" : "");
    x = x0 + 2;
    x = draw_put(y, x, xmax, A_NORMAL, "ran on cores:");
    if (r->lanes_mask == 0)
        draw_put(y, x, xmax, draw_role[R_DIM], " none yet");
    for (l = 0; l < 64; l++)
        if (r->lanes_mask & ((uint64_t)1 << l))
            x = draw_putf(y, x, xmax, A_NORMAL, " %d", l);
    y += 2;

    line = v->src_line_of != NULL ? v->src_line_of(v->src_ctx, r->id) : 0;
    prog = v->src_program != NULL ? v->src_program(v->src_ctx, r->id, &first_line) : NULL;
    if (prog != NULL && *prog != '\0') {
        const char *p;
        /* rows inside the box below the program's heading; a few stay
         * for the decisions when there are plenty */
        int total = 0, first, room = top + h - 1 - (y + 1);
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
        draw_putf(y++, x0 + 2, xmax, draw_role[R_LABEL], "program (%s)%s", v->src_file ? v->src_file : "",
             line > 0 ? "" : ": not at a step now");
        for (i = 0, p = prog; *p != '\0' && i < first + room; i++) {
            const char *nl = strchr(p, '\n');
            size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);
            int no = first_line + i;
            if (i >= first && y < top + h - 1) {
                char text[256];
                snprintf(text, sizeof text, "%.*s", (int)(len < 255 ? len : 255), p);
                draw_putf(y, x0 + 2, xmax, no == line ? A_BOLD : draw_role[R_DIM], "%s%4d ",
                     no == line ? draw_glyph->mark : " ", no);
                draw_put(y, x0 + 8, xmax, no == line ? A_BOLD | A_REVERSE : A_NORMAL, text);
                y++;
            }
            p += len + (nl != NULL);
        }
    } else if (line > 0) {
        draw_putf(y++, x0 + 2, xmax, A_NORMAL, "at line %d of %s", line, v->src_file ? v->src_file : "the scenario");
    } else {
        draw_put(y++, x0 + 2, xmax, draw_role[R_DIM], "(its program text is not available)");
    }
    y++;
    if (y < top + h - 2) {
        unsigned k;
        draw_put(y++, x0 + 2, xmax, draw_role[R_LABEL], "latest decisions about it");
        for (k = 0; y < top + h - 1 && ui_model_log(m, k) != NULL; k++) {
            const char *s = ui_model_log(m, k), *p = strstr(s, r->name);
            size_t nl = strlen(r->name);
            if (p == NULL || (p[nl] >= '0' && p[nl] <= '9'))
                continue;
            draw_put_cut(y++, x0 + 2, xmax, A_NORMAL, s);
        }
    }
    draw_putf(top + h - 1, x0 + 2, xmax, draw_role[R_DIM], " Tab next %s Shift-Tab previous ", draw_glyph->dot);
}

