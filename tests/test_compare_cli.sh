#!/usr/bin/env bash
# stencilbench compare end to end on synthetic timings.csv files: the gate's exit status
# (planted 10 % slowdown -> 1, identical -> 0, bad input -> 2), a run against references on
# mismatched grids, the comparison chart.
# usage: test_compare_cli.sh PATH/TO/stencilbench
set -u
sb=$1
fails=0 checks=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# fixture DIR MACHINE SCALE_NAIVE SCALE_OPENMP GRIDS: a run folder with 10 repetitions per
# point, deterministic +-2 % jitter; SCALE_* multiply the rates (plant a slowdown).
fixture() {
    mkdir -p "$1"
    awk -v m="$2" -v sn="$3" -v so="$4" -v grids="$5" -v shift="${6:-0}" 'BEGIN {
        print "schema_version,run_id,provenance,machine,variant,device,scheme,k,nz,ny,nx,grid_source,land_fraction,threads,tuning,host_memory,timesteps,rep,h2d_s,compute_s,d2h_s,total_s,cell_updates_per_s,effective_gbps,copy_gbps,roofline_fraction,max_abs_err,status,source"
        ng = split(grids, g, " ")
        for (k = 1; k <= ng; k++) {
            split(g[k], d, "x")
            for (v = 0; v < 3; v++) {
                name = v == 0 ? "naive" : v == 1 ? "tiled" : "openmp"
                base = v == 0 ? 4e8 * sn : v == 1 ? 2e9 : 3e9 * so
                th = v == 2 ? 2 : 1
                for (r = 0; r < 10; r++) {
                    rate = base * (1 + 0.004 * (((r * 7 + shift + v) % 11) - 5))
                    cells = (d[1] - 2) * (d[2] - 2) * (d[3] - 2) * 10
                    printf "1,fx,measured,%s,%s,cpu,course,0.1,%d,%d,%d,synthetic,0.5,%d,default,none,10,%d,,%.9g,,,%.9g,%.9g,30,%.9g,0,ok,\n", m, name, d[1], d[2], d[3], th, r, cells / rate, rate, rate * 8e-9, rate * 8e-9 / 30
                }
            }
        }
    }' >"$1/timings.csv"
}

. "$(dirname "${BASH_SOURCE[0]}")/cli_expect.sh"

fixture "$tmp/base" me 1 1 "34x66x66 50x222x241"
fixture "$tmp/same" me 1 1 "34x66x66 50x222x241" 3
fixture "$tmp/slow" me 1 0.9 "34x66x66 50x222x241" 3
fixture "$tmp/fast" me 1.2 1 "34x66x66 50x222x241" 3
fixture "$tmp/other" me 1 1 "20x20x20"
fixture "$tmp/ref" big 1.5 2 "34x66x66 100x100x100"

expect 0 "gate: pass" -- compare "$tmp/base" "$tmp/same" --gate
expect 0 "6 points: 0 SLOWER, 0 FASTER, 6 SAME" -- compare "$tmp/base" "$tmp/same" --gate
expect 1 "openmp 50x222x241 x10 2t .* SLOWER" -- compare "$tmp/base" "$tmp/slow" --gate
expect 1 "gate: FAIL \(2 points" -- compare "$tmp/base" "$tmp/slow" --gate
expect 1 "geometric mean new/base over 6 points: 0.96" -- compare "$tmp/base" "$tmp/slow" --gate
expect 0 "SLOWER" -- compare "$tmp/base" "$tmp/slow" --gate --threshold 15 # 10 % < 15 %: SAME
expect 0 "naive .* FASTER" -- compare "$tmp/base" "$tmp/fast" --gate
expect 0 "pass" -- compare "$tmp/base/timings.csv" "$tmp/same/timings.csv" --gate
cp -r "$tmp/base" "$tmp/skip"
echo "1,fx,measured,me,cuda_naive,gpu,course,0.1,48,48,48,synthetic,0.5,1,default,pinned,10,0,,,,,,,,,,skipped:unavailable: no CUDA device," >>"$tmp/skip/timings.csv"
expect 0 "cuda_naive .*not measured on either side: skipped:unavailable" -- compare "$tmp/skip" "$tmp/skip" --gate
expect 2 "no point in common" -- compare "$tmp/base" "$tmp/other" --gate
expect 2 "nosuch: No such file" -- compare "$tmp/base" "$tmp/nosuch" --gate
printf 'a,b\n1,2\n' >"$tmp/bad.csv"
expect 2 "no 'schema_version' column" -- compare "$tmp/base" "$tmp/bad.csv" --gate
sed 's/^1,/5,/' "$tmp/base/timings.csv" | sed '1s/^5,/1,/' >"$tmp/v5.csv"
expect 2 "this stencilbench reads versions 1 to 4" -- compare "$tmp/base" "$tmp/v5.csv" --gate
head -1 "$tmp/base/timings.csv" >"$tmp/empty.csv"
expect 2 "no rows after the header" -- compare "$tmp/base" "$tmp/empty.csv" --gate
sed '2s/,34,66,66,/,inf,66,66,/' "$tmp/base/timings.csv" >"$tmp/inf.csv"
expect 2 "line 2: column 'nz': want a whole number" -- compare "$tmp/base" "$tmp/inf.csv" --gate
expect 2 "want two arguments" -- compare "$tmp/base" --gate
expect 2 "--threshold abc: expected a number" -- compare "$tmp/base" "$tmp/same" --gate --threshold abc

# a run against a reference with partly different grids
expect 0 "openmp 34x66x66 x10 2t .* 0.500x .*exact" -- compare "$tmp/base" "$tmp/ref" --no-chart
expect 0 "your openmp variant runs at 0.5x the big measurement; relative to each machine's own bandwidth it is at 50 %" -- compare "$tmp/base" "$tmp/ref" --no-chart
expect 0 "naive 50x222x241 x10 1t .*NEAREST" -- compare "$tmp/base" "$tmp/ref" --no-chart
expect 0 "only in the reference:.*100x100x100" -- compare "$tmp/base" "$tmp/ref" --no-chart
expect 0 "only in your run .*naive 50x222x241" -- compare "$tmp/base" "$tmp/ref" --no-chart --exact
mkdir -p "$tmp/nothing"
expect 2 "no timings.csv there" -- compare "$tmp/base" "$tmp/nothing" --no-chart
mkdir -p "$tmp/root/a" "$tmp/root/b"
cp "$tmp/ref/timings.csv" "$tmp/root/a/"
cp "$tmp/empty.csv" "$tmp/root/b/timings.csv"
expect 0 "no rows yet" -- compare "$tmp/base" "$tmp/root" --no-chart
if command -v gnuplot >/dev/null; then
    expect 0 "chart: .*compare.png" -- compare "$tmp/base" "$tmp/root"
    checks=$((checks + 1))
    [ -s "$tmp/base/plots/compare.png" ] && [ -s "$tmp/base/plots/compare.svg" ] ||
        { fails=$((fails + 1)); echo "FAIL: no chart in $tmp/base/plots"; }
else
    echo "skipped: the chart (no gnuplot)"
fi

# the machines table and chart (issue 13): a CPU-only run against the committed references gets
# one line per machine and device class, GPU lines included, with factors against its CPU
refs=$(cd "$(dirname "${BASH_SOURCE[0]}")/../results/reference" && pwd)
cp -r "$refs" "$tmp/refs" && rm -rf "$tmp/refs/plots"
expect 0 "^A40 GPU +[0-9.e+]+ +cuda_[a-z]+ x[0-9]+ .* projected +[0-9.]+x +- *$" -- compare "$tmp/base" "$tmp/refs" --no-chart
expect 0 "^H100 GPU .* measured +[0-9.]+x" -- compare "$tmp/base" "$tmp/refs" --no-chart
expect 0 "^H100 host Xeon .* measured +[0-9.]+x" -- compare "$tmp/base" "$tmp/refs" --no-chart
expect 0 "^yours: me CPU +[0-9.e+]+ +openmp x10 .* measured +1x +-" -- compare "$tmp/base" "$tmp/refs" --no-chart
expect 0 "^A40 GPU: course CuPy +1.45e\+08 .*published" -- compare "$tmp/base" "$tmp/refs" --no-chart
expect 0 "^an A40 GPU would run this model [0-9.]+x faster than your CPU \(projected, best variants on the course grid\)" -- compare "$tmp/base" "$tmp/refs" --no-chart
expect 0 "its loop tiles the field into \(steps, 50, 222, 241\)" -- compare "$tmp/base" "$tmp/refs" --no-chart
expect 0 "add --detail" -- compare "$tmp/base" "$tmp/refs" --no-chart
expect 0 "== against A40" -- compare "$tmp/base" "$tmp/refs" --no-chart --detail
# a CPU run against a GPU-only reference: compared across device classes, never "no point in common"
expect 0 "no variant in common; across device classes its best GPU variant runs at [0-9.]+x your best CPU one \(on the course grid\)" -- compare "$tmp/base" "$tmp/refs/a40" --no-chart
checks=$((checks + 1))
"$sb" compare "$tmp/base" "$tmp/refs/a40" --no-chart 2>&1 | grep -q "no point in common" &&
    { fails=$((fails + 1)); echo "FAIL: 'no point in common' against a40"; }
# a measured folder added beside the others (as results/reference/h200 will be) is picked up,
# its GPU and its host named from its machine.json
mkdir -p "$tmp/refs/h200x"
sed 's/,H100-80GB-HBM3,/,H200,/' "$tmp/refs/h100/timings.csv" >"$tmp/refs/h200x/timings.csv"
sed 's/NVIDIA H100 80GB HBM3/NVIDIA H200/' "$tmp/refs/h100/machine.json" >"$tmp/refs/h200x/machine.json"
expect 0 "^H200 GPU .* measured +[0-9.]+x" -- compare "$tmp/base" "$tmp/refs" --no-chart
expect 0 "^H200 host Xeon .* measured +[0-9.]+x" -- compare "$tmp/base" "$tmp/refs" --no-chart
expect 0 "^an H200 GPU runs this model [0-9.]+x faster than your CPU" -- compare "$tmp/base" "$tmp/refs" --no-chart
rm -rf "$tmp/refs/h200x"
# the references alone
expect 0 "^EPYC-7552 CPU: course NumPy +5.1e\+07" -- compare --machines "$tmp/refs" --no-chart
expect 2 "takes no other argument" -- compare --machines "$tmp/refs" "$tmp/base"
if command -v gnuplot >/dev/null; then
    # one bar per line of the table, in the chart's data file
    "$sb" compare "$tmp/base" "$tmp/refs" >"$tmp/machines.txt" 2>&1
    lines=$(awk '/^== machines/ { on = 1; getline; getline; next } /^roof:/ { on = 0 } on' "$tmp/machines.txt" | wc -l)
    bars=$(awk '/^# tics/ { exit } /^[0-9]/ && $2 != "NaN"' "$tmp/base/plots/data/machines.dat" | wc -l)
    checks=$((checks + 1))
    if [ "$lines" -lt 5 ] || [ "$lines" -gt 15 ] || [ "$bars" -ne "$lines" ] ||
        [ ! -s "$tmp/base/plots/machines.png" ] || [ ! -s "$tmp/base/plots/machines.svg" ]; then
        fails=$((fails + 1))
        echo "FAIL: machines chart: $bars bars for $lines table lines (want 5..15, equal), or no png/svg"
        cat "$tmp/machines.txt"
    fi
    expect 0 "machines chart: .*/refs/plots/machines.png" -- compare --machines "$tmp/refs"
    checks=$((checks + 1))
    [ -s "$tmp/refs/plots/machines.svg" ] || { fails=$((fails + 1)); echo "FAIL: no $tmp/refs/plots/machines.svg"; }
else
    echo "skipped: the machines chart (no gnuplot)"
fi

# scale: 60,000 rows (6,000 points of 10 repetitions) a side, every point matched (issue 18:
# this took minutes when points were grouped and matched pair by pair)
for side in big_a big_b; do
    awk -v s="$side" 'BEGIN {
        print "schema_version,run_id,provenance,machine,variant,device,scheme,k,nz,ny,nx,grid_source,land_fraction,threads,tuning,host_memory,timesteps,rep,h2d_s,compute_s,d2h_s,total_s,cell_updates_per_s,effective_gbps,copy_gbps,roofline_fraction,max_abs_err,status,source"
        for (g = 0; g < 6000; g++)
            for (r = 0; r < 10; r++)
                printf "1,%s,measured,me,openmp,cpu,course,0.1,%d,%d,12,synthetic,0.5,2,default,none,10,%d,,0.001,,0.001,%.9g,8,16,0.5,0,ok,\n", s, 10 + g, 10 + g % 7, r, 1e9 * (1 + 0.001 * ((r * 7 + g + length(s)) % 11))
    }' >"$tmp/$side.csv"
done
expect 0 "6000 points: 0 SLOWER, 0 FASTER, 6000 SAME, 0 UNSURE" -- compare "$tmp/big_a.csv" "$tmp/big_b.csv" --gate

echo "test_compare_cli: $checks checks, $fails failed"
[ "$fails" -eq 0 ]
