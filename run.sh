#!/usr/bin/env bash
# stencilbench quick start.
#   ./run.sh          install what is missing, build (Release), run the default study
#                     (configs/default.ini: CSV, machine.json and plots in results/runs/...)
#   ./run.sh test     install what is missing, build, run the test suite (ctest)
#   ./run.sh link     only link an existing build's stencilbench into PREFIX/bin
# Both of the first two also link BUILD_DIR/stencilbench into PREFIX/bin (default /usr/local/bin,
# on PATH on Debian and Ubuntu for root and users alike; sudo when it is not writable), so the
# README's `stencilbench ...` commands work as written; build/stencilbench works all the same.
# Debian 12 / Ubuntu 24.04, as root or with sudo. BUILD_DIR overrides the build folder, PREFIX
# the install prefix.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
usage() {
    cat <<'EOF'
usage: ./run.sh [study|test|link|--help]

stencilbench quick start (Debian 12 / Ubuntu 24.04, as root or with sudo):
  study     (the default) install the Debian packages that are missing, build (Release) and run
            the default study, configs/default.ini: timings.csv, machine.json and the charts
            (plots/index.html) in a new folder under results/runs/
  test      install what is missing, build and run the test suite (ctest)
  link      only link an existing build's stencilbench into PREFIX/bin
  --help    print this text

study and test also link BUILD_DIR/stencilbench into PREFIX/bin (sudo when not writable), so
`stencilbench ...` works as the README writes it.

Environment: BUILD_DIR overrides the build folder (default: build), PREFIX the install prefix
(default: /usr/local). CUDA is used when nvcc is found (also in /usr/local/cuda/bin); without it
the GPU variants are skipped. stencilbench --help lists its commands (run, plot, viz, model,
compare...).
EOF
}
mode=${1:-study}
case "$mode" in
study | test | link) ;;
-h | --help | help)
    usage
    exit 0
    ;;
*)
    echo "run.sh: unknown mode '$mode'" >&2
    usage >&2
    exit 2
    ;;
esac
build=${BUILD_DIR:-build}
prefix=${PREFIX:-/usr/local}

# Links the built stencilbench into $prefix/bin (a symbolic link, so a rebuild needs no new
# install); never replaces a file there that is not such a link. Prints how to call it.
link_program() {
    local bin target sudo=""
    bin=$(cd "$build" && pwd)/stencilbench
    target=$prefix/bin/stencilbench
    [ -x "$bin" ] || { echo "run.sh: no $bin: build first (./run.sh)" >&2; return 1; }
    if [ -e "$target" ] && [ ! -L "$target" ]; then
        echo "run.sh: $target exists and is not a link; left alone: call $bin" >&2
        return 1
    fi
    if [ ! -w "$prefix/bin" ] && [ -d "$prefix/bin" ] && [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null && sudo=sudo
    fi
    if ! { [ -d "$prefix/bin" ] || $sudo mkdir -p "$prefix/bin"; } || ! $sudo ln -sfn "$bin" "$target"; then
        echo "run.sh: could not link $target; call $bin (or PREFIX=DIR ./run.sh link)" >&2
        return 1
    fi
    case ":$PATH:" in
    *":$prefix/bin:"*) echo "run.sh: stencilbench is $target -> $bin" ;;
    *) echo "run.sh: linked $target -> $bin; $prefix/bin is not on PATH here: add it, or call $bin" ;;
    esac
}
if [ "$mode" = link ]; then
    link_program
    exit
fi

packages=(cmake make gcc g++ pkg-config git libnetcdf-dev netcdf-bin libhwloc-dev hwloc
    libbenchmark-dev gnuplot-nox libinih-dev libcjson-dev
    libopenmpi-dev openmpi-bin) # the mpi variant and stencilbench run under mpirun (optional at build)
# The test suite also builds the libFuzzer targets (tests/fuzz): clang and its fuzzer runtime;
# and starts a one-host Slurm (test_slurm_cluster): slurm-wlm and munge.
if [ "$mode" = test ]; then
    packages+=(clang libclang-rt-dev slurm-wlm munge)
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

link_program || true

if [ "$mode" = test ]; then
    ctest --test-dir "$build" --output-on-failure -j 2
else
    "$build/stencilbench" list
    # its last line names the next step: stencilbench compare <run> results/reference
    "$build/stencilbench" run --config configs/default.ini
fi
