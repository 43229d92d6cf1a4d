#!/usr/bin/env bash
# ./run.sh --help prints its help text and exits 0, before installing or building anything;
# an unknown mode exits 2 with the help on stderr.
# usage: test_run_sh.sh PATH/TO/run.sh
set -u
run=$1
fail() {
    echo "FAIL: $*"
    exit 1
}
out=$("$run" --help 2>&1) || fail "run.sh --help exited $?"
for want in 'usage: ./run.sh' 'study' 'test' 'BUILD_DIR'; do
    grep -q -- "$want" <<<"$out" || fail "run.sh --help lacks '$want': $out"
done
out=$("$run" -h 2>&1) || fail "run.sh -h exited $?"
err=$("$run" no-such-mode 2>&1 >/dev/null)
rc=$?
[ "$rc" -eq 2 ] || fail "run.sh no-such-mode exited $rc, want 2"
grep -q "unknown mode 'no-such-mode'" <<<"$err" || fail "no message for an unknown mode: $err"
grep -q 'usage: ./run.sh' <<<"$err" || fail "no usage for an unknown mode"
echo "test_run_sh: ok"
