#!/bin/sh
# mouse.sh - a click on a routine's name selects it (marked with '>'), and
# Enter then shows that routine's detail.  The click is typed into the pane
# as the xterm SGR mouse report a terminal would send.
. "$(dirname "$0")/lib.sh"
start 100 30 TERM=xterm-256color -- --paused --ascii
wait_for 'runnable +global: customer#1'
row=$(screen | grep -n 'runnable' | head -1 | cut -d: -f1)
line=$(screen | sed -n "${row}p")
pre=${line%%customer#3*}
col=$(( ${#pre} + 3 ))
tm send-keys -t s -l "$(printf '\033[<0;%d;%dM' "$col" "$row")"
tm send-keys -t s -l "$(printf '\033[<0;%d;%dm' "$col" "$row")"
wait_for '>customer#3'
keys Enter
wait_for 'customer#3 +runnable, in the global queue'
wait_for 'routine customer'
keys Escape
wait_gone 'routine customer'
keys q
wait_exit >/dev/null
same_stty
echo "ok"
