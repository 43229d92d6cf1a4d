#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/compare.h"
#include "analysis/noise.h"
#include "harness/sysstate.h"

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


void compare_busy_note(const compare_side *s, const char *side)
{
    double other = NAN, steal = NAN, load = NAN;
    size_t busy = 0;
    for (size_t i = 0; i < s->t.count; i++) {
        const bench_row *r = &s->t.rows[i];
        if (isfinite(r->other_cpu) && !(r->other_cpu <= other))
            other = r->other_cpu;
        if (isfinite(r->steal) && !(r->steal <= steal))
            steal = r->steal;
        if (isfinite(r->load_before) && !(r->load_before <= load))
            load = r->load_before;
        busy += (isfinite(r->other_cpu) && r->other_cpu > BENCH_BUSY_OTHER) ||
                (isfinite(r->steal) && r->steal > BENCH_BUSY_STEAL);
    }
    if (busy)
        printf("warning: %s was measured on a busy machine: other processes took up to %.0f %% of "
               "the CPUs%s (load average up to %.1f) during %zu of its %zu rows\n", side,
               100 * other, isfinite(steal) && steal > BENCH_BUSY_STEAL ? ", with steal" : "",
               load, busy, s->t.count);
}

void compare_noise_note(const compare_side *s, const char *side)
{
    size_t noisy = 0, measured = 0;
    for (size_t i = 0; i < s->pts.count; i++) {
        const bench_result *p = &s->pts.p[i];
        if (p->n == 0 || p->row->provenance != BENCH_MEASURED)
            continue;
        bench_noise nz;
        bench_noise_of(p->rates, p->n, &nz);
        measured++;
        noisy += bench_noisy(nz.ci_rel, BENCH_NOISE_TARGET);
    }
    if (noisy)
        printf("warning: %zu of %zu points of %s are NOISY (the 95 %% confidence interval of their "
               "median wider than +-%.0f %%): the ratios and verdicts below carry that uncertainty\n",
               noisy, measured, side, 100 * BENCH_NOISE_TARGET);
}
