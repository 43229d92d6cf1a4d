/* CUDA-event timing of work a GPU variant enqueues on stream 0 (bench/gpu_timer.cu).
 * Only built with CUDA; the harness calls it for variants whose device is STENCIL_GPU. */
#ifndef BENCH_GPU_TIMER_H
#define BENCH_GPU_TIMER_H

#include "variant.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef stencil_status (*bench_gpu_call)(void *ctx, stencil_error *err);

/* Records an event on stream 0, calls fn(ctx), records another, synchronises, and stores the
 * elapsed time in seconds. A CUDA failure while waiting is reported as STENCIL_ERR_DEVICE. */
stencil_status bench_gpu_time(bench_gpu_call fn, void *ctx, double *seconds, stencil_error *err);

#ifdef __cplusplus
}
#endif

#endif
