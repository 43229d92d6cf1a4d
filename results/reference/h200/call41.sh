#!/usr/bin/env bash
# Session 10, call 41: call 40 found cuda_resident bound by its block barriers (half of a warp's
# cycles) and faster with 16 warps than 32 (8.7 against 10.2 us a step, balanced tiles, the
# previous inner loop). This sweeps warps a block (block_y) against blocks a multiprocessor
# (RESIDENT_EXP_K: the balanced tiles cut for the shared memory of K blocks) and the inner loop
# (RESIDENT_EXP_LOOP), on the course grid and 30x100x120, 10 and 100 steps, against the previous
# kernel (exp/old), two interleaved rounds.
#   source .device/env.sh && bash results/reference/h200/call41.sh "$OUT"
set -u -o pipefail
OUT=${1:?usage: call41.sh OUT}
here=$(dirname "${BASH_SOURCE[0]}")
bin=$(dirname "$(command -v stencilbench)")
deadline=$(( $(date +%s) + 420 ))
mkdir -p "$OUT/runs"
exec > >(tee -a "$OUT/log.txt") 2>&1
export STENCILBENCH_CACHE=/tmp/sbcache
echo "call41: start $(date -u); load $(cut -d' ' -f1-3 /proc/loadavg)"
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem,temperature.gpu,power.draw --format=csv,noheader
timeout 60 stencilbench generate >/dev/null 2>&1; echo "generate rc=$?"
run_sb() { # name limit exe args...
    local name=$1 limit=$2 exe=$3; shift 3
    local left=$(( deadline - $(date +%s) - 10 ))
    [ "$left" -lt "$limit" ] && limit=$left
    [ "$limit" -lt 10 ] && { echo "== $name skipped (time)"; return; }
    echo "== $name ($(date -u +%H:%M:%SZ), load $(cut -d' ' -f1 /proc/loadavg)) K=${RESIDENT_EXP_K:-} loop=${RESIDENT_EXP_LOOP:-}"
    timeout -s KILL "$limit" "$exe" run --quiet --no-plots --target-noise 0 --out "$OUT/runs/$name" "$@" \
        >"$OUT/runs/$name.log" 2>&1
    echo "rc=$?"; grep -E "FAILED|failed:|error" "$OUT/runs/$name.log" | head -3
    python3 "$here/summarize.py" "$OUT/runs/$name/timings.csv"
}
args=(--variant cuda_resident --grid dataset,30x100x120 --steps 10,100 --reps 7 --warmup 1)
for round in 1 2; do
    run_sb old$round 30 "$bin/exp/old" "${args[@]}" --tuning 'default|block_y=16'
    for k in 1 2; do
        for loop in 0 1; do
            RESIDENT_EXP_K=$k RESIDENT_EXP_LOOP=$loop run_sb k${k}l${loop}r$round 40 "$bin/exp/exp" "${args[@]}" \
                --tuning 'block_y=8|block_y=12|block_y=16|block_y=24|default'
        done
    done
done
nvidia-smi --query-gpu=clocks.sm,clocks.mem,temperature.gpu,power.draw --format=csv,noheader
tar czf "$OUT/runs.tgz" -C "$OUT" runs && rm -rf "$OUT/runs"
echo "call41: done $(date -u)"
