#!/usr/bin/env bash
# Regenerates a measured reference folder (results/reference/<machine>/) from a built tree:
# runs the reference studies, merges their rows into OUT_DIR/timings.csv, puts the first
# study's machine.json beside it, and keeps every study's run folder and console log under
# OUT_DIR/log/<label>-<utc>/.
#
#   results/reference/recipe.sh [options] OUT_DIR
#
# The studies (each one `stencilbench run`, run_id <label>-<utc>-<study>):
#   gpu     the GPU study, --gpu-config (configs/gpu.ini: cuda variants, 32^3..640^3, 1 and 10
#           steps, pinned and pageable host memory)
#   course  the GPU variants on the course's grid (dataset), --course-steps, both host memories,
#           --course-reps repetitions
#   cpu     --cpu-variants on --cpu-grids, --cpu-steps steps, --cpu-threads, --cpu-reps
#           repetitions (its machine.json is kept as machine_cpu_run.json when a GPU study ran
#           first, as in h100/)
# Options:
#   --bin PATH            stencilbench to run (default: BUILD/stencilbench for --build BUILD,
#                         else build/stencilbench, else stencilbench on PATH)
#   --build DIR           the build folder (default: build)
#   --cpu-bin PATH        another stencilbench for the cpu study (e.g. one built for the host's
#                         own -march: STENCILBENCH_ARCH=native or x86-64-v4)
#   --study LIST          comma list of gpu, course, cpu (default: all three where a GPU variant
#                         can run here, else cpu alone)
#   --label NAME          run-id prefix (default: OUT_DIR's folder name)
#   --machine NAME        the machine column of every row (default: as recorded: the host name)
#   --gpu-config FILE     (default: configs/gpu.ini)
#   --course-steps LIST   (default: 1,10,100)      --course-reps R   (default: 9)
#   --cpu-variants LIST   (default: cpu)           --cpu-grids LIST  (default: 256,dataset)
#   --cpu-steps LIST      (default: 10)            --cpu-threads T   (default: pow2)
#   --cpu-reps R          (default: 5)
#   --timeout S           give up a study after S seconds (default: no limit)
#   --force               replace OUT_DIR's timings.csv and machine.json if present
# The dataset grid reads the default dataset from STENCILBENCH_CACHE (README: Ocean data); set
# it to a writable folder where the home folder is not.
#
# On the GPU host (see ../../../shared/gpu/README.md for the bundle): build with CUDA on the
# build machine, bundle the executables, then from the repository root there:
#   source .device/env.sh && results/reference/recipe.sh --bin stencilbench "$OUT/h100"
# and copy "$OUT/h100" back over results/reference/h100 (its README.md says what the rows are).
# Exit status: 0 done; 1 a study failed (its log says why; nothing is merged); 2 bad usage.
set -u -o pipefail

usage() { sed -n '2,/^# Exit status/p' "$0" | sed 's/^# \{0,1\}//'; }
die() { echo "recipe.sh: $*" >&2; exit 2; }

build=build bin="" cpu_bin="" studies="" label="" machine="" force=0 timeout_s=""
gpu_config=configs/gpu.ini course_steps=1,10,100 course_reps=9
cpu_variants=cpu cpu_grids=256,dataset cpu_steps=10 cpu_threads=pow2 cpu_reps=5
out=""
while [ $# -gt 0 ]; do
    case $1 in
    -h | --help) usage; exit 0 ;;
    --bin | --build | --cpu-bin | --study | --label | --machine | --gpu-config | --course-steps | \
        --course-reps | --cpu-variants | --cpu-grids | --cpu-steps | --cpu-threads | --cpu-reps | --timeout)
        [ $# -ge 2 ] || die "$1 needs a value (--help lists the options)"
        case $1 in
        --bin) bin=$2 ;; --build) build=$2 ;; --cpu-bin) cpu_bin=$2 ;; --study) studies=$2 ;;
        --label) label=$2 ;; --machine) machine=$2 ;; --gpu-config) gpu_config=$2 ;;
        --course-steps) course_steps=$2 ;; --course-reps) course_reps=$2 ;;
        --cpu-variants) cpu_variants=$2 ;; --cpu-grids) cpu_grids=$2 ;; --cpu-steps) cpu_steps=$2 ;;
        --cpu-threads) cpu_threads=$2 ;; --cpu-reps) cpu_reps=$2 ;; --timeout) timeout_s=$2 ;;
        esac
        shift 2 ;;
    --force) force=1; shift ;;
    -*) die "unknown option $1 (--help lists the options)" ;;
    *) [ -z "$out" ] || die "one OUT_DIR only (got '$out' and '$1')"; out=$1; shift ;;
    esac
done
[ -n "$out" ] || die "give the reference folder to write, e.g. results/reference/h100 (--help)"

if [ -z "$bin" ]; then
    if [ -x "$build/stencilbench" ]; then bin=$build/stencilbench
    elif command -v stencilbench >/dev/null; then bin=stencilbench
    else die "no stencilbench: build it (cmake --build $build) or pass --bin PATH"; fi
fi
"$bin" --version >/dev/null 2>&1 || die "'$bin' does not run (pass --bin PATH)"
[ -z "$cpu_bin" ] && cpu_bin=$bin
"$cpu_bin" --version >/dev/null 2>&1 || die "'$cpu_bin' does not run (--cpu-bin)"

gpu_here=0
"$bin" list 2>/dev/null | grep -Eq '^[a-z0-9_]+ +gpu +yes' && gpu_here=1
if [ -z "$studies" ]; then
    if [ $gpu_here = 1 ]; then studies=gpu,course,cpu; else
        studies=cpu
        echo "recipe.sh: no GPU variant can run here: the cpu study only (stencilbench list says why)" >&2
    fi
fi
IFS=, read -r -a study_list <<<"$studies"
for s in "${study_list[@]}"; do
    case $s in
    gpu | course) [ $gpu_here = 1 ] || die "study $s needs a GPU variant that can run here (stencilbench list says why)" ;;
    cpu) ;;
    *) die "unknown study '$s' (gpu, course or cpu)" ;;
    esac
    [ "$s" = gpu ] && [ ! -f "$gpu_config" ] && die "no GPU study file $gpu_config (--gpu-config; run from the repository root)"
done

mkdir -p "$out" || die "cannot create $out"
if [ $force = 0 ] && { [ -e "$out/timings.csv" ] || [ -e "$out/machine.json" ]; }; then
    die "$out already holds timings.csv or machine.json: pass --force to replace them (the old ones stay in git)"
fi
[ -n "$label" ] || label=$(basename "$(cd "$out" && pwd)")
stamp=$(date -u +%Y%m%dT%H%MZ)
log=$out/log/$label-$stamp
mkdir -p "$log" || die "cannot create $log"

limit() { if [ -n "$timeout_s" ]; then timeout "$timeout_s" "$@"; else "$@"; fi; }
{
    date -u
    command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,clocks.mem,power.limit --format=csv
    command -v lscpu >/dev/null && lscpu | head -25
    echo "stencilbench: $("$bin" --version 2>&1)"
    [ "$cpu_bin" != "$bin" ] && echo "cpu study: $("$cpu_bin" --version 2>&1)"
    echo "recipe: studies $studies; gpu $gpu_config; course steps $course_steps reps $course_reps;" \
        "cpu $cpu_variants grids $cpu_grids steps $cpu_steps threads $cpu_threads reps $cpu_reps"
} >"$log/host.txt" 2>&1
"$bin" list >"$log/list.txt" 2>&1

run_study() { # $1 study; the run folder is $log/<run id>
    local id=$label-$stamp-$1 rc
    echo "== $1 study ($id), $(date -u +%H:%M:%SZ)"
    case $1 in
    gpu) limit "$bin" run --config "$gpu_config" --out "$log/$id" --quiet --no-plots ;;
    course) limit "$bin" run --variant gpu --grid dataset --steps "$course_steps" \
        --host-memory pinned,pageable --reps "$course_reps" --out "$log/$id" --quiet --no-plots ;;
    cpu) limit "$cpu_bin" run --variant "$cpu_variants" --grid "$cpu_grids" --steps "$cpu_steps" \
        --threads "$cpu_threads" --reps "$cpu_reps" --out "$log/$id" --quiet --no-plots ;;
    esac >"$log/$1.log" 2>&1
    rc=$?
    echo "$1 rc=$rc"
    tail -12 "$log/$1.log"
    return $rc
}

for s in "${study_list[@]}"; do
    run_study "$s" || { echo "recipe.sh: the $s study failed (exit above; $log/$s.log): nothing merged into $out" >&2; exit 1; }
done

# Merge: one header (every study's must be the same), then every study's rows in order.
tmp=$out/timings.csv.tmp
first=""
for s in "${study_list[@]}"; do
    csv=$log/$label-$stamp-$s/timings.csv
    [ -f "$csv" ] || { echo "recipe.sh: $csv is missing" >&2; exit 1; }
    if [ -z "$first" ]; then
        first=$csv
        head -n 1 "$csv" >"$tmp"
    elif [ "$(head -n 1 "$csv")" != "$(head -n 1 "$first")" ]; then
        echo "recipe.sh: $csv has another header than $first: not merged" >&2
        rm -f "$tmp"
        exit 1
    fi
    if [ -n "$machine" ]; then
        tail -n +2 "$csv" | awk -F, -v OFS=, -v m="$machine" '{ $4 = m; print }' >>"$tmp"
    else
        tail -n +2 "$csv" >>"$tmp"
    fi
done
mv "$tmp" "$out/timings.csv"
cp "$log/$label-$stamp-${study_list[0]}/machine.json" "$out/machine.json"
for s in "${study_list[@]:1}"; do
    [ "$s" = cpu ] && cp "$log/$label-$stamp-cpu/machine.json" "$out/machine_cpu_run.json"
done
rows=$(($(wc -l <"$out/timings.csv") - 1))
echo "wrote $out/timings.csv ($rows rows: $studies) and $out/machine.json; run folders and logs in $log"
echo "review them (stencilbench compare $out results/reference), then say in $out/README.md what they are"
