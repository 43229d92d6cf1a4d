/* The run data of plots (run_data.h): machine.json through cJSON, timings.csv through the
 * project's one reader and grouping (bench/timings, bench/analysis/points). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot.h"
#include "plot_internal.h"
#include "run_data.h"
#include "analysis/points.h"

static void copy_field(char *dst, size_t len, const char *src)
{
    snprintf(dst, len, "%s", src);
}

const char *plot_json_str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

double plot_json_num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static stencil_status read_machine(const char *run_dir, plot_run_data *d, stencil_error *err)
{
    char path[PLOT_PATH_MAX];
    stencil_status st = plot_path(path, sizeof path, err, "%s/machine.json", run_dir);
    if (st != STENCIL_OK)
        return st;
    FILE *f = fopen(path, "rb");
    if (!f) {
        plot_msg(err, "cannot read %s: %s (is %s a run folder?)", path, strerror(errno), run_dir);
        return STENCIL_ERR_IO;
    }
    plot_buf b = {0};
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        plot_buf_append(&b, chunk, n);
    fclose(f);
    if (b.failed || !b.s) {
        plot_buf_free(&b);
        plot_msg(err, "%s is empty or too large", path);
        return b.failed ? STENCIL_ERR_NOMEM : STENCIL_ERR_IO;
    }
    d->m.json = cJSON_Parse(b.s);
    plot_buf_free(&b);
    if (!cJSON_IsObject(d->m.json)) {
        plot_msg(err, "%s is not a JSON object (results/SCHEMA.md)", path);
        return STENCIL_ERR_IO;
    }
    const cJSON *j = d->m.json, *cpu = cJSON_GetObjectItemCaseSensitive(j, "cpu"),
                *gpu = cJSON_GetObjectItemCaseSensitive(j, "gpu");
    const char *label = plot_json_str(j, "label") ? plot_json_str(j, "label") : plot_json_str(j, "hostname");
    copy_field(d->m.label, sizeof d->m.label, label ? label : "unknown machine");
    if (cJSON_IsObject(cpu)) {
        const char *model = plot_json_str(cpu, "model");
        double cores = plot_json_num(cpu, "cores");
        /* The label often names the CPU already (harness: "AMD EPYC (2 cores)"). */
        if (model && strstr(d->m.label, model))
            d->m.cpu[0] = '\0';
        else if (isfinite(cores))
            snprintf(d->m.cpu, sizeof d->m.cpu, "%s, %.0f cores", model ? model : "CPU", cores);
        else
            copy_field(d->m.cpu, sizeof d->m.cpu, model ? model : "CPU");
        const cJSON *caches = cJSON_GetObjectItemCaseSensitive(cpu, "caches"), *e;
        cJSON_ArrayForEach(e, caches)
        {
            const char *type = plot_json_str(e, "type");
            double level = plot_json_num(e, "level"), size = plot_json_num(e, "size_bytes");
            if (d->m.ncpu_cache >= PLOT_MAX_CACHES || !isfinite(size) || size <= 0 || !isfinite(level) ||
                (type && strcmp(type, "instruction") == 0))
                continue;
            plot_cache *pc = &d->m.cpu_cache[d->m.ncpu_cache++];
            char hb[32];
            plot_human_bytes(size, hb, sizeof hb);
            pc->bytes = size;
            snprintf(pc->label, sizeof pc->label, "L%.0f%s %s", level,
                     type && strcmp(type, "data") == 0 ? "d" : "", hb);
        }
    }
    const char *scaling = plot_json_str(cJSON_GetObjectItemCaseSensitive(j, "config"), "scaling");
    d->weak = scaling && strcmp(scaling, "weak") == 0;
    if (cJSON_IsObject(gpu)) {
        const char *name = plot_json_str(gpu, "name");
        copy_field(d->m.gpu, sizeof d->m.gpu, name ? name : "GPU");
        d->m.gpu_l2 = plot_json_num(gpu, "l2_bytes");
    }
    return STENCIL_OK;
}

static int long_cmp(long x, long y)
{
    return (x > y) - (x < y);
}

/* The charts' order: a variant's points are neighbours, then host memory, tuning, scheme,
 * device, threads, timesteps, ranks and cells. */
static int key_cmp(const plot_key *a, const plot_key *b)
{
    int d;
    if ((d = strcmp(a->variant, b->variant)) || (d = strcmp(a->host, b->host)) ||
        (d = strcmp(a->tuning, b->tuning)) || (d = strcmp(a->scheme, b->scheme)) ||
        (d = strcmp(a->device, b->device)) || (d = long_cmp(a->threads, b->threads)) ||
        (d = long_cmp(a->steps, b->steps)) || (d = long_cmp(a->ranks, b->ranks)))
        return d;
    /* Cells as a double: the product of three longs can overflow. */
    double x = (double)a->nz * (double)a->ny * (double)a->nx,
           y = (double)b->nz * (double)b->ny * (double)b->nx;
    if (x != y)
        return x < y ? -1 : 1;
    if ((d = long_cmp(a->nz, b->nz)) || (d = long_cmp(a->ny, b->ny)))
        return d;
    return long_cmp(a->nx, b->nx);
}

static int point_cmp(const void *a, const void *b)
{
    return key_cmp(&((const plot_point *)a)->k, &((const plot_point *)b)->k);
}

/* The run's measured rows with status ok, grouped by the project's one grouping
 * (analysis/points.h), as the charts' points. */
static stencil_status read_points(const char *run_dir, plot_run_data *d, stencil_error *err)
{
    bench_timings t = {0};
    stencil_status st = bench_timings_read(run_dir, BENCH_READ_BY_NAME, &t, err);
    if (st != STENCIL_OK) {
        bench_timings_free(&t);
        return st == STENCIL_ERR_NOMEM ? st : STENCIL_ERR_IO;
    }
    size_t kept = 0;
    for (size_t i = 0; i < t.count; i++) {
        const char *status = t.rows[i].status;
        if (t.rows[i].provenance != BENCH_MEASURED)
            d->rows_not_measured++;
        else if (strcmp(status, "ok") == 0)
            t.rows[kept++] = t.rows[i];
        else if (strncmp(status, "failed", 6) == 0)
            d->rows_failed++;
        else if (strncmp(status, "skipped", 7) == 0)
            d->rows_skipped++;
        else
            d->rows_other_status++;
    }
    d->rows_ok = kept;
    bench_results res;
    st = bench_results_build(t.rows, kept, &res, err);
    if (st == STENCIL_OK && res.count) {
        d->pts = malloc(res.count * sizeof *d->pts);
        if (!d->pts)
            st = stencil_fail(err, STENCIL_ERR_NOMEM, "out of memory for %zu points", res.count);
    }
    for (size_t j = 0; st == STENCIL_OK && j < res.count; j++) {
        const bench_result *r = &res.p[j];
        if (r->n == 0) /* status ok but no rate: nothing to draw */
            continue;
        plot_point *p = &d->pts[d->np++];
        memset(p, 0, sizeof *p);
        snprintf(p->k.variant, sizeof p->k.variant, "%s", r->row->variant);
        snprintf(p->k.device, sizeof p->k.device, "%s", r->row->device);
        snprintf(p->k.scheme, sizeof p->k.scheme, "%s", r->row->scheme);
        snprintf(p->k.tuning, sizeof p->k.tuning, "%s", r->row->tuning);
        snprintf(p->k.host, sizeof p->k.host, "%s", r->row->host_memory);
        p->k.nz = r->row->nz, p->k.ny = r->row->ny, p->k.nx = r->row->nx;
        p->k.threads = r->row->threads, p->k.steps = r->row->timesteps;
        p->k.ranks = r->row->ranks > 0 ? r->row->ranks : 1;
        p->cells = (double)p->k.nz * (double)p->k.ny * (double)p->k.nx;
        p->reps = (int)r->n;
        for (int m = 0; m < PLOT_M_N; m++) {
            p->med[m] = r->stat[m].median;
            p->lo[m] = r->stat[m].min;
            p->hi[m] = r->stat[m].max;
        }
    }
    if (st == STENCIL_OK)
        qsort(d->pts, d->np, sizeof *d->pts, point_cmp);
    bench_results_free(&res);
    bench_timings_free(&t);
    return st;
}

stencil_status plot_run_data_load(const char *run_dir, plot_run_data *d, stencil_error *err)
{
    memset(d, 0, sizeof *d);
    stencil_status st = read_machine(run_dir, d, err);
    if (st == STENCIL_OK)
        st = read_points(run_dir, d, err);
    return st;
}

void plot_run_data_free(plot_run_data *d)
{
    free(d->pts);
    cJSON_Delete(d->m.json);
    memset(d, 0, sizeof *d);
}
