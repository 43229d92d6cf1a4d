/* The regression gate: the verdict on one point, base against new, from their repetitions'
 * rates (a Mann-Whitney U test beside a minimum effect). */
#ifndef BENCH_GATE_H
#define BENCH_GATE_H

#include <stddef.h>

#include "analysis/stats.h"
#include "timings/timings.h"

typedef enum bench_verdict {
    BENCH_SAME = 0,
    BENCH_FASTER = 1,
    BENCH_SLOWER = 2,
    BENCH_UNSURE = 3,
    BENCH_NOISY = 4 /* a side's median is too uncertain to judge: never FASTER or SLOWER */
} bench_verdict;

const char *bench_verdict_name(bench_verdict v);

typedef struct bench_gate_options {
    double threshold;  /* minimum effect, as a fraction of the base median rate (0.05 = 5 %) */
    double alpha;      /* two-sided significance level of the U test */
    /* The largest relative half-width of the 95 % confidence interval of a side's median
     * (analysis/noise.h) the gate judges; above it the point is NOISY. 0: not checked. */
    double max_noise;
    /* 1: judge each repetition's rate over its run's copy probe (bench_gate_per_probe) */
    int per_probe;
} bench_gate_options;

typedef struct bench_gate_point {
    size_t base, fresh;      /* indices into the base and new points */
    double ratio;            /* median new rate / median base rate (> 1: faster) */
    bench_mwu mwu;           /* the repetitions' test */
    bench_mwu mwu_runs;      /* the runs' test (run medians), valid when runs_used */
    int runs_used;
    double noise_base, noise_new; /* each side's ci_rel of its rates */
    bench_verdict verdict;
    const char *why;         /* the reason in words */
} bench_gate_point;

/* The gate's decision for one point (rates, higher is better):
 *   UNSURE  fewer than 2 repetitions on a side, or the sizes cannot reach alpha even when
 *           the samples separate completely ("too few repetitions");
 *   NOISY   max_noise > 0 and a side's median is less certain than that (its 95 % confidence
 *           interval wider than +-max_noise): whatever the test says, the point is not judged;
 *   FASTER/SLOWER  p < alpha and |ratio - 1| >= threshold;
 *   SAME    |ratio - 1| < threshold (significant or not: too small to matter);
 *   UNSURE  |ratio - 1| >= threshold but p >= alpha ("noisy").
 * Repetitions of one run share its conditions (another process on the cores hits all of
 * them), so they are not independent samples. When both sides pool enough runs for a test
 * on the runs' medians to reach alpha (4 or more runs each), FASTER and SLOWER also need
 * that test at p < alpha; otherwise the point is UNSURE ("not consistent across runs").
 * base_runs/fresh_runs may be NULL with 0 runs. */
stencil_status bench_gate_decide(const double *base, size_t nb, const double *fresh, size_t nf,
                                 const double *base_runs, size_t nbr, const double *fresh_runs,
                                 size_t nfr, const bench_gate_options *opt,
                                 bench_gate_point *out, stencil_error *err);

/* Rates measured against the machine of their moment: each row's cell_updates_per_s (and
 * compute_s, inversely) scaled by ref / copy_gbps, where copy_gbps is the copy probe of the
 * row's run (measured in the same process, again before each grid) and ref the median probe
 * of the rows of both sets with the same device and thread count, so a side that ran while
 * the machine was slower is corrected by its own probe and rates keep their units. Rows
 * without a probe (copy_gbps not finite or <= 0) are left as they are. Returns
 * STENCIL_ERR_NOMEM on allocation failure (nothing changed). */
stencil_status bench_gate_per_probe(bench_row *a, size_t na, bench_row *b, size_t nb,
                                    stencil_error *err);

#endif
