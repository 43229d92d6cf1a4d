/* The ranks other than 0 in a study under mpirun: they measure with rank 0 the MPI points it
 * announces (their times reach rank 0 as a maximum), hold no input, validate nothing and
 * report nothing. */
#include <stddef.h>

#include "harness/measure.h"
#include "harness/probe.h"
#include "harness/study.h"
#include "harness/timer.h"

static int peer_rep(void *ctx, int rep, const bench_rep *times, const float *out)
{
    (void)rep, (void)out;
    const bench_point_ranks *pr = ctx;
    bench_rep t = *times;
    bench_point_ranks_times(pr, &t);
    return bench_point_ranks_go(pr, 1);
}

stencil_status bench_study_serve(bench_study *s, stencil_error *err)
{
    const bench_plan *plan = s->plan;
    const bench_caches caches = bench_cache_layout();
    double t0 = bench_now();
    for (;;) {
        int i = bench_ranks_bcast_int(s->ranks, -1);
        if (i < 0)
            break;
        if ((size_t)i >= plan->count || !plan->points[i].variant->uses_ranks)
            return stencil_fail(err, STENCIL_ERR_ARG, "rank 0 announced point %d, not an MPI point "
                                "of this rank's plan of %zu points", i + 1, plan->count);
        const bench_point *p = &plan->points[i];
        bench_point_ranks pr;
        bench_point_ranks_open(s->ranks, p->ranks, &pr);
        if (pr.member) {
            stencil_problem problem = {p->nz, p->ny, p->nx, plan->k, plan->scheme, p->threads,
                                       p->tuning, 0, p->ranks, pr.comm, 0, 0};
            bench_problem_caches(&problem, &caches);
            int first = s->first_rep ? s->first_rep[i] : 0;
            stencil_error perr;
            /* a failure is rank 0's to record: the variant's stages agree on it across ranks */
            if (bench_measure_each(p->variant, &problem, NULL, p->steps, plan->warmup, first,
                                   plan->reps, peer_rep, &pr, NULL, &perr) == STENCIL_OK)
                s->points_run++;
            else
                s->points_failed++;
        }
        bench_point_ranks_close(&pr);
    }
    s->wall_s = bench_now() - t0;
    return STENCIL_OK;
}
