/*
 * console.h - the viewer's side of a program's console (lanes_console,
 * LANES_CONSOLE): a decoder of the stream the program sends (wire format
 * in src/rt/lanes.h, LANES_CON_*) that checks every length and field, and
 * a client that connects, sends control and hands out what arrives.
 *
 * Depends on src/rt/lanes.h only.  Nothing here prints: failures come
 * back as messages for people, "PATH: what", with the exit status they
 * call for (2: not a lanes console or another version; 1: the system or
 * a peer that broke off or sent garbage).  One thread uses each object.
 */
#ifndef LANES_REC_CONSOLE_H
#define LANES_REC_CONSOLE_H

#include <stddef.h>
#include <stdint.h>
#include "lanes.h"

#define CON_NAME_MAX 64        /* program name, bytes */

/* The program's HELLO. */
typedef struct con_hello {
    uint32_t pid;
    int      cores, cpus, quantum;
    uint64_t tick_ns;
    int      paused;
    uint64_t t_ns, t_rt;       /* its newest event's stamps when we came */
    char     name[CON_NAME_MAX + 1];
    char     version[33];      /* the program's lanes version */
} con_hello;

/* One thing the program said. */
typedef struct con_msg {
    int type;                  /* LANES_CON_HELLO, EVENTS, NAME, DROPPED, END, ERROR */
    const lanes_event *ev;     /* EVENTS: nev events, valid until the next call */
    size_t nev;
    int what;                  /* NAME: 1 routine, 2 channel */
    uint32_t id;
    char name[LANES_NAME_MAX];
    uint64_t dropped;          /* DROPPED */
    char text[257];            /* ERROR */
    con_hello hello;           /* HELLO */
} con_msg;

/* ---- the decoder (bytes in, messages out; the fuzz target's) ----------------- */

typedef struct con_dec con_dec;

/* `label` names the stream in messages.  NULL when out of memory. */
con_dec *con_dec_new(const char *label);
void con_dec_free(con_dec *d);

/* Takes n more bytes of the stream.  0, or -1 when the decoder failed
 * before (con_dec_error). */
int con_dec_feed(con_dec *d, const void *data, size_t n);

/* The next whole message: 1, 0 when more bytes are needed, -1 when the
 * stream is not a well-formed lanes console stream (con_dec_error says
 * where; con_dec_status the exit status).  After -1 every call fails. */
int con_dec_next(con_dec *d, con_msg *m);

/* The stream ended (the peer closed).  0 when it ended between records
 * after a HELLO, -1 (message) when in the middle of one or before it. */
int con_dec_eof(con_dec *d);

const char *con_dec_error(const con_dec *d);
int con_dec_status(const con_dec *d);     /* 2 or 1 after a failure; 0 before */

/* ---- the client ----------------------------------------------------------------- */

typedef struct con_client con_client;

/* Connects to the console at path and waits (at most timeout_ms) for its
 * HELLO.  NULL with the message in err and the exit status in *status. */
con_client *con_connect(const char *path, int timeout_ms, char *err, size_t errlen,
                        int *status);
const con_hello *con_hello_of(const con_client *c);

/* con_connect in two steps, for a caller that does something while it
 * waits: con_open connects (NULL as con_connect), con_handshake waits at
 * most timeout_ms for the HELLO: 1 it came, 0 not yet, -1 failed (err,
 * *status; the caller closes c). */
con_client *con_open(const char *path, char *err, size_t errlen, int *status);
int con_handshake(con_client *c, int timeout_ms, char *err, size_t errlen, int *status);
int con_fd(const con_client *c);

/* The next message, waiting at most timeout_ms (0: not at all; -1: for
 * ever).  1 and *m; 0 when none came; -1 when the stream ended: with END
 * or a close between records con_ended is 1, else con_error says why and
 * con_status is the exit status.  NAME messages also go into the
 * client's name table; an id without a name is asked for once. */
int con_next(con_client *c, con_msg *m, int timeout_ms);
int con_ended(const con_client *c);     /* 1 END, 2 closed without END */
const char *con_error(const con_client *c);
int con_status(const con_client *c);

/* Control: LANES_CON_PAUSE, RESUME (arg unused), STEP, CORES, QUANTUM
 * (arg), TICK (arg ns).  0, or -1 when the program is gone. */
int con_send(con_client *c, int type, int64_t arg);

/* Names received so far ("" when none). */
void con_routine_name(const con_client *c, uint32_t id, char *buf, size_t n);
void con_chan_name(const con_client *c, uint32_t id, char *buf, size_t n);

/* Closes the connection (the program resumes and goes on); the names
 * stay readable, con_next says the end. */
void con_hangup(con_client *c);

/* Closes the connection (the program resumes and goes on) and frees c. */
void con_close(con_client *c);

#endif
