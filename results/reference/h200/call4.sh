#!/usr/bin/env bash
# Device call 4 on the H200 host (MPICH + CUDA build): what call 3 could not finish (its MPI
# study left processes that slowed the steps after it): the reference GPU study of call 1
# resumed (768^3, 1024^3), the cuda_shared tile sweep at 512^3 without land, and mpi on 16
# ranks at 512^3 (call 3 measured 1 to 8). From the repository root there:
#   source .device/env.sh && bash results/reference/h200/call4.sh "$OUT"
set -u
out=${1:?usage: call4.sh OUT}
export STENCILBENCH_CACHE=/tmp/sbcache
c4=$out/c4
mkdir -p "$c4"
pack() { tar czf "$out/call4.tgz" -C "$out" c4; }
sb=$(command -v stencilbench)
{ date -u; uptime; } >"$c4/host.txt"
cp -r results/reference/h200/log/call1/h200-20261129T0846Z-gpu /tmp/h200-gpu
timeout -s KILL 150 "$sb" run --resume /tmp/h200-gpu --quiet --no-plots >"$c4/resume.log" 2>&1
echo "gpu study resume rc=$?" | tee -a "$c4/host.txt"
cp -r /tmp/h200-gpu "$c4/gpu"; pack
timeout -s KILL 70 "$sb" run --variant cuda_shared --grid 512 --steps 24 --land-fraction 0 --reps 5 --warmup 1 \
    --host-memory pinned --quiet --no-plots --out "$c4/shared512" \
    --tuning 'default|block_x=32,block_y=8|block_x=64,block_y=8|block_x=128,block_y=2|block_x=128,block_y=4|block_x=256,block_y=2|block_x=32,block_y=16|block_x=64,block_y=4,tile_z=64' \
    >"$c4/shared512.log" 2>&1
echo "cuda_shared sweep rc=$?" | tee -a "$c4/host.txt"; pack
timeout -s KILL 90 mpiexec.hydra -n 16 "$sb" run --variant mpi --ranks 16 --grid 512 --steps 10 --reps 5 \
    --quiet --no-plots --out "$c4/mpi16" >"$c4/mpi16.log" 2>&1
echo "mpi 16 ranks rc=$?" | tee -a "$c4/host.txt"
pkill -9 -f stencilbench; pkill -9 -f hydra
{ uptime; date -u; } >>"$c4/host.txt"; pack
