#!/usr/bin/env bash
# Session 9, call 33: (1) Nsight Compute on cuda_fused as it is on main (512^3 without land,
# steps_per_sweep 4 and 2): its instruction count and stalls after session 4's division-free
# path, before a rewrite (issue 15 item 2); (2) issue 19 on the Xeon host, CPU only:
# next_xeon_prefetch.sh (main's L2 prefetch against aa762f1's L1 prefetch, built CPU-only into
# .device/bin/exp/l1/stencilbench).
#   source .device/env.sh && bash results/reference/h200/call33.sh "$OUT"
set -u -o pipefail
OUT=${1:?usage: call33.sh OUT}
here=$(dirname "${BASH_SOURCE[0]}")
mkdir -p "$OUT"
exec > >(tee -a "$OUT/log.txt") 2>&1
export STENCILBENCH_CACHE=/tmp/sbcache
echo "call33: start $(date -u); load $(cut -d' ' -f1-3 /proc/loadavg)"
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem,temperature.gpu,power.draw --format=csv,noheader
ncu=$(command -v ncu || ls /usr/local/cuda*/bin/ncu /opt/nvidia/nsight-compute/*/ncu 2>/dev/null | head -1)
for s in 4 2; do
    timeout -s KILL 120 "$ncu" --target-processes all --clock-control none --kernel-name-base function \
        --kernel-name "regex:fused_sweep" --launch-skip 2 --launch-count 1 \
        --section SpeedOfLight --section WarpStateStats --section Occupancy --section SchedulerStats \
        --section LaunchStats --section InstructionStats --section SourceCounters \
        --metrics dram__bytes_read.sum,dram__bytes_write.sum,smsp__inst_executed.sum,smsp__cycles_active.avg \
        stencilbench run --variant cuda_fused --grid 512 --steps 8 --reps 1 --warmup 0 --target-noise 0 \
        --land-fraction 0 --tuning "graph=-1,steps_per_sweep=$s" --no-plots --quiet --out "/tmp/ncu_f$s" \
        >"$OUT/ncu_fused_s$s.txt" 2>&1
    echo "ncu fused S=$s: rc=$?"
    grep -E "dram__bytes|inst_executed|cycles_active|Duration|Achieved Occupancy|Registers Per|Issue Slots Busy|No Eligible|Warp Cycles Per Issued|Executed Ipc" "$OUT/ncu_fused_s$s.txt" | head -16
done
echo "== run cuda_fused S=2,4 and cuda_bulk, 512^3 no land, 8 steps"
timeout -s KILL 120 stencilbench run --variant cuda_fused,cuda_bulk --grid 512 --steps 8 --land-fraction 0 \
    --reps 5 --warmup 1 --tuning 'default|steps_per_sweep=2|steps_per_sweep=3' --no-plots --quiet \
    --out "$OUT/fused512" >"$OUT/fused512.log" 2>&1
echo "rc=$?"; python3 "$here/summarize.py" "$OUT/fused512/timings.csv"
bash "$here/next_xeon_prefetch.sh" "$OUT/xeon"
echo "call33: done $(date -u)"
