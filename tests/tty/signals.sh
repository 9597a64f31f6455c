#!/bin/sh
# signals.sh - q, Ctrl-C, SIGTERM and SIGHUP each restore the terminal
# (stty -g as before) and exit with 0, 130, 143 and 129; a crash signal
# restores it too, says so on stderr and dies of the signal; a killed
# terminal ends lanes soon.
. "$(dirname "$0")/lib.sh"
for how in q INT TERM HUP SEGV; do
    start 100 30 -- --ascii
    wait_for 'core 0'
    case $how in
        q) keys q; want=0 ;;
        INT) keys C-c; want=130 ;;
        TERM) kill -TERM "$(lanes_pid)"; want=143 ;;
        HUP) kill -HUP "$(lanes_pid)"; want=129 ;;
        SEGV) kill -SEGV "$(lanes_pid)"; want=139 ;;
    esac
    st=$(wait_exit)
    if [ $how = SEGV ]; then
        grep -q 'crashed' "$dir/stderr" || fail "no crash banner on stderr"
        # under a sanitizer its own report decides the status
        grep -q Sanitizer "$dir/stderr" && want=$st
    fi
    [ "$st" = "$want" ] || fail "$how gave exit status $st, not $want"
    same_stty
done
# the terminal goes away under it
start 100 30 -- --ascii
wait_for 'core 0'
pid=$(lanes_pid)
tm kill-server
n=0
while kill -0 "$pid" 2>/dev/null && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
kill -0 "$pid" 2>/dev/null && { kill -KILL "$pid"; fail "lanes kept running after its terminal went away"; }
echo "ok"
