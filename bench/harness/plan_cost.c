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

static const bench_kernel_rate *calibrated(const bench_plan *plan, const bench_point *p)
{
    for (int i = 0; i < plan->cal.nkernel; i++)
        if (plan->cal.kernel[i].variant == p->variant && plan->cal.kernel[i].threads == p->threads)
            return &plan->cal.kernel[i];
    return NULL;
}

static int unavailable(const bench_plan *plan, const stencil_variant *v)
{
    for (int i = 0; i < plan->cal.nunavailable; i++)
        if (plan->cal.unavailable[i] == v)
            return 1;
    return 0;
}

/* The copy probe's GB/s at a thread count (0: not measured). */
static double copy_at(const bench_plan *plan, int threads)
{
    for (int i = 0; i < plan->nthread_counts && i < BENCH_MAX_THREAD_COUNTS; i++)
        if (plan->thread_counts[i] == threads)
            return plan->cal.copy_gbps[i];
    return 0.0;
}

/* Seconds of one timed repetition of p (batched to min_time), and the repetitions expected. */
static double per_rep_s(const bench_plan *plan, const bench_point *p, double *reps)
{
    double cells = (double)p->nz * (double)p->ny * (double)p->nx;
    double copy = p->variant->device == STENCIL_GPU ? 2e-10 : 1e-9; /* s per cell: copies, checks */
    double copy_scale = plan->copy_scale > 0 ? plan->copy_scale : 1.0;
    size_t llc = plan->llc_bytes ? plan->llc_bytes : (size_t)32 << 20;
    int out_of_cache = p->variant->device == STENCIL_CPU && 8.0 * cells > (double)llc;
    const bench_kernel_rate *k = calibrated(plan, p);
    double rate;
    if (k && k->rate > 0) {
        rate = k->rate;
        double bw = copy_at(plan, p->threads);
        if (out_of_cache && bw > 0 && p->variant->bytes_per_cell > 0)
            rate = fmin(rate, bw * 1e9 / p->variant->bytes_per_cell); /* as fast as memory */
    } else {
        double scale = plan->rate_scale > 0 && p->variant->device == STENCIL_CPU ? plan->rate_scale : 1.0;
        if (out_of_cache && copy_scale < scale)
            scale = copy_scale; /* out of cache: as fast as memory is now */
        rate = assumed_rate(p) * scale;
    }
    double per_rep = cells * p->steps / rate + cells * 3 * copy / copy_scale;
    if (per_rep < plan->min_time_s) /* a short pass is batched to min_time */
        per_rep = k && k->rep_s > plan->min_time_s ? k->rep_s : plan->min_time_s;
    *reps = plan->reps;
    if (plan->max_reps > plan->reps && plan->target_noise > 0) {
        if (plan->expect_noisy)
            *reps = plan->max_reps;
        else if (k && k->reps > 0 && isfinite(k->ci_rel)) /* the CI narrows as 1/sqrt(n) */
            *reps = fmin(fmax(k->reps * pow(k->ci_rel / plan->target_noise, 2), plan->reps),
                         plan->max_reps);
    }
    return per_rep;
}

double bench_point_estimate_s(const bench_plan *plan, const bench_point *p)
{
    if (plan->cal.nkernel > 0 && unavailable(plan, p->variant))
        return 0.0; /* a skipped row */
    double cells = (double)p->nz * (double)p->ny * (double)p->nx;
    double copy_scale = plan->copy_scale > 0 ? plan->copy_scale : 1.0;
    double reps, per_rep = per_rep_s(plan, p, &reps);
    double timed = plan->reps * per_rep;
    if (reps > plan->reps) { /* more repetitions, none started after point_time */
        double to_cap = plan->point_time_s > timed ? plan->point_time_s : timed;
        if (plan->cal.nkernel > 0 && plan->point_time_s > timed)
            to_cap += per_rep; /* the last one starts before point_time and ends after it */
        timed = reps * per_rep < to_cap ? reps * per_rep : to_cap;
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
        if (plan->cal.probe_s > 0 && (i == 0 || p->nz != plan->points[i - 1].nz ||
                                      p->ny != plan->points[i - 1].ny || p->nx != plan->points[i - 1].nx ||
                                      p->dataset != plan->points[i - 1].dataset))
            total += plan->cal.probe_s; /* the copy probe again at each grid (and after the last) */
    }
    return total;
}

void bench_plan_calibrate(bench_plan *plan, const bench_calibration *cal)
{
    plan->cal = *cal;
    const stencil_variant *naive = stencil_variant_find("naive");
    for (int i = 0; i < cal->nkernel; i++)
        if (cal->kernel[i].variant == naive && cal->kernel[i].threads == 1 && cal->kernel[i].rate > 0)
            plan->rate_scale = fmin(fmax(cal->kernel[i].rate / 4e8, 0.05), 20.0); /* as assumed_rate */
    if (plan->nthread_counts > 0 && cal->copy_gbps[0] > 0) /* the fixed costs fit ~19 GB/s */
        plan->copy_scale = fmin(fmax(cal->copy_gbps[0] / 19.0, 0.05), 20.0);
    plan->expect_noisy = cal->busy;
}
