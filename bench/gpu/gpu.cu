/* bench/gpu.h with CUDA: device facts, pinned host memory, and the bandwidth probes (CUDA
 * events on stream 0, one warm-up, median of reps). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cuda_runtime.h>

#include "analysis/stats.h"
#include "gpu/gpu.h"

#define GPU_CHECK(expr)                                                                        \
    do {                                                                                       \
        cudaError_t e_ = (expr);                                                               \
        if (e_ != cudaSuccess) {                                                               \
            cudaGetLastError();                                                                \
            st = stencil_fail(err, e_ == cudaErrorMemoryAllocation ? STENCIL_ERR_NOMEM         \
                                                                   : STENCIL_ERR_DEVICE,       \
                              "%s:%d: %s: %s", __FILE__, __LINE__, #expr,                      \
                              cudaGetErrorString(e_));                                         \
            goto done;                                                                         \
        }                                                                                      \
    } while (0)

extern "C" stencil_status bench_gpu_query(bench_gpu_info *info, stencil_error *err)
{
    stencil_status st = STENCIL_OK;
    int n = 0;
    cudaDeviceProp prop;
    memset(info, 0, sizeof *info);
    cudaError_t e = cudaGetDeviceCount(&n);
    if (e != cudaSuccess || n == 0) {
        cudaGetLastError();
        if (e == cudaErrorInsufficientDriver)
            return stencil_fail(err, STENCIL_ERR_UNAVAILABLE, "no usable NVIDIA driver (%s: %s)",
                                cudaGetErrorName(e), cudaGetErrorString(e));
        if (e == cudaErrorNoDevice || e == cudaSuccess)
            return stencil_fail(err, STENCIL_ERR_UNAVAILABLE, "no CUDA device found (cudaErrorNoDevice)");
        return stencil_fail(err, STENCIL_ERR_UNAVAILABLE, "CUDA cannot start (%s: %s)",
                            cudaGetErrorName(e), cudaGetErrorString(e));
    }
    GPU_CHECK(cudaGetDevice(&info->device));
    GPU_CHECK(cudaGetDeviceProperties(&prop, info->device));
    snprintf(info->name, sizeof info->name, "%s", prop.name);
    info->cc_major = prop.major;
    info->cc_minor = prop.minor;
    info->sms = prop.multiProcessorCount;
    info->global_mem_bytes = prop.totalGlobalMem;
    info->l2_bytes = (size_t)prop.l2CacheSize;
    info->mem_bus_bits = prop.memoryBusWidth;
    GPU_CHECK(cudaDeviceGetAttribute(&info->sm_clock_khz, cudaDevAttrClockRate, info->device));
    GPU_CHECK(cudaDeviceGetAttribute(&info->mem_clock_khz, cudaDevAttrMemoryClockRate, info->device));
    GPU_CHECK(cudaDriverGetVersion(&info->driver_version));
    GPU_CHECK(cudaRuntimeGetVersion(&info->runtime_version));
    GPU_CHECK(cudaDeviceGetPCIBusId(info->pci_bus_id, (int)sizeof info->pci_bus_id, info->device));
done:
    return st;
}

extern "C" stencil_status bench_host_alloc(size_t bytes, int pinned, void **out, stencil_error *err)
{
    stencil_status st = STENCIL_OK;
    *out = NULL;
    if (!pinned) {
        *out = malloc(bytes ? bytes : 1);
        if (!*out)
            return stencil_fail(err, STENCIL_ERR_NOMEM, "cannot allocate %zu bytes of host memory", bytes);
        return STENCIL_OK;
    }
    GPU_CHECK(cudaMallocHost(out, bytes ? bytes : 1));
done:
    if (st != STENCIL_OK)
        *out = NULL;
    return st;
}

extern "C" void bench_host_free(void *p, int pinned)
{
    if (!p)
        return;
    if (pinned)
        cudaFreeHost(p);
    else
        free(p);
}

/* Times `reps` (after one warm-up) copies of `bytes` from src to dst on stream 0. */
static stencil_status time_copies(void *dst, const void *src, size_t bytes, cudaMemcpyKind kind,
                                  int reps, double *median_s, stencil_error *err)
{
    stencil_status st = STENCIL_OK;
    cudaEvent_t a = NULL, b = NULL;
    double *t = (double *)malloc((size_t)reps * sizeof *t);
    if (!t)
        return stencil_fail(err, STENCIL_ERR_NOMEM, "out of host memory");
    GPU_CHECK(cudaEventCreate(&a));
    GPU_CHECK(cudaEventCreate(&b));
    for (int r = -1; r < reps; r++) {
        float ms = 0.0f;
        GPU_CHECK(cudaEventRecord(a, 0));
        GPU_CHECK(cudaMemcpyAsync(dst, src, bytes, kind, 0));
        GPU_CHECK(cudaEventRecord(b, 0));
        GPU_CHECK(cudaEventSynchronize(b));
        GPU_CHECK(cudaEventElapsedTime(&ms, a, b));
        if (r >= 0)
            t[r] = 1e-3 * (double)ms;
    }
    *median_s = bench_median(t, (size_t)reps);
done:
    if (a)
        cudaEventDestroy(a);
    if (b)
        cudaEventDestroy(b);
    free(t);
    return st;
}

extern "C" stencil_status bench_gpu_copy_gbps(size_t bytes, int reps, double *gbps, stencil_error *err)
{
    stencil_status st = STENCIL_OK;
    void *a = NULL, *b = NULL;
    double s = 0.0;
    if (reps < 1 || bytes == 0)
        return stencil_fail(err, STENCIL_ERR_ARG, "copy probe: need bytes > 0 and reps >= 1");
    GPU_CHECK(cudaMalloc(&a, bytes));
    GPU_CHECK(cudaMalloc(&b, bytes));
    GPU_CHECK(cudaMemset(a, 0x3f, bytes)); /* 0.75f everywhere: not zeros */
    st = time_copies(b, a, bytes, cudaMemcpyDeviceToDevice, reps, &s, err);
    if (st == STENCIL_OK)
        *gbps = 2.0 * (double)bytes / s / 1e9;
done:
    cudaFree(a);
    cudaFree(b);
    return st;
}

extern "C" stencil_status bench_gpu_transfer_gbps(size_t bytes, int pinned, int reps,
                                                  double *h2d_gbps, double *d2h_gbps,
                                                  stencil_error *err)
{
    stencil_status st = STENCIL_OK;
    void *host = NULL, *dev = NULL;
    double up = 0.0, down = 0.0;
    if (reps < 1 || bytes == 0)
        return stencil_fail(err, STENCIL_ERR_ARG, "transfer probe: need bytes > 0 and reps >= 1");
    st = bench_host_alloc(bytes, pinned, &host, err);
    if (st != STENCIL_OK)
        return st;
    memset(host, 0x3f, bytes); /* touch every page */
    GPU_CHECK(cudaMalloc(&dev, bytes));
    st = time_copies(dev, host, bytes, cudaMemcpyHostToDevice, reps, &up, err);
    if (st == STENCIL_OK)
        st = time_copies(host, dev, bytes, cudaMemcpyDeviceToHost, reps, &down, err);
    if (st == STENCIL_OK) {
        *h2d_gbps = (double)bytes / up / 1e9;
        *d2h_gbps = (double)bytes / down / 1e9;
    }
done:
    cudaFree(dev);
    bench_host_free(host, pinned);
    return st;
}

extern "C" stencil_status bench_gpu_free_memory(size_t *free_bytes, size_t *total_bytes,
                                                stencil_error *err)
{
    stencil_status st = STENCIL_OK;
    *free_bytes = *total_bytes = 0;
    GPU_CHECK(cudaMemGetInfo(free_bytes, total_bytes));
done:
    return st;
}
