/* Helpers shared by the plots folder's C files: a growing text buffer, files and folders,
 * the embedded gnuplot scripts and the gnuplot runner. Not part of the public interface. */
#ifndef PLOT_INTERNAL_H
#define PLOT_INTERNAL_H

#include <stddef.h>

#include "plot.h"
#include "variant.h"

#if defined(__GNUC__)
#define PLOT_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define PLOT_PRINTF(a, b)
#endif

/* A NUL-terminated text that grows; after a failed allocation `failed` is set and further
 * appends do nothing, so callers check once, at the end (plot_buf_write). */
typedef struct plot_buf {
    char *s;
    size_t len, cap;
    int failed;
} plot_buf;

void plot_buf_append(plot_buf *b, const char *text, size_t n);
void plot_buf_printf(plot_buf *b, const char *fmt, ...) PLOT_PRINTF(2, 3);
/* Appends text as a gnuplot string expression that gnuplot cannot execute or expand: the one
 * way any text reaches a script. Single-quoted pieces (no `command`, @macro or backslash
 * escape inside), joined by ."'". for each quote and ."\n". for each newline; other control
 * characters become spaces. */
void plot_buf_gp_string(plot_buf *b, const char *text);
/* Appends "name = " text as a gnuplot string (plot_buf_gp_string) and a newline. */
void plot_buf_gp_var(plot_buf *b, const char *name, const char *text);
/* Appends a gnuplot array name[1..n] of the texts (or of the numbers, %.9g); n == 0 declares
 * one element, '' or 0. */
void plot_buf_gp_array_str(plot_buf *b, const char *name, const char *const *v, int n);
void plot_buf_gp_array_num(plot_buf *b, const char *name, const double *v, int n);
/* Appends text with control characters (newlines included) as spaces: for comment lines of a
 * script or a data file, where a newline would start a command or a data line. */
void plot_buf_line_text(plot_buf *b, const char *text);
/* Appends text with &, <, >, " and ' escaped for HTML. */
void plot_buf_html(plot_buf *b, const char *text);
/* A file name made from text: only [A-Za-z0-9_.-], no leading dot, no "..". Where text had
 * to be changed or cut to fit len (or force_tag), "_" and 8 hex digits of a hash of the whole
 * text end the name, so different texts give different names. len >= 16. */
void plot_safe_name(char *dst, size_t len, const char *text, int force_tag);
/* Appends the file's bytes as base64. */
stencil_status plot_buf_base64_file(plot_buf *b, const char *path, stencil_error *err);
void plot_buf_free(plot_buf *b);
/* Writes the buffer to path; STENCIL_ERR_NOMEM if an append failed, STENCIL_ERR_IO. */
stencil_status plot_buf_write(const plot_buf *b, const char *path, stencil_error *err);

enum { PLOT_MAX_TICKS = 40 };
/* Tick values for a log axis over [lo, hi] (0 < lo <= hi) into v[0..max): the decades, else
 * 1-2-5 per decade, else 1..9 per decade, whichever first gives three inside the range; else
 * (less than a factor of about 1.5) round values evenly spaced. Returns the count. */
int plot_log_ticks(double lo, double hi, double *v, int max);
/* Appends a log axis for data from lo to hi (> 0): NAMElo and NAMEhi (the range: the data
 * padded by pad times its span in decades on each side, at least 0.04 decades when pad > 0),
 * and its labelled ticks (plot_log_ticks) as nNAMEt, arrays NAMEtv[] and NAMEtl[]; labels
 * with k, M, G when si ("250M"), else %g. The script draws them with
 *   set NAMErange [NAMElo:NAMEhi]; set NAMEtics (); do for [i=1:nNAMEt] { set NAMEtics add (NAMEtl[i] NAMEtv[i]) } */
void plot_buf_log_axis(plot_buf *b, const char *name, double lo, double hi, double pad, int si);

/* "512 KiB", "1.5 MiB", "48 GiB" (3 significant digits). */
void plot_human_bytes(double bytes, char *out, size_t len);
/* Formats an error message into err (truncated to fit). */
void plot_msg(stencil_error *err, const char *fmt, ...) PLOT_PRINTF(2, 3);
/* Formats into dst, truncating to fit (titles, labels). */
void plot_fmt(char *dst, size_t len, const char *fmt, ...) PLOT_PRINTF(3, 4);

/* snprintf into dst, STENCIL_ERR_ARG when it does not fit. */
stencil_status plot_path(char *dst, size_t len, stencil_error *err, const char *fmt, ...) PLOT_PRINTF(4, 5);
/* mkdir -p. */
stencil_status plot_mkdir_p(const char *path, stencil_error *err);
int plot_file_exists(const char *path);

/* The gnuplot scripts plots/<name>.gp, compiled in (cmake/embed_files.cmake). */
typedef struct plot_script {
    const char *name, *text;
} plot_script;
extern const plot_script plot_scripts[];
extern const size_t plot_scripts_count;
/* The text of plots/<name>, or NULL. */
const char *plot_script_text(const char *name);

/* Appends the lines that choose the terminal and output of one chart: fmt is "png" or "svg"
 * (with gnuplot's mouse script embedded: coordinates, hover texts, wheel zoom, drag pan);
 * out the file name without extension, relative to gnuplot's folder (NULL: no output yet);
 * width x height pixels. */
void plot_buf_terminal(plot_buf *b, const char *fmt, const char *out, int width, int height);

/* Runs gnuplot on `script` (a file name relative to dir) with dir as working directory.
 * Anything on its stderr or stdout (a warning included), other than gif's "N frames in
 * animation sequence" and fontconfig's cache notices, makes it fail with the first lines of
 * that output in err; the output stays in dir/<script>.log then. */
stencil_status plot_gnuplot_run(const char *dir, const char *script, stencil_error *err);

/* Writes a self-contained HTML page at path showing the PNG files frames[0..n) in turn
 * (embedded as base64): title, play/pause, a slider, speed_ms per frame, labels[i] beside
 * frame i. */
stencil_status plot_viz_player(const char *path, const char *title, char (*frames)[PLOT_PATH_MAX],
                               char (*labels)[160], size_t n, int speed_ms, stencil_error *err);

#endif
