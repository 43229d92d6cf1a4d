#!/usr/bin/env bash
# Issue 19 on the H200's CPU host: the CPU variants at 256^3 (far out of cache), 10 steps,
# 16 threads, 7 repetitions, with streaming stores on auto and off (stream=-1), in alternating
# rounds; with OLD set to a stencilbench built before the fix, the two builds alternate too.
# From the repository root there:
#   source .device/env.sh && bash results/reference/h200/cpu_issue19.sh "$OUT"
#   OLD=/path/to/old/stencilbench ROUNDS=3 bash results/reference/h200/cpu_issue19.sh "$OUT"
# Writes $OUT/host.txt (CPU, THP mode, load) and one run folder per build and round; the
# medians: python3 results/reference/h200/cpu_issue19_medians.py "$OUT".
set -u
out=${1:?usage: cpu_issue19.sh OUT}
new=${NEW:-$(command -v stencilbench)}
old=${OLD:-}
rounds=${ROUNDS:-3}
threads=${THREADS:-16}
mkdir -p "$out"
{
    date -u; lscpu | grep -E 'Model name|^CPU\(s\)|Thread|NUMA node\(s\)'
    echo "AVX-512: $(grep -qw avx512f /proc/cpuinfo && echo yes || echo no)"
    echo "THP: $(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null)"; uptime
    echo "new: $new"; echo "old: ${old:-none}"
} >"$out/host.txt" 2>&1
for r in $(seq 1 "$rounds"); do
    builds="new"
    [ -n "$old" ] && builds=$([ $((r % 2)) -eq 1 ] && echo "old new" || echo "new old")
    for b in $builds; do
        bin=$new
        [ "$b" = old ] && bin=$old
        echo "round $r $b load $(cut -d' ' -f1 /proc/loadavg)" >>"$out/host.txt"
        timeout 500 "$bin" run --variant cpu --grid 256 --steps 10 --threads "$threads" --reps 7 \
            --tuning 'stream=0|stream=-1' --quiet --no-plots --out "$out/$b-r$r" >"$out/$b-r$r.log" 2>&1
        echo "round $r $b rc=$?" >>"$out/host.txt"
    done
done
uptime >>"$out/host.txt"
