#!/usr/bin/env bash
# stencilbench slurm and merge against a real Slurm: starts munged, slurmctld and slurmd on this
# host (a generated slurm.conf and munge key in a temporary folder; nothing is installed or
# written outside it), writes the job array for configs/ci.ini with `stencilbench slurm
# --submit` (the array, then the merge after it), waits for both (bounded), and checks the merged
# run: one point per planned point, every row ok or skipped, one machine record per node, one
# run folder per task. Stops the daemons it started. Exit 77 (skipped), saying why, where Slurm
# (slurm-wlm, munge from Debian) is not installed or cannot start here.
# usage: test_slurm_cluster.sh PATH/TO/stencilbench CONFIGS_DIR
set -u
sb=$1
configs=$2
skip() {
    echo "test_slurm_cluster: skipped: $*"
    exit 77
}
for cmd in munged slurmctld slurmd sbatch squeue sinfo; do
    command -v "$cmd" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin command -v "$cmd" >/dev/null 2>&1 ||
        skip "$cmd not found (Debian: apt-get install slurm-wlm munge)"
done
export PATH=$PATH:/usr/sbin
[ "$(id -u)" -eq 0 ] || skip "slurmd needs root to start jobs as their user; run as root (as CI does)"

tmp=$(mktemp -d /tmp/stencilbench_slurm.XXXXXX)
chmod 700 "$tmp"
pids=()
cleanup() {
    for p in "${pids[@]}"; do
        kill "$p" 2>/dev/null
    done
    for p in "${pids[@]}"; do
        for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$p" 2>/dev/null
    done
    rm -rf "$tmp"
}
trap cleanup EXIT
logs() { tail -n 5 "$tmp"/*.log 2>/dev/null; }

# munge: its own key and socket
dd if=/dev/urandom of="$tmp/munge.key" bs=1024 count=1 2>/dev/null
chmod 400 "$tmp/munge.key"
munged --foreground --force --key-file="$tmp/munge.key" --socket="$tmp/munge.sock" \
    --pid-file="$tmp/munged.pid" --seed-file="$tmp/munged.seed" --log-file="$tmp/munged.log" &
pids+=($!)
for _ in $(seq 1 50); do [ -S "$tmp/munge.sock" ] && break; sleep 0.1; done
[ -S "$tmp/munge.sock" ] || skip "munged did not start: $(logs)"

# slurm.conf: this host, its CPUs, free ports, everything under $tmp
host=$(hostname -s)
cpus=$(nproc)
port=$((20000 + RANDOM % 20000))
mkdir -p "$tmp/state" "$tmp/spool"
cat >"$tmp/slurm.conf" <<EOF
ClusterName=stencilbench
SlurmctldHost=$host
AuthType=auth/munge
AuthInfo=socket=$tmp/munge.sock
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$port
SlurmdPort=$((port + 1))
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/slurmctld.log
SlurmdLogFile=$tmp/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/builtin
NodeName=$host CPUs=$cpus State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$tmp/slurm.conf
slurmctld -D -f "$SLURM_CONF" >"$tmp/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" >"$tmp/slurmd.out" 2>&1 &
pids+=($!)
up=""
for _ in $(seq 1 100); do
    state=$(timeout 5 sinfo -h -o %T 2>/dev/null | head -1)
    [ "$state" = idle ] && up=1 && break
    sleep 0.2
done
[ -n "$up" ] || skip "Slurm did not come up here (node state '${state:-none}'): $(logs; tail -3 "$tmp"/*.out)"

fails=0 checks=0
. "$(dirname "${BASH_SOURCE[0]}")/cli_expect.sh"

run=$tmp/run
out=$("$sb" slurm --config "$configs/ci.ini" --out "$run" --time 10 --submit 2>&1)
check "stencilbench slurm --submit exits 0 ($out)" test $? -eq 0
done_=""
for _ in $(seq 1 600); do # at most 5 minutes for the array and the merge
    [ -z "$(squeue -h -o %i 2>/dev/null)" ] && done_=1 && break
    sleep 0.5
done
check "the array and the merge finished within 5 minutes ($(squeue 2>&1 | tail -3))" test -n "$done_"
csv=$run/timings.csv
check "the merge job wrote timings.csv ($(cat "$run/log/merge.out" 2>/dev/null))" test -s "$csv"
planned=$("$sb" run --config "$configs/ci.ini" --dry-run | sed -n 's/^plan: \([0-9]*\) points.*/\1/p')
ntasks=$(grep -c . <<<"$(sed -n 's/^variants=(\(.*\))$/\1/p' "$run/job.sbatch" | tr ' ' '\n')")
check "one run folder per task ($ntasks)" test "$(ls -d "$run"/tasks/task-* 2>/dev/null | wc -l)" -eq "$ntasks"
points=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) f[$i] = i; next }
    { print $f["variant"], $f["nz"], $f["ny"], $f["nx"], $f["threads"], $f["host_memory"], $f["ranks"] }' "$csv" | sort -u | wc -l)
check "every planned point in the merged run ($points of $planned)" test "$points" -eq "$planned"
check "every row ok or skipped" test "$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) f[$i] = i; next } $f["status"] !~ /^(ok|skipped:)/' "$csv" | wc -l)" -eq 0
check "ok rows present" test "$(grep -c ',ok,' "$csv")" -gt 0
check "one machine record for the one node" test "$(grep -c '"hostname"' "$run/machine.json")" -eq 2
check "every task's run in merged_from" grep -q '"merged_from"' "$run/machine.json"
check "a second merge gives the same rows" "$sb" merge "$run" >/dev/null
echo "test_slurm_cluster: $checks checks, $fails failed"
[ "$fails" -eq 0 ]
