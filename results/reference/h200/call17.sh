#!/usr/bin/env bash
# Session 5, call 17 (issue 15 items 3 and 5, issue 19): cuda_resident streaming each row through
# z with the z neighbours in registers (about 35 instructions a row instead of 80) against
# cuda_naive and cuda_shared on the course grid and a small one; odd grids validated against
# naive; compute-sanitizer; test_cuda (every CUDA variant, the final code); then, with the GPU
# idle, issue 19 on the 16-core Xeon host: openmp, openmp_counts and openmp_fused (2, 3 and 4
# steps a sweep) at 256^3 and 512^3, 16 threads, in two interleaved rounds.
#   source .device/env.sh && bash results/reference/h200/call17.sh "$OUT"
set -u -o pipefail
OUT=${1:?usage: call17.sh OUT}
here=$(dirname "${BASH_SOURCE[0]}")
mkdir -p "$OUT/runs"
exec > >(tee -a "$OUT/log.txt") 2>&1
STEPS=${STEPS:-info,course,test,san,summary,cpu}
command -v test_cuda >/dev/null || STEPS=${STEPS/,test/}
want() { [[ ",$STEPS," == *",$1,"* ]]; }
stamp() { date -u +%H:%M:%SZ; }
run_sb() { # name limit args...
    local name=$1 limit=$2 rc; shift 2
    echo "== $name ($(stamp), load $(cut -d' ' -f1 /proc/loadavg)): run $*"
    timeout -s KILL "$limit" stencilbench run --quiet --no-plots --target-noise 0 \
        --out "$OUT/runs/$name" "$@" >"$OUT/runs/$name.log" 2>&1
    rc=$?; echo "rc=$rc"; grep -E "FAIL|fail|error|skipped" "$OUT/runs/$name.log" | head -5
}
echo "call17: start $(date -u); load $(cut -d' ' -f1-3 /proc/loadavg)"
if want info; then
    nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,clocks.mem,temperature.gpu --format=csv,noheader
    lscpu | grep -E 'Model name|^CPU\(s\)'; stencilbench --version
fi
if want course; then
    P="--host-memory pinned"
    run_sb course 90 $P --variant cuda_naive,cuda_shared,cuda_resident --grid 50x222x241 --steps 100 --reps 5 --warmup 1 \
        --tuning "${COURSE:-default|block_y=16|block_y=28}"
    run_sb course1000 60 $P --variant cuda_shared,cuda_resident --grid 50x222x241 --steps 1000 --reps 5 --warmup 1
    run_sb insulated 40 $P --variant cuda_shared,cuda_resident --grid 50x222x241 --steps 100 --reps 5 --warmup 1 --scheme insulated
    run_sb noland 40 $P --variant cuda_shared,cuda_resident --grid 50x222x241 --steps 100 --reps 5 --warmup 1 --land-fraction 0
    run_sb small 40 $P --variant cuda_shared,cuda_resident --grid 30x100x120 --steps 100 --reps 5 --warmup 1
    run_sb odd0 90 $P --variant cuda_resident --grid 5x7x11,37x53x71,3x200x40,60x40x700 --steps 1,7,100 --reps 1 --warmup 0 --land-fraction 0
    run_sb odd 90 $P --variant cuda_resident --grid 5x7x11,37x53x71,3x200x40,60x40x700,50x222x241 --steps 1,2,7,100 --reps 1 --warmup 0 \
        --land-fraction 0.5 --tuning 'default|block_y=1|block_y=5,tile_y=3|block_y=32,tile_y=40'
fi
if want test; then
    echo "== test_cuda in the background from $(stamp), beside the sanitizer runs"
    ( time timeout -s KILL "${TEST_LIMIT:-330}" test_cuda ) >"$OUT/test_cuda.log" 2>&1 &
    test_pid=$!
fi
if want san; then
    clean=0 runs=0
    for tool in memcheck racecheck synccheck; do
        for g in 13x17x20 37x53x71 50x222x241; do
            [ "$tool" = racecheck ] && [ "$g" = 50x222x241 ] && continue
            runs=$((runs + 1))
            tun='default|block_y=3,tile_y=2|block_y=1|block_y=32,tile_y=4'
            [ "$g" = 50x222x241 ] && tun=default
            echo "-- $tool $g" >>"$OUT/sanitizer.log"
            timeout -s KILL 90 compute-sanitizer --tool $tool --error-exitcode 9 stencilbench run --variant cuda_resident \
                --grid $g --steps 7 --reps 1 --warmup 0 --target-noise 0 --land-fraction 0.3 \
                --tuning "$tun" --quiet --no-plots --out "$OUT/runs/san_${tool}_$g" >>"$OUT/sanitizer.log" 2>&1
            rc=$?; echo "rc=$rc" >>"$OUT/sanitizer.log"; [ $rc = 0 ] && clean=$((clean + 1))
            echo "$tool $g: rc=$rc ($(grep -E 'ERROR SUMMARY|RACECHECK SUMMARY' "$OUT/sanitizer.log" | tail -n 1))"
        done
    done
    echo "sanitizer runs clean: $clean of $runs"
fi
if want summary; then
    python3 "$here/summarize.py" "$OUT"/runs/*/timings.csv | grep -v " n= 1 " || true
    echo "odd grids: $(python3 - "$OUT"/runs/odd*/timings.csv <<'PY'
import csv, sys
rows = [r for f in sys.argv[1:] for r in csv.DictReader(open(f))]
bad = [r for r in rows if r["status"] != "ok"]
print(len(rows), "rows,", len(bad), "not ok;", "largest difference", max(float(r.get("max_abs_err") or 0) for r in rows))
for r in bad[:6]: print("  ", r["nz"], r["ny"], r["nx"], r["timesteps"], r["tuning"], r["status"][:150])
PY
)"
fi
if want test; then
    wait "$test_pid"; echo "== test_cuda ($(stamp)) rc=$?"
    grep -E 'check failed|FAIL' "$OUT/test_cuda.log" | head -20; tail -n 6 "$OUT/test_cuda.log"
fi
if want cpu; then
    for r in 1 2; do
        run_sb cpu_r$r 150 --variant openmp,openmp_counts --grid 256,512 --steps 12 --threads 16 --reps 5 --warmup 1
        run_sb fused_r$r 150 --variant openmp_fused --grid 256,512 --steps 12 --threads 16 --reps 5 --warmup 1 \
            --tuning 'default|steps_per_sweep=3|steps_per_sweep=4'
    done
    python3 "$here/summarize.py" "$OUT"/runs/cpu_r*/timings.csv "$OUT"/runs/fused_r*/timings.csv || true
fi
tar czf "$OUT/runs.tgz" -C "$OUT" runs && rm -rf "$OUT/runs"
echo "call17: done $(date -u)"
