#!/usr/bin/env bash
# Session 8, call 28 (main's build, e6c288a): (1) next_model.sh's checks without test_cuda beside
# them (model's default on the GPU: the course grid, where cuda_bulk declines, and a 256^3
# dataset, where it runs; their statistics against cuda_shared's); (2) Nsight Compute on the
# course grid (issue 15 item 3): one cuda_resident launch of 100 steps and one cuda_shared step
# outside a graph (how much of the 11.9 us a step is the kernel itself); (3) recipe.sh's CPU
# study again (openmp_fused's rows at 8 and 16 threads under session 7's block rule).
#   source .device/env.sh && bash results/reference/h200/call28.sh "$OUT"
set -u -o pipefail
OUT=${1:?usage: call28.sh OUT}
deadline=$(( $(date +%s) + ${CALL_SECONDS:-570} ))
mkdir -p "$OUT/model"
exec > >(tee -a "$OUT/log.txt") 2>&1
export STENCILBENCH_CACHE=/tmp/sbcache
echo "call28: start $(date -u); load $(cut -d' ' -f1-3 /proc/loadavg)"
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem,temperature.gpu,power.draw --format=csv,noheader
timeout 60 stencilbench generate >/dev/null 2>&1 && timeout 120 stencilbench generate --grid 256 /tmp/g256.nc >/dev/null 2>&1
echo "generate rc=$?"
for rep in 1 2; do
    for input in default /tmp/g256.nc; do
        flag=(); [ "$input" = default ] || flag=(--input "$input")
        for v in default cuda_shared; do
            vflag=(); [ "$v" = default ] || vflag=(--variant "$v")
            name=$(basename "$input" .nc)_${v}_$rep
            timeout -s KILL 120 stencilbench model "${flag[@]}" "${vflag[@]}" --steps 100 --save-every 10 \
                --output "/tmp/$name.nc" >"$OUT/model/$name.log" 2>&1
            echo "model $name: rc=$? $(grep -hE 'model completed in|running .* the fastest' "$OUT/model/$name.log" | tr '\n' ' ')"
        done
        a=/tmp/$(basename "$input" .nc)_default_$rep.nc b=/tmp/$(basename "$input" .nc)_cuda_shared_$rep.nc
        if diff <(stencilbench summary "$a" | sed -n 3,8p) <(stencilbench summary "$b" | sed -n 3,8p); then
            echo "same statistics: $a and $b"
        else
            echo "DIFFERENT statistics: $a and $b"
        fi
    done
done
stencilbench summary /tmp/g256_default_1.nc | sed -n 1,10p
ncu=$(command -v ncu || ls /usr/local/cuda*/bin/ncu /opt/nvidia/nsight-compute/*/ncu 2>/dev/null | head -1)
for v in cuda_resident:resident_steps:0 cuda_shared:shared_step:2; do
    IFS=: read -r name kern skip <<<"$v"
    timeout -s KILL 100 "$ncu" --target-processes all --clock-control none --kernel-name-base function \
        --kernel-name "regex:$kern" --launch-skip "$skip" --launch-count 1 \
        --section SpeedOfLight --section MemoryWorkloadAnalysis --section WarpStateStats --section Occupancy \
        --section SchedulerStats --section LaunchStats --section SourceCounters \
        --metrics gpu__time_duration.sum,smsp__inst_executed.sum,lts__t_sector_hit_rate.pct \
        stencilbench run --variant $name --grid dataset --steps 100 --reps 1 --warmup 0 --target-noise 0 \
        --tuning graph=-1 --no-plots --quiet --out "/tmp/ncu_$name" >"$OUT/ncu_$name.txt" 2>&1
    echo "ncu $name: rc=$?"
    grep -E "gpu__time_duration|inst_executed|Duration|Achieved Occupancy|Registers Per|Issue Slots Busy|No Eligible|Warp Cycles Per Issued|Stall" "$OUT/ncu_$name.txt" | head -16
done
left=$(( deadline - $(date +%s) - 10 ))
echo "== recipe cpu with $left s left ($(date -u +%H:%M:%SZ), load $(cut -d' ' -f1 /proc/loadavg))"
timeout -s KILL "$left" bash results/reference/recipe.sh --bin "$(command -v stencilbench)" --machine H200 \
    --label h200 --study cpu --cpu-threads 1,2,4,8,16 "$OUT/h200cpu" >"$OUT/recipe.log" 2>&1
echo "recipe cpu rc=$?"; tail -n 5 "$OUT/recipe.log"
echo "call28: done $(date -u)"
