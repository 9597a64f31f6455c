#!/bin/sh
# attach.sh - lanes attach on a program started with LANES_CONSOLE
# (tests/console_prog, whose counter and core count go to a file): the
# screen names the program and its routines; space stops the program's
# progress and space again resumes it; 4 gives it four cores (its own
# lanes_cores says so); q detaches and leaves it running, resumed even
# when it was paused; it finishes.  Then a second attach sees the program
# exit: "program exited", the picture stays, q quits with status 0.
. "$(dirname "$0")/lib.sh"
prog=${top_builddir:-.}/tests/console_prog
case $prog in /*) ;; *) prog=$(pwd)/$prog ;; esac
[ -x "$prog" ] || { echo "no program at $prog"; exit 99; }
con=$dir/con.sock
count=$dir/count

LANES_CONSOLE=$con "$prog" "$count" 2>"$dir/prog.err" &
ppid=$!
# the end of the test, or a failure: the program is told to finish, and
# killed if it cannot (left paused by a failure, say)
stop_prog() {
    touch "$count.stop"
    n=0
    while kill -0 "$ppid" 2>/dev/null && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
    kill "$ppid" 2>/dev/null
    wait "$ppid" 2>/dev/null
}
trap 'stop_prog; cleanup' EXIT
n=0
while [ ! -S "$con" ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
[ -S "$con" ] || fail "the program made no socket at $con: $(cat "$dir/prog.err")"
[ "$(stat -c %a "$con")" = 600 ] || fail "the socket's mode is $(stat -c %a "$con")"

field() { sed -n "s/.* $1 \([0-9]*\).*/\1/p; s/^$1 \([0-9]*\).*/\1/p" "$count" | head -1; }
# wait_file WORD VALUE: until the program's file says so
wait_file() {
    n=0
    while [ "$(field "$1")" != "$2" ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
    [ "$(field "$1")" = "$2" ] || fail "the program's $1 stayed $(field "$1"), not $2"
}
# advancing: the counter moves within a few seconds
advancing() {
    a=$(field count); n=0
    while [ "$(field count)" = "$a" ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
    [ "$(field count)" != "$a" ] || fail "the program's counter stopped at $a ($1)"
}

start 130 30 -- attach "$con" --ascii
wait_for 'attached to console_prog \(pid [0-9]+\)'
wait_for 'counter'
wait_for 'worker#2'
advancing "attached"
wait_for 'its lanes_now is tick \+ [0-9]+'
keys '?'
wait_for 'this help'
if screen | grep -q 'restart'; then fail "attached, the help offers r restart"; fi
keys Escape
wait_gone 'this help'

keys Space
wait_file paused 1
sleep 0.3
a=$(field count); sleep 1; b=$(field count)
[ "$a" = "$b" ] || fail "paused, the program's counter went from $a to $b"
wait_for 'paused'
keys Space
wait_file paused 0
advancing "resumed"

keys 4
wait_file cores 4
wait_for 'cores 4|4 lanes'

keys Space
wait_file paused 1
keys q
st=$(wait_exit)
[ "$st" = 0 ] || fail "lanes attach exited $st on q"
same_stty
wait_file paused 0
advancing "after the viewer left"
[ "$(field cores)" = 4 ] || fail "the program's cores went back to $(field cores)"

# a small terminal: the title keeps the name and the pid (the short form),
# and the hints and help offer no key that an attached program ignores
start 60 16 -- attach "$con" --ascii
wait_for "^console_prog\\.$ppid "
screen | head -1 | grep -q 'console_prog' || fail "no name in the title at 60x16: $(screen | head -1)"
if screen | grep -q 'c compare'; then fail "attached, the hints offer c compare"; fi
keys q
st=$(wait_exit)
[ "$st" = 0 ] || fail "lanes attach exited $st on q at 60x16"

# attached again: the program ends under our eyes
start 130 30 -- attach "$con" --ascii
wait_for 'attached to console_prog'
wait_for 'worker#1'
touch "$count.stop"
wait "$ppid"; pst=$?
[ "$pst" = 0 ] || fail "the program exited $pst"
wait_for 'program exited'
wait_for 'worker#1'
keys q
st=$(wait_exit)
[ "$st" = 0 ] || fail "lanes attach exited $st after the program exited"
[ ! -e "$con" ] || fail "the program left its socket behind"

# not a console: exit 2, said plainly
: >"$dir/plain"
if "$LANES" attach "$dir/plain" 2>"$dir/err"; then fail "attach to a plain file succeeded"; fi
"$LANES" attach "$dir/plain" 2>/dev/null; st=$?
[ "$st" = 2 ] || fail "attach to a plain file exited $st"
grep -q 'not a lanes console' "$dir/err" || fail "attach to a plain file said: $(cat "$dir/err")"

# a socket that accepts and never answers: said at once, and q leaves
# (exit 1: not attached) without the 5 s wait
if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(4); time.sleep(30)' \
        "$dir/mute.sock" &
    mpid=$!
    n=0
    while [ ! -S "$dir/mute.sock" ] && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
    start 60 16 -- attach "$dir/mute.sock" --ascii
    n=0
    while ! grep -q 'connecting to .*mute.sock' "$dir/stderr" 2>/dev/null && [ $n -lt 20 ]; do
        sleep 0.1; n=$((n + 1))
    done
    grep -q 'connecting to .*mute.sock' "$dir/stderr" || fail "no word while connecting"
    keys q
    st=$(wait_exit)
    kill "$mpid" 2>/dev/null
    [ "$st" = 1 ] || fail "q while connecting: exit $st"
    same_stty
else
    echo "no python3: the silent socket is not tried"
fi
echo "ok"
