#!/usr/bin/env bash
# (Ran at commit e65dfe9; its kernels and cuda_persistent were reverted in d5a0c16: README.md here.)
# Issue 15 on the H200, session 3, second call (2026-11-29): the tile kernels with the
# cp.async ring (kernels/cuda_tile.cuh) after gpu_call5.sh found the register version at 70 %
# (no land, 512^3) and cuda_persistent slower than cuda_shared's graph on the course grid.
# Same build and bundle as gpu_call5.sh; on the GPU host:
#   source .device/env.sh && bash results/reference/h200/gpu_call6.sh $OUT
# Steps as gpu_call5.sh (STEPS=...; default course,b512,b1024,san,summary; test is run later).
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export STEPS=${STEPS:-info,course,b512,b1024,san,summary}
export COURSE_TUNINGS='default|graph=-1|tile_z=2|tile_z=8|block_y=8|block_y=8,tile_z=2|block_x=16,block_y=8,tile_z=4'
export B512_TUNINGS='default|block_y=8|block_x=16,block_y=8|block_x=64,block_y=4|block_y=2'
export B1024_TUNINGS='default'
export B1024_LIMIT=220
exec bash "$here/gpu_call5.sh" "$@"
