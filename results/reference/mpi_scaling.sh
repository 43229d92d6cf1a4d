#!/usr/bin/env bash
# The MPI scaling benchmark (issue 14): strong scaling (one grid shared by 1..N ranks) and weak
# scaling (a fixed block per rank, the grid growing with the ranks) of an MPI variant, each one
# `mpirun -n MAX stencilbench run`, then the figures printed from the runs' timings.csv:
# per rank count the median rate, speedup and efficiency over 1 rank, and the halo exchange
# timed alone as a share of the step time. Not a test: figures depend on the machine.
#
#   results/reference/mpi_scaling.sh [options] OUT_DIR
#
#   --bin PATH          stencilbench (default: build/stencilbench, else on PATH)
#   --mpiexec CMD       the launcher (default: mpirun, else mpiexec; Open MPI gets
#                       --oversubscribe when more ranks than cores are asked for)
#   --variant V         mpi (default) or mpi_cuda
#   --strong-grid G     (default 256)          --strong-ranks LIST  (default 1,2)
#   --weak-block G      (default 128)          --weak-ranks LIST    (default 1,2)
#   --threads T         OpenMP threads per rank (default 1)
#   --steps N           (default 10)           --reps R  (default 5)   --warmup W (default 1)
#   --skip-weak / --skip-strong
# Each study's run folder is OUT_DIR/strong and OUT_DIR/weak (console logs beside them);
# OUT_DIR/figures.txt gets what is printed.
set -u
bin="" mpiexec="" variant=mpi sgrid=256 sranks=1,2 wblock=128 wranks=1,2 threads=1 steps=10
reps=5 warmup=1 do_strong=1 do_weak=1
while [ $# -gt 1 ]; do
    case $1 in
    --bin) bin=$2; shift 2 ;;
    --mpiexec) mpiexec=$2; shift 2 ;;
    --variant) variant=$2; shift 2 ;;
    --strong-grid) sgrid=$2; shift 2 ;;
    --strong-ranks) sranks=$2; shift 2 ;;
    --weak-block) wblock=$2; shift 2 ;;
    --weak-ranks) wranks=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --steps) steps=$2; shift 2 ;;
    --reps) reps=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --skip-weak) do_weak=0; shift ;;
    --skip-strong) do_strong=0; shift ;;
    *) echo "mpi_scaling.sh: unknown option $1 (see the comment at the top)" >&2; exit 2 ;;
    esac
done
out=${1:?usage: results/reference/mpi_scaling.sh [options] OUT_DIR}
if [ -z "$bin" ]; then
    if [ -x build/stencilbench ]; then bin=build/stencilbench; else bin=$(command -v stencilbench); fi
fi
[ -x "$bin" ] || { echo "mpi_scaling.sh: no stencilbench (give --bin)" >&2; exit 2; }
if [ -z "$mpiexec" ]; then
    mpiexec=$(command -v mpirun || command -v mpiexec || true)
fi
[ -n "$mpiexec" ] || { echo "mpi_scaling.sh: no mpirun or mpiexec on PATH (give --mpiexec)" >&2; exit 2; }
mkdir -p "$out"
max() { tr ',' '\n' <<<"$1" | sort -n | tail -1; }
# Each rank bound to its own cores where they suffice (stencilbench leaves binding to the
# launcher under MPI); more ranks x threads than cores run unbound.
launcher() { # launcher RANKS: the launch command in the array launch
    local n=$1
    launch=("$mpiexec")
    if "$mpiexec" --version 2>&1 | grep -q 'Open MPI\|OpenRTE'; then
        [ "$(id -u)" -eq 0 ] && launch+=(--allow-run-as-root)
        if [ $((n * threads)) -le "$(nproc)" ]; then
            launch+=(--map-by "slot:PE=$threads" --bind-to core)
        else
            launch+=(--oversubscribe --bind-to none -x OMP_PROC_BIND=false)
        fi
    elif [ "$threads" -eq 1 ] && [ "$n" -le "$(nproc)" ]; then
        launch+=(-bind-to core) # MPICH's hydra
    fi
}

study() { # study NAME SCALING GRID RANKS
    local name=$1 scaling=$2 grid=$3 ranks=$4 n
    n=$(max "$ranks")
    launcher "$n"
    echo "== $name scaling: $variant, grid $grid, ranks $ranks, $threads thread(s) per rank"
    rm -rf "${out:?}/$name"
    "${launch[@]}" -n "$n" "$bin" run --variant "$variant" --ranks "$ranks" --scaling "$scaling" \
        --grid "$grid" --threads "$threads" --steps "$steps" --reps "$reps" --warmup "$warmup" \
        --out "$out/$name" --no-plots >"$out/$name.log" 2>&1
    echo "   (${launch[*]} -n $n ...)"
    local rc=$?
    [ $rc -eq 0 ] || { echo "   mpirun exited $rc; the end of $out/$name.log:"; tail -5 "$out/$name.log"; }
}

# figures CSV SCALING: per rank count the medians of ok rows, against the 1-rank row
figures() {
    awk -F, -v scaling="$2" '
        function median(list,   a, n, i, j, t) {
            n = split(list, a, " ")
            for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
            return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
        }
        NR == 1 { for (i = 1; i <= NF; i++) f[$i] = i; next }
        $f["status"] == "ok" {
            r = $f["ranks"] + 0; seen[r] = 1
            grid[r] = $f["nz"] "x" $f["ny"] "x" $f["nx"]; steps[r] = $f["timesteps"]
            rate[r] = rate[r] " " $f["cell_updates_per_s"]; t[r] = t[r] " " $f["compute_s"]
            halo[r] = halo[r] " " $f["halo_s"]
        }
        END {
            printf "%6s %-14s %10s %12s %9s %8s %10s %8s\n", "ranks", "grid", "Gcell/s", "s/step", "speedup", "effic.", "halo s/step", "halo %"
            n = 0; for (r in seen) order[++n] = r + 0
            for (i = 2; i <= n; i++) for (j = i; j > 1 && order[j - 1] > order[j]; j--) { x = order[j]; order[j] = order[j - 1]; order[j - 1] = x }
            for (i = 1; i <= n; i++) {
                r = order[i]; g = median(rate[r]) / 1e9; s = median(t[r]) / steps[r]; h = median(halo[r]) / steps[r]
                if (i == 1) { g1 = g; s1 = s; r1 = r }
                sp = scaling == "weak" ? (g / g1) : (g / g1)
                ef = scaling == "weak" ? (s1 / s) : (sp / (r / r1))
                printf "%6d %-14s %10.3f %12.3e %8.2fx %7.0f%% %11.3e %7.1f%%\n", r, grid[r], g, s, sp, 100 * ef, h, 100 * h / s
            }
            if (scaling == "weak") print "(weak: efficiency = s/step at the first rank count / s/step here; the block per rank is fixed)"
            else print "(strong: speedup = rate / rate at the first rank count; efficiency = speedup / rank ratio)"
            print "(halo: the exchange of one step timed alone, the slowest rank; % of the overlapped step time)"
        }' "$1"
}

{
    echo "MPI scaling, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(hostname), $("$bin" --version), $("$mpiexec" --version 2>&1 | head -1)"
    echo "cores: $(nproc); threads per rank: $threads; $steps steps per repetition, median of $reps"
    if [ $do_strong = 1 ]; then
        study strong strong "$sgrid" "$sranks"
        [ -s "$out/strong/timings.csv" ] && figures "$out/strong/timings.csv" strong
    fi
    if [ $do_weak = 1 ]; then
        study weak weak "$wblock" "$wranks"
        [ -s "$out/weak/timings.csv" ] && figures "$out/weak/timings.csv" weak
    fi
} 2>&1 | tee "$out/figures.txt"
