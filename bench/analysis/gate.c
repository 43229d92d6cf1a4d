#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/gate.h"
#include "analysis/noise.h"

const char *bench_verdict_name(bench_verdict v)
{
    static const char *names[] = {"SAME", "FASTER", "SLOWER", "UNSURE", "NOISY"};
    return names[v];
}

stencil_status bench_gate_decide(const double *base, size_t nb, const double *fresh, size_t nf,
                                 const double *base_runs, size_t nbr, const double *fresh_runs,
                                 size_t nfr, const bench_gate_options *opt,
                                 bench_gate_point *out, stencil_error *err)
{
    memset(&out->mwu, 0, sizeof out->mwu);
    memset(&out->mwu_runs, 0, sizeof out->mwu_runs);
    out->runs_used = 0;
    double mb = bench_median(base, nb), mf = bench_median(fresh, nf);
    out->ratio = mf / mb;
    bench_noise nzb, nzf;
    bench_noise_of(base, nb, &nzb);
    bench_noise_of(fresh, nf, &nzf);
    out->noise_base = nzb.ci_rel;
    out->noise_new = nzf.ci_rel;
    if (nb < 2 || nf < 2) {
        out->verdict = BENCH_UNSURE;
        out->why = "too few repetitions (need 2 or more on each side)";
        return STENCIL_OK;
    }
    if (opt->max_noise > 0 && (bench_noisy(nzb.ci_rel, opt->max_noise) ||
                               bench_noisy(nzf.ci_rel, opt->max_noise))) {
        out->verdict = BENCH_NOISY;
        out->why = bench_noisy(nzb.ci_rel, opt->max_noise) && bench_noisy(nzf.ci_rel, opt->max_noise)
                       ? "both medians too uncertain to judge: rerun on a quiet machine"
                   : bench_noisy(nzb.ci_rel, opt->max_noise)
                       ? "the base median is too uncertain to judge: rerun on a quiet machine"
                       : "the new median is too uncertain to judge: rerun on a quiet machine";
        return STENCIL_OK;
    }
    stencil_status st = bench_mann_whitney(fresh, nf, base, nb, &out->mwu, err);
    if (st != STENCIL_OK)
        return st;
    double effect = out->ratio - 1.0;
    if (out->mwu.p_min >= opt->alpha) {
        out->verdict = BENCH_UNSURE;
        out->why = "too few repetitions to reach the significance level";
    } else if (fabs(effect) < opt->threshold) {
        out->verdict = BENCH_SAME;
        out->why = out->mwu.p < opt->alpha ? "significant, but smaller than the threshold"
                                           : "within the threshold";
    } else if (out->mwu.p < opt->alpha) {
        out->verdict = effect < 0.0 ? BENCH_SLOWER : BENCH_FASTER;
        out->why = "significant and beyond the threshold";
        if (nbr >= 2 && nfr >= 2) {
            st = bench_mann_whitney(fresh_runs, nfr, base_runs, nbr, &out->mwu_runs, err);
            if (st != STENCIL_OK)
                return st;
            if (out->mwu_runs.p_min < opt->alpha) {
                out->runs_used = 1;
                if (out->mwu_runs.p >= opt->alpha) {
                    out->verdict = BENCH_UNSURE;
                    out->why = "significant over repetitions but not across runs (noisy runs)";
                }
            }
        }
    } else {
        out->verdict = BENCH_UNSURE;
        out->why = "beyond the threshold but not significant (noisy)";
    }
    return STENCIL_OK;
}

static int has_probe(const bench_row *r) { return isfinite(r->copy_gbps) && r->copy_gbps > 0; }

static int same_probe_kind(const bench_row *r, const bench_row *q)
{
    return r->threads == q->threads && strcmp(r->device, q->device) == 0;
}

stencil_status bench_gate_per_probe(bench_row *a, size_t na, bench_row *b, size_t nb,
                                    stencil_error *err)
{
    size_t n = na + nb;
    double *copies = malloc((n ? n : 1) * sizeof *copies), *ref = malloc((n ? n : 1) * sizeof *ref);
    if (!copies || !ref) {
        free(copies);
        free(ref);
        return stencil_fail(err, STENCIL_ERR_NOMEM, "out of memory scaling %zu rows by their probe", n);
    }
    /* the median probe per (device, threads), computed once per kind, for every row */
    for (size_t i = 0; i < n; i++)
        ref[i] = NAN;
    for (size_t i = 0; i < n; i++) {
        const bench_row *r = i < na ? &a[i] : &b[i - na];
        if (!has_probe(r) || !isnan(ref[i]))
            continue;
        size_t m = 0;
        for (size_t j = i; j < n; j++) {
            const bench_row *q = j < na ? &a[j] : &b[j - na];
            if (has_probe(q) && same_probe_kind(r, q))
                copies[m++] = q->copy_gbps;
        }
        double med = bench_median(copies, m);
        for (size_t j = i; j < n; j++) {
            const bench_row *q = j < na ? &a[j] : &b[j - na];
            if (has_probe(q) && same_probe_kind(r, q))
                ref[j] = med;
        }
    }
    for (size_t i = 0; i < n; i++) {
        bench_row *r = i < na ? &a[i] : &b[i - na];
        if (!has_probe(r) || !(ref[i] > 0))
            continue;
        double f = ref[i] / r->copy_gbps;
        r->cell_updates_per_s *= f;
        r->compute_s /= f;
    }
    free(copies);
    free(ref);
    return STENCIL_OK;
}
