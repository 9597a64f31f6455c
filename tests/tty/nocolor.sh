#!/bin/sh
# nocolor.sh - NO_COLOR (non-empty) and --no-color give no colour at all;
# without them there is colour (so the check means something).
. "$(dirname "$0")/lib.sh"
colours() {
    # SGR sequences whose parameters set a colour (30-38, 40-48, 90-107; 39 and 49 are the defaults)
    tm capture-pane -p -e -t s | grep -o "$(printf '\033')\[[0-9;]*m" | sed 's/^.\[//; s/m$//' |
        tr ';' '\n' | grep -Ec '^(3[0-8]|4[0-8]|9[0-7]|10[0-7])$'
}
start 100 30 -- --ascii
wait_for 'core 0'
sleep 1
[ "$(colours)" -gt 0 ] || fail "no colour even without NO_COLOR"
keys q; wait_exit >/dev/null
start 100 30 NO_COLOR=1 -- --ascii
wait_for 'core 0'
sleep 1
[ "$(colours)" -eq 0 ] || fail "colour escapes with NO_COLOR=1"
keys q; wait_exit >/dev/null
start 100 30 -- --no-color
wait_for 'core 0'
sleep 1
[ "$(colours)" -eq 0 ] || fail "colour escapes with --no-color"
keys q; wait_exit >/dev/null
echo "ok"
