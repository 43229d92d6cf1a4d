/* Validation of a variant's result against the naive reference on the same input.
 *
 * Tolerance, per cell, from float32 rounding. After `steps` Jacobi steps a cell's value
 * depends only on the input cells within `steps` face-steps of it, all inside the box of
 * half-width s = max(steps, 1) around the cell. Let M(i) be the largest finite |T| over that
 * box in the input and in the reference result (the reference catches growth in an unstable
 * setting: the course scheme with k > 1/6 beside land). One update rounds about ten times on
 * values no larger than the magnitudes it reads, so one step is off by at most a few eps*M(i)
 * (eps = FLT_EPSILON = 2^-23), and for stable settings (insulated, or course with k <= 1/6)
 * the update is an averaging that does not amplify differences, so they add up linearly:
 *     tolerance(i) = 16 * eps * M(i) * s.
 * A huge value therefore loosens the check only where it can reach within `steps` steps,
 * never across the whole field. Variants share one cell function and round identically
 * (CUDA with --fmad=false), so in practice the difference is 0; the box maxima are computed
 * only when some cell differs by a nonzero amount that the field-wide bound would excuse.
 * A cell passes when both are NaN, or both are finite and |a - b| <= tolerance(i) (an
 * infinity must match exactly). */
#ifndef BENCH_VALIDATE_H
#define BENCH_VALIDATE_H

#include <stddef.h>

typedef struct bench_validation {
    double max_abs_err; /* over cells finite in both */
    double tolerance;   /* the tolerance of the first bad cell; with none, the largest one
                           applied to a cell that differs (0 when the fields are equal) */
    size_t bad_cells;   /* cells outside tolerance or with mismatched NaN */
    size_t overflowed;  /* cells finite in the input that are NaN or infinite in ref: naive's
                           own field overflowed (values near FLT_MAX), so a sea cell may have
                           turned into land, which the variants that keep land fixed (every GPU
                           variant, openmp_counts, openmp_fused) do not follow */
    int ok;
    char first_bad[512]; /* "(z,y,x) ref=... got=... tol=..." for the first few bad cells */
} bench_validation;

/* The tolerance of each cell as above, written to tol (nz*ny*nx floats; +Inf where it
 * overflows float). Returns 0, or -1 when out of memory. */
int bench_tolerance_field(const float *input, const float *ref, size_t nz, size_t ny, size_t nx,
                          int steps, float *tol);

/* Fills result and returns result->ok. input is the field both ran from. When memory for the
 * per-cell tolerances cannot be had, every differing cell counts as bad (never a false pass). */
int bench_validate(const float *input, const float *ref, const float *got, size_t nz, size_t ny,
                   size_t nx, int steps, bench_validation *result);

#endif
