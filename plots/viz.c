#include "plot.h"
#include <stdio.h>
stencil_status plot_viz_slice(const plot_ocean *o, const plot_viz_options *opt, char *w, size_t wl, stencil_error *err)
{ (void)o; (void)opt; (void)w; (void)wl; snprintf(err->msg, sizeof err->msg, "todo"); return STENCIL_ERR_UNAVAILABLE; }
stencil_status plot_viz_animate(const plot_ocean *o, const plot_viz_options *opt, char *w, size_t wl, stencil_error *err)
{ (void)o; (void)opt; (void)w; (void)wl; snprintf(err->msg, sizeof err->msg, "todo"); return STENCIL_ERR_UNAVAILABLE; }
stencil_status plot_viz_cube(const plot_ocean *o, const plot_viz_options *opt, char *w, size_t wl, stencil_error *err)
{ (void)o; (void)opt; (void)w; (void)wl; snprintf(err->msg, sizeof err->msg, "todo"); return STENCIL_ERR_UNAVAILABLE; }
