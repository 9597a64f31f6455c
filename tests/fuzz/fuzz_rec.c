/*
 * fuzz_rec.c - the recording reader under a fuzzer.  The input is a
 * recording file; opening it and reading every event, name and the end
 * must end in events or a message, never a crash, hang or leak, and a
 * failed reader must say why.
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

#include "rec/rec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lanes_event ev[64];
    rec_header h;
    rec_reader *r;
    char err[512], name[LANES_NAME_MAX];
    ssize_t n;
    size_t i;

    err[0] = '\0';
    r = rec_open_mem(data, size, "fuzz", &h, err, sizeof err);
    if (r == NULL) {
        if (err[0] == '\0')
            abort();                 /* a failure must say why */
        return 0;
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
    }
    if (n < 0 && rec_read_error(r)[0] == '\0')
        abort();
    if (n == 0 && rec_read_end(r) == NULL)
        abort();
    rec_close_read(r);
    return 0;
}
