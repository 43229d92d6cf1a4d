#!/usr/bin/env bash
# The performance regression gate for CI: builds a base commit and the current checkout side
# by side, runs the CI study for both interleaved (A B A B ...: drift over the job hits both
# sides alike), pools each side's repetitions and runs `stencilbench compare BASE NEW --gate`.
# Exit status: the gate's (0 nothing slower, 1 a point significantly slower beyond the
# threshold, 2 bad input), or 3 when a build or a study run failed.
#
# usage: ci/perf_gate.sh [--base REV] [--rounds N] [--threshold PCT] [--config FILE]
#                        [--workdir DIR] [--same] [--plant PCT]
#   --base REV       the commit to compare against (default: $PERF_BASE, else the merge base
#                    with origin/main, else HEAD~1)
#   --rounds N       A B pairs (default 5: 5 x the config's reps per side and point)
#   --threshold PCT  minimum slowdown that fails the gate, in % (default 5)
#   --config FILE    the study (default configs/ci.ini)
#   --workdir DIR    builds, runs and the pooled CSVs (default: a fresh temporary folder)
#   --same           A/A: both sides run the current build (measures false positives)
#   --plant PCT      testing hook: scale the NEW side's measured rates down by PCT % after the
#                    runs (a synthetic slowdown on real noise, to measure what the gate catches)
#   --per-probe      judge each repetition's rate over its run's copy probe (compare --per-probe)
# Environment: CMAKE_ARGS extra configure flags (e.g. -DSTENCILBENCH_CUDA=OFF); JOBS (nproc).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
base_rev=${PERF_BASE:-} rounds=5 threshold=5 config=configs/ci.ini workdir="" same=0 plant=0
gate_flags=()
while [ $# -gt 0 ]; do
    case "$1" in
    --base) base_rev=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --threshold) threshold=$2; shift 2 ;;
    --config) config=$2; shift 2 ;;
    --workdir) workdir=$2; shift 2 ;;
    --same) same=1; shift ;;
    --plant) plant=$2; shift 2 ;;
    --per-probe) gate_flags+=(--per-probe); shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "perf_gate.sh: unknown option '$1' (--help lists them)" >&2; exit 2 ;;
    esac
done
case "$rounds" in '' | *[!0-9]* | 0) echo "perf_gate.sh: --rounds wants a whole number >= 1" >&2; exit 2 ;; esac
[ -f "$here/$config" ] && config="$here/$config"
[ -f "$config" ] || { echo "perf_gate.sh: no study file $config" >&2; exit 2; }
config=$(cd "$(dirname "$config")" && pwd)/$(basename "$config")
jobs=${JOBS:-$(nproc)}
if [ -z "$workdir" ]; then
    workdir=$(mktemp -d "${TMPDIR:-/tmp}/perf_gate.XXXXXX")
fi
mkdir -p "$workdir/runs"
workdir=$(cd "$workdir" && pwd)

build() { # SRC BUILD
    # shellcheck disable=SC2086
    cmake -S "$1" -B "$2" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF ${CMAKE_ARGS:-} >"$2.log" 2>&1 &&
        cmake --build "$2" -j "$jobs" --target stencilbench >>"$2.log" 2>&1 ||
        { echo "perf_gate.sh: building $1 failed; see $2.log" >&2; tail -20 "$2.log" >&2; exit 3; }
}

echo "perf_gate: building the current checkout ($(git -C "$here" rev-parse --short HEAD)$(git -C "$here" diff --quiet HEAD -- 2>/dev/null || echo ', with uncommitted changes'))"
build "$here" "$workdir/new-build"
new_sb="$workdir/new-build/stencilbench"
if [ "$same" = 1 ]; then
    base_sb=$new_sb
    echo "perf_gate: A/A: both sides run this build"
else
    if [ -z "$base_rev" ]; then
        base_rev=$(git -C "$here" merge-base HEAD origin/main 2>/dev/null || git -C "$here" rev-parse HEAD~1)
    fi
    base_commit=$(git -C "$here" rev-parse --verify "$base_rev^{commit}") ||
        { echo "perf_gate.sh: --base $base_rev is not a commit here" >&2; exit 2; }
    echo "perf_gate: building the base $base_rev ($(git -C "$here" rev-parse --short "$base_commit"))"
    rm -rf "$workdir/base-src"
    git -C "$here" worktree prune
    git -C "$here" worktree add --detach "$workdir/base-src" "$base_commit" >/dev/null
    trap 'git -C "$here" worktree remove --force "$workdir/base-src" >/dev/null 2>&1 || true' EXIT
    build "$workdir/base-src" "$workdir/base-build"
    base_sb="$workdir/base-build/stencilbench"
fi

# Interleaved: A B, A B, ... Each run is a folder; the gate reads the pooled rows.
for i in $(seq 1 "$rounds"); do
    for side in base new; do
        sb=$base_sb
        [ "$side" = new ] && sb=$new_sb
        echo "perf_gate: round $i/$rounds: $side"
        (cd "$here" && "$sb" run --config "$config" --out "$workdir/runs/$side-$i" --quiet --no-plots >"$workdir/runs/$side-$i.log" 2>&1) ||
            { echo "perf_gate.sh: the $side study failed (round $i); see $workdir/runs/$side-$i.log" >&2; tail -20 "$workdir/runs/$side-$i.log" >&2; exit 3; }
    done
done
for side in base new; do
    mkdir -p "$workdir/$side"
    first=1
    for i in $(seq 1 "$rounds"); do
        if [ $first = 1 ]; then cat "$workdir/runs/$side-$i/timings.csv"; first=0
        else tail -n +2 "$workdir/runs/$side-$i/timings.csv"; fi
    done >"$workdir/$side/timings.csv"
done
if [ "$plant" != 0 ]; then # testing hook: a synthetic slowdown of PCT % on the new side
    echo "perf_gate: PLANTED: new side's rates scaled by (1 - $plant/100)"
    awk -F, -v OFS=, -v f="$(awk -v p="$plant" 'BEGIN { print 1 - p / 100 }')" '
        NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; print; next }
        {
            if ($c["cell_updates_per_s"] != "") $c["cell_updates_per_s"] = sprintf("%.9g", $c["cell_updates_per_s"] * f)
            if ($c["effective_gbps"] != "") $c["effective_gbps"] = sprintf("%.9g", $c["effective_gbps"] * f)
            if ($c["roofline_fraction"] != "") $c["roofline_fraction"] = sprintf("%.9g", $c["roofline_fraction"] * f)
            if ($c["compute_s"] != "") $c["compute_s"] = sprintf("%.9g", $c["compute_s"] / f)
            print
        }' "$workdir/new/timings.csv" >"$workdir/new/planted.csv"
    mv "$workdir/new/planted.csv" "$workdir/new/timings.csv"
fi
echo
set +e
"$new_sb" compare "$workdir/base" "$workdir/new" --gate --threshold "$threshold" ${gate_flags[@]+"${gate_flags[@]}"}
status=$?
set -e
echo "perf_gate: pooled rows in $workdir/base and $workdir/new; exit $status"
exit $status
