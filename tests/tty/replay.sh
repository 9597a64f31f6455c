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
# the marker stays whole before the title
wait_for '^replay . Stuck'
# a replay's hint line offers what a recording can do, not cores
wait_for 'r again'
screen | tail -1 | grep -q 'cores' && fail "a replay's hint line offers cores"
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
wait_for '# deadlock' 20   # the header: the end itself, not the report before it
end=$(tick_now)
keys Left
wait_for "^ history . tick $((end - 1)) of $end"
# the header says history, not the live run's state
screen | head -1 | grep -q '|| history . tick' || fail "the header does not say history"
keys p
wait_for 'a recording shows the run as it was'
keys Space
wait_for 'history cannot be changed: End goes back to now'
keys End
wait_gone '^ history'
# back to now: history's note goes
wait_gone 'history cannot be changed'
keys Left
wait_for '^ history'
# r plays the recording again from history too
keys r
wait_gone '^ history'
wait_gone '# deadlock'
wait_for '# deadlock' 20   # the header: the end itself, not the report before it
keys q
[ "$(wait_exit)" = 3 ] || fail "exit status $(cat "$dir/status"), not 3"
same_stty

# a run restarted while recorded: its replay ends as "restarted", not done
start 100 30 -- --ascii --record "$dir/again.rec" pingpong
wait_for 'tick [1-9]'
keys r
wait_for 'restarted'
keys q
[ "$(wait_exit)" = 0 ] || fail "the recorded run: exit status $(cat "$dir/status")"
start 100 30 -- --ascii --replay "$dir/again.rec"
wait_for 'the recorded run was restarted' 20
screen | head -1 | grep -q '# restarted' || fail "the header does not say restarted"
screen | head -1 | grep -q 'done' && fail "the header says done"
keys q
[ "$(wait_exit)" = 0 ] || fail "exit status $(cat "$dir/status"), not 0"

# a damaged recording: one message and status 2; the screen never opens
size=$(wc -c <"$dir/stuck.rec")
head -c $((size / 2)) "$dir/stuck.rec" >"$dir/cut.rec"
start 100 30 -- --ascii --replay "$dir/cut.rec"
[ "$(wait_exit)" = 2 ] || fail "a cut recording: exit status $(cat "$dir/status"), not 2"
[ "$(wc -l <"$dir/stderr")" = 1 ] && grep -q 'cut.rec: truncated: the .* record at byte' \
    "$dir/stderr" || fail "a cut recording: $(cat "$dir/stderr")"
same_stty

# damaged while it plays (the file changed after the screen checked it):
# the terminal back, the message, status 2
cat >"$dir/spin.lanes" <<'EOS'
scenario "Spin"
tick 10ms
chan a 0
routine p
  forever
    send a
  end
end
routine q
  forever
    recv a
  end
end
EOS
"$LANES" --headless --for 400 --record "$dir/spin.rec" "$dir/spin.lanes" >/dev/null 2>&1
size=$(wc -c <"$dir/spin.rec")
# the screen reads 16384 events (about 100 KB) ahead: the file must be
# longer for a cut to be met while it plays (a busy machine makes fewer)
if [ "$size" -lt 300000 ]; then
    echo "ok (the spinning run recorded only $size bytes: the cut while playing not tried)"
    exit 0
fi
start 100 30 -- --ascii --replay "$dir/spin.rec"
wait_for 'tick [1-9]'
truncate -s $((size / 2)) "$dir/spin.rec"
[ "$(wait_exit 30)" = 2 ] || fail "cut while it played: exit status $(cat "$dir/status"), not 2"
grep -q 'spin.rec: truncated: ' "$dir/stderr" || fail "cut while it played: $(cat "$dir/stderr")"
same_stty
echo "ok"
