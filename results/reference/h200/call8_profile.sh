#!/usr/bin/env bash
# Session 4, call 8 (issue 15): profile before any rewrite. Nsight Compute (--clock-control none)
# on one launch each of cuda_shared, cuda_naive and cuda_fused at 512^3 without land, and of
# cuda_shared and cuda_naive on the course grid (50x222x241, in L2); then cuda_shared's tile_z
# and block shapes at 512^3 without land (tile_z was never swept on the H200).
# Binaries: the bundle of build-gpu-mpich (../shared/gpu/bundle.sh). On the GPU host:
#   source .device/env.sh && bash results/reference/h200/call8_profile.sh "$OUT"
set -u -o pipefail
OUT=${1:?usage: call8_profile.sh OUT}
mkdir -p "$OUT/runs"
exec > >(tee -a "$OUT/log.txt") 2>&1
stamp() { date -u +%H:%M:%SZ; }
ncu=$(command -v ncu || ls /opt/nvidia/nsight-compute/*/ncu /usr/local/cuda*/bin/ncu 2>/dev/null | head -1)
echo "call8: start $(date -u); ncu=$ncu; load $(cut -d' ' -f1-3 /proc/loadavg)"
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,clocks.mem --format=csv,noheader
metrics=dram__bytes_read.sum,dram__bytes_write.sum,lts__t_sector_hit_rate.pct,gpu__time_duration.sum,sm__warps_active.avg.pct_of_peak_sustained_active,dram__throughput.avg.pct_of_peak_sustained_elapsed,lts__t_bytes.sum,l1tex__t_bytes.sum,smsp__inst_executed.sum,launch__registers_per_thread,launch__occupancy_limit_registers,smsp__average_warp_latency_issue_stalled_long_scoreboard,smsp__average_warp_latency_issue_stalled_barrier,smsp__issue_active.avg.pct_of_peak_sustained_active
prof() { # name kernel-regex skip args...
    local name=$1 re=$2 skip=$3; shift 3
    echo "== ncu $name ($(stamp))"
    timeout -s KILL 150 "$ncu" --clock-control none -k "regex:$re" --launch-skip "$skip" --launch-count 1 \
        --section SpeedOfLight --section MemoryWorkloadAnalysis --section WarpStateStats --section Occupancy \
        --section LaunchStats --metrics "$metrics" \
        stencilbench run --reps 1 --warmup 0 --target-noise 0 --min-time 0 --tuning graph=-1 --no-plots --quiet \
        --out "$OUT/runs/ncu_$name" "$@" >"$OUT/ncu_$name.txt" 2>&1
    echo "rc=$?"
    grep -E "dram__bytes_(read|write)|sector_hit_rate|gpu__time_duration|DRAM Throughput|Memory Throughput|Achieved Occupancy|Registers Per|warps_active|long_scoreboard|stalled_barrier|issue_active|inst_executed.sum|Block Limit|Theoretical Occ|Grid Size" "$OUT/ncu_$name.txt" | head -24
}
[ -n "$ncu" ] && {
prof shared512 shared_step 2 --variant cuda_shared --grid 512 --steps 4 --land-fraction 0
prof naive512 naive_step 2 --variant cuda_naive --grid 512 --steps 4 --land-fraction 0
prof fused512 fused_sweep 1 --variant cuda_fused --grid 512 --steps 8 --land-fraction 0
prof shared_course shared_step 2 --variant cuda_shared --grid 50x222x241 --steps 4
prof naive_course naive_step 2 --variant cuda_naive --grid 50x222x241 --steps 4
}
run_sb() { # name limit args...
    local name=$1 limit=$2 rc; shift 2
    echo "== $name ($(stamp)): run $*"
    timeout -s KILL "$limit" stencilbench run --quiet --no-plots --host-memory pinned --out "$OUT/runs/$name" "$@" >"$OUT/runs/$name.log" 2>&1
    rc=$?; echo "rc=$rc"; tail -n 3 "$OUT/runs/$name.log"
}
run_sb tz512 150 --variant cuda_shared --grid 512 --steps 4 --land-fraction 0 --reps 5 --warmup 1 --target-noise 0 \
    --tuning "default|tile_z=8|tile_z=16|tile_z=64|tile_z=128|tile_z=170|tile_z=255|block_y=8,tile_z=64|block_y=8,tile_z=128|block_y=16,tile_z=128|block_x=64,block_y=2,tile_z=64"
run_sb course 90 --variant cuda_shared,cuda_naive --grid 50x222x241 --steps 100 --reps 5 --warmup 1 --target-noise 0 \
    --tuning "default|tile_z=2|tile_z=4|block_y=8,tile_z=2|block_x=64,block_y=2,tile_z=4"
python3 "$(dirname "${BASH_SOURCE[0]}")/summarize.py" "$OUT"/runs/*/timings.csv || echo "summary: python3 failed"
tar czf "$OUT/runs.tgz" -C "$OUT" runs && rm -rf "$OUT/runs"
echo "call8: done $(date -u)"
