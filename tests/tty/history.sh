#!/bin/sh
# history.sh - issue 16: after a run ends in a deadlock, Left walks back
# through its history: the banner names the tick, the header shows that
# tick, the lanes show the picture of then; Right goes on a tick; keys
# that would change the run say that history cannot be changed; End is
# now again; Home is the first tick.
. "$(dirname "$0")/lib.sh"
cat >"$dir/stuck.lanes" <<'EOS'
scenario "Stuck"
tick 5ms
chan a 0
chan b 0
routine alice
  work 3
  recv a
end
routine bob
  work 5
  recv b
end
EOS
start 100 30 -- --ascii "$dir/stuck.lanes"
wait_for 'deadlock'
end=$(tick_now)
[ -n "$end" ] && [ "$end" -gt 3 ] || fail "the run ended at tick '$end'"
banner() { screen | grep -E '^ history' ; }
keys Left
keys Left
keys Left
back=$((end - 3))
wait_for "^ history . tick $back of $end . End: back to now"
[ "$(tick_now)" = "$back" ] || fail "the header says tick $(tick_now), the banner $back"
screen | grep -q 'deadlock' && fail "the end still shows $back ticks in"
keys Right
wait_for "^ history . tick $((back + 1)) of $end"
[ "$(tick_now)" = "$((back + 1))" ] || fail "Right: the header says tick $(tick_now)"
# history cannot be changed
keys 4
wait_for 'history cannot be changed: End goes back to now'
screen | grep -qE '^lanes.*(cores 4|4 lanes)' && fail "4 changed the cores in history"
# the first tick, and back to now
keys Home
wait_for "^ history . tick 0 of $end"
keys End
wait_gone '^ history'
[ "$(tick_now)" = "$end" ] || fail "End: the header says tick $(tick_now), not $end"
screen | grep -q 'deadlock' || fail "the end's picture is gone after End"
keys q
[ "$(wait_exit)" = 3 ] || fail "exit status $(cat "$dir/status"), not 3"
same_stty
echo "ok"
