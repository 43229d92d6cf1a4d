#!/usr/bin/env bash
# Session 9, call 35: cuda_fused with level 0's planes copied 3 planes ahead into a shared ring
# by cp.async (call 34's kernel loaded one plane ahead into registers and was bound by load
# latency: steps_per_sweep 1 reached 210 G, 0.40 of the copy). 512^3 without land and half land,
# the course grid, against cuda_bulk, cuda_shared and cuda_resident in the same runs; then
# test_cuda on this build and compute-sanitizer on cuda_fused.
#   source .device/env.sh && bash results/reference/h200/call35.sh "$OUT"
set -u -o pipefail
OUT=${1:?usage: call35.sh OUT}
here=$(dirname "${BASH_SOURCE[0]}")
deadline=$(( $(date +%s) + 570 ))
mkdir -p "$OUT/runs"
exec > >(tee -a "$OUT/log.txt") 2>&1
export STENCILBENCH_CACHE=/tmp/sbcache
echo "call35: start $(date -u); load $(cut -d' ' -f1-3 /proc/loadavg)"
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem,temperature.gpu,power.draw --format=csv,noheader
run_sb() { # name limit args...
    local name=$1 limit=$2; shift 2
    local left=$(( deadline - $(date +%s) - 150 ))
    [ "$left" -lt "$limit" ] && limit=$left
    [ "$limit" -lt 15 ] && { echo "== $name skipped (time)"; return; }
    echo "== $name ($(date -u +%H:%M:%SZ), load $(cut -d' ' -f1 /proc/loadavg))"
    timeout -s KILL "$limit" stencilbench run --quiet --no-plots --target-noise 0 --out "$OUT/runs/$name" "$@" \
        >"$OUT/runs/$name.log" 2>&1
    echo "rc=$?"; grep -E "FAILED|failed:|error" "$OUT/runs/$name.log" | head -5
    python3 "$here/summarize.py" "$OUT/runs/$name/timings.csv"
}
run_sb f512 150 --variant cuda_fused,cuda_bulk --grid 512 --steps 8 --land-fraction 0 --reps 5 --warmup 1 \
    --tuning 'default|steps_per_sweep=1|steps_per_sweep=3|steps_per_sweep=4|steps_per_sweep=2,block_y=16|steps_per_sweep=3,block_y=16|steps_per_sweep=2,block_y=24'
run_sb half512 50 --variant cuda_fused,cuda_shared --grid 512 --steps 8 --land-fraction 0.5 --reps 5 --warmup 1 \
    --tuning 'default|steps_per_sweep=3'
run_sb course 40 --variant cuda_fused,cuda_resident --grid dataset --steps 100 --reps 9 --warmup 1 \
    --tuning 'default|steps_per_sweep=3'
left=$(( deadline - $(date +%s) - 75 ))
echo "== test_cuda with $left s ($(date -u +%H:%M:%SZ))"
timeout -s KILL "$left" test_cuda >"$OUT/test_cuda.log" 2>&1; echo "test_cuda rc=$?"
grep -E 'check failed' "$OUT/test_cuda.log" | head -8; tail -n 3 "$OUT/test_cuda.log"
san=$(command -v compute-sanitizer || ls /usr/local/cuda*/bin/compute-sanitizer 2>/dev/null | head -1)
for tool in racecheck memcheck; do
    for g in "13x17x21 steps_per_sweep=3,block_y=7" "7x12x250 steps_per_sweep=5,block_y=11"; do
        set -- $g
        [ $(( deadline - $(date +%s) )) -lt 20 ] && { echo "sanitizer $tool $1 skipped"; continue; }
        timeout -s KILL 25 "$san" --tool "$tool" --error-exitcode 9 stencilbench run --variant cuda_fused --grid "$1" \
            --steps 7 --reps 1 --warmup 0 --land-fraction 0.3 --tuning "$2" --target-noise 0 --quiet --no-plots \
            --out "/tmp/san_${tool}_$1" >/tmp/san.log 2>&1
        echo "sanitizer $tool $1 $2: rc=$? $(grep -E "ERROR SUMMARY|RACECHECK SUMMARY" /tmp/san.log | head -1)"
    done
done
nvidia-smi --query-gpu=clocks.sm,clocks.mem,temperature.gpu,power.draw --format=csv,noheader
tar czf "$OUT/runs.tgz" -C "$OUT" runs && rm -rf "$OUT/runs"
echo "call35: done $(date -u)"
