#!/usr/bin/env bash
# Session 8, call 30 (branch exp-resident-lean with dynamic work units, .device/bin; call 29's
# lean kernel in .device/bin/exp/lean): issue 15 item 3. Call 29's Nsight: 6.2 of 15.1 cycles
# between a warp's instructions wait at block barriers (units of unequal cost once land rows
# are skipped, 4 of 32 warps without a unit). Now warps take units of tile_z planes from a
# counter in shared memory. Against call 29's kernel and cuda_shared (course grid and
# 30x100x120, 10 and 100 steps a launch), a sweep of tile_z and block_y, Nsight's per-instruction
# counts (source page), model's trial (cuda_resident now ranks above cuda_shared) with snapshots
# every 10 and 100 steps, then test_cuda and compute-sanitizer on the branch.
#   source .device/env.sh && bash results/reference/h200/call30.sh "$OUT"
set -u -o pipefail
OUT=${1:?usage: call30.sh OUT}
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
echo "call30: start $(date -u); load $(cut -d' ' -f1-3 /proc/loadavg)"
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem,temperature.gpu,power.draw --format=csv,noheader
timeout 60 stencilbench generate >/dev/null 2>&1; echo "generate rc=$?"
for round in 1 2; do
    run_sb dyn$round 50 "$bin/stencilbench" --variant cuda_resident,cuda_shared --grid dataset,30x100x120 --steps 10,100 --reps 9 --warmup 1
    run_sb lean$round 40 "$bin/exp/lean" --variant cuda_resident --grid dataset,30x100x120 --steps 10,100 --reps 9 --warmup 1
done
run_sb sweep 60 "$bin/stencilbench" --variant cuda_resident --grid dataset --steps 100 --reps 5 --warmup 1 \
    --tuning 'default|tile_z=3|tile_z=5|tile_z=12|tile_z=24|tile_z=48|block_y=24|block_y=16|block_y=28,tile_z=4'
for d in dyn1 lean1 dyn2 lean2 sweep; do
    [ -f "$OUT/runs/$d/timings.csv" ] && { echo "-- $d"; python3 "$here/summarize.py" "$OUT/runs/$d/timings.csv"; }
done
ncu=$(command -v ncu || ls /usr/local/cuda*/bin/ncu /opt/nvidia/nsight-compute/*/ncu 2>/dev/null | head -1)
timeout -s KILL 90 "$ncu" --target-processes all --clock-control none --kernel-name-base function \
    --kernel-name "regex:resident_steps" --launch-skip 0 --launch-count 1 -o /tmp/res_rep \
    --section SpeedOfLight --section WarpStateStats --section SchedulerStats --section SourceCounters \
    --metrics gpu__time_duration.sum,smsp__inst_executed.sum \
    stencilbench run --variant cuda_resident --grid dataset --steps 100 --reps 1 --warmup 0 --target-noise 0 \
    --no-plots --quiet --out /tmp/ncu_res >"$OUT/ncu_resident_run.txt" 2>&1
echo "ncu resident: rc=$?"
"$ncu" -i /tmp/res_rep.ncu-rep --print-summary none >"$OUT/ncu_resident.txt" 2>&1
grep -E "gpu__time_duration|inst_executed|Issue Slots Busy|No Eligible|Warp Cycles Per Issued" "$OUT/ncu_resident.txt" | head -8
grep -E "stalled waiting for sibling" "$OUT/ncu_resident.txt" | head -2
timeout 60 "$ncu" -i /tmp/res_rep.ncu-rep --page source --print-source sass --csv >"$OUT/ncu_resident_sass.csv" 2>&1
echo "sass page rc=$? $(wc -l <"$OUT/ncu_resident_sass.csv") lines"
for every in 10 100; do
    timeout -s KILL 60 stencilbench model --steps 100 --save-every $every --output "/tmp/m_$every.nc" \
        >"$OUT/model/every$every.log" 2>&1
    echo "model every $every: rc=$? $(grep -hE 'model completed in|running' "$OUT/model/every$every.log" | tr '\n' ' ')"
done
left=$(( deadline - $(date +%s) - 75 ))
echo "== test_cuda with $left s ($(stamp))"
timeout -s KILL "$left" test_cuda >"$OUT/test_cuda.log" 2>&1; echo "test_cuda rc=$?"
grep -E 'check failed' "$OUT/test_cuda.log" | head -8; tail -n 3 "$OUT/test_cuda.log"
san=$(command -v compute-sanitizer || ls /usr/local/cuda*/bin/compute-sanitizer 2>/dev/null | head -1)
for tool in racecheck memcheck synccheck; do
    for g in "13x17x21 block_y=3,tile_y=2,tile_z=2" "12x30x133 default" "9x12x40 block_y=32,tile_z=1"; do
        set -- $g
        [ $(( deadline - $(date +%s) )) -lt 15 ] && { echo "sanitizer $tool $1 skipped"; continue; }
        timeout -s KILL 20 "$san" --tool "$tool" --error-exitcode 9 stencilbench run --variant cuda_resident --grid "$1" \
            --steps 3 --reps 1 --warmup 0 --land-fraction 0.3 --tuning "$2" --target-noise 0 --quiet --no-plots \
            --out "/tmp/san_${tool}_$1" >/tmp/san.log 2>&1
        echo "sanitizer $tool $1 $2: rc=$? $(grep -E "ERROR SUMMARY|RACECHECK SUMMARY" /tmp/san.log | head -1)"
    done
done
tar czf "$OUT/runs.tgz" -C "$OUT" runs && rm -rf "$OUT/runs"
echo "call30: done $(date -u)"
