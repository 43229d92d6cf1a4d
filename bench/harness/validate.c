#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/validate.h"

static float magnitude(float v)
{
    float a = fabsf(v);
    return isfinite(a) ? a : 0.0f; /* NaN (land) and infinities carry no rounding scale */
}

/* line[j] = max(line[j-r .. j+r]) clipped to [0, n), in O(n) with a monotone queue of indices. */
static void line_max(float *line, size_t n, size_t r, float *tmp, size_t *queue)
{
    size_t head = 0, tail = 0, next = 0;
    for (size_t j = 0; j < n; j++) {
        size_t hi = r < n - 1 - j ? j + r : n - 1;
        for (; next <= hi; next++) {
            while (tail > head && line[queue[tail - 1]] <= line[next])
                tail--;
            queue[tail++] = next;
        }
        size_t lo = j > r ? j - r : 0;
        while (queue[head] < lo)
            head++;
        tmp[j] = line[queue[head]];
    }
    memcpy(line, tmp, n * sizeof *line);
}

/* The running maximum of half-width r along one axis: lines of n cells, stride apart. */
static void axis_max(float *f, size_t cells, size_t n, size_t stride, size_t r, float *line,
                     float *tmp, size_t *queue)
{
    for (size_t base = 0; base < cells; base++) {
        if (base / stride % n != 0)
            continue; /* not the first cell of a line along this axis */
        for (size_t j = 0; j < n; j++)
            line[j] = f[base + j * stride];
        line_max(line, n, r, tmp, queue);
        for (size_t j = 0; j < n; j++)
            f[base + j * stride] = line[j];
    }
}

int bench_tolerance_field(const float *input, const float *ref, size_t nz, size_t ny, size_t nx,
                          int steps, float *tol)
{
    const size_t cells = nz * ny * nx, s = steps > 1 ? (size_t)steps : 1;
    if (cells == 0)
        return 0;
    size_t longest = nz > ny ? nz : ny;
    longest = longest > nx ? longest : nx;
    float *line = malloc(2 * longest * sizeof *line);
    size_t *queue = malloc(longest * sizeof *queue);
    if (!line || !queue) {
        free(line);
        free(queue);
        return -1;
    }
    for (size_t i = 0; i < cells; i++) {
        float a = magnitude(input[i]), b = magnitude(ref[i]);
        tol[i] = a > b ? a : b;
    }
    axis_max(tol, cells, nx, 1, s, line, line + longest, queue);
    axis_max(tol, cells, ny, nx, s, line, line + longest, queue);
    axis_max(tol, cells, nz, nx * ny, s, line, line + longest, queue);
    free(line);
    free(queue);
    const double scale = 16.0 * FLT_EPSILON * (double)s;
    for (size_t i = 0; i < cells; i++) {
        double t = scale * tol[i];
        tol[i] = t < FLT_MAX ? (float)t : INFINITY;
    }
    return 0;
}

int bench_validate(const float *input, const float *ref, const float *got, size_t nz, size_t ny,
                   size_t nx, int steps, bench_validation *r)
{
    const size_t cells = nz * ny * nx;
    memset(r, 0, sizeof *r);
    /* Tolerances are needed only where two finite values differ; equal fields cost nothing. */
    float *tol = NULL;
    int no_tol = 0;
    for (size_t i = 0; i < cells; i++) {
        if (isfinite(ref[i]) && isfinite(got[i]) && ref[i] != got[i]) {
            tol = malloc(cells * sizeof *tol);
            if (!tol || bench_tolerance_field(input, ref, nz, ny, nx, steps, tol) != 0)
                no_tol = 1;
            break;
        }
    }
    size_t used = 0;
    double max_tol = 0.0;
    for (size_t i = 0; i < cells; i++)
        r->overflowed += isfinite(input[i]) && !isfinite(ref[i]);
    for (size_t i = 0; i < cells; i++) {
        float a = ref[i], b = got[i];
        double t = 0.0;
        int bad;
        if (isnan(a) || isnan(b)) {
            bad = isnan(a) != isnan(b);
        } else if (isinf(a) || isinf(b)) {
            bad = a != b;
        } else {
            double d = fabs((double)a - (double)b);
            if (d > r->max_abs_err)
                r->max_abs_err = d;
            t = d > 0.0 && !no_tol ? (double)tol[i] : 0.0;
            if (d > 0.0 && t > max_tol)
                max_tol = t;
            bad = d > t;
        }
        if (!bad)
            continue;
        if (r->bad_cells == 0)
            r->tolerance = t;
        if (r->bad_cells < 5 && used < sizeof r->first_bad) {
            size_t z = i / (ny * nx), y = i / nx % ny, x = i % nx;
            int n = snprintf(r->first_bad + used, sizeof r->first_bad - used,
                             "%s(z=%zu,y=%zu,x=%zu) ref=%.9g got=%.9g tol=%.3g", used ? "; " : "",
                             z, y, x, (double)a, (double)b, t);
            if (n > 0)
                used += (size_t)n;
        }
        r->bad_cells++;
    }
    if (no_tol && r->bad_cells && used < sizeof r->first_bad)
        snprintf(r->first_bad + used, sizeof r->first_bad - used,
                 " (out of memory for per-cell tolerances: every difference counted)");
    if (r->bad_cells == 0)
        r->tolerance = max_tol;
    free(tol);
    r->ok = r->bad_cells == 0;
    return r->ok;
}
