/* One block's sweep of one x-y tile over a run of z planes (2.5-D z-streaming), the body of
 * cuda_shared (one launch a timestep) and of cuda_persistent (every timestep in one launch).
 *
 * The tile is blockDim.x * V cells wide (V = 4 cells a thread in x) and blockDim.y rows high.
 * Each plane of it, with a one-cell halo in x and y, is copied once from global into a ring of
 * shared-memory slots by asynchronous copies (cp.async) issued TILE_DEPTH planes ahead, so a
 * cell is read from global memory about once instead of seven times and many bytes are in
 * flight without holding registers (the version before kept the next plane in registers: 78
 * registers a thread, 6 blocks an SM, 70 % of the copy at 512^3 on the H200). A16: rows are
 * 16-byte aligned (nx % 4 == 0): 16-byte copies and float4 stores; otherwise 4-byte copies,
 * masked at the row's end. All-land vectors are not stored (both buffers already hold them).
 *
 * Arithmetic: a thread whose cells are all inside the box in x and whose cells and neighbours
 * are all sea takes stencil_sea6_* (kernels/stencil_cell.h: the plain sum and no division,
 * about 14 instructions a cell instead of about 40); any other thread (a coast, land, the
 * box's x faces, |update| below 2^-125) takes stencil_cell per cell. Both give naive's bits. */
#ifndef STENCIL_CUDA_TILE_CUH
#define STENCIL_CUDA_TILE_CUH

#include "cuda_common.cuh"
#include "stencil_cell.h"

enum { TILE_V = 4 }; /* cells a thread in x */

/* Asynchronous copies global -> shared (cp.async, compute capability 8.0 on): 16 bytes cached
 * in L2 only, or 4 bytes; a thread commits one group a plane and waits for all but the newest
 * n groups. They are weak loads in CUDA's memory model, so cells other blocks wrote before a
 * grid barrier are seen (cuda_persistent), as the read-only cache's loads (__ldg) are not. */
#if !defined(__CUDA_ARCH__) || __CUDA_ARCH__ >= 800
__device__ __forceinline__ void tile_cp16(float *dst, const float *src)
{
    asm volatile("cp.async.cg.shared.global [%0], [%1], 16;\n" ::"r"((unsigned)__cvta_generic_to_shared(dst)),
                 "l"(src)
                 : "memory");
}
__device__ __forceinline__ void tile_cp4(float *dst, const float *src)
{
    asm volatile("cp.async.ca.shared.global [%0], [%1], 4;\n" ::"r"((unsigned)__cvta_generic_to_shared(dst)),
                 "l"(src)
                 : "memory");
}
__device__ __forceinline__ void tile_commit() { asm volatile("cp.async.commit_group;\n" ::: "memory"); }
template <int N> __device__ __forceinline__ void tile_wait() { asm volatile("cp.async.wait_group %0;\n" ::"n"(N) : "memory"); }
#else /* before compute capability 8.0: plain loads (L2-cached) and stores, nothing to wait for */
__device__ __forceinline__ void tile_cp16(float *dst, const float *src)
{
    *reinterpret_cast<float4 *>(dst) = __ldcg(reinterpret_cast<const float4 *>(src));
}
__device__ __forceinline__ void tile_cp4(float *dst, const float *src) { *dst = __ldcg(src); }
__device__ __forceinline__ void tile_commit() {}
template <int N> __device__ __forceinline__ void tile_wait() {}
#endif

template <bool A16> __device__ __forceinline__ void tile_store(float *p, const float (&r)[TILE_V], int lim)
{
    if constexpr (A16) {
        (void)lim;
        *reinterpret_cast<float4 *>(p) = make_float4(r[0], r[1], r[2], r[3]);
    } else {
#pragma unroll
        for (int i = 0; i < TILE_V; i++)
            if (i < lim)
                p[i] = r[i];
    }
}

/* What a launch tells every tile: the box, the tiling and the model's constants. */
struct tile_args {
    int nz, ny, nx;
    int tiles_x; /* tiles across x */
    int tile_z;  /* planes a run */
    float k;
    int insulated;
};

/* The pipeline: plane p goes into slot p % TILE_RING of shared memory; while plane z is
 * computed (from planes z-1, z, z+1), planes z+2 .. z+1+TILE_DEPTH are on their way. Slots in
 * use at once: plane z-2 (another thread may still compute z-1) to z+1+TILE_DEPTH. */
enum { TILE_DEPTH = 2, TILE_RING = TILE_DEPTH + 4 };

/* Shared memory a block needs: TILE_RING plane slots, each (by + 2) rows of pitch = bx * V + 8
 * floats: 3 pad, left halo, the tile's cells (16-byte aligned), right halo, pad. */
static inline size_t tile_shared_bytes(int bx, int by)
{
    return TILE_RING * (size_t)(by + 2) * (size_t)(bx * TILE_V + 8) * sizeof(float);
}

/* Host: the launch shape of a tile kernel on s's problem, fn16 for 16-byte rows (nx % 4 ==
 * 0) and fn1 for the others: block_x x block_y threads (default 32 x 4), the shared memory, the
 * tiles, and tile_z: the tuning's, else planes for runs enough to give `waves` waves of resident
 * blocks, kept within [zmin, zmax]. Sets s->vec (4: fn16, 1: fn1), block, shared_bytes, tile_z
 * and grid (tiles x runs), and *per_sm, the blocks one SM holds. */
static stencil_status tile_configure(stencil_cuda_state *s, const void *fn16, const void *fn1,
                                     int waves, int zmin, int zmax, int *per_sm, stencil_error *err)
{
    const stencil_problem *p = &s->problem;
    const stencil_tuning *t = &p->tuning;
    const int vec = p->nx % 4 == 0 ? 4 : 1;
    const int bx = t->block_x ? t->block_x : 32, by = t->block_y ? t->block_y : 4;
    const void *fn = vec == 4 ? fn16 : fn1;
    cudaFuncAttributes attr;
    int dev = 0, smem_optin = 0;
    STENCIL_CUDA_CHECK(err, cudaFuncGetAttributes(&attr, fn));
    STENCIL_CUDA_CHECK(err, cudaGetDevice(&dev));
    STENCIL_CUDA_CHECK(err, cudaDeviceGetAttribute(&smem_optin, cudaDevAttrMaxSharedMemoryPerBlockOptin, dev));
    const size_t shared_bytes = tile_shared_bytes(bx, by);
    if (bx < 2 || by < 2 || (long)bx * by > attr.maxThreadsPerBlock || shared_bytes > (size_t)smem_optin)
        return stencil_fail(err, STENCIL_ERR_ARG,
                            "block %dx%d: block_x and block_y >= 2, at most %d threads and %d bytes "
                            "of shared memory a block (this shape needs %zu)",
                            bx, by, attr.maxThreadsPerBlock, smem_optin, shared_bytes);
    if (shared_bytes > (size_t)attr.maxDynamicSharedSizeBytes) /* only raised: another state may need more */
        STENCIL_CUDA_CHECK(err, cudaFuncSetAttribute(fn, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                                     (int)shared_bytes));
    if (p->nx > (size_t)1 << 30 || p->ny > (size_t)1 << 30 || p->nz > (size_t)1 << 30)
        return stencil_fail(err, STENCIL_ERR_ARG, "grid axes must be below 2^30 cells for CUDA");
    const size_t tiles = ((p->nx + (size_t)(bx * TILE_V) - 1) / (size_t)(bx * TILE_V)) *
                         ((p->ny + (size_t)by - 1) / (size_t)by);
    if (tiles > 0x7fffffffu)
        return stencil_fail(err, STENCIL_ERR_ARG, "too many x-y tiles: use a larger block");
    *per_sm = 0;
    STENCIL_CUDA_CHECK(err, cudaOccupancyMaxActiveBlocksPerMultiprocessor(per_sm, fn, bx * by, shared_bytes));
    const size_t planes = p->nz > 2 ? p->nz - 2 : 1;
    size_t tile_z = (size_t)t->tile_z;
    if (!tile_z) {
        const size_t wave = (size_t)(*per_sm > 0 ? *per_sm : 1) * (size_t)stencil_cuda_sms();
        const size_t runs = ((size_t)waves * wave + tiles - 1) / tiles;
        tile_z = (planes + runs - 1) / runs;
        tile_z = tile_z < (size_t)zmin ? (size_t)zmin : tile_z > (size_t)zmax ? (size_t)zmax : tile_z;
    }
    if (tile_z < (planes + 65534) / 65535)
        tile_z = (planes + 65534) / 65535;
    s->vec = vec;
    s->tile_z = (int)(tile_z < planes ? tile_z : planes);
    s->block = dim3((unsigned)bx, (unsigned)by, 1);
    s->grid = dim3((unsigned)tiles, (unsigned)((planes + (size_t)s->tile_z - 1) / (size_t)s->tile_z), 1);
    s->shared_bytes = shared_bytes;
    return STENCIL_OK;
}

static inline tile_args tile_args_of(const stencil_cuda_state *s)
{
    const stencil_problem *p = &s->problem;
    const tile_args a = {(int)p->nz, (int)p->ny, (int)p->nx,
                         (int)((p->nx + s->block.x * TILE_V - 1) / (s->block.x * TILE_V)), s->tile_z,
                         p->k, p->scheme == STENCIL_SCHEME_INSULATED};
    return a;
}

/* Tile `tile` (x index tile % tiles_x, y index tile / tiles_x) over planes 1 + run * tile_z
 * onwards, from `in` to `out`. Only interior, not-NaN cells change. blockDim.x, blockDim.y >= 2;
 * every thread of the block calls it (it has barriers). */
template <bool A16>
__device__ __forceinline__ void tile_sweep(const float *__restrict__ in, float *__restrict__ out,
                                           const tile_args &a, unsigned tile, unsigned run, float *sh)
{
    constexpr int V = TILE_V;
    const int nz = a.nz, ny = a.ny, nx = a.nx;
    const int bx = blockDim.x, by = blockDim.y, tx = threadIdx.x, ty = threadIdx.y;
    const int pitch = bx * V + 8, plane_sh = (by + 2) * pitch;
    const int x_tile = (int)(tile % (unsigned)a.tiles_x) * bx * V;
    const int y = (int)(tile / (unsigned)a.tiles_x) * by + ty;
    const int x0 = x_tile + tx * V;
    const int z_begin = 1 + (int)run * a.tile_z;
    const int z_end = min(z_begin + a.tile_z, nz - 1); /* planes z_begin..z_end-1 computed */
    const size_t sz = (size_t)ny * (size_t)nx;
    const bool mine = x0 < nx && y < ny;
    const int lim = min(V, nx - x0); /* cells of this thread inside the row */
    /* halo copies: row y-1 by ty == 0, row y+1 by ty == by-1, the cell left of the tile by
     * tx == 0, the one right of it by tx == bx-1 */
    const int dy = ty == 0 ? -1 : 1, dx = tx == 0 ? -1 : V;
    const bool ld_row = mine && ((ty == 0 && y >= 1) || (ty == by - 1 && y + 1 < ny));
    const bool ld_col = mine && ((tx == 0 && x_tile >= 1) || (tx == bx - 1 && x_tile + bx * V < nx));
    const bool compute = mine && y >= 1 && y <= ny - 2;
    const bool x_inner = x0 >= 1 && x0 + V <= nx - 1; /* all V cells updated in x */
    const float *src = in + (mine ? (size_t)y * (size_t)nx + (size_t)x0 : 0);
    float *dst = out + (mine ? (size_t)y * (size_t)nx + (size_t)x0 : 0);
    const int me = (ty + 1) * pitch + 4 + tx * V; /* this thread's first cell in a slot */

    /* Issues plane p's copies into its slot (nothing past z_end) and commits them as a group. */
    auto issue = [&](int p) {
        if (p <= z_end && mine) {
            const float *g = src + (size_t)p * sz;
            float *d = sh + (p % TILE_RING) * plane_sh + me;
            if constexpr (A16) {
                tile_cp16(d, g);
                if (ld_row)
                    tile_cp16(d + dy * pitch, g + (ptrdiff_t)dy * nx);
            } else {
                for (int i = 0; i < lim; i++)
                    tile_cp4(d + i, g + i);
                if (ld_row)
                    for (int i = 0; i < lim; i++)
                        tile_cp4(d + dy * pitch + i, g + (ptrdiff_t)dy * nx + i);
            }
            if (ld_col)
                tile_cp4(d + dx, g + dx);
        }
        tile_commit();
    };

    __syncthreads(); /* the block's previous tile (cuda_persistent) has read its slots */
    for (int p = z_begin - 1; p <= z_begin + TILE_DEPTH; p++)
        issue(p);
    for (int z = z_begin; z < z_end; z++) {
        issue(z + 1 + TILE_DEPTH);
        tile_wait<TILE_DEPTH>(); /* planes up to z + 1 have arrived (this thread's copies) */
        __syncthreads();             /* ... and every thread's */
        if (!compute)
            continue;
        const float *row = sh + (z % TILE_RING) * plane_sh + me;
        const float4 fb = *reinterpret_cast<const float4 *>(sh + ((z - 1) % TILE_RING) * plane_sh + me);
        const float4 fc = *reinterpret_cast<const float4 *>(row);
        const float4 fa = *reinterpret_cast<const float4 *>(sh + ((z + 1) % TILE_RING) * plane_sh + me);
        const float4 fm = *reinterpret_cast<const float4 *>(row - pitch);
        const float4 fp = *reinterpret_cast<const float4 *>(row + pitch);
        const float below[V] = {fb.x, fb.y, fb.z, fb.w}, cur[V] = {fc.x, fc.y, fc.z, fc.w};
        const float above[V] = {fa.x, fa.y, fa.z, fa.w};
        const float ym[V] = {fm.x, fm.y, fm.z, fm.w}, yp[V] = {fp.x, fp.y, fp.z, fp.w};
        const float xs[V + 2] = {row[-1], fc.x, fc.y, fc.z, fc.w, row[V]};
        float res[V], upd[V];
        bool fast = x_inner;
#pragma unroll
        for (int v = 0; v < V; v++) {
            upd[v] = stencil_sea6_update(cur[v], below[v], above[v], ym[v], yp[v], xs[v], xs[v + 2], a.k);
            fast = fast && stencil_sea6_ok(upd[v]);
        }
        bool sea = true;
        if (fast) {
#pragma unroll
            for (int v = 0; v < V; v++)
                res[v] = stencil_sea6_finish(cur[v], upd[v]);
        } else {
            sea = false;
#pragma unroll
            for (int v = 0; v < V; v++) {
                const float c = cur[v];
                const bool update = c == c && x0 + v >= 1 && x0 + v <= nx - 2;
                res[v] = update ? stencil_cell(c, below[v], above[v], ym[v], yp[v], xs[v], xs[v + 2],
                                               a.k, a.insulated)
                                : c;
                sea = sea || c == c;
            }
        }
        if (sea)
            tile_store<A16>(dst + (size_t)z * sz, res, lim);
    }
    tile_wait<0>(); /* no copy still writes the slots when the next tile begins */
}

#endif
