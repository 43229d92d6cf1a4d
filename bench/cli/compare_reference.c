#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/compare.h"

#include "plot_compare.h"

enum { MAX_REFS = 32, MAX_BARS = 512, MAX_TICS = 64, LIST_MAX = 12 };

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

static int compare_one(const compare_side *mine, const compare_side *ref, int allow_nearest, stencil_error *err)
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
               compare_rate_text(a->stat[BENCH_M_RATE].median, r1, sizeof r1), compare_rate_text(b->stat[BENCH_M_RATE].median, r2, sizeof r2),
               a->stat[BENCH_M_RATE].median / b->stat[BENCH_M_RATE].median, f1, f2,
               m[i].kind == BENCH_MATCH_EXACT ? "exact" : "NEAREST", bench_provenance_name(b->row->provenance));
        verdict_words(a, b, ref->label, m[i].kind);
        matched++;
    }
    if (matched == 0)
        compare_across(mine, ref);
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
               b->row->timesteps, ref->label, compare_rate_text(b->stat[BENCH_M_RATE].median, r1, sizeof r1));
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
static void build_chart(chart *c, const compare_side *mine, compare_side *refs, int nrefs, const int *cidx)
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

/* The chart folder and name: DIR/NAME[.png] from --chart, else RUN/plots/<deflt>; 0 when a
 * bare timings.csv was given and no --chart (no folder to put a chart in). */
static int chart_place(const char *chart_path, const char *base, const char *deflt, char *dir,
                       size_t dcap, char *name, size_t ncap)
{
    snprintf(name, ncap, "%s", deflt);
    if (chart_path) { /* DIR/NAME[.png]: both NAME.png and NAME.svg are written */
        snprintf(dir, dcap, "%s", chart_path);
        char *slash = strrchr(dir, '/');
        snprintf(name, ncap, "%.200s", slash ? slash + 1 : dir);
        if (slash)
            *slash = '\0';
        else
            snprintf(dir, dcap, ".");
        char *dot = strrchr(name, '.');
        if (dot && (strcmp(dot, ".png") == 0 || strcmp(dot, ".svg") == 0))
            *dot = '\0';
        return 1;
    }
    if (!is_dir(base))
        return 0;
    snprintf(dir, dcap, "%.1190s/plots", base);
    return 1;
}

int bench_compare_reference(const char *run_path, const char *ref_path, const char *chart_path,
                            int no_chart, int allow_nearest, int detail)
{
    compare_side mine;
    stencil_error err = {{0}};
    memset(&mine, 0, sizeof mine);
    if (run_path && compare_side_load(run_path, &mine, 0, &err) != STENCIL_OK) {
        fprintf(stderr, "stencilbench compare: %s\n", err.msg);
        compare_side_free(&mine);
        return BENCH_EXIT_USAGE;
    }
    char *paths[MAX_REFS];
    int nrefs = list_references(ref_path, paths, MAX_REFS);
    if (nrefs <= 0) {
        fprintf(stderr,
                "stencilbench compare: %s: no timings.csv there nor in its subfolders (want a "
                "reference folder such as results/reference/a40, a run, or results/reference)\n",
                ref_path);
        compare_side_free(&mine);
        return BENCH_EXIT_USAGE;
    }
    compare_side *refs = calloc((size_t)nrefs, sizeof *refs);
    chart *c = calloc(1, sizeof *c);
    int status = BENCH_EXIT_OK, loaded = 0;
    if (!refs || !c) {
        fprintf(stderr, "stencilbench compare: out of memory\n");
        status = BENCH_EXIT_FAILED;
        goto done;
    }
    for (int r = 0; r < nrefs; r++, loaded++)
        if (compare_side_load(paths[r], &refs[r], nrefs > 1, &err) != STENCIL_OK) {
            fprintf(stderr, "stencilbench compare: reference %s\n", err.msg);
            status = BENCH_EXIT_USAGE;
            loaded++;
            goto done;
        }
    if (run_path) {
        printf("your run: %s (%s), %zu points\n", run_path, mine.label, mine.best.count);
        compare_busy_note(&mine, "your run");
        compare_noise_note(&mine, "your run");
    } else {
        printf("the references in %s\n", ref_path);
    }
    for (int r = 0; r < nrefs; r++)
        if (refs[r].t.count == 0)
            printf("%s: no rows yet (see its README.md)\n", refs[r].name);
    char dir[1200], name[256];
    int charts = !no_chart && chart_place(chart_path, run_path ? run_path : ref_path, "machines",
                                          dir, sizeof dir, name, sizeof name);
    if (run_path && charts && chart_path) /* --chart names the comparison chart */
        snprintf(name, sizeof name, "machines");
    if (!compare_machines(run_path ? &mine : NULL, refs, nrefs, charts ? dir : NULL, name, &err)) {
        fprintf(stderr, "stencilbench compare: machines chart: %s (or --no-chart)\n", err.msg);
        status = BENCH_EXIT_FAILED;
    }
    if (!run_path)
        goto done;
    if (!detail && nrefs > 1) {
        printf("\nper variant and grid against each machine: add --detail\n");
    } else {
        printf("\nrates are median cell updates per second; roof = fraction of the copy bandwidth "
               "measured on that machine (projected: its published bandwidth)\n");
        for (int r = 0; r < nrefs; r++)
            if (refs[r].t.count && !compare_one(&mine, &refs[r], allow_nearest, &err)) {
                fprintf(stderr, "stencilbench compare: %s\n", err.msg);
                status = BENCH_EXIT_FAILED;
                goto done;
            }
    }
    if (charts && chart_place(chart_path, run_path, "compare", dir, sizeof dir, name, sizeof name)) {
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
        compare_side_free(&refs[r]);
    for (int r = 0; r < nrefs; r++)
        free(paths[r]);
    free(refs);
    free(c);
    compare_side_free(&mine);
    return status;
}
