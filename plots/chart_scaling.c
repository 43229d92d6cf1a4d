/* Strong scaling against threads (plots/scaling.gp) and time per timestep against timesteps
 * (plots/steps.gp), per variant and comparing the variants (chart.h). */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"

/* Strong scaling of one variant (series: grid sizes measured at 2 or more thread counts), or
 * of all threaded variants at their largest such grid (f == NULL). */
stencil_status plot_chart_scaling(plot_ctx *c, const plot_pref *prefs, int nprefs, int all,
                                  const plot_point **buf, stencil_error *err)
{
    plot_buf d = {0};
    const char *titles[PLOT_MAX_SERIES];
    char tbuf[PLOT_MAX_SERIES][96];
    int ns = 0;
    long t0 = -1, tmax = 0;
    double effmax = 0;
    for (int v = 0; v < nprefs; v++) {
        const plot_pref *f = &prefs[v];
        size_t n = plot_chart_select(c, f, -1, f->steps, NULL, buf);
        /* grids, largest first, with at least two thread counts (buf: a grid's points are
         * neighbours, in [lo, hi)) */
        for (size_t hi = n, lo; hi > 0 && ns < PLOT_MAX_SERIES; hi = lo) {
            const plot_point *g = buf[hi - 1];
            for (lo = hi - 1; lo > 0 && plot_chart_same_grid(buf[lo - 1], g); lo--)
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
            char g_text[64], rk[32];
            plot_chart_grid_label(&g->k, g_text, sizeof g_text);
            if (all)
                snprintf(tbuf[ns], sizeof tbuf[ns], "%s, %s%s", f->variant, g_text,
                         plot_chart_ranks_text(f, rk, sizeof rk));
            else
                snprintf(tbuf[ns], sizeof tbuf[ns], "%s", g_text);
            titles[ns] = tbuf[ns];
            ns++;
            double base = pts[0]->med[PLOT_M_COMPUTE];
            plot_chart_comment(&d, tbuf[ns - 1]);
            plot_buf_printf(&d, "# threads speedup(med lo hi) efficiency(med lo hi)\n");
            for (int a = 0; a < np; a++) {
                const plot_point *q = pts[a];
                double ideal = (double)q->k.threads / (double)t0;
                double s = base / q->med[PLOT_M_COMPUTE], slo = base / q->hi[PLOT_M_COMPUTE],
                       shi = base / q->lo[PLOT_M_COMPUTE];
                plot_buf_printf(&d, "%ld", q->k.threads);
                plot_chart_put(&d, s), plot_chart_put(&d, slo), plot_chart_put(&d, shi);
                plot_chart_put(&d, s / ideal), plot_chart_put(&d, slo / ideal),
                    plot_chart_put(&d, shi / ideal);
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
        char name[96], title[400], machine[400], rk[32];
        plot_chart_machine(c, 1, 0, machine, sizeof machine);
        plot_chart_name(name, sizeof name, "scaling", all ? NULL : prefs[0].variant);
        plot_fmt(title, sizeof title, "%s: strong scaling, compute time (%s%s)\n%s",
                 all ? "threaded variants" : prefs[0].variant, all ? "largest grid of each" : prefs[0].tuning,
                 all ? "" : plot_chart_ranks_text(&prefs[0], rk, sizeof rk), machine);
        plot_buf s = {0};
        plot_chart_gp_common(&s, name, title);
        plot_buf_gp_array_str(&s, "stitle", titles, ns);
        plot_chart_gp_hover(&s, titles, ns);
        plot_buf_printf(&s, "ns = %d\nt0 = %ld\ntmax = %ld\neffmax = %.4g\n", ns, t0, tmax, effmax * 1.08);
        st = plot_chart_emit(
            c, name, "scaling.gp", &d, &s,
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
stencil_status plot_chart_steps(plot_ctx *c, const plot_pref *prefs, int nprefs, int all,
                                const plot_point **buf, stencil_error *err)
{
    plot_buf d = {0};
    const char *titles[PLOT_MAX_SERIES];
    char tbuf[PLOT_MAX_SERIES][96];
    int ns = 0, any_gpu = 0, any_cpu = 0;
    double xlo = INFINITY, xhi = 0, ylo = INFINITY, yhi = 0; /* what the log axes must show */
    for (int v = 0; v < nprefs; v++) {
        const plot_pref *f = &prefs[v];
        static const char *const hosts[] = {"pinned", "pageable", "none"};
        for (int h = 0; h < 3 && ns < PLOT_MAX_SERIES; h++) {
            if (all && strcmp(hosts[h], f->host) != 0)
                continue;
            size_t n = plot_chart_select(c, f, f->max_threads, -1, hosts[h], buf);
            /* the largest grid measured at two or more timestep counts (a grid's points are
             * neighbours in buf, in [lo, hi)) */
            const plot_point *pts[64];
            int np = 0;
            for (size_t hi = n, lo; hi > 0 && np < 2; hi = lo) {
                for (lo = hi - 1; lo > 0 && plot_chart_same_grid(buf[lo - 1], buf[hi - 1]); lo--)
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
            char g_text[64], rk[32];
            plot_chart_grid_label(&pts[0]->k, g_text, sizeof g_text);
            if (f->gpu)
                snprintf(tbuf[ns], sizeof tbuf[ns], "%s%s%s, %s%s", all ? f->variant : "", all ? " " : "",
                         hosts[h], g_text, plot_chart_ranks_text(f, rk, sizeof rk));
            else
                snprintf(tbuf[ns], sizeof tbuf[ns], "%s%s%ld thr, %s%s", all ? f->variant : "", all ? " " : "",
                         f->max_threads, g_text, plot_chart_ranks_text(f, rk, sizeof rk));
            any_gpu |= f->gpu;
            any_cpu |= !f->gpu;
            titles[ns] = tbuf[ns];
            ns++;
            plot_chart_comment(&d, tbuf[ns - 1]);
            plot_buf_printf(&d, "# steps total_ms_per_step(med lo hi) compute_ms_per_step(med lo hi)\n");
            for (int a = 0; a < np; a++) {
                const plot_point *q = pts[a];
                double s = 1e3 / (double)(q->k.steps > 0 ? q->k.steps : 1);
                int tm = isfinite(q->med[PLOT_M_TOTAL]) ? PLOT_M_TOTAL : PLOT_M_COMPUTE;
                plot_buf_printf(&d, "%ld", q->k.steps);
                plot_chart_put3(&d, q, tm, s);
                plot_chart_put3(&d, q, PLOT_M_COMPUTE, s);
                plot_buf_printf(&d, "\n");
                xlo = fmin(xlo, (double)q->k.steps), xhi = fmax(xhi, (double)q->k.steps);
                const double y[6] = {q->med[tm], q->lo[tm], q->hi[tm], q->med[PLOT_M_COMPUTE],
                                     q->lo[PLOT_M_COMPUTE], q->hi[PLOT_M_COMPUTE]};
                for (int m = 0; m < 6; m++)
                    if (isfinite(y[m] * s) && y[m] > 0)
                        ylo = fmin(ylo, y[m] * s), yhi = fmax(yhi, y[m] * s);
            }
            plot_buf_printf(&d, "\n\n");
        }
    }
    stencil_status st = STENCIL_OK;
    if (ns > 0) {
        char name[96], title[400], machine[400];
        plot_chart_machine(c, any_cpu, any_gpu, machine, sizeof machine);
        plot_chart_name(name, sizeof name, "steps", all ? NULL : prefs[0].variant);
        plot_fmt(title, sizeof title, "%s: time per timestep against timesteps (fixed costs amortised)\n%s",
                 all ? "all variants" : prefs[0].variant, machine);
        plot_buf s = {0};
        plot_chart_gp_common(&s, name, title);
        plot_buf_gp_array_str(&s, "stitle", titles, ns);
        plot_chart_gp_hover(&s, titles, ns);
        plot_buf_printf(&s, "ns = %d\n", ns);
        plot_buf_log_axis(&s, "x", xlo, xhi, 0.04, 0);
        plot_buf_log_axis(&s, "y", ylo, yhi, 0.06, 0);
        st =
            plot_chart_emit(c, name, "steps.gp", &d, &s,
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
