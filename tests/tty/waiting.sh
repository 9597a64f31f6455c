#!/bin/sh
# waiting.sh - four lanes on one CPU (the whole test runs under taskset -c 0,
# and tmux and lanes inherit it): the header says "4 lanes on 1 CPU", the
# lanes show ticks of waiting for a CPU (':' in ASCII) and the legend under
# the lanes says what they are.  Behaviour, not timing: four CPU-bound
# threads on one CPU each get at most about a quarter of it.
if [ -z "${LANES_TTY_PINNED:-}" ]; then
    command -v taskset >/dev/null 2>&1 || { echo "taskset is not installed: skipped"; exit 77; }
    taskset -c 0 true 2>/dev/null || { echo "cannot run on CPU 0 alone: skipped"; exit 77; }
    LANES_TTY_PINNED=1 exec taskset -c 0 sh "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"
start 100 30 -- --ascii -c 4 timeslice
wait_for '! 4 lanes on 1 CPU'
wait_for ': waiting for a CPU: the OS is time-slicing the lanes' 20
# a lane row ("| name  timeline |") with a run of waiting ticks
wait_for '^\| .*::::' 20
screen | grep -Eq 'core 0 \. cpu 0 \. ran [0-9]+%' || fail "no 'ran N%' in a lane title"
keys q
wait_exit >/dev/null
same_stty
echo "ok"
