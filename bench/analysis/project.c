#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analysis/compare.h"
#include "analysis/project.h"
#include "analysis/project_internal.h"

enum { MAX_FOLDERS = 64, MAX_SPEC = 128 };

/* The machines projected, by their name in published_figures.csv. */
typedef struct target {
    const char *folder, *published_name, *label, *device;
} target;

static const target targets[] = {
    {"rtx3070", "NVIDIA GeForce RTX 3070", "RTX-3070", "gpu"},
    {"a40", "NVIDIA A40", "A40", "gpu"},
    {"epyc7552", "AMD EPYC 7552 48-Core", "EPYC-7552", "cpu"},
};

double bench_course_cell_updates(long steps)
{
    return steps > 2 ? (double)(steps - 2) * 48.0 * 220.0 * 241.0 * (double)steps : 0.0;
}

double bench_projected_rate(double bandwidth_gbps, double roofline_fraction)
{
    return bandwidth_gbps * 1e9 / 8.0 * roofline_fraction;
}

typedef struct spec {
    char machine[96], device[8], kind[16], what[96], value[96], unit[32], source[256];
} spec;

static stencil_status read_specs(const char *path, spec *out, size_t *count, stencil_error *err)
{
    FILE *fp = fopen(path, "r");
    if (!fp) {
        snprintf(err->msg, sizeof err->msg, "%.300s: %s (the published figures the projections use)",
                 path, strerror(errno));
        return STENCIL_ERR_IO;
    }
    char *line = NULL, *f[8];
    size_t cap = 0;
    int header = 1;
    *count = 0;
    while (getline(&line, &cap, fp) >= 0 && *count < MAX_SPEC) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        if (header) { /* machine,device,kind,what,value,unit,source */
            header = 0;
            continue;
        }
        if (bench_csv_split(line, f, 8) != 7)
            continue;
        spec *s = &out[(*count)++];
        snprintf(s->machine, sizeof s->machine, "%s", f[0]);
        snprintf(s->device, sizeof s->device, "%s", f[1]);
        snprintf(s->kind, sizeof s->kind, "%s", f[2]);
        snprintf(s->what, sizeof s->what, "%s", f[3]);
        snprintf(s->value, sizeof s->value, "%s", f[4]);
        snprintf(s->unit, sizeof s->unit, "%s", f[5]);
        snprintf(s->source, sizeof s->source, "%s", f[6]);
    }
    free(line);
    fclose(fp);
    if (*count == 0) {
        snprintf(err->msg, sizeof err->msg, "%.300s: no figures found", path);
        return STENCIL_ERR_ARG;
    }
    return STENCIL_OK;
}

static const spec *find_spec(const spec *s, size_t n, const char *machine, const char *what)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s[i].machine, machine) == 0 && strcmp(s[i].kind, "spec") == 0 &&
            strncmp(s[i].what, what, strlen(what)) == 0)
            return &s[i];
    return NULL;
}


typedef struct measured {
    char name[256];
    bench_timings t;   /* measured rows only */
    bench_results pts;
    bench_best best;
    size_t cpu_rows, gpu_rows;
    long cpu_max_threads;
} measured;

static int cmp_name(const void *a, const void *b)
{
    return strcmp(((const measured *)a)->name, ((const measured *)b)->name);
}

/* Reads every folder under root whose timings.csv has measured rows. */
static stencil_status load_measured(const char *root, measured *m, size_t *count, stencil_error *err)
{
    DIR *d = opendir(root);
    if (!d) {
        snprintf(err->msg, sizeof err->msg, "%.300s: %s (want the results/reference folder)", root,
                 strerror(errno));
        return STENCIL_ERR_IO;
    }
    struct dirent *e;
    *count = 0;
    stencil_status st = STENCIL_OK;
    while ((e = readdir(d)) && *count < MAX_FOLDERS) {
        char path[1400];
        struct stat sb;
        if (e->d_name[0] == '.' || strcmp(e->d_name, "sources") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s/timings.csv", root, e->d_name);
        if (stat(path, &sb) != 0)
            continue;
        bench_timings all = {0};
        st = bench_timings_read(path, BENCH_READ_BY_NAME, &all, err);
        if (st != STENCIL_OK) {
            bench_timings_free(&all);
            break;
        }
        measured *mm = &m[*count];
        memset(mm, 0, sizeof *mm);
        snprintf(mm->name, sizeof mm->name, "%s", e->d_name);
        mm->t = all; /* keep measured rows only, in place */
        size_t kept = 0;
        for (size_t i = 0; i < all.count; i++)
            if (all.rows[i].provenance == BENCH_MEASURED)
                mm->t.rows[kept++] = all.rows[i];
        mm->t.count = kept;
        if (kept == 0) {
            bench_timings_free(&mm->t);
            continue;
        }
        for (size_t i = 0; i < kept; i++) {
            const bench_row *r = &mm->t.rows[i];
            if (!bench_row_ok(r))
                continue;
            if (strcmp(r->device, "gpu") == 0) {
                mm->gpu_rows++;
            } else {
                mm->cpu_rows++;
                if (r->threads > mm->cpu_max_threads)
                    mm->cpu_max_threads = r->threads;
            }
        }
        (*count)++;
    }
    closedir(d);
    if (st != STENCIL_OK)
        return st;
    qsort(m, *count, sizeof *m, cmp_name);
    for (size_t i = 0; i < *count; i++) {
        if ((st = bench_results_build(m[i].t.rows, m[i].t.count, &m[i].pts, err)) != STENCIL_OK ||
            (st = bench_points_best(&m[i].pts, &m[i].best, err)) != STENCIL_OK)
            return st;
    }
    return STENCIL_OK;
}

static const measured *choose(const measured *m, size_t n, const char *device, const char *name,
                              stencil_error *err, int *bad)
{
    const measured *best = NULL;
    *bad = 0;
    for (size_t i = 0; i < n; i++) {
        if (name) {
            if (strcmp(m[i].name, name) == 0)
                return &m[i];
            continue;
        }
        if (strcmp(device, "gpu") == 0) {
            if (m[i].gpu_rows && (!best || m[i].gpu_rows > best->gpu_rows))
                best = &m[i];
        } else if (m[i].cpu_rows && (!best || m[i].cpu_max_threads > best->cpu_max_threads)) {
            best = &m[i];
        }
    }
    if (name) {
        snprintf(err->msg, sizeof err->msg, "--%s-from %s: no measured reference folder of that name",
                 device, name);
        *bad = 1;
    }
    return best;
}

static int folder_has_measured(const measured *m, size_t n, const char *folder)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(m[i].name, folder) == 0)
            return 1;
    return 0;
}



static stencil_status write_target(const char *root, const target *tg, const spec *specs,
                                   size_t nspec, const measured *from, FILE *log, stencil_error *err)
{
    const spec *bw = find_spec(specs, nspec, tg->published_name, "memory bandwidth");
    if (!bw || strcmp(bw->unit, "GB/s") != 0) {
        snprintf(err->msg, sizeof err->msg,
                 "published_figures.csv has no 'memory bandwidth' in GB/s for %s", tg->published_name);
        return STENCIL_ERR_ARG;
    }
    double bandwidth = strtod(bw->value, NULL);
    long cores = 1;
    const spec *cs = find_spec(specs, nspec, tg->published_name, "cores / L3");
    if (cs && strcmp(tg->device, "cpu") == 0)
        cores = strtol(cs->value, NULL, 10);
    /* the last-level cache in MB: "48 cores / 192 MB", "84 SM / 37.4 TFLOP/s / 48 GB / 6 MB" */
    const spec *ls = strcmp(tg->device, "cpu") == 0 ? cs : find_spec(specs, nspec, tg->published_name, "SMs");
    const char *last = ls ? strrchr(ls->value, '/') : NULL;
    double cache_mb = last && strstr(last, "MB") ? strtod(last + 1, NULL) : 0.0;
    FILE *out = project_open_out(root, tg->folder, "timings.csv", err);
    if (!out)
        return STENCIL_ERR_IO;
    bench_csv_header_write(out, BENCH_CSV_SCHEMA_VERSION);
    size_t projected = 0, skipped = 0, published = 0;
    for (size_t b = 0; from && b < from->best.count; b++) {
        const bench_result *p = &from->pts.p[from->best.idx[b]];
        const bench_row *m = p->row;
        if (strcmp(m->device, tg->device) != 0)
            continue;
        if (strcmp(tg->device, "cpu") == 0 && m->threads != from->cpu_max_threads) {
            skipped++;
            continue;
        }
        if (!(p->stat[BENCH_M_ROOF].median > 0.0)) {
            skipped++;
            continue;
        }
        double cells = bench_cell_updates((size_t)m->nz, (size_t)m->ny, (size_t)m->nx, 1);
        double ws_mb = 8.0 * (double)m->nz * (double)m->ny * (double)m->nx / 1048576.0;
        double rate, roof;
        char src[900], note[160] = "";
        bench_gpu_fit fit;
        if (strcmp(tg->device, "gpu") == 0 && bench_gpu_fit_for(&from->pts, &from->best, m, &fit)) {
            double step = bench_gpu_step_s(&fit, cells, bandwidth);
            rate = cells / step;
            roof = rate * 8.0 / (bandwidth * 1e9);
            if (cache_mb > 0.0 && ws_mb <= cache_mb)
                snprintf(note, sizeof note, "; its two fields (%.3g MB) fit the target's %g MB L2: the "
                         "DRAM term overstates the time (a lower bound on the rate)", ws_mb, cache_mb);
            snprintf(src, sizeof src,
                     "projected: step = floor %.3g us + 8 B x %.4g cells / (%g GB/s x e %.3f) = %.3g us; "
                     "rate = cells / step. floor: %s %ldx%ldx%ld x%ld on %s (%.3g us/step less its "
                     "DRAM time); e: roofline_fraction at %ldx%ldx%ld; %g GB/s: %.60s%s",
                     fit.floor_s * 1e6, cells, bandwidth, fit.efficiency, step * 1e6, m->variant,
                     fit.small->row->nz, fit.small->row->ny, fit.small->row->nx, m->timesteps,
                     from->name, fit.small_step_s * 1e6, fit.large->row->nz, fit.large->row->ny,
                     fit.large->row->nx, bandwidth, bw->source, note);
        } else {
            roof = p->stat[BENCH_M_ROOF].median;
            rate = bench_projected_rate(bandwidth, roof);
            if (cache_mb > 0.0)
                snprintf(note, sizeof note, "; its two fields (%.3g MB) %s the target's %g MB L3",
                         ws_mb, ws_mb <= cache_mb ? "fit in" : "exceed", cache_mb);
            snprintf(src, sizeof src,
                     "projected: rate = %g GB/s (%s: %.120s) / 8 B per cell update x roofline_fraction "
                     "%.4f (median of %s %ldx%ldx%ld x%ld steps %ld threads on measured reference %s)%s",
                     bandwidth, tg->published_name, bw->source, roof, m->variant, m->nz, m->ny, m->nx,
                     m->timesteps, m->threads, from->name, note);
        }
        char run_id[300];
        snprintf(run_id, sizeof run_id, "projected-from-%s", from->name);
        out_row r = {run_id, "projected", tg->label, m->variant, m->device, m->scheme,
                     m->grid_source, m->tuning, m->host_memory, src, m->k, m->land_fraction,
                     cells * (double)m->timesteps / rate, rate, bandwidth, roof, m->nz, m->ny, m->nx,
                     strcmp(m->device, "cpu") == 0 && m->threads > 1 ? cores : m->threads,
                     m->timesteps};
        project_write_row(out, &r);
        projected++;
    }
    for (size_t i = 0; i < nspec; i++) { /* the course's published timings on this machine */
        char variant[48];
        long steps;
        if (strcmp(specs[i].machine, tg->published_name) != 0 || strcmp(specs[i].kind, "measured") != 0 ||
            strcmp(specs[i].unit, "s") != 0 ||
            !project_parse_course_what(specs[i].what, variant, sizeof variant, &steps))
            continue;
        project_course_row(out, tg->label, variant, specs[i].device, steps, strtod(specs[i].value, NULL),
                   specs[i].source);
        published++;
    }
    if ((ferror(out) | fclose(out)) != 0) {
        snprintf(err->msg, sizeof err->msg, "%s/%s/timings.csv: write failed", root, tg->folder);
        return STENCIL_ERR_IO;
    }
    FILE *rd = project_open_out(root, tg->folder, "README.md", err);
    if (!rd)
        return STENCIL_ERR_IO;
    int gpu = strcmp(tg->device, "gpu") == 0;
    fprintf(rd, "# %s (projected%s)\n\nNobody here has run stencilbench on the %s. Its rows are estimates:\n\n",
            tg->label, published ? " and published" : "", tg->published_name);
    if (gpu)
        fprintf(rd,
                "    step_s = floor + 8 B x cells / (B x e);   cell_updates_per_s = cells / step_s\n\n"
                "- cells: the grid's interior cells, one step; 8 B per cell update (read T once, write T'\n"
                "  once, float32);\n"
                "- B = %g GB/s, its published memory bandwidth (%s; `sources/published_figures.csv`);\n"
                "- floor: the per-step time the measured reference `%s` took for the same variant and\n"
                "  steps at its smallest grid, less that grid's own DRAM time: the launch and latency\n"
                "  floor, which does not shrink with bandwidth (a bandwidth ratio must not scale it);\n"
                "- e: the median roofline_fraction (effective GB/s over the copy bandwidth measured in\n"
                "  the same process) that variant reached there at its largest grid, out of every cache.\n\n"
                "Small grids come out launch-bound (close to the reference's own rate), large ones at\n"
                "B x e / 8 B. Where a grid's two fields fit this GPU's L2 the row's `source` says so: the\n"
                "DRAM term then overstates the time, and the rate is a lower bound. `copy_gbps` holds B,\n"
                "`roofline_fraction` the rate's fraction of B; each row's `source` writes the formula out\n"
                "with its numbers.%s\n",
                bandwidth, bw->source, from ? from->name : "(none: no measured reference yet)",
                strcmp(tg->folder, "rtx3070") == 0
                    ? " Grids larger than its 8 GB are listed all the same; they would not fit." : "");
    else
        fprintf(rd,
                "    cell_updates_per_s = B / 8 B x f\n\n"
                "- B = %g GB/s, its published memory bandwidth (%s; `sources/published_figures.csv`);\n"
                "- 8 B per cell update: read T once, write T' once (float32);\n"
                "- f = the median roofline_fraction (effective GB/s over the copy bandwidth measured in\n"
                "  the same process) that the same variant, grid and timesteps reached on the measured\n"
                "  reference `%s`, at its full thread count (projected rows carry this machine's core\n"
                "  count; single-threaded variants are not projected: one core's share of a socket does\n"
                "  not transfer between machines).\n\n"
                "`copy_gbps` holds B, `roofline_fraction` holds f; each row's `source` writes the formula\n"
                "out with its numbers, and whether the grid's two fields fit this CPU's L3 (then the rate\n"
                "rides on the cache as it did on the reference, and transfers only as far as the caches\n"
                "are alike).\n",
                bandwidth, bw->source, from ? from->name : "(none: no measured reference yet)");
    fprintf(rd, "A datasheet bandwidth is a peak that copies rarely reach (typically 85-95 %%), so these\n"
                "rates lean optimistic.\n\n");
    if (published)
        fprintf(rd,
                "The `course_*` rows are published: the course's Python timings on this machine\n"
                "(`provenance=published`), converted to cell updates per second for the course's 4-D\n"
                "model: rate = (steps-2)*48*220*241*steps / seconds.\n\n");
    fprintf(rd,
            "Generated by `stencilbench compare --project results/reference` from the measured\n"
            "folders; do not edit by hand. To replace the projection with a measurement, run the\n"
            "default study on the %s and commit its run folder's timings.csv and machine.json here\n"
            "(see ../README.md): a folder with measured rows is never overwritten.\n",
            tg->published_name);
    fclose(rd);
    fprintf(log, "  %s: %zu projected rows from %s, %zu published rows%s\n", tg->folder, projected,
            from ? from->name : "(no measured reference)", published,
            skipped ? " (points below the full thread count not projected)" : "");
    return STENCIL_OK;
}

stencil_status bench_project_references(const bench_project_options *opt, FILE *log,
                                        stencil_error *err)
{
    char sources[1100], path[1400];
    snprintf(sources, sizeof sources, "%s", opt->sources ? opt->sources : "");
    if (!opt->sources)
        snprintf(sources, sizeof sources, "%s/sources", opt->reference_root);
    spec *specs = calloc(MAX_SPEC, sizeof *specs);
    measured *m = calloc(MAX_FOLDERS, sizeof *m);
    size_t nspec = 0, nm = 0;
    stencil_status st = STENCIL_OK;
    if (!specs || !m) {
        snprintf(err->msg, sizeof err->msg, "out of memory");
        st = STENCIL_ERR_NOMEM;
        goto done;
    }
    snprintf(path, sizeof path, "%s/published_figures.csv", sources);
    if ((st = read_specs(path, specs, &nspec, err)) != STENCIL_OK ||
        (st = load_measured(opt->reference_root, m, &nm, err)) != STENCIL_OK)
        goto done;
    int bad;
    const measured *gpu = choose(m, nm, "gpu", opt->gpu_from, err, &bad);
    if (bad) {
        st = STENCIL_ERR_ARG;
        goto done;
    }
    const measured *cpu = choose(m, nm, "cpu", opt->cpu_from, err, &bad);
    if (bad) {
        st = STENCIL_ERR_ARG;
        goto done;
    }
    fprintf(log, "stencilbench compare --project: measured references: GPU from %s, CPU from %s\n",
            gpu ? gpu->name : "(none)", cpu ? cpu->name : "(none)");
    for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++) {
        if (folder_has_measured(m, nm, targets[i].folder)) {
            fprintf(log, "  %s: holds measured rows (a contributed run); left alone\n", targets[i].folder);
            continue;
        }
        st = write_target(opt->reference_root, &targets[i], specs, nspec,
                          strcmp(targets[i].device, "gpu") == 0 ? gpu : cpu, log, err);
        if (st != STENCIL_OK)
            goto done;
    }
    if (!folder_has_measured(m, nm, project_course_folder))
        st = project_write_course_h100nvl(opt->reference_root, sources, log, err);
done:
    for (size_t i = 0; m && i < nm; i++) {
        bench_best_free(&m[i].best);
        bench_results_free(&m[i].pts);
        bench_timings_free(&m[i].t);
    }
    free(m);
    free(specs);
    return st;
}
