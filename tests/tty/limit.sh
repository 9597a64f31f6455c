#!/bin/sh
# limit.sh - --for on the screen: a scenario that would run forever stops
# after the ticks asked for, as a normal end (status 0), and says so; r
# runs it again, running, not paused.
. "$(dirname "$0")/lib.sh"
cat >"$dir/endless.lanes" <<'EOS'
tick 50ms
chan c 1
routine a
  forever
    work 1
    send c
  end
end
routine b
  forever
    recv c
  end
end
EOS
start 100 30 -- --ascii --for 30 "$dir/endless.lanes"
wait_for 'stopped after 30 ticks \(--for\)'
keys r
wait_gone 'stopped after 30 ticks'
screen | grep -q '^lanes.*paused' && fail "the run after r is paused"
wait_for 'stopped after 30 ticks \(--for\)'
keys q
[ "$(wait_exit)" = 0 ] || fail "status $(cat "$dir/status") after --for, wanted 0"
same_stty
echo "ok"
