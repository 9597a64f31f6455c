/*
 * fuzz_cli.c - the command line parser under a fuzzer.  The input is split
 * at NUL and newline bytes into arguments; cli_parse must return a
 * documented status for every argv and never crash, hang or leak.
 *
 * Built two ways: with libFuzzer (make fuzz, clang) and, linked with
 * replay.c, as a plain program that replays tests/fuzz/corpus/cli/ in
 * make check with any compiler.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define MAX_ARGS 32

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *sink;
    char *buf, *argv[MAX_ARGS + 2];
    int argc = 1, status;
    size_t i, start = 0;
    lanes_opts o;

    if (sink == NULL && (sink = fopen("/dev/null", "w")) == NULL)
        abort();
    buf = malloc(size + 1);
    if (buf == NULL)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    argv[0] = (char *)"lanes";
    for (i = 0; i <= size && argc <= MAX_ARGS; i++) {
        if (i == size || buf[i] == '\0' || buf[i] == '\n') {
            buf[i] = '\0';
            argv[argc++] = buf + start;
            start = i + 1;
        }
    }
    argv[argc] = NULL;
    status = cli_parse(argc, argv, &o, sink, sink);
    if (status != -1 && status != EXIT_DONE && status != EXIT_USAGE)
        abort();
    if (status == -1 && (o.scenario == NULL || o.cores < 0 || o.cores > 64))
        abort();
    free(buf);
    return 0;
}
