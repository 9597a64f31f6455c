/*
 * reach.c - what the rest of each routine can still do, for the
 * partial-deadlock monitor (interp.c): for every step, the channels that
 * step and every step after it (the whole outermost loop it is in, and
 * whatever the routines it spawns can do, to a fixpoint) may send on or
 * close, and may receive from.  Conservative: a channel in a set may be
 * used; one outside it never will be.  Pure: reads the program, no run.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "scn/scn_int.h"

#define SPAWN_WORDS ((SCN_MAX_ROUTINES + 63) / 64)

static void set_bit(uint64_t *s, int i) { s[i / 64] |= 1ull << (i % 64); }
static int has_bit(const uint64_t *s, int i) { return (int)(s[i / 64] >> (i % 64)) & 1; }

static void or_into(uint64_t *d, const uint64_t *s, int w)
{
    int i;
    for (i = 0; i < w; i++)
        d[i] |= s[i];
}

static int is_loop(int op)
{
    return op == SCN_OP_REPEAT || op == SCN_OP_FOREVER || op == SCN_OP_RANGE;
}

/* The channels one step itself may send on/close (s) or receive from (r). */
static void step_effect(const scn_program *p, const scn_step *st, uint64_t *s, uint64_t *r,
                        const uint64_t *all_s, const uint64_t *all_r, int w)
{
    switch (st->op) {
    case SCN_OP_SEND:
        set_bit(s, st->ref);
        break;
    case SCN_OP_CLOSE:              /* releases receivers, and senders (into a fault) */
        set_bit(s, st->ref);
        set_bit(r, st->ref);
        break;
    case SCN_OP_RECV: case SCN_OP_RANGE:
        set_bit(r, st->ref);
        break;
    case SCN_OP_CASE:
        set_bit(st->b == LANES_SEND ? s : r, st->ref);
        break;
    case SCN_OP_SPAWN:
        or_into(s, all_s + (size_t)st->ref * (size_t)w, w);
        or_into(r, all_r + (size_t)st->ref * (size_t)w, w);
        break;
    default:
        break;
    }
    (void)p;
}

void scn_reach_sets(const scn_program *p, int w, uint64_t **can_send, uint64_t **can_recv)
{
    int d, e, i, changed;
    size_t nd = (size_t)(p->nrout > 0 ? p->nrout : 1);
    uint64_t *all_s = scn_xrealloc(NULL, nd * (size_t)w * 8);
    uint64_t *all_r = scn_xrealloc(NULL, nd * (size_t)w * 8);
    uint64_t *spawns = scn_xrealloc(NULL, nd * SPAWN_WORDS * 8);
    uint64_t *loop_s = scn_xrealloc(NULL, (size_t)w * 8), *loop_r = scn_xrealloc(NULL, (size_t)w * 8);
    size_t ns = (size_t)(p->nsteps > 0 ? p->nsteps : 1) * (size_t)w;

    memset(all_s, 0, nd * (size_t)w * 8);
    memset(all_r, 0, nd * (size_t)w * 8);
    memset(spawns, 0, nd * SPAWN_WORDS * 8);
    /* Each routine's own steps, and which routines it spawns... */
    for (d = 0; d < p->nrout; d++)
        for (i = p->routs[d].first; i < p->routs[d].last; i++) {
            const scn_step *st = &p->steps[i];
            if (st->op == SCN_OP_SPAWN)
                set_bit(spawns + (size_t)d * SPAWN_WORDS, st->ref);
            else
                step_effect(p, st, all_s + (size_t)d * (size_t)w, all_r + (size_t)d * (size_t)w,
                            all_s, all_r, w);
        }
    /* ...then what those can do, to a fixpoint over the spawn graph. */
    do {
        changed = 0;
        for (d = 0; d < p->nrout; d++)
            for (e = 0; e < p->nrout; e++) {
                uint64_t *s = all_s + (size_t)d * (size_t)w, *r = all_r + (size_t)d * (size_t)w;
                int k;
                if (!has_bit(spawns + (size_t)d * SPAWN_WORDS, e) || e == d)
                    continue;
                for (k = 0; k < w; k++) {
                    uint64_t ns2 = s[k] | all_s[(size_t)e * (size_t)w + (size_t)k];
                    uint64_t nr2 = r[k] | all_r[(size_t)e * (size_t)w + (size_t)k];
                    if (ns2 != s[k] || nr2 != r[k])
                        changed = 1;
                    s[k] = ns2;
                    r[k] = nr2;
                }
            }
    } while (changed);
    free(spawns);

    (*can_send) = scn_xrealloc(NULL, ns * 8);
    (*can_recv) = scn_xrealloc(NULL, ns * 8);
    memset((*can_send), 0, ns * 8);
    memset((*can_recv), 0, ns * 8);
    for (d = 0; d < p->nrout; d++) {
        int first = p->routs[d].first, last = p->routs[d].last;
        /* suffixes: this step and every step after it in the routine */
        for (i = last - 1; i >= first; i--) {
            uint64_t *s = (*can_send) + (size_t)i * (size_t)w;
            uint64_t *r = (*can_recv) + (size_t)i * (size_t)w;
            if (i + 1 < last) {
                memcpy(s, s + w, (size_t)w * 8);
                memcpy(r, r + w, (size_t)w * 8);
            }
            step_effect(p, &p->steps[i], s, r, all_s, all_r, w);
        }
        /* inside a loop, the whole of its outermost loop may run again */
        for (i = first; i < last; i++) {
            const scn_step *st = &p->steps[i];
            int k, end;
            if (!is_loop(st->op) || st->depth != 0)
                continue;
            end = st->jump;
            memset(loop_s, 0, (size_t)w * 8);
            memset(loop_r, 0, (size_t)w * 8);
            for (k = i; k <= end; k++)
                step_effect(p, &p->steps[k], loop_s, loop_r, all_s, all_r, w);
            for (k = i; k <= end; k++) {
                or_into((*can_send) + (size_t)k * (size_t)w, loop_s, w);
                or_into((*can_recv) + (size_t)k * (size_t)w, loop_r, w);
            }
            i = end;
        }
    }
    free(all_s);
    free(all_r);
    free(loop_s);
    free(loop_r);
}
