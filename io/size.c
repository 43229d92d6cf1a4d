#include <stdio.h>

#include "size.h"

stencil_status io_size_product(size_t *out, const size_t *factors, int n, const char *what,
                               stencil_error *err)
{
    size_t p = 1;
    for (int i = 0; i < n; i++) {
        if (!io_size_mul(p, factors[i], &p)) {
            char dims[256];
            size_t used = 0;
            dims[0] = '\0';
            for (int k = 0; k < n && used < sizeof dims; k++) {
                int w = snprintf(dims + used, sizeof dims - used, "%s%zu", k ? " x " : "", factors[k]);
                used += w > 0 ? (size_t)w : 0;
            }
            return stencil_fail(err, STENCIL_ERR_IO, "%s: %s is too large to address on this "
                                "machine (the dimensions are damaged or not meant for this "
                                "program)", what, dims);
        }
    }
    *out = p;
    return STENCIL_OK;
}

stencil_status io_size_field(size_t nz, size_t ny, size_t nx, size_t elem, size_t *cells,
                             size_t *bytes, const char *what, stencil_error *err)
{
    const size_t f[4] = {nz, ny, nx, elem};
    size_t c = 0, b = 0;
    stencil_status st = io_size_product(&c, f, 3, what, err);
    if (st == STENCIL_OK)
        st = io_size_product(&b, f, 4, what, err);
    if (st != STENCIL_OK)
        return st;
    if (cells)
        *cells = c;
    if (bytes)
        *bytes = b;
    return STENCIL_OK;
}
