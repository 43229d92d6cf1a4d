#!/usr/bin/env bash
# Bad input to the CLI: clear messages, exit status 2, no crash; and a good run exits 0.
# usage: test_cli.sh PATH/TO/stencilbench
set -u
sb=$1
fails=0 checks=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

. "$(dirname "${BASH_SOURCE[0]}")/cli_expect.sh"

expect 2 "unknown variant 'nosuch'.*valid variants: naive, tiled, openmp" -- run --variant nosuch
expect 2 "unknown variant 'bogus'" -- run --variant naive,bogus
expect 2 "grid '50x222' is malformed: write NZxNYxNX" -- run --grid 50x222
expect 2 "grid 'axbxc' is malformed" -- run --grid axbxc
expect 2 "grid '0x5x5' is malformed" -- run --grid 0x5x5
expect 2 "grid '-5' is malformed" -- run --grid -5
expect 2 "grid '5x5x5x5' is malformed" -- run --grid 5x5x5x5
expect 2 "grid '7x' is malformed" -- run --grid 7x
expect 2 "grid '5x5x5x' is malformed" -- run --grid 5x5x5x
expect 2 "--grid : is empty" -- run --grid ""
expect 1 "skipped: too large for host memory: needs .* GiB" -- run --grid 100000x100000x1000 --out "$tmp/big1"
expect 1 "every point was skipped" -- run --grid 1048576 --out "$tmp/big2"
expect 2 "diffusion coefficient must be in \(0, 1\]" -- run --k 0
expect 2 "diffusion coefficient must be in \(0, 1\]" -- run --k 1.5
expect 2 "diffusion coefficient must be in \(0, 1\]" -- run --k -0.1
expect 2 "--k nan: the diffusion coefficient must be in" -- run --k nan
expect 2 "--k abc: the diffusion coefficient must be in" -- run --k abc
expect 2 "--steps -3: '-3' is not a whole number" -- run --steps -3
expect 2 "--threads 0: '0' is not a whole number from 1" -- run --threads 0
expect 2 "unknown scheme 'hot'" -- run --scheme hot
expect 0 "warning: k=0.5 with the course scheme is not stable above k = 2/7: .* 2.5 a step" -- run --k 0.5 --dry-run
expect 0 "warning: k=1 with the course scheme is not stable" -- model --k 1 --steps 2 --variant naive --output "$tmp/k1.nc"
for stable in "--k 0.28" "--k 1 --scheme insulated"; do # no warning where the scheme is stable
    checks=$((checks + 1))
    # shellcheck disable=SC2086
    "$sb" run $stable --dry-run >"$tmp/out" 2>&1
    rc=$?
    if [ "$rc" -ne 0 ] || grep -q "not stable" "$tmp/out"; then
        fails=$((fails + 1))
        echo "FAIL: stencilbench run $stable --dry-run: exit $rc, or it warned of instability"
    fi
done
expect 2 "tuning knob 'tile_q' is not taken" -- run --variant tiled --tuning tile_q=3
expect 2 "tuning tile_y=0: use a whole number" -- run --variant tiled --tuning tile_y=0
expect 2 "unrecognized option|usage: stencilbench run" -- run --bogus
expect 2 "unknown command 'frobnicate'" -- frobnicate
expect 2 "usage: stencilbench" --
expect 0 "usage: stencilbench run" -- run --help
expect 0 "naive +cpu +yes" -- list
expect 0 "^stencilbench [0-9]+\.[0-9]+\.[0-9]+" -- --version
expect 0 "openmp +2 .* ok" -- run --grid 9x10x11 --steps 3 --reps 2 --threads 2 --variant naive,tiled,openmp --out "$tmp/r1"
expect 0 "tiled .*tile_y=3;tile_x=4 .* ok" -- run --grid 9x10x11 --steps 2 --reps 1 --variant tiled --tuning tile_y=3,tile_x=4 --out "$tmp/r2"
expect 0 "naive .* ok" -- run --grid 1x1x1 --steps 2 --reps 1 --variant naive --out "$tmp/r3"
# the last line of a run names the next step (issue 13)
checks=$((checks + 1))
"$sb" run --grid 9x10x11 --steps 2 --reps 1 --variant naive --out "$tmp/r4" --no-plots >"$tmp/out" 2>&1
last=$(tail -n 1 "$tmp/out")
case $last in
"next: stencilbench compare $tmp/r4 results/reference "*) ;;
*) fails=$((fails + 1)); echo "FAIL: the last line of a run is '$last', not the next step" ;;
esac

# ./run.sh links the program into PREFIX/bin (issue 13): the README's commands then work as written
run_sh=$(dirname "${BASH_SOURCE[0]}")/../run.sh
build_dir=$(cd "$(dirname "$sb")" && pwd)
checks=$((checks + 1))
if ! PREFIX="$tmp/prefix" BUILD_DIR="$build_dir" "$run_sh" link >"$tmp/out" 2>&1 ||
    [ "$(readlink "$tmp/prefix/bin/stencilbench")" != "$build_dir/stencilbench" ] ||
    ! "$tmp/prefix/bin/stencilbench" --version >/dev/null; then
    fails=$((fails + 1)); echo "FAIL: ./run.sh link:"; cat "$tmp/out"
fi
checks=$((checks + 1))
rm "$tmp/prefix/bin/stencilbench" && echo "not ours" >"$tmp/prefix/bin/stencilbench"
if PREFIX="$tmp/prefix" BUILD_DIR="$build_dir" "$run_sh" link >"$tmp/out" 2>&1 ||
    ! grep -q "exists and is not a link; left alone" "$tmp/out" || [ "$(cat "$tmp/prefix/bin/stencilbench")" != "not ours" ]; then
    fails=$((fails + 1)); echo "FAIL: ./run.sh link replaced a file it did not make:"; cat "$tmp/out"
fi

# a narrow terminal (issue 16): point lines fit 80 columns; the full status on the next line
# (with a GPU variant where the build has them: skipped without a GPU, a long status)
checks=$((checks + 1))
gpu_variant=$("$sb" list 2>/dev/null | awk '$1 == "cuda_naive" {print ",cuda_naive"}')
COLUMNS=80 "$sb" run --variant "naive,openmp$gpu_variant" --grid 12 --steps 1 --reps 1 --threads 1 \
    --tuning 'default|stream=-1' --out "$tmp/narrow" --no-plots >"$tmp/narrow.out" 2>&1
if ! grep -q '^point   variant *thr grid' "$tmp/narrow.out" ||
    awk '/^(\[|point)/ && length > 80 {bad = 1} END {exit !bad}' "$tmp/narrow.out" ||
    awk '/^Summary/ {on = 1} /^$/ {on = 0} on && length > 80 {bad = 1} END {exit !bad}' "$tmp/narrow.out" ||
    ! grep -q '^variant  *Gcell/s  *copy' "$tmp/narrow.out" ||
    ! grep -q '^        tuning stream=-1' "$tmp/narrow.out"; then
    fails=$((fails + 1)); echo "FAIL: point lines at COLUMNS=80:"; cat "$tmp/narrow.out"
fi
checks=$((checks + 1))
COLUMNS=200 "$sb" run --variant naive --grid 12 --steps 1 --reps 1 --out "$tmp/wide" --no-plots >"$tmp/wide.out" 2>&1
grep -q 'compute_s' "$tmp/wide.out" || { fails=$((fails + 1)); echo "FAIL: wide point lines lost compute_s:"; cat "$tmp/wide.out"; }

# plot: the summary's warnings (NOISY points of a committed fixture run) head the index page
if command -v gnuplot >/dev/null; then
    checks=$((checks + 1))
    cp -r "$(dirname "$0")/golden/fixtures/run_a" "$tmp/noisy_run"
    "$sb" plot "$tmp/noisy_run" >/dev/null 2>&1
    grep -q '<h2>Warnings</h2>' "$tmp/noisy_run/plots/index.html" &&
        grep -q 'points are NOISY' "$tmp/noisy_run/plots/index.html" ||
        { fails=$((fails + 1)); echo "FAIL: plot's index page has no NOISY warning"; }
fi

echo "test_cli: $checks checks, $fails failed"
[ "$fails" -eq 0 ]
