/* stencilbench run's helpers (run_support.h). */
#define _POSIX_C_SOURCE 200809L
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "analysis/noise.h"
#include "analysis/stats.h"
#include "config.h"
#include "plot.h"
#include "cli/cli.h"
#include "harness/machine.h"
#include "harness/plan.h"
#include "harness/ranks.h"
#include "report/report.h"
#include "harness/study.h"
#include "harness/measure.h"
#include "harness/sysstate.h"
#include "harness/timer.h"

#include "cli/run_support.h"

void bench_run_usage(FILE *f)
{
    fprintf(f,
            "usage: stencilbench run [--config FILE] [overrides] [--out DIR] [--dry-run] [--quiet]\n"
            "       stencilbench run --resume RUN_DIR\n\n"
            "Runs a study: variants x grids x threads x timesteps x tunings x host memory x\n"
            "repetitions, from an INI file (configs/default.ini, configs/ci.ini, configs/gpu.ini)\n"
            "and/or the flags below. Every repetition is a row of RUN_DIR/timings.csv\n"
            "(results/SCHEMA.md); RUN_DIR/machine.json records the machine, the bandwidth probes\n"
            "and the resolved study. Every point is validated against naive on the same input.\n\n"
            "  --config FILE     the study file (default: built-in, one grid, cpu variants)\n"
            "  --out DIR         the run folder (default: results/runs/<utc-time>-<host>)\n"
            "  --resume RUN_DIR  finish an interrupted run (Ctrl-C) without redoing points\n"
            "  --dry-run         print the plan: points, estimated time, memory per point\n"
            "  --quiet           no progress bar or per-point lines\n"
            "  --no-plots        do not draw RUN_DIR/plots at the end (stencilbench plot does)\n\n"
            "Overrides (each replaces the config key in brackets):\n"
            "  --variant V       names, all, cpu or gpu [variants]\n"
            "  --grid G          NZxNYxNX, N (cube), auto, dataset; comma list [grids]\n"
            "  --steps N         timesteps per repetition; comma list [timesteps]\n"
            "  --threads T       counts, cores or pow2 [threads]\n"
            "  --tuning T        knobs, e.g. tile_y=16,tile_x=256; '|' between tunings [tunings]\n"
            "  --host-memory M   pinned, pageable (GPU variants) [host_memory]\n"
            "  --scheme S        course or insulated [scheme]\n"
            "  --k K             diffusion coefficient, 0 < K <= 1 [k]\n"
            "  --reps R          timed repetitions [reps]     --warmup W  untimed first [warmup]\n"
            "  --land-fraction F NaN fraction of synthetic grids [land_fraction]\n"
            "  --seed S          synthetic seed [seed]    --dataset F.nc  netCDF for dataset [dataset]\n"
            "  --ranks N         MPI ranks of the MPI variants; comma list [ranks]\n"
            "  --scaling S       strong (one grid shared) or weak (grids per rank) [scaling]\n\n"
            "MPI variants (--variant mpi) run under an MPI launcher with at least the most ranks\n"
            "planned: mpirun -n 4 stencilbench run --variant mpi --ranks 1,2,4 ...; rank 0 writes\n"
            "the run folder and prints, every rank measures.\n\n"
            "Repetitions are adaptive: at least --reps, then more until the 95 %% confidence\n"
            "interval of the median is within --target-noise of it, at most --max-reps, and no\n"
            "new one after --point-time seconds on the point. A point that stops above the\n"
            "target is marked NOISY (console, summary, compare, gate).\n"
            "  --max-reps N      at most N repetitions (default 20) [max_reps]\n"
            "  --target-noise P  CI half-width of the median, %% (default 2; 0: exactly --reps)\n"
            "                    [target_noise]\n"
            "  --point-time S    no repetition started after S seconds on a point (default 2)\n"
            "                    [point_time]\n"
            "  --min-time S      a repetition runs the kernel enough times to last S seconds\n"
            "                    (default 0.01; rows hold times per pass) [min_time]\n\n"
            "The machine's state (load, other processes' CPU time, steal, clock, governor, SMT,\n"
            "kernel, OS, cgroup quota) goes into machine.json and each row; a busy machine is\n"
            "warned about at the start. The copy probe is repeated before each grid and at the\n"
            "end; rows use the latest.\n\n"
            "Exit status: 0 all points ok or skipped; 1 a point failed (validation, device);\n"
            "2 bad input; 130 interrupted (resume with --resume RUN_DIR).\n");
}

int bench_run_mkdir_p(const char *path)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir(buf, 0777) != 0 && errno != EEXIST)
                return -1;
            *p = '/';
        }
    return mkdir(buf, 0777) != 0 && errno != EEXIST ? -1 : 0;
}

void bench_run_utc_now(char *buf, size_t len, const char *fmt)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(buf, len, fmt, &tm);
}

cJSON *bench_run_config_json(const io_study_config *c)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    for (int k = 0; k < IO_KEY_COUNT; k++)
        cJSON_AddStringToObject(o, io_config_key_name((io_config_key)k), c->values[k].text);
    cJSON_AddStringToObject(o, "config_file", c->path);
    return o;
}

void bench_run_print_plan(const bench_plan *plan)
{
    printf("plan: %zu points, %d repetitions each after %d warm-up, scheme %s, k=%g\n", plan->count,
           plan->reps, plan->warmup, stencil_scheme_name(plan->scheme), plan->k);
    if (plan->target_noise > 0 && plan->max_reps > plan->reps)
        printf("repetitions: %d, then more until the median is within +-%g %% (95 %% confidence), "
               "at most %d and %g s a point; each at least %g s (kernel passes batched)\n",
               plan->reps, 100 * plan->target_noise, plan->max_reps, plan->point_time_s,
               plan->min_time_s);
    printf("%-6s %-14s %-4s %3s %-20s %-14s %6s %-8s %9s %9s %9s\n", "point", "variant", "dev",
           "thr", "tuning", "grid", "steps", "memory", "est_s", "host_MiB", "dev_MiB");
    for (size_t i = 0; i < plan->count; i++) {
        const bench_point *p = &plan->points[i];
        char grid[48];
        snprintf(grid, sizeof grid, "%zux%zux%zu%s", p->nz, p->ny, p->nx, p->dataset ? "*" : "");
        printf("%-6zu %-14s %-4s %3d %-20s %-14s %6d %-8s %9.2f %9.1f %9.1f\n", i + 1,
               p->variant->name, p->variant->device == STENCIL_GPU ? "gpu" : "cpu", p->threads,
               p->tuning_text, grid, p->steps, bench_host_memory_name(p->host_memory),
               bench_point_estimate_s(plan, p), bench_point_host_bytes(p) / 1048576.0,
               bench_point_device_bytes(p) / 1048576.0);
    }
    printf("(* the dataset grid) estimated total %.0f s (rough: fixed rates, the minimum "
           "repetitions, naive references and probes included; a run calibrates it on the machine)\n",
           bench_plan_estimate_s(plan) + 2.0 * plan->nthread_counts);
}

/* The machine before a study: its facts, and the others' CPU share over a short window;
 * warnings go to stderr (they are printed even with --quiet). Returns 1 when it is busy. */
int bench_run_machine_check(bench_sys_facts *facts)
{
    bench_sys_snap a, b;
    bench_sys_facts_read(NULL, facts);
    bench_sys_sample(NULL, &a);
    struct timespec pause = {0, 250000000L};
    nanosleep(&pause, NULL);
    bench_sys_sample(NULL, &b);
    double other, steal;
    bench_sys_between(&a, &b, &other, &steal);
    char text[1024];
    int busy = 0;
    if (bench_sys_warnings(facts, other, steal, text, sizeof text)) {
        busy = strstr(text, "this machine is busy") != NULL;
        for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
            fprintf(stderr, "stencilbench: warning: %s\n", line);
    }
    return busy;
}

typedef struct calib_times {
    double t[16], rep_s[16]; /* compute per pass; the repetition's batch of passes */
    int n;
} calib_times;

static int calib_rep(void *ctx, int rep, const bench_rep *times, const float *out)
{
    (void)rep;
    (void)out;
    calib_times *c = ctx;
    if (c->n < 16) {
        c->rep_s[c->n] = (times->batch > 0 ? times->batch : 1) *
                         (times->h2d_s + times->compute_s + times->d2h_s);
        c->t[c->n++] = times->compute_s;
    }
    return 1;
}

/* Times the plan's estimates on this machine now (bench_plan_calibrate does the arithmetic):
 * every CPU variant of the plan at each of its thread counts on a grid in cache (its
 * rate and noise), the copy probe per thread count, and whether the machine is busy. */
double bench_run_calibrate(bench_plan *plan, const bench_probes *probes, int busy, int quiet)
{
    enum { N = 96, STEPS = 2, REPS = 5 }; /* in L3, rows long enough to be like the study's */
    bench_calibration cal;
    memset(&cal, 0, sizeof cal);
    cal.busy = busy;
    cal.probe_s = probes->seconds;
    for (int i = 0; i < plan->nthread_counts && i < BENCH_MAX_THREAD_COUNTS; i++)
        for (int j = 0; j < probes->nthreads; j++)
            if (probes->thread_counts[j] == plan->thread_counts[i])
                cal.copy_gbps[i] = probes->cpu_copy_gbps[j];
    float *in = malloc(N * N * N * sizeof(float)), *out = malloc(N * N * N * sizeof(float));
    stencil_error err;
    double t0 = bench_now();
    for (size_t i = 0; in && out && i < (size_t)N * N * N; i++)
        in[i] = 10.0f + (float)(i % 7);
    for (size_t i = 0; in && out && i < plan->count; i++) {
        const bench_point *p = &plan->points[i];
        const stencil_variant *v = p->variant;
        int seen = 0;
        for (int k = 0; k < cal.nunavailable; k++)
            seen |= cal.unavailable[k] == v;
        for (int k = 0; k < cal.nkernel; k++)
            seen |= cal.kernel[k].variant == v && cal.kernel[k].threads == p->threads;
        if (seen)
            continue;
        char why[256];
        if (!v->available(why, sizeof why)) {
            if (cal.nunavailable < BENCH_MAX_CALIBRATED)
                cal.unavailable[cal.nunavailable++] = v;
            continue;
        }
        if (v->device != STENCIL_CPU || v->uses_ranks || cal.nkernel >= BENCH_MAX_CALIBRATED)
            continue; /* the fixed rates: a GPU's launch floor; MPI needs its ranks */
        stencil_problem pr = {N, N, N, plan->k, plan->scheme, p->threads, {0}, 0, 1, NULL, 0, 0};
        calib_times ct;
        memset(&ct, 0, sizeof ct);
        if (bench_measure_batched(v, &pr, in, STEPS, 1, 0, REPS, plan->min_time_s, calib_rep, &ct,
                                  out, &err) != STENCIL_OK || ct.n < 2)
            continue;
        bench_noise nz;
        bench_noise_of(ct.t, (size_t)ct.n, &nz);
        double rate = bench_cell_updates(N, N, N, STEPS) / nz.median;
        if (rate > 0 && isfinite(rate))
            cal.kernel[cal.nkernel++] = (bench_kernel_rate){v, p->threads, rate, nz.ci_rel, ct.n,
                                                            bench_median(ct.rep_s, (size_t)ct.n)};
    }
    free(in);
    free(out);
    bench_plan_calibrate(plan, &cal);
    double est = bench_plan_estimate_s(plan);
    if (!quiet) {
        printf("estimated time %.0f s (calibrated here in %.2f s: %d kernel%s timed on %d^3, "
               "naive %.2fx and copy %.2fx the rates the fixed estimates assume%s)\n", est,
               bench_now() - t0, cal.nkernel, cal.nkernel == 1 ? "" : "s", N, plan->rate_scale,
               plan->copy_scale, busy ? "; the machine is busy, so repetitions will run to "
               "--max-reps or --point-time" : "");
    }
    return est;
}

/* Reads RUN_DIR/machine.json's started_utc and resumed count (best effort). */
void bench_run_previous_record(const char *dir, char *started, size_t len, int *resumed)
{
    char path[1100];
    snprintf(path, sizeof path, "%s/machine.json", dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char *text = malloc(1 << 20);
    if (text) {
        size_t n = fread(text, 1, (1 << 20) - 1, f);
        text[n] = '\0';
        cJSON *o = cJSON_Parse(text);
        const cJSON *s = cJSON_GetObjectItemCaseSensitive(o, "started_utc");
        const cJSON *r = cJSON_GetObjectItemCaseSensitive(o, "resumed");
        if (cJSON_IsString(s))
            snprintf(started, len, "%s", s->valuestring);
        if (cJSON_IsNumber(r))
            *resumed = r->valueint;
        cJSON_Delete(o);
        free(text);
    }
    fclose(f);
}



int bench_run_parse_options(int argc, char **argv, run_options *o)
{
    static const struct option opts[] = {
        {"config", required_argument, 0, 'c'},  {"out", required_argument, 0, 'o'},
        {"resume", required_argument, 0, 'R'},  {"dry-run", no_argument, 0, 'n'},
        {"quiet", no_argument, 0, 'q'},         {"help", no_argument, 0, 'h'},
        {"no-plots", no_argument, 0, 'P'},
        {"variant", required_argument, 0, 1},   {"grid", required_argument, 0, 2},
        {"steps", required_argument, 0, 3},     {"threads", required_argument, 0, 4},
        {"tuning", required_argument, 0, 5},    {"host-memory", required_argument, 0, 6},
        {"scheme", required_argument, 0, 7},    {"k", required_argument, 0, 8},
        {"reps", required_argument, 0, 9},      {"warmup", required_argument, 0, 10},
        {"land-fraction", required_argument, 0, 11}, {"seed", required_argument, 0, 12},
        {"dataset", required_argument, 0, 13},  {"ranks", required_argument, 0, 14},
        {"scaling", required_argument, 0, 15},  {"max-reps", required_argument, 0, 16},
        {"target-noise", required_argument, 0, 17}, {"point-time", required_argument, 0, 18},
        {"min-time", required_argument, 0, 19}, {0, 0, 0, 0}};
    static const char *const key_of[] = {"",       "variants", "grids",  "timesteps",   "threads",
                                         "tunings", "host_memory", "scheme", "k", "reps",
                                         "warmup", "land_fraction", "seed", "dataset", "ranks", "scaling",
                                         "max_reps", "target_noise", "point_time", "min_time"};
    int c, idx;
    optind = 1;
    while ((c = getopt_long(argc, argv, "hq", opts, &idx)) != -1) {
        switch (c) {
        case 'c': o->config = optarg; break;
        case 'o': o->out = optarg; break;
        case 'R': o->resume = optarg; break;
        case 'n': o->dry_run = 1; break;
        case 'q': o->quiet = 1; break;
        case 'P': o->no_plots = 1; break;
        case 'h': bench_run_usage(stdout); return BENCH_EXIT_OK;
        default:
            if (c >= 1 && c <= 19 && o->noverrides < 32) {
                o->keys[o->noverrides] = key_of[c];
                o->values[o->noverrides] = optarg;
                o->flags[o->noverrides++] = opts[idx].name;
                break;
            }
            bench_run_usage(stderr);
            return BENCH_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "stencilbench run: unexpected argument '%s'\n", argv[optind]);
        bench_run_usage(stderr);
        return BENCH_EXIT_USAGE;
    }
    if (o->resume && (o->config || o->out || o->noverrides)) {
        fprintf(stderr, "stencilbench run: --resume RUN_DIR takes the study saved in "
                        "RUN_DIR/study.ini; give no --config, --out or overrides with it\n");
        return BENCH_EXIT_USAGE;
    }
    return -1;
}

