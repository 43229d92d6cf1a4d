/* The GPU projection model (project.h): a per-step floor measured at a reference GPU's smallest
 * grid plus the grid's DRAM traffic over the target's bandwidth at the efficiency the reference
 * reached at its largest grid. */
#include <math.h>
#include <string.h>

#include "analysis/project.h"

static double cells_per_step(const bench_row *r)
{
    return bench_cell_updates((size_t)r->nz, (size_t)r->ny, (size_t)r->nx, 1);
}

static int same_series(const bench_row *a, const bench_row *b)
{
    return strcmp(a->variant, b->variant) == 0 && strcmp(a->scheme, b->scheme) == 0 &&
           strcmp(a->device, b->device) == 0 && a->timesteps == b->timesteps;
}

int bench_gpu_fit_for(const bench_results *pts, const bench_best *best, const bench_row *key,
                      bench_gpu_fit *out)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < best->count; i++) {
        const bench_result *p = &pts->p[best->idx[i]];
        if (!same_series(p->row, key) || !(p->stat[BENCH_M_COMPUTE].median > 0.0))
            continue;
        if (!out->small || cells_per_step(p->row) < cells_per_step(out->small->row))
            out->small = p;
        if (p->stat[BENCH_M_ROOF].median > 0.0 &&
            (!out->large || cells_per_step(p->row) > cells_per_step(out->large->row)))
            out->large = p;
    }
    if (!out->small || !out->large)
        return 0;
    out->efficiency = out->large->stat[BENCH_M_ROOF].median;
    double copy = out->small->stat[BENCH_M_COPY].median;
    out->small_step_s = out->small->stat[BENCH_M_COMPUTE].median / (double)out->small->row->timesteps;
    double dram = isfinite(copy) && copy > 0.0
                      ? 8.0 * cells_per_step(out->small->row) / (copy * 1e9 * out->efficiency)
                      : 0.0;
    out->floor_s = fmax(0.0, out->small_step_s - dram);
    return 1;
}

double bench_gpu_step_s(const bench_gpu_fit *fit, double cells, double bandwidth_gbps)
{
    return fit->floor_s + 8.0 * cells / (bandwidth_gbps * 1e9 * fit->efficiency);
}
