#!/bin/sh
# start.sh - at 100x30 the restaurant plays on one lane; q quits with the
# terminal as it was.
. "$(dirname "$0")/lib.sh"
start 100 30 -- --ascii
wait_for 'core 0'
wait_for 'restaurant'
screen | grep -q 'core 1' && fail "one lane expected at start"
wait_for 'orders'
wait_for 'q quit'
keys q
st=$(wait_exit)
[ "$st" = 0 ] || fail "q gave exit status $st"
same_stty
# --frames N quits by itself after N frames (what the tests lean on)
start 100 30 -- --frames 5
st=$(wait_exit 10)
[ "$st" = 0 ] || fail "--frames 5 gave exit status $st"
same_stty
echo "ok"
