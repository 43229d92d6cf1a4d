/* cuda_fused: temporal blocking, S timesteps (steps_per_sweep, 1 to 8) in one pass over the
 * grid, as a 2.5-D wavefront (AN5D, EBISU). A block owns an x-y tile extended by a halo of S
 * cells on each side (the halo is recomputed by both neighbouring tiles) and streams through a
 * run of z planes. In iteration i it loads plane i (level 0) and, for t = 1..S, computes level
 * t (the field after t steps) on plane i - t from level t-1's planes i-t-1, i-t and i-t+1: the
 * z neighbours in registers, the x-y neighbours from a copy of plane i-t in shared memory
 * written in the iteration before. Each level keeps two shared copies (even and odd
 * iterations), so one barrier per iteration orders every write before its reads. Level S is
 * stored. Cells on the box's faces and NaN cells keep their value at every level; a level t
 * value is right at least t cells inside the extended tile, so the tile's inner part (S cells
 * from its edge) is exact.
 *
 * Arithmetic: level 1 calls stencil_cell on the field as it is (NaN = land) and notes each
 * cell's sea-neighbour count n in a 4-bit code (15: the cell is not updated), kept for S-1
 * planes in a shift register; levels 2..S run on the field with land replaced by +0 and call
 * stencil_cell_zero_filled with that n, which rounds bit for bit as stencil_cell does
 * (kernels/stencil_cell.h). So every level equals naive's field after t steps.
 *
 * Threads: block_x by block_y; the extended tile is block_x cells wide and tile_y = block_y *
 * R rows high (R = 1, 2 or 4 rows per thread, rows ty, ty + block_y, ...). A level t row or
 * cell closer than t to the tile's edge is not computed (its value is never used).
 *
 * Cells whose six neighbours are sea take the division-free update of kernels/stencil_cell.h
 * (stencil_sea6_*) at every level; the others stencil_cell or stencil_cell_zero_filled.
 *
 * Measured on the H200 (results/reference/h200/README.md, session 4): bound by instructions,
 * not memory (Nsight Compute: 97 instructions a cell update, issue slots 72 % busy, 25 %
 * occupancy with 4 rows a thread); 64 x 16 threads with 2 rows each (the same 64 x 32 tile, 50 %
 * occupancy) reach 299 G cell updates/s at 512^3 without land, 0.57 times the single-sweep
 * limit, against 256 G with 64 x 8 threads of 4 rows and cuda_shared's 397 G in the same run.
 * The per-thread code is kernels/cuda_fused_sweep.h; tests/test_fused_emu runs it on the CPU. */
#include "cuda_common.cuh"
#include "cuda_fused_sweep.h"

struct fused_block_sync {
    __device__ __forceinline__ void operator()() const { __syncthreads(); }
};

template <int S, int R> __global__ void fused_sweep(const fused_args a)
{
    extern __shared__ float sh[]; /* 2 S planes: level t's copy for parity p at (2 t + p) */
    const fused_thread th = {(int)threadIdx.x, (int)threadIdx.y, (int)blockDim.x,
                             (int)blockDim.y, (int)blockIdx.x, (int)blockIdx.y};
    fused_body<S, R>(a, th, sh, fused_block_sync());
}

typedef void (*fused_kernel)(const fused_args);

#define FUSED_ROW(R)                                                                             \
    {fused_sweep<1, R>, fused_sweep<2, R>, fused_sweep<3, R>, fused_sweep<4, R>,                \
     fused_sweep<5, R>, fused_sweep<6, R>, fused_sweep<7, R>, fused_sweep<8, R>}
static const fused_kernel fused_kernels[3][FUSED_MAX_S] = {FUSED_ROW(1), FUSED_ROW(2),
                                                          FUSED_ROW(4)};

static int rows_index(int rows) { return rows == 1 ? 0 : rows == 2 ? 1 : 2; }

static stencil_status fused_launch(const stencil_cuda_state *s, const float *in, float *out,
                                   int steps, cudaStream_t stream, stencil_error *err)
{
    const stencil_problem *p = &s->problem;
    if (steps < 1 || steps > FUSED_MAX_S)
        return stencil_fail(err, STENCIL_ERR_ARG, "cuda_fused: %d steps in one sweep", steps);
    fused_args a;
    unsigned tiles, runs;
    const int ey = (int)s->block.y * s->vec;
    fused_grid(p->nz, p->ny, p->nx, steps, (int)s->block.x, ey, s->tile_z, &a, &tiles, &runs);
    a.in = in;
    a.out = out;
    a.nz = (int)p->nz;
    a.ny = (int)p->ny;
    a.nx = (int)p->nx;
    a.k = p->k;
    a.insulated = p->scheme == STENCIL_SCHEME_INSULATED;
    const fused_kernel fn = fused_kernels[rows_index(s->vec)][steps - 1];
    fn<<<dim3(tiles, runs, 1), s->block, fused_shared_bytes(steps, (int)s->block.x, ey), stream>>>(a);
    STENCIL_CUDA_CHECK(err, cudaGetLastError());
    return STENCIL_OK;
}

/* Knobs: steps_per_sweep (default 4), block_x x block_y threads and tile_y rows of the extended
 * tile (block_y, 2 block_y or 4 block_y). Defaults: up to S = 4, 64 x 16 threads of 2 rows (a
 * 64 x 32 tile, 56 x 24 exact at S = 4, about 1.4 cell updates computed per one kept; 58
 * registers a thread at S = 4, so the 1024 threads fit; at S = 5 the 2-row kernel needs all 64,
 * no margin); S = 5: 64 x 8 threads of 4 rows; from S = 6 on, 48 x 8 threads of 4 rows. A
 * block_y given without tile_y keeps 4 rows a thread. tile_z output
 * planes per block (default: about four waves of blocks, at least 4 S planes a run). Checks
 * every kernel a run may launch (S steps, and 1 .. S-1 for the remainder). */
static stencil_status configure(stencil_cuda_state *s, stencil_error *err)
{
    const stencil_problem *p = &s->problem;
    const stencil_tuning *t = &p->tuning;
    const int S = t->steps_per_sweep ? t->steps_per_sweep : 4;
    const int wide = S <= 4; /* 2 rows a thread: 1024 threads fit the registers with a margin */
    const int bx = t->block_x ? t->block_x : S <= 5 ? 64 : 48;
    const int by = t->block_y ? t->block_y : wide ? 16 : 8;
    if (S < 1 || S > FUSED_MAX_S)
        return stencil_fail(err, STENCIL_ERR_ARG, "steps_per_sweep=%d: use 1 to %d", S, FUSED_MAX_S);
    const int ey = t->tile_y ? t->tile_y : wide && !t->block_y ? 2 * by : 4 * by;
    const int rows = ey / by;
    if (ey % by != 0 || (rows != 1 && rows != 2 && rows != 4))
        return stencil_fail(err, STENCIL_ERR_ARG,
                            "tile_y=%d with block_y=%d: tile_y must be 1, 2 or 4 times block_y", ey, by);
    if (bx < 2 * S + 1 || ey < 2 * S + 1)
        return stencil_fail(err, STENCIL_ERR_ARG,
                            "block_x=%d, tile_y=%d: with steps_per_sweep=%d both must be at least "
                            "%d (the tile's halo is %d cells a side)",
                            bx, ey, S, 2 * S + 1, S);
    if (p->nx > (size_t)1 << 30 || p->ny > (size_t)1 << 30 || p->nz > (size_t)1 << 30)
        return stencil_fail(err, STENCIL_ERR_ARG, "grid axes must be below 2^30 cells for CUDA");
    int dev = 0, smem_optin = 0;
    STENCIL_CUDA_CHECK(err, cudaGetDevice(&dev));
    STENCIL_CUDA_CHECK(err, cudaDeviceGetAttribute(&smem_optin, cudaDevAttrMaxSharedMemoryPerBlockOptin, dev));
    for (int k = 1; k <= S; k++) {
        const void *fn = (const void *)fused_kernels[rows_index(rows)][k - 1];
        cudaFuncAttributes attr;
        STENCIL_CUDA_CHECK(err, cudaFuncGetAttributes(&attr, fn));
        const size_t bytes = fused_shared_bytes(k, bx, ey);
        if ((long)bx * by > attr.maxThreadsPerBlock || bytes > (size_t)smem_optin)
            return stencil_fail(err, STENCIL_ERR_ARG,
                                "block %dx%d, tile_y=%d, steps_per_sweep=%d: at most %d threads and "
                                "%d bytes of shared memory a block (this needs %zu)",
                                bx, by, ey, k, attr.maxThreadsPerBlock, smem_optin, bytes);
        if (bytes > (size_t)attr.maxDynamicSharedSizeBytes) /* raised, never lowered under another state */
            STENCIL_CUDA_CHECK(err, cudaFuncSetAttribute(fn, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                                         (int)bytes));
    }
    const size_t tiles = ((p->nx + (size_t)(bx - 2 * S) - 1) / (size_t)(bx - 2 * S)) *
                         ((p->ny + (size_t)(ey - 2 * S) - 1) / (size_t)(ey - 2 * S));
    if (tiles > 0x7fffffffu)
        return stencil_fail(err, STENCIL_ERR_ARG, "too many x-y tiles: use a larger block");
    const size_t planes = p->nz > 2 ? p->nz - 2 : 1;
    size_t tile_z = (size_t)t->tile_z;
    if (!tile_z) { /* runs for about four waves of blocks, each at least 4 S planes */
        int per_sm = 0;
        STENCIL_CUDA_CHECK(err, cudaOccupancyMaxActiveBlocksPerMultiprocessor(
                                    &per_sm, (const void *)fused_kernels[rows_index(rows)][S - 1],
                                    bx * by, fused_shared_bytes(S, bx, ey)));
        const size_t wave = (size_t)(per_sm > 0 ? per_sm : 1) * (size_t)stencil_cuda_sms();
        const size_t runs = (4 * wave + tiles - 1) / tiles;
        tile_z = (planes + runs - 1) / runs;
        if (tile_z < 4 * (size_t)S)
            tile_z = 4 * (size_t)S;
    }
    if (tile_z < (planes + 65534) / 65535)
        tile_z = (planes + 65534) / 65535;
    s->sweep = S;
    s->vec = rows;
    s->tile_z = (int)(tile_z < planes ? tile_z : planes);
    s->block = dim3((unsigned)bx, (unsigned)by, 1);
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
    .tunings = "steps_per_sweep,block_x,block_y,tile_y,tile_z,graph",
    .uses_threads = 0,
    /* measured below cuda_shared (H200, 512^3 without land: 299 against 397 G cell updates/s;
     * bound by instructions, not memory): model picks cuda_shared first */
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
