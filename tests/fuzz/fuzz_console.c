/*
 * fuzz_console.c - the console stream reader (src/rec/console_read.c)
 * under a fuzzer.  The input is what a program would send on its console
 * socket; decoding it must end in messages, a clean end or a message for
 * people, never a crash, hang or leak, and what comes out is well-formed.
 *
 * The first byte says where to cut the rest into pieces (as a socket
 * would deliver them), so a record split anywhere is decoded too.
 *
 * Built two ways: with libFuzzer (make fuzz-console, clang) and, linked
 * with replay.c, as a plain program that replays
 * tests/fuzz/corpus/console/ in make check with any compiler.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rec/console.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const con_msg *m)
{
    uint64_t last = 0;
    switch (m->type) {
    case LANES_CON_HELLO:
        if (m->hello.cores < 1 || m->hello.cores > LANES_MAX_CORES ||
            strlen(m->hello.name) > CON_NAME_MAX || strlen(m->hello.version) > 32)
            abort();
        break;
    case LANES_CON_EVENTS:
        if (m->nev == 0 || m->ev == NULL)
            abort();
        for (size_t i = 0; i < m->nev; i++) {
            if (m->ev[i].kind == 0 || m->ev[i].t_ns < last ||
                (m->ev[i].lane >= LANES_MAX_CORES && m->ev[i].lane != LANES_NO_LANE))
                abort();
            last = m->ev[i].t_ns;
        }
        break;
    case LANES_CON_NAME:
        if ((m->what != 1 && m->what != 2) || m->id == 0 || strlen(m->name) >= LANES_NAME_MAX)
            abort();
        break;
    case LANES_CON_ERROR:
        if (strlen(m->text) > 256)
            abort();
        break;
    case LANES_CON_DROPPED:
    case LANES_CON_END:
        break;
    default:
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    con_dec *d = con_dec_new("fuzz");
    size_t at = 1, step;
    con_msg m;
    int r = 0;

    if (d == NULL || size == 0) {
        con_dec_free(d);
        return 0;
    }
    step = 1 + data[0] % 64;
    while (at < size && r >= 0) {
        size_t n = size - at < step ? size - at : step;
        if (con_dec_feed(d, data + at, n) != 0)
            break;
        at += n;
        while ((r = con_dec_next(d, &m)) == 1)
            check(&m);
    }
    if (r >= 0)
        r = con_dec_eof(d);
    if (r < 0 && (con_dec_error(d)[0] == '\0' || con_dec_status(d) < 1 || con_dec_status(d) > 2))
        abort();                 /* a failure says why, with a status */
    con_dec_free(d);
    return 0;
}
