#!/bin/sh
# replay.sh - issue 16: --replay FILE plays a recording on the screen.  A
# run that ends in a deadlock is recorded headless (its ticks are short),
# then played: it goes at the screen's 1x (ticks pass, not all at once),
# pauses and steps, ends in the same deadlock with the same status;
# Left walks back through it; cores and preemption cannot change a
# recording; r plays it again.
. "$(dirname "$0")/lib.sh"
cat >"$dir/stuck.lanes" <<'EOS'
scenario "Stuck"
tick 20ms
chan a 0
chan b 0
routine alice
  work 150
  recv a
end
routine bob
  work 250
  recv b
end
EOS
"$LANES" --headless --record "$dir/stuck.rec" "$dir/stuck.lanes" >/dev/null 2>&1
[ $? = 3 ] || fail "the headless run did not end in a deadlock"
start 100 30 -- --ascii --replay "$dir/stuck.rec"
wait_for '^lanes . Stuck \(replay\)'
wait_for 'tick [1-9]'
# paced: 400 ticks of 20 ms take 8 s at 1x, not a moment (long enough
# that a loaded machine still shows it before the end)
screen | grep -q 'deadlock' && fail "the whole recording came at once"
keys Space
wait_for 'paused'
t=$(tick_now)
keys s
wait_for "tick $((t + 1)) "
keys 4
wait_for 'a recording shows the run as it was'
keys '>' '>' '>' '>'                 # 16x: the rest in well under a second
keys Space
wait_for 'deadlock' 20
end=$(tick_now)
keys Left
wait_for "^ history . tick $((end - 1)) of $end"
keys p
wait_for 'history cannot be changed'
keys End
wait_gone '^ history'
keys r
wait_gone 'deadlock'
wait_for 'deadlock' 20
keys q
[ "$(wait_exit)" = 3 ] || fail "exit status $(cat "$dir/status"), not 3"
same_stty
echo "ok"
