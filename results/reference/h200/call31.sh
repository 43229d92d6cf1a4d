#!/usr/bin/env bash
# Session 8, call 31 (branch exp-resident-lean: call 29's kernel, cuda_resident ranked above
# cuda_shared so that model's trial weighs them; main at ec14d5c in .device/bin/exp/main, the old
# kernel): why did `model` with snapshots every 10 steps take 52 us a step with cuda_resident in
# call 30 (dynamic units), when its trial and `run` gave 11.6-13.7? model with each kernel, with
# the threaded and the inline writer, and with snapshots every 10 and 50 steps.
#   source .device/env.sh && bash results/reference/h200/call31.sh "$OUT"
set -u -o pipefail
OUT=${1:?usage: call31.sh OUT}
bin=$(dirname "$(command -v stencilbench)")
mkdir -p "$OUT/model"
exec > >(tee -a "$OUT/log.txt") 2>&1
export STENCILBENCH_CACHE=/tmp/sbcache
echo "call31: start $(date -u); load $(cut -d' ' -f1-3 /proc/loadavg)"
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem,temperature.gpu,power.draw --format=csv,noheader
timeout 60 stencilbench generate >/dev/null 2>&1; echo "generate rc=$?"
m() { # name exe args...
    local name=$1 exe=$2; shift 2
    timeout -s KILL 40 "$exe" model --steps 100 --output "/tmp/$name.nc" "$@" >"$OUT/model/$name.log" 2>&1
    echo "$name: rc=$? $(grep -hE 'model completed in|running|transfers' "$OUT/model/$name.log" | sed 's/ (the course.*//' | tr '\n' ' ' | cut -c1-400)"
}
for rep in 1 2; do
    m lean_res10_$rep "$bin/stencilbench" --variant cuda_resident --save-every 10
    m main_res10_$rep "$bin/exp/main" --variant cuda_resident --save-every 10
    m lean_shared10_$rep "$bin/stencilbench" --variant cuda_shared --save-every 10
    m lean_default10_$rep "$bin/stencilbench" --save-every 10
    m lean_res10_inline_$rep "$bin/stencilbench" --variant cuda_resident --save-every 10 --writer inline
    m main_res10_inline_$rep "$bin/exp/main" --variant cuda_resident --save-every 10 --writer inline
    m lean_res50_$rep "$bin/stencilbench" --variant cuda_resident --save-every 50
done
nvidia-smi --query-gpu=clocks.sm,clocks.mem,temperature.gpu,power.draw --format=csv,noheader
echo "call31: done $(date -u)"
