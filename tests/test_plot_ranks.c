/* stencilbench plot's charts over MPI ranks (issue 14): fixture runs written through the
 * timings library with known medians.
 *
 * Strong: `mpi` on 64^3 and 32^3 at 1, 2 and 4 ranks, and one 16^3 point at 8 ranks (in no
 * series: counted as not drawn); `mpi_cuda` on 64^3 at 2 and 4 ranks only (no 1-rank
 * baseline: said in the title and the key); `naive` at 1 rank (no chart over ranks). The
 * speedups and efficiencies written to the charts' data files are the medians' ratios; every
 * rank count is a labelled tick; the charts over threads and grids hold one rank count.
 * Weak (machine.json's config: scaling = weak): a 32^3 block per rank, the grid growing as
 * stencil_rank_dims splits it (32^3, 64x32x32, 64x64x32); efficiency T(1)/T(N).
 * One rank count: the strong run's folder re-rendered with only its 4-rank rows draws no chart
 * over ranks and leaves none from before.
 *
 * usage: test_plot_ranks              (the checks)
 *        test_plot_ranks --fixtures DIR   (only write the fixture runs DIR/strong and DIR/weak) */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "plot.h"
#include "check.h"
#include "plot_check.h"
#include "timings/timings.h"

/* Three repetitions around a median of t (0.98 t, t, 1.03 t), halo_s h * the same factors. */
static int write_point(FILE *f, int version, const char *variant, int gpu, long nz, long ny, long nx, long ranks,
                       double t, double h)
{
    static const double fac[3] = {1.03, 0.98, 1.0};
    for (int rep = 0; rep < 3; rep++) {
        bench_row r;
        bench_row_init(&r);
        snprintf(r.run_id, sizeof r.run_id, "ranks-fixture");
        snprintf(r.machine, sizeof r.machine, "fixture");
        snprintf(r.variant, sizeof r.variant, "%s", variant);
        snprintf(r.device, sizeof r.device, "%s", gpu ? "gpu" : "cpu");
        snprintf(r.scheme, sizeof r.scheme, "course");
        snprintf(r.grid_source, sizeof r.grid_source, "synthetic");
        snprintf(r.tuning, sizeof r.tuning, "default");
        snprintf(r.host_memory, sizeof r.host_memory, "%s", gpu ? "pinned" : "none");
        snprintf(r.status, sizeof r.status, "ok");
        r.k = 0.1, r.land_fraction = 0.5;
        r.nz = nz, r.ny = ny, r.nx = nx, r.threads = 1, r.timesteps = 10, r.rep = rep;
        r.ranks = ranks;
        r.halo_s = h > 0 ? h * fac[rep] : NAN;
        r.copy_gbps = 20;
        bench_row_set_times(&r, 1e-3, t * fac[rep], 1e-3, 8);
        stencil_error err = {{0}};
        if (bench_csv_write(f, version, &r, &err) != STENCIL_OK) {
            fprintf(stderr, "%s\n", err.msg);
            return 0;
        }
    }
    return 1;
}

static int write_machine(const char *dir, const char *scaling)
{
    char path[4096];
    mkdir(dir, 0777);
    snprintf(path, sizeof path, "%s/machine.json", dir);
    FILE *f = fopen(path, "w");
    return f &&
           fprintf(f, "{\"schema_version\": 1, \"label\": \"ranks fixture\", \"cpu\": {\"model\": \"CPU\", "
                      "\"cores\": 4}, \"gpu\": null, \"config\": {\"ranks\": \"1, 2, 4\", \"scaling\": \"%s\"}}\n",
                   scaling) > 0 &&
           fclose(f) == 0;
}

static FILE *open_timings(const char *dir, int *version)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/timings.csv", dir);
    remove(path);
    FILE *f = NULL;
    stencil_error err = {{0}};
    if (bench_csv_open(path, &f, version, &err) != STENCIL_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return NULL;
    }
    return f;
}

/* mpi: T(1) = 1.0 s, T(2) = 0.55, T(4) = 0.3125 on 64^3 (speedup 1.818182, 3.2); 32^3 an
 * eighth of that, speedup 1.6 and 2.5. mpi_cuda: 0.4 and 0.25 at 2 and 4 ranks (1.6). */
static int write_strong(const char *dir, int only_four)
{
    int v, ok = write_machine(dir, "strong");
    FILE *f = ok ? open_timings(dir, &v) : NULL;
    if (!f)
        return 0;
    static const long r[3] = {1, 2, 4};
    static const double t64[3] = {1.0, 0.55, 0.3125}, t32[3] = {0.125, 0.078125, 0.05};
    for (int i = 0; i < 3; i++) {
        if (only_four && r[i] != 4)
            continue;
        ok &= write_point(f, v, "mpi", 0, 64, 64, 64, r[i], t64[i], r[i] > 1 ? 0.01 * (double)r[i] : 1e-6);
        ok &= write_point(f, v, "mpi", 0, 32, 32, 32, r[i], t32[i], r[i] > 1 ? 0.004 * (double)r[i] : 1e-6);
        if (r[i] > 1)
            ok &= write_point(f, v, "mpi_cuda", 1, 64, 64, 64, r[i], r[i] == 2 ? 0.4 : 0.25, 0.02);
    }
    if (!only_four)
        ok &= write_point(f, v, "mpi", 0, 16, 16, 16, 8, 0.01, 0.005);
    ok &= write_point(f, v, "naive", 0, 64, 64, 64, 1, 2.0, 0);
    ok &= write_point(f, v, "naive", 0, 32, 32, 32, 1, 0.25, 0);
    return fclose(f) == 0 && ok;
}

/* A 32^3 block per rank: T = 0.1, 0.11, 0.125 s (efficiency 1, 0.909091, 0.8). */
static int write_weak(const char *dir)
{
    int v, ok = write_machine(dir, "weak");
    FILE *f = ok ? open_timings(dir, &v) : NULL;
    if (!f)
        return 0;
    ok &= write_point(f, v, "mpi", 0, 32, 32, 32, 1, 0.1, 1e-6);
    ok &= write_point(f, v, "mpi", 0, 64, 32, 32, 2, 0.11, 0.004);
    ok &= write_point(f, v, "mpi", 0, 64, 64, 32, 4, 0.125, 0.01);
    return fclose(f) == 0 && ok;
}

/* The rows of data block `block` (0-based) of a .dat file: columns 1..ncol of up to max rows;
 * returns the row count. */
static int dat_block(const char *path, int block, double (*v)[18], int max)
{
    FILE *f = fopen(path, "r");
    char line[4096];
    int b = 0, n = 0, blank = 0;
    while (f && fgets(line, sizeof line, f)) {
        if (line[0] == '#')
            continue;
        if (line[0] == '\n') {
            if (++blank == 2)
                b++;
            continue;
        }
        blank = 0;
        if (b != block || n >= max)
            continue;
        char *p = line;
        for (int c = 0; c < 18; c++) {
            char *e;
            v[n][c] = strtod(p, &e);
            p = e;
        }
        n++;
    }
    if (f)
        fclose(f);
    return n;
}

static int near(double a, double b)
{
    return fabs(a - b) <= 1e-5 * fmax(1, fabs(b));
}

/* Rows of block `block` of chart `name`: ranks and column col as want[0..n). */
static void check_column(check_ctx *ctx, const char *dir, const char *name, int block, int col,
                         const double *ranks, const double *want, int n, const char *what)
{
    char path[4096];
    double v[16][18];
    snprintf(path, sizeof path, "%s/plots/data/%s.dat", dir, name);
    int got = dat_block(path, block, v, 16);
    CHECK(ctx, got == n, "%s block %d: %d rows, want %d", path, block, got, n);
    for (int i = 0; i < n && i < got; i++)
        CHECK(ctx, v[i][0] == ranks[i] && near(v[i][col - 1], want[i]), "%s block %d, %g ranks: %s %g, want %g",
              path, block, v[i][0], what, v[i][col - 1], want[i]);
}

/* plots/NAME.png and .svg are valid charts; the SVG has at least min_x labelled x ticks at one
 * height and holds each of texts[] (NULL-terminated). */
static void check_chart(check_ctx *ctx, const char *dir, const char *name, int min_x, const char *const *texts)
{
    char path[4096], why[512];
    snprintf(path, sizeof path, "%s/plots/%s.png", dir, name);
    CHECK(ctx, pc_png(path, 960, 620, 15000, why, sizeof why), "%s", why);
    snprintf(path, sizeof path, "%s/plots/%s.svg", dir, name);
    CHECK(ctx, pc_svg(path, 960, 620, 5000, why, sizeof why), "%s", why);
    int nx = 0, ny = 0;
    CHECK(ctx, pc_svg_tick_labels(path, &nx, &ny, why, sizeof why), "%s", why);
    CHECK(ctx, nx >= min_x && ny >= 3, "%s: %d labelled x ticks (want %d), %d y ticks", path, nx, min_x, ny);
    size_t n = 0;
    char *svg = pc_slurp(path, &n);
    for (int i = 0; texts && texts[i]; i++)
        CHECK(ctx, svg && strstr(svg, texts[i]), "%s lacks '%s'", path, texts[i]);
    free(svg);
}

/* The tick labels the chart's script gives the rank axis. */
static void check_rank_ticks(check_ctx *ctx, const char *dir, const char *name, const char *want)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/plots/data/%s.gp", dir, name);
    size_t n = 0;
    char *gp = pc_slurp(path, &n);
    CHECK(ctx, gp && strstr(gp, want), "%s lacks the rank ticks '%s'", path, want);
    free(gp);
}

/* How many files in dir (and dir/data) start with "ranks_". */
static int count_ranks_files(const char *plots)
{
    int n = 0;
    for (int k = 0; k < 2; k++) {
        char path[4096];
        snprintf(path, sizeof path, "%s%s", plots, k ? "/data" : "");
        DIR *d = opendir(path);
        struct dirent *e;
        while (d && (e = readdir(d)) != NULL)
            n += strncmp(e->d_name, "ranks_", 6) == 0;
        if (d)
            closedir(d);
    }
    return n;
}

static int data_lines(const char *path)
{
    FILE *f = fopen(path, "r");
    char line[4096];
    int n = 0;
    while (f && fgets(line, sizeof line, f))
        n += line[0] != '#' && line[0] != '\n';
    if (f)
        fclose(f);
    return n;
}

int main(int argc, char **argv)
{
    check_ctx ctx = {0};
    stencil_error err = {{0}};
    if (argc == 3 && strcmp(argv[1], "--fixtures") == 0) { /* to look at: DIR/strong, DIR/weak */
        char s[4096], w[4096];
        snprintf(s, sizeof s, "%s/strong", argv[2]);
        snprintf(w, sizeof w, "%s/weak", argv[2]);
        mkdir(argv[2], 0777);
        return write_strong(s, 0) && write_weak(w) ? 0 : 1;
    }
    if (plot_gnuplot_check(&err) != STENCIL_OK) {
        printf("skipped: %s\n", err.msg);
        return 77;
    }
    const char *strong = "plot_ranks_strong", *weak = "plot_ranks_weak";
    CHECK(&ctx, write_strong(strong, 0) && write_weak(weak), "cannot write the fixtures");
    stencil_status st = plot_render_run(strong, NULL, &err);
    CHECK(&ctx, st == STENCIL_OK, "plot %s: %s", strong, err.msg);

    /* Strong: speedup T(1)/T(N) (column 2), efficiency (5), ideal (8), halo % (15). */
    const double r124[3] = {1, 2, 4}, r24[2] = {2, 4};
    check_column(&ctx, strong, "ranks_scaling_mpi", 0, 2, r124, (const double[]){1, 1.818182, 3.2}, 3, "speedup");
    check_column(&ctx, strong, "ranks_scaling_mpi", 0, 5, r124, (const double[]){1, 0.909091, 0.8}, 3, "efficiency");
    check_column(&ctx, strong, "ranks_scaling_mpi", 0, 8, r124, (const double[]){1, 2, 4}, 3, "ideal");
    check_column(&ctx, strong, "ranks_scaling_mpi", 1, 2, r124, (const double[]){1, 1.6, 2.5}, 3, "speedup");
    check_column(&ctx, strong, "ranks_time_mpi", 0, 9, r124, (const double[]){100, 55, 31.25}, 3, "ms per step");
    check_column(&ctx, strong, "ranks_time_mpi", 0, 12, r124, (const double[]){1e-4, 2, 4}, 3, "halo ms per step");
    check_column(&ctx, strong, "ranks_halo_mpi", 0, 15, r124, (const double[]){1e-4, 100 * 0.02 / 0.55, 100 * 0.04 / 0.3125},
                 3, "halo %");
    check_column(&ctx, strong, "ranks_scaling_mpi_cuda", 0, 2, r24, (const double[]){1, 1.6}, 2, "speedup");
    check_column(&ctx, strong, "ranks_scaling_mpi_cuda", 0, 5, r24, (const double[]){1, 0.8}, 2, "efficiency");
    static const char *const t_mpi[] = {"strong scaling over MPI ranks", "64x64x64", "32x32x32", "ideal (linear)",
                                        "speedup over 1 rank", NULL};
    static const char *const t_cuda[] = {"no 1-rank run", "baseline 2 ranks", "speedup over 2 ranks", NULL};
    static const char *const t_time[] = {"64x64x64 compute", "64x64x64 halo exchange", NULL};
    /* both panels label 1, 2 and 4 at one height */
    check_chart(&ctx, strong, "ranks_scaling_mpi", 6, t_mpi);
    check_chart(&ctx, strong, "ranks_time_mpi", 3, t_time);
    check_chart(&ctx, strong, "ranks_halo_mpi", 3, NULL);
    check_chart(&ctx, strong, "ranks_scaling_mpi_cuda", 4, t_cuda);
    check_rank_ticks(&ctx, strong, "ranks_scaling_mpi", "xtl[1] = '1'\nxtl[2] = '2'\nxtl[3] = '4'\n");
    check_rank_ticks(&ctx, strong, "ranks_scaling_mpi_cuda", "nxt = 2\n");
    char path[4096];
    snprintf(path, sizeof path, "%s/plots/ranks_scaling_naive.png", strong);
    struct stat sb;
    CHECK(&ctx, stat(path, &sb) != 0, "%s: a chart over ranks for a variant measured at one rank count", path);
    /* The index shows them; the 8-rank point in no series is counted as not drawn. */
    snprintf(path, sizeof path, "%s/plots/index.html", strong);
    size_t n = 0;
    char *html = pc_slurp(path, &n);
    static const char *const want_html[] = {"<img src=\"ranks_scaling_mpi.png\"", "data=\"ranks_time_mpi.svg\"",
                                            "<img src=\"ranks_halo_mpi.png\"", "data=\"ranks_scaling_mpi_cuda.svg\"",
                                            "1 points not drawn"};
    for (size_t i = 0; i < sizeof want_html / sizeof want_html[0]; i++)
        CHECK(&ctx, html && strstr(html, want_html[i]), "%s lacks '%s'", path, want_html[i]);
    free(html);
    /* The charts over grid size hold one rank count (4: the most ranks among the most
     * measured): mpi's two grids, not six points. */
    snprintf(path, sizeof path, "%s/plots/data/rate_mpi.dat", strong);
    CHECK(&ctx, data_lines(path) == 2, "%s: %d points, want 2 (one rank count)", path, data_lines(path));

    /* Weak: efficiency T(1)/T(N), scaled speedup efficiency x N. */
    st = plot_render_run(weak, NULL, &err);
    CHECK(&ctx, st == STENCIL_OK, "plot %s: %s", weak, err.msg);
    check_column(&ctx, weak, "ranks_scaling_mpi", 0, 5, r124, (const double[]){1, 0.909091, 0.8}, 3, "efficiency");
    check_column(&ctx, weak, "ranks_scaling_mpi", 0, 2, r124, (const double[]){1, 1.818182, 3.2}, 3, "scaled speedup");
    static const char *const t_weak[] = {"weak scaling over MPI ranks", "block 32x32x32 per rank", NULL};
    check_chart(&ctx, weak, "ranks_scaling_mpi", 6, t_weak);
    check_chart(&ctx, weak, "ranks_time_mpi", 3, NULL);

    /* One rank count: nothing over ranks, and the earlier rendering's charts over ranks gone. */
    CHECK(&ctx, write_strong(strong, 1), "cannot rewrite %s", strong);
    st = plot_render_run(strong, NULL, &err);
    CHECK(&ctx, st == STENCIL_OK, "plot %s (one rank count): %s", strong, err.msg);
    snprintf(path, sizeof path, "%s/plots", strong);
    CHECK(&ctx, count_ranks_files(path) == 0, "%s: %d ranks_* files for a run at one rank count", path,
          count_ranks_files(path));
    snprintf(path, sizeof path, "%s/plots/index.html", strong);
    html = pc_slurp(path, &n);
    CHECK(&ctx, html && !strstr(html, "ranks_") && strstr(html, "rate_mpi.png"), "%s: charts over ranks listed",
          path);
    free(html);
    return check_finish(&ctx, "test_plot_ranks");
}
