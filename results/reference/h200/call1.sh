#!/usr/bin/env bash
# Device call 1 on the H200 host (2026-11-29): validate every CUDA variant (test_cuda,
# test_probe --gpu), then the reference studies through recipe.sh (GPU 32^3..1024^3, the
# course grid, the CPU variants on the host's cores). From the repository root there:
#   source .device/env.sh && bash results/reference/h200/call1.sh "$OUT"
set -u
out=${1:?usage: call1.sh OUT}
export STENCILBENCH_CACHE=/tmp/sbcache
mkdir -p "$out"
{
    date -u; nvidia-smi -L; nvidia-smi --query-gpu=clocks.sm,clocks.mem,temperature.gpu,power.draw --format=csv
    lscpu | grep -E 'Model name|^CPU\(s\)|Thread|NUMA node\(s\)'; uptime
} >"$out/host.txt" 2>&1
timeout 150 test_cuda >"$out/test_cuda.log" 2>&1; echo "test_cuda rc=$?" | tee -a "$out/host.txt"
timeout 60 test_probe --gpu >"$out/test_probe_gpu.log" 2>&1; echo "test_probe --gpu rc=$?" | tee -a "$out/host.txt"
bash results/reference/recipe.sh --bin "$(command -v stencilbench)" --machine H200 --label h200 \
    --gpu-config results/reference/h200/gpu_study.ini --study gpu,course,cpu \
    --cpu-threads 1,2,4,8,16 --timeout 200 "$out/h200" >"$out/recipe.log" 2>&1
echo "recipe rc=$?" | tee -a "$out/host.txt"
tar czf "$out/h200.tgz" -C "$out" h200 2>/dev/null
rm -rf "$out/h200"
uptime >>"$out/host.txt"
