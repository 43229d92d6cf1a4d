/* bench/gpu.h for a build without CUDA: every GPU query explains that; pageable host
 * memory still works. */
#include <stdlib.h>

#include "gpu/gpu.h"

static stencil_status no_cuda(stencil_error *err)
{
    return stencil_fail(err, STENCIL_ERR_UNAVAILABLE,
                        "this build has no CUDA (configure found no CUDA compiler; install the "
                        "CUDA toolkit and rebuild to use a GPU)");
}

stencil_status bench_gpu_query(bench_gpu_info *info, stencil_error *err)
{
    (void)info;
    return no_cuda(err);
}

stencil_status bench_host_alloc(size_t bytes, int pinned, void **out, stencil_error *err)
{
    if (pinned)
        return no_cuda(err);
    *out = malloc(bytes ? bytes : 1);
    if (!*out)
        return stencil_fail(err, STENCIL_ERR_NOMEM, "cannot allocate %zu bytes of host memory", bytes);
    return STENCIL_OK;
}

void bench_host_free(void *p, int pinned)
{
    (void)pinned;
    free(p);
}

stencil_status bench_gpu_copy_gbps(size_t bytes, int reps, double *gbps, stencil_error *err)
{
    (void)bytes, (void)reps, (void)gbps;
    return no_cuda(err);
}

stencil_status bench_gpu_transfer_gbps(size_t bytes, int pinned, int reps, double *h2d_gbps,
                                       double *d2h_gbps, stencil_error *err)
{
    (void)bytes, (void)pinned, (void)reps, (void)h2d_gbps, (void)d2h_gbps;
    return no_cuda(err);
}

stencil_status bench_gpu_free_memory(size_t *free_bytes, size_t *total_bytes, stencil_error *err)
{
    *free_bytes = *total_bytes = 0;
    return no_cuda(err);
}
