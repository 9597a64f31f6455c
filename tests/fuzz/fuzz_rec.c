/*
 * fuzz_rec.c - the recording reader under a fuzzer.  The input is a
 * recording file; opening it and reading every event, name and the end
 * must end in events or a message, never a crash, hang or leak, and a
 * failed reader must say why.
 *
 * Each input is read twice: as it is, and with every record's checksum
 * made right, so that the fuzzer's changes reach the parsers behind the
 * checksum instead of stopping at it.
 *
 * Built two ways: with libFuzzer (make fuzz-rec, clang) and, linked with
 * replay.c, as a plain program that replays tests/fuzz/corpus/rec/ in
 * make check with any compiler.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rec/rec_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Rewrites the crc of every whole record after the first line. */
static void repair(uint8_t *d, size_t size)
{
    size_t at = 0, k;
    uint64_t len;
    uint32_t crc;

    while (at < size && at < 40 && d[at] != '\n')
        at++;
    at++;
    while (at < size) {
        k = rec_get_varint(d + at + 1, size - at - 1, &len);
        if (k == 0 || len > size || 1 + k + len + 4 > size - at)
            return;
        crc = rec_crc32(0, d + at, 1 + k + (size_t)len);
        at += 1 + k + (size_t)len;
        d[at] = (uint8_t)crc;
        d[at + 1] = (uint8_t)(crc >> 8);
        d[at + 2] = (uint8_t)(crc >> 16);
        d[at + 3] = (uint8_t)(crc >> 24);
        at += 4;
    }
}

static void read_all(const uint8_t *data, size_t size)
{
    lanes_event ev[64];
    rec_header h;
    rec_reader *r;
    char err[512], name[LANES_NAME_MAX], *m;
    ssize_t n;
    size_t i;

    err[0] = '\0';
    r = rec_open_mem(data, size, "fuzz", &h, err, sizeof err);
    if (r == NULL) {
        if (err[0] == '\0')
            abort();                 /* a failure must say why */
        return;
    }
    if (h.source == NULL || h.title == NULL || strlen(h.source) > h.source_len)
        abort();
    while ((n = rec_read_events(r, ev, sizeof ev / sizeof ev[0])) > 0) {
        for (i = 0; i < (size_t)n; i++) {
            if (ev[i].kind == 0 || (ev[i].lane >= LANES_MAX_CORES && ev[i].lane != LANES_NO_LANE))
                abort();             /* the reader lets no such event through */
            rec_routine_name(r, ev[i].routine, name, sizeof name);
            rec_chan_name(r, ev[i].obj, name, sizeof name);
            if (strlen(name) >= LANES_NAME_MAX)
                abort();
        }
        if ((m = rec_take_message(r)) != NULL)
            free(m);
    }
    while ((m = rec_take_message(r)) != NULL)
        free(m);
    if (n < 0 && rec_read_error(r)[0] == '\0')
        abort();
    if (n == 0 && rec_read_end(r) == NULL)
        abort();
    rec_close_read(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *copy;

    read_all(data, size);
    if (size == 0 || (copy = malloc(size)) == NULL)
        return 0;
    memcpy(copy, data, size);
    repair(copy, size);
    read_all(copy, size);
    free(copy);
    return 0;
}
