/* stencilbench plot on a fixture run: a schema-conformant timings.csv and machine.json with
 * CPU and GPU variants, several grids, threads 1..4, timesteps 1/10/100, pinned and pageable
 * host memory and five repetitions, numbers from a simple bandwidth model. Every chart must
 * render without a gnuplot warning, as a valid PNG and SVG, and index.html must reference
 * only files that exist. Also: gnuplot missing names the package; a bad CSV names the column.
 *
 * usage: test_plot [PATH/TO/stencilbench]   (also runs a small real study and renders it)
 *        test_plot --fixture DIR   (only write the fixture run into DIR)
 *        test_plot --scale         (3,000 grid sizes of one variant: every pass over the points
 *                                   must be near linear; ctest's TIMEOUT catches one that is not) */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "plot.h"
#include "plot_internal.h"
#include "check.h"
#include "plot_check.h"

typedef struct fx_rng {
    unsigned long long s;
} fx_rng;

/* 1 +- 3 % noise, deterministic. */
static double jitter(fx_rng *r)
{
    r->s = r->s * 6364136223846793005ULL + 1442695040888963407ULL;
    return 1.0 + 0.06 * ((double)(r->s >> 11) / 9007199254740992.0 - 0.5);
}

static const double cpu_copy[5] = {0, 12.0, 20.0, 25.0, 28.0}; /* GB/s by threads */
static const double gpu_copy = 1400.0;

/* Effective bandwidth of a CPU variant on a grid of `cells` with t threads. */
static double cpu_gbps(const char *variant, double cells, int t)
{
    double bytes = cells * 8, boost = bytes <= 512.0 * 1024 * t ? 2.6 : bytes <= 8.0 * 1048576 ? 1.6 : 1.0;
    double eff = strcmp(variant, "naive") == 0 ? 0.35 : strcmp(variant, "tiled") == 0 ? 0.75 : 0.9;
    return cpu_copy[t] * eff * boost * (cells < 10000 ? 0.5 : 1.0);
}

static int write_fixture(const char *dir)
{
    char path[4096];
    mkdir(dir, 0777);
    snprintf(path, sizeof path, "%s/machine.json", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return 0;
    fprintf(
        f,
        "{\n  \"schema_version\": 1, \"run_id\": \"20261124T070000Z-fixture\",\n"
        "  \"stencilbench_version\": \"0.1.0\", \"git_commit\": \"0000000\", \"hostname\": \"fixture\",\n"
        "  \"label\": \"fixture machine\",\n"
        "  \"cpu\": {\"model\": \"Example CPU 9000\", \"packages\": 1, \"cores\": 4, \"pus\": 8, "
        "\"numa_nodes\": 1,\n"
        "          \"memory_bytes\": 17179869184, \"caches\": [\n"
        "    {\"level\": 1, \"type\": \"data\", \"size_bytes\": 32768, \"count\": 4},\n"
        "    {\"level\": 1, \"type\": \"instruction\", \"size_bytes\": 32768, \"count\": 4},\n"
        "    {\"level\": 2, \"type\": \"unified\", \"size_bytes\": 524288, \"count\": 4},\n"
        "    {\"level\": 3, \"type\": \"unified\", \"size_bytes\": 8388608, \"count\": 1}]},\n"
        "  \"binding\": {\"OMP_PROC_BIND\": \"close\", \"OMP_PLACES\": \"cores\", \"method\": \"omp\"},\n"
        "  \"omp_env\": {\"OMP_NUM_THREADS\": null},\n"
        "  \"compiler\": {\"c\": \"GNU 12.2.0\", \"c_flags\": \"-O3 -march=native\", \"cuda\": \"12.4\"},\n"
        "  \"gpu\": {\"name\": \"Example GPU X\", \"cc\": \"8.6\", \"sms\": 84, \"memory_bytes\": "
        "51539607552,\n"
        "          \"l2_bytes\": 6291456, \"sm_clock_khz\": 1740000, \"mem_clock_khz\": 7251000,\n"
        "          \"mem_bus_bits\": 384, \"driver_version\": 12040, \"runtime_version\": 12040},\n"
        "  \"probes\": {\"cpu_copy_gbps\": {\"1\": 12.0, \"2\": 20.0, \"3\": 25.0, \"4\": 28.0},\n"
        "             \"gpu_copy_gbps\": 1400.0, \"pinned_h2d_gbps\": 24.0, \"pinned_d2h_gbps\": 25.0,\n"
        "             \"pageable_h2d_gbps\": 10.0, \"pageable_d2h_gbps\": 9.0},\n"
        "  \"config\": {\"variants\": \"naive, tiled\", \"grids\": [\"16x16x16\", \"32x32x32\"], \"reps\": 5,\n"
        "             \"dataset\": \"\", \"note\": \"<b>&\"}, \"dataset\": null,\n"
        "  \"started_utc\": \"2026-11-24T07:00:00Z\", \"finished_utc\": \"2026-11-24T07:05:00Z\"\n}\n");
    if (fclose(f) != 0)
        return 0;
    snprintf(path, sizeof path, "%s/timings.csv", dir);
    if (!(f = fopen(path, "w")))
        return 0;
    fprintf(f, "schema_version,run_id,provenance,machine,variant,device,scheme,k,nz,ny,nx,grid_source,"
               "land_fraction,threads,tuning,host_memory,timesteps,rep,h2d_s,compute_s,d2h_s,total_s,"
               "cell_updates_per_s,effective_gbps,copy_gbps,roofline_fraction,max_abs_err,status,source\n");
    static const long grids[][3] = {{16, 16, 16},   {32, 32, 32},    {64, 64, 64},
                                    {50, 222, 241}, {128, 128, 128}, {256, 256, 256}};
    static const char *const variants[] = {"naive", "tiled", "openmp", "cuda_naive", "cuda_shared"};
    static const int steps[] = {1, 10, 100};
    fx_rng rng = {42};
    for (int v = 0; v < 5; v++) {
        int gpu = v >= 3;
        for (int g = 0; g < 6; g++) {
            double cells = (double)grids[g][0] * grids[g][1] * grids[g][2];
            double interior = (double)(grids[g][0] - 2) * (grids[g][1] - 2) * (grids[g][2] - 2);
            for (int t = 1; t <= (v == 2 ? 4 : 1); t++)
                for (int h = 0; h < (gpu ? 2 : 1); h++)
                    for (int si = 0; si < 3; si++)
                        for (int rep = 0; rep < 5; rep++) {
                            int s = steps[si];
                            double copy, step, h2d, d2h;
                            if (gpu) {
                                copy = gpu_copy;
                                double bw =
                                    copy * 1e9 * (v == 4 ? 0.85 : 0.6) * (cells * 8 <= 6291456 ? 1.5 : 1.0);
                                step = fmax(interior * 8 / bw, 4e-6);
                                double up = h ? 10e9 : 24e9, down = h ? 9e9 : 25e9;
                                h2d = cells * 4 / up + 10e-6;
                                d2h = cells * 4 / down + 10e-6;
                            } else {
                                copy = cpu_copy[t];
                                step =
                                    interior * 8 / (cpu_gbps(variants[v], cells, t) * 1e9) + 2e-6 * (t > 1);
                                h2d = cells * 4 / (copy * 0.5e9);
                                d2h = h2d;
                            }
                            double compute = step * s * jitter(&rng);
                            h2d *= jitter(&rng);
                            d2h *= jitter(&rng);
                            double rate = interior * s / compute, eff = rate * 8 / 1e9;
                            fprintf(
                                f,
                                "1,20261124T070000Z-fixture,measured,fixture,%s,%s,course,0.1,%ld,%ld,%ld,"
                                "synthetic,0.5,%d,default,%s,%d,%d,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,0,"
                                "ok,\n",
                                variants[v], gpu ? "gpu" : "cpu", grids[g][0], grids[g][1], grids[g][2], t,
                                gpu ? (h ? "pageable" : "pinned") : "none", s, rep, h2d, compute, d2h,
                                h2d + compute + d2h, rate, eff, copy, eff / copy);
                        }
        }
    }
    /* Rows that must not be drawn. */
    fprintf(f,
            "1,20261124T070000Z-fixture,measured,fixture,cuda_naive,gpu,course,0.1,512,512,512,synthetic,0.5,"
            "1,default,pinned,10,0,,,,,,,,,,skipped:too large for device memory,\n");
    fprintf(f, "1,20261124T070000Z-fixture,measured,fixture,tiled,cpu,course,0.1,16,16,16,synthetic,0.5,"
               "1,default,none,10,0,1e-9,1e-9,1e-9,3e-9,1e15,8e6,12,1e6,3.5,failed:validation,\n");
    fprintf(f, "1,published-x,published,elsewhere,openmp,cpu,course,0.1,256,256,256,synthetic,0.5,"
               "16,default,none,10,0,,0.01,,,1.6e10,,,,,ok,a paper\n");
    return fclose(f) == 0;
}

/* A run of one variant on n distinct grid sizes, 1 and 2 threads, 1 and 10 timesteps, 2
 * repetitions (issue 18 item 14: 3,000 grids took over 300 s). */
static int write_scale_fixture(const char *dir, int n)
{
    char path[4096];
    mkdir(dir, 0777);
    snprintf(path, sizeof path, "%s/machine.json", dir);
    FILE *f = fopen(path, "w");
    if (!f ||
        fputs("{\"schema_version\": 1, \"label\": \"scale fixture\", \"cpu\": {\"model\": \"CPU\", "
              "\"cores\": 2}, \"gpu\": null}\n",
              f) < 0 ||
        fclose(f) != 0)
        return 0;
    snprintf(path, sizeof path, "%s/timings.csv", dir);
    if (!(f = fopen(path, "w")))
        return 0;
    fprintf(f, "schema_version,run_id,provenance,machine,variant,device,scheme,k,nz,ny,nx,grid_source,"
               "land_fraction,threads,tuning,host_memory,timesteps,rep,h2d_s,compute_s,d2h_s,total_s,"
               "cell_updates_per_s,effective_gbps,copy_gbps,roofline_fraction,max_abs_err,status,source\n");
    fx_rng rng = {7};
    for (int g = 0; g < n; g++) {
        long nz = 8 + g / 60, ny = 8 + g % 60, nx = 32;
        double interior = (double)(nz - 2) * (double)(ny - 2) * (double)(nx - 2);
        for (int t = 1; t <= 2; t++)
            for (int s = 1; s <= 10; s += 9)
                for (int rep = 0; rep < 2; rep++) {
                    double rate = 1e9 * t * jitter(&rng), compute = interior * s / rate, copy = 20.0 * t;
                    fprintf(f,
                            "1,scale,measured,scale,naive,cpu,course,0.1,%ld,%ld,%ld,synthetic,0.5,%d,"
                            "default,none,"
                            "%d,%d,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,0,ok,\n",
                            nz, ny, nx, t, s, rep, 1e-6, compute, 1e-6, compute + 2e-6, rate, rate * 8e-9,
                            copy, rate * 8e-9 / copy);
                }
    }
    return fclose(f) == 0;
}

static int file_nonempty(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && st.st_size > 0;
}

/* The smallest and largest positive number in columns c0..c1 (1-based) of a .dat file. */
static void dat_range(const char *path, int c0, int c1, double *lo, double *hi)
{
    *lo = INFINITY, *hi = 0;
    FILE *f = fopen(path, "r");
    char line[4096];
    while (f && fgets(line, sizeof line, f)) {
        if (line[0] == '#')
            continue;
        char *p = line;
        for (int c = 1; c <= c1; c++) {
            char *e;
            double v = strtod(p, &e);
            if (e == p)
                break;
            if (c >= c0 && isfinite(v) && v > 0)
                *lo = fmin(*lo, v), *hi = fmax(*hi, v);
            p = e;
        }
    }
    if (f)
        fclose(f);
}

/* A number "name = value" of a chart's script, or NaN. */
static double gp_number(const char *script, const char *name)
{
    char key[64];
    snprintf(key, sizeof key, "\n%s = ", name);
    const char *p = script ? strstr(script, key) : NULL;
    return p ? strtod(p + strlen(key), NULL) : NAN;
}

/* Every log axis shows at least three labelled ticks (counted in the SVG); the steps charts'
 * y axis spans the data, not whole decades around it (issue 16). */
static void check_log_axes(check_ctx *ctx, const char *run_dir, const char *name)
{
    int xlog = strncmp(name, "rate_", 5) == 0 || strncmp(name, "step_time_", 10) == 0 ||
               strncmp(name, "roofline_", 9) == 0 || strncmp(name, "steps_", 6) == 0;
    int ylog = xlog && strncmp(name, "roofline_", 9) != 0;
    char path[8192], why[512];
    int nx, ny;
    snprintf(path, sizeof path, "%s/plots/%s.svg", run_dir, name);
    CHECK(ctx, pc_svg_tick_labels(path, &nx, &ny, why, sizeof why), "%s", why);
    CHECK(ctx, !xlog || nx >= 3, "%s: %d labelled ticks on the log x axis, want 3 or more", path, nx);
    CHECK(ctx, !ylog || ny >= 3, "%s: %d labelled ticks on the log y axis, want 3 or more", path, ny);
    if (strncmp(name, "steps_", 6) != 0)
        return;
    double lo, hi;
    snprintf(path, sizeof path, "%s/plots/data/%s.dat", run_dir, name);
    dat_range(path, 2, 7, &lo, &hi);
    snprintf(path, sizeof path, "%s/plots/data/%s.gp", run_dir, name);
    size_t n;
    char *gp = pc_slurp(path, &n);
    double ylo = gp_number(gp, "ylo"), yhi = gp_number(gp, "yhi");
    free(gp);
    /* decades: the axis at most the data's span, 30 % and 0.2 decades more */
    CHECK(ctx, ylo > 0 && yhi > ylo && log10(yhi / ylo) <= 1.3 * log10(hi / lo) + 0.2,
          "%s: y axis %g..%g for data %g..%g: mostly empty", path, ylo, yhi, lo, hi);
}

/* Renders run_dir and checks every chart the index shows. */
static void check_run(check_ctx *ctx, const char *run_dir, int min_charts)
{
    stencil_error err = {{0}};
    /* the run's warnings head the page, escaped */
    stencil_status st = plot_render_run(run_dir, "\nWarnings:\n- 3 of 9 points are NOISY <script>x</script>\n", &err);
    CHECK(ctx, st == STENCIL_OK, "plot_render_run(%s): %s", run_dir, err.msg);
    if (st != STENCIL_OK)
        return;
    char path[8192], why[512];
    snprintf(path, sizeof path, "%s/plots/index.html", run_dir);
    int refs = 0;
    CHECK(ctx, pc_html_refs(path, &refs, why, sizeof why), "%s", why);
    size_t n = 0;
    char *html = pc_slurp(path, &n);
    CHECK(ctx, html != NULL, "cannot read %s", path);
    if (!html)
        return;
    CHECK(ctx, strstr(html, "<table class=\"machine\">") != NULL, "%s: no machine summary", path);
    const char *warn = strstr(html, "<h2>Warnings</h2>");
    CHECK(ctx, warn && warn < strstr(html, "<table class=\"machine\">") &&
                   strstr(html, "3 of 9 points are NOISY &lt;script&gt;x&lt;/script&gt;") &&
                   !strstr(html, "<script>x"),
          "%s: the warnings are not first or not escaped", path);
    int charts = 0;
    for (const char *p = strstr(html, "<img src=\""); p; p = strstr(p + 1, "<img src=\"")) {
        const char *v = p + 10;
        size_t len = strcspn(v, "\"");
        char name[512];
        snprintf(name, sizeof name, "%.*s", (int)(len > 4 ? len - 4 : 0), v);
        snprintf(path, sizeof path, "%s/plots/%s.png", run_dir, name);
        CHECK(ctx, pc_png(path, 960, 620, 15000, why, sizeof why), "%s", why);
        snprintf(path, sizeof path, "%s/plots/%s.svg", run_dir, name);
        CHECK(ctx, pc_svg(path, 960, 620, 5000, why, sizeof why), "%s", why);
        check_log_axes(ctx, run_dir, name);
        snprintf(path, sizeof path, "%s/plots/data/%s.dat", run_dir, name);
        CHECK(ctx, file_nonempty(path), "%s missing or empty", path);
        snprintf(path, sizeof path, "%s/plots/data/%s.gp.log", run_dir, name);
        CHECK(ctx, !file_nonempty(path), "gnuplot left a log (warnings): %s", path);
        charts++;
    }
    CHECK(ctx, charts >= min_charts, "%s: %d charts in index.html, want at least %d", run_dir, charts,
          min_charts);
    printf("%s: %d charts, %d references checked\n", run_dir, charts, refs);
    free(html);
}

int main(int argc, char **argv)
{
    check_ctx ctx = {0};
    if (argc == 3 && strcmp(argv[1], "--fixture") == 0)
        return write_fixture(argv[2]) ? 0 : 1;
    if (argc == 2 && strcmp(argv[1], "--scale") == 0) {
        stencil_error e = {{0}};
        if (plot_gnuplot_check(&e) != STENCIL_OK) {
            printf("skipped: %s\n", e.msg);
            return 77;
        }
        CHECK(&ctx, write_scale_fixture("plot_scale_run", 3000), "cannot write plot_scale_run");
        /* rate, step time, roofline, scaling, steps */
        check_run(&ctx, "plot_scale_run", 5);
        return check_finish(&ctx, "test_plot --scale");
    }
    /* Log axis ticks: three or more inside any range, from 12 decades to a few percent. */
    static const double ranges[][2] = {{1, 1e12}, {3e8, 2e9}, {1.2e9, 1.9e9}, {1.2e9, 1.3e9},
                                       {5, 5.05},  {0.9, 1.1}, {7e-5, 3e-4}};
    for (size_t r = 0; r < sizeof ranges / sizeof ranges[0]; r++) {
        double v[PLOT_MAX_TICKS];
        int nt = plot_log_ticks(ranges[r][0], ranges[r][1], v, PLOT_MAX_TICKS), inside = 0;
        for (int i = 0; i < nt; i++)
            inside += v[i] >= ranges[r][0] * (1 - 1e-9) && v[i] <= ranges[r][1] * (1 + 1e-9);
        CHECK(&ctx, inside >= 3 && inside == nt && nt <= 12, "%g..%g: %d ticks, %d inside", ranges[r][0],
              ranges[r][1], nt, inside);
    }
    const char *dir = "plot_fixture_run";
    CHECK(&ctx, write_fixture(dir), "cannot write the fixture in %s", dir);
    stencil_error err = {{0}};
    if (plot_gnuplot_check(&err) != STENCIL_OK) {
        printf("skipped: %s\n", err.msg);
        return 77;
    }
    /* Per variant: rate, step time, roofline (5 variants x 3), scaling (openmp), steps (5),
     * transfers (2 GPU); comparing: 3 grid charts, scaling, steps, transfers. */
    char path[8192];
    /* A chart left by an earlier rendering that this one does not make must go. */
    snprintf(path, sizeof path, "%s/plots", dir);
    mkdir(path, 0777);
    snprintf(path, sizeof path, "%s/plots/rate_stale.png", dir);
    FILE *stale = fopen(path, "w");
    if (stale)
        fclose(stale);
    check_run(&ctx, dir, 15 + 1 + 5 + 2 + 6);
    struct stat st_stale;
    CHECK(&ctx, stat(path, &st_stale) != 0, "stale chart %s was left", path);
    snprintf(path, sizeof path, "%s/plots/rate_openmp.png", dir);
    CHECK(&ctx, file_nonempty(path), "no per-variant rate chart %s", path);
    /* The index: rows left out counted by why; the study as a table, escaped, no raw JSON. */
    snprintf(path, sizeof path, "%s/plots/index.html", dir);
    size_t hn = 0;
    char *html = pc_slurp(path, &hn);
    static const char *const want_html[] = {
        "not drawn: 1 failed, 1 skipped, 1 not measured here",
        "<h2>Study</h2>\n<table class=\"study\">",
        "<tr><th>variants</th><td>naive, tiled</td></tr>",
        "<tr><th>grids (nz x ny x nx)</th><td>16x16x16, 32x32x32</td></tr>",
        "<tr><th>repetitions</th><td>5</td></tr>",
        "<tr><th>dataset</th><td>none</td></tr>",
        "<tr><th>note</th><td>&lt;b&gt;&amp;</td></tr>",
        "copy-bandwidth limit",
    };
    for (size_t i = 0; i < sizeof want_html / sizeof want_html[0]; i++)
        CHECK(&ctx, html && strstr(html, want_html[i]), "%s lacks '%s'", path, want_html[i]);
    CHECK(&ctx, html && !strstr(html, "{&quot;") && !strstr(html, "failed, skipped or not measured"),
          "%s: raw JSON or the lumped count", path);
    CHECK(&ctx, html && !strstr(html, "roofline fraction") && !strstr(html, "copy roofline"),
          "%s still says roofline", path);
    free(html);
    if (argc == 2) {
        /* A real study, small: 3 grids, 2 timestep counts, 1 and 2 threads, 3 repetitions. */
        char cmd[8192];
        snprintf(cmd, sizeof cmd,
                 "rm -rf plot_real_run && '%s' run --variant cpu --grid 16,24,40 --steps 1,4 "
                 "--threads 1,2 --reps 3 --warmup 1 --target-noise 0 --out plot_real_run --quiet > plot_real_run.log 2>&1",
                 argv[1]);
        int rc = system(cmd);
        CHECK(&ctx, rc == 0, "'%s' exited %d (see plot_real_run.log)", cmd, rc);
        if (rc == 0) /* per variant: rate, step time, roofline, steps; openmp scaling; 5 comparing */
            check_run(&ctx, "plot_real_run", 3 * 4 + 1 + 5);
    }

    /* The runner fails on a gnuplot warning, quoting it, and passes a clean script. */
    FILE *gp = fopen("plot_warn.gp", "w");
    if (gp) {
        fputs("set terminal svg\nset output 'plot_warn.svg'\nplot [1:2] 1\n", gp);
        fclose(gp);
    }
    stencil_status wst = plot_gnuplot_run(".", "plot_warn.gp", &err);
    CHECK(&ctx, wst == STENCIL_ERR_IO && strstr(err.msg, "warned") && strstr(err.msg, "empty y range"),
          "a warning passed: %d %s", (int)wst, err.msg);
    if ((gp = fopen("plot_clean.gp", "w"))) {
        fputs("set terminal svg\nset output 'plot_clean.svg'\nplot [1:2] x\n", gp);
        fclose(gp);
    }
    wst = plot_gnuplot_run(".", "plot_clean.gp", &err);
    CHECK(&ctx, wst == STENCIL_OK, "a clean script failed: %s", err.msg);
    /* A failure says how gnuplot ended, and shows its output even when that is only lines
     * otherwise passed over as benign (they may be the cause). */
    if ((gp = fopen("plot_exit.gp", "w"))) {
        fputs("print \"Fontconfig error: no writable cache\"\nexit status 3\n", gp);
        fclose(gp);
    }
    wst = plot_gnuplot_run(".", "plot_exit.gp", &err);
    CHECK(&ctx, wst == STENCIL_ERR_IO && strstr(err.msg, "failed (exit status 3): Fontconfig error: no writable cache"),
          "gnuplot's exit status: %d %s", (int)wst, err.msg);
    if ((gp = fopen("plot_killed.gp", "w"))) {
        fputs("system(\"kill -KILL $PPID\")\n", gp);
        fclose(gp);
    }
    wst = plot_gnuplot_run(".", "plot_killed.gp", &err);
    CHECK(&ctx, wst == STENCIL_ERR_IO && strstr(err.msg, "failed (killed by signal 9, "),
          "gnuplot killed: %d %s", (int)wst, err.msg);

    /* gnuplot missing: a message naming the package. */
    setenv("STENCILBENCH_GNUPLOT", "/nonexistent/gnuplot", 1);
    stencil_status st = plot_render_run(dir, NULL, &err);
    CHECK(&ctx, st == STENCIL_ERR_UNAVAILABLE && strstr(err.msg, "gnuplot-nox"),
          "gnuplot missing gave status %d: %s", (int)st, err.msg);
    unsetenv("STENCILBENCH_GNUPLOT");

    /* A CSV without a required column: the message names it. */
    const char *bad = "plot_bad_run";
    mkdir(bad, 0777);
    snprintf(path, sizeof path, "%s/machine.json", bad);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs("{\"schema_version\": 1, \"label\": \"bad\", \"cpu\": null, \"gpu\": null}\n", f);
        fclose(f);
    }
    snprintf(path, sizeof path, "%s/timings.csv", bad);
    if ((f = fopen(path, "w"))) {
        fputs("schema_version,variant,device\n1,naive,cpu\n", f);
        fclose(f);
    }
    st = plot_render_run(bad, NULL, &err);
    CHECK(&ctx, st == STENCIL_ERR_IO && strstr(err.msg, "has no 'nz' column"), "bad CSV: status %d: %s",
          (int)st, err.msg);
    st = plot_render_run("no_such_run_dir", NULL, &err);
    CHECK(&ctx, st == STENCIL_ERR_IO && strstr(err.msg, "machine.json"), "missing run: %s", err.msg);

    /* A run whose rows all failed: an index that says so, with no broken references. */
    snprintf(path, sizeof path, "%s/timings.csv", bad);
    if ((f = fopen(path, "w"))) {
        fputs("schema_version,run_id,variant,device,scheme,nz,ny,nx,threads,tuning,host_memory,timesteps,"
              "rep,h2d_s,compute_s,d2h_s,total_s,cell_updates_per_s,roofline_fraction,copy_gbps,status\n"
              "1,x,naive,cpu,course,8,8,8,1,default,none,1,0,,,,,,,,failed:validation\n",
              f);
        fclose(f);
    }
    st = plot_render_run(bad, NULL, &err);
    CHECK(&ctx, st == STENCIL_OK, "all-failed run: %s", err.msg);
    snprintf(path, sizeof path, "%s/plots/index.html", bad);
    int refs;
    char why[512];
    CHECK(&ctx, pc_html_refs(path, &refs, why, sizeof why), "%s", why);
    return check_finish(&ctx, "test_plot");
}
