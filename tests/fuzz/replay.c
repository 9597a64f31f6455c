/*
 * replay.c - runs every file of a fuzz corpus through a harness's
 * LLVMFuzzerTestOneInput, so that make check replays what the fuzzers found
 * with any compiler.  Linked with one harness; FUZZ_CORPUS names its corpus
 * under $top_srcdir/tests/fuzz/corpus/ (directories given as arguments
 * replace it).
 */
#include "config.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#ifndef FUZZ_CORPUS
#error "FUZZ_CORPUS must name the corpus directory"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
    static uint8_t data[1 << 20];
    char dflt[4096], path[8192];
    const char *top = getenv("top_srcdir");
    int i, n = 0;

    if (argc < 2) {
        snprintf(dflt, sizeof dflt, "%s/tests/fuzz/corpus/%s", top ? top : ".", FUZZ_CORPUS);
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
            size_t len;

            if (e->d_name[0] == '.')
                continue;
            snprintf(path, sizeof path, "%s/%s", argv[i], e->d_name);
            if ((f = fopen(path, "rb")) == NULL) {
                perror(path);
                closedir(d);
                return 1;
            }
            len = fread(data, 1, sizeof data, f);
            fclose(f);
            LLVMFuzzerTestOneInput(data, len);
            n++;
        }
        closedir(d);
    }
    printf("replay %s: %d inputs\n", FUZZ_CORPUS, n);
    return n > 0 ? 0 : 1;
}
