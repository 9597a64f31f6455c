#!/bin/sh
# replay.sh - a recording replayed headless says what the live run said
# (issue 16): every built-in runs headless with --json, --record and
# --trace; then --replay of the recording with --json and --trace must
# print the same JSON summary byte for byte (every count, and the wall
# time too, since the recording keeps it), say the same on stderr (the
# run's reports and end message), exit with the same status and write the
# same trace file.  A built-in that can run forever gets --for.
# Then what a broken recording gets: exit 2 and one clear message, for a
# cut file, a damaged one, one from a future version, a missing one, and
# --replay on the screen without a terminal.
set -u
LANES=${LANES:-src/lanes}
case $LANES in /*) ;; *) LANES=$(pwd)/$LANES ;; esac
tmp=$(mktemp -d /tmp/lanes-replay.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
failed=0
fail() { echo "FAIL: $*"; sed 's/^/  | /' "$tmp/err" | head -10; failed=1; }

names=$("$LANES" --list | sed -n 's/^\([a-z][a-z0-9-]*\) .*/\1/p')
[ -n "$names" ] || { echo "FAIL: no built-ins listed"; exit 1; }
for s in $names; do
    extra=
    "$LANES" "$s" --json --record "$tmp/$s.rec" --trace "$tmp/live.trace" \
        >"$tmp/live.json" 2>"$tmp/err"
    live=$?
    cp "$tmp/err" "$tmp/live.err"
    if [ $live = 2 ] && grep -q 'can run forever' "$tmp/err"; then
        extra="--for 300"
        "$LANES" "$s" $extra --json --record "$tmp/$s.rec" --trace "$tmp/live.trace" \
            >"$tmp/live.json" 2>"$tmp/err"
        live=$?
        cp "$tmp/err" "$tmp/live.err"
    fi
    case $live in 0|3|4) ;; *) fail "$s $extra: the live run exited $live"; continue ;; esac
    "$LANES" --replay "$tmp/$s.rec" --json --trace "$tmp/replay.trace" \
        >"$tmp/replay.json" 2>"$tmp/err"
    st=$?
    [ $st = $live ] || fail "$s: the replay exited $st, the live run $live"
    cmp -s "$tmp/live.json" "$tmp/replay.json" || {
        fail "$s: the replay's JSON summary differs from the live run's"
        diff "$tmp/live.json" "$tmp/replay.json" | head -5
    }
    cmp -s "$tmp/live.err" "$tmp/err" ||
        fail "$s: the replay said other things on stderr than the live run"
    cmp -s "$tmp/live.trace" "$tmp/replay.trace" ||
        fail "$s: the replay's trace differs from the live run's"
    ev=$(sed -n 's/.*"events":\([0-9]*\).*/\1/p' "$tmp/live.json")
    size=$(wc -c <"$tmp/$s.rec")
    echo "$s: $ev events, $size bytes recorded"
    [ -n "$ev" ] && [ "$ev" -gt 0 ] && [ "$size" -le $((ev * 32 + 65536)) ] ||
        fail "$s: $size bytes for $ev events (at most 32 an event, and the header)"
done

# a recording that cannot be written: exit 1 and the reason
if [ -w /dev/full ]; then
    "$LANES" pingpong --headless --record /dev/full >"$tmp/out" 2>"$tmp/err"
    st=$?
    [ $st = 1 ] && grep -q 'cannot write recording /dev/full: No space left' "$tmp/err" ||
        fail "--record /dev/full: exit $st"
fi
"$LANES" pingpong --headless --record "$tmp/no/such/dir.rec" >"$tmp/out" 2>"$tmp/err"
st=$?
[ $st = 1 ] && grep -q "cannot create recording $tmp/no/such/dir.rec" "$tmp/err" ||
    fail "--record in a missing directory: exit $st"

# broken recordings: exit 2, one message naming the file
rec=$tmp/restaurant.rec
refused() {  # what, file, expected words
    "$LANES" --replay "$2" --headless >"$tmp/out" 2>"$tmp/err"
    st=$?
    [ $st = 2 ] || fail "$1: exit $st, not 2"
    grep -q "$3" "$tmp/err" || fail "$1: no '$3' in the message"
    [ -s "$tmp/out" ] && fail "$1: a summary was printed"
    [ $st = 2 ]
}
size=$(wc -c <"$rec")
head -c $((size / 2)) "$rec" >"$tmp/cut.rec"
refused "a cut recording" "$tmp/cut.rec" "cut.rec: truncated: the .* record at byte [0-9]* is cut off, the file ends at byte $((size / 2)) "
head -c $((size - 1)) "$rec" >"$tmp/cut1.rec"
refused "a recording without its last byte" "$tmp/cut1.rec" "truncated"
# one byte of the middle changed
{ head -c $((size / 2)) "$rec"; printf 'X'; tail -c $((size - size / 2 - 1)) "$rec"; } >"$tmp/bad.rec"
if cmp -s "$tmp/bad.rec" "$rec"; then
    { head -c $((size / 2)) "$rec"; printf 'Y'; tail -c $((size - size / 2 - 1)) "$rec"; } >"$tmp/bad.rec"
fi
refused "a damaged recording" "$tmp/bad.rec" "bad.rec: corrupt: the .* record at byte"
{ printf 'lanes-recording 2\n'; tail -c +19 "$rec"; } >"$tmp/future.rec"
refused "a future version" "$tmp/future.rec" "version 2 is newer than this lanes reads (version 1)"
refused "a trace given as a recording" "$tmp/live.trace" "not a lanes recording"
refused "a missing recording" "$tmp/nothing.rec" "cannot open recording"
# on the screen without a terminal: the screen's own refusal (the screen
# itself: tests/tty/replay.sh)
"$LANES" --replay "$rec" >"$tmp/out" 2>"$tmp/err" </dev/null
st=$?
[ $st = 2 ] && grep -q 'headless' "$tmp/err" ||
    fail "--replay on the screen without a terminal: exit $st"
exit $failed
