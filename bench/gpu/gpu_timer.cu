#include <cuda_runtime.h>

#include "gpu/gpu_timer.h"

#define GPU_CHECK(expr)                                                                        \
    do {                                                                                       \
        cudaError_t e_ = (expr);                                                               \
        if (e_ != cudaSuccess) {                                                               \
            st = stencil_fail(err, STENCIL_ERR_DEVICE, "%s:%d: %s: %s", __FILE__, __LINE__,    \
                              #expr, cudaGetErrorString(e_));                                  \
            goto done;                                                                         \
        }                                                                                      \
    } while (0)

extern "C" stencil_status bench_gpu_time(bench_gpu_call fn, void *ctx, double *seconds,
                                         stencil_error *err)
{
    stencil_status st = STENCIL_OK;
    cudaEvent_t start = nullptr, stop = nullptr;
    float ms = 0.0f;
    GPU_CHECK(cudaEventCreate(&start));
    GPU_CHECK(cudaEventCreate(&stop));
    GPU_CHECK(cudaEventRecord(start, 0));
    st = fn(ctx, err);
    if (st != STENCIL_OK)
        goto done;
    GPU_CHECK(cudaEventRecord(stop, 0));
    GPU_CHECK(cudaEventSynchronize(stop));
    GPU_CHECK(cudaEventElapsedTime(&ms, start, stop));
    *seconds = 1e-3 * (double)ms;
done:
    if (start)
        cudaEventDestroy(start);
    if (stop)
        cudaEventDestroy(stop);
    return st;
}
