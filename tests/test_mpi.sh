#!/usr/bin/env bash
# stencilbench run under mpirun (every rank measures, rank 0 writes the run folder):
#  - 2 ranks: mpi at 1 and 2 ranks validated bit-equal (max_abs_err 0) with a halo time, the
#    4-rank point a skipped row saying how to launch it, naive run once; rows written once
#  - 3 ranks on 17x19x23 (an uneven split), 4 ranks with 2 threads each: every row ok
#  - weak scaling: the block per rank fixed, the global grid grows
#  - --resume under mpirun finishes a point cut short with the ranks
#  - --dry-run and bad input under mpirun end every rank (exit 0 and 2, one message)
#  - bad input: --ranks 4 without mpirun; more ranks than cells along an axis (exit 2)
#  - one rank killed mid-run: the run ends non-zero with mpirun's message, never hangs
# Every mpirun is bounded by timeout(1); ctest's TIMEOUT bounds the whole.
# usage: test_mpi.sh PATH/TO/stencilbench MPIEXEC [MPIEXEC_FLAGS...]
set -u
sb=$1
mpiexec=$2
shift 2
flags=("$@")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0 checks=0
. "$(dirname "${BASH_SOURCE[0]}")/cli_expect.sh"
mpi() { # mpi N ARGS... : stencilbench run under N ranks, at most 120 s
    local n=$1
    shift
    timeout 120 "$mpiexec" "${flags[@]}" -n "$n" "$sb" run --no-plots --quiet "$@" --target-noise 0
}
# column NAME CSV: the values of one column, by the header's name
column() { awk -F, -v name="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i; next } { print $c }' "$2"; }
rows() { # rows CSV AWK-CONDITION: how many rows satisfy it (fields by name: v, ranks, status...)
    awk -F, "NR == 1 { for (i = 1; i <= NF; i++) f[\$i] = i; next }
             { v = \$f[\"variant\"]; ranks = \$f[\"ranks\"]; status = \$f[\"status\"]; err = \$f[\"max_abs_err\"];
               halo = \$f[\"halo_s\"]; nz = \$f[\"nz\"]; ny = \$f[\"ny\"]; nx = \$f[\"nx\"] }
             $2 { n++ } END { print n + 0 }" "$1"
}

# 2 ranks: 1 and 2 run, 4 is a skipped row; naive (one process) once per step count
mpi 2 --variant naive,mpi --ranks 1,2,4 --grid 17x19x23 --steps 1,5 --threads 1 --reps 2 \
    --out "$tmp/a" >"$tmp/a.log" 2>&1
rc=$?
check "2 ranks exit 0 (got $rc: $(tail -5 "$tmp/a.log"))" test $rc -eq 0
csv=$tmp/a/timings.csv
check "mpi rows at 1 and 2 ranks ok, bit-equal, with halo times" \
    test "$(rows "$csv" 'v == "mpi" && (ranks == 1 || ranks == 2) && status == "ok" && err == "0" && halo != ""')" -eq 8
check "the 4-rank points are skipped rows saying how to launch" \
    test "$(rows "$csv" 'v == "mpi" && ranks == 4 && status ~ /^skipped:needs 4 ranks; launched with 2: launch it with mpirun -n 4 stencilbench run/')" -eq 2
check "naive once per step count, ranks 1, no halo time" \
    test "$(rows "$csv" 'v == "naive" && ranks == 1 && status == "ok" && halo == ""')" -eq 4
check "no other rows (rank 0 alone writes)" test "$(rows "$csv" 1)" -eq 14
check "one summary printed" test "$(grep -c '^Summary' "$tmp/a.log")" -eq 1

# 3 ranks on an odd grid (blocks 6, 6, 5 along z), and 4 ranks with 2 threads each
mpi 3 --variant mpi --ranks 3 --grid 17x19x23 --steps 7 --reps 2 --threads 1 --out "$tmp/b" >"$tmp/b.log" 2>&1
check "3 ranks exit 0 ($(tail -3 "$tmp/b.log"))" test $? -eq 0
check "3 ranks on 17x19x23: rows ok and bit-equal" \
    test "$(rows "$tmp/b/timings.csv" 'ranks == 3 && nz == 17 && status == "ok" && err == "0"')" -eq 2
mpi 4 --variant mpi --ranks 2,4 --grid 20x21x22 --steps 3 --reps 1 --threads 2 --out "$tmp/c" >"$tmp/c.log" 2>&1
check "4 ranks x 2 threads exit 0 ($(tail -3 "$tmp/c.log"))" test $? -eq 0
check "4 ranks x 2 threads: rows ok" test "$(rows "$tmp/c/timings.csv" 'status == "ok" && err == "0"')" -eq 2

# weak scaling: a 10x12x14 block per rank; 2 ranks split z, so the grid is 20x12x14
mpi 2 --variant mpi --ranks 1,2 --scaling weak --grid 10x12x14 --steps 3 --reps 1 --threads 1 \
    --out "$tmp/w" >"$tmp/w.log" 2>&1
check "weak scaling exits 0 ($(tail -3 "$tmp/w.log"))" test $? -eq 0
check "weak: 1 rank 10x12x14, 2 ranks 20x12x14, both ok" \
    test "$(rows "$tmp/w/timings.csv" 'status == "ok" && ((ranks == 1 && nz == 10) || (ranks == 2 && nz == 20)) && ny == 12 && nx == 14')" -eq 2

# --resume under mpirun: the other ranks get rank 0's record of what is done (here the 2-rank
# point stopped after its first repetition) and run only the rest with it
mpi 2 --variant mpi --ranks 1,2 --grid 20 --steps 2 --threads 1 --reps 3 --out "$tmp/r" >/dev/null 2>&1
head -5 "$tmp/r/timings.csv" >"$tmp/r.csv" && mv "$tmp/r.csv" "$tmp/r/timings.csv"
timeout 120 "$mpiexec" "${flags[@]}" -n 2 "$sb" run --resume "$tmp/r" --no-plots >"$tmp/r.log" 2>&1
check "resume under mpirun exits 0 ($(tail -3 "$tmp/r.log"))" test $? -eq 0
check "resume: the 2-rank point's repetitions 1 and 2 appended, once each" \
    test "$(cut -d, -f18 "$tmp/r/timings.csv" | tail -n +2 | tr '\n' ' ')" = "0 1 2 0 1 2 "

# every rank ends on --dry-run and on bad input under mpirun
mpi 2 --variant mpi --ranks 2 --grid 16 --dry-run >"$tmp/d.log" 2>&1
check "dry run under mpirun exits 0" test $? -eq 0
mpi 2 --variant mpi --grid 16x16x16x4 >"$tmp/e.log" 2>&1
rc=$?
check "bad input under mpirun exits 2 (got $rc)" test $rc -eq 2
check "one message for bad input ($(cat "$tmp/e.log"))" test "$(grep -c 'malformed' "$tmp/e.log")" -eq 1

# bad input without mpirun: exit 2, saying what to do
out=$("$sb" run --variant mpi --ranks 4 --grid 16 --out "$tmp/f" 2>&1)
rc=$?
check "--ranks 4 without mpirun exits 2 (got $rc: $out)" test $rc -eq 2
check "... and says how to launch" grep -q "mpirun -n 4 stencilbench run" <<<"$out"
check "... and writes nothing" test ! -e "$tmp/f"
out=$("$sb" run --variant mpi --ranks 3 --grid 2x64x64 --out "$tmp/g" 2>&1)
rc=$?
check "more ranks than cells exits 2 (got $rc: $out)" test $rc -eq 2
check "... naming the axis" grep -q "more ranks along z (3) than cells (2)" <<<"$out"
out=$("$sb" run --variant mpi --scaling sideways --grid 16 2>&1)
check "a bad scaling exits 2 ($out)" test $? -eq 2

# one rank killed mid-run: mpirun ends the run with a non-zero exit, the rows so far kept
mpi 2 --variant mpi --ranks 2 --grid 64 --steps 50 --reps 1000 --threads 1 --out "$tmp/k" >"$tmp/k.log" 2>&1 &
launcher=$!
victim=""
for _ in $(seq 1 300); do
    for p in $(pgrep -f "$sb run --no-plots --quiet --variant mpi --ranks 2 --grid 64" 2>/dev/null); do
        tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qx 'OMPI_COMM_WORLD_RANK=1' && victim=$p
    done
    [ -n "$victim" ] && [ -s "$tmp/k/timings.csv" ] && break
    sleep 0.1
done
if [ -n "$victim" ]; then
    kill -9 "$victim"
    wait "$launcher"
    rc=$?
    check "a killed rank ends the run non-zero (got $rc)" test $rc -ne 0 -a $rc -ne 124
    check "... with a message naming the rank ($(tail -4 "$tmp/k.log"))" grep -q "rank 1" "$tmp/k.log"
    check "... the rows written so far kept" test "$(rows "$tmp/k/timings.csv" 1)" -ge 0
else
    kill "$launcher" 2>/dev/null
    wait "$launcher"
    check "found rank 1 of the run to kill (Open MPI's OMPI_COMM_WORLD_RANK)" false
fi

# the launcher of another MPI (MPICH's hydra starting this Open MPI build, or the other way):
# every process would be a rank 0 of 1 writing its own run; refused with exit 2
other=$(command -v mpiexec.hydra || true)
if [ -n "$other" ] && ! "$mpiexec" --version 2>&1 | grep -q HYDRA; then
    timeout 60 "$other" -n 2 "$sb" run --variant mpi --grid 16 --out "$tmp/o" >"$tmp/o.log" 2>&1
    rc=$?
    check "another MPI's launcher exits 2 (got $rc: $(cat "$tmp/o.log"))" test $rc -eq 2
    check "... saying so, writing nothing" grep -q "launcher of another MPI library" "$tmp/o.log"
fi

echo "test_mpi: $checks checks, $fails failed"
[ "$fails" -eq 0 ]
