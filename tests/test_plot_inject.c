/* Issue 18 items 1-3: text from a run's files and from a netCDF file reaches gnuplot only in a
 * form it cannot execute, reaches the HTML pages escaped, and never names a file outside the
 * run folder. A netCDF file (its name, the variable's units, the time's long_name), a
 * machine.json (label, host, CPU and GPU names), a timings.csv (variant, tuning and machine
 * columns) and a reference's machine column hold backticks, $(...), quotes, newlines (where
 * the format can carry one: not in a CSV field) and markup; each `touch pwned_*` would leave a
 * file (compare turns blanks in a machine name into '-': those use ${IFS}). After viz slice/animate/cube,
 * plot and compare (twice: its default chart and --chart with such a name), no such file exists, the pages
 * show the text literally (escaped), the charts show it literally (the SVG titles), and every file plot made
 * has a safe name.
 *
 * usage: test_plot_inject PATH/TO/stencilbench */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "plot.h"
#include "plot_internal.h"
#include "check.h"
#include "nc_fixture.h"
#include "plot_check.h"

#define ROOT "plot_inject"
#define EVIL_FILE "ev`touch pwned_file`$(touch pwned_file2)'q\"<script>\nx.nc"
#define EVIL_UNITS "u`touch pwned_units`$(touch pwned_units2)'\"\n<script>z"
#define EVIL_TIME "t`touch pwned_time`'\"<script>\n$(touch pwned_time2)"
#define EVIL_VARIANT "v`touch pwned_v`'\"<script>"
#define EVIL_GPU "g`touch pwned_g`$(touch pwned_g2)<b>'"
#define EVIL_TUNING "t`touch pwned_t`$(touch pwned_t2)<i>"
#define ESCAPE_VARIANT "../../../../escape_v"

/* Runs stencilbench with args (NULL-terminated), output appended to ROOT/log.txt; the exit
 * status, or -1. */
static int run(const char *sb, const char *const *args)
{
    char *argv[16];
    int n = 0;
    argv[n++] = (char *)sb;
    for (; args[n - 1] && n < 15; n++)
        argv[n] = (char *)args[n - 1];
    argv[n] = NULL;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int fd = open(ROOT "/log.txt", O_WRONLY | O_CREAT | O_APPEND, 0666);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        execv(sb, argv);
        _exit(127);
    }
    int ws;
    if (waitpid(pid, &ws, 0) < 0)
        return -1;
    return WIFEXITED(ws) ? WEXITSTATUS(ws) : -1;
}

/* Files under dir (recursive). names == 0: names starting with "pwned" (a command ran) in
 * *bad, and paths holding "escape_v" that are not under ROOT/run/plots; names == 1: names
 * outside [A-Za-z0-9_.-] or with a leading dot in *bad. */
static void scan(check_ctx *ctx, const char *dir, int names, int *bad)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *n = e->d_name;
        if (strcmp(n, ".") == 0 || strcmp(n, "..") == 0)
            continue;
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", dir, n);
        if (!names && strncmp(n, "pwned", 5) == 0) {
            (*bad)++;
            CHECK(ctx, 0, "a command ran through gnuplot: %s exists", path);
        }
        if (!names && strstr(n, "escape_v") &&
            strncmp(path, ROOT "/run/plots/", strlen(ROOT "/run/plots/")) != 0) {
            (*bad)++;
            CHECK(ctx, 0, "a variant name made a file outside the run's plots folder: %s", path);
        }
        static const char safe[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-";
        if (names && (n[0] == '.' || n[strspn(n, safe)] || strstr(n, ".."))) {
            (*bad)++;
            CHECK(ctx, 0, "plot wrote a file with an unsafe name: %s", path);
        }
        struct stat st;
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
            scan(ctx, path, names, bad);
    }
    closedir(d);
}

static int write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return 0;
    fputs(text, f);
    return fclose(f) == 0;
}

/* The netCDF file: small.nc's layout (2 times, 3 levels, 6 x 7), then the variable's units
 * and the time's units and long_name replaced (time units without "since": viz labels each
 * time by the long_name). */
static int write_netcdf(const char *path)
{
    static double v[2 * 3 * 6 * 7];
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        v[i] = i % 5 == 0 ? (double)NC_FILL_FLOAT : 10.0 + 0.01 * (double)i;
    nc_fixture f = {path,
                    "thetao",
                    4,
                    {"time", "depth", "lat", "lon"},
                    {2, 3, 6, 7},
                    NC_FLOAT,
                    v,
                    1,
                    0,
                    0,
                    1,
                    1,
                    (double)NC_FILL_FLOAT,
                    0,
                    0,
                    0};
    int ncid, varid, tid;
    if (nc_fixture_write(&f) != NC_NOERR || nc_open(path, NC_WRITE, &ncid) != NC_NOERR)
        return 0;
    int rc = nc_redef(ncid);
    if (rc == NC_NOERR)
        rc = nc_inq_varid(ncid, "thetao", &varid);
    if (rc == NC_NOERR)
        rc = nc_inq_varid(ncid, "time", &tid);
    if (rc == NC_NOERR)
        rc = nc_put_att_text(ncid, varid, "units", strlen(EVIL_UNITS), EVIL_UNITS);
    if (rc == NC_NOERR)
        rc = nc_put_att_text(ncid, tid, "units", 5, "steps");
    if (rc == NC_NOERR)
        rc = nc_put_att_text(ncid, tid, "long_name", strlen(EVIL_TIME), EVIL_TIME);
    int rc2 = nc_close(ncid);
    return rc == NC_NOERR && rc2 == NC_NOERR;
}

static const char *const header =
    "schema_version,run_id,provenance,machine,variant,device,scheme,k,nz,ny,nx,grid_source,land_fraction,"
    "threads,tuning,host_memory,timesteps,rep,h2d_s,compute_s,d2h_s,total_s,cell_updates_per_s,"
    "effective_gbps,copy_gbps,roofline_fraction,max_abs_err,status,source,ranks,halo_s\n";

/* Rows of a CPU variant (threads 1..max_threads) or a GPU variant (pinned and pageable): grids
 * 16^3, 24^3, 32^3, timesteps 1 and 4, 3 repetitions, at `ranks` MPI ranks (halo_s when more
 * than one). */
static void rows(FILE *f, const char *machine, const char *variant, int gpu, const char *tuning,
                 int max_threads, int ranks)
{
    static const long grids[3] = {16, 24, 32};
    for (int g = 0; g < 3; g++)
        for (int t = 1; t <= max_threads; t++)
            for (int h = 0; h < (gpu ? 2 : 1); h++)
                for (int s = 1; s <= 4; s += 3)
                    for (int rep = 0; rep < 3; rep++) {
                        double n = (double)(grids[g] - 2) * (grids[g] - 2) * (grids[g] - 2);
                        double rate = (gpu ? 5e10 : 1e9 * t) * ranks * (1.0 + 0.01 * rep), compute = n * s / rate;
                        double h2d = gpu ? n * 4 / (h ? 1e10 : 2e10) : 0, copy = gpu ? 1000.0 : 20.0 * t;
                        fprintf(
                            f,
                            "2,inject,measured,%s,%s,%s,course,0.1,%ld,%ld,%ld,synthetic,0.5,%d,%s,%s,%d,%d,"
                            "%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,0,ok,,%d,%.9g\n",
                            machine, variant, gpu ? "gpu" : "cpu", grids[g], grids[g], grids[g], t, tuning,
                            gpu ? (h ? "pageable" : "pinned") : "none", s, rep, h2d, compute, h2d,
                            2 * h2d + compute, rate, rate * 8e-9, copy, rate * 8e-9 / copy, ranks,
                            ranks > 1 ? compute / 10 : 0.0);
                    }
}

/* ranks: the run's (not the reference's) two variants also at 2 ranks: charts over ranks. */
static int write_timings(const char *path, const char *machine, int ranks)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return 0;
    fputs(header, f);
    rows(f, machine, EVIL_VARIANT, 0, EVIL_TUNING, 2, 1);
    rows(f, machine, ESCAPE_VARIANT, 0, "default", 1, 1);
    if (ranks) {
        rows(f, machine, EVIL_VARIANT, 0, EVIL_TUNING, 2, 2);
        rows(f, machine, ESCAPE_VARIANT, 0, "default", 1, 2);
    }
    rows(f, machine, "all", 0, "default", 1, 1); /* its charts must not replace the comparing ones */
    rows(f, machine, EVIL_GPU, 1, "default", 1, 1);
    rows(f, machine, "cuda_naive", 1, "default", 1, 1);
    return fclose(f) == 0;
}

/* The file's text holds want; else a failed check naming what. */
static void holds(check_ctx *ctx, const char *path, const char *want, const char *what)
{
    size_t n = 0;
    char *s = pc_slurp(path, &n);
    CHECK(ctx, s && strstr(s, want), "%s: %s not shown literally (want '%s')", path, what, want);
    free(s);
}

static int count(const char *path, const char *what)
{
    size_t n = 0;
    char *s = pc_slurp(path, &n);
    int k = 0;
    for (const char *p = s ? strstr(s, what) : NULL; p; p = strstr(p + 1, what))
        k++;
    free(s);
    return s ? k : -1;
}

int main(int argc, char **argv)
{
    check_ctx ctx = {0};
    stencil_error err = {{0}};
    if (argc != 2) {
        fprintf(stderr, "usage: test_plot_inject PATH/TO/stencilbench\n");
        return 2;
    }
    if (plot_gnuplot_check(&err) != STENCIL_OK) {
        printf("skipped: %s\n", err.msg);
        return 77;
    }
    const char *sb = argv[1];
    if (system("rm -rf " ROOT) != 0)
        return 1;
    mkdir(ROOT, 0777);
    mkdir(ROOT "/nc", 0777);
    mkdir(ROOT "/run", 0777);
    mkdir(ROOT "/ref", 0777);
    const char *nc = ROOT "/nc/" EVIL_FILE;
    CHECK(&ctx, write_netcdf(nc), "cannot write the netCDF file");
    CHECK(&ctx,
          write_text(
              ROOT "/run/machine.json",
              "{\"schema_version\": 1, \"run_id\": \"inject`touch pwned_runid`\",\n"
              " \"label\": \"m`touch pwned_label`$(touch pwned_label2)'\\\"\\n<script>alert(1)</script>\",\n"
              " \"hostname\": \"h`touch pwned_host`<b>\",\n"
              " \"cpu\": {\"model\": \"c`touch pwned_cpu`$(touch pwned_cpu2)\\n'\\\"\", \"cores\": 2,\n"
              "         \"caches\": [{\"level\": 2, \"type\": \"unified\", \"size_bytes\": 524288}]},\n"
              " \"gpu\": {\"name\": \"G`touch pwned_gpu`\\n<i>\", \"cc\": \"8.6\", \"sms\": 4,\n"
              "         \"memory_bytes\": 1073741824, \"l2_bytes\": 1048576},\n"
              " \"config\": {\"x\": \"</table><script>\"}, \"dataset\": \"d`touch pwned_ds`<i>\"}\n"),
          "cannot write machine.json");
    CHECK(&ctx,
          write_timings(ROOT "/run/timings.csv", "mach`touch${IFS}pwned_mcol`$(touch${IFS}pwned_mcol2)<b>", 1),
          "cannot write timings.csv");
    CHECK(&ctx,
          write_timings(ROOT "/ref/timings.csv", "r`touch${IFS}pwned_ref`$(touch${IFS}pwned_ref2)<script>", 0),
          "cannot write the reference");

    /* viz: the file name, units and time long_name reach titles, labels and the pages. */
    static const char *const modes[3][6] = {{"viz", "slice", "--input", NULL, "--out", ROOT "/viz"},
                                            {"viz", "animate", "--input", NULL, "--out", ROOT "/viz"},
                                            {"viz", "cube", "--input", NULL, "--out", ROOT "/viz"}};
    for (int m = 0; m < 3; m++) {
        const char *args[8] = {modes[m][0], modes[m][1], modes[m][2], nc, modes[m][4], modes[m][5], NULL};
        int rc = run(sb, args);
        CHECK(&ctx, rc == 0, "viz %s exited %d (see " ROOT "/log.txt)", modes[m][1], rc);
    }
    DIR *d = opendir(ROOT "/viz");
    int pages = 0;
    for (struct dirent *e; d && (e = readdir(d)) != NULL;) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 5, ".html") != 0)
            continue;
        char path[4096];
        snprintf(path, sizeof path, ROOT "/viz/%s", e->d_name);
        pages++;
        CHECK(&ctx, count(path, "<script") == 1, "%s: markup from the data became a <script>", path);
        holds(&ctx, path, "ev`touch pwned_file`$(touch pwned_file2)&#39;q&quot;&lt;script&gt;",
              "the file name");
        holds(&ctx, path, "t`touch pwned_time`'\\u0022\\u003cscript>\\u000a$(touch pwned_time2)",
              "the time label (script)");
    }
    if (d)
        closedir(d);
    CHECK(&ctx, pages == 2, ROOT "/viz: %d HTML pages, want 2 (animate, cube)", pages);

    /* plot: machine.json and timings.csv reach titles, keys, file names and index.html. */
    const char *plot_args[] = {"plot", ROOT "/run", NULL};
    int rc = run(sb, plot_args);
    CHECK(&ctx, rc == 0, "plot exited %d (see " ROOT "/log.txt)", rc);
    const char *index = ROOT "/run/plots/index.html";
    int refs = 0;
    char why[512];
    CHECK(&ctx, pc_html_refs(index, &refs, why, sizeof why), "%s", why);
    CHECK(&ctx, refs >= 2 * 20, "%s: %d references, want the charts of 5 variants", index, refs);
    CHECK(&ctx, count(index, "<script") == 0 && count(index, "<b>") == 0 && count(index, "<i>") == 0,
          "%s: markup from the run's files reached the page", index);
    holds(&ctx, index,
          "m`touch pwned_label`$(touch pwned_label2)&#39;&quot;\n&lt;script&gt;alert(1)&lt;/script&gt;",
          "the machine label");
    holds(&ctx, index, "<h2>v`touch pwned_v`&#39;&quot;&lt;script&gt;</h2>", "the variant");
    holds(&ctx, index, "g`touch pwned_g`$(touch pwned_g2)&lt;b&gt;&#39;</a>",
          "the GPU variant (section link)");
    holds(&ctx, index, "&lt;/table&gt;&lt;script&gt;", "the study config");
    holds(&ctx, index, "t`touch pwned_t`$(touch pwned_t2)&lt;i&gt;", "the tuning (a chart title)");
    /* The charts show the text as it is (gnuplot's SVG escapes < itself). */
    holds(&ctx, ROOT "/run/plots/rate_all.svg", "m`touch pwned_label`$(touch pwned_label2)'\"", "the title");
    CHECK(&ctx, count(index, "<img src=\"rate_all.png\"") == 1,
          "%s: the variant called all and the comparing charts share rate_all.png", index);
    holds(&ctx, ROOT "/run/plots/rate_all.svg", "v`touch pwned_v`'\"&lt;script>, 2 threads", "the key");
    holds(&ctx, ROOT "/run/plots/transfers_all.svg", "g`touch pwned_g`$(touch pwned_g2)&lt;b>'",
          "a bar label");
    /* The charts over MPI ranks: the variant's name in their titles, their files safely named. */
    char stem[80], ranks_svg[256];
    plot_safe_name(stem, sizeof stem, EVIL_VARIANT, 0);
    snprintf(ranks_svg, sizeof ranks_svg, ROOT "/run/plots/ranks_scaling_%s.svg", stem);
    holds(&ctx, ranks_svg, "v`touch pwned_v`'\"&lt;script>: strong scaling over MPI ranks", "the ranks chart's title");
    CHECK(&ctx, count(index, "<img src=\"ranks_scaling_") == 2 && count(index, "<img src=\"ranks_time_") == 2,
          "%s: want the charts over ranks of two variants", index);

    /* compare: the machine columns reach the key; a --chart name reaches the script. */
    const char *cmp_args[] = {"compare", ROOT "/run", ROOT "/ref", NULL};
    rc = run(sb, cmp_args);
    CHECK(&ctx, rc == 0, "compare exited %d (see " ROOT "/log.txt)", rc);
    char png[256];
    CHECK(&ctx, pc_png(ROOT "/run/plots/compare.png", 900, 500, 10000, why, sizeof why), "%s", why);
    holds(&ctx, ROOT "/run/plots/compare.svg", "r`touch${IFS}pwned_ref`$(touch${IFS}pwned_ref2)&lt;script>",
          "the reference's machine");
    holds(&ctx, ROOT "/run/plots/compare.svg", "v`touch pwned_v`'\"&lt;script>", "a variant");
    const char *chart = ROOT "/chart/c`touch pwned_chart`$(touch pwned_chart2)'\"\nx.png";
    const char *chart_args[] = {"compare", ROOT "/run", ROOT "/ref", "--chart", chart, NULL};
    rc = run(sb, chart_args);
    CHECK(&ctx, rc == 0, "compare --chart exited %d (see " ROOT "/log.txt)", rc);
    snprintf(png, sizeof png, "%s", chart);
    CHECK(&ctx, pc_png(png, 900, 500, 10000, why, sizeof why), "%s", why);
    const char *pipe_args[] = {
        "compare", ROOT "/run", ROOT "/ref", "--chart", ROOT "/chart/|touch pwned_pipe", NULL};
    rc = run(sb, pipe_args);
    CHECK(&ctx, rc == 0, "compare --chart '|...' exited %d (see " ROOT "/log.txt)", rc);
    CHECK(&ctx, pc_png(ROOT "/chart/|touch pwned_pipe.png", 900, 500, 10000, why, sizeof why), "%s", why);

    int ran = 0, unsafe = 0;
    scan(&ctx, ROOT, 0, &ran);
    scan(&ctx, ROOT "/run/plots", 1, &unsafe);
    DIR *cwd = opendir(".");
    for (struct dirent *e; cwd && (e = readdir(cwd)) != NULL;)
        CHECK(&ctx, strncmp(e->d_name, "pwned", 5) != 0 && !strstr(e->d_name, "escape_v"),
              "a command ran or a file escaped into the working folder: %s", e->d_name);
    if (cwd)
        closedir(cwd);
    printf("viz, plot, compare: %d commands ran or files escaped, %d unsafe file names\n", ran, unsafe);
    return check_finish(&ctx, "test_plot_inject");
}
