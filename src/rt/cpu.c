/*
 * cpu.c - what the OS really gave the lanes: per-lane CPU and wait time
 * while routines work, and the load other processes put on our CPUs.
 * Owns the readings and their arithmetic; work.c and tracing.c decide
 * when to take them and record the events (LANES_EV_CPU, LANES_EV_LOAD).
 * Knows nothing of lanes, routines or rings.
 *
 * Sources, and why these:
 *  - Time on a CPU: the thread's CPU clock (CLOCK_THREAD_CPUTIME_ID).  It
 *    is exact to the nanosecond when read, the running slice included;
 *    the first field of schedstat is the same sum but is only brought up
 *    to date at scheduler ticks and switches, so for a running thread it
 *    lags by up to a tick (milliseconds) - useless for 200 us windows.
 *  - Time runnable but waiting: the second field of
 *    /proc/thread-self/schedstat, the kernel's run_delay: the sum of the
 *    thread's waits on a run queue, each added when the wait ends.  Read
 *    by the thread itself, which is running, it holds every wait so far.
 *    A thread blocked (a mutex, the pause gate, waiting for trace room)
 *    is not waiting for a CPU and is not counted, which wall minus CPU
 *    time would wrongly do.  Without schedstat (no /proc, a kernel without
 *    CONFIG_SCHED_INFO) the wait falls back to window - CPU time: inside
 *    lanes_work a lane's thread only spins, so the difference is nearly
 *    all waiting.
 *  - Load: the lines of /proc/stat for the CPUs in our affinity mask
 *    (user, nice, system, irq, softirq and steal count as busy: steal is
 *    a hypervisor giving the CPU to someone else), minus this process's
 *    CPU time (CLOCK_PROCESS_CPUTIME_ID).  /proc/stat counts in jiffies,
 *    so one reading is good to about a jiffy per CPU over the interval
 *    (100 Hz, 250 ms: 0.04 CPU each).
 *
 * Costs here (a 2-vCPU KVM guest): the CPU clock is a system call, about
 * 1 us; the schedstat pread about 1.6 us; /proc/stat about 20 us.  A
 * window costs both of the first two at each end, which is why work.c
 * closes one at most every LANES_CPU_SAMPLE_NS of work.
 *
 * Invariant: a window's reported obj + arg never exceed its length as the
 * events see it (c->start to the reading that closes it); what a reading
 * measured beyond that (it was slow, or preempted) is carried to the next
 * window, up to CARRY_MAX.
 */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cpu.h"
#include "lanes.h"
#include "rassert.h"
#include "trace.h"

#define CARRY_MAX 10000000ull       /* 10 ms: a reading preempted for a slice or two */

void cpu_lane_init(cpu_lane *c)
{
    memset(c, 0, sizeof *c);
    c->fd = CPU_FD_UNTRIED;
}

void cpu_lane_fini(cpu_lane *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = CPU_FD_UNTRIED;
}

static uint64_t thread_cpu_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
        return 0;
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Parses "sum_exec run_delay pcount": the second number.  0 on failure
 * (the caller then reads nothing new: the wait stays). */
static int schedstat_wait(int fd, uint64_t *wait)
{
    char buf[96];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    const char *p = buf;
    uint64_t v = 0;
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    while (*p >= '0' && *p <= '9')
        p++;
    if (*p != ' ')
        return 0;
    p++;
    if (*p < '0' || *p > '9')
        return 0;
    for (; *p >= '0' && *p <= '9'; p++)
        v = v * 10 + (uint64_t)(*p - '0');
    *wait = v;
    return 1;
}

/* Reads the thread's counters in this order - CPU clock, schedstat, wall
 * clock - so every wait the schedstat holds ended before the wall time. */
static void read_now(cpu_lane *c, uint64_t *cpu, uint64_t *wait, uint64_t *now)
{
    *cpu = thread_cpu_ns();
    if (c->fd < 0 || !schedstat_wait(c->fd, wait))
        *wait = UINT64_MAX;
    *now = trace_now();
}

void cpu_begin(cpu_lane *c, uint64_t floor)
{
    uint64_t w;
    if (c->fd == CPU_FD_UNTRIED) {
#ifdef __linux__
        c->fd = open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
        if (c->fd >= 0 && !schedstat_wait(c->fd, &w)) {
            close(c->fd);
            c->fd = CPU_FD_NONE;
        }
        if (c->fd < 0)
            c->fd = CPU_FD_NONE;
#else
        c->fd = CPU_FD_NONE;
#endif
    }
    read_now(c, &c->cpu, &w, &c->at);
    c->wait = w != UINT64_MAX ? w : 0;
    c->start = floor > c->at ? floor : c->at;
    c->carry_cpu = c->carry_wait = 0;   /* skew of another window's reading */
    c->due = c->at + LANES_CPU_SAMPLE_NS;
    c->chop_due = c->at + CPU_CHOP_NS;
}

static uint64_t min_u64(uint64_t a, uint64_t b) { return a < b ? a : b; }

void cpu_take(cpu_lane *c, uint32_t *obj, int32_t *arg)
{
    uint64_t cpu, wait, now, dc, dw, len;

    read_now(c, &cpu, &wait, &now);
    dc = cpu >= c->cpu ? cpu - c->cpu : 0;
    if (wait == UINT64_MAX) {       /* no schedstat: off the CPU = waiting */
        uint64_t span = now - c->at;
        dw = span > dc ? span - dc : 0;
        wait = c->wait + dw;
    } else {
        dw = wait >= c->wait ? wait - c->wait : 0;
    }
    len = now > c->start ? now - c->start : 0;
    dc += c->carry_cpu;
    dw += c->carry_wait;
    c->carry_cpu = min_u64(dc - min_u64(dc, len), CARRY_MAX);
    dc = min_u64(dc, len);
    c->carry_wait = min_u64(dw - min_u64(dw, len - dc), CARRY_MAX);
    dw = min_u64(dw, len - dc);
    /* a window is at most a chunk plus a tick end: well inside the fields,
     * but a thread stopped (SIGSTOP, a debugger) mid-window is not */
    RT_ASSERT(dc + dw <= len);
    dc = min_u64(dc, UINT32_MAX);
    dw = min_u64(dw, INT32_MAX);
    *obj = (uint32_t)dc;
    *arg = (int32_t)dw;
    atomic_store_explicit(&c->tot_cpu,
                          atomic_load_explicit(&c->tot_cpu, memory_order_relaxed) + dc,
                          memory_order_release);
    atomic_store_explicit(&c->tot_wait,
                          atomic_load_explicit(&c->tot_wait, memory_order_relaxed) + dw,
                          memory_order_release);
    c->cpu = cpu;
    c->wait = wait;
    c->at = now;
    c->start = now;
    c->due = now + LANES_CPU_SAMPLE_NS;
    c->chop_due = now + CPU_CHOP_NS;
}

/* ---- load ------------------------------------------------------------------ */

int cpu_load_init(cpu_load *s)
{
    memset(s, 0, sizeof *s);
    s->fd = CPU_FD_UNTRIED;
#ifdef CPU_ISSET
    {
        cpu_set_t set;
        if (sched_getaffinity(0, sizeof set, &set) == 0) {
            int n = CPU_COUNT(&set), k = 0;
            s->cpus = n > 0 ? malloc((size_t)n * sizeof *s->cpus) : NULL;
            for (int i = 0; i < CPU_SETSIZE && s->cpus != NULL && k < n; i++)
                if (CPU_ISSET(i, &set))
                    s->cpus[k++] = (uint16_t)i;
            s->ncpu = n;
            s->nlist = s->cpus != NULL ? k : 0;
        }
    }
#endif
    if (s->ncpu <= 0) {
        long v = sysconf(_SC_NPROCESSORS_ONLN);
        s->ncpu = v > 0 ? (int)v : 1;
    }
    return s->ncpu;
}

void cpu_load_fini(cpu_load *s)
{
    if (s->fd >= 0)
        close(s->fd);
    free(s->cpus);
    s->cpus = NULL;
    s->fd = CPU_FD_UNTRIED;
}

static int allowed(const cpu_load *s, unsigned cpu)
{
    if (s->cpus == NULL)
        return 1;
    for (int i = 0; i < s->nlist; i++)     /* ascending: a few compares */
        if (s->cpus[i] >= cpu)
            return s->cpus[i] == cpu;
    return 0;
}

static const char *number(const char *p, uint64_t *v)
{
    while (*p == ' ')
        p++;
    if (*p < '0' || *p > '9')
        return NULL;
    *v = 0;
    for (; *p >= '0' && *p <= '9'; p++)
        *v = *v * 10 + (uint64_t)(*p - '0');
    return p;
}

/* Busy jiffies of the allowed CPUs: "cpuN user nice system idle iowait
 * irq softirq steal guest guest_nice" (guest time is inside user and nice
 * already).  0 when the file cannot be read. */
static int stat_busy(cpu_load *s, uint64_t *busy)
{
    static const int busy_field[8] = { 1, 1, 1, 0, 0, 1, 1, 1 };
    size_t cap = 4096 + (size_t)(s->cpus != NULL ? s->cpus[s->nlist - 1] + 1 : s->ncpu) * 160;
    char *buf = malloc(cap);
    ssize_t n;
    const char *p;
    uint64_t sum = 0;

    if (buf == NULL)
        return 0;
    n = pread(s->fd, buf, cap - 1, 0);
    if (n <= 0) {
        free(buf);
        return 0;
    }
    buf[n] = '\0';
    for (p = buf; strncmp(p, "cpu", 3) == 0; ) {
        uint64_t cpu, v;
        const char *q = p + 3;
        if (*q >= '0' && *q <= '9' && (q = number(q, &cpu)) != NULL &&
            allowed(s, (unsigned)cpu)) {
            for (int f = 0; f < 8 && q != NULL; f++) {
                q = number(q, &v);
                if (q != NULL && busy_field[f])
                    sum += v;
            }
        }
        p = strchr(p, '\n');
        if (p == NULL)
            break;
        p++;
    }
    free(buf);
    *busy = sum;
    return 1;
}

static uint64_t process_cpu_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0)
        return 0;
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int cpu_load_take(cpu_load *s, uint64_t now, uint32_t *obj)
{
    uint64_t busy, own, others, span;
    long hz;
    int have;

    s->due = now + LANES_LOAD_SAMPLE_NS;
    if (s->fd == CPU_FD_UNTRIED) {
        s->fd = open("/proc/stat", O_RDONLY | O_CLOEXEC);
        if (s->fd < 0)
            s->fd = CPU_FD_NONE;
    }
    if (s->fd < 0)
        return 0;
    own = process_cpu_ns();
    if (!stat_busy(s, &busy))
        return 0;
    have = s->at != 0 && now > s->at && busy >= s->busy;
    if (have) {
        hz = sysconf(_SC_CLK_TCK);
        span = now - s->at;
        others = (busy - s->busy) * (1000000000ull / (uint64_t)(hz > 0 ? hz : 100));
        others = others > own - s->own ? others - (own - s->own) : 0;
        others = others * 1000u / span;      /* thousandths of a CPU */
        if (others > (uint64_t)s->ncpu * 1000u)
            others = (uint64_t)s->ncpu * 1000u;
        *obj = (uint32_t)others;
    }
    s->prev_at = s->at;
    s->prev_busy = s->busy;
    s->prev_own = s->own;
    s->at = now;
    s->busy = busy;
    s->own = own;
    return have;
}

int cpu_load_last(cpu_load *s, uint64_t now, uint32_t *obj)
{
    long hz = sysconf(_SC_CLK_TCK);
    uint64_t jiffy = 1000000000ull / (uint64_t)(hz > 0 ? hz : 100);
    int have;
    /* under a jiffy /proc/stat tells nothing (0 or a whole CPU): then
     * from the reading before, the last two stretches as one */
    if (s->at != 0 && now < s->at + jiffy && s->prev_at != 0) {
        s->at = s->prev_at;
        s->busy = s->prev_busy;
        s->own = s->prev_own;
    }
    have = s->at != 0 && now >= s->at + jiffy && cpu_load_take(s, now, obj);
    cpu_load_idle(s, now);
    return have;
}
