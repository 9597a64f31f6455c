/*
 * json.c - small pieces the printers and the trace writer share: JSON string
 * quoting that always yields valid UTF-8, names with their fallbacks, and
 * an allocator that ends the process with status 1 on out-of-memory.
 * Owns no state.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/summary.h"

void out_on_out_of_memory(void (*fn)(void))
{
    fold_on_out_of_memory(fn);
}

void *out_xrealloc(void *p, size_t n)
{
    return fold_xrealloc(p, n);
}

void *out_grow(void *tab, size_t *len, size_t elem, uint32_t id)
{
    return fold_grow(tab, len, elem, id);
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when invalid. */
static size_t utf8_len(const unsigned char *s)
{
    unsigned c = s[0];
    size_t n, i;
    unsigned long cp;

    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
        cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    for (i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

size_t out_json_quote(char *buf, size_t n, const char *str)
{
    const unsigned char *s = (const unsigned char *)(str != NULL ? str : "");
    size_t o = 0;

    if (n < 3) {
        if (n > 0)
            buf[0] = '\0';
        return 0;
    }
    buf[o++] = '"';
    while (*s != '\0') {
        char tmp[8];
        size_t k, len = utf8_len(s);

        if (len == 0) {                      /* invalid byte: U+FFFD */
            memcpy(tmp, "\xef\xbf\xbd", 3);
            k = 3;
            len = 1;
        } else if (*s == '"' || *s == '\\') {
            tmp[0] = '\\';
            tmp[1] = (char)*s;
            k = 2;
        } else if (*s < 0x20) {
            snprintf(tmp, sizeof tmp, "\\u%04x", *s);
            k = 6;
        } else {
            memcpy(tmp, s, len);
            k = len;
        }
        if (o + k + 2 > n)                   /* keep room for '"' and NUL */
            break;
        memcpy(buf + o, tmp, k);
        o += k;
        s += len;
    }
    buf[o++] = '"';
    buf[o] = '\0';
    return o;
}

void out_routine_name(const out_names *names, uint32_t id, char *buf, size_t n)
{
    if (n == 0)
        return;
    buf[0] = '\0';
    if (names != NULL && names->routine != NULL)
        names->routine(names->ctx, id, buf, n);
    if (buf[0] == '\0')
        snprintf(buf, n, "r%u", (unsigned)id);
}

void out_chan_name(const out_names *names, uint32_t id, char *buf, size_t n)
{
    if (n == 0)
        return;
    buf[0] = '\0';
    if (names != NULL && names->chan != NULL)
        names->chan(names->ctx, id, buf, n);
    if (buf[0] == '\0')
        snprintf(buf, n, "ch%u", (unsigned)id);
}
