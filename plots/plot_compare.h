/* The comparison chart of `stencilbench compare RUN REFERENCE`: bars of cell updates per
 * second per variant, one colour per machine, drawn by plots/compare.gp through the plots
 * driver (plot_internal.h). Measured bars are solid, projected ones hatched, published ones
 * open with a dashed outline. */
#ifndef PLOT_COMPARE_H
#define PLOT_COMPARE_H

#include <stddef.h>

#include "variant.h"

typedef enum plot_style { PLOT_MEASURED = 0, PLOT_PROJECTED = 1, PLOT_PUBLISHED = 2 } plot_style;

typedef struct plot_bar {
    double x;        /* position on the x axis (groups are 1 apart) */
    double rate;     /* cell updates per second */
    int machine;     /* 0-based index into the machine names: the colour (at most 10) */
    plot_style style;
} plot_bar;

typedef struct plot_tic {
    double x;
    char label[64];
} plot_tic;

/* Writes DIR/data/NAME.dat and .gp and renders DIR/NAME.png and DIR/NAME.svg (DIR is
 * created). Titles, labels and names may hold any text: it reaches gnuplot only as strings
 * it cannot execute (plot_buf_gp_string). Returns STENCIL_ERR_UNAVAILABLE when gnuplot is
 * missing, STENCIL_ERR_IO when a file cannot be written or gnuplot fails. */
stencil_status plot_compare_chart(const char *dir, const char *name, const char *title,
                                  const plot_bar *bars, size_t nbars, const plot_tic *tics,
                                  size_t ntics, const char *const *machines, size_t nmachines,
                                  stencil_error *err);

#endif
