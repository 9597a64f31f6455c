#!/bin/sh
# trace.sh - --trace FILE with the screen: the file is a whole JSON trace
# after a restart and q, and --trace - (standard output is the screen) is
# refused before the screen starts; a trace write error ends the screen
# with status 1 and the reason after the terminal is restored.
. "$(dirname "$0")/lib.sh"
start 100 30 -- --ascii --trace "$dir/trace.json"
wait_for 'core 0'
keys 2
sleep 1
keys r
wait_for 'restarted'
sleep 1
keys q
st=$(wait_exit)
[ "$st" = 0 ] || fail "exit status $st with --trace"
same_stty
[ -s "$dir/trace.json" ] || fail "no trace written"
if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["traceEvents"]) > 10' \
        "$dir/trace.json" || fail "the trace is not a JSON trace"
else
    head -c 1 "$dir/trace.json" | grep -q '{' || fail "the trace does not start with {"
fi
start 100 30 -- --trace -
st=$(wait_exit)
[ "$st" = 2 ] || fail "--trace - with the screen gave status $st, not 2"
grep -q -- '--headless' "$dir/stderr" || fail "no pointer to --headless: $(cat "$dir/stderr")"
# A trace that cannot be written ends the screen as it ends a headless
# run: the terminal restored, the reason on stderr, status 1.
start 100 30 -- --ascii --speed max --trace /dev/full
st=$(wait_exit)
[ "$st" = 1 ] || fail "a trace write error on screen gave status $st, not 1"
same_stty
grep -q 'lanes: cannot write trace /dev/full: No space left on device' "$dir/stderr" ||
    fail "no trace write error said: $(cat "$dir/stderr")"
echo "ok"
