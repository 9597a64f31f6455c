#!/bin/sh
# soak.sh - abuse the screen for a while: random keys, a resize every
# 100 ms, core and speed changes, restarts.  Afterwards lanes must still be
# alive and drawing, its RSS and open files flat, and on quit the terminal
# settings (stty -g) exactly as before.
# Usage: tests/tty/soak.sh [path/to/lanes] [seconds]   (default 60 s)
set -u
lanes=$(cd "$(dirname "${1:-src/lanes}")" && pwd)/$(basename "${1:-src/lanes}")
secs=${2:-60}
command -v tmux >/dev/null || { echo "soak: tmux is not installed"; exit 77; }
dir=$(mktemp -d /tmp/lanes-soak.XXXXXX)
sock=lanes-soak-$$
tm() { tmux -L "$sock" -f /dev/null "$@"; }
cleanup() { tm kill-server 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
fail() { echo "soak: FAIL: $*"; tm capture-pane -p -t s 2>/dev/null | sed 's/^/  | /'; exit 1; }

cat >"$dir/run.sh" <<EOS
stty -g >"$dir/stty.before"
"$lanes" restaurant 2>"$dir/stderr"
echo \$? >"$dir/status"
stty -g >"$dir/stty.after"
sleep 3600
EOS
tm new-session -d -s s -x 100 -y 30 "sh $dir/run.sh" || fail "tmux would not start"
tm set-option -t s window-size manual >/dev/null 2>&1
sleep 2
pid=$(pgrep -f "^$lanes restaurant" | head -1)
[ -n "$pid" ] || fail "lanes did not start"

rss() { awk '/^VmRSS/ {print $2}' "/proc/$pid/status"; }
# open files but each lane's /proc/.../schedstat (one per lane thread that
# has run, so it follows the core count, not the time run)
fds() {
    for f in /proc/"$pid"/fd/*; do readlink "$f"; done | grep -vc '/schedstat$'
}
# let it warm up (first restart, first resizes) before the baseline
tm send-keys -t s r 4; sleep 2
rss0=$(rss); fds0=$(fds)

keys="Space s s Space 1 2 3 4 5 6 7 8 9 + - + > > < < p p r Tab Tab BTab Enter Escape ? Escape Right 4 2"
sizes="100x30 60x16 120x40 40x10 80x24 200x50 61x17"
t0=$(date +%s); end=$(( t0 + secs )); i=0; series=""; rss_third=""
while [ "$(date +%s)" -lt "$end" ]; do
    if [ $((i % 50)) -eq 0 ]; then series="$series $(rss)"; fi
    if [ -z "$rss_third" ] && [ $(( $(date +%s) - t0 )) -ge $((secs / 3)) ]; then rss_third=$(rss); fi
    i=$((i + 1))
    set -- $sizes; shift $((i % 7)); size=${1:-100x30}
    tm resize-window -t s -x "${size%x*}" -y "${size#*x}" 2>/dev/null
    set -- $keys; shift $(( (i * 7) % 32 )); key=${1:-s}
    tm send-keys -t s "$key"
    kill -0 "$pid" 2>/dev/null || fail "lanes died after $i rounds"
    sleep 0.1
done
tm send-keys -t s Escape Escape; tm send-keys -t s Space 2>/dev/null
tm resize-window -t s -x 100 -y 30; tm send-keys -t s 4
# make sure it runs (not paused): toggle until two captures differ
moving=no
for try in 1 2 3; do
    a=$(tm capture-pane -p -t s); sleep 1.5; b=$(tm capture-pane -p -t s)
    [ "$a" != "$b" ] && { moving=yes; break; }
    tm send-keys -t s Space
done
[ $moving = yes ] || fail "the screen stopped changing: no frames drawn"
rss1=$(rss); fds1=$(fds)
rss_third=${rss_third:-$rss0}
echo "soak: $i rounds in ${secs}s; RSS ${rss0} -> ${rss_third} (a third in) -> ${rss1} KiB; open files ${fds0} -> ${fds1}"
echo "soak: RSS every 50 rounds (KiB):$series"
[ "$fds1" -le "$fds0" ] || fail "open files grew from $fds0 to $fds1"
# the first third warms up (every size, restarts, timelines filled); after
# that RSS must stay flat: a leak per restart or resize would keep growing
[ "$rss1" -le $((rss_third + rss_third / 4 + 2048)) ] || fail "RSS kept growing: $rss_third KiB a third in, $rss1 KiB at the end"
tm send-keys -t s q
for t in 1 2 3 4 5 6 7 8 9 10; do [ -f "$dir/stty.after" ] && break; sleep 0.5; done
[ -f "$dir/status" ] || fail "lanes did not quit on q"
st=$(cat "$dir/status")
[ "$st" -eq 0 ] || [ "$st" -eq 3 ] || [ "$st" -eq 4 ] || fail "exit status $st; stderr: $(cat "$dir/stderr")"
cmp -s "$dir/stty.before" "$dir/stty.after" || fail "terminal settings changed: $(cat "$dir/stty.before") -> $(cat "$dir/stty.after")"
echo "soak: ok (exit $st, terminal restored)"
