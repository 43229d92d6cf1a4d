#!/usr/bin/env bash
# The run folder (issue 18): a name that would corrupt timings.csv (a comma, a double quote, a
# newline) or a path too long to keep whole is refused with exit 2 before anything is written;
# a folder that another process holds (its .lock, taken here with flock(1)) is refused with exit
# 2, whether resumed or started, and nothing is appended to it.
# usage: test_run_dir.sh PATH/TO/stencilbench
set -u
sb=$1
fails=0 checks=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
. "$(dirname "${BASH_SOURCE[0]}")/cli_expect.sh"
point="--variant naive --grid 8 --steps 1 --reps 2 --warmup 0 --quiet --no-plots"

expect 2 "--out: the folder's path holds a comma \(','\); its name is the run_id column" -- run $point --out "a,b"
check "no folder for a refused name" test ! -e "a,b"
expect 2 "--out: the folder's path holds a control character" -- run $point --out "$(printf 'a\nb')"
check "no folder for a newline" test ! -e "$(printf 'a\nb')"
expect 2 "--out: the folder's path holds a double quote" -- run $point --out 'a"b'
long=$(printf 'd%.0s' $(seq 1100))
expect 2 "--out: the folder's path has 1100 characters; at most 1023 are allowed" -- run $point --out "$long"
check "no folder for a long path" test ! -e "$(printf 'd%.0s' $(seq 250))"
expect 2 "--resume: the folder's path holds a comma" -- run --resume "x,y"

# One run per folder.
expect 0 "" -- run $point --out r1
rows=$(wc -l <r1/timings.csv)
check "a run leaves its lock file" test -f r1/.lock
if command -v flock >/dev/null; then
    flock r1/.lock "$sb" run --resume r1 >"$tmp/out" 2>&1
    got=$?
    checks=$((checks + 1))
    if [ "$got" -ne 2 ] || ! grep -q "r1 is in use by another stencilbench run (it holds r1/.lock)" "$tmp/out"; then
        fails=$((fails + 1))
        echo "FAIL: resume of a locked folder -> exit $got:"
        sed 's/^/    /' "$tmp/out"
    fi
    check "nothing appended to a locked folder" test "$(wc -l <r1/timings.csv)" -eq "$rows"
    mkdir r2
    flock r2/.lock "$sb" run $point --out r2 >"$tmp/out" 2>&1
    got=$?
    checks=$((checks + 1))
    if [ "$got" -ne 2 ] || ! grep -q "r2 is in use by another stencilbench run" "$tmp/out"; then
        fails=$((fails + 1))
        echo "FAIL: new run in a locked folder -> exit $got:"
        sed 's/^/    /' "$tmp/out"
    fi
    check "no timings.csv in a locked new folder" test ! -e r2/timings.csv
else
    echo "test_run_dir: flock(1) not found: the lock checks are SKIPPED"
fi
expect 0 "resuming r1: $((rows - 1)) rows recorded, 0 of 1 points to finish" -- run --resume r1

echo "test_run_dir: $checks checks, $fails failed"
[ "$fails" -eq 0 ]
