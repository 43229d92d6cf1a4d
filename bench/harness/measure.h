/* Measuring one point: a variant on one problem for `steps` timesteps, repeated.
 *
 * prepare (untimed), `warmup` untimed passes of upload/run/download, then `reps` timed passes.
 * Each pass times upload (h2d), run (compute), for MPI variants exchange (halo: `steps` halo
 * exchanges alone, on every rank) and download (d2h) separately: a monotonic
 * clock for CPU variants, CUDA events on stream 0 for GPU variants. The last pass's result
 * is left in out for validation. */
#ifndef BENCH_MEASURE_H
#define BENCH_MEASURE_H

#include "variant.h"

typedef struct bench_rep {
    double h2d_s, compute_s, d2h_s; /* per pass: the mean over the repetition's batch */
    double halo_s; /* MPI variants: the exchange stage, after run; NAN for the others */
    int batch;                      /* passes timed as this repetition (1 unless batched) */
} bench_rep;

/* Called after each timed repetition with its index (first_rep, first_rep + 1, ...), its
 * times, and that pass's result in out. Returning 0 stops before the next repetition. */
typedef int (*bench_rep_fn)(void *ctx, int rep, const bench_rep *times, const float *out);

/* Like bench_measure, reporting each repetition to on_rep as it is measured: repetitions
 * first_rep .. reps-1 are timed (a resumed point skips those already recorded). Stopping
 * early through on_rep is not an error. */
stencil_status bench_measure_each(const stencil_variant *v, const stencil_problem *problem,
                                  const float *input, int steps, int warmup, int first_rep,
                                  int reps, bench_rep_fn on_rep, void *ctx, float *out,
                                  stencil_error *err);

/* bench_measure_each where a repetition lasts at least min_rep_s seconds (Google Benchmark's
 * min_time): the last warm-up pass (or, with no warm-up, the first repetition) sets a batch
 * of B = ceil(min_rep_s / pass time) passes, at most 100000; each later repetition runs B
 * passes of upload/run/download, each stage timed on its own, and reports the mean per pass
 * (the stages' clocks are read around every pass, never across the untimed gaps). The last
 * pass's result is in out. min_rep_s <= 0: one pass per repetition. */
stencil_status bench_measure_batched(const stencil_variant *v, const stencil_problem *problem,
                                     const float *input, int steps, int warmup, int first_rep,
                                     int reps, double min_rep_s, bench_rep_fn on_rep, void *ctx,
                                     float *out, stencil_error *err);

/* reps >= 1 entries of rep are filled. Returns the first failing status with err set. */
stencil_status bench_measure(const stencil_variant *v, const stencil_problem *problem,
                             const float *input, int steps, int warmup, int reps,
                             bench_rep *rep, float *out, stencil_error *err);

/* Runs the reference (naive) once on input for steps; out gets the result. */
stencil_status bench_reference(const stencil_problem *problem, const float *input, int steps,
                               float *out, stencil_error *err);

/* One stage of a prepared variant, timed as bench_measure times it (monotonic clock on the
 * CPU, CUDA events on stream 0 for GPU variants): upload(input), run(steps) or download(out).
 * For callers that drive the life cycle themselves (stencilbench model). */
typedef enum bench_stage { BENCH_STAGE_UPLOAD, BENCH_STAGE_RUN, BENCH_STAGE_DOWNLOAD } bench_stage;
stencil_status bench_time_stage(const stencil_variant *v, void *state, bench_stage what,
                                const float *input, float *out, int steps, double *seconds,
                                stencil_error *err);

#endif
