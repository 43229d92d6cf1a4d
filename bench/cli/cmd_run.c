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
#include "cli/run_support.h"
#include "harness/machine.h"
#include "harness/plan.h"
#include "harness/ranks.h"
#include "report/report.h"
#include "harness/study.h"
#include "harness/measure.h"
#include "harness/gpustate.h"
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

/* One line on the GPU's state as the sweep starts, or why it is not known. */
static void print_gpu_state(const bench_gpu_facts *f, const bench_gpu_snap *s)
{
    if (!f->nvml) {
        printf("GPU state: unknown (%s): clocks, temperature, power and throttling are not "
               "recorded\n", f->why);
        return;
    }
    char words[160];
    bench_gpu_reasons_text(s->reasons, words, sizeof words);
    printf("GPU state (NVML, driver %s): %s: SM %.0f of %.0f MHz, memory %.0f MHz, %.0f C, "
           "%.0f of %.0f W, throttle %s\n", *f->driver ? f->driver : "?", f->name, s->sm_mhz,
           f->max_sm_mhz, s->mem_mhz, s->temp_c, s->power_w, f->power_limit_w,
           *words ? words : "unknown");
}

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
    int r = bench_run_parse_options(argc, argv, &o); /* -1: go on; otherwise the exit status */
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
    bench_gpu_mon *gpu_mon = NULL; /* NVML, when the study has a GPU */
    bench_gpu_facts gpu_facts;
    bench_gpu_snap gpu_before, gpu_after;
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
    char unstable[400];
    if (stencil_scheme_unstable(plan->scheme, plan->k, unstable, sizeof unstable))
        fprintf(stderr, "stencilbench: warning: %s\n", unstable);
    if (o.dry_run) {
        gates.start_sent = 1; /* the other ranks stop after the plan too */
        bench_run_print_plan(plan);
        status = BENCH_EXIT_OK;
        goto done;
    }

    bench_sys_facts before, after;
    int busy = bench_run_machine_check(&before);

    /* The run folder. */
    gethostname(host, sizeof host - 1);
    host[strcspn(host, ".")] = '\0';
    if (!*host)
        snprintf(host, sizeof host, "unknown");
    bench_run_utc_now(started, sizeof started, "%Y-%m-%dT%H:%M:%SZ");
    int resumed = 0;
    if (o.resume) {
        snprintf(dir, sizeof dir, "%s", o.resume);
        bench_run_previous_record(dir, started, sizeof started, &resumed);
        resumed++;
    } else if (o.out) {
        snprintf(dir, sizeof dir, "%s", o.out);
    } else {
        char stamp[32];
        bench_run_utc_now(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ");
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
    if (bench_run_mkdir_p(dir) != 0) {
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
    if (probes->have_gpu) {
        /* CUDA's device by its PCI bus id; NVML's index only where CUDA's ordinals are its */
        gpu_mon = bench_gpu_mon_open(NULL, probes->gpu.pci_bus_id,
                                     getenv("CUDA_VISIBLE_DEVICES") ? -1 : probes->gpu.device,
                                     &gpu_facts);
        bench_gpu_sample(gpu_mon, &gpu_before);
        if (!o.quiet)
            print_gpu_state(&gpu_facts, &gpu_before);
    }
    double first_estimate = bench_run_calibrate(plan, probes, busy, o.quiet); /* busy: caps */
    cfg_json = bench_run_config_json(&plan->resolved);
    bench_record_info info = {run_id, host, started, NULL, plan->dataset, 0, resumed, -1.0, -1.0,
                              &before, NULL, NAN, NAN, 0, NULL, NULL, NAN,
                              probes->have_gpu ? &gpu_facts : NULL,
                              probes->have_gpu ? &gpu_before : NULL, NULL};
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
    bench_console console = {.out = stdout, .err = stderr, .quiet = o.quiet,
                             .tty = isatty(STDERR_FILENO), .cols = bench_console_columns(STDOUT_FILENO)};
    bench_csv_reporter writer = {csv, csv_version, 0};
    const bench_reporter reporters[] = {{bench_csv_report, &writer},
                                        {bench_console_report, &console}};
    bench_study study = {.plan = plan, .probes = probes, .reporters = reporters, .nreporters = 2,
                         .run_id = run_id, .machine = host, .stop = &stop_requested,
                         .first_rep = first_rep, .ranks = world->active ? world : NULL,
                         .reprobe = !world->active, /* MPI: the start's probe only */
                         .gpu = gpu_mon};
    bench_sys_snap sweep_a, sweep_b;
    bench_sys_sample(NULL, &sweep_a);
    stencil_status st = bench_study_run(&study, &err);
    bench_sys_sample(NULL, &sweep_b);
    bench_sys_facts_read(NULL, &after);
    bench_sys_between(&sweep_a, &sweep_b, &info.sweep_other_cpu, &info.sweep_steal);
    info.state_after = &after;
    if (probes->have_gpu) {
        bench_gpu_sample(gpu_mon, &gpu_after);
        info.gpu_after = &gpu_after;
    }
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
    bench_run_utc_now(finished, sizeof finished, "%Y-%m-%dT%H:%M:%SZ");
    info.finished_utc = study.interrupted ? NULL : finished;
    info.interrupted = study.interrupted;
    info.sweep_wall_s = study.wall_s;
    info.sweep_measured_s = study.measured_s;
    snprintf(path, sizeof path, "%s/machine.json", dir);
    if (bench_machine_json_write(path, &info, &topo, probes, cfg_json, &err) != STENCIL_OK)
        fprintf(stderr, "stencilbench: %s\n", err.msg);

    snprintf(path, sizeof path, "%s/timings.csv", dir);
    char *warnings = NULL; /* the summary's warnings, for the charts' page too */
    if (bench_timings_read(path, BENCH_READ_STRICT, &done_rows, &err) != STENCIL_OK)
        fprintf(stderr, "stencilbench: %s\n", err.msg);
    else if (!o.quiet || !study.interrupted) {
        bench_summary_print(stdout, done_rows.rows, done_rows.count, console.cols);
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
        warnings = bench_summary_warnings(dir, &sc);
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
    if (!o.quiet && study.wall_s > 0 && !study.interrupted)
        printf("time: the sweep took %.0f s; estimated at the start: %.0f s\n", study.wall_s,
               first_estimate);
    if (!study.interrupted && !o.no_plots) {
        /* The charts (plots/); a missing gnuplot or a failed chart does not fail the run. */
        if (plot_gnuplot_check(&err) != STENCIL_OK || plot_render_run(dir, warnings, &err) != STENCIL_OK)
            fprintf(stderr, "stencilbench: no charts: %s (draw them later: stencilbench plot %s)\n",
                    err.msg, dir);
        else if (!o.quiet)
            printf("charts: %s/plots/index.html\n", dir);
    }
    free(warnings);
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
    bench_gpu_mon_close(gpu_mon);
    bench_timings_free(&done_rows);
    free(first_rep);
    bench_plan_free(plan);
    free(plan);
    free(probes);
    free(config);
    return status;
}
