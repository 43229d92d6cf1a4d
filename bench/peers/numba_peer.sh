#!/bin/sh
# A plain Numba loop beside the project's CPU variants on the same field, interleaved and
# validated (bench/peers/numba_peer.py). Not a test: a figure for your machine.
#
#   bench/peers/numba_peer.sh [BUILD_DIR] [numba_peer.py options]
#       e.g. bench/peers/numba_peer.sh build --grid 256 256 256 --steps 10 --threads 2
#
# Makes a virtual environment (${PEER_VENV:-.venv-peer}, reused) with numba and numpy from
# PyPI; BUILD_DIR (default build) must hold stencilbench-peer (cmake --build BUILD_DIR).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
[ $# -gt 0 ] && shift
peer="$build/stencilbench-peer"
if [ ! -x "$peer" ]; then
    echo "numba_peer.sh: $peer not found: build first (cmake --build $build -j2)" >&2
    exit 2
fi
venv=${PEER_VENV:-.venv-peer}
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet numba numpy
fi
exec "$venv/bin/python" "$here/numba_peer.py" --peer-binary "$peer" "$@"
