/* Validation of a variant's result against the naive reference on the same input.
 *
 * Tolerance, from float32 rounding: one update rounds about ten times on values no larger
 * than M = max |T| over the finite reference cells, so one step is off by at most a few
 * eps*M (eps = FLT_EPSILON = 2^-23); the update is an averaging that does not amplify
 * differences for stable k, so they add up at most linearly over steps:
 *     tolerance = 16 * eps * M * max(steps, 1).
 * Variants share one cell function and round identically, so in practice the error is 0.
 * A cell passes when both are NaN, or both are finite and |a - b| <= tolerance (an infinity
 * must match exactly). */
#ifndef BENCH_VALIDATE_H
#define BENCH_VALIDATE_H

#include <stddef.h>

typedef struct bench_validation {
    double max_abs_err; /* over cells finite in both */
    double tolerance;
    size_t bad_cells;   /* cells outside tolerance or with mismatched NaN */
    int ok;
    char first_bad[512]; /* "z,y,x: ref=... got=..." for the first few bad cells */
} bench_validation;

double bench_tolerance(const float *ref, size_t cells, int steps);

/* Fills result and returns result->ok. */
int bench_validate(const float *ref, const float *got, size_t nz, size_t ny, size_t nx,
                   int steps, bench_validation *result);

#endif
