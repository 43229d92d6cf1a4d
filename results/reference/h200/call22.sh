#!/usr/bin/env bash
# Session 6, call 22 (the session's last device minutes): the final cuda_bulk (call 21's build C:
# cell-by-cell arithmetic, every lane arrives, no register bound; runs of 8-16 planes). test_cuda
# in the background while the sanitizers and test_variants run, then 512^3 without land and half
# land against cuda_shared, then 1024^3 if the call has time left.
#   source .device/env.sh && bash results/reference/h200/call22.sh "$OUT"
set -u -o pipefail
OUT=${1:?usage: call22.sh OUT}
here=$(dirname "${BASH_SOURCE[0]}")
deadline=$(( $(date +%s) + ${CALL_SECONDS:-285} ))
mkdir -p "$OUT/runs"
exec > >(tee -a "$OUT/log.txt") 2>&1
stamp() { date -u +%H:%M:%SZ; }
run_sb() { # name limit args...
    local name=$1 limit=$2 rc; shift 2
    echo "== $name ($(stamp), load $(cut -d' ' -f1 /proc/loadavg)): run $*"
    timeout -s KILL "$limit" stencilbench run --quiet --no-plots --target-noise 0 \
        --out "$OUT/runs/$name" "$@" >"$OUT/runs/$name.log" 2>&1
    rc=$?; echo "rc=$rc"; grep -E "FAIL|fail|error|skipped|refused|unavailable" "$OUT/runs/$name.log" | head -5
}
echo "call22: start $(date -u); load $(cut -d' ' -f1-3 /proc/loadavg)"
nvidia-smi --query-gpu=name,clocks.sm,clocks.mem,temperature.gpu,power.draw --format=csv,noheader
( timeout -s KILL 240 test_cuda >"$OUT/test_cuda.log" 2>&1; echo "test_cuda rc=$?" >>"$OUT/test_cuda.log" ) &
tc=$!
san=$(command -v compute-sanitizer || ls /usr/local/cuda*/bin/compute-sanitizer 2>/dev/null | head -1)
for tool in racecheck memcheck synccheck; do
    for g in "13x17x20 block_y=3,block_z=2,tile_z=3" "12x30x136 block_y=24,block_z=4"; do
        set -- $g
        timeout -s KILL 60 "$san" --tool "$tool" --error-exitcode 9 stencilbench run --variant cuda_bulk --grid "$1" \
            --steps 3 --reps 1 --warmup 0 --land-fraction 0.3 --tuning "$2" --target-noise 0 --quiet --no-plots \
            --out "/tmp/san_${tool}_$1" >"/tmp/san.log" 2>&1
        echo "sanitizer $tool $1 $2: rc=$? $(grep -E "ERROR SUMMARY|RACECHECK SUMMARY" /tmp/san.log | head -1)"
    done
done
timeout -s KILL 60 test_variants cuda_bulk >"$OUT/test_variants.log" 2>&1
echo "test_variants cuda_bulk rc=$?: $(tail -n 1 "$OUT/test_variants.log")"
wait $tc
echo "== test_cuda ($(stamp))"; grep -E 'check failed' "$OUT/test_cuda.log" | head -8; tail -n 3 "$OUT/test_cuda.log"
run_sb b512 60 --variant cuda_shared,cuda_bulk --grid 512 --steps 4 --land-fraction 0 --reps 5 --warmup 1
run_sb h512 50 --variant cuda_shared,cuda_bulk --grid 512 --steps 4 --land-fraction 0.5 --reps 5 --warmup 1
left=$(( deadline - $(date +%s) ))
if [ $left -gt 45 ]; then
    run_sb b1024 $((left - 5)) --variant cuda_shared,cuda_bulk --grid 1024 --steps 1 --land-fraction 0 --reps 3 --warmup 1
else
    echo "1024^3 skipped: $left s left"
fi
for d in b512 h512 b1024; do [ -f "$OUT/runs/$d/timings.csv" ] && python3 "$here/summarize.py" "$OUT/runs/$d/timings.csv"; done
tar czf "$OUT/runs.tgz" -C "$OUT" runs && rm -rf "$OUT/runs"
echo "call22: done $(date -u)"
