#!/usr/bin/env bash
# The inputs that broke stencilbench (issue 18), read from the shared repro folder beside the
# checkout (never copied in): each is refused with exit status 2 and a message, no crash.
# Without the folder the test exits 77 (skipped); crafted equivalents in test_io_cli.sh and
# test_netcdf still run.
# usage: test_repro.sh PATH/TO/stencilbench REPRO_DIR
set -u
sb=$1 repro=$2
if [ ! -f "$repro/wrap_2e54.nc" ]; then
    echo "test_repro: no repro files in '$repro': SKIPPED"
    exit 77
fi
fails=0 checks=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
. "$(dirname "${BASH_SOURCE[0]}")/cli_expect.sh"

w=$repro/wrap_2e54.nc
for cmd in "summary" "model --variant naive --steps 1 --output out.nc --input" "viz slice --out vz --input"; do
    expect 2 "wrap_2e54.nc: 'thetao' .* 1 x 18014398509481984 x 16 x 16 x 8 is too large to address" -- $cmd "$w"
done

# Damaged classic headers that crash libnetcdf 4.9.0 inside nc_open: refused before it parses them.
for f in nc_crash_sig11.nc nc_crash_sig6.nc nc_crash_sig8.nc; do
    for cmd in "summary" "model --variant naive --steps 1 --output out.nc --input" "viz slice --out vz --input"; do
        expect 2 "'$repro/$f' is not a valid netCDF classic file: .*the header is damaged" -- $cmd "$repro/$f"
    done
done
check_absent() { checks=$((checks + 1)); [ ! -e "$1" ] || { fails=$((fails + 1)); echo "FAIL: $1 exists"; }; }
check_absent out.nc

echo "test_repro: $checks checks, $fails failed"
[ "$fails" -eq 0 ]
