#!/usr/bin/env bash
# Session 9, call 37 (the last device minutes): (1) recipe.sh's course study again, so that the
# reference's GPU rows on the course grid come from the current kernels (cuda_resident 9.3 us a
# step instead of the old rows' 11.8 for cuda_naive; cuda_fused rewritten); (2) Nsight Compute
# on the rewritten cuda_fused (S = 3, 512^3 without land, the second of three launches): where
# its 0.72x of the single-sweep limit goes.
#   source .device/env.sh && bash results/reference/h200/call37.sh "$OUT"
set -u -o pipefail
OUT=${1:?usage: call37.sh OUT}
mkdir -p "$OUT"
exec > >(tee -a "$OUT/log.txt") 2>&1
export STENCILBENCH_CACHE=/tmp/sbcache
echo "call37: start $(date -u); load $(cut -d' ' -f1-3 /proc/loadavg)"
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem,temperature.gpu,power.draw --format=csv,noheader
timeout 60 stencilbench generate >/dev/null 2>&1; echo "generate rc=$?"
timeout -s KILL 150 bash results/reference/recipe.sh --bin "$(command -v stencilbench)" --machine H200 \
    --label h200 --study course "$OUT/h200course" >"$OUT/recipe.log" 2>&1
echo "recipe course rc=$?"; tail -n 14 "$OUT/recipe.log"
ncu=$(command -v ncu || ls /usr/local/cuda*/bin/ncu /opt/nvidia/nsight-compute/*/ncu 2>/dev/null | head -1)
timeout -s KILL 90 "$ncu" --target-processes all --clock-control none --kernel-name-base function \
    --kernel-name "regex:fused_sweep" --launch-skip 1 --launch-count 1 \
    --section SpeedOfLight --section WarpStateStats --section Occupancy --section SchedulerStats \
    --section LaunchStats --section InstructionStats --section SourceCounters --section MemoryWorkloadAnalysis \
    --metrics dram__bytes_read.sum,dram__bytes_write.sum,smsp__inst_executed.sum \
    stencilbench run --variant cuda_fused --grid 512 --steps 8 --reps 1 --warmup 0 --target-noise 0 \
    --land-fraction 0 --tuning "graph=-1" --no-plots --quiet --out /tmp/ncu_f3 >"$OUT/ncu_fused_s3.txt" 2>&1
echo "ncu fused S=3: rc=$?"
grep -E "dram__bytes|inst_executed|Duration|Achieved Occupancy|Registers Per|Issue Slots Busy|No Eligible|Warp Cycles Per Issued|Eligible Warps|L2 Cache Throughput|DRAM Throughput|Stall" "$OUT/ncu_fused_s3.txt" | head -24
rm -rf "$OUT/h200course/log/"*/*/ 2>/dev/null # the run folders: timings.csv is merged beside them
find "$OUT" -type f | head -30
echo "call37: done $(date -u)"
