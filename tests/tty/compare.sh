#!/bin/sh
# compare.sh - `--compare 1,2`: both runs are made one after the other,
# then shown together, each run's lanes under its own status line (ticks
# to finish, parallelism, speedup against the first), at 100x30 and at
# 60x16; the keys step both runs on one tick (forward, back, End), q
# quits with status 0 and the terminal as it was.  Ctrl-C while the runs
# are made ends with 130, terminal restored.  The live screen's c key
# compares 1 core with the cores it has, and q comes back to it.
. "$(dirname "$0")/lib.sh"
cat >"$dir/short.lanes" <<'EOS'
scenario "Short crunch"
tick 10ms
routine crunch x2
  work 20
end
EOS
# tick: the header's "tick N of M"
cmp_tick() { screen | sed -n '1s/.*tick \([0-9][0-9]*\) of.*/\1/p'; }
# tick_is N: the header comes to say tick N (a loaded machine may draw
# the frame after the key a moment late)
tick_is() {
    n=50
    while [ "$n" -gt 0 ]; do
        [ "$(cmp_tick)" = "$1" ] && return 0
        sleep 0.1; n=$((n - 1))
    done
    return 1
}

for size in "100 30" "60 16"; do
    start $size -- --ascii --paused --compare 1,2 "$dir/short.lanes"
    wait_for 'tick 0 of [0-9]+' 60
    # the status lines, each on the border over its own lanes
    # (at 60 columns both may take the short form, "2c: 40t . par 0.95 . x1.9")
    l1=$(screen | grep -n '^+ \(1 core: [0-9][0-9]* ticks\|1c: [0-9][0-9]*t\)' | cut -d: -f1)
    l2=$(screen | grep -n '^+ \(2 cores: [0-9][0-9]* ticks\|2c: [0-9][0-9]*t\)' | cut -d: -f1)
    [ -n "$l1" ] && [ -n "$l2" ] || fail "no status line for each run ($size)"
    screen | grep -q '\(2 cores: [0-9]* ticks .*speedup\|2c: [0-9]*t .* x[0-9]\)' ||
        fail "no speedup on the 2-core line"
    # one wording for both: both long or both short
    [ "$(screen | grep -c '^+ [12]c: ')" != 1 ] || fail "the runs' lines differ in form ($size)"
    # the marks' legend is there at every size
    screen | grep -q 'waited for a CPU' || fail "no legend ($size)"
    screen | sed -n "$((l1 + 1))p" | grep -q '^|  0 ' || fail "no lane under the 1-core line"
    screen | sed -n "$((l2 + 1)),$((l2 + 2))p" | grep -c '^|  [01] ' | grep -q 2 ||
        fail "not two lanes under the 2-core line ($size)"
    keys s
    tick_is 1 || fail "s: tick $(cmp_tick), wanted 1"
    keys s
    tick_is 2 || fail "s: tick $(cmp_tick), wanted 2"
    keys Left
    tick_is 1 || fail "Left: tick $(cmp_tick), wanted 1"
    keys End
    screen | grep -q 'end . tick \([0-9]*\) of \1' || fail "End did not go to the end"
    screen | grep -q '^|  0 done' || fail "no run done at the end"
    keys q
    [ "$(wait_exit)" = 0 ] || fail "status $(cat "$dir/status") after q, wanted 0"
    same_stty
done

# Ctrl-C while the runs are made: the signal's status, the terminal back
start 100 30 -- --ascii --compare 1,2 restaurant
wait_for 'running 1 core'
keys C-c
[ "$(wait_exit)" = 130 ] || fail "status $(cat "$dir/status") after Ctrl-C, wanted 130"
same_stty

# The live screen's c: 1 core against its 2, then back to it
start 100 30 -- --ascii --paused -c 2 "$dir/short.lanes"
wait_for '^lanes . Short crunch'
keys c
wait_for 'tick 0 of [0-9]+' 60
screen | grep -q '1 core: [0-9]* ticks . 2 cores: [0-9]* ticks' || fail "c: not 1 and 2 cores"
keys q
wait_for '^lanes . Short crunch'
screen | grep -q 'paused' || fail "the live run is not paused as it was"
keys q
[ "$(wait_exit)" = 0 ] || fail "status $(cat "$dir/status"), wanted 0"
same_stty
echo "ok"
