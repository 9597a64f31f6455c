#!/bin/sh
# tests/arm64.sh - cross-build the runtime (src/rt) for aarch64 and run
# tests/arm64-driver.c under qemu-user: the hand-written aarch64 switch, the
# scheduler and channels on 1 and 2 lanes.  Not part of make check or CI.
# Needs aarch64-linux-gnu-gcc and qemu-aarch64 (Debian: apt-get install
# gcc-aarch64-linux-gnu qemu-user); says "skipped" without them.
# Usage: tests/arm64.sh [--with-switch=ucontext]   (from anywhere)
# qemu-user runs the lanes as host threads with the host's (x86-64, strong)
# memory ordering: this checks the switch and the logic, not the weak ordering
# of real aarch64 hardware.
set -eu
CC=${CROSS_CC:-aarch64-linux-gnu-gcc}
QEMU=${QEMU:-qemu-aarch64}
SYSROOT=${CROSS_SYSROOT:-/usr/aarch64-linux-gnu}
if ! command -v "$CC" >/dev/null 2>&1 || ! command -v "$QEMU" >/dev/null 2>&1; then
    echo "arm64: skipped ($CC or $QEMU not found)"
    exit 0
fi
src=$(cd "$(dirname "$0")/.." && pwd)
if [ -n "${ARM64_OUT:-}" ]; then   # keep the build there
    out=$ARM64_OUT; mkdir -p "$out"
else
    out=$(mktemp -d "${TMPDIR:-/tmp}/lanes-arm64.XXXXXX")
    trap 'rm -rf "$out"' EXIT
fi
switch="#define LANES_SWITCH_ASM 1"
[ "${1:-}" = "--with-switch=ucontext" ] && switch="/* ucontext switch */"
# The few config.h facts src/rt uses (configure needs ncurses and Check for
# the host, which a cross sysroot rarely has).
cat >"$out/config.h" <<CFG
#ifndef _GNU_SOURCE
# define _GNU_SOURCE 1
#endif
#define HAVE_SCHED_GETCPU 1
#define HAVE_PTHREAD_SETAFFINITY_NP 1
$switch
CFG
flags="-std=gnu11 -O2 -g -pthread -Wall -Wextra -Wno-unused-parameter -Werror -I$out -I$src/src/rt"
for f in "$src"/src/rt/*.c; do
    $CC $flags -c "$f" -o "$out/$(basename "$f" .c).o"
done
${CC%gcc}ar rcs "$out/liblanes.a" "$out"/*.o
$CC $flags "$src/tests/arm64-driver.c" "$out/liblanes.a" -lm -o "$out/arm64-driver"
echo "arm64: running tests/arm64-driver under $QEMU (${1:-asm switch})"
QEMU_LD_PREFIX=$SYSROOT timeout "${ARM64_TIMEOUT:-300}" "$QEMU" "$out/arm64-driver"
