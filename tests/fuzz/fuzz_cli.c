/*
 * fuzz_cli.c - the command line parser under a fuzzer.  The input is split
 * at NUL and newline bytes into arguments; cli_parse must return a
 * documented status for every argv and never crash, hang or leak.
 *
 * Built two ways: with libFuzzer (make fuzz, clang) and, with FUZZ_REPLAY
 * defined, as a plain program that replays tests/fuzz/corpus/cli/ in
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

#ifdef FUZZ_REPLAY
#include <dirent.h>

/* Replays every file of the corpus directories named on the command line
 * (or $top_srcdir/tests/fuzz/corpus/cli); prints how many it ran. */
int main(int argc, char **argv)
{
    char dflt[4096], path[8192];
    const char *top = getenv("top_srcdir");
    int i, n = 0;

    if (argc < 2) {
        snprintf(dflt, sizeof dflt, "%s/tests/fuzz/corpus/cli", top ? top : ".");
        argv[1] = dflt;
        argc = 2;
    }
    for (i = 1; i < argc; i++) {
        DIR *d = opendir(argv[i]);
        struct dirent *e;

        if (d == NULL) {
            perror(argv[i]);
            return 1;
        }
        while ((e = readdir(d)) != NULL) {
            FILE *f;
            static uint8_t data[1 << 20];
            size_t len;

            if (e->d_name[0] == '.')
                continue;
            snprintf(path, sizeof path, "%s/%s", argv[i], e->d_name);
            if ((f = fopen(path, "rb")) == NULL)
                continue;
            len = fread(data, 1, sizeof data, f);
            fclose(f);
            LLVMFuzzerTestOneInput(data, len);
            n++;
        }
        closedir(d);
    }
    printf("replayed %d inputs\n", n);
    return n > 0 ? 0 : 1;
}
#endif
