#!/usr/bin/env bash
# Device call 2 on the H200 host: issue 15's validation of every CUDA variant with cuda_fused
# (test_cuda) and the 512^3 sweep of cuda_fused against cuda_shared. From the repository root:
#   source .device/env.sh && bash results/reference/h200/call2.sh "$OUT"
set -u
out=${1:?usage: call2.sh OUT}
export STENCILBENCH_CACHE=/tmp/sbcache
mkdir -p "$out/i15"
STEPS=info,test,bench512,summary timeout 540 bash results/reference/h200/gpu_issue15.sh "$out/i15" >/dev/null 2>&1
echo "gpu_issue15 rc=$?"
tar czf "$out/call2.tgz" -C "$out" i15
cp "$out/i15/log.txt" "$out/log.txt" 2>/dev/null
rm -rf "$out/i15"
