/*
 * fuzz_parse.c - the scenario parser under a fuzzer.  Any bytes must give
 * a result that keeps the contract: a program or errors (never both), at
 * most 10 errors, every error with a message, nothing printed, no crash,
 * no leak, no hang.
 *
 * Built two ways: with libFuzzer (make fuzz-parse, clang) and, linked
 * with replay.c, as a plain program that make check runs over
 * tests/fuzz/corpus/parse/ with any compiler.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scn/scn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    scn_result r = scn_parse("fuzz.lanes", (const char *)data, size);

    if ((r.prog == NULL) != (r.errors > 0) || r.errors > 10 || r.errors < 0 ||
        (r.errors > 0 && r.messages == NULL) || r.sys_error != 0)
        abort();
    if (r.prog != NULL) {
        /* what the screen reads must be there */
        int i, n = scn_routine_count(r.prog);
        if (scn_title(r.prog) == NULL || scn_about(r.prog) == NULL || n < 1)
            abort();
        for (i = 0; i < n; i++)
            if (scn_routine_decl_text(r.prog, i, NULL) == NULL)
                abort();
    }
    if (r.messages != NULL && strlen(r.messages) > 64 * 1024)
        abort();                        /* 10 errors, each a bounded window */
    scn_result_free(&r);
    return 0;
}
