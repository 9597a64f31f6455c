#!/bin/sh
# pause.sh - space freezes the picture (two captures a second apart are
# equal); s advances every timeline by exactly one column.
. "$(dirname "$0")/lib.sh"
start 100 30 -- --ascii -c 2
wait_for 'core 1'
sleep 1
keys Space
wait_for 'paused'
sleep 0.5
a=$(screen); sleep 1; b=$(screen)
[ "$a" = "$b" ] || fail "the screen changed while paused"
# paused, it sleeps in poll(): under 2% of a CPU (utime+stime over 5 s).
# A sanitizer's own background thread costs CPU too: judge only plain builds.
pid=$(lanes_pid)
hz=$(getconf CLK_TCK 2>/dev/null || echo 100)
if [ "$("${top_builddir:-.}/tests/bite" which 2>/dev/null)" = none ]; then
    c0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    sleep 5
    c1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    [ $((c1 - c0)) -le $((hz * 5 * 2 / 100)) ] || fail "paused, lanes used $((c1 - c0)) of $((hz * 5)) clock ticks"
fi
bars_b=$(screen_bars)
t0=$(tick_now)
keys s
n=0
while [ "$(tick_now)" = "$t0" ] && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
sleep 0.5
bars_c=$(screen_bars)
t1=$(tick_now)
[ "$t1" = $((t0 + 1)) ] || fail "s went from tick $t0 to tick $t1"
# every lane row moved left by exactly one column (inside the timeline,
# columns 22-98 of 100); cells compared as busy (X: a name, a mark or a
# bar), idle (.), off (-) or nothing ( ), since a run's name is written
# anew as the run grows.  The newest column before the step is the tick a
# lane was in when the pause came: painted up to the paused time (a
# routine running, or idle), never blank; the step brings the rest of that
# tick, so there an idle cell may turn busy, and nothing else may change.
cells() { printf '%s\n' "$1" | grep '^| ' | cut -c"$2" | tr -c ' .\n-' 'X'; }
rows_b=$(cells "$bars_b" 22-97)
rows_c=$(cells "$bars_c" 21-96)
[ -n "$rows_b" ] || fail "no lane rows"
[ "$rows_b" = "$rows_c" ] || fail "the timelines did not shift by one column:
$rows_b
---
$rows_c"
new_b=$(cells "$bars_b" 98 | tr -d '\n')
new_c=$(cells "$bars_c" 97 | tr -d '\n')
case $new_b in *" "*) fail "the newest column of a paused screen has a lane with nothing: [$new_b]" ;; esac
printf '%s\n%s\n' "$new_b" "$new_c" | awk 'NR == 1 { b = $0; next }
    { for (i = 1; i <= length(b); i++) {
          x = substr(b, i, 1); y = substr($0, i, 1)
          if (x != y && !(x == "." && y == "X")) exit 1
      } }' || fail "the newest column changed at the step: [$new_b] -> [$new_c]"
keys s
wait_for "tick $((t0 + 2))"
keys Space
wait_gone 'paused'
keys q
wait_exit >/dev/null
same_stty
echo "ok"
