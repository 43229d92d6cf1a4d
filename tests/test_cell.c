/* Hand-computed cells for both schemes, NaN and outer-face cells, k limits, one and many
 * steps, and the naive variant against an independent double-precision model. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "harness/measure.h"
#include "stencil_cell.h"
#include "variant.h"

/* Runs naive for steps on a copy of in. */
static stencil_status naive_steps(size_t nz, size_t ny, size_t nx, float k, stencil_scheme scheme,
                                  const float *in, int steps, float *out)
{
    stencil_problem p = {.nz = nz, .ny = ny, .nx = nx, .k = k, .scheme = scheme, .threads = 1};
    stencil_error err;
    stencil_status st = bench_reference(&p, in, steps, out, &err);
    if (st != STENCIL_OK)
        fprintf(stderr, "naive failed: %s\n", err.msg);
    return st;
}

static void test_neighbour_counts(check_ctx *c)
{
    /* 3x3x3: only the centre (1,1,1) is interior. Land the neighbours one by one. */
    const size_t centre = 13;
    const size_t nb[6] = {4, 22, 10, 16, 12, 14}; /* z-, z+, y-, y+, x-, x+ */
    const float k = 0.1f;
    for (int land = 0; land <= 6; land++) {
        float in[27], out[27];
        for (int i = 0; i < 27; i++)
            in[i] = 1.0f + 0.5f * (float)i;
        in[centre] = 10.0f;
        for (int j = 0; j < land; j++)
            in[nb[j]] = NAN;
        double s = 0.0;
        int n = 0;
        for (int j = land; j < 6; j++) {
            s += in[nb[j]];
            n++;
        }
        double m = n > 1 ? n : 1;
        double course = 10.0 + 0.1 * (s - 6.0 * 10.0) / m;
        double insulated = 10.0 + 0.1 * (s - n * 10.0) / m;
        CHECK(c, naive_steps(3, 3, 3, k, STENCIL_SCHEME_COURSE, in, 1, out) == STENCIL_OK, "run");
        CHECK(c, fabs(out[centre] - course) < 1e-5, "course, %d valid neighbours: got %.9g want %.9g",
              n, (double)out[centre], course);
        for (int i = 0; i < 27; i++)
            if (i != (int)centre)
                CHECK(c, memcmp(&out[i], &in[i], sizeof(float)) == 0, "cell %d changed", i);
        CHECK(c, naive_steps(3, 3, 3, k, STENCIL_SCHEME_INSULATED, in, 1, out) == STENCIL_OK, "run");
        CHECK(c, fabs(out[centre] - insulated) < 1e-5,
              "insulated, %d valid neighbours: got %.9g want %.9g", n, (double)out[centre], insulated);
    }
    /* Worked by hand: neighbours 1,2,3,4,5,6 around 10, k = 0.1.
     * course: 10 + 0.1 * (21 - 60) / 6 = 9.35; with z- and z+ land (s = 18, n = 4):
     * course 10 + 0.1 * (18 - 60) / 4 = 8.95, insulated 10 + 0.1 * (18 - 40) / 4 = 9.45;
     * all six land: course 10 + 0.1 * (0 - 60) / 1 = 4, insulated stays 10. */
    float in[27];
    for (int i = 0; i < 27; i++)
        in[i] = 0.0f;
    in[centre] = 10.0f;
    for (int j = 0; j < 6; j++)
        in[nb[j]] = (float)(j + 1);
    float out[27];
    naive_steps(3, 3, 3, 0.1f, STENCIL_SCHEME_COURSE, in, 1, out);
    CHECK(c, fabsf(out[centre] - 9.35f) < 1e-6f, "hand value 9.35, got %.9g", (double)out[centre]);
    in[nb[0]] = in[nb[1]] = NAN;
    naive_steps(3, 3, 3, 0.1f, STENCIL_SCHEME_COURSE, in, 1, out);
    CHECK(c, fabsf(out[centre] - 8.95f) < 1e-6f, "hand value 8.95, got %.9g", (double)out[centre]);
    naive_steps(3, 3, 3, 0.1f, STENCIL_SCHEME_INSULATED, in, 1, out);
    CHECK(c, fabsf(out[centre] - 9.45f) < 1e-6f, "hand value 9.45, got %.9g", (double)out[centre]);
    for (int j = 0; j < 6; j++)
        in[nb[j]] = NAN;
    naive_steps(3, 3, 3, 0.1f, STENCIL_SCHEME_COURSE, in, 1, out);
    CHECK(c, fabsf(out[centre] - 4.0f) < 1e-6f, "hand value 4, got %.9g", (double)out[centre]);
    naive_steps(3, 3, 3, 0.1f, STENCIL_SCHEME_INSULATED, in, 1, out);
    CHECK(c, out[centre] == 10.0f, "isolated insulated cell keeps 10, got %.9g", (double)out[centre]);
    /* A NaN cell stays NaN whatever its neighbours. */
    in[centre] = NAN;
    naive_steps(3, 3, 3, 0.1f, STENCIL_SCHEME_COURSE, in, 5, out);
    CHECK(c, isnan(out[centre]), "NaN cell became %g", (double)out[centre]);
    CHECK(c, isnan(stencil_cell(NAN, 1, 2, 3, 4, 5, 6, 0.5f, 0)), "stencil_cell(NaN) not NaN");
    CHECK(c, isnan(stencil_cell(NAN, 1, 2, 3, 4, 5, 6, 0.5f, 1)), "stencil_cell(NaN) not NaN");
}

static void test_k_limits(check_ctx *c)
{
    stencil_problem p = {.nz = 3, .ny = 3, .nx = 3, .k = 0.1f, .threads = 1};
    stencil_error err;
    const float bad[] = {0.0f, -0.1f, 1.0001f, NAN, INFINITY, -INFINITY};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        p.k = bad[i];
        CHECK(c, stencil_problem_check(&p, &err) == STENCIL_ERR_ARG, "k=%g accepted", (double)bad[i]);
        CHECK(c, strstr(err.msg, "0 < k <= 1") != NULL, "message: %s", err.msg);
    }
    const float good[] = {1.0f, 1e-6f, 0.5f};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        p.k = good[i];
        CHECK(c, stencil_problem_check(&p, &err) == STENCIL_OK, "k=%g rejected", (double)good[i]);
    }
    /* k = 1, insulated, six valid neighbours: the cell becomes their mean. */
    float in[27];
    for (int i = 0; i < 27; i++)
        in[i] = (float)i;
    float out[27];
    naive_steps(3, 3, 3, 1.0f, STENCIL_SCHEME_INSULATED, in, 1, out);
    double mean = (4 + 22 + 10 + 16 + 12 + 14) / 6.0;
    CHECK(c, fabs(out[13] - mean) < 1e-5, "k=1 gives the neighbour mean: %.9g vs %.9g",
          (double)out[13], mean);
}

/* The model in double precision, written independently of stencil_cell. */
static void model_double(size_t nz, size_t ny, size_t nx, double k, int insulated, double *t,
                         int steps)
{
    size_t cells = nz * ny * nx;
    double *next = malloc(cells * sizeof *next);
    if (!next)
        return;
    for (int s = 0; s < steps; s++) {
        memcpy(next, t, cells * sizeof *t);
        for (size_t z = 1; z + 1 < nz; z++)
            for (size_t y = 1; y + 1 < ny; y++)
                for (size_t x = 1; x + 1 < nx; x++) {
                    size_t i = (z * ny + y) * nx + x;
                    if (isnan(t[i]))
                        continue;
                    size_t nbr[6] = {i - nx * ny, i + nx * ny, i - nx, i + nx, i - 1, i + 1};
                    double sum = 0.0;
                    int n = 0;
                    for (int j = 0; j < 6; j++)
                        if (!isnan(t[nbr[j]])) {
                            sum += t[nbr[j]];
                            n++;
                        }
                    double centre = insulated ? n * t[i] : 6.0 * t[i];
                    next[i] = t[i] + k * (sum - centre) / (n > 1 ? n : 1);
                }
        memcpy(t, next, cells * sizeof *t);
    }
    free(next);
}

static void test_against_double_model(check_ctx *c)
{
    const size_t nz = 9, ny = 11, nx = 13, cells = nz * ny * nx;
    float *in = malloc(cells * sizeof *in), *out = malloc(cells * sizeof *out);
    double *ref = malloc(cells * sizeof *ref);
    if (!in || !out || !ref) {
        CHECK(c, 0, "out of memory");
        return;
    }
    srand(7);
    for (int scheme = 0; scheme < 2; scheme++)
        for (int steps = 1; steps <= 50; steps += 49) {
            for (size_t i = 0; i < cells; i++) {
                in[i] = rand() % 3 == 0 ? NAN : (float)(rand() % 2000) / 100.0f - 2.0f;
                ref[i] = in[i];
            }
            naive_steps(nz, ny, nx, 0.1f, (stencil_scheme)scheme, in, steps, out);
            model_double(nz, ny, nx, (double)0.1f, scheme, ref, steps);
            double worst = 0.0;
            int nan_mismatch = 0;
            for (size_t i = 0; i < cells; i++) {
                if (isnan(ref[i]) || isnan(out[i])) {
                    nan_mismatch += isnan(ref[i]) != isnan(out[i]);
                    continue;
                }
                double d = fabs(out[i] - ref[i]);
                worst = d > worst ? d : worst;
            }
            CHECK(c, nan_mismatch == 0, "%d NaN mismatches", nan_mismatch);
            CHECK(c, worst < 1e-4, "scheme %d, %d steps: float vs double model differ by %g",
                  scheme, steps, worst);
        }
    /* Many steps with constant faces: the lone centre of a 3x3x3 box converges to the
     * fixed point of c' = c + k (s - 6c) / 6, i.e. c = s / 6. */
    float box[27], res[27];
    for (int i = 0; i < 27; i++)
        box[i] = 6.0f;
    box[13] = 100.0f;
    naive_steps(3, 3, 3, 0.5f, STENCIL_SCHEME_COURSE, box, 200, res);
    CHECK(c, fabsf(res[13] - 6.0f) < 1e-4f, "200 steps: centre %.9g, want 6", (double)res[13]);
    free(in);
    free(out);
    free(ref);
}

int main(void)
{
    check_ctx c = {0, 0};
    test_neighbour_counts(&c);
    test_k_limits(&c);
    test_against_double_model(&c);
    return check_finish(&c, "test_cell");
}
