/*
 * scn.h - the scenario language: parse, check, load built-ins, and run a
 * program's routines on the runtime.  Depends on src/rt only.
 *
 * (Entry points main.c relies on; the scenario module owns and extends this.)
 */
#ifndef LANES_SCN_H
#define LANES_SCN_H

#include <stddef.h>
#include <stdint.h>
#include "lanes.h"

typedef struct scn_program scn_program;

typedef struct scn_result {
    scn_program *prog;   /* NULL when there were errors                       */
    char *messages;      /* malloc'd GCC-style diagnostics (errors and
                            warnings, each with its line and caret), or NULL  */
    int errors;          /* how many errors                                   */
    int warnings;
    int sys_error;       /* the file could not be read (errno value), 0 if read */
} scn_result;

/* Parses and checks `len` bytes named `filename` (for messages).  Never prints. */
scn_result scn_parse(const char *filename, const char *buf, size_t len);

/* A built-in name ("restaurant"), a file path, or "-" for standard input. */
scn_result scn_load(const char *name_or_path);

void scn_result_free(scn_result *res);   /* frees messages and the program */

/* Built-in scenarios, in listing order; NULL past the end. */
const char *scn_builtin_name(int i);
const char *scn_builtin_title(int i);
const char *scn_builtin_about(int i);    /* its `about` line, "" when none */

#define SCN_DEFAULT "restaurant"

/* The text of the built-in scenario `name` and its length; NULL when there
 * is none by that name.  Static storage. */
const char *scn_builtin_text(const char *name, size_t *len);

/* The language reference (declarations and steps with their arguments and
 * a line of help each), generated from the parser's tables.  Static text. */
const char *scn_language_help(void);

/* A tick length, as both the `tick` declaration and --tick take it: a
 * decimal number (a fraction allowed: 0.5ms, 1.25us) and a unit ns, us, ms
 * or s, from 1us to 60s; finer than 1 ns is dropped.  `s` need not end in
 * NUL: len bytes are read.  0 with *ns set; -1 when it is not a duration;
 * -2 when it is one out of range. */
#define SCN_MIN_TICK_NS 1000ull
#define SCN_MAX_TICK_NS 60000000000ull
int scn_parse_duration(const char *s, size_t len, uint64_t *ns);

/* ---- what a program says about itself ------------------------------------ */

const char *scn_title(const scn_program *p);     /* `scenario` line, else file name */
const char *scn_about(const scn_program *p);     /* `about` line, or ""             */
const char *scn_filename(const scn_program *p);
int      scn_cores(const scn_program *p);        /* `cores`, default 1              */
int      scn_quantum(const scn_program *p);      /* `quantum`, default 4            */
uint64_t scn_tick_ns(const scn_program *p);      /* `tick`, default 50 ms           */
uint64_t scn_seed(const scn_program *p);         /* `seed`, default 1               */
int      scn_has_items(const scn_program *p);    /* some channel carries items (not
                                                    `tokens`): something can be served */

/* The whole text the program was parsed from, and its length (a
 * recording keeps it); NUL-terminated, valid as long as the program. */
const char *scn_source(const scn_program *p, size_t *len);

/* The line of a `forever` loop that a routine which runs reaches (the
 * first such), or 0: then every routine ends by itself or blocks.  A run
 * of a program with one may never end unless it is stopped (--for). */
int scn_endless_line(const scn_program *p);

/* The texts of the program's `note` steps, in file order: how many, and
 * the i-th (NULL out of range; valid as long as the program). */
int         scn_note_count(const scn_program *p);
const char *scn_note_text(const scn_program *p, int i);

/* Routine declarations, in file order: how many, the name of the r-th, and
 * its source lines (from `routine` to its `end`, each ending in '\n', CRs
 * removed; valid as long as the program) with the line number of the first
 * in *first_line.  NULL when r is out of range. */
int         scn_routine_count(const scn_program *p);
const char *scn_routine_decl_name(const scn_program *p, int r);
const char *scn_routine_decl_text(const scn_program *p, int r, int *first_line);

/* When memory runs out, the scenario layer (any thread) calls `fn` (the
 * screen restores the terminal there; it must be async-signal-safe), says
 * "lanes: out of memory" on stderr and ends the process with status 1.
 * Set before the first run; NULL: nothing to restore. */
void scn_on_out_of_memory(void (*fn)(void));

/* ---- running a program ------------------------------------------------- */

typedef struct scn_run scn_run;

typedef struct scn_settings {
    int      cores;          /* 0: the program's                              */
    int      quantum;        /* -1: the program's                             */
    uint64_t tick_ns;        /* 0: the program's                              */
    int      seed_set;       /* seed given: overrides the program's           */
    uint64_t seed;
    unsigned flags;          /* LANES_* flags for lanes_open (START_PAUSED...) */
    size_t   trace_events;   /* ring capacity per lane; 0 = default           */
    int      note_pauses;    /* `note ... pause` pauses the runtime (the
                                screen); 0: it does not (headless)           */
} scn_settings;

/* How people see an item number, on the screen, in the summary and in the
 * trace: "o7" (an order, an object), never "#7", which is how routine
 * instances are named ("cook#2").  printf(SCN_ITEM_TAG "%d", item). */
#define SCN_ITEM_TAG "o"

/* What the interpreter tells the folds through NOTE events (lanes_annotate):
 * the event's obj is one of these tags. */
enum {
    SCN_MARK_NOTE = 1,        /* a routine reached `note`: arg = its index
                                 (scn_note_text)                            */
    SCN_MARK_NOTE_PAUSE,      /* the same for `note ... pause`; the runtime
                                 is paused next when the run has note_pauses */
    SCN_MARK_LOOP_YIELD       /* the routine's next YIELD stop is the
                                 interpreter's, not a `yield` step: a pass of
                                 a loop that did no work, sleep or yield gives
                                 up the lane at its end (arg: the line of the
                                 loop's `end`)                              */
};

/* Opens a runtime, creates the channels and spawns the routines of `p`
 * (which must outlive the run).  NULL with a message in err on failure
 * (errno kept). */
scn_run  *scn_start(const scn_program *p, const scn_settings *s, char *err, size_t errlen);
lanes_rt *scn_rt(scn_run *run);

enum { SCN_DONE = 0, SCN_TIMEOUT, SCN_DEADLOCK, SCN_FAULT, SCN_ERROR };

/* Waits up to timeout_ns (0: forever) for the run to end: every routine
 * returned (SCN_DONE), all blocked (SCN_DEADLOCK), a scenario fault
 * (SCN_FAULT: a send on a closed channel, a spawn beyond the language's
 * limits; the run is stopped), a system error while running (SCN_ERROR: a
 * spawn step found no memory or no stack; the run is stopped, exit status
 * 1), or SCN_TIMEOUT. */
int scn_wait(scn_run *run, uint64_t timeout_ns);

/* Messages for people, one per line, each ending in '\n', about the end of
 * the run: the fault ("lanes: cook#1: send on closed channel 'meals'
 * (restaurant.lanes:14)"), the system error ("lanes: boss: cannot map a
 * stack for part#12: Cannot allocate memory (spawn.lanes:4)"), or after SCN_DEADLOCK a first line
 * "lanes: deadlock: 2 routines are blocked forever, and no other can run:"
 * then one line per routine in id order ("  alice waits on 'left'
 * (deadlock.lanes:13)", "waits to send on", "waits in select on 'a', 'b'").
 * "" when none (SCN_DONE, SCN_TIMEOUT).  Partial deadlocks found while
 * running are in scn_next_report. */
const char *scn_end_message(scn_run *run);

/* Partial deadlocks found while the run goes on ("cook#1 waits on meals: no
 * live routine can send on it (restaurant.lanes:34)"; also "X waits to send
 * on C: no live routine can receive from it" and "X waits in select on A,
 * B: no live routine can release it"), each routine at most once, found
 * within a few ms by a monitor thread (at its end, a run that deadlocks
 * lists them all in scn_end_message anyway); copies the next unread one into
 * buf (no newline) and returns 1, or 0 when there is none.  Any thread. */
int scn_next_report(scn_run *run, char *buf, size_t n);

/* What each stuck routine waits for, for machine-readable output (the
 * JSON summary): the partial deadlocks in the order scn_next_report gives
 * them (partial = 1), then, after scn_wait returned SCN_DEADLOCK, every
 * routine blocked at the end in id order (partial = 0; a routine may be in
 * both).  Channel names belong to the program. */
#define SCN_STUCK_CHANS 64
typedef struct scn_stuck {
    uint32_t    id;                 /* routine id                              */
    char        name[LANES_NAME_MAX];
    int         op;                 /* LANES_RECV, LANES_SEND, or 0: a select  */
    int         nchans;             /* its channel, or the select's cases'     */
    const char *chans[SCN_STUCK_CHANS];
    int         line;               /* the step's line in scn_filename; 0: none */
    int         partial;
} scn_stuck;

/* How many there are so far; copies the first min(that, max) into out.
 * Any thread. */
size_t scn_stuck_list(scn_run *run, scn_stuck *out, size_t max);

/* The same, whole however long (a select over many channels, a long path):
 * the next unread report, malloc'd for the caller to free, or NULL. */
char *scn_take_report(scn_run *run);

/* The step a routine is at, for the UI's detail view: line number in the
 * scenario file (0: not started or done).  Any thread. */
int scn_routine_line(scn_run *run, uint32_t routine_id);

/* For the UI's detail view of routine `routine_id` (any thread): the
 * source lines of its routine declaration as scn_routine_decl_text gives
 * them, the first line's number in *first_line; NULL for an id this run
 * did not start.  The instance name is the routine's runtime name
 * (lanes_routine_name): "cook#2", or "cashier" for a single instance. */
const char *scn_routine_program(scn_run *run, uint32_t routine_id, int *first_line);

/* The item number routine `routine_id` holds now, 0 for none (any thread). */
int scn_routine_item(scn_run *run, uint32_t routine_id);

/* Stops the run (lanes_close) and frees it.  NULL is ignored. */
void scn_stop(scn_run *run);

#endif
