#!/usr/bin/env bash
# Seventh device call (session 3): the CPU study of call5 again, now with openmp_fused, on the
# H100's 16-core host (x86-64-v4 build); then three quick 16-thread repeats to judge the noise.
set -u
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT/r"
uptime
stencilbench-v4 run --variant cpu --grid 256,50x222x241 --steps 10 --threads 1,2,4,8,16 --reps 5 --warmup 1 \
    --no-plots --out "$OUT/r/cpu_v4" > "$OUT/r/cpu_v4.log" 2>&1
echo "cpu_v4 rc=$?"; grep -E '^copy|^\[' "$OUT/r/cpu_v4.log" | cut -c1-130
for i in 1 2 3; do
    stencilbench-v4 run --variant openmp,openmp_counts,openmp_fused --grid 256 --steps 10 --threads 16 --reps 9 \
        --warmup 1 --no-plots --out "$OUT/r/repeat16_$i" 2>&1 | grep -E '^copy|^\[' | cut -c1-130
done
uptime
tar -C "$OUT" -czf "$OUT/call7.tgz" r && rm -rf "$OUT/r"
