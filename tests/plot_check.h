/* Checks on rendered files for the plot tests: a PNG, SVG or GIF is valid and not trivial
 * (magic bytes, dimensions from its header, size), and an HTML page references only files
 * that exist. Each returns 1 when good, else 0 with the reason in why. */
#ifndef TEST_PLOT_CHECK_H
#define TEST_PLOT_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The whole file in a malloc'd, NUL-terminated buffer, or NULL. */
static inline char *pc_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
        free(s);
        s = NULL;
    }
    fclose(f);
    if (s) {
        s[n] = '\0';
        *len = (size_t)n;
    }
    return s;
}

static inline unsigned long pc_be32(const unsigned char *p)
{
    return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 | p[3];
}

/* A PNG at least min_w x min_h pixels and min_bytes long. */
static inline int pc_png(const char *path, unsigned long min_w, unsigned long min_h, size_t min_bytes,
                         char *why, size_t why_len)
{
    size_t n = 0;
    unsigned char *s = (unsigned char *)pc_slurp(path, &n);
    int ok = 0;
    if (!s)
        snprintf(why, why_len, "%.300s: cannot read", path);
    else if (n < 33 || memcmp(s, "\x89PNG\r\n\x1a\n", 8) != 0 || memcmp(s + 12, "IHDR", 4) != 0)
        snprintf(why, why_len, "%.300s: not a PNG (magic bytes, IHDR)", path);
    else if (pc_be32(s + 16) < min_w || pc_be32(s + 20) < min_h)
        snprintf(why, why_len, "%.300s: %lux%lu pixels, want at least %lux%lu", path, pc_be32(s + 16),
                 pc_be32(s + 20), min_w, min_h);
    else if (n < min_bytes)
        snprintf(why, why_len, "%.300s: %zu bytes, too small to hold a chart (want %zu)", path, n, min_bytes);
    else if (memcmp(s + n - 8, "IEND", 4) != 0)
        snprintf(why, why_len, "%.300s: truncated (no IEND chunk at the end)", path);
    else
        ok = 1;
    free(s);
    return ok;
}

/* An SVG document whose <svg> element says width and height of at least min_w x min_h, at
 * least min_bytes long, closed. */
static inline int pc_svg(const char *path, unsigned long min_w, unsigned long min_h, size_t min_bytes,
                         char *why, size_t why_len)
{
    size_t n = 0;
    char *s = pc_slurp(path, &n);
    int ok = 0;
    char *svg = s ? strstr(s, "<svg") : NULL, *end = svg ? strchr(svg, '>') : NULL;
    if (end)
        *end = '\0'; /* the element's attributes only */
    const char *w = svg ? strstr(svg, " width=\"") : NULL, *h = svg ? strstr(svg, " height=\"") : NULL;
    unsigned long wv = w ? strtoul(w + 8, NULL, 10) : 0, hv = h ? strtoul(h + 9, NULL, 10) : 0;
    if (!s)
        snprintf(why, why_len, "%.300s: cannot read", path);
    else if (!svg || !end)
        snprintf(why, why_len, "%.300s: no <svg> element", path);
    else if (wv < min_w || hv < min_h)
        snprintf(why, why_len, "%.300s: <svg> is %lux%lu, want at least %lux%lu", path, wv, hv, min_w, min_h);
    else if (!strstr(end + 1, "</svg>"))
        snprintf(why, why_len, "%.300s: truncated (no </svg>)", path);
    else if (n < min_bytes)
        snprintf(why, why_len, "%.300s: %zu bytes, too small (want %zu)", path, n, min_bytes);
    else
        ok = 1;
    free(s);
    return ok;
}

/* A GIF89a at least min_w x min_h with at least min_frames images. */
static inline int pc_gif(const char *path, unsigned min_w, unsigned min_h, int min_frames, char *why,
                         size_t why_len)
{
    size_t n = 0;
    unsigned char *s = (unsigned char *)pc_slurp(path, &n);
    int ok = 0;
    if (!s) {
        snprintf(why, why_len, "%.300s: cannot read", path);
        return 0;
    }
    unsigned w = n > 10 ? s[6] | s[7] << 8 : 0, h = n > 10 ? s[8] | s[9] << 8 : 0;
    int frames = 0; /* graphic control extensions: one per frame of an animation */
    for (size_t i = 0; i + 3 < n; i++)
        frames += s[i] == 0x21 && s[i + 1] == 0xf9 && s[i + 2] == 0x04;
    if (n < 13 || memcmp(s, "GIF89a", 6) != 0)
        snprintf(why, why_len, "%.300s: not a GIF89a", path);
    else if (w < min_w || h < min_h)
        snprintf(why, why_len, "%.300s: %ux%u pixels, want at least %ux%u", path, w, h, min_w, min_h);
    else if (frames < min_frames)
        snprintf(why, why_len, "%.300s: %d frames, want at least %d", path, frames, min_frames);
    else if (s[n - 1] != 0x3b)
        snprintf(why, why_len, "%.300s: truncated (no trailer)", path);
    else
        ok = 1;
    free(s);
    return ok;
}

/* Every src="...", href="..." and data="..." (an object) in the page that is not an anchor,
 * data: URI or web address names a file that exists relative to the page's folder; counts them
 * in *refs. */
static inline int pc_html_refs(const char *path, int *refs, char *why, size_t why_len)
{
    size_t n = 0;
    char *s = pc_slurp(path, &n);
    *refs = 0;
    if (!s) {
        snprintf(why, why_len, "%.300s: cannot read", path);
        return 0;
    }
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    else
        snprintf(dir, sizeof dir, ".");
    int ok = 1;
    static const char *const attrs[] = {"src=\"", "href=\"", " data=\""};
    for (int a = 0; a < 3 && ok; a++)
        for (const char *p = strstr(s, attrs[a]); p && ok; p = strstr(p + 1, attrs[a])) {
            const char *v = p + strlen(attrs[a]);
            size_t len = strcspn(v, "\"");
            if (len == 0 || v[0] == '#' || strncmp(v, "data:", 5) == 0 || strncmp(v, "http", 4) == 0)
                continue;
            char file[8192];
            snprintf(file, sizeof file, "%s/%.*s", dir, (int)len, v);
            FILE *f = fopen(file, "rb");
            if (!f) {
                snprintf(why, why_len, "%.300s references %.*s, which does not exist", path, (int)len, v);
                ok = 0;
            } else {
                fclose(f);
                (*refs)++;
            }
        }
    free(s);
    return ok;
}

/* The labelled ticks of a gnuplot SVG chart's axes: *ny counts the right-aligned, unrotated
 * labels at the leftmost such position (the y axis's tick labels; the key's entries sit
 * further right), *nx the most centred, unrotated labels sharing one height (the x axis's
 * tick labels: titles and the axis label are one per height). Empty labels do not count. */
static inline int pc_svg_tick_labels(const char *path, int *nx, int *ny, char *why, size_t why_len)
{
    size_t n = 0;
    char *s = pc_slurp(path, &n);
    *nx = *ny = 0;
    if (!s) {
        snprintf(why, why_len, "%.300s: cannot read", path);
        return 0;
    }
    enum { MAXL = 512 };
    static double lx[MAXL], ly[MAXL];
    static int la[MAXL]; /* 1 end, 2 middle */
    int nl = 0;
    for (const char *p = strstr(s, "<g transform=\"translate("); p && nl < MAXL;
         p = strstr(p + 1, "<g transform=\"translate(")) {
        double x, y;
        if (sscanf(p + 24, "%lf,%lf", &x, &y) != 2)
            continue;
        const char *end = strchr(p, '>');
        const char *q = strchr(p + 24, ')');
        if (!end || !q || strncmp(q + 1, " rotate", 7) == 0) /* rotated: an axis or mark label */
            continue;
        const char *anchor = strstr(p, "text-anchor=\"");
        if (!anchor || anchor > end)
            continue;
        anchor += 13;
        int a = strncmp(anchor, "end", 3) == 0 ? 1 : strncmp(anchor, "middle", 6) == 0 ? 2 : 0;
        const char *t = strstr(end, "<text"), *g = strstr(end, "</g>");
        if (!a || !t || (g && g < t) || !(t = strchr(t, '>')))
            continue;
        if (strncmp(t + 1, "<tspan", 6) == 0 && !(t = strchr(t + 1, '>')))
            continue;
        if (t[1] == '<')
            continue; /* an empty text */
        lx[nl] = x, ly[nl] = y, la[nl] = a;
        nl++;
    }
    double xmin = 1e300;
    for (int i = 0; i < nl; i++)
        if (la[i] == 1 && lx[i] < xmin)
            xmin = lx[i];
    for (int i = 0; i < nl; i++) {
        *ny += la[i] == 1 && lx[i] < xmin + 0.5;
        if (la[i] != 2)
            continue;
        int same = 0;
        for (int j = 0; j < nl; j++)
            same += la[j] == 2 && ly[j] > ly[i] - 0.5 && ly[j] < ly[i] + 0.5;
        if (same > *nx)
            *nx = same;
    }
    free(s);
    return 1;
}

#endif
