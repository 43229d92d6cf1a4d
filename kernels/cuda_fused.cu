/* cuda_fused: temporal blocking, S timesteps (steps_per_sweep, 1 to 8) in one pass over the
 * grid, as a 2.5-D wavefront (AN5D, EBISU). A block owns an x-y tile 128 cells wide (a warp a
 * row, 4 cells a lane) and `block_y` rows high, which holds its part of the grid (out_x by out_y)
 * and a halo (S rows on each y side, S rounded up to 4 on each x side) that both neighbouring
 * tiles recompute, and streams through a run of z planes. In iteration i it loads plane i
 * (level 0) and, for t = 1..S, computes level t (the field after t steps) on plane i - t from
 * level t-1's planes i-t-1, i-t and i-t+1: the z neighbours in registers, the x neighbours from
 * the neighbouring lanes (shuffles), the y neighbours from a copy of plane i-t in shared memory
 * written in the iteration before. Each level keeps two shared copies (even and odd
 * iterations), so one barrier per iteration orders every write before its reads. Level S is
 * stored. A level t value is right at least t cells inside the tile, so its stored part is.
 *
 * Arithmetic: where every updated cell of a warp has six sea neighbours and an update the
 * division-free form of kernels/stencil_cell.h gets exactly (a warp vote), the warp takes that
 * form: about 14 instructions a cell. Elsewhere level 1 calls stencil_cell on the field as it
 * is (NaN = land) and notes each cell's sea-neighbour count n in a 4-bit code (15: not
 * updated), kept for S-1 planes; levels 2..S run on the field with land replaced by +0 and call
 * stencil_cell_zero_filled with that n, which rounds bit for bit as stencil_cell does. So every
 * level equals naive's field after t steps.
 *
 * Level 0's planes come by asynchronous copies (cp.async) three planes ahead into a ring in
 * shared memory, so that loads stay in flight while a block waits at its barrier.
 *
 * Measured on the H200 at 512^3 without land (results/reference/h200/README.md, session 9):
 * 372 G cell updates/s at S = 3, 0.72x the single-sweep limit, against 299 G (0.57x) for the
 * kernel before (one cell a thread, x neighbours from shared memory, a branch a cell, 93
 * instructions a cell update) and cuda_bulk's 435 G in the same run. Nsight Compute (call 37): 60
 * instructions a cell update, 22 of them FP32 arithmetic (the halo recomputed included: about
 * 1.57 cells computed a cell kept at 512^3), issue slots 77 % busy at 50 % occupancy, DRAM 22 %
 * busy: bound by instructions, now mostly indexing and bookkeeping. The per-thread code is
 * kernels/cuda_fused_sweep.h; tests/test_fused_emu runs it on the CPU. */
#include "cuda_common.cuh"
#include "cuda_fused_sweep.h"

struct fused_gpu_ops {
    __device__ __forceinline__ void sync() const { __syncthreads(); }
    __device__ __forceinline__ void swap(float w, float e, float &l, float &r) const
    {
        l = __shfl_up_sync(0xffffffffu, w, 1);
        r = __shfl_down_sync(0xffffffffu, e, 1);
    }
    __device__ __forceinline__ bool all(bool p) const { return __all_sync(0xffffffffu, p) != 0; }
    __device__ __forceinline__ void copy4(float *d, const float *s) const
    {
        asm volatile("cp.async.cg.shared.global [%0], [%1], 16;\n" ::"r"((unsigned)__cvta_generic_to_shared(d)),
                     "l"(s));
    }
    __device__ __forceinline__ void copy1(float *d, const float *s) const
    {
        asm volatile("cp.async.ca.shared.global [%0], [%1], 4;\n" ::"r"((unsigned)__cvta_generic_to_shared(d)),
                     "l"(s));
    }
    __device__ __forceinline__ void commit() const { asm volatile("cp.async.commit_group;\n" ::); }
    __device__ __forceinline__ void wait() const
    {
        asm volatile("cp.async.wait_group %0;\n" ::"n"(FUSED_AHEAD - 1) : "memory");
    }
};

/* Up to S = 3 a block may hold 1024 threads (64 registers each); beyond, 576 (ptxas gives them 96). */
#define FUSED_BOUND(S) ((S) <= 3 ? 1024 : 576)

template <int S, bool V> __global__ void __launch_bounds__(FUSED_BOUND(S)) fused_sweep(const fused_args a)
{
    extern __shared__ float4 fused_sh[]; /* 2 S planes: level t's copy for parity p at (2 t + p) */
    const fused_thread th = {(int)threadIdx.x, (int)threadIdx.y, (int)blockDim.y, (int)blockIdx.x,
                             (int)blockIdx.y};
    fused_body<S, V, FUSED_LANES>(a, th, (float *)fused_sh, fused_gpu_ops());
}

typedef void (*fused_kernel)(const fused_args);

#define FUSED_ROW(V)                                                                             \
    {fused_sweep<1, V>, fused_sweep<2, V>, fused_sweep<3, V>, fused_sweep<4, V>,                \
     fused_sweep<5, V>, fused_sweep<6, V>, fused_sweep<7, V>, fused_sweep<8, V>}
static const fused_kernel fused_kernels[2][FUSED_MAX_S] = {FUSED_ROW(false), FUSED_ROW(true)};

static stencil_status fused_launch(const stencil_cuda_state *s, const float *in, float *out,
                                   int steps, cudaStream_t stream, stencil_error *err)
{
    const stencil_problem *p = &s->problem;
    if (steps < 1 || steps > FUSED_MAX_S)
        return stencil_fail(err, STENCIL_ERR_ARG, "cuda_fused: %d steps in one sweep", steps);
    fused_args a;
    unsigned tiles, runs;
    const int rows = (int)s->block.y;
    fused_grid(p->nz, p->ny, p->nx, steps, FUSED_LANES, rows, s->tile_z, &a, &tiles, &runs);
    a.in = in;
    a.out = out;
    a.nz = (int)p->nz;
    a.ny = (int)p->ny;
    a.nx = (int)p->nx;
    a.k = p->k;
    a.insulated = p->scheme == STENCIL_SCHEME_INSULATED;
    const fused_kernel fn = fused_kernels[s->vec][steps - 1];
    fn<<<dim3(tiles, runs, 1), s->block, fused_shared_bytes(steps, FUSED_LANES, rows), stream>>>(a);
    STENCIL_CUDA_CHECK(err, cudaGetLastError());
    return STENCIL_OK;
}

/* Knobs: steps_per_sweep (default 3: the fastest on the H200, results/reference/h200/README.md,
 * session 9), block_y (the tile's rows, a warp each: default fused_default_rows, 32 up to S = 3
 * and 18 beyond where the shared memory holds them; at least 2 S + 1), tile_z output planes per
 * block (default: about four waves of blocks, at least 4 S planes a run). Checks every kernel a
 * run may launch (S steps, and 1 .. S-1 for the remainder). */
static stencil_status configure(stencil_cuda_state *s, stencil_error *err)
{
    const stencil_problem *p = &s->problem;
    const stencil_tuning *t = &p->tuning;
    const int S = t->steps_per_sweep ? t->steps_per_sweep : 3;
    if (S < 1 || S > FUSED_MAX_S)
        return stencil_fail(err, STENCIL_ERR_ARG, "steps_per_sweep=%d: use 1 to %d", S, FUSED_MAX_S);
    int dev = 0, smem_optin = 0;
    STENCIL_CUDA_CHECK(err, cudaGetDevice(&dev));
    STENCIL_CUDA_CHECK(err, cudaDeviceGetAttribute(&smem_optin, cudaDevAttrMaxSharedMemoryPerBlockOptin, dev));
    const int ey = t->block_y ? t->block_y : fused_default_rows(S, (size_t)smem_optin);
    if (!ey)
        return stencil_fail(err, STENCIL_ERR_ARG,
                            "steps_per_sweep=%d: this GPU's %d bytes of shared memory a block hold fewer "
                            "than the %d rows the tile's halo needs (%zu bytes a row): use a smaller "
                            "steps_per_sweep",
                            S, smem_optin, 2 * S + 1, fused_shared_bytes(S, FUSED_LANES, 1));
    if (ey < 2 * S + 1)
        return stencil_fail(err, STENCIL_ERR_ARG,
                            "block_y=%d: with steps_per_sweep=%d the tile needs at least %d rows (its "
                            "halo is %d rows a side)",
                            ey, S, 2 * S + 1, S);
    if (p->nx > (size_t)1 << 30 || p->ny > (size_t)1 << 30 || p->nz > (size_t)1 << 30)
        return stencil_fail(err, STENCIL_ERR_ARG, "grid axes must be below 2^30 cells for CUDA");
    const int vec = p->nx % 4 == 0;
    for (int k = 1; k <= S; k++) {
        const void *fn = (const void *)fused_kernels[vec][k - 1];
        cudaFuncAttributes attr;
        STENCIL_CUDA_CHECK(err, cudaFuncGetAttributes(&attr, fn));
        const size_t bytes = fused_shared_bytes(k, FUSED_LANES, ey);
        if ((long)FUSED_LANES * ey > attr.maxThreadsPerBlock || bytes > (size_t)smem_optin)
            return stencil_fail(err, STENCIL_ERR_ARG,
                                "block_y=%d, steps_per_sweep=%d: at most %d rows (a warp each) and %d "
                                "bytes of shared memory a block (this needs %zu)",
                                ey, k, attr.maxThreadsPerBlock / FUSED_LANES, smem_optin, bytes);
        if (bytes > (size_t)attr.maxDynamicSharedSizeBytes) /* raised, never lowered under another state */
            STENCIL_CUDA_CHECK(err, cudaFuncSetAttribute(fn, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                                         (int)bytes));
    }
    const int out_x = 4 * FUSED_LANES - 2 * fused_halo_x(S);
    const size_t tiles = ((p->nx + (size_t)out_x - 1) / (size_t)out_x) *
                         ((p->ny + (size_t)(ey - 2 * S) - 1) / (size_t)(ey - 2 * S));
    if (tiles > 0x7fffffffu)
        return stencil_fail(err, STENCIL_ERR_ARG, "too many x-y tiles: use more rows a block");
    const size_t planes = p->nz > 2 ? p->nz - 2 : 1;
    size_t tile_z = (size_t)t->tile_z;
    if (!tile_z) { /* runs for about four waves of blocks, each at least 4 S planes */
        int per_sm = 0;
        STENCIL_CUDA_CHECK(err, cudaOccupancyMaxActiveBlocksPerMultiprocessor(
                                    &per_sm, (const void *)fused_kernels[vec][S - 1], FUSED_LANES * ey,
                                    fused_shared_bytes(S, FUSED_LANES, ey)));
        const size_t wave = (size_t)(per_sm > 0 ? per_sm : 1) * (size_t)stencil_cuda_sms();
        const size_t runs = (4 * wave + tiles - 1) / tiles;
        tile_z = (planes + runs - 1) / runs;
        if (tile_z < 4 * (size_t)S)
            tile_z = 4 * (size_t)S;
    }
    if (tile_z < (planes + 65534) / 65535)
        tile_z = (planes + 65534) / 65535;
    s->sweep = S;
    s->vec = vec;
    s->tile_z = (int)(tile_z < planes ? tile_z : planes);
    s->block = dim3(FUSED_LANES, (unsigned)ey, 1);
    return STENCIL_OK;
}

static stencil_status cuda_fused_prepare(const stencil_problem *problem, void **state,
                                         stencil_error *err)
{
    return stencil_cuda_prepare(problem, fused_launch, configure, state, err);
}

extern "C" const stencil_variant stencil_variant_cuda_fused = {
    .name = "cuda_fused",
    .device = STENCIL_GPU,
    .description = "CUDA, temporal blocking: steps_per_sweep steps a pass, z-streaming wavefront",
    .bytes_per_cell = 8.0,
    .tunings = "steps_per_sweep,block_y,tile_z,graph",
    .uses_threads = 0,
    /* measured below cuda_shared and cuda_bulk (H200, 512^3 without land: 372 against 397 and
     * 435 G cell updates/s; half land 300 against cuda_shared's 468): model picks those first */
    .speed_rank = 15,
    .uses_ranks = 0,
    .available = stencil_cuda_available,
    .prepare = cuda_fused_prepare,
    .upload = stencil_cuda_upload,
    .run = stencil_cuda_run,
    .download = stencil_cuda_download,
    .release = stencil_cuda_release,
    .exchange = NULL,
};
