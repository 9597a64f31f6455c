#!/bin/sh
# cores.sh - '4' gives four lanes, and soon two routines run in the same
# time column on different lanes: parallelism, visible.  '+' and '-' add
# and remove one.
. "$(dirname "$0")/lib.sh"
start 100 30 -- --ascii
wait_for 'core 0'
keys 4
wait_for 'core 3'
screen | grep -q 'core 4' && fail "five lanes after '4'"
found=no
for try in $(seq 1 40); do
    # lane rows start with "| "; columns 20..96 are timeline on every row
    if screen | awk '
        /^\| / { rows[n++] = $0 }
        END {
            for (c = 20; c <= 96; c++) {
                busy = 0
                for (i = 0; i < n; i++) { ch = substr(rows[i], c, 1); if (ch != " " && ch != "." && ch != "-") busy++ }
                if (busy >= 2) exit 0
            }
            exit 1
        }'; then found=yes; break; fi
    sleep 0.25
done
[ $found = yes ] || fail "no two routines in the same column on different lanes"
keys +
wait_for 'core 4'
keys -
wait_for 'core 4 . off'
keys -
wait_for 'core 3 . off'
keys q
wait_exit >/dev/null
same_stty
echo "ok"
