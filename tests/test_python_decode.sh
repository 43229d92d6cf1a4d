#!/usr/bin/env bash
# Optional: Python's netCDF4 (and xarray, when present) decode stencilbench's files as expected:
# fill as masked/NaN, CF metadata, the default dataset's shape and time axis. Skipped (exit 77)
# when python3 or the netCDF4 module is missing (pip install netCDF4 xarray).
# usage: test_python_decode.sh PATH/TO/stencilbench PATH/TO/make_fixtures
set -u
if ! python3 -c 'import netCDF4' 2>/dev/null; then
    echo "test_python_decode: SKIPPED: python3 with the netCDF4 module not found"
    exit 77
fi
sb=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$2" "$tmp" || exit 1
cd "$tmp" || exit 1
"$sb" generate gen.nc >/dev/null || exit 1
"$sb" model --variant naive --input small.nc --output pred.nc --steps 3 --save-every 1 >/dev/null || exit 1
python3 - <<'PY'
import math, sys
import netCDF4
import numpy as np
fails = 0
def check(cond, what):
    global fails
    if not cond:
        fails += 1
        print("FAIL:", what)
g = netCDF4.Dataset("gen.nc")
t = g["thetao"]
check(t.shape == (5, 50, 222, 241), "shape %s" % (t.shape,))
check(t.standard_name == "sea_water_potential_temperature" and t.units == "degrees_C", "attributes")
a = t[0]
check(np.ma.isMaskedArray(a) and 0.45 < a.mask.mean() < 0.55, "fill masked: %.3f" % a.mask.mean())
check(-3 < float(a.min()) and float(a.max()) < 16, "range %g..%g" % (a.min(), a.max()))
dates = netCDF4.num2date(g["time"][:], g["time"].units, g["time"].calendar)
check(str(dates[1]) == "2024-01-01 06:00:00", "time %s" % dates[1])
check(abs(float(g["latitude"][-1]) - 65.25) < 1e-4 and abs(float(g["longitude"][0]) + 13.8333) < 1e-3, "coords")
p = netCDF4.Dataset("pred.nc")
check(list(p["step"][:]) == [0, 1, 2, 3], "snapshots %s" % list(p["step"][:]))
check(p["step"].units == "1" and "axis" not in p["step"].ncattrs(), "step: units 1, no axis T")
check(p.variant == "naive" and int(p.steps) == 3, "globals")
s = netCDF4.Dataset("small.nc")
check((p["thetao"][2].mask == np.ma.getmaskarray(s["thetao"][0])).all(), "fill cells kept as fill")
try:
    import xarray as xr
    ds = xr.open_dataset("gen.nc")
    check(int(ds.thetao.isnull().sum()) > 0 and str(ds.time.values[4])[:19] == "2024-01-02T00:00:00", "xarray decode")
    print("xarray: decoded")
except ImportError:
    print("xarray: not installed, netCDF4 checks only")
print("test_python_decode: %d failed" % fails)
sys.exit(1 if fails else 0)
PY
