#!/bin/sh
# parallel_2cpu.sh - two lanes on two CPUs really run at once: the
# summary's parallelism (CPU time over wall time) reaches 1.3.  Skipped,
# saying so, with fewer than two CPUs or when the runtime measured other
# programs using half a CPU or more of ours (then it is not ours to prove).
set -u
LANES=${LANES:-src/lanes}
command -v taskset >/dev/null 2>&1 || { echo "taskset is not installed: skipped"; exit 77; }
# the first two CPUs this process may use
two=$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/self/status | tr ',' '\n' |
      awk -F- '{ hi = NF > 1 ? $2 : $1; for (c = $1; c <= hi && n < 2; c++) { printf "%s%d", n ? "," : "", c; n++ } }')
case $two in *,*) ;; *) echo "fewer than 2 CPUs ($two): skipped"; exit 77 ;; esac
# 5 ms ticks: a run of about 0.4 s, long enough for the runtime to measure
# the machine's load (one LOAD every quarter second)
out=$(taskset -c "$two" "$LANES" --json --tick 5ms -c 2 timeslice) || { echo "FAIL: exit $?"; exit 1; }
field() { printf '%s\n' "$out" | sed -n "s/.*\"$1\":\([-0-9.a-z]*\).*/\1/p"; }
par=$(field parallelism); occ=$(field lane_occupancy); load=$(field other_load)
echo "CPUs $two: parallelism $par occupancy $occ other_load $load"
[ "$(field cpus)" = 2 ] || { echo "FAIL: cpus $(field cpus), not 2"; exit 1; }
if [ "$load" = null ] || awk -v l="$load" 'BEGIN { exit !(l >= 0.5) }'; then
    awk -v p="$par" 'BEGIN { exit !(p >= 1.3) }' && { echo ok; exit 0; }
    [ "$load" = null ] && load="not measured"
    echo "machine too busy to show parallelism (other load: $load; parallelism $par): skipped"
    exit 77
fi
awk -v p="$par" 'BEGIN { exit !(p >= 1.3) }' || { echo "FAIL: parallelism $par on 2 free CPUs"; exit 1; }
echo ok
