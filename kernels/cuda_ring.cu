/* cuda_ring: 2.5-D z-streaming with the planes in shared memory, not in registers. A block owns
 * an x-y tile of block_x * 4 cells by block_y rows and walks a run of tile_z planes. Every plane
 * of the run (with its halo: the rows above and below the tile, the cell left and right of each
 * row) is copied global -> shared by cp.async, without passing through registers, into a ring of
 * five plane buffers, three planes ahead of the one being computed; a thread reads its seven
 * values from the ring. So the loads in flight cost no registers, the kernel needs few, and more
 * blocks fit on a multiprocessor: the aim is the copy's bandwidth, which an access pattern like
 * this one reaches on the H200 at full occupancy (results/reference/h200/zcopy.cu) while
 * cuda_shared, holding three planes in registers, stops at half occupancy and about 77 %.
 *
 * Arithmetic: cells whose six neighbours are all sea take the division-free update of
 * kernels/stencil_cell.h (stencil_sea6_*); a row of 4 cells with land, a face, or an update off
 * its exact range goes through stencil_cell, out of line. Both give naive's bits.
 *
 * One barrier a plane: at plane i the thread waits for its own copies of planes up to i + 1,
 * the barrier makes every thread's copies visible and ends every read of plane i - 2's buffer,
 * which the copies of plane i + 3 then overwrite (five buffers: i - 1 .. i + 3). */
#include "cuda_common.cuh"
#include "stencil_cell.h"

namespace {

enum { RING = 5, AHEAD = 3 }; /* plane buffers; planes copied ahead of the one computed */

struct ring_args {
    const float *in;
    float *out;
    int nz, ny, nx;
    int tiles_x, tile_z;
    float k;
    int insulated;
};

__device__ __forceinline__ unsigned smem(const float *p) { return (unsigned)__cvta_generic_to_shared(p); }

__device__ __forceinline__ void copy4(float *dst, const float *src)
{
#if __CUDA_ARCH__ >= 800
    asm volatile("cp.async.ca.shared.global [%0], [%1], 4;\n" ::"r"(smem(dst)), "l"(src) : "memory");
#else
    *dst = __ldg(src);
#endif
}

__device__ __forceinline__ void copy16(float *dst, const float *src)
{
#if __CUDA_ARCH__ >= 800
    asm volatile("cp.async.cg.shared.global [%0], [%1], 16;\n" ::"r"(smem(dst)), "l"(src) : "memory");
#else
    *reinterpret_cast<float4 *>(dst) = __ldg(reinterpret_cast<const float4 *>(src));
#endif
}

__device__ __forceinline__ void commit()
{
#if __CUDA_ARCH__ >= 800
    asm volatile("cp.async.commit_group;\n" ::: "memory");
#endif
}

/* Waits until at most AHEAD - 2 of this thread's copy groups are pending: planes up to i + 1. */
__device__ __forceinline__ void wait_planes()
{
#if __CUDA_ARCH__ >= 800
    asm volatile("cp.async.wait_group %0;\n" ::"n"(AHEAD - 2) : "memory");
#endif
}

/* 4 cells of a row: 16 bytes when rows are 16-byte aligned, else the cells below nx. */
template <bool AL> __device__ __forceinline__ void copy_cells(float *dst, const float *src, int x0, int nx)
{
    if (AL) {
        copy16(dst, src);
    } else {
#pragma unroll
        for (int v = 0; v < 4; v++)
            if (x0 + v < nx)
                copy4(dst + v, src + v);
    }
}

/* A thread's part of a plane's copy: its 4 cells, and the halo it is responsible for. */
struct ring_thread {
    bool mine, up, down, left, right;
    int x0, nx, pitch;
};

template <bool AL>
__device__ __forceinline__ void copy_plane(const ring_thread &t, float *s, const float *p)
{
    if (t.mine)
        copy_cells<AL>(s, p, t.x0, t.nx);
    if (t.up)
        copy_cells<AL>(s - t.pitch, p - t.nx, t.x0, t.nx);
    if (t.down)
        copy_cells<AL>(s + t.pitch, p + t.nx, t.x0, t.nx);
    if (t.left)
        copy4(s - 1, p - 1);
    if (t.right)
        copy4(s + 4, p + 4);
}

__device__ __forceinline__ float4 lds4(const float *p) { return *reinterpret_cast<const float4 *>(p); }

/* The cells one by one through stencil_cell (land, faces, updates off the fast path's range):
 * out of line, so that the hot loop stays small. */
__device__ __noinline__ float4 row_slow(float4 c, float4 zm, float4 zp, float4 ym, float4 yp, float xl,
                                        float xr, bool row_inner, int x0, int nx, float k, int insulated)
{
    const float cv[4] = {c.x, c.y, c.z, c.w}, zmv[4] = {zm.x, zm.y, zm.z, zm.w},
                zpv[4] = {zp.x, zp.y, zp.z, zp.w}, ymv[4] = {ym.x, ym.y, ym.z, ym.w},
                ypv[4] = {yp.x, yp.y, yp.z, yp.w};
    const float xs[6] = {xl, c.x, c.y, c.z, c.w, xr};
    float r[4];
#pragma unroll
    for (int v = 0; v < 4; v++) {
        const bool update = cv[v] == cv[v] && row_inner && x0 + v >= 1 && x0 + v <= nx - 2;
        r[v] = update ? stencil_cell(cv[v], zmv[v], zpv[v], ymv[v], ypv[v], xs[v], xs[v + 2], k, insulated)
                      : cv[v];
    }
    return make_float4(r[0], r[1], r[2], r[3]);
}

/* Shared memory: RING buffers of (block_y + 2) rows of pitch = block_x * 4 + 8 floats; a row:
 * 3 pad, the left halo cell, the tile's cells (16-byte aligned), the right halo cell, pad; row
 * 0 is the halo row above the tile. blockIdx.x: the tile; blockIdx.y: the run of planes. */
template <bool AL> __global__ void __launch_bounds__(128, 12) ring_step(const ring_args a)
{
    extern __shared__ __align__(16) float sh[];
    const int bx = blockDim.x, by = blockDim.y, tx = threadIdx.x, ty = threadIdx.y;
    ring_thread t;
    t.nx = a.nx;
    t.pitch = bx * 4 + 8;
    const int buf = (by + 2) * t.pitch;
    const int x_tile = (int)(blockIdx.x % (unsigned)a.tiles_x) * bx * 4;
    const int y_tile = (int)(blockIdx.x / (unsigned)a.tiles_x) * by;
    const int y = y_tile + ty;
    t.x0 = x_tile + tx * 4;
    const int z_begin = 1 + (int)blockIdx.y * a.tile_z;
    const int z_end = min(z_begin + a.tile_z, a.nz - 1);
    const size_t sz = (size_t)a.ny * (size_t)a.nx;
    t.mine = t.x0 < a.nx && y < a.ny;
    t.up = t.mine && ty == 0 && y >= 1;
    t.down = t.mine && (ty == by - 1 || y == a.ny - 1) && y + 1 < a.ny;
    t.left = t.mine && tx == 0 && x_tile >= 1;
    t.right = t.mine && tx == bx - 1 && x_tile + bx * 4 < a.nx;
    const bool all_inner = t.x0 >= 1 && t.x0 + 3 <= a.nx - 2 && y >= 1 && y <= a.ny - 2;
    const bool row_inner = y >= 1 && y <= a.ny - 2;
    float *const s0 = sh + (ty + 1) * t.pitch + 4 + tx * 4; /* buffer 0, the thread's cells */
    const size_t off = (size_t)(t.mine ? y : 0) * (size_t)a.nx + (size_t)(t.mine ? t.x0 : 0);
    const float *p = a.in + off + (size_t)(z_begin - 1) * sz; /* the next plane to copy */
    float *q = a.out + off + (size_t)z_begin * sz;

    /* planes z_begin - 1 .. z_begin + AHEAD - 1 of the run (those that exist), one group each */
    const int last = z_end; /* the last plane the run reads */
    int next = z_begin - 1, slot = 0;
#pragma unroll
    for (int i = 0; i <= AHEAD; i++) {
        if (next <= last)
            copy_plane<AL>(t, s0 + slot * buf, p);
        commit();
        p += sz, next++, slot = slot + 1 == RING ? 0 : slot + 1;
    }
    /* plane z's buffer is cur; below and above are the ones before and after it in the ring */
    int cur = 1;
    for (int z = z_begin; z < z_end; z++) {
        wait_planes();
        __syncthreads();
        if (next <= last)
            copy_plane<AL>(t, s0 + slot * buf, p);
        commit();
        p += sz, next++, slot = slot + 1 == RING ? 0 : slot + 1;
        const float *sc = s0 + cur * buf;
        const float *sb = s0 + (cur == 0 ? RING - 1 : cur - 1) * buf;
        const float *sa = s0 + (cur + 1 == RING ? 0 : cur + 1) * buf;
        cur = cur + 1 == RING ? 0 : cur + 1;
        if (!t.mine)
            continue;
        const float4 c = lds4(sc), zm = lds4(sb), zp = lds4(sa);
        const float4 ym = lds4(sc - t.pitch), yp = lds4(sc + t.pitch);
        const float xl = sc[-1], xr = sc[4];
        float4 r;
        bool fast = false;
        if (all_inner) {
            const float x0 = stencil_sea6_update(c.x, zm.x, zp.x, ym.x, yp.x, xl, c.y, a.k);
            const float x1 = stencil_sea6_update(c.y, zm.y, zp.y, ym.y, yp.y, c.x, c.z, a.k);
            const float x2 = stencil_sea6_update(c.z, zm.z, zp.z, ym.z, yp.z, c.y, c.w, a.k);
            const float x3 = stencil_sea6_update(c.w, zm.w, zp.w, ym.w, yp.w, c.z, xr, a.k);
            fast = stencil_sea6_ok(x0) && stencil_sea6_ok(x1) && stencil_sea6_ok(x2) && stencil_sea6_ok(x3);
            if (fast)
                r = make_float4(stencil_sea6_finish(c.x, x0), stencil_sea6_finish(c.y, x1),
                                stencil_sea6_finish(c.z, x2), stencil_sea6_finish(c.w, x3));
        }
        if (!fast) {
            if (!(c.x == c.x || c.y == c.y || c.z == c.z || c.w == c.w))
                continue; /* all land: both buffers hold it */
            r = row_slow(c, zm, zp, ym, yp, xl, xr, row_inner, t.x0, a.nx, a.k, a.insulated);
        }
        float *o = q + (size_t)(z - z_begin) * sz;
        if (AL) {
            *reinterpret_cast<float4 *>(o) = r;
        } else {
            const float rv[4] = {r.x, r.y, r.z, r.w};
#pragma unroll
            for (int v = 0; v < 4; v++)
                if (t.x0 + v < a.nx)
                    o[v] = rv[v];
        }
    }
}

} // namespace

static void (*const ring_kernels[2])(const ring_args) = {ring_step<false>, ring_step<true>};

static stencil_status ring_launch(const stencil_cuda_state *s, const float *in, float *out, int steps,
                                  cudaStream_t stream, stencil_error *err)
{
    (void)steps; /* always 1: one timestep a launch */
    const stencil_problem *p = &s->problem;
    ring_args a;
    a.in = in;
    a.out = out;
    a.nz = (int)p->nz;
    a.ny = (int)p->ny;
    a.nx = (int)p->nx;
    a.tiles_x = (int)((p->nx + s->block.x * 4 - 1) / (s->block.x * 4));
    a.tile_z = s->tile_z;
    a.k = p->k;
    a.insulated = p->scheme == STENCIL_SCHEME_INSULATED;
    ring_kernels[p->nx % 4 == 0]<<<s->grid, s->block, s->shared_bytes, stream>>>(a);
    STENCIL_CUDA_CHECK(err, cudaGetLastError());
    return STENCIL_OK;
}

/* Launch shape: block_x * 4 cells by block_y rows a tile (default 32 x 4 threads: 128 x 4
 * cells), at most 128 threads a block (the kernel is built for 12 blocks a multiprocessor);
 * unless tile_z is given, runs of 8 to 32 planes, as many as make about four waves of
 * resident blocks. */
static stencil_status configure(stencil_cuda_state *s, stencil_error *err)
{
    const stencil_problem *p = &s->problem;
    const stencil_tuning *t = &p->tuning;
    const int bx = t->block_x ? t->block_x : 32, by = t->block_y ? t->block_y : 4;
    const void *fn = (const void *)ring_kernels[p->nx % 4 == 0];
    cudaFuncAttributes attr;
    int dev = 0, smem_optin = 0;
    STENCIL_CUDA_CHECK(err, cudaFuncGetAttributes(&attr, fn));
    STENCIL_CUDA_CHECK(err, cudaGetDevice(&dev));
    STENCIL_CUDA_CHECK(err, cudaDeviceGetAttribute(&smem_optin, cudaDevAttrMaxSharedMemoryPerBlockOptin, dev));
    const size_t shared_bytes = RING * (size_t)(by + 2) * (size_t)(bx * 4 + 8) * sizeof(float);
    if (bx < 2 || by < 1 || (long)bx * by > attr.maxThreadsPerBlock || shared_bytes > (size_t)smem_optin)
        return stencil_fail(err, STENCIL_ERR_ARG,
                            "block %dx%d: block_x >= 2, block_y >= 1, at most %d threads and %d bytes of "
                            "shared memory a block (this shape needs %zu)",
                            bx, by, attr.maxThreadsPerBlock, smem_optin, shared_bytes);
    if (shared_bytes > (size_t)attr.maxDynamicSharedSizeBytes) /* only raised: another state may need more */
        STENCIL_CUDA_CHECK(err, cudaFuncSetAttribute(fn, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                                     (int)shared_bytes));
    if (p->nx > (size_t)1 << 30 || p->ny > (size_t)1 << 30 || p->nz > (size_t)1 << 30)
        return stencil_fail(err, STENCIL_ERR_ARG, "grid axes must be below 2^30 cells for CUDA");
    const size_t tiles = ((p->nx + (size_t)(bx * 4) - 1) / (size_t)(bx * 4)) * ((p->ny + (size_t)by - 1) / (size_t)by);
    if (tiles > 0x7fffffffu)
        return stencil_fail(err, STENCIL_ERR_ARG, "too many x-y tiles: use a larger block");
    const size_t planes = p->nz > 2 ? p->nz - 2 : 1;
    size_t tile_z = (size_t)t->tile_z;
    if (!tile_z) { /* enough runs for about four waves of blocks, each run 8 to 32 planes */
        int per_sm = 0;
        STENCIL_CUDA_CHECK(err, cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, fn, bx * by, shared_bytes));
        size_t wave = (size_t)(per_sm > 0 ? per_sm : 1) * (size_t)stencil_cuda_sms();
        size_t runs = (4 * wave + tiles - 1) / tiles;
        tile_z = (planes + runs - 1) / runs;
        tile_z = tile_z < 8 ? 8 : tile_z > 32 ? 32 : tile_z;
    }
    if (tile_z < (planes + 65534) / 65535)
        tile_z = (planes + 65534) / 65535;
    s->tile_z = (int)(tile_z < planes ? tile_z : planes);
    s->block = dim3((unsigned)bx, (unsigned)by, 1);
    s->grid = dim3((unsigned)tiles, (unsigned)((planes + (size_t)s->tile_z - 1) / (size_t)s->tile_z), 1);
    s->shared_bytes = shared_bytes;
    return STENCIL_OK;
}

static stencil_status cuda_ring_prepare(const stencil_problem *problem, void **state, stencil_error *err)
{
    stencil_cuda_state *s;
    stencil_status st = stencil_cuda_prepare(problem, ring_launch, &s, err);
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

extern "C" const stencil_variant stencil_variant_cuda_ring = {
    .name = "cuda_ring",
    .device = STENCIL_GPU,
    .description = "CUDA, 2.5-D z-streaming: planes copied into a shared-memory ring by cp.async",
    .bytes_per_cell = 8.0,
    .tunings = "block_x,block_y,tile_z,graph",
    .uses_threads = 0,
    .speed_rank = 18, /* below cuda_shared until measured faster */
    .uses_ranks = 0,
    .available = stencil_cuda_available,
    .prepare = cuda_ring_prepare,
    .upload = stencil_cuda_upload,
    .run = stencil_cuda_run,
    .download = stencil_cuda_download,
    .release = stencil_cuda_release,
    .exchange = NULL,
};
