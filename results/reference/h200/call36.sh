#!/usr/bin/env bash
# Session 9, call 36 (CPU only; the last device minutes): issue 19 on the Xeon host, a short form
# of next_xeon_prefetch.sh (whose full form overran call 33): main's L2 prefetch
# (.device/bin/stencilbench) against aa762f1's L1 prefetch (.device/bin/exp/l1/stencilbench,
# built CPU-only), 16 threads, 256^3 half land, 12 steps, 2 interleaved rounds.
#   source .device/env.sh && bash results/reference/h200/call36.sh "$OUT"
set -u -o pipefail
OUT=${1:?usage: call36.sh OUT}
here=$(dirname "${BASH_SOURCE[0]}")
bin=$(dirname "$(command -v stencilbench)")
mkdir -p "$OUT/runs"
exec > >(tee -a "$OUT/log.txt") 2>&1
echo "call36: start $(date -u); load $(cut -d' ' -f1-3 /proc/loadavg)"
for round in 1 2; do
    order="l2 l1"; [ $round -eq 2 ] && order="l1 l2"
    for name in $order; do
        exe=$bin/stencilbench; [ "$name" = l1 ] && exe=$bin/exp/l1/stencilbench
        echo "== round $round $name ($(date -u +%H:%M:%SZ), load $(cut -d' ' -f1 /proc/loadavg))"
        timeout -s KILL 60 "$exe" run --quiet --no-plots --target-noise 0 --out "$OUT/runs/$name-r$round" \
            --variant openmp,openmp_counts,openmp_fused,tiled --grid 256 --steps 12 --threads 16 --reps 5 \
            --warmup 1 >"$OUT/runs/$name-r$round.log" 2>&1
        echo "rc=$?"
    done
done
for name in l2 l1; do
    echo "-- $name, both rounds"; python3 "$here/summarize.py" "$OUT"/runs/$name-r*/timings.csv
done
tar czf "$OUT/runs.tgz" -C "$OUT" runs && rm -rf "$OUT/runs"
echo "call36: done $(date -u)"
