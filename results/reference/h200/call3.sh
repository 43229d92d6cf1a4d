#!/usr/bin/env bash
# Device call 3 on the H200 host, with the MPICH + CUDA build (bundle_mpi.sh): the reference GPU
# study of call 1 resumed (768^3, 1024^3), the course grid and the CPU variants on the host's
# 16 cores (recipe.sh), MPI scaling (mpi_scaling.sh), a cuda_shared tile sweep at 512^3 without
# land (issue 15 item 1), compute-sanitizer on the CUDA variants, and issue 19's CPU script
# where present. Each part is bounded; results are packed after each. From the repo root:
#   source .device/env.sh && bash results/reference/h200/call3.sh "$OUT"
set -u
out=${1:?usage: call3.sh OUT}
export STENCILBENCH_CACHE=/tmp/sbcache
c3=$out/c3
mkdir -p "$c3"
pack() { tar czf "$out/call3.tgz" -C "$out" c3; }
sb=$(command -v stencilbench)
{ date -u; uptime; nvidia-smi -L; } >"$c3/host.txt" 2>&1

cp -r results/reference/h200/log/call1/h200-20261129T0846Z/h200-20261129T0846Z-gpu /tmp/h200-gpu
timeout 140 "$sb" run --resume /tmp/h200-gpu --quiet --no-plots >"$c3/resume.log" 2>&1
echo "gpu study resume rc=$?" | tee -a "$c3/host.txt"
cp -r /tmp/h200-gpu "$c3/gpu"; pack

timeout 190 bash results/reference/recipe.sh --bin "$sb" --machine H200 --label h200 --study course,cpu \
    --cpu-threads 1,2,4,8,16 --timeout 90 "$c3/h200" >"$c3/recipe.log" 2>&1
echo "recipe course,cpu rc=$?" | tee -a "$c3/host.txt"; pack

timeout 100 bash results/reference/h200/mpi_scaling.sh "$c3/mpi" >"$c3/mpi.log" 2>&1
echo "mpi_scaling rc=$?" | tee -a "$c3/host.txt"; pack

timeout 60 "$sb" run --variant cuda_shared --grid 512 --steps 24 --land-fraction 0 --reps 5 --warmup 1 \
    --host-memory pinned --quiet --no-plots --out "$c3/shared512" \
    --tuning 'default|block_x=32,block_y=8|block_x=64,block_y=8|block_x=128,block_y=2|block_x=128,block_y=4|block_x=256,block_y=2|block_x=32,block_y=16|block_x=64,block_y=4,tile_z=64' \
    >"$c3/shared512.log" 2>&1
echo "cuda_shared sweep rc=$?" | tee -a "$c3/host.txt"; pack

if [ -f results/reference/h200/cpu_issue19.sh ]; then
    timeout 50 bash results/reference/h200/cpu_issue19.sh "$c3/i19" >"$c3/i19.log" 2>&1
    echo "cpu_issue19 rc=$?" | tee -a "$c3/host.txt"; pack
fi

STEPS=sanitizer timeout 45 bash results/reference/h200/gpu_issue15.sh "$c3/san" >/dev/null 2>&1
echo "sanitizer rc=$?" | tee -a "$c3/host.txt"
uptime >>"$c3/host.txt"; pack
