/* Grid sizes from text, and whether a grid fits in memory. */
#ifndef BENCH_GRID_H
#define BENCH_GRID_H

#include <stddef.h>

#include "variant.h"

/* Largest size accepted per axis. */
#define BENCH_GRID_MAX_AXIS (1u << 20)

/* Parses "NZxNYxNX" or "N" (a cube). Sizes are whole numbers from 1 to BENCH_GRID_MAX_AXIS. */
stencil_status bench_parse_grid(const char *text, size_t *nz, size_t *ny, size_t *nx,
                                stencil_error *err);

/* Bytes of memory the system can still give (MemAvailable), or 0 when unknown. */
size_t bench_available_memory(void);

/* STENCIL_ERR_NOMEM with a message saying how much is needed when `arrays` float fields of
 * the grid (plus 10 % slack) exceed available memory. */
stencil_status bench_check_memory(size_t nz, size_t ny, size_t nx, int arrays, stencil_error *err);

#endif
