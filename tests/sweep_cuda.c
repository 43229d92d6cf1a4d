/* Not a test: a tuning sweep for the device host. One synthetic input and one naive reference,
 * then each tuning of one variant measured (median of reps, compute only) and validated.
 * usage: sweep_cuda VARIANT NZxNYxNX STEPS LAND_FRACTION REPS TUNING... ("default" allowed) */
#include <stdio.h>
#include <stdlib.h>

#include "synthetic.h"
#include "cli/cli.h"
#include "gpu/gpu.h"
#include "harness/grid.h"
#include "harness/measure.h"
#include "harness/timer.h"
#include "analysis/stats.h"
#include "timings/timings.h"
#include "harness/validate.h"
#include "variant.h"

int main(int argc, char **argv)
{
    if (argc < 7) {
        fprintf(stderr, "usage: sweep_cuda VARIANT NZxNYxNX STEPS LAND REPS TUNING...\n");
        return 2;
    }
    const stencil_variant *v = stencil_variant_find(argv[1]);
    size_t nz, ny, nx;
    stencil_error err = {{0}};
    int steps = atoi(argv[3]), reps = atoi(argv[5]);
    if (!v || bench_parse_grid(argv[2], &nz, &ny, &nx, &err) != STENCIL_OK || steps < 1 ||
        reps < 1 || reps > 100) {
        fprintf(stderr, "sweep_cuda: bad arguments %s\n", err.msg);
        return 2;
    }
    const size_t cells = nz * ny * nx;
    float *in = malloc(cells * sizeof *in), *ref = malloc(cells * sizeof *ref),
          *out = malloc(cells * sizeof *out);
    bench_rep rep[100];
    if (!in || !ref || !out)
        return 1;
    io_ocean_spec spec = io_ocean_default(nz, ny, nx);
    spec.land_fraction = atof(argv[4]);
    stencil_problem p = {.nz = nz, .ny = ny, .nx = nx, .k = 0.1f, .threads = 1};
    double d2d = 0.0;
    if (io_synthetic_ocean(&spec, in, 8, &err) != STENCIL_OK ||
        bench_reference(&p, in, steps, ref, &err) != STENCIL_OK ||
        bench_gpu_copy_gbps((size_t)1 << 30, 20, &d2d, &err) != STENCIL_OK) {
        fprintf(stderr, "sweep_cuda: %s\n", err.msg);
        return 1;
    }
    printf("# %s %s steps %d land %s, d2d copy %.1f GB/s\n", v->name, argv[2], steps, argv[4], d2d);
    int bad = 0;
    for (int a = 6; a < argc; a++) {
        if (stencil_tuning_parse(argv[a], v->tunings, &p.tuning, &err) != STENCIL_OK) {
            printf("%-40s bad tuning: %s\n", argv[a], err.msg);
            continue;
        }
        if (bench_measure(v, &p, in, steps, 2, reps, rep, out, &err) != STENCIL_OK) {
            printf("%-40s failed: %s\n", argv[a], err.msg);
            bad++;
            continue;
        }
        double t[100], lo = 1e30;
        for (int r = 0; r < reps; r++) {
            t[r] = rep[r].compute_s;
            lo = t[r] < lo ? t[r] : lo;
        }
        double med = bench_median(t, reps), rate = bench_cell_updates(nz, ny, nx, steps) / med;
        bench_validation val;
        bench_validate(in, ref, out, nz, ny, nx, steps, &val);
        bad += !val.ok;
        printf("%-40s %9.2f us/step (min %9.2f) %8.1f Gcell/s %6.1f %% of d2d  err %g %s\n", argv[a],
               1e6 * med / steps, 1e6 * lo / steps, rate / 1e9, 100.0 * rate * 8 / 1e9 / d2d,
               val.max_abs_err, val.ok ? "ok" : "FAILED");
        fflush(stdout);
    }
    free(in);
    free(ref);
    free(out);
    return bad ? 1 : 0;
}
