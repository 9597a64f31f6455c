/*
 * compare.c - the runs of a comparison and their playback (compare.h):
 * each core count's run made headless through its own pump, with a fold
 * that keeps every event and the names of routines and channels in
 * memory; then one screen model per run, folded up to the shared tick.
 *
 * Owns: the ui_cmp and everything in it.  Must not: draw, read keys, or
 * keep a runtime open between runs.  Invariants: runs never overlap (each
 * runtime is stopped before the next starts, so one does not take CPUs
 * from the other); every run has the same program, seed, quantum and
 * tick; a run's model holds exactly its events with t_rt <= at_mt.
 * Pure C: the screen's loop (compare_ui.c) and the tests drive it.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "play/play.h"
#include "ui/compare.h"
#include "ui/term.h"

#define CMP_TICK_NS   1000000u     /* the runs' tick, as --sweep's rows    */
#define CMP_WAIT_NS   20000000u    /* between drains: 50 progress calls a second */
#define CMP_NAMES_MAX 65536u       /* routines named: the model draws as many */

/* ---- memory ---------------------------------------------------------------- */

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n != 0 ? n : 1);

    if (q == NULL) {
        ui_term_restore_for_exit();
        fputs("lanes: out of memory\n", stderr);
        _exit(EXIT_SYSTEM);
    }
    return q;
}

static void cmp_namer(void *ctx, int kind, uint32_t id, char *buf, size_t n)
{
    const ui_cmp_run *r = ctx;

    buf[0] = '\0';
    if (kind == 2) {                /* a note's text: the program's */
        const char *t = r->prog != NULL ? scn_note_text(r->prog, (int)id) : NULL;
        snprintf(buf, n, "%s", t != NULL ? t : "");
    } else if (kind == 0 && id < r->nrname) {
        snprintf(buf, n, "%s", r->rname[id]);
    } else if (kind == 1 && id < r->ncname) {
        snprintf(buf, n, "%s", r->cname[id]);
    }
}

ui_cmp *ui_cmp_new(void)
{
    ui_cmp *c = calloc(1, sizeof *c);

    if (c != NULL)
        c->cpus = lanes_online_cpus();
    return c;
}

void ui_cmp_free(ui_cmp *c)
{
    int i;

    if (c == NULL)
        return;
    for (i = 0; i < c->nruns; i++) {
        ui_cmp_run *r = &c->runs[i];
        free(r->ev);
        free(r->rname);
        free(r->cname);
        ui_model_free(&r->model);
    }
    free(c);
}

ui_cmp_run *ui_cmp_add_run(ui_cmp *c, int cores, const scn_program *prog)
{
    ui_cmp_run *r;

    if (c->nruns >= UI_CMP_MAX)
        return NULL;
    r = &c->runs[c->nruns++];
    memset(r, 0, sizeof *r);
    r->cores = cores;
    r->prog = prog;
    ui_model_init(&r->model, cores, 0, cmp_namer, r);
    return r;
}

void ui_cmp_add_events(ui_cmp_run *r, const lanes_event *ev, size_t n)
{
    if (r->nev + n > r->cap) {
        size_t cap = r->cap != 0 ? r->cap : 4096;
        while (cap < r->nev + n)
            cap *= 2;
        r->ev = xrealloc(r->ev, cap * sizeof *r->ev);
        r->cap = cap;
    }
    memcpy(r->ev + r->nev, ev, n * sizeof *ev);
    r->nev += n;
}

void ui_cmp_set_name(ui_cmp_run *r, int kind, uint32_t id, const char *name)
{
    char (**tab)[UI_NAME] = kind == 0 ? &r->rname : &r->cname;
    uint32_t *ntab = kind == 0 ? &r->nrname : &r->ncname;

    if (id >= CMP_NAMES_MAX)
        return;                     /* beyond what the model draws */
    if (id >= *ntab) {
        uint32_t n = *ntab != 0 ? *ntab : 64;
        while (n <= id)
            n *= 2;
        *tab = xrealloc(*tab, n * sizeof **tab);
        memset(*tab + *ntab, 0, (n - *ntab) * sizeof **tab);
        *ntab = n;
    }
    snprintf((*tab)[id], UI_NAME, "%s", name);
}

/* ---- playback ---------------------------------------------------------------- */

/* Run r's model folded up to runtime time mt (its end at the most). */
static void seek_run(ui_cmp_run *r, uint64_t mt)
{
    size_t k;

    if (mt > r->end_mt)
        mt = r->end_mt;
    if (mt < r->at_mt || (r->pos == 0 && r->at_mt == 0)) {
        ui_model_reset(&r->model, r->cores, 0);
        r->pos = 0;
    }
    for (k = r->pos; k < r->nev && r->ev[k].t_rt <= mt; k++)
        ;
    if (k > r->pos)
        ui_model_fold(&r->model, r->ev + r->pos, k - r->pos, 0);
    r->pos = k;
    ui_model_advance(&r->model, mt, 0);
    r->at_mt = mt;
}

void ui_cmp_seek(ui_cmp *c, uint64_t tick)
{
    int i;

    if (tick > c->end_tick)
        tick = c->end_tick;
    c->tick = tick;
    for (i = 0; i < c->nruns; i++) {
        ui_cmp_run *r = &c->runs[i];
        seek_run(r, tick >= ui_cmp_ticks(r) ? r->end_mt : tick * 1000u);
    }
}

int ui_cmp_run_over(const ui_cmp *c, const ui_cmp_run *r)
{
    return c->tick * 1000u >= r->end_mt || c->tick >= ui_cmp_ticks(r);
}

void ui_cmp_close_run(ui_cmp *c, ui_cmp_run *r, int ended, int limited, uint64_t end_mt)
{
    const fold_cpu *cpu = &r->model.st.cpu;
    uint32_t load;
    int i;

    r->ended = ended;
    r->limited = limited;
    r->end_mt = end_mt;
    r->pos = 0;
    r->at_mt = 0;
    seek_run(r, end_mt);            /* the whole run once, for its figures */
    r->parallelism = ui_model_parallelism(&r->model);
    r->par_known = ui_model_parallelism_known(&r->model);
    load = fold_cpu_load_avg(cpu);
    r->busy = load != LANES_LOAD_UNKNOWN && load >= FOLD_LOAD_BUSY;
    r->load = load;
    r->wait_share = cpu->cpu_ns + cpu->wait_ns != 0
                  ? (double)cpu->wait_ns / (double)(cpu->cpu_ns + cpu->wait_ns) : 0;
    r->cpus = cpu->cpus;
    if (r->cpus > 0)
        c->cpus = r->cpus;
    /* "of N" in the header: the longest run's ticks as its line says them */
    c->end_tick = 0;
    for (i = 0; i < c->nruns; i++)
        if (ui_cmp_ticks(&c->runs[i]) > c->end_tick)
            c->end_tick = ui_cmp_ticks(&c->runs[i]);
    r->pos = 0;
    r->at_mt = 0;
    seek_run(r, 0);
    c->tick = 0;
}

/* ---- making the runs ---------------------------------------------------------- */

void ui_cmp_plan_from(ui_cmp_plan *pl, const lanes_opts *o, const int *cores, int n)
{
    int i;

    memset(pl, 0, sizeof *pl);
    pl->n = n < UI_CMP_MAX ? n : UI_CMP_MAX;
    for (i = 0; i < pl->n; i++)
        pl->cores[i] = cores[i];
    pl->quantum = o->quantum;
    pl->tick_ns = o->tick_ns;
    pl->speed = o->speed;
    pl->seed_set = o->seed_set;
    pl->seed = o->seed;
    pl->for_ticks = o->for_ticks;
}

uint64_t ui_cmp_tick(const ui_cmp_plan *pl, const scn_program *prog)
{
    double t;

    if (pl->tick_ns == 0 && (pl->speed <= 0 || pl->speed >= LANES_SPEED_MAX))
        return CMP_TICK_NS;
    t = (double)(pl->tick_ns != 0 ? pl->tick_ns : scn_tick_ns(prog));
    if (pl->speed > 0 && pl->speed < LANES_SPEED_MAX)
        t /= pl->speed;
    return t < 1000 ? 1000 : (uint64_t)t;
}

/* The fold that keeps a run: its events, and the names of routines at
 * their SPAWN and channels at their CHAN, read from the live runtime. */
static int keep_feed(void *ctx, const lanes_event *ev, size_t n, const play_names *names)
{
    ui_cmp_run *r = ctx;
    char name[UI_NAME];
    size_t k;

    for (k = 0; k < n; k++) {
        name[0] = '\0';
        if (ev[k].kind == LANES_EV_SPAWN && ev[k].routine < CMP_NAMES_MAX) {
            if (names != NULL && names->routine != NULL)
                names->routine(names->ctx, ev[k].routine, name, sizeof name);
            ui_cmp_set_name(r, 0, ev[k].routine, name);
        } else if (ev[k].kind == LANES_EV_CHAN && ev[k].obj < CMP_NAMES_MAX) {
            if (names != NULL && names->chan != NULL)
                names->chan(names->ctx, ev[k].obj, name, sizeof name);
            ui_cmp_set_name(r, 1, ev[k].obj, name);
        }
    }
    ui_cmp_add_events(r, ev, n);
    return 0;
}

/* One run of `cores` lanes to its end (or --for's limit) into r.  0, 1
 * when progress asked to stop, -1 with the message in err. */
static int make_run(ui_cmp *c, ui_cmp_run *r, const scn_program *prog, const ui_cmp_plan *pl,
                    int i, ui_cmp_progress progress, void *ctx, char *err, size_t errlen)
{
    scn_settings set;
    play *p;
    play_fold f;
    scn_run *run;
    char *rep;
    uint64_t limit_mt = (uint64_t)pl->for_ticks * 1000u;
    int st = SCN_TIMEOUT, limited = 0, stop = 0;

    memset(&set, 0, sizeof set);
    set.cores = r->cores;
    set.quantum = pl->quantum;
    set.tick_ns = ui_cmp_tick(pl, prog);
    set.seed_set = pl->seed_set;
    set.seed = pl->seed;
    c->tick_ns = set.tick_ns;
    p = play_new(prog);
    if (p == NULL) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    memset(&f, 0, sizeof f);
    f.feed = keep_feed;
    f.ctx = r;
    f.lossless = 1;                 /* the pump starts it paused, rings lossless */
    play_add(p, &f);
    if (play_start(p, &set, 1, err, errlen) != 0) {
        play_free(p);
        return -1;
    }
    run = play_run(p);
    if (limit_mt > 0)
        play_pause_at(p, limit_mt);  /* --for: exactly there */
    play_resume(p);
    while (st == SCN_TIMEOUT && !limited) {
        if (play_pump(p, PLAY_CHUNK) == PLAY_CHUNK)
            continue;
        while ((rep = scn_take_report(run)) != NULL)
            free(rep);               /* a stuck run says so in its end */
        if (progress != NULL && progress(ctx, i, pl->n, play_now(p)) != 0) {
            stop = 1;
            break;
        }
        if (limit_mt != 0 && play_now(p) >= limit_mt) {
            play_pause(p);
            limited = 1;
            break;
        }
        st = scn_wait(run, CMP_WAIT_NS);
    }
    while (!stop && play_pump(p, PLAY_CHUNK) > 0)
        ;                            /* the last events after the end */
    r->dropped = play_dropped(p);
    if (!stop)
        ui_cmp_close_run(c, r, st == SCN_TIMEOUT ? SCN_DONE : st, limited,
                         limited ? limit_mt : play_now(p));
    play_finish(p, NULL, 0);
    play_free(p);                    /* stops the run: the next runs alone */
    if (stop)
        return 1;
    if (r->dropped != 0) {
        snprintf(err, errlen, "the run on %d core%s lost %llu trace events", r->cores,
                 r->cores == 1 ? "" : "s", (unsigned long long)r->dropped);
        return -1;
    }
    return 0;
}

int ui_cmp_make(ui_cmp *c, const scn_program *prog, const ui_cmp_plan *pl,
                ui_cmp_progress progress, void *ctx, char *err, size_t errlen)
{
    int i, rc;

    for (i = 0; i < pl->n; i++) {
        ui_cmp_run *r = ui_cmp_add_run(c, pl->cores[i], prog);
        if (r == NULL) {
            snprintf(err, errlen, "at most %d runs", UI_CMP_MAX);
            return -1;
        }
        rc = make_run(c, r, prog, pl, i, progress, ctx, err, errlen);
        if (rc != 0)
            return rc;
    }
    ui_cmp_seek(c, 0);
    return 0;
}

/* ---- words -------------------------------------------------------------------- */

uint64_t ui_cmp_ticks(const ui_cmp_run *r)
{
    return (r->end_mt + 500) / 1000;
}

double ui_cmp_speedup(const ui_cmp *c, int i)
{
    const ui_cmp_run *a = &c->runs[0], *b = &c->runs[i];

    if (c->nruns < 1 || i >= c->nruns || b->end_mt == 0 || a->end_mt == 0)
        return 0;
    return (double)a->end_mt / (double)b->end_mt;
}

static const char *plural(int n)
{
    return n == 1 ? "" : "s";
}

/* "164 ticks", or how the run ended short of its end. */
static void ticks_text(const ui_cmp_run *r, int narrow, char *buf, size_t n)
{
    unsigned long long t = (unsigned long long)ui_cmp_ticks(r);

    if (r->limited)
        snprintf(buf, n, narrow ? "stopped at %llu" : "stopped at %llu ticks (--for)", t);
    else if (r->ended == SCN_DEADLOCK)
        snprintf(buf, n, "deadlock at %llu%s", t, narrow ? "" : " ticks");
    else if (r->ended == SCN_FAULT)
        snprintf(buf, n, "fault at %llu%s", t, narrow ? "" : " ticks");
    else if (r->ended == SCN_ERROR)
        snprintf(buf, n, "error at %llu%s", t, narrow ? "" : " ticks");
    else
        snprintf(buf, n, "%llu ticks", t);
}

/* The most run i could gain on the first from parallelism alone: its
 * cores against the first's, each at most the CPUs. */
static double speedup_cap(const ui_cmp *c, int i)
{
    int a = c->runs[0].cores, b = c->runs[i].cores;

    if (c->cpus > 0) {
        a = a < c->cpus ? a : c->cpus;
        b = b < c->cpus ? b : c->cpus;
    }
    return (double)b / (double)a;
}

/* Above that by more than the noise (10%): not the cores' doing. */
static int above_cap(const ui_cmp *c, int i)
{
    return ui_cmp_speedup(c, i) > speedup_cap(c, i) * 1.1;
}

/* A speedup is a comparison of two runs that both ran to their end. */
static int comparable(const ui_cmp *c, int i)
{
    const ui_cmp_run *a = &c->runs[0], *b = &c->runs[i];

    return a->ended == SCN_DONE && b->ended == SCN_DONE && !a->limited && !b->limited &&
           ui_cmp_speedup(c, i) > 0;
}

/* The most CPUs run r could use: its cores, at most the CPUs. */
static int could_use(const ui_cmp *c, const ui_cmp_run *r)
{
    return c->cpus > 0 && c->cpus < r->cores ? c->cpus : r->cores;
}

int ui_cmp_starved(const ui_cmp *c, int i)
{
    const ui_cmp_run *r = &c->runs[i];
    int slower = i > 0 && comparable(c, i) && ui_cmp_speedup(c, i) < 1.0 / 1.1;
    int low = r->par_known && r->parallelism < 0.6 * could_use(c, r);

    return (slower || low) && r->wait_share >= 0.25;
}

void ui_cmp_status(const ui_cmp *c, int i, int utf8, int narrow, char *buf, size_t n)
{
    const ui_cmp_run *r = &c->runs[i];
    const char *dot = utf8 ? " \xc2\xb7 " : " . ", *times = utf8 ? "\xc3\x97" : "x";
    const char *warn = utf8 ? "\xe2\x9a\xa0" : "!", *dash = utf8 ? "\xe2\x80\x94" : "-";
    char head[32], t[64], par[48] = "", sp[48] = "", over[96] = "", busy[48] = "";
    const char *pw = narrow ? "par " : "parallelism ";
    int beyond = c->cpus > 0 && r->cores > c->cpus;

    /* the same parts shorten in the same order for every run */
    if (narrow >= 2) {
        snprintf(head, sizeof head, "%dc", r->cores);
        ticks_text(r, 1, t, sizeof t);
        if (r->ended == SCN_DONE && !r->limited)
            snprintf(t, sizeof t, "%llut", (unsigned long long)ui_cmp_ticks(r));
    } else {
        snprintf(head, sizeof head, "%d core%s", r->cores, plural(r->cores));
        ticks_text(r, narrow, t, sizeof t);
    }
    if (r->par_known)
        snprintf(par, sizeof par, "%s%s%.2f", dot, pw, r->parallelism);
    else
        snprintf(par, sizeof par, "%s%s%s", dot, pw, dash);
    if (i > 0 && comparable(c, i) && narrow >= 2)
        snprintf(sp, sizeof sp, "%s%s%.1f%s", dot, times, ui_cmp_speedup(c, i),
                 above_cap(c, i) ? "?" : "");
    else if (i > 0 && comparable(c, i))
        snprintf(sp, sizeof sp, "%sspeedup %.1f%s%s", dot, ui_cmp_speedup(c, i), times,
                 above_cap(c, i) ? "?" : "");
    else if (i > 0)
        snprintf(sp, sizeof sp, "%s%s%s", dot, narrow >= 2 ? times : "speedup ", dash);
    /* where the CPUs ran out: the lanes beyond them take turns */
    if (beyond && narrow >= 3)
        snprintf(over, sizeof over, " %s>CPUs", warn);
    else if (beyond)
        snprintf(over, sizeof over, " %s %d%s on %d CPU%s", warn, r->cores,
                 narrow ? "" : " cores", c->cpus, plural(c->cpus));
    if (r->busy)
        snprintf(busy, sizeof busy, narrow >= 3 ? " %sbusy" : narrow ? " %s busy"
                 : " %s machine busy", warn);
    snprintf(buf, n, "%s: %s%s%s%s%s", head, t, par, sp, over, busy);
}

/* Columns a line takes: one a character (as draw_width). */
static int term_width(const char *s)
{
    int w = 0;

    for (; *s != '\0'; s++)
        w += ((unsigned char)*s & 0xC0) != 0x80;
    return w;
}

int ui_cmp_status_level(const ui_cmp *c, int utf8, int room, const int *extra)
{
    char st[256];
    int level, i;

    for (level = 0; level < UI_CMP_LEVELS - 1; level++) {
        for (i = 0; i < c->nruns; i++) {
            ui_cmp_status(c, i, utf8, level, st, sizeof st);
            if (term_width(st) + (extra != NULL ? extra[i] : 0) > room)
                break;
        }
        if (i == c->nruns)
            break;
    }
    return level;
}

/* "ticks on 1/2/4 cores: 171/152/149": the narrow summary. */
static size_t summary_narrow(const ui_cmp *c, char *buf, size_t n)
{
    size_t o = (size_t)snprintf(buf, n, "ticks on ");
    int i;

    for (i = 0; i < c->nruns && o < n; i++)
        o += (size_t)snprintf(buf + o, n - o, "%s%d", i > 0 ? "/" : "", c->runs[i].cores);
    for (i = 0; i < c->nruns && o < n; i++) {
        const ui_cmp_run *r = &c->runs[i];
        char t[64];
        if (r->ended == SCN_DONE && !r->limited)
            snprintf(t, sizeof t, "%llu", (unsigned long long)ui_cmp_ticks(r));
        else
            ticks_text(r, 1, t, sizeof t);
        o += (size_t)snprintf(buf + o, n - o, "%s%s", i > 0 ? "/" : " cores: ", t);
    }
    return o < n ? o : n;
}

void ui_cmp_summary(const ui_cmp *c, int utf8, int narrow, char *buf, size_t n)
{
    const char *dot = utf8 ? " \xc2\xb7 " : " . ", *times = utf8 ? "\xc3\x97" : "x";
    size_t o = 0;
    int i;

    buf[0] = '\0';
    if (narrow)
        o = summary_narrow(c, buf, n);
    for (i = 0; i < c->nruns && o < n && !narrow; i++) {
        const ui_cmp_run *r = &c->runs[i];
        char t[64];
        ticks_text(r, 1, t, sizeof t);
        o += (size_t)snprintf(buf + o, n - o, "%s%d core%s: %s", i > 0 ? dot : "", r->cores,
                              plural(r->cores), t);
        if (i > 0 && c->nruns > 2 && comparable(c, i) && o < n)
            o += (size_t)snprintf(buf + o, n - o, " (%.1f%s)", ui_cmp_speedup(c, i), times);
    }
    if (c->nruns == 2 && o < n) {
        if (comparable(c, 1))
            o += (size_t)snprintf(buf + o, n - o, "%sspeedup %.1f%s", dot,
                                  ui_cmp_speedup(c, 1), times);
        else
            o += (size_t)snprintf(buf + o, n - o, "%sno speedup: %s", dot,
                                  c->runs[0].limited || c->runs[1].limited
                                  ? "stopped by --for, compare parallelism"
                                  : "a run did not end");
    }
    if (c->cpus > 0 && o < n)
        snprintf(buf + o, n - o, "%s%d CPU%s", dot, c->cpus, plural(c->cpus));
}

/* Why run i got far less CPU than it could use (ui_cmp_starved), with
 * the figures: how much it got, how long its lanes waited for a CPU, and
 * who had the CPUs when the LOAD events say. */
static void starved_note(const ui_cmp *c, int i, int utf8, char *buf, size_t n)
{
    const ui_cmp_run *r = &c->runs[i];
    const char *warn = utf8 ? "\xe2\x9a\xa0" : "!", *wait = utf8 ? "\xe2\x96\x91" : ":";
    const char *times = utf8 ? "\xc3\x97" : "x";
    char lead[96] = "", got[64], who[128];
    int can = could_use(c, r);

    if (i > 0 && comparable(c, i) && ui_cmp_speedup(c, i) < 1.0 / 1.1)
        snprintf(lead, sizeof lead, "speedup %.1f%s is the machine's, not the cores': ",
                 ui_cmp_speedup(c, i), times);
    if (r->par_known)
        snprintf(got, sizeof got, "only %.2f CPU", r->parallelism);
    else
        snprintf(got, sizeof got, "little CPU");
    if (r->load != LANES_LOAD_UNKNOWN && r->load >= FOLD_LOAD_BUSY)
        snprintf(who, sizeof who, "other programs used %.1f CPU%s (%s machine busy)",
                 r->load / 1000.0, r->load == 1000 ? "" : "s", warn);
    else
        snprintf(who, sizeof who, "the OS ran other threads on the CPUs");
    snprintf(buf, n, "%s %sthe %d-core run got %s of the %d it could use: its lanes waited "
             "for a CPU (%s) %d%% of their time, %s; run it again on a quieter machine",
             warn, lead, r->cores, got, can, wait, (int)(r->wait_share * 100 + 0.5), who);
}

int ui_cmp_notes(const ui_cmp *c, int utf8, char (*lines)[UI_CMP_NOTE], int max)
{
    const char *warn = utf8 ? "\xe2\x9a\xa0" : "!", *wait = utf8 ? "\xe2\x96\x91" : ":";
    const char *times = utf8 ? "\xc3\x97" : "x";
    int i, n = 0, beyond = 0, busy = 0, limited = 0, above = 0;

    for (i = 0; i < c->nruns; i++) {
        above |= i > 0 && comparable(c, i) && above_cap(c, i);
        beyond |= c->cpus > 0 && c->runs[i].cores > c->cpus;
        busy |= c->runs[i].busy && !ui_cmp_starved(c, i);
        limited |= c->runs[i].limited;
    }
    if (n < max)
        snprintf(lines[n++], UI_CMP_NOTE, "speedup: the first run's ticks / this run's "
                 "(ticks are wall time); parallelism: the lanes' CPU time / wall time");
    /* a run the machine slowed, first: its figures would mislead most */
    for (i = 0; i < c->nruns && n < max; i++)
        if (ui_cmp_starved(c, i))
            starved_note(c, i, utf8, lines[n++], UI_CMP_NOTE);
        else if (i > 0 && comparable(c, i) && ui_cmp_speedup(c, i) < 1.0 / 1.1)
            snprintf(lines[n++], UI_CMP_NOTE, "speedup %.1f%s: the %d-core run took longer, "
                     "yet its lanes waited for a CPU only %d%% of their time: its routines "
                     "waited on each other (channels, sleep), not on the machine",
                     ui_cmp_speedup(c, i), times, c->runs[i].cores,
                     (int)(c->runs[i].wait_share * 100 + 0.5));
    if (beyond && n < max)
        snprintf(lines[n++], UI_CMP_NOTE, "%s more cores than the %d CPU%s: the OS "
                 "time-slices the lanes (%s), so the speedup stays near %d at most; beyond "
                 "it only waiting (sleep, channels) can overlap", warn, c->cpus,
                 plural(c->cpus), wait, c->cpus);
    if (above && n < max)
        snprintf(lines[n++], UI_CMP_NOTE, "?: a speedup above what the cores and CPUs allow "
                 "is not parallelism: the first run was slowed (a busy machine) or its "
                 "waits fell differently");
    if (busy && n < max)
        snprintf(lines[n++], UI_CMP_NOTE, "%s machine busy: other programs used half a CPU "
                 "or more during that run; its figures are not the scenario's alone", warn);
    if (limited && n < max)
        snprintf(lines[n++], UI_CMP_NOTE, "stopped at the same tick (--for): compare the "
                 "parallelism, not the speedup");
    return n;
}

int ui_cmp_short_note(const ui_cmp *c, int utf8, char *buf, size_t n)
{
    const char *warn = utf8 ? "\xe2\x9a\xa0" : "!";
    int i;

    for (i = 0; i < c->nruns; i++) {
        const ui_cmp_run *r = &c->runs[i];
        char who[64];
        if (!ui_cmp_starved(c, i))
            continue;
        if (r->load != LANES_LOAD_UNKNOWN && r->load >= FOLD_LOAD_BUSY)
            snprintf(who, sizeof who, "others used %.1f", r->load / 1000.0);
        else
            snprintf(who, sizeof who, "lanes waited %d%%", (int)(r->wait_share * 100 + 0.5));
        if (r->par_known)
            snprintf(buf, n, "%s %dc: %.2f CPU of %d, %s: rerun when quieter", warn,
                     r->cores, r->parallelism, could_use(c, r), who);
        else
            snprintf(buf, n, "%s %dc: little CPU, %s: rerun when quieter", warn,
                     r->cores, who);
        return 1;
    }
    return 0;
}
