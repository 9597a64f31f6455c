#!/bin/sh
# ended.sh - a scenario's warnings show on the message line at start (stderr
# is hidden by the screen); after the run ends the picture and the numbers
# stay as they ended: keys that would run the runtime again (space, >, s,
# p) only say that the run has ended; r runs it again; a core key (4, +)
# runs it again on that many cores in one press.
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
echo "ok"
