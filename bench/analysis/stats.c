#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>

#include "analysis/stats.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The q-quantile of n sorted values (n >= 1). */
static double quantile(const double *s, size_t n, double q)
{
    double at = q * (double)(n - 1);
    size_t lo = (size_t)at;
    return lo + 1 < n ? s[lo] + (at - (double)lo) * (s[lo + 1] - s[lo]) : s[n - 1];
}

void bench_stats_of(double *v, size_t n, bench_stats *out)
{
    out->n = n;
    if (n == 0) {
        out->median = out->min = out->max = out->q1 = out->q3 = NAN;
        return;
    }
    qsort(v, n, sizeof *v, cmp_double);
    out->median = n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
    out->min = v[0];
    out->max = v[n - 1];
    out->q1 = quantile(v, n, 0.25);
    out->q3 = quantile(v, n, 0.75);
}

double bench_median(const double *v, size_t n)
{
    if (n == 0)
        return NAN;
    double *s = malloc(n * sizeof *s);
    if (!s)
        return NAN;
    memcpy(s, v, n * sizeof *s);
    bench_stats st;
    bench_stats_of(s, n, &st);
    free(s);
    return st.median;
}

double bench_geomean(const double *v, size_t n)
{
    double sum = 0.0;
    size_t used = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i] > 0.0 && isfinite(v[i])) {
            sum += log(v[i]);
            used++;
        }
    return used ? exp(sum / (double)used) : NAN;
}

/* The null distribution of U for sample sizes m, n without ties: the coefficients of the
 * Gaussian binomial [m+n choose m](q) = prod_{i=1..m} (1 - q^(n+i)) / (1 - q^i). c has
 * m*n+1 entries; c[u] is the number of arrangements with U = u. */
static void mwu_counts(size_t m, size_t n, double *c)
{
    size_t deg = m * n;
    memset(c, 0, (deg + 1) * sizeof *c);
    c[0] = 1.0;
    for (size_t i = 1; i <= m; i++) {
        for (size_t k = deg; k >= n + i; k--) /* times (1 - q^(n+i)) */
            c[k] -= c[k - (n + i)];
        for (size_t k = i; k <= deg; k++)     /* divided by (1 - q^i), exact */
            c[k] += c[k - i];
    }
}

typedef struct ranked {
    double v;
    int first;
} ranked;

static int cmp_ranked(const void *a, const void *b)
{
    return cmp_double(&((const ranked *)a)->v, &((const ranked *)b)->v);
}

static double normal_two_sided(double u, double mu, double var)
{
    if (var <= 0.0)
        return 1.0;
    double z = (fabs(u - mu) - 0.5) / sqrt(var);
    if (z < 0.0)
        z = 0.0;
    return fmin(1.0, erfc(z / sqrt(2.0)));
}

stencil_status bench_mann_whitney(const double *x, size_t n1, const double *y, size_t n2,
                                  bench_mwu *out, stencil_error *err)
{
    memset(out, 0, sizeof *out);
    if (n1 == 0 || n2 == 0) {
        snprintf(err->msg, sizeof err->msg, "Mann-Whitney U: a sample is empty (%zu and %zu values)", n1, n2);
        return STENCIL_ERR_ARG;
    }
    size_t n = n1 + n2;
    ranked *r = malloc(n * sizeof *r);
    if (!r) {
        snprintf(err->msg, sizeof err->msg, "Mann-Whitney U: out of memory for %zu values", n);
        return STENCIL_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        r[i].v = i < n1 ? x[i] : y[i - n1];
        r[i].first = i < n1;
        if (isnan(r[i].v)) {
            free(r);
            snprintf(err->msg, sizeof err->msg, "Mann-Whitney U: sample value %zu is NaN", i);
            return STENCIL_ERR_ARG;
        }
    }
    qsort(r, n, sizeof *r, cmp_ranked);
    double rank_sum1 = 0.0, tie_term = 0.0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j + 1 < n && r[j + 1].v == r[i].v)
            j++;
        double t = (double)(j - i + 1), avg = 0.5 * (double)(i + j) + 1.0;
        for (size_t k = i; k <= j; k++)
            if (r[k].first)
                rank_sum1 += avg;
        tie_term += t * t * t - t;
        i = j + 1;
    }
    free(r);
    double dn1 = (double)n1, dn2 = (double)n2, dn = (double)n;
    out->u1 = rank_sum1 - dn1 * (dn1 + 1.0) / 2.0;
    out->u2 = dn1 * dn2 - out->u1;
    out->ties = tie_term > 0.0;
    double mu = dn1 * dn2 / 2.0;
    double var_plain = dn1 * dn2 * (dn + 1.0) / 12.0;

    if (!out->ties && n1 <= BENCH_MWU_EXACT_MAX && n2 <= BENCH_MWU_EXACT_MAX) {
        size_t deg = n1 * n2;
        double *c = malloc((deg + 1) * sizeof *c);
        if (!c) {
            snprintf(err->msg, sizeof err->msg, "Mann-Whitney U: out of memory");
            return STENCIL_ERR_NOMEM;
        }
        mwu_counts(n1, n2, c);
        double total = 0.0, lo = 0.0, hi = 0.0;
        size_t u = (size_t)llround(out->u1);
        for (size_t k = 0; k <= deg; k++) {
            total += c[k];
            if (k <= u)
                lo += c[k];
            if (k >= u)
                hi += c[k];
        }
        out->exact = 1;
        out->p = fmin(1.0, 2.0 * fmin(lo, hi) / total);
        out->p_min = fmin(1.0, 2.0 * c[0] / total);
        free(c);
    } else {
        double var = dn1 * dn2 / 12.0 * ((dn + 1.0) - tie_term / (dn * (dn - 1.0)));
        out->exact = 0;
        out->z = var > 0.0 ? (fabs(out->u1 - mu) - 0.5) / sqrt(var) : 0.0;
        if (out->z < 0.0)
            out->z = 0.0;
        out->p = normal_two_sided(out->u1, mu, var);
        out->p_min = normal_two_sided(0.0, mu, var_plain);
    }
    return STENCIL_OK;
}
