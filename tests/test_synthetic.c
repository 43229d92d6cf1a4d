/* The synthetic ocean: deterministic, ocean-like, land fraction as asked. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "synthetic.h"

static double nan_fraction(const float *f, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += isnan(f[i]) != 0;
    return (double)k / (double)n;
}

int main(void)
{
    check_ctx c = {0, 0};
    const size_t nz = IO_DEFAULT_NZ, ny = IO_DEFAULT_NY, nx = IO_DEFAULT_NX, n = nz * ny * nx;
    float *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    if (!a || !b)
        return 1;
    stencil_error err;
    io_ocean_spec spec = io_ocean_default(nz, ny, nx);
    CHECK(&c, io_synthetic_ocean(&spec, a, 1, &err) == STENCIL_OK, "%s", err.msg);
    CHECK(&c, io_synthetic_ocean(&spec, b, 2, &err) == STENCIL_OK, "%s", err.msg);
    CHECK(&c, memcmp(a, b, n * sizeof *a) == 0, "not deterministic (1 vs 2 threads)");
    double land = nan_fraction(a, n);
    CHECK(&c, fabs(land - 0.5) < 0.02, "course shape land fraction %.3f, want about 0.5", land);

    /* Ocean-like: warmer south than north and surface than depth; plausible range. */
    double south = 0, north = 0, deep = 0;
    size_t ns = 0, nn = 0, nd = 0;
    float lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        if (isnan(a[i]))
            continue;
        size_t z = i / (ny * nx), y = i / nx % ny;
        lo = a[i] < lo ? a[i] : lo;
        hi = a[i] > hi ? a[i] : hi;
        if (z == 0 && y < ny / 4)
            south += a[i], ns++;
        if (z == 0 && y >= 3 * ny / 4)
            north += a[i], nn++;
        if (io_synthetic_depth(z, nz) > 1000.0)
            deep += a[i], nd++;
    }
    CHECK(&c, ns && nn && nd, "no ocean in a region (south %zu north %zu deep %zu)", ns, nn, nd);
    if (ns && nn && nd) {
        CHECK(&c, south / ns > north / nn + 3.0, "south %.2f not warmer than north %.2f", south / ns, north / nn);
        CHECK(&c, north / nn > deep / nd, "surface %.2f not warmer than deep water %.2f", north / nn, deep / nd);
    }
    CHECK(&c, lo > -3.0f && hi < 16.0f, "range %g..%g degC", (double)lo, (double)hi);

    /* Land and sea floor: in every column, water sits on top of NaN, never below it. */
    size_t bad_columns = 0;
    for (size_t col = 0; col < ny * nx; col++) {
        int seen_nan = 0;
        for (size_t z = 0; z < nz; z++) {
            int is_nan = isnan(a[z * ny * nx + col]) != 0;
            if (seen_nan && !is_nan) {
                bad_columns++;
                break;
            }
            seen_nan |= is_nan;
        }
    }
    CHECK(&c, bad_columns == 0, "%zu columns have water below the sea floor", bad_columns);

    /* The land-fraction knob, any shape, and a different seed. */
    const double wants[] = {0.0, 0.1, 0.3, 0.8, 1.0};
    for (size_t w = 0; w < sizeof wants / sizeof wants[0]; w++) {
        io_ocean_spec s2 = io_ocean_default(20, 64, 48);
        s2.land_fraction = wants[w];
        CHECK(&c, io_synthetic_ocean(&s2, a, 1, &err) == STENCIL_OK, "%s", err.msg);
        double got = nan_fraction(a, 20 * 64 * 48);
        CHECK(&c, fabs(got - wants[w]) < 0.03, "asked %.2f land, got %.3f", wants[w], got);
    }
    io_ocean_spec s3 = io_ocean_default(7, 5, 3);
    CHECK(&c, io_synthetic_ocean(&s3, a, 1, &err) == STENCIL_OK, "tiny grid: %s", err.msg);
    s3.seed = 1;
    CHECK(&c, io_synthetic_ocean(&s3, b, 1, &err) == STENCIL_OK, "%s", err.msg);
    CHECK(&c, memcmp(a, b, 7 * 5 * 3 * sizeof *a) != 0, "seed has no effect");
    s3.land_fraction = 1.5;
    CHECK(&c, io_synthetic_ocean(&s3, a, 1, &err) == STENCIL_ERR_ARG, "land 1.5 accepted");
    free(a);
    free(b);
    return check_finish(&c, "test_synthetic");
}
