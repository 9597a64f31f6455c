/*
 * testutil.h - small helpers shared by the Check programs: run the built
 * program and capture what it says, find files of the source tree.
 */
#ifndef LANES_TESTUTIL_H
#define LANES_TESTUTIL_H

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct tu_run {
    int  status;        /* exit status, or 128+signal             */
    char out[65536];    /* stdout, NUL-terminated (truncated)     */
    char err[65536];    /* stderr, NUL-terminated (truncated)     */
} tu_run;

static inline const char *tu_env(const char *name, const char *dflt)
{
    const char *v = getenv(name);
    return v != NULL && *v != '\0' ? v : dflt;
}

/* Path of the built program (make check exports LANES). */
static inline const char *tu_lanes(void) { return tu_env("LANES", "src/lanes"); }

static inline void tu_slurp(int fd, char *buf, size_t cap)
{
    size_t n = 0;
    ssize_t k;
    while ((k = read(fd, buf + n, cap - 1 - n)) > 0 && n + (size_t)k < cap - 1)
        n += (size_t)k;
    if (k > 0)
        n += (size_t)k;
    buf[n < cap ? n : cap - 1] = '\0';
    while (read(fd, (char[512]){0}, 512) > 0)
        ;
}

/* Runs argv (argv[0] is replaced by the program path when NULL) with stdin
 * from `in_path` (NULL: /dev/null).  Output files avoid pipe deadlocks. */
static inline void tu_exec(tu_run *r, char *const argv[], const char *in_path)
{
    char outp[] = "/tmp/lanes-test-outXXXXXX", errp[] = "/tmp/lanes-test-errXXXXXX";
    int ofd = mkstemp(outp), efd = mkstemp(errp), st = 0;
    pid_t pid;

    unlink(outp);
    unlink(errp);
    pid = fork();
    if (pid == 0) {
        int in = open(in_path != NULL ? in_path : "/dev/null", O_RDONLY);
        dup2(in, 0);
        dup2(ofd, 1);
        dup2(efd, 2);
        execv(argv[0] != NULL ? argv[0] : tu_lanes(), argv);
        _exit(127);
    }
    waitpid(pid, &st, 0);
    r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    lseek(ofd, 0, SEEK_SET);
    lseek(efd, 0, SEEK_SET);
    tu_slurp(ofd, r->out, sizeof r->out);
    tu_slurp(efd, r->err, sizeof r->err);
    close(ofd);
    close(efd);
}

#endif
