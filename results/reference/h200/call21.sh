#!/usr/bin/env bash
# Session 6, call 21: why call 20's cuda_bulk was slower than call 19's. Five builds of the same
# harness differing only in cuda_bulk (kernels/cuda_bulk.cu's experiment macros), 512^3, 4 steps,
# runs of 32 and 16 planes, without land and half land, each validated against naive:
#   A  the product build: a fast path for all-sea rows, every lane arrives, 40 registers
#   B  fast path, one arrival a warp after __syncwarp (BULK_EXP_WARP_ARRIVE), no register bound
#   C  per-cell select (call 19's arithmetic, BULK_EXP_SELECT), every lane arrives, no bound
#   D  select and one arrival a warp, no bound: call 19's kernel
#   E  fast path, every lane arrives, no bound (call 20's experiment build)
#   source .device/env.sh && bash results/reference/h200/call21.sh "$OUT"
set -u -o pipefail
OUT=${1:?usage: call21.sh OUT}
here=$(dirname "${BASH_SOURCE[0]}")
bin=$(dirname "$(command -v stencilbench)")
mkdir -p "$OUT/runs"
exec > >(tee -a "$OUT/log.txt") 2>&1
stamp() { date -u +%H:%M:%SZ; }
run_sb() { # name limit exe args...
    local name=$1 limit=$2 exe=$3 rc; shift 3
    echo "== $name ($(stamp), load $(cut -d' ' -f1 /proc/loadavg)): $(basename "$exe") run $*"
    timeout -s KILL "$limit" "$exe" run --quiet --no-plots --target-noise 0 \
        --out "$OUT/runs/$name" "$@" >"$OUT/runs/$name.log" 2>&1
    rc=$?; echo "rc=$rc"; grep -E "FAIL|fail|error|skipped|refused|unavailable" "$OUT/runs/$name.log" | head -5
}
echo "call21: start $(date -u); load $(cut -d' ' -f1-3 /proc/loadavg)"
nvidia-smi --query-gpu=name,clocks.sm,clocks.mem,temperature.gpu,power.draw --format=csv,noheader
for land in 0 0.5; do
    run_sb shared$land 60 "$bin/stencilbench" --variant cuda_shared --grid 512 --steps 4 --land-fraction $land --reps 5 --warmup 1
    for x in A B C D E; do
        exe=$bin/stencilbench; [ $x = A ] || exe=$bin/exp/stencilbench_$x
        run_sb $x$land 60 "$exe" --variant cuda_bulk --grid 512 --steps 4 --land-fraction $land --reps 5 --warmup 1 \
            --tuning 'tile_z=32|tile_z=16'
    done
done
for land in 0 0.5; do for d in shared A B C D E; do
    echo "-- $d"; python3 "$here/summarize.py" "$OUT/runs/$d$land/timings.csv"
done; done
tar czf "$OUT/runs.tgz" -C "$OUT" runs && rm -rf "$OUT/runs"
echo "call21: done $(date -u)"
