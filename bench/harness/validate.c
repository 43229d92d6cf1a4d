#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "harness/validate.h"

double bench_tolerance(const float *ref, size_t cells, int steps)
{
    double m = 0.0;
    for (size_t i = 0; i < cells; i++) {
        double a = fabs((double)ref[i]);
        if (isfinite(a) && a > m)
            m = a;
    }
    return 16.0 * FLT_EPSILON * m * (steps > 1 ? steps : 1);
}

int bench_validate(const float *ref, const float *got, size_t nz, size_t ny, size_t nx,
                   int steps, bench_validation *r)
{
    const size_t cells = nz * ny * nx;
    memset(r, 0, sizeof *r);
    r->tolerance = bench_tolerance(ref, cells, steps);
    size_t used = 0;
    for (size_t i = 0; i < cells; i++) {
        float a = ref[i], b = got[i];
        int bad;
        if (isnan(a) || isnan(b)) {
            bad = isnan(a) != isnan(b);
        } else if (isinf(a) || isinf(b)) {
            bad = a != b;
        } else {
            double d = fabs((double)a - (double)b);
            if (d > r->max_abs_err)
                r->max_abs_err = d;
            bad = d > r->tolerance;
        }
        if (!bad)
            continue;
        if (r->bad_cells < 5 && used < sizeof r->first_bad) {
            size_t z = i / (ny * nx), y = i / nx % ny, x = i % nx;
            int n = snprintf(r->first_bad + used, sizeof r->first_bad - used,
                             "%s(z=%zu,y=%zu,x=%zu) ref=%.9g got=%.9g", used ? "; " : "", z, y,
                             x, (double)a, (double)b);
            if (n > 0)
                used += (size_t)n;
        }
        r->bad_cells++;
    }
    r->ok = r->bad_cells == 0;
    return r->ok;
}
