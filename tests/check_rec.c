/*
 * check_rec.c - recordings (src/rec): what is written reads back the same,
 * names arrive before the events that use them, and a file that is cut,
 * damaged or from the future is refused with a message, never a crash.
 */
#include "config.h"

#include <check.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rec/rec_int.h"

static const char source[] = "scenario \"t\"\nroutine a\n  work 1\nend\n\0tail";

static uint64_t rng = 88172645463325252ull;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static rec_header header(void)
{
    rec_header h;

    memset(&h, 0, sizeof h);
    h.lanes = "9.9";
    h.scenario = "t";
    h.title = "A test";
    h.file = "t.lanes";
    h.source = source;
    h.source_len = sizeof source - 1;   /* with its NUL inside */
    h.cores = 3;
    h.quantum = 7;
    h.tick_ns = 20000;
    h.seed = 42;
    h.seed_set = 1;
    h.cpus = 2;
    h.start_unix_ns = 1700000000123456789ull;
    return h;
}

/* A random but plausible event stream: times mostly forward, sometimes
 * back a little (merged rings), sometimes a long way; every field's
 * extremes now and then. */
static lanes_event *random_events(size_t n)
{
    lanes_event *ev = calloc(n, sizeof *ev);
    uint64_t t = 1000, rt = 0;
    size_t i;

    ck_assert_ptr_nonnull(ev);
    for (i = 0; i < n; i++) {
        uint64_t r = next();
        lanes_event *e = &ev[i];

        t += r % 64 == 0 ? (uint64_t)1 << 40 : r % 5000;
        if (r % 97 == 0)
            t -= 300;
        if (r % 3 == 0)
            rt += (r >> 8) % 2000;
        e->t_ns = r % 100003 == 0 ? UINT64_MAX - (r % 5) : t;
        e->t_rt = r % 100019 == 0 ? 0 : rt;
        e->kind = (uint16_t)(1 + (r >> 12) % (LANES_EV_KINDS - 1));
        e->lane = (r >> 20) % 9 == 0 ? LANES_NO_LANE : (uint16_t)((r >> 24) % LANES_MAX_CORES);
        e->routine = (r >> 30) % 5 == 0 ? 0 : (uint32_t)((r >> 33) % 50);
        e->obj = (r >> 40) % 7 == 0 ? UINT32_MAX : (uint32_t)(next() % 300000);
        e->arg = (r >> 44) % 11 == 0 ? INT32_MIN : (int32_t)(next() % 2000) - 1000;
        if ((r >> 50) % 13 == 0)
            e->arg = INT32_MAX;
    }
    return ev;
}

static char tmp_path[64];

static const char *tmpfile_path(void)
{
    int fd;

    strcpy(tmp_path, "/tmp/lanes-check-recXXXXXX");
    fd = mkstemp(tmp_path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    return tmp_path;
}

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf;
    long n;

    ck_assert_ptr_nonnull(f);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    buf = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(buf);
    ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static void spawn_namer(void *ctx, int what, uint32_t id, char *buf, size_t n)
{
    (void)ctx;
    snprintf(buf, n, "%s%u", what == REC_CHAN ? "chan" : "task", id);
}

/* Writes ev[0..n) in batches of odd sizes, with the namer; the end record
 * says "done". */
static void write_file(const char *path, const lanes_event *ev, size_t n, int namer)
{
    rec_header h = header();
    rec_end end = { "done", 0, 0, 123456789, 4000, 0, "all done\n", ",\"x\":1" };
    char err[400];
    rec_writer *w = rec_open_write(path, &h, err, sizeof err);
    size_t i = 0, k;

    ck_assert_msg(w != NULL, "%s", err);
    if (namer)
        rec_set_namer(w, spawn_namer, NULL);
    while (i < n) {
        k = 1 + next() % 9000;
        if (k > n - i)
            k = n - i;
        ck_assert_int_eq(rec_write_events(w, ev + i, k), 0);
        i += k;
    }
    ck_assert_msg(rec_close(w, &end, err, sizeof err) == 0, "%s", err);
}

/* Reads the whole file back; fails the test unless every event matches. */
static void read_back(const char *path, const lanes_event *ev, size_t n)
{
    rec_header h;
    char err[512];
    rec_reader *r = rec_open_read(path, &h, err, sizeof err);
    lanes_event buf[1000];
    size_t got = 0, i;
    ssize_t k;
    const rec_end *end;

    ck_assert_msg(r != NULL, "%s", err);
    ck_assert_int_eq(h.version, REC_VERSION);
    ck_assert_str_eq(h.lanes, "9.9");
    ck_assert_str_eq(h.title, "A test");
    ck_assert_str_eq(h.file, "t.lanes");
    ck_assert_uint_eq(h.source_len, sizeof source - 1);
    ck_assert(memcmp(h.source, source, sizeof source - 1) == 0);
    ck_assert_int_eq(h.cores, 3);
    ck_assert_int_eq(h.quantum, 7);
    ck_assert_uint_eq(h.tick_ns, 20000);
    ck_assert_uint_eq(h.seed, 42);
    ck_assert_int_eq(h.seed_set, 1);
    ck_assert_int_eq(h.cpus, 2);
    ck_assert_uint_eq(h.start_unix_ns, 1700000000123456789ull);
    while ((k = rec_read_events(r, buf, 1 + next() % 1000)) > 0) {
        for (i = 0; i < (size_t)k; i++, got++) {
            ck_assert_uint_lt(got, n);
            ck_assert_msg(memcmp(&buf[i], &ev[got], sizeof buf[i]) == 0,
                          "event %zu differs", got);
        }
    }
    ck_assert_msg(k == 0, "%s", rec_read_error(r));
    ck_assert_uint_eq(got, n);
    end = rec_read_end(r);
    ck_assert_ptr_nonnull(end);
    ck_assert_str_eq(end->status, "done");
    ck_assert_uint_eq(end->events, n);
    ck_assert_uint_eq(end->wall_ns, 123456789);
    ck_assert_uint_eq(end->end_mt, 4000);
    ck_assert_str_eq(end->message, "all done\n");
    ck_assert_str_eq(end->report_json, ",\"x\":1");
    rec_close_read(r);
}

START_TEST(test_rec_round_trip_random)
{
    size_t n = 50000;
    lanes_event *ev = random_events(n);
    const char *path = tmpfile_path();

    write_file(path, ev, n, 0);
    read_back(path, ev, n);
    unlink(path);
    free(ev);
}
END_TEST

START_TEST(test_rec_round_trip_empty)
{
    const char *path = tmpfile_path();

    write_file(path, NULL, 0, 0);
    read_back(path, NULL, 0);
    unlink(path);
}
END_TEST

/* A million events of a scenario-like run stay under 32 bytes each, and
 * all come back. */
START_TEST(test_rec_large_count_compact)
{
    size_t n = 1000000, i, len;
    lanes_event *ev = calloc(n, sizeof *ev);
    const char *path = tmpfile_path();
    uint64_t t = 0, rt = 0;
    uint8_t *bytes;

    ck_assert_ptr_nonnull(ev);
    for (i = 0; i < n; i++) {
        uint64_t r = next();
        t += 200 + r % 30000;
        rt += r % 4 == 0 ? 1000 : 0;
        ev[i].t_ns = t;
        ev[i].t_rt = rt;
        ev[i].kind = (uint16_t)(1 + r % (LANES_EV_KINDS - 1));
        ev[i].lane = (uint16_t)((r >> 8) % 4);
        ev[i].routine = (uint32_t)(1 + (r >> 16) % 1000);
        ev[i].obj = ev[i].kind == LANES_EV_CPU ? (uint32_t)((r >> 24) % 250000) : (uint32_t)((r >> 24) % 8);
        ev[i].arg = (int32_t)((r >> 40) % 5000);
    }
    write_file(path, ev, n, 1);
    bytes = slurp(path, &len);
    ck_assert_msg(len < n * 32, "%zu bytes for %zu events", len, n);
    free(bytes);
    read_back(path, ev, n);
    unlink(path);
    free(ev);
}
END_TEST

/* Names given by the namer and by hand, mid-stream, are known by the time
 * the reader returns the first event that uses them; a reused id takes
 * its new name from then on. */
START_TEST(test_rec_names_mid_stream)
{
    const char *path = tmpfile_path();
    rec_header h = header();
    char err[512], name[LANES_NAME_MAX];
    rec_writer *w = rec_open_write(path, &h, err, sizeof err);
    rec_reader *r;
    lanes_event e, got;
    uint32_t id;
    int round;

    ck_assert_ptr_nonnull(w);
    rec_set_namer(w, spawn_namer, NULL);
    memset(&e, 0, sizeof e);
    e.lane = 0;
    for (id = 1; id <= 10000; id++) {            /* spans several blocks */
        e.t_ns += 10;
        e.kind = LANES_EV_SPAWN;
        e.routine = id;
        ck_assert_int_eq(rec_write_events(w, &e, 1), 0);
        e.kind = LANES_EV_CHAN;
        e.obj = id;
        ck_assert_int_eq(rec_write_events(w, &e, 1), 0);
        e.obj = 0;
    }
    /* by hand: id 5 becomes "again" for what follows */
    ck_assert_int_eq(rec_write_name(w, REC_ROUTINE, 5, "again"), 0);
    e.kind = LANES_EV_RUN;
    e.routine = 5;
    ck_assert_int_eq(rec_write_events(w, &e, 1), 0);
    ck_assert_int_eq(rec_close(w, NULL, err, sizeof err), 0);

    r = rec_open_read(path, &h, err, sizeof err);
    ck_assert_msg(r != NULL, "%s", err);
    for (round = 0; rec_read_events(r, &got, 1) == 1; round++) {
        if (got.kind == LANES_EV_SPAWN) {
            char want[LANES_NAME_MAX];
            snprintf(want, sizeof want, "task%u", got.routine);
            rec_routine_name(r, got.routine, name, sizeof name);
            ck_assert_str_eq(name, got.routine == 5 && round > 20000 ? "again" : want);
        } else if (got.kind == LANES_EV_CHAN) {
            char want[LANES_NAME_MAX];
            snprintf(want, sizeof want, "chan%u", got.obj);
            rec_chan_name(r, got.obj, name, sizeof name);
            ck_assert_str_eq(name, want);
        } else {
            rec_routine_name(r, 5, name, sizeof name);
            ck_assert_str_eq(name, "again");
        }
    }
    ck_assert_int_eq(round, 20001);
    ck_assert_ptr_nonnull(rec_read_end(r));
    rec_routine_name(r, 77777, name, sizeof name);
    ck_assert_str_eq(name, "");
    rec_close_read(r);
    unlink(path);
}
END_TEST

/* Reads `len` bytes as a recording to its end: 0 when whole, else -1 with
 * the message in err. */
static int read_mem(const uint8_t *data, size_t len, char *err, size_t errlen)
{
    rec_header h;
    rec_reader *r = rec_open_mem(data, len, "mem", &h, err, errlen);
    lanes_event ev[100];
    ssize_t k;

    if (r == NULL)
        return -1;
    while ((k = rec_read_events(r, ev, 100)) > 0)
        ;
    if (k < 0)
        snprintf(err, errlen, "%s", rec_read_error(r));
    else
        ck_assert_ptr_nonnull(rec_read_end(r));
    rec_close_read(r);
    return k < 0 ? -1 : 0;
}

static uint8_t *small_file(size_t *len)
{
    lanes_event *ev = random_events(300);
    const char *path = tmpfile_path();
    uint8_t *bytes;

    write_file(path, ev, 300, 1);
    bytes = slurp(path, len);
    unlink(path);
    free(ev);
    return bytes;
}

START_TEST(test_rec_every_truncation_refused)
{
    size_t len, cut;
    uint8_t *bytes = small_file(&len);
    char err[512];

    ck_assert_int_eq(read_mem(bytes, len, err, sizeof err), 0);
    for (cut = 0; cut < len; cut++) {
        err[0] = '\0';
        ck_assert_msg(read_mem(bytes, cut, err, sizeof err) == -1, "cut at %zu read whole", cut);
        ck_assert_msg(strstr(err, cut == 0 ? "empty" : "truncated: ") != NULL,
                      "cut at %zu: %s", cut, err);
        if (cut > 0) {              /* where the file ends, not only the record */
            char want[64];
            snprintf(want, sizeof want, "the file ends at byte %zu", cut);
            ck_assert_msg(strstr(err, want) != NULL, "cut at %zu: %s", cut, err);
        }
        ck_assert_msg(strncmp(err, "mem: ", 5) == 0, "cut at %zu: %s", cut, err);
    }
    free(bytes);
}
END_TEST

START_TEST(test_rec_flipped_bits_refused)
{
    size_t len, at;
    uint8_t *bytes = small_file(&len);
    char err[512];
    int bit;

    for (at = 0; at < len; at++) {
        for (bit = 0; bit < 8; bit++) {
            bytes[at] ^= (uint8_t)(1u << bit);
            err[0] = '\0';
            ck_assert_msg(read_mem(bytes, len, err, sizeof err) == -1,
                          "bit %d of byte %zu flipped: read whole", bit, at);
            ck_assert_msg(err[0] != '\0', "no message for byte %zu", at);
            if (strstr(err, "checksum") != NULL) {  /* names the record hit */
                const char *b = strstr(err, " record at byte ");
                unsigned long long rat;
                ck_assert_msg(strncmp(err, "mem: corrupt: the checksum of the ", 34) == 0 &&
                              b != NULL && sscanf(b, " record at byte %llu", &rat) == 1 &&
                              rat <= at && strstr(b, " does not match") != NULL,
                              "byte %zu: %s", at, err);
            }
            bytes[at] ^= (uint8_t)(1u << bit);
        }
    }
    /* a byte more after the end */
    bytes = realloc(bytes, len + 1);
    bytes[len] = 'x';
    ck_assert_int_eq(read_mem(bytes, len + 1, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "bytes after the end record") != NULL, "%s", err);
    free(bytes);
}
END_TEST

START_TEST(test_rec_future_version_refused)
{
    size_t len;
    uint8_t *bytes = small_file(&len), *future = malloc(len + 1);
    char err[512];

    ck_assert_int_eq(memcmp(bytes, "lanes-recording 1\n", 18), 0);
    memcpy(future, "lanes-recording 12\n", 19);
    memcpy(future + 19, bytes + 18, len - 18);
    ck_assert_int_eq(read_mem(future, len + 1, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "version 12") != NULL && strstr(err, "version 1)") != NULL,
                  "%s", err);
    ck_assert_int_eq(read_mem((const uint8_t *)"{\"traceEvents\":[]}\n", 19, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "not a lanes recording") != NULL, "%s", err);
    free(future);
    free(bytes);
}
END_TEST

START_TEST(test_rec_write_error_said)
{
    rec_header h = header();
    char err[512];
    rec_writer *w = rec_open_write("/dev/full", &h, err, sizeof err);
    lanes_event *ev = random_events(100000);

    ck_assert_msg(w != NULL, "%s", err);
    rec_write_events(w, ev, 100000);
    ck_assert_int_eq(rec_close(w, NULL, err, sizeof err), -1);
    ck_assert_msg(strstr(err, "/dev/full") != NULL && strstr(err, "No space") != NULL,
                  "%s", err);
    ck_assert_ptr_null(rec_open_write("/nonexistent/dir/x", &h, err, sizeof err));
    ck_assert_msg(strstr(err, "cannot create recording /nonexistent/dir/x") != NULL, "%s", err);
    ck_assert_ptr_null(rec_open_read("/nonexistent/x", &h, err, sizeof err));
    ck_assert_msg(strstr(err, "cannot open recording") != NULL, "%s", err);
    free(ev);
}
END_TEST

/* Messages come back in order, each after exactly the events written
 * before it. */
START_TEST(test_rec_messages_in_place)
{
    const char *path = tmpfile_path();
    rec_header h = header();
    char err[512], *m;
    rec_writer *w = rec_open_write(path, &h, err, sizeof err);
    rec_reader *r;
    lanes_event e, buf[5000];
    size_t seen = 0;
    ssize_t k;
    int i, said = 0;

    ck_assert_ptr_nonnull(w);
    memset(&e, 0, sizeof e);
    e.kind = LANES_EV_RUN;
    for (i = 0; i < 3; i++) {
        for (e.arg = 0; e.arg < 1000 * (i + 1); e.arg++)
            ck_assert_int_eq(rec_write_events(w, &e, 1), 0);
        snprintf(err, sizeof err, "said after %d", i);
        ck_assert_int_eq(rec_write_message(w, err), 0);
    }
    ck_assert_int_eq(rec_close(w, NULL, err, sizeof err), 0);

    r = rec_open_read(path, &h, err, sizeof err);
    ck_assert_msg(r != NULL, "%s", err);
    while ((k = rec_read_events(r, buf, 5000)) >= 0) {
        seen += (size_t)k;
        while ((m = rec_take_message(r)) != NULL) {
            static const size_t after[] = { 1000, 3000, 6000 };
            snprintf(err, sizeof err, "said after %d", said);
            ck_assert_str_eq(m, err);
            ck_assert_uint_eq(seen, after[said]);
            said++;
            free(m);
        }
        if (k == 0)
            break;
    }
    ck_assert_int_eq(said, 3);
    ck_assert_ptr_nonnull(rec_read_end(r));
    rec_close_read(r);
    unlink(path);
}
END_TEST

/* A record of a lowercase type (one a later writer may add) is skipped;
 * an uppercase one nobody knows is refused. */
START_TEST(test_rec_unknown_records)
{
    size_t len, at, k;
    uint8_t *bytes = small_file(&len), *more = malloc(len + 16);
    uint64_t plen;
    uint32_t crc;
    char err[512];
    int type;

    /* find the end record: walk the records after the first line */
    at = 18;
    for (;;) {
        k = rec_get_varint(bytes + at + 1, len - at - 1, &plen);
        ck_assert_uint_gt(k, 0);
        if (bytes[at] == 'Z')
            break;
        at += 1 + k + (size_t)plen + 4;
    }
    for (type = 0; type < 2; type++) {
        uint8_t rec[8] = { type == 0 ? 'x' : 'X', 3, 'a', 'b', 'c' };
        crc = rec_crc32(0, rec, 5);
        rec[5] = (uint8_t)crc;
        rec[6] = (uint8_t)(crc >> 8);
        rec[7] = (uint8_t)(crc >> 16);
        memcpy(more, bytes, at);
        memcpy(more + at, rec, 8);
        more[at + 8] = (uint8_t)(crc >> 24);
        memcpy(more + at + 9, bytes + at, len - at);
        if (type == 0) {
            ck_assert_msg(read_mem(more, len + 9, err, sizeof err) == 0, "%s", err);
        } else {
            ck_assert_int_eq(read_mem(more, len + 9, err, sizeof err), -1);
            ck_assert_msg(strstr(err, "unknown type 0x58") != NULL, "%s", err);
        }
    }
    free(more);
    free(bytes);
}
END_TEST

static Suite *rec_suite(void)
{
    Suite *s = suite_create("rec");
    TCase *tc = tcase_create("core");

    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_rec_round_trip_random);
    tcase_add_test(tc, test_rec_round_trip_empty);
    tcase_add_test(tc, test_rec_large_count_compact);
    tcase_add_test(tc, test_rec_names_mid_stream);
    tcase_add_test(tc, test_rec_every_truncation_refused);
    tcase_add_test(tc, test_rec_flipped_bits_refused);
    tcase_add_test(tc, test_rec_future_version_refused);
    tcase_add_test(tc, test_rec_write_error_said);
    tcase_add_test(tc, test_rec_messages_in_place);
    tcase_add_test(tc, test_rec_unknown_records);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(rec_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
