#!/usr/bin/env bash
# Issue 15 item 4 (the part left) on the H200: `stencilbench model` with a GPU variant hands each
# downloaded snapshot to a writer thread through a ring of pinned host buffers and runs the next
# chunks while it is written (--writer thread, the default for GPU variants); --writer inline is
# the old sequential loop (the GPU idles while each snapshot is deflated into the netCDF file).
# The ring now holds a buffer for every snapshot after the input (up to min(2 GiB, a quarter of
# the memory available), at least 2): at --save-every 10 over 100 steps 10 buffers, so the loop
# never waits for the writer; the writer drains after the last chunk (untimed).
# Before: course grid, cuda_shared, 100 steps: 14.2 us per step with a snapshot every 10 steps,
# 11.97 with one at the end; run: 12.4 us at 10 steps, 12.02 at 100 (log/call7).
#
# Build here with CUDA and bundle as for model_check.sh, then on the GPU host, from the repo root:
#   source .device/env.sh && bash results/reference/h200/model_ring_check.sh "$OUT"
# About 30 s (12 model runs of 100 steps; the wall time of each is mostly writing). RUNREF=1 adds
# `stencilbench run` of cuda_shared at 10 and 100 steps (3 reps) for the target figures.
# Output in OUT/model_ring_check/: log.txt, <name>.log.
# What to read: the table at the end: us per step (compute only, as model prints it), the host
# buffers model used ("N x": the input and the ring, from its transfer line; 11 expected with
# thread at --save-every 10, 3 at 100, 2 inline) and the wall seconds of each model run, thread
# against inline at --save-every 10 and 100, 3 runs each; "same file" lines (the thread and
# inline predictions must be byte-identical).
# Expectation to check: thread at --save-every 10 near run's 12.4 us per step (inline about
# 14.2), at --save-every 100 both near 12.0; wall about the same for thread and inline (the
# writing bounds it either way).
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
            bufs=$(grep -o 'host memory ([0-9]* x' "$dir/$name.log" | grep -o '[0-9]* x' | head -n 1)
            wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b - a}')
            grep -E 'model completed in| transfers: |note:' "$dir/$name.log"
            table="$table$(printf '%-36s %8s us per step %6s buffers %8s s wall (rc %s)' "$name" "${us:--}" "${bufs:--}" "$wall" "$rc")"$'\n'
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

if [ -n "${RUNREF:-}" ]; then
    echo "== run cuda_shared, course grid, 10 and 100 steps, 3 reps (the target)"
    timeout 60 "$sb" run --variant cuda_shared --grid dataset --steps 10,100 --reps 3 \
        --host-memory pinned --quiet --no-plots --out "$dir/run_course" >"$dir/run_course.log" 2>&1 ||
        failed="$failed run_course"
    python3 "$(dirname "${BASH_SOURCE[0]}")/summarize.py" "$dir"/run_course/timings.csv ||
        echo "summary: python3 failed"
fi

echo
echo "== cuda_shared, course grid, 100 steps: compute us per step (as model prints it), host"
echo "   buffers (the input and the ring) and wall seconds"
printf '%s' "$table"
rm -rf "$tmp"
echo "model_ring_check.sh: end $(date -u); failed:${failed:- none}"
[ -z "$failed" ]
