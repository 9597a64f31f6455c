#!/bin/sh
# notty.sh - without a terminal lanes says to use --headless and exits 2,
# writing no escape bytes; the same for TERM unset, empty, dumb or unknown.
set -u
LANES=${LANES:-src/lanes}
out=$(mktemp /tmp/lanes-notty.XXXXXX)
trap 'rm -f "$out" "$out.err"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
check() {
    what=$1; st=$2
    [ "$st" = 2 ] || fail "$what: exit status $st, not 2"
    grep -q -- '--headless' "$out.err" || fail "$what: no pointer to --headless: $(cat "$out.err")"
    [ "$(wc -l <"$out.err")" -eq 1 ] || fail "$what: more than one line: $(cat "$out.err")"
    LC_ALL=C grep -q "$(printf '\033')" "$out" "$out.err" && fail "$what: escape bytes written"
    true
}
st=$( { "$LANES" </dev/null 2>"$out.err"; echo $? >"$out.st"; } | cat >"$out"; cat "$out.st")
rm -f "$out.st"
check "lanes | cat" "$st"
if command -v script >/dev/null 2>&1; then
    for t in dumb "" lanes-no-such-terminal; do
        TERM=$t script -qec "$LANES 2>$out.err" /dev/null >"$out" </dev/null
        st=$?
        # script(1) reports the child's status
        [ "$st" = 2 ] || fail "TERM='$t': exit status $st, not 2"
        grep -q -- '--headless' "$out.err" || fail "TERM='$t': no pointer to --headless"
    done
fi
echo "ok"
