/*
 * check_agree.c - DESIGN's central promise: the screen model, the headless
 * summary and the trace export are folds of one event stream, so what
 * they count agrees.
 *
 * Every built-in runs once at 1 and once at 4 cores through the pump
 * (src/play) with a recorder fold that keeps the lossless stream in
 * memory; that same stream is then fed to the three folds, and every
 * figure two or three of them have must be equal: switches, steals,
 * preemptions, items, the average latency, and per routine CPU ticks,
 * switches, waits and preemptions.  The trace's figures are read back
 * from its JSON (run slices with their "stop" and "cpu_ns"; the
 * "steal", "preempt" and "done" instants).
 *
 * A last test breaks one fold on purpose (one RUN event kept from the
 * summary) and checks that the comparison says so.
 */
#include "config.h"
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "play/play.h"
#include "report/out.h"
#include "report/summary.h"
#include "ui/model.h"
#include "scn/scn.h"

#define LIMIT_TICKS 400              /* endless built-ins stop here     */
#define BATCH       4096             /* folds are fed in batches        */

/* ---- the recorder: the stream kept in memory ---------------------------- */

typedef struct stream {
    lanes_event *ev;
    size_t n, cap;
} stream;

static int record(void *ctx, const lanes_event *ev, size_t n, const play_names *names)
{
    stream *s = ctx;

    (void)names;
    if (s->n + n > s->cap) {
        size_t cap = s->cap ? s->cap : 65536;
        while (cap < s->n + n)
            cap *= 2;
        s->ev = realloc(s->ev, cap * sizeof *s->ev);
        ck_assert_ptr_nonnull(s->ev);
        s->cap = cap;
    }
    memcpy(s->ev + s->n, ev, n * sizeof *ev);
    s->n += n;
    return 0;
}

/* Runs built-in `name` on `cores` lanes to its end (or LIMIT_TICKS) and
 * returns its lossless stream; the program's tick in *tick_ns. */
static stream run_builtin(const char *name, int cores, uint64_t *tick_ns)
{
    scn_result res = scn_load(name);
    scn_settings set;
    play_fold rec;
    stream s = { NULL, 0, 0 };
    play *p;
    char err[600];
    int st = SCN_TIMEOUT, endless;

    ck_assert_msg(res.prog != NULL, "%s does not load", name);
    endless = scn_endless_line(res.prog) != 0;
    p = play_new(res.prog);
    ck_assert_ptr_nonnull(p);
    memset(&rec, 0, sizeof rec);
    rec.feed = record;
    rec.ctx = &s;
    rec.lossless = 1;
    ck_assert_int_eq(play_add(p, &rec), 0);
    memset(&set, 0, sizeof set);
    set.cores = cores;
    set.quantum = -1;
    set.tick_ns = 20000;
    ck_assert_msg(play_start(p, &set, 0, err, sizeof err) == 0, "%s: %s", name, err);
    *tick_ns = play_tick(p);
    while (st == SCN_TIMEOUT) {
        play_pump(p, PLAY_CHUNK);
        if (endless && play_now(p) >= LIMIT_TICKS * 1000u) {
            play_pause(p);
            break;
        }
        st = scn_wait(play_run(p), 1000000);
    }
    ck_assert_int_eq(play_finish(p, err, sizeof err), 0);
    ck_assert_uint_eq(play_dropped(p), 0);
    play_free(p);
    scn_result_free(&res);
    ck_assert_uint_gt(s.n, 0);
    return s;
}

/* ---- the figures each fold gives ----------------------------------------- */

typedef struct per_routine {
    uint64_t cpu_mt, cpu_ns;
    uint64_t switches, waits, preemptions;
} per_routine;

typedef struct figures {
    const char *fold;
    uint64_t switches, steals, preemptions, items;
    double latency;                  /* average, ticks; < 0: not given  */
    int has_cpu_mt, has_cpu_ns;
    per_routine *r;                  /* indexed by id                   */
    size_t nr;
} figures;

static per_routine *fig_routine(figures *f, uint32_t id)
{
    if (id >= f->nr) {
        size_t n = f->nr ? f->nr : 64;
        while (n <= id)
            n *= 2;
        f->r = realloc(f->r, n * sizeof *f->r);
        ck_assert_ptr_nonnull(f->r);
        memset(f->r + f->nr, 0, (n - f->nr) * sizeof *f->r);
        f->nr = n;
    }
    return &f->r[id];
}

static figures of_summary(const lanes_event *ev, size_t n, uint64_t tick_ns)
{
    figures f = { "summary", 0, 0, 0, 0, 0, 1, 1, NULL, 0 };
    out_summary s;
    size_t i;

    out_summary_init(&s);
    out_summary_set_tick(&s, tick_ns);
    for (i = 0; i < n; i += BATCH)
        out_summary_feed(&s, ev + i, n - i < BATCH ? n - i : BATCH);
    out_summary_finish(&s, 0, 0, 0);
    f.switches = s.switches;
    f.steals = s.steals;
    f.preemptions = s.preemptions;
    f.items = s.items;
    f.latency = s.items_timed ? (double)s.lat_sum_mt / 1000.0 / (double)s.items_timed : 0;
    for (i = 1; i < s.routines_len; i++) {
        per_routine *r;
        if (s.routines[i].id == 0)
            continue;
        r = fig_routine(&f, (uint32_t)i);
        r->cpu_mt = s.routines[i].cpu_mt;
        r->cpu_ns = s.routines[i].cpu_ns;
        r->switches = s.routines[i].switches;
        r->waits = s.routines[i].waits;
        r->preemptions = s.routines[i].preemptions;
    }
    out_summary_free(&s);
    return f;
}

/* Where routine id is now: the screen's own place
 * and the run state's (fold/state.h) must be the same. */
static void same_place(const ui_model *m, uint32_t id)
{
    const ui_routine *r = &m->routines[id];
    const fold_routine *c = ui_model_counts(m, id);
    int at = r->at, lane_matters = at == UI_AT_LANE || at == UI_AT_LOCAL || at == UI_AT_RUNNEXT;
    int chan_matters = at == UI_AT_SEND || at == UI_AT_RECV || at == UI_AT_SELECT;

    ck_assert_msg(c->place == at, "routine %u: screen at %d, run state at %d", id, at, c->place);
    if (lane_matters)
        ck_assert_msg(c->place_lane == r->lane, "routine %u (at %d): screen lane %d, run state %d",
                      id, at, r->lane, c->place_lane);
    if (chan_matters)
        ck_assert_msg(c->place_chan == r->chan, "routine %u (at %d): screen chan %u, run state %u",
                      id, at, (unsigned)r->chan, (unsigned)c->place_chan);
}

/* Every routine's place after every event: the screen's and the run
 * state's, in a model fed one event at a time. */
static void same_places(const lanes_event *ev, size_t n, int cores)
{
    ui_model m;
    size_t i, id;

    ui_model_init(&m, cores, 0, NULL, NULL);
    for (i = 0; i < n; i++) {
        ui_model_fold(&m, ev + i, 1, 0);
        for (id = 1; id < m.nroutines; id++)
            if (m.routines[id].id != 0)
                same_place(&m, (uint32_t)id);
    }
    ui_model_free(&m);
}

static figures of_model(const lanes_event *ev, size_t n, uint64_t tick_ns, int cores)
{
    figures f = { "screen model", 0, 0, 0, 0, 0, 1, 0, NULL, 0 };
    ui_model m;
    size_t i;

    ui_model_init(&m, cores, 0, NULL, NULL);
    ui_model_set_tick(&m, tick_ns);
    for (i = 0; i < n; i += BATCH)
        ui_model_fold(&m, ev + i, n - i < BATCH ? n - i : BATCH, 0);
    f.switches = m.st.switches;
    f.steals = m.st.steals;
    f.preemptions = m.st.preemptions;
    f.items = m.st.items;
    f.latency = ui_model_latency(&m);
    for (i = 1; i < m.nroutines; i++) {
        per_routine *r;
        if (m.routines[i].id == 0)
            continue;
        r = fig_routine(&f, (uint32_t)i);
        r->cpu_mt = ui_model_counts(&m, (uint32_t)i)->cpu_mt;
        r->switches = ui_model_counts(&m, (uint32_t)i)->switches;
        r->waits = ui_model_counts(&m, (uint32_t)i)->waits;
        r->preemptions = ui_model_counts(&m, (uint32_t)i)->preemptions;
    }
    ui_model_free(&m);
    return f;
}

/* The number after "key": in line, 0 when absent. */
static uint64_t num_after(const char *line, const char *key)
{
    const char *p = strstr(line, key);

    return p != NULL ? strtoull(p + strlen(key), NULL, 10) : 0;
}

static figures of_trace(const lanes_event *ev, size_t n)
{
    figures f = { "trace", 0, 0, 0, 0, -1, 0, 1, NULL, 0 };
    FILE *tmp = tmpfile();
    out_trace *w;
    char err[600], *line = NULL;
    size_t i, cap = 0;

    ck_assert_ptr_nonnull(tmp);
    w = out_trace_open_fd(fileno(tmp), "agree");
    ck_assert_ptr_nonnull(w);
    for (i = 0; i < n; i += BATCH)
        ck_assert_int_eq(out_trace_feed(w, ev + i, n - i < BATCH ? n - i : BATCH, NULL), 0);
    ck_assert_msg(out_trace_close(w, 0, err, sizeof err) == 0, "%s", err);
    rewind(tmp);
    while (getline(&line, &cap, tmp) > 0) {
        if (strstr(line, "\"ph\":\"X\"") != NULL && strstr(line, "\"cat\":\"run\"") != NULL) {
            per_routine *r = fig_routine(&f, (uint32_t)num_after(line, "\"id\":"));
            r->switches++;
            f.switches++;
            r->cpu_ns += num_after(line, "\"cpu_ns\":");
            if (strstr(line, "\"stop\":\"preempt\"") != NULL)
                r->preemptions++;
            if (strstr(line, "\"stop\":\"send\"") != NULL || strstr(line, "\"stop\":\"recv\"")
                != NULL || strstr(line, "\"stop\":\"select\"") != NULL)
                r->waits++;
        } else if (strstr(line, "\"ph\":\"i\"") != NULL) {
            if (strstr(line, "\"name\":\"steal\"") != NULL)
                f.steals++;
            else if (strstr(line, "\"name\":\"preempt\"") != NULL)
                f.preemptions++;
            else if (strstr(line, "\"name\":\"done\"") != NULL)
                f.items++;
        }
    }
    free(line);
    fclose(tmp);
    return f;
}

/* ---- the comparison -------------------------------------------------------- */

/* Every figure a and b both have; the differences said on stderr under
 * `what`.  Returns how many differ. */
static int compare(const char *what, const figures *a, const figures *b)
{
    int bad = 0;
    size_t i, nr = a->nr > b->nr ? a->nr : b->nr;

#define SAME(field, fmt, cast) do { \
        if (a->field != b->field) { \
            fprintf(stderr, "%s: %s says %s " fmt ", %s says " fmt "\n", what, a->fold, \
                    #field, (cast)a->field, b->fold, (cast)b->field); \
            bad++; \
        } } while (0)

    SAME(switches, "%llu", unsigned long long);
    SAME(steals, "%llu", unsigned long long);
    SAME(preemptions, "%llu", unsigned long long);
    SAME(items, "%llu", unsigned long long);
    if (a->latency >= 0 && b->latency >= 0 &&
        (a->latency - b->latency > 1e-9 || b->latency - a->latency > 1e-9)) {
        fprintf(stderr, "%s: %s says latency %.6f, %s says %.6f\n", what, a->fold,
                a->latency, b->fold, b->latency);
        bad++;
    }
    for (i = 1; i < nr; i++) {
        static const per_routine none;
        const per_routine *x = i < a->nr ? &a->r[i] : &none;
        const per_routine *y = i < b->nr ? &b->r[i] : &none;
        int differ = x->switches != y->switches || x->waits != y->waits ||
                     x->preemptions != y->preemptions ||
                     (a->has_cpu_mt && b->has_cpu_mt && x->cpu_mt != y->cpu_mt) ||
                     (a->has_cpu_ns && b->has_cpu_ns && x->cpu_ns != y->cpu_ns);

        if (differ) {
            fprintf(stderr, "%s: routine %zu: %s says switches %llu waits %llu preemptions "
                    "%llu cpu %llu mt %llu ns, %s says %llu %llu %llu %llu mt %llu ns\n", what,
                    i, a->fold, (unsigned long long)x->switches, (unsigned long long)x->waits,
                    (unsigned long long)x->preemptions, (unsigned long long)x->cpu_mt,
                    (unsigned long long)x->cpu_ns, b->fold, (unsigned long long)y->switches,
                    (unsigned long long)y->waits, (unsigned long long)y->preemptions,
                    (unsigned long long)y->cpu_mt, (unsigned long long)y->cpu_ns);
            bad++;
        }
    }
#undef SAME
    return bad;
}

static int agree(const char *what, figures *s, figures *m, figures *t)
{
    int bad = compare(what, s, m) + compare(what, s, t) + compare(what, m, t);

    free(s->r);
    free(m->r);
    free(t->r);
    return bad;
}

/* ---- tests ---------------------------------------------------------------- */

static void check_builtin(int i, int cores)
{
    const char *name = scn_builtin_name(i);
    uint64_t tick_ns;
    stream s = run_builtin(name, cores, &tick_ns);
    figures fs = of_summary(s.ev, s.n, tick_ns);
    figures fm = of_model(s.ev, s.n, tick_ns, cores);
    figures ft = of_trace(s.ev, s.n);
    char what[128];
    int bad;

    same_places(s.ev, s.n, cores);

    snprintf(what, sizeof what, "%s on %d core%s (%zu events)", name, cores,
             cores == 1 ? "" : "s", s.n);
    ck_assert_uint_gt(fs.switches, 0);
    bad = agree(what, &fs, &fm, &ft);
    free(s.ev);
    ck_assert_msg(bad == 0, "%s: %d figures differ between the folds (see stderr)", what, bad);
}

START_TEST(test_agree_one_core)
{
    check_builtin(_i, 1);
}
END_TEST

START_TEST(test_agree_four_cores)
{
    check_builtin(_i, 4);
}
END_TEST

/* The comparison can fail: the summary fed the stream without one RUN
 * (a fold that missed a switch) must disagree with the other two. */
START_TEST(test_agree_catches_a_broken_fold)
{
    uint64_t tick_ns;
    stream s = run_builtin("pipeline", 4, &tick_ns);
    figures fs, fm, ft;
    size_t i;

    for (i = 0; i < s.n && s.ev[i].kind != LANES_EV_RUN; i++)
        ;
    ck_assert_uint_lt(i, s.n);
    fm = of_model(s.ev, s.n, tick_ns, 4);
    ft = of_trace(s.ev, s.n);
    s.ev[i].kind = LANES_EV_KINDS;        /* an event no fold knows */
    fs = of_summary(s.ev, s.n, tick_ns);
    fprintf(stderr, "(the differences below are wanted: a fold broken on purpose)\n");
    ck_assert_int_gt(agree("pipeline, summary broken", &fs, &fm, &ft), 0);
    free(s.ev);
}
END_TEST

static Suite *agree_suite(void)
{
    Suite *s = suite_create("agree");
    TCase *tc = tcase_create("folds");
    int n = 0;

    while (scn_builtin_name(n) != NULL)
        n++;
    tcase_set_timeout(tc, 120);
    tcase_add_loop_test(tc, test_agree_one_core, 0, n);
    tcase_add_loop_test(tc, test_agree_four_cores, 0, n);
    tcase_add_test(tc, test_agree_catches_a_broken_fold);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(agree_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
