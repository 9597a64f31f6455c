/*
 * rec_int.h - what the writer and the reader of recordings share: record
 * types, varints, the checksum and the event codec (format.c).
 */
#ifndef LANES_REC_INT_H
#define LANES_REC_INT_H

#include <stddef.h>
#include <stdint.h>
#include "rec/rec.h"

/* record types */
#define REC_T_HEADER 'H'
#define REC_T_NAMES  'N'
#define REC_T_EVENTS 'E'
#define REC_T_END    'Z'
#define REC_T_MESSAGE 'M'
#define REC_MESSAGE_MAX (64u * 1024u)   /* bytes of one message kept */

#define REC_RECORD_MAX  (16u << 20)   /* payload bytes a reader accepts     */
#define REC_EVENT_MAX   40            /* bytes one event can take, at most */
#define REC_VARINT_MAX  10

/* event flags (the byte after the kind) */
#define REC_F_LANE     0x01u   /* lane follows; else the previous event's   */
#define REC_F_ROUTINE  0x02u   /* routine follows; else the previous one's  */
#define REC_F_OBJ      0x04u   /* obj follows; else 0                       */
#define REC_F_ARG      0x08u   /* arg follows (zigzag); else 0              */
#define REC_F_RT       0x10u   /* t_rt step follows; else the same t_rt     */
#define REC_F_NS_BACK  0x20u   /* the t_ns step goes back                   */
#define REC_F_RT_BACK  0x40u   /* the t_rt step goes back                   */
#define REC_F_RESERVED 0x80u   /* must be 0 in version 1                    */

/* What an event is coded against: the previous event of its block. */
typedef struct rec_codec {
    uint64_t t_ns, t_rt;
    uint32_t routine;
    uint16_t lane;
} rec_codec;

void rec_codec_reset(rec_codec *c);

/* Appends e's bytes at out (room for REC_EVENT_MAX); returns how many. */
size_t rec_encode_event(rec_codec *c, const lanes_event *e, uint8_t *out);

/* Decodes one event from p[0..len): bytes used, or 0 with *why set when
 * the bytes are not an event of version 1. */
size_t rec_decode_event(rec_codec *c, const uint8_t *p, size_t len, lanes_event *e,
                        const char **why);

size_t rec_put_varint(uint8_t *out, uint64_t v);
/* Bytes used, or 0 when p[0..len) holds no whole, minimal-length varint. */
size_t rec_get_varint(const uint8_t *p, size_t len, uint64_t *v);

uint32_t rec_crc32(uint32_t crc, const void *p, size_t n);

#endif
