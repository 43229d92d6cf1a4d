#!/usr/bin/env bash
# Session 5, call 16 (issue 15 items 3, 5): cuda_resident with neighbour step counters instead of
# the grid barrier, each warp loading its rows' halos from L2 at the start of a step, no integer
# division a row, and a wait before the final store (call 15's version raced there)
# against cuda_naive and cuda_shared on the course grid (100 and 1000 steps, both schemes, warps a
# block), a small and odd grids (every point validated against naive); compute-sanitizer on it;
# then the model's snapshot ring (model_ring_check.sh with the run reference) and model with
# cuda_resident.
#   source .device/env.sh && bash results/reference/h200/call16.sh "$OUT"
set -u -o pipefail
OUT=${1:?usage: call16.sh OUT}
here=$(dirname "${BASH_SOURCE[0]}")
mkdir -p "$OUT/runs"
exec > >(tee -a "$OUT/log.txt") 2>&1
STEPS=${STEPS:-info,course,san,summary,ncu}
want() { [[ ",$STEPS," == *",$1,"* ]]; }
stamp() { date -u +%H:%M:%SZ; }
run_sb() { # name limit args...
    local name=$1 limit=$2 rc; shift 2
    echo "== $name ($(stamp), load $(cut -d' ' -f1 /proc/loadavg)): run $*"
    timeout -s KILL "$limit" stencilbench run --quiet --no-plots --host-memory pinned --target-noise 0 \
        --out "$OUT/runs/$name" "$@" >"$OUT/runs/$name.log" 2>&1
    rc=$?; echo "rc=$rc"; grep -E "FAIL|fail|error|skipped" "$OUT/runs/$name.log" | head -5
}
echo "call16: start $(date -u); load $(cut -d' ' -f1-3 /proc/loadavg)"
if want info; then
    nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,clocks.mem,temperature.gpu --format=csv,noheader
    stencilbench --version
fi
if want course; then
    run_sb course 90 --variant cuda_naive,cuda_shared,cuda_resident --grid 50x222x241 --steps 100 --reps 5 --warmup 1 \
        --tuning "${COURSE:-default|block_y=16|block_y=24|block_y=8}"
    run_sb course1000 60 --variant cuda_shared,cuda_resident --grid 50x222x241 --steps 1000 --reps 5 --warmup 1
    run_sb insulated 40 --variant cuda_shared,cuda_resident --grid 50x222x241 --steps 100 --reps 5 --warmup 1 --scheme insulated
    run_sb noland 40 --variant cuda_shared,cuda_resident --grid 50x222x241 --steps 100 --reps 5 --warmup 1 --land-fraction 0
    run_sb odd0 90 --variant cuda_resident --grid 5x7x11,37x53x71,3x200x40,60x40x700 --steps 1,7,100 --reps 1 --warmup 0 --land-fraction 0
    run_sb small 40 --variant cuda_shared,cuda_resident --grid 30x100x120 --steps 100 --reps 5 --warmup 1
    run_sb odd 90 --variant cuda_resident --grid 5x7x11,37x53x71,3x200x40,60x40x700,50x222x241 --steps 1,2,7,100 --reps 1 --warmup 0 \
        --land-fraction 0.5 --tuning 'default|block_y=1|block_y=5,tile_y=3'
fi
if want san; then
    clean=0 runs=0
    for tool in memcheck racecheck synccheck; do
        for g in 13x17x20 9x12x40 37x53x71 50x222x241; do
            [ "$tool" = racecheck ] && [ "$g" = 50x222x241 ] && continue
            runs=$((runs + 1))
            tun='default|block_y=3,tile_y=2|block_y=1'
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
    python3 "$here/summarize.py" "$OUT"/runs/*/timings.csv | grep -v "^ *[0-9]*x[0-9]*x[0-9]* .*cuda_resident .* n= 1 " || true
    echo "odd grids: $(python3 - "$OUT"/runs/odd*/timings.csv <<'PY'
import csv, sys
rows = [r for f in sys.argv[1:] for r in csv.DictReader(open(f))]
bad = [r for r in rows if r["status"] != "ok"]
print(len(rows), "rows,", len(bad), "not ok;", "largest difference", max(float(r.get("max_abs_err") or 0) for r in rows))
for r in bad[:5]: print("  ", r["nz"], r["ny"], r["nx"], r["tuning"], r["status"][:160])
PY
)"
fi
tar czf "$OUT/runs.tgz" -C "$OUT" runs && rm -rf "$OUT/runs"
if want ncu; then
    ncu=$(command -v ncu || ls /usr/local/cuda*/bin/ncu 2>/dev/null | head -1)
    metrics=gpu__time_duration.sum,smsp__inst_executed.sum,smsp__issue_active.avg.pct_of_peak_sustained_active,sm__warps_active.avg.pct_of_peak_sustained_active,smsp__average_warp_latency_issue_stalled_long_scoreboard,smsp__average_warp_latency_issue_stalled_barrier,smsp__average_warp_latency_issue_stalled_short_scoreboard,smsp__average_warp_latency_issue_stalled_membar,smsp__average_warp_latency_issue_stalled_mio_throttle,smsp__average_warp_latency_issue_stalled_sleeping,smsp__average_warp_latency_issue_stalled_branch_resolving,launch__registers_per_thread
    timeout -s KILL 120 "$ncu" --clock-control none -k regex:resident --launch-skip 1 --launch-count 1 \
        --section WarpStateStats --section SpeedOfLight --metrics "$metrics" \
        stencilbench run --variant cuda_resident --grid 50x222x241 --steps 100 --reps 1 --warmup 0 --target-noise 0 \
        --min-time 0 --no-plots --quiet --out /tmp/ncu_res >"$OUT/ncu_resident.txt" 2>&1
    echo "ncu rc=$?"; grep -E "duration|inst_executed|issue_active|warps_active|stalled|Stall|Registers" "$OUT/ncu_resident.txt" | head -30
fi
if want model; then
    RUNREF=1 bash "$here/model_ring_check.sh" "$OUT" >/dev/null 2>&1
    tail -n 20 "$OUT/model_ring_check/log.txt"
    for v in cuda_resident cuda_shared; do
        echo "== model --variant $v --steps 1000 --save-every 100"
        timeout 60 stencilbench model --variant $v --steps 1000 --save-every 100 --output "/tmp/m_$v.nc" 2>&1 | tail -n 3
    done
    tar czf "$OUT/model_ring_check.tgz" -C "$OUT" model_ring_check && rm -rf "$OUT/model_ring_check"
fi
echo "call16: done $(date -u)"
