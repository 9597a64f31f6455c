#!/bin/sh
# faults.sh - lanes meets a machine that says no, headless (-c 8):
#   1. address space too small for the routines' stacks (ulimit -v): the
#      runtime and its 8 lanes start, a routine's stack cannot be mapped;
#      lanes says which routine and exits 1.  Going down from a limit that
#      is ample to one where not even the lanes start, every run must end
#      in exit 0 or in exit 1 with a message naming what failed: no crash,
#      no hang.  A scenario of 1,000 workers makes the band where only the
#      stacks fail wide (the 6 routines of `workers` need ~400 KB, less
#      than the slack of the C library), so `workers` itself is run too
#      but may land on either side.  Skipped under a sanitizer, whose
#      shadow memory needs terabytes of address space.
#   2. a `spawn` step that finds no stack while the run goes on (ulimit -v
#      again, on a scenario whose one routine spawns 1,000 that stay): a
#      system error, so exit 1 and "lanes: boss: cannot map a stack for
#      part#N: ..." with the step's place, never the scenario's fault
#      status 4; out of memory elsewhere also exits 1 ("lanes: out of
#      memory"), no crash.  Some limit must stop it at such a spawn.
#      A spawn beyond the language's limit (8,192 routines alive) stays a
#      scenario fault: exit 4 (this one runs under AddressSanitizer too).
#   2b. a channel whose buffer cannot be had (200 channels of capacity
#      1,000,000 under ulimit -v 200000): exit 1 and a message naming the
#      channel, its capacity and its place, not just "cannot open a channel".
#   3. no threads for the lanes (RLIMIT_NPROC, ulimit -u): exit 1 and a
#      message that the lanes' threads could not be created.  Root is not
#      held to RLIMIT_NPROC, so as root the run is made as the user nobody
#      (setpriv) with a copy of the program in a world-readable directory;
#      without setpriv that part is skipped.
# Exit 77 when both parts had to be skipped.
set -u
LANES=${LANES:-src/lanes}
case $LANES in /*) ;; *) LANES=$(pwd)/$LANES ;; esac
bite=${top_builddir:-.}/tests/bite
tmp=$(mktemp -d /tmp/lanes-faults.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
failed=0 skipped=0
fail() { echo "FAIL: $*"; sed 's/^/  | /' "$tmp/err" | head -20; failed=1; }

# 1,000 workers share 2,000 jobs
cat >"$tmp/many.lanes" <<'EOF'
chan jobs 4
routine dispatcher
  repeat 2000
    send jobs
  end
  close jobs
end
routine worker x1000
  range jobs
    work 1
  end
end
EOF

# one routine spawns N parts that all wait at a gate; N from $1
spawner() {
    cat <<EOF
chan gate 0
routine boss
  repeat $1
    spawn part
  end
  close gate
end
routine part x0
  range gate
  end
end
EOF
}
spawner 1000 >"$tmp/spawn.lanes"
spawner 8200 >"$tmp/limit.lanes"

# run LIMIT SCENARIO...: lanes under `ulimit -v LIMIT` (KiB); sets $st
run_v() {
    limit=$1; shift
    ( ulimit -v "$limit" && exec timeout 60 "$LANES" --headless -c 8 "$@" ) \
        >/dev/null 2>"$tmp/err" <"$tmp/many.lanes"
    st=$?
}

which=none
[ -x "$bite" ] && which=$("$bite" which)
if [ "$which" != none ]; then
    echo "skip: ulimit -v under a $which sanitizer build"
    skipped=$((skipped + 1))
else
    stack_fails=0 lane_fails=0 oks=0
    for v in 400000 300000 200000 170000 160000 140000 120000 100000 90000 80000 60000 40000 20000 10000; do
        for scn in - workers; do
            run_v $v "$scn"
            msg=$(head -1 "$tmp/err")
            case $st:$msg in
            0:*) oks=$((oks + 1)) ;;
            "1:lanes: cannot start routine '"*"': cannot map a stack for "*)
                stack_fails=$((stack_fails + 1))
                [ "$scn" = - ] && echo "ulimit -v $v: $msg" ;;
            "1:lanes: cannot create a thread for each of the 8 lanes: "*|"1:lanes: cannot start the runtime: "*|\
            "1:lanes: cannot open channel '"*"): Cannot allocate memory")
                lane_fails=$((lane_fails + 1))
                [ "$scn" = - ] && echo "ulimit -v $v: $msg" ;;
            124:*) fail "ulimit -v $v, $scn: still running after 60 s" ;;
            *) fail "ulimit -v $v, $scn: exit status $st" ;;
            esac
        done
    done
    echo "ulimit -v: $oks runs done, $stack_fails stopped for a stack, $lane_fails for the lanes"
    [ $stack_fails -gt 0 ] || { : >"$tmp/err"; fail "no limit made the stacks fail alone"; }
    [ $oks -gt 0 ] || { : >"$tmp/err"; fail "no limit let the scenarios run"; }

    # 2. mid-run: the runtime and `boss` start, a `spawn part` finds no stack
    spawn_fails=0 oks=0 others=0
    for v in 400000 300000 250000 200000 170000 150000 130000 110000 100000 90000 80000 70000 60000; do
        run_v $v "$tmp/spawn.lanes"
        msg=$(head -1 "$tmp/err")
        case $st:$msg in
        0:*) oks=$((oks + 1)) ;;
        "1:lanes: boss: cannot map a stack for part#"*": "*" ($tmp/spawn.lanes:4)")
            spawn_fails=$((spawn_fails + 1))
            [ $spawn_fails = 1 ] && echo "ulimit -v $v, spawn: $msg" ;;
        "1:lanes: out of memory"|"1:lanes: boss: out of memory ($tmp/spawn.lanes:4)"|\
        "1:lanes: cannot start routine 'boss': "*|\
        "1:lanes: cannot create a thread for each of the 8 lanes: "*|"1:lanes: cannot start the runtime: "*|\
        "1:lanes: cannot open channel '"*"): Cannot allocate memory")
            others=$((others + 1)) ;;
        124:*) fail "ulimit -v $v, spawn: still running after 60 s" ;;
        *) fail "ulimit -v $v, spawn: exit status $st (a stack a spawn cannot get is a system error: 1)" ;;
        esac
    done
    echo "ulimit -v, spawn: $oks runs done, $spawn_fails stopped at a spawn, $others before or elsewhere"
    [ $spawn_fails -gt 0 ] || { : >"$tmp/err"; fail "no limit made a spawn fail for its stack"; }

    # 2b. 800 MB of channel buffers in 200 MB of address space
    i=1
    while [ $i -le 200 ]; do echo "chan big$i 1000000"; i=$((i + 1)); done >"$tmp/chans.lanes"
    { echo "routine r"; i=1
      while [ $i -le 200 ]; do echo "  close big$i"; i=$((i + 1)); done; echo end; } >>"$tmp/chans.lanes"
    ( ulimit -v 200000 && exec timeout 60 "$LANES" --headless -c 1 "$tmp/chans.lanes" ) \
        >/dev/null 2>"$tmp/err" </dev/null
    st=$?
    msg=$(head -1 "$tmp/err")
    case $st:$msg in
    "1:lanes: cannot open channel 'big"*"' of capacity 1000000 ($tmp/chans.lanes:"*"): "*)
        echo "ulimit -v 200000, channels: $msg" ;;
    *) fail "ulimit -v 200000, channels: exit status $st, wanted 1 and the channel named" ;;
    esac
fi

# the language's limit, 8,192 routines alive, is the scenario's fault
# (ThreadSanitizer keeps at most ~8k live fibers: not under it)
if [ "$which" = thread ]; then
    echo "skip: 8,192 routines alive under a thread sanitizer build"
else
    timeout 60 "$LANES" --headless -c 2 "$tmp/limit.lanes" >/dev/null 2>"$tmp/err"
    st=$?
    msg=$(head -1 "$tmp/err")
    case $st:$msg in
    "4:lanes: boss: cannot spawn 'part': more than 8192 routines alive at once ($tmp/limit.lanes:4)")
        echo "spawn beyond the limit: $msg" ;;
    *) fail "spawn beyond the limit: exit status $st, wanted 4 and the limit's message" ;;
    esac
fi

# run_u [NPROC]: lanes --headless -c 8 workers under RLIMIT_NPROC (none
# when empty, as raising a limit may be refused); sets $st
as=
if [ "$(id -u)" = 0 ]; then
    if command -v setpriv >/dev/null 2>&1 && command -v prlimit >/dev/null 2>&1; then
        chmod 755 "$tmp"
        cp "$LANES" "$tmp/lanes"
        chmod 755 "$tmp/lanes"
        run_u() {
            set -- ${1:+prlimit --nproc="$1"}
            timeout 60 "$@" setpriv --reuid=65534 --regid=65534 \
                --clear-groups "$tmp/lanes" --headless -c 8 workers >/dev/null 2>"$tmp/err"
            st=$?
        }
        as="as nobody"
    fi
elif command -v prlimit >/dev/null 2>&1; then
    run_u() {
        set -- ${1:+prlimit --nproc="$1"}
        timeout 60 "$@" "$LANES" --headless -c 8 workers >/dev/null 2>"$tmp/err"
        st=$?
    }
    as="as $(id -un)"
fi
if [ -z "$as" ]; then
    echo "skip: ulimit -u needs prlimit (and setpriv as root)"
    skipped=$((skipped + 1))
else
    run_u ""
    if [ $st -ne 0 ]; then
        echo "skip: lanes does not run $as at all (status $st)"
        skipped=$((skipped + 1))
    else
        # nobody else's processes count too: 4 leaves no room for 8 lanes
        run_u 4
        msg=$(head -1 "$tmp/err")
        case $st:$msg in
        "1:lanes: cannot create a thread for each of the 8 lanes: "*)
            echo "ulimit -u 4 ($as): $msg" ;;
        124:*) fail "ulimit -u 4: still running after 60 s" ;;
        *) fail "ulimit -u 4: exit status $st, wanted 1 and a message about the lanes' threads" ;;
        esac
    fi
fi

[ $failed = 0 ] || exit 1
[ $skipped -lt 2 ] || exit 77
echo ok
