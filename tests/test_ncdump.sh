#!/usr/bin/env bash
# Files stencilbench writes open with `ncdump -h` (netCDF's own tool) and say what they should.
# Skipped (exit 77) when ncdump is not installed (Debian: netcdf-bin).
# usage: test_ncdump.sh PATH/TO/stencilbench PATH/TO/make_fixtures
set -u
command -v ncdump >/dev/null || { echo "test_ncdump: SKIPPED: ncdump not found (apt install netcdf-bin)"; exit 77; }
sb=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$2" "$tmp" || exit 1
cd "$tmp" || exit 1
fails=0
want() { # FILE PATTERN: ncdump -h FILE must succeed and match PATTERN
    if ! ncdump -h "$1" >head.txt 2>&1 || ! grep -Eq -- "$2" head.txt; then
        fails=$((fails + 1))
        echo "FAIL: ncdump -h $1 lacks /$2/:"
        sed 's/^/    /' head.txt | head -40
    fi
}
"$sb" generate gen.nc >/dev/null || exit 1
"$sb" model --variant naive --input small.nc --output pred.nc --steps 4 --save-every 2 >/dev/null || exit 1
want gen.nc 'float thetao\(time, depth, latitude, longitude\)'
want gen.nc 'time = 5 ;'
want gen.nc 'time:units = "hours since 2024-01-01 00:00:00"'
want gen.nc 'thetao:_FillValue = 9.96921e\+36f'
want gen.nc 'thetao:standard_name = "sea_water_potential_temperature"'
want gen.nc ':Conventions = "CF-1.8"'
want gen.nc ':synthetic = "true"'
ncdump -hs gen.nc | grep -q 'thetao:_DeflateLevel = 4' || { fails=$((fails + 1)); echo "FAIL: gen.nc not deflated"; }
ncdump -k gen.nc | grep -q 'netCDF-4' || { fails=$((fails + 1)); echo "FAIL: gen.nc is not netCDF-4"; }
# The prediction's snapshots: a 'step' coordinate (timesteps completed, step 0 the input), not a
# CF time axis: units "1" with axis T is what the CF checker rejects (issue 16).
want pred.nc 'step = 3 ;'
want pred.nc 'float thetao\(step, depth, lat, lon\)'
want pred.nc 'int step\(step\)'
want pred.nc 'step:units = "1"'
want pred.nc 'step:long_name = "model timesteps completed"'
if ncdump -h pred.nc | grep -Eq 'step:(axis|standard_name|calendar)'; then
    fails=$((fails + 1))
    echo "FAIL: pred.nc's step has a time axis attribute"
fi
want pred.nc 'lat:units = "degrees_north"'
want pred.nc ':variant = "naive"'
want pred.nc ':steps = 4 ;'
# Values: ncdump reads the coordinates back as written.
ncdump -v step pred.nc | grep -Eq 'step = 0, 2, 4 ;' || { fails=$((fails + 1)); echo "FAIL: pred.nc step values"; }
echo "test_ncdump: $fails failed"
[ "$fails" -eq 0 ]
