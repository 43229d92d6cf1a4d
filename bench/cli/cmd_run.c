/* stencilbench run: a study (variants x grids x threads x timesteps x tunings x host memory x
 * repetitions) from a config file and flags; writes a run folder (timings.csv, machine.json,
 * study.ini), validates every point against naive, and prints a summary. */
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

/* The one global: set by SIGINT, read between repetitions. */
static volatile sig_atomic_t stop_requested = 0;

/* Ctrl-C stops after the current repetition (every row written stays valid). Wrappers such
 * as timeout(1) may deliver it twice, so a repeat changes nothing; SIGTERM still ends the
 * program at once. */
static void on_sigint(int sig)
{
    (void)sig;
    static const char msg[] = "\nstencilbench: stopping after this repetition\n";
    if (!stop_requested) {
        ssize_t w = write(STDERR_FILENO, msg, sizeof msg - 1);
        (void)w;
    }
    stop_requested = 1;
}

static void run_usage(FILE *f)
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

static int mkdir_p(const char *path)
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

static void utc_now(char *buf, size_t len, const char *fmt)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(buf, len, fmt, &tm);
}

static cJSON *config_json(const io_study_config *c)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    for (int k = 0; k < IO_KEY_COUNT; k++)
        cJSON_AddStringToObject(o, io_config_key_name((io_config_key)k), c->values[k].text);
    cJSON_AddStringToObject(o, "config_file", c->path);
    return o;
}

static void print_plan(const bench_plan *plan)
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
static int machine_check(bench_sys_facts *facts)
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

/* Scales the plan's estimates to this machine now: naive on a small grid (its rate against
 * the rate the estimates assume, and its noise) and the 1-thread copy probe. */
static void calibrate(bench_plan *plan, const bench_probes *probes, int quiet)
{
    enum { N = 34, STEPS = 4, REPS = 7 };
    const stencil_variant *naive = stencil_variant_find("naive");
    float *in = malloc(N * N * N * sizeof(float)), *out = malloc(N * N * N * sizeof(float));
    bench_rep rep[REPS];
    stencil_error err;
    stencil_problem pr = {N, N, N, plan->k, plan->scheme, 1, {0}, 0, 1, NULL};
    double t0 = bench_now();
    if (naive && in && out) {
        for (size_t i = 0; i < (size_t)N * N * N; i++)
            in[i] = 10.0f + (float)(i % 7);
        if (bench_measure(naive, &pr, in, STEPS, 1, REPS, rep, out, &err) == STENCIL_OK) {
            double t[REPS];
            for (int r = 0; r < REPS; r++)
                t[r] = rep[r].compute_s;
            bench_noise nz;
            bench_noise_of(t, REPS, &nz);
            double rate = bench_cell_updates(N, N, N, STEPS) / nz.median;
            if (rate > 0 && isfinite(rate))
                plan->rate_scale = fmin(fmax(rate / 4e8, 0.05), 20.0); /* plan.c assumes 4e8 */
            plan->expect_noisy |= bench_noisy(nz.ci_rel, plan->target_noise);
        }
    }
    free(in);
    free(out);
    if (probes->nthreads && probes->cpu_copy_gbps[0] > 0) /* plan.c's costs fit ~19 GB/s */
        plan->copy_scale = fmin(fmax(probes->cpu_copy_gbps[0] / 19.0, 0.05), 20.0);
    if (!quiet) {
        double est = bench_plan_estimate_s(plan) + 0.5 * plan->nthread_counts;
        printf("estimated time %.0f s (calibrated here in %.2f s: naive %.2fx and copy %.2fx the "
               "rates estimates assume%s)\n", est, bench_now() - t0, plan->rate_scale,
               plan->copy_scale, plan->expect_noisy ? "; busy or noisy now, so repetitions "
               "will run to --max-reps or --point-time" : "");
    }
}

/* Reads RUN_DIR/machine.json's started_utc and resumed count (best effort). */
static void previous_record(const char *dir, char *started, size_t len, int *resumed)
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

typedef struct run_options {
    const char *config, *out, *resume;
    int dry_run, quiet, no_plots;
    const char *keys[32], *values[32], *flags[32];
    int noverrides;
} run_options;

static int parse_options(int argc, char **argv, run_options *o)
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
        case 'h': run_usage(stdout); return BENCH_EXIT_OK;
        default:
            if (c >= 1 && c <= 19 && o->noverrides < 32) {
                o->keys[o->noverrides] = key_of[c];
                o->values[o->noverrides] = optarg;
                o->flags[o->noverrides++] = opts[idx].name;
                break;
            }
            run_usage(stderr);
            return BENCH_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "stencilbench run: unexpected argument '%s'\n", argv[optind]);
        run_usage(stderr);
        return BENCH_EXIT_USAGE;
    }
    if (o->resume && (o->config || o->out || o->noverrides)) {
        fprintf(stderr, "stencilbench run: --resume RUN_DIR takes the study saved in "
                        "RUN_DIR/study.ini; give no --config, --out or overrides with it\n");
        return BENCH_EXIT_USAGE;
    }
    return -1;
}

/* Rank 0 tells the others, once, whether the plan is made (then sends the resolved study) and,
 * once, whether the study starts (status 0) or not (the exit status). */
typedef struct rank_gates {
    bench_ranks *world;
    int plan_sent, plan_status, start_sent;
} rank_gates;

static void send_plan(rank_gates *g, int status, io_study_config *resolved)
{
    if (g->plan_sent)
        return;
    g->plan_sent = 1;
    g->plan_status = status;
    if (bench_ranks_bcast_int(g->world, status) == 0)
        bench_ranks_bcast_bytes(g->world, resolved, sizeof *resolved);
}

static void send_start(rank_gates *g, int status)
{
    if (g->start_sent || !g->plan_sent || g->plan_status != 0)
        return; /* the other ranks stopped at the plan */
    g->start_sent = 1;
    bench_ranks_bcast_int(g->world, status);
}

/* The MPI points' preconditions; 0 when they hold, else the message is printed and it is 2. */
static int check_ranks(const bench_plan *plan, const bench_ranks *w)
{
    const char *size = getenv("OMPI_COMM_WORLD_SIZE");
    if (!bench_ranks_built() && w->launched && size && atoi(size) > 1) {
        fprintf(stderr, "stencilbench: started by mpirun with %s processes, but this stencilbench "
                        "was built without MPI: install an MPI (Debian: libopenmpi-dev openmpi-bin), "
                        "configure and build again\n", size);
        return BENCH_EXIT_USAGE;
    }
    if (!plan->any_mpi)
        return 0;
    if (!bench_ranks_built()) {
        fprintf(stderr, "stencilbench: the study has MPI variants (mpi), but this stencilbench was "
                        "built without MPI: install an MPI (Debian: libopenmpi-dev openmpi-bin), "
                        "configure and build again, or leave the MPI variants out\n");
        return BENCH_EXIT_USAGE;
    }
    if (!w->launched) {
        fprintf(stderr, "stencilbench: the study has MPI points of up to %d rank%s, and this process "
                        "was not started by an MPI launcher: run it as mpirun -n %d stencilbench run "
                        "... (srun under Slurm)\n", plan->max_ranks, plan->max_ranks > 1 ? "s" : "",
                plan->max_ranks);
        return BENCH_EXIT_USAGE;
    }
    return 0;
}

/* Ranks other than 0: rank 0's plan, then its MPI points, until it announces the end. */
static int run_as_peer(bench_ranks *w, const run_options *o)
{
    io_study_config *config = malloc(sizeof *config);
    bench_plan *plan = calloc(1, sizeof *plan);
    int *first_rep = NULL, status = bench_ranks_bcast_int(w, 0);
    volatile sig_atomic_t never = 0;
    stencil_error err = {{0}};
    bench_topology topo;
    if (!config || !plan)
        bench_ranks_abort(w, BENCH_EXIT_FAILED, "out of memory");
    if (status != 0)
        goto done;
    bench_ranks_bcast_bytes(w, config, sizeof *config);
    if (bench_topology_read(&topo, &err) != STENCIL_OK)
        memset(&topo, 0, sizeof topo);
    if (bench_plan_build(config, &topo, plan, &err) != STENCIL_OK)
        bench_ranks_abort(w, BENCH_EXIT_USAGE, err.msg);
    if (o->dry_run || (status = bench_ranks_bcast_int(w, 0)) != 0)
        goto done;
    first_rep = calloc(plan->count ? plan->count : 1, sizeof *first_rep);
    if (!first_rep)
        bench_ranks_abort(w, BENCH_EXIT_FAILED, "out of memory");
    bench_ranks_bcast_bytes(w, first_rep, plan->count * sizeof *first_rep);
    bench_study study = {.plan = plan, .ranks = w, .stop = &never, .first_rep = first_rep};
    if (bench_study_serve(&study, &err) != STENCIL_OK)
        bench_ranks_abort(w, BENCH_EXIT_FAILED, err.msg);
done:
    free(first_rep);
    bench_plan_free(plan);
    free(plan);
    free(config);
    return status; /* rank 0's (bad input: 2), or 0: rank 0's exit status is the run's */
}

static int run_study(int argc, char **argv, bench_ranks *world);

int bench_cmd_run(int argc, char **argv)
{
    bench_ranks world;
    bench_ranks_init(&world, &argc, &argv);
    int status = run_study(argc, argv, &world);
    bench_ranks_finish(&world);
    return status;
}

static int run_study(int argc, char **argv, bench_ranks *world)
{
    run_options o = {0};
    int r = parse_options(argc, argv, &o); /* -1: go on; otherwise the exit status */
    if (r >= 0)
        return r;
    if ((o.resume && !bench_run_dir_check("--resume", o.resume, 1024)) ||
        (o.out && !bench_run_dir_check("--out", o.out, 1024))) /* 1024: sizeof dir below */
        return BENCH_EXIT_USAGE;
    if (world->foreign_launch) {
        fprintf(stderr, "stencilbench: the launcher started %d processes, but this stencilbench's MPI "
                        "sees %d: it was started by the launcher of another MPI library; use the one "
                        "it was built with (mpiexec.hydra for MPICH, mpirun for Open MPI)\n",
                world->foreign_launch, world->size);
        return BENCH_EXIT_USAGE;
    }
    if (world->rank != 0)
        return run_as_peer(world, &o);
    rank_gates gates = {world, 0, 0, 0};

    stencil_error err = {{0}};
    io_study_config *config = malloc(sizeof *config);
    bench_plan *plan = malloc(sizeof *plan);
    bench_probes *probes = malloc(sizeof *probes);
    if (!config || !plan || !probes) {
        free(config), free(plan), free(probes);
        fprintf(stderr, "stencilbench: out of memory\n");
        return BENCH_EXIT_FAILED;
    }
    memset(plan, 0, sizeof *plan);
    int status = BENCH_EXIT_USAGE;
    FILE *csv = NULL;
    int csv_version = BENCH_CSV_SCHEMA_VERSION;
    int lock = -1; /* the run folder's lock */
    int *first_rep = NULL;
    bench_timings done_rows = {0};
    cJSON *cfg_json = NULL;
    char dir[1024], path[1100], run_id[256], host[256] = "", started[64], finished[64];

    io_config_defaults(config);
    if (o.resume) {
        snprintf(path, sizeof path, "%s/study.ini", o.resume);
        if (io_config_load(path, config, &err) != STENCIL_OK) {
            fprintf(stderr, "stencilbench: --resume %s: %s\n", o.resume, err.msg);
            goto done;
        }
    } else if (o.config && io_config_load(o.config, config, &err) != STENCIL_OK) {
        fprintf(stderr, "stencilbench: %s\n", err.msg);
        goto done;
    }
    for (int i = 0; i < o.noverrides; i++) {
        char flag[64];
        snprintf(flag, sizeof flag, "--%s", o.flags[i]);
        if (io_config_set(config, o.keys[i], o.values[i], flag, &err) != STENCIL_OK) {
            fprintf(stderr, "stencilbench: %s\n", err.msg);
            goto done;
        }
    }
    bench_topology topo;
    if (bench_topology_read(&topo, &err) != STENCIL_OK)
        fprintf(stderr, "stencilbench: warning: %s; assuming 1 core\n", err.msg);
    if (bench_plan_build(config, &topo, plan, &err) != STENCIL_OK) {
        fprintf(stderr, "stencilbench: %s\n", err.msg);
        goto done;
    }
    if (check_ranks(plan, world) != 0)
        goto done;
    send_plan(&gates, 0, &plan->resolved);
    if (!o.quiet || o.dry_run)
        fputs(plan->notes, stdout);
    if (o.dry_run) {
        gates.start_sent = 1; /* the other ranks stop after the plan too */
        print_plan(plan);
        status = BENCH_EXIT_OK;
        goto done;
    }

    bench_sys_facts before, after;
    int busy = machine_check(&before);

    /* The run folder. */
    gethostname(host, sizeof host - 1);
    host[strcspn(host, ".")] = '\0';
    if (!*host)
        snprintf(host, sizeof host, "unknown");
    utc_now(started, sizeof started, "%Y-%m-%dT%H:%M:%SZ");
    int resumed = 0;
    if (o.resume) {
        snprintf(dir, sizeof dir, "%s", o.resume);
        previous_record(dir, started, sizeof started, &resumed);
        resumed++;
    } else if (o.out) {
        snprintf(dir, sizeof dir, "%s", o.out);
    } else {
        char stamp[32];
        utc_now(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ");
        snprintf(dir, sizeof dir, "results/runs/%s-%s", stamp, host);
        /* Two runs started in the same second get -2, -3, ... */
        size_t n = strlen(dir);
        for (int k = 2; k < 100; k++) {
            snprintf(path, sizeof path, "%s/timings.csv", dir);
            if (access(path, F_OK) != 0)
                break;
            snprintf(dir + n, sizeof dir - n, "-%d", k);
        }
    }
    size_t dl = strlen(dir);
    while (dl > 1 && dir[dl - 1] == '/')
        dir[--dl] = '\0';
    const char *base = strrchr(dir, '/');
    snprintf(run_id, sizeof run_id, "%s", base ? base + 1 : dir);
    snprintf(path, sizeof path, "%s/timings.csv", dir);
    if (!o.resume && access(path, F_OK) == 0) {
        fprintf(stderr, "stencilbench: %s exists: choose another --out, or continue it with "
                        "--resume %s\n", path, dir);
        goto done;
    }
    if (mkdir_p(dir) != 0) {
        fprintf(stderr, "stencilbench: cannot create %s: %s\n", dir, strerror(errno));
        goto done;
    }
    if (!bench_run_dir_lock(dir, &lock))
        goto done;
    if (!o.resume && access(path, F_OK) == 0) { /* a run that held the folder until now */
        fprintf(stderr, "stencilbench: %s exists: choose another --out\n", path);
        goto done;
    }
    status = BENCH_EXIT_FAILED;
    first_rep = calloc(plan->count ? plan->count : 1, sizeof *first_rep);
    if (!first_rep) {
        fprintf(stderr, "stencilbench: out of memory\n");
        goto done;
    }
    if (o.resume) {
        if (bench_csv_open(path, &csv, &csv_version, &err) != STENCIL_OK ||
            bench_timings_read(path, BENCH_READ_STRICT, &done_rows, &err) != STENCIL_OK) {
            fprintf(stderr, "stencilbench: --resume: %s\n", err.msg);
            status = BENCH_EXIT_USAGE; /* a damaged run folder is bad input */
            goto done;
        }
        bench_study_resume_state(plan, done_rows.rows, done_rows.count, first_rep);
        size_t left = 0;
        for (size_t i = 0; i < plan->count; i++)
            left += first_rep[i] >= 0 && first_rep[i] < plan->reps;
        if (!o.quiet)
            printf("resuming %s: %zu rows recorded, %zu of %zu points to finish\n", dir,
                   done_rows.count, left, plan->count);
        bench_timings_free(&done_rows);
    } else {
        snprintf(path, sizeof path, "%s/study.ini", dir);
        if (io_config_write(&plan->resolved, path, &err) != STENCIL_OK) {
            fprintf(stderr, "stencilbench: %s\n", err.msg);
            goto done;
        }
        snprintf(path, sizeof path, "%s/timings.csv", dir);
        if (bench_csv_open(path, &csv, &csv_version, &err) != STENCIL_OK) {
            fprintf(stderr, "stencilbench: %s\n", err.msg);
            goto done;
        }
    }

    /* Probes, in this process, before the sweep. */
    if (!o.quiet)
        printf("run folder %s\nmeasuring copy bandwidth (CPU for %d thread count%s%s)...\n", dir,
               plan->nthread_counts, plan->nthread_counts > 1 ? "s" : "",
               plan->any_gpu ? "; GPU device and host transfers" : "");
    fflush(stdout);
    if (bench_probes_run(plan->thread_counts, plan->nthread_counts, plan->any_gpu, probes, &err) !=
        STENCIL_OK) {
        fprintf(stderr, "stencilbench: %s\n", err.msg);
        goto done;
    }
    if (!o.quiet) {
        printf("copy bandwidth (read+write):");
        for (int i = 0; i < probes->nthreads; i++)
            printf(" %.1f GB/s on %d thread%s%s", probes->cpu_copy_gbps[i], probes->thread_counts[i],
                   probes->thread_counts[i] > 1 ? "s" : "", i + 1 < probes->nthreads ? "," : "");
        if (probes->have_gpu)
            printf("; GPU %s: %.0f GB/s device copy, pinned %.1f/%.1f, pageable %.1f/%.1f GB/s "
                   "h2d/d2h", probes->gpu.name, probes->gpu_copy_gbps, probes->pinned_h2d_gbps,
                   probes->pinned_d2h_gbps, probes->pageable_h2d_gbps, probes->pageable_d2h_gbps);
        else if (plan->any_gpu)
            printf("; no GPU: %s", probes->gpu_why);
        printf("\n");
    }
    plan->expect_noisy = busy; /* a busy machine: repetitions will run to their caps */
    calibrate(plan, probes, o.quiet);
    cfg_json = config_json(&plan->resolved);
    bench_record_info info = {run_id, host, started, NULL, plan->dataset, 0, resumed, -1.0, -1.0,
                              &before, NULL, NAN, NAN, 0, NULL, NULL, NAN};
    snprintf(path, sizeof path, "%s/machine.json", dir);
    if (bench_machine_json_write(path, &info, &topo, probes, cfg_json, &err) != STENCIL_OK) {
        fprintf(stderr, "stencilbench: %s\n", err.msg);
        goto done;
    }
    send_start(&gates, 0);
    bench_ranks_bcast_bytes(world, first_rep, plan->count * sizeof *first_rep);

    struct sigaction sa, old_sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_sa);
    bench_console console = {stdout, stderr, o.quiet, isatty(STDERR_FILENO)};
    bench_csv_reporter writer = {csv, csv_version, 0};
    const bench_reporter reporters[] = {{bench_csv_report, &writer},
                                        {bench_console_report, &console}};
    bench_study study = {.plan = plan, .probes = probes, .reporters = reporters, .nreporters = 2,
                         .run_id = run_id, .machine = host, .stop = &stop_requested,
                         .first_rep = first_rep, .ranks = world->active ? world : NULL,
                         .reprobe = !world->active}; /* MPI: the start's probe only */
    bench_sys_snap sweep_a, sweep_b;
    bench_sys_sample(NULL, &sweep_a);
    stencil_status st = bench_study_run(&study, &err);
    bench_sys_sample(NULL, &sweep_b);
    bench_sys_facts_read(NULL, &after);
    bench_sys_between(&sweep_a, &sweep_b, &info.sweep_other_cpu, &info.sweep_steal);
    info.state_after = &after;
    info.nprobe_rounds = study.nprobe_rounds;
    info.probe_rounds = (const double (*)[BENCH_MAX_THREAD_COUNTS])study.probe_rounds;
    info.probe_round_s = study.probe_round_s;
    info.probe_swing = study.probe_swing;
    sigaction(SIGINT, &old_sa, NULL);
    fclose(csv);
    csv = NULL;
    if (st != STENCIL_OK) {
        fprintf(stderr, "stencilbench: %s\n", err.msg);
        goto done;
    }
    utc_now(finished, sizeof finished, "%Y-%m-%dT%H:%M:%SZ");
    info.finished_utc = study.interrupted ? NULL : finished;
    info.interrupted = study.interrupted;
    info.sweep_wall_s = study.wall_s;
    info.sweep_measured_s = study.measured_s;
    snprintf(path, sizeof path, "%s/machine.json", dir);
    if (bench_machine_json_write(path, &info, &topo, probes, cfg_json, &err) != STENCIL_OK)
        fprintf(stderr, "stencilbench: %s\n", err.msg);

    snprintf(path, sizeof path, "%s/timings.csv", dir);
    if (bench_timings_read(path, BENCH_READ_STRICT, &done_rows, &err) != STENCIL_OK)
        fprintf(stderr, "stencilbench: %s\n", err.msg);
    else if (!o.quiet || !study.interrupted) {
        bench_summary_print(stdout, done_rows.rows, done_rows.count);
        bench_summary_context sc = {plan->target_noise, study.probe_swing, NAN, NAN};
        for (int t = 0; t < probes->nthreads; t++) { /* the thread count that moved most */
            double lo = INFINITY, hi = 0;
            for (int k = 0; k < study.nprobe_rounds; k++)
                if (study.probe_rounds[k][t] > 0) {
                    lo = fmin(lo, study.probe_rounds[k][t]);
                    hi = fmax(hi, study.probe_rounds[k][t]);
                }
            if (hi > 0 && !(hi / lo <= sc.probe_hi / sc.probe_lo))
                sc.probe_lo = lo, sc.probe_hi = hi;
        }
        bench_summary_notes(stdout, done_rows.rows, done_rows.count, &sc);
    }
    size_t failed = 0, skipped = 0, nrows = done_rows.count;
    for (size_t i = 0; i < nrows; i++) {
        failed += strncmp(done_rows.rows[i].status, "failed", 6) == 0;
        skipped += strncmp(done_rows.rows[i].status, "skipped", 7) == 0;
    }
    printf("\n%zu rows in %s/timings.csv (%zu failed, %zu skipped); machine.json beside it\n",
           nrows, dir, failed, skipped);
    if (!o.quiet && study.wall_s > 0)
        printf("harness overhead: %.1f s of the sweep's %.1f s outside timed stages (inputs, "
               "references, validation, warm-up, allocation); probes %.1f s\n",
               study.wall_s - study.measured_s, study.wall_s, probes->seconds);
    if (!study.interrupted && !o.no_plots) {
        /* The charts (plots/); a missing gnuplot or a failed chart does not fail the run. */
        if (plot_gnuplot_check(&err) != STENCIL_OK || plot_render_run(dir, &err) != STENCIL_OK)
            fprintf(stderr, "stencilbench: no charts: %s (draw them later: stencilbench plot %s)\n",
                    err.msg, dir);
        else if (!o.quiet)
            printf("charts: %s/plots/index.html\n", dir);
    }
    if (study.interrupted) {
        printf("stopped by Ctrl-C; continue with: stencilbench run --resume %s\n", dir);
        status = BENCH_EXIT_INTERRUPTED;
    } else if (failed) {
        fprintf(stderr, "stencilbench: %zu rows failed (see the status column)\n", failed);
        status = BENCH_EXIT_FAILED;
    } else if (skipped && nrows == skipped) {
        fprintf(stderr, "stencilbench: every point was skipped; nothing was measured\n");
        status = BENCH_EXIT_FAILED;
    } else {
        status = BENCH_EXIT_OK;
        printf("next: stencilbench compare %s results/reference   (your machine against the "
               "reference CPUs and GPUs)\n", dir);
    }

done:
    send_plan(&gates, status ? status : BENCH_EXIT_FAILED, NULL); /* no-ops once sent */
    send_start(&gates, status ? status : BENCH_EXIT_FAILED);
    if (csv)
        fclose(csv);
    if (lock >= 0)
        close(lock);
    cJSON_Delete(cfg_json);
    bench_timings_free(&done_rows);
    free(first_rep);
    bench_plan_free(plan);
    free(plan);
    free(probes);
    free(config);
    return status;
}
