#!/usr/bin/env bash
# One device call: validation (test_cuda), compute-sanitizer on small grids, performance.
# Run from the repo root on the GPU host after `source .device/env.sh`; logs go to $OUT.
set -u
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"
sb=stencilbench
{
    date -u; nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem,temperature.gpu,power.draw --format=csv
    lscpu | grep -E 'Model name|^CPU\(s\)'
    $sb list
} > "$OUT/machine.log" 2>&1
if [ "${SKIP_TEST:-0}" != 1 ]; then
    ( time test_cuda ) > "$OUT/test_cuda.log" 2>&1; echo "test_cuda rc=$?" >> "$OUT/test_cuda.log"
    tail -3 "$OUT/test_cuda.log"
fi
perf() { echo "== $*"; $sb run --reps 5 --warmup 1 "$@" 2>&1 | grep -vE '^copy bandwidth|^$'; }
{
    perf --variant cuda_naive,cuda_shared --grid 512 --steps 20 --land-fraction 0.5
    perf --variant cuda_naive,cuda_shared --grid 512 --steps 20 --land-fraction 0.0
    perf --variant cuda_naive,cuda_shared --grid 50x222x241 --steps 100
    perf --variant cuda_naive,cuda_shared --grid 50x222x241 --steps 100 --tuning graph=-1
    perf --variant cuda_shared --grid 512 --steps 20 --tuning graph=-1
} > "$OUT/perf.log" 2>&1
cat "$OUT/perf.log" | grep -E '^(==|cuda|GPU|  transfers| +[0-9.]+ us)'
if [ "${SKIP_TEST:-0}" != 1 ]; then
    {
        for tool in memcheck racecheck synccheck; do
            for g in 13x17x20 13x17x19; do
                for t in default graph=-1; do
                    echo "== $tool $g $t"
                    compute-sanitizer --tool $tool --error-exitcode 9 $sb run --variant cuda_naive,cuda_shared \
                        --grid $g --steps 3 --reps 1 --warmup 0 --threads 2 --tuning $t 2>&1 |
                        grep -E 'ERROR SUMMARY|RACECHECK SUMMARY|^cuda|========= (Invalid|Error|Race)' | head -12
                    echo "rc=${PIPESTATUS[0]}"
                done
            done
        done
    } > "$OUT/sanitizer.log" 2>&1
    grep -c 'rc=0' "$OUT/sanitizer.log"
fi
{
    for t in ${SWEEP_BIG:-block_x=32,block_y=4 block_x=32,block_y=16 block_x=64,block_y=4 block_x=64,block_y=8 tile_z=64 tile_z=128 tile_z=510 block_x=32,block_y=8,tile_z=32}; do
        perf --variant cuda_shared --grid 512 --steps 10 --tuning $t
    done
    for t in ${SWEEP_SMALL:-tile_z=2 tile_z=4 tile_z=8 tile_z=16 tile_z=48 block_x=32,block_y=4 block_x=64,block_y=4 block_x=32,block_y=16 block_x=64,block_y=8,tile_z=6}; do
        perf --variant cuda_shared --grid 50x222x241 --steps 100 --tuning $t
    done
    for t in ${SWEEP_NAIVE:-block_x=64,block_y=4,block_z=1 block_x=128,block_y=2,block_z=1 block_x=32,block_y=8,block_z=4}; do
        perf --variant cuda_naive --grid 512 --steps 10 --tuning $t
        perf --variant cuda_naive --grid 50x222x241 --steps 100 --tuning $t
    done
} > "$OUT/sweep.log" 2>&1
grep -E '^(==|cuda|GPU| +[0-9.]+ us/step)' "$OUT/sweep.log" | cut -c1-150
