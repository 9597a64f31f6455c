/*
 * format.c - the recording file format, version 1, and the pieces of it
 * that the writer (write.c) and the reader (read.c) share: varints, the
 * checksum, the event codec.
 *
 * A recording is:
 *
 *   "lanes-recording 1\n"    the magic line: the format version in decimal.
 *                            A reader refuses a version it does not know,
 *                            naming both.
 *   records, each:
 *     type     1 byte        'H' header, 'N' names, 'E' events, 'M' message,
 *                            'Z' end; a lowercase letter: a record a
 *                            later writer added, which a reader that does
 *                            not know it skips (after checking its crc)
 *     length   varint        payload bytes, at most 16 MiB
 *     payload  length bytes
 *     crc      4 bytes       CRC-32 (the zlib one), little-endian, of the
 *                            type byte, the length's bytes and the payload
 *
 *   Exactly one 'H' comes first and exactly one 'Z' last; nothing follows
 *   it.  A file that stops before its 'Z' is truncated (the run that wrote
 *   it was killed, or the disk filled); a bad crc, an unknown type that
 *   is not a lowercase letter, a payload that does not parse, or bytes
 *   after 'Z' make it corrupt.
 *
 * varint: unsigned LEB128, 7 bits a byte, low bits first, at most 10
 * bytes, no needless trailing zero byte.  string: varint length, bytes (no
 * NUL).  zigzag: a signed n as (n << 1) ^ (n >> 31).
 *
 * 'H' and 'Z' payloads: pairs of strings, key then value; numbers are
 * decimal text.  A reader ignores keys it does not know (so version 1 can
 * gain keys) and takes "" / 0 for those missing.
 *   H: lanes (the writer's version), scenario (as given), title, file (the
 *      name it was parsed under), source (the scenario's whole text),
 *      cores, quantum, tick_ns (at the start), seed, seed_set (1: the seed
 *      in force), cpus (the CPUs the process could use), start_unix_ns
 *      (wall clock at the start).
 *   Z: status (done, deadlock, fault, stopped, interrupted, error),
 *      exit_status, events (how many were recorded: the reader checks),
 *      wall_ns, end_mt (runtime time at the end, 1/1000 ticks), dropped
 *      (events the live rings lost), message (the end message for people),
 *      report_json (JSON members the live summary added at the end of its
 *      object, such as the blocked routines of a deadlock).
 *
 * 'N': entries until the payload ends, each: what (1 byte: 'r' routine,
 * 'c' channel), id (varint, 1..2^32-1), name (string, at most 31 bytes).
 * A name applies to the events after it; the writer puts a routine's name
 * before the block holding its SPAWN and a channel's before its CHAN, so a
 * reader knows every name by the time it returns an event that uses it.
 * A later entry for the same id replaces the name (ids can be reused).
 *
 * 'M': a message for people that the run said at that point (a routine
 * stuck while others run on, say), the whole payload its text (UTF-8, at
 * most 64 KiB).  It comes after the events written before it was said.
 *
 * 'E': count (varint, 1..4096), then count events.  Each event is coded
 * against the one before it in the same block (the first against t_ns = 0,
 * t_rt = 0, routine 0, lane LANES_NO_LANE), so every block decodes alone:
 *   kind     1 byte          LANES_EV_*, 1..255 (unknown kinds are kept)
 *   flags    1 byte          0x01 lane follows (else the previous lane)
 *                            0x02 routine follows (else the previous one)
 *                            0x04 obj follows (else 0)
 *                            0x08 arg follows, zigzag (else 0)
 *                            0x10 t_rt step follows (else no step)
 *                            0x20 the t_ns step is backwards
 *                            0x40 the t_rt step is backwards
 *                            0x80 reserved, 0
 *   t_ns step   varint       |t_ns - previous t_ns|, always present
 *   t_rt step   varint       if 0x10
 *   lane        varint       if 0x01: 0..63, or 65535 (LANES_NO_LANE)
 *   routine     varint       if 0x02, at most 2^32-1
 *   obj         varint       if 0x04, at most 2^32-1
 *   arg         varint       if 0x08, zigzag of the int32
 * So an event takes 2 to 40 bytes, and at most 32 when neither time step
 * reaches 2^42 (73 minutes of wall time between two events): about 8 to 12
 * in a scenario's run.  Blocks cost 8 to 12 bytes more each.
 *
 * Invariants: the writer writes only what the reader accepts (tests/
 * check_rec.c round-trips random streams); the reader never trusts a
 * length before checking it against what is left.
 */
#include "config.h"

#include <pthread.h>
#include <string.h>

#include "rec/rec_int.h"

size_t rec_put_varint(uint8_t *out, uint64_t v)
{
    size_t n = 0;

    while (v >= 0x80) {
        out[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    out[n++] = (uint8_t)v;
    return n;
}

size_t rec_get_varint(const uint8_t *p, size_t len, uint64_t *v)
{
    uint64_t x = 0;
    size_t i;

    for (i = 0; i < len && i < REC_VARINT_MAX; i++) {
        uint64_t b = p[i] & 0x7fu;
        if (i == REC_VARINT_MAX - 1 && p[i] > 1)
            return 0;                    /* more than 64 bits */
        x |= b << (7 * i);
        if ((p[i] & 0x80u) == 0) {
            if (i > 0 && p[i] == 0)
                return 0;                /* a needless trailing zero byte */
            *v = x;
            return i + 1;
        }
    }
    return 0;
}

static uint32_t crc_table[256];

static void crc_init(void)
{
    uint32_t i, k, c;

    for (i = 0; i < 256; i++) {
        c = i;
        for (k = 0; k < 8; k++)
            c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
}

uint32_t rec_crc32(uint32_t crc, const void *p, size_t n)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    const uint8_t *b = p;

    pthread_once(&once, crc_init);
    crc = ~crc;
    while (n-- > 0)
        crc = crc_table[(crc ^ *b++) & 0xffu] ^ (crc >> 8);
    return ~crc;
}

void rec_codec_reset(rec_codec *c)
{
    memset(c, 0, sizeof *c);
    c->lane = LANES_NO_LANE;
}

static uint32_t zigzag(int32_t a)
{
    return ((uint32_t)a << 1) ^ (uint32_t)(a >> 31);
}

static int32_t unzigzag(uint32_t z)
{
    return (int32_t)((z >> 1) ^ (0u - (z & 1u)));
}

size_t rec_encode_event(rec_codec *c, const lanes_event *e, uint8_t *out)
{
    uint8_t flags = 0;
    size_t n = 2;
    uint64_t dns, drt;

    out[0] = (uint8_t)e->kind;
    if (e->t_ns >= c->t_ns) {
        dns = e->t_ns - c->t_ns;
    } else {
        dns = c->t_ns - e->t_ns;
        flags |= REC_F_NS_BACK;
    }
    n += rec_put_varint(out + n, dns);
    if (e->t_rt != c->t_rt) {
        flags |= REC_F_RT;
        if (e->t_rt > c->t_rt) {
            drt = e->t_rt - c->t_rt;
        } else {
            drt = c->t_rt - e->t_rt;
            flags |= REC_F_RT_BACK;
        }
        n += rec_put_varint(out + n, drt);
    }
    if (e->lane != c->lane) {
        flags |= REC_F_LANE;
        n += rec_put_varint(out + n, e->lane);
    }
    if (e->routine != c->routine) {
        flags |= REC_F_ROUTINE;
        n += rec_put_varint(out + n, e->routine);
    }
    if (e->obj != 0) {
        flags |= REC_F_OBJ;
        n += rec_put_varint(out + n, e->obj);
    }
    if (e->arg != 0) {
        flags |= REC_F_ARG;
        n += rec_put_varint(out + n, zigzag(e->arg));
    }
    out[1] = flags;
    c->t_ns = e->t_ns;
    c->t_rt = e->t_rt;
    c->lane = e->lane;
    c->routine = e->routine;
    return n;
}

/* One varint field at p[*at..len) into *v, at most `max`; 0 on failure. */
static int field(const uint8_t *p, size_t len, size_t *at, uint64_t max, uint64_t *v)
{
    size_t k = rec_get_varint(p + *at, len - *at, v);

    if (k == 0 || *v > max)
        return 0;
    *at += k;
    return 1;
}

size_t rec_decode_event(rec_codec *c, const uint8_t *p, size_t len, lanes_event *e,
                        const char **why)
{
    uint64_t v;
    size_t at = 2;
    uint8_t flags;

    if (len < 3) {
        *why = "an event is cut short";
        return 0;
    }
    flags = p[1];
    if (p[0] == 0 || (flags & REC_F_RESERVED) != 0) {
        *why = p[0] == 0 ? "an event of kind 0" : "an event with a reserved flag set";
        return 0;
    }
    memset(e, 0, sizeof *e);
    e->kind = p[0];
    *why = "an event's field is cut short or too large";
    if (!field(p, len, &at, UINT64_MAX, &v))
        return 0;
    e->t_ns = (flags & REC_F_NS_BACK) ? c->t_ns - v : c->t_ns + v;
    e->t_rt = c->t_rt;
    if (flags & REC_F_RT) {
        if (!field(p, len, &at, UINT64_MAX, &v))
            return 0;
        e->t_rt = (flags & REC_F_RT_BACK) ? c->t_rt - v : c->t_rt + v;
    }
    e->lane = c->lane;
    if (flags & REC_F_LANE) {
        if (!field(p, len, &at, LANES_NO_LANE, &v))
            return 0;
        if (v >= LANES_MAX_CORES && v != LANES_NO_LANE) {
            *why = "an event on a lane that cannot exist";
            return 0;
        }
        e->lane = (uint16_t)v;
    }
    e->routine = c->routine;
    if (flags & REC_F_ROUTINE) {
        if (!field(p, len, &at, UINT32_MAX, &v))
            return 0;
        e->routine = (uint32_t)v;
    }
    if (flags & REC_F_OBJ) {
        if (!field(p, len, &at, UINT32_MAX, &v))
            return 0;
        e->obj = (uint32_t)v;
    }
    if (flags & REC_F_ARG) {
        if (!field(p, len, &at, UINT32_MAX, &v))
            return 0;
        e->arg = unzigzag((uint32_t)v);
    }
    c->t_ns = e->t_ns;
    c->t_rt = e->t_rt;
    c->lane = e->lane;
    c->routine = e->routine;
    *why = NULL;
    return at;
}
