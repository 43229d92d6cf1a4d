#!/usr/bin/env bash
# A full disk while writing netCDF (issue 18): generate, model and the automatic generation of
# the default dataset say so, exit 2 without a crash, and leave no partial or 0-byte file (an
# existing output is kept).
#   test_full_disk.sh SB FIXTURES enospc   a 128 KiB tmpfs (needs permission to mount: root;
#                                          exits 77, skipped, where mounting is not permitted)
#   test_full_disk.sh SB FIXTURES efbig    a file size limit (ulimit -f, SIGXFSZ ignored): the
#                                          same paths through EFBIG, with no privileges
set -u
sb=$1 mode=$3
fails=0 checks=0
tmp=$(mktemp -d)
full=$tmp/full
mkdir -p "$full"
mounted=0
cleanup() {
    cd / || true
    [ "$mounted" -eq 1 ] && umount "$full"
    rm -rf "$tmp"
}
trap cleanup EXIT
"$2" "$tmp" || { echo "make_fixtures failed"; exit 1; }
cd "$tmp" || exit 1
. "$(dirname "${BASH_SOURCE[0]}")/cli_expect.sh"

if [ "$mode" = enospc ]; then
    if ! mount -t tmpfs -o size=128k tmpfs "$full" 2>/dev/null; then
        echo "test_full_disk: cannot mount a small tmpfs here (not root?): SKIPPED"
        exit 77
    fi
    mounted=1
    why="no space left on device \(free some space or choose another folder; nothing was written\)"
    limit() { "$@"; }
else
    why="File too large \(nothing was written\)"
    limit() { (trap '' XFSZ; ulimit -f 128; "$@"); }
fi
run_limited() { # expect, but under the limit
    local want=$1 pattern=$2
    shift 3
    checks=$((checks + 1))
    limit "$sb" "$@" >"$tmp/out" 2>&1
    local got=$?
    if [ "$got" -ne "$want" ] || ! grep -Eq -- "$pattern" "$tmp/out"; then
        fails=$((fails + 1))
        echo "FAIL: stencilbench $* -> exit $got (want $want), output:"
        sed 's/^/    /' "$tmp/out" | head -30
        echo "    (wanted /$pattern/)"
    fi
}
nothing_left() { # no file but those named
    checks=$((checks + 1))
    local left
    left=$(cd "$full" && find . -mindepth 1 -type f | sort | tr '\n' ' ')
    if [ "$left" != "$1" ]; then
        fails=$((fails + 1))
        echo "FAIL: after $2, $full holds '$left' (want '$1')"
    fi
}

run_limited 2 "stencilbench generate: cannot write '$full/g.nc': $why" -- generate "$full/g.nc"
nothing_left "" "generate"
printf 'old' >"$full/kept.nc"
run_limited 2 "stencilbench model: cannot write '$full/kept.nc': $why" -- model --variant naive --input small.nc --steps 200 --save-every 1 --output "$full/kept.nc"
nothing_left "./kept.nc " "model"
checks=$((checks + 1))
[ "$(cat "$full/kept.nc")" = old ] || { fails=$((fails + 1)); echo "FAIL: model replaced kept.nc"; }
STENCILBENCH_CACHE=$full/cache run_limited 2 "stencilbench summary: cannot write '$full/cache/synthetic_ocean_v1.nc': $why" -- summary
nothing_left "./kept.nc " "summary generating the default dataset"
# With room again, the same commands work (the failures left nothing in the way).
rm -f "$full/kept.nc"
expect 0 "wrote $full/m.nc" -- model --variant naive --input small.nc --steps 1 --output "$full/m.nc"

echo "test_full_disk ($mode): $checks checks, $fails failed"
[ "$fails" -eq 0 ]
