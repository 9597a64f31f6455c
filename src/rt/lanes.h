/*
 * lanes.h - the public face of the lanes runtime.
 *
 * Routines (coroutines with their own stacks) are scheduled M:N onto worker
 * pthreads called lanes and talk through Go-style channels.  Everything the
 * runtime does can be recorded as fixed-size trace events, which the
 * program reads (lanes_trace_read) or serves to a viewer (lanes_console).
 *
 * Every name here keeps its meaning in later versions: new releases add
 * functions, fields of events and constants, but never rename or change
 * one.  The lanes(3) manual page describes each call at more length.
 */
#ifndef LANES_H
#define LANES_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LANES_MAX_CORES 64
#define LANES_NO_LANE   0xffffu
#define LANES_NAME_MAX  32          /* routine and channel names, with the NUL */

/* Routine ids, for a program that spawns forever (lanes_go):
 * 1, 2, ... LANES_ID_MAX, then round again from LANES_ID_REUSE_MIN,
 * skipping any id a live routine holds.  So an id is always a positive
 * int, no two live routines share one, and an id below LANES_ID_REUSE_MIN
 * (2^24) names one routine for the whole run: a table of your own indexed
 * by ids below some bound up to 2^24 never mixes two routines. */
#define LANES_ID_MAX       0x7fffffffu
#define LANES_ID_REUSE_MIN (1u << 24)
/* The name of an exited routine stays readable (lanes_routine_name) at
 * least until this many more ids were handed out, fewer by the routines
 * alive in between; a live routine's name, always. */
#define LANES_NAMES_KEPT   65536u

/* return codes (negative, distinct from -errno values below 1000) */
#define LANES_CLOSED      (-1001)   /* channel closed (and drained, for recv) */
#define LANES_WOULDBLOCK  (-1002)   /* non-blocking operation found nothing ready */
#define LANES_DEADLOCK    (-1003)   /* lanes_wait: no routine can ever run again */

/* lanes_config.flags */
#define LANES_NO_STEAL     0x1u     /* idle lanes never steal from others */
#define LANES_PIN_CPUS     0x2u     /* lane i pinned to online CPU i mod ncpu */
#define LANES_START_PAUSED 0x4u     /* lanes_open returns paused */

/* lanes_case.op */
#define LANES_SEND 1
#define LANES_RECV 2

typedef struct lanes_rt lanes_rt;
typedef struct lanes_chan lanes_chan;

typedef struct lanes_config {
    int      cores;        /* lanes running at start, 1..LANES_MAX_CORES      */
    int      quantum;      /* ticks a routine may run before preemption; 0 = never */
    uint64_t tick_ns;      /* wall length of one tick of work (speed)         */
    size_t   stack_size;   /* per routine; 0 = default (64 KiB); any other
                              value is rounded up to whole pages and to
                              at least 16 KiB, never refused              */
    unsigned flags;        /* LANES_NO_STEAL, LANES_PIN_CPUS, LANES_START_PAUSED */
    size_t   trace_events; /* ring capacity per lane; 0 = tracing off         */
} lanes_config;

/* Defaults used by lanes_open(NULL) and for zero fields where noted. */
#define LANES_DEFAULT_QUANTUM      4
#define LANES_DEFAULT_TICK_NS      20000000ull   /* 20 ms */
#define LANES_DEFAULT_STACK        (64u * 1024u)
#define LANES_DEFAULT_TRACE_EVENTS 65536u

/* ---- lifetime (from a plain thread) --------------------------------------- */

/* Starts the lanes.  NULL cfg: 1 core, quantum 4, tick 20 ms, tracing on.
 * Returns NULL and sets errno on failure (EINVAL for a bad config). */
lanes_rt *lanes_open(const lanes_config *cfg);

/* Creates a routine named `name` (truncated to LANES_NAME_MAX-1) running
 * fn(arg).  Callable from a plain thread or inside a routine.  Returns the
 * routine id (1..LANES_ID_MAX, held by no other live routine, and unique
 * for the whole run below LANES_ID_REUSE_MIN; see there) or -errno.
 * Memory: what a routine held (stack, name slot) is reused once it
 * exited, so a long run costs what its most routines alive at once do. */
int  lanes_go(lanes_rt *rt, const char *name, void (*fn)(void *), void *arg);

/* Blocks the calling plain thread until every routine has returned (0) or
 * none can ever run again (LANES_DEADLOCK).  Sleepers that will wake are not
 * a deadlock.  Does not count time while paused as progress or as deadlock.
 * -EINVAL for a NULL rt; -EPERM, at once, when called from a routine (it
 * would hold the lane another routine may need). */
int  lanes_wait(lanes_rt *rt);

/* Like lanes_wait but returns 1 when `timeout_ns` passed first.  A
 * timeout past the clock's range (UINT64_MAX) is no timeout at all.
 * -EINVAL and -EPERM as lanes_wait. */
int  lanes_wait_for(lanes_rt *rt, uint64_t timeout_ns);

/* Stops the lanes and frees routines (even parked or asleep ones),
 * channels, stacks and rings; NULL does nothing.  It waits for each
 * routine running on a lane to reach a call that can take it off the
 * lane (a channel call that has to wait, lanes_sleep, lanes_yield, a tick
 * of lanes_work, or its return), where it stops for good: a routine in a
 * plain C loop (polling with the try forms too) or a blocking system call
 * holds lanes_close up until then, forever if it never gets there.  A lane in the middle of a long tick of lanes_work stops within
 * about a millisecond of work.  From a plain thread only: called from a
 * routine it prints "lanes: lanes_close called from routine NAME: close
 * the runtime from a plain thread" and aborts the process. */
void lanes_close(lanes_rt *rt);

/* ---- control (any plain thread, any time) --------------------------------- */

int  lanes_set_cores(lanes_rt *rt, int n);   /* 0, or -EINVAL outside 1..64; effective at each lane's next tick */
int  lanes_cores(const lanes_rt *rt);
void lanes_pause(lanes_rt *rt);              /* every lane stops at its next safepoint, or within
                                                about a millisecond of a long tick's work */
void lanes_resume(lanes_rt *rt);
void lanes_pause_at(lanes_rt *rt, uint64_t t_rt);   /* pauses the runtime when runtime time (lanes_now) reaches t_rt: running, the
                                                clock stops at t_rt and the first lane to see it at a safepoint (or a long
                                                tick's millisecond check) pauses every lane, as lanes_pause - a run of
                                                exactly t_rt, whatever the tick.  Spent once paused there (or stepped past
                                                it and resumed); 0 clears it; a time already reached pauses now */
int  lanes_step(lanes_rt *rt, int ticks);    /* while paused: every running lane does `ticks` ticks then pauses; -EINVAL when not paused.
                                                Returns at once: runtime time advances by 1000*ticks now, the lanes follow.
                                                A lane paused mid-tick counts the rest of that tick as the first */
int  lanes_paused(const lanes_rt *rt);
void lanes_set_tick(lanes_rt *rt, uint64_t tick_ns);   /* a tick in progress: its rest is scaled */
uint64_t lanes_tick(const lanes_rt *rt);
void lanes_set_quantum(lanes_rt *rt, int quantum);
int  lanes_quantum(const lanes_rt *rt);
int  lanes_online_cpus(void);                /* CPUs this process may use (its affinity mask) */

/* What the OS really gave lane `lane` (0..LANES_MAX_CORES-1) while it held
 * routines inside lanes_work, since lanes_open: ns its thread ran on a
 * CPU and ns it was runnable but waited for one - the sums of the lane's
 * CPU events (see below), kept with tracing off too.  With the wall time
 * of a run, sum(cpu) / wall over the lanes is the parallelism achieved.
 * Any thread; either pointer may be NULL.  0, or -EINVAL for a NULL rt
 * or a lane out of range (a lane never started reads 0). */
int  lanes_lane_cpu(lanes_rt *rt, int lane, uint64_t *cpu_ns, uint64_t *wait_ns);

/* Runtime time: ticks elapsed while not paused, in thousandths of a tick.
 * Frozen while paused; a step advances it by exactly 1000 per tick. */
uint64_t lanes_now(const lanes_rt *rt);

/* ---- inside a routine ------------------------------------------------------ */

/* From a plain thread: lanes_sleep returns at once, lanes_yield is
 * sched_yield(2), lanes_work spins ticks * LANES_DEFAULT_TICK_NS of CPU
 * without safepoints.  ticks <= 0: lanes_work returns at once, lanes_sleep
 * yields. */
void lanes_work(int ticks);    /* real CPU work on this lane's OS thread; a safepoint every tick.
                                  A tick longer than a millisecond looks between milliseconds
                                  for a close, a pause (and holds there, mid-tick) or a new speed */
void lanes_yield(void);
void lanes_sleep(int ticks);   /* off-core; runtime time, frozen while paused */
int  lanes_self(void);         /* this routine's id; 0 outside a routine */
lanes_rt *lanes_self_rt(void); /* the runtime of the calling routine; NULL outside */

/* ---- channels -------------------------------------------------------------- */

/* elem_size 0..65536, cap 0 (unbuffered) .. 1<<20.  NULL and errno on error.
 * Channels live until lanes_close. Callable from a plain thread or a routine.
 *
 * Elements are copied (elem_size bytes).  A NULL elem sends zeros / discards
 * what is received.  lanes_send, lanes_recv and a blocking lanes_select may
 * park, so they need a routine: from a plain thread they return -EPERM and
 * do nothing.  The try forms, lanes_chan_close and a nonblocking select never
 * block and work from any thread.  A NULL channel gives -EINVAL.
 *
 * A channel belongs to the runtime that opened it.  A routine of another
 * runtime may use it only where nothing waits: a lanes_send, lanes_recv
 * or blocking lanes_select that would park on it returns -EINVAL instead
 * (its own runtime could not tell who may wake it).  lanes_chan_len(NULL)
 * and lanes_chan_cap(NULL) are 0. */
lanes_chan *lanes_chan_open(lanes_rt *rt, const char *name, size_t elem_size, size_t cap);
int lanes_send(lanes_chan *ch, const void *elem);      /* 0, or LANES_CLOSED */
int lanes_recv(lanes_chan *ch, void *elem);            /* 0, or LANES_CLOSED once closed and drained (elem zeroed) */
int lanes_chan_close(lanes_chan *ch);                  /* 0, or LANES_CLOSED when already closed */
int lanes_try_send(lanes_chan *ch, const void *elem);  /* 0, LANES_CLOSED or LANES_WOULDBLOCK */
int lanes_try_recv(lanes_chan *ch, void *elem);        /* 0, LANES_CLOSED or LANES_WOULDBLOCK */
uint32_t lanes_chan_id(const lanes_chan *ch);          /* > 0, the `obj` of channel events */

/* A message's item: the number it carries through the trace, the `arg`
 * of its SEND and RECV events, which a fold follows from sender to
 * receiver (the DONE of lanes_item_done ends its journey).  By default the
 * element's first 4 bytes when elem_size >= 4 (a program that sends
 * numbered items, as scenarios do, sees them), else the message's number
 * on the channel (1, 2, ...).  fn replaces that for ch: called with the
 * element (NULL for a close's zero value), its number and arg, under the
 * channel's lock and only while tracing, so it must be quick and must not
 * use channels.  NULL restores the default. */
typedef int32_t (*lanes_item_fn)(const void *elem, uint32_t seq, void *arg);
void lanes_chan_set_item(lanes_chan *ch, lanes_item_fn fn, void *arg);
size_t lanes_chan_len(lanes_chan *ch);                 /* items buffered now */
size_t lanes_chan_cap(const lanes_chan *ch);

typedef struct lanes_case {
    lanes_chan *ch;     /* NULL: the case is never ready */
    int   op;           /* LANES_SEND or LANES_RECV */
    void *elem;         /* value to send, or where to receive */
    int   result;       /* set on the case that fired: 0 or LANES_CLOSED;
                           the other cases' are left as they were */
} lanes_case;

/* Blocks until one case can proceed, picking uniformly among ready ones.
 * Returns the index that fired, or LANES_WOULDBLOCK when nonblocking and none
 * was ready at one instant.  A receive case on a closed, drained channel and
 * a send case on a closed one are ready and fire with result LANES_CLOSED.
 * The same channel may appear in several cases.  n == 0 (or all channels
 * NULL) blocks forever.  -EPERM when blocking from a plain thread, -EINVAL
 * for a bad op or when it would park on another runtime's channel, -ENOMEM
 * when n > 16 and no memory. */
int lanes_select(lanes_case *cases, int n, int nonblocking);

/* ---- names (any thread; valid until lanes_close) -------------------------- */

/* Copy the name of routine `id` / channel `id` into buf; "" when unknown.
 * Names of live routines and of channels stay readable until lanes_close;
 * an exited routine's for the next LANES_NAMES_KEPT ids or so (see
 * there), then "". */
void lanes_routine_name(lanes_rt *rt, uint32_t id, char *buf, size_t n);
void lanes_chan_name(lanes_rt *rt, uint32_t id, char *buf, size_t n);

/* ---- deadlock report ------------------------------------------------------- */

typedef struct lanes_blocked {
    uint32_t routine;   /* routine id */
    uint32_t chan;      /* channel id it waits on (first one for a select) */
    int      op;        /* LANES_SEND, LANES_RECV, or 0 for a select */
} lanes_blocked;

/* Routines parked on channels right now (after LANES_DEADLOCK: the culprits).
 * Fills at most max entries; returns how many there are. */
size_t lanes_blocked_list(lanes_rt *rt, lanes_blocked *out, size_t max);

/* ---- trace ----------------------------------------------------------------- */

typedef struct lanes_event {
    uint64_t t_ns;      /* monotonic ns since lanes_open                       */
    uint64_t t_rt;      /* runtime time (lanes_now) at the event, 1/1000 ticks */
    uint32_t routine;   /* routine id, 0 = none                                */
    uint32_t obj;       /* by kind, see below                                  */
    int32_t  arg;       /* by kind, see below                                  */
    uint16_t lane;      /* lane index, LANES_NO_LANE for control events        */
    uint16_t kind;      /* LANES_EV_*                                          */
} lanes_event;

/*
 * Kinds, and what routine / lane / obj / arg hold for each:
 *
 * SPAWN    routine = new id; obj = parent routine (0: a plain thread);
 *          lane = lane whose queue got it (NO_LANE: global); arg = LANES_Q_*
 * RUN      routine starts a slice on lane; obj = OS CPU (sched_getcpu);
 *          arg = LANES_Q_* it was taken from (STEAL when stolen just now)
 * STOP     routine leaves lane; arg = LANES_STOP_*; obj by reason:
 *          SEND/RECV/SELECT: channel id (first case's for select);
 *          SLEEP: ticks; PREEMPT/YIELD/CORES: LANES_Q_* it was put on
 * WAKE     routine made runnable; obj = waker routine (0: timer or runtime);
 *          lane = lane whose queue got it (NO_LANE: global); arg = LANES_Q_*
 * SEND     routine sent on channel obj; arg = the message's item
 *          (lanes_chan_set_item; by default the first 4 bytes of the
 *          element when elem_size >= 4, else the channel's message count)
 * RECV     routine received on channel obj; arg as for SEND
 * CLOSE    routine closed channel obj
 * STEAL    routine moved from lane obj's queue to lane's queue; arg =
 *          LANES_Q_LOCAL (queued there) or LANES_Q_STEAL (the one the thief
 *          runs at once: a RUN with arg STEAL follows)
 * PARK     lane switched off; arg = routines handed to the global queue
 * UNPARK   lane switched on
 * CORES    control: obj = new core count, arg = old count
 * PAUSE, RESUME   control
 * STEP     control: obj = ticks asked for, arg = step number (1, 2, ...)
 * DEADLOCK control: arg = number of blocked routines
 * TICK     control: obj = new tick_ns / 1000 (us), arg = old, in us
 * QUANTUM  control: obj = new quantum, arg = old
 * CHAN     channel obj opened; arg = capacity; routine = opener (0: plain thread)
 * DONE     routine is done with item arg (lanes_item_done): the end of the
 *          journey of the messages whose item is arg, for end-to-end
 *          latency (first SEND to last RECV)
 * CPU      what the OS really gave lane's thread while it did routine's work
 *          (lanes_work): obj = ns the thread ran on a CPU, arg = ns it was
 *          runnable but waited for a CPU (the OS time-slicing the lanes),
 *          both over the interval that ends at this event's t_ns and starts
 *          at the later of the lane's previous CPU event and the routine's
 *          RUN on that lane.  Emitted during work at least every tick or
 *          every LANES_CPU_SAMPLE_NS of wall time, whichever is longer, and
 *          at the end of each lanes_work call, so an interval never covers
 *          a wait off the lane (a preempted routine's CPU event comes just
 *          before its STOP); never longer than about a second while the
 *          lane works (inside a tick longer than 100 ms, one about every
 *          100 ms), so the fields do not saturate (they would at
 *          UINT32_MAX / INT32_MAX).  obj + arg <= the interval's length.
 *          Time a routine holds a lane outside lanes_work is not sampled;
 *          nor is a pause at a safepoint inside it: the lane emits a CPU
 *          event before it waits at the pause gate and an empty one
 *          (obj = arg = 0, the interval that holds the pause) after.
 *          Sources: the thread's CPU clock for obj, the kernel's run-queue
 *          wait (/proc/thread-self/schedstat) for arg.
 * LOAD     control: the machine around the runtime.  obj = CPU time that
 *          other processes used on the CPUs this process may use, over the
 *          last interval, in thousandths of a CPU (1500: one and a half
 *          CPUs busy elsewhere), LANES_LOAD_UNKNOWN before the first
 *          measurement; arg = CPUs this process may use (sched_getaffinity).
 *          One at lanes_open, then about every LANES_LOAD_SAMPLE_NS while
 *          somebody reads the trace and the run goes on (some routine is
 *          alive and not every one is blocked), and one last at the first
 *          read after the run stops going on, for the stretch since the
 *          previous reading (so a run shorter than LANES_LOAD_SAMPLE_NS is
 *          measured too, if it is a jiffy long; when that stretch is under
 *          a jiffy, since the reading before it); after that a run that has
 *          ended gets no new events.  Sources: the /proc/stat lines of those CPUs
 *          (steal counts as busy) minus this process's CPU time; good to
 *          about a jiffy per CPU over the interval (0.04 CPU at 100 Hz).
 * NOTE     routine recorded a mark about its own program (lanes_annotate):
 *          obj = tag, arg = by tag; lane = the lane it runs on.  The runtime
 *          gives neither a meaning: the program that records them does.
 *          Nothing in the runtime changes.
 * MOVE     routine moved between run queues without running, by lane:
 *          obj = LANES_Q_* it left, arg = LANES_Q_* it joined (lane's, or
 *          the global queue).  Two moves today: a WAKE into lane's run-next
 *          slot pushes the routine that sat there to lane's local ring
 *          (obj RUNNEXT, arg LOCAL; same t_ns as that WAKE, right after
 *          it); a lane taking the head of the global queue takes its share
 *          of the rest into its ring (obj GLOBAL, arg LOCAL; a RUN with arg
 *          GLOBAL of the head follows).
 * HELD     a console's snapshot only (lanes_console): channel obj held a
 *          message of item arg in its buffer when the viewer came; one a
 *          message, oldest first, right after the channel's CHAN; routine
 *          = 0.  Not a SEND: it was sent before the viewer came.
 */
enum {
    LANES_EV_SPAWN = 1, LANES_EV_RUN, LANES_EV_STOP, LANES_EV_WAKE,
    LANES_EV_SEND, LANES_EV_RECV, LANES_EV_CLOSE, LANES_EV_STEAL,
    LANES_EV_PARK, LANES_EV_UNPARK, LANES_EV_CORES, LANES_EV_PAUSE,
    LANES_EV_RESUME, LANES_EV_STEP, LANES_EV_DEADLOCK, LANES_EV_TICK,
    LANES_EV_QUANTUM, LANES_EV_CHAN, LANES_EV_DONE, LANES_EV_CPU,
    LANES_EV_LOAD, LANES_EV_NOTE, LANES_EV_MOVE, LANES_EV_HELD,
    LANES_EV_KINDS                      /* one past the last */
};

#define LANES_CPU_SAMPLE_NS  200000ull        /* CPU events at most this often a lane, but
                                                 those a lane owes (before a STOP or the
                                                 pause gate, at the end of lanes_work) */
#define LANES_LOAD_SAMPLE_NS 250000000ull     /* LOAD events about this often */
#define LANES_LOAD_UNKNOWN   0xffffffffu      /* LOAD obj before the first measurement */

/* stop reasons (arg of STOP) */
enum {
    LANES_STOP_PREEMPT = 1, LANES_STOP_YIELD, LANES_STOP_SEND,
    LANES_STOP_RECV, LANES_STOP_SELECT, LANES_STOP_SLEEP, LANES_STOP_EXIT,
    LANES_STOP_CORES
};

/* where a runnable routine was put or taken from */
enum {
    LANES_Q_LOCAL = 1,   /* the lane's local ring                   */
    LANES_Q_RUNNEXT,     /* the lane's one-slot run-next            */
    LANES_Q_GLOBAL,      /* the global queue (lane = NO_LANE)       */
    LANES_Q_STEAL        /* RUN only: stolen from another lane      */
};

/* Copies up to max events, oldest first, merged across lanes in time order.
 * One consumer thread at a time.  Works after lanes_wait returns. */
size_t lanes_trace_read(lanes_rt *rt, lanes_event *out, size_t max);

/* Events a full ring had to drop since lanes_open, counted as soon as
 * they are lost, not at the next read: from the consumer's thread, events
 * read + dropped + still waiting to be read (at most each ring's capacity)
 * = events made, at any moment.  From another thread it may lag a read
 * that runs meanwhile, never count one twice. */
uint64_t lanes_trace_dropped(const lanes_rt *rt);

/* Lossless mode: when set, a lane whose ring is full waits for the consumer
 * instead of dropping (for a reader that must see every event).
 * So somebody must keep reading while routines run.  Control events from
 * the consumer thread itself never wait (they could only wait for itself):
 * on a full control ring they drop, counted. */
void lanes_trace_lossless(lanes_rt *rt, int on);

/* Inside a routine: records a DONE event for `item` on this lane: the
 * messages whose item (lanes_chan_set_item) it is have arrived. */
void lanes_item_done(int32_t item);

/* Inside a routine: records a NOTE event (tag, arg) on this lane, between
 * the events around it in the routine's own order.  Never blocks, never
 * switches; outside a routine it does nothing. */
void lanes_annotate(uint32_t tag, int32_t arg);

/* ---- console: the trace served on a Unix socket (console.c) --------------- */

/* Serves rt's trace on a Unix socket at `path` for one viewer at a time
 * (`lanes attach PATH`), and takes that viewer's pause, resume, step,
 * cores, quantum and tick.  lanes_open does the same by itself when the
 * environment variable LANES_CONSOLE names a path (tracing is then on
 * even for trace_events 0).  The socket is made with mode 0600 (a stale
 * socket at path is replaced; any other file there is left alone:
 * -EEXIST), and a peer of another user is refused (SO_PEERCRED).
 *
 * A thread of the runtime's own becomes the trace's consumer: from then
 * on lanes_trace_read from any other thread returns 0.  Events are
 * recorded only while a viewer is attached (without one the program runs
 * as with tracing off); a viewer first gets the live routines and the
 * channels from the runtime's tables.  No lane ever waits for it: what a
 * slow or stalled viewer cannot take is dropped and counted (the viewer
 * is told the count).  When the viewer leaves, the runtime is resumed at
 * the tick it had when the viewer came.  lanes_close tells the viewer
 * the program ended, stops the thread and removes the socket.
 *
 * From a plain thread, once per runtime.  0, or -EINVAL (no rt or path,
 * or a path too long for a socket), -ENOTSUP (tracing off: open with
 * trace_events > 0), -EBUSY (a console already serves rt), -EADDRINUSE
 * (a live socket at path), -EEXIST, or another -errno of socket/bind. */
int lanes_console(lanes_rt *rt, const char *path);

/* The console's wire format (all integers little-endian; the lanes
 * README, "Attaching"): each side first sends the 16 bytes LANES_CON_MAGIC (8
 * bytes, no NUL), version (u32), 0 (u32); then records, each a type
 * (u16), 0 (u16), body length (u32, at most LANES_CON_BODY_MAX) and the
 * body.  The program sends HELLO first, then the snapshot (NAME, CHAN
 * and SPAWN events of what lives, the settings as CORES, QUANTUM, TICK,
 * PAUSE events), then EVENTS, NAME, DROPPED, and END when it closes, or
 * only ERROR (then closes) to a peer it refuses.  The viewer sends
 * control records. */
#define LANES_CON_MAGIC    "LANESCON"
#define LANES_CON_VERSION  1
#define LANES_CON_BODY_MAX 32768u
#define LANES_CON_EVENT_SIZE 32     /* t_ns u64, t_rt u64, routine u32, obj u32,
                                       arg i32, lane u16, kind u16 */
enum {
    /* program -> viewer */
    LANES_CON_HELLO = 1,  /* pid u32, cores u32, cpus u32, quantum u32, tick_ns u64,
                             paused u32, 0 u32, t_ns u64, t_rt u64 (now, as events),
                             name (u16 length, bytes <= 64), lanes version (u16, <= 32) */
    LANES_CON_EVENTS,     /* 1..1024 events of LANES_CON_EVENT_SIZE bytes */
    LANES_CON_NAME,       /* what u32 (1 routine, 2 channel), id u32, name bytes (<= 31) */
    LANES_CON_DROPPED,    /* u64: events lost so far (the rings' and the viewer's) */
    LANES_CON_END,        /* u32 0: the runtime closed */
    LANES_CON_ERROR,      /* text (<= 256 bytes): why the connection is refused */
    /* viewer -> program */
    LANES_CON_PAUSE = 16, /* empty */
    LANES_CON_RESUME,     /* empty */
    LANES_CON_STEP,       /* ticks i32 (1..1000) */
    LANES_CON_CORES,      /* n i32 (1..LANES_MAX_CORES) */
    LANES_CON_QUANTUM,    /* q i32 (>= 0) */
    LANES_CON_TICK,       /* tick_ns u64 (1 us .. 60 s) */
    LANES_CON_NAMEQ       /* what u32, id u32: please send that NAME */
};

/* Name of an event kind / stop reason, for people ("run", "preempt"). */
const char *lanes_event_kind_name(int kind);
const char *lanes_stop_reason_name(int reason);

#ifdef __cplusplus
}
#endif
#endif /* LANES_H */
