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
#   2. no threads for the lanes (RLIMIT_NPROC, ulimit -u): exit 1 and a
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
            "1:lanes: cannot create a thread for each of the 8 lanes: "*|"1:lanes: cannot start the runtime: "*)
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
