#!/usr/bin/env bash
# Planned (not yet run): issue 19 on the H200's 16-core Xeon host, CPU only (about 5 minutes).
# Session 8 moved the CPU rows' software prefetch from the L1 (prefetcht0) to the L2
# (prefetcht2; STENCIL_PREFETCH_READ in kernels/cpu_state.h): +12 to +45 % on the 2-core Zen 4
# VM (README, issue 19), unmeasured on this host. Main's build (.device/bin/stencilbench) against
# a build of the commit before it, aa762f1 (.device/bin/exp/l1/stencilbench; build it with
# `git worktree add /tmp/l1 aa762f1` and the same cmake line), 3 interleaved rounds, 16 and 8
# threads, 256^3 and 512^3, half land, 12 steps.
#   source .device/env.sh && bash results/reference/h200/next_xeon_prefetch.sh "$OUT"
set -u -o pipefail
OUT=${1:?usage: next_xeon_prefetch.sh OUT}
here=$(dirname "${BASH_SOURCE[0]}")
bin=$(dirname "$(command -v stencilbench)")
mkdir -p "$OUT/runs"
exec > >(tee -a "$OUT/log.txt") 2>&1
echo "next_xeon_prefetch: start $(date -u); load $(cut -d' ' -f1-3 /proc/loadavg)"
lscpu | grep -E 'Model name|^CPU\(s\)|L2|L3' | cut -c1-120
for round in 1 2 3; do
    order="l2 l1"; [ $((round % 2)) -eq 0 ] && order="l1 l2" # alternate which build goes first
    for name in $order; do
        exe=$bin/stencilbench; [ "$name" = l1 ] && exe=$bin/exp/l1/stencilbench
        for t in 16 8; do
            echo "== round $round $name $t threads ($(date -u +%H:%M:%SZ), load $(cut -d' ' -f1 /proc/loadavg))"
            timeout -s KILL 120 "$exe" run --quiet --no-plots --target-noise 0 --out "$OUT/runs/$name-t$t-r$round" \
                --variant openmp,openmp_counts,openmp_fused,tiled --grid 256,512 --steps 12 --threads $t --reps 5 \
                --warmup 1 >"$OUT/runs/$name-t$t-r$round.log" 2>&1
            echo "rc=$?"
        done
    done
done
for name in l2 l1; do
    for t in 16 8; do
        echo "-- $name, $t threads, all rounds"; python3 "$here/summarize.py" "$OUT"/runs/$name-t$t-r*/timings.csv
    done
done
tar czf "$OUT/runs.tgz" -C "$OUT" runs && rm -rf "$OUT/runs"
echo "next_xeon_prefetch: done $(date -u)"
