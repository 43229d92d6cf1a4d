/* cuda_resident: for grids whose field fits in the GPU's shared memory (an H200 has 132 x 227 KB;
 * the course grid, 50 x 222 x 241, is 10.7 MB and fits): one cooperative launch, one block per
 * streaming multiprocessor (two, of at most 16 warps, where they fit), runs up to 100 timesteps.
 * Each block loads its tile (with a one-cell halo) into shared memory once and keeps it there in
 * two copies (this step's and the next's); between steps only the tile's edge cells travel,
 * through global memory (L2), and each block waits only for the tiles that share an edge with it
 * (a step counter each, released after the block's stores, acquired before its halo loads), not
 * for the whole grid. A step costs the block's arithmetic and one L2 round trip, not a kernel
 * launch and a pass of the whole field through L2.
 *
 * Tiles (kernels/resident_plan.h): columns of 30 owned cells in x (a warp's 32 lanes hold them
 * and the two halo cells, so the x neighbours come by warp shuffles), cut into runs of rows whose
 * sea row-planes are balanced, each holding the planes down to its deepest sea cell. Upload
 * finds each row's depth on the GPU and, when the depths differ from the last upload's, cuts the
 * tiles again on the host. Step t reads halos from global buffer t % 2 (in, out, in, ...) and
 * publishes its edge cells for step t + 1 into buffer (t + 1) % 2. A block publishes step t + 1
 * only after its neighbours have published step t, that is, after they finished reading buffer
 * (t + 1) % 2's halos of step t - 1; and it stores the result in out only after its neighbours
 * finished their last step. Face and NaN cells are never written (both buffers hold them since
 * upload), nor are cells of rows no tile owns (all land).
 *
 * Arithmetic: the division-free update of kernels/stencil_cell.h where all six neighbours are sea
 * (stencil_sea6_*), stencil_cell elsewhere: bit for bit naive's.
 *
 * Work: the block's sea row-planes (each row down to its own depth) are split evenly among its
 * warps; a warp streams its share row by row through z, the z neighbours in registers, and a warp
 * vote skips row-planes whose owned cells are all land (updating every lane, with one vote for the
 * division-free path and no branch a cell, ran 2 to 3 % slower: call 41). The halos are loaded by
 * the whole block between two barriers (an x halo of 16 rows a warp instruction).
 *
 * Measured on the H200 (results/reference/h200/README.md, session 10, calls 39-44), against the
 * previous kernel (equal tiles of every plane) in the same calls: course grid, 100 steps a launch,
 * 8.8-8.9 us a step against 9.4 (cuda_shared 12.0); in model's chunks of 10 steps 11.2-11.9
 * against 12.7-13.0; 30 x 100 x 120, 3.3-3.4 against 3.8-3.9. Half of a warp's cycles still wait
 * at the block's barriers (Nsight, call 40): for the neighbours' step and the L2 round trips of
 * the halo exchange, which is most of a step on the small grid. Upload's depth pass costs no
 * measurable time (h2d 1.64 ms against cuda_shared's 1.66 on the course grid, call 44). */
#include <cuda/atomic>

#include <stdlib.h>
#include <string.h>

#include "cuda_common.cuh"
#include "resident_plan.h"
#include "stencil_cell.h"

/* Default: a block of 32 warps a multiprocessor. Blocks of at most 16 warps go two a
 * multiprocessor (tiles cut for half its shared memory) where the grid fits so: on the H200 that
 * was no faster on the course grid (8.8 us a step either way) and slower on 30 x 100 x 120 (3.9
 * against 3.4 us; call 43). */
enum { RESIDENT_MAX_WARPS = 32, RESIDENT_DEFAULT_WARPS = 32, RESIDENT_BLOCKS_PER_SM = 2 };

struct resident_args {
    float *in, *out;            /* the field at the start; the result. Halos of step t go through
                                   in (t even) or out (t odd) */
    int *flags;                 /* per tile: the last step whose edge cells it published */
    const resident_tile *tiles; /* kernels/resident_plan.h */
    const int *nbs, *depth;     /* neighbour lists; each column's rows' depths */
    int nz, ny, nx, steps, insulated;
    float k;
};

/* What cuda_resident keeps besides the common state: its tiling, on the host and the device. */
struct resident_state {
    resident_plan plan;
    int *depth_host;           /* the depths the plan was cut for */
    int *fresh;                /* pinned: the depths of the last upload */
    int *depth, *flags, *nbs;  /* device: depths, step counters, neighbour lists */
    resident_tile *tiles;      /* device */
    size_t depth_count, budget;
    int capacity, rows;        /* tiles the GPU holds at once; tile_y given (0: balanced) */
};

static void resident_release(void *extra)
{
    resident_state *r = (resident_state *)extra;
    if (!r)
        return;
    resident_plan_free(&r->plan);
    free(r->depth_host);
    cudaFreeHost(r->fresh);
    cudaFree(r->depth);
    cudaFree(r->flags);
    cudaFree(r->nbs);
    cudaFree(r->tiles);
    free(r);
}

/* Signals that this block has published step `step`'s edge cells: every thread's stores, then
 * (after the barrier) one release store of the block's counter (as CUTLASS's generic barrier). */
__device__ __forceinline__ void resident_publish(int *flag, int step)
{
    __syncthreads();
    if (threadIdx.x == 0 && threadIdx.y == 0)
        cuda::atomic_ref<int, cuda::thread_scope_device>(*flag).store(step, cuda::memory_order_release);
}

/* Waits until the tile's neighbours have published step `step`: warp 0's lanes spin on acquire
 * loads, one neighbour each; the barrier then orders every thread's halo loads after them. */
__device__ __forceinline__ void resident_wait(int *flags, const int *nbs, int count, int step)
{
    if (threadIdx.y == 0)
        for (int i = (int)threadIdx.x; i < count; i += RESIDENT_LANES) {
            cuda::atomic_ref<int, cuda::thread_scope_device> f(flags[nbs[i]]);
            while (f.load(cuda::memory_order_acquire) < step)
                __nanosleep(32);
        }
    __syncthreads();
}

/* Shared memory: two copies of the tile, each depth + 2 planes of rows + 2 rows of 32 floats; row
 * r (0 to rows + 1), lane c holds cell (y0 - 1 + r, x0 - 1 + c). Rows 1 to rows, lanes 1 to 30
 * are the tile's own cells. A step's halo cells (lanes 0 and 31 of the owned rows, lanes 1 to 30
 * of rows 0 and rows + 1, planes 1 to depth) come from global memory, where the neighbours
 * published them (faces and land: there since upload): the whole block loads them, up to
 * RESIDENT_BATCH loads in flight a thread, between two barriers, so the step waits for L2 once
 * and every lane then reads any plane of the copy. */
enum { RESIDENT_BATCH = 4 };

/* The halo cells of step t into cur: x halos 16 rows a warp instruction (lane = 2 x row + side),
 * y halos a row of 32 lanes (the owned 30 load). Items q = warp, warp + warps, ...: first the
 * x halos (planes x row groups of 16), then the y halos (planes x 2 sides). */
__device__ __forceinline__ void resident_halos(const resident_args &a, float *cur, const float *src, int rows,
                                               int depth, int y0, int x0)
{
    const int lane = (int)threadIdx.x, warp = (int)threadIdx.y, warps = (int)blockDim.y;
    const int nx = a.nx;
    const size_t sz = (size_t)a.ny * (size_t)nx, plane = (size_t)(rows + 2) * RESIDENT_LANES;
    const int groups = (rows + 15) / 16, xitems = depth * groups, items = xitems + 2 * depth;
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
                const int z = 1 + (q - xitems) / 2, r = (q - xitems) & 1 ? rows + 1 : 0;
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

/* The running plane counts of the tile's rows: pre[r] = depth of rows 1 .. r (pre[0] = 0), by
 * warp 0 (a scan of 32 rows at a time). */
__device__ __forceinline__ void resident_row_counts(int *pre, const int *depth, int rows)
{
    const int lane = (int)threadIdx.x;
    if (threadIdx.y != 0)
        return;
    int carry = 0;
    for (int base = 1; base <= rows; base += RESIDENT_LANES) {
        const int r = base + lane;
        int v = r <= rows ? depth[r] : 0;
#pragma unroll
        for (int d = 1; d < RESIDENT_LANES; d *= 2) {
            const int u = __shfl_up_sync(0xffffffffu, v, d);
            v += lane >= d ? u : 0;
        }
        if (r <= rows)
            pre[r] = carry + v;
        carry += __shfl_sync(0xffffffffu, v, RESIDENT_LANES - 1);
    }
    if (lane == 0)
        pre[0] = 0;
}

__global__ void __launch_bounds__(RESIDENT_LANES *RESIDENT_MAX_WARPS, 1)
    resident_steps(const resident_args a)
{
    extern __shared__ float sh[];
    const int lane = (int)threadIdx.x, warp = (int)threadIdx.y, warps = (int)blockDim.y;
    const resident_tile tl = a.tiles[blockIdx.x];
    const int rows = tl.rows, depth = tl.depth, x0 = tl.x0, y0 = tl.y0, nx = a.nx;
    const int *const nbs = a.nbs + tl.nb_first;
    const int gx = x0 - 1 + lane;
    const size_t sz = (size_t)a.ny * (size_t)nx;
    const int plane = (rows + 2) * RESIDENT_LANES, planes = depth + 2;
    float *const copy0 = sh, *const copy1 = sh + (size_t)planes * plane;
    int *const pre = (int *)(copy1 + (size_t)planes * plane);
    const bool in_x = gx < nx;
    const bool owned_x = lane >= 1 && lane <= RESIDENT_TILE_X && gx <= nx - 2;
    const bool edge_x = lane == 1 || lane == RESIDENT_TILE_X;

    /* every row of the tile, halos included, planes 0 .. depth + 1, into both copies; lanes past
     * nx hold 0, read by no owned cell */
    for (int q = warp; q < planes * (rows + 2); q += warps) {
        const int z = q / (rows + 2), r = q % (rows + 2);
        const float v = in_x ? a.in[(size_t)z * sz + (size_t)(y0 - 1 + r) * nx + gx] : 0.0f;
        copy0[z * plane + r * RESIDENT_LANES + lane] = v;
        copy1[z * plane + r * RESIDENT_LANES + lane] = v;
    }
    resident_row_counts(pre, a.depth + (size_t)((x0 - 1) / RESIDENT_TILE_X) * a.ny + y0 - 1, rows);
    __syncthreads();

    /* this warp's share of the row-planes: q in [qb, qe), row-major (row r's planes 1 .. its
     * depth are q = pre[r - 1] .. pre[r] - 1); r0 is the row of qb */
    const int total = pre[rows];
    const int qb = (int)((long long)total * warp / warps), qe = (int)((long long)total * (warp + 1) / warps);
    int r0 = 1;
    while (r0 < rows && pre[r0] <= qb)
        r0++;

    for (int t = 0; t < a.steps; t++) {
        float *cur = t & 1 ? copy1 : copy0;
        float *nxt = t & 1 ? copy0 : copy1;
        const float *src = t & 1 ? a.out : a.in; /* halos of step t */
        float *dst = t & 1 ? a.in : a.out;       /* edges of step t + 1 */
        if (t > 0) { /* step 0's halos are the loaded field's */
            resident_wait(a.flags, nbs, tl.nb_count, t);
            resident_halos(a, cur, src, rows, depth, y0, x0);
            __syncthreads();
        }
        const int ahead = (int)(nxt - cur); /* nxt[o] is cur[o + ahead] */
        for (int q = qb, r = r0; q < qe; r++) {
            const int z0 = 1 + q - pre[r - 1], z1 = 1 + min(qe, pre[r]) - pre[r - 1];
            q = pre[r];
            const bool edge = owned_x && (r == 1 || r == rows || edge_x);
            float *o = cur + z0 * plane + r * RESIDENT_LANES + lane;
            int g = z0 * (int)sz + (y0 - 1 + r) * nx + gx; /* the field has fewer than 2^31 cells */
            float zm = o[-plane], c = o[0];
            for (int z = z0; z < z1; z++, o += plane, g += (int)sz) {
                const float zp = o[plane];
                const bool sea = owned_x && c == c;
                if (__any_sync(0xffffffffu, sea)) { /* row-planes of land only: nothing to do */
                    const float xm = __shfl_up_sync(0xffffffffu, c, 1);
                    const float xp = __shfl_down_sync(0xffffffffu, c, 1);
                    const float ym = o[-RESIDENT_LANES], yp = o[RESIDENT_LANES];
                    if (sea) {
                        const float v = stencil_cuda_cell(c, zm, zp, ym, yp, xm, xp, a.k, a.insulated);
                        o[ahead] = v;
                        if (edge)
                            __stcg(dst + g, v); /* a neighbour's halo */
                    }
                }
                zm = c;
                c = zp;
            }
        }
        /* also after the last step: out may be the buffer a neighbour still reads halos from */
        resident_publish(&a.flags[blockIdx.x], t + 1);
    }
    if (a.steps > 1)
        resident_wait(a.flags, nbs, tl.nb_count, a.steps);
    const float *last = a.steps & 1 ? copy1 : copy0;
    for (int q = qb, r = r0; q < qe; r++) {
        const int z0 = 1 + q - pre[r - 1], z1 = 1 + min(qe, pre[r]) - pre[r - 1];
        q = pre[r];
        for (int z = z0; z < z1; z++) {
            const float v = last[z * plane + r * RESIDENT_LANES + lane];
            if (owned_x && v == v)
                a.out[(size_t)z * sz + (size_t)(y0 - 1 + r) * nx + gx] = v;
        }
    }
}

enum { RESIDENT_DEPTH_BATCH = 8 };

/* Each column's rows' depths (resident_depths' table) from the field on the device: a warp a
 * (column, row), its lanes the owned cells, from the bottom plane up to the first sea cell. */
__global__ void resident_depth_kernel(const float *f, int *depth, int nz, int ny, int nx, int columns)
{
    const int lane = (int)threadIdx.x & (RESIDENT_LANES - 1);
    const long long item = ((long long)blockIdx.x * blockDim.x + threadIdx.x) / RESIDENT_LANES;
    if (item >= (long long)columns * ny)
        return;
    const int ix = (int)(item / ny), y = (int)(item % ny), x = 1 + ix * RESIDENT_TILE_X + lane;
    const bool owned = lane < RESIDENT_TILE_X && x <= nx - 2;
    int d = 0;
    for (int top = nz - 2; y >= 1 && y <= ny - 2 && top >= 1 && d == 0; top -= RESIDENT_DEPTH_BATCH) {
        bool sea[RESIDENT_DEPTH_BATCH]; /* the batch's loads in flight together, then the votes */
#pragma unroll
        for (int b = 0; b < RESIDENT_DEPTH_BATCH; b++) {
            const int z = top - b;
            const float v = owned && z >= 1 ? f[((size_t)z * ny + y) * nx + x] : __int_as_float(0x7fc00000);
            sea[b] = v == v;
        }
#pragma unroll
        for (int b = 0; b < RESIDENT_DEPTH_BATCH; b++)
            if (d == 0 && __any_sync(0xffffffffu, sea[b]))
                d = top - b;
    }
    if (lane == 0)
        depth[item] = d;
}

static stencil_status resident_launch(const stencil_cuda_state *s, const float *in, float *out,
                                      int steps, cudaStream_t stream, stencil_error *err)
{
    const stencil_problem *p = &s->problem;
    const resident_state *r = (const resident_state *)s->extra;
    if (r->plan.count == 0)
        return STENCIL_OK; /* every row land: nothing changes, both buffers hold the field */
    resident_args a;
    a.in = const_cast<float *>(in); /* the kernel publishes halos into it on odd steps */
    a.out = out;
    a.flags = r->flags;
    a.tiles = r->tiles;
    a.nbs = r->nbs;
    a.depth = r->depth;
    a.nz = (int)p->nz;
    a.ny = (int)p->ny;
    a.nx = (int)p->nx;
    a.steps = steps;
    a.insulated = p->scheme == STENCIL_SCHEME_INSULATED;
    a.k = p->k;
    STENCIL_CUDA_CHECK(err, cudaMemsetAsync(r->flags, 0, (size_t)r->plan.count * sizeof(int), stream));
    void *args[] = {&a};
    const dim3 grid((unsigned)r->plan.count, 1, 1);
    STENCIL_CUDA_CHECK(err, cudaLaunchCooperativeKernel((const void *)resident_steps, grid, s->block,
                                                        args, s->shared_bytes, stream));
    return STENCIL_OK;
}

/* Cuts the tiles for depths (host) and copies them and the depths to the device. */
static stencil_status resident_cut(resident_state *r, const stencil_problem *p, stencil_error *err)
{
    resident_plan_free(&r->plan);
    stencil_status st = resident_plan_make(&r->plan, r->depth_host, p->nz, p->ny, p->nx, r->rows,
                                           r->budget, r->capacity, err);
    if (st != STENCIL_OK)
        return st;
    STENCIL_CUDA_CHECK(err, cudaMemcpy(r->depth, r->depth_host, r->depth_count * sizeof(int),
                                       cudaMemcpyHostToDevice));
    STENCIL_CUDA_CHECK(err, cudaMemcpy(r->tiles, r->plan.tiles, (size_t)r->plan.count * sizeof(resident_tile),
                                       cudaMemcpyHostToDevice));
    STENCIL_CUDA_CHECK(err, cudaMemcpy(r->nbs, r->plan.nbs, (size_t)r->plan.nb_total * sizeof(int),
                                       cudaMemcpyHostToDevice));
    return STENCIL_OK;
}

/* The common upload, then the rows' depths from the uploaded field; the tiles are cut again only
 * when the depths changed (the harness uploads the same field before every repetition). */
static stencil_status resident_upload(void *state, const float *field, stencil_error *err)
{
    stencil_status st = stencil_cuda_upload(state, field, err);
    stencil_cuda_state *s = (stencil_cuda_state *)state;
    resident_state *r = (resident_state *)s->extra;
    if (st != STENCIL_OK || !s->interior)
        return st;
    const stencil_problem *p = &s->problem;
    const long long items = (long long)r->depth_count;
    const unsigned blocks = (unsigned)((items * RESIDENT_LANES + 255) / 256);
    resident_depth_kernel<<<blocks, 256, 0, 0>>>(s->buf[0], r->depth, (int)p->nz, (int)p->ny, (int)p->nx,
                                                 resident_columns(p->nx));
    STENCIL_CUDA_CHECK(err, cudaGetLastError());
    STENCIL_CUDA_CHECK(err, cudaMemcpyAsync(r->fresh, r->depth, r->depth_count * sizeof(int),
                                            cudaMemcpyDeviceToHost, 0));
    STENCIL_CUDA_CHECK(err, cudaStreamSynchronize(0));
    if (memcmp(r->fresh, r->depth_host, r->depth_count * sizeof(int)) == 0)
        return STENCIL_OK;
    memcpy(r->depth_host, r->fresh, r->depth_count * sizeof(int));
    return resident_cut(r, p, err);
}

/* Knobs: tile_y owned rows a tile (default: rows balanced by their sea), block_y warps a block
 * (default 32). */
static stencil_status configure(stencil_cuda_state *s, stencil_error *err)
{
    const stencil_problem *p = &s->problem;
    const stencil_tuning *t = &p->tuning;
    const int warps = t->block_y ? t->block_y : RESIDENT_DEFAULT_WARPS;
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
    const int columns = resident_columns(p->nx), depth = (int)p->nz - 2;
    const size_t rows = p->ny - 2;
    const int sms = stencil_cuda_sms(), threads = warps * RESIDENT_LANES;
    size_t tiles = 0, capacity = 0;
    int ty = t->tile_y ? t->tile_y : 1, per_sm = 0;
    for (;; ty++) { /* the fewest rows a tile whose equal full-depth tiles can all be resident */
        const size_t bytes = resident_tile_bytes(ty, depth);
        per_sm = 0;
        if (bytes <= (size_t)smem_optin)
            STENCIL_CUDA_CHECK(err, cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, fn, threads, bytes));
        tiles = (size_t)columns * ((rows + (size_t)ty - 1) / (size_t)ty);
        capacity = (size_t)per_sm * (size_t)sms;
        if (t->tile_y || bytes > (size_t)smem_optin || tiles <= capacity || (size_t)ty >= rows)
            break;
    }
    size_t bytes = resident_tile_bytes(ty, depth);
    if (bytes > (size_t)smem_optin || tiles > capacity)
        return stencil_fail(err, t->tile_y ? STENCIL_ERR_ARG : STENCIL_ERR_UNAVAILABLE,
                            "cuda_resident keeps the field in shared memory: grid %zux%zux%zu needs "
                            "%zu tiles of %zu x %d x %d cells (%zu bytes each) and this GPU holds "
                            "%zu such blocks at once (%d multiprocessors, %d bytes each): use "
                            "cuda_shared for this grid", p->nz, p->ny, p->nx, tiles, p->nz, ty + 2,
                            RESIDENT_LANES, bytes, capacity, sms, smem_optin);
    resident_state *r = (resident_state *)calloc(1, sizeof *r);
    if (!r)
        return stencil_fail(err, STENCIL_ERR_NOMEM, "out of host memory for cuda_resident's tiles");
    s->extra = r;
    s->release_extra = resident_release;
    r->rows = t->tile_y;
    r->depth_count = (size_t)columns * p->ny;
    r->depth_host = (int *)malloc(r->depth_count * sizeof(int));
    if (!r->depth_host)
        return stencil_fail(err, STENCIL_ERR_NOMEM, "out of host memory for cuda_resident's depths");
    resident_depths(NULL, p->nz, p->ny, p->nx, r->depth_host); /* every cell sea, until upload */
    if (!t->tile_y) { /* balanced tiles: the shared memory of `want` blocks a multiprocessor, if
                        * they fit (registers) and the grid fits in them (all sea) */
        const int want = RESIDENT_BLOCKS_PER_SM;
        size_t avail = 0;
        int fits = 0;
        STENCIL_CUDA_CHECK(err, cudaOccupancyMaxActiveBlocksPerMultiprocessor(&fits, fn, threads,
                                                                              resident_tile_bytes(1, depth)));
        if (fits >= want) /* the threads and registers of `want` blocks fit */
            STENCIL_CUDA_CHECK(err, cudaOccupancyAvailableDynamicSMemPerBlock(&avail, fn, want, threads));
        fits = 0;
        if (avail >= resident_tile_bytes(1, depth))
            STENCIL_CUDA_CHECK(err, cudaOccupancyMaxActiveBlocksPerMultiprocessor(&fits, fn, threads, avail));
        resident_plan trial;
        stencil_error ignored;
        if (fits >= want && resident_plan_make(&trial, r->depth_host, p->nz, p->ny, p->nx, 0, avail,
                                               want * sms, &ignored) == STENCIL_OK) {
            bytes = avail;
            capacity = (size_t)want * (size_t)sms;
            resident_plan_free(&trial);
        }
    }
    r->budget = bytes;
    r->capacity = (int)capacity;
    STENCIL_CUDA_CHECK(err, cudaMallocHost((void **)&r->fresh, r->depth_count * sizeof(int)));
    STENCIL_CUDA_CHECK(err, cudaMalloc((void **)&r->depth, r->depth_count * sizeof(int)));
    STENCIL_CUDA_CHECK(err, cudaMalloc((void **)&r->flags, capacity * sizeof(int)));
    STENCIL_CUDA_CHECK(err, cudaMalloc((void **)&r->tiles, (capacity + 1) * sizeof(resident_tile)));
    STENCIL_CUDA_CHECK(err, cudaMalloc((void **)&r->nbs, (6 * capacity + 1) * sizeof(int)));
    s->block = dim3(RESIDENT_LANES, (unsigned)warps, 1);
    s->shared_bytes = bytes;
    return resident_cut(r, p, err);
}

static stencil_status cuda_resident_prepare(const stencil_problem *problem, void **state,
                                            stencil_error *err)
{
    return stencil_cuda_prepare(problem, resident_launch, configure, state, err);
}

extern "C" const stencil_variant stencil_variant_cuda_resident = {
    .name = "cuda_resident",
    .device = STENCIL_GPU,
    .description = "CUDA, small grids: field kept in shared memory, tiles balanced by their sea, one "
                   "launch for 100 steps, neighbour sync",
    .bytes_per_cell = 8.0,
    .tunings = "block_y,tile_y,graph",
    .uses_threads = 0,
    .speed_rank = 22, /* above cuda_shared, below cuda_bulk: where it takes the grid (small ones)
                       * model's trial times it against the other (course grid, H200, chunks of
                       * 10 steps: 10.8-10.9 against cuda_shared's 12.1-12.3, call 31) */
    .uses_ranks = 0,
    .available = stencil_cuda_available,
    .prepare = cuda_resident_prepare,
    .upload = resident_upload,
    .run = stencil_cuda_run,
    .download = stencil_cuda_download,
    .release = stencil_cuda_release,
    .exchange = NULL,
};
