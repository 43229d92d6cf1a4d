/* Stacked host->device, compute and device->host bars of the GPU variants (plots/bars.gp,
 * chart.h). */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"

/* Stacked transfer/compute bars: per GPU variant (one panel per grid, bars pinned and
 * pageable), or all GPU variants at their largest grid (one panel). */
stencil_status plot_chart_bars(plot_ctx *c, const plot_pref *prefs, int nprefs, int all,
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
            hn[h] = plot_chart_select(c, f, -1, f->steps, hosts[h], buf);
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
        qsort(grids, (size_t)ng, sizeof *grids, plot_chart_by_cells);
        if (ng > MAX_PANELS && !all) /* keep the largest grids */
            memmove(grids, grids + ng - MAX_PANELS, MAX_PANELS * sizeof *grids), ng = MAX_PANELS;
        for (int gi = all ? ng - 1 : 0; gi >= 0 && gi < ng; gi++) {
            if (!all || np == 0) {
                if (np > 0)
                    plot_buf_printf(&d, "\n\n");
                plot_chart_grid_label(&grids[gi]->k, ptext[np], sizeof ptext[np]);
                if (all)
                    plot_fmt(ptext[np], sizeof ptext[np], "largest grid of each");
                ptitle[np] = ptext[np];
                nb[np++] = 0;
                plot_chart_comment(&d, ptext[np - 1]);
                plot_buf_printf(&d, "# x label host->device +compute +device->host (ms, medians) total_lo "
                                    "total_hi label2 label_index\n");
            }
            for (int h = 0; h < 2; h++)
                for (size_t i = 0; i < hn[h]; i++) {
                    const plot_point *q = hp[h][i];
                    if (q->cells != grids[gi]->cells || q->k.nz != grids[gi]->k.nz)
                        continue;
                    double a = isfinite(q->med[PLOT_M_H2D]) ? q->med[PLOT_M_H2D] : 0,
                           b = isfinite(q->med[PLOT_M_COMPUTE]) ? q->med[PLOT_M_COMPUTE] : 0,
                           e = isfinite(q->med[PLOT_M_D2H]) ? q->med[PLOT_M_D2H] : 0;
                    char g_text[64];
                    plot_chart_grid_label(&q->k, g_text, sizeof g_text);
                    nb[np - 1] += 1;
                    plot_buf_printf(&d, "%.0f ", nb[np - 1]);
                    plot_chart_word(&d, all ? q->k.variant : hosts[h]);
                    plot_chart_put(&d, a * 1e3), plot_chart_put(&d, (a + b) * 1e3),
                        plot_chart_put(&d, (a + b + e) * 1e3);
                    plot_chart_put(&d, q->lo[PLOT_M_TOTAL] * 1e3),
                        plot_chart_put(&d, q->hi[PLOT_M_TOTAL] * 1e3);
                    plot_buf_printf(&d, " %s %d\n", all ? hosts[h] : g_text, bars + 1);
                    char label[96];
                    snprintf(label, sizeof label, "%s%s%s", all ? q->k.variant : "", all ? "\n" : "",
                             hosts[h]);
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
        plot_chart_machine(c, 0, 1, machine, sizeof machine);
        if (mixed_steps)
            plot_fmt(steps_text, sizeof steps_text, "each variant's usual timesteps");
        else
            plot_fmt(steps_text, sizeof steps_text, "%ld timestep%s", steps, steps == 1 ? "" : "s");
        plot_chart_name(name, sizeof name, "transfers", all ? NULL : prefs[0].variant);
        plot_fmt(title, sizeof title,
                 "%s: host->device, compute and device->host, pinned and pageable (%s)\n%s",
                 all ? "GPU variants" : prefs[0].variant, steps_text, machine);
        plot_buf s = {0};
        plot_chart_gp_common(&s, name, title);
        plot_buf_gp_array_str(&s, "ptitle", ptitle, np);
        plot_buf_gp_array_num(&s, "nb", nb, np);
        plot_buf_printf(&s, "np = %d\narray blab[%d]\n", np, bars);
        plot_buf_append(&s, lab.s, lab.len);
        if (lab.failed)
            s.failed = 1;
        st = plot_chart_emit(c, name, "bars.gp", &d, &s,
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
