/* The run data of plots (run_data.h): machine.json through cJSON, timings.csv through a
 * small reader of its own (comma-separated, no quoting), rows grouped into points. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot.h"
#include "plot_internal.h"
#include "run_data.h"

typedef struct plot_row {
    plot_key k;
    double v[PLOT_M_N];
} plot_row;

static void copy_field(char *dst, size_t len, const char *src)
{
    snprintf(dst, len, "%s", src);
}

static double num(const char *s)
{
    if (!s || !*s)
        return NAN;
    char *end;
    double v = strtod(s, &end);
    return *end ? NAN : v;
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
    if (cJSON_IsObject(gpu)) {
        const char *name = plot_json_str(gpu, "name");
        copy_field(d->m.gpu, sizeof d->m.gpu, name ? name : "GPU");
        d->m.gpu_l2 = plot_json_num(gpu, "l2_bytes");
    }
    return STENCIL_OK;
}

static const char *required_cols[] = {"variant",
                                      "device",
                                      "scheme",
                                      "nz",
                                      "ny",
                                      "nx",
                                      "threads",
                                      "tuning",
                                      "host_memory",
                                      "timesteps",
                                      "h2d_s",
                                      "compute_s",
                                      "d2h_s",
                                      "total_s",
                                      "cell_updates_per_s",
                                      "roofline_fraction",
                                      "copy_gbps",
                                      "status"};
enum {
    C_VARIANT,
    C_DEVICE,
    C_SCHEME,
    C_NZ,
    C_NY,
    C_NX,
    C_THREADS,
    C_TUNING,
    C_HOST,
    C_STEPS,
    C_H2D,
    C_COMPUTE,
    C_D2H,
    C_TOTAL,
    C_RATE,
    C_ROOF,
    C_COPY,
    C_STATUS,
    C_PROVENANCE,
    C_NCOLS
};

enum { MAX_FIELDS = 64 };

static int split(char *line, char **f, int max)
{
    int n = 0;
    line[strcspn(line, "\r\n")] = '\0';
    for (char *p = line;; p++) {
        if (n < max)
            f[n] = p;
        n++;
        p += strcspn(p, ",");
        if (!*p)
            break;
        *p = '\0';
    }
    return n < max ? n : max;
}

static stencil_status read_rows(const char *run_dir, plot_run_data *d, plot_row **rows, size_t *nrows,
                                stencil_error *err)
{
    char path[PLOT_PATH_MAX];
    stencil_status st = plot_path(path, sizeof path, err, "%s/timings.csv", run_dir);
    if (st != STENCIL_OK)
        return st;
    FILE *f = fopen(path, "r");
    if (!f) {
        plot_msg(err, "cannot read %s: %s", path, strerror(errno));
        return STENCIL_ERR_IO;
    }
    char *line = NULL;
    size_t cap = 0;
    int col[C_NCOLS];
    char *fld[MAX_FIELDS];
    st = STENCIL_OK;
    if (getline(&line, &cap, f) < 0) {
        plot_msg(err, "%s is empty: it needs the header line (results/SCHEMA.md)", path);
        st = STENCIL_ERR_IO;
        goto done;
    }
    int nf = split(line, fld, MAX_FIELDS);
    for (int i = 0; i < C_NCOLS; i++) {
        const char *want = i == C_PROVENANCE ? "provenance" : required_cols[i];
        col[i] = -1;
        for (int j = 0; j < nf; j++)
            if (strcmp(fld[j], want) == 0)
                col[i] = j;
        if (col[i] < 0 && i != C_PROVENANCE) {
            plot_msg(err, "%s has no column '%s' (results/SCHEMA.md)", path, want);
            st = STENCIL_ERR_IO;
            goto done;
        }
    }
    size_t cap_rows = 0;
    long lineno = 1;
    while (getline(&line, &cap, f) >= 0) {
        lineno++;
        if (line[strspn(line, " \r\n")] == '\0')
            continue;
        int n = split(line, fld, MAX_FIELDS);
        int ok = 1;
        for (int i = 0; i < C_NCOLS; i++)
            if (col[i] >= n)
                ok = 0;
        if (!ok) {
            plot_msg(err, "%s:%ld: %d fields, fewer than the header's", path, lineno, n);
            st = STENCIL_ERR_IO;
            goto done;
        }
        if (strcmp(fld[col[C_STATUS]], "ok") != 0 || (col[C_PROVENANCE] >= 0 && *fld[col[C_PROVENANCE]] &&
                                                      strcmp(fld[col[C_PROVENANCE]], "measured") != 0)) {
            d->rows_other++;
            continue;
        }
        if (*nrows == cap_rows) {
            size_t nc = cap_rows ? 2 * cap_rows : 256;
            plot_row *r = realloc(*rows, nc * sizeof *r);
            if (!r) {
                plot_msg(err, "out of memory reading %s", path);
                st = STENCIL_ERR_NOMEM;
                goto done;
            }
            *rows = r;
            cap_rows = nc;
        }
        plot_row *r = &(*rows)[*nrows];
        memset(r, 0, sizeof *r);
        copy_field(r->k.variant, sizeof r->k.variant, fld[col[C_VARIANT]]);
        copy_field(r->k.device, sizeof r->k.device, fld[col[C_DEVICE]]);
        copy_field(r->k.scheme, sizeof r->k.scheme, fld[col[C_SCHEME]]);
        copy_field(r->k.tuning, sizeof r->k.tuning, fld[col[C_TUNING]]);
        copy_field(r->k.host, sizeof r->k.host, fld[col[C_HOST]]);
        double dims[5] = {num(fld[col[C_NZ]]), num(fld[col[C_NY]]), num(fld[col[C_NX]]),
                          num(fld[col[C_THREADS]]), num(fld[col[C_STEPS]])};
        for (int i = 0; i < 5; i++)
            if (!(dims[i] >= 0 && dims[i] < 1e12))
                ok = 0;
        if (!ok || !*r->k.variant) {
            plot_msg(err, "%s:%ld: a grid, threads or timesteps field is not a number", path, lineno);
            st = STENCIL_ERR_IO;
            goto done;
        }
        r->k.nz = (long)dims[0], r->k.ny = (long)dims[1], r->k.nx = (long)dims[2];
        r->k.threads = (long)dims[3], r->k.steps = (long)dims[4];
        static const int mcol[PLOT_M_N] = {C_H2D, C_COMPUTE, C_D2H, C_TOTAL, C_RATE, C_ROOF, C_COPY};
        for (int m = 0; m < PLOT_M_N; m++)
            r->v[m] = num(fld[col[mcol[m]]]);
        (*nrows)++;
        d->rows_ok++;
    }
done:
    free(line);
    fclose(f);
    return st;
}

static int long_cmp(long x, long y)
{
    return (x > y) - (x < y);
}

static int key_cmp(const plot_key *a, const plot_key *b)
{
    int d;
    if ((d = strcmp(a->variant, b->variant)) || (d = strcmp(a->host, b->host)) ||
        (d = strcmp(a->tuning, b->tuning)) || (d = strcmp(a->scheme, b->scheme)) ||
        (d = strcmp(a->device, b->device)) || (d = long_cmp(a->threads, b->threads)) ||
        (d = long_cmp(a->steps, b->steps)))
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

static int row_cmp(const void *a, const void *b)
{
    return key_cmp(&((const plot_row *)a)->k, &((const plot_row *)b)->k);
}

static int dbl_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median, min and max of the finite values of one metric over rows [r, r+n). */
static void stats(const plot_row *r, size_t n, int m, double *tmp, double *med, double *lo, double *hi)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(r[i].v[m]))
            tmp[k++] = r[i].v[m];
    if (k == 0) {
        *med = *lo = *hi = NAN;
        return;
    }
    qsort(tmp, k, sizeof *tmp, dbl_cmp);
    *med = k % 2 ? tmp[k / 2] : 0.5 * (tmp[k / 2 - 1] + tmp[k / 2]);
    *lo = tmp[0];
    *hi = tmp[k - 1];
}

static stencil_status aggregate(plot_run_data *d, plot_row *rows, size_t n, stencil_error *err)
{
    if (n == 0)
        return STENCIL_OK;
    qsort(rows, n, sizeof *rows, row_cmp);
    double *tmp = malloc(n * sizeof *tmp);
    d->pts = malloc(n * sizeof *d->pts);
    if (!tmp || !d->pts) {
        free(tmp);
        plot_msg(err, "out of memory aggregating %zu rows", n);
        return STENCIL_ERR_NOMEM;
    }
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && key_cmp(&rows[i].k, &rows[j].k) == 0)
            j++;
        plot_point *p = &d->pts[d->np++];
        p->k = rows[i].k;
        p->cells = (double)p->k.nz * (double)p->k.ny * (double)p->k.nx;
        p->reps = (int)(j - i);
        for (int m = 0; m < PLOT_M_N; m++)
            stats(rows + i, j - i, m, tmp, &p->med[m], &p->lo[m], &p->hi[m]);
        i = j;
    }
    free(tmp);
    return STENCIL_OK;
}

stencil_status plot_run_data_load(const char *run_dir, plot_run_data *d, stencil_error *err)
{
    memset(d, 0, sizeof *d);
    plot_row *rows = NULL;
    size_t nrows = 0;
    stencil_status st;
    if ((st = read_machine(run_dir, d, err)) == STENCIL_OK &&
        (st = read_rows(run_dir, d, &rows, &nrows, err)) == STENCIL_OK)
        st = aggregate(d, rows, nrows, err);
    free(rows);
    return st;
}

void plot_run_data_free(plot_run_data *d)
{
    free(d->pts);
    cJSON_Delete(d->m.json);
    memset(d, 0, sizeof *d);
}
