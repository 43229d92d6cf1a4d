#!/usr/bin/env bash
# Session 9, call 38 (the last device seconds): cuda_fused's default rows now come from the GPU's
# shared memory a block (fused_default_rows: the six-plane ring made the default tile 160 KiB at
# S = 3, more than a consumer GPU's 99 KiB). On the H200 the defaults stay 32 and 18 rows; this
# runs them, and S = 1, 4, 8, on an odd grid against naive.
#   source .device/env.sh && bash results/reference/h200/call38.sh "$OUT"
set -u -o pipefail
OUT=${1:?usage: call38.sh OUT}
mkdir -p "$OUT"
exec > >(tee -a "$OUT/log.txt") 2>&1
echo "call38: start $(date -u); load $(cut -d' ' -f1-3 /proc/loadavg)"
timeout -s KILL 60 stencilbench run --variant cuda_fused --grid 37x141x261,40x64x64 --steps 7,20 --reps 2 --warmup 0 \
    --land-fraction 0.3 --tuning 'default|steps_per_sweep=1|steps_per_sweep=4|steps_per_sweep=8' --target-noise 0 \
    --no-plots --out /tmp/c38 >"$OUT/run.log" 2>&1
echo "rc=$?"; tail -n 12 "$OUT/run.log"
python3 - /tmp/c38/timings.csv <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
print(len(rows), "rows;", sum(r["status"] == "ok" for r in rows), "ok; largest difference",
      max(float(r["max_abs_err"] or 0) for r in rows), "; tunings", sorted(set(r["tuning"] for r in rows)))
PY
echo "call38: done $(date -u)"
