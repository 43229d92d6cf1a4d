/* stencilbench plot: the charts of one run, from its timings.csv and machine.json only.
 *
 * Rows with status ok are grouped per point (variant, grid, threads, timesteps, tuning, host
 * memory, scheme); each point keeps the median, min and max of its repetitions. Each chart
 * writes its points to plots/data/<chart>.dat and a script plots/data/<chart>.gp (settings,
 * then the body of plots/<kind>.gp, once for PNG and once for SVG); gnuplot draws. */
#define _POSIX_C_SOURCE 200809L
#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot.h"
#include "plot_internal.h"

enum { M_H2D, M_COMPUTE, M_D2H, M_TOTAL, M_RATE, M_ROOF, M_COPY, M_N };
/* MAX_SERIES: one colour each (col[1..10] in the scripts) */
enum { MAX_CHARTS = 128, MAX_SERIES = 10, MAX_CACHES = 8, CHART_W = 960, CHART_H = 620 };

typedef struct plot_key {
    char variant[48], device[8], scheme[16], tuning[96], host[16];
    long nz, ny, nx, threads, steps;
} plot_key;

typedef struct plot_row {
    plot_key k;
    double v[M_N];
} plot_row;

typedef struct plot_point {
    plot_key k;
    double cells; /* nz * ny * nx */
    int reps;
    double med[M_N], lo[M_N], hi[M_N];
} plot_point;

typedef struct plot_cache {
    double bytes;
    char label[48];
} plot_cache;

typedef struct plot_machine {
    char label[128], cpu[160], gpu[160];
    plot_cache cpu_cache[MAX_CACHES];
    int ncpu_cache;
    double gpu_l2;
    cJSON *json;
} plot_machine;

typedef struct plot_chart {
    char name[96], title[160], caption[400];
    char group[48]; /* a variant's name, or "" for the charts comparing variants */
} plot_chart;

typedef struct plot_ctx {
    char run_dir[PLOT_PATH_MAX], plots_dir[PLOT_PATH_MAX];
    plot_machine m;
    plot_point *pts;
    size_t np;
    size_t rows_ok, rows_other;
    plot_chart charts[MAX_CHARTS];
    int ncharts;
    const char *group; /* the group of the charts being made */
    size_t hidden;     /* points in no chart: a scheme or tuning other than their variant's usual */
} plot_ctx;

/* The point settings a variant's charts hold fixed. */
typedef struct plot_pref {
    const char *variant, *scheme, *tuning, *host;
    int gpu;
    long max_threads, steps; /* steps: the timestep count measured on the most grid sizes */
} plot_pref;

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

static void human_bytes(double b, char *out, size_t len)
{
    if (b >= 1024.0 * 1024 * 1024)
        snprintf(out, len, "%.3g GiB", b / (1024.0 * 1024 * 1024));
    else if (b >= 1024.0 * 1024)
        snprintf(out, len, "%.3g MiB", b / (1024.0 * 1024));
    else
        snprintf(out, len, "%.3g KiB", b / 1024.0);
}

static const char *jstr(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double jnum(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static stencil_status read_machine(plot_ctx *c, stencil_error *err)
{
    char path[PLOT_PATH_MAX];
    stencil_status st = plot_path(path, sizeof path, err, "%s/machine.json", c->run_dir);
    if (st != STENCIL_OK)
        return st;
    FILE *f = fopen(path, "rb");
    if (!f) {
        plot_msg(err, "cannot read %s: %s (is %s a run folder?)", path, strerror(errno), c->run_dir);
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
    c->m.json = cJSON_Parse(b.s);
    plot_buf_free(&b);
    if (!cJSON_IsObject(c->m.json)) {
        plot_msg(err, "%s is not a JSON object (results/SCHEMA.md)", path);
        return STENCIL_ERR_IO;
    }
    const cJSON *j = c->m.json, *cpu = cJSON_GetObjectItemCaseSensitive(j, "cpu"),
                *gpu = cJSON_GetObjectItemCaseSensitive(j, "gpu");
    const char *label = jstr(j, "label") ? jstr(j, "label") : jstr(j, "hostname");
    copy_field(c->m.label, sizeof c->m.label, label ? label : "unknown machine");
    if (cJSON_IsObject(cpu)) {
        const char *model = jstr(cpu, "model");
        double cores = jnum(cpu, "cores");
        /* The label often names the CPU already (harness: "AMD EPYC (2 cores)"). */
        if (model && strstr(c->m.label, model))
            c->m.cpu[0] = '\0';
        else if (isfinite(cores))
            snprintf(c->m.cpu, sizeof c->m.cpu, "%s, %.0f cores", model ? model : "CPU", cores);
        else
            copy_field(c->m.cpu, sizeof c->m.cpu, model ? model : "CPU");
        const cJSON *caches = cJSON_GetObjectItemCaseSensitive(cpu, "caches"), *e;
        cJSON_ArrayForEach(e, caches)
        {
            const char *type = jstr(e, "type");
            double level = jnum(e, "level"), size = jnum(e, "size_bytes");
            if (c->m.ncpu_cache >= MAX_CACHES || !isfinite(size) || size <= 0 || !isfinite(level) ||
                (type && strcmp(type, "instruction") == 0))
                continue;
            plot_cache *pc = &c->m.cpu_cache[c->m.ncpu_cache++];
            char hb[32];
            human_bytes(size, hb, sizeof hb);
            pc->bytes = size;
            snprintf(pc->label, sizeof pc->label, "L%.0f%s %s", level,
                     type && strcmp(type, "data") == 0 ? "d" : "", hb);
        }
    }
    if (cJSON_IsObject(gpu)) {
        const char *name = jstr(gpu, "name");
        copy_field(c->m.gpu, sizeof c->m.gpu, name ? name : "GPU");
        c->m.gpu_l2 = jnum(gpu, "l2_bytes");
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

static stencil_status read_rows(plot_ctx *c, plot_row **rows, size_t *nrows, stencil_error *err)
{
    char path[PLOT_PATH_MAX];
    stencil_status st = plot_path(path, sizeof path, err, "%s/timings.csv", c->run_dir);
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
            c->rows_other++;
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
        static const int mcol[M_N] = {C_H2D, C_COMPUTE, C_D2H, C_TOTAL, C_RATE, C_ROOF, C_COPY};
        for (int m = 0; m < M_N; m++)
            r->v[m] = num(fld[col[mcol[m]]]);
        (*nrows)++;
        c->rows_ok++;
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
    double x = (double)a->nz * (double)a->ny * (double)a->nx, y = (double)b->nz * (double)b->ny * (double)b->nx;
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

static stencil_status aggregate(plot_ctx *c, plot_row *rows, size_t n, stencil_error *err)
{
    if (n == 0)
        return STENCIL_OK;
    qsort(rows, n, sizeof *rows, row_cmp);
    double *tmp = malloc(n * sizeof *tmp);
    c->pts = malloc(n * sizeof *c->pts);
    if (!tmp || !c->pts) {
        free(tmp);
        plot_msg(err, "out of memory aggregating %zu rows", n);
        return STENCIL_ERR_NOMEM;
    }
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && key_cmp(&rows[i].k, &rows[j].k) == 0)
            j++;
        plot_point *p = &c->pts[c->np++];
        p->k = rows[i].k;
        p->cells = (double)p->k.nz * (double)p->k.ny * (double)p->k.nx;
        p->reps = (int)(j - i);
        for (int m = 0; m < M_N; m++)
            stats(rows + i, j - i, m, tmp, &p->med[m], &p->lo[m], &p->hi[m]);
        i = j;
    }
    free(tmp);
    return STENCIL_OK;
}

/* A key string of a point and the point's index: sorted, equal strings are neighbours. */
typedef struct str_at {
    const char *s;
    size_t at;
} str_at;

static int str_at_cmp(const void *a, const void *b)
{
    const str_at *x = a, *y = b;
    int d = strcmp(x->s, y->s);
    return d ? d : (x->at > y->at) - (x->at < y->at);
}

/* The most frequent value of a key string among a variant's points (prefer if present; ties:
 * the value met first). tmp holds c->np entries. */
static const char *common(const plot_ctx *c, const char *variant, size_t off, const char *prefer, str_at *tmp)
{
    size_t n = 0;
    for (size_t i = 0; i < c->np; i++) {
        if (strcmp(c->pts[i].k.variant, variant) != 0)
            continue;
        const char *s = (const char *)&c->pts[i].k + off;
        if (prefer && strcmp(s, prefer) == 0)
            return s;
        tmp[n++] = (str_at){s, i};
    }
    qsort(tmp, n, sizeof *tmp, str_at_cmp);
    const char *best = NULL;
    size_t best_n = 0, best_at = 0;
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && strcmp(tmp[j].s, tmp[i].s) == 0; j++)
            ;
        if (j - i > best_n || (j - i == best_n && tmp[i].at < best_at))
            best = tmp[i].s, best_n = j - i, best_at = tmp[i].at;
    }
    return best;
}

static int match(const plot_point *p, const plot_pref *f, long threads, long steps, const char *host)
{
    return strcmp(p->k.variant, f->variant) == 0 && strcmp(p->k.scheme, f->scheme) == 0 &&
           strcmp(p->k.tuning, f->tuning) == 0 && strcmp(p->k.host, host ? host : f->host) == 0 &&
           (threads < 0 || p->k.threads == threads) && (steps < 0 || p->k.steps == steps);
}

static int same_grid(const plot_point *a, const plot_point *b)
{
    return a->cells == b->cells && a->k.nz == b->k.nz;
}

static int point_by_steps(const void *a, const void *b)
{
    const plot_point *x = *(const plot_point *const *)a, *y = *(const plot_point *const *)b;
    if (x->k.steps != y->k.steps)
        return x->k.steps < y->k.steps ? -1 : 1;
    return x->cells != y->cells ? (x->cells < y->cells ? -1 : 1) : (x->k.nz > y->k.nz) - (x->k.nz < y->k.nz);
}

/* Fills f for one variant; tmp and pbuf hold c->np entries each (scratch). */
static void make_pref(const plot_ctx *c, const char *variant, plot_pref *f, str_at *tmp, const plot_point **pbuf)
{
    f->variant = variant;
    f->scheme = common(c, variant, offsetof(plot_key, scheme), "course", tmp);
    f->tuning = common(c, variant, offsetof(plot_key, tuning), "default", tmp);
    f->host = common(c, variant, offsetof(plot_key, host), "pinned", tmp);
    f->gpu = 0;
    f->max_threads = 0;
    f->steps = -1;
    for (size_t i = 0; i < c->np; i++) {
        const plot_point *p = &c->pts[i];
        if (!match(p, f, -1, -1, NULL))
            continue;
        f->gpu = strcmp(p->k.device, "gpu") == 0;
        if (p->k.threads > f->max_threads)
            f->max_threads = p->k.threads;
    }
    /* The timestep count measured on the most distinct grids at the most threads (ties: the
     * most steps), counted over the points sorted by steps and grid. */
    size_t n = 0;
    for (size_t i = 0; i < c->np; i++)
        if (match(&c->pts[i], f, f->max_threads, -1, NULL))
            pbuf[n++] = &c->pts[i];
    qsort(pbuf, n, sizeof *pbuf, point_by_steps);
    long best = -1;
    for (size_t i = 0, j; i < n; i = j) {
        long grids = 1;
        for (j = i + 1; j < n && pbuf[j]->k.steps == pbuf[i]->k.steps; j++)
            grids += !same_grid(pbuf[j], pbuf[j - 1]);
        if (grids > best || (grids == best && pbuf[i]->k.steps > f->steps))
            best = grids, f->steps = pbuf[i]->k.steps;
    }
}

static int point_by_cells(const void *a, const void *b)
{
    const plot_point *x = *(const plot_point *const *)a, *y = *(const plot_point *const *)b;
    return x->cells != y->cells ? (x->cells < y->cells ? -1 : 1) : (x->k.nz > y->k.nz) - (x->k.nz < y->k.nz);
}

/* Matching points sorted by grid size; returns the count. */
static size_t select_points(const plot_ctx *c, const plot_pref *f, long threads, long steps, const char *host,
                            const plot_point **out)
{
    size_t n = 0;
    for (size_t i = 0; i < c->np; i++)
        if (match(&c->pts[i], f, threads, steps, host))
            out[n++] = &c->pts[i];
    qsort(out, n, sizeof *out, point_by_cells);
    return n;
}

static void put(plot_buf *b, double v)
{
    if (isfinite(v))
        plot_buf_printf(b, " %.6g", v);
    else
        plot_buf_printf(b, " NaN");
}

/* Text as one word of a data file: blanks, quotes, '#' and control characters become '_'. */
static void data_word(plot_buf *b, const char *text)
{
    for (const char *p = text; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        plot_buf_append(b, ch <= ' ' || ch == 0x7f || ch == '"' || ch == '\'' || ch == '#' ? "_" : p, 1);
    }
    if (!*text)
        plot_buf_append(b, "_", 1);
}

/* A comment line "# text" in a data file (a newline in text would start a data line). */
static void comment(plot_buf *b, const char *text)
{
    plot_buf_printf(b, "# ");
    plot_buf_line_text(b, text);
    plot_buf_printf(b, "\n");
}

static void gp_array_str(plot_buf *b, const char *name, const char *const *v, int n)
{
    plot_buf_printf(b, "array %s[%d]\n", name, n > 0 ? n : 1);
    if (n == 0)
        plot_buf_printf(b, "%s[1] = \"\"\n", name);
    for (int i = 0; i < n; i++) {
        plot_buf_printf(b, "%s[%d] = ", name, i + 1);
        plot_buf_gp_string(b, v[i]);
        plot_buf_printf(b, "\n");
    }
}

static void gp_array_num(plot_buf *b, const char *name, const double *v, int n)
{
    plot_buf_printf(b, "array %s[%d]\n", name, n > 0 ? n : 1);
    if (n == 0)
        plot_buf_printf(b, "%s[1] = 0\n", name);
    for (int i = 0; i < n; i++)
        plot_buf_printf(b, "%s[%d] = %.9g\n", name, i + 1, v[i]);
}

static void gp_var_str(plot_buf *b, const char *name, const char *v)
{
    plot_buf_printf(b, "%s = ", name);
    plot_buf_gp_string(b, v);
    plot_buf_printf(b, "\n");
}

/* Settings every chart shares: colours (col[1..8]) and the data file. */
static void gp_common(plot_buf *b, const char *name, const char *title)
{
    plot_buf_printf(b, "# %s: written by stencilbench plot; run from the plots folder: gnuplot data/%s.gp\n",
                    name, name);
    plot_buf_printf(b, "array col[10] = [\"#1f77b4\", \"#d62728\", \"#2ca02c\", \"#9467bd\", "
                       "\"#ff7f0e\", \"#8c564b\", \"#e377c2\", \"#17becf\", \"#7f7f7f\", \"#bcbd22\"]\n");
    char dat[128];
    snprintf(dat, sizeof dat, "data/%s.dat", name);
    gp_var_str(b, "dat", dat);
    gp_var_str(b, "chart_title", title);
}

/* Writes data/<name>.dat and data/<name>.gp (settings + plots/<kind>.gp for PNG and SVG),
 * runs gnuplot and records the chart. */
static stencil_status emit(plot_ctx *c, const char *name, const char *kind, const plot_buf *dat,
                           const plot_buf *settings, const char *caption, const char *title,
                           stencil_error *err)
{
    const char *body = plot_script_text(kind);
    if (!body) {
        plot_msg(err, "internal: no embedded script %s", kind);
        return STENCIL_ERR_ARG;
    }
    if (c->ncharts >= MAX_CHARTS) {
        plot_msg(err, "more than %d charts", MAX_CHARTS);
        return STENCIL_ERR_ARG;
    }
    char path[PLOT_PATH_MAX], script[PLOT_PATH_MAX];
    stencil_status st;
    if ((st = plot_path(path, sizeof path, err, "%s/data/%s.dat", c->plots_dir, name)) != STENCIL_OK ||
        (st = plot_buf_write(dat, path, err)) != STENCIL_OK)
        return st;
    plot_buf gp = {0};
    plot_buf_append(&gp, settings->s ? settings->s : "", settings->len);
    static const char *const fmts[] = {"png", "svg"};
    for (int i = 0; i < 2; i++) {
        plot_buf_printf(&gp, "\nreset\n");
        plot_buf_terminal(&gp, fmts[i], name, CHART_W, CHART_H);
        plot_buf_append(&gp, body, strlen(body));
        plot_buf_printf(&gp, "unset output\n");
    }
    if (settings->failed)
        gp.failed = 1;
    if ((st = plot_path(script, sizeof script, err, "%s/data/%s.gp", c->plots_dir, name)) == STENCIL_OK &&
        (st = plot_buf_write(&gp, script, err)) == STENCIL_OK &&
        (st = plot_path(script, sizeof script, err, "data/%s.gp", name)) == STENCIL_OK)
        st = plot_gnuplot_run(c->plots_dir, script, err);
    plot_buf_free(&gp);
    if (st != STENCIL_OK)
        return st;
    plot_chart *ch = &c->charts[c->ncharts++];
    copy_field(ch->name, sizeof ch->name, name);
    copy_field(ch->group, sizeof ch->group, c->group ? c->group : "");
    copy_field(ch->caption, sizeof ch->caption, caption);
    copy_field(ch->title, sizeof ch->title, title);
    for (char *p = ch->title; *p; p++)
        if (*p == '\n')
            *p = ' ';
    return STENCIL_OK;
}

/* A chart's file name: kind_VARIANT, or kind_all for the charts comparing variants (variant
 * NULL). The variant part is a safe file name (plot_safe_name); a variant called "all" gets a
 * tag so its charts do not replace the comparing ones. */
static void chart_name(char *out, size_t len, const char *kind, const char *variant)
{
    char stem[80] = "all";
    if (variant)
        plot_safe_name(stem, sizeof stem, variant, strcmp(variant, "all") == 0);
    snprintf(out, len, "%s_%s", kind, stem);
}

static void machine_title(const plot_ctx *c, int cpu, int gpu, char *out, size_t len)
{
    const char *a = cpu ? c->m.cpu : "", *b = gpu ? c->m.gpu : "";
    if (*b && strstr(c->m.label, b)) /* the label already names the GPU */
        b = "";
    if (*a || *b)
        plot_fmt(out, len, "%s (%s%s%s)", c->m.label, a, *a && *b ? "; " : "", b);
    else
        plot_fmt(out, len, "%s", c->m.label);
}

static void grid_label(const plot_key *k, char *out, size_t len)
{
    snprintf(out, len, "%ldx%ldx%ld", k->nz, k->ny, k->nx);
}

/* One series of a grid chart: cells, rate, ms per step, roofline fraction (med, lo, hi). */
static void grid_block(plot_buf *d, const plot_point *const *p, size_t n, const char *title)
{
    comment(d, title);
    plot_buf_printf(d, "# cells rate(med lo hi) ms_per_step(med lo hi) roofline_fraction(med lo hi) grid "
                       "ms_per_step_at_copy_bandwidth\n");
    for (size_t i = 0; i < n; i++) {
        const plot_point *q = p[i];
        double s = q->k.steps > 0 ? 1e3 / (double)q->k.steps : NAN;
        char g[64];
        grid_label(&q->k, g, sizeof g);
        plot_buf_printf(d, "%.0f", q->cells);
        put(d, q->med[M_RATE]), put(d, q->lo[M_RATE]), put(d, q->hi[M_RATE]);
        put(d, q->med[M_COMPUTE] * s), put(d, q->lo[M_COMPUTE] * s), put(d, q->hi[M_COMPUTE] * s);
        put(d, q->med[M_ROOF]), put(d, q->lo[M_ROOF]), put(d, q->hi[M_ROOF]);
        plot_buf_printf(d, " %s", g);
        /* The time one step would take at the copy bandwidth: 8 B per interior cell. */
        double interior = (double)(q->k.nz - 2) * (double)(q->k.ny - 2) * (double)(q->k.nx - 2);
        put(d, interior * 8 / (q->med[M_COPY] * 1e9) * 1e3);
        plot_buf_printf(d, "\n");
    }
    plot_buf_printf(d, "\n\n");
}

typedef struct grid_series {
    const char *title[MAX_SERIES];
    char titles[MAX_SERIES][96];
    double roof[MAX_SERIES]; /* copy roofline in cell updates/s, NaN if unknown */
    int roof_device_gpu[MAX_SERIES];
    long roof_threads[MAX_SERIES];
    int n;
    double xmin, xmax;
} grid_series;

/* Writes the three grid charts (rate, time per step, roofline fraction) of a set of series. */
static stencil_status grid_charts(plot_ctx *c, const char *variant, const plot_buf *dat, grid_series *gs,
                                  int cpu_caches, int gpu_cache, int color_roofs, const char *who,
                                  const char *machine, const char *what, stencil_error *err)
{
    /* Rooflines, merged when within 2 %. */
    double rv[MAX_SERIES];
    const char *rt[MAX_SERIES];
    char rtext[MAX_SERIES][96];
    double rl[MAX_SERIES];
    int nr = 0;
    for (int i = 0; i < gs->n; i++) {
        if (!isfinite(gs->roof[i]))
            continue;
        int dup = 0;
        for (int j = 0; j < nr && !dup; j++)
            dup = fabs(rv[j] - gs->roof[i]) <= 0.02 * rv[j];
        if (dup)
            continue;
        rv[nr] = gs->roof[i];
        rl[nr] = color_roofs ? i + 1 : 0;
        if (gs->roof_device_gpu[i])
            snprintf(rtext[nr], sizeof rtext[nr], "GPU copy roofline (%.0f GB/s / 8 B)", rv[nr] * 8 / 1e9);
        else
            snprintf(rtext[nr], sizeof rtext[nr], "CPU copy roofline, %ld thread%s (%.1f GB/s / 8 B)",
                     gs->roof_threads[i], gs->roof_threads[i] > 1 ? "s" : "", rv[nr] * 8 / 1e9);
        rt[nr] = rtext[nr];
        nr++;
    }
    /* Label each roofline above it, or below it when the next higher one is close (log). */
    double ro[MAX_SERIES];
    for (int j = 0; j < nr; j++) {
        int close = 0;
        for (int i = 0; i < nr; i++)
            close |= i != j && rv[i] > rv[j] && rv[i] < 1.6 * rv[j];
        ro[j] = close ? -0.8 : 0.7;
    }
    /* Cache marks: the grid whose two float32 fields (8 B per cell) fill the cache. */
    double cx[MAX_CACHES + 1];
    char clab[MAX_CACHES + 1][64];
    const char *cl[MAX_CACHES + 1];
    int nc = 0;
    double xmin = gs->xmin, xmax = gs->xmax;
    for (int i = 0; cpu_caches && i < c->m.ncpu_cache; i++) {
        cx[nc] = c->m.cpu_cache[i].bytes / 8;
        snprintf(clab[nc], sizeof clab[nc], "%s / 8 B per cell", c->m.cpu_cache[i].label);
        nc++;
    }
    if (gpu_cache && isfinite(c->m.gpu_l2) && c->m.gpu_l2 > 0) {
        char hb[32];
        human_bytes(c->m.gpu_l2, hb, sizeof hb);
        cx[nc] = c->m.gpu_l2 / 8;
        snprintf(clab[nc], sizeof clab[nc], "GPU L2 %s / 8 B per cell", hb);
        nc++;
    }
    double cy[MAX_CACHES + 1];
    for (int i = 0; i < nc; i++) /* by size, so close marks can be staggered */
        for (int j = i + 1; j < nc; j++)
            if (cx[j] < cx[i]) {
                char t[64];
                double v = cx[i];
                cx[i] = cx[j], cx[j] = v;
                memcpy(t, clab[i], sizeof t), memcpy(clab[i], clab[j], sizeof t),
                    memcpy(clab[j], t, sizeof t);
            }
    for (int i = 0; i < nc; i++) {
        cl[i] = clab[i];
        cy[i] = i > 0 && cx[i] < 2.5 * cx[i - 1] && cy[i - 1] > 0.9 ? 0.02 : 0.98;
        xmin = fmin(xmin, cx[i]);
        xmax = fmax(xmax, cx[i]);
    }
    xmin /= 2, xmax *= 2;

    static const struct {
        const char *kind, *ylabel, *what, *caption;
        int ycol, ylog;
    } g[3] = {
        {"rate", "cell updates per second (log scale)", "rate against grid size",
         "Cell updates per second, median of the repetitions (bars: min..max). Look for the drop "
         "where the two fields (8 B per cell) outgrow a cache (dotted lines), and how close large "
         "grids come to the dashed copy roofline (copy GB/s / 8 B).",
         2, 1},
        {"step_time", "time per timestep (ms, log scale)", "time per timestep against grid size",
         "Compute time per timestep, median (bars: min..max); dashed: the time at the measured copy "
         "bandwidth. Look for a slope of one (time "
         "proportional to cells) where the stencil is bandwidth-bound; a flat floor at small "
         "grids is a fixed cost per step (loop, thread or launch overhead).",
         5, 1},
        {"roofline", "fraction of the measured copy bandwidth", "roofline fraction against grid size",
         "Effective bandwidth (8 B per cell update) over the copy bandwidth measured in the same "
         "run, median (bars: min..max). Look for values near 1 (as fast as a copy: "
         "bandwidth-bound); above 1 the fields fit in a cache.",
         8, 0},
    };
    for (int k = 0; k < 3; k++) {
        char name[96], title[400];
        chart_name(name, sizeof name, g[k].kind, variant);
        plot_fmt(title, sizeof title, "%s: %s%s\n%s", who, g[k].what, what, machine);
        plot_buf s = {0};
        gp_common(&s, name, title);
        gp_array_str(&s, "stitle", gs->title, gs->n);
        plot_buf_printf(&s, "ns = %d\nycol = %d\nylog = %d\nxmin = %.9g\nxmax = %.9g\n", gs->n, g[k].ycol,
                        g[k].ylog, xmin, xmax);
        gp_var_str(&s, "ylabel", g[k].ylabel);
        gp_var_str(&s, "yfmt", k == 0 ? "%.0s%c" : "%g"); /* 10G cell updates/s; 0.01 ms */
        if (k == 0) {
            gp_array_num(&s, "roofv", rv, nr);
            gp_array_str(&s, "rooft", rt, nr);
            gp_array_num(&s, "roofl", rl, nr);
            gp_array_num(&s, "roofo", ro, nr);
            plot_buf_printf(&s, "nr = %d\n", nr);
        } else if (k == 2) {
            plot_buf_printf(&s, "array roofv[1] = [1]\narray rooft[1] = [\"as fast as the copy (1)\"]\n"
                                "array roofl[1] = [0]\narray roofo[1] = [0.7]\nnr = 1\n");
        } else {
            plot_buf_printf(&s, "array roofv[1] = [1]\narray rooft[1] = [\"\"]\narray roofl[1] = [0]\n"
                                "array roofo[1] = [0]\nnr = 0\n");
        }
        gp_array_num(&s, "cx", cx, nc);
        double cyk[MAX_CACHES + 1]; /* log charts: labels at the bottom, away from the rooflines */
        for (int i = 0; i < nc; i++)
            cyk[i] = g[k].ylog ? 1.0 - cy[i] : cy[i];
        gp_array_num(&s, "cy", cyk, nc);
        plot_buf_printf(&s, "roofdirect = %d\n", !color_roofs);
        gp_array_str(&s, "clab", cl, nc);
        plot_buf_printf(&s, "nc = %d\n", nc);
        stencil_status st = emit(c, name, "grid.gp", dat, &s, g[k].caption, title, err);
        plot_buf_free(&s);
        if (st != STENCIL_OK)
            return st;
    }
    return STENCIL_OK;
}

/* Per-variant grid charts: one series per thread count (CPU) at the variant's usual settings. */
static stencil_status variant_grid(plot_ctx *c, const plot_pref *f, const plot_point **buf,
                                   stencil_error *err)
{
    grid_series gs = {.n = 0, .xmin = INFINITY, .xmax = 0};
    plot_buf d = {0};
    long threads[MAX_SERIES];
    int nt = 0;
    for (size_t i = 0; i < c->np && nt < MAX_SERIES; i++) {
        const plot_point *p = &c->pts[i];
        if (!match(p, f, -1, f->steps, NULL))
            continue;
        int seen = 0;
        for (int j = 0; j < nt; j++)
            seen |= threads[j] == p->k.threads;
        if (!seen)
            threads[nt++] = p->k.threads;
    }
    for (int i = 0; i < nt; i++) /* ascending thread counts */
        for (int j = i + 1; j < nt; j++)
            if (threads[j] < threads[i]) {
                long t = threads[i];
                threads[i] = threads[j], threads[j] = t;
            }
    for (int i = 0; i < nt; i++) {
        size_t n = select_points(c, f, threads[i], f->steps, NULL, buf);
        if (n == 0)
            continue;
        int s = gs.n++;
        if (f->gpu)
            snprintf(gs.titles[s], sizeof gs.titles[s], "%s", f->variant);
        else
            snprintf(gs.titles[s], sizeof gs.titles[s], "%ld thread%s", threads[i],
                     threads[i] > 1 ? "s" : "");
        gs.title[s] = gs.titles[s];
        double copy = NAN;
        for (size_t j = 0; j < n; j++)
            copy = isfinite(copy) ? fmax(copy, buf[j]->med[M_COPY]) : buf[j]->med[M_COPY];
        gs.roof[s] = copy * 1e9 / 8;
        gs.roof_device_gpu[s] = f->gpu;
        gs.roof_threads[s] = threads[i];
        gs.xmin = fmin(gs.xmin, buf[0]->cells);
        gs.xmax = fmax(gs.xmax, buf[n - 1]->cells);
        grid_block(&d, buf, n, gs.title[s]);
    }
    stencil_status st = STENCIL_OK;
    if (gs.n > 0) {
        char machine[400], what[200];
        machine_title(c, !f->gpu, f->gpu, machine, sizeof machine);
        snprintf(what, sizeof what, " (%ld step%s, %s%s%s)", f->steps, f->steps == 1 ? "" : "s", f->tuning,
                 f->gpu ? ", " : "", f->gpu ? f->host : "");
        st = grid_charts(c, f->variant, &d, &gs, !f->gpu, f->gpu, 1, f->variant, machine, what, err);
    }
    plot_buf_free(&d);
    return st;
}

/* Strong scaling of one variant (series: grid sizes measured at 2 or more thread counts), or
 * of all threaded variants at their largest such grid (f == NULL). */
static stencil_status scaling_chart(plot_ctx *c, const plot_pref *prefs, int nprefs, int all,
                                    const plot_point **buf, stencil_error *err)
{
    plot_buf d = {0};
    const char *titles[MAX_SERIES];
    char tbuf[MAX_SERIES][96];
    int ns = 0;
    long t0 = -1, tmax = 0;
    double effmax = 0;
    for (int v = 0; v < nprefs; v++) {
        const plot_pref *f = &prefs[v];
        size_t n = select_points(c, f, -1, f->steps, NULL, buf);
        /* grids, largest first, with at least two thread counts (buf: a grid's points are
         * neighbours, in [lo, hi)) */
        for (size_t hi = n, lo; hi > 0 && ns < MAX_SERIES; hi = lo) {
            const plot_point *g = buf[hi - 1];
            for (lo = hi - 1; lo > 0 && same_grid(buf[lo - 1], g); lo--)
                ;
            const plot_point *pts[64];
            int np = 0;
            for (size_t j = lo; j < hi && np < 64; j++)
                pts[np++] = buf[j];
            if (np < 2)
                continue;
            for (int a = 0; a < np; a++) /* by threads */
                for (int b = a + 1; b < np; b++)
                    if (pts[b]->k.threads < pts[a]->k.threads) {
                        const plot_point *t = pts[a];
                        pts[a] = pts[b], pts[b] = t;
                    }
            if (t0 < 0)
                t0 = pts[0]->k.threads;
            if (pts[0]->k.threads != t0)
                continue; /* one baseline per chart, so one ideal line */
            char g_text[64];
            grid_label(&g->k, g_text, sizeof g_text);
            if (all)
                snprintf(tbuf[ns], sizeof tbuf[ns], "%s, %s", f->variant, g_text);
            else
                snprintf(tbuf[ns], sizeof tbuf[ns], "%s", g_text);
            titles[ns] = tbuf[ns];
            ns++;
            double base = pts[0]->med[M_COMPUTE];
            comment(&d, tbuf[ns - 1]);
            plot_buf_printf(&d, "# threads speedup(med lo hi) efficiency(med lo hi)\n");
            for (int a = 0; a < np; a++) {
                const plot_point *q = pts[a];
                double ideal = (double)q->k.threads / (double)t0;
                double s = base / q->med[M_COMPUTE], slo = base / q->hi[M_COMPUTE],
                       shi = base / q->lo[M_COMPUTE];
                plot_buf_printf(&d, "%ld", q->k.threads);
                put(&d, s), put(&d, slo), put(&d, shi);
                put(&d, s / ideal), put(&d, slo / ideal), put(&d, shi / ideal);
                plot_buf_printf(&d, "\n");
                if (isfinite(shi / ideal))
                    effmax = fmax(effmax, shi / ideal);
                if (q->k.threads > tmax)
                    tmax = q->k.threads;
            }
            plot_buf_printf(&d, "\n\n");
            if (all)
                break; /* the largest grid only */
        }
    }
    stencil_status st = STENCIL_OK;
    if (ns > 0) {
        char name[96], title[400], machine[400];
        machine_title(c, 1, 0, machine, sizeof machine);
        chart_name(name, sizeof name, "scaling", all ? NULL : prefs[0].variant);
        plot_fmt(title, sizeof title, "%s: strong scaling, compute time (%s)\n%s",
                 all ? "threaded variants" : prefs[0].variant, all ? "largest grid of each" : prefs[0].tuning,
                 machine);
        plot_buf s = {0};
        gp_common(&s, name, title);
        gp_array_str(&s, "stitle", titles, ns);
        plot_buf_printf(&s, "ns = %d\nt0 = %ld\ntmax = %ld\neffmax = %.4g\n", ns, t0, tmax, effmax * 1.08);
        st = emit(c, name, "scaling.gp", &d, &s,
                  "Speedup (left) and parallel efficiency (right) of the compute time over the "
                  "fewest threads measured, median (bars: from the repetitions' min..max). Look for "
                  "where a curve leaves the dashed ideal: there memory bandwidth, not cores, "
                  "limits; small grids scale worse (less work per thread).",
                  title, err);
        plot_buf_free(&s);
    }
    plot_buf_free(&d);
    return st;
}

/* Time per step against timesteps: per variant (series: host memory), or all variants. */
static stencil_status steps_chart(plot_ctx *c, const plot_pref *prefs, int nprefs, int all,
                                  const plot_point **buf, stencil_error *err)
{
    plot_buf d = {0};
    const char *titles[MAX_SERIES];
    char tbuf[MAX_SERIES][96];
    int ns = 0, any_gpu = 0, any_cpu = 0;
    for (int v = 0; v < nprefs; v++) {
        const plot_pref *f = &prefs[v];
        static const char *const hosts[] = {"pinned", "pageable", "none"};
        for (int h = 0; h < 3 && ns < MAX_SERIES; h++) {
            if (all && strcmp(hosts[h], f->host) != 0)
                continue;
            size_t n = select_points(c, f, f->max_threads, -1, hosts[h], buf);
            /* the largest grid measured at two or more timestep counts (a grid's points are
             * neighbours in buf, in [lo, hi)) */
            const plot_point *pts[64];
            int np = 0;
            for (size_t hi = n, lo; hi > 0 && np < 2; hi = lo) {
                for (lo = hi - 1; lo > 0 && same_grid(buf[lo - 1], buf[hi - 1]); lo--)
                    ;
                np = 0;
                for (size_t j = lo; j < hi && np < 64; j++)
                    pts[np++] = buf[j];
            }
            if (np < 2)
                continue;
            for (int a = 0; a < np; a++)
                for (int b = a + 1; b < np; b++)
                    if (pts[b]->k.steps < pts[a]->k.steps) {
                        const plot_point *t = pts[a];
                        pts[a] = pts[b], pts[b] = t;
                    }
            char g_text[64];
            grid_label(&pts[0]->k, g_text, sizeof g_text);
            if (f->gpu)
                snprintf(tbuf[ns], sizeof tbuf[ns], "%s%s%s, %s", all ? f->variant : "", all ? " " : "",
                         hosts[h], g_text);
            else
                snprintf(tbuf[ns], sizeof tbuf[ns], "%s%s%ld thr, %s", all ? f->variant : "", all ? " " : "",
                         f->max_threads, g_text);
            any_gpu |= f->gpu;
            any_cpu |= !f->gpu;
            titles[ns] = tbuf[ns];
            ns++;
            comment(&d, tbuf[ns - 1]);
            plot_buf_printf(&d, "# steps total_ms_per_step(med lo hi) compute_ms_per_step(med lo hi)\n");
            for (int a = 0; a < np; a++) {
                const plot_point *q = pts[a];
                double s = 1e3 / (double)(q->k.steps > 0 ? q->k.steps : 1);
                int tm = isfinite(q->med[M_TOTAL]) ? M_TOTAL : M_COMPUTE;
                plot_buf_printf(&d, "%ld", q->k.steps);
                put(&d, q->med[tm] * s), put(&d, q->lo[tm] * s), put(&d, q->hi[tm] * s);
                put(&d, q->med[M_COMPUTE] * s), put(&d, q->lo[M_COMPUTE] * s), put(&d, q->hi[M_COMPUTE] * s);
                plot_buf_printf(&d, "\n");
            }
            plot_buf_printf(&d, "\n\n");
        }
    }
    stencil_status st = STENCIL_OK;
    if (ns > 0) {
        char name[96], title[400], machine[400];
        machine_title(c, any_cpu, any_gpu, machine, sizeof machine);
        chart_name(name, sizeof name, "steps", all ? NULL : prefs[0].variant);
        plot_fmt(title, sizeof title, "%s: time per timestep against timesteps (fixed costs amortised)\n%s",
                 all ? "all variants" : prefs[0].variant, machine);
        plot_buf s = {0};
        gp_common(&s, name, title);
        gp_array_str(&s, "stitle", titles, ns);
        plot_buf_printf(&s, "ns = %d\n", ns);
        st = emit(c, name, "steps.gp", &d, &s,
                  "Time per timestep against timesteps per repetition, median (bars: min..max). "
                  "Solid: total (host->device + compute + device->host) / steps; dashed: compute / "
                  "steps. Look for the solid line falling onto the dashed one as the fixed cost "
                  "of the copies is spread over more steps.",
                  title, err);
        plot_buf_free(&s);
    }
    plot_buf_free(&d);
    return st;
}

/* Stacked transfer/compute bars: per GPU variant (one panel per grid, bars pinned and
 * pageable), or all GPU variants at their largest grid (one panel). */
static stencil_status bars_chart(plot_ctx *c, const plot_pref *prefs, int nprefs, int all,
                                 const plot_point **buf, stencil_error *err)
{
    enum { MAX_PANELS = 12 };
    plot_buf d = {0}, lab = {0}; /* lab: the bar labels, blab[1..bars] */
    char ptext[MAX_PANELS][64];
    const char *ptitle[MAX_PANELS];
    double nb[MAX_PANELS];
    int np = 0, bars = 0, mixed_steps = 0;
    long steps = -1;
    static const char *const hosts[] = {"pinned", "pageable"};
    for (int v = 0; v < nprefs; v++) {
        const plot_pref *f = &prefs[v];
        if (!f->gpu)
            continue;
        const plot_point *hp[2][64];
        size_t hn[2];
        for (int h = 0; h < 2; h++) {
            hn[h] = select_points(c, f, -1, f->steps, hosts[h], buf);
            if (hn[h] > 64)
                hn[h] = 64;
            for (size_t i = 0; i < hn[h]; i++)
                hp[h][i] = buf[i];
        }
        const plot_point *grids[128]; /* grid sizes in either, ascending */
        int ng = 0;
        for (int h = 0; h < 2; h++)
            for (size_t i = 0; i < hn[h]; i++) {
                int seen = 0;
                for (int j = 0; j < ng; j++)
                    seen |= grids[j]->cells == hp[h][i]->cells && grids[j]->k.nz == hp[h][i]->k.nz;
                if (!seen && ng < 128)
                    grids[ng++] = hp[h][i];
            }
        qsort(grids, (size_t)ng, sizeof *grids, point_by_cells);
        if (ng > MAX_PANELS && !all) /* keep the largest grids */
            memmove(grids, grids + ng - MAX_PANELS, MAX_PANELS * sizeof *grids), ng = MAX_PANELS;
        for (int gi = all ? ng - 1 : 0; gi >= 0 && gi < ng; gi++) {
            if (!all || np == 0) {
                if (np > 0)
                    plot_buf_printf(&d, "\n\n");
                grid_label(&grids[gi]->k, ptext[np], sizeof ptext[np]);
                if (all)
                    plot_fmt(ptext[np], sizeof ptext[np], "largest grid of each");
                ptitle[np] = ptext[np];
                nb[np++] = 0;
                comment(&d, ptext[np - 1]);
                plot_buf_printf(&d, "# x label host->device +compute +device->host (ms, medians) total_lo "
                                    "total_hi label2 label_index\n");
            }
            for (int h = 0; h < 2; h++)
                for (size_t i = 0; i < hn[h]; i++) {
                    const plot_point *q = hp[h][i];
                    if (q->cells != grids[gi]->cells || q->k.nz != grids[gi]->k.nz)
                        continue;
                    double a = isfinite(q->med[M_H2D]) ? q->med[M_H2D] : 0,
                           b = isfinite(q->med[M_COMPUTE]) ? q->med[M_COMPUTE] : 0,
                           e = isfinite(q->med[M_D2H]) ? q->med[M_D2H] : 0;
                    char g_text[64];
                    grid_label(&q->k, g_text, sizeof g_text);
                    nb[np - 1] += 1;
                    plot_buf_printf(&d, "%.0f ", nb[np - 1]);
                    data_word(&d, all ? q->k.variant : hosts[h]);
                    put(&d, a * 1e3), put(&d, (a + b) * 1e3), put(&d, (a + b + e) * 1e3);
                    put(&d, q->lo[M_TOTAL] * 1e3), put(&d, q->hi[M_TOTAL] * 1e3);
                    plot_buf_printf(&d, " %s %d\n", all ? hosts[h] : g_text, bars + 1);
                    char label[96];
                    snprintf(label, sizeof label, "%s%s%s", all ? q->k.variant : "", all ? "\n" : "", hosts[h]);
                    plot_buf_printf(&lab, "blab[%d] = ", bars + 1);
                    plot_buf_gp_string(&lab, label);
                    plot_buf_printf(&lab, "\n");
                    if (steps >= 0 && steps != q->k.steps)
                        mixed_steps = 1;
                    steps = q->k.steps;
                    bars++;
                }
            if (!all && gi == ng - 1)
                break;
        }
    }
    stencil_status st = STENCIL_OK;
    if (bars > 0) {
        char name[96], title[400], machine[400], steps_text[48];
        machine_title(c, 0, 1, machine, sizeof machine);
        if (mixed_steps)
            plot_fmt(steps_text, sizeof steps_text, "each variant's usual timesteps");
        else
            plot_fmt(steps_text, sizeof steps_text, "%ld timestep%s", steps, steps == 1 ? "" : "s");
        chart_name(name, sizeof name, "transfers", all ? NULL : prefs[0].variant);
        plot_fmt(title, sizeof title,
                 "%s: host->device, compute and device->host, pinned and pageable (%s)\n%s",
                 all ? "GPU variants" : prefs[0].variant, steps_text, machine);
        plot_buf s = {0};
        gp_common(&s, name, title);
        gp_array_str(&s, "ptitle", ptitle, np);
        gp_array_num(&s, "nb", nb, np);
        plot_buf_printf(&s, "np = %d\narray blab[%d]\n", np, bars);
        plot_buf_append(&s, lab.s, lab.len);
        if (lab.failed)
            s.failed = 1;
        st = emit(c, name, "bars.gp", &d, &s,
                  "Each bar: the median host->device copy, compute and device->host copy of one "
                  "repetition (bar: min..max of the totals); each panel has its own time scale. "
                  "Look for how much of each bar is transfer, and how much pinned host memory "
                  "shortens the copies against pageable.",
                  title, err);
        plot_buf_free(&s);
    }
    plot_buf_free(&lab);
    plot_buf_free(&d);
    return st;
}

/* Comparing grid charts: each variant at its usual settings and most threads. */
static stencil_status compare_grid(plot_ctx *c, const plot_pref *prefs, int nprefs, const plot_point **buf,
                                   stencil_error *err)
{
    grid_series gs = {.n = 0, .xmin = INFINITY, .xmax = 0};
    plot_buf d = {0};
    int any_gpu = 0, any_cpu = 0;
    for (int v = 0; v < nprefs && gs.n < MAX_SERIES; v++) {
        const plot_pref *f = &prefs[v];
        size_t n = select_points(c, f, f->max_threads, f->steps, NULL, buf);
        if (n == 0)
            continue;
        int s = gs.n++;
        if (f->gpu)
            snprintf(gs.titles[s], sizeof gs.titles[s], "%s (%ld step%s)", f->variant, f->steps,
                     f->steps == 1 ? "" : "s");
        else
            snprintf(gs.titles[s], sizeof gs.titles[s], "%s, %ld thread%s (%ld step%s)", f->variant,
                     f->max_threads, f->max_threads > 1 ? "s" : "", f->steps, f->steps == 1 ? "" : "s");
        gs.title[s] = gs.titles[s];
        double copy = NAN;
        for (size_t j = 0; j < n; j++)
            copy = isfinite(copy) ? fmax(copy, buf[j]->med[M_COPY]) : buf[j]->med[M_COPY];
        gs.roof[s] = copy * 1e9 / 8;
        gs.roof_device_gpu[s] = f->gpu;
        gs.roof_threads[s] = f->max_threads;
        any_gpu |= f->gpu;
        any_cpu |= !f->gpu;
        gs.xmin = fmin(gs.xmin, buf[0]->cells);
        gs.xmax = fmax(gs.xmax, buf[n - 1]->cells);
        grid_block(&d, buf, n, gs.title[s]);
    }
    stencil_status st = STENCIL_OK;
    if (gs.n > 0) {
        char machine[400];
        machine_title(c, any_cpu, any_gpu, machine, sizeof machine);
        st = grid_charts(c, NULL, &d, &gs, any_cpu, any_gpu, 0, "all variants", machine, "", err);
    }
    plot_buf_free(&d);
    return st;
}

static void html_row(plot_buf *h, const char *key, const char *value)
{
    plot_buf_printf(h, "<tr><th>");
    plot_buf_html(h, key);
    plot_buf_printf(h, "</th><td>");
    plot_buf_html(h, value && *value ? value : "unknown");
    plot_buf_printf(h, "</td></tr>\n");
}

static void machine_table(const plot_ctx *c, plot_buf *h)
{
    const cJSON *j = c->m.json, *cpu = cJSON_GetObjectItemCaseSensitive(j, "cpu"),
                *gpu = cJSON_GetObjectItemCaseSensitive(j, "gpu"),
                *probes = cJSON_GetObjectItemCaseSensitive(j, "probes"),
                *comp = cJSON_GetObjectItemCaseSensitive(j, "compiler");
    char v[512];
    plot_buf_printf(h, "<table class=\"machine\">\n");
    html_row(h, "machine", c->m.label);
    html_row(h, "run", jstr(j, "run_id"));
    html_row(h, "host", jstr(j, "hostname"));
    html_row(h, "CPU", cJSON_IsObject(cpu) ? jstr(cpu, "model") : NULL);
    if (cJSON_IsObject(cpu)) {
        double pk = jnum(cpu, "packages"), co = jnum(cpu, "cores"), pu = jnum(cpu, "pus"),
               nu = jnum(cpu, "numa_nodes");
        snprintf(v, sizeof v,
                 "%.0f package%s, %.0f core%s, %.0f hardware thread%s, %.0f NUMA node%s, %.1f GiB memory", pk,
                 pk == 1 ? "" : "s", co, co == 1 ? "" : "s", pu, pu == 1 ? "" : "s", nu, nu == 1 ? "" : "s",
                 jnum(cpu, "memory_bytes") / (1024.0 * 1024 * 1024));
        html_row(h, "CPU topology", v);
    }
    v[0] = '\0';
    for (int i = 0; i < c->m.ncpu_cache; i++) {
        size_t l = strlen(v);
        snprintf(v + l, sizeof v - l, "%s%s", i ? ", " : "", c->m.cpu_cache[i].label);
    }
    html_row(h, "caches (per instance)", v);
    if (cJSON_IsObject(gpu)) {
        char hb[32], l2[32];
        human_bytes(jnum(gpu, "memory_bytes"), hb, sizeof hb);
        human_bytes(c->m.gpu_l2, l2, sizeof l2);
        snprintf(v, sizeof v, "%s, compute capability %s, %.0f SMs, %s memory, %s L2", c->m.gpu,
                 jstr(gpu, "cc") ? jstr(gpu, "cc") : "?", jnum(gpu, "sms"), hb, l2);
        html_row(h, "GPU", v);
    } else {
        html_row(h, "GPU", "none");
    }
    if (cJSON_IsObject(probes)) {
        const cJSON *cc = cJSON_GetObjectItemCaseSensitive(probes, "cpu_copy_gbps"), *e;
        v[0] = '\0';
        cJSON_ArrayForEach(e, cc)
        {
            size_t l = strlen(v);
            if (cJSON_IsNumber(e) && e->string)
                snprintf(v + l, sizeof v - l, "%s%.1f GB/s on %s thread%s", l ? ", " : "", e->valuedouble,
                         e->string, strcmp(e->string, "1") ? "s" : "");
        }
        html_row(h, "CPU copy bandwidth", v);
        double g = jnum(probes, "gpu_copy_gbps");
        if (isfinite(g)) {
            snprintf(v, sizeof v,
                     "%.0f GB/s device to device; PCIe pinned %.1f / %.1f GB/s, pageable %.1f / %.1f GB/s "
                     "(h2d / d2h)",
                     g, jnum(probes, "pinned_h2d_gbps"), jnum(probes, "pinned_d2h_gbps"),
                     jnum(probes, "pageable_h2d_gbps"), jnum(probes, "pageable_d2h_gbps"));
            html_row(h, "GPU copy bandwidth", v);
        }
    }
    if (cJSON_IsObject(comp)) {
        snprintf(v, sizeof v, "%s %s%s%s", jstr(comp, "c") ? jstr(comp, "c") : "?",
                 jstr(comp, "c_flags") ? jstr(comp, "c_flags") : "", jstr(comp, "cuda") ? "; CUDA " : "",
                 jstr(comp, "cuda") ? jstr(comp, "cuda") : "");
        html_row(h, "compiler", v);
    }
    snprintf(v, sizeof v, "%s (git %s)",
             jstr(j, "stencilbench_version") ? jstr(j, "stencilbench_version") : "?",
             jstr(j, "git_commit") ? jstr(j, "git_commit") : "?");
    html_row(h, "stencilbench", v);
    snprintf(v, sizeof v, "%s to %s", jstr(j, "started_utc") ? jstr(j, "started_utc") : "?",
             jstr(j, "finished_utc") ? jstr(j, "finished_utc") : "(not finished)");
    html_row(h, "time (UTC)", v);
    snprintf(v, sizeof v, "%zu rows ok, %zu failed, skipped or not measured (not drawn)", c->rows_ok,
             c->rows_other);
    html_row(h, "timings.csv", v);
    if (c->hidden) {
        snprintf(v, sizeof v,
                 "%zu points not drawn: each variant's charts hold its most common scheme and "
                 "tuning (default when measured) fixed; the others are in timings.csv",
                 c->hidden);
        html_row(h, "not drawn", v);
    }
    html_row(h, "dataset", jstr(j, "dataset") ? jstr(j, "dataset") : "none (synthetic grids)");
    char *cfg = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(j, "config"));
    html_row(h, "study", cfg ? cfg : "not recorded");
    free(cfg);
    plot_buf_printf(h, "</table>\n");
}

static stencil_status write_index(plot_ctx *c, stencil_error *err)
{
    plot_buf h = {0};
    plot_buf_printf(
        &h, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>stencilbench: ");
    plot_buf_html(&h, c->m.label);
    plot_buf_printf(
        &h,
        "</title>\n<style>body{font-family:sans-serif;max-width:1000px;margin:1em auto;padding:0 1em}"
        "table.machine{border-collapse:collapse}table.machine th{text-align:left;padding:2px 1em 2px 0;"
        "vertical-align:top}figure{margin:2em 0}img{max-width:100%%;height:auto;border:1px solid #ddd}"
        "figcaption{margin-top:.4em}nav a{margin-right:1em}</style>\n</head><body>\n<h1>stencilbench run: ");
    plot_buf_html(&h, c->m.label);
    plot_buf_printf(&h, "</h1>\n<h2>Machine</h2>\n");
    machine_table(c, &h);
    plot_buf_printf(
        &h, "<p>Every point is the median of its repetitions; error bars span their min..max. "
            "Rates count interior cells; bandwidth counts 8 B per cell update (read T, write T').</p>\n");
    if (c->ncharts == 0)
        plot_buf_printf(&h, "<p><strong>No charts:</strong> timings.csv has no rows with status ok.</p>\n");
    /* The comparing charts first, then each variant's, in sections. */
    int order[MAX_CHARTS], n = 0;
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < c->ncharts; i++)
            if ((pass == 0) == (c->charts[i].group[0] == '\0'))
                order[n++] = i;
    if (n)
        plot_buf_printf(&h, "<nav><strong>Sections:</strong>\n");
    for (int k = 0; k < n; k++) {
        const plot_chart *ch = &c->charts[order[k]];
        if (k == 0 || strcmp(ch->group, c->charts[order[k - 1]].group) != 0) {
            plot_buf_printf(&h, "<a href=\"#");
            plot_buf_html(&h, ch->name);
            plot_buf_printf(&h, "\">");
            plot_buf_html(&h, ch->group[0] ? ch->group : "all variants");
            plot_buf_printf(&h, "</a>\n");
        }
    }
    if (n)
        plot_buf_printf(&h, "</nav>\n");
    for (int k = 0; k < n; k++) {
        const plot_chart *ch = &c->charts[order[k]];
        if (k == 0 || strcmp(ch->group, c->charts[order[k - 1]].group) != 0) {
            plot_buf_printf(&h, "<h2>");
            plot_buf_html(&h, ch->group[0] ? ch->group : "All variants compared");
            plot_buf_printf(&h, "</h2>\n");
        }
        /* ch->name is a safe file name (chart_name): no escaping needed in the links */
        plot_buf_printf(&h, "<figure id=\"%s\"><a href=\"%s.svg\"><img src=\"%s.png\" alt=\"", ch->name,
                        ch->name, ch->name);
        plot_buf_html(&h, ch->title);
        plot_buf_printf(&h, "\" width=\"%d\" height=\"%d\"></a>\n<figcaption>", CHART_W, CHART_H);
        plot_buf_html(&h, ch->caption);
        plot_buf_printf(&h,
                        " <a href=\"%s.svg\">SVG</a>, <a href=\"data/%s.dat\">data</a>, <a "
                        "href=\"data/%s.gp\">script</a></figcaption></figure>\n",
                        ch->name, ch->name, ch->name);
    }
    plot_buf_printf(&h, "</body></html>\n");
    char path[PLOT_PATH_MAX];
    stencil_status st = plot_path(path, sizeof path, err, "%s/index.html", c->plots_dir);
    if (st == STENCIL_OK)
        st = plot_buf_write(&h, path, err);
    plot_buf_free(&h);
    return st;
}

/* Removes the charts and data an earlier rendering left (names this file makes only), so a
 * re-rendered folder holds no chart the index does not show. */
static void remove_old(const char *dir, int data)
{
    static const char *const prefixes[] = {"rate_",    "step_time_", "roofline_",
                                           "scaling_", "steps_",     "transfers_"};
    static const char *const data_ext[] = {".dat", ".gp", ".gp.log"}, *const chart_ext[] = {".png", ".svg"};
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *n = e->d_name;
        size_t len = strlen(n);
        int ours = 0;
        for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0] && !ours; i++)
            if (strncmp(n, prefixes[i], strlen(prefixes[i])) == 0)
                for (int j = 0; j < (data ? 3 : 2) && !ours; j++) {
                    const char *x = data ? data_ext[j] : chart_ext[j];
                    ours = len > strlen(x) && strcmp(n + len - strlen(x), x) == 0;
                }
        char path[PLOT_PATH_MAX];
        if (ours && snprintf(path, sizeof path, "%s/%s", dir, n) < (int)sizeof path)
            remove(path);
    }
    closedir(d);
}

stencil_status plot_render_run(const char *run_dir, stencil_error *err)
{
    plot_ctx *c = calloc(1, sizeof *c);
    plot_row *rows = NULL;
    size_t nrows = 0;
    const plot_point **buf = NULL;
    plot_pref *prefs = NULL;
    str_at *tmp = NULL;
    char data_dir[PLOT_PATH_MAX];
    if (!c) {
        plot_msg(err, "out of memory");
        return STENCIL_ERR_NOMEM;
    }
    stencil_status st;
    if ((st = plot_gnuplot_check(err)) != STENCIL_OK ||
        (st = plot_path(c->run_dir, sizeof c->run_dir, err, "%s", run_dir)) != STENCIL_OK ||
        (st = plot_path(c->plots_dir, sizeof c->plots_dir, err, "%s/plots", run_dir)) != STENCIL_OK ||
        (st = plot_path(data_dir, sizeof data_dir, err, "%s/plots/data", run_dir)) != STENCIL_OK ||
        (st = read_machine(c, err)) != STENCIL_OK || (st = read_rows(c, &rows, &nrows, err)) != STENCIL_OK ||
        (st = aggregate(c, rows, nrows, err)) != STENCIL_OK ||
        (st = plot_mkdir_p(data_dir, err)) != STENCIL_OK)
        goto done;
    remove_old(c->plots_dir, 0);
    remove_old(data_dir, 1);
    buf = malloc((c->np ? c->np : 1) * sizeof *buf);
    prefs = malloc((c->np ? c->np : 1) * sizeof *prefs);
    tmp = malloc((c->np ? c->np : 1) * sizeof *tmp);
    if (!buf || !prefs || !tmp) {
        plot_msg(err, "out of memory");
        st = STENCIL_ERR_NOMEM;
        goto done;
    }
    /* Variants in order of first appearance in the sorted points: alphabetical. */
    int nv = 0;
    for (size_t i = 0; i < c->np; i++)
        if (i == 0 || strcmp(c->pts[i].k.variant, c->pts[i - 1].k.variant) != 0)
            make_pref(c, c->pts[i].k.variant, &prefs[nv++], tmp, buf);
    for (int v = 0; v < nv && st == STENCIL_OK; v++) {
        c->group = prefs[v].variant;
        if ((st = variant_grid(c, &prefs[v], buf, err)) == STENCIL_OK &&
            (st = scaling_chart(c, &prefs[v], 1, 0, buf, err)) == STENCIL_OK &&
            (st = steps_chart(c, &prefs[v], 1, 0, buf, err)) == STENCIL_OK)
            st = bars_chart(c, &prefs[v], 1, 0, buf, err);
    }
    for (size_t i = 0; i < c->np; i++)
        for (int v = 0; v < nv; v++)
            if (strcmp(c->pts[i].k.variant, prefs[v].variant) == 0)
                c->hidden += strcmp(c->pts[i].k.scheme, prefs[v].scheme) != 0 ||
                             strcmp(c->pts[i].k.tuning, prefs[v].tuning) != 0;
    c->group = "";
    if (st == STENCIL_OK && nv > 1 && (st = compare_grid(c, prefs, nv, buf, err)) == STENCIL_OK &&
        (st = scaling_chart(c, prefs, nv, 1, buf, err)) == STENCIL_OK &&
        (st = steps_chart(c, prefs, nv, 1, buf, err)) == STENCIL_OK) {
        int ngpu = 0;
        for (int v = 0; v < nv; v++)
            ngpu += prefs[v].gpu;
        if (ngpu > 1)
            st = bars_chart(c, prefs, nv, 1, buf, err);
    }
    if (st == STENCIL_OK)
        st = write_index(c, err);
done:
    free(tmp);
    free(prefs);
    free(buf);
    free(rows);
    free(c->pts);
    cJSON_Delete(c->m.json);
    free(c);
    return st;
}
