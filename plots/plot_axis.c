/* The range and labelled ticks of a log axis (plot_internal.h): gnuplot's own choice labels
 * only the decades, so a range inside one decade showed one label ("1G") or none. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>

#include "plot_internal.h"

/* "250M", "1.5G" (si), or "0.02", "250". */
static void tick_label(double v, int si, char *out, size_t len)
{
    static const char *const suffix[] = {"", "k", "M", "G", "T", "P"};
    int e = 0;
    while (si && fabs(v) >= 999.5 && e < 5)
        v /= 1000, e++;
    snprintf(out, len, "%.4g%s", v, suffix[e]);
}

/* 1, 2 or 5 times a power of ten, near x. */
static double nice_step(double x)
{
    double mag = pow(10, floor(log10(x))), norm = x / mag;
    return (norm < 1.5 ? 1 : norm < 3.5 ? 2 : norm < 7.5 ? 5 : 10) * mag;
}

int plot_log_ticks(double lo, double hi, double *v, int max)
{
    static const double mant[3][9] = {{1}, {1, 2, 5}, {1, 2, 3, 4, 5, 6, 7, 8, 9}};
    static const int nmant[3] = {1, 3, 9};
    const double eps = 1e-9;
    int n = 0;
    for (int s = 0; s < 3; s++) {
        int e0 = (int)floor(log10(lo)), e1 = (int)ceil(log10(hi));
        int step = s == 0 && e1 - e0 > 9 ? (e1 - e0 + 7) / 8 : 1; /* at most about 9 decades labelled */
        n = 0;
        for (int e = e0; e <= e1; e += step)
            for (int m = 0; m < nmant[s]; m++) {
                double x = mant[s][m] * pow(10, e);
                if (x >= lo * (1 - eps) && x <= hi * (1 + eps) && n < max)
                    v[n++] = x;
            }
        if (n >= 3)
            return n;
    }
    /* Less than a factor of about 1.5: round values evenly spaced. */
    double step = nice_step((hi - lo) / 4);
    n = 0;
    for (double x = ceil(lo / step - eps) * step; x <= hi * (1 + eps) && n < max; x += step)
        v[n++] = x;
    return n;
}

void plot_buf_log_axis(plot_buf *b, const char *name, double lo, double hi, double pad, int si)
{
    if (!(lo > 0) || !isfinite(lo) || !(hi >= lo) || !isfinite(hi)) /* nothing to draw: any range */
        lo = 1, hi = 10;
    double span = log10(hi) - log10(lo), p = fmax(pad * span, pad > 0 ? 0.04 : 0);
    if (span < 0.02) /* one value: a band around it */
        p = fmax(p, 0.08);
    lo /= pow(10, p), hi *= pow(10, p);
    double v[PLOT_MAX_TICKS];
    char lab[PLOT_MAX_TICKS][24];
    const char *labp[PLOT_MAX_TICKS];
    int n = plot_log_ticks(lo, hi, v, PLOT_MAX_TICKS);
    for (int i = 0; i < n; i++) {
        tick_label(v[i], si, lab[i], sizeof lab[i]);
        labp[i] = lab[i];
    }
    char arr[64];
    plot_buf_printf(b, "%slo = %.9g\n%shi = %.9g\nn%st = %d\n", name, lo, name, hi, name, n);
    snprintf(arr, sizeof arr, "%stv", name);
    plot_buf_gp_array_num(b, arr, v, n);
    snprintf(arr, sizeof arr, "%stl", name);
    plot_buf_gp_array_str(b, arr, labp, n);
}
