/*
 * lex.c - the words of the scenario language: tokens within one line,
 * numbers, amounts, durations, names and strings.  Reads the buffer, never
 * writes it; every complaint goes through scn_diag_add with its place.
 * Each function looks at each byte of its token a bounded number of times,
 * so lexing stays linear in the file however long its lines are.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "scn/parse_int.h"

static int is_space(unsigned char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\v' || ch == '\f';
}

static int is_digit(unsigned char ch) { return ch >= '0' && ch <= '9'; }

static int is_alpha(unsigned char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_';
}

void scn_lex_next(const scn_pstate *ps, scn_cursor *c, scn_tok *t)
{
    const char *b = ps->buf;

    while (c->pos < c->end && is_space((unsigned char)b[c->pos]))
        c->pos++;
    t->off = c->pos;
    t->len = 0;
    if (c->pos >= c->end || b[c->pos] == '#') {
        t->kind = SCN_TOK_END;
        c->pos = c->end;
        return;
    }
    if (b[c->pos] == '"') {
        size_t i = c->pos + 1;
        while (i < c->end && b[i] != '"') {
            if (b[i] == '\\' && i + 1 < c->end)
                i++;
            i++;
        }
        if (i >= c->end) {
            t->kind = SCN_TOK_BADSTRING;
            t->len = c->end - c->pos;
            c->pos = c->end;
            return;
        }
        t->kind = SCN_TOK_STRING;
        t->len = i + 1 - c->pos;
        c->pos = i + 1;
        return;
    }
    while (c->pos < c->end) {
        unsigned char ch = (unsigned char)b[c->pos];
        if (is_space(ch) || ch == '#' || ch == '"')
            break;
        c->pos++;
    }
    t->kind = SCN_TOK_WORD;
    t->len = c->pos - t->off;
}

int scn_tok_is(const scn_pstate *ps, const scn_tok *t, const char *word)
{
    size_t n = strlen(word);
    return t->kind == SCN_TOK_WORD && t->len == n && memcmp(ps->buf + t->off, word, n) == 0;
}

/* Up to 40 characters of the bytes [s, s+len), control bytes as '?'. */
static void show_bytes(const char *s, size_t len, char *out, size_t n)
{
    size_t i, o = 0, chars = 0;

    for (i = 0; i < len && o + 8 < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if ((ch & 0xc0) != 0x80) {
            if (chars == 40)
                break;
            chars++;
        }
        out[o++] = ch < 0x20 || ch == 0x7f ? '?' : (char)ch;
    }
    if (i < len) {
        while (o > 0 && ((unsigned char)out[o - 1] & 0xc0) == 0x80)
            o--;                              /* no half characters */
        if (o > 0 && (unsigned char)out[o - 1] >= 0xc0)
            o--;
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o] = '\0';
}

void scn_tok_show(const scn_pstate *ps, const scn_tok *t, char *out, size_t n)
{
    show_bytes(ps->buf + t->off, t->len, out, n);
}

/* Number checks on the bytes of `t` (which may be part of a word). */
int scn_lex_number(scn_pstate *ps, int32_t line, const scn_tok *t,
                   int64_t lo, int64_t hi, const char *what, int64_t *out)
{
    const char *s = ps->buf + t->off;
    size_t i, n = t->len;
    uint64_t v = 0;
    int big = 0;
    char shown[64];

    show_bytes(s, n, shown, sizeof shown);
    if (n == 0) {
        scn_diag_add(ps, SCN_SEV_ERROR, line, t->off, "%s expected (%lld to %lld)",
                     what, (long long)lo, (long long)hi);
        return -1;
    }
    for (i = 0; i < n && is_digit((unsigned char)s[i]); i++) {
        if (v > (uint64_t)INT64_MAX / 10)
            big = 1;
        else
            v = v * 10 + (uint64_t)(s[i] - '0');
        if (v > (uint64_t)INT64_MAX)
            big = 1;
    }
    if (i < n) {
        if (s[0] == '-' && n > 1 && is_digit((unsigned char)s[1]))
            scn_diag_add(ps, SCN_SEV_ERROR, line, t->off, "'%s' is negative (%s: %lld to %lld)",
                         shown, what, (long long)lo, (long long)hi);
        else if (n > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
            scn_diag_add(ps, SCN_SEV_ERROR, line, t->off,
                         "'%s' is not a decimal number: hexadecimal is not supported", shown);
        else if (i > 0 || s[0] == '.' || s[0] == '+')
            scn_diag_add(ps, SCN_SEV_ERROR, line, t->off,
                         "'%s' is not a whole number: write digits only, such as 1000", shown);
        else
            scn_diag_add(ps, SCN_SEV_ERROR, line, t->off, "'%s' is not a number (%s: %lld to %lld)",
                         shown, what, (long long)lo, (long long)hi);
        return -1;
    }
    if (big || (int64_t)v > hi) {
        scn_diag_add(ps, SCN_SEV_ERROR, line, t->off, "%s %s is too large (at most %lld)",
                     what, shown, (long long)hi);
        return -1;
    }
    if ((int64_t)v < lo) {
        scn_diag_add(ps, SCN_SEV_ERROR, line, t->off, "%s %s is too small (at least %lld)",
                     what, shown, (long long)lo);
        return -1;
    }
    *out = (int64_t)v;
    return 0;
}

int scn_lex_amount(scn_pstate *ps, int32_t line, const scn_tok *t, int32_t *a, int32_t *b)
{
    const char *s = ps->buf + t->off;
    size_t i;
    int64_t va, vb;
    scn_tok left = *t, right;
    char shown[64];

    for (i = 0; i + 1 < t->len; i++)
        if (s[i] == '.' && s[i + 1] == '.')
            break;
    if (i + 1 >= t->len) {
        if (scn_lex_number(ps, line, t, 0, SCN_MAX_AMOUNT, "amount", &va) != 0)
            return -1;
        *a = *b = (int32_t)va;
        return 0;
    }
    left.len = i;
    right.off = t->off + i + 2;
    right.len = t->len - i - 2;
    right.kind = SCN_TOK_WORD;
    if (left.len == 0 || right.len == 0) {
        scn_tok_show(ps, t, shown, sizeof shown);
        scn_diag_add(ps, SCN_SEV_ERROR, line, t->off,
                     "'%s' is not an amount: write N or N..M ticks, such as 2..4", shown);
        return -1;
    }
    if (scn_lex_number(ps, line, &left, 0, SCN_MAX_AMOUNT, "amount", &va) != 0 ||
        scn_lex_number(ps, line, &right, 0, SCN_MAX_AMOUNT, "amount", &vb) != 0)
        return -1;
    if (va > vb) {
        scn_diag_add(ps, SCN_SEV_ERROR, line, t->off,
                     "range %lld..%lld is backwards: the smaller number comes first",
                     (long long)va, (long long)vb);
        return -1;
    }
    *a = (int32_t)va;
    *b = (int32_t)vb;
    return 0;
}

int scn_parse_duration(const char *s, size_t len, uint64_t *ns)
{
    static const struct { const char *unit; uint64_t ns; } units[] = {
        { "ns", 1ull }, { "us", 1000ull }, { "ms", 1000000ull }, { "s", 1000000000ull },
    };
    uint64_t whole = 0, frac = 0, scale = 1, v;
    size_t i = 0, k, ulen, digits = 0;
    int big = 0;

    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, digits++) {
        if (whole > 100000000000ull)
            big = 1;
        else
            whole = whole * 10 + (uint64_t)(s[i] - '0');
    }
    if (digits == 0)
        return -1;
    if (i < len && s[i] == '.') {
        for (i++, digits = 0; i < len && s[i] >= '0' && s[i] <= '9'; i++, digits++)
            if (scale < 1000000000ull) {         /* finer than 1 ns is dropped */
                frac = frac * 10 + (uint64_t)(s[i] - '0');
                scale *= 10;
            }
        if (digits == 0)
            return -1;
    }
    ulen = len - i;
    for (k = 0; k < sizeof units / sizeof units[0]; k++) {
        if (ulen != strlen(units[k].unit) || memcmp(s + i, units[k].unit, ulen) != 0)
            continue;
        if (big || whole > SCN_MAX_TICK_NS / units[k].ns)
            return -2;
        v = whole * units[k].ns + frac * units[k].ns / scale;
        if (v < SCN_MIN_TICK_NS || v > SCN_MAX_TICK_NS)
            return -2;
        *ns = v;
        return 0;
    }
    return -1;
}

int scn_lex_duration(scn_pstate *ps, int32_t line, const scn_tok *t, uint64_t *ns)
{
    char shown[64];
    int r = scn_parse_duration(ps->buf + t->off, t->len, ns);

    if (r == 0)
        return 0;
    scn_tok_show(ps, t, shown, sizeof shown);
    if (r == -2)
        scn_diag_add(ps, SCN_SEV_ERROR, line, t->off, "tick %s is out of range (1us to 60s)", shown);
    else
        scn_diag_add(ps, SCN_SEV_ERROR, line, t->off,
                     "'%s' is not a duration: a number with ns, us, ms or s, such as 50ms or 0.5ms",
                     shown);
    return -1;
}

int scn_lex_name(scn_pstate *ps, int32_t line, const scn_tok *t, const char *what)
{
    const char *s = ps->buf + t->off;
    size_t i;
    char shown[64];

    if (t->kind == SCN_TOK_BADSTRING) {
        scn_diag_add(ps, SCN_SEV_ERROR, line, t->off,
                     "unterminated string: the closing '\"' is missing");
        return -1;
    }
    scn_tok_show(ps, t, shown, sizeof shown);
    for (i = 0; i < t->len; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (!is_alpha(ch) && (i == 0 || !is_digit(ch)))
            break;
    }
    if (t->kind != SCN_TOK_WORD || i < t->len || t->len == 0) {
        scn_diag_add(ps, SCN_SEV_ERROR, line, t->off,
                     "'%s' is not a valid %s name: use letters, digits and _, starting with a letter",
                     shown, what);
        return -1;
    }
    if (t->len > SCN_MAX_NAME) {
        scn_diag_add(ps, SCN_SEV_ERROR, line, t->off,
                     "%s name '%s' is too long (at most %d characters)", what, shown, SCN_MAX_NAME);
        return -1;
    }
    return 0;
}

char *scn_lex_string(const scn_pstate *ps, const scn_tok *t)
{
    const char *s = ps->buf + t->off + 1;
    size_t i, o = 0, n = t->len - 2;
    char *out = malloc(n + 1);

    if (out == NULL)
        return NULL;
    for (i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '\\' && i + 1 < n && (s[i + 1] == '"' || s[i + 1] == '\\'))
            ch = (unsigned char)s[++i];
        out[o++] = ch < 0x20 || ch == 0x7f ? ' ' : (char)ch;
    }
    out[o] = '\0';
    return out;
}
