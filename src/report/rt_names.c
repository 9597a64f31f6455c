/*
 * rt_names.c - the one place src/report asks the runtime anything: routine and
 * channel names, and the trace writer's entry point that takes a runtime;
 * and the scenario: the texts of its notes.
 * Kept apart so the folds link (and are tested) without a runtime.
 */
#include "config.h"

#include "report/out.h"

static void rt_routine_name(void *ctx, uint32_t id, char *buf, size_t n)
{
    lanes_routine_name(ctx, id, buf, n);
}

static void rt_chan_name(void *ctx, uint32_t id, char *buf, size_t n)
{
    lanes_chan_name(ctx, id, buf, n);
}

out_names out_names_of_rt(lanes_rt *rt)
{
    out_names names = { rt_routine_name, rt_chan_name, rt };

    if (rt == NULL)
        names.routine = names.chan = NULL;
    return names;
}

int out_trace_events(out_trace *w, const lanes_event *ev, size_t n, lanes_rt *rt)
{
    out_names names = out_names_of_rt(rt);

    return out_trace_feed(w, ev, n, &names);
}

static const char *program_note(void *ctx, int i)
{
    return scn_note_text(ctx, i);
}

void out_trace_program(out_trace *w, const scn_program *p)
{
    out_trace_notes(w, p != NULL ? program_note : NULL, (void *)p);
}
