#!/usr/bin/env bash
# Issue 15 on the H200: validate every CUDA variant (cuda_fused included), check cuda_fused
# under compute-sanitizer, and measure cuda_fused (temporal blocking) against cuda_shared.
#
# Build here (the Debian build machine), with CUDA:
#   cmake -B build-gpu -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES="80;86;90"
#   cmake --build build-gpu -j2
#   ../shared/gpu/bundle.sh build-gpu/stencilbench build-gpu/tests/test_cuda build-gpu/tests/sweep_cuda
# then on the GPU host, from the repository root:
#   source .device/env.sh && bash results/reference/h200/gpu_issue15.sh $OUT
#
# Steps (STEPS="info,test,sanitizer,bench512,bench1024,course,summary" picks some; default
# all; each has a time limit, a failure is reported and the next step still runs). Expected
# about 8 to 10 minutes in all; where one call has less, split it in two with the same OUT:
#   STEPS=info,test,sanitizer ...   then   STEPS=bench512,bench1024,course,summary ...
#   info       nvidia-smi, lscpu, stencilbench --version and list
#   test       tests/test_cuda: every CUDA variant against naive, bit for bit (limit 300 s;
#              on the H100 it took 3 minutes before cuda_fused was added: expect 4 to 5)
#   sanitizer  compute-sanitizer memcheck and racecheck on 13x17x20 and 13x17x19, 7 and 9
#              steps: cuda_naive, cuda_shared (default) and cuda_fused (several S and tiles)
#   bench512   512^3, no land, 24 steps (S = 2, 3, 4, 6, 8 divide it; 5 and 7 end with one
#              4- or 3-step sweep), pinned: cuda_shared (2 tile shapes) and cuda_fused for
#              steps_per_sweep 2..8 x 3 or 4 tile shapes that fit the registers at that S
#   bench1024  1024^3, no land: cuda_shared and cuda_fused's default and best tuning of bench512
#              (steps: the smallest multiple of S from 8 up; naive on the CPU takes ~2 s a step)
#   course     50x222x241 (synthetic, half land), 100 steps, 9 repetitions: cuda_naive,
#              cuda_shared, cuda_fused S = 2..8 with two tile shapes
#   summary    medians per point from OUT/timings.csv (python3), best per grid and variant,
#              against the single-sweep limit (in-run copy bandwidth / 8 bytes)
# Output in OUT: log.txt (everything), timings.csv (all stencilbench rows, merged),
# runs/<step>/ (each run folder: timings.csv, machine.json), test_cuda.log, sanitizer.log.
set -u -o pipefail
OUT=${1:-${OUT:-/tmp/out}}
mkdir -p "$OUT/runs" || { echo "gpu_issue15.sh: cannot create $OUT" >&2; exit 2; }
exec > >(tee -a "$OUT/log.txt") 2>&1
STEPS=${STEPS:-info,test,sanitizer,bench512,bench1024,course,summary}
sb=${SB:-stencilbench}
failed=""
want() { [[ ",$STEPS," == *",$1,"* ]]; }
stamp() { date -u +%H:%M:%SZ; }
step_done() { # $1 step, $2 rc
    echo "== $1: rc=$2 at $(stamp)"
    [ "$2" = 0 ] || failed="$failed $1(rc=$2)"
}
run_sb() { # $1 step name, $2 time limit (s), then stencilbench run arguments
    local name=$1 limit=$2 rc
    shift 2
    echo "== $name ($(stamp)): $sb run $*"
    timeout "$limit" "$sb" run --quiet --no-plots --host-memory pinned --out "$OUT/runs/$name" "$@" \
        >"$OUT/runs/$name.log" 2>&1
    rc=$?
    tail -n 6 "$OUT/runs/$name.log"
    step_done "$name" $rc
}

echo "gpu_issue15.sh: start $(date -u), OUT=$OUT, steps $STEPS"
if want info; then
    nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.max.sm,clocks.mem,power.limit,temperature.gpu --format=csv
    lscpu | grep -E 'Model name|^CPU\(s\)'
    "$sb" --version
    "$sb" list
    command -v compute-sanitizer python3 || true
    step_done info 0
fi

if want test; then
    echo "== test ($(stamp)): test_cuda (limit 300 s), log $OUT/test_cuda.log"
    ( time timeout 300 test_cuda ) >"$OUT/test_cuda.log" 2>&1
    rc=$?
    grep -E 'check failed|refused|out of memory' "$OUT/test_cuda.log" | head -20
    tail -n 6 "$OUT/test_cuda.log"
    step_done test $rc
fi

if want sanitizer; then
    echo "== sanitizer ($(stamp)): log $OUT/sanitizer.log"
    clean=0 runs=0
    if command -v compute-sanitizer >/dev/null; then
        fused='default|steps_per_sweep=2|steps_per_sweep=8|steps_per_sweep=3,block_x=7,block_y=3,tile_y=12,tile_z=2'
        fused+='|steps_per_sweep=5,block_x=64,block_y=4,tile_y=16,graph=-1|steps_per_sweep=7,block_x=15,block_y=8,tile_y=32,tile_z=1'
        for tool in memcheck racecheck; do
            for g in 13x17x20 13x17x19; do
                runs=$((runs + 1))
                echo "-- $tool $g" >>"$OUT/sanitizer.log"
                timeout 60 compute-sanitizer --tool $tool --error-exitcode 9 "$sb" run \
                    --variant cuda_naive,cuda_shared,cuda_fused --grid $g --steps 7,9 --reps 1 \
                    --warmup 0 --tuning "$fused" --quiet --no-plots --out "$OUT/runs/san_${tool}_$g" \
                    >>"$OUT/sanitizer.log" 2>&1
                rc=$?
                echo "rc=$rc" >>"$OUT/sanitizer.log"
                [ $rc = 0 ] && clean=$((clean + 1))
                echo "$tool $g: rc=$rc ($(grep -E 'ERROR SUMMARY|RACECHECK SUMMARY' "$OUT/sanitizer.log" | tail -n 1))"
            done
        done
        echo "sanitizer runs clean: $clean of $runs"
        step_done sanitizer $((runs - clean))
    else
        echo "compute-sanitizer is not on PATH"
        step_done sanitizer 127
    fi
fi

# cuda_fused tunings at steps_per_sweep S whose blocks fit the registers (sm_90 build, 4 rows a
# thread: 106 registers a thread at S=4, 159 at S=8; 65536 a block). The default tile is 64x8
# threads (64x32 cells) up to S=5 and 48x8 from S=6; then 32x8 (32x32), 128x4 (128x16), 64x16
# with 2 rows a thread (64x32, 1024 threads) and 64x5 (64x20).
fused_tunings() { # $1 S
    local s=$1
    if [ "$s" -le 5 ]; then
        echo "steps_per_sweep=$s|steps_per_sweep=$s,block_x=32,block_y=8|steps_per_sweep=$s,block_x=128,block_y=4,tile_y=16|steps_per_sweep=$s,block_x=64,block_y=16,tile_y=32"
    else
        echo "steps_per_sweep=$s|steps_per_sweep=$s,block_x=64,block_y=5,tile_y=20|steps_per_sweep=$s,block_x=32,block_y=8"
    fi
}

if want bench512; then
    t='default|block_x=64,block_y=4'
    for s in 2 3 4 5 6 7 8; do t+="|$(fused_tunings $s)"; done
    run_sb bench512 170 --variant cuda_shared,cuda_fused --grid 512 --steps 24 --land-fraction 0 \
        --reps 5 --warmup 1 --tuning "$t"
fi

# The best cuda_fused tunings (median rate) in a run folder's timings.csv, one a line, "," between knobs.
best_fused() { # $1 timings.csv, $2 how many
    python3 - "$1" "$2" <<'PY'
import csv, statistics, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["variant"] == "cuda_fused" and r["status"] == "ok"]
by = {}
for r in rows:
    by.setdefault(r["tuning"], []).append(float(r["cell_updates_per_s"]))
best = sorted(by, key=lambda t: -statistics.median(by[t]))[: int(sys.argv[2])]
print("\n".join(t.replace(";", ",") for t in best))
PY
}

if want bench1024; then
    csv512=$OUT/runs/bench512/timings.csv
    if [ -f "$csv512" ] && command -v python3 >/dev/null; then
        mapfile -t best < <(best_fused "$csv512" 1)
    else
        best=()
    fi
    if [ "${#best[@]}" = 0 ] || [ -z "${best[0]}" ]; then
        best=("steps_per_sweep=4")
        echo "bench1024: no cuda_fused result of bench512 to pick from: steps_per_sweep=4"
    fi
    for b in "${best[@]}"; do
        [ -n "$b" ] || continue
        s=$(sed -n 's/.*steps_per_sweep=\([0-9]*\).*/\1/p' <<<"$b")
        s=${s:-4}
        steps=$(( (8 + s - 1) / s * s ))
        run_sb "bench1024_S$s" 120 --variant cuda_shared,cuda_fused --grid 1024 --steps $steps \
            --land-fraction 0 --reps 3 --warmup 1 --tuning "default|$b"
    done
fi

if want course; then
    t='default|graph=-1'
    for s in 2 3 4 5 6 7 8; do
        t+="|steps_per_sweep=$s"
        [ $s -le 7 ] && t+="|steps_per_sweep=$s,block_x=32,block_y=8,tile_y=16,tile_z=8"
    done
    run_sb course 90 --variant cuda_naive,cuda_shared,cuda_fused --grid 50x222x241 --steps 100 \
        --reps 9 --warmup 2 --tuning "$t"
fi

# Merge every run's rows (one header) into OUT/timings.csv.
merged=$OUT/timings.csv
rm -f "$merged"
for csv in "$OUT"/runs/bench*/timings.csv "$OUT"/runs/course/timings.csv; do
    [ -f "$csv" ] || continue
    [ -f "$merged" ] || head -n 1 "$csv" >"$merged"
    tail -n +2 "$csv" >>"$merged"
done

if want summary && [ -f "$merged" ]; then
    echo "== summary ($(stamp)): medians over repetitions, from $merged"
    python3 - "$merged" <<'PY' || echo "summary: python3 failed"
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
bad = [r for r in rows if r["status"] != "ok"]
pts = {}
for r in rows:
    if r["status"] != "ok":
        continue
    key = (f'{r["nz"]}x{r["ny"]}x{r["nx"]}', r["timesteps"], r["variant"], r["tuning"])
    pts.setdefault(key, []).append(r)
def med(rs, col):
    return statistics.median(float(r[col]) for r in rs)
lines = []
for (grid, steps, var, tun), rs in pts.items():
    rate, comp, copy = med(rs, "cell_updates_per_s"), med(rs, "compute_s"), med(rs, "copy_gbps")
    lines.append((grid, var, rate, comp / int(steps) * 1e6, copy, steps, tun, len(rs)))
print(f"{len(rows)} rows, {len(bad)} not ok" + (": " + "; ".join(sorted({r['status'][:80] for r in bad})) if bad else ""))
for grid in sorted({l[0] for l in lines}):
    gl = sorted((l for l in lines if l[0] == grid), key=lambda l: -l[2])
    copy = statistics.median(l[4] for l in gl)
    limit = copy / 8.0  # G cell updates/s of one sweep a step at 8 bytes a cell update
    print(f"\n{grid}: in-run copy {copy:.0f} GB/s, single-sweep limit {limit:.0f} G cell updates/s")
    print(f"  {'variant':12} {'G/s':>7} {'x limit':>7} {'us/step':>9} steps  tuning")
    best = {}
    for l in gl:
        best.setdefault(l[1], l)
    shown = list(best.values()) + [l for l in gl if l not in best.values()][:8]
    for l in shown:
        print(f"  {l[1]:12} {l[2]/1e9:7.1f} {l[2]/1e9/limit:7.2f} {l[3]:9.2f} {l[5]:>5}  {l[6]}")
    if "cuda_fused" in best and "cuda_shared" in best:
        print(f"  best cuda_fused / best cuda_shared: {best['cuda_fused'][2]/best['cuda_shared'][2]:.2f}x")
PY
    if [ -f "$OUT/runs/bench512/timings.csv" ]; then
        echo "-- 512^3 cuda_fused by steps_per_sweep (best tile each):"
        python3 - "$OUT/runs/bench512/timings.csv" <<'PY' || true
import csv, statistics, sys, re
by = {}
for r in csv.DictReader(open(sys.argv[1])):
    if r["variant"] == "cuda_fused" and r["status"] == "ok":
        by.setdefault(r["tuning"], []).append(float(r["cell_updates_per_s"]))
per_s = {}
for t, v in by.items():
    m = re.search(r"steps_per_sweep=(\d+)", t)
    s = int(m.group(1)) if m else 4
    per_s.setdefault(s, []).append((statistics.median(v) / 1e9, t))
for s in sorted(per_s):
    print(f"  S={s}: " + ", ".join(f"{g:.0f} ({t})" for g, t in sorted(per_s[s], reverse=True)))
PY
    fi
fi
echo "gpu_issue15.sh: done $(date -u); failed steps:${failed:- none}"
[ -z "$failed" ]
