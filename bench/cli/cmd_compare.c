/* stencilbench compare: a run against reference results (tables, verdicts in words, a chart),
 * the regression gate between two runs, and the generator of projected references. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "plot_compare.h"
#include "cli/cli.h"
#include "analysis/compare.h"
#include "analysis/gate.h"
#include "analysis/project.h"

enum { MAX_REFS = 32, MAX_BARS = 512, MAX_TICS = 64, LIST_MAX = 12 };

static void compare_usage(FILE *f)
{
    fprintf(f,
            "usage: stencilbench compare RUN REFERENCE [--chart FILE | --no-chart] [--exact]\n"
            "       stencilbench compare BASE NEW --gate [--threshold PCT] [--alpha A]\n"
            "       stencilbench compare --project REFERENCE_ROOT [--sources DIR]\n"
            "                            [--cpu-from FOLDER] [--gpu-from FOLDER]\n\n"
            "RUN, BASE, NEW: a run folder (results/runs/...) or a timings.csv. REFERENCE: a\n"
            "reference folder (results/reference/a40), another run, or results/reference itself\n"
            "(every machine in it).\n\n"
            "Against a reference: per variant and grid, both median rates (cell updates/s), their\n"
            "ratio, both roofline fractions and a verdict in words. Each machine's figure is its\n"
            "best point at its largest thread count, so all cores compare with all cores. A grid\n"
            "the reference lacks is compared with its nearest grid of the same variant, labelled\n"
            "NEAREST (--exact lists it as unmatched instead). The chart (default RUN/plots/\n"
            "compare.png) draws measured bars solid, projected hatched, published open.\n\n"
            "  --gate           the regression gate: per point with repetitions on both sides, a\n"
            "                   two-sided Mann-Whitney U test on the repetitions' rates and a\n"
            "                   minimum effect; verdicts FASTER, SLOWER, SAME, UNSURE (too few\n"
            "                   repetitions, or noisy); exit 1 when any point is SLOWER\n"
            "  --threshold PCT  minimum effect in %% of the base median (default 5)\n"
            "  --alpha A        significance level (default 0.05)\n"
            "  --project ROOT   (re)write the projected and published reference folders under\n"
            "                   ROOT from ROOT/sources and the measured folders in ROOT\n\n"
            "Exit status: 0 done (gate: nothing slower), 1 gate found a SLOWER point or the chart\n"
            "failed, 2 bad input (a missing file, not timings.csv schema v1, no common points).\n");
}

typedef struct side {
    bench_timings t;
    bench_results pts;
    bench_best best;
    char name[1100], label[128];
} side;

static void side_free(side *s)
{
    bench_best_free(&s->best);
    bench_results_free(&s->pts);
    bench_timings_free(&s->t);
}

/* Reads a run or reference; allow_empty accepts a file with a header and no rows. */
static stencil_status side_load(const char *path, side *s, int allow_empty, stencil_error *err)
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

static const char *rate_text(double r, char *buf, size_t cap)
{
    if (isfinite(r))
        snprintf(buf, cap, "%.3g", r);
    else
        snprintf(buf, cap, "-");
    return buf;
}

/* The regression gate --------------------------------------------------------------------- */

static int run_gate(const char *base_path, const char *new_path, const bench_gate_options *opt)
{
    side base, fresh;
    stencil_error err = {{0}};
    if (side_load(base_path, &base, 0, &err) != STENCIL_OK) {
        fprintf(stderr, "stencilbench compare --gate: base: %s\n", err.msg);
        side_free(&base);
        return BENCH_EXIT_USAGE;
    }
    if (side_load(new_path, &fresh, 0, &err) != STENCIL_OK) {
        fprintf(stderr, "stencilbench compare --gate: new: %s\n", err.msg);
        side_free(&base);
        side_free(&fresh);
        return BENCH_EXIT_USAGE;
    }
    size_t nb = base.pts.count, nf = fresh.pts.count, common = 0, counts[4] = {0};
    int *matched_new = calloc(nf ? nf : 1, sizeof *matched_new);
    double *ratios = malloc((nb ? nb : 1) * sizeof *ratios);
    if (!matched_new || !ratios) {
        fprintf(stderr, "stencilbench compare --gate: out of memory\n");
        free(matched_new);
        free(ratios);
        side_free(&base);
        side_free(&fresh);
        return BENCH_EXIT_FAILED;
    }
    printf("regression gate: base %s, new %s\n", base_path, new_path);
    printf("two-sided Mann-Whitney U on each point's repetitions (rates), alpha %g, threshold %g %%;\n"
           "p: repetitions' p (~: normal approximation), /runs' p where 4+ runs a side pool\n\n",
           opt->alpha, opt->threshold * 100.0);
    printf("%-44s %10s %10s %8s %7s %15s  %s\n", "point", "base/s", "new/s", "new/base", "reps",
           "p", "verdict");
    int status = BENCH_EXIT_OK;
    for (size_t i = 0; i < nb; i++) {
        const bench_result *b = &base.pts.p[i];
        size_t j = 0;
        while (j < nf && !bench_result_same(b->row, fresh.pts.p[j].row))
            j++;
        if (j == nf)
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
                   label, rate_text(b->stat[BENCH_M_RATE].median, r1, sizeof r1),
                   rate_text(f->stat[BENCH_M_RATE].median, r2, sizeof r2), "-", reps, "-", "UNSURE", b->failed,
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
        printf("%-44s %10s %10s %7.3fx %7s %15s  %s (%s)\n", label,
               rate_text(b->stat[BENCH_M_RATE].median, r1, sizeof r1), rate_text(f->stat[BENCH_M_RATE].median, r2, sizeof r2),
               g.ratio, reps, pbuf, bench_verdict_name(g.verdict), g.why);
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
        size_t points = counts[0] + counts[1] + counts[2] + counts[3];
        if (points == 0) {
            fprintf(stderr,
                    "stencilbench compare --gate: %s and %s have no point in common (same variant, "
                    "grid, timesteps, threads, tuning, scheme): run the same study on both\n",
                    base_path, new_path);
            status = BENCH_EXIT_USAGE;
        } else {
            printf("\n%zu points: %zu SLOWER, %zu FASTER, %zu SAME, %zu UNSURE; geometric mean "
                   "new/base over %zu points: %.3fx\n",
                   points, counts[BENCH_SLOWER], counts[BENCH_FASTER], counts[BENCH_SAME],
                   counts[BENCH_UNSURE], common, bench_geomean(ratios, common));
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
    side_free(&base);
    side_free(&fresh);
    return status;
}

/* A run against references ----------------------------------------------------------------- */

static const char *prov_noun(bench_provenance p)
{
    return p == BENCH_PROJECTED ? "projection" : p == BENCH_PUBLISHED ? "published figure"
                                                                      : "measurement";
}

static void verdict_words(const bench_result *a, const bench_result *b, const char *ref_label,
                          bench_match_kind kind)
{
    double ratio = a->stat[BENCH_M_RATE].median / b->stat[BENCH_M_RATE].median;
    printf("    your %s variant runs at %.3gx the %s %s", a->row->variant, ratio, ref_label,
           prov_noun(b->row->provenance));
    if (kind == BENCH_MATCH_NEAREST)
        printf(" (on the nearest grid it has, %ldx%ldx%ld x%ld steps)", b->row->nz, b->row->ny,
               b->row->nx, b->row->timesteps);
    if (strcmp(a->row->device, "cpu") == 0 && a->row->threads != b->row->threads)
        printf(" (%ld vs %ld threads)", a->row->threads, b->row->threads);
    if (isfinite(a->stat[BENCH_M_ROOF].median) && isfinite(b->stat[BENCH_M_ROOF].median) && b->stat[BENCH_M_ROOF].median > 0.0)
        printf("; relative to each machine's own bandwidth it is at %.0f %% of the reference's "
               "efficiency (%.0f %% vs %.0f %% of the copy bandwidth)",
               100.0 * a->stat[BENCH_M_ROOF].median / b->stat[BENCH_M_ROOF].median, 100.0 * a->stat[BENCH_M_ROOF].median,
               100.0 * b->stat[BENCH_M_ROOF].median);
    printf(".\n");
}

typedef struct chart {
    plot_bar bars[MAX_BARS];
    plot_tic tics[MAX_TICS];
    size_t nbars, ntics;
} chart;

static plot_style style_of(bench_provenance p)
{
    return p == BENCH_PROJECTED ? PLOT_PROJECTED : p == BENCH_PUBLISHED ? PLOT_PUBLISHED : PLOT_MEASURED;
}

static void chart_group(chart *c, const char *label, const double *rate, const plot_style *style,
                        const int *machine, size_t n)
{
    if (n == 0 || c->ntics == MAX_TICS || c->nbars + n > MAX_BARS)
        return;
    double x0 = (double)(c->ntics + 1);
    for (size_t i = 0; i < n; i++)
        c->bars[c->nbars++] = (plot_bar){x0 + 0.12 * ((double)i - 0.5 * (double)(n - 1)), rate[i],
                                         machine[i], style[i]};
    c->tics[c->ntics].x = x0;
    snprintf(c->tics[c->ntics].label, sizeof c->tics[c->ntics].label, "%s", label);
    c->ntics++;
}

static int is_dir(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static int has_timings(const char *dir)
{
    char p[1300];
    struct stat sb;
    snprintf(p, sizeof p, "%.1200s/timings.csv", dir);
    return stat(p, &sb) == 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* REFERENCE: a timings.csv, a folder with one, or a folder of such folders. */
static int list_references(const char *ref, char **out, int max)
{
    if (!is_dir(ref) || has_timings(ref)) {
        out[0] = strdup(ref);
        return out[0] ? 1 : -1;
    }
    DIR *d = opendir(ref);
    if (!d)
        return 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < max) {
        char p[1200];
        if (e->d_name[0] == '.')
            continue;
        snprintf(p, sizeof p, "%s/%s", ref, e->d_name);
        if (is_dir(p) && has_timings(p) && (out[n] = strdup(p)))
            n++;
    }
    closedir(d);
    qsort(out, (size_t)n, sizeof *out, cmp_str);
    return n;
}

static int compare_one(const side *mine, const side *ref, int allow_nearest, stencil_error *err)
{
    bench_match *m = calloc(mine->best.count ? mine->best.count : 1, sizeof *m);
    int *used = calloc(ref->best.count ? ref->best.count : 1, sizeof *used);
    if (!m || !used) {
        free(m);
        free(used);
        snprintf(err->msg, sizeof err->msg, "out of memory");
        return 0;
    }
    bench_match_points(&mine->pts, &mine->best, &ref->pts, &ref->best, allow_nearest, m, used, err);
    printf("\n== against %s (%s) ==\n", ref->label, ref->name);
    printf("%-36s %10s %10s %8s %9s %9s  %s\n", "point (yours)", "yours/s", "ref/s", "ratio",
           "your roof", "ref roof", "match");
    size_t unmatched = 0, matched = 0;
    for (size_t i = 0; i < mine->best.count; i++) {
        if (m[i].kind == BENCH_MATCH_NONE) {
            unmatched++;
            continue;
        }
        const bench_result *a = &mine->pts.p[m[i].mine], *b = &ref->pts.p[m[i].ref];
        char label[256], r1[32], r2[32], f1[16] = "-", f2[16] = "-";
        bench_result_label(a->row, label, sizeof label);
        if (isfinite(a->stat[BENCH_M_ROOF].median))
            snprintf(f1, sizeof f1, "%.3f", a->stat[BENCH_M_ROOF].median);
        if (isfinite(b->stat[BENCH_M_ROOF].median))
            snprintf(f2, sizeof f2, "%.3f", b->stat[BENCH_M_ROOF].median);
        printf("%-36s %10s %10s %7.3fx %9s %9s  %s %s\n", label,
               rate_text(a->stat[BENCH_M_RATE].median, r1, sizeof r1), rate_text(b->stat[BENCH_M_RATE].median, r2, sizeof r2),
               a->stat[BENCH_M_RATE].median / b->stat[BENCH_M_RATE].median, f1, f2,
               m[i].kind == BENCH_MATCH_EXACT ? "exact" : "NEAREST", bench_provenance_name(b->row->provenance));
        verdict_words(a, b, ref->label, m[i].kind);
        matched++;
    }
    if (matched == 0)
        printf("  (no point in common)\n");
    if (unmatched) {
        printf("  only in your run (the reference has no figure for the variant):");
        size_t shown = 0;
        for (size_t i = 0; i < mine->best.count && shown < LIST_MAX; i++)
            if (m[i].kind == BENCH_MATCH_NONE) {
                char label[256];
                bench_result_label(mine->pts.p[m[i].mine].row, label, sizeof label);
                printf("%s %s", shown++ ? "," : "", label);
            }
        printf("%s\n", unmatched > LIST_MAX ? ", ..." : "");
    }
    /* reference points no point of yours matched exactly; published ones get a line each */
    const bench_result *fast_cpu = NULL, *fast_gpu = NULL;
    for (size_t i = 0; i < mine->best.count; i++) {
        const bench_result *a = &mine->pts.p[mine->best.idx[i]];
        const bench_result **slot = strcmp(a->row->device, "gpu") == 0 ? &fast_gpu : &fast_cpu;
        if (!*slot || a->stat[BENCH_M_RATE].median > (*slot)->stat[BENCH_M_RATE].median)
            *slot = a;
    }
    size_t ref_only = 0;
    for (size_t j = 0; j < ref->best.count; j++) { /* points no point of yours matched */
        const bench_result *b = &ref->pts.p[ref->best.idx[j]];
        if (used[j] || b->row->provenance == BENCH_PUBLISHED)
            continue;
        if (ref_only++ < LIST_MAX) {
            char label[256];
            bench_result_label(b->row, label, sizeof label);
            printf("%s %s", ref_only == 1 ? "  only in the reference:" : ",", label);
        }
    }
    if (ref_only)
        printf("%s\n", ref_only > LIST_MAX ? ", ..." : "");
    for (size_t j = 0; j < ref->best.count; j++) { /* published figures: a line each */
        const bench_result *b = &ref->pts.p[ref->best.idx[j]];
        if (used[j] || b->row->provenance != BENCH_PUBLISHED)
            continue;
        const bench_result *a = strcmp(b->row->device, "gpu") == 0 ? fast_gpu : fast_cpu;
        char r1[32];
        printf("  published: %s %ld steps on %s: %s cell updates/s", b->row->variant,
               b->row->timesteps, ref->label, rate_text(b->stat[BENCH_M_RATE].median, r1, sizeof r1));
        if (a)
            printf("; your fastest %s variant (%s) runs at %.3gx that", b->row->device,
                   a->row->variant, a->stat[BENCH_M_RATE].median / b->stat[BENCH_M_RATE].median);
        printf("\n");
    }
    free(m);
    free(used);
    return 1;
}

static double cells_of(const bench_row *r)
{
    return (double)r->nz * (double)r->ny * (double)r->nx * (double)r->timesteps;
}

/* For each of your variants: your figure that the most references share (the largest such
 * grid on a tie), and their bars. */
static void build_chart(chart *c, const side *mine, side *refs, int nrefs, const int *cidx)
{
    for (size_t i = 0; i < mine->best.count; i++) {
        const bench_result *a = &mine->pts.p[mine->best.idx[i]];
        int seen = 0;
        for (size_t k = 0; k < i; k++)
            if (strcmp(mine->pts.p[mine->best.idx[k]].row->variant, a->row->variant) == 0)
                seen = 1;
        if (seen)
            continue;
        const bench_result *pick = NULL;
        int pick_refs = -1;
        for (size_t k = i; k < mine->best.count; k++) { /* this variant's figures */
            const bench_result *q = &mine->pts.p[mine->best.idx[k]];
            if (strcmp(q->row->variant, a->row->variant) != 0)
                continue;
            int nr = 0;
            for (int r = 0; r < nrefs; r++)
                for (size_t j = 0; j < refs[r].best.count; j++) {
                    const bench_row *b = refs[r].pts.p[refs[r].best.idx[j]].row;
                    if (strcmp(b->variant, q->row->variant) == 0 && b->nz == q->row->nz &&
                        b->ny == q->row->ny && b->nx == q->row->nx &&
                        b->timesteps == q->row->timesteps && strcmp(b->scheme, q->row->scheme) == 0)
                        nr++;
                }
            if (nr > pick_refs || (nr == pick_refs && cells_of(q->row) > cells_of(pick->row))) {
                pick = q;
                pick_refs = nr;
            }
        }
        double rate[MAX_REFS + 1];
        plot_style style[MAX_REFS + 1];
        int machine[MAX_REFS + 1];
        size_t n = 0;
        rate[n] = pick->stat[BENCH_M_RATE].median;
        style[n] = PLOT_MEASURED;
        machine[n++] = 0;
        for (int r = 0; r < nrefs; r++)
            for (size_t j = 0; j < refs[r].best.count; j++) {
                const bench_result *b = &refs[r].pts.p[refs[r].best.idx[j]];
                if (strcmp(b->row->variant, pick->row->variant) == 0 && b->row->nz == pick->row->nz &&
                    b->row->ny == pick->row->ny && b->row->nx == pick->row->nx &&
                    b->row->timesteps == pick->row->timesteps &&
                    strcmp(b->row->scheme, pick->row->scheme) == 0) {
                    rate[n] = b->stat[BENCH_M_RATE].median;
                    style[n] = style_of(b->row->provenance);
                    machine[n++] = cidx[r];
                    break;
                }
            }
        char label[160];
        snprintf(label, sizeof label, "%s %ldx%ldx%ld x%ld", pick->row->variant, pick->row->nz,
                 pick->row->ny, pick->row->nx, pick->row->timesteps);
        chart_group(c, label, rate, style, machine, n);
    }
    /* published figures (the course's models): one group per variant, most steps per machine */
    char done[16][64];
    size_t ndone = 0;
    for (int r = 0; r < nrefs; r++)
        for (size_t j = 0; j < refs[r].best.count; j++) {
            const bench_row *b = refs[r].pts.p[refs[r].best.idx[j]].row;
            int seen = 0;
            for (size_t d = 0; d < ndone; d++)
                seen |= strcmp(done[d], b->variant) == 0;
            if (b->provenance != BENCH_PUBLISHED || seen || ndone == 16)
                continue;
            snprintf(done[ndone++], sizeof done[0], "%s", b->variant);
            double rate[MAX_REFS];
            plot_style style[MAX_REFS];
            int machine[MAX_REFS];
            size_t n = 0;
            for (int s = 0; s < nrefs; s++) {
                const bench_result *best = NULL;
                for (size_t k = 0; k < refs[s].best.count; k++) {
                    const bench_result *q = &refs[s].pts.p[refs[s].best.idx[k]];
                    if (q->row->provenance == BENCH_PUBLISHED && strcmp(q->row->variant, b->variant) == 0 &&
                        (!best || q->row->timesteps > best->row->timesteps))
                        best = q;
                }
                if (best) {
                    rate[n] = best->stat[BENCH_M_RATE].median;
                    style[n] = PLOT_PUBLISHED;
                    machine[n++] = cidx[s];
                }
            }
            char label[160];
            snprintf(label, sizeof label, "%s (published)", b->variant);
            chart_group(c, label, rate, style, machine, n);
        }
}

static int run_reference(const char *run_path, const char *ref_path, const char *chart_path,
                         int no_chart, int allow_nearest)
{
    side mine;
    stencil_error err = {{0}};
    if (side_load(run_path, &mine, 0, &err) != STENCIL_OK) {
        fprintf(stderr, "stencilbench compare: %s\n", err.msg);
        side_free(&mine);
        return BENCH_EXIT_USAGE;
    }
    char *paths[MAX_REFS];
    int nrefs = list_references(ref_path, paths, MAX_REFS);
    if (nrefs <= 0) {
        fprintf(stderr,
                "stencilbench compare: %s: no timings.csv there nor in its subfolders (want a "
                "reference folder such as results/reference/a40, a run, or results/reference)\n",
                ref_path);
        side_free(&mine);
        return BENCH_EXIT_USAGE;
    }
    side *refs = calloc((size_t)nrefs, sizeof *refs);
    chart *c = calloc(1, sizeof *c);
    int status = BENCH_EXIT_OK, loaded = 0;
    if (!refs || !c) {
        fprintf(stderr, "stencilbench compare: out of memory\n");
        status = BENCH_EXIT_FAILED;
        goto done;
    }
    for (int r = 0; r < nrefs; r++, loaded++)
        if (side_load(paths[r], &refs[r], nrefs > 1, &err) != STENCIL_OK) {
            fprintf(stderr, "stencilbench compare: reference %s\n", err.msg);
            status = BENCH_EXIT_USAGE;
            loaded++;
            goto done;
        }
    printf("your run: %s (%s), %zu points\n", run_path, mine.label, mine.best.count);
    printf("rates are median cell updates per second; roof = fraction of the copy bandwidth "
           "measured on that machine (projected: its published bandwidth)\n");
    for (int r = 0; r < nrefs; r++)
        if (refs[r].t.count == 0)
            printf("\n== %s: no rows yet (see its README.md) ==\n", refs[r].name);
        else if (!compare_one(&mine, &refs[r], allow_nearest, &err)) {
            fprintf(stderr, "stencilbench compare: %s\n", err.msg);
            status = BENCH_EXIT_FAILED;
            goto done;
        }
    if (!no_chart) {
        char dir[1200], name[256] = "compare";
        if (chart_path) { /* DIR/NAME[.png]: both NAME.png and NAME.svg are written */
            snprintf(dir, sizeof dir, "%s", chart_path);
            char *slash = strrchr(dir, '/');
            snprintf(name, sizeof name, "%.200s", slash ? slash + 1 : dir);
            if (slash)
                *slash = '\0';
            else
                snprintf(dir, sizeof dir, ".");
            char *dot = strrchr(name, '.');
            if (dot && (strcmp(dot, ".png") == 0 || strcmp(dot, ".svg") == 0))
                *dot = '\0';
        } else if (is_dir(run_path)) {
            snprintf(dir, sizeof dir, "%.1190s/plots", run_path);
        } else {
            goto done; /* a bare timings.csv: no folder to put a chart in unless asked */
        }
        const char *names[MAX_REFS + 1];
        int cidx[MAX_REFS], nnames = 1;
        char mine_name[160];
        snprintf(mine_name, sizeof mine_name, "yours:%s", mine.label);
        names[0] = mine_name;
        for (int r = 0; r < nrefs; r++) { /* a colour per reference that has rows */
            cidx[r] = refs[r].t.count ? nnames : 0;
            if (refs[r].t.count)
                names[nnames++] = refs[r].label;
        }
        build_chart(c, &mine, refs, nrefs, cidx);
        if (plot_compare_chart(dir, name, "cell updates per second: your run against the references",
                               c->bars, c->nbars, c->tics, c->ntics, names, (size_t)nnames,
                               &err) != STENCIL_OK) {
            fprintf(stderr, "stencilbench compare: chart: %s (or --no-chart)\n", err.msg);
            status = BENCH_EXIT_FAILED;
        } else {
            printf("\nchart: %s/%s.png (and .svg)\n", dir, name);
        }
    }
done:
    for (int r = 0; r < loaded; r++)
        side_free(&refs[r]);
    for (int r = 0; r < nrefs; r++)
        free(paths[r]);
    free(refs);
    free(c);
    side_free(&mine);
    return status;
}

int bench_cmd_compare(int argc, char **argv)
{
    static const struct option opts[] = {
        {"gate", no_argument, 0, 'g'},          {"threshold", required_argument, 0, 't'},
        {"alpha", required_argument, 0, 'a'},   {"project", required_argument, 0, 'p'},
        {"sources", required_argument, 0, 's'}, {"cpu-from", required_argument, 0, 'c'},
        {"gpu-from", required_argument, 0, 'G'}, {"chart", required_argument, 0, 'C'},
        {"no-chart", no_argument, 0, 'n'},      {"exact", no_argument, 0, 'e'},
        {"help", no_argument, 0, 'h'},          {0, 0, 0, 0}};
    int gate = 0, no_chart = 0, exact = 0, ch;
    double threshold = 5.0, alpha = 0.05;
    bench_project_options po = {0};
    const char *chart_path = NULL;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        int ok = 1;
        switch (ch) {
        case 'g': gate = 1; break;
        case 't': ok = bench_cli_double("--threshold", optarg, 0.0, 100.0, &threshold); break;
        case 'a': ok = bench_cli_double("--alpha", optarg, 1e-9, 0.5, &alpha); break;
        case 'p': po.reference_root = optarg; break;
        case 's': po.sources = optarg; break;
        case 'c': po.cpu_from = optarg; break;
        case 'G': po.gpu_from = optarg; break;
        case 'C': chart_path = optarg; break;
        case 'n': no_chart = 1; break;
        case 'e': exact = 1; break;
        case 'h': compare_usage(stdout); return BENCH_EXIT_OK;
        default: ok = 0; break;
        }
        if (!ok) {
            fprintf(stderr, "(stencilbench compare --help lists the options)\n");
            return BENCH_EXIT_USAGE;
        }
    }
    int npos = argc - optind;
    if (po.reference_root) {
        if (npos != 0 || gate) {
            fprintf(stderr, "stencilbench compare --project ROOT takes no other argument\n");
            return BENCH_EXIT_USAGE;
        }
        stencil_error err = {{0}};
        if (bench_project_references(&po, stdout, &err) != STENCIL_OK) {
            fprintf(stderr, "stencilbench compare --project: %s\n", err.msg);
            return BENCH_EXIT_USAGE;
        }
        return BENCH_EXIT_OK;
    }
    if (npos != 2) {
        fprintf(stderr, "stencilbench compare: want two arguments (RUN REFERENCE, or BASE NEW "
                        "--gate), got %d; see stencilbench compare --help\n", npos);
        return BENCH_EXIT_USAGE;
    }
    if (gate) {
        bench_gate_options go = {threshold / 100.0, alpha};
        return run_gate(argv[optind], argv[optind + 1], &go);
    }
    return run_reference(argv[optind], argv[optind + 1], chart_path, no_chart, !exact);
}
