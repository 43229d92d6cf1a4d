#!/usr/bin/env bash
# Session 4, call 10 (issue 15): the access pattern's own ceiling (zcopy.cu: a copy walking the
# grid as cuda_shared does, against cudaMemcpy) at 512^3 and 1024^3, and Nsight Compute's stall
# reasons for the rewritten cuda_shared (1 and 2 rows a thread) at 512^3 without land.
#   source .device/env.sh && bash results/reference/h200/call10.sh "$OUT"
set -u -o pipefail
OUT=${1:?}
exec > >(tee -a "$OUT/log.txt") 2>&1
echo "call10: start $(date -u); load $(cut -d' ' -f1-3 /proc/loadavg)"
timeout -s KILL 60 zcopy 512
timeout -s KILL 90 zcopy 1024
stalls=$(for r in long_scoreboard barrier lg_throttle mio_throttle short_scoreboard wait math_pipe_throttle not_selected selected drain membar dispatch_stall no_instruction branch_resolving imc_miss tex_throttle; do printf 'smsp__average_warp_latency_issue_stalled_%s,' $r; done)
for t in tile_y=4 tile_y=8; do
    echo "== ncu cuda_shared $t"
    timeout -s KILL 120 ncu --clock-control none -k regex:shared_step --launch-skip 2 --launch-count 1 \
        --section SpeedOfLight --section MemoryWorkloadAnalysis --section Occupancy --section LaunchStats \
        --metrics "${stalls}dram__bytes_read.sum,dram__bytes_write.sum,lts__t_bytes.sum,smsp__inst_executed.sum,smsp__issue_active.avg.pct_of_peak_sustained_active,sm__warps_active.avg.pct_of_peak_sustained_active,lts__t_sector_hit_rate.pct" \
        stencilbench run --variant cuda_shared --grid 512 --steps 4 --land-fraction 0 --reps 1 --warmup 0 --target-noise 0 \
        --min-time 0 --tuning "graph=-1,$t" --no-plots --quiet --out "/tmp/ncu_$t" > "$OUT/ncu_$t.txt" 2>&1
    rc=$?; echo "rc=$rc"
    grep -q "Failed to find metric\|ERR" "$OUT/ncu_$t.txt" && { grep -m3 "ERR\|Failed" "$OUT/ncu_$t.txt"; stalls=""; }
    grep -E "stalled|dram__bytes|lts__t_bytes|inst_executed|issue_active|warps_active|Duration|DRAM Throughput|L2 Cache Throughput|Registers Per|Theoretical Occ" "$OUT/ncu_$t.txt" | grep -v "max_rate\|stalled.*\.pct" | sed 's/  */ /g'
done
echo "call10: done $(date -u)"
