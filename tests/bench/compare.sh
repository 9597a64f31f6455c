#!/bin/sh
# compare.sh - lanes against Go, row by row: runs lanes-bench and the Go
# peers alternately for each row (ROUNDS times each), so both columns meet
# the same moment of a shared machine, then prints medians, ratios and the
# targets of issue 7.
#
#   compare.sh LANES_BENCH [PEERS] [ROUNDS] [lanes-bench flags...]
#
# PEERS may be "" (no Go): the lanes column alone.  Of the flags, --runs,
# --scale, --only and --lanes also go to the peers (as --procs).
set -eu
bench=$1
peers=${2-}
rounds=${3:-2}
shift; shift 2>/dev/null || true; shift 2>/dev/null || true

pflags=
only=
while [ $# -gt 0 ]; do
    case $1 in
    --runs|--scale) pflags="$pflags $1 $2"; bflags="${bflags-} $1 $2"; shift ;;
    --runs=*|--scale=*) pflags="$pflags $1"; bflags="${bflags-} $1" ;;
    --lanes|--procs) pflags="$pflags --procs $2"; bflags="${bflags-} --lanes $2"; shift ;;
    --only) only=$2; shift ;;
    --only=*) only=${1#--only=} ;;
    *) bflags="${bflags-} $1" ;;
    esac
    shift
done
bflags=${bflags-}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lanes-compare.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

if [ -n "$only" ]; then
    rows=$("$bench" --list --only "$only" | awk '{print $1}')
    [ -n "$peers" ] && prows=$("$peers" --list | awk '{print $1}') || prows=
else
    rows=$("$bench" --list | awk '{print $1}')
    [ -n "$peers" ] && prows=$("$peers" --list | awk '{print $1}') || prows=
fi

"$bench" --list >/dev/null
echo "# lanes-bench vs Go peers, row by row alternately, $rounds round(s);" \
     "$(nproc 2>/dev/null || echo '?') CPUs: $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo 2>/dev/null | head -1)"
[ -n "$peers" ] && echo "# $("$peers" --runs 1 --only none | head -1 | sed 's/^# //; s/, runs.*//')"
echo "# started $(date -u '+%Y-%m-%d %H:%M UTC'), load $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"

for row in $rows; do
    if [ -n "$only" ]; then
        # --only may name workloads; keep the rows that lanes-bench listed
        :
    fi
    r=1
    while [ "$r" -le "$rounds" ]; do
        # shellcheck disable=SC2086
        "$bench" --no-header --only "$row" $bflags | sed "s/^/L /" >>"$tmp/out"
        if [ -n "$peers" ] && printf '%s\n' $prows | grep -qx "$row"; then
            # shellcheck disable=SC2086
            "$peers" --header=false --only "$row" $pflags | sed "s/^/G /" >>"$tmp/out"
        fi
        r=$((r + 1))
    done
    # progress on stderr, the table comes at the end
    printf '.' >&2
done
echo >&2

awk '
function med(list,   n, a, i, j, t) {
    n = split(list, a, " ")
    for (i = 2; i <= n; i++)            # insertion sort: few values
        for (j = i; j > 1 && a[j-1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
function fmt(v) {
    if (v == "") return "-"
    return v >= 1000 ? sprintf("%.0f", v) : v >= 10 ? sprintf("%.1f", v) : sprintf("%.3f", v)
}
BEGIN {
    # row: kind (abs or rel to Go), comparison, bound, words
    T["switch/1"]        = "abs le 15 <= 15 ns"
    T["pingpong/1"]      = "rel le 0.5 <= 0.5x Go"
    T["pingpong/2"]      = "rel le 1.0 <= 1.0x Go"
    T["buffered/1"]      = "rel ge 1.0 >= 1.0x Go"
    T["buffered/2"]      = "rel ge 1.0 >= 1.0x Go"
    T["select/1"]        = "rel ge 1.0 >= 1.0x Go"
    T["select/2"]        = "rel ge 1.0 >= 1.0x Go"
    T["spawn/2"]         = "rel le 1.0 <= 1.0x Go"
    T["rss-parked/1"]    = "abs le 4608 <= 4.5 KiB"
    T["cpu-speedup/2v1"] = "abs ge 1.90 >= 1.90x"
    T["trace-pingpong/1"] = "abs le 1.5 <= 1.5x off"
    T["trace-pingpong/2"] = "abs le 1.5 <= 1.5x off"
    T["trace-cpu/2"]     = "abs le 1.03 <= 1.03x off"
    T["ui-fold"]         = "abs le 200 <= 200 ns"
    T["ui-frame"]        = "abs le 2000 <= 2000 us"
}
/^[LG] / && $2 !~ /^#/ {
    side = $1; row = $2
    if (!(row in seen)) { seen[row] = 1; order[++nrows] = row; unit[row] = $3 }
    v[side, row] = v[side, row] " " $4
    if (!((side, row) in lo) || $5 + 0 < lo[side, row]) lo[side, row] = $5 + 0
    if (!((side, row) in hi) || $6 + 0 > hi[side, row]) hi[side, row] = $6 + 0
}
END {
    printf "%-18s %-5s %10s %7s %10s %7s %9s  %-14s %s\n", "workload", "unit", "lanes", "spread", "go", "spread", "lanes/go", "target", "met"
    for (i = 1; i <= nrows; i++) {
        row = order[i]
        lm = med(v["L", row]); gm = ("G", row) in v ? med(v["G", row]) : ""
        ls = lm != 0 ? sprintf("%.0f%%", 100 * (hi["L", row] - lo["L", row]) / lm) : "-"
        gs = gm != "" && gm != 0 ? sprintf("%.0f%%", 100 * (hi["G", row] - lo["G", row]) / gm) : "-"
        ratio = gm != "" && gm != 0 ? lm / gm : ""
        words = "-"; met = ""
        if (row in T) {
            split(T[row], t, " "); words = t[4] " " t[5] (t[6] != "" ? " " t[6] : "") (t[7] != "" ? " " t[7] : "")
            x = t[1] == "abs" ? lm : ratio
            if (x == "") met = "(no Go)"
            else met = (t[2] == "le" ? x <= t[3] : x >= t[3]) ? "yes" : "NO"
        }
        printf "%-18s %-5s %10s %7s %10s %7s %9s  %-14s %s\n", row, unit[row], fmt(lm), ls,
               fmt(gm), gs, ratio == "" ? "-" : sprintf("%.2f", ratio), words, met
    }
    print "# spread: (max - min) / median over all runs of all rounds; ratios are of medians"
}' "$tmp/out"
