#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/compare.h"

/* Same variant, scheme, grid and timesteps: the "figure" two machines are compared on. */
static int same_figure(const bench_row *a, const bench_row *b)
{
    return strcmp(a->variant, b->variant) == 0 && strcmp(a->scheme, b->scheme) == 0 &&
           a->nz == b->nz && a->ny == b->ny && a->nx == b->nx && a->timesteps == b->timesteps;
}

stencil_status bench_points_best(const bench_results *pts, bench_best *out, stencil_error *err)
{
    memset(out, 0, sizeof *out);
    out->idx = malloc((pts->count ? pts->count : 1) * sizeof *out->idx);
    if (!out->idx) {
        snprintf(err->msg, sizeof err->msg, "out of memory");
        return STENCIL_ERR_NOMEM;
    }
    for (size_t i = 0; i < pts->count; i++) {
        const bench_result *p = &pts->p[i];
        if (p->n == 0)
            continue;
        size_t b = 0;
        while (b < out->count && !same_figure(pts->p[out->idx[b]].row, p->row))
            b++;
        if (b == out->count) {
            out->idx[out->count++] = i;
            continue;
        }
        const bench_result *q = &pts->p[out->idx[b]];
        if (p->row->threads > q->row->threads ||
            (p->row->threads == q->row->threads && bench_result_rate(p) > bench_result_rate(q)))
            out->idx[b] = i;
    }
    return STENCIL_OK;
}

void bench_best_free(bench_best *b)
{
    free(b->idx);
    memset(b, 0, sizeof *b);
}

static double cells_per_step(const bench_row *r)
{
    return (double)(r->nz > 2 ? r->nz - 2 : 1) * (double)(r->ny > 2 ? r->ny - 2 : 1) *
           (double)(r->nx > 2 ? r->nx - 2 : 1);
}

stencil_status bench_match_points(const bench_results *mine, const bench_best *mine_best,
                                  const bench_results *ref, const bench_best *ref_best,
                                  int allow_nearest, bench_match *out, int *used_ref,
                                  stencil_error *err)
{
    (void)err;
    if (used_ref)
        memset(used_ref, 0, ref_best->count * sizeof *used_ref);
    for (size_t i = 0; i < mine_best->count; i++) {
        const bench_row *a = mine->p[mine_best->idx[i]].row;
        out[i] = (bench_match){mine_best->idx[i], (size_t)-1, BENCH_MATCH_NONE};
        double best_d = INFINITY;
        for (size_t j = 0; j < ref_best->count; j++) {
            const bench_row *b = ref->p[ref_best->idx[j]].row;
            if (same_figure(a, b)) {
                out[i].ref = ref_best->idx[j];
                out[i].kind = BENCH_MATCH_EXACT;
                if (used_ref)
                    used_ref[j] = 1;
                break;
            }
            if (allow_nearest && strcmp(a->variant, b->variant) == 0 &&
                strcmp(a->scheme, b->scheme) == 0) {
                double d = fabs(log(cells_per_step(a) / cells_per_step(b))) +
                           1e-3 * fabs(log((double)(a->timesteps + 1) / (double)(b->timesteps + 1)));
                if (d < best_d) {
                    best_d = d;
                    out[i].ref = ref_best->idx[j];
                    out[i].kind = BENCH_MATCH_NEAREST;
                }
            }
        }
    }
    return STENCIL_OK;
}

