/* cuda_shared: 2.5-D z-streaming, one launch a timestep. A block owns an x-y tile and walks a
 * run of tile_z planes (kernels/cuda_tile.cuh: each plane goes once into shared memory for the
 * x and y neighbours, the z neighbours stay in registers, all-sea cells skip the division). */
#include "cuda_common.cuh"
#include "cuda_tile.cuh"

/* Block (blockIdx.x % tiles_x, blockIdx.x / tiles_x) covers an x-y tile; blockIdx.y picks the
 * run of planes 1 + blockIdx.y * tile_z onwards. */
template <bool A16> __global__ void shared_step(const float *__restrict__ in, float *__restrict__ out,
                                                const tile_args a)
{
    extern __shared__ __align__(16) float sh[];
    tile_sweep<A16>(in, out, a, blockIdx.x, blockIdx.y, sh);
}

static stencil_status shared_launch(const stencil_cuda_state *s, const float *in, float *out,
                                    int steps, cudaStream_t stream, stencil_error *err)
{
    (void)steps; /* always 1: one timestep a launch */
    const tile_args a = tile_args_of(s);
    if (s->vec == 4)
        shared_step<true><<<s->grid, s->block, s->shared_bytes, stream>>>(in, out, a);
    else
        shared_step<false><<<s->grid, s->block, s->shared_bytes, stream>>>(in, out, a);
    STENCIL_CUDA_CHECK(err, cudaGetLastError());
    return STENCIL_OK;
}

/* Launch shape: tiles of block_x * 4 by block_y cells (default 32 x 4 threads); unless tile_z
 * is given, runs of 4 to 32 planes, as many as make about four waves of resident blocks (short
 * runs only on small grids such as the course's, where longer ones leave SMs idle). */
static stencil_status configure(stencil_cuda_state *s, stencil_error *err)
{
    int per_sm = 0;
    return tile_configure(s, (const void *)shared_step<true>, (const void *)shared_step<false>, 4, 4,
                          32, &per_sm, err);
}

static stencil_status cuda_shared_prepare(const stencil_problem *problem, void **state,
                                          stencil_error *err)
{
    stencil_cuda_state *s;
    stencil_status st = stencil_cuda_prepare(problem, shared_launch, &s, err);
    if (st != STENCIL_OK)
        return st;
    st = configure(s, err);
    if (st != STENCIL_OK) {
        stencil_cuda_release(s);
        return st;
    }
    *state = s;
    return STENCIL_OK;
}

extern "C" const stencil_variant stencil_variant_cuda_shared = {
    .name = "cuda_shared",
    .device = STENCIL_GPU,
    .description = "CUDA, 2.5-D z-streaming: x-y tile in shared memory, z neighbours in registers",
    .bytes_per_cell = 8.0,
    .tunings = "block_x,block_y,tile_z,graph",
    .uses_threads = 0,
    .speed_rank = 20, /* shared-memory tiles, fewer loads */
    .uses_ranks = 0,
    .available = stencil_cuda_available,
    .prepare = cuda_shared_prepare,
    .upload = stencil_cuda_upload,
    .run = stencil_cuda_run,
    .download = stencil_cuda_download,
    .release = stencil_cuda_release,
    .exchange = NULL,
};
