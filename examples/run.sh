#!/bin/sh
# run.sh - run the examples and check what they print against
# examples/NAME.expected.
#   run.sh                  the examples make check built (examples/NAME)
#   run.sh --installed DIR  (make installcheck) first compile each into DIR
#                           with $CC $CFLAGS and $PKG_CONFIG's lanes.pc, as
#                           a user would: once against liblanes.so, once
#                           with liblanes.a linked in (NAME-static, which
#                           must then run without liblanes.so)
# Exit 0 when all agree, 1 with the difference when one does not.
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}/examples
builddir=${top_builddir:-.}/examples
names="hello pipeline pool"
failed=0
fail() { echo "FAIL: $*"; failed=1; }

check() {   # label, name, command...: run it, compare its output with name.expected
    label=$1; name=$2; shift 2
    out=$("$@" 2>&1); rc=$?
    if [ $rc != 0 ]; then
        fail "$label: exit status $rc"; printf '%s\n' "$out" | sed 's/^/  | /'
    elif ! printf '%s\n' "$out" | diff -u "$srcdir/$name.expected" - >/dev/null; then
        fail "$label: output differs from $name.expected"
        printf '%s\n' "$out" | diff -u "$srcdir/$name.expected" - | sed 's/^/  | /'
    else
        echo "ok: $label"
    fi
}

if [ "${1:-}" = --installed ]; then
    dir=$2
    pc=${PKG_CONFIG:-pkg-config}
    cc=${CC:-cc}
    cflags=$($pc --cflags lanes) || { echo "FAIL: $pc --cflags lanes"; exit 1; }
    libs=$($pc --libs lanes) || { echo "FAIL: $pc --libs lanes"; exit 1; }
    slibs=$($pc --static --libs lanes | sed 's/-llanes/-Wl,-Bstatic -llanes -Wl,-Bdynamic/')
    echo "cflags: $cflags"; echo "libs: $libs"; echo "static: $slibs"
    for n in $names; do
        # shellcheck disable=SC2086
        if $cc ${CFLAGS:-} $cflags "$srcdir/$n.c" -o "$dir/$n" $libs; then
            check "$n (liblanes.so)" "$n" "$dir/$n"
            if command -v "${OBJDUMP:-objdump}" >/dev/null 2>&1 &&
               ! "${OBJDUMP:-objdump}" -p "$dir/$n" | grep -q 'NEEDED.*liblanes\.so'; then
                fail "$n: not linked against liblanes.so"
            fi
        else
            fail "$n: does not build against the installed lanes"
        fi
        # shellcheck disable=SC2086
        if $cc ${CFLAGS:-} $cflags "$srcdir/$n.c" -o "$dir/$n-static" $slibs; then
            check "$n (liblanes.a)" "$n" env -u LD_LIBRARY_PATH "$dir/$n-static"
        else
            fail "$n: does not build against the installed liblanes.a"
        fi
    done
    exit $failed
fi

for n in $names; do
    [ -x "$builddir/$n" ] || { fail "$n: $builddir/$n not built"; continue; }
    check "$n" "$n" "$builddir/$n"
done
exit $failed
