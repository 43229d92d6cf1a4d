#include <math.h>
#include <stdio.h>
#include <string.h>

#include "plot.h"
#include "plot_compare.h"
#include "plot_internal.h"

enum { CHART_W = 1100, CHART_H = 560 };

stencil_status plot_compare_chart(const char *dir, const char *name, const char *title,
                                  const plot_bar *bars, size_t nbars, const plot_tic *tics,
                                  size_t ntics, const char *const *machines, size_t nmachines,
                                  stencil_error *err)
{
    const char *body = plot_script_text("compare.gp");
    if (!body) {
        plot_msg(err, "internal: no embedded script compare.gp");
        return STENCIL_ERR_ARG;
    }
    char data_dir[PLOT_PATH_MAX], path[PLOT_PATH_MAX], out[PLOT_PATH_MAX];
    stencil_status st;
    if ((st = plot_path(data_dir, sizeof data_dir, err, "%s/data", dir)) != STENCIL_OK ||
        (st = plot_mkdir_p(data_dir, err)) != STENCIL_OK)
        return st;
    char data_rel[PLOT_PATH_MAX];
    st = plot_path(data_rel, sizeof data_rel, err, "./data/%s.dat", name);
    plot_buf d = {0}, gp = {0};
    double ymin = INFINITY, ymax = 0.0;
    for (int s = 0; s < 3; s++) { /* blocks 0..2: bars by style; an empty block gets a NaN */
        plot_buf_printf(&d, "# %s: x rate machine\n", s == 0 ? "measured" : s == 1 ? "projected" : "published");
        int any = 0;
        for (size_t i = 0; i < nbars; i++)
            if ((int)bars[i].style == s && bars[i].rate > 0.0) {
                plot_buf_printf(&d, "%g %.6g %d\n", bars[i].x, bars[i].rate, bars[i].machine % 10 + 1);
                ymin = fmin(ymin, bars[i].rate);
                ymax = fmax(ymax, bars[i].rate);
                any = 1;
            }
        if (!any)
            plot_buf_printf(&d, "1 NaN 1\n");
        plot_buf_printf(&d, "\n\n");
    }
    /* The tic labels reach gnuplot as strings in the script (tlab[], by the index in the data's
     * third column), the machine names as mname[]: no text is read from the data file. */
    plot_buf_printf(&d, "# tics: x index\n");
    for (size_t i = 0; i < ntics; i++)
        plot_buf_printf(&d, "%g %zu\n", tics[i].x, i + 1);
    if (ntics == 0)
        plot_buf_printf(&d, "1 1\n");
    plot_buf_printf(&gp, "# ");
    plot_buf_line_text(&gp, name);
    plot_buf_printf(&gp, ": written by stencilbench compare; run from ");
    plot_buf_line_text(&gp, dir);
    plot_buf_printf(&gp, ": gnuplot data/");
    plot_buf_line_text(&gp, name);
    plot_buf_printf(&gp, ".gp\n");
    plot_buf_printf(&gp, "array col[10] = [\"#1f77b4\", \"#d62728\", \"#2ca02c\", \"#9467bd\", "
                         "\"#ff7f0e\", \"#8c564b\", \"#e377c2\", \"#17becf\", \"#7f7f7f\", \"#bcbd22\"]\n");
    plot_buf_printf(&gp, "dat = ");
    plot_buf_gp_string(&gp, data_rel);
    plot_buf_printf(&gp, "\nchart_title = ");
    plot_buf_gp_string(&gp, title);
    size_t nm = nmachines < 10 ? nmachines : 10;
    plot_buf_printf(&gp, "\nnmach = %zu\narray mname[%zu]\n", nm, nm ? nm : 1);
    for (size_t i = 0; i < nm; i++) {
        plot_buf_printf(&gp, "mname[%zu] = ", i + 1);
        plot_buf_gp_string(&gp, machines[i]);
        plot_buf_printf(&gp, "\n");
    }
    plot_buf_printf(&gp, "array tlab[%zu]\n", ntics ? ntics : 1);
    for (size_t i = 0; i < ntics; i++) {
        plot_buf_printf(&gp, "tlab[%zu] = ", i + 1);
        plot_buf_gp_string(&gp, tics[i].label);
        plot_buf_printf(&gp, "\n");
    }
    if (ntics == 0)
        plot_buf_printf(&gp, "tlab[1] = '(nothing to compare)'\n");
    double gap = INFINITY; /* bars set 1 apart (one per group) are drawn wide, with their rate */
    for (size_t i = 1; i < nbars; i++)
        gap = fmin(gap, fabs(bars[i].x - bars[i - 1].x));
    plot_buf_printf(&gp, "boxw = %g\nvalues = %d\n", gap >= 0.5 ? 0.6 : 0.11, gap >= 0.5);
    /* Whole decades (bars grow from the bottom), with at least three labelled ticks. */
    plot_buf_log_axis(&gp, "y", isfinite(ymin) ? pow(10.0, floor(log10(ymin) - 0.3)) : 1.0,
                      ymax > 0.0 ? pow(10.0, ceil(log10(ymax) + 0.2)) : 10.0, 0, 1);
    static const char *const fmts[] = {"png", "svg"};
    for (int i = 0; i < 2; i++) {
        plot_buf_printf(&gp, "\nreset\n");
        plot_buf_terminal(&gp, fmts[i], name, CHART_W, CHART_H);
        plot_buf_append(&gp, body, strlen(body));
        plot_buf_printf(&gp, "unset output\n");
    }
    if (st == STENCIL_OK &&
        (st = plot_path(path, sizeof path, err, "%s/data/%s.dat", dir, name)) == STENCIL_OK &&
        (st = plot_buf_write(&d, path, err)) == STENCIL_OK &&
        (st = plot_path(path, sizeof path, err, "%s/data/%s.gp", dir, name)) == STENCIL_OK &&
        (st = plot_buf_write(&gp, path, err)) == STENCIL_OK &&
        (st = plot_path(out, sizeof out, err, "data/%s.gp", name)) == STENCIL_OK)
        st = plot_gnuplot_run(dir, out, err);
    plot_buf_free(&d);
    plot_buf_free(&gp);
    return st;
}
