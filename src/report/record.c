/*
 * record.c - recordings where they meet a run without a screen: the
 * recorder that a headless run feeds beside its summary and trace (names
 * from the live runtime, the header from the program and the settings in
 * force), and the headless replay, which feeds a recording's events to the
 * same summary and trace folds the live run used, so it prints the same
 * summary and writes the same trace.
 *
 * Owns no state between calls.  The replay reads the recording in order
 * and stops at the first problem the reader finds (src/rec says which):
 * then nothing is printed but the message, and the status is 2.
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

#define READ_BATCH 16384

/* ---- recording a live run ------------------------------------------------- */

static void live_name(void *ctx, int what, uint32_t id, char *buf, size_t n)
{
    if (what == REC_CHAN)
        lanes_chan_name(ctx, id, buf, n);
    else
        lanes_routine_name(ctx, id, buf, n);
}

rec_writer *out_record_open(const char *path, const scn_program *prog, lanes_rt *rt,
                            const out_run_info *info, char *err, size_t errlen)
{
    rec_header h;
    rec_writer *w;
    struct timespec ts;

    memset(&h, 0, sizeof h);
    clock_gettime(CLOCK_REALTIME, &ts);
    h.lanes = PACKAGE_VERSION;
    h.scenario = info->scenario;
    h.title = info->title;
    h.file = scn_filename(prog);
    h.source = scn_source(prog, &h.source_len);
    h.cores = info->cores;
    h.quantum = info->quantum;
    h.tick_ns = info->tick_ns;
    h.seed = info->seed;
    h.seed_set = info->seed_set;
    h.cpus = lanes_online_cpus();
    h.start_unix_ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
    w = rec_open_write(path, &h, err, errlen);
    if (w != NULL)
        rec_set_namer(w, live_name, rt);
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

rec_writer *out_record_start(const lanes_opts *opts, const scn_program *prog, lanes_rt *rt,
                             char *err, size_t errlen)
{
    out_run_info info;

    memset(&info, 0, sizeof info);
    info.scenario = opts->scenario != NULL ? opts->scenario : SCN_DEFAULT;
    info.title = scn_title(prog);
    info.cores = lanes_cores(rt);
    info.quantum = lanes_quantum(rt);
    info.tick_ns = lanes_tick(rt);
    info.seed_set = 1;
    info.seed = opts->seed_set ? opts->seed : scn_seed(prog);
    return out_record_open(opts->record, prog, rt, &info, err, errlen);
}

int out_record_end(rec_writer *w, lanes_rt *rt, const char *status, int exit_status,
                   uint64_t wall_ns, const char *message, char *err, size_t errlen)
{
    rec_end end;

    memset(&end, 0, sizeof end);
    end.status = status;
    end.exit_status = exit_status;
    end.wall_ns = wall_ns;
    end.end_mt = lanes_now(rt);
    end.dropped = lanes_trace_dropped(rt);
    end.message = message;
    return rec_close(w, &end, err, errlen);
}

/* ---- replaying one without a screen ---------------------------------------- */


static void rec_routine(void *ctx, uint32_t id, char *buf, size_t n)
{
    rec_routine_name(ctx, id, buf, n);
}

static void rec_chan(void *ctx, uint32_t id, char *buf, size_t n)
{
    rec_chan_name(ctx, id, buf, n);
}

/* The events of r into the folds, to the end, and the messages the run
 * said where it said them (unless `quiet`).  0, 1 when the trace could not
 * be written, -1 when the recording is bad (rec_read_error says why). */
static int replay_events(rec_reader *r, out_summary *sum, out_trace *tw, const out_names *names,
                         int quiet)
{
    char *m;
    lanes_event *buf = out_xrealloc(NULL, READ_BATCH * sizeof *buf);
    ssize_t n;
    int rc = 0;

    while ((n = rec_read_events(r, buf, READ_BATCH)) >= 0) {
        out_summary_feed(sum, buf, (size_t)n);
        if (tw != NULL && out_trace_feed(tw, buf, (size_t)n, names) != 0) {
            rc = 1;
            break;
        }
        while ((m = rec_take_message(r)) != NULL) {
            if (!quiet)
                out_say(m);
            free(m);
        }
        if (n == 0)
            break;
    }
    if (n < 0)
        rc = -1;
    free(buf);
    return rc;
}

/* Opens the trace of a replay, noted as the live run noted it. */
static out_trace *replay_trace(const char *path, const rec_header *h, const scn_program *prog,
                               char *err, size_t errlen)
{
    out_trace *tw = out_trace_open(path, err, errlen);

    if (tw == NULL)
        return NULL;
    out_trace_note(tw, "scenario", h->scenario);
    out_trace_note(tw, "title", h->title);
    if (prog != NULL)
        out_trace_program(tw, prog);
    return tw;
}

static void replay_info(out_run_info *info, const rec_header *h, const rec_end *end)
{
    memset(info, 0, sizeof *info);
    info->scenario = h->scenario;
    info->title = h->title;
    info->cores = h->cores;
    info->quantum = h->quantum;
    info->tick_ns = h->tick_ns;
    info->seed = h->seed;
    info->seed_set = h->seed_set;
    info->cpus = h->cpus;
    info->json_more = end->report_json[0] != '\0' ? end->report_json : NULL;
    info->status = end->status;
    info->exit_status = end->exit_status;
}

int out_replay(const lanes_opts *opts)
{
    rec_header h;
    rec_reader *r;
    scn_result res;
    out_trace *tw = NULL;
    out_summary sum;
    out_run_info info;
    out_names names;
    const rec_end *end;
    FILE *sumf = stdout;
    char err[600];
    int rc, status, quiet;

    r = rec_open_read(opts->replay, &h, err, sizeof err);
    if (r == NULL) {
        out_say(err);
        return EXIT_USAGE;
    }
    /* the program, for what its notes say (a newer lanes' may not parse) */
    res = scn_parse(h.file, h.source, h.source_len);
    if (opts->trace != NULL) {
        if ((tw = replay_trace(opts->trace, &h, res.prog, err, sizeof err)) == NULL) {
            out_say(err);
            scn_result_free(&res);
            rec_close_read(r);
            return EXIT_SYSTEM;
        }
        if (strcmp(opts->trace, "-") == 0)
            sumf = stderr;
    }
    names.routine = rec_routine;
    names.chan = rec_chan;
    names.ctx = r;
    out_summary_init(&sum);
    out_summary_set_tick(&sum, h.tick_ns);
    /* the JSON summary on stderr stays one parseable line (as live) */
    quiet = opts->json && sumf == stderr;
    rc = replay_events(r, &sum, tw, &names, quiet);
    end = rec_read_end(r);
    if (rc != 0 || end == NULL) {
        out_say(rc > 0 ? out_trace_error(tw) : rec_read_error(r));
        if (tw != NULL) {
            out_trace_note(tw, "incomplete", "the recording could not be read to its end");
            out_trace_close(tw, 0, NULL, 0);
        }
        status = rc > 0 ? EXIT_SYSTEM : EXIT_USAGE;
        goto out;
    }
    out_summary_finish(&sum, end->end_mt, end->wall_ns, end->dropped);
    replay_info(&info, &h, end);
    status = end->exit_status;
    if (tw != NULL && out_trace_close(tw, end->dropped, err, sizeof err) != 0) {
        out_say(err);
        status = info.exit_status = EXIT_SYSTEM;
    }
    rc = opts->json ? out_summary_print_json(sumf, &sum, &info, &names)
                    : out_summary_print_text(sumf, &sum, &info, &names);
    if (rc != 0) {
        snprintf(err, sizeof err, "cannot write the summary: %s", strerror(errno));
        out_say(err);
        status = EXIT_SYSTEM;
    }
    if (!quiet)
        out_say(end->message);
out:
    out_summary_free(&sum);
    scn_result_free(&res);
    rec_close_read(r);
    return status;
}

static int record_feed(void *ctx, const lanes_event *ev, size_t n, lanes_rt *rt)
{
    (void)rt;
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
    const lanes_opts *opts;
    const scn_program *prog;
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

static int screen_start(void *ctx, scn_run *run, lanes_rt *rt, char *err, size_t errlen)
{
    screen_rec *r = ctx;

    (void)run;
    if (r->done || r->w != NULL)
        return 0;
    r->t0_ns = mono_ns();
    r->w = out_record_start(r->opts, r->prog, rt, err, errlen);
    if (r->w == NULL) {
        r->done = 1;
        snprintf(r->err, sizeof r->err, "%s", err);
        return -1;
    }
    return 0;
}

static int screen_feed(void *ctx, const lanes_event *ev, size_t n, lanes_rt *rt)
{
    screen_rec *r = ctx;

    (void)rt;
    if (r->w != NULL)
        rec_write_events(r->w, ev, n);          /* errors: at its end */
    return 0;
}

static void screen_end(void *ctx, scn_run *run, lanes_rt *rt, const char *how, int status)
{
    screen_rec *r = ctx;

    if (r->w == NULL)
        return;
    out_record_end(r->w, rt, how, status, mono_ns() - r->t0_ns, scn_end_message(run),
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

play_fold out_record_screen_fold(const lanes_opts *opts, const scn_program *prog)
{
    screen_rec *r = out_xrealloc(NULL, sizeof *r);
    play_fold f;

    memset(r, 0, sizeof *r);
    r->opts = opts;
    r->prog = prog;
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
