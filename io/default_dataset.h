/* The built-in default dataset: the synthetic ocean (synthetic.h) shaped like the course's
 * Copernicus Marine subset, as a CF-1.8 netCDF-4 file: time 5 (6-hourly from 2024-01-01),
 * depth 50 (GLO12 levels), latitude 222 (46.83 to 65.25 N), longitude 241 (13.83 W to
 * 6.17 E), thetao in degrees_C. Commands that need data and get no --input use it from a
 * cache file, generated once:
 *
 *   ${STENCILBENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/stencilbench}/synthetic_ocean_v1.nc
 *
 * The _v1 changes whenever the generator's output would. */
#ifndef IO_DEFAULT_DATASET_H
#define IO_DEFAULT_DATASET_H

#include <stddef.h>

#include "../kernels/variant.h"

#define IO_DEFAULT_DATASET_NAME "synthetic_ocean_v1.nc"
#define IO_DEFAULT_NT 5
#define IO_DEFAULT_HOURS_STEP 6.0
#define IO_DEFAULT_LAT0 46.83333
#define IO_DEFAULT_LON0 (-13.83333)
#define IO_DEFAULT_DEG (1.0 / 12.0)

/* Writes the default dataset to path (through a temporary file and a rename). threads > 1
 * generates in parallel; the bits do not depend on it. */
stencil_status io_write_default_dataset(const char *path, int threads, stencil_error *err);

/* The same synthetic ocean on any nz x ny x nx grid (stencilbench generate --grid): the default
 * dataset when the shape is the course's (50 x 222 x 241, time 5), else one time, depths
 * interpolated between the GLO12 levels, latitudes and longitudes 1/12 degree apart from the
 * same origin (closer where they would pass 89.9 N or 360 degrees). */
stencil_status io_write_synthetic_dataset(const char *path, size_t nz, size_t ny, size_t nx,
                                          int threads, stencil_error *err);

/* Puts the cache file's path in buf. With create != 0 it also makes the folder and writes
 * the file when it is not there yet (printing nothing). STENCIL_ERR_IO when no location can
 * be found (no HOME) or written. */
stencil_status io_default_dataset_path(char *buf, size_t len, int create, stencil_error *err);

#endif
