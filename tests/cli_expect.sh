# Shared by the CLI tests; source it after setting sb (the binary), tmp (a scratch folder),
# fails=0 and checks=0.
# check DESCRIPTION COMMAND...: runs COMMAND; a non-zero status counts a failure.
check() {
    local what=$1
    shift
    checks=$((checks + 1))
    if ! "$@"; then
        fails=$((fails + 1))
        echo "FAIL: $what"
    fi
}

# expect STATUS PATTERN -- ARGS...: runs stencilbench ARGS, wants that exit status and PATTERN
# (an extended regex) somewhere in stdout+stderr; a miss prints the output and counts a failure.
expect() {
    local want=$1 pattern=$2
    shift 3
    checks=$((checks + 1))
    "$sb" "$@" >"$tmp/out" 2>&1
    local got=$?
    if [ "$got" -ne "$want" ] || ! grep -Eq -- "$pattern" "$tmp/out"; then
        fails=$((fails + 1))
        echo "FAIL: stencilbench $* -> exit $got (want $want), output:"
        sed 's/^/    /' "$tmp/out" | head -30
        echo "    (wanted /$pattern/)"
    fi
}
