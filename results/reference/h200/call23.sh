#!/usr/bin/env bash
# Session 7, call 23: branch exp-bulk-next (main + exp-bulk-any + exp-bulk-fast): cuda_bulk on every
# grid (device rows padded to a multiple of 4 cells) and the warp vote for the division-free update.
# test_cuda of that build covers main's stencil_cuda_prepare refactor too (not yet GPU-run). Then
# 512^3 (no land, half land) and 1024^3 against main's cuda_bulk, and the course grid (item 3).
# .device/bin: the branch's stencilbench, test_cuda, test_variants; .device/bin/main/stencilbench: main's.
#   source .device/env.sh && bash results/reference/h200/call23.sh "$OUT"
set -u -o pipefail
OUT=${1:?usage: call23.sh OUT}
here=$(dirname "${BASH_SOURCE[0]}")
bin=$(dirname "$(command -v stencilbench)")
deadline=$(( $(date +%s) + ${CALL_SECONDS:-575} ))
mkdir -p "$OUT/runs"
exec > >(tee -a "$OUT/log.txt") 2>&1
stamp() { date -u +%H:%M:%SZ; }
run_sb() { # name limit exe args...
    local name=$1 limit=$2 exe=$3 rc; shift 3
    local left=$(( deadline - $(date +%s) - 15 ))
    [ "$left" -lt 20 ] && { echo "== $name skipped: $left s left"; return; }
    [ "$limit" -gt "$left" ] && limit=$left
    echo "== $name ($(stamp), load $(cut -d' ' -f1 /proc/loadavg)): $exe run $*"
    timeout -s KILL "$limit" "$exe" run --quiet --no-plots --target-noise 0 \
        --out "$OUT/runs/$name" "$@" >"$OUT/runs/$name.log" 2>&1
    rc=$?; echo "rc=$rc"; grep -E "FAIL|fail|error|skipped|refused|unavailable" "$OUT/runs/$name.log" | head -5
}
echo "call23: start $(date -u); load $(cut -d' ' -f1-3 /proc/loadavg)"
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem,temperature.gpu,power.draw --format=csv,noheader
( timeout -s KILL 330 test_cuda >"$OUT/test_cuda.log" 2>&1; echo "test_cuda rc=$?" >>"$OUT/test_cuda.log" ) &
tc=$!
san=$(command -v compute-sanitizer || ls /usr/local/cuda*/bin/compute-sanitizer 2>/dev/null | head -1)
for tool in racecheck memcheck synccheck; do
    for g in "13x17x21 block_y=3,block_z=2,tile_z=3" "12x30x133 block_y=24,block_z=4" "9x12x40 default"; do
        set -- $g
        timeout -s KILL 60 "$san" --tool "$tool" --error-exitcode 9 stencilbench run --variant cuda_bulk --grid "$1" \
            --steps 2 --reps 1 --warmup 0 --land-fraction 0.3 --tuning "$2" --target-noise 0 --quiet --no-plots \
            --out "/tmp/san_${tool}_$1" >/tmp/san.log 2>&1
        echo "sanitizer $tool $1 $2: rc=$? $(grep -E "ERROR SUMMARY|RACECHECK SUMMARY" /tmp/san.log | head -1)"
    done
done
timeout -s KILL 60 test_variants cuda_bulk >"$OUT/test_variants.log" 2>&1
echo "test_variants cuda_bulk rc=$?: $(tail -n 1 "$OUT/test_variants.log")"
wait $tc
echo "== test_cuda ($(stamp))"; grep -E 'check failed' "$OUT/test_cuda.log" | head -8; tail -n 3 "$OUT/test_cuda.log"
run_sb main0 60 "$bin/main/stencilbench" --variant cuda_shared,cuda_bulk --grid 512 --steps 4 --land-fraction 0 --reps 5 --warmup 1
run_sb next0 70 "$bin/stencilbench" --variant cuda_bulk --grid 512 --steps 4 --land-fraction 0 --reps 5 --warmup 1 \
    --tuning 'default|tile_z=32|block_y=16|block_y=4'
run_sb main1024 100 "$bin/main/stencilbench" --variant cuda_shared,cuda_bulk --grid 1024 --steps 1 --land-fraction 0 --reps 3 --warmup 1
run_sb next1024 80 "$bin/stencilbench" --variant cuda_bulk --grid 1024 --steps 1 --land-fraction 0 --reps 3 --warmup 1
run_sb course 90 "$bin/stencilbench" --variant cuda_shared,cuda_resident,cuda_bulk --grid 50x222x241 --steps 100 --reps 5 --warmup 1
run_sb main0.5 60 "$bin/main/stencilbench" --variant cuda_shared,cuda_bulk --grid 512 --steps 4 --land-fraction 0.5 --reps 5 --warmup 1
run_sb next0.5 60 "$bin/stencilbench" --variant cuda_bulk --grid 512 --steps 4 --land-fraction 0.5 --reps 5 --warmup 1
run_sb coursetiles 90 "$bin/stencilbench" --variant cuda_bulk --grid 50x222x241 --steps 100 --reps 5 --warmup 1 \
    --tuning 'tile_z=4|tile_z=16|block_y=4|block_y=4,tile_z=8|block_y=2,block_z=4,tile_z=6'
for d in main0 next0 main1024 next1024 course main0.5 next0.5 coursetiles; do
    [ -f "$OUT/runs/$d/timings.csv" ] && { echo "-- $d"; python3 "$here/summarize.py" "$OUT/runs/$d/timings.csv"; }
done
tar czf "$OUT/runs.tgz" -C "$OUT" runs && rm -rf "$OUT/runs"
echo "call23: done $(date -u)"
