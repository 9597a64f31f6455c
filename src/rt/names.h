/*
 * names.h - names by id (routines, channels) that stay readable until the
 * runtime closes, from any thread, while ids keep being added.
 */
#ifndef LANES_NAMES_H
#define LANES_NAMES_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include "lanes.h"

typedef struct name_slot {
    char name[LANES_NAME_MAX];      /* written once, before `ready` */
    void *ptr;                      /* channels: the lanes_chan */
    void (*destroy)(lanes_chan *);  /* channels: frees ptr at lanes_close;
                                       set once at registration */
    _Atomic uint32_t ready;         /* name and ptr written (release) */
} name_slot;

/* A fixed directory of chunks: a slot never moves once it exists. */
typedef struct name_tab {
    _Atomic(name_slot *) *dir;      /* chunk pointers, set once each */
    pthread_mutex_t mu;             /* serialises chunk creation */
} name_tab;

int  names_init(name_tab *t);       /* 0 or -ENOMEM */
void names_fini(name_tab *t);       /* frees every chunk */

/* The slot of id (creating its chunk when `create`); NULL beyond the
 * directory (ids of 64 Mi and more) or out of memory. */
name_slot *names_get(name_tab *t, uint32_t id, int create);

/* Writes id's name (truncated) and pointer; the slot, or NULL. */
name_slot *names_set(name_tab *t, uint32_t id, const char *name, void *ptr);

/* Copies id's name into buf ("" when unknown). */
void names_copy(name_tab *t, uint32_t id, char *buf, size_t n);

#endif
