#!/usr/bin/env bash
# On the GPU host (H200; a 16-core Xeon host), from the repository root, after
# results/reference/h200/bundle_mpi.sh on the build machine carried .device/ here:
#
#   source .device/env.sh && results/reference/h200/mpi_scaling.sh OUT_DIR
#
# 1. a smoke test: 2 ranks of `mpi` on 32^3 (says which launcher, and stops here if MPI fails)
# 2. `mpi` strong scaling, 1 to 16 ranks (1 thread each) at 512^3; weak, a 256^3 block per rank
# 3. `mpi_cuda`, where this build has it and the GPU is usable: 1 and 2 ranks on the one GPU
# Figures print and land in OUT_DIR/*/figures.txt; each study is bounded (timeout) so the whole
# stays under the device tool's 10 minutes per command. Copy OUT_DIR back to
# results/reference/h200/mpi/ on the build machine.
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../../.."
out=${1:?usage: results/reference/h200/mpi_scaling.sh OUT_DIR}
mkdir -p "$out"
sb=$(command -v stencilbench || echo build/stencilbench)
[ -x "$sb" ] || { echo "mpi_scaling: no stencilbench: source .device/env.sh first" >&2; exit 2; }
# the launcher of the MPI the binary links: MPICH's hydra (bundled) or Open MPI's mpirun
if ldd "$sb" | grep -q libmpich; then
    launcher=$(command -v mpiexec.hydra || command -v mpiexec)
else
    launcher=$(command -v mpirun || command -v mpiexec)
fi
[ -n "$launcher" ] || { echo "mpi_scaling: no MPI launcher on PATH (ldd: $(ldd "$sb" | grep -i mpi))" >&2; exit 2; }
{
    echo "host $(hostname), $(nproc) CPUs; $("$sb" --version); launcher $launcher"
    ldd "$sb" | grep -E 'mpi|ucx|uc[pst]|slurm|not found'
    nvidia-smi --query-gpu=name,memory.total --format=csv,noheader 2>&1 | head -2
} | tee "$out/host.txt"

echo "== smoke test: 2 ranks on 32^3"
timeout 60 "$launcher" -n 2 "$sb" run --variant mpi --ranks 2 --grid 32 --steps 2 --reps 1 \
    --out "$out/smoke" --no-plots --quiet >"$out/smoke.log" 2>&1
rc=$?
tail -3 "$out/smoke.log"
if [ $rc -ne 0 ] || ! grep -q ',ok,' "$out/smoke/timings.csv" 2>/dev/null; then
    echo "mpi_scaling: the MPI smoke test failed (exit $rc; $out/smoke.log). With MPICH's UCX," \
         "try: UCX_TLS=self,sm,tcp $0 $out" >&2
    exit 1
fi

cores=$(nproc)
ranks=1,2,4,8,16
[ "$cores" -ge 16 ] || ranks=$(seq -s, 1 "$cores")
timeout 300 results/reference/mpi_scaling.sh --bin "$sb" --mpiexec "$launcher" --strong-grid 512 \
    --strong-ranks "$ranks" --weak-block 256 --weak-ranks "$ranks" --steps 10 --reps 5 "$out/cpu"

if "$sb" list | grep -q '^mpi_cuda '; then  # (list says no outside a launcher; the run skips without a GPU)
    timeout 150 results/reference/mpi_scaling.sh --bin "$sb" --mpiexec "$launcher" --variant mpi_cuda \
        --strong-grid 512 --strong-ranks 1,2 --weak-block 256 --weak-ranks 1,2 --steps 10 --reps 5 "$out/gpu"
else
    echo "mpi_cuda: not in this build or no usable GPU here ($("$sb" list | grep -A1 '^mpi_cuda' | tail -1))"
fi
