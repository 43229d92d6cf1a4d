#!/usr/bin/env bash
# Session 10, call 42: call 41 (K blocks a multiprocessor x warps x inner loop) left the neighbour
# wait's sleep confounded: call 40's 8.7 us (16 warps, the previous loop) had RESIDENT_EXP_SPIN=0,
# call 41's 11.0 us the default 32 ns. This sweeps the sleep (0, 32) against K (1, 2) and warps,
# with the previous inner loop (it won every pairing in call 41), two interleaved rounds, against
# the previous kernel (exp/old).
#   source .device/env.sh && bash results/reference/h200/call42.sh "$OUT"
set -u -o pipefail
OUT=${1:?usage: call42.sh OUT}
here=$(dirname "${BASH_SOURCE[0]}")
bin=$(dirname "$(command -v stencilbench)")
deadline=$(( $(date +%s) + 420 ))
mkdir -p "$OUT/runs"
exec > >(tee -a "$OUT/log.txt") 2>&1
export STENCILBENCH_CACHE=/tmp/sbcache
echo "call42: start $(date -u); load $(cut -d' ' -f1-3 /proc/loadavg)"
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem,temperature.gpu,power.draw --format=csv,noheader
timeout 60 stencilbench generate >/dev/null 2>&1; echo "generate rc=$?"
run_sb() { # name limit exe args...
    local name=$1 limit=$2 exe=$3; shift 3
    local left=$(( deadline - $(date +%s) - 10 ))
    [ "$left" -lt "$limit" ] && limit=$left
    [ "$limit" -lt 10 ] && { echo "== $name skipped (time)"; return; }
    echo "== $name ($(date -u +%H:%M:%SZ), load $(cut -d' ' -f1 /proc/loadavg)) K=${RESIDENT_EXP_K:-} loop=${RESIDENT_EXP_LOOP:-} spin=${RESIDENT_EXP_SPIN:-}"
    timeout -s KILL "$limit" "$exe" run --quiet --no-plots --target-noise 0 --out "$OUT/runs/$name" "$@" \
        >"$OUT/runs/$name.log" 2>&1
    echo "rc=$?"; grep -E "FAILED|failed:|error" "$OUT/runs/$name.log" | head -3
    python3 "$here/summarize.py" "$OUT/runs/$name/timings.csv"
}
args=(--variant cuda_resident --grid dataset,30x100x120 --steps 10,100 --reps 7 --warmup 1)
for round in 1 2; do
    run_sb old$round 30 "$bin/exp/old" "${args[@]}"
    for spin in 0 32; do
        for k in 1 2; do
            t='block_y=12|block_y=16|block_y=20'; [ $k = 1 ] && t="$t|block_y=24|default"
            RESIDENT_EXP_SPIN=$spin RESIDENT_EXP_K=$k RESIDENT_EXP_LOOP=1 run_sb k${k}s${spin}r$round 40 "$bin/exp/exp" \
                "${args[@]}" --tuning "$t"
        done
    done
done
nvidia-smi --query-gpu=clocks.sm,clocks.mem,temperature.gpu,power.draw --format=csv,noheader
tar czf "$OUT/runs.tgz" -C "$OUT" runs && rm -rf "$OUT/runs"
echo "call42: done $(date -u)"
