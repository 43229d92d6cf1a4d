#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "gpu.h"
#include "gpu_report.h"
#include "timer.h"
#include "validate.h"

enum { PROBE_REPS = 5, COPY_REPS = 20 };

void bench_gpu_probe_print(size_t field_bytes, bench_gpu_probes *p)
{
    stencil_error err = {{0}};
    bench_gpu_info info;
    size_t free_b = 0, total_b = 0;
    memset(p, 0, sizeof *p);
    if (bench_gpu_query(&info, &err) != STENCIL_OK ||
        bench_gpu_free_memory(&free_b, &total_b, &err) != STENCIL_OK) {
        snprintf(p->why, sizeof p->why, "%s", err.msg);
        printf("GPU: none usable (%s)\n", p->why);
        return;
    }
    size_t copy_bytes = (size_t)1 << 30; /* far beyond any L2 */
    if (copy_bytes > free_b / 4)
        copy_bytes = free_b / 4;
    if (bench_gpu_copy_gbps(copy_bytes, COPY_REPS, &p->d2d_gbps, &err) != STENCIL_OK ||
        bench_gpu_transfer_gbps(field_bytes, 1, PROBE_REPS, &p->h2d_gbps[1], &p->d2h_gbps[1], &err) != STENCIL_OK ||
        bench_gpu_transfer_gbps(field_bytes, 0, PROBE_REPS, &p->h2d_gbps[0], &p->d2h_gbps[0], &err) != STENCIL_OK) {
        snprintf(p->why, sizeof p->why, "%s", err.msg);
        printf("GPU %s: probe failed (%s)\n", info.name, p->why);
        return;
    }
    p->ok = 1;
    printf("GPU %s (cc %d.%d, %d SMs, %.0f MiB L2): device-to-device copy %.1f GB/s (read+write, "
           "2 x %.0f MiB)\n", info.name, info.cc_major, info.cc_minor, info.sms,
           (double)info.l2_bytes / 1048576.0, p->d2d_gbps, (double)copy_bytes / 1048576.0);
    printf("  transfers of %.1f MiB: pinned h2d %.1f GB/s, d2h %.1f GB/s; pageable h2d %.1f GB/s, "
           "d2h %.1f GB/s\n", (double)field_bytes / 1048576.0, p->h2d_gbps[1], p->d2h_gbps[1],
           p->h2d_gbps[0], p->d2h_gbps[0]);
}

static double median_of(const bench_rep *rep, int reps, int which)
{
    double t[4096];
    int n = reps < 4096 ? reps : 4096;
    for (int r = 0; r < n; r++)
        t[r] = which == 0 ? rep[r].h2d_s : which == 1 ? rep[r].compute_s : rep[r].d2h_s;
    return bench_median(t, n);
}

stencil_status bench_gpu_row_print(const stencil_variant *v, const stencil_problem *problem,
                                   const float *input, const float *ref, int steps, int warmup,
                                   int reps, const bench_rep *rep, const bench_gpu_probes *probes,
                                   stencil_error *err)
{
    const size_t cells = problem->nz * problem->ny * problem->nx, bytes = cells * sizeof(float);
    float *in = NULL, *out = NULL;
    bench_rep *pin = malloc((size_t)reps * sizeof *pin);
    stencil_status st = pin ? STENCIL_OK : stencil_fail(err, STENCIL_ERR_NOMEM, "out of host memory");
    if (st == STENCIL_OK)
        st = bench_host_alloc(bytes, 1, (void **)&in, err);
    if (st == STENCIL_OK)
        st = bench_host_alloc(bytes, 1, (void **)&out, err);
    if (st == STENCIL_OK) {
        memcpy(in, input, bytes);
        st = bench_measure(v, problem, in, steps, warmup, reps, pin, out, err);
    }
    if (st == STENCIL_OK) {
        bench_validation val;
        if (!bench_validate(ref, out, problem->nz, problem->ny, problem->nx, steps, &val))
            st = stencil_fail(err, STENCIL_ERR_VALIDATION, "pinned run differs from naive in %zu "
                              "cells; first: %s", val.bad_cells, val.first_bad);
    }
    if (st == STENCIL_OK) {
        const double gb = (double)bytes / 1e9;
        const double up[2] = {gb / median_of(rep, reps, 0), gb / median_of(pin, reps, 0)};
        const double down[2] = {gb / median_of(rep, reps, 2), gb / median_of(pin, reps, 2)};
        const double us = steps > 0 ? 1e6 * median_of(rep, reps, 1) / steps : 0.0;
        printf("%-12s   %.2f us/step; h2d pinned %.1f GB/s (%.0f %% of probe), pageable %.1f GB/s "
               "(%.0f %%); d2h pinned %.1f GB/s (%.0f %%), pageable %.1f GB/s (%.0f %%)\n",
               "", us, up[1], 100.0 * up[1] / probes->h2d_gbps[1], up[0],
               100.0 * up[0] / probes->h2d_gbps[0], down[1], 100.0 * down[1] / probes->d2h_gbps[1],
               down[0], 100.0 * down[0] / probes->d2h_gbps[0]);
    }
    bench_host_free(in, 1);
    bench_host_free(out, 1);
    free(pin);
    return st;
}
