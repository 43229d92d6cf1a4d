#!/usr/bin/env bash
# Sixth device call (session 3): openmp_fused (two timesteps per sweep) validated and measured on
# the H100's 16-core host, x86-64-v4 build; the full CPU study becomes the reference rows.
set -u
OUT=${OUT:-/tmp/out}; mkdir -p "$OUT/r"
test_variants-v4 > "$OUT/r/test_variants_v4.log" 2>&1; echo "test_variants v4 rc=$?"; tail -1 "$OUT/r/test_variants_v4.log"
test_variants > "$OUT/r/test_variants_v3.log" 2>&1; echo "test_variants v3 rc=$?"; tail -1 "$OUT/r/test_variants_v3.log"
stencilbench-v4 run --variant cpu --grid 256,50x222x241 --steps 10 --threads 1,2,4,8,16 --reps 5 --warmup 1 \
    --no-plots --out "$OUT/r/cpu_v4" > "$OUT/r/cpu_v4.log" 2>&1
echo "cpu_v4 rc=$?"; grep -E '^copy|^\[' "$OUT/r/cpu_v4.log" | cut -c1-130
stencilbench-v4 run --variant openmp_fused --grid 256 --steps 10 --threads 16 --reps 5 --warmup 1 \
    --tuning 'tile_y=16|tile_y=32|tile_y=64|tile_y=128|tile_y=254' --no-plots --out "$OUT/r/fused_tiles" > "$OUT/r/fused_tiles.log" 2>&1
echo "fused_tiles rc=$?"; grep -E '^\[' "$OUT/r/fused_tiles.log" | cut -c1-130
tar -C "$OUT" -czf "$OUT/call6.tgz" r && rm -rf "$OUT/r"
