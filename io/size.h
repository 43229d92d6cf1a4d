/* Sizes of fields and buffers: every product of dimensions goes through these, so a file that
 * declares absurd dimensions (a depth of 2^54) is refused instead of wrapping to a small
 * count and overrunning a buffer. */
#ifndef IO_SIZE_H
#define IO_SIZE_H

#include <stddef.h>
#include <stdint.h>

#include "../kernels/variant.h"

/* *out = a * b and 1, or 0 (and *out untouched) when the product would not fit in size_t. */
static inline int io_size_mul(size_t a, size_t b, size_t *out)
{
    if (b != 0 && a > SIZE_MAX / b)
        return 0;
    *out = a * b;
    return 1;
}

/* *out = the product of the n factors (1 when n is 0). When it would not fit in size_t, fails
 * with STENCIL_ERR_IO: "<what>: A x B x ... is too large to address on this machine (...)". */
stencil_status io_size_product(size_t *out, const size_t *factors, int n, const char *what,
                               stencil_error *err);

/* The cells and bytes of one nz x ny x nx field of elem-byte values (either pointer may be
 * NULL); fails as io_size_product. */
stencil_status io_size_field(size_t nz, size_t ny, size_t nx, size_t elem, size_t *cells,
                             size_t *bytes, const char *what, stencil_error *err);

#endif
