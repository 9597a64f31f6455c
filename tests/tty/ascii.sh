#!/bin/sh
# ascii.sh - in a locale that is not UTF-8 only ASCII reaches the screen.
. "$(dirname "$0")/lib.sh"
start 100 30 LC_ALL=C --
wait_for 'core 0'
keys 2
wait_for 'core 1'
sleep 1
screen | LC_ALL=C grep -q '[^ -~]' && fail "non-ASCII characters with LC_ALL=C"
keys '?'
wait_for 'pause / resume'
screen | LC_ALL=C grep -q '[^ -~]' && fail "non-ASCII characters in the help with LC_ALL=C"
keys Escape
keys q
wait_exit >/dev/null
same_stty
echo "ok"
