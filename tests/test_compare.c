/* Reading timings.csv back, grouping and matching points across mismatched grids, and the
 * projected and published references computed from their formulas. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "cli/cli.h"
#include "analysis/compare.h"
#include "analysis/project.h"

static const char header[] =
    "schema_version,run_id,provenance,machine,variant,device,scheme,k,nz,ny,nx,grid_source,"
    "land_fraction,threads,tuning,host_memory,timesteps,rep,h2d_s,compute_s,d2h_s,total_s,"
    "cell_updates_per_s,effective_gbps,copy_gbps,roofline_fraction,max_abs_err,status,source\n";

static void put(FILE *f, const char *machine, const char *variant, const char *device, long nz,
                long ny, long nx, long threads, long steps, int rep, double rate, double copy)
{
    double cells = (double)(nz - 2) * (double)(ny - 2) * (double)(nx - 2) * (double)steps;
    fprintf(f, "1,r,measured,%s,%s,%s,course,0.1,%ld,%ld,%ld,synthetic,0.5,%ld,default,%s,%ld,%d,,%.9g,,,%.9g,%.9g,%.9g,%.9g,0,ok,\n",
            machine, variant, device, nz, ny, nx, threads, strcmp(device, "gpu") ? "none" : "pinned",
            steps, rep, cells / rate, rate, rate * 8e-9, copy, rate * 8e-9 / copy);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static void test_reader(check_ctx *c, const char *dir)
{
    char path[512];
    stencil_error err = {{0}};
    bench_timings t = {0};
    snprintf(path, sizeof path, "%s/bad_version.csv", dir);
    write_file(path, "schema_version,variant,nz,ny,nx,timesteps,status,compute_s\n5,naive,5,5,5,1,ok,1\n");
    CHECK(c, bench_timings_read(path, BENCH_READ_BY_NAME, &t, &err) == STENCIL_ERR_ARG && strstr(err.msg, "versions 1 to 4"), "%s", err.msg);
    bench_timings_free(&t);
    snprintf(path, sizeof path, "%s/no_variant.csv", dir);
    write_file(path, "schema_version,nz,ny,nx,timesteps,status,compute_s\n1,5,5,5,1,ok,1\n");
    CHECK(c, bench_timings_read(path, BENCH_READ_BY_NAME, &t, &err) == STENCIL_ERR_ARG && strstr(err.msg, "'variant'"), "%s", err.msg);
    bench_timings_free(&t);
    snprintf(path, sizeof path, "%s/nosuch.csv", dir);
    CHECK(c, bench_timings_read(path, BENCH_READ_BY_NAME, &t, &err) == STENCIL_ERR_IO, "%s", err.msg);
    bench_timings_free(&t);
    /* minimal columns, reordered; the rate comes from compute_s; a quoted field */
    snprintf(path, sizeof path, "%s/minimal.csv", dir);
    write_file(path, "variant,compute_s,timesteps,nz,ny,nx,schema_version,status,source\n"
                     "naive,0.5,2,12,12,12,1,ok,\"a, quoted\"\"source\"\n"
                     "naive,,2,12,12,12,1,failed:validation,\n");
    CHECK(c, bench_timings_read(path, BENCH_READ_BY_NAME, &t, &err) == STENCIL_OK, "%s", err.msg);
    CHECK(c, t.count == 2 && bench_row_ok(&t.rows[0]) && !bench_row_ok(&t.rows[1]), "count %zu", t.count);
    CHECK(c, fabs(t.rows[0].cell_updates_per_s - 10.0 * 10 * 10 * 2 / 0.5) < 1e-9, "rate %g",
          t.rows[0].cell_updates_per_s);
    CHECK(c, strcmp(t.rows[0].source, "a, quoted\"source") == 0 && t.rows[0].threads == 1 &&
                 strcmp(t.rows[0].scheme, "course") == 0 && t.rows[0].provenance == BENCH_MEASURED,
          "source '%s'", t.rows[0].source);
    bench_timings_free(&t);
}

static void test_matching(check_ctx *c, const char *dir)
{
    char mine_path[512], ref_path[512];
    stencil_error err = {{0}};
    snprintf(mine_path, sizeof mine_path, "%s/mine.csv", dir);
    snprintf(ref_path, sizeof ref_path, "%s/ref.csv", dir);
    FILE *f = fopen(mine_path, "w");
    if (!f)
        return;
    fputs(header, f);
    for (int r = 0; r < 3; r++) {
        put(f, "me", "openmp", "cpu", 34, 66, 66, 1, 5, r, 1e9, 20);
        put(f, "me", "openmp", "cpu", 34, 66, 66, 2, 5, r, 1.8e9 + r * 1e7, 30);
        put(f, "me", "naive", "cpu", 20, 30, 40, 1, 5, r, 4e8, 20);
        put(f, "me", "tiled", "cpu", 34, 66, 66, 1, 5, r, 2e9, 20);
    }
    fclose(f);
    f = fopen(ref_path, "w");
    if (!f)
        return;
    fputs(header, f);
    for (int r = 0; r < 3; r++) {
        put(f, "big", "openmp", "cpu", 34, 66, 66, 1, 5, r, 1e9, 20);
        put(f, "big", "openmp", "cpu", 34, 66, 66, 4, 5, r, 4e9, 60);
        put(f, "big", "openmp", "cpu", 100, 100, 100, 4, 5, r, 3e9, 60);
        put(f, "big", "naive", "cpu", 34, 66, 66, 1, 5, r, 5e8, 20);
        put(f, "big", "naive", "cpu", 200, 200, 200, 1, 5, r, 5e8, 20);
    }
    fclose(f);
    bench_timings tm = {0}, tr = {0};
    bench_results pm = {0}, pr = {0};
    bench_best bm = {0}, br = {0};
    CHECK(c, bench_timings_read(mine_path, BENCH_READ_BY_NAME, &tm, &err) == STENCIL_OK && bench_timings_read(ref_path, BENCH_READ_BY_NAME, &tr, &err) == STENCIL_OK, "%s", err.msg);
    bench_results_build(tm.rows, tm.count, &pm, &err);
    bench_results_build(tr.rows, tr.count, &pr, &err);
    bench_points_best(&pm, &bm, &err);
    bench_points_best(&pr, &br, &err);
    CHECK(c, pm.count == 4 && bm.count == 3 && pr.count == 5 && br.count == 4,
          "points %zu best %zu, ref %zu best %zu", pm.count, bm.count, pr.count, br.count);
    CHECK(c, fabs(pm.p[1].stat[BENCH_M_RATE].median - 1.81e9) < 1, "median %g", pm.p[1].stat[BENCH_M_RATE].median);
    bench_match m[3];
    int used[4];
    bench_match_points(&pm, &bm, &pr, &br, 1, m, used, &err);
    /* openmp: all cores against all cores (2 threads against 4), exact grid */
    CHECK(c, m[0].kind == BENCH_MATCH_EXACT && pm.p[m[0].mine].row->threads == 2 &&
                 pr.p[m[0].ref].row->threads == 4, "openmp kind %d", m[0].kind);
    /* naive 20x30x40: the reference has 34x66x66 and 200^3; the nearest by cells is 34x66x66 */
    CHECK(c, m[1].kind == BENCH_MATCH_NEAREST && pr.p[m[1].ref].row->nz == 34, "naive kind %d", m[1].kind);
    CHECK(c, m[2].kind == BENCH_MATCH_NONE, "tiled kind %d", m[2].kind);
    CHECK(c, used[0] == 1 && used[1] == 0 && used[2] == 0 && used[3] == 0, "used %d %d %d %d",
          used[0], used[1], used[2], used[3]);
    bench_match_points(&pm, &bm, &pr, &br, 0, m, used, &err); /* --exact */
    CHECK(c, m[0].kind == BENCH_MATCH_EXACT && m[1].kind == BENCH_MATCH_NONE, "exact only");
    bench_best_free(&bm);
    bench_best_free(&br);
    bench_results_free(&pm);
    bench_results_free(&pr);
    bench_timings_free(&tm);
    bench_timings_free(&tr);
}

/* The projected row for (machine, variant), or NULL. */
static const bench_row *find_row(const bench_timings *t, const char *variant, bench_provenance p)
{
    for (size_t i = 0; i < t->count; i++)
        if (strcmp(t->rows[i].variant, variant) == 0 && t->rows[i].provenance == p)
            return &t->rows[i];
    return NULL;
}

static void test_projection(check_ctx *c, const char *dir)
{
    char path[512];
    stencil_error err = {{0}};
    CHECK(c, bench_projected_rate(448, 0.5) == 448e9 / 8 * 0.5, "formula");
    CHECK(c, bench_course_cell_updates(100) == 98.0 * 48 * 220 * 241 * 100, "course cells");
    /* published_figures.csv: 5.10e7 = 98*48*220*241*100 / 489.2647 */
    CHECK(c, fabs(bench_course_cell_updates(100) / 489.2647 / 5.10e7 - 1) < 0.001, "course rate");

    snprintf(path, sizeof path, "%s/ref", dir);
    mkdir(path, 0777);
    snprintf(path, sizeof path, "%s/ref/sources", dir);
    mkdir(path, 0777);
    snprintf(path, sizeof path, "%s/ref/sources/published_figures.csv", dir);
    write_file(path, "# comment\nmachine,device,kind,what,value,unit,source\n"
                     "AMD EPYC 7552 48-Core,cpu,measured,course NumPy model 100 steps,489.2647,s,seed\n"
                     "NVIDIA GeForce RTX 3070,gpu,spec,memory bandwidth,448,GB/s,datasheet\n"
                     "NVIDIA A40,gpu,spec,memory bandwidth,696,GB/s,datasheet\n"
                     "AMD EPYC 7552 48-Core,cpu,spec,memory bandwidth (8 channels DDR4-3200),204.8,GB/s,AMD\n"
                     "AMD EPYC 7552 48-Core,cpu,spec,cores / L3,48 cores / 192 MB,-,AMD\n");
    snprintf(path, sizeof path, "%s/ref/sources/course_temperature_diffusion_timings_h100nvl_epyc9v84.csv", dir);
    write_file(path, "gpu_name,cpu_name,method,num_timesteps,mean_time_sec,std_dev_sec\n"
                     "NVIDIA H100 NVL,AMD EPYC 9V84,CuPy (GPU),10,3.854066,0.140653\n");
    const char *folders[] = {"gpuhost", "small", "a40"};
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/ref/%s", dir, folders[i]);
        mkdir(path, 0777);
        snprintf(path, sizeof path, "%s/ref/%s/timings.csv", dir, folders[i]);
        FILE *f = fopen(path, "w");
        if (!f)
            return;
        fputs(header, f);
        for (int r = 0; r < 3; r++) {
            if (i == 0) {
                put(f, "H100", "cuda_naive", "gpu", 50, 222, 241, 1, 10, r, 2e11 * (1 + 0.01 * r), 2000); /* f = 0.8 median */
                put(f, "H100", "cuda_shared", "gpu", 50, 222, 241, 1, 10, r, 2.2e11, 2000);
                put(f, "H100", "openmp", "cpu", 50, 222, 241, 1, 10, r, 1e9, 16);
                put(f, "H100", "openmp", "cpu", 50, 222, 241, 16, 10, r, 1e10, 100); /* f = 0.8 */
                put(f, "H100", "naive", "cpu", 50, 222, 241, 1, 10, r, 5e8, 16);
            } else {
                put(f, i == 1 ? "small" : "A40", i == 1 ? "openmp" : "cuda_naive", i == 1 ? "cpu" : "gpu",
                    50, 222, 241, i == 1 ? 2 : 1, 10, r, 1e9, 20);
            }
        }
        fclose(f);
    }
    snprintf(path, sizeof path, "%s/ref", dir);
    bench_project_options opt = {path, NULL, NULL, NULL};
    FILE *log = fopen("/dev/null", "w");
    CHECK(c, bench_project_references(&opt, log ? log : stdout, &err) == STENCIL_OK, "%s", err.msg);
    if (log)
        fclose(log);
    bench_timings t = {0};
    snprintf(path, sizeof path, "%s/ref/rtx3070/timings.csv", dir);
    CHECK(c, bench_timings_read(path, BENCH_READ_BY_NAME, &t, &err) == STENCIL_OK, "%s", err.msg);
    const bench_row *r = find_row(&t, "cuda_naive", BENCH_PROJECTED);
    CHECK(c, r && fabs(r->cell_updates_per_s / (448e9 / 8 * 0.808) - 1) < 1e-6 && r->copy_gbps == 448 &&
                 fabs(r->roofline_fraction - 0.808) < 1e-9 && strstr(r->source, "gpuhost") &&
                 strstr(r->source, "floor"),
          "rtx3070 cuda_naive %g", r ? r->cell_updates_per_s : -1.0);
    CHECK(c, !find_row(&t, "openmp", BENCH_PROJECTED), "a CPU variant projected on a GPU");
    bench_timings_free(&t);
    snprintf(path, sizeof path, "%s/ref/epyc7552/timings.csv", dir);
    CHECK(c, bench_timings_read(path, BENCH_READ_BY_NAME, &t, &err) == STENCIL_OK, "%s", err.msg);
    r = find_row(&t, "openmp", BENCH_PROJECTED); /* from gpuhost: 16 threads beat small's 2 */
    CHECK(c, r && fabs(r->cell_updates_per_s / (204.8e9 / 8 * 0.8) - 1) < 1e-6 && r->threads == 48,
          "epyc openmp %g", r ? r->cell_updates_per_s : -1.0);
    CHECK(c, !find_row(&t, "naive", BENCH_PROJECTED), "a single-threaded variant projected");
    r = find_row(&t, "course_numpy", BENCH_PUBLISHED);
    CHECK(c, r && fabs(r->cell_updates_per_s - 98.0 * 48 * 220 * 241 * 100 / 489.2647) < 1 &&
                 r->timesteps == 100 && strstr(r->source, "seed"),
          "course numpy %g", r ? r->cell_updates_per_s : -1.0);
    bench_timings_free(&t);
    snprintf(path, sizeof path, "%s/ref/h100nvl-epyc9v84/timings.csv", dir);
    CHECK(c, bench_timings_read(path, BENCH_READ_BY_NAME, &t, &err) == STENCIL_OK, "%s", err.msg);
    r = find_row(&t, "course_cupy", BENCH_PUBLISHED);
    CHECK(c, t.count == 1 && r && r->device[0] == 'g' &&
                 fabs(r->cell_updates_per_s - 8.0 * 48 * 220 * 241 * 10 / 3.854066) < 1,
          "course cupy");
    bench_timings_free(&t);
    /* a contributed measured a40 folder is left alone (gpuhost, with more GPU rows, is the
     * GPU source) */
    snprintf(path, sizeof path, "%s/ref/a40/timings.csv", dir);
    CHECK(c, bench_timings_read(path, BENCH_READ_BY_NAME, &t, &err) == STENCIL_OK && t.count == 3 &&
                 t.rows[0].provenance == BENCH_MEASURED, "a40 rewritten");
    bench_timings_free(&t);
    /* a missing folder named by --cpu-from is an error */
    snprintf(path, sizeof path, "%s/ref", dir);
    opt.cpu_from = "nosuch";
    log = fopen("/dev/null", "w");
    CHECK(c, bench_project_references(&opt, log ? log : stdout, &err) == STENCIL_ERR_ARG, "cpu-from");
    if (log)
        fclose(log);
}

/* The GPU projection model (issue 13): a reference GPU with a 5 us launch floor at 32^3 and
 * 60 % of its 3000 GB/s copy bandwidth at 512^3, projected onto an A40 (696 GB/s, 6 MB L2). */
static void test_gpu_model(check_ctx *c, const char *dir)
{
    char path[512];
    stencil_error err = {{0}};
    snprintf(path, sizeof path, "%s/gpu_model.csv", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return;
    fputs(header, f);
    const long grid[3] = {32, 128, 512};
    for (int g = 0; g < 3; g++) {
        double n = (double)(grid[g] - 2), cells = n * n * n;
        /* per step: 5 us floor (less 32^3's own DRAM time) + 8 B x cells / (3000 GB/s x 0.6) */
        double dram = 8.0 * cells / (3000e9 * 0.6), step = g == 2 ? dram : 5e-6 + dram;
        for (int r = 0; r < 3; r++)
            put(f, "ref", "cuda_naive", "gpu", grid[g], grid[g], grid[g], 1, 10, r, cells / step, 3000);
    }
    fclose(f);
    bench_timings t = {0};
    bench_results pts = {0};
    bench_best best = {0};
    CHECK(c, bench_timings_read(path, BENCH_READ_BY_NAME, &t, &err) == STENCIL_OK &&
                 bench_results_build(t.rows, t.count, &pts, &err) == STENCIL_OK &&
                 bench_points_best(&pts, &best, &err) == STENCIL_OK, "%s", err.msg);
    bench_gpu_fit fit;
    CHECK(c, t.count && bench_gpu_fit_for(&pts, &best, &t.rows[0], &fit), "no fit");
    if (t.count && fit.small && fit.large) {
        CHECK(c, fit.small->row->nz == 32 && fit.large->row->nz == 512, "fit grids %ld %ld",
              fit.small->row->nz, fit.large->row->nz);
        CHECK(c, fabs(fit.efficiency - 0.6) < 1e-6, "efficiency %g", fit.efficiency);
        CHECK(c, fabs(fit.floor_s - 5e-6) < 1e-9, "floor %g", fit.floor_s);
        /* L2-resident on the A40 (two fields of 32^3: 0.25 MB): launch-bound, near the
         * reference's own rate, not the bandwidth ratio (696/3000) times it */
        double cells = 30.0 * 30 * 30, ref_rate = bench_result_rate(fit.small);
        double a40 = cells / bench_gpu_step_s(&fit, cells, 696);
        double old = bench_projected_rate(696, fit.small->stat[BENCH_M_ROOF].median);
        CHECK(c, a40 > 0.9 * ref_rate && a40 < ref_rate, "32^3: A40 %g vs reference %g", a40, ref_rate);
        CHECK(c, a40 > 3.0 * old, "32^3: %g not above the bandwidth-ratio %g", a40, old);
        /* out of every cache (512^3: 2 GB): bandwidth-bound at B x e / 8 B */
        cells = 510.0 * 510 * 510;
        a40 = cells / bench_gpu_step_s(&fit, cells, 696);
        CHECK(c, fabs(a40 / (696e9 / 8 * 0.6) - 1) < 0.01, "512^3: A40 %g", a40);
        /* on the reference's own bandwidth the model gives back its measurements */
        cells = 126.0 * 126 * 126;
        double ref128 = cells / bench_gpu_step_s(&fit, cells, 3000);
        CHECK(c, fabs(ref128 / (cells / (5e-6 + 8 * cells / (3000e9 * 0.6))) - 1) < 1e-6, "128^3 %g", ref128);
    }
    bench_best_free(&best);
    bench_results_free(&pts);
    bench_timings_free(&t);
}

int main(void)
{
    check_ctx c = {0, 0};
    char dir[] = "/tmp/test_compare_XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    test_reader(&c, dir);
    test_matching(&c, dir);
    test_projection(&c, dir);
    test_gpu_model(&c, dir);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return check_finish(&c, "test_compare");
}
