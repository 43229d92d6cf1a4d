#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/points.h"

static int cmp_long(long a, long b) { return (a > b) - (a < b); }

/* A total order on the key fields: equal exactly when bench_result_same. */
static int key_cmp(const bench_row *a, const bench_row *b)
{
    int d;
    if ((d = cmp_long(a->provenance, b->provenance)) || (d = strcmp(a->variant, b->variant)) ||
        (d = strcmp(a->device, b->device)) || (d = strcmp(a->scheme, b->scheme)) ||
        (d = cmp_long(a->nz, b->nz)) || (d = cmp_long(a->ny, b->ny)) || (d = cmp_long(a->nx, b->nx)) ||
        (d = cmp_long(a->timesteps, b->timesteps)) || (d = cmp_long(a->threads, b->threads)) ||
        (d = cmp_long(a->ranks, b->ranks)) ||
        (d = strcmp(a->tuning, b->tuning)) || (d = strcmp(a->host_memory, b->host_memory)))
        return d;
    return strcmp(a->grid_source, b->grid_source);
}

int bench_result_same(const bench_row *a, const bench_row *b) { return key_cmp(a, b) == 0; }

void bench_result_label(const bench_row *r, char *buf, size_t cap)
{
    int n = snprintf(buf, cap, "%s %ldx%ldx%ld x%ld", r->variant, r->nz, r->ny, r->nx, r->timesteps);
    if (n < 0 || (size_t)n >= cap)
        return;
    if (strcmp(r->device, "cpu") == 0)
        n += snprintf(buf + n, cap - (size_t)n, " %ldt", r->threads);
    if ((size_t)n < cap && r->ranks > 1)
        n += snprintf(buf + n, cap - (size_t)n, " %ldr", r->ranks);
    if ((size_t)n < cap && strcmp(r->scheme, "course") != 0)
        n += snprintf(buf + n, cap - (size_t)n, " %s", r->scheme);
    if ((size_t)n < cap && strcmp(r->tuning, "default") != 0)
        n += snprintf(buf + n, cap - (size_t)n, " %s", r->tuning);
    if ((size_t)n < cap && strcmp(r->host_memory, "none") != 0)
        n += snprintf(buf + n, cap - (size_t)n, " %s", r->host_memory);
    if ((size_t)n < cap && strcmp(r->grid_source, "synthetic") != 0)
        snprintf(buf + n, cap - (size_t)n, " %s", r->grid_source);
}

typedef struct sort_ctx_item {
    const bench_row *r;
    size_t i;
} item;

static int item_by_key(const void *a, const void *b)
{
    const item *x = a, *y = b;
    int d = key_cmp(x->r, y->r);
    return d ? d : (x->i > y->i) - (x->i < y->i);
}

static int item_by_run(const void *a, const void *b)
{
    const item *x = a, *y = b;
    int d = strcmp(x->r->run_id, y->r->run_id);
    return d ? d : (x->i > y->i) - (x->i < y->i);
}

static double metric(const bench_row *r, bench_metric m)
{
    switch (m) {
    case BENCH_M_H2D: return r->h2d_s;
    case BENCH_M_COMPUTE: return r->compute_s;
    case BENCH_M_D2H: return r->d2h_s;
    case BENCH_M_TOTAL: return r->total_s;
    case BENCH_M_RATE: return r->cell_updates_per_s;
    case BENCH_M_ROOF: return r->roofline_fraction;
    case BENCH_M_HALO: return r->halo_s;
    default: return r->copy_gbps;
    }
}

typedef struct group {
    size_t first;  /* index of the point's first row */
    size_t begin, end; /* its rows in the sorted items */
    size_t key_rank;   /* its place in key order */
} group;

static int group_by_first(const void *a, const void *b)
{
    const group *x = a, *y = b;
    return (x->first > y->first) - (x->first < y->first);
}

/* The statistics and run medians of one point, from its rows in items[g->begin, g->end). */
static void summarise(bench_result *p, item *it, const group *g, double *tmp, double **store)
{
    p->rates = *store;
    for (size_t k = g->begin; k < g->end; k++) {
        if (bench_row_ok(it[k].r))
            p->rates[p->n++] = it[k].r->cell_updates_per_s;
        else
            p->failed++;
    }
    *store += p->n;
    for (int m = 0; m < BENCH_M_COUNT; m++) {
        size_t nv = 0;
        for (size_t k = g->begin; k < g->end; k++)
            if (bench_row_ok(it[k].r) && isfinite(metric(it[k].r, (bench_metric)m)))
                tmp[nv++] = metric(it[k].r, (bench_metric)m);
        bench_stats_of(tmp, nv, &p->stat[m]);
    }
    /* one median per distinct run_id: the ok rows sorted by run */
    size_t nok = 0;
    for (size_t k = g->begin; k < g->end; k++)
        if (bench_row_ok(it[k].r))
            it[g->begin + nok++] = it[k];
    qsort(it + g->begin, nok, sizeof *it, item_by_run);
    p->run_medians = *store;
    for (size_t a = 0; a < nok;) {
        size_t b = a, nr = 0;
        while (b < nok && strcmp(it[g->begin + a].r->run_id, it[g->begin + b].r->run_id) == 0)
            tmp[nr++] = it[g->begin + b++].r->cell_updates_per_s;
        p->run_medians[p->nruns++] = bench_median(tmp, nr);
        a = b;
    }
    *store += p->nruns;
}

stencil_status bench_results_build(const bench_row *rows, size_t count, bench_results *out,
                                  stencil_error *err)
{
    memset(out, 0, sizeof *out);
    size_t n1 = count ? count : 1;
    item *it = malloc(n1 * sizeof *it);
    group *g = malloc(n1 * sizeof *g);
    double *tmp = malloc(n1 * sizeof *tmp);
    out->p = calloc(n1, sizeof *out->p);
    out->store = malloc(2 * n1 * sizeof *out->store);
    if (!it || !g || !tmp || !out->p || !out->store) {
        free(it);
        free(g);
        free(tmp);
        bench_results_free(out);
        return stencil_fail(err, STENCIL_ERR_NOMEM, "out of memory grouping %zu rows", count);
    }
    for (size_t i = 0; i < count; i++)
        it[i] = (item){&rows[i], i};
    qsort(it, count, sizeof *it, item_by_key);
    size_t ng = 0;
    for (size_t a = 0; a < count;) {
        size_t b = a + 1;
        while (b < count && key_cmp(it[a].r, it[b].r) == 0)
            b++;
        g[ng++] = (group){it[a].i, a, b, 0};
        a = b;
    }
    for (size_t j = 0; j < ng; j++)
        g[j].key_rank = j;
    qsort(g, ng, sizeof *g, group_by_first);
    out->by_key = malloc(n1 * sizeof *out->by_key);
    if (!out->by_key) {
        free(it);
        free(g);
        free(tmp);
        bench_results_free(out);
        return stencil_fail(err, STENCIL_ERR_NOMEM, "out of memory grouping %zu rows", count);
    }
    double *store = out->store;
    for (size_t j = 0; j < ng; j++) {
        bench_result *p = &out->p[out->count++];
        p->row = &rows[g[j].first];
        out->by_key[g[j].key_rank] = j;
        summarise(p, it, &g[j], tmp, &store);
    }
    free(it);
    free(g);
    free(tmp);
    return STENCIL_OK;
}

size_t bench_results_find(const bench_results *pts, const bench_row *key)
{
    size_t lo = 0, hi = pts->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int d = key_cmp(pts->p[pts->by_key[mid]].row, key);
        if (d == 0)
            return pts->by_key[mid];
        if (d < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (size_t)-1;
}

void bench_results_free(bench_results *pts)
{
    free(pts->by_key);
    free(pts->p);
    free(pts->store);
    memset(pts, 0, sizeof *pts);
}
