#!/usr/bin/env bash
# Fifth device call (session 3): re-validate after the SIMD row rewrite (test_variants for the
# x86-64-v3 and, where the host has AVX-512, x86-64-v4 builds; test_cuda), then the CPU
# variants at 256^3 on the host's cores and the GPU variants at 512^3 and the course grid.
# Run from the repo root on the GPU host after `source .device/env.sh`; logs go to $OUT.
set -u
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT"
{
    date -u; nvidia-smi --query-gpu=name,driver_version --format=csv
    lscpu | grep -E 'Model name|^CPU\(s\)|Thread|Core|Socket|L3|NUMA node\(s\)'
    grep -o -w -m1 avx512f /proc/cpuinfo || echo "no avx512f"
} > "$OUT/machine.log" 2>&1
cat "$OUT/machine.log"
v4=0; grep -q -w avx512f /proc/cpuinfo && v4=1
( time test_variants ) > "$OUT/test_variants_v3.log" 2>&1; echo "test_variants v3 rc=$?"; tail -2 "$OUT/test_variants_v3.log"
if [ $v4 = 1 ]; then
    ( time test_variants-v4 ) > "$OUT/test_variants_v4.log" 2>&1; echo "test_variants v4 rc=$?"; tail -2 "$OUT/test_variants_v4.log"
fi
( time test_cuda ) > "$OUT/test_cuda.log" 2>&1; echo "test_cuda rc=$?"; tail -2 "$OUT/test_cuda.log"
cpu() { # $1 binary, $2 run folder name
    $1 run --variant openmp,openmp_counts,tiled --grid 256 --steps 10 --threads 1,2,4,8,16 \
        --reps 5 --warmup 1 --no-plots --out "$OUT/$2" > "$OUT/$2.log" 2>&1
    echo "$2 rc=$?"; grep -E '^copy|^\[' "$OUT/$2.log" | cut -c1-130
}
cpu stencilbench cpu_v3
[ $v4 = 1 ] && cpu stencilbench-v4 cpu_v4
stencilbench run --variant cuda_naive,cuda_shared --grid 512,50x222x241 --steps 20 --land-fraction 0.5 \
    --reps 5 --warmup 1 --no-plots --out "$OUT/gpu" > "$OUT/gpu.log" 2>&1
echo "gpu rc=$?"; grep -E '^copy|^\[' "$OUT/gpu.log" | cut -c1-130
