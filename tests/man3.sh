#!/bin/sh
# man3.sh - lanes(3) keeps up with lanes.h: every function the header
# declares has its line in the man page's SYNOPSIS, and the page names no
# lanes_ function the header does not have.
set -u
top=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
h=$top/src/rt/lanes.h
man=$top/assets/lanes.3
tmp=$(mktemp -d /tmp/lanes-man3.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# functions: a name followed by "(" at the start of a declaration
sed -n 's/^[a-z_0-9 ]*[ *]\(lanes_[a-z_0-9]*\)(.*/\1/p' "$h" | sort -u >"$tmp/h"
sed -n '/^\.SH SYNOPSIS/,/^\.SH/s/^\.BI\{0,1\} "[^"]*[ *]\(lanes_[a-z_0-9]*\)(.*/\1/p' "$man" |
    sort -u >"$tmp/man"
[ -s "$tmp/h" ] || { echo "FAIL: no functions found in $h"; exit 1; }
failed=0
for f in $(comm -23 "$tmp/h" "$tmp/man"); do
    echo "FAIL: $f is in lanes.h but not in the SYNOPSIS of lanes(3)"; failed=1
done
for f in $(comm -13 "$tmp/h" "$tmp/man"); do
    echo "FAIL: lanes(3) lists $f, which lanes.h does not declare"; failed=1
done
[ $failed = 0 ] && echo "ok: lanes(3) lists the $(wc -l <"$tmp/h") functions of lanes.h"
exit $failed
