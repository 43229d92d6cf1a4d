/* cuda_naive: naive's loop nest turned into a 3-D grid, one thread per cell, each reading its
 * seven values straight from global memory. Faster than the CPU only through the GPU's memory
 * bandwidth and caches; the baseline cuda_shared is measured against. */
#include "cuda_common.cuh"
#include "stencil_cell.h"

/* Covers the whole box (x from 0, so warps stay aligned to rows); y and z loop when the grid
 * of blocks is capped. Face and NaN cells are not written: both buffers hold them. */
__global__ void naive_step(const float *__restrict__ in, float *__restrict__ out, int nz, int ny,
                           int nx, float k, int insulated)
{
    const int x = blockIdx.x * blockDim.x + threadIdx.x;
    if (x < 1 || x > nx - 2)
        return;
    const size_t sy = (size_t)nx, sz = (size_t)nx * (size_t)ny;
    for (int z = blockIdx.z * blockDim.z + threadIdx.z; z < nz - 1; z += gridDim.z * blockDim.z)
        for (int y = blockIdx.y * blockDim.y + threadIdx.y; y < ny - 1; y += gridDim.y * blockDim.y) {
            if (z < 1 || y < 1)
                continue;
            const size_t i = (size_t)z * sz + (size_t)y * sy + (size_t)x;
            const float c = in[i];
            if (c == c)
                out[i] = stencil_cell(c, in[i - sz], in[i + sz], in[i - sy], in[i + sy], in[i - 1],
                                      in[i + 1], k, insulated);
        }
}

static stencil_status naive_launch(const stencil_cuda_state *s, const float *in, float *out,
                                   int steps, cudaStream_t stream, stencil_error *err)
{
    (void)steps; /* always 1: one timestep a launch */
    const stencil_problem *p = &s->problem;
    naive_step<<<s->grid, s->block, 0, stream>>>(in, out, (int)p->nz, (int)p->ny, (int)p->nx, p->k,
                                                p->scheme == STENCIL_SCHEME_INSULATED);
    STENCIL_CUDA_CHECK(err, cudaGetLastError());
    return STENCIL_OK;
}

static unsigned blocks_for(size_t n, int per, unsigned cap)
{
    size_t b = (n + (size_t)per - 1) / (size_t)per;
    return b < cap ? (unsigned)b : cap;
}

static stencil_status cuda_naive_prepare(const stencil_problem *problem, void **state,
                                         stencil_error *err)
{
    const stencil_tuning *t = &problem->tuning;
    const int bx = t->block_x ? t->block_x : 32, by = t->block_y ? t->block_y : 4,
              bz = t->block_z ? t->block_z : 2;
    if ((long)bx * by * bz > 1024 || bz > 64)
        return stencil_fail(err, STENCIL_ERR_ARG,
                            "block %dx%dx%d: a CUDA block holds at most 1024 threads, block_z <= 64",
                            bx, by, bz);
    if (problem->nx > (size_t)1 << 30 || problem->ny > (size_t)1 << 30 || problem->nz > (size_t)1 << 30)
        return stencil_fail(err, STENCIL_ERR_ARG, "grid axes must be below 2^30 cells for CUDA");
    stencil_status st = stencil_cuda_prepare(problem, naive_launch, NULL, state, err);
    if (st != STENCIL_OK)
        return st;
    stencil_cuda_state *s = (stencil_cuda_state *)*state;
    s->block = dim3((unsigned)bx, (unsigned)by, (unsigned)bz);
    s->grid = dim3(blocks_for(problem->nx, bx, 0x7fffffffu), blocks_for(problem->ny, by, 65535u),
                   blocks_for(problem->nz, bz, 65535u));
    return STENCIL_OK;
}

extern "C" const stencil_variant stencil_variant_cuda_naive = {
    .name = "cuda_naive",
    .device = STENCIL_GPU,
    .description = "CUDA, one thread per cell, 3-D grid of blocks, loads from global memory",
    .bytes_per_cell = 8.0,
    .tunings = "block_x,block_y,block_z,graph",
    .uses_threads = 0,
    .speed_rank = 10, /* one thread per cell */
    .uses_ranks = 0,
    .available = stencil_cuda_available,
    .prepare = cuda_naive_prepare,
    .upload = stencil_cuda_upload,
    .run = stencil_cuda_run,
    .download = stencil_cuda_download,
    .release = stencil_cuda_release,
    .exchange = NULL,
};
