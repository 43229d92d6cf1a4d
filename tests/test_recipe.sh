#!/usr/bin/env bash
# results/reference/recipe.sh end to end with a tiny CPU study: it writes a reference folder
# (merged timings.csv with the machine column set, machine.json, the run folder and logs under
# log/) that compare reads as a reference, refuses to overwrite one without --force, and
# refuses a GPU study where no GPU variant can run and bad options (exit 2).
# usage: test_recipe.sh PATH/TO/stencilbench   (run from anywhere; it works from the repo root)
set -u
sb=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
cd "$(dirname "$0")/.." || exit 2
recipe=results/reference/recipe.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0 checks=0
. "$(dirname "${BASH_SOURCE[0]}")/cli_expect.sh"
ref=$tmp/box
tiny=(--bin "$sb" --study cpu --cpu-variants naive,openmp --cpu-grids 12,9x10x11 --cpu-steps 2
      --cpu-threads 1,2 --cpu-reps 2 --machine TEST-BOX)
"$recipe" "${tiny[@]}" "$ref" >"$tmp/out" 2>&1
rc=$?
check "recipe exits 0 (got $rc): $(tail -3 "$tmp/out")" [ $rc -eq 0 ]
csv=$ref/timings.csv
# 2 variants' points: naive 1 thread, openmp 1 and 2 threads; 2 grids; 2 repetitions each at
# least (repetitions are adaptive: more while a point is noisy)
check "timings.csv: 6 points of 2 or more repetitions each" \
    [ "$(tail -n +2 "$csv" | awk -F, '{ n[$5 "," $9 "," $11 "," $14] = $18 + 1 } END { for (k in n) if (n[k] >= 2) c++; print c + 0 }')" = 6 ]
check "every row ok" [ "$(tail -n +2 "$csv" | awk -F, '$28 != "ok"' | wc -l)" = 0 ]
check "machine column TEST-BOX" [ "$(tail -n +2 "$csv" | cut -d, -f4 | sort -u)" = TEST-BOX ]
check "run_id box-<utc>-cpu" [ "$(tail -n +2 "$csv" | cut -d, -f2 | sort -u | grep -Ec '^box-[0-9]{8}T[0-9]{4}Z-cpu$')" = 1 ]
check "header is the run's" [ "$(head -n 1 "$csv")" = "$(head -n 1 "$ref"/log/box-*/box-*-cpu/timings.csv)" ]
check "machine.json beside it" grep -q '"probes"\|"hostname"' "$ref/machine.json"
check "log: host.txt, list.txt, cpu.log, run folder" \
    test -s "$(echo "$ref"/log/box-*/host.txt)" -a -s "$(echo "$ref"/log/box-*/list.txt)" \
    -a -s "$(echo "$ref"/log/box-*/cpu.log)" -a -d "$(echo "$ref"/log/box-*/box-*-cpu)"
"$sb" compare tests/golden/fixtures/run_a "$ref" --no-chart >"$tmp/cmp" 2>&1
check "compare reads it as a reference" grep -q '== against TEST-BOX' "$tmp/cmp"

cp "$csv" "$tmp/before.csv"
"$recipe" "${tiny[@]}" "$ref" >"$tmp/out2" 2>&1
rc=$?
check "a second run without --force exits 2 (got $rc)" [ $rc -eq 2 ]
check "and says to pass --force" grep -q -- '--force' "$tmp/out2"
check "and leaves timings.csv alone" cmp -s "$csv" "$tmp/before.csv"

"$recipe" --bin "$sb" --no-such-option "$tmp/x" >/dev/null 2>&1
check "an unknown option exits 2" [ $? -eq 2 ]
"$recipe" --bin "$sb" --study cpu,disk "$tmp/x" >/dev/null 2>&1
check "an unknown study exits 2" [ $? -eq 2 ]
if ! "$sb" list | grep -Eq '^[a-z0-9_]+ +gpu +yes'; then
    "$recipe" --bin "$sb" --study gpu "$tmp/x" >"$tmp/out3" 2>&1
    check "a GPU study without a GPU exits 2" [ $? -eq 2 ]
    check "and says why" grep -q 'needs a GPU variant' "$tmp/out3"
fi
echo "test_recipe: $checks checks, $fails failed"
[ $fails -eq 0 ]
