#!/usr/bin/env bash
# The Google Benchmark shim runs a benchmark and writes the JSON that Google Benchmark's
# tools/compare.py reads (the keys it uses are checked; with COMPARE_PY=path/to/compare.py
# and its Python packages, compare.py itself is run on two outputs).
# usage: test_gbench.sh PATH/TO/stencilbench-gbench
set -u
gb=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() {
    echo "FAIL: $*"
    exit 1
}
# a and b: the default repetition count; c: --benchmark_repetitions=2. The names must not
# depend on the count (compare.py matches benchmarks by name), and the default must be the 9
# that compare.py's U test wants before it stops warning "Results unreliable".
for run in a b c; do
    reps=()
    [ "$run" = c ] && reps=(--benchmark_repetitions=2)
    "$gb" --grid 16,9x10x11 --steps 2 --benchmark_filter='^(naive|tiled)/' --benchmark_min_time=0.01 \
        "${reps[@]}" --benchmark_format=json >"$tmp/$run.json" 2>"$tmp/$run.err" ||
        fail "shim exited $? ($(tail -3 "$tmp/$run.err"))"
done
for key in '"benchmarks"' '"run_type": "iteration"' '"run_type": "aggregate"' '"aggregate_name": "median"' \
    '"real_time"' '"cpu_time"' '"time_unit": "ms"' '"repetitions": 9' '"cell_updates_per_s"' \
    '"bytes_per_second"' '"name": "naive/16x16x16/steps:2/omp:1/real_time"'; do
    grep -q "$key" "$tmp/a.json" || fail "JSON lacks $key"
done
grep -q '"repetitions": 2' "$tmp/c.json" || fail "--benchmark_repetitions=2 was not used"
grep -q 'repeats:' "$tmp/a.json" "$tmp/c.json" && fail "a benchmark name holds /repeats:N: $(grep -m1 -o '"name": "[^"]*repeats:[^"]*"' "$tmp/a.json" "$tmp/c.json")"
names() { grep -o '"name": "[^"]*"' "$1" | sort -u; }
[ "$(names "$tmp/a.json")" = "$(names "$tmp/c.json")" ] ||
    fail "the names differ between the default and --benchmark_repetitions=2: $(diff <(names "$tmp/a.json") <(names "$tmp/c.json") | head -4)"
if command -v python3 >/dev/null; then
    python3 - "$tmp/a.json" <<'PY' || fail "JSON keys for compare.py"
import json, sys
d = json.load(open(sys.argv[1]))
runs = d["benchmarks"]
assert len(runs) == 2 * 2 * (9 + 4), len(runs)  # 2 variants x 2 grids x (9 runs + 4 aggregates)
for r in runs:
    for k in ("name", "run_name", "run_type", "real_time", "cpu_time", "time_unit", "iterations",
              "repetitions"):
        assert k in r, (k, r["name"])
    assert r["real_time"] > 0 and r["time_unit"] == "ms"
    if r["run_type"] == "iteration":
        assert r["cell_updates_per_s"] > 0 and r["bytes_per_second"] > 0
PY
    if [ -n "${COMPARE_PY:-}" ] && [ -f "$COMPARE_PY" ]; then
        python3 "$COMPARE_PY" benchmarks "$tmp/a.json" "$tmp/b.json" >"$tmp/cmp.txt" 2>&1 ||
            fail "compare.py rejected the output: $(tail -5 "$tmp/cmp.txt")"
        grep -q "naive/16x16x16" "$tmp/cmp.txt" || fail "compare.py output lacks the benchmarks"
        grep -q "WARNING: Results unreliable" "$tmp/cmp.txt" && fail "compare.py warns at the default count"
        echo "compare.py accepted the output"
    fi
fi
echo "test_gbench: ok"
