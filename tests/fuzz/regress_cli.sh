#!/usr/bin/env bash
# Every netCDF input that crashed stencilbench (or broke a sanitizer), through summary and
# model: each must end with exit 0, or 2 and a message; never a signal, never another status.
# usage: regress_cli.sh STENCILBENCH DIR
# Exit 77 (skipped) when DIR holds no .nc file (../shared/repro is not part of a clone).
set -u
exe=$1 dir=$2
shopt -s nullglob
files=("$dir"/*.nc)
if [ ${#files[@]} -eq 0 ]; then
    echo "skipped: no .nc file in $dir"
    exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bad=0
for f in "${files[@]}"; do
    for cmd in summary model; do
        if [ $cmd = summary ]; then
            "$exe" summary "$f" >/dev/null 2>"$tmp/err"
        else
            "$exe" model --variant naive --steps 1 --input "$f" --output "$tmp/out.nc" >/dev/null 2>"$tmp/err"
        fi
        rc=$?
        msg=$(head -c 300 "$tmp/err" | head -n 1)
        if [ $rc -eq 0 ] || { [ $rc -eq 2 ] && [ -n "$msg" ] && [ ! -e "$tmp/out.nc" ]; }; then
            echo "ok      $cmd $(basename "$f"): exit $rc${msg:+: $msg}"
        else
            bad=$((bad + 1))
            why="exit $rc"
            [ $rc -gt 128 ] && why="killed by signal $((rc - 128))"
            echo "FAILED  $cmd $f: $why, want 0, or 2 with a message${msg:+ (said: $msg)}"
        fi
        rm -f "$tmp/out.nc"
    done
done
echo "${#files[@]} inputs, $bad failures"
[ $bad -eq 0 ]
