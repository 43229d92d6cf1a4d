/* cuda_resident: for grids whose field fits in the GPU's shared memory (an H200 has 132 x 227 KB;
 * the course grid, 50 x 222 x 241, is 10.7 MB and just fits): one cooperative launch, one block
 * per streaming multiprocessor, runs up to 100 timesteps. Each block loads its x-y tile (every z
 * plane, with a one-cell halo) into shared memory once and keeps it there in two copies (this
 * step's and the next's); between steps only the tile's edge cells travel, through global memory
 * (L2), and each block waits only for its four x-y neighbours (a step counter each, released
 * after the block's stores, acquired before its halo loads), not for the whole grid. A step
 * costs the block's arithmetic and one L2 round trip, not a kernel launch and a pass of the whole
 * field through L2.
 *
 * Tiles: 30 owned cells in x (a warp's 32 lanes hold them and the two halo cells, so the x
 * neighbours come by warp shuffles), tile_y owned rows, every plane. Step t reads halos from
 * global buffer t % 2 (in, out, in, ...) and publishes its edge cells for step t + 1 into buffer
 * (t + 1) % 2. A block publishes step t + 1 only after its neighbours have published step t,
 * that is, after they finished reading buffer (t + 1) % 2's halos of step t - 1; and it stores
 * the result in out only after its neighbours finished their last step. Face and NaN cells are
 * never written (both buffers hold them since upload).
 *
 * Arithmetic: the division-free update of kernels/stencil_cell.h where all six neighbours are sea
 * (stencil_sea6_*), stencil_cell elsewhere: bit for bit naive's.
 *
 * Work: a warp streams units of (row, run of planes) through z, the z neighbours in registers;
 * a warp vote skips rows whose owned cells are all land (44 % of the course grid's rows). The
 * halos are loaded by the whole block between two barriers (an x halo of 16 rows a warp
 * instruction), not in a pass over every row and plane.
 *
 * Measured on the H200 (results/reference/h200/README.md, session 8, calls 29-31): course grid,
 * 100 steps a launch, 9.3-9.4 us a step against cuda_shared's 12.0 and this kernel's previous
 * version's 11.8-11.9 (494 M warp instructions for 100 steps instead of 675 M); in model's
 * chunks of 10 steps 10.6-11.5 us against cuda_shared's 12.6; a 30 x 100 x 120 grid 3.8 us
 * against 7.3. Still short of issue 15's 5 us: Nsight counts 15 cycles between a warp's
 * instructions, 6 of them at block barriers, and 4.9 M warp instructions a step. */
#include <cuda/atomic>

#include "cuda_common.cuh"
#include "stencil_cell.h"

enum { RESIDENT_LANES = 32, RESIDENT_TILE_X = RESIDENT_LANES - 2, RESIDENT_MAX_WARPS = 32 };

struct resident_args {
    float *in, *out; /* the field at the start; the result. Halos of step t go through in
                        (t even) or out (t odd) */
    int *flags;      /* per block: the last step whose edge cells it published */
    int nz, ny, nx, tile_y, tiles_x, steps, insulated;
    float k;
};

/* Signals that this block has published step `step`'s edge cells: every thread's stores, then
 * (after the barrier) one release store of the block's counter (as CUTLASS's generic barrier). */
__device__ __forceinline__ void resident_publish(int *flag, int step)
{
    __syncthreads();
    if (threadIdx.x == 0 && threadIdx.y == 0)
        cuda::atomic_ref<int, cuda::thread_scope_device>(*flag).store(step, cuda::memory_order_release);
}

/* Waits until the (up to four) x-y neighbours have published step `step`: one thread each spins
 * on an acquire load; the barrier then orders every thread's halo loads after it. */
__device__ __forceinline__ void resident_wait(int *flags, int nb, int step)
{
    if (nb >= 0) {
        cuda::atomic_ref<int, cuda::thread_scope_device> f(flags[nb]);
        while (f.load(cuda::memory_order_acquire) < step)
            __nanosleep(32);
    }
    __syncthreads();
}

/* Shared memory: two copies of the tile, each nz planes of tile_y + 2 rows of 32 floats; row r
 * (0 to tile_y + 1), lane c holds cell (y0 - 1 + r, x0 - 1 + c). Rows 1 to tile_y, lanes 1 to 30
 * are the tile's own cells. A step's halo cells (lanes 0 and 31 of the owned rows, lanes 1 to 30
 * of rows 0 and tile_y + 1) come from global memory, where the neighbours published them (faces
 * and land: there since upload): the whole block loads them, up to RESIDENT_BATCH loads in
 * flight a thread, between two barriers, so the step waits for L2 once and every lane then reads
 * any plane of the copy. */
enum { RESIDENT_BATCH = 4 };

/* The halo cells of step t into cur: x halos 16 rows a warp instruction (lane = 2 x row + side),
 * y halos a row of 32 lanes (the owned 30 load). Items q = warp, warp + warps, ...: first the
 * x halos (planes x row groups of 16), then the y halos (planes x 2 sides). */
__device__ __forceinline__ void resident_halos(const resident_args &a, float *cur, const float *src, int rows,
                                               int y0, int x0)
{
    const int lane = (int)threadIdx.x, warp = (int)threadIdx.y, warps = (int)blockDim.y;
    const int ty = a.tile_y, nx = a.nx, planes = a.nz - 2;
    const size_t sz = (size_t)a.ny * (size_t)nx, plane = (size_t)(ty + 2) * RESIDENT_LANES;
    const int groups = (rows + 15) / 16, xitems = planes * groups, items = xitems + 2 * planes;
    const int side = lane & 1, hx = side ? RESIDENT_LANES - 1 : 0, hgx = x0 - 1 + hx;
    const int gx = x0 - 1 + lane;
    const bool owned_lane = lane >= 1 && lane <= RESIDENT_TILE_X && gx <= nx - 2;
    for (int q0 = warp; q0 < items; q0 += RESIDENT_BATCH * warps) {
        float v[RESIDENT_BATCH];
        int at[RESIDENT_BATCH];
#pragma unroll
        for (int b = 0; b < RESIDENT_BATCH; b++) {
            const int q = q0 + b * warps;
            at[b] = -1;
            if (q < xitems) {
                const int z = 1 + q / groups, r = 1 + (q % groups) * 16 + (lane >> 1);
                if (r <= rows && hgx < nx) {
                    at[b] = z * (int)plane + r * RESIDENT_LANES + hx;
                    v[b] = __ldcg(src + (size_t)z * sz + (size_t)(y0 - 1 + r) * nx + hgx);
                }
            } else if (q < items) {
                const int z = 1 + (q - xitems) / 2, r = (q - xitems) & 1 ? ty + 1 : 0;
                const int gy = y0 - 1 + r;
                if (owned_lane && gy < a.ny) {
                    at[b] = z * (int)plane + r * RESIDENT_LANES + lane;
                    v[b] = __ldcg(src + (size_t)z * sz + (size_t)gy * nx + gx);
                }
            }
        }
#pragma unroll
        for (int b = 0; b < RESIDENT_BATCH; b++)
            if (at[b] >= 0)
                cur[at[b]] = v[b];
    }
}

__global__ void __launch_bounds__(RESIDENT_LANES *RESIDENT_MAX_WARPS, 1)
    resident_steps(const resident_args a)
{
    extern __shared__ float sh[];
    const int lane = (int)threadIdx.x, warp = (int)threadIdx.y, warps = (int)blockDim.y;
    const int ty = a.tile_y, nz = a.nz, ny = a.ny, nx = a.nx, tile = (int)blockIdx.x;
    const int ix = tile % a.tiles_x, iy = tile / a.tiles_x, tiles_y = (int)gridDim.x / a.tiles_x;
    const int x0 = 1 + ix * RESIDENT_TILE_X, y0 = 1 + iy * ty;
    const int rows = min(ty, ny - 1 - y0); /* owned rows: y0 .. y0 + rows - 1 <= ny - 2 */
    const int gx = x0 - 1 + lane;
    /* thread i < 4 of warp 0 waits for neighbour i: left, right, below, above */
    const int nb = warp != 0 || lane >= 4 ? -1
                   : lane == 0            ? (ix > 0 ? tile - 1 : -1)
                   : lane == 1            ? (ix + 1 < a.tiles_x ? tile + 1 : -1)
                   : lane == 2            ? (iy > 0 ? tile - a.tiles_x : -1)
                                          : (iy + 1 < tiles_y ? tile + a.tiles_x : -1);
    const size_t sz = (size_t)ny * (size_t)nx;
    const int plane = (ty + 2) * RESIDENT_LANES;
    float *const copy0 = sh, *const copy1 = sh + (size_t)nz * plane;
    const bool in_x = gx < nx;
    const bool owned_x = lane >= 1 && lane <= RESIDENT_TILE_X && gx <= nx - 2;
    const bool edge_x = lane == 1 || lane == RESIDENT_TILE_X;
    /* work units: row r = 1 + u % rows, the (u / rows)-th of `chunks` runs of planes, streamed
     * through z with the z neighbours in registers; warp w takes units w, w + warps, ... (taking
     * units from a counter in shared memory instead, so that warps whose rows are land take
     * more, was 7 % slower on the H200: results/reference/h200, call 30) */
    const int chunks = warps / rows > 1 ? warps / rows : 1, units = rows * chunks, planes = nz - 2;

    /* every row of the tile in the grid, halos included, into both copies; loads in flight;
     * cells outside the grid (lanes past nx, rows past ny) hold 0, read by no owned cell */
    for (int q = warp; q < nz * (ty + 2); q += warps) {
        const int z = q / (ty + 2), r = q % (ty + 2);
        const float v = in_x && y0 - 1 + r < ny ? a.in[(size_t)z * sz + (size_t)(y0 - 1 + r) * nx + gx] : 0.0f;
        copy0[z * plane + r * RESIDENT_LANES + lane] = v;
        copy1[z * plane + r * RESIDENT_LANES + lane] = v;
    }
    __syncthreads();

    for (int t = 0; t < a.steps; t++) {
        float *cur = t & 1 ? copy1 : copy0;
        float *nxt = t & 1 ? copy0 : copy1;
        const float *src = t & 1 ? a.out : a.in; /* halos of step t */
        float *dst = t & 1 ? a.in : a.out;       /* edges of step t + 1 */
        if (t > 0) { /* step 0's halos are the loaded field's */
            resident_wait(a.flags, nb, t);
            resident_halos(a, cur, src, rows, y0, x0);
            __syncthreads();
        }
        for (int u = warp; u < units; u += warps) {
            const int r = 1 + u % rows, j = u / rows;
            const int z0 = 1 + j * planes / chunks, z1 = 1 + (j + 1) * planes / chunks;
            const bool edge = r == 1 || r == rows || edge_x;
            int o = z0 * plane + r * RESIDENT_LANES + lane;
            float *g = dst + (size_t)z0 * sz + (size_t)(y0 - 1 + r) * nx + gx;
            float zm = cur[o - plane], c = cur[o];
            for (int z = z0; z < z1; z++, o += plane, g += sz) {
                const float zp = cur[o + plane];
                const bool sea = owned_x && c == c;
                if (__any_sync(0xffffffffu, sea)) { /* rows of land only: nothing to do */
                    const float xm = __shfl_up_sync(0xffffffffu, c, 1);
                    const float xp = __shfl_down_sync(0xffffffffu, c, 1);
                    const float ym = cur[o - RESIDENT_LANES], yp = cur[o + RESIDENT_LANES];
                    if (sea) {
                        const float v = stencil_cuda_cell(c, zm, zp, ym, yp, xm, xp, a.k, a.insulated);
                        nxt[o] = v;
                        if (edge)
                            __stcg(g, v); /* a neighbour's halo */
                    }
                }
                zm = c;
                c = zp;
            }
        }
        /* also after the last step: out may be the buffer a neighbour still reads halos from */
        resident_publish(&a.flags[tile], t + 1);
    }
    if (a.steps > 1)
        resident_wait(a.flags, nb, a.steps);
    const float *last = a.steps & 1 ? copy1 : copy0;
    for (int u = warp; u < units; u += warps) {
        const int r = 1 + u % rows, j = u / rows;
        const int z0 = 1 + j * planes / chunks, z1 = 1 + (j + 1) * planes / chunks;
        for (int z = z0; z < z1; z++) {
            const float v = last[z * plane + r * RESIDENT_LANES + lane];
            if (owned_x && v == v)
                a.out[(size_t)z * sz + (size_t)(y0 - 1 + r) * nx + gx] = v;
        }
    }
}

static size_t resident_shared_bytes(size_t nz, int tile_y)
{
    return 2 * nz * (size_t)(tile_y + 2) * RESIDENT_LANES * sizeof(float);
}

static stencil_status resident_launch(const stencil_cuda_state *s, const float *in, float *out,
                                      int steps, cudaStream_t stream, stencil_error *err)
{
    const stencil_problem *p = &s->problem;
    resident_args a;
    a.in = const_cast<float *>(in); /* the kernel publishes halos into it on odd steps */
    a.out = out;
    a.nz = (int)p->nz;
    a.ny = (int)p->ny;
    a.nx = (int)p->nx;
    a.tile_y = s->tile_z; /* tile_z holds this variant's owned rows (tile_y) */
    a.tiles_x = (int)((p->nx - 2 + RESIDENT_TILE_X - 1) / RESIDENT_TILE_X);
    a.steps = steps;
    a.insulated = p->scheme == STENCIL_SCHEME_INSULATED;
    a.k = p->k;
    a.flags = s->flags;
    STENCIL_CUDA_CHECK(err, cudaMemsetAsync(s->flags, 0, (size_t)s->grid.x * sizeof(int), stream));
    void *args[] = {&a};
    STENCIL_CUDA_CHECK(err, cudaLaunchCooperativeKernel((const void *)resident_steps, s->grid, s->block,
                                                        args, s->shared_bytes, stream));
    return STENCIL_OK;
}

/* Knobs: tile_y owned rows a tile (default: the fewest that let every tile be resident at once,
 * so that the most multiprocessors work), block_y warps a block (default 32). */
static stencil_status configure(stencil_cuda_state *s, stencil_error *err)
{
    const stencil_problem *p = &s->problem;
    const stencil_tuning *t = &p->tuning;
    const int warps = t->block_y ? t->block_y : RESIDENT_MAX_WARPS;
    if (warps < 1 || warps > RESIDENT_MAX_WARPS)
        return stencil_fail(err, STENCIL_ERR_ARG, "block_y=%d: cuda_resident takes 1 to %d warps a block",
                            warps, RESIDENT_MAX_WARPS);
    if (t->tile_y < 0)
        return stencil_fail(err, STENCIL_ERR_ARG, "tile_y=%d: give a positive row count", t->tile_y);

    if (t->graph > 0)
        return stencil_fail(err, STENCIL_ERR_ARG, "graph=1: cuda_resident runs its steps in one "
                            "cooperative launch, not a graph");
    s->use_graph = 0;
    s->sweep = STENCIL_CUDA_GRAPH_STEPS;
    if (!s->interior)
        return STENCIL_OK; /* nothing to launch */
    if (p->nx > (size_t)1 << 30 || p->ny > (size_t)1 << 30 || p->nz > (size_t)1 << 30)
        return stencil_fail(err, STENCIL_ERR_ARG, "grid axes must be below 2^30 cells for CUDA");
    int dev = 0, smem_optin = 0, coop = 0;
    STENCIL_CUDA_CHECK(err, cudaGetDevice(&dev));
    STENCIL_CUDA_CHECK(err, cudaDeviceGetAttribute(&smem_optin, cudaDevAttrMaxSharedMemoryPerBlockOptin, dev));
    STENCIL_CUDA_CHECK(err, cudaDeviceGetAttribute(&coop, cudaDevAttrCooperativeLaunch, dev));
    if (!coop)
        return stencil_fail(err, STENCIL_ERR_UNAVAILABLE, "cuda_resident: this GPU has no cooperative "
                            "launch (use cuda_shared)");
    const void *fn = (const void *)resident_steps;
    STENCIL_CUDA_CHECK(err, cudaFuncSetAttribute(fn, cudaFuncAttributeMaxDynamicSharedMemorySize, smem_optin));
    const size_t tiles_x = (p->nx - 2 + RESIDENT_TILE_X - 1) / RESIDENT_TILE_X, rows = p->ny - 2;
    const int sms = stencil_cuda_sms(), threads = warps * RESIDENT_LANES;
    size_t tiles = 0, capacity = 0;
    int ty = t->tile_y ? t->tile_y : 1;
    for (;; ty++) { /* the fewest rows a tile whose tiles can all be resident at once */
        const size_t bytes = resident_shared_bytes(p->nz, ty);
        int per_sm = 0;
        if (bytes <= (size_t)smem_optin)
            STENCIL_CUDA_CHECK(err, cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, fn, threads, bytes));
        tiles = tiles_x * ((rows + (size_t)ty - 1) / (size_t)ty);
        capacity = (size_t)per_sm * (size_t)sms;
        if (t->tile_y || bytes > (size_t)smem_optin || tiles <= capacity || (size_t)ty >= rows)
            break;
    }
    const size_t bytes = resident_shared_bytes(p->nz, ty);
    if (bytes > (size_t)smem_optin || tiles > capacity)
        return stencil_fail(err, t->tile_y ? STENCIL_ERR_ARG : STENCIL_ERR_UNAVAILABLE,
                            "cuda_resident keeps the field in shared memory: grid %zux%zux%zu needs "
                            "%zu tiles of %zu x %d x %d cells (%zu bytes each) and this GPU holds "
                            "%zu such blocks at once (%d multiprocessors, %d bytes each): use "
                            "cuda_shared for this grid", p->nz, p->ny, p->nx, tiles, p->nz, ty + 2,
                            RESIDENT_LANES, bytes, capacity, sms, smem_optin);
    STENCIL_CUDA_CHECK(err, cudaMalloc((void **)&s->flags, tiles * sizeof(int)));
    s->tile_z = ty;
    s->block = dim3(RESIDENT_LANES, (unsigned)warps, 1);
    s->grid = dim3((unsigned)tiles, 1, 1);
    s->shared_bytes = bytes;
    return STENCIL_OK;
}

static stencil_status cuda_resident_prepare(const stencil_problem *problem, void **state,
                                            stencil_error *err)
{
    return stencil_cuda_prepare(problem, resident_launch, configure, state, err);
}

extern "C" const stencil_variant stencil_variant_cuda_resident = {
    .name = "cuda_resident",
    .device = STENCIL_GPU,
    .description = "CUDA, small grids: field kept in shared memory, one launch for 100 steps, neighbour sync",
    .bytes_per_cell = 8.0,
    .tunings = "block_y,tile_y,graph",
    .uses_threads = 0,
    .speed_rank = 22, /* above cuda_shared, below cuda_bulk: where it takes the grid (small ones)
                       * model's trial times it against the other (course grid, H200, chunks of
                       * 10 steps: 10.8-10.9 against cuda_shared's 12.1-12.3, call 31) */
    .uses_ranks = 0,
    .available = stencil_cuda_available,
    .prepare = cuda_resident_prepare,
    .upload = stencil_cuda_upload,
    .run = stencil_cuda_run,
    .download = stencil_cuda_download,
    .release = stencil_cuda_release,
    .exchange = NULL,
};
