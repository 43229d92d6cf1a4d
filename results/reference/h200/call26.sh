#!/usr/bin/env bash
# Session 7, call 26 (CPU only, issue 19): openmp_fused's new default block on the Xeon host. With
# 8 or more threads on one instance of the largest cache, blocks now fit half the core's L2
# (56 rows at 512^3, 113 at 256^3, on this host's 2 MiB L2) instead of a quarter of a thread's
# share of the 300 MiB L3 (whole planes): call 25 measured 64-row blocks at 1.30-1.34x the
# single-sweep limit, whole planes at 0.99-1.02x. Default against whole-plane blocks, with
# openmp and openmp_counts beside them, interleaved, 2 rounds, 16 threads, half land.
#   source .device/env.sh && bash results/reference/h200/call26.sh "$OUT"
set -u -o pipefail
OUT=${1:?usage: call26.sh OUT}
here=$(dirname "${BASH_SOURCE[0]}")
mkdir -p "$OUT/runs"
exec > >(tee -a "$OUT/log.txt") 2>&1
echo "call26: start $(date -u); load $(cut -d' ' -f1-3 /proc/loadavg)"
for round in 1 2; do
    for g in 512 256; do
        echo "== round $round, $g^3 ($(date -u +%H:%M:%SZ), load $(cut -d' ' -f1 /proc/loadavg))"
        timeout -s KILL 120 stencilbench run --quiet --no-plots --target-noise 0 --out "$OUT/runs/r$round-$g" \
            --variant openmp,openmp_counts,openmp_fused --grid $g --steps 12 --threads 16 --reps 5 --warmup 1 \
            --tuning "default|tile_y=$g" >"$OUT/runs/r$round-$g.log" 2>&1
        echo "rc=$?"
    done
done
for g in 512 256; do
    echo "-- $g^3, all rounds"; python3 "$here/summarize.py" "$OUT"/runs/r*-$g/timings.csv
done
tar czf "$OUT/runs.tgz" -C "$OUT" runs && rm -rf "$OUT/runs"
echo "call26: done $(date -u)"
