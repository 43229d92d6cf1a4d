#include <math.h>
#include <stdlib.h>

#include "gpu/gpu_timer.h"
#include "harness/measure.h"
#include "harness/timer.h"

typedef enum { STAGE_UPLOAD, STAGE_RUN, STAGE_DOWNLOAD, STAGE_HALO } stage;

typedef struct stage_call {
    const stencil_variant *v;
    void *state;
    stage what;
    const float *input;
    float *out;
    int steps;
} stage_call;

static stencil_status call_stage(void *ctx, stencil_error *err)
{
    stage_call *c = ctx;
    switch (c->what) {
    case STAGE_UPLOAD:
        return c->v->upload(c->state, c->input, err);
    case STAGE_RUN:
        return c->v->run(c->state, c->steps, err);
    case STAGE_HALO:
        return c->v->exchange(c->state, c->steps, err);
    default:
        return c->v->download(c->state, c->out, err);
    }
}

static stencil_status timed_stage(stage_call *c, double *seconds, stencil_error *err)
{
#ifdef STENCIL_HAVE_CUDA
    if (c->v->device == STENCIL_GPU)
        return bench_gpu_time(call_stage, c, seconds, err);
#endif
    double t0 = bench_now();
    stencil_status st = call_stage(c, err);
    *seconds = bench_now() - t0;
    return st;
}

static int batch_for(double pass_s, double min_rep_s)
{
    if (min_rep_s <= 0 || !(pass_s > 0) || pass_s >= min_rep_s)
        return 1;
    double b = ceil(min_rep_s / pass_s);
    return b > 100000 ? 100000 : (int)b;
}

stencil_status bench_measure_batched(const stencil_variant *v, const stencil_problem *problem,
                                     const float *input, int steps, int warmup, int first_rep,
                                     int reps, double min_rep_s, bench_rep_fn on_rep, void *ctx,
                                     float *out, stencil_error *err)
{
    void *state = NULL;
    stencil_status st = stencil_problem_check(problem, err);
    if (st != STENCIL_OK)
        return st;
    if (steps < 0 || reps < 1 || warmup < 0 || first_rep < 0)
        return stencil_fail(err, STENCIL_ERR_ARG, "steps=%d reps=%d warmup=%d: need steps >= 0, "
                            "reps >= 1, warmup >= 0", steps, reps, warmup);
    char why[256] = "";
    /* MPI variants: rank 0 checked; prepare agrees on the outcome across the ranks (a rank that
     * returned here instead would leave the others waiting in it) */
    if (!(v->uses_ranks && problem->comm) && !v->available(why, sizeof why))
        return stencil_fail(err, STENCIL_ERR_UNAVAILABLE, "%s is unavailable here: %s", v->name, why);
    st = v->prepare(problem, &state, err);
    if (st != STENCIL_OK)
        return st;
    stage_call c = {v, state, STAGE_UPLOAD, input, out, steps};
    int go = 1, batch = 1, sized = min_rep_s <= 0;
    for (int r = first_rep - warmup; r < reps && st == STENCIL_OK && go; r++) {
        /* upload, run, (halo), download: the halo exchange alone comes after the run; a
         * batch repeats the whole pass */
        static const stage order[] = {STAGE_UPLOAD, STAGE_RUN, STAGE_HALO, STAGE_DOWNLOAD};
        int passes = r >= first_rep ? batch : 1;
        double sum[4] = {0, 0, 0, 0}; /* by stage */
        for (int k = 0; k < passes && st == STENCIL_OK; k++)
            for (int s = 0; s < 4 && st == STENCIL_OK; s++) {
                double t;
                if (order[s] == STAGE_HALO && !v->exchange)
                    continue;
                c.what = order[s];
                st = timed_stage(&c, &t, err);
                sum[order[s]] += t;
            }
        if (st != STENCIL_OK)
            break;
        /* the last warm-up pass, else the first repetition, sizes the batch; MPI variants
         * never batch (each rank would size its own batch, and the ranks must agree) */
        if (!sized && (r == first_rep - 1 || r >= first_rep)) {
            double pass = (sum[STAGE_UPLOAD] + sum[STAGE_RUN] + sum[STAGE_DOWNLOAD] + sum[STAGE_HALO]) / passes;
            batch = v->uses_ranks ? 1 : batch_for(pass, min_rep_s);
            sized = 1;
        }
        if (r >= first_rep) {
            bench_rep rep = {sum[STAGE_UPLOAD] / passes, sum[STAGE_RUN] / passes,
                             sum[STAGE_DOWNLOAD] / passes, v->exchange ? sum[STAGE_HALO] / passes : NAN,
                             passes};
            go = on_rep(ctx, r, &rep, out);
        }
    }
    v->release(state);
    return st;
}

stencil_status bench_measure_each(const stencil_variant *v, const stencil_problem *problem,
                                  const float *input, int steps, int warmup, int first_rep,
                                  int reps, bench_rep_fn on_rep, void *ctx, float *out,
                                  stencil_error *err)
{
    return bench_measure_batched(v, problem, input, steps, warmup, first_rep, reps, 0.0, on_rep,
                                 ctx, out, err);
}

static int store_rep(void *ctx, int r, const bench_rep *times, const float *out)
{
    (void)out;
    ((bench_rep *)ctx)[r] = *times;
    return 1;
}

stencil_status bench_measure(const stencil_variant *v, const stencil_problem *problem,
                             const float *input, int steps, int warmup, int reps,
                             bench_rep *rep, float *out, stencil_error *err)
{
    return bench_measure_each(v, problem, input, steps, warmup, 0, reps, store_rep, rep, out, err);
}

stencil_status bench_reference(const stencil_problem *problem, const float *input, int steps,
                               float *out, stencil_error *err)
{
    bench_rep rep;
    const stencil_variant *naive = stencil_variant_find("naive");
    return bench_measure(naive, problem, input, steps, 0, 1, &rep, out, err);
}

stencil_status bench_time_stage(const stencil_variant *v, void *state, bench_stage what,
                                const float *input, float *out, int steps, double *seconds,
                                stencil_error *err)
{
    _Static_assert((int)BENCH_STAGE_UPLOAD == (int)STAGE_UPLOAD && (int)BENCH_STAGE_RUN == (int)STAGE_RUN &&
                       (int)BENCH_STAGE_DOWNLOAD == (int)STAGE_DOWNLOAD,
                   "bench_stage and stage agree");
    stage_call c = {v, state, (stage)what, input, out, steps};
    return timed_stage(&c, seconds, err);
}
