/*
 * modelfeed.h - what the model and drawing tests share: the restaurant's
 * routine and channel names, and a way to fold one synthetic event.
 */
#ifndef LANES_MODELFEED_H
#define LANES_MODELFEED_H

#include <stdio.h>
#include <string.h>

#include "ui/model.h"

static const char *names[] = { "", "cashier", "cook#1", "cook#2", "attendant" };
static const char *chans[] = { "", "orders", "meals" };
static const char *notes[] = { "One cashier, one core: turns.", "Now press 4." };

static void namer(void *ctx, int kind, uint32_t id, char *buf, size_t n)
{
    (void)ctx;
    if (kind == 0 && id < 5)
        snprintf(buf, n, "%s", names[id]);
    else if (kind == 1 && id < 3)
        snprintf(buf, n, "%s", chans[id]);
    else if (kind == 2 && id < 2)
        snprintf(buf, n, "%s", notes[id]);
}

/* Folds one event at runtime time t_rt (milli-ticks) into m. */
static void feed(ui_model *m, uint64_t t_rt, int kind, int lane, uint32_t routine,
                 uint32_t obj, int32_t arg, int window)
{
    lanes_event e;

    memset(&e, 0, sizeof e);
    e.t_ns = t_rt * 1000;
    e.t_rt = t_rt;
    e.kind = (uint16_t)kind;
    e.lane = lane < 0 ? LANES_NO_LANE : (uint16_t)lane;
    e.routine = routine;
    e.obj = obj;
    e.arg = arg;
    ui_model_fold(m, &e, 1, window);
}

#endif
