#!/bin/sh
# resize.sh - 100x30, 60x16 (all still there), 40x10 (a plain message with
# the size needed; the run goes on), and back.
. "$(dirname "$0")/lib.sh"
start 100 30 -- --ascii
wait_for 'core 0'
tm resize-window -t s -x 60 -y 16
wait_for 'q quit'
wait_for 'core 0'
wait_for 'runnable'
screen | tail -1 | grep -q 'q quit' || fail "no key hints on the last row at 60x16"
tm resize-window -t s -x 40 -y 10
wait_for 'needs at least 60x16'
t0=$(screen | grep -c .)
sleep 1
tm resize-window -t s -x 100 -y 30
wait_for 'core 0'
wait_for 'orders'
keys q
wait_exit >/dev/null
same_stty
echo "ok"
