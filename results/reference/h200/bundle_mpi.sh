#!/usr/bin/env bash
# On the build machine: a stencilbench for the GPU host with CUDA and MPI, and the bundle that
# carries it there (../../../../shared/gpu/README.md). The GPU host may have no MPI: the build
# links MPICH from Debian (libmpich-dev, mpich), whose launcher (mpiexec.hydra, hydra_pmi_proxy)
# and libraries need no plugin folders, and the bundle carries them: libmpich, UCX (its core
# transports, shared memory and TCP, are built into libuct), and libslurm, which Debian's hydra
# links. Then on the GPU host: source .device/env.sh && results/reference/h200/mpi_scaling.sh OUT
#
#   results/reference/h200/bundle_mpi.sh [BUILD_DIR]     (default build-gpu-mpich)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../../.."
build=${1:-build-gpu-mpich}
for f in /usr/bin/mpicc.mpich /usr/bin/mpiexec.hydra /usr/bin/hydra_pmi_proxy; do
    [ -x "$f" ] || { echo "bundle_mpi.sh: $f missing: apt-get install libmpich-dev mpich" >&2; exit 2; }
done
command -v nvcc >/dev/null || export PATH=/usr/local/cuda/bin:$PATH
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES="80;86;90" \
    -DMPI_C_COMPILER=/usr/bin/mpicc.mpich -DMPIEXEC_EXECUTABLE=/usr/bin/mpiexec.hydra -DBUILD_TESTING=OFF \
    -DSTENCILBENCH_ARCH="${STENCILBENCH_ARCH:-x86-64-v4}"
cmake --build "$build" -j2 --target stencilbench
ldd "$build/stencilbench" | grep -q libmpich || { echo "bundle_mpi.sh: $build/stencilbench is not linked with MPICH" >&2; exit 1; }
BUNDLE_LIBS="libmpich|libucp|libucs|libuct|libucm|libslurm" \
    ../shared/gpu/bundle.sh "$build/stencilbench" /usr/bin/mpiexec.hydra /usr/bin/hydra_pmi_proxy
