/* stencilbench plot: the charts of one run, from its timings.csv and machine.json only.
 *
 * The run data (run_data.h) groups the ok rows per point (variant, grid, threads, ranks,
 * timesteps, tuning, host memory, scheme), each with the median, min and max of its
 * repetitions. Each chart (chart.h: chart_grid.c, chart_scaling.c, chart_ranks.c, chart_bars.c)
 * writes its points to plots/data/<chart>.dat and a script plots/data/<chart>.gp (settings,
 * then the body of plots/<kind>.gp, once for PNG and once for SVG); gnuplot draws;
 * index_page.c shows them. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"

/* Removes the charts and data an earlier rendering left (names this file makes only), so a
 * re-rendered folder holds no chart the index does not show. */
static void remove_old(const char *dir, int data)
{
    static const char *const prefixes[] = {"rate_",  "step_time_", "roofline_", "scaling_",
                                           "steps_", "transfers_", "ranks_"};
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

/* Each variant's charts, then those comparing the variants. */
static stencil_status render_charts(plot_ctx *c, const plot_pref *prefs, int nv, const plot_point **buf,
                                    stencil_error *err)
{
    stencil_status st = STENCIL_OK;
    for (int v = 0; v < nv && st == STENCIL_OK; v++) {
        c->group = prefs[v].variant;
        if ((st = plot_chart_grid_variant(c, &prefs[v], buf, err)) == STENCIL_OK &&
            (st = plot_chart_scaling(c, &prefs[v], 1, 0, buf, err)) == STENCIL_OK &&
            (st = plot_chart_steps(c, &prefs[v], 1, 0, buf, err)) == STENCIL_OK &&
            (st = plot_chart_ranks(c, &prefs[v], buf, err)) == STENCIL_OK)
            st = plot_chart_bars(c, &prefs[v], 1, 0, buf, err);
    }
    /* The points no chart shows; a variant's points are neighbours, in prefs' order. */
    for (size_t i = 0, v = 0; i < c->run.np && nv > 0; i++) {
        if (i > 0 && strcmp(c->run.pts[i].k.variant, c->run.pts[i - 1].k.variant) != 0)
            v++;
        c->hidden += strcmp(c->run.pts[i].k.scheme, prefs[v].scheme) != 0 ||
                     strcmp(c->run.pts[i].k.tuning, prefs[v].tuning) != 0 ||
                     (c->run.pts[i].k.ranks != prefs[v].ranks && !c->in_ranks_chart[i]);
    }
    c->group = "";
    if (st == STENCIL_OK && nv > 1 && (st = plot_chart_grid_all(c, prefs, nv, buf, err)) == STENCIL_OK &&
        (st = plot_chart_scaling(c, prefs, nv, 1, buf, err)) == STENCIL_OK &&
        (st = plot_chart_steps(c, prefs, nv, 1, buf, err)) == STENCIL_OK) {
        int ngpu = 0;
        for (int v = 0; v < nv; v++)
            ngpu += prefs[v].gpu;
        if (ngpu > 1)
            st = plot_chart_bars(c, prefs, nv, 1, buf, err);
    }
    return st;
}

stencil_status plot_render_run(const char *run_dir, const char *warnings, stencil_error *err)
{
    plot_ctx *c = calloc(1, sizeof *c);
    const plot_point **buf = NULL;
    plot_pref *prefs = NULL;
    char data_dir[PLOT_PATH_MAX];
    if (!c) {
        plot_msg(err, "out of memory");
        return STENCIL_ERR_NOMEM;
    }
    c->warnings = warnings;
    stencil_status st;
    int nv = 0;
    if ((st = plot_gnuplot_check(err)) != STENCIL_OK ||
        (st = plot_path(c->run_dir, sizeof c->run_dir, err, "%s", run_dir)) != STENCIL_OK ||
        (st = plot_path(c->plots_dir, sizeof c->plots_dir, err, "%s/plots", run_dir)) != STENCIL_OK ||
        (st = plot_path(data_dir, sizeof data_dir, err, "%s/plots/data", run_dir)) != STENCIL_OK ||
        (st = plot_run_data_load(run_dir, &c->run, err)) != STENCIL_OK ||
        (st = plot_mkdir_p(data_dir, err)) != STENCIL_OK)
        goto done;
    remove_old(c->plots_dir, 0);
    remove_old(data_dir, 1);
    buf = malloc((c->run.np ? c->run.np : 1) * sizeof *buf);
    prefs = malloc((c->run.np ? c->run.np : 1) * sizeof *prefs);
    c->in_ranks_chart = calloc(c->run.np ? c->run.np : 1, 1);
    if (!buf || !prefs || !c->in_ranks_chart) {
        plot_msg(err, "out of memory");
        st = STENCIL_ERR_NOMEM;
        goto done;
    }
    if ((st = plot_chart_prefs(c, prefs, &nv, buf, err)) == STENCIL_OK &&
        (st = render_charts(c, prefs, nv, buf, err)) == STENCIL_OK)
        st = plot_index_write(c, err);
done:
    free(c->in_ranks_chart);
    free(prefs);
    free(buf);
    plot_run_data_free(&c->run);
    free(c);
    return st;
}
