#!/usr/bin/env bash
# Session 8, call 29 (branch exp-resident-lean, .device/bin; main at ec14d5c in .device/bin/exp):
# issue 15 item 3. cuda_resident rewritten to issue fewer instructions a cell (call 28: 6.75 M warp
# instructions a step on the course grid, 81 a cell update): the halos loaded by the whole block,
# 16 rows' x halos a warp instruction, instead of a pass over every row and plane; rows of land
# skipped by a warp vote; no halo-lane cases in the z loop. Measured against main's cuda_resident
# and cuda_shared on the course grid (10 and 100 steps a launch) and a 30x100x120 grid, Nsight's
# instruction count, model's new default (the GPU trial) on the course grid and a 256^3 field,
# then test_cuda and compute-sanitizer on the branch.
#   source .device/env.sh && bash results/reference/h200/call29.sh "$OUT"
set -u -o pipefail
OUT=${1:?usage: call29.sh OUT}
here=$(dirname "${BASH_SOURCE[0]}")
bin=$(dirname "$(command -v stencilbench)")
deadline=$(( $(date +%s) + ${CALL_SECONDS:-585} ))
mkdir -p "$OUT/runs" "$OUT/model"
exec > >(tee -a "$OUT/log.txt") 2>&1
export STENCILBENCH_CACHE=/tmp/sbcache
stamp() { date -u +%H:%M:%SZ; }
run_sb() { # name limit exe args...
    local name=$1 limit=$2 exe=$3 rc; shift 3
    local left=$(( deadline - $(date +%s) - 5 ))
    [ "$left" -lt 15 ] && { echo "== $name skipped: $left s left"; return; }
    [ "$limit" -gt "$left" ] && limit=$left
    echo "== $name ($(stamp), load $(cut -d' ' -f1 /proc/loadavg)): $exe run $*"
    timeout -s KILL "$limit" "$exe" run --quiet --no-plots --target-noise 0 \
        --out "$OUT/runs/$name" "$@" >"$OUT/runs/$name.log" 2>&1
    rc=$?; echo "rc=$rc"; grep -E "FAIL|fail|error|skipped|refused|unavailable" "$OUT/runs/$name.log" | head -3
}
echo "call29: start $(date -u); load $(cut -d' ' -f1-3 /proc/loadavg)"
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem,temperature.gpu,power.draw --format=csv,noheader
timeout 60 stencilbench generate >/dev/null 2>&1 && timeout 120 stencilbench generate --grid 256 /tmp/g256.nc >/dev/null 2>&1
echo "generate rc=$?"
for round in 1 2; do
    run_sb lean$round 50 "$bin/stencilbench" --variant cuda_resident,cuda_shared --grid dataset,30x100x120 --steps 10,100 --reps 9 --warmup 1
    run_sb main$round 50 "$bin/exp/stencilbench" --variant cuda_resident --grid dataset,30x100x120 --steps 10,100 --reps 9 --warmup 1
done
for d in lean1 main1 lean2 main2; do
    [ -f "$OUT/runs/$d/timings.csv" ] && { echo "-- $d"; python3 "$here/summarize.py" "$OUT/runs/$d/timings.csv"; }
done
ncu=$(command -v ncu || ls /usr/local/cuda*/bin/ncu /opt/nvidia/nsight-compute/*/ncu 2>/dev/null | head -1)
timeout -s KILL 90 "$ncu" --target-processes all --clock-control none --kernel-name-base function \
    --kernel-name "regex:resident_steps" --launch-skip 0 --launch-count 1 \
    --section SpeedOfLight --section WarpStateStats --section Occupancy --section SchedulerStats --section LaunchStats \
    --metrics gpu__time_duration.sum,smsp__inst_executed.sum \
    stencilbench run --variant cuda_resident --grid dataset --steps 100 --reps 1 --warmup 0 --target-noise 0 \
    --no-plots --quiet --out /tmp/ncu_res >"$OUT/ncu_resident.txt" 2>&1
echo "ncu resident: rc=$?"
grep -E "gpu__time_duration|inst_executed|Achieved Occupancy|Registers Per|Issue Slots Busy|No Eligible|Warp Cycles Per Issued" "$OUT/ncu_resident.txt" | head -10
for input in default /tmp/g256.nc; do
    flag=(); [ "$input" = default ] || flag=(--input "$input")
    name=$(basename "$input" .nc)
    timeout -s KILL 60 stencilbench model "${flag[@]}" --steps 100 --save-every 10 --output "/tmp/m_$name.nc" \
        >"$OUT/model/$name.log" 2>&1
    echo "model $name: rc=$? $(grep -hE 'model completed in|running' "$OUT/model/$name.log" | tr '\n' ' ')"
done
left=$(( deadline - $(date +%s) - 100 ))
echo "== test_cuda with $left s ($(stamp))"
timeout -s KILL "$left" test_cuda >"$OUT/test_cuda.log" 2>&1; echo "test_cuda rc=$?"
grep -E 'check failed' "$OUT/test_cuda.log" | head -8; tail -n 3 "$OUT/test_cuda.log"
san=$(command -v compute-sanitizer || ls /usr/local/cuda*/bin/compute-sanitizer 2>/dev/null | head -1)
for tool in racecheck memcheck synccheck; do
    for g in "13x17x21 block_y=3,tile_y=2" "12x30x133 default" "9x12x40 block_y=32"; do
        set -- $g
        [ $(( deadline - $(date +%s) )) -lt 20 ] && { echo "sanitizer $tool $1 skipped"; continue; }
        timeout -s KILL 25 "$san" --tool "$tool" --error-exitcode 9 stencilbench run --variant cuda_resident --grid "$1" \
            --steps 3 --reps 1 --warmup 0 --land-fraction 0.3 --tuning "$2" --target-noise 0 --quiet --no-plots \
            --out "/tmp/san_${tool}_$1" >/tmp/san.log 2>&1
        echo "sanitizer $tool $1 $2: rc=$? $(grep -E "ERROR SUMMARY|RACECHECK SUMMARY" /tmp/san.log | head -1)"
    done
done
tar czf "$OUT/runs.tgz" -C "$OUT" runs && rm -rf "$OUT/runs"
echo "call29: done $(date -u)"
