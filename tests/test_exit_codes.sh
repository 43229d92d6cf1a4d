#!/usr/bin/env bash
# Bad input to every subcommand exits 2 with a message (README: "2 bad input"), never 0 or 1
# (issue 18 found run --config DIR accepted, and exit 1 for a damaged run folder, an --out of
# viz that is a file or cannot be created, --version with arguments).
# usage: test_exit_codes.sh PATH/TO/stencilbench PATH/TO/make_fixtures
set -u
sb=$1
fails=0 checks=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export STENCILBENCH_CACHE=$tmp/cache
"$2" "$tmp" || { echo "make_fixtures failed"; exit 1; }
cd "$tmp" || exit 1
printf 'not netCDF\n' >text.nc
mkdir adir
"$sb" run --variant naive --grid 8 --steps 1 --reps 1 --warmup 0 --quiet --no-plots --out good >/dev/null 2>&1 ||
    { echo "a good run failed"; exit 1; }
cp -r good badcsv && echo "garbage,line" >>badcsv/timings.csv
cp -r good badini && echo "junk" >>badini/study.ini

bad() { # bad ARGS...: exit 2 and something on stderr
    checks=$((checks + 1))
    "$sb" "$@" >"$tmp/out" 2>"$tmp/err"
    local got=$?
    if [ "$got" -ne 2 ] || [ ! -s "$tmp/err" ]; then
        fails=$((fails + 1))
        echo "FAIL: stencilbench $* -> exit $got (want 2 and a message)"
        sed 's/^/    /' "$tmp/err" | head -5
    fi
}
d="--dry-run"
bad nosuchcmd
bad --version extra
bad --bogus
bad run --config adir $d
bad run --config nosuch.ini $d
bad run --config text.nc $d
for o in "--grid 0" "--grid abc" "--steps -1" "--threads 0" "--reps 0" "--k 0" "--k nan" \
         "--land-fraction 2" "--seed -1" "--variant nosuch" "--tuning bad" "--host-memory x" \
         "--scheme x" "--dataset nosuch.nc --grid dataset" "--dataset text.nc --grid dataset" \
         "--dataset huge.nc --grid dataset" "--bogus"; do
    bad run $o $d
done
bad run extra
bad run --resume nosuchdir
bad run --resume adir
bad run --resume badcsv
bad run --resume badini
bad run --out good --variant naive --grid 8 --steps 1 --reps 1 --quiet --no-plots
bad run --out text.nc/sub --variant naive --grid 8 --steps 1 --reps 1 --quiet --no-plots
bad plot
bad plot nosuchdir
bad plot adir
bad plot good extra
bad compare
bad compare good
bad compare nosuch good
for o in "--input nosuch.nc" "--input adir" "--input text.nc" "--input huge.nc" \
         "--input small.nc --variant nosuch" "--input small.nc --steps x" "--input small.nc --threads 0" \
         "--input small.nc --k 0" "--input small.nc --output adir" "--input small.nc --output nodir/x.nc" \
         "--input small.nc --var nosuch" "--input small.nc --time-index 99" "--input small.nc --save-every x" \
         "--input small.nc --scheme x" "--bogus"; do
    bad model $o
done
for o in "nosuch.nc" "adir" "text.nc" "huge.nc" "--var nosuch small.nc" "--bogus" "a b"; do
    bad summary $o
done
bad generate adir
bad generate nodir/x.nc
bad generate a b
bad list extra
if command -v gnuplot >/dev/null; then
    bad viz
    bad viz bogus
    for o in "--input nosuch.nc" "--input text.nc" "--input huge.nc" "--input small.nc --var nosuch" \
             "--input small.nc --depth x" "--input small.nc --time 99" "--input small.nc --out text.nc" \
             "--input small.nc --out text.nc/sub" "--input small.nc --out /proc/stencilbench/x" \
             "--bogus" "extra"; do
        bad viz slice $o
    done
    bad viz animate --input small.nc --speed 0
    bad viz cube --input small.nc --depths 0
    checks=$((checks + 1))
    [ ! -e output ] || { fails=$((fails + 1)); echo "FAIL: a refused viz created ./output"; }
else
    echo "test_exit_codes: gnuplot not found: viz cases SKIPPED"
fi

echo "test_exit_codes: $checks checks, $fails failed"
[ "$fails" -eq 0 ]
