#!/bin/sh
# trace.sh - --trace FILE with the screen: the file is a whole JSON trace
# after a restart and q, and --trace - (standard output is the screen) is
# refused before the screen starts.
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
echo "ok"
