#!/usr/bin/env bash
# model stopped by a signal at the moments a test cannot hit by timing (issue 18): right after
# the temporary output file is created (before the run loop), at the start of the final write,
# while the default dataset is generated, and (--writer thread) while the loop waits for a slot
# of the snapshot ring with a snapshot being written. gdb stops the program at each place and
# delivers the signal there, so nothing depends on timing. Every time: exit 130, no OUT.tmp.*
# left, the output absent or complete. And a snapshot write that fails (injected by gdb: on
# x86-64 only, where it knows where the arguments are) on the writer thread, or inline: its
# message, exit 2, no output, no hang. Skipped (77) without gdb or where ptrace is not permitted.
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

# --writer thread, one step per snapshot: at the loop's second wait for a free slot (snapshot 1
# handed to the writer thread), SIGINT to the loop's thread: no step more, nothing written.
stop_at "break bench_model_ring_acquire;run;continue;delete;signal SIGINT" $m --save-every 1 --writer thread --output d.nc
check "SIGINT while snapshot 1 is written by the writer thread: exit 130" exited_130
check "SIGINT while snapshot 1 is written by the writer thread: says so" grep -q "interrupted after 1 of 3 steps; d.nc was not written" "$tmp/gdb.out"
check "SIGINT while snapshot 1 is written by the writer thread: no d.nc" test ! -e d.nc
check "SIGINT while snapshot 1 is written by the writer thread: no temporary file" no_tmp

# io_writer_put(w, t, field, err) fails at snapshot 2: gdb fills err (the fourth argument, rcx)
# and returns STENCIL_ERR_IO (5); the loop stops with the message and exit 2.
exited_2() { grep -q "exited with code 02\]" "$tmp/gdb.out"; }
if [ "$(uname -m)" = x86_64 ]; then
    for w in thread inline; do
        stop_at "break io_writer_put if \$rsi == 2;run;call (int)stencil_fail(\$rcx, 5, \"injected write failure\");return (int)5;delete;continue" \
            model --variant naive --input small.nc --steps 7 --save-every 2 --writer $w --output e_$w.nc
        check "a failed write (--writer $w): exit 2" exited_2
        check "a failed write (--writer $w): its message" grep -q "^stencilbench model: injected write failure\$" "$tmp/gdb.out"
        check "a failed write (--writer $w): no e_$w.nc" test ! -e e_$w.nc
        check "a failed write (--writer $w): no temporary file" no_tmp
    done
else
    echo "test_model_signal: the injected write failure needs x86-64 registers: not checked on $(uname -m)"
fi

echo "test_model_signal: $checks checks, $fails failed"
[ "$fails" -eq 0 ]
