#!/bin/sh
# Golden-file tests of the text stencilbench prints (as inih's tests compare against baseline
# files): each case below runs one command on fixed inputs and its output is compared with
# tests/golden/<case>.txt.
#
#   golden.sh check STENCILBENCH GOLDEN_SUMMARY [CASE...]   diff; exit 1 on any difference
#   golden.sh regen STENCILBENCH GOLDEN_SUMMARY [CASE...]   rewrite the .txt files
#   (tests/golden/regen.sh BUILD_DIR does the second for a build folder)
#
# A case file holds the command's stdout, then "--- stderr ---" and its stderr, then
# "--- exit N ---". Commands run from the repository root, so paths print relative to it.
# Inputs are committed fixtures (tests/golden/fixtures/, results/reference/), never a
# measurement, so the text is the same on every machine. The one machine fact left, whether
# a CUDA variant can run here (`list`), is masked: its "yes"/"no" becomes "?" and its
# "why not:" line is dropped; a build without CUDA compares `list` without the gpu rows.
set -u
mode=${1:?usage: golden.sh check|regen STENCILBENCH GOLDEN_SUMMARY [CASE...]}
sb=${2:?STENCILBENCH}
summary=${3:?GOLDEN_SUMMARY}
shift 3
root=$(cd "$(dirname "$0")/../.." && pwd)
golden=$root/tests/golden
fix=tests/golden/fixtures
cd "$root" || exit 2
case $mode in check | regen) ;; *) echo "golden.sh: mode must be check or regen" >&2; exit 2 ;; esac

all_cases="list plan summary_run_a summary_h100 compare_runs compare_gate compare_reference compare_h100"

# Runs one case's command; prints nothing itself (the caller captures).
run_case() {
    case $1 in
    list) "$sb" list ;;
    plan) "$sb" run --config tests/golden/plan.ini --dry-run ;;
    summary_run_a) "$summary" $fix/run_a/timings.csv ;;
    summary_h100) "$summary" $fix/h100_subset/timings.csv ;;
    compare_runs) "$sb" compare $fix/run_a $fix/run_b --no-chart ;;
    compare_gate) "$sb" compare $fix/run_a $fix/run_b --gate ;;
    compare_reference) "$sb" compare $fix/run_a results/reference --no-chart --detail ;;
    compare_h100) "$sb" compare $fix/h100_subset results/reference/h100 --no-chart ;;
    *) echo "golden.sh: no case '$1' (cases: $all_cases)" >&2; return 2 ;;
    esac
}

# list: mask whether each gpu variant can run here.
mask() {
    if [ "$1" = list ]; then
        sed -E -e '/^ +why not: /d' -e 's/^([a-z0-9_]+ +gpu +)(yes|no )/\1?  /'
    else
        cat
    fi
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/golden.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
[ $# -gt 0 ] || set -- $all_cases
failed=0
for c in "$@"; do
    run_case "$c" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    {
        mask "$c" <"$tmp/out"
        echo "--- stderr ---"
        mask "$c" <"$tmp/err"
        echo "--- exit $rc ---"
    } >"$tmp/$c.txt"
    if [ "$mode" = regen ]; then
        cp "$tmp/$c.txt" "$golden/$c.txt"
        echo "wrote tests/golden/$c.txt"
        continue
    fi
    want=$golden/$c.txt
    if [ ! -f "$want" ]; then
        echo "FAIL $c: no tests/golden/$c.txt (tests/golden/regen.sh BUILD_DIR writes it)"
        failed=1
        continue
    fi
    if [ "$c" = list ] && ! grep -Eq '^[a-z0-9_]+ +gpu ' "$tmp/$c.txt"; then
        grep -Ev '^[a-z0-9_]+ +gpu ' "$want" >"$tmp/want"   # a build without CUDA
        want=$tmp/want
    fi
    if diff -u "$want" "$tmp/$c.txt" >"$tmp/diff"; then
        echo "ok   $c"
    else
        echo "FAIL $c: the output differs from tests/golden/$c.txt:"
        cat "$tmp/diff"
        failed=1
    fi
done
if [ $failed -ne 0 ]; then
    echo "If the change is intended, rewrite the files with tests/golden/regen.sh BUILD_DIR and"
    echo "review the diff (git diff tests/golden) before committing."
fi
exit $failed
