#!/usr/bin/env bash
# Planned (not yet run): the first device call of the next session. `model` without --variant now
# runs the fastest variant that takes the grid (session 7; tested on the CPU with staged variants
# only): on the H200, cuda_bulk where nx is a multiple of 4, cuda_shared elsewhere, with a note on
# stderr naming what declined. Checks that on the GPU, the two predictions' values against
# cuda_shared's, and the per-step times; then test_cuda on main (about 4 minutes).
#   source .device/env.sh && bash results/reference/h200/next_model.sh "$OUT"
set -u -o pipefail
OUT=${1:?usage: next_model.sh OUT}
mkdir -p "$OUT/model"
exec > >(tee -a "$OUT/log.txt") 2>&1
export STENCILBENCH_CACHE=/tmp/sbcache
echo "next_model: start $(date -u); load $(cut -d' ' -f1-3 /proc/loadavg)"
( timeout -s KILL 330 test_cuda >"$OUT/test_cuda.log" 2>&1; echo "test_cuda rc=$?" >>"$OUT/test_cuda.log" ) &
tc=$!
timeout 60 stencilbench generate >/dev/null 2>&1 && timeout 120 stencilbench generate --grid 256 /tmp/g256.nc >/dev/null 2>&1
echo "generate rc=$?"
for input in default /tmp/g256.nc; do
    flag=(); [ "$input" = default ] || flag=(--input "$input")
    for v in default cuda_shared; do
        vflag=(); [ "$v" = default ] || vflag=(--variant "$v")
        name=$(basename "$input" .nc)_$v
        timeout -s KILL 120 stencilbench model "${flag[@]}" "${vflag[@]}" --steps 100 --save-every 10 \
            --output "/tmp/$name.nc" >"$OUT/model/$name.log" 2>&1
        echo "model $name: rc=$? $(grep -hE 'model completed in|running .* the fastest' "$OUT/model/$name.log" | tr '\n' ' ')"
    done
    # the two predictions' statistics (mean, max, min, std to 9 digits; the attributes differ)
    a=/tmp/$(basename "$input" .nc)_default.nc b=/tmp/$(basename "$input" .nc)_cuda_shared.nc
    if diff <(stencilbench summary "$a" | sed -n 3,8p) <(stencilbench summary "$b" | sed -n 3,8p); then
        echo "same statistics: $a and $b"
    else
        echo "DIFFERENT statistics: $a and $b"
    fi
done
wait $tc; grep -E 'check failed' "$OUT/test_cuda.log" | head -8; tail -n 3 "$OUT/test_cuda.log"
echo "next_model: done $(date -u)"
