/* What the harness needs from a GPU, in one place: device facts for machine.json, host
 * memory (pinned or pageable) for transfers, and the bandwidth probes rows are compared with.
 * Implemented in bench/gpu.cu when the build has CUDA, and in bench/gpu_none.c otherwise
 * (where every query answers "no CUDA in this build"). All return STENCIL_OK or an error with
 * a message; none exits. */
#ifndef BENCH_GPU_H
#define BENCH_GPU_H

#include <stddef.h>

#include "variant.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bench_gpu_info {
    char name[256];
    int device;               /* CUDA ordinal used */
    int cc_major, cc_minor;
    int sms;
    size_t global_mem_bytes;
    size_t l2_bytes;
    int sm_clock_khz, mem_clock_khz, mem_bus_bits;
    int driver_version, runtime_version; /* as CUDA reports them, e.g. 13000 */
    char pci_bus_id[32];
} bench_gpu_info;

/* STENCIL_OK when a CUDA device can be used; STENCIL_ERR_UNAVAILABLE with the reason (no CUDA in
 * this build, no driver: cudaErrorInsufficientDriver, no device) otherwise. */
stencil_status bench_gpu_query(bench_gpu_info *info, stencil_error *err);

/* Host memory for transfers: pinned (page-locked, cudaMallocHost) or pageable (malloc).
 * Pinned without CUDA is STENCIL_ERR_UNAVAILABLE. Free with bench_host_free(p, pinned). */
stencil_status bench_host_alloc(size_t bytes, int pinned, void **out, stencil_error *err);
void bench_host_free(void *p, int pinned);

/* Device-to-device copy bandwidth in GB/s (1e9 B/s) counting bytes read plus bytes written,
 * over buffers of `bytes` each, median of reps after a warm-up. */
stencil_status bench_gpu_copy_gbps(size_t bytes, int reps, double *gbps, stencil_error *err);

/* Host<->device copy bandwidth in GB/s each way (bytes moved once), pinned or pageable host
 * memory, median of reps after a warm-up. */
stencil_status bench_gpu_transfer_gbps(size_t bytes, int pinned, int reps, double *h2d_gbps,
                                       double *d2h_gbps, stencil_error *err);

/* Free device memory in bytes (0 with an error when none). */
stencil_status bench_gpu_free_memory(size_t *free_bytes, size_t *total_bytes, stencil_error *err);

#ifdef __cplusplus
}
#endif

#endif
