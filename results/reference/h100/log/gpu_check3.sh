#!/usr/bin/env bash
# Third device call (final code): sweep around the defaults, validation, sanitizers, the CLI.
set -u
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"
sb=stencilbench
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem,temperature.gpu,power.draw --format=csv > "$OUT/machine.log" 2>&1
{
    sweep_cuda cuda_shared 50x222x241 100 0.5 9 default graph=-1 tile_z=6 tile_z=12 block_x=32,block_y=8,tile_z=8 block_x=64,block_y=2,tile_z=8
    sweep_cuda cuda_naive 50x222x241 100 0.5 9 default graph=-1 block_x=32,block_y=4,block_z=2 block_x=32,block_y=2,block_z=8
    sweep_cuda cuda_shared 512 10 0.5 7 default graph=-1 tile_z=16 tile_z=64 block_x=16,block_y=8,tile_z=32 block_x=32,block_y=8,tile_z=32
    sweep_cuda cuda_naive 512 10 0.5 7 default block_x=32,block_y=4,block_z=2
} > "$OUT/sweep.log" 2>&1
cat "$OUT/sweep.log"
perf() { echo "== stencilbench run --reps 5 --warmup 1 $*"; $sb run --reps 5 --warmup 1 "$@" 2>&1 | grep -vE '^$'; }
{
    perf --variant cuda_naive,cuda_shared --grid 50x222x241 --steps 100
    perf --variant cuda_naive,cuda_shared --grid 512 --steps 20 --land-fraction 0.5
    perf --variant cuda_naive,cuda_shared --grid 512 --steps 20 --land-fraction 0.0
} > "$OUT/perf.log" 2>&1
grep -E '^(==|cuda|GPU|  transfers| +[0-9.]+ us)' "$OUT/perf.log" | cut -c1-200
( time test_cuda ) > "$OUT/test_cuda.log" 2>&1; echo "test_cuda rc=$?" >> "$OUT/test_cuda.log"
tail -4 "$OUT/test_cuda.log"
{
    for tool in memcheck racecheck; do
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
echo "sanitizer runs clean: $(grep -c 'rc=0' "$OUT/sanitizer.log") of 8"
