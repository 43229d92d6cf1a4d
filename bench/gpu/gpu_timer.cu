#include <cuda_runtime.h>

#include "cuda_check.cuh"
#include "gpu/gpu_timer.h"

static stencil_status create_events(cudaEvent_t *start, cudaEvent_t *stop, stencil_error *err)
{
    STENCIL_CUDA_CHECK(err, cudaEventCreate(start));
    STENCIL_CUDA_CHECK(err, cudaEventCreate(stop));
    return STENCIL_OK;
}

static stencil_status time_call(cudaEvent_t start, cudaEvent_t stop, bench_gpu_call fn, void *ctx,
                                double *seconds, stencil_error *err)
{
    float ms = 0.0f;
    STENCIL_CUDA_CHECK(err, cudaEventRecord(start, 0));
    stencil_status st = fn(ctx, err);
    if (st != STENCIL_OK)
        return st;
    STENCIL_CUDA_CHECK(err, cudaEventRecord(stop, 0));
    STENCIL_CUDA_CHECK(err, cudaEventSynchronize(stop));
    STENCIL_CUDA_CHECK(err, cudaEventElapsedTime(&ms, start, stop));
    *seconds = 1e-3 * (double)ms;
    return STENCIL_OK;
}

extern "C" stencil_status bench_gpu_time(bench_gpu_call fn, void *ctx, double *seconds,
                                         stencil_error *err)
{
    cudaEvent_t start = nullptr, stop = nullptr;
    stencil_status st = create_events(&start, &stop, err);
    if (st == STENCIL_OK)
        st = time_call(start, stop, fn, ctx, seconds, err);
    if (start)
        cudaEventDestroy(start);
    if (stop)
        cudaEventDestroy(stop);
    return st;
}
