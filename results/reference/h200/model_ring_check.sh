#!/usr/bin/env bash
# Issue 15 item 4 (the part left) on the H200: `stencilbench model` with a GPU variant now hands
# each downloaded snapshot to a writer thread (a ring of 2 pinned host buffers) and runs the next
# chunk while it is written (--writer thread, the default for GPU variants); --writer inline is
# the old sequential loop (the GPU idles while each snapshot is deflated into the netCDF file).
# Before: course grid, cuda_shared, 100 steps: 14.2 us per step with a snapshot every 10 steps,
# 11.97 with one at the end; run: 12.4 us at 10 steps, 12.02 at 100.
#
# Build here with CUDA and bundle as for model_check.sh, then on the GPU host, from the repo root:
#   source .device/env.sh && bash results/reference/h200/model_ring_check.sh "$OUT"
# About 30 s. Output in OUT/model_ring_check/: log.txt, <step>.log.
# What to read: the table at the end: us per step (compute only, as model prints it) and the
# wall seconds of each model run, thread against inline at --save-every 10 and 100, 3 runs each;
# "same file" lines (the thread and inline predictions must be byte-identical).
# Expectation to check: the writer deflates a 10.7 MB snapshot in tens of ms while a 10-step
# chunk computes in about 0.12 ms, so the loop still waits for a free slot between chunks and
# the GPU still idles most of the time; wall time should drop by little, and whether the
# compute time per step at --save-every 10 moves from 14.2 toward 12.4 is what this measures.
set -u -o pipefail
OUT=${1:-${OUT:-/tmp/out}}
dir=$OUT/model_ring_check
mkdir -p "$dir" || { echo "model_ring_check.sh: cannot create $dir" >&2; exit 2; }
exec > >(tee -a "$dir/log.txt") 2>&1
export STENCILBENCH_CACHE=${STENCILBENCH_CACHE:-/tmp/sbcache}
sb=${SB:-stencilbench}
tmp=${TMPDIR:-/tmp}/model_ring_check.$$
mkdir -p "$tmp"
failed=""
table=""
echo "model_ring_check.sh: start $(date -u), OUT=$OUT"
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm --format=csv,noheader || true
"$sb" --version
# the built-in dataset: the course grid, 50x222x241
timeout 60 "$sb" generate >"$dir/generate.log" 2>&1 || failed="$failed generate"
tail -n 3 "$dir/generate.log"

for every in 10 100; do
    for writer in thread inline; do
        for rep in 1 2 3; do
            name=cuda_shared_every${every}_${writer}_$rep
            echo "== $name: $sb model --variant cuda_shared --steps 100 --save-every $every --writer $writer"
            t0=$(date +%s.%N)
            timeout 60 "$sb" model --variant cuda_shared --steps 100 --save-every $every \
                --writer $writer --output "$tmp/$name.nc" >"$dir/$name.log" 2>&1
            rc=$?
            t1=$(date +%s.%N)
            [ "$rc" = 0 ] || failed="$failed $name(rc=$rc)"
            us=$(awk '/model completed in/ {printf "%.2f", $(NF-1) * 1e6}' "$dir/$name.log")
            wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b - a}')
            grep -E 'model completed in| transfers: ' "$dir/$name.log"
            table="$table$(printf '%-36s %8s us per step %8s s wall (rc %s)' "$name" "${us:--}" "$wall" "$rc")"$'\n'
        done
        [ "$writer" = inline ] || continue
        for rep in 1 2 3; do
            a=$tmp/cuda_shared_every${every}_thread_$rep.nc b=$tmp/cuda_shared_every${every}_inline_$rep.nc
            if cmp -s "$a" "$b"; then
                echo "same file: --save-every $every run $rep: thread and inline predictions are byte-identical"
            else
                echo "DIFFERENT: --save-every $every run $rep: thread and inline predictions differ (or one is missing)"
                failed="$failed same_file_${every}_$rep"
            fi
        done
    done
done

echo
echo "== cuda_shared, course grid, 100 steps: compute us per step (as model prints it) and wall seconds"
printf '%s' "$table"
rm -rf "$tmp"
echo "model_ring_check.sh: end $(date -u); failed:${failed:- none}"
[ -z "$failed" ]
