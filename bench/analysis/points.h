/* Rows grouped into points, and each point's statistics: the one grouping used by the run
 * summary, compare, the regression gate and the charts. */
#ifndef BENCH_RESULTS_POINTS_H
#define BENCH_RESULTS_POINTS_H

#include <stddef.h>

#include "analysis/stats.h"
#include "timings/timings.h"

/* The per-repetition figures a point summarises. */
typedef enum bench_metric {
    BENCH_M_H2D,
    BENCH_M_COMPUTE,
    BENCH_M_D2H,
    BENCH_M_TOTAL,
    BENCH_M_RATE,
    BENCH_M_ROOF,
    BENCH_M_COPY,
    BENCH_M_HALO, /* halo_s: MPI rows only */
    BENCH_M_COUNT
} bench_metric;

/* One point of a study: the repetitions that share provenance, variant, device, scheme,
 * grid, grid source, timesteps, threads, ranks, tuning and host memory. Only ok repetitions
 * (bench_row_ok) contribute figures. */
typedef struct bench_result {
    const bench_row *row;          /* the first row: the point's key fields */
    double *rates;                 /* cell updates per second of each ok repetition */
    size_t n, failed;              /* ok repetitions; rows with another status */
    double *run_medians;           /* the median rate of each run (run_id) holding ok repetitions */
    size_t nruns;
    bench_stats stat[BENCH_M_COUNT]; /* over the ok repetitions' finite values */
} bench_result;

typedef struct bench_results {
    bench_result *p;
    size_t count;
    double *store; /* backs every point's rates and run medians */
    size_t *by_key; /* the points' indices sorted by their key fields (bench_results_find) */
} bench_results;

/* Groups count rows into points, in order of first appearance (O(n log n)). The points
 * point into rows, which must outlive them. */
stencil_status bench_results_build(const bench_row *rows, size_t count, bench_results *out,
                                  stencil_error *err);
void bench_results_free(bench_results *pts);

/* The index of the point whose key fields are key's, or (size_t)-1 (O(log n)). */
size_t bench_results_find(const bench_results *pts, const bench_row *key);

/* 1 when a and b belong to the same point (every key field equal). */
int bench_result_same(const bench_row *a, const bench_row *b);

/* The median rate of a point (NAN when no repetition was ok). */
static inline double bench_result_rate(const bench_result *p) { return p->stat[BENCH_M_RATE].median; }

/* "openmp 50x222x241 x10 steps, 2 threads, tuning, pageable": a point's name for tables. */
void bench_result_label(const bench_row *r, char *buf, size_t cap);

#endif
