#!/usr/bin/env bash
# Session 10, call 39: issue 15 item 3. cuda_resident's tiles now balanced by their sea
# (kernels/resident_plan.h: on the course grid the costliest tile falls from 720 to 425 sea
# row-planes) and its inner loop without a branch a cell (warp vote, then the division-free
# update; every lane stores). Against the previous kernel (aab7aa8, .device/bin/exp/old) in the same
# call, interleaved: the course grid (dataset) and 30x100x120, 10 and 100 steps a launch; a sweep of
# warps and equal tiles (tile_y); then test_cuda and compute-sanitizer on cuda_resident.
#   source .device/env.sh && bash results/reference/h200/call39.sh "$OUT"
set -u -o pipefail
OUT=${1:?usage: call39.sh OUT}
here=$(dirname "${BASH_SOURCE[0]}")
bin=$(dirname "$(command -v stencilbench)")
deadline=$(( $(date +%s) + 575 ))
mkdir -p "$OUT/runs"
exec > >(tee -a "$OUT/log.txt") 2>&1
export STENCILBENCH_CACHE=/tmp/sbcache
echo "call39: start $(date -u); load $(cut -d' ' -f1-3 /proc/loadavg)"
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem,temperature.gpu,power.draw --format=csv,noheader
timeout 60 stencilbench generate >/dev/null 2>&1; echo "generate rc=$?"
run_sb() { # name limit exe args...
    local name=$1 limit=$2 exe=$3; shift 3
    local left=$(( deadline - $(date +%s) - 300 ))
    [ "$left" -lt "$limit" ] && limit=$left
    [ "$limit" -lt 15 ] && { echo "== $name skipped (time)"; return; }
    echo "== $name ($(date -u +%H:%M:%SZ), load $(cut -d' ' -f1 /proc/loadavg))"
    timeout -s KILL "$limit" "$exe" run --quiet --no-plots --target-noise 0 --out "$OUT/runs/$name" "$@" \
        >"$OUT/runs/$name.log" 2>&1
    echo "rc=$?"; grep -E "FAILED|failed:|error" "$OUT/runs/$name.log" | head -5
    python3 "$here/summarize.py" "$OUT/runs/$name/timings.csv"
}
for round in 1 2; do
    run_sb new$round 40 "$bin/stencilbench" --variant cuda_resident,cuda_shared --grid dataset,30x100x120 \
        --steps 10,100 --reps 9 --warmup 1
    run_sb old$round 40 "$bin/exp/old" --variant cuda_resident --grid dataset,30x100x120 --steps 10,100 --reps 9 --warmup 1
done
run_sb sweep 50 "$bin/stencilbench" --variant cuda_resident --grid dataset --steps 100 --reps 5 --warmup 1 \
    --tuning 'default|block_y=16|block_y=24|tile_y=14|tile_y=8'
# upload: the depth kernel and the depths' copy back on every upload (the tiles are cut again only
# when they change): h2d against cuda_shared's in the same runs (new1, new2)
for d in new1 new2; do
    python3 - "$OUT/runs/$d/timings.csv" <<'PY'
import csv, statistics, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["status"] == "ok" and r["timesteps"] == "100"]
for v in ("cuda_resident", "cuda_shared"):
    for g in sorted(set(f'{r["nz"]}x{r["ny"]}x{r["nx"]}' for r in rows)):
        h = [float(r["h2d_s"]) * 1e6 for r in rows if r["variant"] == v and f'{r["nz"]}x{r["ny"]}x{r["nx"]}' == g]
        if h:
            print(f"h2d {v:14} {g:12} median {statistics.median(h):8.1f} us [{min(h):.1f}-{max(h):.1f}]")
PY
done
left=$(( deadline - $(date +%s) - 60 ))
echo "== test_cuda with $left s ($(date -u +%H:%M:%SZ))"
timeout -s KILL "$left" test_cuda >"$OUT/test_cuda.log" 2>&1; echo "test_cuda rc=$?"
grep -E 'check failed' "$OUT/test_cuda.log" | head -8; tail -n 3 "$OUT/test_cuda.log"
san=$(command -v compute-sanitizer || ls /usr/local/cuda*/bin/compute-sanitizer 2>/dev/null | head -1)
for tool in racecheck memcheck; do
    [ $(( deadline - $(date +%s) )) -lt 20 ] && { echo "sanitizer $tool skipped"; continue; }
    timeout -s KILL 25 "$san" --tool "$tool" --error-exitcode 9 stencilbench run --variant cuda_resident \
        --grid 20x130x97 --steps 7 --reps 1 --warmup 0 --tuning 'block_y=8' --target-noise 0 --quiet --no-plots \
        --out "/tmp/san_$tool" >/tmp/san.log 2>&1
    echo "sanitizer $tool 20x130x97: rc=$? $(grep -E "ERROR SUMMARY|RACECHECK SUMMARY" /tmp/san.log | head -1)"
done
nvidia-smi --query-gpu=clocks.sm,clocks.mem,temperature.gpu,power.draw --format=csv,noheader
tar czf "$OUT/runs.tgz" -C "$OUT" runs && rm -rf "$OUT/runs"
echo "call39: done $(date -u)"
