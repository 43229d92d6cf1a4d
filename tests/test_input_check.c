/* Non-finite and overflowing input values (issue 18 item 13): io_field_check refuses +-Inf and
 * magnitudes beyond IO_FIELD_MAX_ABS, naming the cell; on every field it accepts, every variant
 * that can run here computes naive's result bit for bit (NaN where naive has NaN), in the
 * stable settings (insulated, or course with k <= 1/6). Without the refusal, random fields with
 * a few huge cells make openmp_counts and openmp_fused differ from naive. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "field_check.h"
#include "harness/measure.h"
#include "test_fields.h"

static void unit_checks(check_ctx *c)
{
    enum { NZ = 3, NY = 4, NX = 5, N = NZ * NY * NX };
    float f[N];
    stencil_error err;
    for (int i = 0; i < N; i++)
        f[i] = i % 4 == 0 ? NAN : 10.0f;
    f[7] = IO_FIELD_MAX_ABS;
    f[8] = -IO_FIELD_MAX_ABS;
    CHECK(c, io_field_check(f, NZ, NY, NX, &err) == STENCIL_OK, "accepted field refused: %s", err.msg);
    f[(2 * NY + 1) * NX + 3] = -INFINITY; /* z=2, y=1, x=3 */
    f[N - 1] = INFINITY;
    CHECK(c, io_field_check(f, NZ, NY, NX, &err) == STENCIL_ERR_IO, "Inf accepted");
    CHECK(c, strstr(err.msg, "cell (z=2, y=1, x=3) holds -Inf (and 1 more cell)") != NULL, "%s", err.msg);
    f[(2 * NY + 1) * NX + 3] = f[N - 1] = 10.0f;
    f[9] = nextafterf(IO_FIELD_MAX_ABS, INFINITY);
    CHECK(c, io_field_check(f, NZ, NY, NX, &err) == STENCIL_ERR_IO, "%g accepted", (double)f[9]);
    CHECK(c, strstr(err.msg, "cell (z=0, y=1, x=4) holds 2.1") != NULL, "%s", err.msg);
}

static int same(const float *a, const float *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (isnan(a[i]) ? !isnan(b[i]) : memcmp(&a[i], &b[i], sizeof(float)) != 0)
            return 0;
    return 1;
}

int main(void)
{
    check_ctx c = {0, 0};
    unit_checks(&c);
    enum { NZ = 6, NY = 6, NX = 10, N = NZ * NY * NX };
    static float in[N], ref[N], out[N];
    const float big[] = {INFINITY, FLT_MAX, 3e38f, nextafterf(IO_FIELD_MAX_ABS, INFINITY),
                         IO_FIELD_MAX_ABS, 1e37f, 1e30f};
    const struct { stencil_scheme scheme; float k; } settings[] = {
        {STENCIL_SCHEME_COURSE, 0.1f}, {STENCIL_SCHEME_COURSE, 1.0f / 6}, {STENCIL_SCHEME_INSULATED, 1.0f}};
    test_rng rng = {0x9e3779b97f4a7c15ull};
    int accepted = 0, refused = 0;
    for (int trial = 0; trial < 300; trial++) {
        test_random_field(&rng, in, N, 0.1, 30.0);
        int cells = 1 + (int)(3 * test_rng_unit(&rng));
        float b = big[trial % (sizeof big / sizeof *big)];
        for (int j = 0; j < cells; j++)
            in[(size_t)(test_rng_unit(&rng) * N)] = test_rng_unit(&rng) < 0.5 ? b : -b;
        stencil_error err;
        if (io_field_check(in, NZ, NY, NX, &err) != STENCIL_OK) {
            refused++;
            CHECK(&c, strstr(err.msg, "cell (z=") != NULL, "%s", err.msg);
            continue;
        }
        accepted++;
        const int s = trial % 3, steps = 1 + trial % 5;
        stencil_problem p = {.nz = NZ, .ny = NY, .nx = NX, .k = settings[s].k,
                             .scheme = settings[s].scheme, .threads = 2};
        CHECK(&c, bench_reference(&p, in, steps, ref, &err) == STENCIL_OK, "naive: %s", err.msg);
        for (size_t vi = 0; vi < stencil_variant_count(); vi++) {
            const stencil_variant *v = stencil_variant_at(vi);
            char why[256];
            if (!v->available(why, sizeof why))
                continue;
            bench_rep rep;
            memset(out, 0, sizeof out);
            CHECK(&c, bench_measure(v, &p, in, steps, 0, 1, &rep, out, &err) == STENCIL_OK, "%s: %s",
                  v->name, err.msg);
            CHECK(&c, same(out, ref, N), "trial %d: %s differs from naive (values +-%g, %s k=%g, "
                  "%d steps)", trial, v->name, (double)b, stencil_scheme_name(p.scheme), (double)p.k,
                  steps);
        }
    }
    CHECK(&c, accepted > 50 && refused > 50, "accepted %d, refused %d", accepted, refused);
    return check_finish(&c, "test_input_check");
}
