#!/usr/bin/env bash
# The H100 reference: GPU study, course grid, CPU variants on the host, the model. Results in $OUT.
set -u
sb=stencilbench
work=/tmp/h100; mkdir -p $work
export STENCILBENCH_CACHE=/tmp/sbcache
{ nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,clocks.mem,power.limit --format=csv; lscpu | head -25; } > $work/host.txt 2>&1
$sb list 2>&1 | tee $work/list.txt
echo "== gpu study"; date
timeout 240 $sb run --config configs/gpu.ini --out $work/gpu --quiet --no-plots > $work/gpu.log 2>&1; echo "gpu rc=$?"; tail -25 $work/gpu.log
echo "== course grid"; date
timeout 90 $sb run --variant gpu --grid dataset --steps 1,10,100 --host-memory pinned,pageable --reps 9 --out $work/course --quiet --no-plots > $work/course.log 2>&1; echo "course rc=$?"; tail -12 $work/course.log
echo "== cpu"; date
timeout 150 $sb run --variant cpu --grid 256,dataset --steps 10 --threads pow2 --reps 5 --out $work/cpu --quiet --no-plots > $work/cpu.log 2>&1; echo "cpu rc=$?"; tail -14 $work/cpu.log
echo "== model"; date
timeout 40 $sb model --variant cuda_shared --steps 100 --output $work/pred.nc > $work/model.log 2>&1; echo "model rc=$?"; cat $work/model.log
rm -f $work/pred.nc
tar czf $OUT/h100.tar.gz -C /tmp h100; ls -la $OUT; date
