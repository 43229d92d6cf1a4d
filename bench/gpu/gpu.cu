/* bench/gpu.h with CUDA: device facts, pinned host memory, and the bandwidth probes (CUDA
 * events on stream 0, one warm-up, median of reps). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cuda_runtime.h>

#include "analysis/stats.h"
#include "cuda_common.cuh"
#include "gpu/gpu.h"

extern "C" stencil_status bench_gpu_query(bench_gpu_info *info, stencil_error *err)
{
    char why[256];
    cudaDeviceProp prop;
    memset(info, 0, sizeof *info);
    if (!stencil_cuda_available(why, sizeof why))
        return stencil_fail(err, STENCIL_ERR_UNAVAILABLE, "%s", why);
    STENCIL_CUDA_CHECK(err, cudaGetDevice(&info->device));
    STENCIL_CUDA_CHECK(err, cudaGetDeviceProperties(&prop, info->device));
    snprintf(info->name, sizeof info->name, "%s", prop.name);
    info->cc_major = prop.major;
    info->cc_minor = prop.minor;
    info->sms = prop.multiProcessorCount;
    info->global_mem_bytes = prop.totalGlobalMem;
    info->l2_bytes = (size_t)prop.l2CacheSize;
    info->mem_bus_bits = prop.memoryBusWidth;
    STENCIL_CUDA_CHECK(err, cudaDeviceGetAttribute(&info->sm_clock_khz, cudaDevAttrClockRate, info->device));
    STENCIL_CUDA_CHECK(err, cudaDeviceGetAttribute(&info->mem_clock_khz, cudaDevAttrMemoryClockRate, info->device));
    STENCIL_CUDA_CHECK(err, cudaDriverGetVersion(&info->driver_version));
    STENCIL_CUDA_CHECK(err, cudaRuntimeGetVersion(&info->runtime_version));
    STENCIL_CUDA_CHECK(err, cudaDeviceGetPCIBusId(info->pci_bus_id, (int)sizeof info->pci_bus_id, info->device));
    return STENCIL_OK;
}

extern "C" stencil_status bench_host_alloc(size_t bytes, int pinned, void **out, stencil_error *err)
{
    void *p = NULL;
    *out = NULL;
    if (!pinned) {
        *out = malloc(bytes ? bytes : 1);
        if (!*out)
            return stencil_fail(err, STENCIL_ERR_NOMEM, "cannot allocate %zu bytes of host memory", bytes);
        return STENCIL_OK;
    }
    STENCIL_CUDA_CHECK(err, cudaMallocHost(&p, bytes ? bytes : 1));
    *out = p;
    return STENCIL_OK;
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

static stencil_status create_events(cudaEvent_t *a, cudaEvent_t *b, stencil_error *err)
{
    STENCIL_CUDA_CHECK(err, cudaEventCreate(a));
    STENCIL_CUDA_CHECK(err, cudaEventCreate(b));
    return STENCIL_OK;
}

/* One warm-up copy (r = -1), then `reps` timed ones into t[]. */
static stencil_status copy_loop(cudaEvent_t a, cudaEvent_t b, void *dst, const void *src,
                                size_t bytes, cudaMemcpyKind kind, int reps, double *t,
                                stencil_error *err)
{
    for (int r = -1; r < reps; r++) {
        float ms = 0.0f;
        STENCIL_CUDA_CHECK(err, cudaEventRecord(a, 0));
        STENCIL_CUDA_CHECK(err, cudaMemcpyAsync(dst, src, bytes, kind, 0));
        STENCIL_CUDA_CHECK(err, cudaEventRecord(b, 0));
        STENCIL_CUDA_CHECK(err, cudaEventSynchronize(b));
        STENCIL_CUDA_CHECK(err, cudaEventElapsedTime(&ms, a, b));
        if (r >= 0)
            t[r] = 1e-3 * (double)ms;
    }
    return STENCIL_OK;
}

/* Times `reps` (after one warm-up) copies of `bytes` from src to dst on stream 0. */
static stencil_status time_copies(void *dst, const void *src, size_t bytes, cudaMemcpyKind kind,
                                  int reps, double *median_s, stencil_error *err)
{
    cudaEvent_t a = NULL, b = NULL;
    double *t = (double *)malloc((size_t)reps * sizeof *t);
    if (!t)
        return stencil_fail(err, STENCIL_ERR_NOMEM, "out of host memory");
    stencil_status st = create_events(&a, &b, err);
    if (st == STENCIL_OK)
        st = copy_loop(a, b, dst, src, bytes, kind, reps, t, err);
    if (st == STENCIL_OK)
        *median_s = bench_median(t, (size_t)reps);
    if (a)
        cudaEventDestroy(a);
    if (b)
        cudaEventDestroy(b);
    free(t);
    return st;
}

/* Two device buffers of `bytes`, the first filled with 0.75f. */
static stencil_status alloc_pair(size_t bytes, void **a, void **b, stencil_error *err)
{
    STENCIL_CUDA_CHECK(err, cudaMalloc(a, bytes));
    STENCIL_CUDA_CHECK(err, cudaMalloc(b, bytes));
    STENCIL_CUDA_CHECK(err, cudaMemset(*a, 0x3f, bytes)); /* 0.75f everywhere: not zeros */
    return STENCIL_OK;
}

static stencil_status alloc_device(size_t bytes, void **p, stencil_error *err)
{
    STENCIL_CUDA_CHECK(err, cudaMalloc(p, bytes));
    return STENCIL_OK;
}

extern "C" stencil_status bench_gpu_copy_gbps(size_t bytes, int reps, double *gbps, stencil_error *err)
{
    void *a = NULL, *b = NULL;
    double s = 0.0;
    if (reps < 1 || bytes == 0)
        return stencil_fail(err, STENCIL_ERR_ARG, "copy probe: need bytes > 0 and reps >= 1");
    stencil_status st = alloc_pair(bytes, &a, &b, err);
    if (st == STENCIL_OK)
        st = time_copies(b, a, bytes, cudaMemcpyDeviceToDevice, reps, &s, err);
    if (st == STENCIL_OK)
        *gbps = 2.0 * (double)bytes / s / 1e9;
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
    st = alloc_device(bytes, &dev, err);
    if (st == STENCIL_OK)
        st = time_copies(dev, host, bytes, cudaMemcpyHostToDevice, reps, &up, err);
    if (st == STENCIL_OK)
        st = time_copies(host, dev, bytes, cudaMemcpyDeviceToHost, reps, &down, err);
    if (st == STENCIL_OK) {
        *h2d_gbps = (double)bytes / up / 1e9;
        *d2h_gbps = (double)bytes / down / 1e9;
    }
    cudaFree(dev);
    bench_host_free(host, pinned);
    return st;
}

extern "C" stencil_status bench_gpu_free_memory(size_t *free_bytes, size_t *total_bytes,
                                                stencil_error *err)
{
    *free_bytes = *total_bytes = 0;
    STENCIL_CUDA_CHECK(err, cudaMemGetInfo(free_bytes, total_bytes));
    return STENCIL_OK;
}
