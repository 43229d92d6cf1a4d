#!/usr/bin/env bash
# Session 7, call 27 (the session's last 250 s of device time): (1) `model` on the course grid
# with cuda_resident against cuda_shared, 100 steps, a snapshot every 10 (is cuda_resident, 2 %
# faster in `run` at 100 steps a launch, also faster in model's chunks of 10, and are the two
# predictions byte-identical?); (2) cuda_bulk with the x neighbours taken by warp shuffles
# (branch exp-bulk-shfl, .device/bin/exp/stencilbench) against main's, 512^3 without land
# (Nsight, call 24: the shared-memory x loads cost 29 % excess wavefronts); (3) cuda_bulk
# against cuda_shared on smaller grids.
#   source .device/env.sh && bash results/reference/h200/call27.sh "$OUT"
set -u -o pipefail
OUT=${1:?usage: call27.sh OUT}
here=$(dirname "${BASH_SOURCE[0]}")
bin=$(dirname "$(command -v stencilbench)")
deadline=$(( $(date +%s) + ${CALL_SECONDS:-150} ))
mkdir -p "$OUT/runs" "$OUT/model"
exec > >(tee -a "$OUT/log.txt") 2>&1
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
echo "call27: start $(date -u); load $(cut -d' ' -f1-3 /proc/loadavg)"
export STENCILBENCH_CACHE=/tmp/sbcache
timeout 60 stencilbench generate >"$OUT/model/generate.log" 2>&1; echo "generate rc=$?"
for rep in 1 2; do
    for v in cuda_shared cuda_resident; do
        timeout -s KILL 40 stencilbench model --variant $v --steps 100 --save-every 10 \
            --output "/tmp/m_${v}_$rep.nc" >"$OUT/model/${v}_$rep.log" 2>&1
        echo "model $v rep $rep: rc=$? $(grep -E 'model completed in' "$OUT/model/${v}_$rep.log")"
    done
done
cmp /tmp/m_cuda_shared_1.nc /tmp/m_cuda_resident_1.nc && echo "same file: cuda_shared and cuda_resident predictions are byte-identical"
run_sb mainbulk 40 "$bin/stencilbench" --variant cuda_bulk --grid 512 --steps 4 --land-fraction 0 --reps 5 --warmup 1
run_sb shflbulk 40 "$bin/exp/stencilbench" --variant cuda_bulk --grid 512 --steps 4 --land-fraction 0 --reps 5 --warmup 1
run_sb small 40 "$bin/stencilbench" --variant cuda_shared,cuda_bulk --grid 128,256 --steps 20 --land-fraction 0 --reps 5 --warmup 1
for d in mainbulk shflbulk small; do
    [ -f "$OUT/runs/$d/timings.csv" ] && { echo "-- $d"; python3 "$here/summarize.py" "$OUT/runs/$d/timings.csv"; }
done
tar czf "$OUT/runs.tgz" -C "$OUT" runs && rm -rf "$OUT/runs"
echo "call27: done $(date -u)"
