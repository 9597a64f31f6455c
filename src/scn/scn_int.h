/*
 * scn_int.h - what the parts of src/scn share and nobody else sees: the
 * parsed program, the step table, the limits, and the hooks between the
 * parser, the checker and the interpreter.
 */
#ifndef LANES_SCN_INT_H
#define LANES_SCN_INT_H

#include <stddef.h>
#include <stdint.h>
#include "scn/scn.h"

/* ---- limits (stated in the messages and in the language reference) ------ */
#define SCN_MAX_NAME       24        /* characters in a channel or routine name */
#define SCN_MAX_CHANS      256
#define SCN_MAX_ROUTINES   256       /* routine declarations                    */
#define SCN_MAX_INSTANCES  4096      /* routine instances at start (sum of xN)  */
#define SCN_MAX_CAP        1000000   /* channel capacity                        */
#define SCN_MAX_AMOUNT     1000000   /* ticks of work or sleep                  */
#define SCN_MAX_REPEAT     1000000   /* repeat count                            */
#define SCN_MAX_DEPTH      32        /* blocks nested in one routine            */
#define SCN_MAX_CASES      64        /* cases in one select                     */
#define SCN_MAX_TITLE      100       /* bytes in the scenario title             */
#define SCN_MAX_ABOUT      300       /* bytes in the about text                 */
#define SCN_MAX_NOTE       300       /* bytes in a note's text                  */
#define SCN_MAX_NOTES      1024      /* note steps in a file                    */
#define SCN_MAX_ERRORS     10        /* errors reported per file                */
#define SCN_MAX_WARNINGS   10
#define SCN_MAX_QUANTUM    1000000
#define SCN_MAX_SEED       INT64_MAX
#define SCN_MAX_FILE       (256u << 20)  /* bytes scn_load reads             */
#define SCN_MAX_LIVE       8192      /* routines alive at once in a run         */
#define SCN_MAX_SPAWNED    100000    /* routine instances over a whole run      */

#define SCN_DEF_CORES      1
#define SCN_DEF_QUANTUM    4
#define SCN_DEF_TICK_NS    50000000ull
#define SCN_DEF_SEED       1

/* ---- steps ---------------------------------------------------------------- */

enum scn_op {
    SCN_OP_WORK, SCN_OP_SLEEP, SCN_OP_SEND, SCN_OP_RECV, SCN_OP_CLOSE,
    SCN_OP_YIELD, SCN_OP_SPAWN, SCN_OP_NOTE, SCN_OP_REPEAT, SCN_OP_FOREVER, SCN_OP_RANGE,
    SCN_OP_SELECT, SCN_OP_CASE, SCN_OP_DEFAULT, SCN_OP_END,
    SCN_OP_COUNT
};

/* what follows the step's name */
enum scn_arg {
    SCN_ARG_NONE,       /* nothing                                  */
    SCN_ARG_AMOUNT,     /* A or A..B ticks                          */
    SCN_ARG_CHAN,       /* a channel name                           */
    SCN_ARG_ROUTINE,    /* a routine name                           */
    SCN_ARG_COUNT,      /* a whole number (repeat)                  */
    SCN_ARG_CASE,       /* send CH or recv CH                       */
    SCN_ARG_NOTE        /* "TEXT" [pause]                           */
};

/* the step's part in the block structure */
enum scn_blk {
    SCN_BLK_NONE,       /* a plain step                             */
    SCN_BLK_OPEN,       /* opens a block that `end` closes          */
    SCN_BLK_PART,       /* starts a part of a select (case, default)*/
    SCN_BLK_CLOSE       /* end                                      */
};

/* One parsed step.  Blocks are flat: a block head's `jump` is the index of
 * its `end`, the end's `jump` is its head.  Inside a select, each case or
 * default's `jump` is the next case, default or the end; `sel` is the
 * select's index for its parts and its end (-1 elsewhere). */
typedef struct scn_step {
    uint8_t  op;        /* enum scn_op                                      */
    uint8_t  depth;     /* loops enclosing the step (its counter slot)      */
    int32_t  line;      /* 1-based line in the file                         */
    int32_t  col;       /* byte offset of the step's name in its line       */
    int32_t  a, b;      /* amount A..B; repeat count in a; case: b = LANES_SEND/RECV;
                           note: a = index in the notes, b = 1 when it pauses */
    int32_t  ref;       /* channel or routine index after checking, else -1 */
    int32_t  jump;
    int32_t  sel;
    uint32_t name_off;  /* while parsing: the referenced name in the buffer */
    uint32_t name_len;
} scn_step;

typedef struct scn_inst scn_inst;

/* Runs step `pc` of the calling routine instance; returns the next pc, or
 * -1 when the routine must end (its program is done or a fault stopped it). */
typedef int (*scn_step_fn)(scn_inst *x, const scn_step *st, int pc);

/* The one table of steps (indexed by op): the parser reads names, argument
 * kinds and block roles from it, the help text prints it, the interpreter
 * calls `run`. */
typedef struct scn_stepdef {
    const char *name;
    uint8_t     op;
    uint8_t     arg;      /* enum scn_arg */
    uint8_t     block;    /* enum scn_blk */
    const char *usage;    /* "work A[..B]" */
    const char *help;
    scn_step_fn run;
} scn_stepdef;

extern const scn_stepdef scn_steps[SCN_OP_COUNT];

/* How each step runs (interp.c). */
/* Tests only (NULL otherwise): scn_start calls it on its own thread after
 * starting the instances of declaration `decl`, to hold the start there
 * (check_interp: a partner declared later must not be judged missing). */
extern void (*scn_start_hook)(scn_run *run, int decl);

int scn_run_work(scn_inst *x, const scn_step *st, int pc);
int scn_run_sleep(scn_inst *x, const scn_step *st, int pc);
int scn_run_send(scn_inst *x, const scn_step *st, int pc);
int scn_run_recv(scn_inst *x, const scn_step *st, int pc);
int scn_run_close(scn_inst *x, const scn_step *st, int pc);
int scn_run_yield(scn_inst *x, const scn_step *st, int pc);
int scn_run_spawn(scn_inst *x, const scn_step *st, int pc);
int scn_run_note(scn_inst *x, const scn_step *st, int pc);
int scn_run_repeat(scn_inst *x, const scn_step *st, int pc);
int scn_run_forever(scn_inst *x, const scn_step *st, int pc);
int scn_run_range(scn_inst *x, const scn_step *st, int pc);
int scn_run_select(scn_inst *x, const scn_step *st, int pc);
int scn_run_part(scn_inst *x, const scn_step *st, int pc);
int scn_run_end(scn_inst *x, const scn_step *st, int pc);

/* Top-level declarations, a table too: the parser and the help text use it. */
enum scn_decl {
    SCN_DECL_SCENARIO, SCN_DECL_ABOUT, SCN_DECL_CORES, SCN_DECL_QUANTUM,
    SCN_DECL_TICK, SCN_DECL_SEED, SCN_DECL_CHAN, SCN_DECL_ROUTINE,
    SCN_DECL_COUNT
};

typedef struct scn_decldef {
    const char *name;
    const char *usage;
    const char *help;
} scn_decldef;

extern const scn_decldef scn_decls[SCN_DECL_COUNT];

/* ---- the program ------------------------------------------------------ */

typedef struct scn_chan_decl {
    char    name[SCN_MAX_NAME + 1];
    int32_t cap;
    int32_t line, col;
    int     used;       /* some step names it            */
    int     closed;     /* some step closes it           */
    int     tokens;     /* `tokens`: messages are not items (interp.c) */
} scn_chan_decl;

typedef struct scn_routine_decl {
    char    name[SCN_MAX_NAME + 1];
    int32_t count;      /* instances at start (xN, default 1) */
    int32_t line, col;
    int32_t first;      /* its steps: [first, last)      */
    int32_t last;
    int32_t end_line;   /* line of its `end`             */
    char   *text;       /* its lines, each ending in \n, for the UI */
} scn_routine_decl;

struct scn_program {
    char     *filename;
    char     *source;    /* the text parsed, NUL-terminated (recordings)  */
    size_t    source_len;
    char     *title;
    char     *about;
    int       cores;
    int       quantum;
    uint64_t  tick_ns;
    uint64_t  seed;
    int       nchan;
    scn_chan_decl *chans;
    int       nrout;
    scn_routine_decl *routs;
    int       nsteps;
    scn_step *steps;
    int       nnotes;   /* the texts of the note steps, in file order */
    char    **notes;
    int32_t   endless_line;  /* line of a `forever` a running routine reaches, 0: none */
};

void scn_program_free(scn_program *p);

/* Memory: abort with a message when the system has none left. */
void *scn_xrealloc(void *p, size_t n);
char *scn_xstrdup(const char *s);

/* Levenshtein distance, capped: returns cap+1 when larger. */
int scn_distance(const char *a, size_t al, const char *b, size_t bl, int cap);

/* Instance name for instance `n` (1-based) of routine `r`: "cook#2", or
 * "cashier" when the routine starts a single instance and n == 1. */
void scn_instance_name(const scn_program *p, int r, int n, char *buf, size_t len);

/* reach.c: for every step of p, the channels (a bit each, w uint64 words a
 * set) the rest of its routine may send on or close (*can_send) and may
 * receive from (*can_recv); malloc'd arrays of nsteps * w words. */
void scn_reach_sets(const scn_program *p, int w, uint64_t **can_send, uint64_t **can_recv);

/* Built-in scenario sources (generated from assets/scenarios at build time). */
typedef struct scn_builtin {
    const char *name;     /* "restaurant"               */
    const char *text;
    size_t      len;
} scn_builtin;

extern const scn_builtin scn_builtin_data[];
extern const int scn_builtin_count;

#endif
