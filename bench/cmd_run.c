/* stencilbench run: measure variants on one grid, validate each against naive, print a table. */
#include <getopt.h>
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../io/synthetic.h"
#include "cli.h"
#include "gpu_report.h"
#include "grid.h"
#include "measure.h"
#include "probe.h"
#include "timer.h"
#include "validate.h"

enum { MAX_VARIANTS = 32, MAX_REPS = 1000 };

static void run_usage(FILE *f)
{
    fprintf(f,
            "usage: stencilbench run [options]\n\n"
            "Runs stencil variants on a synthetic ocean grid, validates each against naive on\n"
            "the same input, and prints cell updates per second, effective GB/s (8 B per cell\n"
            "update) and the fraction of the copy bandwidth measured in this process.\n\n"
            "  --variant V       a variant, a comma list, all, cpu or gpu (default: cpu)\n"
            "  --grid G          NZxNYxNX or N for a cube (default: 50x222x241, the course's)\n"
            "  --steps N         timesteps per repetition (default: 10)\n"
            "  --threads T       threads for threaded variants (default: all cores)\n"
            "  --scheme S        course (6*T, default) or insulated (n*T)\n"
            "  --k K             diffusion coefficient, 0 < K <= 1 (default: 0.1)\n"
            "  --reps R          timed repetitions, medians reported (default: 5)\n"
            "  --warmup W        untimed repetitions first (default: 1)\n"
            "  --tuning T        knobs, e.g. tile_y=16,tile_x=256 (see stencilbench list)\n"
            "  --land-fraction F fraction of NaN cells in the synthetic grid (default: 0.5)\n"
            "  --seed S          synthetic grid seed (default: %u)\n",
            IO_DEFAULT_SEED);
}

int bench_cmd_run(int argc, char **argv)
{
    static const struct option opts[] = {
        {"variant", required_argument, 0, 'v'}, {"grid", required_argument, 0, 'g'},
        {"steps", required_argument, 0, 's'},   {"threads", required_argument, 0, 't'},
        {"scheme", required_argument, 0, 'S'},  {"k", required_argument, 0, 'k'},
        {"reps", required_argument, 0, 'r'},    {"warmup", required_argument, 0, 'w'},
        {"tuning", required_argument, 0, 'T'},  {"land-fraction", required_argument, 0, 'L'},
        {"seed", required_argument, 0, 'e'},    {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    const char *variant_text = "cpu", *grid_text = "50x222x241", *tuning_text = "";
    long steps = 10, threads = omp_get_num_procs(), reps = 5, warmup = 1, seed = IO_DEFAULT_SEED;
    double k = 0.1, land = IO_DEFAULT_LAND_FRACTION;
    stencil_scheme scheme = STENCIL_SCHEME_COURSE;
    stencil_error err = {{0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        int ok = 1;
        switch (c) {
        case 'v': variant_text = optarg; break;
        case 'g': grid_text = optarg; break;
        case 'T': tuning_text = optarg; break;
        case 's': ok = bench_cli_int("--steps", optarg, 0, 1000000, &steps); break;
        case 't': ok = bench_cli_int("--threads", optarg, 1, 4096, &threads); break;
        case 'r': ok = bench_cli_int("--reps", optarg, 1, MAX_REPS, &reps); break;
        case 'w': ok = bench_cli_int("--warmup", optarg, 0, 1000, &warmup); break;
        case 'e': ok = bench_cli_int("--seed", optarg, 0, 2147483647L, &seed); break;
        case 'L': ok = bench_cli_double("--land-fraction", optarg, 0.0, 1.0, &land); break;
        case 'k':
            ok = bench_cli_double("--k", optarg, -INFINITY, INFINITY, &k);
            if (ok && !(k > 0.0 && k <= 1.0)) {
                fprintf(stderr, "stencilbench: --k %s: the diffusion coefficient must be in (0, 1]\n", optarg);
                ok = 0;
            }
            break;
        case 'S':
            if (stencil_scheme_parse(optarg, &scheme, &err) != STENCIL_OK) {
                fprintf(stderr, "stencilbench: --scheme: %s\n", err.msg);
                ok = 0;
            }
            break;
        case 'h': run_usage(stdout); return BENCH_EXIT_OK;
        default: run_usage(stderr); return BENCH_EXIT_USAGE;
        }
        if (!ok)
            return BENCH_EXIT_USAGE;
    }
    if (optind < argc) {
        fprintf(stderr, "stencilbench run: unexpected argument '%s'\n", argv[optind]);
        run_usage(stderr);
        return BENCH_EXIT_USAGE;
    }
    const stencil_variant *variants[MAX_VARIANTS];
    int nv = bench_cli_variants(variant_text, variants, MAX_VARIANTS);
    if (nv < 0)
        return BENCH_EXIT_USAGE;
    size_t nz, ny, nx;
    if (bench_parse_grid(grid_text, &nz, &ny, &nx, &err) != STENCIL_OK ||
        bench_check_memory(nz, ny, nx, 5, &err) != STENCIL_OK) {
        fprintf(stderr, "stencilbench: --grid: %s\n", err.msg);
        return BENCH_EXIT_USAGE;
    }
    stencil_problem problem = {nz, ny, nx, (float)k, scheme, (int)threads, {0}, bench_largest_cache_bytes()};
    for (int i = 0; i < nv; i++) {
        stencil_tuning t;
        if (*tuning_text && stencil_tuning_parse(tuning_text, variants[i]->tunings, &t, &err) != STENCIL_OK) {
            fprintf(stderr, "stencilbench: --tuning for %s: %s\n", variants[i]->name, err.msg);
            return BENCH_EXIT_USAGE;
        }
    }

    const size_t cells = nz * ny * nx;
    float *input = malloc(cells * sizeof *input), *ref = malloc(cells * sizeof *ref),
          *out = malloc(cells * sizeof *out);
    bench_rep *rep = malloc((size_t)reps * sizeof *rep);
    int status = BENCH_EXIT_OK;
    if (!input || !ref || !out || !rep) {
        fprintf(stderr, "stencilbench: out of memory for the %zux%zux%zu fields\n", nz, ny, nx);
        status = BENCH_EXIT_FAILED;
        goto done;
    }
    io_ocean_spec spec = io_ocean_default(nz, ny, nx);
    spec.land_fraction = land;
    spec.seed = (uint64_t)seed;
    if (io_synthetic_ocean(&spec, input, (int)threads, &err) != STENCIL_OK ||
        bench_reference(&problem, input, (int)steps, ref, &err) != STENCIL_OK) {
        fprintf(stderr, "stencilbench: %s\n", err.msg);
        status = BENCH_EXIT_FAILED;
        goto done;
    }
    size_t nan_cells = 0;
    for (size_t i = 0; i < cells; i++)
        nan_cells += isnan(input[i]);

    printf("grid %zux%zux%zu (%.1f MiB per field, %.1f %% land), %ld steps, scheme %s, k=%g, "
           "median of %ld reps after %ld warm-up\n",
           nz, ny, nx, (double)cells * 4 / 1048576.0, 100.0 * (double)nan_cells / (double)cells,
           steps, stencil_scheme_name(scheme), k, reps, warmup);
    double copy1 = bench_cpu_copy_gbps(1, bench_copy_probe_bytes(), 10);
    double copyn = threads > 1 ? bench_cpu_copy_gbps((int)threads, bench_copy_probe_bytes(), 10) : copy1;
    printf("copy bandwidth (STREAM-like, read+write): %.1f GB/s on 1 thread, %.1f GB/s on %ld\n\n",
           copy1, copyn, threads);
    /* GPU rows: roofline against the device-to-device copy, transfers (bench/gpu_report.c) */
    bench_gpu_probes gpu = {0};
    for (int i = 0; i < nv; i++)
        if (variants[i]->device == STENCIL_GPU && variants[i]->available(gpu.why, sizeof gpu.why)) {
            bench_gpu_probe_print(cells * sizeof(float), &gpu);
            break;
        }
    printf("%-12s %7s %-20s %12s %10s %9s %9s %11s  %s\n", "variant", "threads", "tuning",
           "compute_s", "Gcell/s", "GB/s", "of_copy", "max_abs_err", "status");
    for (int i = 0; i < nv; i++) {
        const stencil_variant *v = variants[i];
        problem.threads = v->uses_threads ? (int)threads : 1;
        stencil_tuning_parse(tuning_text, v->tunings, &problem.tuning, &err);
        char tuning[128];
        stencil_tuning_format(&problem.tuning, v->tunings, tuning, sizeof tuning);
        stencil_status st = bench_measure(v, &problem, input, (int)steps, (int)warmup, (int)reps,
                                          rep, out, &err);
        if (st == STENCIL_ERR_UNAVAILABLE || st == STENCIL_ERR_NOMEM) {
            printf("%-12s %7d %-20s %12s %10s %9s %9s %11s  skipped: %s\n", v->name,
                   problem.threads, tuning, "-", "-", "-", "-", "-", err.msg);
            continue;
        }
        if (st != STENCIL_OK) {
            printf("%-12s %7d %-20s %12s %10s %9s %9s %11s  failed: %s\n", v->name,
                   problem.threads, tuning, "-", "-", "-", "-", "-", err.msg);
            status = BENCH_EXIT_FAILED;
            continue;
        }
        double t[MAX_REPS];
        for (long r = 0; r < reps; r++)
            t[r] = rep[r].compute_s;
        double med = bench_median(t, (int)reps);
        double rate = bench_cell_updates(nz, ny, nx, (int)steps) / med;
        double gbps = rate * v->bytes_per_cell / 1e9;
        double copy = v->device == STENCIL_GPU ? gpu.d2d_gbps : problem.threads > 1 ? copyn : copy1;
        bench_validation val;
        bench_validate(ref, out, nz, ny, nx, (int)steps, &val);
        printf("%-12s %7d %-20s %12.6f %10.3f %9.2f %8.1f%% %11.3g  %s\n", v->name,
               problem.threads, tuning, med, rate / 1e9, gbps, 100.0 * gbps / copy,
               val.max_abs_err, val.ok ? "ok" : "FAILED validation");
        if (!val.ok) {
            fprintf(stderr,
                    "stencilbench: %s differs from naive in %zu cells (tolerance %.3g); first: %s\n",
                    v->name, val.bad_cells, val.tolerance, val.first_bad);
            status = BENCH_EXIT_FAILED;
        }
        if (v->device == STENCIL_GPU && val.ok && gpu.ok &&
            bench_gpu_row_print(v, &problem, input, ref, (int)steps, (int)warmup, (int)reps, rep,
                                &gpu, &err) != STENCIL_OK) {
            fprintf(stderr, "stencilbench: %s with pinned host memory: %s\n", v->name, err.msg);
            status = BENCH_EXIT_FAILED;
        }
    }
done:
    free(input);
    free(ref);
    free(out);
    free(rep);
    return status;
}
