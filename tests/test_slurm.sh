#!/usr/bin/env bash
# stencilbench slurm and merge without a cluster (test_slurm_cluster.sh runs a real Slurm):
#  - the job array for configs/ci.ini: one task per variant, valid bash; MPI variants get one task
#    per rank count, started by srun (or mpirun with --launcher mpirun)
#  - the tasks run as Slurm would run them (SLURM_ARRAY_TASK_ID), then `merge RUN_DIR` joins them:
#    every row once, the merged run's id, one machine record per node, the tasks' runs listed;
#    a task that wrote nothing is named and the rest merged (exit 1)
#  - merge --out of run folders of schema versions 1 and 2 (v1 rows read with ranks 1)
#  - bad input: no --config, a bad key, --submit where Slurm is absent, an existing folder, a
#    bad launcher, merge of a folder that is not a slurm run: exit 2 with a message
# usage: test_slurm.sh PATH/TO/stencilbench SOURCE_DIR
set -u
sb=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0 checks=0
. "$(dirname "${BASH_SOURCE[0]}")/cli_expect.sh"
expect() { # expect STATUS PATTERN -- ARGS...: stencilbench exits STATUS, printing PATTERN
    local want=$1 pattern=$2
    shift 3
    local out rc
    out=$("$sb" "$@" 2>&1)
    rc=$?
    checks=$((checks + 1))
    if [ "$rc" -ne "$want" ] || ! grep -q -- "$pattern" <<<"$out"; then
        fails=$((fails + 1))
        echo "FAIL: stencilbench $* -> exit $rc (want $want), output: $out (wanted /$pattern/)"
    fi
}
field() { sed -n "s/^$1=(\(.*\))\$/\1/p" "$2"; }

# the CI study: one task per single-process variant
"$sb" slurm --config "$src/configs/ci.ini" --out "$tmp/ci" --partition short --time 20 >"$tmp/ci.log" 2>&1
check "slurm exits 0 ($(cat "$tmp/ci.log"))" test $? -eq 0
job=$tmp/ci/job.sbatch
check "job.sbatch is valid bash" bash -n "$job"
nvariants=$("$sb" list | awk 'NR > 1 && $2 ~ /^(cpu|gpu)$/ && $1 !~ /^mpi/' | wc -l) # all: no MPI variants
check "one task per variant ($(field variants "$job"))" test "$(field variants "$job" | wc -w)" -eq "$nvariants"
check "the array spans the tasks" grep -q "^#SBATCH --array=0-$((nvariants - 1))\$" "$job"
check "partition and time passed" grep -q '^#SBATCH --partition=short$' "$job"
check "the study saved beside it" grep -q '^variants = all$' "$tmp/ci/study.ini"

# MPI variants: a task per rank count, under srun or mpirun
"$sb" slurm --config "$src/configs/ci.ini" --set variants=naive,mpi --set ranks=1,2,4 --set grids=48 \
    --out "$tmp/m" --nodes 2 --srun-flags=--mpi=pmix >/dev/null 2>&1
check "mpi tasks: naive once, mpi at 1, 2 and 4 ranks" test "$(field ranks "$tmp/m/job.sbatch")" = "1 1 2 4"
check "... started by srun with the flags" grep -q 'exec srun --ntasks="${ranks\[$i\]}" --mpi=pmix' "$tmp/m/job.sbatch"
check "... on 4 tasks over 2 nodes" grep -q '^#SBATCH --ntasks=4$' "$tmp/m/job.sbatch"
"$sb" slurm --config "$src/configs/ci.ini" --set variants=mpi --set ranks=2 --out "$tmp/mr" \
    --launcher mpirun >/dev/null 2>&1
check "--launcher mpirun" grep -q 'exec mpirun -n "${ranks\[$i\]}"' "$tmp/mr/job.sbatch"

# the tasks as Slurm runs them, then the merge
"$sb" slurm --config "$src/configs/ci.ini" --set variants=naive,tiled,openmp --set grids=16,20 \
    --set reps=2 --set threads=1 --out "$tmp/r" >/dev/null 2>&1
for i in 0 1; do # task 2 "fails": it writes nothing
    SLURM_ARRAY_TASK_ID=$i bash "$tmp/r/job.sbatch" >"$tmp/r/log/task-$i.out" 2>&1
    check "task $i exits 0 ($(tail -3 "$tmp/r/log/task-$i.out"))" test $? -eq 0
done
mkdir -p "$tmp/r/tasks/task-2"
expect 1 "task-2 wrote no timings.csv" -- merge "$tmp/r"
rows=$(awk 'FNR > 1' "$tmp"/r/tasks/task-*/timings.csv | wc -l)
check "merged: every task's row once ($rows)" test "$(awk 'NR > 1' "$tmp/r/timings.csv" | wc -l)" -eq "$rows"
check "merged: naive and tiled at 16^3 and 20^3" \
    test "$(cut -d, -f5,9 "$tmp/r/timings.csv" | sort -u | grep -c '^\(naive\|tiled\),\(16\|20\)$')" -eq 4
r_id=$(basename "$tmp/r")
check "merged: the run's id on every row" test "$(awk -F, -v id="$r_id" 'NR > 1 && $2 != id' "$tmp/r/timings.csv" | wc -l)" -eq 0
check "merged: schema version 4 header" grep -q '^schema_version,.*,ranks,halo_s,batch,cv,ci_rel,load_before,load_after,other_cpu,steal,cpu_mhz,gpu_sm_mhz_before,.*,gpu_throttle_after$' "$tmp/r/timings.csv"
check "merged: one node record" test "$(grep -c '"hostname"' "$tmp/r/machine.json")" -eq 2
check "merged: both tasks' runs listed" grep -A3 '"merged_from"' "$tmp/r/machine.json" | grep -q task-1
check "the merged run compares with itself" "$sb" compare "$tmp/r" "$tmp/r" >/dev/null

# run folders of versions 1 and 2
expect 0 "rows from 2 run folders" -- merge --out "$tmp/both" "$src/tests/golden/fixtures/run_a" "$tmp/r/tasks/task-0"
check "v1 rows merge with ranks 1" test "$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) f[$i] = i; next } $f["ranks"] != 1' "$tmp/both/timings.csv" | wc -l)" -eq 0

# bad input
expect 2 "give the study" -- slurm --out "$tmp/x"
expect 2 "unknown key" -- slurm --config "$src/configs/ci.ini" --set colour=blue --out "$tmp/x"
expect 2 "exists" -- slurm --config "$src/configs/ci.ini" --out "$tmp/ci"
expect 2 "use srun or mpirun" -- slurm --config "$src/configs/ci.ini" --launcher qsub --out "$tmp/x"
mkdir -p "$tmp/nosbatch"
ln -s "$(command -v bash)" "$tmp/nosbatch/sh"
out=$(PATH=$tmp/nosbatch "$sb" slurm --config "$src/configs/ci.ini" --submit --out "$tmp/x" 2>&1)
check "--submit without Slurm exits 2 ($out)" test $? -eq 2
check "... saying sbatch is absent" grep -q "sbatch is not on PATH" <<<"$out"
expect 2 "not a folder from stencilbench slurm" -- merge "$src/tests/golden/fixtures/run_a"
expect 2 "exists" -- merge --out "$tmp/both" "$tmp/r/tasks/task-0"
expect 2 "not a run folder" -- merge --out "$tmp/y" "$tmp/ci"
echo "test_slurm: $checks checks, $fails failed"
[ "$fails" -eq 0 ]
