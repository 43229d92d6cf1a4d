#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/points.h"
#include "report/report.h"

static int same_grid_steps(const bench_row *a, const bench_row *b)
{
    return a->nz == b->nz && a->ny == b->ny && a->nx == b->nx &&
           strcmp(a->grid_source, b->grid_source) == 0 && a->timesteps == b->timesteps;
}

void bench_summary_print(FILE *f, const bench_row *rows, size_t count)
{
    bench_results all;
    stencil_error err;
    if (bench_results_build(rows, count, &all, &err) != STENCIL_OK) {
        fprintf(f, "(no memory for the summary)\n");
        return;
    }
    /* the points with an ok repetition */
    const bench_result **pts = malloc((all.count ? all.count : 1) * sizeof *pts);
    size_t np = 0;
    for (size_t i = 0; pts && i < all.count; i++)
        if (all.p[i].n)
            pts[np++] = &all.p[i];
    fprintf(f, "\nSummary (medians over repetitions; best point per variant)\n");
    fprintf(f, "%-14s %10s %9s %-22s %9s %9s %10s %s\n", "variant", "Gcell/s", "roofline",
            "at grid/steps/threads", "memory", "vs naive", "scaling", "(efficiency at threads)");
    for (size_t i = 0; i < np; i++) {
        int first = 1;
        for (size_t j = 0; j < i && first; j++)
            first = strcmp(pts[j]->row->variant, pts[i]->row->variant) != 0;
        if (!first)
            continue;
        const bench_result *best = pts[i];
        for (size_t j = i; j < np; j++)
            if (strcmp(pts[j]->row->variant, best->row->variant) == 0 && 
                bench_result_rate(pts[j]) > bench_result_rate(best))
                best = pts[j];
        const bench_row *b = best->row;
        /* naive on the same grid and steps (its best thread count and tuning) */
        double naive = -1.0;
        for (size_t j = 0; j < np; j++)
            if (strcmp(pts[j]->row->variant, "naive") == 0 && same_grid_steps(pts[j]->row, b) &&
                bench_result_rate(pts[j]) > naive)
                naive = bench_result_rate(pts[j]);
        /* strong scaling on the same grid, steps, tuning and host memory */
        double r1 = -1.0, rt = -1.0;
        long tmax = 0;
        for (size_t j = 0; j < np; j++) {
            const bench_row *q = pts[j]->row;
            if (strcmp(q->variant, b->variant) != 0 || !same_grid_steps(q, b) ||
                strcmp(q->tuning, b->tuning) != 0 || strcmp(q->host_memory, b->host_memory) != 0 ||
                q->ranks != b->ranks) /* MPI: thread scaling at the best point's ranks */
                continue;
            if (q->threads == 1)
                r1 = bench_result_rate(pts[j]);
            if (q->threads > tmax) {
                tmax = q->threads;
                rt = bench_result_rate(pts[j]);
            }
        }
        char where[64], speed[16] = "-", scale[16] = "-", at[40] = "";
        int n = snprintf(where, sizeof where, "%ldx%ldx%ld/%ld/%ld", b->nz, b->ny, b->nx, b->timesteps,
                         b->threads);
        if (b->ranks > 1 && n > 0 && (size_t)n < sizeof where) /* MPI: threads x ranks */
            snprintf(where + n, sizeof where - (size_t)n, "x%ldr", b->ranks);
        if (naive > 0)
            snprintf(speed, sizeof speed, "%.2fx", bench_result_rate(best) / naive);
        if (r1 > 0 && tmax > 1) {
            snprintf(scale, sizeof scale, "%.0f%%", 100.0 * rt / ((double)tmax * r1));
            snprintf(at, sizeof at, "(at %ld threads)", tmax);
        }
        char roof[16] = "-";
        if (isfinite(best->stat[BENCH_M_ROOF].median))
            snprintf(roof, sizeof roof, "%.0f%%", 100.0 * best->stat[BENCH_M_ROOF].median);
        fprintf(f, "%-14s %10.3f %9s %-22s %9s %9s %10s %s\n", b->variant, bench_result_rate(best) / 1e9, roof,
                where, b->host_memory, speed, scale, at);
    }
    if (np == 0)
        fprintf(f, "(no point finished with status ok)\n");
    free(pts);
    bench_results_free(&all);
}
