/*
 * check_out_json.c - helpers for the tests of src/report: a strict JSON syntax
 * checker in C (RFC 8259: no trailing commas, no bare control characters,
 * valid escapes and UTF-8, one value), and a structural check of a trace
 * file run through Python's json module when python3 is there.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_out_json.h"

typedef struct jp {
    const unsigned char *s, *end;
    int depth;
} jp;

static void ws(jp *p)
{
    while (p->s < p->end && (*p->s == ' ' || *p->s == '\t' || *p->s == '\n' || *p->s == '\r'))
        p->s++;
}

static int value(jp *p);

static int hex4(jp *p)
{
    int i;
    for (i = 0; i < 4; i++, p->s++)
        if (p->s >= p->end || !strchr("0123456789abcdefABCDEF", *p->s) || *p->s == '\0')
            return -1;
    return 0;
}

static int string(jp *p)
{
    if (p->s >= p->end || *p->s != '"')
        return -1;
    p->s++;
    while (p->s < p->end && *p->s != '"') {
        unsigned c = *p->s;
        if (c < 0x20)
            return -1;
        if (c == '\\') {
            p->s++;
            if (p->s >= p->end)
                return -1;
            if (*p->s == 'u') {
                p->s++;
                if (hex4(p) != 0)
                    return -1;
                continue;
            }
            if (!strchr("\"\\/bfnrt", *p->s) || *p->s == '\0')
                return -1;
            p->s++;
        } else if (c < 0x80) {
            p->s++;
        } else {
            int n = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c <= 0xdf ? 2 : 0, i;
            if (n == 0 || c > 0xf4 || p->end - p->s < n)
                return -1;
            for (i = 1; i < n; i++)
                if ((p->s[i] & 0xc0) != 0x80)
                    return -1;
            p->s += n;
        }
    }
    if (p->s >= p->end)
        return -1;
    p->s++;
    return 0;
}

static int digits(jp *p)
{
    const unsigned char *a = p->s;
    while (p->s < p->end && *p->s >= '0' && *p->s <= '9')
        p->s++;
    return p->s > a ? 0 : -1;
}

static int number(jp *p)
{
    if (p->s < p->end && *p->s == '-')
        p->s++;
    if (p->s < p->end && *p->s == '0')
        p->s++;
    else if (digits(p) != 0)
        return -1;
    if (p->s < p->end && *p->s == '.') {
        p->s++;
        if (digits(p) != 0)
            return -1;
    }
    if (p->s < p->end && (*p->s == 'e' || *p->s == 'E')) {
        p->s++;
        if (p->s < p->end && (*p->s == '+' || *p->s == '-'))
            p->s++;
        if (digits(p) != 0)
            return -1;
    }
    return 0;
}

static int word(jp *p, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(p->end - p->s) < n || memcmp(p->s, w, n) != 0)
        return -1;
    p->s += n;
    return 0;
}

static int members(jp *p, int obj)
{
    char close = obj ? '}' : ']';

    p->s++;
    if (++p->depth > 200)
        return -1;
    ws(p);
    if (p->s < p->end && *p->s == close) {
        p->s++;
        p->depth--;
        return 0;
    }
    for (;;) {
        ws(p);
        if (obj) {
            if (string(p) != 0)
                return -1;
            ws(p);
            if (p->s >= p->end || *p->s != ':')
                return -1;
            p->s++;
        }
        if (value(p) != 0)
            return -1;
        ws(p);
        if (p->s < p->end && *p->s == ',') {
            p->s++;
            continue;
        }
        if (p->s < p->end && *p->s == close) {
            p->s++;
            p->depth--;
            return 0;
        }
        return -1;
    }
}

static int value(jp *p)
{
    ws(p);
    if (p->s >= p->end)
        return -1;
    switch (*p->s) {
    case '{': return members(p, 1);
    case '[': return members(p, 0);
    case '"': return string(p);
    case 't': return word(p, "true");
    case 'f': return word(p, "false");
    case 'n': return word(p, "null");
    default:  return number(p);
    }
}

long json_check(const char *buf, size_t len)
{
    jp p = { (const unsigned char *)buf, (const unsigned char *)buf + len, 0 };

    if (value(&p) != 0)
        return p.s - (const unsigned char *)buf;
    ws(&p);
    return p.s == p.end ? -1 : p.s - (const unsigned char *)buf;
}

char *slurp_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n = 0, k;

    if (f == NULL)
        return NULL;
    do {
        if (cap - n < 65536) {
            cap = cap * 2 + 65536;
            buf = realloc(buf, cap + 1);
        }
        k = fread(buf + n, 1, cap - n, f);
        n += k;
    } while (k > 0);
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

static const char checker[] =
"import json, sys\n"
"d = json.load(open(sys.argv[1], encoding='utf-8'))\n"
"ev = d['traceEvents']\n"
"tracks = {}\n"
"for e in ev:\n"
"    if e['ph'] == 'X':\n"
"        assert e['dur'] >= 0, e\n"
"        tracks.setdefault((e['pid'], e['tid']), []).append((e['ts'], e['ts'] + e['dur']))\n"
"for k, v in tracks.items():\n"
"    v.sort()\n"
"    for a, b in zip(v, v[1:]):\n"
"        if b[0] < a[1] - 1e-6:\n"
"            print('overlap on', k, a, b); sys.exit(1)\n"
"s = {}; f = {}\n"
"for e in ev:\n"
"    if e['ph'] in ('s', 'f'):\n"
"        (s if e['ph'] == 's' else f).setdefault(e['id'], []).append(e)\n"
"        v = tracks.get((e['pid'], e['tid']), [])\n"
"        if not any(a - 1e-6 <= e['ts'] <= b + 1e-6 for a, b in v):\n"
"            print('flow outside a slice', e); sys.exit(1)\n"
"if set(s) != set(f) or any(len(x) != 1 for x in list(s.values()) + list(f.values())):\n"
"    print('unmatched flows'); sys.exit(1)\n"
"for i in s:\n"
"    if f[i][0].get('bp') != 'e':\n"
"        print('flow end not bound to its slice', f[i][0]); sys.exit(1)\n"
"names = set((e['pid'], e['tid']) for e in ev if e['ph'] == 'M' and e['name'] == 'thread_name')\n"
"for k in tracks:\n"
"    if k not in names:\n"
"        print('unnamed track', k); sys.exit(1)\n"
"run = sum(1 for e in ev if e['ph'] == 'X' and e.get('cat') == 'run')\n"
"print('slices=%d arrows=%d events=%d' % (run, len(s), len(ev)))\n";

int trace_check_python(const char *path, char *out, size_t outlen)
{
    char script[] = "/tmp/lanes-check-traceXXXXXX", cmd[1024];
    FILE *f, *p;
    int fd, st;
    size_t n = 0;

    out[0] = '\0';
    if (system("python3 -c 'import json' >/dev/null 2>&1") != 0)
        return 77;
    fd = mkstemp(script);
    if (fd < 0 || (f = fdopen(fd, "w")) == NULL)
        return 99;
    fputs(checker, f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "python3 %s '%s' 2>&1", script, path);
    p = popen(cmd, "r");
    if (p == NULL) {
        unlink(script);
        return 99;
    }
    n = fread(out, 1, outlen - 1, p);
    out[n] = '\0';
    st = pclose(p);
    unlink(script);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 99;
}
