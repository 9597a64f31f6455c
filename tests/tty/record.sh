#!/bin/sh
# record.sh - --record FILE with the screen: the recording holds the run
# until the first restart (its status "restarted") or until q (its status
# "stopped" while the run goes on), and replays headless with the events
# the screen saw.
. "$(dirname "$0")/lib.sh"
events() { sed -n 's/.*"events":\([0-9]*\).*/\1/p' "$1"; }

start 100 30 -- --ascii pingpong --record "$dir/a.rec"
wait_for 'core 0'
sleep 1
keys r
wait_for 'restarted'
sleep 1
keys q
st=$(wait_exit)
[ "$st" = 0 ] || fail "exit status $st with --record"
same_stty
"$LANES" --replay "$dir/a.rec" --json >"$dir/a.json" 2>"$dir/a.err" ||
    fail "the recording does not replay: $(cat "$dir/a.err")"
grep -q '"status":"restarted"' "$dir/a.json" || fail "not ended at the restart: $(cat "$dir/a.json")"
n=$(events "$dir/a.json")
[ -n "$n" ] && [ "$n" -gt 10 ] || fail "$n events recorded"

start 100 30 -- --ascii pingpong --record "$dir/b.rec"
wait_for 'core 0'
sleep 1
keys q
st=$(wait_exit)
[ "$st" = 0 ] || fail "exit status $st with --record, q"
"$LANES" --replay "$dir/b.rec" --json >"$dir/b.json" 2>"$dir/b.err" ||
    fail "the second recording does not replay: $(cat "$dir/b.err")"
grep -q '"status":"stopped"' "$dir/b.json" || fail "not stopped: $(cat "$dir/b.json")"
echo "ok"
