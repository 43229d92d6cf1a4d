/* netCDF in and out: the default dataset round trip, CF decoding (fill, missing, packed
 * short, lat/lon names, 3-D), errors for bad files; with "cmems DIR", the real packed-short
 * Copernicus Marine file (exit 77, shown as skipped, when it is absent). */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "dataset.h"
#include "default_dataset.h"
#include "nc_fixture.h"
#include "size.h"
#include "synthetic.h"

static char dir[] = "/tmp/test_netcdf.XXXXXX";

static const char *tmp_path(char *buf, size_t len, const char *name)
{
    snprintf(buf, len, "%s/%s", dir, name);
    return buf;
}

static void round_trip(check_ctx *c)
{
    char path[256];
    stencil_error err = {{0}};
    tmp_path(path, sizeof path, "default.nc");
    CHECK(c, io_write_default_dataset(path, 2, &err) == STENCIL_OK, "%s", err.msg);
    io_dataset ds;
    CHECK(c, io_dataset_open(path, NULL, &ds, &err) == STENCIL_OK, "%s", err.msg);
    CHECK(c, ds.has_time && ds.nt == 5 && ds.nz == 50 && ds.ny == 222 && ds.nx == 241,
          "shape %zu %zu %zu %zu", ds.nt, ds.nz, ds.ny, ds.nx);
    CHECK(c, strcmp(ds.units, "degrees_C") == 0 && strcmp(ds.standard_name, "sea_water_potential_temperature") == 0,
          "units '%s' standard_name '%s'", ds.units, ds.standard_name);
    if (ds.nt != 5 || ds.nz != 50 || ds.ny != 222 || ds.nx != 241) {
        io_dataset_close(&ds);
        return;
    }
    const io_axis *ax = ds.axes;
    CHECK(c, ax[0].values && ax[0].values[4] == 24.0 && strcmp(ax[0].units, "hours since 2024-01-01 00:00:00") == 0,
          "time axis: units '%s'", ax[0].units);
    CHECK(c, ax[1].values && (float)ax[1].values[0] == (float)0.494025 && (float)ax[1].values[49] == (float)5727.917,
          "depth %g .. %g", ax[1].values ? ax[1].values[0] : 0, ax[1].values ? ax[1].values[49] : 0);
    CHECK(c, ax[2].values && fabs(ax[2].values[0] - 46.8333) < 1e-3 && fabs(ax[2].values[221] - 65.25) < 1e-3,
          "latitude range");
    CHECK(c, ax[3].values && fabs(ax[3].values[0] + 13.8333) < 1e-3 && fabs(ax[3].values[240] - 6.1667) < 1e-3,
          "longitude range");
    CHECK(c, strcmp(ax[2].units, "degrees_north") == 0 && strcmp(ax[1].units, "m") == 0, "units");
    const size_t n = 50 * 222 * 241;
    float *got = malloc(n * sizeof *got), *want = malloc(n * sizeof *want);
    if (!got || !want) {
        CHECK(c, 0, "out of memory");
        free(got), free(want);
        io_dataset_close(&ds);
        return;
    }
    for (size_t t = 0; t < 5; t++) {
        io_ocean_spec spec = io_ocean_default(50, 222, 241);
        spec.hours = 6.0 * (double)t;
        size_t fills = 0, want_fills = 0, diff = 0;
        CHECK(c, io_synthetic_ocean(&spec, want, 1, &err) == STENCIL_OK, "%s", err.msg);
        CHECK(c, io_dataset_read(&ds, t, got, &fills, &err) == STENCIL_OK, "%s", err.msg);
        for (size_t i = 0; i < n; i++) {
            want_fills += isnan(want[i]) != 0;
            diff += isnan(want[i]) ? !isnan(got[i]) : memcmp(&got[i], &want[i], sizeof(float)) != 0;
        }
        CHECK(c, diff == 0 && fills == want_fills && fills > 0, "time %zu: %zu cells differ, fills %zu vs %zu",
              t, diff, fills, want_fills);
    }
    CHECK(c, io_dataset_read(&ds, 5, got, NULL, &err) == STENCIL_ERR_ARG && strstr(err.msg, "out of range"),
          "time index 5: %s", err.msg);
    free(got), free(want);
    io_dataset_close(&ds);
}

/* short packed with scale/offset, _FillValue and missing_value; dims named lat/lon. */
static void packed_short(check_ctx *c)
{
    char path[256];
    stencil_error err = {{0}};
    double v[2 * 3 * 4 * 5];
    for (int i = 0; i < 120; i++)
        v[i] = i % 11 == 0 ? -32767 : i % 13 == 0 ? -999 : 100 * i - 3000;
    nc_fixture f = {tmp_path(path, sizeof path, "packed.nc"), "thetao", 4,
                    {"time", "depth", "lat", "lon"}, {2, 3, 4, 5}, NC_SHORT, v, 1, 1, 1, 1, 0,
                    -32767, -999, 0.01, 5.0};
    CHECK(c, nc_fixture_write(&f) == NC_NOERR, "fixture");
    io_dataset ds;
    float out[60];
    CHECK(c, io_dataset_open(path, "thetao", &ds, &err) == STENCIL_OK, "%s", err.msg);
    CHECK(c, ds.nt == 2 && ds.nz == 3 && ds.ny == 4 && ds.nx == 5, "shape");
    CHECK(c, strcmp(ds.axes[IO_AXIS_LAT].name, "lat") == 0 && strcmp(ds.axes[IO_AXIS_LON].units, "degrees_east") == 0,
          "lat/lon axes");
    for (size_t t = 0; t < 2 && ds.nt == 2; t++) {
        size_t fills = 0, want_fills = 0, bad = 0;
        CHECK(c, io_dataset_read(&ds, t, out, &fills, &err) == STENCIL_OK, "%s", err.msg);
        for (int i = 0; i < 60; i++) {
            double p = v[t * 60 + (size_t)i];
            if (p == -32767 || p == -999) {
                want_fills++;
                bad += !isnan(out[i]);
            } else {
                float want = (float)(p * (double)0.01f + (double)5.0f);
                bad += out[i] != want;
            }
        }
        CHECK(c, bad == 0 && fills == want_fills && fills > 0, "time %zu: %zu bad, fills %zu/%zu", t, bad,
              fills, want_fills);
    }
    io_dataset_close(&ds);
}

/* 3-D double with a NaN and a 9.96921e36 fill, no coordinate variables, classic format. */
static void three_d_double(check_ctx *c)
{
    char path[256];
    stencil_error err = {{0}};
    double v[3 * 4 * 5];
    for (int i = 0; i < 60; i++)
        v[i] = i == 7 ? 9.96921e36 : i == 8 ? NAN : 0.25 * i;
    nc_fixture f = {tmp_path(path, sizeof path, "three.nc"), "temp", 3, {"depth", "latitude", "longitude"},
                    {3, 4, 5}, NC_DOUBLE, v, 1, 0, 0, 0, 1, 9.96921e36, 0, 0, 0};
    CHECK(c, nc_fixture_write(&f) == NC_NOERR, "fixture");
    io_dataset ds;
    float out[60];
    size_t fills = 0;
    CHECK(c, io_dataset_open(path, "temp", &ds, &err) == STENCIL_OK, "%s", err.msg);
    CHECK(c, !ds.has_time && ds.nt == 1 && ds.nz == 3 && !ds.axes[IO_AXIS_DEPTH].values, "3-D shape");
    CHECK(c, io_dataset_read(&ds, 0, out, &fills, &err) == STENCIL_OK, "%s", err.msg);
    CHECK(c, fills == 2 && isnan(out[7]) && isnan(out[8]) && out[9] == 2.25f && out[59] == 14.75f,
          "fills %zu, out[9] %g", fills, (double)out[9]);
    CHECK(c, io_dataset_read(&ds, 1, out, NULL, &err) == STENCIL_ERR_ARG, "3-D has one time");
    io_dataset_close(&ds);
}

/* valid_range on packed short, valid_min/valid_max on float: values outside become NaN. */
static void valid_limits(check_ctx *c)
{
    char path[256];
    stencil_error err = {{0}};
    int ncid, dims[3], vs, vf;
    const size_t n = 2 * 3 * 4;
    short packed[24];
    float plain[24];
    for (size_t i = 0; i < n; i++) {
        packed[i] = (short)(100 * (int)i - 1000); /* -1000 .. 1300 */
        plain[i] = -3.0f + 1.5f * (float)i;       /* -3 .. 31.5 */
    }
    const short range[2] = {-500, 1000};
    const float vmin = -2.0f, vmax = 30.0f, scale = 0.01f;
    CHECK(c, nc_create(tmp_path(path, sizeof path, "valid.nc"), NC_NETCDF4 | NC_CLOBBER, &ncid) == NC_NOERR &&
             nc_def_dim(ncid, "depth", 2, &dims[0]) == NC_NOERR && nc_def_dim(ncid, "latitude", 3, &dims[1]) == NC_NOERR &&
             nc_def_dim(ncid, "longitude", 4, &dims[2]) == NC_NOERR &&
             nc_def_var(ncid, "packed", NC_SHORT, 3, dims, &vs) == NC_NOERR &&
             nc_put_att_short(ncid, vs, "valid_range", NC_SHORT, 2, range) == NC_NOERR &&
             nc_put_att_float(ncid, vs, "scale_factor", NC_FLOAT, 1, &scale) == NC_NOERR &&
             nc_def_var(ncid, "plain", NC_FLOAT, 3, dims, &vf) == NC_NOERR &&
             nc_put_att_float(ncid, vf, "valid_min", NC_FLOAT, 1, &vmin) == NC_NOERR &&
             nc_put_att_float(ncid, vf, "valid_max", NC_FLOAT, 1, &vmax) == NC_NOERR &&
             nc_enddef(ncid) == NC_NOERR && nc_put_var_short(ncid, vs, packed) == NC_NOERR &&
             nc_put_var_float(ncid, vf, plain) == NC_NOERR && nc_close(ncid) == NC_NOERR,
          "valid.nc fixture");
    io_dataset ds;
    float out[24];
    size_t fills = 0, bad = 0, want = 0;
    CHECK(c, io_dataset_open(path, "packed", &ds, &err) == STENCIL_OK, "%s", err.msg);
    CHECK(c, io_dataset_read(&ds, 0, out, &fills, &err) == STENCIL_OK, "%s", err.msg);
    for (size_t i = 0; i < n; i++) {
        int outside = packed[i] < range[0] || packed[i] > range[1];
        want += outside;
        bad += outside ? !isnan(out[i]) : out[i] != (float)(packed[i] * (double)scale);
    }
    CHECK(c, bad == 0 && fills == want && want == 8, "valid_range: %zu bad, fills %zu of %zu", bad, fills, want);
    io_dataset_close(&ds);
    CHECK(c, io_dataset_open(path, "plain", &ds, &err) == STENCIL_OK, "%s", err.msg);
    CHECK(c, io_dataset_read(&ds, 0, out, &fills, &err) == STENCIL_OK, "%s", err.msg);
    bad = want = 0;
    for (size_t i = 0; i < n; i++) {
        int outside = plain[i] < vmin || plain[i] > vmax;
        want += outside;
        bad += outside ? !isnan(out[i]) : out[i] != plain[i];
    }
    CHECK(c, bad == 0 && fills == want && want == 2, "valid_min/max: %zu bad, fills %zu of %zu", bad, fills, want);
    io_dataset_close(&ds);
}

static void bad_files(check_ctx *c)
{
    char path[256], other[256];
    stencil_error err = {{0}};
    io_dataset ds;
    CHECK(c, io_dataset_open(tmp_path(path, sizeof path, "nosuch.nc"), NULL, &ds, &err) == STENCIL_ERR_IO &&
                 strstr(err.msg, "No such file"), "missing: %s", err.msg);
    io_dataset_close(&ds);
    FILE *fp = fopen(tmp_path(path, sizeof path, "text.nc"), "w");
    if (fp) {
        fputs("this is not netCDF\n", fp);
        fclose(fp);
    }
    CHECK(c, io_dataset_open(path, NULL, &ds, &err) == STENCIL_ERR_IO && strstr(err.msg, "not a netCDF file"),
          "text: %s", err.msg);
    io_dataset_close(&ds);
    CHECK(c, io_dataset_open(tmp_path(path, sizeof path, "packed.nc"), "salinity", &ds, &err) == STENCIL_ERR_IO &&
                 strstr(err.msg, "no variable 'salinity'") && strstr(err.msg, "it has: thetao (4-D)"),
          "no variable: %s", err.msg);
    io_dataset_close(&ds);
    CHECK(c, io_dataset_open(path, "lat", &ds, &err) == STENCIL_ERR_IO && strstr(err.msg, "has 1 dimension;"),
          "rank: %s", err.msg);
    io_dataset_close(&ds);
    /* A truncated netCDF-4 file: half the default dataset. */
    tmp_path(other, sizeof other, "default.nc");
    FILE *in = fopen(other, "rb"), *out = fopen(tmp_path(path, sizeof path, "truncated.nc"), "wb");
    if (in && out) {
        fseek(in, 0, SEEK_END);
        long half = ftell(in) / 2;
        fseek(in, 0, SEEK_SET);
        char buf[65536];
        for (long left = half; left > 0;) {
            size_t got = fread(buf, 1, left < (long)sizeof buf ? (size_t)left : sizeof buf, in);
            if (got == 0)
                break;
            fwrite(buf, 1, got, out);
            left -= (long)got;
        }
    }
    if (in)
        fclose(in);
    if (out)
        fclose(out);
    stencil_status st = io_dataset_open(path, NULL, &ds, &err);
    if (st == STENCIL_OK) {
        float *f = malloc(50 * 222 * 241 * sizeof *f);
        st = f ? io_dataset_read(&ds, 4, f, NULL, &err) : STENCIL_ERR_NOMEM;
        free(f);
    }
    CHECK(c, st == STENCIL_ERR_IO && (strstr(err.msg, "truncated") || strstr(err.msg, "not a netCDF")),
          "truncated: status %d: %s", (int)st, err.msg);
    io_dataset_close(&ds);
}

static void helpers(check_ctx *c)
{
    char t[64];
    io_time_text(376944, "hours since 1950-01-01", t, sizeof t);
    CHECK(c, strcmp(t, "1993-01-01 00:00:00") == 0, "%s", t);
    io_time_text(18, "hours since 2024-01-01 00:00:00", t, sizeof t);
    CHECK(c, strcmp(t, "2024-01-01 18:00:00") == 0, "%s", t);
    io_time_text(60.5, "days since 2000-01-01", t, sizeof t);
    CHECK(c, strcmp(t, "2000-03-01 12:00:00") == 0, "%s", t);
    io_time_text(3, "1", t, sizeof t);
    CHECK(c, strcmp(t, "3 1") == 0, "%s", t);
    /* Out of range for a date (the cast to an integer would be undefined): the number. */
    io_time_text(1e300, "days since 2000-01-01", t, sizeof t);
    CHECK(c, strcmp(t, "1e+300 days since 2000-01-01") == 0, "%s", t);
    io_time_text(-4e18, "seconds since 2000-01-01", t, sizeof t);
    CHECK(c, strcmp(t, "-4e+18 seconds since 2000-01-01") == 0, "%s", t);
    io_time_text(1, "hours since 2000-01-01 00:00:inf", t, sizeof t);
    CHECK(c, strcmp(t, "1 hours since 2000-01-01 00:00:inf") == 0, "%s", t);
    /* Size products refuse to wrap (issue 18: 2^54 x 16 x 16 x 4 bytes is 0 in 64 bits). */
    size_t p = 7, cells = 0, bytes = 0;
    const size_t wrap[4] = {(size_t)1 << 54, 16, 16, 4}, fine[3] = {50, 222, 241};
    stencil_error e;
    CHECK(c, io_size_product(&p, wrap, 4, "f.nc", &e) == STENCIL_ERR_IO && p == 7 &&
          strstr(e.msg, "f.nc: 18014398509481984 x 16 x 16 x 4 is too large to address"), "%s", e.msg);
    CHECK(c, io_size_product(&p, fine, 3, "f.nc", &e) == STENCIL_OK && p == 50 * 222 * 241, "%zu", p);
    CHECK(c, io_size_field((size_t)1 << 54, 16, 16, 4, &cells, &bytes, "f", &e) == STENCIL_ERR_IO &&
          cells == 0 && bytes == 0, "%zu %zu", cells, bytes);
    CHECK(c, io_size_field(2, 3, 4, 4, &cells, &bytes, "f", &e) == STENCIL_OK && cells == 24 &&
          bytes == 96, "%zu %zu", cells, bytes);
    CHECK(c, !io_size_mul(SIZE_MAX / 2 + 1, 2, &p) && io_size_mul(SIZE_MAX, 1, &p) && p == SIZE_MAX &&
          io_size_mul(0, SIZE_MAX, &p) && p == 0, "io_size_mul");
    char a[256];
    tmp_path(a, sizeof a, "packed.nc");
    CHECK(c, io_same_file(a, a) && !io_same_file(a, "/nonexistent/x.nc"), "io_same_file");
}

/* The real Copernicus Marine file: thetao short, scale_factor 0.001, add_offset 10,
 * _FillValue -32767, dims (time 29, depth 2, latitude 3, longitude 3). Expected values are
 * from `ncdump -v thetao` of that file (packed: 9119, 9140, ... ; unpacked = p * 0.001 + 10). */
static int cmems(const char *folder)
{
    DIR *d = opendir(folder);
    char path[4096] = "";
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)))
            if (strstr(e->d_name, "thetao") && strstr(e->d_name, ".nc"))
                snprintf(path, sizeof path, "%s/%s", folder, e->d_name);
        closedir(d);
    }
    if (!path[0]) {
        printf("test_netcdf cmems: SKIPPED: no Copernicus Marine thetao file in %s\n", folder);
        return 77;
    }
    check_ctx c = {0, 0};
    stencil_error err = {{0}};
    io_dataset ds;
    CHECK(&c, io_dataset_open(path, NULL, &ds, &err) == STENCIL_OK, "%s", err.msg);
    CHECK(&c, ds.nt == 29 && ds.nz == 2 && ds.ny == 3 && ds.nx == 3, "shape %zu %zu %zu %zu", ds.nt, ds.nz, ds.ny, ds.nx);
    CHECK(&c, ds.scale != 1.0 && ds.offset == 10.0 && ds.fill == -32767.0, "packing %g %g %g", ds.scale, ds.offset, ds.fill);
    if (ds.nt == 29 && ds.nz == 2 && ds.ny == 3 && ds.nx == 3) {
        float f[18];
        size_t fills = 1;
        const float scale = 0.001f;
        CHECK(&c, io_dataset_read(&ds, 0, f, &fills, &err) == STENCIL_OK, "%s", err.msg);
        /* ncdump: time 0, depth 0: 9119, 9140, 9163 / 9083, ... ; depth 1: 9113, ... */
        const double first[4][2] = {{0, 9119}, {1, 9140}, {8, 9048}, {9, 9113}};
        for (int i = 0; i < 4; i++) {
            float want = (float)(first[i][1] * (double)scale + 10.0);
            CHECK(&c, f[(int)first[i][0]] == want, "cell %d: %.7g, want %.7g", (int)first[i][0], (double)f[(int)first[i][0]], (double)want);
        }
        CHECK(&c, fills == 0, "fills %zu", fills);
        CHECK(&c, io_dataset_read(&ds, 28, f, &fills, &err) == STENCIL_OK, "%s", err.msg);
        /* the last row of ncdump: 9811, 9805, 9802 */
        CHECK(&c, f[17] == (float)(9802 * (double)scale + 10.0) && f[15] == (float)(9811 * (double)scale + 10.0),
              "last cells %.7g %.7g", (double)f[15], (double)f[17]);
        for (int i = 0; i < 18; i++)
            CHECK(&c, f[i] > 15.0f && f[i] < 25.0f, "cell %d = %g degC is implausible here", i, (double)f[i]);
        CHECK(&c, io_dataset_read(&ds, 29, f, NULL, &err) == STENCIL_ERR_ARG, "time 29 accepted");
        char t[64];
        io_time_text(ds.axes[0].values[0], ds.axes[0].units, t, sizeof t);
        CHECK(&c, strcmp(t, "1993-01-01 00:00:00") == 0, "first time %s", t);
        CHECK(&c, fabs(ds.axes[1].values[1] - 1.555855) < 1e-5 && strcmp(ds.axes[1].units, "m") == 0, "depth");
        CHECK(&c, strcmp(ds.axes[2].units, "degrees_north") == 0 && ds.axes[2].values[0] == 34.0, "latitude");
    }
    io_dataset_close(&ds);
    return check_finish(&c, "test_netcdf cmems");
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "cmems") == 0)
        return cmems(argv[2]);
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    check_ctx c = {0, 0};
    round_trip(&c);
    packed_short(&c);
    valid_limits(&c);
    three_d_double(&c);
    bad_files(&c);
    helpers(&c);
    const char *names[] = {"default.nc", "packed.nc", "valid.nc", "three.nc", "text.nc", "truncated.nc"};
    char path[256];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        unlink(tmp_path(path, sizeof path, names[i]));
    rmdir(dir);
    return check_finish(&c, "test_netcdf");
}
