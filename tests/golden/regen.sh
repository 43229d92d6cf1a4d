#!/bin/sh
# Rewrites the golden files (tests/golden/*.txt) from a build folder's binaries:
#   tests/golden/regen.sh BUILD_DIR [CASE...]
# Review the result with `git diff tests/golden` before committing: every changed line is a
# change in what stencilbench prints.
build=${1:?usage: tests/golden/regen.sh BUILD_DIR [CASE...]}
shift
dir=$(dirname "$0")
exec "$dir/golden.sh" regen "$build/stencilbench" "$build/tests/golden_summary" "$@"
