/* Writes the small netCDF files the CLI tests feed to stencilbench, into DIR:
 *   small.nc     thetao float (time 2, depth 9, lat 10, lon 11), synthetic, NaN as _FillValue
 *   packed.nc    thetao short (time 2, depth 3, latitude 4, longitude 5), scale/offset,
 *                _FillValue and missing_value cells
 *   allfill.nc   thetao float (time 1, depth 3, latitude 4, longitude 5), every cell fill
 *   rank2.nc     thetao float (latitude 4, longitude 5)
 *   baddims.nc   thetao float (time 1, depth 3, longitude 5, latitude 4): dims out of order
 *   huge.nc      thetao float (time 1, depth 2^54, latitude 16, longitude 16), no data: the
 *                byte count of a field wraps to 0 in 64 bits
 * usage: make_fixtures DIR */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "nc_fixture.h"
#include "synthetic.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: make_fixtures DIR\n");
        return 2;
    }
    char path[6][4096];
    static double small[2 * 9 * 10 * 11], packed[120], fill[60];
    float f[9 * 10 * 11];
    stencil_error err;
    for (int t = 0; t < 2; t++) {
        io_ocean_spec spec = io_ocean_default(9, 10, 11);
        spec.land_fraction = 0.3;
        spec.hours = 6.0 * t;
        if (io_synthetic_ocean(&spec, f, 1, &err) != STENCIL_OK) {
            fprintf(stderr, "make_fixtures: %s\n", err.msg);
            return 1;
        }
        for (int i = 0; i < 990; i++)
            small[t * 990 + i] = isnan(f[i]) ? (double)NC_FILL_FLOAT : (double)f[i];
    }
    for (int i = 0; i < 120; i++)
        packed[i] = i % 7 == 0 ? -32767 : i % 10 == 3 ? -999 : 40 * i - 2000;
    for (int i = 0; i < 60; i++)
        fill[i] = (double)NC_FILL_FLOAT;
    const char *names[6] = {"small.nc", "packed.nc", "allfill.nc", "rank2.nc", "baddims.nc", "huge.nc"};
    for (int i = 0; i < 6; i++)
        snprintf(path[i], sizeof path[i], "%s/%s", argv[1], names[i]);
    const nc_fixture fx[6] = {
        {path[0], "thetao", 4, {"time", "depth", "lat", "lon"}, {2, 9, 10, 11}, NC_FLOAT, small,
         1, 0, 0, 1, 0, (double)NC_FILL_FLOAT, 0, 0, 0},
        {path[1], "thetao", 4, {"time", "depth", "latitude", "longitude"}, {2, 3, 4, 5}, NC_SHORT,
         packed, 1, 1, 1, 1, 0, -32767, -999, 0.001, 10.0},
        {path[2], "thetao", 4, {"time", "depth", "latitude", "longitude"}, {1, 3, 4, 5}, NC_FLOAT,
         fill, 1, 0, 0, 1, 0, (double)NC_FILL_FLOAT, 0, 0, 0},
        {path[3], "thetao", 2, {"latitude", "longitude"}, {4, 5}, NC_FLOAT, fill, 0, 0, 0, 1, 0,
         0, 0, 0, 0},
        {path[4], "thetao", 4, {"time", "depth", "longitude", "latitude"}, {1, 3, 5, 4}, NC_FLOAT,
         fill, 0, 0, 0, 1, 0, 0, 0, 0, 0},
        {path[5], "thetao", 4, {"time", "depth", "latitude", "longitude"}, {1, (size_t)1 << 54, 16, 16},
         NC_FLOAT, NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0},
    };
    for (int i = 0; i < 6; i++) {
        int rc = nc_fixture_write(&fx[i]);
        if (rc != NC_NOERR) {
            fprintf(stderr, "make_fixtures: %s: %s\n", path[i], nc_strerror(rc));
            return 1;
        }
    }
    return 0;
}
