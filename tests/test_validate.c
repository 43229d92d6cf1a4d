/* Validation: per-cell tolerance from float32 rounding, mismatches found and located, NaN rules,
 * and no blind spot beside a huge value (issue 18 item 12). */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "harness/measure.h"
#include "harness/validate.h"
#include "test_fields.h"

/* The tolerance of cell (z,y,x) by its definition: a scan of the box of half-width s. */
static double box_tolerance(const float *in, const float *ref, size_t nz, size_t ny, size_t nx,
                            size_t z, size_t y, size_t x, int steps)
{
    long s = steps > 1 ? steps : 1;
    double m = 0.0;
    for (long dz = -s; dz <= s; dz++)
        for (long dy = -s; dy <= s; dy++)
            for (long dx = -s; dx <= s; dx++) {
                long zz = (long)z + dz, yy = (long)y + dy, xx = (long)x + dx;
                if (zz < 0 || yy < 0 || xx < 0 || zz >= (long)nz || yy >= (long)ny || xx >= (long)nx)
                    continue;
                size_t i = ((size_t)zz * ny + (size_t)yy) * nx + (size_t)xx;
                double a = fabs(in[i]), b = fabs(ref[i]);
                if (isfinite(a) && a > m)
                    m = a;
                if (isfinite(b) && b > m)
                    m = b;
            }
    return (double)(float)(16.0 * FLT_EPSILON * m * (double)s);
}

static void check_field_against_scan(check_ctx *c)
{
    enum { NZ = 5, NY = 7, NX = 9, N = NZ * NY * NX };
    static float in[N], ref[N], tol[N];
    test_rng rng = {42};
    test_random_field(&rng, in, N, 0.2, 40.0);
    test_random_field(&rng, ref, N, 0.2, 40.0);
    in[17] = INFINITY;
    ref[100] = -1e6f;
    in[200] = 3e5f;
    const int steps_list[] = {0, 1, 2, 3, 6, 50};
    for (size_t k = 0; k < sizeof steps_list / sizeof *steps_list; k++) {
        int steps = steps_list[k];
        CHECK(c, bench_tolerance_field(in, ref, NZ, NY, NX, steps, tol) == 0, "out of memory");
        size_t wrong = 0;
        for (size_t i = 0; i < N; i++) {
            double want = box_tolerance(in, ref, NZ, NY, NX, i / (NY * NX), i / NX % NY, i % NX, steps);
            wrong += fabs(tol[i] - want) > 1e-6 * want;
        }
        CHECK(c, wrong == 0, "steps %d: %zu cells differ from the box scan", steps, wrong);
    }
}

/* One 1e30 cell in an ocean of 0..20 degC; the naive reference; errors planted in a copy. */
static void check_huge_value(check_ctx *c)
{
    enum { NZ = 10, NY = 10, NX = 16, N = NZ * NY * NX };
    static float in[N], ref[N], got[N];
    test_rng rng = {7};
    test_random_field(&rng, in, N, 0.1, 20.0);
    const size_t huge = (5 * NY + 5) * NX + 4; /* z=5, y=5, x=4 */
    in[huge] = 1e30f;
    const int steps = 2;
    stencil_problem p = {.nz = NZ, .ny = NY, .nx = NX, .k = 0.1f, .scheme = STENCIL_SCHEME_COURSE,
                         .threads = 1};
    stencil_error err;
    CHECK(c, bench_reference(&p, in, steps, ref, &err) == STENCIL_OK, "naive: %s", err.msg);
    bench_validation v;
    memcpy(got, ref, sizeof got);
    CHECK(c, bench_validate(in, ref, got, NZ, NY, NX, steps, &v) && v.tolerance == 0.0,
          "identical fields: ok %d tolerance %g", v.ok, v.tolerance);

    /* 12.9 degC off, 5 cells along x from the huge value: out of its reach in 2 steps. */
    size_t far = huge + 5;
    in[far] = isnan(in[far]) ? 10.0f : in[far];
    CHECK(c, bench_reference(&p, in, steps, ref, &err) == STENCIL_OK, "naive: %s", err.msg);
    memcpy(got, ref, sizeof got);
    got[far] = ref[far] + 12.9f;
    CHECK(c, !bench_validate(in, ref, got, NZ, NY, NX, steps, &v), "a 12.9 degC error beside "
          "a 1e30 cell passed (tolerance %g)", v.tolerance);
    CHECK(c, v.bad_cells == 1 && strstr(v.first_bad, "(z=5,y=5,x=9)") != NULL, "%zu bad: %s",
          v.bad_cells, v.first_bad);
    CHECK(c, v.tolerance < 1e-3, "tolerance %g at a cell of about 20 degC", v.tolerance);

    /* Beside the huge value rounding is legitimately large: a relative 4 eps passes there. */
    memcpy(got, ref, sizeof got);
    size_t near = huge + 1;
    got[near] = ref[near] * (1.0f + 4 * FLT_EPSILON);
    CHECK(c, got[near] != ref[near] && fabs(ref[near]) > 1e20, "near cell %g", (double)ref[near]);
    CHECK(c, bench_validate(in, ref, got, NZ, NY, NX, steps, &v), "rounding beside the huge "
          "value failed: %s", v.first_bad);
}

int main(void)
{
    check_ctx c = {0, 0};
    enum { NZ = 4, NY = 5, NX = 6, N = NZ * NY * NX };
    float ref[N], got[N];
    for (int i = 0; i < N; i++)
        ref[i] = got[i] = (i % 7 == 0) ? NAN : 0.25f * (float)i - 3.0f;
    const float *in = ref;
    bench_validation v;
    CHECK(&c, bench_validate(in, ref, got, NZ, NY, NX, 10, &v) && v.bad_cells == 0, "identical fields fail");
    double max_abs = 0.0;
    for (int j = 0; j < N; j++)
        if (!isnan(ref[j]) && fabs(ref[j]) > max_abs)
            max_abs = fabs(ref[j]);

    /* Within tolerance passes and reports the error; beyond fails with the cell's place.
     * 10 steps reach the whole 4x5x6 box, so every cell's tolerance uses its largest value. */
    double whole = 16.0 * FLT_EPSILON * max_abs * 10;
    got[1] = ref[1] + (float)(whole / 2);
    CHECK(&c, bench_validate(in, ref, got, NZ, NY, NX, 10, &v), "half-tolerance error rejected");
    CHECK(&c, fabs(v.tolerance - whole) < 1e-6 * whole, "tolerance %g, want %g", v.tolerance, whole);
    CHECK(&c, v.max_abs_err > 0.0, "error not reported");
    size_t i = (2 * NY + 3) * NX + 4; /* z=2, y=3, x=4 */
    got[i] = ref[i] + 1.0f;
    CHECK(&c, !bench_validate(in, ref, got, NZ, NY, NX, 10, &v), "a 1 degC error passed");
    CHECK(&c, v.bad_cells == 1, "bad cells %zu", v.bad_cells);
    CHECK(&c, strstr(v.first_bad, "(z=2,y=3,x=4)") != NULL, "location missing: %s", v.first_bad);

    /* NaN must match NaN both ways; an infinity must match exactly. */
    memcpy(got, ref, sizeof got);
    got[7] = 1.0f; /* ref[7] is NaN */
    CHECK(&c, !bench_validate(in, ref, got, NZ, NY, NX, 1, &v), "NaN replaced by a value passed");
    memcpy(got, ref, sizeof got);
    got[8] = NAN;
    CHECK(&c, !bench_validate(in, ref, got, NZ, NY, NX, 1, &v), "a value replaced by NaN passed");
    memcpy(got, ref, sizeof got);
    ref[9] = got[9] = INFINITY;
    CHECK(&c, bench_validate(in, ref, got, NZ, NY, NX, 1, &v), "matching infinities failed");
    got[9] = -INFINITY;
    CHECK(&c, !bench_validate(in, ref, got, NZ, NY, NX, 1, &v), "mismatched infinities passed");

    /* overflowed: sea cells of the input that are inf or NaN in naive's field; land cells that
     * stay NaN are not counted */
    memcpy(got, ref, sizeof got);
    CHECK(&c, bench_validate(in, ref, got, NZ, NY, NX, 1, &v) && v.overflowed == 0,
          "an infinity already in the input counted as overflowed: %zu", v.overflowed);
    float in2[N];
    memcpy(in2, ref, sizeof in2);
    in2[9] = 2.0f;
    in2[8] = 1.0f;
    ref[8] = got[8] = NAN; /* a sea cell naive turned into NaN */
    CHECK(&c, bench_validate(in2, ref, got, NZ, NY, NX, 1, &v) && v.overflowed == 2,
          "inf and NaN from sea cells: overflowed %zu", v.overflowed);
    memcpy(in2, ref, sizeof in2);
    CHECK(&c, bench_validate(in2, ref, got, NZ, NY, NX, 1, &v) && v.overflowed == 0,
          "NaN land or an input infinity counted as overflowed: %zu", v.overflowed);

    check_field_against_scan(&c);
    check_huge_value(&c);
    return check_finish(&c, "test_validate");
}
