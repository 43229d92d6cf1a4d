/* The project's statistics: the median (the one every figure uses), min/max/quartiles, the
 * geometric mean, and the two-sided Mann-Whitney U test (Wilcoxon rank-sum) of the gate. */
#ifndef BENCH_STATS_H
#define BENCH_STATS_H

#include <stddef.h>

#include "variant.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The median of n values; the values are not modified. NaN when n is 0 or on allocation
 * failure. */
double bench_median(const double *v, size_t n);

/* A sample's summary: count, median, min, max and the quartiles (linear interpolation
 * between order statistics, as numpy's default). Every field NaN (n 0) for no values. */
typedef struct bench_stats {
    size_t n;
    double median, min, max, q1, q3;
} bench_stats;

/* Summarises the n values of v, sorting v in place. */
void bench_stats_of(double *v, size_t n, bench_stats *out);

/* exp(mean(log v)) over the n values > 0; NaN when there are none. */
double bench_geomean(const double *v, size_t n);

typedef struct bench_mwu {
    double u1;      /* U of the first sample: pairs (x, y) with x > y, ties counting 1/2 */
    double u2;      /* n1*n2 - u1 */
    double z;       /* normal approximation's z (continuity and tie corrected); 0 when exact */
    double p;       /* two-sided p-value */
    double p_min;   /* the smallest two-sided p these sample sizes can give (full separation) */
    int exact;      /* 1: exact distribution (no ties, small samples); 0: normal approximation */
    int ties;       /* 1 when some value occurs more than once in the pooled sample */
} bench_mwu;

/* Sample sizes up to which the exact null distribution is used (when there are no ties). */
enum { BENCH_MWU_EXACT_MAX = 50 };

/* Two-sided Mann-Whitney U test of x (n1 values) against y (n2 values). Exact distribution
 * when there are no ties and n1, n2 <= BENCH_MWU_EXACT_MAX; otherwise the normal
 * approximation with tie-corrected variance and a 0.5 continuity correction. Returns
 * STENCIL_ERR_ARG when a sample is empty or holds a NaN, STENCIL_ERR_NOMEM on allocation. */
stencil_status bench_mann_whitney(const double *x, size_t n1, const double *y, size_t n2,
                                  bench_mwu *out, stencil_error *err);

#ifdef __cplusplus
}
#endif

#endif
