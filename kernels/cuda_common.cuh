/* What the CUDA variants share (kernels/cuda_common.cu): device state and the step loop
 * (plain launches, or replays of a captured CUDA graph); errors are checked with
 * STENCIL_CUDA_CHECK (cuda_check.cuh).
 *
 * State: two device buffers; upload copies the field host->device into one and device->device
 * into the other, so cells a kernel never writes (outer faces, NaN) are right in whichever is
 * current. A variant supplies `launch`, which enqueues `steps` timesteps in -> out on a stream
 * (always 1 unless the variant sets `sweep`, the most timesteps one launch may advance).
 * Everything runs on the legacy default stream 0 (graphs are captured on a private stream and
 * launched on stream 0), as kernels/variant.h asks. */
#ifndef STENCIL_CUDA_COMMON_CUH
#define STENCIL_CUDA_COMMON_CUH

#include <cuda_runtime.h>

#include "cuda_check.cuh"
#include "stencil_cell.h"
#include "variant.h"

enum { STENCIL_CUDA_GRAPHS = 4,       /* cached graphs per state */
       STENCIL_CUDA_GRAPH_STEPS = 100 /* most timesteps captured in one graph */ };

typedef struct stencil_cuda_graph {
    int steps, first; /* timesteps captured; buffer the first step reads */
    cudaGraphExec_t exec;
} stencil_cuda_graph;

struct stencil_cuda_state;
typedef stencil_status (*stencil_cuda_launch)(const struct stencil_cuda_state *s, const float *in,
                                              float *out, int steps, cudaStream_t stream,
                                              stencil_error *err);

typedef struct stencil_cuda_state {
    stencil_problem problem;
    size_t cells;
    float *buf[2];
    int cur;              /* index of the buffer holding the current field */
    int use_graph;
    int interior;         /* 1 when some cell is updated (every axis >= 3) */
    stencil_cuda_launch launch;
    int sweep;            /* most timesteps one launch advances (0 or 1: one; cuda_fused: more) */
    dim3 grid, block;     /* the variant's launch shape */
    size_t shared_bytes;
    int tile_z, vec;      /* cuda_shared: planes a block, cells a thread in x; cuda_bulk: planes a
                           * block, ring buffers; cuda_resident: rows a tile (in tile_z) */
    void *extra;          /* a variant's own state (cuda_resident: its tiling), freed by */
    void (*release_extra)(void *extra); /* this, from stencil_cuda_release */
    cudaStream_t capture; /* private stream, used only to capture graphs */
    stencil_cuda_graph graphs[STENCIL_CUDA_GRAPHS];
    int next_graph;
} stencil_cuda_state;

/* One cell, bit for bit naive's: the division-free update of kernels/stencil_cell.h where all six
 * neighbours are sea and the quotient is exact (stencil_sea6_*), stencil_cell elsewhere. */
__device__ __forceinline__ float stencil_cuda_cell(float c, float zm, float zp, float ym, float yp,
                                                   float xm, float xp, float k, int insulated)
{
    const float x = stencil_sea6_update(c, zm, zp, ym, yp, xm, xp, k);
    return stencil_sea6_ok(x) ? stencil_sea6_finish(c, x)
                              : stencil_cell(c, zm, zp, ym, yp, xm, xp, k, insulated);
}

#ifdef __cplusplus
extern "C" {
#endif

int stencil_cuda_available(char *why, size_t why_len);
/* Allocates the state and both device buffers, then calls the variant's `configure` (its launch
 * shape, its checks of the knobs; may be NULL), releasing the state if that fails. */
stencil_status stencil_cuda_prepare(const stencil_problem *problem, stencil_cuda_launch launch,
                                    stencil_status (*configure)(stencil_cuda_state *s, stencil_error *err),
                                    void **state, stencil_error *err);
stencil_status stencil_cuda_upload(void *state, const float *field, stencil_error *err);
stencil_status stencil_cuda_run(void *state, int steps, stencil_error *err);
stencil_status stencil_cuda_download(void *state, float *out, stencil_error *err);
void stencil_cuda_release(void *state);
/* Streaming multiprocessors of the current device (1 if it cannot be read). */
int stencil_cuda_sms(void);

#ifdef __cplusplus
}
#endif

#endif
