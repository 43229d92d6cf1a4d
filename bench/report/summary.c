#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/noise.h"
#include "analysis/points.h"
#include "harness/sysstate.h"
#include "report/report.h"

static int same_grid_steps(const bench_row *a, const bench_row *b)
{
    return a->nz == b->nz && a->ny == b->ny && a->nx == b->nx &&
           strcmp(a->grid_source, b->grid_source) == 0 && a->timesteps == b->timesteps;
}

void bench_summary_print(FILE *f, const bench_row *rows, size_t count, int cols)
{
    int compact = cols > 0 && cols < BENCH_SUMMARY_WIDE;
    bench_results all;
    stencil_error err;
    if (bench_results_build(rows, count, &all, &err) != STENCIL_OK) {
        fprintf(f, "(no memory for the summary)\n");
        return;
    }
    /* the points with an ok repetition */
    const bench_result **pts = malloc((all.count ? all.count : 1) * sizeof *pts);
    size_t np = 0;
    for (size_t i = 0; pts && i < all.count; i++)
        if (all.p[i].n)
            pts[np++] = &all.p[i];
    fprintf(f, "\nSummary (medians over repetitions; best point per variant)\n");
    if (compact)
        fprintf(f, "%-14s %9s %5s %-22s %8s %s\n", "variant", "Gcell/s", "copy", "at grid/steps/threads",
                "vs naive", "scaling@threads");
    else
        fprintf(f, "%-14s %10s %9s %-22s %9s %9s %10s %s\n", "variant", "Gcell/s", "of copy",
                "at grid/steps/threads", "memory", "vs naive", "scaling", "(efficiency at threads)");
    for (size_t i = 0; i < np; i++) {
        int first = 1;
        for (size_t j = 0; j < i && first; j++)
            first = strcmp(pts[j]->row->variant, pts[i]->row->variant) != 0;
        if (!first)
            continue;
        const bench_result *best = pts[i];
        for (size_t j = i; j < np; j++)
            if (strcmp(pts[j]->row->variant, best->row->variant) == 0 && 
                bench_result_rate(pts[j]) > bench_result_rate(best))
                best = pts[j];
        const bench_row *b = best->row;
        /* naive on the same grid and steps (its best thread count and tuning) */
        double naive = -1.0;
        for (size_t j = 0; j < np; j++)
            if (strcmp(pts[j]->row->variant, "naive") == 0 && same_grid_steps(pts[j]->row, b) &&
                bench_result_rate(pts[j]) > naive)
                naive = bench_result_rate(pts[j]);
        /* strong scaling on the same grid, steps, tuning and host memory */
        double r1 = -1.0, rt = -1.0;
        long tmax = 0;
        for (size_t j = 0; j < np; j++) {
            const bench_row *q = pts[j]->row;
            if (strcmp(q->variant, b->variant) != 0 || !same_grid_steps(q, b) ||
                strcmp(q->tuning, b->tuning) != 0 || strcmp(q->host_memory, b->host_memory) != 0 ||
                q->ranks != b->ranks) /* MPI: thread scaling at the best point's ranks */
                continue;
            if (q->threads == 1)
                r1 = bench_result_rate(pts[j]);
            if (q->threads > tmax) {
                tmax = q->threads;
                rt = bench_result_rate(pts[j]);
            }
        }
        char where[64], speed[16] = "-", scale[16] = "-", at[40] = "";
        int n = snprintf(where, sizeof where, "%ldx%ldx%ld/%ld/%ld", b->nz, b->ny, b->nx, b->timesteps,
                         b->threads);
        if (b->ranks > 1 && n > 0 && (size_t)n < sizeof where) /* MPI: threads x ranks */
            snprintf(where + n, sizeof where - (size_t)n, "x%ldr", b->ranks);
        if (naive > 0)
            snprintf(speed, sizeof speed, "%.2fx", bench_result_rate(best) / naive);
        if (r1 > 0 && tmax > 1) {
            snprintf(scale, sizeof scale, "%.0f%%", 100.0 * rt / ((double)tmax * r1));
            snprintf(at, sizeof at, "(at %ld threads)", tmax);
        }
        char roof[16] = "-";
        if (isfinite(best->stat[BENCH_M_ROOF].median))
            snprintf(roof, sizeof roof, "%.0f%%", 100.0 * best->stat[BENCH_M_ROOF].median);
        if (compact)
            fprintf(f, "%-14s %9.3f %5s %-22s %8s %s%s%.0ld%s\n", b->variant,
                    bench_result_rate(best) / 1e9, roof, where, speed, scale, tmax > 1 && r1 > 0 ? "@" : "",
                    tmax > 1 && r1 > 0 ? tmax : 0L, tmax > 1 && r1 > 0 ? "t" : "");
        else
            fprintf(f, "%-14s %10.3f %9s %-22s %9s %9s %10s %s\n", b->variant,
                    bench_result_rate(best) / 1e9, roof, where, b->host_memory, speed, scale, at);
    }
    if (np == 0)
        fprintf(f, "(no point finished with status ok)\n");
    free(pts);
    bench_results_free(&all);
}

/* 1: the variant does several timesteps per sweep (temporal blocking, a steps_per_sweep knob);
 * 0: one timestep per sweep. */
static int steps_per_sweep(const char *variant)
{
    const stencil_variant *v = stencil_variant_find(variant);
    if (!v || !v->description)
        return 0;
    return strstr(v->description, "temporal blocking") || strstr(v->description, "steps_per_sweep");
}

typedef struct gpu_counts {
    size_t points, throttled, dropped; /* GPU points with readings; of them, flagged */
    long long reasons;                 /* the power/thermal reasons seen */
    bench_gpu_watch worst;             /* the point whose SM clock fell most */
} gpu_counts;

/* The GPU points' readings (v4 rows, in file order within each point) through the watch the
 * run used: points throttled for power or temperature, points whose SM clock fell. */
static void gpu_points(const bench_row *rows, size_t count, const bench_results *all, gpu_counts *g)
{
    memset(g, 0, sizeof *g);
    bench_gpu_watch_reset(&g->worst);
    bench_gpu_watch *w = malloc((all->count ? all->count : 1) * sizeof *w);
    char *seen = calloc(all->count ? all->count : 1, 1);
    for (size_t i = 0; w && seen && i < all->count; i++)
        bench_gpu_watch_reset(&w[i]);
    for (size_t j = 0; w && seen && j < count; j++) {
        size_t i = bench_results_find(all, &rows[j]);
        if (i == (size_t)-1 || strcmp(rows[j].device, "gpu") != 0)
            continue;
        bench_gpu_snap before, after;
        bench_gpu_row_get(&rows[j], &before, &after);
        if (!isfinite(before.sm_mhz) && !isfinite(after.sm_mhz) && before.reasons < 0 &&
            after.reasons < 0)
            continue; /* NVML said nothing */
        if (!seen[i]) {
            seen[i] = 1;
            g->points++;
        }
        bench_gpu_watch_before(&w[i], &before);
        bench_gpu_watch_after(&w[i], &after);
    }
    for (size_t i = 0; w && seen && i < all->count; i++) {
        g->throttled += bench_gpu_watch_throttled(&w[i]);
        g->reasons |= w[i].throttled;
        if (bench_gpu_watch_dropped(&w[i])) {
            g->dropped++;
            if (w[i].drop > g->worst.drop)
                g->worst = w[i];
        }
    }
    free(w);
    free(seen);
}

void bench_summary_notes(FILE *f, const bench_row *rows, size_t count,
                         const bench_summary_context *ctx)
{
    bench_results all;
    stencil_error err;
    if (bench_results_build(rows, count, &all, &err) != STENCIL_OK)
        return;
    double target = ctx && ctx->target_noise > 0 ? ctx->target_noise : BENCH_NOISE_TARGET;
    size_t measured = 0, noisy = 0, busy = 0, shown = 0;
    double worst_other = 0;
    char list[600] = "";
    size_t used = 0;
    for (size_t i = 0; i < all.count; i++) {
        const bench_result *p = &all.p[i];
        if (!p->n)
            continue;
        measured++;
        bench_noise nz;
        bench_noise_of(p->rates, p->n, &nz);
        if (bench_noisy(nz.ci_rel, target)) {
            noisy++;
            if (shown++ < 4 && used < sizeof list) {
                char label[200];
                bench_result_label(p->row, label, sizeof label);
                used += (size_t)snprintf(list + used, sizeof list - used, "%s%s (+-%.0f %%)",
                                         shown > 1 ? "; " : "", label,
                                         isfinite(nz.ci_rel) && nz.ci_rel < 10 ? 100 * nz.ci_rel : 999.0);
            }
        }
    }
    /* other processes' share over each point: its rows' largest (the last row covers the point) */
    double *other = malloc((all.count ? all.count : 1) * 2 * sizeof *other), *steal = other + all.count;
    for (size_t i = 0; other && i < 2 * all.count; i++)
        other[i] = NAN;
    for (size_t j = 0; other && j < count; j++) { /* each row into its point: O(n log n) */
        size_t i = bench_results_find(&all, &rows[j]);
        if (i == (size_t)-1)
            continue;
        if (isfinite(rows[j].other_cpu) && !(rows[j].other_cpu <= other[i]))
            other[i] = rows[j].other_cpu;
        if (isfinite(rows[j].steal) && !(rows[j].steal <= steal[i]))
            steal[i] = rows[j].steal;
    }
    for (size_t i = 0; other && i < all.count; i++) {
        if ((isfinite(other[i]) && other[i] > BENCH_BUSY_OTHER) ||
            (isfinite(steal[i]) && steal[i] > BENCH_BUSY_STEAL))
            busy++;
        if (isfinite(other[i]) && other[i] > worst_other)
            worst_other = other[i];
    }
    free(other);
    gpu_counts gpu;
    gpu_points(rows, count, &all, &gpu);
    int any = noisy || busy || gpu.throttled || gpu.dropped ||
              (ctx && isfinite(ctx->probe_swing) && ctx->probe_swing > 1.2);
    if (any)
        fprintf(f, "\nWarnings:\n");
    if (noisy)
        fprintf(f, "- %zu of %zu points are NOISY (the 95 %% confidence interval of the median wider "
                "than +-%.0f %%; their figures, and any comparison of them, are uncertain): %s%s\n",
                noisy, measured, 100 * target, list, noisy > 4 ? "; ..." : "");
    if (busy)
        fprintf(f, "- other processes took up to %.0f %% of the CPUs during %zu points: those rates "
                "are lower and noisier than this machine can do; rerun on a quiet machine to trust them\n",
                100 * worst_other, busy);
    if (gpu.throttled) {
        char words[160];
        bench_gpu_reasons_text(gpu.reasons, words, sizeof words);
        fprintf(f, "- the GPU was throttled for power or temperature (%s) during %zu of %zu GPU "
                "points: their rates are below what this GPU does at full clock; let it cool, "
                "check its power limit (nvidia-smi -q -d PERFORMANCE) and rerun them\n",
                words, gpu.throttled, gpu.points);
    }
    if (gpu.dropped)
        fprintf(f, "- the GPU's SM clock fell by more than %.0f %% within %zu of %zu GPU points "
                "(at most %.0f %%, %.0f -> %.0f MHz): repetitions after the fall ran slower than "
                "the ones before it\n", 100 * BENCH_GPU_CLOCK_DROP, gpu.dropped, gpu.points,
                100 * gpu.worst.drop, gpu.worst.drop_from, gpu.worst.drop_to);
    if (ctx && isfinite(ctx->probe_swing) && ctx->probe_swing > 1.2)
        fprintf(f, "- the copy probe moved between %.1f and %.1f GB/s during the run (x%.2f): the "
                "machine's bandwidth changed under the study, and the fractions of it with it\n",
                ctx->probe_lo, ctx->probe_hi, ctx->probe_swing);
    /* best point per variant above 100 % of the copy */
    int header = 0;
    for (size_t i = 0; i < all.count; i++) {
        const bench_result *best = NULL;
        int first = 1;
        for (size_t j = 0; j < i && first; j++)
            first = strcmp(all.p[j].row->variant, all.p[i].row->variant) != 0;
        if (!first)
            continue;
        for (size_t j = i; j < all.count; j++)
            if (all.p[j].n && strcmp(all.p[j].row->variant, all.p[i].row->variant) == 0 &&
                (!best || bench_result_rate(&all.p[j]) > bench_result_rate(best)))
                best = &all.p[j];
        if (!best || !(best->stat[BENCH_M_ROOF].median > 1.0))
            continue;
        const bench_row *b = best->row;
        double mib = 2.0 * (double)b->nz * (double)b->ny * (double)b->nx * 4.0 / 1048576.0;
        if (!header++)
            fprintf(f, "\nAbove 100 %% of the copy bandwidth (the fraction counts 8 B per cell update "
                    "against a copy measured far out of cache):\n");
        fprintf(f, "- %s at %ldx%ldx%ld: %.0f %%: its two fields take %.1f MiB, which %s; the copy "
                "probe's arrays are out of cache", b->variant, b->nz, b->ny, b->nx,
                100 * best->stat[BENCH_M_ROOF].median, mib,
                mib <= 64 ? "may fit in this machine's caches (then the grid is read from cache, "
                            "not memory)" : "is larger than most caches");
        if (steps_per_sweep(b->variant))
            fprintf(f, "; and %s does several timesteps per sweep over memory (temporal blocking, "
                    "tuning %s), so it moves a fraction of the bytes the model counts", b->variant,
                    b->tuning);
        fprintf(f, "\n");
    }
    bench_results_free(&all);
}

char *bench_summary_warnings(const char *run_dir, const bench_summary_context *ctx)
{
    bench_timings t = {0};
    stencil_error err;
    char *text = NULL;
    size_t len = 0;
    if (bench_timings_read(run_dir, BENCH_READ_BY_NAME, &t, &err) == STENCIL_OK) {
        FILE *f = open_memstream(&text, &len);
        if (f) {
            bench_summary_notes(f, t.rows, t.count, ctx);
            fclose(f);
        }
    }
    bench_timings_free(&t);
    static const char head[] = "\nWarnings:\n"; /* the page has its own heading */
    if (text && strncmp(text, head, sizeof head - 1) == 0)
        memmove(text, text + sizeof head - 1, strlen(text + sizeof head - 1) + 1);
    if (text && text[strspn(text, " \n")] == '\0') {
        free(text);
        text = NULL;
    }
    return text;
}
