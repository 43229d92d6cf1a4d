#!/usr/bin/env bash
# Session 4, call 13 (issue 15 item 2): cuda_fused with the division-free update of all-sea
# cells at every level (kernels/cuda_fused_sweep.h) against cuda_shared at 512^3 without land
# and on the course grid; every point validated against naive. The session's last minutes of
# device time, so short:   source .device/env.sh && bash results/reference/h200/call13.sh "$OUT"
set -u -o pipefail
OUT=${1:?usage: call13.sh OUT}
mkdir -p "$OUT/runs"
exec > >(tee -a "$OUT/log.txt") 2>&1
echo "call13: start $(date -u); load $(cut -d' ' -f1-3 /proc/loadavg)"
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,clocks.mem --format=csv,noheader
run_sb() { # name limit args...
    local name=$1 limit=$2; shift 2
    echo "== $name ($(date -u +%T), load $(cut -d' ' -f1 /proc/loadavg))"
    timeout -s KILL "$limit" stencilbench run --quiet --no-plots --host-memory pinned --target-noise 0 --reps 5 \
        --warmup 1 --out "$OUT/runs/$name" "$@" >"$OUT/runs/$name.log" 2>&1
    echo "rc=$?"; grep -E "FAIL|error" "$OUT/runs/$name.log" | head -3
}
run_sb b512 80 --variant cuda_shared,cuda_fused --grid 512 --steps 8 --land-fraction 0 \
    --tuning 'default|steps_per_sweep=2|steps_per_sweep=3|steps_per_sweep=6|steps_per_sweep=8|block_y=16,tile_y=32'
run_sb course 40 --variant cuda_shared,cuda_fused --grid 50x222x241 --steps 100 --tuning 'default|steps_per_sweep=8'
python3 "$(dirname "${BASH_SOURCE[0]}")/summarize.py" "$OUT"/runs/*/timings.csv || echo "summary: python3 failed"
tar czf "$OUT/runs.tgz" -C "$OUT" runs && rm -rf "$OUT/runs"
echo "call13: done $(date -u)"
