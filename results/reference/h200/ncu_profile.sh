#!/usr/bin/env bash
# Issue 15, the next step (not yet run): why cuda_shared stops at about 77 % of the copy without
# land on the H200 while the instruction count and the loads in flight were shown not to matter
# (README.md here, session 3). Profiles one launch of cuda_shared and of cuda_naive at 512^3 with
# Nsight Compute: DRAM bytes read and written per cell update (8 is ideal), L2 hit rate, the
# memory throughput against peak, warp stall reasons. About 2 minutes.
# Build and bundle as gpu_call5.sh says; on the GPU host:
#   source .device/env.sh && bash results/reference/h200/ncu_profile.sh "$OUT"
set -u
out=${1:?usage: ncu_profile.sh OUT}
mkdir -p "$out"
ncu=$(command -v ncu || ls /usr/local/cuda*/bin/ncu 2>/dev/null | head -1)
[ -n "$ncu" ] || { echo "ncu_profile: no Nsight Compute (ncu) on this host" | tee "$out/ncu.txt"; exit 2; }
for v in cuda_shared cuda_naive; do
    # 3 steps, one repetition: kernel launches 2.. are the timed ones; profile the 4th launch
    timeout -s KILL 120 "$ncu" --target-processes all --launch-skip 3 --launch-count 1 \
        --section SpeedOfLight --section MemoryWorkloadAnalysis --section WarpStateStats --section Occupancy \
        --metrics dram__bytes_read.sum,dram__bytes_write.sum,lts__t_sector_hit_rate.pct \
        stencilbench run --variant $v --grid 512 --steps 3 --reps 1 --warmup 0 --target-noise 0 \
        --land-fraction 0 --tuning graph=-1 --no-plots --quiet --out "$out/run_$v" >"$out/ncu_$v.txt" 2>&1
    echo "$v: rc=$?"
    grep -E "dram__bytes|sector_hit|Memory Throughput|DRAM Throughput|Achieved Occupancy|Registers Per" "$out/ncu_$v.txt" | head -12
done
echo "512^3 = 134217728 cells: bytes per cell update = (dram read + write) / 134217728 (ideal 8)"
