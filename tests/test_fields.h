/* Random test fields shared by the variant tests: a small deterministic generator (state in
 * the caller's test_rng), NaN land at a chosen fraction, and the outer-face test. */
#ifndef TEST_FIELDS_H
#define TEST_FIELDS_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

typedef struct test_rng {
    uint64_t state;
} test_rng;

static inline double test_rng_unit(test_rng *r)
{
    r->state = r->state * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(r->state >> 11) * (1.0 / 9007199254740992.0);
}

/* A fraction `land` of cells NaN, the rest uniform in [-2, -2 + span) degC. */
static inline void test_random_field(test_rng *r, float *f, size_t cells, double land, double span)
{
    for (size_t i = 0; i < cells; i++)
        f[i] = test_rng_unit(r) < land ? NAN : (float)(-2.0 + span * test_rng_unit(r));
}

static inline int test_is_face(size_t i, size_t nz, size_t ny, size_t nx)
{
    size_t z = i / (ny * nx), y = i / nx % ny, x = i % nx;
    return z == 0 || y == 0 || x == 0 || z == nz - 1 || y == ny - 1 || x == nx - 1;
}

#endif
