#!/usr/bin/env bash
# Session 10, call 45: call 44's memcheck counted 2 errors on cuda_resident: the occupancy query for
# two blocks of 32 warps, which fail (cudaErrorInvalidValue), is now asked only where they fit.
# compute-sanitizer memcheck and racecheck again, with the errors printed.
#   source .device/env.sh && bash results/reference/h200/call45.sh "$OUT"
set -u -o pipefail
OUT=${1:?usage: call45.sh OUT}
exec > >(tee -a "$OUT/log.txt") 2>&1
san=$(command -v compute-sanitizer || ls /usr/local/cuda*/bin/compute-sanitizer 2>/dev/null | head -1)
for tool in memcheck racecheck; do
    timeout -s KILL 30 "$san" --tool "$tool" --error-exitcode 9 stencilbench run --variant cuda_resident \
        --grid 20x130x97 --steps 7 --reps 1 --warmup 0 --target-noise 0 --quiet --no-plots \
        --out "/tmp/san_$tool" >/tmp/san.log 2>&1
    echo "sanitizer $tool 20x130x97: rc=$? $(grep -E "ERROR SUMMARY|RACECHECK SUMMARY" /tmp/san.log | head -1)"
    grep -E "Program hit|Invalid|=========  " /tmp/san.log | head -6
done
# As run, both sanitizer commands exited 255 at once: /tmp/san_memcheck and /tmp/san_racecheck were
# left by call 44 on the still-warm machine and `run --out` does not overwrite a run folder. The
# memcheck was then run by hand with a new --out (/tmp/sm): ERROR SUMMARY: 0 errors.
