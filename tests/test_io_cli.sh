#!/usr/bin/env bash
# Bad input to generate, summary and model: a clear message, exit status 2, nothing lost (the
# input untouched, an existing output kept unless a new one is complete, no temporary files
# left); and the good paths, including the default dataset's cache.
# usage: test_io_cli.sh PATH/TO/stencilbench PATH/TO/make_fixtures
set -u
sb=$1
fails=0 checks=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export STENCILBENCH_CACHE=$tmp/cache
"$2" "$tmp" || { echo "make_fixtures failed"; exit 1; }
cd "$tmp" || exit 1

. "$(dirname "${BASH_SOURCE[0]}")/cli_expect.sh"
# check DESCRIPTION COMMAND...: the command must succeed.

printf 'this is not netCDF\n' >text.nc
head -c 3000 small.nc >truncated.nc
cp small.nc small.orig
m="model --variant naive --steps 2"

# Bad input files.
expect 2 "cannot open 'nosuch.nc': No such file or directory" -- $m --input nosuch.nc
expect 2 "cannot open 'nosuch.nc': No such file" -- summary nosuch.nc
expect 2 "'text.nc' is not a netCDF file" -- $m --input text.nc
expect 2 "'text.nc' is not a netCDF file" -- summary text.nc
expect 2 "truncated or damaged|not a netCDF file" -- $m --input truncated.nc
expect 2 "truncated or damaged|not a netCDF file" -- summary truncated.nc
if command -v nccopy >/dev/null; then
    nccopy -k classic small.nc classic.nc && head -c 6000 classic.nc >classic_cut.nc
    expect 2 "'classic_cut.nc' is truncated: its header describes [0-9]+ bytes of data but the file has 6000" -- $m --input classic_cut.nc
    expect 0 "naive model completed" -- $m --input classic.nc --output classic_out.nc
else
    echo "test_io_cli: nccopy not found: truncated classic-format check SKIPPED"
fi
expect 2 "'.' is a directory" -- $m --input .
expect 2 "no variable 'so'; it has: thetao \(4-D\) \(choose one with --var\)" -- $m --input small.nc --var so
expect 2 "no variable 'so'; it has: thetao" -- summary --var so small.nc
expect 2 "variable 'thetao' has 2 dimensions; need 4 \(time, depth, latitude, longitude\) or 3" -- $m --input rank2.nc
expect 2 "dimension 3 of 'thetao' is 'longitude'; expected latitude or lat" -- $m --input baddims.nc
expect 2 "holds only fill values: there is no water to model" -- $m --input allfill.nc
expect 2 "holds only fill values" -- summary allfill.nc
# A depth of 2^54: the bytes of one field wrap to 0 in 64 bits (issue 18): refused, no crash.
for cmd in "summary" "model --variant naive --steps 1 --output huge_out.nc --input" \
           "viz slice --out vz --input" "viz cube --out vz --input"; do
    expect 2 "huge.nc: 'thetao' \(time x depth x latitude x longitude x bytes\): 1 x 18014398509481984 x 16 x 16 x 8 is too large to address" -- $cmd huge.nc
done
check "no output from a refused huge.nc" test ! -e huge_out.nc
expect 2 "--time-index 2 is out of range: 'thetao' in small.nc has 2 times \(0 to 1\)" -- $m --input small.nc --time-index 2
expect 2 "--time-index -1: expected a whole number" -- $m --input small.nc --time-index -1

# Outputs that cannot or must not be written.
expect 2 "cannot write 'nodir/out.nc': No such file or directory" -- $m --input small.nc --output nodir/out.nc
expect 2 "cannot write 'text.nc/out.nc': Not a directory" -- $m --input small.nc --output text.nc/out.nc
expect 2 "cannot write '.': it is a directory" -- $m --input small.nc --output .
expect 2 "the output 'small.nc' is the input file; choose another --output" -- $m --input small.nc --output small.nc
expect 2 "the output '\./\./small.nc' is the input file" -- $m --input small.nc --output ././small.nc
ln -s small.nc link.nc
expect 2 "the output 'link.nc' is the input file" -- $m --input small.nc --output link.nc
check "input unchanged after refusals" cmp -s small.nc small.orig
expect 2 "cannot write 'nodir/x.nc'" -- generate nodir/x.nc

# An existing output survives a failed run, and is replaced by a complete one.
printf 'keep me\n' >kept.nc
expect 2 "out of range" -- $m --input small.nc --time-index 5 --output kept.nc
check "existing output kept after a failed run" grep -q "keep me" kept.nc
expect 0 "^naive model completed in [0-9.e+-]+ seconds\. Average time per timestep: [0-9.e+-]+ seconds\.$" -- $m --input small.nc --output kept.nc
check "existing output replaced by a complete file" "$sb" summary kept.nc
check "no temporary files left" test -z "$(ls ./*.tmp.* 2>/dev/null)"

# Bad flags.
expect 2 "--steps 0: expected a whole number from 1" -- model --input small.nc --steps 0
expect 2 "--save-every 0: expected a whole number from 1" -- model --input small.nc --save-every 0
expect 2 "--writer always: want thread, inline or auto" -- model --input small.nc --writer always
expect 2 "unknown variant 'nosuch'.*valid variants: naive" -- model --input small.nc --variant nosuch
# A registered variant that cannot run here (a CUDA variant on a machine with no GPU).
unavailable=$("$sb" list 2>/dev/null | awk '$3 == "no" {print $1; exit}')
if [ -n "$unavailable" ]; then
    expect 2 "variant $unavailable cannot run here: .*stencilbench list" -- model --input small.nc --variant "$unavailable"
fi
expect 2 "diffusion coefficient must be in \(0, 1\]" -- model --input small.nc --k 2
expect 2 "unknown scheme 'hot'" -- model --input small.nc --scheme hot
expect 2 "unexpected argument 'small.nc' \(the input is --input FILE\)" -- model small.nc
expect 2 "one file at most" -- summary a.nc b.nc
expect 2 "one file at most" -- generate a.nc b.nc
expect 0 "usage: stencilbench model" -- model --help
expect 0 "usage: stencilbench summary" -- summary --help
expect 0 "usage: stencilbench generate" -- generate --help
expect 0 "model +run the diffusion model" -- --help

# Good runs: packed short, snapshots, the default dataset through the cache.
expect 0 "stored as short, unpacked as value \* 0.00100000005 \+ 10, _FillValue -32767, missing_value -999" -- summary packed.nc
expect 0 "wrote snap.nc \(4 snapshots: the input as step 0, every 2 steps and the last\)" -- model --variant tiled --input small.nc --output snap.nc --steps 5 --save-every 2
expect 0 "^shape: \(4, 9, 10, 11\)$" -- summary snap.nc
expect 0 "naive model completed" -- model --variant naive --input packed.nc --output packed_out.nc --steps 3
expect 0 "generating the synthetic default dataset once, into $tmp/cache/synthetic_ocean_v1.nc" -- summary
check "cache file made" test -s "$tmp/cache/synthetic_ocean_v1.nc"
expect 0 "^shape: \(5, 50, 222, 241\)$" -- summary
expect 0 "fill: [0-9]+ \(5[0-9]\.[0-9]+ %\)" -- summary
expect 0 "wrote predicted_temperatures_naive.nc \(2 snapshots: the input as step 0, every 10 steps and the last\)" -- model --variant naive --steps 1
check "default output name" test -s predicted_temperatures_naive.nc
expect 0 "input_file: $tmp/cache/synthetic_ocean_v1.nc" -- summary predicted_temperatures_naive.nc
expect 0 "^synthetic: true$|  synthetic: true" -- summary predicted_temperatures_naive.nc
# Ctrl-C during model: exit 130 after the current snapshot, no output, no partial file left
timeout 120 "$sb" model --variant naive --steps 1000000 --save-every 5 --output interrupted.nc 2> interrupted.err &
pid=$!
for _ in $(seq 100); do [ -n "$(ls ./interrupted.nc.tmp.* 2>/dev/null)" ] && break; sleep 0.1; done
sleep 0.3
kill -INT "$pid"
wait "$pid"
check "interrupted model exits 130" test $? -eq 130
check "interrupted model says so" grep -q "interrupted after [0-9]* of 1000000 steps; interrupted.nc was not written" interrupted.err
check "interrupted model leaves no output" test ! -e interrupted.nc
check "interrupted model leaves no partial file" test -z "$(ls ./interrupted.nc.tmp.* 2>/dev/null)"
expect 0 "wrote gen.nc: synthetic thetao \(time 5, depth 50, latitude 222, longitude 241\)" -- generate gen.nc
check "generate is deterministic" cmp -s <("$sb" summary gen.nc | tail -n +2) <("$sb" summary "$tmp/cache/synthetic_ocean_v1.nc" | tail -n +2)
expect 0 "wrote $tmp/cache/synthetic_ocean_v1.nc" -- generate
# generate --grid: the same ocean on another grid, one time, a model input (issue 15 item 4)
expect 0 "wrote grid.nc: synthetic thetao \(time 1, depth 6, latitude 7, longitude 8\)" -- generate --grid 6x7x8 grid.nc
expect 0 "^shape: \(1, 6, 7, 8\)$" -- summary grid.nc
expect 0 "naive model completed" -- model --variant naive --steps 2 --input grid.nc --output grid_out.nc
expect 0 "wrote cube.nc: synthetic thetao \(time 1, depth 5, latitude 5, longitude 5\)" -- generate --grid 5 cube.nc
expect 0 "^shape: \(1, 5, 5, 5\)$" -- summary cube.nc
check "generate --grid 50x222x241 is the default dataset" cmp -s <("$sb" summary gen.nc | tail -n +2) <("$sb" generate --grid 50x222x241 course_grid.nc >/dev/null && "$sb" summary course_grid.nc | tail -n +2)
expect 2 "--grid 7 needs a FILE.nc to write" -- generate --grid 7
expect 2 "^stencilbench generate: --grid: grid '7x' is malformed" -- generate --grid 7x grid2.nc
check "a bad --grid writes nothing" test ! -e grid2.nc

# the course's flag names (issue 13): aliases where the command takes the same thing, else one line
expect 0 "naive model completed" -- model --variant naive --num_timesteps 3 --data_file small.nc --output course.nc
expect 0 "^shape: \(2, 9, 10, 11\)$" -- summary --data_file course.nc
expect 0 "steps: 3" -- summary --data_file=course.nc
expect 0 "course's NumPy/CuPy loop tiles the field into \(3, 9, 10, 11\) and updates \(steps-2\)x7x8x11 = 616 cells per step, 1.22x this model's 504" -- model --variant naive --num_timesteps=3 --input small.nc --output course.nc
expect 0 "course's NumPy/CuPy loop tiles the field into \(100, 9, 10, 11\) .* 120x this model's 504" -- model --variant naive --num_timesteps 100 --input small.nc --output course.nc
if command -v gnuplot >/dev/null; then
    expect 0 "small_animate_.*\.html" -- viz animate --target_depth 0 --animation_speed 100 --data_file small.nc --out vz
    expect 0 "small_cube_2d_1t" -- viz cube --num_depths 2 --num_time_steps 1 --data_file small.nc --out vz
    expect 2 "--speed 5: expected a whole number from 10" -- viz animate --animation_speed 5 --data_file small.nc --out vz
fi
expect 0 "naive .* ok" -- run --variant naive --grid 9 --num_timesteps 2 --reps 1 --out "$tmp/course_run" --no-plots
for flag in "--target_depth 0" "--animation_speed 100" "--num_depths 2" "--num_time_steps 1"; do
    expect 2 "^stencilbench run: ${flag% *} is the course's flag: use stencilbench viz " -- run $flag
    checks=$((checks + 1))
    [ "$(wc -l <"$tmp/out")" -eq 1 ] || { fails=$((fails + 1)); echo "FAIL: run $flag: more than one line"; cat "$tmp/out"; }
done
expect 2 "^stencilbench compare: --num_timesteps is the course's flag: use --steps" -- compare --num_timesteps 3
expect 2 "^stencilbench generate: --data_file is the course's flag: use --input F" -- generate --data_file x.nc

echo "test_io_cli: $checks checks, $fails failed"
[ "$fails" -eq 0 ]
