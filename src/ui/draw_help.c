/*
 * draw_help.c - the help screen, generated from the key table (keys.c) and
 * the model's short labels, so what it says matches what the keys do.
 * Must not: draw outside its box or change the view (but for clamping
 * help_page).  Invariant: the key rows come first, the legend under them
 * when it all fits, else on pages the box's bottom line points to (PgDn).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "ui/draw_int.h"

/* The short labels, one routine of each kind ("c1 customer#1" stands for
 * customer#2 too), in at most `room` columns. */
static void help_labels(const ui_model *m, char *out, size_t size, int room)
{
    uint32_t shown[16], id;
    int ns = 0, j;
    char buf[256];
    size_t o = (size_t)snprintf(out, size, "labels:");

    for (id = 1; id <= m->maxid && id < m->nroutines && o < size; id++) {
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
        snprintf(buf, sizeof buf, "%s %s %s", o > 7 ? " " : "", r->abbr, r->name);
        if (draw_width(out) + draw_width(buf) + 5 > room) {
            o += (size_t)snprintf(out + o, size - o, " ...");
            break;
        }
        o += (size_t)snprintf(out + o, size - o, "%s", buf);
    }
}

#define LEGEND_MAX 12

/* What the lanes' marks mean, a line each (the first is the heading);
 * returns how many.  room: the columns the labels line may take. */
static int legend_lines(const ui_model *m, char (*l)[256], int room)
{
    int n = 0;

    snprintf(l[n++], 256, "on the lanes");
    snprintf(l[n++], 256, "a %s run is a routine on that core; %s idle; %s core off",
             draw_npal > 1 ? "coloured" : "reversed", draw_glyph->dot, draw_glyph->park);
    snprintf(l[n++], 256, "%s preempted at the end of its slice; %s stolen from another core",
             draw_glyph->pre, draw_glyph->steal);
    snprintf(l[n++], 256, "%s waiting for a CPU: the core held its routine, the OS ran "
             "another thread", draw_glyph->wait);
    snprintf(l[n++], 256, "ran N%%: CPU share its thread had lately; parallelism: CPU time / "
             "wall time");
    snprintf(l[n++], 256, "%s", draw_npal > 1
             ? "a run shows the name, else its short label, else only its colour"
             : "a run shows the name, else its short label; runs alternate underlined");
    if (m != NULL && m->maxid > 0)
        help_labels(m, l[n++], 256, room);
    snprintf(l[n++], 256, "one column is one tick of runtime time; a highlighted name just "
             "moved");
    snprintf(l[n++], 256, "a slice is quantum ticks of work: %s ticks make it wider",
             draw_glyph->wait);
    snprintf(l[n++], 256, "%s N lanes on M CPUs: more lanes than CPUs, the OS time-slices "
             "them", draw_glyph->warn);
    snprintf(l[n++], 256, "%s machine busy: other programs use half a CPU or more of ours",
             draw_glyph->warn);
    return n;
}

/* Draws legend lines from `first`, each wrapped, on rows y .. bottom-1
 * (y < 0: only counts); returns the first line that did not fit. */
static int legend_page(char (*l)[256], int n, int first, int y, int x, int xmax, int bottom,
                       int rows0)
{
    int i, row = rows0;

    for (i = first; i < n; i++) {
        int need = draw_wrap(-1, 8, x, xmax, A_NORMAL, l[i]);
        if (row + need > bottom)
            break;
        if (y >= 0)
            draw_wrap(row, need, x, xmax, i == 0 ? draw_role[R_LABEL] : A_NORMAL, l[i]);
        row += need;
    }
    (void)y;
    return i;
}

/* Rows the key table takes on the help screen. */
static int key_rows(const ui_view *v)
{
    int i, n = 0;
    for (i = 0; ui_keys[i].action != UI_ACT_NONE; i++)
        n += ui_keys[i].label != NULL && draw_key_works(v, ui_keys[i].action);
    return n;
}

/* The key table's rows, then the legend: under the keys when it all fits
 * there, else on pages of its own that the box's bottom line points to
 * (PgDn, PgUp).  Clamps v->help_page to the pages there are, as the
 * layout clamps the lane scroll. */
void draw_help(ui_view *v, const layout *L)
{
    int small = L->cols < 88 || L->rows < 24;
    int w = small ? L->cols : 84, x0 = (L->cols - w) / 2;
    int top = small ? 0 : 1, h = L->rows - top - (small ? 0 : 1);
    int i, y, xmax = x0 + w - 1, bottom = top + h - 1, n, first = 0, next, pg;
    char lines[LEGEND_MAX][256], foot[96];
    int keys_end = top + 1 + key_rows(v);
    int paged;

    n = legend_lines(v->m, lines, xmax - x0 - 2);
    paged = legend_page(lines, n, 0, -1, x0 + 2, xmax, bottom, keys_end + 1) < n;
    if (!paged || v->help_page < 0)
        v->help_page = 0;
    /* legend page p starts where page p-1 ended */
    for (pg = 1; paged && pg < v->help_page; pg++) {
        next = legend_page(lines, n, first, -1, x0 + 2, xmax, bottom, top + 1);
        if (next >= n) {
            v->help_page = pg;
            break;
        }
        first = next;
    }
    draw_pane_box(top, x0, h, w, v->help_page > 0 ? "legend" : "keys");
    if (v->help_page > 0) {
        next = legend_page(lines, n, first, top + 1, x0 + 2, xmax, bottom, top + 1);
    } else {
        y = top + 1;
        for (i = 0; ui_keys[i].action != UI_ACT_NONE && y < bottom; i++) {
            if (ui_keys[i].label == NULL || !draw_key_works(v, ui_keys[i].action))
                continue;
            draw_put(y, x0 + 2, x0 + 18, draw_role[R_KEY], ui_keys[i].label);
            draw_put(y, x0 + 18, xmax, A_NORMAL, ui_keys[i].help);
            y++;
        }
        if (!paged)
            legend_page(lines, n, 0, y + 1, x0 + 2, xmax, bottom, y + 1);
        next = paged ? 0 : n;
    }
    if (!paged)
        snprintf(foot, sizeof foot, " Esc or ? closes ");
    else if (next < n)
        snprintf(foot, sizeof foot, " Esc or ? closes %s PgDn: %s ", draw_glyph->dot,
                 v->help_page > 0 ? "more" : "what the lanes show");
    else
        snprintf(foot, sizeof foot, " Esc or ? closes %s PgUp: back ", draw_glyph->dot);
    draw_put(bottom, x0 + 2, xmax, draw_role[R_DIM], foot);
}
