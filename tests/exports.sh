#!/bin/sh
# exports.sh - liblanes.so exports the functions lanes.h declares and
# nothing else (no rt_*, no stk_*: the runtime's insides stay its own),
# and its soname carries the interface version.  Skipped (77) without a
# shared library (./configure --disable-shared) or without nm.
set -u
top=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
so=${top_builddir:-.}/src/rt/.libs/liblanes.so
NM=${NM:-nm}
[ -f "$so" ] || { echo "skipped: no $so"; exit 77; }
command -v "${NM%% *}" >/dev/null 2>&1 || { echo "skipped: no nm"; exit 77; }
tmp=$(mktemp -d /tmp/lanes-exports.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

sed -n 's/^[a-z_0-9 ]*[ *]\(lanes_[a-z_0-9]*\)(.*/\1/p' "$top/src/rt/lanes.h" | sort -u >"$tmp/h"
$NM -D --defined-only "$so" | awk '$2 ~ /^[TDBRVW]$/ {print $3}' | sort -u >"$tmp/so"
failed=0
for f in $(comm -13 "$tmp/h" "$tmp/so"); do
    echo "FAIL: liblanes.so exports $f, which lanes.h does not declare"; failed=1
done
for f in $(comm -23 "$tmp/h" "$tmp/so"); do
    echo "FAIL: lanes.h declares $f, which liblanes.so does not export"; failed=1
done
soname=$(${OBJDUMP:-objdump} -p "$so" 2>/dev/null | sed -n 's/^ *SONAME *//p')
case $soname in
    liblanes.so.[0-9]*) ;;
    *) echo "FAIL: soname '$soname', not liblanes.so.N"; failed=1 ;;
esac
[ $failed = 0 ] && echo "ok: $(wc -l <"$tmp/so") symbols exported, as lanes.h declares; soname $soname"
exit $failed
