#!/usr/bin/env bash
# Session 7, call 24 (main's build): why cuda_bulk stops at 83 % of the copy at 512^3 without land
# (78 % at 1024^3). Nsight Compute on one launch of cuda_bulk and, for comparison, cuda_shared
# (stall reasons, DRAM bytes a cell, L2 hits, occupancy); a sweep of its tile shape (is the last,
# partial wave of blocks the loss? tile_z=15 makes 34 runs of 256 tiles = 10.99 waves of 792
# blocks at 512^3, tile_z=16 10.34); then next_xeon.sh (issue 19, CPU only).
#   source .device/env.sh && bash results/reference/h200/call24.sh "$OUT"
set -u -o pipefail
OUT=${1:?usage: call24.sh OUT}
here=$(dirname "${BASH_SOURCE[0]}")
deadline=$(( $(date +%s) + ${CALL_SECONDS:-575} ))
mkdir -p "$OUT/runs"
exec > >(tee -a "$OUT/log.txt") 2>&1
stamp() { date -u +%H:%M:%SZ; }
run_sb() { # name limit args...
    local name=$1 limit=$2 rc; shift 2
    local left=$(( deadline - $(date +%s) - 15 ))
    [ "$left" -lt 20 ] && { echo "== $name skipped: $left s left"; return; }
    [ "$limit" -gt "$left" ] && limit=$left
    echo "== $name ($(stamp), load $(cut -d' ' -f1 /proc/loadavg)): run $*"
    timeout -s KILL "$limit" stencilbench run --quiet --no-plots --target-noise 0 \
        --out "$OUT/runs/$name" "$@" >"$OUT/runs/$name.log" 2>&1
    rc=$?; echo "rc=$rc"; grep -E "FAIL|fail|error|skipped|refused|unavailable" "$OUT/runs/$name.log" | head -5
}
echo "call24: start $(date -u); load $(cut -d' ' -f1-3 /proc/loadavg)"
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem,temperature.gpu,power.draw --format=csv,noheader
ncu=$(command -v ncu || ls /usr/local/cuda*/bin/ncu /opt/nvidia/nsight-compute/*/ncu 2>/dev/null | head -1)
if [ -n "$ncu" ]; then
    for v in cuda_bulk:bulk_step cuda_shared:shared_step; do
        name=${v%%:*}
        timeout -s KILL 120 "$ncu" --target-processes all --clock-control none --kernel-name-base function \
            --kernel-name "regex:${v##*:}" --launch-skip 2 --launch-count 1 \
            --section SpeedOfLight --section MemoryWorkloadAnalysis --section WarpStateStats --section Occupancy \
            --section SchedulerStats --section LaunchStats --section SourceCounters \
            --metrics dram__bytes_read.sum,dram__bytes_write.sum,lts__t_sector_hit_rate.pct,smsp__inst_executed.sum \
            stencilbench run --variant $name --grid 512 --steps 4 --reps 1 --warmup 0 --target-noise 0 \
            --land-fraction 0 --tuning graph=-1 --no-plots --quiet --out "/tmp/ncu_$name" >"$OUT/ncu_$name.txt" 2>&1
        echo "ncu $name: rc=$?"
        grep -E "dram__bytes|sector_hit|inst_executed|DRAM Throughput|Memory Throughput|Achieved Occupancy|Registers Per|Issue Slots Busy|No Eligible|Warp Cycles Per Issued" "$OUT/ncu_$name.txt" | head -14
    done
else
    echo "no ncu on this host"
fi
run_sb t512 120 --variant cuda_bulk --grid 512 --steps 4 --land-fraction 0 --reps 5 --warmup 1 \
    --tuning 'default|tile_z=15|tile_z=10|tile_z=12|tile_z=20|block_z=4|block_z=8|block_y=6|block_y=12|block_y=10,tile_z=17'
run_sb t1024 120 --variant cuda_bulk --grid 1024 --steps 1 --land-fraction 0 --reps 3 --warmup 1 \
    --tuning 'default|tile_z=15|tile_z=24|tile_z=32|block_y=12'
for d in t512 t1024; do
    [ -f "$OUT/runs/$d/timings.csv" ] && { echo "-- $d"; python3 "$here/summarize.py" "$OUT/runs/$d/timings.csv"; }
done
tar czf "$OUT/runs.tgz" -C "$OUT" runs && rm -rf "$OUT/runs"
left=$(( deadline - $(date +%s) - 10 ))
echo "== next_xeon with $left s left ($(stamp))"
[ "$left" -gt 60 ] && timeout -s KILL "$left" bash "$here/next_xeon.sh" "$OUT/xeon"
echo "call24: done $(date -u)"
