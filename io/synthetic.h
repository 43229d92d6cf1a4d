/* The synthetic ocean: a deterministic, ocean-like temperature field of any size.
 *
 * Warmer to the south and near the surface, a thermocline near 300 m, small-scale eddies and
 * cell-scale noise, NaN land and sea floor. The land/sea mask comes from a smooth bathymetry
 * whose offset is solved so that a fraction land_fraction of all cells is NaN (default 0.5,
 * roughly the course's Copernicus subset). The same spec always gives the same bits. */
#ifndef IO_SYNTHETIC_H
#define IO_SYNTHETIC_H

#include <stddef.h>
#include <stdint.h>

#include "../kernels/variant.h"

#define IO_DEFAULT_NZ 50
#define IO_DEFAULT_NY 222
#define IO_DEFAULT_NX 241
#define IO_DEFAULT_LAND_FRACTION 0.5
#define IO_DEFAULT_SEED 20240101u

typedef struct io_ocean_spec {
    size_t nz, ny, nx;
    double land_fraction; /* in [0, 1]; the fraction of cells that are NaN */
    uint64_t seed;
    double hours;         /* time since the start; shifts the eddies (dataset time axis) */
} io_ocean_spec;

/* The 50 GLO12 depth levels in metres, 0.494 m to 5727.9 m. */
extern const double io_glo12_depths[50];

/* Depth in metres of level z of nz: the GLO12 levels when nz == 50, else interpolated. */
double io_synthetic_depth(size_t z, size_t nz);

/* A spec for the given grid with the default seed and land fraction. */
io_ocean_spec io_ocean_default(size_t nz, size_t ny, size_t nx);

/* Fills out (nz*ny*nx floats, x fastest). threads > 1 first-touches rows in parallel.
 * Returns STENCIL_ERR_ARG for a bad spec, STENCIL_ERR_NOMEM if scratch cannot be had. */
stencil_status io_synthetic_ocean(const io_ocean_spec *spec, float *out, int threads,
                                  stencil_error *err);

#endif
