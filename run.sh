#!/usr/bin/env bash
# stencilbench quick start.
#   ./run.sh          install what is missing, build (Release), run the default study
#                     (configs/default.ini: CSV, machine.json and plots in results/runs/...)
#   ./run.sh test     install what is missing, build, run the test suite (ctest)
# Debian 12 / Ubuntu 24.04, as root or with sudo. BUILD_DIR overrides the build folder.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
mode=${1:-study}
case "$mode" in
study | test) ;;
*)
    echo "usage: ./run.sh [study|test]" >&2
    exit 2
    ;;
esac
build=${BUILD_DIR:-build}

packages=(cmake make gcc g++ pkg-config git libnetcdf-dev netcdf-bin libhwloc-dev hwloc
    libbenchmark-dev gnuplot-nox libinih-dev libcjson-dev)
# The test suite also builds the libFuzzer targets (tests/fuzz): clang and its fuzzer runtime.
if [ "$mode" = test ]; then
    packages+=(clang libclang-rt-dev)
fi
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "run.sh: installing ${missing[*]}"
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || {
            echo "run.sh: need root or sudo to install: ${missing[*]}" >&2
            exit 1
        }
        sudo=sudo
    fi
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# CUDA is optional: configure uses nvcc when it finds one (also in /usr/local/cuda/bin).
if ! command -v nvcc >/dev/null && [ -x /usr/local/cuda/bin/nvcc ]; then
    export PATH="/usr/local/cuda/bin:$PATH"
fi
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release
cmake --build "$build" -j "$(nproc)"

if [ "$mode" = test ]; then
    ctest --test-dir "$build" --output-on-failure -j 2
else
    "$build/stencilbench" list
    "$build/stencilbench" run --config configs/default.ini
fi
