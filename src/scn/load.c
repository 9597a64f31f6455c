/*
 * load.c - where scenario text comes from (a built-in, a file, standard
 * input) and what a parsed program says about itself.  Owns the reading
 * of files; the built-in texts are generated into builtin-data.c from
 * assets/scenarios/NAME.lanes at build time.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scn/scn_int.h"

const char *scn_builtin_name(int i)
{
    return i >= 0 && i < scn_builtin_count ? scn_builtin_data[i].name : NULL;
}

/* Titles come from parsing each built-in once, so they are exactly what
 * scn_title gives for it. */
static const char **builtin_titles;
static const char **builtin_abouts;
static pthread_once_t titles_once = PTHREAD_ONCE_INIT;

static void load_titles(void)
{
    const char **t = scn_xrealloc(NULL, (size_t)(scn_builtin_count + 1) * sizeof *t);
    const char **a = scn_xrealloc(NULL, (size_t)(scn_builtin_count + 1) * sizeof *a);
    int i;

    for (i = 0; i < scn_builtin_count; i++) {
        scn_result r = scn_parse(scn_builtin_data[i].name, scn_builtin_data[i].text,
                                 scn_builtin_data[i].len);
        t[i] = scn_xstrdup(r.prog != NULL ? scn_title(r.prog) : scn_builtin_data[i].name);
        a[i] = scn_xstrdup(r.prog != NULL ? scn_about(r.prog) : "");
        scn_result_free(&r);
    }
    builtin_titles = t;
    builtin_abouts = a;
}

const char *scn_builtin_title(int i)
{
    if (i < 0 || i >= scn_builtin_count)
        return NULL;
    pthread_once(&titles_once, load_titles);
    return builtin_titles[i];
}

const char *scn_builtin_about(int i)
{
    if (i < 0 || i >= scn_builtin_count)
        return NULL;
    pthread_once(&titles_once, load_titles);
    return builtin_abouts[i];
}

const char *scn_builtin_text(const char *name, size_t *len)
{
    int i;

    for (i = 0; i < scn_builtin_count; i++)
        if (strcmp(scn_builtin_data[i].name, name) == 0) {
            if (len != NULL)
                *len = scn_builtin_data[i].len;
            return scn_builtin_data[i].text;
        }
    return NULL;
}

__attribute__((format(printf, 2, 3)))
static scn_result failed(int err, const char *fmt, ...)
{
    scn_result r;
    char msg[1200];
    va_list ap;

    memset(&r, 0, sizeof r);
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    r.messages = scn_xstrdup(msg);
    r.errors = 1;
    r.sys_error = err;
    return r;
}

/* Reads all of f; NULL with errno set on failure. */
static char *slurp(FILE *f, size_t *len)
{
    size_t cap = 65536, n = 0, k;
    char *buf = scn_xrealloc(NULL, cap);

    for (;;) {
        if (n == cap) {
            if (cap >= SCN_MAX_FILE) {
                free(buf);
                errno = EFBIG;
                return NULL;
            }
            cap *= 2;
            buf = scn_xrealloc(buf, cap);
        }
        k = fread(buf + n, 1, cap - n, f);
        n += k;
        if (k == 0) {
            if (ferror(f)) {
                int e = errno != 0 ? errno : EIO;
                free(buf);
                errno = e;
                return NULL;
            }
            break;
        }
    }
    *len = n;
    return buf;
}

static int looks_like_path(const char *s)
{
    size_t n = strlen(s);
    return strchr(s, '/') != NULL || (n > 6 && strcmp(s + n - 6, ".lanes") == 0);
}

scn_result scn_load(const char *name)
{
    char fname[300];
    const char *text;
    size_t len;
    FILE *f;
    char *buf;
    scn_result r;

    if (name == NULL)
        name = SCN_DEFAULT;
    if (strcmp(name, "-") == 0) {
        errno = 0;
        buf = slurp(stdin, &len);
        if (buf == NULL)
            return failed(errno, "lanes: cannot read standard input: %s\n", strerror(errno));
        r = scn_parse("<stdin>", buf, len);
        free(buf);
        return r;
    }
    if (!looks_like_path(name) && (text = scn_builtin_text(name, &len)) != NULL) {
        snprintf(fname, sizeof fname, "%s.lanes", name);
        return scn_parse(fname, text, len);
    }
    f = fopen(name, "rb");
    if (f == NULL) {
        if (errno == ENOENT && !looks_like_path(name))
            return failed(ENOENT, "lanes: no scenario file or built-in scenario named '%s' "
                          "(see 'lanes --list')\n", name);
        return failed(errno, "lanes: cannot open '%s': %s\n", name, strerror(errno));
    }
    errno = 0;
    buf = slurp(f, &len);
    if (buf == NULL) {
        int e = errno;
        fclose(f);
        return failed(e, "lanes: cannot read '%s': %s\n", name, strerror(e));
    }
    fclose(f);
    r = scn_parse(name, buf, len);
    free(buf);
    return r;
}

void scn_result_free(scn_result *res)
{
    if (res == NULL)
        return;
    free(res->messages);
    res->messages = NULL;
    scn_program_free(res->prog);
    res->prog = NULL;
}

const char *scn_title(const scn_program *p)
{
    return p->title != NULL ? p->title : p->filename;
}

const char *scn_about(const scn_program *p) { return p->about != NULL ? p->about : ""; }
const char *scn_filename(const scn_program *p) { return p->filename; }
const char *scn_source(const scn_program *p, size_t *len)
{
    if (len != NULL)
        *len = p->source_len;
    return p->source;
}
int scn_cores(const scn_program *p) { return p->cores; }
int scn_quantum(const scn_program *p) { return p->quantum; }
uint64_t scn_tick_ns(const scn_program *p) { return p->tick_ns; }
uint64_t scn_seed(const scn_program *p) { return p->seed; }

int scn_has_items(const scn_program *p)
{
    for (int i = 0; i < p->nchan; i++)
        if (!p->chans[i].tokens)
            return 1;
    return 0;
}

int scn_routine_count(const scn_program *p) { return p->nrout; }
int scn_note_count(const scn_program *p) { return p->nnotes; }
int scn_endless_line(const scn_program *p) { return p->endless_line; }

const char *scn_note_text(const scn_program *p, int i)
{
    return i >= 0 && i < p->nnotes ? p->notes[i] : NULL;
}

const char *scn_routine_decl_name(const scn_program *p, int r)
{
    return r >= 0 && r < p->nrout ? p->routs[r].name : NULL;
}

const char *scn_routine_decl_text(const scn_program *p, int r, int *first_line)
{
    if (r < 0 || r >= p->nrout)
        return NULL;
    if (first_line != NULL)
        *first_line = p->routs[r].line;
    return p->routs[r].text;
}

void scn_instance_name(const scn_program *p, int r, int n, char *buf, size_t len)
{
    const scn_routine_decl *d = &p->routs[r];

    if (d->count == 1 && n == 1)
        snprintf(buf, len, "%s", d->name);
    else
        snprintf(buf, len, "%s#%d", d->name, n);
}
