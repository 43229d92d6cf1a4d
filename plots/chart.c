/* What the charts share (chart.h): each variant's usual settings, point selection, the data
 * and script of a chart and running gnuplot on them. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"

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
 * the value met first). tmp holds c->run.np entries. */
static const char *common(const plot_ctx *c, const char *variant, size_t off, const char *prefer, str_at *tmp)
{
    size_t n = 0;
    for (size_t i = 0; i < c->run.np; i++) {
        if (strcmp(c->run.pts[i].k.variant, variant) != 0)
            continue;
        const char *s = (const char *)&c->run.pts[i].k + off;
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

int plot_chart_match(const plot_point *p, const plot_pref *f, long threads, long steps, const char *host)
{
    return strcmp(p->k.variant, f->variant) == 0 && strcmp(p->k.scheme, f->scheme) == 0 &&
           strcmp(p->k.tuning, f->tuning) == 0 && strcmp(p->k.host, host ? host : f->host) == 0 &&
           (threads < 0 || p->k.threads == threads) && (steps < 0 || p->k.steps == steps) &&
           (f->ranks < 0 || p->k.ranks == f->ranks);
}

int plot_chart_same_grid(const plot_point *a, const plot_point *b)
{
    return a->cells == b->cells && a->k.nz == b->k.nz;
}

static int point_by_ranks(const void *a, const void *b)
{
    const plot_point *x = *(const plot_point *const *)a, *y = *(const plot_point *const *)b;
    return (x->k.ranks > y->k.ranks) - (x->k.ranks < y->k.ranks);
}

static int point_by_steps(const void *a, const void *b)
{
    const plot_point *x = *(const plot_point *const *)a, *y = *(const plot_point *const *)b;
    if (x->k.steps != y->k.steps)
        return x->k.steps < y->k.steps ? -1 : 1;
    return x->cells != y->cells ? (x->cells < y->cells ? -1 : 1) : (x->k.nz > y->k.nz) - (x->k.nz < y->k.nz);
}

/* Fills f for one variant; tmp and pbuf hold c->run.np entries each (scratch). */
static void make_pref(const plot_ctx *c, const char *variant, plot_pref *f, str_at *tmp,
                      const plot_point **pbuf)
{
    f->variant = variant;
    f->scheme = common(c, variant, offsetof(plot_key, scheme), "course", tmp);
    f->tuning = common(c, variant, offsetof(plot_key, tuning), "default", tmp);
    f->host = common(c, variant, offsetof(plot_key, host), "pinned", tmp);
    f->gpu = 0;
    f->max_threads = 0;
    f->steps = -1;
    /* The rank count measured at the most points (ties: the most ranks), counted over the
     * points sorted by ranks. */
    f->ranks = -1;
    size_t n = 0, best_n = 0;
    for (size_t i = 0; i < c->run.np; i++)
        if (plot_chart_match(&c->run.pts[i], f, -1, -1, NULL))
            pbuf[n++] = &c->run.pts[i];
    qsort(pbuf, n, sizeof *pbuf, point_by_ranks);
    long ranks = 1;
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i + 1; j < n && pbuf[j]->k.ranks == pbuf[i]->k.ranks; j++)
            ;
        if (j - i >= best_n)
            best_n = j - i, ranks = pbuf[i]->k.ranks;
    }
    f->ranks = ranks;
    for (size_t i = 0; i < c->run.np; i++) {
        const plot_point *p = &c->run.pts[i];
        if (!plot_chart_match(p, f, -1, -1, NULL))
            continue;
        f->gpu = strcmp(p->k.device, "gpu") == 0;
        if (p->k.threads > f->max_threads)
            f->max_threads = p->k.threads;
    }
    /* The timestep count measured on the most distinct grids at the most threads (ties: the
     * most steps), counted over the points sorted by steps and grid. */
    n = 0;
    for (size_t i = 0; i < c->run.np; i++)
        if (plot_chart_match(&c->run.pts[i], f, f->max_threads, -1, NULL))
            pbuf[n++] = &c->run.pts[i];
    qsort(pbuf, n, sizeof *pbuf, point_by_steps);
    long best = -1;
    for (size_t i = 0, j; i < n; i = j) {
        long grids = 1;
        for (j = i + 1; j < n && pbuf[j]->k.steps == pbuf[i]->k.steps; j++)
            grids += !plot_chart_same_grid(pbuf[j], pbuf[j - 1]);
        if (grids > best || (grids == best && pbuf[i]->k.steps > f->steps))
            best = grids, f->steps = pbuf[i]->k.steps;
    }
}

int plot_chart_by_cells(const void *a, const void *b)
{
    const plot_point *x = *(const plot_point *const *)a, *y = *(const plot_point *const *)b;
    return x->cells != y->cells ? (x->cells < y->cells ? -1 : 1) : (x->k.nz > y->k.nz) - (x->k.nz < y->k.nz);
}

/* Matching points sorted by grid size; returns the count. */
size_t plot_chart_select(const plot_ctx *c, const plot_pref *f, long threads, long steps, const char *host,
                         const plot_point **out)
{
    size_t n = 0;
    for (size_t i = 0; i < c->run.np; i++)
        if (plot_chart_match(&c->run.pts[i], f, threads, steps, host))
            out[n++] = &c->run.pts[i];
    qsort(out, n, sizeof *out, plot_chart_by_cells);
    return n;
}

void plot_chart_put(plot_buf *b, double v)
{
    if (isfinite(v))
        plot_buf_printf(b, " %.6g", v);
    else
        plot_buf_printf(b, " NaN");
}

void plot_chart_put3(plot_buf *b, const plot_point *q, int m, double scale)
{
    plot_chart_put(b, q->med[m] * scale);
    plot_chart_put(b, q->lo[m] * scale);
    plot_chart_put(b, q->hi[m] * scale);
}

/* Text as one word of a data file: blanks, quotes, '#' and control characters become '_'. */
void plot_chart_word(plot_buf *b, const char *text)
{
    for (const char *p = text; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        plot_buf_append(b, ch <= ' ' || ch == 0x7f || ch == '"' || ch == '\'' || ch == '#' ? "_" : p, 1);
    }
    if (!*text)
        plot_buf_append(b, "_", 1);
}

/* A comment line "# text" in a data file (a newline in text would start a data line). */
void plot_chart_comment(plot_buf *b, const char *text)
{
    plot_buf_printf(b, "# ");
    plot_buf_line_text(b, text);
    plot_buf_printf(b, "\n");
}

/* Settings every chart shares: colours (col[1..8]) and the data file. */
void plot_chart_gp_common(plot_buf *b, const char *name, const char *title)
{
    plot_buf_printf(b, "# %s: written by stencilbench plot; run from the plots folder: gnuplot data/%s.gp\n",
                    name, name);
    plot_buf_printf(b, "array col[10] = [\"#1f77b4\", \"#d62728\", \"#2ca02c\", \"#9467bd\", "
                       "\"#ff7f0e\", \"#8c564b\", \"#e377c2\", \"#17becf\", \"#7f7f7f\", \"#bcbd22\"]\n");
    char dat[128];
    snprintf(dat, sizeof dat, "data/%s.dat", name);
    plot_buf_gp_var(b, "dat", dat);
    plot_buf_gp_var(b, "chart_title", title);
}

void plot_chart_gp_hover(plot_buf *b, const char *const *titles, int n)
{
    char t[PLOT_MAX_SERIES][96];
    const char *p[PLOT_MAX_SERIES];
    if (n > PLOT_MAX_SERIES)
        n = PLOT_MAX_SERIES;
    for (int i = 0; i < n; i++) {
        size_t k = 0;
        for (const char *c = titles[i]; *c && k + 1 < sizeof t[i]; c++) {
            int ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
                     strchr(" ,._-+():/", *c) != NULL;
            t[i][k++] = ok ? *c : '_';
        }
        t[i][k] = '\0';
        p[i] = t[i];
    }
    plot_buf_gp_array_str(b, "htitle", p, n);
}

/* Writes data/<name>.dat and data/<name>.gp (settings + plots/<kind>.gp for PNG and SVG),
 * runs gnuplot and records the chart. */
stencil_status plot_chart_emit(plot_ctx *c, const char *name, const char *kind, const plot_buf *dat,
                               const plot_buf *settings, const char *caption, const char *title,
                               stencil_error *err)
{
    const char *body = plot_script_text(kind);
    if (!body) {
        plot_msg(err, "internal: no embedded script %s", kind);
        return STENCIL_ERR_ARG;
    }
    if (c->ncharts >= PLOT_MAX_CHARTS) {
        plot_msg(err, "more than %d charts", PLOT_MAX_CHARTS);
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
        plot_buf_terminal(&gp, fmts[i], name, PLOT_CHART_WIDTH, PLOT_CHART_HEIGHT);
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
    plot_fmt(ch->name, sizeof ch->name, "%s", name);
    plot_fmt(ch->group, sizeof ch->group, "%s", c->group ? c->group : "");
    plot_fmt(ch->caption, sizeof ch->caption, "%s", caption);
    plot_fmt(ch->title, sizeof ch->title, "%s", title);
    for (char *p = ch->title; *p; p++)
        if (*p == '\n')
            *p = ' ';
    return STENCIL_OK;
}

/* A chart's file name: kind_VARIANT, or kind_all for the charts comparing variants (variant
 * NULL). The variant part is a safe file name (plot_safe_name); a variant called "all" gets a
 * tag so its charts do not replace the comparing ones. */
void plot_chart_name(char *out, size_t len, const char *kind, const char *variant)
{
    char stem[80] = "all";
    if (variant)
        plot_safe_name(stem, sizeof stem, variant, strcmp(variant, "all") == 0);
    snprintf(out, len, "%s_%s", kind, stem);
}

void plot_chart_machine(const plot_ctx *c, int cpu, int gpu, char *out, size_t len)
{
    const char *a = cpu ? c->run.m.cpu : "", *b = gpu ? c->run.m.gpu : "";
    if (*b && strstr(c->run.m.label, b)) /* the label already names the GPU */
        b = "";
    if (*a || *b)
        plot_fmt(out, len, "%s (%s%s%s)", c->run.m.label, a, *a && *b ? "; " : "", b);
    else
        plot_fmt(out, len, "%s", c->run.m.label);
}

const char *plot_chart_ranks_text(const plot_pref *f, char *buf, size_t len)
{
    if (f->ranks <= 1)
        return "";
    snprintf(buf, len, ", %ld ranks", f->ranks);
    return buf;
}

void plot_chart_grid_label(const plot_key *k, char *out, size_t len)
{
    snprintf(out, len, "%ldx%ldx%ld", k->nz, k->ny, k->nx);
}

stencil_status plot_chart_prefs(const plot_ctx *c, plot_pref *prefs, int *nv, const plot_point **pbuf,
                                stencil_error *err)
{
    *nv = 0;
    str_at *tmp = malloc((c->run.np ? c->run.np : 1) * sizeof *tmp);
    if (!tmp) {
        plot_msg(err, "out of memory");
        return STENCIL_ERR_NOMEM;
    }
    /* Variants in order of first appearance in the sorted points: alphabetical. */
    for (size_t i = 0; i < c->run.np; i++)
        if (i == 0 || strcmp(c->run.pts[i].k.variant, c->run.pts[i - 1].k.variant) != 0)
            make_pref(c, c->run.pts[i].k.variant, &prefs[(*nv)++], tmp, pbuf);
    free(tmp);
    return STENCIL_OK;
}
