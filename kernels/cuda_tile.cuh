/* One block's sweep of one x-y tile over a run of z planes (2.5-D z-streaming), the body of
 * cuda_shared (one launch a timestep) and of cuda_persistent (every timestep in one launch).
 *
 * The tile is blockDim.x * V cells wide (V = 4 cells a thread in x) and blockDim.y rows high;
 * each plane of it goes once into shared memory with a one-cell halo for the x and y
 * neighbours, while the z neighbours stay in registers, so a cell is read from global memory
 * about once instead of seven times. A16: rows are 16-byte aligned (nx % 4 == 0), so loads and
 * stores are float4; otherwise scalar, masked at the row's end. The next plane's loads are in
 * flight while the current one is computed; all-land vectors are not stored (both buffers
 * already hold them).
 *
 * Arithmetic (instructions, not memory, bounded the first version: about 69 a cell, so that
 * no-land grids reached 77 % of the copy on the H200): a thread whose cells are all inside the
 * box in x and whose cells and neighbours are all sea takes stencil_cell_sea6 (kernels/
 * stencil_cell.h: the plain sum and no division, about 14 instructions a cell); any other
 * thread (a coast, land, the box's x faces, |update| below 2^-125) takes stencil_cell per cell.
 * Both give naive's bits. */
#ifndef STENCIL_CUDA_TILE_CUH
#define STENCIL_CUDA_TILE_CUH

#include "cuda_common.cuh"
#include "stencil_cell.h"

enum { TILE_V = 4 }; /* cells a thread in x */

/* Loads: through the read-only cache (__ldg) when the kernel never writes what it reads
 * (cuda_shared), else cached in L2 only (__ldcg), which other blocks' writes before a grid
 * barrier reach (cuda_persistent: the non-coherent path may return stale lines there). */
template <bool L2> __device__ __forceinline__ float tile_ld(const float *p)
{
    if constexpr (L2)
        return __ldcg(p);
    else
        return __ldg(p);
}

template <bool A16, bool L2>
__device__ __forceinline__ void tile_load(float (&r)[TILE_V], const float *p, int lim)
{
    if constexpr (A16) {
        (void)lim;
        const float4 *p4 = reinterpret_cast<const float4 *>(p);
        float4 v;
        if constexpr (L2)
            v = __ldcg(p4);
        else
            v = __ldg(p4);
        r[0] = v.x, r[1] = v.y, r[2] = v.z, r[3] = v.w;
    } else {
#pragma unroll
        for (int i = 0; i < TILE_V; i++)
            r[i] = i < lim ? tile_ld<L2>(p + i) : 0.0f;
    }
}

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

/* Shared memory a block needs: two plane buffers (one barrier a plane), each (by + 2) rows of
 * pitch = bx * V + 8 floats: 3 pad, left halo, the tile's cells (16-byte aligned), right halo,
 * pad. */
static inline size_t tile_shared_bytes(int bx, int by)
{
    return 2 * (size_t)(by + 2) * (size_t)(bx * TILE_V + 8) * sizeof(float);
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
 * every thread of the block calls it (it has barriers). L2: load as tile_ld says. */
template <bool A16, bool L2>
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
    const int z_end = min(z_begin + a.tile_z, nz - 1);
    const size_t sz = (size_t)ny * (size_t)nx;
    const bool mine = x0 < nx && y < ny;
    const int lim = min(V, nx - x0); /* cells of this thread inside the row */
    /* halo loads: row y-1 by ty == 0, row y+1 by ty == by-1, the cell left of the tile by
     * tx == 0, the one right of it by tx == bx-1 */
    const int dy = ty == 0 ? -1 : 1, dx = tx == 0 ? -1 : V;
    const bool ld_row = mine && ((ty == 0 && y >= 1) || (ty == by - 1 && y + 1 < ny));
    const bool ld_col = mine && ((tx == 0 && x_tile >= 1) || (tx == bx - 1 && x_tile + bx * V < nx));
    const bool compute = mine && y >= 1 && y <= ny - 2;
    const bool x_inner = x0 >= 1 && x0 + V <= nx - 1; /* all V cells updated in x */
    const size_t off = mine ? (size_t)z_begin * sz + (size_t)y * (size_t)nx + (size_t)x0 : 0;
    const float *p = in + off;
    float *q = out + off;

    float below[V], cur[V], above[V], nxt[V], hrow[V], hrow_n[V], hcol = 0.0f, hcol_n = 0.0f;
#pragma unroll
    for (int v = 0; v < V; v++)
        below[v] = cur[v] = above[v] = nxt[v] = hrow[v] = hrow_n[v] = 0.0f;
    if (mine) {
        tile_load<A16, L2>(below, p - sz, lim);
        tile_load<A16, L2>(cur, p, lim);
        tile_load<A16, L2>(above, p + sz, lim);
    }
    if (ld_row)
        tile_load<A16, L2>(hrow, p + (ptrdiff_t)dy * nx, lim);
    if (ld_col)
        hcol = tile_ld<L2>(p + dx);

    __syncthreads(); /* the block's previous tile (cuda_persistent) has read its planes */
#pragma unroll 2
    for (int z = z_begin, b = 0; z < z_end; z++, b ^= 1) {
        if (z + 1 < z_end) { /* plane z+1's halos and plane z+2's cells, in flight meanwhile */
            const float *pn = p + sz;
            if (mine)
                tile_load<A16, L2>(nxt, pn + sz, lim);
            if (ld_row)
                tile_load<A16, L2>(hrow_n, pn + (ptrdiff_t)dy * nx, lim);
            if (ld_col)
                hcol_n = tile_ld<L2>(pn + dx);
        }
        float *row = sh + b * plane_sh + (ty + 1) * pitch + 4;
        *reinterpret_cast<float4 *>(row + tx * V) = make_float4(cur[0], cur[1], cur[2], cur[3]);
        if (ty == 0 || ty == by - 1)
            *reinterpret_cast<float4 *>(row + dy * pitch + tx * V) =
                make_float4(hrow[0], hrow[1], hrow[2], hrow[3]);
        if (tx == 0 || tx == bx - 1)
            row[tx * V + dx] = hcol;
        __syncthreads();
        if (compute) {
            float xs[V + 2], ym[V], yp[V], res[V], upd[V];
            xs[0] = row[tx * V - 1];
            xs[V + 1] = row[tx * V + V];
#pragma unroll
            for (int v = 0; v < V; v++)
                xs[v + 1] = cur[v];
            const float4 fa = *reinterpret_cast<const float4 *>(row - pitch + tx * V);
            const float4 fc = *reinterpret_cast<const float4 *>(row + pitch + tx * V);
            ym[0] = fa.x, ym[1] = fa.y, ym[2] = fa.z, ym[3] = fa.w;
            yp[0] = fc.x, yp[1] = fc.y, yp[2] = fc.z, yp[3] = fc.w;
            bool fast = x_inner;
#pragma unroll
            for (int v = 0; v < V; v++) {
                upd[v] = stencil_sea6_update(cur[v], below[v], above[v], ym[v], yp[v], xs[v],
                                             xs[v + 2], a.k);
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
                    res[v] = update ? stencil_cell(c, below[v], above[v], ym[v], yp[v], xs[v],
                                                   xs[v + 2], a.k, a.insulated)
                                    : c;
                    sea = sea || c == c;
                }
            }
            if (sea)
                tile_store<A16>(q, res, lim);
        }
        p += sz;
        q += sz;
#pragma unroll
        for (int v = 0; v < V; v++) {
            below[v] = cur[v];
            cur[v] = above[v];
            above[v] = nxt[v];
            hrow[v] = hrow_n[v];
        }
        hcol = hcol_n;
    }
}

#endif
