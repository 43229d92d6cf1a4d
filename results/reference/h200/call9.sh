#!/usr/bin/env bash
# Session 4, call 9 (issue 15): the rewritten cuda_shared (R rows a thread, the division-free
# all-sea path, halos by cp.async, no register copies in the z loop) on the H200: tiles at
# 512^3 and 1024^3 without land, 512^3 half land, the course grid; compute-sanitizer; test_cuda.
# Build build-gpu-mpich (CUDA 80;86;90), bundle stencilbench and tests/test_cuda with
# ../shared/gpu/bundle.sh (BUNDLE_LIBS as in bundle_mpi.sh); on the GPU host:
#   source .device/env.sh && bash results/reference/h200/call9.sh "$OUT"
set -u -o pipefail
OUT=${1:?usage: call9.sh OUT}
mkdir -p "$OUT/runs"
exec > >(tee -a "$OUT/log.txt") 2>&1
STEPS=${STEPS:-info,b512,land,b1024,course,san,summary,test}
command -v test_cuda >/dev/null || STEPS=${STEPS/,test/}
want() { [[ ",$STEPS," == *",$1,"* ]]; }
stamp() { date -u +%H:%M:%SZ; }
run_sb() { # name limit args...
    local name=$1 limit=$2 rc; shift 2
    echo "== $name ($(stamp), load $(cut -d' ' -f1 /proc/loadavg)): run $*"
    timeout -s KILL "$limit" stencilbench run --quiet --no-plots --host-memory pinned --target-noise 0 \
        --out "$OUT/runs/$name" "$@" >"$OUT/runs/$name.log" 2>&1
    rc=$?; echo "rc=$rc"; grep -E "FAIL|fail|error" "$OUT/runs/$name.log" | head -5
}
echo "call9: start $(date -u); load $(cut -d' ' -f1-3 /proc/loadavg)"
if want info; then
    nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,clocks.mem,temperature.gpu --format=csv,noheader
    lscpu | grep -E 'Model name|^CPU\(s\)'; stencilbench --version
fi
want b512 && run_sb b512 150 --variant cuda_shared --grid 512 --steps 10 --land-fraction 0 --reps 5 --warmup 1 \
    --tuning "${B512:-default|tile_y=4|block_y=2,tile_y=8|block_y=4,tile_y=16|block_y=8,tile_y=16|block_y=8,tile_y=8|block_x=64,block_y=2,tile_y=4|block_x=64,block_y=4,tile_y=8|tile_z=16|tile_z=64|block_y=2,tile_y=8,tile_z=64}"
want land && run_sb land 90 --variant cuda_naive,cuda_shared --grid 512 --steps 10 --land-fraction 0.5 --reps 5 --warmup 1 \
    --tuning "${LAND:-default|tile_y=4|block_y=2,tile_y=8}"
want b1024 && run_sb b1024 150 --variant cuda_shared --grid 1024 --steps 4 --land-fraction 0 --reps 3 --warmup 1 \
    --tuning "${B1024:-default|tile_y=4|block_y=2,tile_y=8|tile_z=64}"
want course && run_sb course 120 --variant cuda_naive,cuda_shared --grid 50x222x241 --steps 100 --reps 5 --warmup 1 \
    --tuning "${COURSE:-default|tile_z=2|tile_z=4|tile_y=4,tile_z=4|block_y=2,tile_y=8,tile_z=4|block_x=16,block_y=4,tile_z=4|block_x=64,block_y=2,tile_y=2,tile_z=2}"
if want san; then
    clean=0 runs=0
    for tool in memcheck racecheck; do
        for g in 13x17x20 13x17x19 9x12x40; do
            runs=$((runs + 1))
            echo "-- $tool $g" >>"$OUT/sanitizer.log"
            timeout -s KILL 60 compute-sanitizer --tool $tool --error-exitcode 9 stencilbench run --variant cuda_shared \
                --grid $g --steps 7 --reps 1 --warmup 0 --target-noise 0 --land-fraction 0.3 \
                --tuning 'default|block_x=8,block_y=3,tile_z=2|block_x=3,block_y=2,tile_y=8,tile_z=3|tile_y=4' --quiet --no-plots \
                --out "$OUT/runs/san_${tool}_$g" >>"$OUT/sanitizer.log" 2>&1
            rc=$?; echo "rc=$rc" >>"$OUT/sanitizer.log"; [ $rc = 0 ] && clean=$((clean + 1))
            echo "$tool $g: rc=$rc ($(grep -E 'ERROR SUMMARY|RACECHECK SUMMARY' "$OUT/sanitizer.log" | tail -n 1))"
        done
    done
    echo "sanitizer runs clean: $clean of $runs"
fi
if want summary; then
python3 "$(dirname "${BASH_SOURCE[0]}")/summarize.py" "$OUT"/runs/*/timings.csv || echo "summary: python3 failed"
fi
tar czf "$OUT/runs.tgz" -C "$OUT" runs && rm -rf "$OUT/runs"
if want test; then
    echo "== test_cuda ($(stamp))"
    ( time timeout -s KILL "${TEST_LIMIT:-280}" test_cuda ) >"$OUT/test_cuda.log" 2>&1
    echo "rc=$?"; grep -E 'check failed|FAIL' "$OUT/test_cuda.log" | head -20; tail -n 6 "$OUT/test_cuda.log"
fi
echo "call9: done $(date -u)"
