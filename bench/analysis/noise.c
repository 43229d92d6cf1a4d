#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/noise.h"
#include "analysis/stats.h"

void bench_noise_of(const double *x, size_t n, bench_noise *out)
{
    out->n = n;
    out->median = out->cv = NAN;
    out->ci_rel = INFINITY;
    if (n == 0)
        return;
    double *v = malloc(n * sizeof *v);
    if (!v)
        return;
    memcpy(v, x, n * sizeof *v);
    bench_stats s;
    bench_stats_of(v, n, &s);
    double mean = 0, ss = 0;
    for (size_t i = 0; i < n; i++)
        mean += v[i];
    mean /= (double)n;
    for (size_t i = 0; i < n; i++)
        ss += (v[i] - mean) * (v[i] - mean);
    free(v);
    out->median = s.median;
    if (n >= 2 && mean != 0)
        out->cv = sqrt(ss / (double)(n - 1)) / fabs(mean);
    if (n >= 3 && s.median > 0) {
        double sigma = (s.q3 - s.q1) / 1.349;
        out->ci_rel = 1.96 * 1.2533 * sigma / sqrt((double)n) / s.median;
    }
}

bench_stop bench_stop_decide(const bench_stop_rule *rule, const double *x, size_t n,
                             double elapsed_s, bench_noise *noise)
{
    bench_noise local;
    bench_noise *nz = noise ? noise : &local;
    bench_noise_of(x, n, nz);
    if ((int)n < rule->min_reps)
        return BENCH_GO_ON;
    if (rule->target <= 0 || nz->ci_rel <= rule->target)
        return BENCH_STOP_SETTLED;
    if ((int)n >= rule->max_reps)
        return BENCH_STOP_MAX_REPS;
    if (rule->max_s > 0 && elapsed_s >= rule->max_s)
        return BENCH_STOP_TIME;
    return BENCH_GO_ON;
}
