/* cuda_persistent: every timestep of a run in one cooperative launch. The blocks (as many as
 * the GPU holds at once) share out the x-y tiles and z runs of cuda_shared's sweep
 * (kernels/cuda_tile.cuh), then meet at a grid-wide barrier before the next timestep reads
 * what the last one wrote. It pays where a launch costs as much as a timestep: on the course
 * grid (50 x 222 x 241, both fields in L2) cuda_shared's graph of launches took about 12 us a
 * step on the H200. The tiles' loads are asynchronous copies (weak loads in CUDA's memory
 * model), never the read-only cache, since a block reads cells other blocks wrote in this
 * launch. Needs cooperative launch (every CUDA GPU of
 * compute capability 6.0 or later, not under MPS on older drivers). */
#include <cooperative_groups.h>

#include "cuda_common.cuh"
#include "cuda_tile.cuh"

namespace cg = cooperative_groups;

/* Timestep t reads buf[(first + t) & 1] and writes the other; work items (tile, run) are dealt
 * out item = blockIdx.x, + gridDim.x, ... */
template <bool A16>
__global__ void persistent_steps(float *buf0, float *buf1, const tile_args a, unsigned tiles,
                                 unsigned items, int first, int steps)
{
    extern __shared__ __align__(16) float sh[];
    cg::grid_group grid = cg::this_grid();
    for (int t = 0; t < steps; t++) {
        const int from = (first + t) & 1;
        const float *in = from ? buf1 : buf0;
        float *out = from ? buf0 : buf1;
        for (unsigned item = blockIdx.x; item < items; item += gridDim.x)
            tile_sweep<A16>(in, out, a, item % tiles, item / tiles, sh);
        if (t + 1 < steps)
            grid.sync();
    }
}

static stencil_status persistent_run(void *state, int steps, stencil_error *err)
{
    stencil_cuda_state *s = (stencil_cuda_state *)state;
    if (!s->interior || steps <= 0) /* nothing changes; both buffers hold the field */
        return STENCIL_OK;
    tile_args a = tile_args_of(s);
    unsigned tiles = s->grid.x, items = s->grid.x * s->grid.y;
    int first = s->cur;
    void *args[] = {&s->buf[0], &s->buf[1], &a, &tiles, &items, &first, &steps};
    const void *fn = s->vec == 4 ? (const void *)persistent_steps<true> : (const void *)persistent_steps<false>;
    STENCIL_CUDA_CHECK(err, cudaLaunchCooperativeKernel(fn, dim3(s->coop_blocks), s->block, args,
                                                        s->shared_bytes, 0));
    s->cur ^= steps & 1;
    return STENCIL_OK;
}

/* Launch shape: cuda_shared's tiles (block_x x block_y threads, default 32 x 4), runs of 4 to
 * 32 planes so that the work items fill the resident blocks about once; the grid is every
 * block the GPU can hold at once, or fewer when there are fewer items. */
static stencil_status configure(stencil_cuda_state *s, stencil_error *err)
{
    int dev = 0, coop = 0, per_sm = 0;
    STENCIL_CUDA_CHECK(err, cudaGetDevice(&dev));
    STENCIL_CUDA_CHECK(err, cudaDeviceGetAttribute(&coop, cudaDevAttrCooperativeLaunch, dev));
    if (!coop)
        return stencil_fail(err, STENCIL_ERR_UNAVAILABLE,
                            "this GPU does not support cooperative launches: use cuda_shared");
    stencil_status st = tile_configure(s, (const void *)persistent_steps<true>,
                                       (const void *)persistent_steps<false>, 1, 4, 32, &per_sm, err);
    if (st != STENCIL_OK)
        return st;
    if (per_sm < 1)
        return stencil_fail(err, STENCIL_ERR_ARG,
                            "block %ux%u: no block of this shape fits on an SM: use a smaller one",
                            s->block.x, s->block.y);
    const size_t resident = (size_t)per_sm * (size_t)stencil_cuda_sms();
    const size_t items = (size_t)s->grid.x * (size_t)s->grid.y;
    s->coop_blocks = (unsigned)(items < resident ? items : resident);
    return STENCIL_OK;
}

static stencil_status cuda_persistent_prepare(const stencil_problem *problem, void **state,
                                              stencil_error *err)
{
    *state = NULL;
    stencil_cuda_state *s;
    stencil_status st = stencil_cuda_prepare(problem, NULL, &s, err);
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

extern "C" const stencil_variant stencil_variant_cuda_persistent = {
    .name = "cuda_persistent",
    .device = STENCIL_GPU,
    .description = "CUDA, cuda_shared's sweep with every timestep in one cooperative launch",
    .bytes_per_cell = 8.0,
    .tunings = "block_x,block_y,tile_z",
    .uses_threads = 0,
    .speed_rank = 18, /* set after measuring: below cuda_shared until it is measured faster */
    .uses_ranks = 0,
    .available = stencil_cuda_available,
    .prepare = cuda_persistent_prepare,
    .upload = stencil_cuda_upload,
    .run = persistent_run,
    .download = stencil_cuda_download,
    .release = stencil_cuda_release,
    .exchange = NULL,
};
