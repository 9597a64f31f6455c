/*
 * folds.c - the summary and the trace writer as folds of the pump
 * (play.h): thin adapters, no state of their own.
 */
#include "config.h"

#include <stdio.h>

#include "report/out.h"
#include "report/summary.h"

static int trace_feed(void *ctx, const lanes_event *ev, size_t n, const play_names *names)
{
    return out_trace_feed(ctx, ev, n, names);
}

static int trace_restart(void *ctx)
{
    return out_trace_restart(ctx);
}

static void trace_note(void *ctx, const char *key, const char *value)
{
    out_trace_note(ctx, key, value);
}

static int trace_finish(void *ctx, uint64_t dropped, char *err, size_t errlen)
{
    return out_trace_close(ctx, dropped, err, errlen);
}

static const char *trace_error(void *ctx)
{
    return out_trace_error(ctx);
}

play_fold out_trace_fold(out_trace *w)
{
    play_fold f = { trace_feed, trace_restart, trace_note, trace_finish, trace_error, w, 1, NULL, NULL };

    return f;
}

static int summary_feed(void *ctx, const lanes_event *ev, size_t n, const play_names *names)
{
    (void)names;
    out_summary_feed(ctx, ev, n);
    return 0;
}

play_fold out_summary_fold(out_summary *s)
{
    play_fold f = { summary_feed, NULL, NULL, NULL, NULL, s, 1, NULL, NULL };

    return f;
}
