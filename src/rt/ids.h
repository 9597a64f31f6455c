/*
 * ids.h - routine ids and names: ids that stay positive ints in a program
 * that spawns forever, never two live routines with one id, and names in
 * memory bounded by the routines alive at once, not by those ever spawned.
 */
#ifndef LANES_IDS_H
#define LANES_IDS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include "lanes.h"

#define IDS_LEVELS 24

/* A name slot.  tag: id | writing << 32 | writes << 33 (0: never written),
 * a seqlock for readers; alive points at a word that holds the id while
 * that routine lives (its stack's stk_node.owner). */
typedef struct ids_slot {
    _Atomic uint64_t tag;
    _Atomic(_Atomic uint32_t *) alive;
    _Atomic uint64_t name[LANES_NAME_MAX / 8];  /* NUL-padded */
} ids_slot;

typedef struct ids_level {
    uint64_t  mask;             /* slots - 1 (a power of two) */
    ids_slot *slots;            /* mapped once, unmapped by ids_fini */
} ids_level;

typedef struct ids_tab {
    _Atomic uint64_t next;                  /* ids drawn so far (handed out or skipped) */
    _Atomic int      nlevels;               /* levels[0..nlevels) exist; the last one is written */
    ids_level        levels[IDS_LEVELS];    /* each set once, before nlevels covers it */
    const _Atomic uint64_t *census;         /* live routines in its high 32 bits (census.c) */
    pthread_mutex_t  grow_mu;               /* serialises adding a level */
} ids_tab;

/* census: where the runtime counts live routines (high 32 bits). */
int  ids_init(ids_tab *t, const _Atomic uint64_t *census);     /* 0 or -ENOMEM */
void ids_fini(ids_tab *t);

/*
 * A new routine id, in 1..LANES_ID_MAX, that no live routine holds, with
 * the routine's name recorded.  *alive is the routine's liveness word: set
 * to the id here before the name is published; its owner stores 0 there
 * when the routine exits (or another id when the word is reused).
 * *name_out: the recorded name, readable while the routine lives.  Any
 * thread; never blocks but to add a level.
 */
uint32_t ids_new(ids_tab *t, const char *name, _Atomic uint32_t *alive, const char **name_out);

/* Copies id's name into buf: "" when unknown or no longer kept. */
void ids_name(ids_tab *t, uint32_t id, char *buf, size_t n);

/* Calls fn(arg, id) for each routine alive now (console.c's snapshot).
 * Any thread; a routine spawned or exiting meanwhile may or may not be
 * seen.  Costs a look at every slot mapped. */
void ids_each_live(ids_tab *t, void (*fn)(void *arg, uint32_t id), void *arg);

/* Name slots mapped (all levels): what the table costs, for tests. */
size_t ids_slots(ids_tab *t);

/* Tests: as if `drawn` ids had been drawn already. */
void ids_set_drawn(ids_tab *t, uint64_t drawn);

#endif
