#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/compare.h"

void compare_side_free(compare_side *s)
{
    bench_best_free(&s->best);
    bench_results_free(&s->pts);
    bench_timings_free(&s->t);
}

stencil_status compare_side_load(const char *path, compare_side *s, int allow_empty, stencil_error *err)
{
    memset(s, 0, sizeof *s);
    snprintf(s->name, sizeof s->name, "%s", path);
    stencil_status st = bench_timings_read(path, BENCH_READ_BY_NAME, &s->t, err);
    if (st == STENCIL_OK && s->t.count == 0 && !allow_empty) {
        snprintf(err->msg, sizeof err->msg, "%s: no rows after the header", path);
        st = STENCIL_ERR_ARG;
    }
    if (st == STENCIL_OK)
        st = bench_results_build(s->t.rows, s->t.count, &s->pts, err);
    if (st == STENCIL_OK)
        st = bench_points_best(&s->pts, &s->best, err);
    if (st == STENCIL_OK) {
        const char *m = s->t.count ? s->t.rows[0].machine : "";
        if (*m) {
            snprintf(s->label, sizeof s->label, "%s", m);
        } else {
            char tmp[1100];
            snprintf(tmp, sizeof tmp, "%s", path);
            size_t n = strlen(tmp);
            while (n > 1 && tmp[n - 1] == '/')
                tmp[--n] = '\0';
            const char *b = strrchr(tmp, '/');
            snprintf(s->label, sizeof s->label, "%s", b ? b + 1 : tmp);
        }
        for (char *p = s->label; *p; p++) /* one word, for the chart's key */
            if (*p == ' ' || *p == '\'' || *p == '"')
                *p = '-';
    }
    return st;
}

const char *compare_rate_text(double r, char *buf, size_t cap)
{
    if (isfinite(r))
        snprintf(buf, cap, "%.3g", r);
    else
        snprintf(buf, cap, "-");
    return buf;
}

