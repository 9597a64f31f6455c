/*
 * ids.c - routine ids and the names of routines.  Owns the name levels;
 * knows nothing of lanes or stacks but the liveness word each routine
 * brings (stk_node.owner).
 *
 * Ids come from one counter: 1, 2, ... LANES_ID_MAX, then round again
 * from LANES_ID_REUSE_MIN, so lanes_go's int is always positive and the
 * ids below 2^24 that the folds key their tables by are never given
 * twice.  An id is skipped when a live routine holds it or holds its
 * name slot.
 *
 * Names live in a level: a power-of-two array of slots indexed by
 * id & mask, so an exited routine's name stays until an id one level's
 * size later takes its slot.  The first level has 4,096 slots; levels
 * double as the first ids reach them, up to LANES_NAMES_KEPT.  A live routine's slot is never taken (the id
 * that would take it is skipped), so a live routine's name stays.  When
 * skips pile up (16 in a row: live routines fill much of the level), a
 * level twice the size is added and written from then on; older levels
 * are only read.  So memory follows the most routines alive at once, and
 * a name is read without a lock: each slot's tag is a seqlock.
 */
#include "config.h"
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include "ids.h"
#include "rassert.h"

#define LEVEL0_SHIFT 12             /* a small program maps 192 KiB */
#define KEPT_SHIFT   16             /* LANES_NAMES_KEPT slots */
#define SKIPS_TO_GROW 16
#define POPULATE_EVERY 1024         /* slots populated in one call */
#define TAG_WRITING (1ull << 32)
#define TAG_WRITE1  (1ull << 33)

_Static_assert(LANES_NAME_MAX % 8 == 0, "names are copied in words");
_Static_assert((1u << KEPT_SHIFT) == LANES_NAMES_KEPT, "a full level keeps that many");
_Static_assert(LANES_ID_MAX <= 0x7fffffffu, "ids are positive ints");

static int level_map(ids_level *l, uint64_t slots)
{
    void *m = mmap(NULL, slots * sizeof(ids_slot), PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED)
        return -ENOMEM;
    l->slots = m;
    l->mask = slots - 1;
    return 0;
}

int ids_init(ids_tab *t, const _Atomic uint64_t *census)
{
    memset(t, 0, sizeof *t);
    if (level_map(&t->levels[0], 1ull << LEVEL0_SHIFT) != 0)
        return -ENOMEM;
    atomic_store(&t->nlevels, 1);
    t->census = census;
    pthread_mutex_init(&t->grow_mu, NULL);
    return 0;
}

void ids_fini(ids_tab *t)
{
    int n = atomic_load(&t->nlevels);
    if (n == 0)
        return;
    for (int i = 0; i < n; i++)
        munmap(t->levels[i].slots, (t->levels[i].mask + 1) * sizeof(ids_slot));
    pthread_mutex_destroy(&t->grow_mu);
    memset(t, 0, sizeof *t);
}

static uint32_t id_of(uint64_t drawn)
{
    const uint64_t round = (uint64_t)LANES_ID_MAX - LANES_ID_REUSE_MIN + 1;
    if (drawn <= LANES_ID_MAX)
        return (uint32_t)drawn;
    return LANES_ID_REUSE_MIN + (uint32_t)((drawn - LANES_ID_MAX - 1) % round);
}

/* Whether slot s (tag read with acquire) names a routine still alive. */
static int slot_live(ids_slot *s, uint64_t tag)
{
    _Atomic uint32_t *alive;
    if (tag & TAG_WRITING)
        return 1;               /* being written: as good as taken */
    if ((uint32_t)tag == 0)
        return 0;
    alive = atomic_load_explicit(&s->alive, memory_order_relaxed);
    return alive != NULL && atomic_load_explicit(alive, memory_order_relaxed) == (uint32_t)tag;
}

/* After the first round: whether a live routine holds id in any level. */
static int id_live(ids_tab *t, int nlevels, uint32_t id)
{
    for (int i = 0; i < nlevels; i++) {
        ids_slot *s = &t->levels[i].slots[id & t->levels[i].mask];
        uint64_t tag = atomic_load_explicit(&s->tag, memory_order_acquire);
        if ((uint32_t)tag == id && slot_live(s, tag))
            return 1;
    }
    return 0;
}

/* Adds a level twice the size of level nl - 1, unless somebody did, or
 * (unless `always`) the live routines fill less than half of it: skipping
 * a crowd of them once a round costs less than doubling for it.  1: there
 * is a new level to write. */
static int grow(ids_tab *t, int nl, int always)
{
    int done = 0;
    uint64_t live = atomic_load_explicit(t->census, memory_order_relaxed) >> 32;
    pthread_mutex_lock(&t->grow_mu);
    if (atomic_load(&t->nlevels) != nl) {
        done = 1;
    } else if (nl < IDS_LEVELS && (always || (t->levels[nl - 1].mask + 1) / 2 <= live) &&
               level_map(&t->levels[nl], (t->levels[nl - 1].mask + 1) * 2) == 0) {
        atomic_store_explicit(&t->nlevels, nl + 1, memory_order_release);
        done = 1;
    }
    pthread_mutex_unlock(&t->grow_mu);
    return done;
}

/* The first write of a block of slots faults a page per 85 of them: one
 * call instead, where the kernel offers it. */
static void populate(ids_level *l, uint64_t idx)
{
#ifdef MADV_POPULATE_WRITE
    if (idx % POPULATE_EVERY == 0 && idx + POPULATE_EVERY <= l->mask + 1)
        madvise(&l->slots[idx], POPULATE_EVERY * sizeof(ids_slot), MADV_POPULATE_WRITE);
#else
    (void)l;
    (void)idx;
#endif
}

uint32_t ids_new(ids_tab *t, const char *name, _Atomic uint32_t *alive, const char **name_out)
{
    uint64_t words[LANES_NAME_MAX / 8] = { 0 };
    char *w = (char *)words;
    int skips = 0;

    for (size_t k = 0; name != NULL && k + 1 < LANES_NAME_MAX && name[k] != '\0'; k++)
        w[k] = name[k];
    for (;;) {
        int nl = atomic_load_explicit(&t->nlevels, memory_order_acquire);
        ids_level *l = &t->levels[nl - 1];
        uint64_t drawn = atomic_fetch_add_explicit(&t->next, 1, memory_order_relaxed) + 1;
        uint32_t id = id_of(drawn);
        uint64_t idx, tag;
        ids_slot *s;

        /* the first LANES_NAMES_KEPT ids: levels double up to that size
         * as ids reach them, so that no slot is written twice before */
        while (l->mask < LANES_NAMES_KEPT - 1 && drawn > l->mask && grow(t, nl, 1)) {
            nl = atomic_load_explicit(&t->nlevels, memory_order_acquire);
            l = &t->levels[nl - 1];
        }
        idx = id & l->mask;
        s = &l->slots[idx];
        tag = atomic_load_explicit(&s->tag, memory_order_acquire);
        if (slot_live(s, tag) || (drawn > LANES_ID_MAX && id_live(t, nl, id))) {
            if (++skips >= SKIPS_TO_GROW && grow(t, nl, 0))
                skips = 0;
            continue;
        }
        populate(l, idx);
        uint64_t writes = (tag & ~(TAG_WRITE1 - 1)) + TAG_WRITE1;
        if (!atomic_compare_exchange_strong(&s->tag, &tag, writes | TAG_WRITING | id))
            continue;           /* another spawner took the slot: draw again */
        RT_FENCE(memory_order_release);     /* the writing tag before the words */
        atomic_store_explicit(alive, id, memory_order_relaxed);
        atomic_store_explicit(&s->alive, alive, memory_order_relaxed);
        for (int i = 0; i < LANES_NAME_MAX / 8; i++)
            atomic_store_explicit(&s->name[i], words[i], memory_order_relaxed);
        atomic_store_explicit(&s->tag, writes | id, memory_order_release);
        *name_out = (const char *)s->name;
        return id;
    }
}

/* 1 and the name in words when s holds id's name, stable. */
static int slot_read(ids_slot *s, uint32_t id, uint64_t *words)
{
    for (int tries = 0; tries < 8; tries++) {
        uint64_t t1 = atomic_load_explicit(&s->tag, memory_order_acquire), t2;
        if ((uint32_t)t1 != id)
            return 0;
        if (t1 & TAG_WRITING)
            continue;
        for (int i = 0; i < LANES_NAME_MAX / 8; i++)
            words[i] = atomic_load_explicit(&s->name[i], memory_order_relaxed);
        RT_FENCE(memory_order_acquire);
        t2 = atomic_load_explicit(&s->tag, memory_order_relaxed);
        if (t1 == t2)
            return 1;
    }
    return 0;
}

void ids_name(ids_tab *t, uint32_t id, char *buf, size_t n)
{
    uint64_t words[LANES_NAME_MAX / 8 + 1];
    int nl;
    if (buf == NULL || n == 0)
        return;
    buf[0] = '\0';
    if (id == 0)
        return;
    words[LANES_NAME_MAX / 8] = 0;      /* a NUL after a name of every byte */
    nl = atomic_load_explicit(&t->nlevels, memory_order_acquire);
    for (int i = nl - 1; i >= 0; i--) {
        ids_level *l = &t->levels[i];
        if (slot_read(&l->slots[id & l->mask], id, words)) {
            size_t k = strnlen((const char *)words, n - 1);
            memcpy(buf, words, k);
            buf[k] = '\0';
            return;
        }
    }
}

void ids_each_live(ids_tab *t, void (*fn)(void *arg, uint32_t id), void *arg)
{
    int nl = atomic_load_explicit(&t->nlevels, memory_order_acquire);
    for (int i = 0; i < nl; i++) {
        ids_level *l = &t->levels[i];
        for (uint64_t k = 0; k <= l->mask; k++) {
            ids_slot *s = &l->slots[k];
            uint64_t tag = atomic_load_explicit(&s->tag, memory_order_acquire);
            if ((uint32_t)tag != 0 && !(tag & TAG_WRITING) && slot_live(s, tag))
                fn(arg, (uint32_t)tag);
        }
    }
}

size_t ids_slots(ids_tab *t)
{
    size_t n = 0;
    int nl = atomic_load_explicit(&t->nlevels, memory_order_acquire);
    for (int i = 0; i < nl; i++)
        n += t->levels[i].mask + 1;
    return n;
}

void ids_set_drawn(ids_tab *t, uint64_t drawn)
{
    atomic_store(&t->next, drawn);
}
