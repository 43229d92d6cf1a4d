/* stencilbench-gbench: every variant that can run here x a few grid sizes as Google Benchmark
 * benchmarks (through the C shim), for Google Benchmark's own tools (tools/compare.py).
 * One iteration is `run` of --steps timesteps on a prepared, uploaded state; CPU variants are
 * timed on the wall clock, GPU variants with CUDA events (manual time). Counters:
 * cell_updates_per_s and bytes_per_second (8 B per cell update). */
#define _POSIX_C_SOURCE 200809L
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "synthetic.h"
#include "cli/cli.h"
#include "gbench/gbench_shim.h"
#include "harness/grid.h"
#include "harness/measure.h"
#include "harness/probe.h"

/* The default repetition count: Google Benchmark's tools/compare.py warns "Results
 * unreliable! 9+ repetitions recommended" for its U test below 9 (UTEST_OPTIMAL_REPETITIONS
 * in tools/gbench/report.py). It is passed as the --benchmark_repetitions flag, never set on
 * the benchmark (Benchmark::Repetitions), which would append "/repeats:N" to every name: a
 * default run and one with the flag would then share no name for compare.py to match. */
enum { MAX_GRIDS = 16, MAX_BENCHES = 256, GB_DEFAULT_REPETITIONS = 9 };

typedef struct gb_grid {
    size_t nz, ny, nx;
    float *input; /* generated on first use */
} gb_grid;

typedef struct gb_case {
    const stencil_variant *v;
    gb_grid *grid;
    int steps, threads;
    bench_caches caches;
} gb_case;

static void run_case(bench_gb_state *state, void *ctx)
{
    gb_case *c = ctx;
    gb_grid *g = c->grid;
    stencil_error err = {{0}};
    size_t cells = g->nz * g->ny * g->nx;
    if (!g->input) {
        if (bench_check_memory(g->nz, g->ny, g->nx, 3, &err) != STENCIL_OK) {
            bench_gb_skip(state, err.msg);
            while (bench_gb_keep_running(state)) {
            }
            return;
        }
        g->input = malloc(cells * sizeof(float));
        io_ocean_spec spec = io_ocean_default(g->nz, g->ny, g->nx);
        if (!g->input)
            stencil_fail(&err, STENCIL_ERR_NOMEM, "out of memory for the input field");
        if (!g->input || io_synthetic_ocean(&spec, g->input, omp_get_max_threads(), &err) != STENCIL_OK) {
            free(g->input);
            g->input = NULL;
            bench_gb_skip(state, err.msg);
            while (bench_gb_keep_running(state)) {
            }
            return;
        }
    }
    stencil_problem problem = {g->nz, g->ny, g->nx, 0.1f, STENCIL_SCHEME_COURSE, c->threads, {0},
                               0, 0, NULL, 0, 0};
    bench_problem_caches(&problem, &c->caches);
    void *st = NULL;
    double seconds;
    if (c->v->prepare(&problem, &st, &err) != STENCIL_OK ||
        bench_time_stage(c->v, st, BENCH_STAGE_UPLOAD, g->input, NULL, 0, &seconds, &err) !=
            STENCIL_OK) {
        c->v->release(st);
        bench_gb_skip(state, err.msg);
        while (bench_gb_keep_running(state)) {
        }
        return;
    }
    int gpu = c->v->device == STENCIL_GPU;
    while (bench_gb_keep_running(state)) {
        stencil_status s;
        if (gpu) {
            s = bench_time_stage(c->v, st, BENCH_STAGE_RUN, NULL, NULL, c->steps, &seconds, &err);
            if (s == STENCIL_OK)
                bench_gb_set_iteration_time(state, seconds);
        } else {
            s = c->v->run(st, c->steps, &err);
        }
        if (s != STENCIL_OK) {
            bench_gb_skip(state, err.msg);
            break;
        }
    }
    double updates = bench_cell_updates(g->nz, g->ny, g->nx, c->steps);
    bench_gb_set_work(state, updates, updates * c->v->bytes_per_cell);
    c->v->release(st);
}

static void usage(FILE *f)
{
    fprintf(f, "usage: stencilbench-gbench [--grid LIST] [--steps N] [--threads T] [--benchmark_* ...]\n\n"
               "Google Benchmark over every variant that can run here x grids (default\n"
               "32,128,256,50x222x241) for N timesteps per iteration (default 10); threaded\n"
               "variants use T threads (default: all cores). Each benchmark runs %d times\n"
               "(--benchmark_repetitions=N to change it) with mean/median/stddev/cv\n"
               "aggregates; the names do not depend on the count, so runs with different counts\n"
               "compare. For tools/compare.py: --benchmark_format=json or\n"
               "--benchmark_out=FILE.json.\n", GB_DEFAULT_REPETITIONS);
}

int main(int argc, char **argv)
{
    /* One thread per core unless the user chose otherwise (re-executed: libgomp reads OMP_*
     * before main). */
    if ((!getenv("OMP_PROC_BIND") || !getenv("OMP_PLACES")) && !getenv("STENCILBENCH_REEXEC")) {
        setenv("OMP_PROC_BIND", "close", 0);
        setenv("OMP_PLACES", "cores", 0);
        setenv("STENCILBENCH_REEXEC", "1", 1);
        execv("/proc/self/exe", argv);
    }
    const char *grid_text = "32,128,256,50x222x241";
    long steps = 10, threads = omp_get_num_procs();
    int explicit_reps = 0;
    /* Our flags come out of argv; the rest goes to Google Benchmark, with the default
     * repetition count added as its flag when none was given (gb_argv: one slot more). */
    char **gb_argv = malloc(((size_t)argc + 2) * sizeof *gb_argv);
    char reps_flag[64];
    if (!gb_argv) {
        fprintf(stderr, "stencilbench-gbench: out of memory\n");
        return BENCH_EXIT_FAILED;
    }
    gb_argv[0] = argv[0];
    int n = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if ((strcmp(a, "--grid") == 0 || strcmp(a, "--steps") == 0 || strcmp(a, "--threads") == 0) &&
            i + 1 < argc) {
            int ok = 1;
            if (a[2] == 'g')
                grid_text = argv[i + 1];
            else if (a[2] == 's')
                ok = bench_cli_int("--steps", argv[i + 1], 1, 1000000, &steps);
            else
                ok = bench_cli_int("--threads", argv[i + 1], 1, 4096, &threads);
            if (!ok) {
                free(gb_argv);
                return BENCH_EXIT_USAGE;
            }
            i++;
            continue;
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            free(gb_argv);
            return BENCH_EXIT_OK;
        }
        if (strncmp(a, "--benchmark_repetitions", 23) == 0)
            explicit_reps = 1;
        gb_argv[n++] = argv[i];
    }
    if (!explicit_reps) {
        snprintf(reps_flag, sizeof reps_flag, "--benchmark_repetitions=%d", GB_DEFAULT_REPETITIONS);
        gb_argv[n++] = reps_flag;
    }
    gb_argv[n] = NULL;

    gb_grid grids[MAX_GRIDS] = {{0}};
    gb_case cases[MAX_BENCHES] = {{0}};
    int ng = 0, nc = 0;
    char list[1024];
    snprintf(list, sizeof list, "%s", grid_text);
    for (char *save = NULL, *tok = strtok_r(list, ",", &save); tok && ng < MAX_GRIDS;
         tok = strtok_r(NULL, ",", &save)) {
        stencil_error err;
        if (bench_parse_grid(tok, &grids[ng].nz, &grids[ng].ny, &grids[ng].nx, &err) != STENCIL_OK) {
            fprintf(stderr, "stencilbench-gbench: --grid: %s\n", err.msg);
            free(gb_argv);
            return BENCH_EXIT_USAGE;
        }
        ng++;
    }
    const bench_caches caches = bench_cache_layout();
    for (size_t i = 0; i < stencil_variant_count(); i++) {
        const stencil_variant *v = stencil_variant_at(i);
        char why[256];
        if (!v->available(why, sizeof why)) {
            fprintf(stderr, "stencilbench-gbench: %s not registered: %s\n", v->name, why);
            continue;
        }
        for (int g = 0; g < ng && nc < MAX_BENCHES; g++) {
            gb_case *c = &cases[nc++];
            c->v = v;
            c->grid = &grids[g];
            c->steps = (int)steps;
            c->threads = v->uses_threads ? (int)threads : 1;
            c->caches = caches;
            char name[160];
            snprintf(name, sizeof name, "%s/%zux%zux%zu/steps:%d/omp:%d", v->name,
                     grids[g].nz, grids[g].ny, grids[g].nx, c->steps, c->threads);
            if (bench_gb_register(name, run_case, c, v->device == STENCIL_GPU, 0) != 0) {
                fprintf(stderr, "stencilbench-gbench: cannot register %s\n", name);
                free(gb_argv);
                return BENCH_EXIT_FAILED;
            }
        }
    }
    int r = bench_gb_run(&n, gb_argv);
    free(gb_argv);
    for (int g = 0; g < ng; g++)
        free(grids[g].input);
    return r == 0 ? BENCH_EXIT_OK : BENCH_EXIT_USAGE;
}
