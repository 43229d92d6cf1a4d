/* Charts against grid size (chart.h, plots/grid.gp): cell updates per second, compute time per
 * timestep and the fraction of the copy bandwidth, with the copy-bandwidth limits (called
 * rooflines in the code; only the bandwidth ceiling, no arithmetic one) and cache marks; per
 * variant (a series per thread count) and comparing the variants. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"

typedef struct grid_series {
    const char *title[PLOT_MAX_SERIES];
    char titles[PLOT_MAX_SERIES][96];
    double roof[PLOT_MAX_SERIES]; /* copy roofline in cell updates/s, NaN if unknown */
    int roof_device_gpu[PLOT_MAX_SERIES];
    long roof_threads[PLOT_MAX_SERIES];
    int n;
    double xmin, xmax;
    double rate_lo, rate_hi, ms_lo, ms_hi; /* what the log y axes must show */
} grid_series;

/* Widens [lo, hi] to hold v when v is finite and positive (a log axis). */
static void widen(double *lo, double *hi, double v)
{
    if (isfinite(v) && v > 0)
        *lo = fmin(*lo, v), *hi = fmax(*hi, v);
}

/* One series of a grid chart: cells, rate, ms per step, roofline fraction (med, lo, hi). */
static void grid_block(plot_buf *d, const plot_point *const *p, size_t n, const char *title, grid_series *gs)
{
    plot_chart_comment(d, title);
    plot_buf_printf(d, "# cells rate(med lo hi) ms_per_step(med lo hi) roofline_fraction(med lo hi) grid "
                       "ms_per_step_at_copy_bandwidth\n");
    for (size_t i = 0; i < n; i++) {
        const plot_point *q = p[i];
        double s = q->k.steps > 0 ? 1e3 / (double)q->k.steps : NAN;
        char g[64];
        plot_chart_grid_label(&q->k, g, sizeof g);
        plot_buf_printf(d, "%.0f", q->cells);
        plot_chart_put3(d, q, PLOT_M_RATE, 1.0);
        plot_chart_put3(d, q, PLOT_M_COMPUTE, s);
        plot_chart_put3(d, q, PLOT_M_ROOF, 1.0);
        plot_buf_printf(d, " %s", g);
        /* The time one step would take at the copy bandwidth: 8 B per interior cell. */
        double interior = (double)(q->k.nz - 2) * (double)(q->k.ny - 2) * (double)(q->k.nx - 2);
        double at_copy = interior * 8 / (q->med[PLOT_M_COPY] * 1e9) * 1e3;
        plot_chart_put(d, at_copy);
        plot_buf_printf(d, "\n");
        for (int m = 0; m < 3; m++) {
            const double *v = m == 0 ? q->med : m == 1 ? q->lo : q->hi;
            widen(&gs->rate_lo, &gs->rate_hi, v[PLOT_M_RATE]);
            widen(&gs->ms_lo, &gs->ms_hi, v[PLOT_M_COMPUTE] * s);
        }
        widen(&gs->ms_lo, &gs->ms_hi, at_copy);
    }
    plot_buf_printf(d, "\n\n");
}

/* Writes the three grid charts (rate, time per step, roofline fraction) of a set of series. */
static stencil_status grid_charts(plot_ctx *c, const char *variant, const plot_buf *dat, grid_series *gs,
                                  int cpu_caches, int gpu_cache, int color_roofs, const char *who,
                                  const char *machine, const char *what, stencil_error *err)
{
    /* Rooflines, merged when within 2 %. */
    double rv[PLOT_MAX_SERIES];
    const char *rt[PLOT_MAX_SERIES];
    char rtext[PLOT_MAX_SERIES][96];
    double rl[PLOT_MAX_SERIES];
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
            snprintf(rtext[nr], sizeof rtext[nr], "GPU copy-bandwidth limit (%.0f GB/s / 8 B)", rv[nr] * 8 / 1e9);
        else
            snprintf(rtext[nr], sizeof rtext[nr], "CPU copy-bandwidth limit, %ld thread%s (%.1f GB/s / 8 B)",
                     gs->roof_threads[i], gs->roof_threads[i] > 1 ? "s" : "", rv[nr] * 8 / 1e9);
        rt[nr] = rtext[nr];
        nr++;
    }
    /* Label each roofline above it, or below it when the next higher one is close (log). */
    double ro[PLOT_MAX_SERIES];
    for (int j = 0; j < nr; j++) {
        int close = 0;
        for (int i = 0; i < nr; i++)
            close |= i != j && rv[i] > rv[j] && rv[i] < 1.6 * rv[j];
        ro[j] = close ? -0.8 : 0.7;
    }
    /* Cache marks: the grid whose two float32 fields (8 B per cell) fill the cache. */
    double cx[PLOT_MAX_CACHES + 1];
    char clab[PLOT_MAX_CACHES + 1][64];
    const char *cl[PLOT_MAX_CACHES + 1];
    int nc = 0;
    double xmin = gs->xmin, xmax = gs->xmax;
    for (int i = 0; cpu_caches && i < c->run.m.ncpu_cache; i++) {
        cx[nc] = c->run.m.cpu_cache[i].bytes / 8;
        snprintf(clab[nc], sizeof clab[nc], "%s / 8 B per cell", c->run.m.cpu_cache[i].label);
        nc++;
    }
    if (gpu_cache && isfinite(c->run.m.gpu_l2) && c->run.m.gpu_l2 > 0) {
        char hb[32];
        plot_human_bytes(c->run.m.gpu_l2, hb, sizeof hb);
        cx[nc] = c->run.m.gpu_l2 / 8;
        snprintf(clab[nc], sizeof clab[nc], "GPU L2 %s / 8 B per cell", hb);
        nc++;
    }
    double cy[PLOT_MAX_CACHES + 1];
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
         "grids come to the dashed copy-bandwidth limit (copy GB/s / 8 B: the rate if every cell "
         "update moved its 8 B at the speed of a copy).",
         2, 1},
        {"step_time", "time per timestep (ms, log scale)", "time per timestep against grid size",
         "Compute time per timestep, median (bars: min..max); dashed: the time at the measured copy "
         "bandwidth. Look for a slope of one (time "
         "proportional to cells) where the stencil is bandwidth-bound; a flat floor at small "
         "grids is a fixed cost per step (loop, thread or launch overhead).",
         5, 1},
        {"roofline", "fraction of the measured copy bandwidth",
         "fraction of the copy-bandwidth limit against grid size",
         "Effective bandwidth (8 B per cell update) over the copy bandwidth measured in the same "
         "run, median (bars: min..max). Look for values near 1 (as fast as a copy: "
         "bandwidth-bound); above 1 the fields fit in a cache.",
         8, 0},
    };
    for (int k = 0; k < 3; k++) {
        char name[96], title[400];
        plot_chart_name(name, sizeof name, g[k].kind, variant);
        plot_fmt(title, sizeof title, "%s: %s%s\n%s", who, g[k].what, what, machine);
        plot_buf s = {0};
        plot_chart_gp_common(&s, name, title);
        plot_buf_gp_array_str(&s, "stitle", gs->title, gs->n);
        plot_chart_gp_hover(&s, gs->title, gs->n);
        plot_buf_gp_var(&s, "hfmt", k == 0 ? "%.2s%c" : "%.3g");
        plot_buf_gp_var(&s, "hunit", k == 0 ? " cell updates/s" : k == 1 ? " ms per step" : " of the copy bandwidth");
        plot_buf_printf(&s, "ns = %d\nycol = %d\nylog = %d\n", gs->n, g[k].ycol, g[k].ylog);
        plot_buf_log_axis(&s, "x", xmin, xmax, 0, 1);
        if (k == 0) { /* the data and the rooflines */
            double lo = gs->rate_lo, hi = gs->rate_hi;
            for (int j = 0; j < nr; j++)
                widen(&lo, &hi, rv[j]);
            plot_buf_log_axis(&s, "y", lo, hi, 0.06, 1);
        } else if (k == 1) {
            plot_buf_log_axis(&s, "y", gs->ms_lo, gs->ms_hi, 0.06, 0);
        }
        plot_buf_gp_var(&s, "ylabel", g[k].ylabel);
        if (k == 0) {
            plot_buf_gp_array_num(&s, "roofv", rv, nr);
            plot_buf_gp_array_str(&s, "rooft", rt, nr);
            plot_buf_gp_array_num(&s, "roofl", rl, nr);
            plot_buf_gp_array_num(&s, "roofo", ro, nr);
            plot_buf_printf(&s, "nr = %d\n", nr);
        } else if (k == 2) {
            plot_buf_printf(&s, "array roofv[1] = [1]\narray rooft[1] = [\"as fast as the copy (1)\"]\n"
                                "array roofl[1] = [0]\narray roofo[1] = [0.7]\nnr = 1\n");
        } else {
            plot_buf_printf(&s, "array roofv[1] = [1]\narray rooft[1] = [\"\"]\narray roofl[1] = [0]\n"
                                "array roofo[1] = [0]\nnr = 0\n");
        }
        plot_buf_gp_array_num(&s, "cx", cx, nc);
        double cyk[PLOT_MAX_CACHES + 1]; /* log charts: labels at the bottom, away from the rooflines */
        for (int i = 0; i < nc; i++)
            cyk[i] = g[k].ylog ? 1.0 - cy[i] : cy[i];
        plot_buf_gp_array_num(&s, "cy", cyk, nc);
        plot_buf_printf(&s, "roofdirect = %d\n", !color_roofs);
        plot_buf_gp_array_str(&s, "clab", cl, nc);
        plot_buf_printf(&s, "nc = %d\n", nc);
        stencil_status st = plot_chart_emit(c, name, "grid.gp", dat, &s, g[k].caption, title, err);
        plot_buf_free(&s);
        if (st != STENCIL_OK)
            return st;
    }
    return STENCIL_OK;
}

/* Per-variant grid charts: one series per thread count (CPU) at the variant's usual settings. */
stencil_status plot_chart_grid_variant(plot_ctx *c, const plot_pref *f, const plot_point **buf,
                                       stencil_error *err)
{
    grid_series gs = {.n = 0, .xmin = INFINITY, .xmax = 0, .rate_lo = INFINITY, .rate_hi = 0,
                      .ms_lo = INFINITY, .ms_hi = 0};
    plot_buf d = {0};
    long threads[PLOT_MAX_SERIES];
    int nt = 0;
    for (size_t i = 0; i < c->run.np && nt < PLOT_MAX_SERIES; i++) {
        const plot_point *p = &c->run.pts[i];
        if (!plot_chart_match(p, f, -1, f->steps, NULL))
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
        size_t n = plot_chart_select(c, f, threads[i], f->steps, NULL, buf);
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
            copy = isfinite(copy) ? fmax(copy, buf[j]->med[PLOT_M_COPY]) : buf[j]->med[PLOT_M_COPY];
        gs.roof[s] = copy * 1e9 / 8;
        gs.roof_device_gpu[s] = f->gpu;
        gs.roof_threads[s] = threads[i];
        gs.xmin = fmin(gs.xmin, buf[0]->cells);
        gs.xmax = fmax(gs.xmax, buf[n - 1]->cells);
        grid_block(&d, buf, n, gs.title[s], &gs);
    }
    stencil_status st = STENCIL_OK;
    if (gs.n > 0) {
        char machine[400], what[200], rk[32];
        plot_chart_machine(c, !f->gpu, f->gpu, machine, sizeof machine);
        snprintf(what, sizeof what, " (%ld step%s, %s%s%s%s)", f->steps, f->steps == 1 ? "" : "s", f->tuning,
                 f->gpu ? ", " : "", f->gpu ? f->host : "", plot_chart_ranks_text(f, rk, sizeof rk));
        st = grid_charts(c, f->variant, &d, &gs, !f->gpu, f->gpu, 1, f->variant, machine, what, err);
    }
    plot_buf_free(&d);
    return st;
}

/* Comparing grid charts: each variant at its usual settings and most threads. */
stencil_status plot_chart_grid_all(plot_ctx *c, const plot_pref *prefs, int nprefs, const plot_point **buf,
                                   stencil_error *err)
{
    grid_series gs = {.n = 0, .xmin = INFINITY, .xmax = 0, .rate_lo = INFINITY, .rate_hi = 0,
                      .ms_lo = INFINITY, .ms_hi = 0};
    plot_buf d = {0};
    int any_gpu = 0, any_cpu = 0;
    for (int v = 0; v < nprefs && gs.n < PLOT_MAX_SERIES; v++) {
        const plot_pref *f = &prefs[v];
        size_t n = plot_chart_select(c, f, f->max_threads, f->steps, NULL, buf);
        if (n == 0)
            continue;
        int s = gs.n++;
        char rk[32];
        if (f->gpu)
            snprintf(gs.titles[s], sizeof gs.titles[s], "%s%s (%ld step%s)", f->variant,
                     plot_chart_ranks_text(f, rk, sizeof rk), f->steps, f->steps == 1 ? "" : "s");
        else
            snprintf(gs.titles[s], sizeof gs.titles[s], "%s, %ld thread%s%s (%ld step%s)", f->variant,
                     f->max_threads, f->max_threads > 1 ? "s" : "", plot_chart_ranks_text(f, rk, sizeof rk),
                     f->steps, f->steps == 1 ? "" : "s");
        gs.title[s] = gs.titles[s];
        double copy = NAN;
        for (size_t j = 0; j < n; j++)
            copy = isfinite(copy) ? fmax(copy, buf[j]->med[PLOT_M_COPY]) : buf[j]->med[PLOT_M_COPY];
        gs.roof[s] = copy * 1e9 / 8;
        gs.roof_device_gpu[s] = f->gpu;
        gs.roof_threads[s] = f->max_threads;
        any_gpu |= f->gpu;
        any_cpu |= !f->gpu;
        gs.xmin = fmin(gs.xmin, buf[0]->cells);
        gs.xmax = fmax(gs.xmax, buf[n - 1]->cells);
        grid_block(&d, buf, n, gs.title[s], &gs);
    }
    stencil_status st = STENCIL_OK;
    if (gs.n > 0) {
        char machine[400];
        plot_chart_machine(c, any_cpu, any_gpu, machine, sizeof machine);
        st = grid_charts(c, NULL, &d, &gs, any_cpu, any_gpu, 0, "all variants", machine, "", err);
    }
    plot_buf_free(&d);
    return st;
}
