#!/usr/bin/env bash
# Session 5, call 15 (issue 15 items 3, 4, 5): cuda_resident rewritten (neighbour step counters
# instead of the grid barrier, halos read from L2 in the step itself, no integer division a row)
# against cuda_naive and cuda_shared on the course grid (100 and 1000 steps, both schemes, warps a
# block), a small and odd grids (every point validated against naive); compute-sanitizer on it;
# then the model's snapshot ring (model_ring_check.sh with the run reference) and model with
# cuda_resident.
#   source .device/env.sh && bash results/reference/h200/call15.sh "$OUT"
set -u -o pipefail
OUT=${1:?usage: call15.sh OUT}
here=$(dirname "${BASH_SOURCE[0]}")
mkdir -p "$OUT/runs"
exec > >(tee -a "$OUT/log.txt") 2>&1
STEPS=${STEPS:-info,course,san,summary,model}
want() { [[ ",$STEPS," == *",$1,"* ]]; }
stamp() { date -u +%H:%M:%SZ; }
run_sb() { # name limit args...
    local name=$1 limit=$2 rc; shift 2
    echo "== $name ($(stamp), load $(cut -d' ' -f1 /proc/loadavg)): run $*"
    timeout -s KILL "$limit" stencilbench run --quiet --no-plots --host-memory pinned --target-noise 0 \
        --out "$OUT/runs/$name" "$@" >"$OUT/runs/$name.log" 2>&1
    rc=$?; echo "rc=$rc"; grep -E "FAIL|fail|error|skipped" "$OUT/runs/$name.log" | head -5
}
echo "call15: start $(date -u); load $(cut -d' ' -f1-3 /proc/loadavg)"
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
if want model; then
    RUNREF=1 bash "$here/model_ring_check.sh" "$OUT" >/dev/null 2>&1
    tail -n 20 "$OUT/model_ring_check/log.txt"
    for v in cuda_resident cuda_shared; do
        echo "== model --variant $v --steps 1000 --save-every 100"
        timeout 60 stencilbench model --variant $v --steps 1000 --save-every 100 --output "/tmp/m_$v.nc" 2>&1 | tail -n 3
    done
    tar czf "$OUT/model_ring_check.tgz" -C "$OUT" model_ring_check && rm -rf "$OUT/model_ring_check"
fi
echo "call15: done $(date -u)"
