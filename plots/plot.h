/* Charts of a run and pictures of ocean data, drawn by gnuplot (pngcairo, svg, gif).
 *
 * Charts read only a run folder's timings.csv and machine.json (results/SCHEMA.md). The C
 * code aggregates the repetitions (median, min, max per point) into small .dat files and
 * writes one gnuplot script per chart beside them (RUN_DIR/plots/data/); the scripts only
 * draw. Every function returns STENCIL_OK or another stencil_status with a message in err;
 * gnuplot missing is STENCIL_ERR_UNAVAILABLE naming the package to install, and anything
 * gnuplot writes to stderr (a warning included) is an error. */
#ifndef PLOT_PLOT_H
#define PLOT_PLOT_H

#include <stddef.h>

#include "variant.h"

/* Renders every chart of RUN_DIR (timings.csv, machine.json) as PNG and SVG into
 * RUN_DIR/plots/, with an index.html that shows them all and the machine summary, and first
 * the run's warnings when warnings is text (bench_summary_warnings; NULL for none). Rows whose
 * status is not ok are left out; a run with no ok rows still gets an index saying so.
 * `stencilbench run` calls this at the end of a study; `stencilbench plot` calls it again. */
stencil_status plot_render_run(const char *run_dir, const char *warnings, stencil_error *err);

/* Returns STENCIL_OK when gnuplot can be run, else STENCIL_ERR_UNAVAILABLE with a message
 * naming the package (gnuplot-nox). The program is $STENCILBENCH_GNUPLOT or gnuplot on PATH. */
stencil_status plot_gnuplot_check(stencil_error *err);

/* Ocean data in memory: data[t][z][y][x] (x fastest), NaN for land and sea floor; any subset
 * of a file's times and depth levels (the CLI loads only what a picture needs). Coordinates
 * may be NULL (index numbers are shown then); time_text, when not NULL, labels each time. */
typedef struct plot_ocean {
    size_t nt, nz, ny, nx;
    size_t first_time; /* the file's index of data's first time (file names, labels) */
    const float *data;
    const double *depth, *lat, *lon;
    const char *const *time_text;
    const char *name;   /* variable name, e.g. thetao */
    const char *units;  /* e.g. degrees_C (drawn as degC) */
    const char *source; /* the file name: titles, and the output file names' stem */
} plot_ocean;

/* The level of depth[0..nz) nearest to metres (ties: the shallower); 0 when depth is NULL. */
size_t plot_nearest_level(const double *depth, size_t nz, double metres);

typedef struct plot_viz_options {
    const char *out_dir;  /* created if missing */
    double depth_m;       /* the nearest depth level is drawn */
    size_t time;          /* slice: the time index */
    int speed_ms;         /* animate: milliseconds per frame */
    size_t depths, times; /* cube: the first N depth levels for the first M times */
    int fixed_range;      /* 1: colours span range_lo..range_hi (values beyond take the end
                           * colours), else the data's range */
    double range_lo, range_hi;
} plot_viz_options;

/* Longest path the viz functions write into `written` (the main file they made). */
enum { PLOT_PATH_MAX = 4096 };

/* The viz functions write into opt->out_dir (created if missing), print nothing, and put the
 * path of the main file they wrote in `written`. Gnuplot's data and scripts are scratch files
 * there, removed after success.
 *
 * A PNG of the depth level nearest opt->depth_m at time opt->time: longitude and latitude
 * axes, a colour bar in the variable's units, land in grey. */
stencil_status plot_viz_slice(const plot_ocean *o, const plot_viz_options *opt, char *written,
                              size_t written_len, stencil_error *err);

/* The time axis at the level nearest opt->depth_m as an animated GIF and a self-contained
 * HTML page (frames embedded as base64 PNG, play/pause, slider, opt->speed_ms per frame).
 * One colour scale for all frames. `written` gets the HTML page's path. */
stencil_status plot_viz_animate(const plot_ocean *o, const plot_viz_options *opt, char *written,
                                size_t written_len, stencil_error *err);

/* The first opt->depths levels as an exploded stack (each level a flat surface at its own,
 * evenly spaced height, labelled with its depth, so every level shows whole), one PNG per
 * time for the first opt->times times, and an HTML page stepping through them.
 * Maps and stacks use viridis, a perceptually uniform sequential colour map. */
stencil_status plot_viz_cube(const plot_ocean *o, const plot_viz_options *opt, char *written,
                             size_t written_len, stencil_error *err);

/* A PNG of the change at the level nearest opt->depth_m: time opt->time minus the first time
 * of o (for a model prediction: the prediction at that step minus the input, step 0), in a
 * diverging map centred on zero (blue colder, red warmer), symmetric about zero unless
 * opt->fixed_range. opt->time must be 1 or more. */
stencil_status plot_viz_diff(const plot_ocean *o, const plot_viz_options *opt, char *written,
                             size_t written_len, stencil_error *err);

#endif
