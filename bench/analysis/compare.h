/* Comparing runs: each machine's best points, and matching two sets of points (a run
 * against a reference, or a base run against a new one). Printing is left to the CLI. */
#ifndef BENCH_COMPARE_H
#define BENCH_COMPARE_H

#include <stddef.h>

#include "analysis/points.h"

/* Reference comparison: a machine's figure for a variant is its best point (highest median
 * rate) among those with the most threads, per variant, scheme, grid and timesteps, so that
 * "all cores" compares with "all cores" across machines. Indices into pts->p. */
typedef struct bench_best {
    size_t *idx;
    size_t count;
} bench_best;
stencil_status bench_points_best(const bench_results *pts, bench_best *out, stencil_error *err);
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
stencil_status bench_match_points(const bench_results *mine, const bench_best *mine_best,
                                  const bench_results *ref, const bench_best *ref_best,
                                  int allow_nearest, bench_match *out, int *used_ref,
                                  stencil_error *err);

#endif
