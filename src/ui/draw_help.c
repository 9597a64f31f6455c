/*
 * draw_help.c - the help screen, generated from the key table (keys.c) and
 * the model's short labels, so what it says matches what the keys do.
 * Must not: draw outside its box or change the view.  Invariant: the key
 * rows come first, the legend only where rows are left.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ui/draw_int.h"

/* The short labels on row y from column x, one routine of each kind
 * ("c1 customer#1" stands for customer#2 too). */
static void help_labels(const ui_model *m, int y, int x, int xmax)
{
    uint32_t shown[16], id;
    int ns = 0, j;
    char buf[256];

    x = draw_put(y, x, xmax, A_NORMAL, "labels:");
    for (id = 1; id <= m->maxid && id < m->nroutines; id++) {
        const ui_routine *r = &m->routines[id];
        const char *hs = strrchr(r->name, '#');
        size_t bl = hs != NULL ? (size_t)(hs - r->name) : strlen(r->name);
        if (r->id == 0 || strcmp(r->abbr, r->name) == 0)
            continue;
        for (j = 0; j < ns; j++)
            if (strncmp(m->routines[shown[j]].name, r->name, bl) == 0 &&
                (m->routines[shown[j]].name[bl] == '#'
                 || m->routines[shown[j]].name[bl] == '\0'))
                break;
        if (j < ns)
            continue;
        if (ns < 16)
            shown[ns++] = id;
        snprintf(buf, sizeof buf, " %s %s", r->abbr, r->name);
        if (x + draw_width(buf) + 2 > xmax) {
            draw_put(y, x, xmax, A_NORMAL, " ...");
            break;
        }
        x = draw_put(y, x, xmax, A_NORMAL, buf);
        if (id < m->maxid)
            x = draw_put(y, x, xmax, draw_role[R_DIM], " ");
    }
}

/* What the lanes' marks mean, from row y at column x, as far as the rows
 * above `bottom` allow. */
static void help_legend(const ui_model *m, int y, int x, int xmax, int bottom)
{
    char buf[256];

    draw_put(y++, x, xmax, draw_role[R_LABEL], "on the lanes");
    snprintf(buf, sizeof buf, "a %s run is a routine on that core; %s idle; %s core off",
             draw_npal > 1 ? "coloured" : "reversed", draw_glyph->dot, draw_glyph->park);
    draw_put(y++, x, xmax, A_NORMAL, buf);
    snprintf(buf, sizeof buf, "%s preempted at the end of its slice; %s stolen from another core",
             draw_glyph->pre, draw_glyph->steal);
    draw_put(y++, x, xmax, A_NORMAL, buf);
    if (y < bottom) {
        snprintf(buf, sizeof buf, "%s waiting for a CPU: the core held its routine, the OS "
                 "ran another thread", draw_glyph->wait);
        draw_put(y++, x, xmax, A_NORMAL, buf);
    }
    if (y < bottom)
        draw_put(y++, x, xmax, A_NORMAL, "ran N%: CPU share its thread had lately; "
                 "parallelism: CPU time / wall time");
    if (y < bottom)
        draw_put(y++, x, xmax, A_NORMAL, draw_npal > 1
                 ? "a run shows the name, else its short label, else only its colour"
                 : "a run shows the name, else its short label; runs alternate underlined");
    if (y < bottom && m != NULL && m->maxid > 0)
        help_labels(m, y++, x, xmax);
    if (y < bottom)
        draw_put(y++, x, xmax, A_NORMAL,
                 "one column is one tick of runtime time; a highlighted name just moved");
    if (y < bottom)
        draw_putf(y++, x, xmax, A_NORMAL, "%s N lanes on M CPUs: more lanes than CPUs, "
                  "the OS time-slices them", draw_glyph->warn);
    if (y < bottom)
        draw_putf(y++, x, xmax, A_NORMAL, "%s machine busy: other programs use half a CPU "
                  "or more of ours", draw_glyph->warn);
}

/* The key table's rows, then the legend where rows are left. */
void draw_help(ui_view *v, const layout *L)
{
    int small = L->cols < 88 || L->rows < 24;
    int w = small ? L->cols : 84, x0 = (L->cols - w) / 2;
    int top = small ? 0 : 1, h = L->rows - top - (small ? 0 : 1);
    int i, y, xmax = x0 + w - 1;

    draw_pane_box(top, x0, h, w, "keys");
    y = top + 1;
    for (i = 0; ui_keys[i].action != UI_ACT_NONE && y < top + h - 1; i++) {
        if (ui_keys[i].label == NULL)
            continue;
        draw_put(y, x0 + 2, x0 + 18, draw_role[R_KEY], ui_keys[i].label);
        draw_put(y, x0 + 18, xmax, A_NORMAL, ui_keys[i].help);
        y++;
    }
    if (y + 4 < top + h - 1)
        help_legend(v->m, y + 1, x0 + 2, xmax, top + h - 1);
    draw_put(top + h - 1, x0 + 2, xmax, draw_role[R_DIM], " Esc or ? closes ");
}
