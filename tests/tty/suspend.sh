#!/bin/sh
# suspend.sh - Ctrl-Z gives the shell back with the terminal restored; fg
# brings the screen back, drawn anew.
. "$(dirname "$0")/lib.sh"
command -v bash >/dev/null 2>&1 || { echo "no bash: skipped"; exit 77; }
tm new-session -d -s s -x 100 -y 30 "env PS1='prompt\$ ' bash --norc --noprofile -i" ||
    fail "tmux would not start"
tm set-option -t s window-size manual >/dev/null 2>&1
wait_for 'prompt'
# one job for the shell: a list would go on with the next command when
# lanes stops.  The script catches SIGTSTP instead of stopping at once: it
# stops with lanes, after lanes gave the screen back, so the shell's
# "Stopped" is not written into lanes' screen and lost with it.
cat >"$dir/job.sh" <<EOS
trap : TSTP
stty -g >"$dir/stty.before"
"$LANES" --ascii 2>"$dir/stderr"
echo \$? >"$dir/status"
stty -g >"$dir/stty.after"
EOS
tm send-keys -t s "sh $dir/job.sh" Enter
wait_for 'core 0'
pid=$(pgrep -f "^$LANES --ascii" | head -1)
keys C-z
n=0
until screen | grep -q 'Stopped'; do
    n=$((n + 1))
    [ $n -lt 200 ] || fail "no 'Stopped' from the shell after Ctrl-Z; lanes' signals:
$(grep -E 'SigPnd|ShdPnd|SigBlk|SigIgn' "/proc/$pid/status" 2>&1)
processes:
$(ps -o pid,pgid,tpgid,stat,args -t "$(tm display -p -t s '#{pane_tty}')" 2>&1)"
    sleep 0.1
done
wait_gone 'core 0'
tm send-keys -t s "fg" Enter
wait_for 'core 0'
wait_for 'q quit'
keys q
st=$(wait_exit)
[ "$st" = 0 ] || fail "exit status $st after Ctrl-Z, fg, q"
same_stty
echo "ok"
