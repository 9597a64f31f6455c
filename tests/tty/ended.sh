#!/bin/sh
# ended.sh - a scenario's warnings show on the message line at start (stderr
# is hidden by the screen); after the run ends the picture and the numbers
# stay as they ended: keys that would run the runtime again (space, >, s,
# p) only say that the run has ended; r runs it again; a core key (4, +)
# runs it again on that many cores in one press.  After a fault (which
# pauses the runtime) r runs it again too, not paused at tick 0.
. "$(dirname "$0")/lib.sh"
cat >"$dir/short.lanes" <<'EOS'
scenario "Short"
about "Ends at once."
tick 10ms
chan c 0
chan unused 0
routine a
  work 3
  send c
end
routine b
  sleep 100
  recv c
end
EOS
start 100 30 -- --ascii --paused -c 2 "$dir/short.lanes"
wait_for "short.lanes:5:6: warning: channel 'unused' is never used"
keys Space
wait_for '# done'
sleep 0.5
frozen() { screen | grep -E '^lanes|^\| |switches|served'; }
a=$(frozen)
printf '%s\n' "$a" | grep -q 'tick [1-9]' || fail "no ticks ran"
for k in Space '>' s p Right; do
    keys "$k"
done
wait_for 'the run has ended: r runs it again'
screen | grep -q 'done - every routine returned' || fail "the end message went away"
sleep 0.5
b=$(frozen)
[ "$a" = "$b" ] || fail "the picture changed after the end:
$a
---
$b"
# the note passes, the end message stays
wait_gone 'the run has ended' 6
screen | grep -q 'done - every routine returned' || fail "the end message went away"
# Tab still selects, ? still helps
keys Tab
keys '?'
wait_for 'Esc or \? closes'
keys Escape
wait_gone 'Esc or \? closes'
# r runs it again
keys r
wait_gone '# done'
wait_for '# done'
# a core key after the end runs it again on that many cores
keys 4
wait_for 'the run had ended: running it again on 4 cores'
screen | grep -qE '^lanes.*(cores 4|4 lanes)' || fail "not on 4 cores after 4: $(screen | head -1)"
wait_for '# done'
keys +
wait_for 'running it again on 5 cores'
keys q
wait_exit >/dev/null
same_stty

cat >"$dir/fault.lanes" <<'EOS'
tick 10ms
chan c 0
routine a
  work 150
  close c
  close c
end
EOS
start 100 30 -- --ascii "$dir/fault.lanes"
wait_for "close of closed channel 'c'"
keys r
wait_gone "close of closed channel 'c'"
# it runs: the fault comes again (paused, it would stay at tick 0)
wait_for "close of closed channel 'c'"
screen | grep -q 'a finished' || fail "the restarted run did not run"
keys q
[ "$(wait_exit)" = 4 ] || fail "exit status $(cat "$dir/status"), not 4"
same_stty

# After the screen, stderr lists every routine of a deadlock, whole: 20
# routines of a file with a long name (the screen kept 2048 bytes of it)
long=$dir/$(printf '%0200d' 0 | tr 0 d).lanes
printf 'tick 1ms\nchan c 0\nroutine w x20\n  recv c\nend\n' >"$long"
start 100 30 -- --ascii "$long"
wait_for 'deadlock'
keys q
[ "$(wait_exit)" = 3 ] || fail "exit status $(cat "$dir/status"), not 3"
n=$(grep -c "^  w#[0-9]* waits on 'c' ($long:4)\$" "$dir/stderr")
[ "$n" = 20 ] || fail "$n of the 20 blocked routines listed whole"
echo "ok"
