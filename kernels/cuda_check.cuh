/* The project's one CUDA error check, for the kernels (kernels/cuda_*.cu) and the harness's
 * GPU code (the .cu files of bench/gpu/) alike; stencil_cuda_fail is in kernels/cuda_common.cu. */
#ifndef STENCIL_CUDA_CHECK_CUH
#define STENCIL_CUDA_CHECK_CUH

#include <cuda_runtime.h>

#include "variant.h"

/* Checks one CUDA call. On failure, clears CUDA's last error (a sticky error stays) and returns
 * from the calling function (which returns stencil_status) with STENCIL_ERR_NOMEM for out of
 * device memory (or page-locked host memory, for cudaMallocHost), STENCIL_ERR_DEVICE otherwise, and err->msg "file:line: expression: CUDA's
 * message (its name)". Functions that must release something on failure call a helper that
 * uses the check and release after it returns. */
#define STENCIL_CUDA_CHECK(err, expr)                                                      \
    do {                                                                                   \
        cudaError_t e_ = (expr);                                                           \
        if (e_ != cudaSuccess)                                                             \
            return stencil_cuda_fail((err), e_, __FILE__, __LINE__, #expr);                \
    } while (0)

#ifdef __cplusplus
extern "C" {
#endif

stencil_status stencil_cuda_fail(stencil_error *err, cudaError_t e, const char *file, int line,
                                 const char *expr);

#ifdef __cplusplus
}
#endif

#endif
