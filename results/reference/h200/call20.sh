#!/usr/bin/env bash
# Session 6, call 20: cuda_bulk with the division-free fast path, every lane arriving on the
# ring's empty barriers (call 19's racecheck hazards), 40 registers for blocks of up to 8 rows,
# runs of 8-32 planes. test_cuda (all CUDA variants, in the background while the sanitizers
# run), test_variants cuda_bulk, then 512^3 / 1024^3 / half land against cuda_shared; the
# experiment build (no register bound, .device/bin/alt/stencilbench) beside it; Nsight.
#   source .device/env.sh && bash results/reference/h200/call20.sh "$OUT"
set -u -o pipefail
OUT=${1:?usage: call20.sh OUT}
here=$(dirname "${BASH_SOURCE[0]}")
alt=$(dirname "$(command -v stencilbench)")/alt/stencilbench
mkdir -p "$OUT/runs"
exec > >(tee -a "$OUT/log.txt") 2>&1
stamp() { date -u +%H:%M:%SZ; }
run_sb() { # name limit exe args...
    local name=$1 limit=$2 exe=$3 rc; shift 3
    echo "== $name ($(stamp), load $(cut -d' ' -f1 /proc/loadavg)): $(basename "$(dirname "$exe")") run $*"
    timeout -s KILL "$limit" "$exe" run --quiet --no-plots --target-noise 0 \
        --out "$OUT/runs/$name" "$@" >"$OUT/runs/$name.log" 2>&1
    rc=$?; echo "rc=$rc"; grep -E "FAIL|fail|error|skipped|refused|unavailable" "$OUT/runs/$name.log" | head -5
}
echo "call20: start $(date -u); load $(cut -d' ' -f1-3 /proc/loadavg)"
nvidia-smi --query-gpu=name,clocks.sm,clocks.mem,temperature.gpu,power.draw --format=csv,noheader
echo "== test_cuda in the background ($(stamp))"
( timeout -s KILL 330 test_cuda >"$OUT/test_cuda.log" 2>&1; echo "test_cuda rc=$?" >>"$OUT/test_cuda.log" ) &
tc=$!
san=$(command -v compute-sanitizer || ls /usr/local/cuda*/bin/compute-sanitizer 2>/dev/null | head -1)
for tool in racecheck memcheck synccheck; do
    for g in "13x17x20 block_y=3,block_z=2,tile_z=3" "9x40x260 block_y=7,block_z=3,tile_z=9" "20x33x132 default" "12x30x136 block_y=24,block_z=4"; do
        set -- $g
        echo "== sanitizer $tool $1 $2 ($(stamp))"
        timeout -s KILL 90 "$san" --tool "$tool" --error-exitcode 9 stencilbench run --variant cuda_bulk --grid "$1" \
            --steps 3 --reps 1 --warmup 0 --land-fraction 0.3 --tuning "$2" --target-noise 0 --quiet --no-plots \
            --out "$OUT/runs/san_${tool}_$1" >"$OUT/san_${tool}_$1.log" 2>&1
        echo "rc=$?"; grep -E "ERROR SUMMARY|RACECHECK SUMMARY|hazard|Error" "$OUT/san_${tool}_$1.log" | head -3
    done
done
echo "== test_variants cuda_bulk ($(stamp))"
timeout -s KILL 120 test_variants cuda_bulk >"$OUT/test_variants.log" 2>&1
echo "rc=$?"; grep -E 'check failed|FAIL' "$OUT/test_variants.log" | head; tail -n 2 "$OUT/test_variants.log"
wait $tc
echo "== test_cuda ($(stamp))"; grep -E 'check failed|FAIL|refused' "$OUT/test_cuda.log" | head -12; tail -n 3 "$OUT/test_cuda.log"
sb=$(command -v stencilbench)
run_sb s512 120 "$sb" --variant cuda_shared --grid 512 --steps 10 --land-fraction 0 --reps 5 --warmup 1
run_sb b512 200 "$sb" --variant cuda_bulk --grid 512 --steps 10 --land-fraction 0 --reps 5 --warmup 1 \
    --tuning 'default|block_z=4|block_z=8|block_y=4|block_y=12|block_y=16|block_y=16,block_z=4|tile_z=16|tile_z=24|tile_z=64'
run_sb alt512 120 "$alt" --variant cuda_bulk --grid 512 --steps 10 --land-fraction 0 --reps 5 --warmup 1 \
    --tuning 'default|block_z=4|tile_z=16'
run_sb b1024 200 "$sb" --variant cuda_shared,cuda_bulk --grid 1024 --steps 2 --land-fraction 0 --reps 3 --warmup 1 \
    --tuning 'default|block_y=16'
run_sb h512 100 "$sb" --variant cuda_shared,cuda_bulk --grid 512 --steps 10 --land-fraction 0.5 --reps 5 --warmup 1
for d in s512 b512 b1024 h512; do python3 "$here/summarize.py" "$OUT/runs/$d/timings.csv"; done || true
echo "-- experiment build (no register bound):"; python3 "$here/summarize.py" "$OUT/runs/alt512/timings.csv" || true
ncu=$(command -v ncu || ls /usr/local/cuda*/bin/ncu 2>/dev/null | head -1)
metrics=gpu__time_duration.sum,smsp__inst_executed.sum,smsp__issue_active.avg.pct_of_peak_sustained_active,dram__throughput.avg.pct_of_peak_sustained_elapsed,dram__bytes_read.sum,dram__bytes_write.sum,sm__warps_active.avg.pct_of_peak_sustained_active,launch__registers_per_thread,launch__occupancy_limit_registers,launch__occupancy_limit_shared_mem
echo "== ncu cuda_bulk 512^3 ($(stamp))"
timeout -s KILL 100 "$ncu" --clock-control none -k regex:bulk --launch-skip 2 --launch-count 1 \
    --section WarpStateStats --section SpeedOfLight --metrics "$metrics" \
    stencilbench run --variant cuda_bulk --grid 512 --steps 4 --reps 1 --warmup 0 --land-fraction 0 --target-noise 0 \
    --min-time 0 --no-plots --quiet --out /tmp/ncu_bulk >"$OUT/ncu_bulk.txt" 2>&1
echo "rc=$?"; grep -E "duration|inst_executed|issue_active|dram__|warps_active|registers|occupancy_limit|Warp Cycles" "$OUT/ncu_bulk.txt" | head -20
tar czf "$OUT/runs.tgz" -C "$OUT" runs && rm -rf "$OUT/runs"
for f in "$OUT"/san_*.log; do tail -n 3 "$f" >>"$OUT/sanitizers.txt"; echo "^ $f" >>"$OUT/sanitizers.txt"; rm "$f"; done
echo "call20: done $(date -u)"
