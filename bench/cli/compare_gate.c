#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/compare.h"

int bench_compare_gate(const char *base_path, const char *new_path, const bench_gate_options *opt)
{
    compare_side base, fresh;
    stencil_error err = {{0}};
    if (compare_side_load(base_path, &base, 0, &err) != STENCIL_OK) {
        fprintf(stderr, "stencilbench compare --gate: base: %s\n", err.msg);
        compare_side_free(&base);
        return BENCH_EXIT_USAGE;
    }
    if (compare_side_load(new_path, &fresh, 0, &err) != STENCIL_OK) {
        fprintf(stderr, "stencilbench compare --gate: new: %s\n", err.msg);
        compare_side_free(&base);
        compare_side_free(&fresh);
        return BENCH_EXIT_USAGE;
    }
    if (opt->per_probe) { /* the rates over their runs' probes, then the points again */
        bench_best_free(&base.best);
        bench_best_free(&fresh.best);
        bench_results_free(&base.pts);
        bench_results_free(&fresh.pts);
        if (bench_gate_per_probe(base.t.rows, base.t.count, fresh.t.rows, fresh.t.count, &err) != STENCIL_OK ||
            bench_results_build(base.t.rows, base.t.count, &base.pts, &err) != STENCIL_OK ||
            bench_results_build(fresh.t.rows, fresh.t.count, &fresh.pts, &err) != STENCIL_OK) {
            fprintf(stderr, "stencilbench compare --gate: %s\n", err.msg);
            compare_side_free(&base);
            compare_side_free(&fresh);
            return BENCH_EXIT_FAILED;
        }
    }
    size_t nb = base.pts.count, nf = fresh.pts.count, common = 0, counts[5] = {0};
    int *matched_new = calloc(nf ? nf : 1, sizeof *matched_new);
    double *ratios = malloc((nb ? nb : 1) * sizeof *ratios);
    if (!matched_new || !ratios) {
        fprintf(stderr, "stencilbench compare --gate: out of memory\n");
        free(matched_new);
        free(ratios);
        compare_side_free(&base);
        compare_side_free(&fresh);
        return BENCH_EXIT_FAILED;
    }
    printf("regression gate: base %s, new %s\n", base_path, new_path);
    printf("two-sided Mann-Whitney U on each point's repetitions (rates), alpha %g, threshold %g %%;\n"
           "p: repetitions' p (~: normal approximation), /runs' p where 4+ runs a side pool;\n"
           "NOISY: a side's median rate uncertain by more than +-%g %% (95 %% CI), not judged\n\n",
           opt->alpha, opt->threshold * 100.0, opt->max_noise * 100.0);
    if (opt->per_probe)
        printf("--per-probe: each repetition's rate scaled by the median copy probe over its "
               "run's (copy_gbps)\n\n");
    printf("%-44s %10s %10s %8s %7s %15s  %s\n", "point", "base/s", "new/s", "new/base", "reps",
           "p", "verdict");
    int status = BENCH_EXIT_OK;
    for (size_t i = 0; i < nb; i++) {
        const bench_result *b = &base.pts.p[i];
        size_t j = bench_results_find(&fresh.pts, b->row);
        if (j == (size_t)-1)
            continue;
        matched_new[j] = 1;
        const bench_result *f = &fresh.pts.p[j];
        char label[256], r1[32], r2[32], reps[32], pbuf[32];
        bench_result_label(b->row, label, sizeof label);
        snprintf(reps, sizeof reps, "%zu/%zu", b->n, f->n);
        if (b->n == 0 && f->n == 0) { /* e.g. a GPU variant on a machine without one */
            printf("%-44s %10s %10s %8s %7s %15s  - (not measured on either side: %s)\n", label, "-",
                   "-", "-", reps, "-", f->row->status);
            continue;
        }
        if (b->n == 0 || f->n == 0) {
            printf("%-44s %10s %10s %8s %7s %15s  %s (no ok repetition: %zu/%zu failed or skipped)\n",
                   label, compare_rate_text(b->stat[BENCH_M_RATE].median, r1, sizeof r1),
                   compare_rate_text(f->stat[BENCH_M_RATE].median, r2, sizeof r2), "-", reps, "-", "UNSURE", b->failed,
                   f->failed);
            counts[BENCH_UNSURE]++;
            continue;
        }
        bench_gate_point g;
        if (bench_gate_decide(b->rates, b->n, f->rates, f->n, b->run_medians, b->nruns,
                              f->run_medians, f->nruns, opt, &g, &err) != STENCIL_OK) {
            fprintf(stderr, "stencilbench compare --gate: %s: %s\n", label, err.msg);
            status = BENCH_EXIT_USAGE;
            break;
        }
        ratios[common++] = g.ratio;
        counts[g.verdict]++;
        if (g.runs_used)
            snprintf(pbuf, sizeof pbuf, "%.3g%s/%.3g", g.mwu.p, g.mwu.exact ? "" : "~", g.mwu_runs.p);
        else if (g.mwu.p_min > 0.0 && (f->n >= 2 && b->n >= 2))
            snprintf(pbuf, sizeof pbuf, "%.3g%s", g.mwu.p, g.mwu.exact ? "" : "~");
        else
            snprintf(pbuf, sizeof pbuf, "-");
        char why[200];
        if (g.verdict == BENCH_NOISY)
            snprintf(why, sizeof why, "%s; base +-%.1f %%, new +-%.1f %%", g.why,
                     fmin(100 * g.noise_base, 999.0), fmin(100 * g.noise_new, 999.0));
        else
            snprintf(why, sizeof why, "%s", g.why);
        printf("%-44s %10s %10s %7.3fx %7s %15s  %s (%s)\n", label,
               compare_rate_text(b->stat[BENCH_M_RATE].median, r1, sizeof r1), compare_rate_text(f->stat[BENCH_M_RATE].median, r2, sizeof r2),
               g.ratio, reps, pbuf, bench_verdict_name(g.verdict), why);
    }
    if (status == BENCH_EXIT_OK) {
        size_t only_base = 0, only_new = 0;
        for (size_t i = 0; i < nb; i++) {
            size_t j = 0;
            while (j < nf && !bench_result_same(base.pts.p[i].row, fresh.pts.p[j].row))
                j++;
            if (j == nf) {
                char label[256];
                bench_result_label(base.pts.p[i].row, label, sizeof label);
                printf("%s  only in base: %s\n", only_base++ ? "" : "\n", label);
            }
        }
        for (size_t j = 0; j < nf; j++)
            if (!matched_new[j]) {
                char label[256];
                bench_result_label(fresh.pts.p[j].row, label, sizeof label);
                printf("%s  only in new: %s\n", only_new++ ? "" : "\n", label);
            }
        size_t points = counts[0] + counts[1] + counts[2] + counts[3] + counts[4];
        if (points == 0) {
            fprintf(stderr,
                    "stencilbench compare --gate: %s and %s have no point in common (same variant, "
                    "grid, timesteps, threads, tuning, scheme): run the same study on both\n",
                    base_path, new_path);
            status = BENCH_EXIT_USAGE;
        } else {
            printf("\n%zu points: %zu SLOWER, %zu FASTER, %zu SAME, %zu UNSURE, %zu NOISY; geometric "
                   "mean new/base over %zu points: %.3fx\n",
                   points, counts[BENCH_SLOWER], counts[BENCH_FASTER], counts[BENCH_SAME],
                   counts[BENCH_UNSURE], counts[BENCH_NOISY], common, bench_geomean(ratios, common));
            compare_busy_note(&base, "base");
            compare_busy_note(&fresh, "new");
            if (counts[BENCH_NOISY] * 4 >= points)
                printf("warning: %zu of %zu points are too noisy to judge: this gate says little "
                       "about them; rerun on a quiet machine (or with more repetitions)\n",
                       counts[BENCH_NOISY], points);
            if (counts[BENCH_SLOWER]) {
                printf("gate: FAIL (%zu point%s significantly slower by %g %% or more)\n",
                       counts[BENCH_SLOWER], counts[BENCH_SLOWER] == 1 ? "" : "s",
                       opt->threshold * 100.0);
                status = BENCH_EXIT_FAILED;
            } else {
                printf("gate: pass\n");
            }
        }
    }
    free(matched_new);
    free(ratios);
    compare_side_free(&base);
    compare_side_free(&fresh);
    return status;
}

/* A run against references ----------------------------------------------------------------- */

