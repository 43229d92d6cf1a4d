#!/usr/bin/env bash
# Session 5, call 14 (issue 15 items 2, 3, 5): cuda_resident (the course grid's field kept in
# shared memory across steps, one cooperative launch, a grid barrier a step) against cuda_naive
# and cuda_shared on the course grid, 100 and 1000 steps, both schemes; compute-sanitizer
# memcheck, racecheck and synccheck on cuda_resident and cuda_fused; then test_cuda (every CUDA
# variant against naive, with cuda_fused's final code and cuda_resident).
#   source .device/env.sh && bash results/reference/h200/call14.sh "$OUT"
set -u -o pipefail
OUT=${1:?usage: call14.sh OUT}
mkdir -p "$OUT/runs"
exec > >(tee -a "$OUT/log.txt") 2>&1
STEPS=${STEPS:-info,course,san,summary,test}
command -v test_cuda >/dev/null || STEPS=${STEPS/,test/}
want() { [[ ",$STEPS," == *",$1,"* ]]; }
stamp() { date -u +%H:%M:%SZ; }
run_sb() { # name limit args...
    local name=$1 limit=$2 rc; shift 2
    echo "== $name ($(stamp), load $(cut -d' ' -f1 /proc/loadavg)): run $*"
    timeout -s KILL "$limit" stencilbench run --quiet --no-plots --host-memory pinned --target-noise 0 \
        --out "$OUT/runs/$name" "$@" >"$OUT/runs/$name.log" 2>&1
    rc=$?; echo "rc=$rc"; grep -E "FAIL|fail|error|skipped" "$OUT/runs/$name.log" | head -5
}
echo "call14: start $(date -u); load $(cut -d' ' -f1-3 /proc/loadavg)"
if want info; then
    nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,clocks.mem,temperature.gpu --format=csv,noheader
    lscpu | grep -E 'Model name|^CPU\(s\)'; stencilbench --version
fi
if want course; then
    run_sb course 90 --variant cuda_naive,cuda_shared,cuda_resident --grid 50x222x241 --steps 100 --reps 5 --warmup 1 \
        --tuning "${COURSE:-default|block_y=16|block_y=8|tile_y=16|tile_y=20}"
    run_sb course1000 60 --variant cuda_shared,cuda_resident --grid 50x222x241 --steps 1000 --reps 5 --warmup 1
    run_sb insulated 40 --variant cuda_shared,cuda_resident --grid 50x222x241 --steps 100 --reps 5 --warmup 1 --scheme insulated
    run_sb small 40 --variant cuda_shared,cuda_resident --grid 30x100x120 --steps 100 --reps 5 --warmup 1
fi
if want test; then
    echo "== test_cuda in the background from $(stamp), beside the sanitizer runs"
    ( time timeout -s KILL "${TEST_LIMIT:-420}" test_cuda ) >"$OUT/test_cuda.log" 2>&1 &
    test_pid=$!
fi
if want san; then
    clean=0 runs=0
    for v in cuda_resident cuda_fused; do
        for tool in memcheck racecheck synccheck; do
            for g in 13x17x20 9x12x40 50x222x241; do
                [ "$v" = cuda_fused ] && [ "$g" = 50x222x241 ] && continue
                [ "$tool" = racecheck ] && [ "$g" = 50x222x241 ] && continue
                runs=$((runs + 1))
                tun='default'
                [ "$v" = cuda_resident ] && [ "$g" != 50x222x241 ] && tun='default|block_y=3,tile_y=2|block_y=1'
                [ "$v" = cuda_fused ] && tun='default|steps_per_sweep=3,block_x=8,block_y=3,tile_y=12|steps_per_sweep=2'
                echo "-- $v $tool $g" >>"$OUT/sanitizer.log"
                timeout -s KILL 90 compute-sanitizer --tool $tool --error-exitcode 9 stencilbench run --variant $v \
                    --grid $g --steps 7 --reps 1 --warmup 0 --target-noise 0 --land-fraction 0.3 \
                    --tuning "$tun" --quiet --no-plots --out "$OUT/runs/san_${v}_${tool}_$g" >>"$OUT/sanitizer.log" 2>&1
                rc=$?; echo "rc=$rc" >>"$OUT/sanitizer.log"; [ $rc = 0 ] && clean=$((clean + 1))
                echo "$v $tool $g: rc=$rc ($(grep -E 'ERROR SUMMARY|RACECHECK SUMMARY' "$OUT/sanitizer.log" | tail -n 1))"
            done
        done
    done
    echo "sanitizer runs clean: $clean of $runs"
fi
if want summary; then
python3 "$(dirname "${BASH_SOURCE[0]}")/summarize.py" "$OUT"/runs/*/timings.csv || echo "summary: python3 failed"
fi
tar czf "$OUT/runs.tgz" -C "$OUT" runs && rm -rf "$OUT/runs"
if want test; then
    wait "$test_pid"; echo "== test_cuda ($(stamp)) rc=$?"
    grep -E 'check failed|FAIL|refused' "$OUT/test_cuda.log" | head -20; tail -n 6 "$OUT/test_cuda.log"
fi
echo "call14: done $(date -u)"
