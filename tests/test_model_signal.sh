#!/usr/bin/env bash
# model stopped by a signal at the moments a test cannot hit by timing (issue 18): right after
# the temporary output file is created (before the run loop), at the start of the final write,
# and while the default dataset is generated. gdb stops the program at each place and delivers
# the signal there, so nothing depends on timing. Every time: exit 130, no OUT.tmp.* left, the
# output absent or complete. Skipped (77) without gdb or where ptrace is not permitted.
# usage: test_model_signal.sh PATH/TO/stencilbench PATH/TO/make_fixtures
set -u
sb=$1
if ! command -v gdb >/dev/null; then
    echo "test_model_signal: gdb not found: SKIPPED"
    exit 77
fi
fails=0 checks=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$2" "$tmp" || { echo "make_fixtures failed"; exit 1; }
cd "$tmp" || exit 1
export STENCILBENCH_CACHE=$tmp/cache
check() { # check DESCRIPTION COMMAND...
    local what=$1
    shift
    checks=$((checks + 1))
    if ! "$@"; then
        fails=$((fails + 1))
        echo "FAIL: $what"
        sed 's/^/    /' "$tmp/gdb.out" | grep -v '^    \[' | tail -15
    fi
}
# stop_at "GDB COMMANDS" ARGS...: runs stencilbench ARGS under gdb with those commands (-ex each).
stop_at() {
    local cmds=$1 ex=()
    shift
    IFS=';' read -ra parts <<<"$cmds"
    for c in "${parts[@]}"; do ex+=(-ex "$c"); done
    gdb -nx -batch "${ex[@]}" --args "$sb" "$@" >"$tmp/gdb.out" 2>&1
    if grep -q "ptrace: \|Could not trace" "$tmp/gdb.out"; then
        echo "test_model_signal: gdb cannot trace here (ptrace not permitted): SKIPPED"
        exit 77
    fi
}
exited_130() { grep -q "exited with code 0202\]" "$tmp/gdb.out"; }
no_tmp() { [ -z "$(find "$tmp" -name '*.tmp.*' -print -quit)" ]; }
m="model --variant naive --input small.nc --steps 3"

stop_at "tbreak io_writer_create;run;finish;signal SIGTERM" $m --output a.nc
check "SIGTERM just after the output was created: exit 130" exited_130
check "SIGTERM just after the output was created: says so" grep -q "interrupted after 0 of 3 steps; a.nc was not written" "$tmp/gdb.out"
check "SIGTERM just after the output was created: no a.nc" test ! -e a.nc
check "SIGTERM just after the output was created: no temporary file" no_tmp

stop_at "tbreak io_writer_commit;run;signal SIGINT" $m --output b.nc
check "SIGINT at the final write: exit 130" exited_130
check "SIGINT at the final write: says the file is complete" grep -q "interrupted while writing b.nc, which was finished first" "$tmp/gdb.out"
check "SIGINT at the final write: no temporary file" no_tmp
check "SIGINT at the final write: b.nc is complete" "$sb" summary b.nc

stop_at "tbreak io_synthetic_ocean;run;signal SIGINT" model --variant naive --steps 3 --output c.nc
check "SIGINT while the default dataset is generated: exit 130" exited_130
check "SIGINT while the default dataset is generated: says so" grep -q "interrupted before the first step; c.nc was not written" "$tmp/gdb.out"
check "SIGINT while the default dataset is generated: no temporary file" no_tmp
check "SIGINT while the default dataset is generated: no c.nc" test ! -e c.nc
check "SIGINT while the default dataset is generated: the cache is complete" "$sb" summary "$tmp/cache/synthetic_ocean_v1.nc"

echo "test_model_signal: $checks checks, $fails failed"
[ "$fails" -eq 0 ]
