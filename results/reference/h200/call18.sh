#!/usr/bin/env bash
# Session 5, call 18 (the session's last device minutes): test_variants for cuda_resident (its
# new tunings), model with the final cuda_resident, and for issue 19 the Xeon host's topology and
# openmp / openmp_fused scaling over 4, 8 and 16 threads at 256^3 (threads pinned to cores, the
# default, and to hardware threads).
#   source .device/env.sh && bash results/reference/h200/call18.sh "$OUT"
set -u -o pipefail
OUT=${1:?usage: call18.sh OUT}
here=$(dirname "${BASH_SOURCE[0]}")
mkdir -p "$OUT/runs"
exec > >(tee -a "$OUT/log.txt") 2>&1
stamp() { date -u +%H:%M:%SZ; }
run_sb() { # name limit args...
    local name=$1 limit=$2 rc; shift 2
    echo "== $name ($(stamp), load $(cut -d' ' -f1 /proc/loadavg)): run $*"
    timeout -s KILL "$limit" stencilbench run --quiet --no-plots --target-noise 0 \
        --out "$OUT/runs/$name" "$@" >"$OUT/runs/$name.log" 2>&1
    rc=$?; echo "rc=$rc"; grep -E "FAIL|fail|error|skipped" "$OUT/runs/$name.log" | head -5
}
echo "call18: start $(date -u); load $(cut -d' ' -f1-3 /proc/loadavg)"
lscpu | grep -E 'Model name|^CPU\(s\)|Thread|Core|Socket|NUMA|L2|L3|Flags' | cut -c1-200
grep -m1 -o 'avx512[a-z]*' /proc/cpuinfo | head -3
if command -v test_variants >/dev/null; then
    echo "== test_variants cuda_resident ($(stamp))"
    timeout -s KILL 120 test_variants cuda_resident >"$OUT/test_variants.log" 2>&1
    echo "rc=$?"; grep -E 'check failed|FAIL' "$OUT/test_variants.log" | head; tail -n 2 "$OUT/test_variants.log"
fi
echo "== model --variant cuda_resident, course grid, 100 steps, a snapshot every 10 ($(stamp))"
timeout 60 stencilbench model --variant cuda_resident --steps 100 --output /tmp/m_res.nc 2>&1 | tail -n 3
timeout 60 stencilbench model --variant cuda_shared --steps 100 --output /tmp/m_sh.nc 2>&1 | tail -n 3
for t in 4 8 16; do
    run_sb t$t 120 --variant openmp,openmp_fused --grid 256 --steps 12 --threads $t --reps 5 --warmup 1
done
OMP_PROC_BIND=close OMP_PLACES=threads run_sb t16threads 120 --variant openmp,openmp_fused --grid 256 --steps 12 --threads 16 --reps 5 --warmup 1
python3 "$here/summarize.py" "$OUT"/runs/*/timings.csv | sort -k4,4 -k5 || true
for d in "$OUT"/runs/t*/; do
    python3 -c "import json,sys; m=json.load(open(sys.argv[1])); print(sys.argv[1].split('/')[-2], json.dumps(m.get('threads') or m.get('binding') or {})[:300])" "$d/machine.json" 2>/dev/null
done
tar czf "$OUT/runs.tgz" -C "$OUT" runs && rm -rf "$OUT/runs"
echo "call18: done $(date -u)"
