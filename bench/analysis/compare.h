/* Comparing runs: grouping repetitions into points, matching two sets of points (a run
 * against a reference, or a base run against a new one), and the regression gate's verdicts.
 * Printing is left to the CLI (bench/cmd_compare.c). */
#ifndef BENCH_COMPARE_H
#define BENCH_COMPARE_H

#include <stddef.h>

#include "timings/csv_read.h"
#include "analysis/stats.h"

/* One point of a study: the repetitions that share variant, device, scheme, grid, timesteps,
 * threads, tuning and host memory. Only rows with status ok contribute rates. */
typedef struct bench_point {
    const bench_row *row;    /* the first row: the point's key fields */
    double *rates;           /* cell updates per second of each ok repetition */
    size_t n, failed;        /* ok repetitions; rows with another status */
    double *run_medians;     /* the median rate of each run (run_id) holding ok repetitions */
    size_t nruns;
    double median_rate, median_roofline, median_copy_gbps;
} bench_point;

typedef struct bench_points {
    bench_point *p;
    size_t count;
    double *store;           /* backs every point's rates and run medians */
} bench_points;

/* Groups t's rows into points, in order of first appearance. */
stencil_status bench_points_build(const bench_timings *t, bench_points *out, stencil_error *err);
void bench_points_free(bench_points *pts);

/* 1 when a and b are the same point (every key field equal). */
int bench_point_same(const bench_row *a, const bench_row *b);

/* "openmp 50x222x241 x10 steps, 2 threads, tuning, pageable": a point's name for tables. */
void bench_point_label(const bench_row *r, char *buf, size_t cap);

/* Reference comparison: a machine's figure for a variant is its best point (highest median
 * rate) among those with the most threads, per variant, scheme, grid and timesteps, so that
 * "all cores" compares with "all cores" across machines. Indices into pts->p. */
typedef struct bench_best {
    size_t *idx;
    size_t count;
} bench_best;
stencil_status bench_points_best(const bench_points *pts, bench_best *out, stencil_error *err);
void bench_best_free(bench_best *b);

typedef enum bench_match_kind {
    BENCH_MATCH_EXACT = 0,   /* same variant, scheme, grid and timesteps */
    BENCH_MATCH_NEAREST = 1, /* same variant and scheme, the nearest grid by cells per step */
    BENCH_MATCH_NONE = 2
} bench_match_kind;

/* For a point of the user's run, the reference point it is compared with (index into ref's
 * points, or (size_t)-1 when none), and how it matched. */
typedef struct bench_match {
    size_t mine, ref;
    bench_match_kind kind;
} bench_match;

/* Matches every best point of mine with ref's best points: exact first; otherwise, when
 * allow_nearest, the same variant and scheme at the grid whose cells per step are nearest
 * on a log scale (labelled NEAREST). out holds mine_best->count entries. used_ref, when not
 * NULL, gets 1 for every ref best point some point of mine matched exactly (size
 * ref_best->count). */
stencil_status bench_match_points(const bench_points *mine, const bench_best *mine_best,
                                  const bench_points *ref, const bench_best *ref_best,
                                  int allow_nearest, bench_match *out, int *used_ref,
                                  stencil_error *err);

typedef enum bench_verdict {
    BENCH_SAME = 0,
    BENCH_FASTER = 1,
    BENCH_SLOWER = 2,
    BENCH_UNSURE = 3
} bench_verdict;

const char *bench_verdict_name(bench_verdict v);

typedef struct bench_gate_options {
    double threshold;  /* minimum effect, as a fraction of the base median rate (0.05 = 5 %) */
    double alpha;      /* two-sided significance level of the U test */
} bench_gate_options;

typedef struct bench_gate_point {
    size_t base, fresh;      /* indices into the base and new points */
    double ratio;            /* median new rate / median base rate (> 1: faster) */
    bench_mwu mwu;           /* the repetitions' test */
    bench_mwu mwu_runs;      /* the runs' test (run medians), valid when runs_used */
    int runs_used;
    bench_verdict verdict;
    const char *why;         /* the reason in words */
} bench_gate_point;

/* The gate's decision for one point (rates, higher is better):
 *   UNSURE  fewer than 2 repetitions on a side, or the sizes cannot reach alpha even when
 *           the samples separate completely ("too few repetitions");
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

#endif
