/*
 * draw_cell.c - how the draw_*.c files write cells: the theme (colour roles
 * and palette) and the glyph set, both chosen once in ui_draw_setup; text
 * clipped to a column, cut with an ellipsis or wrapped; boxes; routine chips
 * and the hit list mouse clicks are looked up in.
 * Must not: decide where anything goes (draw.c's layout does), read the
 * runtime, or refresh.  Invariant: nothing is written at or past the xmax a
 * caller gives, and no non-ASCII byte reaches a terminal without UTF-8.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ui/draw_int.h"

/* ---- colours: semantic roles, chosen once ---------------------------------- */

attr_t draw_role[R_COUNT];
attr_t draw_pal_fg[NPAL_MAX], draw_pal_bg[NPAL_MAX];
int draw_npal = 1;

/* ---- glyphs ------------------------------------------------------------------ */

static const glyphs utf8_glyphs = {
    "\xe2\x94\x80", "\xe2\x94\x82", "\xe2\x94\x8c", "\xe2\x94\x90",
    "\xe2\x94\x94", "\xe2\x94\x98", "\xe2\x94\x9c", "\xe2\x94\xa4",
    "\xc2\xb7", "\xe2\x96\xb6", "\xe2\x80\x96", "\xe2\x96\xa0", "\xe2\x86\x92",
    "\xe2\x80\xa6", "\xe2\x80\x94", "\xc2\xbb", "\xc2\xab",
    "-", "\xe2\x96\xb8", "\xe2\x86\x91", "\xe2\x86\x93", "\xc3\x97", "\xe2\x96\x88",
    "\xe2\x9a\xa0", "\xe2\x96\x91"
};

static const glyphs ascii_glyphs = {
    "-", "|", "+", "+", "+", "+", "+", "+",
    ".", ">", "||", "#", ">", "...", "-", ">", "<",
    "-", ">", "^", "v", "x", NULL, "!", ":"
};

const glyphs *draw_glyph = &ascii_glyphs;
static int utf8_ok;

void ui_draw_setup(ui_view *v, int colour, int utf8)
{
    static const short p256[NPAL_MAX] = { 39, 214, 77, 177, 220, 44, 209, 141, 155, 180, 75, 204 };
    static const short p8[6] = { COLOR_CYAN, COLOR_YELLOW, COLOR_GREEN, COLOR_MAGENTA,
                                 COLOR_BLUE, COLOR_RED };
    int i;

    v->utf8 = utf8_ok = utf8;
    draw_glyph = utf8 ? &utf8_glyphs : &ascii_glyphs;

    /* no colour: attributes alone carry the roles */
    for (i = 0; i < R_COUNT; i++)
        draw_role[i] = A_NORMAL;
    draw_role[R_TITLE] = A_BOLD;
    draw_role[R_DIM] = draw_role[R_IDLE] = draw_role[R_PARKED] = A_DIM;
    draw_role[R_WARN] = draw_role[R_ERROR] = draw_role[R_OK] = draw_role[R_KEY] = A_BOLD;
    draw_role[R_MOVED] = A_REVERSE | A_BOLD;
    draw_role[R_SELECT] = A_UNDERLINE | A_BOLD;
    draw_npal = 1;
    draw_pal_fg[0] = A_BOLD;
    draw_pal_bg[0] = A_REVERSE;

    if (!colour || !has_colors() || start_color() == ERR)
        return;
    use_default_colors();
    if (COLORS >= 256 && COLOR_PAIRS >= 64) {
        init_pair(1, 110, -1);  draw_role[R_LABEL] = COLOR_PAIR(1);
        init_pair(2, 242, -1);  draw_role[R_DIM] = draw_role[R_IDLE] = COLOR_PAIR(2);
        init_pair(3, 238, -1);  draw_role[R_PARKED] = COLOR_PAIR(3);
        init_pair(4, 244, -1);  draw_role[R_BORDER] = COLOR_PAIR(4);
        init_pair(5, 214, -1);  draw_role[R_WARN] = COLOR_PAIR(5) | A_BOLD;
        init_pair(6, 203, -1);  draw_role[R_ERROR] = COLOR_PAIR(6) | A_BOLD;
        init_pair(7, 78, -1);   draw_role[R_OK] = COLOR_PAIR(7) | A_BOLD;
        init_pair(8, 117, -1);  draw_role[R_KEY] = COLOR_PAIR(8) | A_BOLD;
        draw_npal = NPAL_MAX;
        for (i = 0; i < NPAL_MAX; i++) {
            init_pair((short)(20 + i), p256[i], -1);
            init_pair((short)(40 + i), 16, p256[i]);
            draw_pal_fg[i] = COLOR_PAIR(20 + i);
            draw_pal_bg[i] = COLOR_PAIR(40 + i);
        }
    } else if (COLORS >= 8 && COLOR_PAIRS >= 48) {
        init_pair(1, COLOR_CYAN, -1);    draw_role[R_LABEL] = COLOR_PAIR(1);
        init_pair(4, COLOR_BLUE, -1);    draw_role[R_BORDER] = COLOR_PAIR(4);
        init_pair(5, COLOR_YELLOW, -1);  draw_role[R_WARN] = COLOR_PAIR(5) | A_BOLD;
        init_pair(6, COLOR_RED, -1);     draw_role[R_ERROR] = COLOR_PAIR(6) | A_BOLD;
        init_pair(7, COLOR_GREEN, -1);   draw_role[R_OK] = COLOR_PAIR(7) | A_BOLD;
        init_pair(8, COLOR_CYAN, -1);    draw_role[R_KEY] = COLOR_PAIR(8) | A_BOLD;
        draw_npal = 6;
        for (i = 0; i < 6; i++) {
            init_pair((short)(20 + i), p8[i], -1);
            init_pair((short)(40 + i), COLOR_BLACK, p8[i]);
            draw_pal_fg[i] = COLOR_PAIR(20 + i);
            draw_pal_bg[i] = COLOR_PAIR(40 + i);
        }
    }
}

/* ---- text helpers ------------------------------------------------------------ */

/* Draws s at (y, x), never at or past column xmax; returns the column after.
 * Glyph strings are one column each; without UTF-8 any non-ASCII character
 * becomes '?', so nothing but ASCII reaches an ASCII terminal. */
/* Without UTF-8: the one ASCII character that stands for a glyph people
 * write in scenario texts (the lesson's ░ is the ASCII screen's ':'),
 * '?' for any other. */
static char ascii_for(const unsigned char *p, size_t len)
{
    static const struct { const char *u; char a; } map[] = {
        { "░", ':' }, { "·", '.' }, { "—", '-' }, { "–", '-' }, { "»", '>' },
        { "«", '<' }, { "⚠", '!' }, { "…", '.' }, { "→", '>' },
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strlen(map[i].u) == len && memcmp(map[i].u, p, len) == 0)
            return map[i].a;
    return '?';
}

int draw_put(int y, int x, int xmax, attr_t a, const char *s)
{
    char buf[1024];
    size_t n = 0;
    int x0 = x;
    const unsigned char *p = (const unsigned char *)s;

    if (x >= xmax || y < 0 || y >= LINES || x < 0)
        return x;
    while (*p != '\0' && x < xmax && n + 5 < sizeof buf) {
        size_t len = 1;
        if (*p >= 0x80) {
            while ((p[len] & 0xC0) == 0x80)
                len++;
            if (!utf8_ok) {
                buf[n++] = ascii_for(p, len);
                p += len;
                x++;
                continue;
            }
        }
        memcpy(buf + n, p, len);
        n += len;
        p += len;
        x++;
    }
    buf[n] = '\0';
    attrset(a);
    mvaddstr(y, x0, buf);
    attrset(A_NORMAL);
    return x;
}

int draw_putf(int y, int x, int xmax, attr_t a, const char *fmt, ...)
{
    char buf[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return draw_put(y, x, xmax, a, buf);
}

/* Columns a string takes (every character is one column here). */
int draw_width(const char *s)
{
    int w = 0;
    for (; *s != '\0'; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

/* Like put, but a string that does not fit ends in the ellipsis (as the
 * about line does), so a cut line never passes for a whole one. */
int draw_put_cut(int y, int x, int xmax, attr_t a, const char *s)
{
    int ew = draw_width(draw_glyph->ell);

    if (x + draw_width(s) <= xmax || xmax - x <= ew)
        return draw_put(y, x, xmax, a, s);
    x = draw_put(y, x, xmax - ew, a, s);
    return draw_put(y, x, xmax, a, draw_glyph->ell);
}

void draw_repeat(int y, int x0, int x1, attr_t a, const char *g)
{
    int x;
    for (x = x0; x < x1; x++)
        draw_put(y, x, x + 1, a, g);
}

void draw_add_hit(ui_view *v, int y, int x0, int x1, uint32_t id)
{
    if (v->nhits < UI_HITS && x1 > x0) {
        ui_hit *h = &v->hits[v->nhits++];
        h->y = y;
        h->x0 = x0;
        h->x1 = x1;
        h->routine = id;
    }
}

uint32_t ui_draw_hit(const ui_view *v, int y, int x)
{
    int i;
    for (i = v->nhits - 1; i >= 0; i--)
        if (v->hits[i].y == y && x >= v->hits[i].x0 && x < v->hits[i].x1)
            return v->hits[i].routine;
    return 0;
}

#define MOVED_MS 900     /* how long a chip stays highlighted after a move */

attr_t draw_chip_attr(const ui_view *v, const ui_routine *r)
{
    attr_t a = draw_pal_fg[r->colour % draw_npal];

    if (r->moved_wall != 0 && v->wall >= r->moved_wall && v->wall - r->moved_wall < MOVED_MS
        && r->at != UI_AT_DONE)
        a = (draw_npal > 1 ? draw_pal_bg[r->colour % draw_npal] : A_REVERSE) | A_BOLD;
    if (r->id == v->selected)
        a |= A_UNDERLINE | A_BOLD;
    return a;
}

/* A routine's name where the routine is; clickable. */
int draw_chip(ui_view *v, int y, int x, int xmax, uint32_t id, const char *suffix)
{
    ui_routine *r = ui_model_routine(v->m, id);
    int x0 = x;

    if (r == NULL || x >= xmax)
        return x;
    if (r->id == v->selected)
        x = draw_put(y, x, xmax, draw_role[R_SELECT], draw_glyph->mark);
    x = draw_put(y, x, xmax, draw_chip_attr(v, r), r->name);
    if (suffix != NULL)
        x = draw_put(y, x, xmax, draw_role[R_DIM], suffix);
    draw_add_hit(v, y, x0, x, id);
    return x;
}

/* A list of chips separated by spaces; "—" when empty; "+N" when cut. */
int draw_chips(ui_view *v, int y, int x, int xmax, const uint32_t *ids, size_t n,
               size_t total, const char *prefix_first)
{
    size_t i;

    if (total == 0)
        return draw_put(y, x, xmax, draw_role[R_DIM], draw_glyph->dash);
    for (i = 0; i < n; i++) {
        ui_routine *r = ui_model_routine(v->m, ids[i]);
        int need = r != NULL ? draw_width(r->name) + 1 : 0;
        /* "+N" where the rest would not fit, the last one too (never
         * a name cut short) */
        if ((x + need > xmax - 4 && i + 1 < n) || x + need - 1 > xmax) {
            return draw_putf(y, x, xmax, draw_role[R_DIM], "+%zu", total - i);
        }
        if (i == 0 && prefix_first != NULL)
            x = draw_put(y, x, xmax, draw_role[R_DIM], prefix_first);
        x = draw_chip(v, y, x, xmax, ids[i], NULL);
        if (i + 1 < n)
            x = draw_put(y, x, xmax, A_NORMAL, " ");
    }
    if (total > n)
        x = draw_putf(y, x, xmax, draw_role[R_DIM], " +%zu", total - n);
    return x;
}

/* Writes text over up to n rows, breaking at spaces and at '\n'; returns
 * the rows it took.  y < 0: only counts. */
int draw_wrap(int y, int n, int x0, int xmax, attr_t a, const char *text)
{
    const char *p = text;
    int row;

    for (row = 0; row < n && *p != '\0'; row++) {
        int w = xmax - x0, len = 0, brk = -1, cols = 0;
        char line[512];
        while (p[len] != '\0' && p[len] != '\n' && cols < w) {
            if (p[len] == ' ')
                brk = len;
            if (((unsigned char)p[len] & 0xC0) != 0x80)
                cols++;
            len++;
        }
        while (((unsigned char)p[len] & 0xC0) == 0x80)
            len++;
        if (p[len] != '\0' && p[len] != '\n' && brk > 0 && row + 1 < n)
            len = brk;
        if (len >= (int)sizeof line)
            len = (int)sizeof line - 1;
        memcpy(line, p, (size_t)len);
        line[len] = '\0';
        p += len;
        if (*p == '\n')
            p++;
        else
            while (*p == ' ')
                p++;
        if (y >= 0) {
            int x = draw_put(y + row, x0, xmax, a, line);
            /* the last row, and more to say: show that it goes on */
            if (row + 1 == n && *p != '\0') {
                int ew = draw_width(draw_glyph->ell);
                draw_put(y + row, x + 1 <= xmax - ew ? x + 1 : xmax - ew, xmax, a, draw_glyph->ell);
            }
        }
    }
    return row;
}

void draw_pane_box(int y0, int x0, int h, int w, const char *title)
{
    int y;
    attr_t b = draw_role[R_BORDER];

    for (y = y0; y < y0 + h; y++) {
        move(y, x0);
        attrset(A_NORMAL);
        hline(' ', w);
    }
    draw_put(y0, x0, x0 + 1, b, draw_glyph->tl);
    draw_repeat(y0, x0 + 1, x0 + w - 1, b, draw_glyph->h);
    draw_put(y0, x0 + w - 1, x0 + w, b, draw_glyph->tr);
    for (y = y0 + 1; y < y0 + h - 1; y++) {
        draw_put(y, x0, x0 + 1, b, draw_glyph->v);
        draw_put(y, x0 + w - 1, x0 + w, b, draw_glyph->v);
    }
    draw_put(y0 + h - 1, x0, x0 + 1, b, draw_glyph->bl);
    draw_repeat(y0 + h - 1, x0 + 1, x0 + w - 1, b, draw_glyph->h);
    draw_put(y0 + h - 1, x0 + w - 1, x0 + w, b, draw_glyph->br);
    if (title != NULL)
        draw_putf(y0, x0 + 2, x0 + w - 2, draw_role[R_TITLE], " %s ", title);
}

/* CPUs this process may use: the runtime's latest LOAD, else start-up's. */
int draw_cpus_of(const ui_view *v)
{
    return v->m->st.cpu.cpus > 0 ? v->m->st.cpu.cpus : v->cpus;
}

