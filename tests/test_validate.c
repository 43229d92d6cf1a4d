/* Validation: tolerance from float32 rounding, mismatches found and located, NaN rules. */
#include <float.h>
#include <math.h>
#include <string.h>

#include "check.h"
#include "harness/validate.h"

int main(void)
{
    check_ctx c = {0, 0};
    enum { NZ = 4, NY = 5, NX = 6, N = NZ * NY * NX };
    float ref[N], got[N];
    for (int i = 0; i < N; i++)
        ref[i] = got[i] = (i % 7 == 0) ? NAN : 0.25f * (float)i - 3.0f;
    bench_validation v;
    CHECK(&c, bench_validate(ref, got, NZ, NY, NX, 10, &v) && v.bad_cells == 0, "identical fields fail");
    double max_abs = 0.0;
    for (int j = 0; j < N; j++)
        if (!isnan(ref[j]) && fabs(ref[j]) > max_abs)
            max_abs = fabs(ref[j]);
    CHECK(&c, fabs(v.tolerance - 16.0 * FLT_EPSILON * max_abs * 10) < 1e-12, "tolerance %g", v.tolerance);

    /* Within tolerance passes and reports the error; beyond fails with the cell's place. */
    got[1] = ref[1] + (float)(v.tolerance / 2);
    CHECK(&c, bench_validate(ref, got, NZ, NY, NX, 10, &v), "half-tolerance error rejected");
    CHECK(&c, v.max_abs_err > 0.0, "error not reported");
    size_t i = (2 * NY + 3) * NX + 4; /* z=2, y=3, x=4 */
    got[i] = ref[i] + 1.0f;
    CHECK(&c, !bench_validate(ref, got, NZ, NY, NX, 10, &v), "a 1 degC error passed");
    CHECK(&c, v.bad_cells == 1, "bad cells %zu", v.bad_cells);
    CHECK(&c, strstr(v.first_bad, "(z=2,y=3,x=4)") != NULL, "location missing: %s", v.first_bad);

    /* NaN must match NaN both ways; an infinity must match exactly. */
    memcpy(got, ref, sizeof got);
    got[7] = 1.0f; /* ref[7] is NaN */
    CHECK(&c, !bench_validate(ref, got, NZ, NY, NX, 1, &v), "NaN replaced by a value passed");
    memcpy(got, ref, sizeof got);
    got[8] = NAN;
    CHECK(&c, !bench_validate(ref, got, NZ, NY, NX, 1, &v), "a value replaced by NaN passed");
    memcpy(got, ref, sizeof got);
    ref[9] = got[9] = INFINITY;
    CHECK(&c, bench_validate(ref, got, NZ, NY, NX, 1, &v), "matching infinities failed");
    got[9] = -INFINITY;
    CHECK(&c, !bench_validate(ref, got, NZ, NY, NX, 1, &v), "mismatched infinities passed");
    return check_finish(&c, "test_validate");
}
