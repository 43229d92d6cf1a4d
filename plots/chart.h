/* The charts of a run (plots/ internal): the context they share, the settings a variant's
 * charts hold fixed, the helpers that write a chart's data and script and run gnuplot, and the
 * chart kinds, a file each: chart_grid.c (rate, time per step and roofline fraction against
 * grid size), chart_scaling.c (strong scaling over threads; time per step against timesteps),
 * chart_ranks.c (strong or weak scaling over MPI ranks), chart_bars.c (GPU transfer and
 * compute bars). index_page.c writes the page that shows them; plot.c
 * drives. Text reaches a script only through plot_buf_gp_string (plot_internal.h). */
#ifndef PLOT_CHART_H
#define PLOT_CHART_H

#include <stddef.h>

#include "plot.h"
#include "plot_internal.h"
#include "run_data.h"

/* PLOT_MAX_SERIES: one colour each (col[1..10] in the scripts) */
enum { PLOT_MAX_CHARTS = 128, PLOT_MAX_SERIES = 10, PLOT_CHART_WIDTH = 960, PLOT_CHART_HEIGHT = 620 };

typedef struct plot_chart {
    char name[96], title[160], caption[400]; /* name: a safe file name (plot_chart_name) */
    char group[48];                          /* a variant's name, or "" for the charts comparing variants */
} plot_chart;

typedef struct plot_ctx {
    char run_dir[PLOT_PATH_MAX], plots_dir[PLOT_PATH_MAX];
    plot_run_data run;
    plot_chart charts[PLOT_MAX_CHARTS]; /* made so far, in order */
    int ncharts;
    const char *group; /* the group of the charts being made */
    size_t hidden;     /* points in no chart: a scheme or tuning other than their variant's usual,
                        * or a rank count other than its usual and in no chart over ranks */
    unsigned char *in_ranks_chart; /* c->run.np flags: the point is in a chart over ranks */
    const char *warnings; /* the run's warnings in words (noise, a busy machine), or NULL */
} plot_ctx;

/* The point settings a variant's charts hold fixed. */
typedef struct plot_pref {
    const char *variant, *scheme, *tuning, *host;
    int gpu;
    long max_threads, steps; /* steps: the timestep count measured on the most grid sizes */
    long ranks;              /* MPI ranks; -1: any (the charts over ranks) */
} plot_pref;

/* One plot_pref per variant of c->run, alphabetical, into prefs (c->run.np entries) and *nv:
 * each variant's most common scheme, tuning and host memory (course, default and pinned when
 * measured), the rank count measured at the most points (ties: the most ranks; 1 for every
 * variant but the MPI ones), its most threads and the timestep count measured on the most
 * grids there.
 * pbuf: c->run.np entries of scratch. STENCIL_ERR_NOMEM. */
stencil_status plot_chart_prefs(const plot_ctx *c, plot_pref *prefs, int *nv, const plot_point **pbuf,
                                stencil_error *err);
/* Does p have f's settings (f->ranks < 0: any ranks), threads (< 0: any), steps (< 0: any)
 * and host (NULL: f's)? */
int plot_chart_match(const plot_point *p, const plot_pref *f, long threads, long steps, const char *host);
/* The same grid size (cells and nz). */
int plot_chart_same_grid(const plot_point *a, const plot_point *b);
/* qsort order of plot_point pointers by grid size (cells, then nz). */
int plot_chart_by_cells(const void *a, const void *b);
/* The matching points (plot_chart_match) into out, sorted by grid size; returns the count. */
size_t plot_chart_select(const plot_ctx *c, const plot_pref *f, long threads, long steps, const char *host,
                         const plot_point **out);

/* Appends " %.6g", or " NaN" when v is not finite: a number column of a data file. */
void plot_chart_put(plot_buf *b, double v);
/* Appends the median, min and max of metric m of q, each times scale (plot_chart_put). */
void plot_chart_put3(plot_buf *b, const plot_point *q, int m, double scale);
/* Appends text as one word of a data file: blanks, quotes, '#' and control characters as '_'. */
void plot_chart_word(plot_buf *b, const char *text);
/* Appends a comment line "# text" to a data file (control characters as spaces). */
void plot_chart_comment(plot_buf *b, const char *text);
/* Appends the settings every chart's script starts with: colours col[1..10], dat, chart_title. */
void plot_chart_gp_common(plot_buf *b, const char *name, const char *title);
/* Appends the gnuplot array htitle[1..n]: the series titles for the hover texts of the SVG
 * (gnuplot's hypertext, which it writes into a JavaScript string in an attribute), so with
 * only letters, digits, blanks and , . _ - + ( ) : / kept, anything else as '_'. */
void plot_chart_gp_hover(plot_buf *b, const char *const *titles, int n);
/* Writes plots/data/<name>.dat and plots/data/<name>.gp (settings, then plots/<kind> for PNG
 * and for SVG), runs gnuplot and records the chart (title, caption, c->group) for the index. */
stencil_status plot_chart_emit(plot_ctx *c, const char *name, const char *kind, const plot_buf *dat,
                               const plot_buf *settings, const char *caption, const char *title,
                               stencil_error *err);
/* A chart's file name: kind_VARIANT (VARIANT as plot_safe_name makes it), or kind_all for the
 * charts comparing variants (variant NULL; a variant called all gets a tag). */
void plot_chart_name(char *out, size_t len, const char *kind, const char *variant);
/* The machine line of a title: the label, with the CPU and/or GPU named where it does not. */
void plot_chart_machine(const plot_ctx *c, int cpu, int gpu, char *out, size_t len);
/* ", N ranks" when f holds a rank count other than 1 fixed, else "" (titles). */
const char *plot_chart_ranks_text(const plot_pref *f, char *buf, size_t len);
/* "nzxnyxnx". */
void plot_chart_grid_label(const plot_key *k, char *out, size_t len);

/* The chart kinds. buf: c->run.np entries of scratch. "all" (or the _all function): the
 * charts comparing the variants prefs[0..nprefs), else the charts of the variant prefs[0]. */
stencil_status plot_chart_grid_variant(plot_ctx *c, const plot_pref *f, const plot_point **buf,
                                       stencil_error *err);
stencil_status plot_chart_grid_all(plot_ctx *c, const plot_pref *prefs, int nprefs, const plot_point **buf,
                                   stencil_error *err);
stencil_status plot_chart_scaling(plot_ctx *c, const plot_pref *prefs, int nprefs, int all,
                                  const plot_point **buf, stencil_error *err);
stencil_status plot_chart_steps(plot_ctx *c, const plot_pref *prefs, int nprefs, int all,
                                const plot_point **buf, stencil_error *err);
stencil_status plot_chart_bars(plot_ctx *c, const plot_pref *prefs, int nprefs, int all,
                               const plot_point **buf, stencil_error *err);
/* The charts over MPI ranks of the variant f (any ranks; its other settings), where a grid
 * (strong scaling) or a block per rank (weak: c->run.weak) was measured at two or more rank
 * counts at the same threads and timesteps: ranks_scaling_V (speedup and efficiency over the
 * series' fewest ranks), ranks_time_V (compute and halo exchange per timestep) and, when halo_s
 * was measured, ranks_halo_V (its share of the timestep). Marks the points drawn in
 * c->in_ranks_chart. Nothing for a variant measured at one rank count. */
stencil_status plot_chart_ranks(plot_ctx *c, const plot_pref *f, const plot_point **buf, stencil_error *err);

/* Writes plots/index.html: the machine summary, then every chart made (c->charts), the
 * comparing ones first, each variant's in a section; all text HTML-escaped. */
stencil_status plot_index_write(plot_ctx *c, stencil_error *err);

#endif
