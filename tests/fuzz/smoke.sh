#!/usr/bin/env bash
# ctest driver for the libFuzzer targets.
#   smoke.sh TARGET RUNS SEEDS       RUNS inputs mutated from the SEEDS folder (-seed=1), new
#                                    ones kept in a temporary folder (the seeds stay untouched)
#   smoke.sh TARGET 0 DIR...         every file of the DIRs run once (regressions; README* skipped)
# Exit 77 (skipped) when TARGET was not built (no clang with libFuzzer) or no input exists.
set -u
target=$1 runs=$2
shift 2
if [ ! -x "$target" ]; then
    echo "skipped: $target not built (needs clang and libclang-rt-dev; tests/fuzz/README.md)"
    exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ "$runs" -gt 0 ]; then
    mkdir "$tmp/new"
    "$target" -runs="$runs" -seed=1 -max_len=4096 -rss_limit_mb=2048 -malloc_limit_mb=65536 -print_final_stats=1 \
        -artifact_prefix="$tmp/" "$tmp/new" "$@" >"$tmp/log" 2>&1
    rc=$?
    if [ $rc -ne 0 ]; then
        tail -n 60 "$tmp/log"
        for a in "$tmp"/crash-* "$tmp"/leak-* "$tmp"/oom-* "$tmp"/timeout-*; do
            [ -e "$a" ] && echo "input: $(basename "$a") (base64: $(base64 -w0 "$a" | head -c 2000))"
        done
        echo "FAILED: $(basename "$target") exit $rc after at most $runs inputs"
        exit 1
    fi
    grep -E "stat::number_of_executed_units|DONE" "$tmp/log" | tail -n 2
    exit 0
fi
n=0 bad=0
for d in "$@"; do
    [ -d "$d" ] || continue
    for f in "$d"/*; do
        [ -f "$f" ] || continue
        case "$(basename "$f")" in README*) continue ;; esac
        n=$((n + 1))
        if "$target" -rss_limit_mb=2048 -malloc_limit_mb=65536 "$f" >"$tmp/log" 2>&1; then
            echo "ok      $f"
        else
            bad=$((bad + 1))
            echo "FAILED  $f"
            grep -E "ERROR|SUMMARY|runtime error|^    #[0-9] " "$tmp/log" | head -n 12 | sed 's/^/        /'
        fi
    done
done
if [ $n -eq 0 ]; then
    echo "skipped: no inputs in $*"
    exit 77
fi
echo "$n inputs, $bad failed"
[ $bad -eq 0 ]
