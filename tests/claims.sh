#!/bin/sh
# claims.sh - every built-in keeps the word of its about line: each runs
# headless at 1 and at 4 cores and the figures must point the way the
# about line says (ticks to finish, exit status, counts).
#
#   faster    4 cores finish in under 85% of 1 core's ticks (timeslice,
#             amdahl, pipeline, workers, restaurant, smartphone,
#             philosophers-fixed, buffer, lesson)
#   no help   4 cores take at least 85% of 1 core's ticks (pingpong)
#   within    4 cores finish within 10% of 1 core's ticks (io)
#   exact     exit status and counts: hog (no preemption at quantum 0,
#             some with -q 4), deadlock and philosophers (exit 3, both
#             cores), buffer (the buffer fills to 6, producers wait),
#             restaurant (the line fills on 1 core)
#
# A built-in that --list shows and this file does not know fails the test:
# a new built-in comes with its claim.
#
# Timing claims need real CPUs.  Both runs of a pair are pinned with
# taskset to the same 2 CPUs (skipped, saying why, when fewer are there),
# where 4 lanes can at best halve the ticks, so "faster" holds with a wide
# margin (the built-ins expect 0.5 to 0.67 of 1 core's ticks).  A run is
# *disturbed* when the OS gave it less than 80% of the CPU time its lanes
# wanted (its CPU time against the lanes' busy time, at most 2 CPUs' worth):
# other processes took the rest.  A disturbed pair decides nothing and is
# tried again after a pause, up to 4 times, then the claim is skipped as
# "machine too busy".  A half-second look at /proc/stat before each pair
# skips the runs while others keep more than 60% of the 2 CPUs busy, and
# after CLAIMS_BUDGET seconds (45) the timing claims left are skipped.  An
# undisturbed pair that breaks a claim is tried once more; two such pairs
# fail the test.  On an idle machine the whole test takes about 25 s.
# Exit 0 when nothing failed, 77 when every claim was skipped, else 1.
# Usage: tests/claims.sh [path/to/lanes]; CLAIMS_TICK sets the tick (2ms).
set -u
LANES=${1:-${LANES:-src/lanes}}
TICK=${CLAIMS_TICK:-2ms}
tmp=$(mktemp -d /tmp/lanes-claims.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0 skipped=0

[ -x "$LANES" ] || { echo "claims: no program at $LANES"; exit 1; }

# The CPUs to pin to: the first two this process may run on.
cpus=$(awk '/^Cpus_allowed_list:/ {
    n = split($2, part, ",")
    for (i = 1; i <= n; i++) {
        if (split(part[i], r, "-") == 2) { for (c = r[1]; c <= r[2]; c++) print c }
        else print part[i]
    }
}' /proc/self/status 2>/dev/null | head -2 | paste -sd, -)
# A sanitizer build (tests/bite says which) slows channel operations far
# more than work, so its ticks say nothing about the runtime's own: under
# ThreadSanitizer the pipeline's 4 cores took 98% of 1 core's ticks.
bite=${top_builddir:-.}/tests/bite
which=none
[ -x "$bite" ] && which=$("$bite" which)
why_not=""
if [ "$which" != none ]; then
    why_not="timing under a $which sanitizer build"
elif ! command -v taskset >/dev/null 2>&1; then
    why_not="taskset is not installed"
elif [ "$(echo "$cpus" | awk -F, '{print NF}')" -lt 2 ]; then
    why_not="fewer than 2 CPUs to run on (${cpus:-none})"
fi
[ -z "$why_not" ] && echo "claims: timing runs pinned to CPUs $cpus, tick $TICK"

hz=$(getconf CLK_TCK 2>/dev/null || echo 0)

# busy and total jiffies of the pinned CPUs (steal counts as busy: the
# hypervisor gave that time to someone else)
cpustat() {
    awk -v cpus="$cpus" 'BEGIN { n = split(cpus, c, ","); for (i = 1; i <= n; i++) want["cpu" c[i]] = 1 }
        want[$1] { busy += $2 + $3 + $4 + $7 + $8 + $9; all += $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }
        END { print busy, all }' /proc/stat
}

# busy: the share (%) of the pinned CPUs others use over half a second
busy() {
    s0=$(cpustat); sleep 0.5; s1=$(cpustat)
    echo "$s0 $s1" | awk '{ all = $4 - $2; printf "%d\n", (all > 0) ? 100 * ($3 - $1) / all : 0 }'
}

# run NAME CORES [OPTIONS...]: one headless JSON run, pinned when it can
# be.  Sets ST (exit status), J (the JSON), TICKS, GOT (the share, in %,
# of the CPU time the run's lanes wanted that the OS gave it: lanes busy
# for B seconds of wall time on 2 CPUs want min(B, 2 x wall); 100 when
# not measured) and DISTURBED (1 when GOT is under 80).
run() {
    name=$1 cores=$2; shift 2
    set -- "$LANES" --headless --json --tick "$TICK" -c "$cores" "$@" "$name"
    if [ -n "$why_not" ]; then
        "$@" >"$tmp/out" 2>"$tmp/err"; ST=$?
        echo 0 >"$tmp/r.cpu"
    else
        # the shell's cutime + cstime, read after the run: its CPU time
        taskset -c "$cpus" sh -c '"$@" >"$0.out" 2>"$0.err"; echo $? >"$0.st"
            awk "{print \$16 + \$17}" /proc/$$/stat >"$0.cpu"' "$tmp/r" "$@"
        ST=$(cat "$tmp/r.st"); mv "$tmp/r.out" "$tmp/out"; mv "$tmp/r.err" "$tmp/err"
    fi
    J=$(cat "$tmp/out")
    TICKS=$(echo "$J" | sed -n 's/.*"ticks":\([0-9.]*\).*/\1/p')
    [ -n "$TICKS" ] || TICKS=0
    GOT=100
    if [ -z "$why_not" ]; then
        busy_s=$(echo "$J" | grep -o '"busy_ticks":[0-9.]*' | awk -F: -v ns="$(top tick_ns)" \
                 '{ s += $2 } END { print s * ns / 1e9 }')
        GOT=$(awk -v want="$busy_s" -v wall="$(echo "$J" | sed -n 's/.*"wall_s":\([0-9.]*\).*/\1/p')" \
                  -v ours="$(cat "$tmp/r.cpu")" -v hz="$hz" 'BEGIN {
            if (want > 2 * wall) want = 2 * wall
            if (want < 0.05 || hz <= 0) { print 100; exit }
            got = 100 * ours / hz / want
            printf "%d\n", (got > 100) ? 100 : got }')
    fi
    DISTURBED=$([ "$GOT" -lt 80 ] && echo 1 || echo 0)
}

# the last (top-level) integer field KEY of the JSON
top() { echo "$J" | sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"; }
# a channel's peak, a routine's integer field
peak() { echo "$J" | sed -n "s/.*\"name\":\"$1\",\"capacity\":[0-9]*,[^}]*\"peak\":\([0-9]*\).*/\1/p"; }
field() { echo "$J" | sed -n "s/.*\"name\":\"$1\",[^}]*\"$2\":\([0-9]*\).*/\1/p"; }

pass() { echo "PASS: $*"; passed=$((passed + 1)); }
skip() { echo "SKIP: $*"; skipped=$((skipped + 1)); }
fail() { echo "FAIL: $*"; sed 's/^/  | /' "$tmp/err" | head -10; failed=$((failed + 1)); }

# verdict KIND T1 T4: 0 when the claim holds
verdict() {
    awk -v k="$1" -v a="$2" -v b="$3" 'BEGIN {
        if (a <= 0 || b <= 0) exit 1
        if (k == "faster") exit !(b < 0.85 * a)
        if (k == "nohelp") exit !(b >= 0.85 * a)
        if (k == "within") exit !(b - a <= 0.10 * a && a - b <= 0.10 * a)
        exit 1 }'
}

# timed NAME KIND: the ticks of 1 and 4 cores, as above
timed() {
    name=$1 kind=$2 tries=0 broke=0
    if [ -n "$why_not" ]; then skip "$name: $kind: $why_not"; return; fi
    while [ $tries -lt 4 ]; do
        tries=$((tries + 1))
        if [ "$(date +%s)" -ge "$deadline" ]; then
            skip "$name: $kind: out of time, machine too busy"; return
        fi
        b=$(busy)
        if [ "$b" -gt 60 ]; then
            echo "  $name: others use $b% of CPUs $cpus, waiting"; sleep 2; continue
        fi
        run "$name" 1; t1=$TICKS st1=$ST g1=$GOT
        run "$name" 4; t4=$TICKS st4=$ST g4=$GOT
        if [ "$st1" -ne 0 ] || [ "$st4" -ne 0 ]; then
            fail "$name: exit $st1 on 1 core, $st4 on 4"; return
        fi
        if [ "$g1" -lt 80 ] || [ "$g4" -lt 80 ]; then
            echo "  $name: 1 core $t1, 4 cores $t4 ticks, but the runs got $g1% and $g4%" \
                 "of the CPU they wanted: again"
            sleep 2; continue
        fi
        if verdict "$kind" "$t1" "$t4"; then
            pass "$name: $kind: 1 core $t1 ticks, 4 cores $t4 (got $g1%, $g4% of the CPU wanted)"; return
        fi
        broke=$((broke + 1))
        if [ $broke -ge 2 ]; then
            fail "$name: $kind: 1 core $t1 ticks, 4 cores $t4 (twice)"; return
        fi
        echo "  $name: $kind: 1 core $t1 ticks, 4 cores $t4: not so, again"
    done
    skip "$name: $kind: machine too busy ($tries tries)"
}

# exact NAME STATUS: exit STATUS at 1 and 4 cores; the JSON of the 4-core
# run stays in J for further checks
exact() {
    name=$1 want=$2
    run "$name" 1; st1=$ST; j1=$J
    run "$name" 4
    if [ "$st1" -ne "$want" ] || [ "$ST" -ne "$want" ]; then
        fail "$name: exit $st1 on 1 core, $ST on 4, expected $want"; return 1
    fi
    J1=$j1
    return 0
}

# timing claims give up (skip) once this many seconds have gone
deadline=$(( $(date +%s) + ${CLAIMS_BUDGET:-45} ))
names=$("$LANES" --list | awk '/^[^ ]/ {print $1}')   # each about follows, indented
[ -n "$names" ] || { echo "claims: $LANES --list shows no built-ins"; exit 1; }
for name in $names; do
    case $name in
    timeslice|amdahl|pipeline|workers|smartphone|philosophers-fixed|lesson)
        timed "$name" faster ;;
    pingpong)
        timed "$name" nohelp ;;
    io)
        timed "$name" within ;;
    restaurant)
        # the line (queue, capacity 4) fills on 1 core; 4 cores are faster
        run "$name" 1; p=$(peak queue)
        if [ "$ST" -eq 0 ] && [ "$p" = 4 ]; then pass "$name: the line fills on 1 core (queue peak 4)"
        else fail "$name: exit $ST, queue peak $p on 1 core, expected 0 and 4"; fi
        timed "$name" faster ;;
    buffer)
        # fills to 6 at 1 and 4 cores, and the producers wait to send
        if exact "$name" 0; then
            p4=$(peak buffer) w4=$(( $(field 'producer#1' waits) + $(field 'producer#2' waits) ))
            J=$J1; p1=$(peak buffer) w1=$(( $(field 'producer#1' waits) + $(field 'producer#2' waits) ))
            if [ "$p1" = 6 ] && [ "$p4" = 6 ] && [ "${w1:-0}" -gt 0 ] && [ "${w4:-0}" -gt 0 ]; then
                pass "$name: full at 1 and 4 cores, producers wait ($w1, $w4 times)"
            else
                fail "$name: peak $p1 / $p4, the producers wait $w1 / $w4 times"
            fi
        fi
        timed "$name" faster ;;
    hog)
        # quantum 0: nothing is preempted, whatever the cores; p (-q 4) preempts the hog
        if exact "$name" 0; then
            q4=$(top preemptions); J=$J1; q1=$(top preemptions)
            run "$name" 1 -q 4; p1=$(top preemptions)
            if [ "$q1" = 0 ] && [ "$q4" = 0 ] && [ "${p1:-0}" -gt 0 ]; then
                pass "$name: no preemption at quantum 0, $p1 with -q 4"
            else
                fail "$name: preemptions $q1 / $q4 at quantum 0, ${p1:-?} with -q 4"
            fi
        fi ;;
    deadlock|philosophers)
        # exit 3 on 1 and 4 cores; only the bystander (or the host) ends
        if exact "$name" 3; then
            e4=$(top exits); J=$J1; e1=$(top exits)
            if [ "$e1" = 1 ] && [ "$e4" = 1 ]; then
                pass "$name: deadlock on 1 and 4 cores, one routine ends"
            else
                fail "$name: $e1 / $e4 routines ended, expected 1"
            fi
        fi ;;
    *)
        echo "FAIL: $name: a built-in without a claim in tests/claims.sh"; failed=$((failed + 1)) ;;
    esac
done

echo "claims: $passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ] || exit 1
[ $passed -gt 0 ] || exit 77
exit 0
