#!/usr/bin/env bash
# With no usable GPU: `list` shows the CUDA variants unavailable with a reason, and
# `run --variant cuda_shared,naive` reports the CUDA point skipped (in the CSV too, with the
# reason) and exits 0; `run --variant gpu` skips every point and exits 1 saying so. Exits 77
# (skipped) where the build has no CUDA variants or a GPU is usable (test_cuda covers that).
# usage: test_cli_nogpu.sh PATH/TO/stencilbench
set -u
sb=$1
list=$("$sb" list 2>&1) || { echo "FAIL: stencilbench list exited $?"; echo "$list"; exit 1; }
if ! grep -q '^cuda_shared ' <<<"$list"; then
    echo "test_cli_nogpu: skipped: this build has no CUDA variants"
    exit 77
fi
if grep -Eq '^cuda_shared +gpu +yes' <<<"$list"; then
    echo "test_cli_nogpu: skipped: a CUDA device is usable here"
    exit 77
fi
fails=0
for v in cuda_naive cuda_shared; do
    if ! grep -Eq "^$v +gpu +no " <<<"$list"; then
        echo "FAIL: list does not show $v unavailable:"; echo "$list"; fails=$((fails + 1))
    fi
done
n=$(grep -Ec '^ +why not: (no usable NVIDIA driver|no CUDA device found|CUDA cannot start)' <<<"$list")
[ "$n" -ge 2 ] || { echo "FAIL: list gives no reason for the CUDA variants:"; echo "$list"; fails=$((fails + 1)); }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=$("$sb" run --variant cuda_shared,naive --grid 9x10x11 --steps 2 --reps 1 --target-noise 0 --out "$tmp/a" 2>&1)
rc=$?
if [ $rc -ne 0 ] || ! grep -Eq 'cuda_shared .* skipped: unavailable' <<<"$out" ||
    ! grep -Eq ' naive .* ok( |$)' <<<"$out" ||
    ! grep -Eq ',cuda_shared,gpu,.*,skipped:unavailable: (no usable NVIDIA driver|no CUDA device found|CUDA cannot start)' "$tmp/a/timings.csv"; then
    echo "FAIL: run --variant cuda_shared,naive exited $rc:"; echo "$out"; cat "$tmp/a/timings.csv"
    fails=$((fails + 1))
fi
out=$("$sb" run --variant gpu --grid 9x10x11 --steps 2 --reps 1 --target-noise 0 --out "$tmp/b" 2>&1)
rc=$?
ngpu=$(grep -E '^[a-z0-9_]+ +gpu ' <<<"$list" | grep -vc '^mpi') # every GPU variant `list` shows but the MPI ones (gpu leaves them out)
if [ $rc -ne 1 ] || [ "$(grep -c 'skipped: unavailable' <<<"$out")" -ne "$ngpu" ] || [ "$ngpu" -lt 3 ] ||
    ! grep -q 'every point was skipped' <<<"$out"; then
    echo "FAIL: run --variant gpu exited $rc (want 1, every point skipped):"; echo "$out"; fails=$((fails + 1))
fi
# several points of each GPU variant: each variant's skip said once, every row still recorded
out=$("$sb" run --variant gpu,naive --grid 9,10 --steps 1,2 --reps 1 --target-noise 0 --out "$tmp/c" 2>&1)
rows=$(grep -c ',skipped:unavailable' "$tmp/c/timings.csv")
if [ "$(grep -c 'skipped: unavailable' <<<"$out")" -ne "$ngpu" ] || [ "$rows" -le "$ngpu" ] ||
    ! grep -q 'its other points too' <<<"$out"; then
    echo "FAIL: GPU skips not said once per variant ($rows skipped rows):"; echo "$out"; fails=$((fails + 1))
fi
echo "test_cli_nogpu: $fails failed"
[ "$fails" -eq 0 ]
