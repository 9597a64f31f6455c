#!/bin/sh
# valgrind.sh - memcheck on a headless run of every built-in scenario:
# zero errors and no leaks.  Usage: tests/valgrind.sh [path/to/lanes]
# A scenario that ends in deadlock (status 3) is fine; memcheck's own
# status (99) is not.
set -u
lanes=${1:-src/lanes}
command -v valgrind >/dev/null || { echo "valgrind.sh: valgrind is not installed"; exit 77; }
log=$(mktemp); trap 'rm -f "$log"' EXIT
bad=0; n=0
for name in $("$lanes" --list | awk '/^[^ ]/ {print $1}'); do   # abouts are indented
    n=$((n + 1))
    valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect \
        --errors-for-leak-kinds=definite,indirect --log-file="$log" \
        "$lanes" --headless -c 2 "$name" >/dev/null 2>&1
    st=$?
    if [ "$st" -eq 99 ] || [ -s "$log" ]; then
        echo "valgrind: $name: errors (status $st)"; head -60 "$log"; bad=1
    else
        echo "valgrind: $name: clean (status $st)"
    fi
done
[ "$n" -gt 0 ] || { echo "valgrind.sh: no built-in scenarios listed"; exit 1; }
exit $bad
