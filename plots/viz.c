/* stencilbench viz: pictures of ocean data (plot.h). The C side picks levels and times, writes
 * them as text for gnuplot (plots/map.gp, plots/cube.gp) and builds the HTML players; gnuplot
 * draws. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot.h"
#include "plot_internal.h"

enum {
    MAP_W = 820,
    MAP_H = 860,
    FRAME_W = 700,
    FRAME_H = 740,
    CUBE_W = 900,
    CUBE_H = 720,
    CUBE_MAX_SIDE = 130
};

size_t plot_nearest_level(const double *depth, size_t nz, double metres)
{
    size_t best = 0;
    if (!depth)
        return 0;
    for (size_t z = 1; z < nz; z++)
        if (fabs(depth[z] - metres) < fabs(depth[best] - metres))
            best = z;
    return best;
}

static const float *level(const plot_ocean *o, size_t t, size_t z)
{
    return o->data + (t * o->nz + z) * o->ny * o->nx;
}

static double coord(const double *c, size_t i)
{
    return c ? c[i] : (double)i;
}

/* Half a cell beyond the first and last coordinate, ascending. */
static void extent(const double *c, size_t n, double *lo, double *hi)
{
    double a = coord(c, 0), b = coord(c, n - 1), half = n > 1 ? 0.5 * fabs(b - a) / (double)(n - 1) : 0.5;
    *lo = fmin(a, b) - half;
    *hi = fmax(a, b) + half;
}

static stencil_status check_ocean(const plot_ocean *o, const plot_viz_options *opt, stencil_error *err)
{
    if (!o || !o->data || o->nt == 0 || o->nz == 0 || o->ny < 2 || o->nx < 2) {
        plot_msg(err, "no data to draw (need at least one time, one level and 2 x 2 cells)");
        return STENCIL_ERR_ARG;
    }
    if (!opt || !opt->out_dir || !*opt->out_dir) {
        plot_msg(err, "no output folder");
        return STENCIL_ERR_ARG;
    }
    return plot_mkdir_p(opt->out_dir, err);
}

/* "degC" for the CF spellings of Celsius, else the units as they are. */
static const char *units_text(const plot_ocean *o)
{
    static const char *const celsius[] = {"degrees_C", "degree_C",        "degC", "celsius",
                                          "Celsius",   "degrees_Celsius", "deg_C"};
    if (!o->units || !*o->units)
        return "no units given";
    for (size_t i = 0; i < sizeof celsius / sizeof celsius[0]; i++)
        if (strcmp(o->units, celsius[i]) == 0)
            return "degC";
    return o->units;
}

/* The output files' stem: the source's file name without folder and extension, as a safe
 * file name (plot_safe_name). */
static void stem(const plot_ocean *o, char *out, size_t len)
{
    const char *s = o->source && *o->source ? o->source : "ocean";
    const char *slash = strrchr(s, '/');
    char base[PLOT_PATH_MAX];
    plot_fmt(base, sizeof base, "%s", slash ? slash + 1 : s);
    char *dot = strrchr(base, '.');
    if (dot && dot != base)
        *dot = '\0';
    plot_safe_name(out, len, base, 0);
}

/* The source's file name for titles, shortened in the middle past 64 characters. */
static void source_text(const plot_ocean *o, char *out, size_t len)
{
    const char *s = o->source && *o->source ? o->source : "data in memory";
    const char *slash = strrchr(s, '/');
    s = slash ? slash + 1 : s;
    size_t n = strlen(s);
    if (n > 64)
        plot_fmt(out, len, "%.30s...%s", s, s + n - 30);
    else
        plot_fmt(out, len, "%s", s);
}

static void time_label(const plot_ocean *o, size_t t, char *out, size_t len)
{
    if (o->time_text && o->time_text[t] && *o->time_text[t])
        plot_fmt(out, len, "%s", o->time_text[t]);
    else
        plot_fmt(out, len, "time index %zu", o->first_time + t);
}

static void depth_label(const plot_ocean *o, size_t z, char *out, size_t len)
{
    if (o->depth)
        plot_fmt(out, len, "%.4g m", o->depth[z]);
    else
        plot_fmt(out, len, "level %zu", z);
}

/* Depth for file names: "0.494m", or "level3" without coordinates ("1e+05" as "1e_05"). */
static void depth_tag(const plot_ocean *o, size_t z, char *out, size_t len)
{
    if (o->depth)
        plot_fmt(out, len, "%.4gm", o->depth[z]);
    else
        plot_fmt(out, len, "level%zu", z);
    for (char *p = out; *p; p++)
        if (*p == '+')
            *p = '_';
}

/* Writes levels zs of the given times as blocks "lon lat T land" (land: 1 where T is NaN;
 * stride in x and y). Returns the
 * finite range through lo/hi (NaN when none). */
static void put_levels(plot_buf *b, const plot_ocean *o, size_t t0, size_t nt, const size_t *zs, size_t nzs,
                       size_t stride, double *lo, double *hi)
{
    *lo = INFINITY, *hi = -INFINITY;
    for (size_t t = t0; t < t0 + nt; t++)
        for (size_t k = 0; k < nzs; k++) {
            const float *f = level(o, t, zs[k]);
            plot_buf_printf(b, "# time %zu level %zu: lon lat value land\n", t, zs[k]);
            for (size_t y = 0; y < o->ny; y += stride) {
                for (size_t x = 0; x < o->nx; x += stride) {
                    float v = f[y * o->nx + x];
                    if (isfinite(v)) {
                        plot_buf_printf(b, "%.6g %.6g %.5g 0\n", coord(o->lon, x), coord(o->lat, y), v);
                        *lo = fmin(*lo, v), *hi = fmax(*hi, v);
                    } else {
                        plot_buf_printf(b, "%.6g %.6g NaN 1\n", coord(o->lon, x), coord(o->lat, y));
                    }
                }
                plot_buf_printf(b, "\n");
            }
            plot_buf_printf(b, "\n");
        }
    if (!(*lo <= *hi))
        *lo = *hi = NAN;
}

/* "name = './text'": a file name relative to gnuplot's folder (never a '|' pipe). */
static void gp_file_var(plot_buf *s, const char *name, const char *file)
{
    char rel[PLOT_PATH_MAX];
    plot_fmt(rel, sizeof rel, "./%s", file);
    plot_buf_gp_var(s, name, rel);
}

/* The colour range: opt's fixed one, or the data's lo..hi. */
static void colour_range(const plot_viz_options *opt, double *lo, double *hi)
{
    if (opt->fixed_range)
        *lo = opt->range_lo, *hi = opt->range_hi;
}

/* Settings every map and cube shares: axes, colour range, palette (diverging: a difference). */
static void put_axes(plot_buf *s, const plot_ocean *o, double lo, double hi, int diverging)
{
    plot_buf_printf(s, "diverging = %d\n", diverging);
    double xmin, xmax, ymin, ymax;
    extent(o->lon, o->nx, &xmin, &xmax);
    extent(o->lat, o->ny, &ymin, &ymax);
    if (!isfinite(lo)) /* all land: any range, the picture is grey */
        lo = 0, hi = 1;
    if (hi - lo < 1e-6)
        lo -= 0.5, hi += 0.5;
    /* A map's height per width: degrees of latitude against degrees of longitude shrunk by
     * cos(latitude) at the middle, so shapes look as on a globe. */
    double mid = 0.5 * (ymin + ymax), k = o->lat && o->lon ? cos(mid * 3.14159265358979323846 / 180.0) : 1.0;
    double ratio = (ymax - ymin) / ((xmax - xmin) * (k > 0.05 ? k : 0.05));
    /* Colour bar ticks on round values from the data's minimum up; below it a band for land. */
    double raw = (hi - lo) / 6, mag = pow(10, floor(log10(raw))), norm = raw / mag;
    double step = (norm < 1.5 ? 1 : norm < 3.5 ? 2 : norm < 7.5 ? 5 : 10) * mag;
    plot_buf_printf(s,
                    "xmin = %.9g\nxmax = %.9g\nymin = %.9g\nymax = %.9g\ncbmin = %.9g\ncbmax = %.9g\n"
                    "cbland = %.9g\ncbfirst = %.9g\ncbstep = %.9g\nratio = %.6g\n",
                    xmin, xmax, ymin, ymax, lo, hi, lo - 0.03 / 0.97 * (hi - lo), ceil(lo / step) * step,
                    step, ratio);
    char cb[160];
    plot_fmt(cb, sizeof cb, "%s (%s)", o->name && *o->name ? o->name : "value", units_text(o));
    plot_buf_gp_var(s, "xlab", o->lon ? "longitude (degrees east)" : "x index");
    plot_buf_gp_var(s, "ylab", o->lat ? "latitude (degrees north)" : "y index");
    plot_buf_gp_var(s, "cblab", cb);
}

typedef struct viz_files {
    char dat[PLOT_PATH_MAX], gp[PLOT_PATH_MAX], gp_name[PLOT_PATH_MAX];
} viz_files;

static stencil_status scratch(const plot_viz_options *opt, const char *name, viz_files *f, stencil_error *err)
{
    stencil_status st;
    if ((st = plot_path(f->dat, sizeof f->dat, err, "%s/.%s.dat", opt->out_dir, name)) != STENCIL_OK ||
        (st = plot_path(f->gp, sizeof f->gp, err, "%s/.%s.gp", opt->out_dir, name)) != STENCIL_OK)
        return st;
    return plot_path(f->gp_name, sizeof f->gp_name, err, ".%s.gp", name);
}

/* Writes the data and the script, runs gnuplot in out_dir, removes the scratch files. */
static stencil_status draw(const plot_viz_options *opt, const viz_files *f, const plot_buf *dat,
                           const plot_buf *gp, stencil_error *err)
{
    stencil_status st;
    if ((st = plot_buf_write(dat, f->dat, err)) != STENCIL_OK ||
        (st = plot_buf_write(gp, f->gp, err)) != STENCIL_OK ||
        (st = plot_gnuplot_run(opt->out_dir, f->gp_name, err)) != STENCIL_OK)
        return st;
    remove(f->dat);
    remove(f->gp);
    return STENCIL_OK;
}

/* One map (map.gp) of level z at time t of o into out_dir/name.png; diverging: a difference,
 * its colours symmetric about zero unless opt->fixed_range. */
static stencil_status map_png(const plot_ocean *o, const plot_viz_options *opt, size_t t, size_t z,
                              const char *name, const char *title, int diverging, char *written,
                              size_t written_len, stencil_error *err)
{
    viz_files f;
    stencil_status st;
    if ((st = scratch(opt, name, &f, err)) != STENCIL_OK)
        return st;
    plot_buf d = {0}, s = {0};
    double lo, hi;
    put_levels(&d, o, t, 1, &z, 1, 1, &lo, &hi);
    if (diverging && isfinite(lo)) {
        double m = fmax(fabs(lo), fabs(hi));
        lo = -(m > 0 ? m : 1e-6), hi = m > 0 ? m : 1e-6;
    }
    char file[PLOT_PATH_MAX];
    plot_fmt(file, sizeof file, ".%s.dat", name);
    gp_file_var(&s, "dat", file);
    plot_buf_printf(&s, "array ftitle[1]\nftitle[1] = ");
    plot_buf_gp_string(&s, title);
    plot_buf_printf(&s, "\nfirst = 0\nlast = 0\nframe_files = 0\nframe_fmt = ''\n");
    colour_range(opt, &lo, &hi);
    put_axes(&s, o, lo, hi, diverging);
    plot_buf_terminal(&s, "png", name, MAP_W, MAP_H);
    const char *body = plot_script_text("map.gp");
    plot_buf_append(&s, body, strlen(body));
    plot_buf_printf(&s, "unset output\n");
    st = draw(opt, &f, &d, &s, err);
    plot_buf_free(&d);
    plot_buf_free(&s);
    if (st == STENCIL_OK)
        st = plot_path(written, written_len, err, "%s/%s.png", opt->out_dir, name);
    return st;
}

stencil_status plot_viz_slice(const plot_ocean *o, const plot_viz_options *opt, char *written,
                              size_t written_len, stencil_error *err)
{
    stencil_status st = check_ocean(o, opt, err);
    if (st != STENCIL_OK)
        return st;
    if (opt->time >= o->nt) {
        plot_msg(err, "time index %zu is out of range: the data has %zu time%s (0 to %zu)", opt->time, o->nt,
                 o->nt == 1 ? "" : "s", o->nt - 1);
        return STENCIL_ERR_ARG;
    }
    size_t z = plot_nearest_level(o->depth, o->nz, opt->depth_m);
    char base[256], name[400], dl[64], tl[128], title[600], tag[64], src[128];
    stem(o, base, sizeof base);
    depth_label(o, z, dl, sizeof dl);
    time_label(o, opt->time, tl, sizeof tl);
    depth_tag(o, z, tag, sizeof tag);
    plot_fmt(name, sizeof name, "%s_slice_%s_t%zu", base, tag, o->first_time + opt->time);
    source_text(o, src, sizeof src);
    plot_fmt(title, sizeof title, "%s at %s, %s\n%s; grey: land and sea floor", o->name ? o->name : "value",
             dl, tl, src);
    return map_png(o, opt, opt->time, z, name, title, 0, written, written_len, err);
}

stencil_status plot_viz_animate(const plot_ocean *o, const plot_viz_options *opt, char *written,
                                size_t written_len, stencil_error *err)
{
    stencil_status st = check_ocean(o, opt, err);
    if (st != STENCIL_OK)
        return st;
    if (opt->speed_ms < 10 || opt->speed_ms > 60000) {
        plot_msg(err, "frame time %d ms is out of range: give 10 to 60000", opt->speed_ms);
        return STENCIL_ERR_ARG;
    }
    size_t z = plot_nearest_level(o->depth, o->nz, opt->depth_m);
    char base[256], name[400], dl[64], tag[64], gif[PLOT_PATH_MAX], html[PLOT_PATH_MAX];
    stem(o, base, sizeof base);
    depth_label(o, z, dl, sizeof dl);
    depth_tag(o, z, tag, sizeof tag);
    plot_fmt(name, sizeof name, "%s_animate_%s", base, tag);
    char (*frames)[PLOT_PATH_MAX] = calloc(o->nt, sizeof *frames);
    char (*labels)[160] = calloc(o->nt, sizeof *labels);
    plot_buf d = {0}, s = {0};
    viz_files f;
    if (!frames || !labels) {
        plot_msg(err, "out of memory for %zu frames", o->nt);
        st = STENCIL_ERR_NOMEM;
        goto done;
    }
    if ((st = scratch(opt, name, &f, err)) != STENCIL_OK ||
        (st = plot_path(gif, sizeof gif, err, "%s/%s.gif", opt->out_dir, name)) != STENCIL_OK ||
        (st = plot_path(html, sizeof html, err, "%s/%s.html", opt->out_dir, name)) != STENCIL_OK)
        goto done;
    char src[128];
    source_text(o, src, sizeof src);
    double lo, hi; /* one colour scale over all frames, so colours compare */
    put_levels(&d, o, 0, o->nt, &z, 1, 1, &lo, &hi);
    char file[PLOT_PATH_MAX];
    plot_fmt(file, sizeof file, ".%s.dat", name);
    gp_file_var(&s, "dat", file);
    plot_buf_printf(&s, "array ftitle[%zu]\n", o->nt);
    for (size_t t = 0; t < o->nt; t++) {
        char tl[128], title[600];
        time_label(o, t, tl, sizeof tl);
        plot_fmt(labels[t], sizeof labels[t], "%s", tl);
        plot_fmt(title, sizeof title, "%s at %s, %s (%zu of %zu)\n%s; grey: land and sea floor",
                 o->name ? o->name : "value", dl, tl, t + 1, o->nt, src);
        plot_buf_printf(&s, "ftitle[%zu] = ", t + 1);
        plot_buf_gp_string(&s, title);
        plot_buf_printf(&s, "\n");
        plot_fmt(frames[t], sizeof frames[t], "%s/.%s_%04zu.png", opt->out_dir, name, t);
    }
    plot_buf_printf(&s, "first = 0\nlast = %zu\n", o->nt - 1);
    plot_fmt(file, sizeof file, ".%s_%%04d.png", name);
    gp_file_var(&s, "frame_fmt", file);
    colour_range(opt, &lo, &hi);
    put_axes(&s, o, lo, hi, 0);
    const char *body = plot_script_text("map.gp");
    /* The GIF (delay in 1/100 s), then the PNG frames for the HTML page. */
    plot_buf_printf(&s, "set terminal gif animate delay %d loop 0 size %d,%d noenhanced font \"Sans,10\"\n",
                    (opt->speed_ms + 5) / 10, FRAME_W, FRAME_H);
    plot_fmt(file, sizeof file, "%s.gif", name);
    gp_file_var(&s, "gif_file", file);
    plot_buf_printf(&s, "set output gif_file\nframe_files = 0\n");
    plot_buf_append(&s, body, strlen(body));
    plot_buf_printf(&s, "unset output\nreset\n");
    plot_buf_terminal(&s, "png", NULL, FRAME_W, FRAME_H);
    plot_buf_printf(&s, "frame_files = 1\n");
    plot_buf_append(&s, body, strlen(body));
    plot_buf_printf(&s, "unset output\n");
    if ((st = draw(opt, &f, &d, &s, err)) != STENCIL_OK)
        goto done;
    char title[400];
    plot_fmt(title, sizeof title, "%s at %s: %s", o->name ? o->name : "value", dl, src);
    st = plot_viz_player(html, title, frames, labels, o->nt, opt->speed_ms, err);
    for (size_t t = 0; t < o->nt; t++)
        remove(frames[t]);
    if (st == STENCIL_OK)
        st = plot_path(written, written_len, err, "%s", html);
done:
    plot_buf_free(&d);
    plot_buf_free(&s);
    free(frames);
    free(labels);
    return st;
}

stencil_status plot_viz_cube(const plot_ocean *o, const plot_viz_options *opt, char *written,
                             size_t written_len, stencil_error *err)
{
    stencil_status st = check_ocean(o, opt, err);
    if (st != STENCIL_OK)
        return st;
    if (opt->depths < 1 || opt->times < 1) {
        plot_msg(err, "give at least one depth level and one time");
        return STENCIL_ERR_ARG;
    }
    size_t nl = opt->depths < o->nz ? opt->depths : o->nz, nt = opt->times < o->nt ? opt->times : o->nt;
    size_t side = o->nx > o->ny ? o->nx : o->ny, stride = (side + CUBE_MAX_SIDE - 1) / CUBE_MAX_SIDE;
    char base[256], name[400], html[PLOT_PATH_MAX];
    stem(o, base, sizeof base);
    plot_fmt(name, sizeof name, "%s_cube_%zud_%zut", base, nl, nt);
    size_t *zs = malloc(nl * sizeof *zs);
    char (*frames)[PLOT_PATH_MAX] = calloc(nt, sizeof *frames);
    char (*labels)[160] = calloc(nt, sizeof *labels);
    plot_buf d = {0}, s = {0};
    viz_files f;
    if (!zs || !frames || !labels) {
        plot_msg(err, "out of memory");
        st = STENCIL_ERR_NOMEM;
        goto done;
    }
    if ((st = scratch(opt, name, &f, err)) != STENCIL_OK ||
        (st = plot_path(html, sizeof html, err, "%s/%s.html", opt->out_dir, name)) != STENCIL_OK)
        goto done;
    for (size_t k = 0; k < nl; k++)
        zs[k] = k;
    double lo, hi;
    put_levels(&d, o, 0, nt, zs, nl, stride, &lo, &hi);
    char dl0[64], dl1[64], src[128];
    source_text(o, src, sizeof src);
    depth_label(o, 0, dl0, sizeof dl0);
    depth_label(o, nl - 1, dl1, sizeof dl1);
    char file[PLOT_PATH_MAX];
    plot_fmt(file, sizeof file, ".%s.dat", name);
    gp_file_var(&s, "dat", file);
    plot_buf_printf(&s, "nt = %zu\nnl = %zu\narray dep[%zu]\narray ftitle[%zu]\nlandlist = '", nt, nl, nl,
                    nt);
    for (size_t k = 0; k < nl; k++) { /* levels with land, from the first time (the mask is fixed) */
        const float *lv = level(o, 0, k);
        int land = 0;
        for (size_t y = 0; y < o->ny && !land; y += stride)
            for (size_t x = 0; x < o->nx && !land; x += stride)
                land = !isfinite(lv[y * o->nx + x]);
        if (land)
            plot_buf_printf(&s, "%zu ", k);
    }
    plot_buf_printf(&s, "'\n");
    for (size_t k = 0; k < nl; k++)
        plot_buf_printf(&s, "dep[%zu] = %.9g\n", k + 1, o->depth ? o->depth[k] : (double)k);
    for (size_t t = 0; t < nt; t++) {
        char tl[128], title[600];
        time_label(o, t, tl, sizeof tl);
        plot_fmt(labels[t], sizeof labels[t], "%s", tl);
        plot_fmt(title, sizeof title, "%s, the first %zu levels (%s to %s), %s\n%s; grey: land and sea floor",
                 o->name ? o->name : "value", nl, dl0, dl1, tl, src);
        plot_buf_printf(&s, "ftitle[%zu] = ", t + 1);
        plot_buf_gp_string(&s, title);
        plot_buf_printf(&s, "\n");
        plot_fmt(frames[t], sizeof frames[t], "%s/%s_t%zu.png", opt->out_dir, name, t);
    }
    plot_fmt(file, sizeof file, "%s_t%%d.png", name);
    gp_file_var(&s, "frame_fmt", file);
    colour_range(opt, &lo, &hi);
    put_axes(&s, o, lo, hi, 0);
    plot_buf_terminal(&s, "png", NULL, CUBE_W, CUBE_H);
    const char *body = plot_script_text("cube.gp");
    plot_buf_append(&s, body, strlen(body));
    plot_buf_printf(&s, "unset output\n");
    if ((st = draw(opt, &f, &d, &s, err)) != STENCIL_OK)
        goto done;
    char title[400];
    plot_fmt(title, sizeof title, "%s, the first %zu depth levels: %s", o->name ? o->name : "value", nl, src);
    if ((st = plot_viz_player(html, title, frames, labels, nt, 1000, err)) == STENCIL_OK)
        st = plot_path(written, written_len, err, "%s", html);
done:
    plot_buf_free(&d);
    plot_buf_free(&s);
    free(zs);
    free(frames);
    free(labels);
    return st;
}

stencil_status plot_viz_diff(const plot_ocean *o, const plot_viz_options *opt, char *written,
                             size_t written_len, stencil_error *err)
{
    stencil_status st = check_ocean(o, opt, err);
    if (st != STENCIL_OK)
        return st;
    if (opt->time < 1 || opt->time >= o->nt) {
        plot_msg(err, "time index %zu: a difference needs a later time than the first, 1 to %zu", opt->time,
                 o->nt - 1);
        return STENCIL_ERR_ARG;
    }
    size_t z = plot_nearest_level(o->depth, o->nz, opt->depth_m), plane = o->ny * o->nx;
    float *diff = malloc(plane * sizeof *diff);
    if (!diff) {
        plot_msg(err, "out of memory");
        return STENCIL_ERR_NOMEM;
    }
    const float *a = level(o, opt->time, z), *b = level(o, 0, z);
    for (size_t i = 0; i < plane; i++)
        diff[i] = a[i] - b[i]; /* NaN (land) stays NaN */
    char base[256], name[400], dl[64], t1[128], t0[128], title[600], tag[64], src[128], var[160];
    stem(o, base, sizeof base);
    depth_label(o, z, dl, sizeof dl);
    depth_tag(o, z, tag, sizeof tag);
    time_label(o, opt->time, t1, sizeof t1);
    time_label(o, 0, t0, sizeof t0);
    source_text(o, src, sizeof src);
    plot_fmt(name, sizeof name, "%s_diff_%s_t%zu_minus_t%zu", base, tag, o->first_time + opt->time,
             o->first_time);
    plot_fmt(title, sizeof title, "change of %s at %s: (%s) minus (%s)\n%s; red warmer, blue colder; grey: land",
             o->name ? o->name : "value", dl, t1, t0, src);
    plot_fmt(var, sizeof var, "change of %s", o->name && *o->name ? o->name : "value");
    plot_ocean d = *o;
    d.nt = 1, d.nz = 1, d.data = diff, d.depth = o->depth ? o->depth + z : NULL, d.name = var;
    st = map_png(&d, opt, 0, 0, name, title, 1, written, written_len, err);
    free(diff);
    return st;
}
