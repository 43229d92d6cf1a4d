#!/usr/bin/env bash
# Runs each libFuzzer target for a while (tests/fuzz/README.md).
#   tests/fuzz/fuzz.sh [BUILD_DIR] [SECONDS_EACH] [TARGET...]
# BUILD_DIR (default build) holds the targets in BUILD_DIR/fuzz; SECONDS_EACH defaults to 300;
# TARGETs default to all (config grid timings netcdf). Each target's growing corpus and
# its findings (crash-*, leak-*, oom-*, timeout-*) go to BUILD_DIR/fuzz/work/TARGET; after a
# finding the run goes on (fork mode) until the time is up. FUZZ_JOBS=N runs N processes each.
set -u
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=${1:-build}
seconds=${2:-300}
shift $(($# < 2 ? $# : 2))
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(config grid timings netcdf)
declare -A seeds=([config]=config [grid]=grid [timings]=timings [netcdf]=netcdf)
found=0
for t in "${targets[@]}"; do
    bin="$build/fuzz/fuzz_$t"
    if [ ! -x "$bin" ]; then
        echo "fuzz.sh: $bin is not built: install clang and libclang-rt-dev, then" >&2
        echo "  cmake -S . -B $build && cmake --build $build --target stencilbench_fuzz" >&2
        exit 2
    fi
    work="$build/fuzz/work/$t"
    mkdir -p "$work/corpus"
    echo "== fuzz_$t for ${seconds} s (corpus and findings in $work)"
    "$bin" -max_total_time="$seconds" -fork="${FUZZ_JOBS:-1}" -ignore_crashes=1 -ignore_ooms=1 \
        -ignore_timeouts=1 -rss_limit_mb=2048 -malloc_limit_mb=65536 -max_len=65536 -artifact_prefix="$work/" \
        "$work/corpus" "$here/corpus/${seeds[$t]}" >"$work/log" 2>&1
    n=$(find "$work" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'oom-*' -o -name 'timeout-*' \) | wc -l)
    found=$((found + n))
    echo "   $(grep -c . "$work/log") log lines; $n finding(s) so far in $work"
done
if [ $found -gt 0 ]; then
    echo "fuzz.sh: $found finding(s). Reproduce one with BUILD_DIR/fuzz/fuzz_TARGET FILE; keep it"
    echo "as a regression: copy it to tests/fuzz/regressions/TARGET/ (run by ctest)."
    exit 1
fi
