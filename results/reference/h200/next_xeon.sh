#!/usr/bin/env bash
# Issue 19 on the H200's 16-core Xeon host, CPU only (a few minutes); run in call 24 (session 7,
# log/call24/xeon/).
# The lead (session 6): hwloc inside that VM reports one 300 MiB L3 (machine.json of call 18), so
# the rules that ask "do the two fields fit the largest cache?" see 256^3 (128 MiB) as cached:
# openmp's streaming stores stay off (each write then reads its line first: 12 bytes a cell update
# instead of 8), and openmp_fused takes 2 steps a sweep and whole-plane blocks. The in-run rates
# (80-91 % of the copy at 256^3 against 92 % at 512^3, where streaming is on) do not look cached.
# This forces each choice both ways, interleaved over 3 rounds, 16 threads, half land.
#   source .device/env.sh && bash results/reference/h200/next_xeon.sh "$OUT"
set -u -o pipefail
OUT=${1:?usage: next_xeon.sh OUT}
here=$(dirname "${BASH_SOURCE[0]}")
mkdir -p "$OUT/runs"
exec > >(tee -a "$OUT/log.txt") 2>&1
echo "next_xeon: start $(date -u); load $(cut -d' ' -f1-3 /proc/loadavg)"
lscpu | grep -E 'Model name|^CPU\(s\)|L2|L3' | cut -c1-120
for round in 1 2 3; do
    for g in 256 512; do
        echo "== round $round, $g^3 ($(date -u +%H:%M:%SZ), load $(cut -d' ' -f1 /proc/loadavg))"
        timeout -s KILL 150 stencilbench run --quiet --no-plots --target-noise 0 --out "$OUT/runs/r$round-$g" \
            --variant openmp,openmp_counts,openmp_fused --grid $g --steps 12 --threads 16 --reps 5 --warmup 1 \
            --tuning 'default|stream=1|stream=-1|steps_per_sweep=4,stream=1|tile_y=64,stream=1' \
            >"$OUT/runs/r$round-$g.log" 2>&1
        echo "rc=$?"
    done
done
for g in 256 512; do
    echo "-- $g^3, all rounds"; python3 "$here/summarize.py" "$OUT"/runs/r*-$g/timings.csv
done
tar czf "$OUT/runs.tgz" -C "$OUT" runs && rm -rf "$OUT/runs"
echo "next_xeon: done $(date -u)"
