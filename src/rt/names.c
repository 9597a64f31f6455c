/*
 * names.c - the name tables of a runtime.  Owns the chunks; a slot is
 * written once by the thread creating its id and read by anyone after its
 * `ready` flag, so readers need no lock and never see a half-written name.
 */
#include "config.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include "names.h"

#define CHUNK_SHIFT 10
#define CHUNK       (1u << CHUNK_SHIFT)
#define DIR         65536u          /* ids up to 64 Mi keep their names */
#define CHUNK_BYTES (CHUNK * sizeof(name_slot))

/* A chunk's pages are all written as its ids are spawned, one fault per
 * page in the spawning routine (a fault per 85 spawns, ~10% of a spawn's
 * cost on a VM): map them populated, zeroed, in one call instead.  A
 * mapping, not malloc: nothing for the allocator to trim and fault again
 * in the next runtime. */
static name_slot *chunk_new(void)
{
#ifdef MAP_POPULATE
    void *m = mmap(NULL, CHUNK_BYTES, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    return m != MAP_FAILED ? m : NULL;
#else
    return calloc(CHUNK, sizeof(name_slot));
#endif
}

static void chunk_free(name_slot *c)
{
    if (c == NULL)
        return;
#ifdef MAP_POPULATE
    munmap(c, CHUNK_BYTES);
#else
    free(c);
#endif
}

int names_init(name_tab *t)
{
    t->dir = calloc(DIR, sizeof *t->dir);
    if (t->dir == NULL)
        return -ENOMEM;
    pthread_mutex_init(&t->mu, NULL);
    return 0;
}

void names_fini(name_tab *t)
{
    if (t->dir == NULL)
        return;
    for (uint32_t i = 0; i < DIR; i++)
        chunk_free(atomic_load(&t->dir[i]));
    free(t->dir);
    pthread_mutex_destroy(&t->mu);
    t->dir = NULL;
}

name_slot *names_get(name_tab *t, uint32_t id, int create)
{
    uint32_t c = id >> CHUNK_SHIFT;
    name_slot *chunk;
    if (c >= DIR || t->dir == NULL)
        return NULL;
    chunk = atomic_load_explicit(&t->dir[c], memory_order_acquire);
    if (chunk == NULL && create) {
        pthread_mutex_lock(&t->mu);
        chunk = atomic_load_explicit(&t->dir[c], memory_order_relaxed);
        if (chunk == NULL) {
            chunk = chunk_new();
            atomic_store_explicit(&t->dir[c], chunk, memory_order_release);
        }
        pthread_mutex_unlock(&t->mu);
    }
    return chunk != NULL ? &chunk[id & (CHUNK - 1)] : NULL;
}

name_slot *names_set(name_tab *t, uint32_t id, const char *name, void *ptr)
{
    name_slot *s = names_get(t, id, 1);
    if (s == NULL)
        return NULL;
    size_t k = 0;
    if (name != NULL)
        while (k + 1 < sizeof s->name && name[k] != '\0') {
            s->name[k] = name[k];
            k++;
        }
    s->name[k] = '\0';
    s->ptr = ptr;
    atomic_store_explicit(&s->ready, 1, memory_order_release);
    return s;
}

void names_copy(name_tab *t, uint32_t id, char *buf, size_t n)
{
    name_slot *s;
    if (buf == NULL || n == 0)
        return;
    buf[0] = '\0';
    s = names_get(t, id, 0);
    if (s != NULL && atomic_load_explicit(&s->ready, memory_order_acquire))
        snprintf(buf, n, "%s", s->name);
}
