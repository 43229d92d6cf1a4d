#!/usr/bin/env bash
# Measures the regression gate on this machine: TRIALS A/A comparisons (the same build on both
# sides, runs interleaved as in ci/perf_gate.sh) give the false-positive rate; the same pooled
# data with the new side's rates scaled down by each planted slowdown give the detection rate.
# usage: ci/gate_calibration.sh [TRIALS] [ROUNDS] [THRESHOLD_PCT] [PLANTS...]
#   defaults: 20 trials, 5 rounds (A B pairs), threshold 5, plants 3 5 7 10 15 20
# Prints one line per trial (with the 1-minute load average before and after it) and a summary
# table; WORKDIR (default a temporary folder) keeps the runs and each trial's pooled rows
# (trial-N/base, trial-N/new) for gating again with another rule; CONFIG (default
# configs/ci.ini) the study each run measures.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
trials=${1:-20} rounds=${2:-5} threshold=${3:-5}
shift $(($# < 3 ? $# : 3))
plants=("$@")
[ ${#plants[@]} -gt 0 ] || plants=(3 5 7 10 15 20)
work=${WORKDIR:-$(mktemp -d "${TMPDIR:-/tmp}/gate_cal.XXXXXX")}
config=${CONFIG:-configs/ci.ini}
mkdir -p "$work"
scale() { # IN OUT PCT
    awk -F, -v OFS=, -v f="$(awk -v p="$3" 'BEGIN { print 1 - p / 100 }')" '
        NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; print; next }
        { if ($c["cell_updates_per_s"] != "") $c["cell_updates_per_s"] = sprintf("%.9g", $c["cell_updates_per_s"] * f)
          if ($c["compute_s"] != "") $c["compute_s"] = sprintf("%.9g", $c["compute_s"] / f)
          print }' "$1" >"$2"
}
declare -A fail_trials slower_points
points_total=0 aa_fail=0 aa_slower=0 aa_faster=0 aa_unsure=0 aa_noisy=0
for t in $(seq 1 "$trials"); do
    rm -rf "$work/runs" "$work/base" "$work/new"
    load0=$(cut -d' ' -f1 /proc/loadavg)
    set +e
    "$here/ci/perf_gate.sh" --same --config "$config" --rounds "$rounds" --threshold "$threshold" --workdir "$work" >"$work/trial-$t.log" 2>&1
    st=$?
    set -e
    load1=$(cut -d' ' -f1 /proc/loadavg)
    [ $st -le 1 ] || { echo "trial $t: perf_gate.sh exit $st; see $work/trial-$t.log" >&2; exit 3; }
    rm -rf "$work/trial-$t"
    mkdir -p "$work/trial-$t"
    cp -r "$work/base" "$work/new" "$work/trial-$t/" # the pooled rows, to gate again later
    summary=$(grep -E '^[0-9]+ points:' "$work/trial-$t.log")
    n=$(echo "$summary" | sed -E 's/^([0-9]+) points.*/\1/')
    s=$(echo "$summary" | sed -E 's/.* ([0-9]+) SLOWER.*/\1/')
    f=$(echo "$summary" | sed -E 's/.* ([0-9]+) FASTER.*/\1/')
    u=$(echo "$summary" | sed -E 's/.* ([0-9]+) UNSURE.*/\1/')
    z=$(echo "$summary" | sed -nE 's/.* ([0-9]+) NOISY.*/\1/p')
    aa_noisy=$((aa_noisy + ${z:-0}))
    points_total=$((points_total + n))
    aa_slower=$((aa_slower + s)) aa_faster=$((aa_faster + f)) aa_unsure=$((aa_unsure + u))
    [ $st = 1 ] && aa_fail=$((aa_fail + 1))
    line="trial $t: load $load0 -> $load1; A/A exit $st ($summary)"
    sb="$work/new-build/stencilbench"
    for p in "${plants[@]}"; do
        mkdir -p "$work/planted"
        scale "$work/new/timings.csv" "$work/planted/timings.csv" "$p"
        set +e
        "$sb" compare "$work/base" "$work/planted" --gate --threshold "$threshold" >"$work/plant-$t-$p.log" 2>&1
        ps=$?
        set -e
        ns=$(grep -cE ' SLOWER \(' "$work/plant-$t-$p.log" || true)
        [ $ps = 1 ] && fail_trials[$p]=$((${fail_trials[$p]:-0} + 1))
        slower_points[$p]=$((${slower_points[$p]:-0} + ns))
        line="$line; -$p %: exit $ps, $ns SLOWER"
    done
    echo "$line"
done
echo
echo "gate calibration: $trials trials x $rounds rounds (A B pairs) of $config, threshold $threshold %, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "A/A: $aa_fail of $trials trials failed the gate; points: $aa_slower SLOWER, $aa_faster FASTER, $aa_unsure UNSURE, $aa_noisy NOISY of $points_total"
for p in "${plants[@]}"; do
    echo "planted -$p %: gate failed in ${fail_trials[$p]:-0} of $trials trials; ${slower_points[$p]:-0} of $points_total points SLOWER"
done
