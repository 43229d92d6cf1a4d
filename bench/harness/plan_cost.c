/* The plan's costs: the memory a point needs and the time it is estimated to take
 * (harness/plan.h). */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <string.h>

#include "harness/plan.h"

const char *bench_host_memory_name(bench_host_memory m)
{
    switch (m) {
    case BENCH_HOST_PINNED: return "pinned";
    case BENCH_HOST_PAGEABLE: return "pageable";
    default: return "none";
    }
}

static double field_bytes(const bench_point *p)
{
    return (double)p->nz * (double)p->ny * (double)p->nx * sizeof(float);
}

double bench_point_host_bytes(const bench_point *p)
{
    /* input, reference, output; plus the variant's two fields (CPU) or two page-locked
     * copies (GPU, pinned) */
    return field_bytes(p) * (p->variant->device == STENCIL_GPU && p->host_memory != BENCH_HOST_PINNED ? 3 : 5);
}

double bench_point_device_bytes(const bench_point *p)
{
    return p->variant->device == STENCIL_GPU ? 2 * field_bytes(p) : 0.0;
}

/* Cell updates per second assumed for estimates: about what a 2-core Zen guest does. */
static double assumed_rate(const bench_point *p)
{
    if (p->variant->device == STENCIL_GPU)
        return 5e10;
    if (strcmp(p->variant->name, "naive") == 0)
        return 4e8;
    return 1.5e9 * (p->variant->uses_threads ? p->threads : 1) * (p->ranks > 1 ? p->ranks : 1);
}

double bench_point_estimate_s(const bench_plan *plan, const bench_point *p)
{
    double cells = (double)p->nz * (double)p->ny * (double)p->nx;
    double copy = p->variant->device == STENCIL_GPU ? 2e-10 : 1e-9; /* s per cell: copies, checks */
    double rate = plan->rate_scale > 0 && p->variant->device == STENCIL_CPU ? plan->rate_scale : 1.0;
    double copy_scale = plan->copy_scale > 0 ? plan->copy_scale : 1.0;
    size_t llc = plan->llc_bytes ? plan->llc_bytes : (size_t)32 << 20;
    if (p->variant->device == STENCIL_CPU && 8.0 * cells > (double)llc && copy_scale < rate)
        rate = copy_scale; /* out of cache: as fast as memory is now */
    double per_rep = cells * p->steps / (assumed_rate(p) * rate) + cells * 3 * copy / copy_scale;
    if (per_rep < plan->min_time_s) /* a short pass is batched to min_time */
        per_rep = plan->min_time_s;
    double timed = plan->reps * per_rep;
    if (plan->expect_noisy && plan->max_reps > plan->reps) { /* repetitions go on to a cap */
        double to_cap = plan->point_time_s > timed ? plan->point_time_s : timed;
        timed = plan->max_reps * per_rep < to_cap ? plan->max_reps * per_rep : to_cap;
    }
    return plan->warmup * per_rep + timed + cells * 2e-9 / copy_scale; /* + preparing */
}

int bench_point_same_reference(const bench_point *a, const bench_point *b)
{
    return a->nz == b->nz && a->ny == b->ny && a->nx == b->nx && a->dataset == b->dataset &&
           a->steps == b->steps;
}

double bench_plan_estimate_s(const bench_plan *plan)
{
    double total = 0.0;
    for (size_t i = 0; i < plan->count; i++) {
        const bench_point *p = &plan->points[i];
        total += bench_point_estimate_s(plan, p);
        if (i == 0 || !bench_point_same_reference(p, &plan->points[i - 1])) {
            double cells = (double)p->nz * p->ny * p->nx, naive = plan->rate_scale > 0 ? plan->rate_scale : 1.0;
            double copy = plan->copy_scale > 0 ? plan->copy_scale : 1.0;
            size_t llc = plan->llc_bytes ? plan->llc_bytes : (size_t)32 << 20;
            if (8.0 * cells > (double)llc && copy < naive)
                naive = copy;
            total += cells * (p->steps / (4e8 * naive) + 2e-8 / copy); /* reference, input */
        }
    }
    return total;
}
