#!/usr/bin/env bash
# Session 4, call 11 (issue 15): cuda_shared without the 4-way unrolled z loop (the hot loop out of
# the instruction cache: call 10's 'no_instruction' stalls) and with the slow path out of line,
# under register caps (a temporary build: block_z picks 64 / 32 / 40 / 48 / 56 registers a thread
# as 0 / 1 / 2 / 3 / 4), to find the occupancy the kernel needs; call9.sh does the runs.
#   source .device/env.sh && bash results/reference/h200/call11.sh "$OUT"
here=$(dirname "${BASH_SOURCE[0]}")
B512='tile_y=4|tile_y=4,block_z=3|tile_y=4,block_z=2|tile_y=4,block_z=1|default|block_z=3|block_z=2|tile_y=4,block_z=2,tile_z=16|tile_y=4,block_z=1,tile_z=16|tile_y=4,block_z=1,tile_z=8|block_x=64,block_y=2,tile_y=2,block_z=2|block_y=8,tile_y=8,block_z=2' \
B1024='tile_y=4|tile_y=4,block_z=2|tile_y=4,block_z=1|tile_y=4,block_z=1,tile_z=16' \
LAND='tile_y=4|tile_y=4,block_z=2|tile_y=4,block_z=1' \
COURSE='tile_y=4,tile_z=4|tile_y=4,block_z=2,tile_z=4|tile_y=4,block_z=1,tile_z=4|tile_y=4,block_z=1,tile_z=2|tile_y=4,block_z=1,tile_z=8|tile_y=4,block_z=1,block_x=64,block_y=2,tile_z=2' \
STEPS=info,b512,land,b1024,course,summary bash "$here/call9.sh" "$@"
