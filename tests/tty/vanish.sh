#!/bin/sh
# vanish.sh - two ends that leave no terminal to restore (signals.sh has
# the ones that do):
#   1. a second fatal signal while the crash handler runs ends the process
#      at once (_exit(128 + signal)) instead of running the handler again.
#      The handler is held in its first write to the terminal by stopping
#      the terminal's output with Ctrl-S (IXON), as a hung terminal would;
#      while it waits there, a second SIGSEGV must end lanes, with status
#      139 and without the crash banner the first handler never reached.
#   2. the terminal vanishing (tmux server killed) while SIGHUP is ignored
#      (nohup): no signal tells lanes, so it must see the dead terminal on
#      its own (POLLHUP, EOF or EIO), never spin on it, and exit 129.
# "No hang" waits are a generous 5 s; a zombie waiting to be reaped counts
# as gone.
. "$(dirname "$0")/lib.sh"
real=$LANES

# gone PID: exited (a zombie or reaped)
gone() {
    state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)
    [ -z "$state" ] || [ "$state" = Z ]
}
wait_gone_pid() {   # PID: until it is gone, 5 s at most
    n=0
    while ! gone "$1" && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
    gone "$1"
}

# 1. a second SIGSEGV inside the crash handler
start 100 30 -- --ascii
wait_for 'core 0'
pid=$(lanes_pid)
keys C-s
kill -SEGV "$pid"
sleep 1
if gone "$pid"; then
    echo "skip: the terminal's output could not be stopped, so the crash handler was not held"
else
    kill -SEGV "$pid"
    if ! wait_gone_pid "$pid"; then
        keys C-q
        wait_gone_pid "$pid" || kill -KILL "$pid"
        fail "a second SIGSEGV inside the crash handler did not end lanes"
    fi
    keys C-q
    st=$(wait_exit)
    [ "$st" = 139 ] || fail "a second SIGSEGV gave exit status $st, not 139"
    grep -q 'crashed' "$dir/stderr" &&
        fail "the crash handler ran to its end, so the second signal did not cut it short"
    echo "ok: a second SIGSEGV inside the crash handler ended lanes at once (status 139)"
fi

# 2. the terminal vanishes while SIGHUP is ignored
cat >"$dir/nohup.sh" <<EOS
#!/bin/sh
trap '' HUP
"$real" "\$@" 2>"$dir/nohup.err"
echo \$? >"$dir/nohup.status"
EOS
chmod +x "$dir/nohup.sh"
LANES=$dir/nohup.sh
start 100 30 -- --ascii
wait_for 'core 0'
pid=$(pgrep -P "$(lanes_pid)" | head -1)
[ -n "$pid" ] || fail "no lanes under the nohup wrapper"
grep -q '^SigIgn:.*[13579bdf]$' "/proc/$pid/status" || fail "SIGHUP is not ignored by lanes"
tm kill-server
if ! wait_gone_pid "$pid"; then
    t0=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
    sleep 1
    t1=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
    kill -KILL "$pid"
    fail "lanes kept running after its terminal went away with SIGHUP ignored (CPU ticks $t0 -> $t1 in 1 s)"
fi
n=0
while [ ! -s "$dir/nohup.status" ] && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
st=$(cat "$dir/nohup.status" 2>/dev/null)
[ "$st" = 129 ] || fail "with SIGHUP ignored, a vanished terminal gave exit status '$st', not 129"
echo "ok: with SIGHUP ignored, lanes saw its terminal vanish and exited 129"
