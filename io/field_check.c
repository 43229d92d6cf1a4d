#include <math.h>
#include <stdio.h>

#include "field_check.h"

stencil_status io_field_check(const float *f, size_t nz, size_t ny, size_t nx, stencil_error *err)
{
    const size_t cells = nz * ny * nx;
    size_t bad = 0, first = 0;
    for (size_t i = 0; i < cells; i++)
        if (!isnan(f[i]) && !(fabsf(f[i]) <= IO_FIELD_MAX_ABS) && bad++ == 0)
            first = i;
    if (bad == 0)
        return STENCIL_OK;
    const size_t z = first / (ny * nx), y = first / nx % ny, x = first % nx;
    const float v = f[first];
    char others[64] = "";
    if (bad > 1)
        snprintf(others, sizeof others, " (and %zu more cell%s)", bad - 1, bad > 2 ? "s" : "");
    if (isinf(v))
        return stencil_fail(err, STENCIL_ERR_IO, "cell (z=%zu, y=%zu, x=%zu) holds %s%s; the model "
                            "needs finite values (NaN marks land): make such cells fill values or "
                            "fix them", z, y, x, v > 0 ? "+Inf" : "-Inf", others);
    return stencil_fail(err, STENCIL_ERR_IO, "cell (z=%zu, y=%zu, x=%zu) holds %.9g%s, beyond "
                        "+-%.3g where one update overflows float32; fix or mask such cells", z, y,
                        x, (double)v, others, (double)IO_FIELD_MAX_ABS);
}
