/*
 * cli.c - the command line of DESIGN section 7: options into a lanes_opts.
 * Owns the usage text and every message about a bad option.  Prints only to
 * the streams it is given, so the fuzz harness can drive it.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "lanes.h"
#include "scn/scn.h"

static const char usage_text[] =
"usage: lanes [OPTIONS] [SCENARIO]\n"
"       lanes attach PATH [OPTIONS]\n"
"Watch routines run on cores: concurrency on one core, parallelism on many.\n"
"SCENARIO is a file (.lanes), '-' for standard input, or a built-in name\n"
"(see --list); without one, the built-in 'restaurant' plays.  attach PATH shows\n"
"a program that serves its trace at PATH (started with LANES_CONSOLE=PATH).\n"
"\n"
"  -c, --cores N        lanes (cores) at start, 1..64\n"
"  -q, --quantum N      ticks of work per time slice, 0 = cooperative\n"
"  -s, --speed X        a speed the screen shows: 1/16, 1/8 .. 1, 2 .. 64, max\n"
"      --tick DURATION  tick length at speed 1x, e.g. 50ms, 200us, 1s\n"
"      --headless       run to the end and print a summary (no terminal)\n"
"      --json           the summary as JSON (implies --headless)\n"
"      --trace FILE     write a Chrome trace (Perfetto) to FILE, '-' = stdout\n"
"      --seed N         seed for random amounts\n"
"      --for TICKS      stop the run after TICKS ticks, a normal end (status 0);\n"
"                       --headless needs it for a scenario that can run forever\n"
"      --record FILE    keep the whole run in FILE, a recording (on the screen:\n"
"                       until the first restart)\n"
"      --replay FILE    show a recorded run instead of running one (with\n"
"                       --headless: the same summary and trace as the run gave)\n"
"      --sweep COUNTS   with --headless: run once per core count (1..8 or 1,2,4),\n"
"                       one run after another, and compare them (speedup)\n"
"      --compare COUNTS play the scenario's runs at 2 to 4 core counts (1,4)\n"
"                       together on the screen, one made after another\n"
"      --paused         start paused\n"
"      --no-color       no colours (also when NO_COLOR is set)\n"
"      --ascii          ASCII line drawing only\n"
"      --no-mouse       do not take the mouse\n"
"      --frames N       quit after drawing N frames (for tests)\n"
"  -l, --list           list the built-in scenarios with what each shows\n"
"  -h, --help           show this help\n"
"  -V, --version        show the version\n"
"\n"
"Keys: space pause/resume, s step, +/- cores, 1-9 cores, >/< speed,\n"
"p preemption, c compare (1 core and this many), r restart, Tab select,\n"
"history: Left/Right a tick, Home first, [ ] decisions, End back to now;\n"
"? help, q quit.\n"
"\n"
"Exit status: 0 done, 1 system error, 2 bad usage, scenario or recording,\n"
"3 deadlock, 4 scenario fault, 128+N ended by signal N (130: Ctrl-C).\n"
"attach: 0 detached or the program exited, 1 nobody serves PATH, refused\n"
"(another viewer, another user) or the stream broke, 2 not a lanes console.\n";

enum { OPT_TICK = 256, OPT_HEADLESS, OPT_JSON, OPT_TRACE, OPT_SEED, OPT_PAUSED,
       OPT_NO_COLOR, OPT_ASCII, OPT_NO_MOUSE, OPT_FRAMES, OPT_FOR, OPT_RECORD,
       OPT_REPLAY, OPT_SWEEP, OPT_COMPARE };

static const struct option long_options[] = {
    { "cores",    required_argument, NULL, 'c' },
    { "quantum",  required_argument, NULL, 'q' },
    { "speed",    required_argument, NULL, 's' },
    { "tick",     required_argument, NULL, OPT_TICK },
    { "headless", no_argument,       NULL, OPT_HEADLESS },
    { "json",     no_argument,       NULL, OPT_JSON },
    { "trace",    required_argument, NULL, OPT_TRACE },
    { "seed",     required_argument, NULL, OPT_SEED },
    { "paused",   no_argument,       NULL, OPT_PAUSED },
    { "no-color", no_argument,       NULL, OPT_NO_COLOR },
    { "no-colour", no_argument,      NULL, OPT_NO_COLOR },
    { "ascii",    no_argument,       NULL, OPT_ASCII },
    { "no-mouse", no_argument,       NULL, OPT_NO_MOUSE },
    { "frames",   required_argument, NULL, OPT_FRAMES },
    { "for",      required_argument, NULL, OPT_FOR },
    { "record",   required_argument, NULL, OPT_RECORD },
    { "replay",   required_argument, NULL, OPT_REPLAY },
    { "sweep",    required_argument, NULL, OPT_SWEEP },
    { "compare",  required_argument, NULL, OPT_COMPARE },
    { "list",     no_argument,       NULL, 'l' },
    { "help",     no_argument,       NULL, 'h' },
    { "version",  no_argument,       NULL, 'V' },
    { NULL, 0, NULL, 0 }
};

#define CLI_MAX_FOR 1000000000L      /* --for: a billion ticks */

static FILE *err_stream;

void cli_put_clean(FILE *f, const char *s)
{
    for (; *s != '\0'; s++) {
        unsigned char ch = (unsigned char)*s;
        putc((ch < 0x20 && ch != '\n' && ch != '\t') || ch == 0x7f ? '?' : ch, f);
    }
}

__attribute__((format(printf, 1, 2)))
static int bad_usage(const char *fmt, ...)
{
    char msg[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(err_stream, "lanes: ");
    cli_put_clean(err_stream, msg);
    fprintf(err_stream, "\nTry 'lanes --help' for more information.\n");
    return EXIT_USAGE;
}

/* The long options that `arg` ("--no", "--no=x") abbreviates, as
 * "--no-color, --no-colour, --no-mouse" in buf; how many there are. */
static int abbreviates(const char *arg, char *buf, size_t n)
{
    size_t len = strcspn(arg + 2, "="), used = 0;
    int count = 0, i;

    buf[0] = '\0';
    for (i = 0; long_options[i].name != NULL; i++) {
        if (strncmp(long_options[i].name, arg + 2, len) != 0)
            continue;
        if (used < n)
            used += (size_t)snprintf(buf + used, n - used, "%s--%s",
                                     count > 0 ? ", " : "", long_options[i].name);
        count++;
    }
    return count;
}

/* A whole decimal number in [lo, hi]; 0 on success. */
static int parse_long(const char *s, long lo, long hi, long *out)
{
    char *end;
    long v;

    if (*s == '\0' || *s == ' ' || *s == '+')
        return -1;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

/* A duration with a unit (ns, us, ms, s) into ns, 1 us .. 60 s: the
 * scenario's `tick` parser, so that the two accept the same. */
static int parse_duration(const char *s, uint64_t *out)
{
    return scn_parse_duration(s, strlen(s), out) == 0 ? 0 : -1;
}

/* A speed as the screen shows it: a factor ("2", "0.25") or a fraction
 * ("1/4"), either with an optional "x" ("1/4x", "8x"); or "max".  Only
 * the screen's speeds (src/ui/ui.c: the powers of two from 1/16 to 64):
 * the screen can only run and show those, so 3/7 is refused rather than
 * shown as 1/2x (and run headless at 0.43x). */
static int parse_speed(const char *s, double *out)
{
    char num[64], *end;
    size_t len = strlen(s);
    double v, d;
    int e;

    if (strcmp(s, "max") == 0) {
        *out = LANES_SPEED_MAX;
        return 0;
    }
    if (len == 0 || len >= sizeof num || *s < '0' || *s > '9')
        return -1;
    memcpy(num, s, len + 1);
    if (num[len - 1] == 'x')
        num[--len] = '\0';
    errno = 0;
    v = strtod(num, &end);
    if (errno != 0 || end == num || !isfinite(v))
        return -1;
    if (*end == '/') {
        const char *den = end + 1;
        if (*den < '0' || *den > '9')
            return -1;
        d = strtod(den, &end);
        if (errno != 0 || end == den || !isfinite(d) || d <= 0)
            return -1;
        v /= d;
    }
    if (*end != '\0' || v < 0.0625 || v > 64 || frexp(v, &e) != 0.5)
        return -1;
    *out = v;
    return 0;
}

/* --sweep's core counts: a range "A..B" (A <= B) or a rising list
 * "A,B,C", each 1..64, into o->sweep.  -1 (go on), or the exit status. */
static int parse_sweep(const char *arg, lanes_opts *o)
{
    const char *s = arg, *dots = strstr(arg, "..");
    char num[16];
    long v, hi;
    size_t n;

    o->sweep_n = 0;
    if (dots != NULL) {
        n = (size_t)(dots - arg);
        if (n == 0 || n >= sizeof num)
            goto bad;
        memcpy(num, arg, n);
        num[n] = '\0';
        if (parse_long(num, 1, LANES_MAX_CORES, &v) != 0 ||
            parse_long(dots + 2, 1, LANES_MAX_CORES, &hi) != 0)
            goto bad;
        if (hi < v)
            return bad_usage("--sweep %s goes down: give the smaller core count first "
                             "(%ld..%ld)", arg, hi, v);
        for (; v <= hi; v++)
            o->sweep[o->sweep_n++] = (int)v;
        return -1;
    }
    for (;;) {
        n = strcspn(s, ",");
        if (n == 0 || n >= sizeof num)
            goto bad;
        memcpy(num, s, n);
        num[n] = '\0';
        if (parse_long(num, 1, LANES_MAX_CORES, &v) != 0)
            goto bad;
        if (o->sweep_n > 0 && v <= o->sweep[o->sweep_n - 1])
            return bad_usage("--sweep lists core counts in rising order, each once, "
                             "not '%s'", arg);
        o->sweep[o->sweep_n++] = (int)v;
        if (s[n] == '\0')
            return -1;
        s += n + 1;
    }
bad:
    return bad_usage("--sweep takes core counts from 1 to 64, a range (1..8) or a "
                     "list (1,2,4), not '%s'", arg);
}

/* --compare's core counts: 2 to LANES_COMPARE_MAX of them, each 1..64,
 * each once, separated by commas, in the order given (the first is what
 * the others' speedup is against).  -1 (go on), or the exit status. */
static int parse_compare(const char *arg, lanes_opts *o)
{
    const char *s = arg;
    char num[16];
    long v;
    size_t n;
    int i;

    o->compare_n = 0;
    for (;;) {
        n = strcspn(s, ",");
        if (n == 0 || n >= sizeof num)
            break;
        memcpy(num, s, n);
        num[n] = '\0';
        if (parse_long(num, 1, LANES_MAX_CORES, &v) != 0)
            return bad_usage("--compare takes core counts from 1 to 64 separated by commas "
                             "(1,4), not '%s'", arg);
        if (o->compare_n == LANES_COMPARE_MAX)
            return bad_usage("--compare plays 2 to %d runs together, not more ('%s')",
                             LANES_COMPARE_MAX, arg);
        for (i = 0; i < o->compare_n; i++)
            if (o->compare[i] == (int)v)
                return bad_usage("--compare lists each core count once, not '%s'", arg);
        o->compare[o->compare_n++] = (int)v;
        if (s[n] == '\0')
            break;
        s += n + 1;
    }
    if (n == 0 || n >= sizeof num || o->compare_n < 2)
        return bad_usage("--compare takes 2 to %d core counts from 1 to 64 separated by "
                         "commas (1,4), not '%s'", LANES_COMPARE_MAX, arg);
    return -1;
}

/* --compare plays its runs on the screen; the options that would make
 * one run or a headless one do not go with it.  -1 (go on), or the exit
 * status. */
static int compare_usage(const lanes_opts *o)
{
    char list[64];
    int sorted[LANES_COMPARE_MAX], i, j, t;
    size_t n = 0;

    if (o->headless) {
        /* the same counts, rising, as --sweep takes them */
        memcpy(sorted, o->compare, sizeof sorted);
        for (i = 1; i < o->compare_n; i++)
            for (j = i; j > 0 && sorted[j - 1] > sorted[j]; j--)
                t = sorted[j], sorted[j] = sorted[j - 1], sorted[j - 1] = t;
        for (i = 0; i < o->compare_n; i++)
            n += (size_t)snprintf(list + n, sizeof list - n, "%s%d", i ? "," : "", sorted[i]);
        return bad_usage("--compare plays the runs on the screen; without one, "
                         "--sweep %s --headless prints the same figures", list);
    }
    if (o->sweep_n != 0)
        return bad_usage("--compare and --sweep: one at a time");
    if (o->cores != 0)
        return bad_usage("--compare sets the cores of each run: leave out --cores");
    if (o->trace != NULL || o->record != NULL)
        return bad_usage("%s with --compare is not built: trace or record one core count "
                         "at a time (--cores N)", o->trace != NULL ? "--trace" : "--record");
    return -1;
}

/* --sweep runs the scenario headless once per core count, nothing else.
 * -1 (go on), or the exit status. */
static int sweep_usage(const lanes_opts *o)
{
    if (!o->headless)
        return bad_usage("--sweep runs without a screen: add --headless (or --json)");
    if (o->cores != 0)
        return bad_usage("--sweep sets the cores of each run: leave out --cores");
    if (o->trace != NULL || o->record != NULL)
        return bad_usage("%s with --sweep is not built: trace or record one core count "
                         "at a time (--cores N)", o->trace != NULL ? "--trace" : "--record");
    return -1;
}

/* Columns a UTF-8 string takes (every character one column here). */
static int columns(const char *s, size_t n)
{
    int w = 0;
    for (size_t i = 0; i < n; i++)
        w += ((unsigned char)s[i] & 0xC0) != 0x80;
    return w;
}

/* Each built-in: its name and title, then its about text wrapped under the
 * title (indent: the title's column), so a line stays within 80 columns. */
static void list_about(FILE *out, const char *about, int indent)
{
    const int width = 80 - indent;
    int col = 0;

    while (*about != '\0') {
        size_t n;
        int w;
        while (*about == ' ')
            about++;
        n = strcspn(about, " ");
        if (n == 0)
            break;
        w = columns(about, n);
        if (col > 0 && col + 1 + w > width) {
            fputc('\n', out);
            col = 0;
        }
        if (col == 0)
            fprintf(out, "%*s", indent, "");
        else
            fputc(' ', out), col++;
        fwrite(about, 1, n, out);
        col += w;
        about += n;
    }
    if (col > 0)
        fputc('\n', out);
}

static int list_builtins(FILE *out)
{
    int i, col = 0;

    /* the titles in one column, two spaces after the longest name */
    for (i = 0; scn_builtin_name(i) != NULL; i++) {
        int w = (int)strlen(scn_builtin_name(i)) + 2;
        col = w > col ? w : col;
    }
    for (i = 0; scn_builtin_name(i) != NULL; i++) {
        fprintf(out, "%-*s%s\n", col, scn_builtin_name(i), scn_builtin_title(i));
        list_about(out, scn_builtin_about(i), col);
    }
    return EXIT_DONE;
}

/* lanes attach PATH: the program's own run; nothing may set how it
 * starts.  -1 (go on), or the exit status. */
static int attach_usage(lanes_opts *o, int argc, char **argv)
{
    static const char *const starts[] = {
        "--cores", "--quantum", "--speed", "--tick", "--seed", "--replay", "--sweep"
    };
    int set[] = { o->cores != 0, o->quantum != -1, o->speed != 0, o->tick_ns != 0,
                  o->seed_set, o->replay != NULL, o->sweep_n != 0 };
    size_t i;

    if (argc - optind < 2 || argv[optind + 1][0] == '\0')
        return bad_usage("attach needs the path of a program's console socket "
                         "(the program runs with LANES_CONSOLE=PATH)");
    if (argc - optind > 2)
        return bad_usage("attach takes one PATH, not '%s' too", argv[optind + 2]);
    if (o->compare_n != 0)
        return bad_usage("--compare plays a scenario at several core counts; an attached "
                         "program runs once, at its own");
    for (i = 0; i < sizeof set / sizeof set[0]; i++)
        if (set[i])
            return bad_usage("%s sets how a run starts; an attached program is running "
                             "already (its keys act on it)", starts[i]);
    o->attach = argv[optind + 1];
    return -1;
}

/* --replay shows a recorded run as it was: nothing may change it, and
 * the recording names its scenario.  -1 (go on), or the exit status. */
static int replay_usage(const lanes_opts *o, int argc, char **argv)
{
    static const char *const changes[] = {
        "--cores", "--quantum", "--speed", "--tick", "--seed", "--for", "--paused", "--record",
        "--sweep", "--compare"
    };
    int set[] = { o->cores != 0, o->quantum != -1, o->speed != 0, o->tick_ns != 0,
                  o->seed_set, o->for_ticks != 0, o->paused, o->record != NULL,
                  o->sweep_n != 0, o->compare_n != 0 };
    size_t i;

    if (optind < argc)
        return bad_usage("--replay plays the recording's own scenario: give no SCENARIO "
                         "('%s')", argv[optind]);
    for (i = 0; i < sizeof set / sizeof set[0]; i++)
        if (set[i])
            return bad_usage("%s would change the run; --replay shows the recorded one "
                             "as it was", changes[i]);
    if (!o->headless && strcmp(o->replay, "-") == 0)
        return bad_usage("--replay - reads standard input, which the screen uses; give "
                         "a file name, or add --headless");
    return -1;
}

int cli_parse(int argc, char **argv, lanes_opts *o, FILE *out, FILE *err)
{
    char why[200];
    long v;
    int c, rc;

    err_stream = err;
    memset(o, 0, sizeof *o);
    o->quantum = -1;

    optind = 0;      /* GNU: start over, so the parser can run twice */
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":c:q:s:lhV", long_options, NULL)) != -1) {
        switch (c) {
        case 'c':
            if (parse_long(optarg, 1, LANES_MAX_CORES, &v) != 0)
                return bad_usage("--cores takes a whole number from 1 to 64, not '%s'", optarg);
            o->cores = (int)v;
            break;
        case 'q':
            if (parse_long(optarg, 0, 1000000, &v) != 0)
                return bad_usage("--quantum takes a whole number of ticks from 0 to 1000000, not '%s'", optarg);
            o->quantum = (int)v;
            break;
        case 's':
            if (parse_speed(optarg, &o->speed) != 0)
                return bad_usage("--speed takes one of the screen's speeds: 1/16, 1/8, 1/4, "
                                 "1/2, 1, 2, 4, 8, 16, 32, 64 (an x may follow; 0.5 for 1/2) "
                                 "or max, not '%s'", optarg);
            break;
        case OPT_TICK:
            if (parse_duration(optarg, &o->tick_ns) != 0)
                return bad_usage("--tick takes a duration from 1us to 60s such as 50ms, not '%s'", optarg);
            break;
        case OPT_HEADLESS: o->headless = 1; break;
        case OPT_JSON:     o->json = 1; o->headless = 1; break;
        case OPT_TRACE:
            if (*optarg == '\0')
                return bad_usage("--trace needs a file name (or '-' for standard output)");
            o->trace = optarg;
            break;
        case OPT_SEED:
            if (parse_long(optarg, 0, LONG_MAX, &v) != 0)
                return bad_usage("--seed takes a whole number from 0, not '%s'", optarg);
            o->seed = (uint64_t)v;
            o->seed_set = 1;
            break;
        case OPT_PAUSED:   o->paused = 1; break;
        case OPT_NO_COLOR: o->no_color = 1; break;
        case OPT_ASCII:    o->ascii = 1; break;
        case OPT_NO_MOUSE: o->no_mouse = 1; break;
        case OPT_FRAMES:
            if (parse_long(optarg, 1, LONG_MAX, &v) != 0)
                return bad_usage("--frames takes a whole number from 1, not '%s'", optarg);
            o->frames = v;
            break;
        case OPT_FOR:
            if (parse_long(optarg, 1, CLI_MAX_FOR, &v) != 0)
                return bad_usage("--for takes a whole number of ticks from 1 to %ld, not '%s'",
                                 (long)CLI_MAX_FOR, optarg);
            o->for_ticks = v;
            break;
        case OPT_RECORD:
            if (*optarg == '\0' || strcmp(optarg, "-") == 0)
                return bad_usage("--record needs a file name (standard output is the summary's)");
            o->record = optarg;
            break;
        case OPT_REPLAY:
            if (*optarg == '\0')
                return bad_usage("--replay needs a recording's file name (or '-' for standard input)");
            o->replay = optarg;
            break;
        case OPT_SWEEP:
            if ((rc = parse_sweep(optarg, o)) >= 0)
                return rc;
            break;
        case OPT_COMPARE:
            if ((rc = parse_compare(optarg, o)) >= 0)
                return rc;
            break;
        case 'l': return list_builtins(out);
        case 'h': fputs(usage_text, out); return EXIT_DONE;
        case 'V': fprintf(out, "lanes %s\n", PACKAGE_VERSION); return EXIT_DONE;
        case ':':
            return bad_usage("option '%s' needs a value", argv[optind - 1]);
        default:
            if (optopt == 0 && strncmp(argv[optind - 1], "--", 2) == 0 &&
                abbreviates(argv[optind - 1], why, sizeof why) > 1)
                return bad_usage("option '%s' is ambiguous: it could be %s",
                                 argv[optind - 1], why);
            if (optopt != 0 && strncmp(argv[optind - 1], "--", 2) == 0 &&
                strchr(argv[optind - 1], '=') != NULL)
                return bad_usage("option '%s' takes no value", argv[optind - 1]);
            if (optopt > 0 && optopt < 128)
                return bad_usage("unknown option '-%c'", optopt);
            return bad_usage("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc && strcmp(argv[optind], "attach") == 0)
        return attach_usage(o, argc, argv);
    if (o->replay != NULL)
        return replay_usage(o, argc, argv);
    if (argc - optind > 1)
        return bad_usage("one scenario at a time: '%s' and '%s'", argv[optind], argv[optind + 1]);
    o->scenario = optind < argc ? argv[optind] : SCN_DEFAULT;
    if (*o->scenario == '\0')
        return bad_usage("the scenario name is empty");
    if (o->compare_n != 0)
        return compare_usage(o);
    if (o->sweep_n != 0)
        return sweep_usage(o);

    return -1;
}
