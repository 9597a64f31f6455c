/*
 * summary_print.c - the folded summary for people (text) and for programs
 * (one JSON object, schema in the README).
 * Reads the summary only; writes only to the stream it is given.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "report/summary.h"

static double ticks(uint64_t mt) { return (double)mt / 1000.0; }

static double pct(uint64_t part, uint64_t whole)
{
    return whole != 0 ? 100.0 * (double)part / (double)whole : 0.0;
}

/* "0,1,3" for a lane mask; "-" when empty. */
static void lane_list(uint64_t mask, char *buf, size_t n, int json)
{
    size_t o = 0;
    int l;

    buf[0] = '\0';
    for (l = 0; l < LANES_MAX_CORES && o + 4 < n; l++) {
        if (!(mask & ((uint64_t)1 << l)))
            continue;
        o += (size_t)snprintf(buf + o, n - o, "%s%d", o != 0 ? "," : "", l);
    }
    if (o == 0 && !json)
        snprintf(buf, n, "-");
}

/* CPUs the process may use: the runtime's LOAD, else the caller's count. */
static int cpus_of(const out_summary *s, const out_run_info *info)
{
    return s->cpu.cpus > 0 ? s->cpu.cpus : info->cpus;
}

/* "1 CPU, machine's other load 0.9 CPU" */
static void cpu_words(const out_summary *s, const out_run_info *info, char *buf, size_t n)
{
    int cpus = cpus_of(s, info);
    uint32_t load = fold_cpu_load_avg(&s->cpu);
    char c[32], l[64];

    if (cpus > 0)
        snprintf(c, sizeof c, "%d CPU%s", cpus, cpus == 1 ? "" : "s");
    else
        snprintf(c, sizeof c, "CPUs unknown");
    if (load != LANES_LOAD_UNKNOWN)
        snprintf(l, sizeof l, "machine's other load %.1f CPU", (double)load / 1000.0);
    else
        snprintf(l, sizeof l, "machine's other load not measured");
    snprintf(buf, n, "%s, %s", c, l);
}

/* Flushes f: 0, or -1 with errno set (EIO when the stream kept no
 * errno) when anything written to it failed. */
int out_finish(FILE *f)
{
    if (fflush(f) != 0 || ferror(f)) {
        if (errno == 0)
            errno = EIO;
        return -1;
    }
    return 0;
}

int out_summary_print_text(FILE *f, const out_summary *s, const out_run_info *info,
                           const out_names *names)
{
    int l, nl = out_summary_lanes(s, info->cores);
    size_t i;
    char name[LANES_NAME_MAX + 8], lanes[LANES_MAX_CORES * 3 + 4], words[128];

    if (info->pid != 0)         /* the title names the program */
        fprintf(f, "lanes: %s: %s\ncounts since the attach, at the program's tick %.1f\n",
                info->title != NULL ? info->title : "", info->status,
                (double)info->start_mt / 1000.0);
    else
        fprintf(f, "lanes: %s \"%s\": %s\n", info->scenario != NULL ? info->scenario : "",
                info->title != NULL ? info->title : "", info->status);
    fprintf(f, "wall time %.1f ms, runtime %.1f ticks (tick %g us), "
               "%d core%s at start, quantum %d\n",
            (double)s->wall_ns / 1e6, ticks(s->end_mt), (double)info->tick_ns / 1e3,
            info->cores, info->cores == 1 ? "" : "s", info->quantum);

    cpu_words(s, info, words, sizeof words);
    fprintf(f, "\n%-10s %12s %7s %10s %10s\n", "lane", "busy ticks", "busy", "cpu ms",
            "waited ms");
    for (l = 0; l < nl; l++)
        fprintf(f, "core %-5d %12.1f %6.1f%% %10.1f %10.1f\n", l, ticks(s->lane_busy_mt[l]),
                pct(s->lane_busy_mt[l], s->end_mt), (double)s->cpu.lane_cpu_ns[l] / 1e6,
                (double)s->cpu.lane_wait_ns[l] / 1e6);
    fprintf(f, "parallelism %.2f (CPU time / wall time, %s)\n",
            out_summary_parallelism(s), words);
    fprintf(f, "lane occupancy %.2f (busy lane-ticks / elapsed ticks)\n",
            out_summary_occupancy(s));
    if (s->cpu.wait_ns > s->cpu.cpu_ns / 10 && s->cpu.wait_ns >= 1000000)
        fprintf(f, "the lanes waited %.1f ms for a CPU: %s\n", (double)s->cpu.wait_ns / 1e6,
                cpus_of(s, info) > 0 && nl > cpus_of(s, info)
                ? "more lanes than CPUs, the OS time-sliced them"
                : "the OS gave the CPUs to other threads");

    fprintf(f, "\n%-16s %10s %10s %6s %6s %8s %7s  %s\n", "routine", "cpu ticks",
            "lane ticks", "waits", "sleeps", "switches", "preempt", "lanes");
    for (i = 1; i < s->routines_len; i++) {
        const out_routine_stats *r = &s->routines[i];
        if (r->id == 0)
            continue;
        out_routine_name(names, r->id, name, sizeof name);
        lane_list(r->lanes, lanes, sizeof lanes, 0);
        fprintf(f, "%-16s %10.1f %10.1f %6u %6u %8u %7u  %s\n", name, ticks(r->cpu_mt),
                ticks(r->lane_mt), r->waits, r->sleeps, r->switches, r->preemptions, lanes);
    }

    for (i = 1; i < s->chans_len && s->chans[i].id == 0; i++)
        ;
    if (i < s->chans_len)
        fprintf(f, "\n%-16s %8s %9s %5s\n", "channel", "capacity", "messages", "peak");
    for (; i < s->chans_len; i++) {
        const out_chan_stats *c = &s->chans[i];
        if (c->id == 0)
            continue;
        out_chan_name(names, c->id, name, sizeof name);
        fprintf(f, "%-16s %8d %9llu %5llu\n", name, c->cap < 0 ? 0 : c->cap,
                (unsigned long long)c->sends, (unsigned long long)c->peak);
    }

    fprintf(f, "\nitems %llu", (unsigned long long)s->items);
    if (s->items_timed != 0)
        fprintf(f, ", latency in ticks min %.1f avg %.1f max %.1f",
                ticks(s->lat_min_mt), ticks(s->lat_sum_mt) / (double)s->items_timed,
                ticks(s->lat_max_mt));
    fprintf(f, "\nsteals %llu, preemptions %llu, switches %llu, dropped events %llu\n",
            (unsigned long long)s->steals, (unsigned long long)s->preemptions,
            (unsigned long long)s->switches, (unsigned long long)s->dropped);
    return out_finish(f);
}

int out_summary_print_json(FILE *f, const out_summary *s, const out_run_info *info,
                           const out_names *names)
{
    int l, nl = out_summary_lanes(s, info->cores);
    size_t i;
    const char *sep;
    uint32_t load;
    char name[LANES_NAME_MAX + 8], q[4 * 256 + 8], lanes[LANES_MAX_CORES * 3 + 4];

    out_json_quote(q, sizeof q, info->scenario);
    fprintf(f, "{\"scenario\":%s", q);
    out_json_quote(q, sizeof q, info->title);
    fprintf(f, ",\"title\":%s", q);
    out_json_quote(q, sizeof q, info->status);
    fprintf(f, ",\"status\":%s,\"exit_status\":%d", q, info->exit_status);
    if (info->pid != 0)         /* lanes attach: the counts start at the attach */
        fprintf(f, ",\"pid\":%u,\"since_attach\":true,\"attached_at_ticks\":%.3f",
                info->pid, (double)info->start_mt / 1000.0);
    fprintf(f, ",\"cores\":%d,\"quantum\":%d,\"tick_ns\":%llu", info->cores,
            info->quantum, (unsigned long long)info->tick_ns);
    if (info->seed_set)
        fprintf(f, ",\"seed\":%llu", (unsigned long long)info->seed);
    else
        fprintf(f, ",\"seed\":null");
    fprintf(f, ",\"wall_s\":%.6f,\"ticks\":%.3f", (double)s->wall_ns / 1e9,
            ticks(s->end_mt));

    load = fold_cpu_load_avg(&s->cpu);
    if (cpus_of(s, info) > 0)
        fprintf(f, ",\"cpus\":%d", cpus_of(s, info));
    else
        fprintf(f, ",\"cpus\":null");
    if (load != LANES_LOAD_UNKNOWN)
        fprintf(f, ",\"other_load\":%.3f", (double)load / 1000.0);
    else
        fprintf(f, ",\"other_load\":null");
    fprintf(f, ",\"run_wall_s\":%.6f,\"cpu_ns\":%llu,\"wait_ns\":%llu",
            (double)s->cpu.wall_ns / 1e9, (unsigned long long)s->cpu.cpu_ns,
            (unsigned long long)s->cpu.wait_ns);

    fprintf(f, ",\"lanes\":[");
    for (l = 0; l < nl; l++)
        fprintf(f, "%s{\"lane\":%d,\"busy_ticks\":%.3f,\"busy_pct\":%.2f,"
                   "\"cpu_ns\":%llu,\"wait_ns\":%llu}",
                l != 0 ? "," : "", l, ticks(s->lane_busy_mt[l]),
                pct(s->lane_busy_mt[l], s->end_mt),
                (unsigned long long)s->cpu.lane_cpu_ns[l],
                (unsigned long long)s->cpu.lane_wait_ns[l]);
    fprintf(f, "],\"parallelism\":%.4f,\"lane_occupancy\":%.4f",
            out_summary_parallelism(s), out_summary_occupancy(s));

    fprintf(f, ",\"routines\":[");
    sep = "";
    for (i = 1; i < s->routines_len; i++) {
        const out_routine_stats *r = &s->routines[i];
        if (r->id == 0)
            continue;
        out_routine_name(names, r->id, name, sizeof name);
        out_json_quote(q, sizeof q, name);
        lane_list(r->lanes, lanes, sizeof lanes, 1);
        fprintf(f, "%s{\"id\":%u,\"name\":%s,\"cpu_ticks\":%.3f,\"cpu_ns\":%llu,"
                   "\"lane_ticks\":%.3f,\"waits\":%u,"
                   "\"sleeps\":%u,\"yields\":%u,\"loop_yields\":%u,\"switches\":%u,"
                   "\"preemptions\":%u,"
                   "\"sent\":%u,\"received\":%u,\"lanes\":[%s],\"exited\":%s}",
                sep, r->id, q, ticks(r->cpu_mt), (unsigned long long)r->cpu_ns,
                ticks(r->lane_mt), r->waits, r->sleeps, r->yields,
                r->loop_yields, r->switches, r->preemptions, r->sent, r->received, lanes,
                r->exited ? "true" : "false");
        sep = ",";
    }

    fprintf(f, "],\"channels\":[");
    sep = "";
    for (i = 1; i < s->chans_len; i++) {
        const out_chan_stats *c = &s->chans[i];
        if (c->id == 0)
            continue;
        out_chan_name(names, c->id, name, sizeof name);
        out_json_quote(q, sizeof q, name);
        fprintf(f, "%s{\"id\":%u,\"name\":%s,\"capacity\":%d,\"messages\":%llu,"
                   "\"received\":%llu,\"peak\":%llu,\"closed\":%s}",
                sep, c->id, q, c->cap < 0 ? 0 : c->cap, (unsigned long long)c->sends,
                (unsigned long long)c->recvs, (unsigned long long)c->peak,
                c->closed ? "true" : "false");
        sep = ",";
    }

    fprintf(f, "],\"items\":{\"count\":%llu,\"timed\":%llu,\"latency_ticks\":",
            (unsigned long long)s->items, (unsigned long long)s->items_timed);
    if (s->items_timed != 0)
        fprintf(f, "{\"min\":%.3f,\"avg\":%.3f,\"max\":%.3f}}", ticks(s->lat_min_mt),
                ticks(s->lat_sum_mt) / (double)s->items_timed, ticks(s->lat_max_mt));
    else
        fprintf(f, "null}");

    fprintf(f, ",\"steals\":%llu,\"preemptions\":%llu,\"switches\":%llu,"
               "\"waits\":%llu,\"spawns\":%llu,\"exits\":%llu,\"messages\":%llu,"
               "\"events\":%llu,\"anomalies\":%llu,\"dropped_events\":%llu%s}\n",
            (unsigned long long)s->steals, (unsigned long long)s->preemptions,
            (unsigned long long)s->switches, (unsigned long long)s->waits,
            (unsigned long long)s->spawns, (unsigned long long)s->exits,
            (unsigned long long)s->sends, (unsigned long long)s->events,
            (unsigned long long)s->anomalies, (unsigned long long)s->dropped,
            info->json_more != NULL ? info->json_more : "");
    return out_finish(f);
}
