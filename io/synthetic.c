#include <math.h>
#include <stdlib.h>

#include "size.h"
#include "synthetic.h"

const double io_glo12_depths[50] = {
    0.494025, 1.541375, 2.645669, 3.819495, 5.078224, 6.440614, 7.92956,  9.572997,
    11.405,   13.46714, 15.81007, 18.49556, 21.59882, 25.21141, 29.44473, 34.43415,
    40.34405, 47.37369, 55.76429, 65.80727, 77.85385, 92.32607, 109.7293, 130.666,
    155.8507, 186.1256, 222.4752, 266.0403, 318.1274, 380.213,  453.9377, 541.0889,
    643.5668, 763.3331, 902.3393, 1062.44,  1245.291, 1452.251, 1684.284, 1941.893,
    2225.078, 2533.336, 2865.703, 3220.82,  3597.032, 3992.484, 4405.224, 4833.291,
    5274.784, 5727.917};

double io_synthetic_depth(size_t z, size_t nz)
{
    if (nz == 50)
        return io_glo12_depths[z];
    if (nz < 2)
        return io_glo12_depths[0];
    double f = (double)z * 49.0 / (double)(nz - 1);
    size_t i = (size_t)f;
    if (i >= 49)
        return io_glo12_depths[49];
    double w = f - (double)i;
    return io_glo12_depths[i] * (1.0 - w) + io_glo12_depths[i + 1] * w;
}

io_ocean_spec io_ocean_default(size_t nz, size_t ny, size_t nx)
{
    io_ocean_spec s = {nz, ny, nx, IO_DEFAULT_LAND_FRACTION, IO_DEFAULT_SEED, 0.0};
    return s;
}

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    x ^= x >> 31;
    return x;
}

static double hash_unit(uint64_t seed, uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t h = mix64(seed ^ mix64(a + 0x9e3779b97f4a7c15ull * (b + 1) + 0x632be59bd9b4e019ull * (c + 1)));
    return (double)(h >> 11) * (1.0 / 9007199254740992.0);
}

/* Smooth value noise in [0, 1) on a lattice, several octaves (fractal Brownian motion). */
static double fbm2(uint64_t seed, double u, double v, int octaves)
{
    double sum = 0.0, amp = 0.5, norm = 0.0, freq = 3.0;
    for (int o = 0; o < octaves; o++) {
        double x = u * freq, y = v * freq;
        double fx = floor(x), fy = floor(y);
        double tx = x - fx, ty = y - fy;
        tx = tx * tx * (3.0 - 2.0 * tx);
        ty = ty * ty * (3.0 - 2.0 * ty);
        uint64_t ix = (uint64_t)(int64_t)fx, iy = (uint64_t)(int64_t)fy;
        double a = hash_unit(seed + (uint64_t)o, ix, iy, 0), b = hash_unit(seed + (uint64_t)o, ix + 1, iy, 0);
        double c = hash_unit(seed + (uint64_t)o, ix, iy + 1, 0), d = hash_unit(seed + (uint64_t)o, ix + 1, iy + 1, 0);
        sum += amp * ((a * (1 - tx) + b * tx) * (1 - ty) + (c * (1 - tx) + d * tx) * ty);
        norm += amp;
        amp *= 0.5;
        freq *= 2.0;
    }
    return sum / norm;
}

/* Count of valid cells when each column's elevation e maps to ceil-free level count
 * L = clamp(nz * 1.6 * (c - e)). */
static size_t column_levels(double c, double e, size_t nz)
{
    double l = (double)nz * 1.6 * (c - e);
    if (l <= 0.0)
        return 0;
    if (l >= (double)nz)
        return nz;
    return (size_t)l;
}

static size_t valid_cells(double c, const double *elev, size_t cols, size_t nz)
{
    size_t n = 0;
    for (size_t i = 0; i < cols; i++)
        n += column_levels(c, elev[i], nz);
    return n;
}

stencil_status io_synthetic_ocean(const io_ocean_spec *spec, float *out, int threads,
                                  stencil_error *err)
{
    const size_t nz = spec->nz, ny = spec->ny, nx = spec->nx;
    if (nz < 1 || ny < 1 || nx < 1)
        return stencil_fail(err, STENCIL_ERR_ARG, "synthetic ocean: every grid size must be >= 1");
    if (!(spec->land_fraction >= 0.0 && spec->land_fraction <= 1.0))
        return stencil_fail(err, STENCIL_ERR_ARG,
                            "land fraction %g is out of range: use a value from 0 to 1",
                            spec->land_fraction);
    size_t cols, ignored;
    stencil_status sized = io_size_field(1, ny, nx, sizeof(double), &cols, NULL, "synthetic ocean", err);
    if (sized == STENCIL_OK) /* out holds nz x ny x nx floats: that product must fit too */
        sized = io_size_field(nz, ny, nx, sizeof(float), NULL, &ignored, "synthetic ocean", err);
    if (sized != STENCIL_OK)
        return sized;
    double *elev = malloc(cols * sizeof *elev);
    double *surface = malloc(cols * sizeof *surface);
    double *deep = malloc(cols * sizeof *deep);
    size_t *levels = malloc(cols * sizeof *levels);
    double *profile = malloc(nz * sizeof *profile);
    if (!elev || !surface || !deep || !levels || !profile) {
        free(elev), free(surface), free(deep), free(levels), free(profile);
        return stencil_fail(err, STENCIL_ERR_NOMEM, "synthetic ocean: out of memory for %zux%zu columns",
                            ny, nx);
    }
    const uint64_t seed = spec->seed;
    const double shift = spec->hours / 24.0 * 0.02;
    for (size_t y = 0; y < ny; y++) {
        double v = ny > 1 ? (double)y / (double)(ny - 1) : 0.5; /* 0 = south */
        for (size_t x = 0; x < nx; x++) {
            double u = nx > 1 ? (double)x / (double)(nx - 1) : 0.5; /* 0 = west */
            size_t i = y * nx + x;
            /* Land rises to the east (a continent) and in noisy islands; the deep ocean is
             * to the west. */
            elev[i] = 0.55 * fbm2(seed, u, v, 5) + 0.45 * u;
            double eddy = fbm2(seed ^ 0x5bd1e995u, 2.5 * u + shift, 2.5 * v - shift, 4) - 0.5;
            surface[i] = 13.6 - 7.5 * v + 1.6 * eddy;
            deep[i] = 4.0 - 5.8 * v + 0.6 * eddy;
        }
    }
    /* Solve the elevation offset so the NaN fraction matches the request. */
    const double target = (1.0 - spec->land_fraction) * (double)(cols * nz);
    double lo = -2.0, hi = 3.0;
    for (int it = 0; it < 80; it++) {
        double mid = 0.5 * (lo + hi);
        if ((double)valid_cells(mid, elev, cols, nz) < target)
            lo = mid;
        else
            hi = mid;
    }
    double c = fabs((double)valid_cells(lo, elev, cols, nz) - target) <
                       fabs((double)valid_cells(hi, elev, cols, nz) - target)
                   ? lo
                   : hi;
    for (size_t i = 0; i < cols; i++)
        levels[i] = column_levels(c, elev[i], nz);
    for (size_t z = 0; z < nz; z++) {
        double d = io_synthetic_depth(z, nz);
        profile[z] = 1.0 / (1.0 + exp((d - 300.0) / 110.0));
    }
    const long rows = (long)(nz * ny);
#pragma omp parallel for schedule(static) num_threads(threads > 1 ? threads : 1) if (threads > 1)
    for (long r = 0; r < rows; r++) {
        size_t z = (size_t)r / ny, y = (size_t)r % ny;
        float *row = out + (size_t)r * nx;
        for (size_t x = 0; x < nx; x++) {
            size_t i = y * nx + x;
            if (z >= levels[i]) {
                row[x] = NAN;
                continue;
            }
            double w = profile[z];
            double t = deep[i] + (surface[i] - deep[i]) * w +
                       0.08 * (hash_unit(seed ^ 0xa5a5a5a5u, z, y, x) - 0.5);
            row[x] = (float)t;
        }
    }
    free(elev), free(surface), free(deep), free(levels), free(profile);
    return STENCIL_OK;
}
