/* cuda_shared: 2.5-D z-streaming. A block owns an x-y tile and walks a run of tile_z planes:
 * each plane goes once into shared memory (with a one-cell halo) for the x and y neighbours,
 * while the z neighbours stay in registers, so a cell is read from global memory about once
 * instead of seven times. 16-byte loads and stores when rows are 16-byte aligned (nx % 4 == 0),
 * the next plane's loads in flight while the current one is computed, and all-land vectors
 * are not stored (both buffers already hold them). */
#include "cuda_common.cuh"
#include "stencil_cell.h"

template <int V> __device__ __forceinline__ void load_vec(float (&r)[V], const float *p)
{
    if constexpr (V == 4) {
        const float4 v = __ldg(reinterpret_cast<const float4 *>(p));
        r[0] = v.x, r[1] = v.y, r[2] = v.z, r[3] = v.w;
    } else {
        for (int i = 0; i < V; i++)
            r[i] = __ldg(p + i);
    }
}

template <int V> __device__ __forceinline__ void store_vec(float *p, const float (&r)[V])
{
    if constexpr (V == 4) {
        *reinterpret_cast<float4 *>(p) = make_float4(r[0], r[1], r[2], r[3]);
    } else {
        for (int i = 0; i < V; i++)
            p[i] = r[i];
    }
}

template <int V> __device__ __forceinline__ void copy_vec(float (&d)[V], const float (&s)[V])
{
    for (int i = 0; i < V; i++)
        d[i] = s[i];
}

/* Shared memory: two plane buffers (one barrier per plane), each (blockDim.y + 2) rows of
 * pitch = blockDim.x * V + 8 floats: 3 pad, left halo, the tile's cells (16-byte aligned),
 * right halo, pad. Block (tile % tiles_x, tile / tiles_x) covers x-y cells; blockIdx.y picks
 * planes 1 + blockIdx.y * tile_z onwards. Only interior, not-NaN cells change. */
template <int V>
__global__ void shared_step(const float *__restrict__ in, float *__restrict__ out, int nz, int ny,
                            int nx, int tiles_x, int tile_z, float k, int insulated)
{
    extern __shared__ __align__(16) float sh[];
    const int bx = blockDim.x, by = blockDim.y, tx = threadIdx.x, ty = threadIdx.y;
    const int pitch = bx * V + 8, plane_sh = (by + 2) * pitch;
    const int x_tile = (int)(blockIdx.x % (unsigned)tiles_x) * bx * V;
    const int y = (int)(blockIdx.x / (unsigned)tiles_x) * by + ty;
    const int x0 = x_tile + tx * V;
    const int z_begin = 1 + (int)blockIdx.y * tile_z;
    const int z_end = min(z_begin + tile_z, nz - 1);
    const size_t sz = (size_t)ny * (size_t)nx;
    const bool mine = x0 < nx && y < ny;
    /* halo loads (blockDim.x, blockDim.y >= 2): row y-1 by ty == 0, row y+1 by ty == by-1,
     * the cell left of the tile by tx == 0, the one right of it by tx == bx-1 */
    const int dy = ty == 0 ? -1 : 1, dx = tx == 0 ? -1 : V;
    const bool ld_row = mine && ((ty == 0 && y >= 1) || (ty == by - 1 && y + 1 < ny));
    const bool ld_col = mine && ((tx == 0 && x_tile >= 1) || (tx == bx - 1 && x_tile + bx * V < nx));
    const bool compute = mine && y >= 1 && y <= ny - 2;
    const size_t off = (size_t)z_begin * sz + (size_t)y * (size_t)nx + (size_t)x0;
    const float *p = in + off;
    float *q = out + off;

    float below[V], cur[V], above[V], nxt[V], hrow[V], hrow_n[V], hcol = 0.0f, hcol_n = 0.0f;
    for (int v = 0; v < V; v++)
        below[v] = cur[v] = above[v] = nxt[v] = hrow[v] = hrow_n[v] = 0.0f;
    if (mine) {
        load_vec<V>(below, p - sz);
        load_vec<V>(cur, p);
        load_vec<V>(above, p + sz);
    }
    if (ld_row)
        load_vec<V>(hrow, p + (ptrdiff_t)dy * nx);
    if (ld_col)
        hcol = __ldg(p + dx);

    for (int z = z_begin, b = 0; z < z_end; z++, b ^= 1) {
        if (z + 1 < z_end) { /* plane z+1's halos and plane z+2's cells, in flight meanwhile */
            const float *pn = p + sz;
            if (mine)
                load_vec<V>(nxt, pn + sz);
            if (ld_row)
                load_vec<V>(hrow_n, pn + (ptrdiff_t)dy * nx);
            if (ld_col)
                hcol_n = __ldg(pn + dx);
        }
        float *row = sh + b * plane_sh + (ty + 1) * pitch + 4;
        store_vec<V>(row + tx * V, cur);
        if (ty == 0 || ty == by - 1)
            store_vec<V>(row + dy * pitch + tx * V, hrow);
        if (tx == 0 || tx == bx - 1)
            row[tx * V + dx] = hcol;
        __syncthreads();
        if (compute) {
            float xs[V + 2], ym[V], yp[V], res[V];
            xs[0] = row[tx * V - 1];
            xs[V + 1] = row[tx * V + V];
            for (int v = 0; v < V; v++)
                xs[v + 1] = cur[v];
            if constexpr (V == 4) {
                const float4 a = *reinterpret_cast<const float4 *>(row - pitch + tx * V);
                const float4 c = *reinterpret_cast<const float4 *>(row + pitch + tx * V);
                ym[0] = a.x, ym[1] = a.y, ym[2] = a.z, ym[3] = a.w;
                yp[0] = c.x, yp[1] = c.y, yp[2] = c.z, yp[3] = c.w;
            } else {
                for (int v = 0; v < V; v++) {
                    ym[v] = row[-pitch + tx * V + v];
                    yp[v] = row[pitch + tx * V + v];
                }
            }
            bool sea = false;
            for (int v = 0; v < V; v++) {
                const float c = cur[v];
                const bool update = c == c && x0 + v >= 1 && x0 + v <= nx - 2;
                res[v] = update ? stencil_cell(c, below[v], above[v], ym[v], yp[v], xs[v], xs[v + 2],
                                               k, insulated)
                                : c;
                sea = sea || c == c;
            }
            if (sea)
                store_vec<V>(q, res);
        }
        p += sz;
        q += sz;
        copy_vec<V>(below, cur);
        copy_vec<V>(cur, above);
        copy_vec<V>(above, nxt);
        copy_vec<V>(hrow, hrow_n);
        hcol = hcol_n;
    }
}

static stencil_status shared_launch(const stencil_cuda_state *s, const float *in, float *out,
                                    int steps, cudaStream_t stream, stencil_error *err)
{
    (void)steps; /* always 1: one timestep a launch */
    const stencil_problem *p = &s->problem;
    const int tiles_x = (int)((p->nx + s->block.x * s->vec - 1) / (s->block.x * s->vec));
    const int insulated = p->scheme == STENCIL_SCHEME_INSULATED;
    if (s->vec == 4)
        shared_step<4><<<s->grid, s->block, s->shared_bytes, stream>>>(
            in, out, (int)p->nz, (int)p->ny, (int)p->nx, tiles_x, s->tile_z, p->k, insulated);
    else
        shared_step<1><<<s->grid, s->block, s->shared_bytes, stream>>>(
            in, out, (int)p->nz, (int)p->ny, (int)p->nx, tiles_x, s->tile_z, p->k, insulated);
    STENCIL_CUDA_CHECK(err, cudaGetLastError());
    return STENCIL_OK;
}

/* Launch shape: tiles of block_x * vec by block_y cells (default 32 x 4 threads); unless
 * tile_z is given, runs of 8 to 32 planes, as many as make about four waves of resident blocks
 * (measured on the H100: results/reference/h100/README.md). */
static stencil_status configure(stencil_cuda_state *s, stencil_error *err)
{
    const stencil_problem *p = &s->problem;
    const stencil_tuning *t = &p->tuning;
    const int vec = p->nx % 4 == 0 ? 4 : 1;
    const int bx = t->block_x ? t->block_x : 32, by = t->block_y ? t->block_y : 4;
    const void *fn = vec == 4 ? (const void *)shared_step<4> : (const void *)shared_step<1>;
    cudaFuncAttributes attr;
    int dev = 0, smem_optin = 0;
    STENCIL_CUDA_CHECK(err, cudaFuncGetAttributes(&attr, fn));
    STENCIL_CUDA_CHECK(err, cudaGetDevice(&dev));
    STENCIL_CUDA_CHECK(err, cudaDeviceGetAttribute(&smem_optin, cudaDevAttrMaxSharedMemoryPerBlockOptin, dev));
    const size_t shared_bytes = 2 * (size_t)(by + 2) * (size_t)(bx * vec + 8) * sizeof(float);
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
    const size_t tiles = ((p->nx + (size_t)(bx * vec) - 1) / (size_t)(bx * vec)) *
                         ((p->ny + (size_t)by - 1) / (size_t)by);
    if (tiles > 0x7fffffffu)
        return stencil_fail(err, STENCIL_ERR_ARG, "too many x-y tiles: use a larger block");
    const size_t planes = p->nz > 2 ? p->nz - 2 : 1;
    size_t tile_z = (size_t)t->tile_z;
    if (!tile_z) { /* enough runs for about four waves of blocks, each run 8 to 32 planes */
        int per_sm = 0;
        STENCIL_CUDA_CHECK(err, cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, fn, bx * by,
                                                                             shared_bytes));
        size_t wave = (size_t)(per_sm > 0 ? per_sm : 1) * (size_t)stencil_cuda_sms();
        size_t runs = (4 * wave + tiles - 1) / tiles;
        tile_z = (planes + runs - 1) / runs;
        tile_z = tile_z < 8 ? 8 : tile_z > 32 ? 32 : tile_z;
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

static stencil_status cuda_shared_prepare(const stencil_problem *problem, void **state,
                                          stencil_error *err)
{
    return stencil_cuda_prepare(problem, shared_launch, configure, state, err);
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
