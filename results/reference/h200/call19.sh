#!/usr/bin/env bash
# Session 6, call 19: cuda_bulk (issue 15 item 1) first on a GPU. compute-sanitizer on small
# grids, test_variants cuda_bulk, then 512^3 without land against cuda_shared over its knobs
# (rows a tile, ring depth, planes a block), 1024^3 and half land; Nsight Compute of one
# cuda_bulk launch at 512^3 and of cuda_resident's 100-step launch on the course grid (item 3).
#   source .device/env.sh && bash results/reference/h200/call19.sh "$OUT"
set -u -o pipefail
OUT=${1:?usage: call19.sh OUT}
here=$(dirname "${BASH_SOURCE[0]}")
mkdir -p "$OUT/runs"
exec > >(tee -a "$OUT/log.txt") 2>&1
stamp() { date -u +%H:%M:%SZ; }
run_sb() { # name limit args...
    local name=$1 limit=$2 rc; shift 2
    echo "== $name ($(stamp), load $(cut -d' ' -f1 /proc/loadavg)): run $*"
    timeout -s KILL "$limit" stencilbench run --quiet --no-plots --target-noise 0 \
        --out "$OUT/runs/$name" "$@" >"$OUT/runs/$name.log" 2>&1
    rc=$?; echo "rc=$rc"; grep -E "FAIL|fail|error|skipped|refused|unavailable" "$OUT/runs/$name.log" | head -5
}
echo "call19: start $(date -u); load $(cut -d' ' -f1-3 /proc/loadavg)"
nvidia-smi --query-gpu=name,clocks.sm,clocks.mem,temperature.gpu,power.draw --format=csv,noheader
san=$(command -v compute-sanitizer || ls /usr/local/cuda*/bin/compute-sanitizer 2>/dev/null | head -1)
for tool in memcheck racecheck synccheck; do
    for g in "13x17x20 block_y=3,block_z=2,tile_z=3" "9x40x260 block_y=7,block_z=5,tile_z=2" "20x33x132 default"; do
        set -- $g
        echo "== sanitizer $tool $1 $2 ($(stamp))"
        timeout -s KILL 90 "$san" --tool "$tool" --error-exitcode 9 stencilbench run --variant cuda_bulk --grid "$1" \
            --steps 3 --reps 1 --warmup 0 --land-fraction 0.3 --tuning "$2" --target-noise 0 --quiet --no-plots \
            --out "$OUT/runs/san_${tool}_$1" >"$OUT/san_${tool}_$1.log" 2>&1
        echo "rc=$?"; grep -E "ERROR SUMMARY|RACECHECK SUMMARY|hazard|Error" "$OUT/san_${tool}_$1.log" | head -3
    done
done
if command -v test_variants >/dev/null; then
    echo "== test_variants cuda_bulk ($(stamp))"
    timeout -s KILL 120 test_variants cuda_bulk >"$OUT/test_variants.log" 2>&1
    echo "rc=$?"; grep -E 'check failed|FAIL' "$OUT/test_variants.log" | head; tail -n 2 "$OUT/test_variants.log"
fi
run_sb s512 120 --variant cuda_shared --grid 512 --steps 10 --land-fraction 0 --reps 5 --warmup 1
run_sb b512 240 --variant cuda_bulk --grid 512 --steps 10 --land-fraction 0 --reps 5 --warmup 1 \
    --tuning 'default|block_z=3|block_z=4|block_z=8|block_y=4|block_y=4,block_z=8|block_y=16|block_y=16,block_z=4|tile_z=32|tile_z=128|block_y=2,block_z=12'
run_sb b1024 200 --variant cuda_shared,cuda_bulk --grid 1024 --steps 4 --land-fraction 0 --reps 3 --warmup 1
run_sb h512 120 --variant cuda_shared,cuda_bulk --grid 512 --steps 10 --land-fraction 0.5 --reps 5 --warmup 1
python3 "$here/summarize.py" "$OUT"/runs/*/timings.csv || true
ncu=$(command -v ncu || ls /usr/local/cuda*/bin/ncu 2>/dev/null | head -1)
metrics=gpu__time_duration.sum,smsp__inst_executed.sum,smsp__issue_active.avg.pct_of_peak_sustained_active,dram__throughput.avg.pct_of_peak_sustained_elapsed,dram__bytes_read.sum,dram__bytes_write.sum,lts__t_sectors.sum,sm__warps_active.avg.pct_of_peak_sustained_active,launch__registers_per_thread,launch__occupancy_limit_registers,launch__occupancy_limit_shared_mem
echo "== ncu cuda_bulk 512^3 ($(stamp))"
timeout -s KILL 120 "$ncu" --clock-control none -k regex:bulk --launch-skip 2 --launch-count 1 \
    --section WarpStateStats --section SpeedOfLight --metrics "$metrics" \
    stencilbench run --variant cuda_bulk --grid 512 --steps 4 --reps 1 --warmup 0 --land-fraction 0 --target-noise 0 \
    --min-time 0 --no-plots --quiet --out /tmp/ncu_bulk >"$OUT/ncu_bulk.txt" 2>&1
echo "rc=$?"; grep -E "duration|inst_executed|issue_active|dram__|lts__t|warps_active|Registers|registers|occupancy_limit|Stall|stall" "$OUT/ncu_bulk.txt" | head -30
echo "== ncu cuda_resident course grid ($(stamp))"
rmetrics=gpu__time_duration.sum,smsp__inst_executed.sum,smsp__issue_active.avg.pct_of_peak_sustained_active,smsp__average_warp_latency_issue_stalled_long_scoreboard,smsp__average_warp_latency_issue_stalled_short_scoreboard,smsp__average_warp_latency_issue_stalled_barrier,smsp__average_warp_latency_issue_stalled_mio_throttle,smsp__average_warp_latency_issue_stalled_wait,smsp__average_warp_latency_issue_stalled_sleeping,launch__registers_per_thread
timeout -s KILL 150 "$ncu" --clock-control none -k regex:resident --launch-skip 0 --launch-count 1 \
    --section WarpStateStats --section SpeedOfLight --section InstructionStats --metrics "$rmetrics" \
    stencilbench run --variant cuda_resident --grid 50x222x241 --steps 100 --reps 1 --warmup 0 --target-noise 0 \
    --min-time 0 --no-plots --quiet --out /tmp/ncu_res >"$OUT/ncu_resident.txt" 2>&1
echo "rc=$?"; grep -E "duration|inst_executed|issue_active|stalled|Registers|Issued Ipc|Executed Ipc" "$OUT/ncu_resident.txt" | head -30
tar czf "$OUT/runs.tgz" -C "$OUT" runs && rm -rf "$OUT/runs"
echo "call19: done $(date -u)"
