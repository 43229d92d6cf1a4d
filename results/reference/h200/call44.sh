#!/usr/bin/env bash
# Session 10, call 44 (the session's last device seconds): the kept cuda_resident with 32 warps by
# default (call 43: as fast as 16 warps on the course grid, faster on 30x100x120) and a batched
# depth kernel with a pinned copy back (call 43's upload cost 190-380 us more than cuda_shared's):
# once against the previous kernel (exp/old) with h2d beside cuda_shared's, then test_cuda and
# compute-sanitizer on cuda_resident.
#   source .device/env.sh && bash results/reference/h200/call44.sh "$OUT"
set -u -o pipefail
OUT=${1:?usage: call44.sh OUT}
here=$(dirname "${BASH_SOURCE[0]}")
bin=$(dirname "$(command -v stencilbench)")
deadline=$(( $(date +%s) + 400 ))
mkdir -p "$OUT/runs"
exec > >(tee -a "$OUT/log.txt") 2>&1
export STENCILBENCH_CACHE=/tmp/sbcache
echo "call44: start $(date -u); load $(cut -d' ' -f1-3 /proc/loadavg)"
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem,temperature.gpu,power.draw --format=csv,noheader
timeout 60 stencilbench generate >/dev/null 2>&1; echo "generate rc=$?"
args=(--grid dataset,30x100x120 --steps 10,100 --reps 9 --warmup 1 --quiet --no-plots --target-noise 0)
timeout -s KILL 30 stencilbench run --variant cuda_resident,cuda_shared "${args[@]}" --out "$OUT/runs/new" >"$OUT/runs/new.log" 2>&1
echo "new rc=$?"; python3 "$here/summarize.py" "$OUT/runs/new/timings.csv"
timeout -s KILL 25 "$bin/exp/old" run --variant cuda_resident "${args[@]}" --out "$OUT/runs/old" >"$OUT/runs/old.log" 2>&1
echo "old rc=$?"; python3 "$here/summarize.py" "$OUT/runs/old/timings.csv"
python3 - "$OUT/runs/new/timings.csv" <<'PY'
import csv, statistics, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["status"] == "ok"]
for v in ("cuda_resident", "cuda_shared"):
    for g in sorted(set(f'{r["nz"]}x{r["ny"]}x{r["nx"]}' for r in rows)):
        h = [float(r["h2d_s"]) * 1e6 for r in rows if r["variant"] == v and f'{r["nz"]}x{r["ny"]}x{r["nx"]}' == g]
        if h:
            print(f"h2d {v:14} {g:12} median {statistics.median(h):8.1f} us [{min(h):.1f}-{max(h):.1f}] n={len(h)}")
PY
left=$(( deadline - $(date +%s) - 60 ))
echo "== test_cuda with $left s ($(date -u +%H:%M:%SZ))"
timeout -s KILL "$left" test_cuda >"$OUT/test_cuda.log" 2>&1; echo "test_cuda rc=$?"
grep -E 'check failed' "$OUT/test_cuda.log" | head -8; tail -n 3 "$OUT/test_cuda.log"
san=$(command -v compute-sanitizer || ls /usr/local/cuda*/bin/compute-sanitizer 2>/dev/null | head -1)
for tool in racecheck memcheck; do
    [ $(( deadline - $(date +%s) )) -lt 12 ] && { echo "sanitizer $tool skipped"; continue; }
    timeout -s KILL 25 "$san" --tool "$tool" --error-exitcode 9 stencilbench run --variant cuda_resident \
        --grid 20x130x97 --steps 7 --reps 1 --warmup 0 --target-noise 0 --quiet --no-plots \
        --out "/tmp/san_$tool" >/tmp/san.log 2>&1
    echo "sanitizer $tool 20x130x97: rc=$? $(grep -E "ERROR SUMMARY|RACECHECK SUMMARY" /tmp/san.log | head -1)"
done
tar czf "$OUT/runs.tgz" -C "$OUT" runs && rm -rf "$OUT/runs"
echo "call44: done $(date -u)"
