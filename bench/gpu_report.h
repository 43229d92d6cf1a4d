/* The GPU lines of `stencilbench run` (bench/gpu_report.c): the GPU limits measured in the same
 * process (device-to-device copy, pinned and pageable transfers of the field's size) and, for
 * each GPU variant, time per step and transfer rates in pinned and in pageable host memory
 * beside those probes. Kept apart from cmd_run.c so the study harness can fold it in. */
#ifndef BENCH_GPU_REPORT_H
#define BENCH_GPU_REPORT_H

#include <stddef.h>

#include "../kernels/variant.h"
#include "measure.h"

typedef struct bench_gpu_probes {
    int ok;                            /* 0: no usable GPU; why says so */
    char why[512];
    double d2d_gbps;                   /* device-to-device copy, bytes read + written */
    double h2d_gbps[2], d2h_gbps[2];   /* [0] pageable, [1] pinned; bytes moved once */
} bench_gpu_probes;

/* Measures the probes (transfers of field_bytes) and prints one line each. */
void bench_gpu_probe_print(size_t field_bytes, bench_gpu_probes *probes);

/* For GPU variant v, already measured with pageable buffers (rep): measures it again with
 * pinned host buffers, validates that result against ref, and prints us/step and both
 * memories' transfer rates beside the probes. Returns STENCIL_OK or the failure (err set). */
stencil_status bench_gpu_row_print(const stencil_variant *v, const stencil_problem *problem,
                                   const float *input, const float *ref, int steps, int warmup,
                                   int reps, const bench_rep *rep, const bench_gpu_probes *probes,
                                   stencil_error *err);

#endif
