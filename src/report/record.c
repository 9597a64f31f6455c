/*
 * record.c - the recorder as a fold of the pump: the one a headless run
 * feeds beside its summary and trace, and the screen's.  Names come from
 * the source (play.h), the header from what the source says of its run
 * and the settings in force.  (Playing a recording back is a source of
 * the pump, src/play/source_rec.c; headless.c plays it as a live run.)
 *
 * Owns no state between calls but the screen recorder's.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report/out.h"
#include "report/record.h"
#include "report/summary.h"

/* ---- recording a run -------------------------------------------------------- */

static void play_namer(void *ctx, int what, uint32_t id, char *buf, size_t n)
{
    const play_names *names = ctx;
    void (*fn)(void *, uint32_t, char *, size_t) =
        what == REC_CHAN ? names->chan : names->routine;

    if (n > 0)
        buf[0] = '\0';
    if (fn != NULL)
        fn(names->ctx, id, buf, n);
}

rec_writer *out_record_open(const char *path, play *p, const out_run_info *info,
                            char *err, size_t errlen)
{
    rec_header h;
    rec_writer *w;
    play_about a;
    struct timespec ts;

    play_about_run(p, &a);
    memset(&h, 0, sizeof h);
    clock_gettime(CLOCK_REALTIME, &ts);
    h.lanes = PACKAGE_VERSION;
    h.scenario = info->scenario;
    h.title = info->title;
    h.file = a.file;
    if (a.prog != NULL)
        h.source = scn_source(a.prog, &h.source_len);
    h.cores = info->cores;
    h.quantum = info->quantum;
    h.tick_ns = info->tick_ns;
    h.seed = info->seed;
    h.seed_set = info->seed_set;
    h.cpus = lanes_online_cpus();
    h.start_unix_ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
    w = rec_open_write(path, &h, err, errlen);
    if (w != NULL)
        rec_set_namer(w, play_namer, (void *)play_names_of(p));
    return w;
}

int out_record_close(rec_writer *w, const out_run_info *info, const out_summary *sum,
                     const char *message, const char *report_json, char *err, size_t errlen)
{
    rec_end end;

    memset(&end, 0, sizeof end);
    end.status = info->status;
    end.exit_status = info->exit_status;
    end.wall_ns = sum->wall_ns;
    end.end_mt = sum->end_mt;
    end.dropped = sum->dropped;
    end.message = message;
    end.report_json = report_json;
    return rec_close(w, &end, err, errlen);
}

rec_writer *out_record_start(const char *path, play *p, char *err, size_t errlen)
{
    out_run_info info;
    play_about a;

    play_about_run(p, &a);
    memset(&info, 0, sizeof info);
    info.scenario = a.scenario;
    info.title = a.title;
    info.cores = play_cores(p);
    info.quantum = play_quantum(p);
    info.tick_ns = play_tick(p);
    info.seed_set = a.seed_set;
    info.seed = a.seed;
    return out_record_open(path, p, &info, err, errlen);
}

int out_record_end(rec_writer *w, play *p, const char *status, int exit_status,
                   uint64_t wall_ns, const char *message, char *err, size_t errlen)
{
    rec_end end;

    memset(&end, 0, sizeof end);
    end.status = status;
    end.exit_status = exit_status;
    end.wall_ns = wall_ns;
    end.end_mt = play_now(p);
    end.dropped = play_dropped(p);
    end.message = message;
    return rec_close(w, &end, err, errlen);
}

static int record_feed(void *ctx, const lanes_event *ev, size_t n, const play_names *names)
{
    (void)names;
    return rec_write_events(ctx, ev, n) != 0 ? -1 : 0;
}

static const char *record_error(void *ctx)
{
    return rec_write_error(ctx);
}

play_fold out_record_fold(rec_writer *w)
{
    play_fold f = { record_feed, NULL, NULL, NULL, record_error, w, 1, NULL, NULL };

    return f;
}

/* ---- the screen's recording as a fold -------------------------------------- */

/* The screen records its first run only (a recording holds one run): the
 * file is opened when that run starts (the header reads the runtime) and
 * closed when it ends, by a restart or at the end.  Write errors while
 * feeding are said once, at the end (rec_close reports them). */
typedef struct screen_rec {
    const char *path;
    rec_writer *w;
    int      done;              /* the one run was recorded             */
    uint64_t t0_ns;             /* monotonic time at its start          */
    char     err[600];          /* its end's error, "" when none        */
} screen_rec;

static uint64_t mono_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int screen_start(void *ctx, play *p, char *err, size_t errlen)
{
    screen_rec *r = ctx;

    if (r->done || r->w != NULL)
        return 0;
    r->t0_ns = mono_ns();
    r->w = out_record_start(r->path, p, err, errlen);
    if (r->w == NULL) {
        r->done = 1;
        snprintf(r->err, sizeof r->err, "%s", err);
        return -1;
    }
    return 0;
}

static int screen_feed(void *ctx, const lanes_event *ev, size_t n, const play_names *names)
{
    screen_rec *r = ctx;

    (void)names;
    if (r->w != NULL)
        rec_write_events(r->w, ev, n);          /* errors: at its end */
    return 0;
}

static void screen_end(void *ctx, play *p, const char *how, int status)
{
    screen_rec *r = ctx;
    play_outcome o;

    if (r->w == NULL)
        return;
    play_outcome_of(p, &o);
    out_record_end(r->w, p, how, status, mono_ns() - r->t0_ns, o.message,
                   r->err, sizeof r->err);
    r->w = NULL;
    r->done = 1;
}

static int screen_finish(void *ctx, uint64_t dropped, char *err, size_t errlen)
{
    screen_rec *r = ctx;
    int rc = r->err[0] != '\0' ? -1 : 0;

    (void)dropped;
    if (rc != 0 && err != NULL && errlen > 0)
        snprintf(err, errlen, "%s", r->err);
    free(r);
    return rc;
}

static const char *screen_error(void *ctx)
{
    return ((screen_rec *)ctx)->err;
}

play_fold out_record_screen_fold(const char *path)
{
    screen_rec *r = out_xrealloc(NULL, sizeof *r);
    play_fold f;

    memset(r, 0, sizeof *r);
    r->path = path;
    memset(&f, 0, sizeof f);
    f.feed = screen_feed;
    f.finish = screen_finish;
    f.error = screen_error;
    f.start = screen_start;
    f.end = screen_end;
    f.ctx = r;
    f.lossless = 1;
    return f;
}
