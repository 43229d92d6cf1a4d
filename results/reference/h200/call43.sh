#!/usr/bin/env bash
# Session 10, call 43: the kept cuda_resident (balanced tiles, 16 warps, two blocks a
# multiprocessor where they fit, the vote-and-branch inner loop) against the previous kernel
# (aab7aa8, .device/bin/exp/old), interleaved: the course grid and 30x100x120, 10 and 100 steps;
# h2d against cuda_shared's in the same runs (upload now finds the rows' depths on the GPU);
# then test_cuda and compute-sanitizer (racecheck, memcheck) on cuda_resident.
#   source .device/env.sh && bash results/reference/h200/call43.sh "$OUT"
set -u -o pipefail
OUT=${1:?usage: call43.sh OUT}
here=$(dirname "${BASH_SOURCE[0]}")
bin=$(dirname "$(command -v stencilbench)")
deadline=$(( $(date +%s) + 530 ))
mkdir -p "$OUT/runs"
exec > >(tee -a "$OUT/log.txt") 2>&1
export STENCILBENCH_CACHE=/tmp/sbcache
echo "call43: start $(date -u); load $(cut -d' ' -f1-3 /proc/loadavg)"
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem,temperature.gpu,power.draw --format=csv,noheader
timeout 60 stencilbench generate >/dev/null 2>&1; echo "generate rc=$?"
run_sb() { # name limit exe args...
    local name=$1 limit=$2 exe=$3; shift 3
    local left=$(( deadline - $(date +%s) - 360 ))
    [ "$left" -lt "$limit" ] && limit=$left
    [ "$limit" -lt 10 ] && { echo "== $name skipped (time)"; return; }
    echo "== $name ($(date -u +%H:%M:%SZ), load $(cut -d' ' -f1 /proc/loadavg))"
    timeout -s KILL "$limit" "$exe" run --quiet --no-plots --target-noise 0 --out "$OUT/runs/$name" "$@" \
        >"$OUT/runs/$name.log" 2>&1
    echo "rc=$?"; grep -E "FAILED|failed:|error" "$OUT/runs/$name.log" | head -3
    python3 "$here/summarize.py" "$OUT/runs/$name/timings.csv"
}
args=(--grid dataset,30x100x120 --steps 10,100 --reps 9 --warmup 1)
for round in 1 2; do
    run_sb new$round 35 "$bin/stencilbench" --variant cuda_resident,cuda_shared "${args[@]}" --tuning 'default|block_y=32'
    run_sb old$round 25 "$bin/exp/old" --variant cuda_resident "${args[@]}"
done
for d in new1 new2; do
    python3 - "$OUT/runs/$d/timings.csv" <<'PY'
import csv, statistics, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["status"] == "ok" and r["tuning"] == "default"]
for v in ("cuda_resident", "cuda_shared"):
    for g in sorted(set(f'{r["nz"]}x{r["ny"]}x{r["nx"]}' for r in rows)):
        h = [float(r["h2d_s"]) * 1e6 for r in rows if r["variant"] == v and f'{r["nz"]}x{r["ny"]}x{r["nx"]}' == g]
        if h:
            print(f"h2d {v:14} {g:12} median {statistics.median(h):8.1f} us [{min(h):.1f}-{max(h):.1f}] n={len(h)}")
PY
done
left=$(( deadline - $(date +%s) - 70 ))
echo "== test_cuda with $left s ($(date -u +%H:%M:%SZ))"
timeout -s KILL "$left" test_cuda >"$OUT/test_cuda.log" 2>&1; echo "test_cuda rc=$?"
grep -E 'check failed' "$OUT/test_cuda.log" | head -8; tail -n 3 "$OUT/test_cuda.log"
san=$(command -v compute-sanitizer || ls /usr/local/cuda*/bin/compute-sanitizer 2>/dev/null | head -1)
for tool in racecheck memcheck; do
    [ $(( deadline - $(date +%s) )) -lt 15 ] && { echo "sanitizer $tool skipped"; continue; }
    timeout -s KILL 28 "$san" --tool "$tool" --error-exitcode 9 stencilbench run --variant cuda_resident \
        --grid 20x130x97 --steps 7 --reps 1 --warmup 0 --target-noise 0 --quiet --no-plots \
        --out "/tmp/san_$tool" >/tmp/san.log 2>&1
    echo "sanitizer $tool 20x130x97 (default tiles): rc=$? $(grep -E "ERROR SUMMARY|RACECHECK SUMMARY" /tmp/san.log | head -1)"
done
nvidia-smi --query-gpu=clocks.sm,clocks.mem,temperature.gpu,power.draw --format=csv,noheader
tar czf "$OUT/runs.tgz" -C "$OUT" runs && rm -rf "$OUT/runs"
echo "call43: done $(date -u)"
