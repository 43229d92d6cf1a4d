#!/usr/bin/env bash
# (Ran at commit c1396d7; its kernels and cuda_persistent were reverted in d5a0c16: README.md here.)
# Issue 15 on the H200, session 3 (2026-11-29): the tile kernels after the division-free
# all-sea path (kernels/cuda_tile.cuh, stencil_sea6_* in kernels/stencil_cell.h) and the new
# cuda_persistent (every timestep in one cooperative launch). Build and bundle here:
#   cmake --build build-gpu -j2 && BUNDLE_LIBS="libmpi|libopen-rte|libopen-pal|libevent|libhwloc" \
#     ../shared/gpu/bundle.sh build-gpu/stencilbench build-gpu/tests/test_cuda
# then on the GPU host: source .device/env.sh && bash results/reference/h200/gpu_call5.sh $OUT
# Steps (STEPS=...; default all, in this order, each with a time limit):
#   info      GPU, CPU, load, stencilbench list
#   course    50x222x241 half land, 100 steps: cuda_shared (graph on, off), cuda_persistent tiles
#   b512      512^3, no land and half land, 10 steps: cuda_shared tiles, cuda_persistent, cuda_naive
#   b1024     1024^3 no land, 6 steps: cuda_shared default and 32x8, cuda_persistent
#   san       compute-sanitizer memcheck and racecheck: cuda_shared, cuda_persistent, 3 small grids
#   test      tests/test_cuda: every CUDA variant against naive, bit for bit (limit 270 s)
#   summary   medians per point against the in-run copy's single-sweep limit
# Output: OUT/log.txt, OUT/runs.tgz (run folders), OUT/test_cuda.log, OUT/sanitizer.log.
set -u -o pipefail
OUT=${1:-${OUT:-/tmp/out}}
mkdir -p "$OUT/runs" || exit 2
exec > >(tee -a "$OUT/log.txt") 2>&1
STEPS=${STEPS:-info,course,b512,b1024,san,test,summary}
sb=stencilbench failed=""
want() { [[ ",$STEPS," == *",$1,"* ]]; }
stamp() { date -u +%H:%M:%SZ; }
done_step() { echo "== $1: rc=$2 at $(stamp) (load $(cut -d' ' -f1-3 /proc/loadavg))"; [ "$2" = 0 ] || failed="$failed $1($2)"; }
run_sb() { # name limit args...
    local name=$1 limit=$2 rc; shift 2
    echo "== $name ($(stamp)): $sb run $*"
    timeout -s KILL "$limit" "$sb" run --quiet --no-plots --host-memory pinned --out "$OUT/runs/$name" "$@" >"$OUT/runs/$name.log" 2>&1
    rc=$?; tail -n 4 "$OUT/runs/$name.log"; done_step "$name" $rc
}
echo "gpu_call5.sh: start $(date -u), steps $STEPS"
if want info; then
    nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,clocks.mem,power.limit,temperature.gpu --format=csv
    lscpu | grep -E 'Model name|^CPU\(s\)'; uptime; "$sb" --version; "$sb" list
    done_step info 0
fi
if want course; then
    run_sb course 120 --variant cuda_shared,cuda_persistent --grid 50x222x241 --steps 100 --reps 9 --warmup 2 \
        --tuning "${COURSE_TUNINGS:-default|graph=-1|block_y=8|tile_z=8|block_y=8,tile_z=4|block_y=8,tile_z=8|block_x=64,block_y=4,tile_z=6}"
fi
if want b512; then
    run_sb b512 150 --variant cuda_shared,cuda_persistent --grid 512 --steps 10 --land-fraction 0 --reps 5 --warmup 1 \
        --tuning "${B512_TUNINGS:-default|block_y=8|block_x=64,block_y=4|block_x=16,block_y=8|block_y=8,tile_z=16}"
    run_sb b512land 90 --variant cuda_naive,cuda_shared,cuda_persistent --grid 512 --steps 10 --land-fraction 0.5 --reps 5 --warmup 1
fi
if want b1024; then
    run_sb b1024 "${B1024_LIMIT:-150}" --variant cuda_shared,cuda_persistent --grid 1024 --steps 6 --land-fraction 0 --reps 3 --warmup 1 \
        --tuning "${B1024_TUNINGS:-default|block_y=8}"
fi
if want san; then
    clean=0 runs=0
    for tool in memcheck racecheck; do
        for g in 13x17x20 13x17x19 9x12x40; do
            runs=$((runs + 1))
            echo "-- $tool $g" >>"$OUT/sanitizer.log"
            timeout -s KILL 60 compute-sanitizer --tool $tool --error-exitcode 9 "$sb" run --variant cuda_shared,cuda_persistent \
                --grid $g --steps 7 --reps 1 --warmup 0 --target-noise 0 --land-fraction 0.3 \
                --tuning 'default|block_x=8,block_y=3,tile_z=2' --quiet --no-plots --out "$OUT/runs/san_${tool}_$g" >>"$OUT/sanitizer.log" 2>&1
            rc=$?; echo "rc=$rc" >>"$OUT/sanitizer.log"; [ $rc = 0 ] && clean=$((clean + 1))
            echo "$tool $g: rc=$rc ($(grep -E 'ERROR SUMMARY|RACECHECK SUMMARY' "$OUT/sanitizer.log" | tail -n 1))"
        done
    done
    echo "sanitizer runs clean: $clean of $runs"; done_step san $((runs - clean))
fi
if want test; then
    echo "== test ($(stamp)): test_cuda"
    ( time timeout -s KILL 270 test_cuda ) >"$OUT/test_cuda.log" 2>&1
    rc=$?; grep -E 'check failed' "$OUT/test_cuda.log" | head -20; tail -n 5 "$OUT/test_cuda.log"; done_step test $rc
fi
if want summary; then
    python3 - "$OUT"/runs/*/timings.csv <<'PY' || echo "summary: python3 failed"
import csv, statistics, sys
pts = {}
for f in sys.argv[1:]:
    if "/san_" in f: continue
    for r in csv.DictReader(open(f)):
        key = (f'{r["nz"]}x{r["ny"]}x{r["nx"]}', r.get("land_fraction", ""), r["timesteps"], r["variant"], r["tuning"])
        pts.setdefault(key, []).append(r)
for key in sorted(pts):
    rs = [r for r in pts[key] if r["status"] == "ok"]
    if not rs:
        print(key, "NOT OK:", pts[key][0]["status"][:100]); continue
    rate = [float(r["cell_updates_per_s"]) for r in rs]
    copy = statistics.median(float(r["copy_gbps"]) for r in rs)
    us = statistics.median(float(r["compute_s"]) for r in rs) / int(key[2]) * 1e6
    m = statistics.median(rate)
    print(f"{key[0]:>11} land {key[1]:>4} {key[3]:16} {m/1e9:7.1f} G/s [{min(rate)/1e9:.1f}-{max(rate)/1e9:.1f}] n={len(rs):2} "
          f"{m*8/1e9/copy*100:5.1f}% of copy {copy:.0f} GB/s  {us:8.2f} us/step  {key[4]}")
PY
fi
tar czf "$OUT/runs.tgz" -C "$OUT" runs && rm -rf "$OUT/runs"
echo "gpu_call5.sh: done $(date -u); failed:${failed:- none}"
