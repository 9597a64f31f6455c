/*
 * snap.c - the screen model as bytes and back: history's snapshots
 * (hist.h).
 *
 * A packed model is its struct without the lanes array, the lanes up to
 * the last one that differs from a lane never used, then the used part of
 * each table (ui_model's routines and channels, the run state's routines,
 * channels and items), each after its length.  Tables come back at the
 * capacity they had, so a model unpacked and folded on grows as the
 * original did.  Pointers are stored as zero: two models that hold the
 * same things pack to the same bytes.
 *
 * Owns nothing; touches only the models given.  Must change with
 * ui_model and fold_state: a pointer field added to either needs a line
 * in pack_tables / unpack_tables (the tests catch a model that does not
 * come back whole).
 */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "ui/hist.h"

#define LANES_OFF  offsetof(ui_model, lanes)
#define TAIL_OFF   (offsetof(ui_model, lanes) + sizeof(((ui_model *)0)->lanes))
#define TAIL_LEN   (sizeof(ui_model) - TAIL_OFF)

typedef struct buf { unsigned char *p; size_t len, cap; } buf;

static void put(buf *b, const void *src, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n)
            cap *= 2;
        b->p = fold_xrealloc(b->p, cap);
        b->cap = cap;
    }
    if (n > 0)
        memcpy(b->p + b->len, src, n);
    b->len += n;
}

static const unsigned char *take(const unsigned char **p, const unsigned char *end, size_t n)
{
    const unsigned char *at = *p;

    if ((size_t)(end - at) < n)
        abort();                    /* only our own packs come here */
    *p += n;
    return at;
}

/* A lane the model never touched (ui_model_reset's, past the cores). */
static const ui_lane *pristine(void)
{
    static ui_lane l;
    static int made;

    if (!made) {
        memset(&l, 0, sizeof l);
        l.cpu = -1;
        l.parked = 1;
        made = 1;
    }
    return &l;
}

/* Entries of a table up to its last one that is not all zero bytes. */
static size_t used_len(const void *tab, size_t n, size_t elem)
{
    const unsigned char *t = tab;

    while (n > 0) {
        const unsigned char *e = t + (n - 1) * elem;
        size_t i;
        for (i = 0; i < elem && e[i] == 0; i++)
            ;
        if (i < elem)
            break;
        n--;
    }
    return n;
}

static void put_table(buf *b, const void *tab, size_t n, size_t elem)
{
    uint64_t used = tab != NULL ? used_len(tab, n, elem) : 0;

    put(b, &used, sizeof used);
    put(b, tab, (size_t)used * elem);
}

/* A table of cap entries, the first ones from the pack, the rest zero. */
static void *take_table(const unsigned char **p, const unsigned char *end, size_t cap,
                        size_t elem)
{
    uint64_t used;
    void *t;

    memcpy(&used, take(p, end, sizeof used), sizeof used);
    if (used > cap)
        abort();
    if (cap == 0)
        return NULL;
    t = fold_xrealloc(NULL, cap * elem);
    memset(t, 0, cap * elem);
    memcpy(t, take(p, end, (size_t)used * elem), (size_t)used * elem);
    return t;
}

#define ZERO_FIELD(base, field) \
    memset((base) + offsetof(ui_model, field) - TAIL_OFF, 0, sizeof(((ui_model *)0)->field))

unsigned char *ui_model_pack(const ui_model *m, size_t *len)
{
    buf b = { NULL, 0, 0 };
    uint32_t nl = LANES_MAX_CORES;
    size_t tail;

    while (nl > 0 && memcmp(&m->lanes[nl - 1], pristine(), sizeof(ui_lane)) == 0)
        nl--;
    put(&b, m, LANES_OFF);
    put(&b, &nl, sizeof nl);
    put(&b, m->lanes, nl * sizeof(ui_lane));
    tail = b.len;
    put(&b, (const unsigned char *)m + TAIL_OFF, TAIL_LEN);
    ZERO_FIELD(b.p + tail, routines);
    ZERO_FIELD(b.p + tail, chans);
    ZERO_FIELD(b.p + tail, st.routines);
    ZERO_FIELD(b.p + tail, st.chans);
    ZERO_FIELD(b.p + tail, st.items_tab);
    ZERO_FIELD(b.p + tail, namer);
    ZERO_FIELD(b.p + tail, namer_ctx);
    put_table(&b, m->routines, m->nroutines, sizeof *m->routines);
    put_table(&b, m->chans, m->nchans, sizeof *m->chans);
    put_table(&b, m->st.routines, m->st.routines_len, sizeof *m->st.routines);
    put_table(&b, m->st.chans, m->st.chans_len, sizeof *m->st.chans);
    put_table(&b, m->st.items_tab, m->st.items_cap, sizeof *m->st.items_tab);
    *len = b.len;
    return b.p;
}

void ui_model_unpack(ui_model *m, const unsigned char *p, size_t len)
{
    const unsigned char *end = p + len;
    ui_namer namer = m->namer;
    void *ctx = m->namer_ctx;
    uint32_t nl, l;

    ui_model_free(m);               /* the tables; the struct is rewritten */
    memcpy(m, take(&p, end, LANES_OFF), LANES_OFF);
    memcpy(&nl, take(&p, end, sizeof nl), sizeof nl);
    if (nl > LANES_MAX_CORES)
        abort();
    memcpy(m->lanes, take(&p, end, nl * sizeof(ui_lane)), nl * sizeof(ui_lane));
    for (l = nl; l < LANES_MAX_CORES; l++)
        memcpy(&m->lanes[l], pristine(), sizeof(ui_lane));
    memcpy((unsigned char *)m + TAIL_OFF, take(&p, end, TAIL_LEN), TAIL_LEN);
    m->namer = namer;
    m->namer_ctx = ctx;
    m->routines = take_table(&p, end, m->nroutines, sizeof *m->routines);
    m->chans = take_table(&p, end, m->nchans, sizeof *m->chans);
    m->st.routines = take_table(&p, end, m->st.routines_len, sizeof *m->st.routines);
    m->st.chans = take_table(&p, end, m->st.chans_len, sizeof *m->st.chans);
    m->st.items_tab = take_table(&p, end, m->st.items_cap, sizeof *m->st.items_tab);
    if (p != end)
        abort();
}
