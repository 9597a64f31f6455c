#!/bin/sh
# note.sh - a scenario's narration: a note shows on the explanation line
# when its routine gets there; a pausing one pauses the run there (the
# header says paused, the line says how to go on) until space; the lesson
# built-in starts with a paused note.
. "$(dirname "$0")/lib.sh"
cat >"$dir/told.lanes" <<'EOS'
scenario "Told"
tick 10ms
chan c 2
routine teller
  work 3
  note "First the teller works a little." pause
  repeat 4
    work 1
    send c
  end
  note "Then it hands over four items."
  close c
end
routine taker
  range c
    work 40
  end
end
EOS
start 100 30 -- --ascii "$dir/told.lanes"
wait_for 'First the teller works a little. - space goes on'
screen | grep -q '^lanes.*paused' || fail "a pausing note did not pause the run"
t0=$(tick_now)
sleep 0.5
[ "$(tick_now)" = "$t0" ] || fail "the run went on while the note paused it"
keys Space
wait_for 'Then it hands over four items\.'
screen | grep -q 'space goes on' && fail "a note that does not pause says so"
keys q
wait_exit >/dev/null
same_stty
# the lesson starts paused on its first note, at the smallest screen too
start 60 16 -- --ascii lesson
wait_for 'Concurrency: one core'
screen | grep -q 'space goes on' || fail "the lesson's first note does not say how to go on"
keys q
wait_exit >/dev/null
same_stty
echo "ok"
