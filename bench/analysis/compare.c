#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/compare.h"

int bench_point_same(const bench_row *a, const bench_row *b)
{
    return a->provenance == b->provenance && strcmp(a->variant, b->variant) == 0 &&
           strcmp(a->device, b->device) == 0 && strcmp(a->scheme, b->scheme) == 0 &&
           a->nz == b->nz && a->ny == b->ny && a->nx == b->nx && a->timesteps == b->timesteps &&
           a->threads == b->threads && strcmp(a->tuning, b->tuning) == 0 &&
           strcmp(a->host_memory, b->host_memory) == 0 &&
           strcmp(a->grid_source, b->grid_source) == 0;
}

void bench_point_label(const bench_row *r, char *buf, size_t cap)
{
    int n = snprintf(buf, cap, "%s %ldx%ldx%ld x%ld", r->variant, r->nz, r->ny, r->nx, r->timesteps);
    if (n < 0 || (size_t)n >= cap)
        return;
    if (strcmp(r->device, "cpu") == 0)
        n += snprintf(buf + n, cap - (size_t)n, " %ldt", r->threads);
    if ((size_t)n < cap && strcmp(r->scheme, "course") != 0)
        n += snprintf(buf + n, cap - (size_t)n, " %s", r->scheme);
    if ((size_t)n < cap && strcmp(r->tuning, "default") != 0)
        n += snprintf(buf + n, cap - (size_t)n, " %s", r->tuning);
    if ((size_t)n < cap && strcmp(r->host_memory, "none") != 0)
        n += snprintf(buf + n, cap - (size_t)n, " %s", r->host_memory);
    if ((size_t)n < cap && strcmp(r->grid_source, "synthetic") != 0)
        snprintf(buf + n, cap - (size_t)n, " %s", r->grid_source);
}

stencil_status bench_points_build(const bench_timings *t, bench_points *out, stencil_error *err)
{
    memset(out, 0, sizeof *out);
    size_t *of = malloc((t->count ? t->count : 1) * sizeof *of);
    out->p = calloc(t->count ? t->count : 1, sizeof *out->p);
    out->store = malloc((t->count ? 2 * t->count : 1) * sizeof *out->store);
    double *tmp = malloc((t->count ? t->count : 1) * sizeof *tmp);
    size_t *ix = malloc((t->count ? t->count : 1) * sizeof *ix);
    if (!of || !out->p || !out->store || !tmp || !ix) {
        free(of);
        free(tmp);
        free(ix);
        bench_points_free(out);
        snprintf(err->msg, sizeof err->msg, "out of memory grouping %zu rows", t->count);
        return STENCIL_ERR_NOMEM;
    }
    for (size_t i = 0; i < t->count; i++) { /* which point each row belongs to */
        size_t j = 0;
        while (j < out->count && !bench_point_same(out->p[j].row, &t->rows[i]))
            j++;
        if (j == out->count)
            out->p[out->count++].row = &t->rows[i];
        of[i] = j;
    }
    size_t used = 0;
    for (size_t j = 0; j < out->count; j++) {
        bench_point *p = &out->p[j];
        p->rates = out->store + used;
        size_t nr = 0, nc = 0;
        double *roof = tmp, *copy;
        for (size_t i = 0; i < t->count; i++) {
            if (of[i] != j)
                continue;
            if (!t->rows[i].ok) {
                p->failed++;
                continue;
            }
            p->rates[p->n++] = t->rows[i].cell_updates_per_s;
            if (isfinite(t->rows[i].roofline_fraction))
                roof[nr++] = t->rows[i].roofline_fraction;
        }
        used += p->n;
        p->median_rate = bench_stats_median(p->rates, p->n);
        p->median_roofline = bench_stats_median(roof, nr);
        copy = tmp;
        for (size_t i = 0; i < t->count; i++)
            if (of[i] == j && t->rows[i].ok && isfinite(t->rows[i].copy_gbps))
                copy[nc++] = t->rows[i].copy_gbps;
        p->median_copy_gbps = bench_stats_median(copy, nc);
        p->run_medians = out->store + used; /* one median per distinct run_id */
        size_t nix = 0;
        for (size_t i = 0; i < t->count; i++)
            if (of[i] == j && t->rows[i].ok)
                ix[nix++] = i;
        for (size_t a = 0; a < nix; a++) {
            const char *run = t->rows[ix[a]].run_id;
            int first = 1;
            for (size_t b = 0; b < a && first; b++)
                first = strcmp(t->rows[ix[b]].run_id, run) != 0;
            if (!first)
                continue;
            size_t nr_run = 0;
            for (size_t b = a; b < nix; b++)
                if (strcmp(t->rows[ix[b]].run_id, run) == 0)
                    tmp[nr_run++] = t->rows[ix[b]].cell_updates_per_s;
            p->run_medians[p->nruns++] = bench_stats_median(tmp, nr_run);
        }
        used += p->nruns;
    }
    free(of);
    free(tmp);
    free(ix);
    return STENCIL_OK;
}

void bench_points_free(bench_points *pts)
{
    free(pts->p);
    free(pts->store);
    memset(pts, 0, sizeof *pts);
}

/* Same variant, scheme, grid and timesteps: the "figure" two machines are compared on. */
static int same_figure(const bench_row *a, const bench_row *b)
{
    return strcmp(a->variant, b->variant) == 0 && strcmp(a->scheme, b->scheme) == 0 &&
           a->nz == b->nz && a->ny == b->ny && a->nx == b->nx && a->timesteps == b->timesteps;
}

stencil_status bench_points_best(const bench_points *pts, bench_best *out, stencil_error *err)
{
    memset(out, 0, sizeof *out);
    out->idx = malloc((pts->count ? pts->count : 1) * sizeof *out->idx);
    if (!out->idx) {
        snprintf(err->msg, sizeof err->msg, "out of memory");
        return STENCIL_ERR_NOMEM;
    }
    for (size_t i = 0; i < pts->count; i++) {
        const bench_point *p = &pts->p[i];
        if (p->n == 0)
            continue;
        size_t b = 0;
        while (b < out->count && !same_figure(pts->p[out->idx[b]].row, p->row))
            b++;
        if (b == out->count) {
            out->idx[out->count++] = i;
            continue;
        }
        const bench_point *q = &pts->p[out->idx[b]];
        if (p->row->threads > q->row->threads ||
            (p->row->threads == q->row->threads && p->median_rate > q->median_rate))
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

stencil_status bench_match_points(const bench_points *mine, const bench_best *mine_best,
                                  const bench_points *ref, const bench_best *ref_best,
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

const char *bench_verdict_name(bench_verdict v)
{
    static const char *names[] = {"SAME", "FASTER", "SLOWER", "UNSURE"};
    return names[v];
}

stencil_status bench_gate_decide(const double *base, size_t nb, const double *fresh, size_t nf,
                                 const double *base_runs, size_t nbr, const double *fresh_runs,
                                 size_t nfr, const bench_gate_options *opt,
                                 bench_gate_point *out, stencil_error *err)
{
    memset(&out->mwu, 0, sizeof out->mwu);
    memset(&out->mwu_runs, 0, sizeof out->mwu_runs);
    out->runs_used = 0;
    double mb = bench_stats_median(base, nb), mf = bench_stats_median(fresh, nf);
    out->ratio = mf / mb;
    if (nb < 2 || nf < 2) {
        out->verdict = BENCH_UNSURE;
        out->why = "too few repetitions (need 2 or more on each side)";
        return STENCIL_OK;
    }
    stencil_status st = bench_mann_whitney(fresh, nf, base, nb, &out->mwu, err);
    if (st != STENCIL_OK)
        return st;
    double effect = out->ratio - 1.0;
    if (out->mwu.p_min >= opt->alpha) {
        out->verdict = BENCH_UNSURE;
        out->why = "too few repetitions to reach the significance level";
    } else if (fabs(effect) < opt->threshold) {
        out->verdict = BENCH_SAME;
        out->why = out->mwu.p < opt->alpha ? "significant, but smaller than the threshold"
                                           : "within the threshold";
    } else if (out->mwu.p < opt->alpha) {
        out->verdict = effect < 0.0 ? BENCH_SLOWER : BENCH_FASTER;
        out->why = "significant and beyond the threshold";
        if (nbr >= 2 && nfr >= 2) {
            st = bench_mann_whitney(fresh_runs, nfr, base_runs, nbr, &out->mwu_runs, err);
            if (st != STENCIL_OK)
                return st;
            if (out->mwu_runs.p_min < opt->alpha) {
                out->runs_used = 1;
                if (out->mwu_runs.p >= opt->alpha) {
                    out->verdict = BENCH_UNSURE;
                    out->why = "significant over repetitions but not across runs (noisy runs)";
                }
            }
        }
    } else {
        out->verdict = BENCH_UNSURE;
        out->why = "beyond the threshold but not significant (noisy)";
    }
    return STENCIL_OK;
}
