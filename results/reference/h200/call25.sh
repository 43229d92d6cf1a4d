#!/usr/bin/env bash
# Session 7, call 25 (CPU only, issue 19): the Xeon host's loss at 512^3 (call 24: openmp 69 % of
# the copy against 90 % at 256^3; openmp_fused 0.90x the single-sweep limit by default against
# 1.21x with 64-row blocks). openmp now takes tile_y (bands of rows, plane by plane, so the z-1
# and z planes a row reuses can stay in the core's L2: at 512^3 two planes are 2 MiB, this L2's
# size). Both variants over band heights, interleaved, 3 rounds, 16 threads, half land.
#   source .device/env.sh && bash results/reference/h200/call25.sh "$OUT"
set -u -o pipefail
OUT=${1:?usage: call25.sh OUT}
here=$(dirname "${BASH_SOURCE[0]}")
mkdir -p "$OUT/runs"
exec > >(tee -a "$OUT/log.txt") 2>&1
echo "call25: start $(date -u); load $(cut -d' ' -f1-3 /proc/loadavg)"
lscpu | grep -E 'Model name|^CPU\(s\)|L1d|L2|L3|NUMA node\(s\)' | cut -c1-120
grep -H . /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null
for round in 1 2 3; do
    for g in 512 256; do
        echo "== round $round, $g^3 ($(date -u +%H:%M:%SZ), load $(cut -d' ' -f1 /proc/loadavg))"
        timeout -s KILL 150 stencilbench run --quiet --no-plots --target-noise 0 --out "$OUT/runs/r$round-$g" \
            --variant openmp,openmp_fused --grid $g --steps 12 --threads 16 --reps 5 --warmup 1 \
            --tuning 'default|tile_y=32|tile_y=64|tile_y=128|tile_y=256' >"$OUT/runs/r$round-$g.log" 2>&1
        echo "rc=$?"
    done
done
for g in 512 256; do
    echo "-- $g^3, all rounds"; python3 "$here/summarize.py" "$OUT"/runs/r*-$g/timings.csv
done
tar czf "$OUT/runs.tgz" -C "$OUT" runs && rm -rf "$OUT/runs"
echo "call25: done $(date -u)"
