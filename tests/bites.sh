#!/bin/sh
# bites.sh - the sanitizers and the stack guard must catch deliberate bugs
# inside routines (see tests/bite.c).  In a ThreadSanitizer build a race must
# be reported; in an AddressSanitizer build a stack-buffer-overflow; in a
# plain build a stack overflow must be named and kill by SIGSEGV.
set -u
bite=${top_builddir:-.}/tests/bite
out=$(mktemp); trap 'rm -f "$out"' EXIT
fail() { echo "FAIL: $*"; sed 's/^/  | /' "$out" | head -40; exit 1; }

case $("$bite" which) in
thread)
    # TSan sees a race only when both writers' accesses are still in its
    # shadow memory; on a heavily loaded machine one writer can finish
    # before the other starts and be evicted.  Three tries: a build that
    # never reports still fails.
    for try in 1 2 3; do
        TSAN_OPTIONS="halt_on_error=0 exitcode=66" "$bite" race >"$out" 2>&1; st=$?
        grep -q "ThreadSanitizer: data race" "$out" && break
    done
    grep -q "ThreadSanitizer: data race" "$out" || fail "TSan did not report the race in 3 tries (status $st)"
    echo "ok: ThreadSanitizer reported the race between routines" ;;
address)
    "$bite" overflow >"$out" 2>&1; st=$?
    [ "$st" -ne 0 ] || fail "the overflow went unnoticed"
    grep -q "AddressSanitizer: stack-buffer-overflow" "$out" || fail "ASan did not report the overflow (status $st)"
    echo "ok: AddressSanitizer reported the overflow on a routine's stack" ;;
none)
    ulimit -c 0
    "$bite" deep >"$out" 2>&1; st=$?
    [ "$st" -eq $((128 + 11)) ] || fail "a stack overflow should die by SIGSEGV (status $st)"
    grep -q "lanes: routine diver overflowed its 64 KiB stack" "$out" || fail "the overflow report does not name the routine"
    echo "ok: the stack overflow was named and killed the process by SIGSEGV" ;;
*) fail "unknown build" ;;
esac
