#!/usr/bin/env bash
# Device call 7 on the H200 host (2026-11-29, session 3): the GPU state from NVML (issue 12),
# model against run on the GPU (issue 15 item 4), mpi_cuda with 1 and 2 ranks on one GPU and a
# clean 1/8/16-rank figure of mpi (issue 14), then test_cuda (every CUDA variant, bit for bit).
# Build here (MPICH + CUDA, so that mpiexec.hydra travels; see bundle_mpi.sh), with test_cuda:
#   cmake -S . -B build-gpu-mpich ... -DBUILD_TESTING=ON (bundle_mpi.sh's flags otherwise)
#   cmake --build build-gpu-mpich -j2 --target stencilbench test_cuda
#   BUNDLE_LIBS="libmpich|libucp|libucs|libuct|libucm|libslurm" ../shared/gpu/bundle.sh \
#       build-gpu-mpich/stencilbench build-gpu-mpich/tests/test_cuda /usr/bin/mpiexec.hydra /usr/bin/hydra_pmi_proxy
# then on the GPU host: source .device/env.sh && bash results/reference/h200/call7.sh "$OUT"
set -u
out=${1:?usage: call7.sh OUT}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p "$out"
exec > >(tee -a "$out/call7.txt") 2>&1
export STENCILBENCH_CACHE=/tmp/sbcache
sb=$(command -v stencilbench)
mpx=$(command -v mpiexec.hydra)
clean() { pkill -KILL -f hydra_pmi_proxy 2>/dev/null; pkill -KILL -f 'stencilbench run' 2>/dev/null; sleep 1; }
echo "call7: $(date -u) on $(hostname), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.mem,temperature.gpu,power.draw --format=csv
echo "== nvml_check ($(date -u +%T))"
timeout -s KILL 90 bash "$here/nvml_check.sh" "$out/nvml" >/dev/null 2>&1; echo "nvml_check rc=$?"
tail -n 12 "$out/nvml/nvml_check.txt"
echo "== model_check ($(date -u +%T))"
timeout -s KILL 200 bash "$here/model_check.sh" "$out" >/dev/null 2>&1; echo "model_check rc=$?"
sed -n '/== per step/,$p' "$out/model_check/log.txt" | head -40
clean
echo "== mpi_cuda ($(date -u +%T)): 1 and 2 ranks on one GPU, validated against naive"
for g in 37x53x71 256; do
    for n in 1 2; do
        timeout -s KILL 60 "$mpx" -n $n "$sb" run --variant mpi_cuda --ranks $n --grid $g --steps 10 --reps 5 --warmup 1 \
            --land-fraction 0.3 --no-plots --quiet --out "$out/mpi_cuda_${g}_$n" >"$out/mpi_cuda_${g}_$n.log" 2>&1
        echo "mpi_cuda $g ranks $n: rc=$? $(tail -n 2 "$out/mpi_cuda_${g}_$n.log" | head -1)"
        clean
    done
done
timeout -s KILL 90 "$mpx" -n 2 "$sb" run --variant mpi_cuda,cuda_shared --ranks 2 --grid 512 --steps 10 --reps 5 --warmup 1 \
    --land-fraction 0 --no-plots --quiet --out "$out/mpi_cuda_512" >"$out/mpi_cuda_512.log" 2>&1
echo "mpi_cuda 512 (2 ranks) with cuda_shared beside it: rc=$?"; clean
echo "== mpi strong 512^3 1, 8, 16 ranks, 1 thread a rank ($(date -u +%T), load $(cut -d' ' -f1-3 /proc/loadavg))"
for n in 1 8 16; do
    timeout -s KILL 60 "$mpx" -n $n "$sb" run --variant mpi --ranks $n --threads 1 --grid 512 --steps 10 --reps 5 --warmup 1 \
        --land-fraction 0 --no-plots --quiet --out "$out/mpi_$n" >"$out/mpi_$n.log" 2>&1
    echo "mpi ranks $n: rc=$? load after $(cut -d' ' -f1-3 /proc/loadavg)"; clean
done
python3 - "$out" <<'PY'
import csv, glob, statistics, sys, os
for f in sorted(glob.glob(sys.argv[1] + "/mpi*/timings.csv")):
    rows = [r for r in csv.DictReader(open(f))]
    by = {}
    for r in rows:
        by.setdefault((r["variant"], r["ranks"], r["nz"]), []).append(r)
    for (v, n, nz), rs in sorted(by.items()):
        ok = [r for r in rs if r["status"] == "ok"]
        if not ok:
            print(f"{os.path.basename(os.path.dirname(f)):18} {v:12} ranks {n:>2}: NOT OK {rs[0]['status'][:90]}"); continue
        rate = [float(r["cell_updates_per_s"]) for r in ok]
        halo = statistics.median(float(r["halo_s"] or 0) for r in ok)
        comp = statistics.median(float(r["compute_s"]) for r in ok)
        err = max(float(r["max_abs_err"] or 0) for r in ok)
        print(f"{os.path.basename(os.path.dirname(f)):18} {v:12} ranks {n:>2} grid {nz}^3: {statistics.median(rate)/1e9:7.2f} G/s "
              f"[{min(rate)/1e9:.2f}-{max(rate)/1e9:.2f}] n={len(ok)} halo {halo/comp*100 if comp else 0:.1f}% max_abs_err {err:g}")
PY
echo "== test_cuda ($(date -u +%T))"
( time timeout -s KILL 250 test_cuda ) >"$out/test_cuda.log" 2>&1; echo "test_cuda rc=$?"
grep -E 'check failed' "$out/test_cuda.log" | head -5; tail -n 5 "$out/test_cuda.log"
tar czf "$out/runs.tgz" -C "$out" $(cd "$out" && ls -d mpi* nvml model_check 2>/dev/null) && rm -rf "$out"/mpi_* "$out"/mpi_cuda* "$out/nvml" "$out/model_check"
echo "call7: done $(date -u)"
