/* The machines table and chart of `stencilbench compare`: one line per machine and device
 * class (your CPU, your GPU, each reference's GPU and CPU, the course's published NumPy and
 * CuPy figures), each with its best variant's rate on the course grid and on the largest grid
 * it shares with your run, and its factor against your best CPU and GPU. Machines of every
 * device class are compared, so a run without a GPU still sees how an A40 would do. */
#define _XOPEN_SOURCE 700
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/compare.h"

#include "plot_compare.h"

enum { MAX_LINES = 40, COURSE_NZ = 50, COURSE_NY = 222, COURSE_NX = 241 };

/* The points a line stands for: one side's best points of one device class, either its own
 * (measured or projected) or one published course variant. */
typedef struct sel {
    const compare_side *s;
    int gpu;
    const char *variant; /* a published course_* variant, or NULL: every non-published point */
} sel;

typedef struct mline {
    char name[64];
    sel q;
    int yours;
    bench_provenance prov;
    const bench_result *course, *common; /* best at the course grid; at the grid shared with you */
    int common_nearest;                  /* no grid in common: your largest grid's nearest */
    double vs[2];                        /* rate over your best CPU [0] and GPU [1] rate */
    char vs_how[2][40];
} mline;

static int in_sel(const sel *q, const bench_row *r)
{
    if ((strcmp(r->device, "gpu") == 0) != q->gpu)
        return 0;
    if (q->variant)
        return r->provenance == BENCH_PUBLISHED && strcmp(r->variant, q->variant) == 0;
    return r->provenance != BENCH_PUBLISHED;
}

static double cells(const bench_row *r) { return (double)r->nz * (double)r->ny * (double)r->nx; }

static int same_grid(const bench_row *a, long nz, long ny, long nx)
{
    return a->nz == nz && a->ny == ny && a->nx == nx;
}

/* The best point of q at a grid (nz 0: any grid), or NULL. */
static const bench_result *best_at(const sel *q, long nz, long ny, long nx)
{
    const bench_result *best = NULL;
    for (size_t i = 0; q->s && i < q->s->best.count; i++) {
        const bench_result *p = &q->s->pts.p[q->s->best.idx[i]];
        if (in_sel(q, p->row) && (nz == 0 || same_grid(p->row, nz, ny, nx)) &&
            (!best || bench_result_rate(p) > bench_result_rate(best)))
            best = p;
    }
    return best;
}

/* The largest grid of a with a point in b too (b NULL: a's largest grid). */
static const bench_row *largest_shared(const sel *a, const sel *b)
{
    const bench_row *g = NULL;
    for (size_t i = 0; i < a->s->best.count; i++) {
        const bench_row *r = a->s->pts.p[a->s->best.idx[i]].row;
        if (in_sel(a, r) && (!g || cells(r) > cells(g)) && (!b || best_at(b, r->nz, r->ny, r->nx)))
            g = r;
    }
    return g;
}

/* The grid of a nearest to g by cells (log scale). */
static const bench_row *nearest(const sel *a, const bench_row *g)
{
    const bench_row *n = NULL;
    for (size_t i = 0; i < a->s->best.count; i++) {
        const bench_row *r = a->s->pts.p[a->s->best.idx[i]].row;
        if (in_sel(a, r) && (!n || fabs(log(cells(r) / cells(g))) < fabs(log(cells(n) / cells(g)))))
            n = r;
    }
    return n;
}

/* Line l's rate over u's on the course grid when both have it, else on the largest grid both
 * have, else on u's largest grid against l's nearest; how says which. NAN when u is empty. */
static double factor(const sel *l, const sel *u, char *how, size_t cap)
{
    snprintf(how, cap, "-");
    if (!u->s || !best_at(u, 0, 0, 0) || !best_at(l, 0, 0, 0))
        return NAN;
    const bench_result *a = best_at(l, COURSE_NZ, COURSE_NY, COURSE_NX);
    const bench_result *b = best_at(u, COURSE_NZ, COURSE_NY, COURSE_NX);
    if (a && b) {
        snprintf(how, cap, "the course grid");
    } else {
        const bench_row *g = largest_shared(l, u);
        if (g) {
            a = best_at(l, g->nz, g->ny, g->nx);
            b = best_at(u, g->nz, g->ny, g->nx);
            snprintf(how, cap, "%ldx%ldx%ld", g->nz, g->ny, g->nx);
        } else {
            const bench_row *gu = largest_shared(u, NULL), *gl = nearest(l, gu);
            a = best_at(l, gl->nz, gl->ny, gl->nx);
            b = best_at(u, gu->nz, gu->ny, gu->nx);
            snprintf(how, cap, "%ldx%ldx%ld vs your %ldx%ldx%ld", gl->nz, gl->ny, gl->nx, gu->nz,
                     gu->ny, gu->nx);
        }
    }
    return bench_result_rate(a) / bench_result_rate(b);
}

static void short_cpu(const char *model, char *out, size_t cap)
{
    static const char *const drop[] = {"(R)", "(TM)", "Intel ", "AMD ", " Processor", " CPU"};
    char buf[160];
    snprintf(buf, sizeof buf, "%s", model);
    char *at = strchr(buf, '@');
    if (at)
        *at = '\0';
    for (size_t i = 0; i < sizeof drop / sizeof drop[0]; i++)
        for (char *p; (p = strstr(buf, drop[i]));)
            memmove(p, p + strlen(drop[i]), strlen(p + strlen(drop[i])) + 1);
    size_t n = strlen(buf);
    while (n && buf[n - 1] == ' ')
        buf[--n] = '\0';
    snprintf(out, cap, "%s", buf[0] ? buf : "CPU");
}

static void short_gpu(const char *name, char *out, size_t cap)
{
    char buf[160];
    const char *p = name;
    if (strncmp(p, "NVIDIA ", 7) == 0)
        p += 7;
    if (strncmp(p, "GeForce ", 8) == 0)
        p += 8;
    snprintf(buf, sizeof buf, "%s", p);
    char *sp = strchr(buf, ' '); /* "H100 80GB HBM3" -> "H100"; "RTX 3070" stays */
    if (sp && (strncmp(buf, "RTX", 3) == 0 || strncmp(buf, "GTX", 3) == 0 || strncmp(buf, "Tesla", 5) == 0))
        sp = strchr(sp + 1, ' ');
    if (sp)
        *sp = '\0';
    snprintf(out, cap, "%.40s", buf);
}

/* The GPU name and CPU model a side's machine.json records (machine_cpu_run.json for the CPU
 * when present), each "" when unknown. */
static void recorded_names(const compare_side *s, char *gpu, char *cpu, size_t cap)
{
    static const char *const files[] = {"machine.json", "machine_cpu_run.json"};
    gpu[0] = cpu[0] = '\0';
    char dir[1100];
    snprintf(dir, sizeof dir, "%s", s->name);
    size_t n = strlen(dir);
    if (n >= 12 && strcmp(dir + n - 12, "/timings.csv") == 0)
        dir[n - 12] = '\0';
    for (int f = 0; f < 2; f++) {
        char path[1200];
        snprintf(path, sizeof path, "%.1100s/%s", dir, files[f]);
        FILE *fp = fopen(path, "r");
        if (!fp)
            continue;
        char *text = malloc(1 << 20);
        size_t len = text ? fread(text, 1, (1 << 20) - 1, fp) : 0;
        fclose(fp);
        if (!text)
            continue;
        text[len] = '\0';
        cJSON *o = cJSON_Parse(text);
        free(text);
        const cJSON *g = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(o, "gpu"), "name");
        const cJSON *c = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(o, "cpu"), "model");
        if (cJSON_IsString(g) && g->valuestring[0] && f == 0)
            short_gpu(g->valuestring, gpu, cap);
        if (cJSON_IsString(c) && c->valuestring[0])
            short_cpu(c->valuestring, cpu, cap);
        cJSON_Delete(o);
    }
}

static const char *course_method(const char *variant)
{
    return strcmp(variant, "course_numpy") == 0 ? "NumPy" : strcmp(variant, "course_cupy") == 0 ? "CuPy" : NULL;
}

/* Appends the lines of one side: GPU, CPU, then its published course NumPy/CuPy figures. */
static void side_lines(const compare_side *s, int yours, mline *l, size_t *n)
{
    char gpu[64], cpu[64], base_gpu[64], base_cpu[64];
    recorded_names(s, gpu, cpu, sizeof gpu);
    snprintf(base_gpu, sizeof base_gpu, "%.60s", s->label);
    snprintf(base_cpu, sizeof base_cpu, "%.60s", s->label);
    char *plus = strchr(base_gpu, '+'); /* "H100-NVL+EPYC-9V84": the GPU, then its host */
    if (plus) {
        *plus = '\0';
        snprintf(base_cpu, sizeof base_cpu, "%.60s", strchr(s->label, '+') + 1);
    }
    sel gq = {s, 1, NULL};
    int has_gpu = best_at(&gq, 0, 0, 0) != NULL;
    for (int dev = 1; dev >= 0 && *n < MAX_LINES; dev--) {
        sel q = {s, dev, NULL};
        const bench_result *any = best_at(&q, 0, 0, 0);
        if (!any)
            continue;
        mline *m = &l[(*n)++];
        memset(m, 0, sizeof *m);
        m->q = q, m->yours = yours, m->prov = any->row->provenance;
        const char *who = yours ? "yours: " : "";
        if (dev)
            snprintf(m->name, sizeof m->name, "%s%.40s GPU", who, gpu[0] ? gpu : base_gpu);
        else if (has_gpu && !plus)
            snprintf(m->name, sizeof m->name, "%s%.24s host %.24s", who, gpu[0] ? gpu : base_gpu,
                     cpu[0] ? cpu : "CPU");
        else
            snprintf(m->name, sizeof m->name, "%s%.40s CPU", who, base_cpu);
    }
    static const char *const course[] = {"course_numpy", "course_cupy"};
    for (int v = 0; v < 2 && *n < MAX_LINES; v++)
        for (int dev = 0; dev < 2; dev++) {
            sel q = {s, dev, course[v]};
            const bench_result *best = NULL;
            for (size_t i = 0; i < s->best.count; i++) { /* its figure with the most steps */
                const bench_result *p = &s->pts.p[s->best.idx[i]];
                if (in_sel(&q, p->row) && (!best || p->row->timesteps > best->row->timesteps))
                    best = p;
            }
            if (!best || *n == MAX_LINES)
                continue;
            mline *m = &l[(*n)++];
            memset(m, 0, sizeof *m);
            m->q = q, m->prov = BENCH_PUBLISHED, m->course = best;
            snprintf(m->name, sizeof m->name, "%.40s %s: course %s", dev ? base_gpu : base_cpu,
                     dev ? "GPU" : "CPU", course_method(course[v]));
        }
}

static const char *factor_text(double f, char *buf, size_t cap)
{
    if (!isfinite(f))
        snprintf(buf, cap, "-");
    else
        snprintf(buf, cap, f >= 10.0 ? "%.0fx" : f >= 0.1 ? "%.2gx" : "%.1gx", f);
    return buf;
}

static void fill(mline *m, const compare_side *mine)
{
    sel you = {mine, 0, NULL}, you_cpu = {mine, 0, NULL}, you_gpu = {mine, 1, NULL};
    if (!m->course)
        m->course = best_at(&m->q, COURSE_NZ, COURSE_NY, COURSE_NX);
    if (mine) { /* the largest grid you ran that it has, of any device class */
        const bench_row *g = NULL;
        for (int dev = 0; dev < 2; dev++) {
            you.gpu = dev;
            const bench_row *h = largest_shared(&m->q, &you);
            if (h && (!g || cells(h) > cells(g)))
                g = h;
        }
        if (!g) {
            const bench_row *gu = NULL;
            for (int dev = 0; dev < 2; dev++) {
                you.gpu = dev;
                const bench_row *h = best_at(&you, 0, 0, 0) ? largest_shared(&you, NULL) : NULL;
                if (h && (!gu || cells(h) > cells(gu)))
                    gu = h;
            }
            g = gu ? nearest(&m->q, gu) : NULL;
            m->common_nearest = g != NULL;
        }
        if (g)
            m->common = best_at(&m->q, g->nz, g->ny, g->nx);
    } else {
        const bench_row *g = largest_shared(&m->q, NULL);
        m->common = g ? best_at(&m->q, g->nz, g->ny, g->nx) : NULL;
    }
    m->vs[0] = factor(&m->q, &you_cpu, m->vs_how[0], sizeof m->vs_how[0]);
    m->vs[1] = factor(&m->q, &you_gpu, m->vs_how[1], sizeof m->vs_how[1]);
}

static int by_rate(const void *a, const void *b)
{
    double x = ((const plot_bar *)a)->rate, y = ((const plot_bar *)b)->rate;
    return (x > y) - (x < y);
}

static stencil_status machines_chart(const mline *l, size_t n, int with_yours, const char *dir,
                                     const char *name, stencil_error *err)
{
    plot_bar bars[MAX_LINES];
    plot_tic tics[MAX_LINES];
    char labels[MAX_LINES][64];
    size_t nb = 0;
    for (size_t i = 0; i < n; i++) {
        const bench_result *p = l[i].course ? l[i].course : l[i].common;
        if (!p)
            continue;
        int colour = l[i].yours ? 0 : with_yours + (l[i].q.gpu ? 0 : 1);
        plot_style st = l[i].prov == BENCH_PROJECTED ? PLOT_PROJECTED
                        : l[i].prov == BENCH_PUBLISHED ? PLOT_PUBLISHED : PLOT_MEASURED;
        if (p == l[i].course)
            snprintf(labels[nb], sizeof labels[nb], "%s", l[i].name);
        else
            snprintf(labels[nb], sizeof labels[nb], "%.40s (%ldx%ldx%ld)", l[i].name, p->row->nz,
                     p->row->ny, p->row->nx);
        bars[nb] = (plot_bar){(double)nb, bench_result_rate(p), colour, st}; /* x: its label */
        nb++;
    }
    qsort(bars, nb, sizeof *bars, by_rate);
    for (size_t i = 0; i < nb; i++) {
        size_t from = (size_t)bars[i].x;
        tics[i].x = (double)(i + 1);
        snprintf(tics[i].label, sizeof tics[i].label, "%s", labels[from]);
        bars[i].x = (double)(i + 1);
    }
    const char *names[3] = {"yours", "reference GPU", "reference CPU"};
    return plot_compare_chart(dir, name,
                              "the model on each machine: best variant on the course grid 50x222x241 "
                              "(another grid where named)",
                              bars, nb, tics, nb, with_yours ? names : names + 1, with_yours ? 3 : 2, err);
}

int compare_machines(const compare_side *mine, const compare_side *refs, int nrefs,
                     const char *chart_dir, const char *chart_name, stencil_error *err)
{
    mline *l = calloc(MAX_LINES, sizeof *l);
    if (!l) {
        snprintf(err->msg, sizeof err->msg, "out of memory");
        return 0;
    }
    size_t n = 0;
    if (mine)
        side_lines(mine, 1, l, &n);
    char me[4096] = "", it[4096];
    if (mine && !realpath(mine->name, me))
        me[0] = '\0';
    for (int r = 0; r < nrefs; r++) /* your run is not its own reference */
        if (!me[0] || !realpath(refs[r].name, it) || strcmp(me, it) != 0)
            side_lines(&refs[r], 0, l, &n);
    for (size_t i = 0; i < n; i++)
        fill(&l[i], mine);
    printf("\n== machines: each one's best variant (median cell updates/s) ==\n");
    printf("%-30s %-30s %-23s %5s  %s\n", "machine and device", "course grid 50x222x241",
           mine ? "largest grid you share" : "largest grid", "roof",
           mine ? "provenance vs your vs your" : "provenance");
    if (mine) /* the factor columns, with a run only */
        printf("%-30s %-30s %-23s %5s  %-10s %7s %7s\n", "", "", "", "", "", "CPU", "GPU");
    int any_course = 0;
    for (size_t i = 0; i < n; i++) {
        const mline *m = &l[i];
        char c[64] = "-", g[48] = "-", roof[16] = "-", r1[32], f0[16], f1[16];
        if (m->course) {
            char v[16];
            snprintf(v, sizeof v, "%.14s", m->course->row->variant);
            snprintf(c, sizeof c, "%-9s %s x%ld", compare_rate_text(bench_result_rate(m->course), r1, sizeof r1),
                     v, m->course->row->timesteps);
        }
        if (m->common && m->prov != BENCH_PUBLISHED)
            snprintf(g, sizeof g, "%s%ldx%ldx%ld %s", m->common_nearest ? "~" : "", m->common->row->nz,
                     m->common->row->ny, m->common->row->nx,
                     compare_rate_text(bench_result_rate(m->common), r1, sizeof r1));
        const bench_result *rp = m->course ? m->course : m->common;
        if (rp && isfinite(rp->stat[BENCH_M_ROOF].median))
            snprintf(roof, sizeof roof, "%.0f%%", 100.0 * rp->stat[BENCH_M_ROOF].median);
        any_course |= m->prov == BENCH_PUBLISHED;
        if (mine)
            printf("%-30s %-30s %-23s %5s  %-10s %7s %7s\n", m->name, c, g, roof,
                   bench_provenance_name(m->prov), factor_text(m->vs[0], f0, sizeof f0),
                   factor_text(m->vs[1], f1, sizeof f1));
        else
            printf("%-30s %-30s %-23s %5s  %s\n", m->name, c, g, roof, bench_provenance_name(m->prov));
    }
    printf("roof: that point's fraction of the machine's copy bandwidth (projected: of its datasheet "
           "bandwidth)%s\n",
           mine ? "; vs your CPU/GPU: its rate over your best one's, on the course grid where both "
                  "have it, else on the largest grid both have (~: none in common, your largest grid "
                  "against its nearest)" : "");
    if (any_course)
        printf("course NumPy/CuPy: the course's Python timings as published, in cell updates/s; its "
               "loop tiles the field into (steps, 50, 222, 241) and updates every copy each step, so "
               "it does more work per step than this model (more as the steps grow): compare rates, "
               "never seconds\n");
    for (int dev = 0; mine && dev < 2; dev++) /* the sentences a learner came for */
        for (size_t i = 0; i < n; i++) {
            const mline *m = &l[i];
            if (m->yours || m->prov == BENCH_PUBLISHED || !m->q.gpu || !isfinite(m->vs[dev]))
                continue;
            char f[16];
            double x = m->vs[dev];
            printf("%s %s %s this model %s %s your %s (%s, best variants on %s)\n",
                   strchr("AEFHILMNORSX", m->name[0]) ? "an" : "a", m->name,
                   m->prov == BENCH_PROJECTED ? "would run" : "runs",
                   factor_text(x >= 1.0 ? x : 1.0 / x, f, sizeof f),
                   x >= 1.0 ? "faster than" : "slower than", dev ? "GPU" : "CPU",
                   bench_provenance_name(m->prov), m->vs_how[dev]);
        }
    int ok = 1;
    if (chart_dir) {
        if (machines_chart(l, n, mine != NULL, chart_dir, chart_name, err) != STENCIL_OK)
            ok = 0;
        else
            printf("machines chart: %s/%s.png (and .svg)\n", chart_dir, chart_name);
    }
    free(l);
    return ok;
}

void compare_across(const compare_side *mine, const compare_side *ref)
{
    for (int dev = 0; dev < 2; dev++) {
        sel q = {ref, dev, NULL}, you = {mine, 0, NULL};
        if (!best_at(&q, 0, 0, 0))
            continue;
        for (int ud = 0; ud < 2; ud++) {
            you.gpu = ud;
            char how[40], f[16];
            double x = factor(&q, &you, how, sizeof how);
            if (isfinite(x))
                printf("  no variant in common; across device classes its best %s variant runs at "
                       "%s your best %s one (on %s)\n", dev ? "GPU" : "CPU",
                       factor_text(x, f, sizeof f), ud ? "GPU" : "CPU", how);
        }
    }
}
