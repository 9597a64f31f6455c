/*
 * headless.c - runs a scenario without a terminal: adds the summary fold
 * to the pump (src/play; main added the trace writer), pumps until the run
 * ends, then prints the summary and maps the end to an exit status.  Owns
 * when to wait and when to stop, nothing else; the events come through
 * the pump, the numbers from summary.c, the trace from trace_json.c.
 *
 * Lossless: the summary is a lossless fold, so the pump makes the rings
 * lossless before any routine runs; a run that still lost events fails
 * (exit 1).  A fold's write error (the trace) ends the run, exit 1.
 * Output: the summary goes to stdout, or to stderr when the trace itself is
 * written to stdout (--trace -).  Partial-deadlock reports and the end
 * message go to stderr as they come, and the JSON summary carries them too
 * ("message", "blocked"); when that JSON itself goes to stderr, they are
 * left out of stderr so that it stays one parseable line.  Ctrl-C, SIGTERM or SIGHUP stop the
 * run cleanly: the trace is finished (valid JSON), the summary printed with
 * status "interrupted", and the process then dies of that signal.  SIGPIPE
 * is ignored while it runs: a reader that went away is a write error
 * (exit 1, said on stderr), never a silent death.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report/out.h"
#include "report/summary.h"
#include "report/record.h"

/* Headless runs go as fast as the machine allows: a tick of 20 us keeps a
 * tick of work long against the cost of a context switch and a trace event
 * (well under 1 us), yet runs every built-in scenario in a fraction of a
 * second.  --tick or --speed bring back the scenario's own pace. */
#define OUT_HEADLESS_TICK_NS 20000u

#define WAIT_NS      1000000u          /* how long to wait between drains */

/* The signals that stop a run cleanly, and the one that asked us to
 * (0 while none). */
static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP };
#define NSTOP (sizeof stop_signals / sizeof stop_signals[0])

static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
    stop_signal = sig;
}

/* old[NSTOP] for the stop signals, then SIGPIPE's. */
static void catch_stop_signals(struct sigaction old[NSTOP + 1])
{
    struct sigaction sa;
    size_t i;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    for (i = 0; i < NSTOP; i++)
        sigaction(stop_signals[i], &sa, &old[i]);
    /* the summary's reader gone (| head) is a write error, as the trace's */
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, &old[NSTOP]);
}

static void restore_stop_signals(const struct sigaction old[NSTOP + 1])
{
    size_t i;

    for (i = 0; i < NSTOP; i++)
        sigaction(stop_signals[i], &old[i], NULL);
    sigaction(SIGPIPE, &old[NSTOP], NULL);
}

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t headless_tick(const lanes_opts *o, const scn_program *prog)
{
    double t;

    if (o->tick_ns == 0 && (o->speed <= 0 || o->speed >= LANES_SPEED_MAX))
        return OUT_HEADLESS_TICK_NS;
    t = (double)(o->tick_ns != 0 ? o->tick_ns : prog != NULL ? scn_tick_ns(prog) : 0);
    if (o->speed > 0 && o->speed < LANES_SPEED_MAX)
        t /= o->speed;
    return t < 1000 ? 1000 : (uint64_t)t;
}

/* Prints a message for people on stderr, each line starting "lanes: "
 * unless it already does or is an indented continuation. */
void out_say(const char *msg)
{
    while (*msg != '\0') {
        size_t n = strcspn(msg, "\n");
        int plain = strncmp(msg, "lanes:", 6) == 0 || *msg == ' ' || *msg == '\t';

        if (n != 0)
            fprintf(stderr, "%s%.*s\n", plain ? "" : "lanes: ", (int)n, msg);
        msg += n;
        if (*msg == '\n')
            msg++;
    }
}

/* Reads the messages the run said so far; prints them unless `quiet`,
 * and records them with --record (a write error shows at the next
 * events). */
static void drain_reports(play *p, int quiet, rec_writer *rw)
{
    char *r;

    while ((r = play_take_message(p)) != NULL) {
        if (!quiet)
            out_say(r);
        if (rw != NULL)
            rec_write_message(rw, r);
        free(r);
    }
}

/* The JSON summary's last members: "message", the end message for people
 * (null when none), and "blocked", every stuck routine (scn_stuck_list).
 * malloc'd. */
static char *json_report(scn_run *run, const char *file)
{
    static const char *const ops[] = { "select", "send", "recv" };
    const char *msg = scn_end_message(run);
    size_t n = scn_stuck_list(run, NULL, 0), i, size = 0, len;
    scn_stuck *k = out_xrealloc(NULL, (n + 1) * sizeof *k);
    char *q, *out = NULL;
    FILE *m = open_memstream(&out, &size);
    int c;

    if (m == NULL)                       /* ENOMEM: out_xrealloc says so, exit 1 */
        out_xrealloc(NULL, SIZE_MAX);
    n = scn_stuck_list(run, k, n);
    len = strlen(msg) + strlen(file) + 64 * LANES_NAME_MAX;
    q = out_xrealloc(NULL, 6 * len + 8);
    if (*msg != '\0') {
        char *t = out_xrealloc(NULL, strlen(msg) + 1);
        strcpy(t, msg);
        if (t[strlen(t) - 1] == '\n')
            t[strlen(t) - 1] = '\0';
        out_json_quote(q, 6 * len + 8, t);
        fprintf(m, ",\"message\":%s", q);
        free(t);
    } else {
        fprintf(m, ",\"message\":null");
    }
    fprintf(m, ",\"blocked\":[");
    for (i = 0; i < n; i++) {
        out_json_quote(q, 6 * len + 8, k[i].name);
        fprintf(m, "%s{\"routine\":%s,\"id\":%u,\"waits\":\"%s\",\"channels\":[",
                i != 0 ? "," : "", q, k[i].id,
                ops[k[i].op == LANES_SEND ? 1 : k[i].op == LANES_RECV ? 2 : 0]);
        for (c = 0; c < k[i].nchans; c++) {
            out_json_quote(q, 6 * len + 8, k[i].chans[c]);
            fprintf(m, "%s%s", c != 0 ? "," : "", q);
        }
        out_json_quote(q, 6 * len + 8, file);
        fprintf(m, "],\"file\":%s,\"line\":%d,\"partial\":%s}", q, k[i].line,
                k[i].partial ? "true" : "false");
    }
    fprintf(m, "]");
    if (fclose(m) != 0)
        out_xrealloc(NULL, SIZE_MAX);
    free(q);
    free(k);
    return out;
}

/* How long to wait for the end before looking again: WAIT_NS, or less
 * when --for's limit (limit_mt, runtime milli-ticks; 0 = none) is near;
 * 0 once the run has reached it. */
static uint64_t wait_for_limit(play *p, uint64_t limit_mt)
{
    uint64_t now, ns;

    if (limit_mt == 0)
        return WAIT_NS;
    if ((now = play_now(p)) >= limit_mt)
        return 0;
    ns = (limit_mt - now) * play_tick(p) / 1000u;
    return ns < 1000u ? 1000u : ns < WAIT_NS ? ns : WAIT_NS;
}

/* A scenario that can run forever needs --for: without it a headless run
 * would go on until killed, with no word.  0, or the exit status. */
int out_headless_check(const lanes_opts *opts, const scn_program *prog)
{
    char msg[600];

    if (scn_endless_line(prog) == 0 || opts->for_ticks > 0)
        return 0;
    snprintf(msg, sizeof msg, "%s can run forever ('forever' at %s:%d never ends): give the "
             "headless run a limit with --for TICKS", opts->scenario != NULL ? opts->scenario
             : SCN_DEFAULT, scn_filename(prog), scn_endless_line(prog));
    out_say(msg);
    return EXIT_USAGE;
}

/* The settings a live run starts with (a recording keeps its own). */
static void headless_settings(const lanes_opts *opts, const scn_program *prog,
                              scn_settings *set)
{
    memset(set, 0, sizeof *set);
    set->cores = opts->cores;
    set->quantum = opts->quantum;
    set->tick_ns = headless_tick(opts, prog);
    set->seed_set = opts->seed_set;
    set->seed = opts->seed;
}

/* What the summary says of the run besides the fold: the source's word. */
static void headless_info(play *p, out_run_info *info)
{
    play_about a;

    play_about_run(p, &a);
    memset(info, 0, sizeof *info);
    info->scenario = a.scenario;
    info->title = a.title;
    info->cores = a.cores;
    info->quantum = a.quantum;
    info->tick_ns = a.tick_ns;
    info->cpus = a.cpus;
    info->seed_set = a.seed_set;  /* the seed in force: --seed, else the scenario's */
    info->seed = a.seed;
    info->pid = a.pid;
    info->start_mt = a.start_mt;
}

/* Pumps until the run ends (or a signal, --for, a fold's or the
 * source's error ends it).  Returns the run's PLAY_* state; *limited:
 * --for ended it. */
static int headless_loop(play *p, uint64_t limit_mt, int quiet, rec_writer *rw,
                         int *limited)
{
    uint64_t wait_ns;
    size_t n;
    int st = PLAY_RUNNING, ended = 0;

    for (;;) {
        n = play_pump(p, PLAY_CHUNK);
        if (play_error(p) != NULL)
            break;
        drain_reports(p, quiet, rw);
        if (n == PLAY_CHUNK)
            continue;
        if (ended && n == 0)
            break;
        if (!ended && stop_signal != 0) {
            /* stop the lanes where they are, then drain what they wrote */
            play_pause(p);
            ended = 1;
        }
        if (!ended && (wait_ns = wait_for_limit(p, limit_mt)) == 0) {
            play_pause(p);              /* --for: a normal end, "stopped" */
            ended = *limited = 1;
        }
        if (!ended) {
            st = play_wait(p, wait_ns);
            ended = st != PLAY_RUNNING;
        }
    }
    drain_reports(p, quiet, rw);
    return st;
}

/* How the run ended: info->status and the exit status, from the source
 * when it says (a recording), else from st and how the loop stopped. */
static int headless_status(play *p, int st, int limited, out_run_info *info)
{
    play_outcome o;
    int status;

    play_outcome_of(p, &o);
    if (o.how != NULL) {
        info->status = o.how;
        return info->exit_status = o.exit_status;
    }
    switch (st) {
    case PLAY_DONE:     status = EXIT_DONE;     info->status = "done";     break;
    case PLAY_DEADLOCK: status = EXIT_DEADLOCK; info->status = "deadlock"; break;
    case PLAY_FAULT:    status = EXIT_FAULT;    info->status = "fault";    break;
    case PLAY_ERROR:    status = EXIT_SYSTEM;   info->status = "error";    break;
    default:            status = EXIT_SYSTEM;   info->status = "stopped";  break;
    }
    if (st == PLAY_RUNNING && limited) {
        status = EXIT_DONE;
        info->status = "stopped";       /* by --for, where the user wanted */
    }
    if (st == PLAY_RUNNING && stop_signal != 0) {
        info->status = "interrupted";
        status = 128 + stop_signal;      /* if raising it below does not end us */
    }
    return info->exit_status = status;
}

/* A fold or the source failed: say so, close what is open, the status:
 * 2 for a recording that cannot be read to its end (nothing else said),
 * 1 for a write error (the reader is gone or the disk is full). */
static int headless_failed(play *p, rec_writer *rw, out_summary *sum)
{
    int from = play_error_from(p);

    out_say(play_error(p));
    if (from == PLAY_FROM_SOURCE)
        play_note(p, "incomplete", "the recording could not be read to its end");
    play_finish(p, NULL, 0);
    if (rw != NULL)
        rec_close(rw, NULL, NULL, 0);
    out_summary_free(sum);
    return from == PLAY_FROM_SOURCE ? EXIT_USAGE : EXIT_SYSTEM;
}

/* The summary, the drops, the end message: the status as it stands then. */
static int headless_print(const lanes_opts *opts, play *p, const out_summary *sum,
                          const out_run_info *info, int quiet, int status)
{
    play_outcome o;
    FILE *sumf = opts->trace != NULL && strcmp(opts->trace, "-") == 0 ? stderr : stdout;
    char err[600];
    int rc;

    rc = opts->json ? out_summary_print_json(sumf, sum, info, play_names_of(p))
                    : out_summary_print_text(sumf, sum, info, play_names_of(p));
    if (rc != 0) {
        snprintf(err, sizeof err, "cannot write the summary: %s", strerror(errno));
        out_say(err);
        status = EXIT_SYSTEM;
    }
    play_outcome_of(p, &o);
    if (sum->dropped != 0 && opts->trace == NULL && o.how == NULL) {
        snprintf(err, sizeof err, "the summary is incomplete: %llu trace events were "
                 "dropped", (unsigned long long)sum->dropped);
        out_say(err);
        status = EXIT_SYSTEM;
    }
    if (!quiet)
        out_say(o.message);
    return status;
}

static int headless_run(const lanes_opts *opts, scn_program *prog, play *p)
{
    scn_settings set;
    play_fold sumfold, recfold;
    play_outcome o;
    rec_writer *rw = NULL;              /* --record */
    out_summary sum;
    out_run_info info;
    char err[600], *more = NULL;
    uint64_t t0, wall, limit_mt = (uint64_t)opts->for_ticks * 1000u;
    int st, status, quiet, limited = 0;

    headless_settings(opts, prog, &set);
    out_summary_init(&sum);
    sumfold = out_summary_fold(&sum);
    play_add(p, &sumfold);               /* lossless: the pump starts it paused */
    if (play_start(p, &set, 1, err, sizeof err) != 0) {
        out_say(err[0] != '\0' ? err : strerror(errno));
        play_finish(p, NULL, 0);
        out_summary_free(&sum);
        return EXIT_SYSTEM;
    }
    /* the JSON summary on stderr carries the reports: no text beside it */
    quiet = opts->json && opts->trace != NULL && strcmp(opts->trace, "-") == 0;
    headless_info(p, &info);
    out_summary_set_tick(&sum, info.tick_ns);

    if (opts->record != NULL &&
        (rw = out_record_open(opts->record, p, &info, err, sizeof err)) == NULL) {
        out_say(err);
        play_finish(p, NULL, 0);
        out_summary_free(&sum);
        return EXIT_SYSTEM;
    }
    if (rw != NULL) {                   /* one more fold; closed below */
        recfold = out_record_fold(rw);
        play_add(p, &recfold);
    }

    if (limit_mt > 0)
        play_pause_at(p, limit_mt);     /* --for: exact, however short the tick */
    t0 = now_ns();
    play_resume(p);
    st = headless_loop(p, limit_mt, quiet, rw, &limited);
    wall = now_ns() - t0;
    play_outcome_of(p, &o);
    if (o.wall_ns != 0)
        wall = o.wall_ns;               /* a recording's, as the run measured it */
    out_summary_finish(&sum, play_now(p), wall, play_dropped(p));
    if (play_error(p) != NULL)
        return headless_failed(p, rw, &sum);

    status = headless_status(p, st, limited, &info);
    if (stop_signal != 0)
        play_note(p, "interrupted", "the run was stopped before its end");
    if (play_finish(p, err, sizeof err) != 0) {
        out_say(err);
        status = info.exit_status = EXIT_SYSTEM;
    }
    if (o.report_json != NULL)          /* a recording's, as the run said it */
        info.json_more = o.report_json;
    else if ((opts->json || rw != NULL) && play_run(p) != NULL)
        /* a recording keeps it for a --json replay */
        info.json_more = more = json_report(play_run(p), scn_filename(prog));
    if (rw != NULL && out_record_close(rw, &info, &sum, o.message, more, err,
                                       sizeof err) != 0) {
        out_say(err);
        status = info.exit_status = EXIT_SYSTEM;
    }
    status = headless_print(opts, p, &sum, &info, quiet, status);
    free(more);
    out_summary_free(&sum);
    play_stop(p);
    return status;
}

int out_headless(const lanes_opts *opts, scn_program *prog, play *p)
{
    struct sigaction old[NSTOP + 1];
    int status;

    stop_signal = 0;
    catch_stop_signals(old);
    status = headless_run(opts, prog, p);
    restore_stop_signals(old);
    if (stop_signal != 0 && status > 128) {
        /* die of the signal, as a shell expects of an interrupted program */
        fflush(NULL);
        raise(stop_signal);
    }
    return status;
}
