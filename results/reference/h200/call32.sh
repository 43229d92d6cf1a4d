#!/usr/bin/env bash
# Session 8, call 32 (branch exp-resident-pairs, .device/bin; main's kernel from call 29 in
# .device/bin/exp/lean): cuda_resident's z loop over two rows at once (each row's y neighbour
# in the other's register: 4 shared loads for 2 cells instead of 6, two independent chains a
# warp). Against main's kernel and cuda_shared on the course grid and 30x100x120, then
# test_variants, test_cuda (as far as the call's time goes) and compute-sanitizer.
#   source .device/env.sh && bash results/reference/h200/call32.sh "$OUT"
set -u -o pipefail
OUT=${1:?usage: call32.sh OUT}
here=$(dirname "${BASH_SOURCE[0]}")
bin=$(dirname "$(command -v stencilbench)")
deadline=$(( $(date +%s) + ${CALL_SECONDS:-400} ))
mkdir -p "$OUT/runs"
exec > >(tee -a "$OUT/log.txt") 2>&1
export STENCILBENCH_CACHE=/tmp/sbcache
stamp() { date -u +%H:%M:%SZ; }
run_sb() { # name limit exe args...
    local name=$1 limit=$2 exe=$3 rc; shift 3
    local left=$(( deadline - $(date +%s) - 5 ))
    [ "$left" -lt 15 ] && { echo "== $name skipped: $left s left"; return; }
    [ "$limit" -gt "$left" ] && limit=$left
    echo "== $name ($(stamp), load $(cut -d' ' -f1 /proc/loadavg)): $exe run $*"
    timeout -s KILL "$limit" "$exe" run --quiet --no-plots --target-noise 0 \
        --out "$OUT/runs/$name" "$@" >"$OUT/runs/$name.log" 2>&1
    rc=$?; echo "rc=$rc"; grep -E "FAIL|fail|error|skipped|refused|unavailable" "$OUT/runs/$name.log" | head -3
}
echo "call32: start $(date -u); load $(cut -d' ' -f1-3 /proc/loadavg)"
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem,temperature.gpu,power.draw --format=csv,noheader
timeout 60 stencilbench generate >/dev/null 2>&1; echo "generate rc=$?"
for round in 1 2; do
    run_sb pairs$round 40 "$bin/stencilbench" --variant cuda_resident,cuda_shared --grid dataset,30x100x120 --steps 10,100 --reps 9 --warmup 1
    run_sb lean$round 30 "$bin/exp/lean" --variant cuda_resident --grid dataset,30x100x120 --steps 10,100 --reps 9 --warmup 1
done
for d in pairs1 lean1 pairs2 lean2; do
    [ -f "$OUT/runs/$d/timings.csv" ] && { echo "-- $d"; python3 "$here/summarize.py" "$OUT/runs/$d/timings.csv"; }
done
timeout -s KILL 60 test_variants cuda_resident >"$OUT/test_variants.log" 2>&1
echo "test_variants cuda_resident rc=$?: $(tail -n 1 "$OUT/test_variants.log")"
san=$(command -v compute-sanitizer || ls /usr/local/cuda*/bin/compute-sanitizer 2>/dev/null | head -1)
for tool in racecheck memcheck; do
    for g in "13x17x21 block_y=3,tile_y=3" "12x30x133 default" "9x12x40 block_y=32,tile_y=1"; do
        set -- $g
        timeout -s KILL 20 "$san" --tool "$tool" --error-exitcode 9 stencilbench run --variant cuda_resident --grid "$1" \
            --steps 3 --reps 1 --warmup 0 --land-fraction 0.3 --tuning "$2" --target-noise 0 --quiet --no-plots \
            --out "/tmp/san_${tool}_$1" >/tmp/san.log 2>&1
        echo "sanitizer $tool $1 $2: rc=$? $(grep -E "ERROR SUMMARY|RACECHECK SUMMARY" /tmp/san.log | head -1)"
    done
done
left=$(( deadline - $(date +%s) - 5 ))
echo "== test_cuda with $left s ($(stamp))"
timeout -s KILL "$left" test_cuda >"$OUT/test_cuda.log" 2>&1; echo "test_cuda rc=$?"
grep -E 'check failed' "$OUT/test_cuda.log" | head -8; tail -n 3 "$OUT/test_cuda.log"
tar czf "$OUT/runs.tgz" -C "$OUT" runs && rm -rf "$OUT/runs"
echo "call32: done $(date -u)"
