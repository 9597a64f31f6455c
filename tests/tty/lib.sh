# lib.sh - sourced by the terminal tests: runs lanes inside a private tmux
# server (never the user's), reads the screen back as text, and keeps the
# terminal settings from before and after, the exit status and stderr.
# Waits are generous and poll; nothing asserts on wall-clock time.
set -u
command -v tmux >/dev/null 2>&1 || { echo "tmux is not installed: skipped"; exit 77; }
LANES=${LANES:-src/lanes}
case $LANES in /*) ;; *) LANES=$(pwd)/$LANES ;; esac
[ -x "$LANES" ] || { echo "no program at $LANES"; exit 99; }
dir=$(mktemp -d /tmp/lanes-tty.XXXXXX)
sock_base=lanes-tty-$$-$(basename "$0" .sh)
sock_n=0
sock=$sock_base-0
tm() { tmux -L "$sock" -f /dev/null "$@"; }
cleanup() { tm kill-server 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT

screen() { tm capture-pane -p -t s; }

# The screen as text, but a blank shown with a background colour or in
# reverse (a run's bar, which without UTF-8 is made of blanks) reads '#':
# what a person sees as painted is never taken for a cell with nothing in
# it.  Plain awk over the SGR sequences tmux writes with capture-pane -e.
screen_bars() {
    tm capture-pane -p -e -t s | awk '{
        out = ""; bg = 0; rv = 0; s = $0
        while (s != "") {
            c = substr(s, 1, 1)
            if (c == "\033" && substr(s, 2, 1) == "[") {
                e = index(s, "m")
                if (e == 0)
                    break
                n = split(substr(s, 3, e - 3), a, ";")
                if (n == 0) { n = 1; a[1] = 0 }
                s = substr(s, e + 1)
                for (i = 1; i <= n; i++) {
                    v = a[i] + 0
                    if (v == 0) { bg = 0; rv = 0 }
                    else if (v == 7) rv = 1
                    else if (v == 27) rv = 0
                    else if (v == 49) bg = 0
                    else if ((v >= 40 && v <= 47) || (v >= 100 && v <= 107)) bg = 1
                    if (v == 38 || v == 48) {
                        if (v == 48) bg = 1
                        i += a[i + 1] == 2 ? 4 : 2
                    }
                }
                continue
            }
            s = substr(s, 2)
            out = out ((c == " " && (bg || rv)) ? "#" : c)
        }
        print out
    }'
}

fail() {
    echo "FAIL: $*"
    echo "--- screen:"
    screen 2>/dev/null | sed 's/^/  | /'
    if [ -s "$dir/stderr" ]; then echo "--- stderr:"; sed 's/^/  | /' "$dir/stderr"; fi
    exit 1
}

# start COLS ROWS [VAR=value...] -- [lanes arguments...]
start() {
    w=$1; h=$2; shift 2
    envs=""
    while [ $# -gt 0 ] && [ "$1" != -- ]; do envs="$envs $1"; shift; done
    [ $# -gt 0 ] && shift
    # the script outlives a Ctrl-C sent to lanes (a handler, not an
    # ignore: an ignored SIGINT would be inherited by lanes)
    cat >"$dir/run.sh" <<EOS
trap : INT
ulimit -c 0 2>/dev/null
stty -g >"$dir/stty.before"
env $envs "$LANES" $* 2>"$dir/stderr"
echo \$? >"$dir/status"
stty -g >"$dir/stty.after"
exec sleep 3600
EOS
    # a fresh server for every start: one just killed may still be going
    tm kill-server 2>/dev/null
    sock_n=$((sock_n + 1))
    sock=$sock_base-$sock_n
    rm -f "$dir/status" "$dir/stty.after" "$dir/stty.before"
    tm new-session -d -s s -x "$w" -y "$h" "sh $dir/run.sh" || fail "tmux would not start"
    tm set-option -t s window-size manual >/dev/null 2>&1
}

# wait_for PATTERN [SECONDS]: until the screen shows PATTERN (grep -E)
wait_for() {
    n=$(( ${2:-10} * 10 ))
    while [ "$n" -gt 0 ]; do
        screen | grep -Eq -- "$1" && return 0
        sleep 0.1; n=$((n - 1))
    done
    fail "the screen never showed /$1/"
}

# wait_gone PATTERN [SECONDS]
wait_gone() {
    n=$(( ${2:-10} * 10 ))
    while [ "$n" -gt 0 ]; do
        screen | grep -Eq -- "$1" || return 0
        sleep 0.1; n=$((n - 1))
    done
    fail "the screen kept showing /$1/"
}

keys() { tm send-keys -t s "$@"; sleep 0.3; }

# wait_exit [SECONDS]: until lanes exited; prints its status
wait_exit() {
    n=$(( ${1:-10} * 10 ))
    while [ "$n" -gt 0 ]; do
        [ -s "$dir/stty.after" ] && { cat "$dir/status"; return 0; }
        sleep 0.1; n=$((n - 1))
    done
    fail "lanes did not exit"
}

lanes_pid() {
    sh_pid=$(tm display -p -t s '#{pane_pid}')
    pgrep -P "$sh_pid" | head -1
}

same_stty() {
    cmp -s "$dir/stty.before" "$dir/stty.after" ||
        fail "terminal settings changed: $(cat "$dir/stty.before") -> $(cat "$dir/stty.after")"
}

# the header's tick count
tick_now() { screen | sed -n '1s/.*tick \([0-9][0-9]*\).*/\1/p'; }
