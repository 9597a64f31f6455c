#!/bin/sh
# parallel_1cpu.sh - four lanes pinned to one CPU (taskset -c 0): the
# summary's parallelism is CPU time over wall time, so it stays at about
# one CPU (<= 1.1, measurement noise allowed) while the lane occupancy
# counts four lanes holding routines (>= 2.5).  Behaviour, not timing: a
# busy machine lowers the parallelism, never raises it.
set -u
LANES=${LANES:-src/lanes}
command -v taskset >/dev/null 2>&1 || { echo "taskset is not installed: skipped"; exit 77; }
taskset -c 0 true 2>/dev/null || { echo "cannot run on CPU 0 alone: skipped"; exit 77; }
out=$(taskset -c 0 "$LANES" --json --tick 1ms -c 4 timeslice) || { echo "FAIL: exit $?"; exit 1; }
field() { printf '%s\n' "$out" | sed -n "s/.*\"$1\":\([-0-9.a-z]*\).*/\1/p"; }
par=$(field parallelism); occ=$(field lane_occupancy); cpus=$(field cpus)
echo "cpus $cpus parallelism $par occupancy $occ other_load $(field other_load)"
[ "$cpus" = 1 ] || { echo "FAIL: cpus $cpus, not 1"; exit 1; }
awk -v p="$par" 'BEGIN { exit !(p > 0 && p <= 1.1) }' || { echo "FAIL: parallelism $par on 1 CPU"; exit 1; }
awk -v o="$occ" 'BEGIN { exit !(o >= 2.5) }' || { echo "FAIL: occupancy $occ, want >= 2.5"; exit 1; }
echo ok
