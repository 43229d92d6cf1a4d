#!/usr/bin/env bash
# The study end to end: timings.csv follows results/SCHEMA.md (header, field count and types,
# one row per repetition, statuses), machine.json has its keys, too-large points are skipped
# rows, --dry-run writes nothing, and a run really interrupted by SIGINT resumes without
# redoing or losing points.
# usage: test_study.sh PATH/TO/stencilbench
set -u
sb=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0 checks=0
. "$(dirname "${BASH_SOURCE[0]}")/cli_expect.sh"

header="schema_version,run_id,provenance,machine,variant,device,scheme,k,nz,ny,nx,grid_source,land_fraction,threads,tuning,host_memory,timesteps,rep,h2d_s,compute_s,d2h_s,total_s,cell_updates_per_s,effective_gbps,copy_gbps,roofline_fraction,max_abs_err,status,source,ranks,halo_s,batch,cv,ci_rel,load_before,load_after,other_cpu,steal,cpu_mhz,gpu_sm_mhz_before,gpu_mem_mhz_before,gpu_temp_c_before,gpu_power_w_before,gpu_throttle_before,gpu_sm_mhz_after,gpu_mem_mhz_after,gpu_temp_c_after,gpu_power_w_after,gpu_throttle_after"

# schema_ok CSV: every line has 49 fields of the schema's types (version 4); the GPU state's
# are empty on CPU rows and on GPU rows that did not run (this test's machine has no GPU).
schema_ok() {
    awk -F, -v header="$header" '
        NR == 1 { if ($0 != header) { print "bad header: " $0; bad = 1 }; next }
        {
            if (NF != 49) { print NR ": " NF " fields"; bad = 1; next }
            int_re = "^[0-9]+$"; num_re = "^(-?[0-9.]+([eE][-+]?[0-9]+)?)?$"
            if ($1 != "4" || $3 != "measured" || ($6 != "cpu" && $6 != "gpu")) { print NR ": version/provenance/device"; bad = 1 }
            if ($7 != "course" && $7 != "insulated") { print NR ": scheme " $7; bad = 1 }
            split("9 10 11 14 17 30", ints, " ")
            if ($32 !~ "^[0-9]*$") { print NR ": batch " $32; bad = 1 }
            for (i in ints) if ($(ints[i]) !~ int_re) { print NR ": field " ints[i] " not an int: " $(ints[i]); bad = 1 }
            if ($18 !~ "^[0-9]*$") { print NR ": rep " $18; bad = 1 }
            split("8 13 19 20 21 22 23 24 25 26 27 31 33 34 35 36 37 38 39 40 41 42 43 45 46 47 48", nums, " ")
            for (i in nums) if ($(nums[i]) !~ num_re) { print NR ": field " nums[i] " not a number: " $(nums[i]); bad = 1 }
            if ($12 != "synthetic" && $12 != "dataset") { print NR ": grid_source " $12; bad = 1 }
            if ($16 != "none" && $16 != "pinned" && $16 != "pageable") { print NR ": host_memory " $16; bad = 1 }
            if ($28 !~ /^(ok|failed:.+|skipped:.+)$/) { print NR ": status " $28; bad = 1 }
            if ($28 == "ok" && ($18 == "" || $20 == "" || $23 == "")) { print NR ": ok row without timings"; bad = 1 }
            for (i = 40; i <= 49; i++) if ($i != "" && ($6 == "cpu" || $18 == "")) { print NR ": GPU state on a row not measured on a GPU: field " i " " $i; bad = 1 }
        }
        END { exit bad }' "$1"
}

# reps_ok CSV REPS: each point has reps 0..REPS-1 exactly once (or a single skip/fail row).
reps_ok() {
    awk -F, -v reps="$2" '
        NR == 1 { next }
        { key = $5 "," $9 "x" $10 "x" $11 "," $14 "," $15 "," $16 "," $17
          if ($18 == "") { skip[key]++; next }
          seen[key "," $18]++; n[key]++ }
        END {
            for (k in seen) if (seen[k] != 1) { print "repeated: " k; bad = 1 }
            for (k in n) if (n[k] != reps) { print k ": " n[k] " reps, want " reps; bad = 1 }
            for (k in skip) if (skip[k] != 1 || (k in n)) { print k ": skip row and reps"; bad = 1 }
            exit bad }' "$1"
}

cat >"$tmp/small.ini" <<'EOF'
[study]
variants  = all
grids     = 9x10x11, 16
threads   = cores
timesteps = 2, 5
reps      = 3
warmup    = 1
target_noise = 0
EOF

# A small study: schema, one row per repetition, machine.json, study.ini.
"$sb" run --config "$tmp/small.ini" --out "$tmp/a" >"$tmp/a.log" 2>&1
check "small study exits 0 ($(tail -3 "$tmp/a.log"))" test $? -eq 0
check "schema of timings.csv" schema_ok "$tmp/a/timings.csv"
check "one row per repetition" reps_ok "$tmp/a/timings.csv" 3
check "study.ini saved" grep -q "^grids = 9x10x11, 16x16x16" "$tmp/a/study.ini"
check "summary printed" grep -q "^Summary" "$tmp/a.log"
for key in schema_version run_id git_commit cpu caches binding omp_env compiler gpu probes \
    cpu_copy_gbps gpu_copy_gbps pinned_h2d_gbps pageable_d2h_gbps config started_utc finished_utc; do
    check "machine.json has $key" grep -q "\"$key\"" "$tmp/a/machine.json"
done
# In a git checkout the binary records the commit it was built from (read at build time).
src=$(cd "$(dirname "$0")/.." && pwd)
if git -C "$src" rev-parse HEAD > /dev/null 2>&1; then
    check "machine.json git_commit is a full commit id" grep -Eq '"git_commit":[[:space:]]*"[0-9a-f]{40}(-dirty)?"' "$tmp/a/machine.json"
fi
if command -v python3 >/dev/null; then
    check "machine.json is JSON" python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$tmp/a/machine.json"
    check "machine.json: no GPU here, state.gpu null" python3 -c \
        "import json,sys; d=json.load(open(sys.argv[1])); assert 'gpu' in d['state'] and d['state']['gpu'] is None" "$tmp/a/machine.json"
fi
if command -v "${STENCILBENCH_GNUPLOT:-gnuplot}" >/dev/null; then
    check "charts drawn at the end" test -s "$tmp/a/plots/index.html"
fi
ok_rows=$(grep -c ',ok,,' "$tmp/a/timings.csv")
check "ok rows present ($ok_rows)" test "$ok_rows" -ge 12

# Too large for host memory: a skipped row, the rest of the study goes on.
"$sb" run --no-plots --variant naive,tiled --grid 16,100000x100000x1000 --steps 2 --reps 2 --target-noise 0 --out "$tmp/b" >"$tmp/b.log" 2>&1
check "skip study exits 0 ($(tail -3 "$tmp/b.log"))" test $? -eq 0
check "schema with skipped rows" schema_ok "$tmp/b/timings.csv"
check "skipped rows for the huge grid" test "$(grep -c ',100000,100000,1000,.*,skipped:too large for host memory' "$tmp/b/timings.csv")" -eq 2
check "ok rows for 16^3" test "$(grep -c ',16,16,16,.*,ok,,' "$tmp/b/timings.csv")" -eq 4

# Without naive in the study the reference is computed, and continued from one step count
# to the next: every row still validates.
"$sb" run --no-plots --variant tiled,openmp --threads 1,2 --grid 17x18x19 --steps 1,4,9 --reps 2 --target-noise 0 --out "$tmp/f" >"$tmp/f.log" 2>&1
check "reference-only study exits 0 ($(tail -3 "$tmp/f.log"))" test $? -eq 0
check "all rows ok against the continued reference" test "$(grep -c ',ok,,' "$tmp/f/timings.csv")" -eq $((3 * 3 * 2))
check "no failed rows" test "$(grep -c ',failed:' "$tmp/f/timings.csv")" -eq 0

# --dry-run prints the plan and writes nothing.
"$sb" run --config "$tmp/small.ini" --dry-run --out "$tmp/c" >"$tmp/c.log" 2>&1
check "dry run exits 0" test $? -eq 0
check "dry run prints points and an estimate" grep -q "estimated total" "$tmp/c.log"
check "dry run writes no folder" test ! -e "$tmp/c"

# A config error names file, line and key.
printf '[study]\nreps = 3\ngrids = 16, 5x5\n' >"$tmp/bad.ini"
"$sb" run --config "$tmp/bad.ini" --out "$tmp/d" >"$tmp/d.log" 2>&1
check "bad config exits 2" test $? -eq 2
check "bad config names file:line: key" grep -q "bad.ini:3: \[study\] grids: grid '5x5' is malformed" "$tmp/d.log"

# Interrupt a running study with SIGINT after a few rows, then resume it.
cat >"$tmp/long.ini" <<'EOF'
[study]
variants  = naive, tiled
grids     = 96, 128
threads   = 1
timesteps = 10, 30
reps      = 4
warmup    = 1
target_noise = 0
EOF
"$sb" run --config "$tmp/long.ini" --out "$tmp/e" >"$tmp/e.log" 2>&1 &
pid=$!
for _ in $(seq 1 200); do
    rows=$(($(wc -l 2>/dev/null <"$tmp/e/timings.csv" || echo 1) - 1))
    [ "$rows" -ge 3 ] && break
    sleep 0.05
done
kill -INT "$pid"
wait "$pid"
rc=$?
rows=$(($(wc -l <"$tmp/e/timings.csv") - 1))
check "interrupted run exits 130 (got $rc)" test "$rc" -eq 130
check "no charts for an interrupted run" test ! -e "$tmp/e/plots"
check "interrupted run stopped early ($rows of 32 rows)" test "$rows" -lt 32
check "interrupted CSV is valid" schema_ok "$tmp/e/timings.csv"
check "resume hint printed" grep -q -- "--resume $tmp/e" "$tmp/e.log"
check "machine.json says interrupted" grep -q '"interrupted":[[:space:]]*true' "$tmp/e/machine.json"
"$sb" run --resume "$tmp/e" >"$tmp/e2.log" 2>&1
check "resume exits 0 ($(tail -3 "$tmp/e2.log"))" test $? -eq 0
check "resume says what is left" grep -q "resuming .* points to finish" "$tmp/e2.log"
check "resumed CSV is valid" schema_ok "$tmp/e/timings.csv"
check "all points, no repetition twice" reps_ok "$tmp/e/timings.csv" 4
check "32 rows after resume" test "$(($(wc -l <"$tmp/e/timings.csv") - 1))" -eq 32
check "machine.json counts the resume" grep -q '"resumed":[[:space:]]*1' "$tmp/e/machine.json"
"$sb" run --resume "$tmp/e" >"$tmp/e3.log" 2>&1
check "resuming a finished run adds nothing" test "$(($(wc -l <"$tmp/e/timings.csv") - 1))" -eq 32
check "--resume with overrides is refused" bash -c "! '$sb' run --resume '$tmp/e' --grid 8 >/dev/null 2>&1"

echo "test_study: $checks checks, $fails failed"
[ "$fails" -eq 0 ]
