/* What an input field may hold: NaN (land or sea floor) and finite values no larger in
 * magnitude than IO_FIELD_MAX_ABS. An infinity, or a value so large that one update overflows
 * float32 (the update sums six neighbours and weighs the cell by up to 6), would turn cells into
 * NaN during the run, which variants that fix the land mask at upload (openmp_counts,
 * openmp_fused) treat differently from naive; such fields are refused before any variant
 * sees them, so every variant computes the same prediction from every accepted field. */
#ifndef IO_FIELD_CHECK_H
#define IO_FIELD_CHECK_H

#include <float.h>
#include <stddef.h>

#include "../kernels/variant.h"

#define IO_FIELD_MAX_ABS (FLT_MAX / 16) /* about 2.1e37 */

/* STENCIL_OK, or STENCIL_ERR_IO with a message naming the first refused cell as
 * "cell (z=Z, y=Y, x=X) holds inf ..." and the number of such cells (the caller prefixes
 * the file, variable and time index). f has nz*ny*nx floats, x fastest. */
stencil_status io_field_check(const float *f, size_t nz, size_t ny, size_t nx, stencil_error *err);

#endif
