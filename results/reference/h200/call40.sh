#!/usr/bin/env bash
# Session 10, call 40: why call 39's balanced cuda_resident was slower (10.5 us a step on the course
# grid against the previous kernel's 9.4). An experimental build (.device/bin/exp/exp) takes
# RESIDENT_EXP_LOOP=1 (the previous inner loop: a vote skipping land, a branch a cell) and
# RESIDENT_EXP_SPIN=ns (the neighbour wait's __nanosleep, 0 = spin); against the previous kernel
# (exp/old), interleaved, the course grid and 30x100x120 (where the step is all synchronisation);
# then Nsight Compute's warp states for each kernel (one launch of 100 steps).
#   source .device/env.sh && bash results/reference/h200/call40.sh "$OUT"
set -u -o pipefail
OUT=${1:?usage: call40.sh OUT}
here=$(dirname "${BASH_SOURCE[0]}")
bin=$(dirname "$(command -v stencilbench)")
deadline=$(( $(date +%s) + 560 ))
mkdir -p "$OUT/runs"
exec > >(tee -a "$OUT/log.txt") 2>&1
export STENCILBENCH_CACHE=/tmp/sbcache
echo "call40: start $(date -u); load $(cut -d' ' -f1-3 /proc/loadavg)"
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem,temperature.gpu,power.draw --format=csv,noheader
timeout 60 stencilbench generate >/dev/null 2>&1; echo "generate rc=$?"
run_sb() { # name limit exe args...
    local name=$1 limit=$2 exe=$3; shift 3
    local left=$(( deadline - $(date +%s) - 200 ))
    [ "$left" -lt "$limit" ] && limit=$left
    [ "$limit" -lt 10 ] && { echo "== $name skipped (time)"; return; }
    echo "== $name ($(date -u +%H:%M:%SZ), load $(cut -d' ' -f1 /proc/loadavg)) loop=${RESIDENT_EXP_LOOP:-} spin=${RESIDENT_EXP_SPIN:-}"
    timeout -s KILL "$limit" "$exe" run --quiet --no-plots --target-noise 0 --out "$OUT/runs/$name" "$@" \
        >"$OUT/runs/$name.log" 2>&1
    echo "rc=$?"; grep -E "FAILED|failed:|error" "$OUT/runs/$name.log" | head -5
    python3 "$here/summarize.py" "$OUT/runs/$name/timings.csv"
}
args=(--variant cuda_resident --grid dataset,30x100x120 --steps 100 --reps 9 --warmup 1)
for round in 1 2; do
    run_sb old$round 25 "$bin/exp/old" "${args[@]}"
    RESIDENT_EXP_LOOP=0 RESIDENT_EXP_SPIN=32 run_sb new$round 25 "$bin/exp/exp" "${args[@]}"
    RESIDENT_EXP_LOOP=1 RESIDENT_EXP_SPIN=32 run_sb oldloop$round 25 "$bin/exp/exp" "${args[@]}"
    RESIDENT_EXP_LOOP=0 RESIDENT_EXP_SPIN=0 run_sb spin$round 25 "$bin/exp/exp" "${args[@]}"
    RESIDENT_EXP_LOOP=1 RESIDENT_EXP_SPIN=0 run_sb oldloopspin$round 25 "$bin/exp/exp" "${args[@]}"
done
RESIDENT_EXP_LOOP=1 RESIDENT_EXP_SPIN=0 run_sb oldloop_equal 25 "$bin/exp/exp" --variant cuda_resident --grid dataset \
    --steps 100 --reps 5 --warmup 1 --tuning 'tile_y=14|block_y=16'
ncu=$(command -v ncu || ls /usr/local/cuda*/bin/ncu /opt/nvidia/nsight-compute/*/ncu 2>/dev/null | head -1)
for k in old new oldloop; do
    [ $(( deadline - $(date +%s) )) -lt 40 ] && { echo "ncu $k skipped"; continue; }
    exe="$bin/exp/exp"; [ $k = old ] && exe="$bin/exp/old"
    loop=0; [ $k = oldloop ] && loop=1
    RESIDENT_EXP_LOOP=$loop timeout -s KILL 60 "$ncu" --target-processes all --clock-control none \
        --kernel-name-base function --kernel-name "regex:resident_steps" --launch-skip 0 --launch-count 1 -o /tmp/ncu_$k \
        --section SpeedOfLight --section WarpStateStats --section SchedulerStats --section Occupancy \
        --metrics gpu__time_duration.sum,smsp__inst_executed.sum \
        "$exe" run --variant cuda_resident --grid dataset --steps 100 --reps 1 --warmup 0 --target-noise 0 \
        --no-plots --quiet --out /tmp/ncu_run_$k >/tmp/ncu_$k.log 2>&1
    echo "ncu $k: rc=$?"
    "$ncu" -i /tmp/ncu_$k.ncu-rep --print-summary none >"$OUT/ncu_$k.txt" 2>&1
    grep -E "gpu__time_duration|inst_executed|Issue Slots Busy|No Eligible|Warp Cycles Per Issued|Active Warps Per" "$OUT/ncu_$k.txt" | head -8
done
nvidia-smi --query-gpu=clocks.sm,clocks.mem,temperature.gpu,power.draw --format=csv,noheader
tar czf "$OUT/runs.tgz" -C "$OUT" runs && rm -rf "$OUT/runs"
echo "call40: done $(date -u)"
