/* cuda_bulk: cuda_shared's 2.5-D z-streaming with the loads taken off the computing threads.
 * A block owns an x-y tile of 128 cells by block_y rows and walks a run of tile_z planes. One
 * producer warp copies each plane of the run (with its one-cell halo) global -> shared with the
 * bulk copy engine (cp.async.bulk, compute capability 9.0: one instruction a row, completion
 * counted in bytes on an mbarrier) into a ring of block_z plane buffers, as far ahead as the ring
 * allows; block_y consumer warps, one a row, 4 cells a lane, compute from the ring and release
 * each buffer on a second mbarrier when done with it. So the loads in flight cost neither
 * registers nor issue slots of the threads that compute, and there is no block-wide barrier.
 *
 * Why (results/reference/h200/README.md, session 4): cuda_shared stops at about 77 % of the
 * copy at 512^3 on the H200 with its loads waiting at half occupancy, while the same access
 * pattern alone (zcopy) reaches 91-97 % at full occupancy: it lacks bytes in flight.
 * Measured (session 6, calls 19-21): 433 G cell updates/s at 512^3 without land (83 % of the
 * in-run copy; cuda_shared 396 G), 499 G half land (95 %; cuda_shared 465 G). A branch to a
 * division-free path for all-sea rows, and a register bound for more blocks, each made it
 * slower (call 21); one arrival a warp instead of a lane made no difference.
 *
 * Rows are copied as 16-byte multiples, so nx must be a multiple of 4; other grids, and GPUs
 * before compute capability 9.0, are refused as unavailable (use cuda_shared).
 *
 * Arithmetic: stencil_cuda_cell (kernels/cuda_common.cuh) cell by cell, bit for bit naive's.
 * Face and NaN cells are never stored (both buffers hold them since upload). */
#include <stdint.h>

#include "cuda_common.cuh"

enum { BULK_LANES = 32,
       BULK_TILE_X = 4 * BULK_LANES,  /* cells a tile row: 4 a lane */
       BULK_PITCH = BULK_TILE_X + 8,  /* floats a row in shared memory: 4 halo, 128, 4 halo */
       BULK_MAX_ROWS = BULK_LANES - 2, /* the producer's lanes copy the rows and their halo rows */
       BULK_MAX_RING = 16 };

struct bulk_args {
    const float *in;
    float *out;
    int nz, ny, nx, tiles_x, tile_z, ring, insulated;
    float k;
};

#if !defined(__CUDA_ARCH__) || __CUDA_ARCH__ >= 900
#define BULK_DEVICE_CODE 1
#endif

#ifdef BULK_DEVICE_CODE
__device__ __forceinline__ unsigned bulk_smem(const void *p)
{
    return (unsigned)__cvta_generic_to_shared(p);
}

__device__ __forceinline__ void bulk_bar_init(uint64_t *bar, unsigned count)
{
    asm volatile("mbarrier.init.shared::cta.b64 [%0], %1;" ::"r"(bulk_smem(bar)), "r"(count) : "memory");
}

/* the producer's one arrival a phase, announcing the bytes its copies will bring */
__device__ __forceinline__ void bulk_bar_expect(uint64_t *bar, unsigned bytes)
{
    asm volatile("mbarrier.arrive.expect_tx.shared::cta.b64 _, [%0], %1;" ::"r"(bulk_smem(bar)), "r"(bytes)
                 : "memory");
}

__device__ __forceinline__ void bulk_bar_arrive(uint64_t *bar)
{
    asm volatile("mbarrier.arrive.shared::cta.b64 _, [%0];" ::"r"(bulk_smem(bar)) : "memory");
}

/* Waits until the phase of the given parity has completed (acquire: the bytes it counted and the
 * arrivals' earlier accesses are visible). */
__device__ __forceinline__ void bulk_bar_wait(uint64_t *bar, unsigned parity)
{
    unsigned done = 0;
    do
        asm volatile("{\n\t.reg .pred p;\n\t"
                     "mbarrier.try_wait.parity.shared::cta.b64 p, [%1], %2;\n\t"
                     "selp.u32 %0, 1, 0, p;\n\t}"
                     : "=r"(done)
                     : "r"(bulk_smem(bar)), "r"(parity)
                     : "memory");
    while (!done);
}

__device__ __forceinline__ void bulk_copy(float *dst, const float *src, unsigned bytes, uint64_t *bar)
{
    asm volatile("cp.async.bulk.shared::cluster.global.mbarrier::complete_tx::bytes [%0], [%1], %2, [%3];" ::"r"(
                     bulk_smem(dst)),
                 "l"(src), "r"(bytes), "r"(bulk_smem(bar))
                 : "memory");
}

__device__ __forceinline__ float4 bulk_lds(const float *p) { return *reinterpret_cast<const float4 *>(p); }

#endif

/* Shared memory: `ring` buffers of (rows + 2) rows of BULK_PITCH floats (row r holds grid row
 * y_tile - 1 + r, from x_tile - 4 at index 0: the tile's cells at 4..131), then the ring's
 * `full` and `empty` mbarriers. Warps 0 .. rows-1 compute tile row y_tile + warp; warp `rows`
 * copies. blockIdx.x: the tile (x fastest); blockIdx.y: the run of planes. Plane j of the run
 * (grid plane z_begin - 1 + j, j = 0 .. planes - 1) goes into buffer j % ring. */
__global__ void bulk_step(const bulk_args a)
{
#ifdef BULK_DEVICE_CODE
    extern __shared__ __align__(128) float sh[];
    const int rows = (int)blockDim.x / BULK_LANES - 1, ring = a.ring;
    const int warp = (int)threadIdx.x / BULK_LANES, lane = (int)threadIdx.x % BULK_LANES;
    const int buf = (rows + 2) * BULK_PITCH;
    uint64_t *const full = reinterpret_cast<uint64_t *>(sh + ring * buf), *const empty = full + ring;
    const int x_tile = (int)(blockIdx.x % (unsigned)a.tiles_x) * BULK_TILE_X;
    const int y_tile = (int)(blockIdx.x / (unsigned)a.tiles_x) * rows;
    const int z_begin = 1 + (int)blockIdx.y * a.tile_z;
    const int planes = min(z_begin + a.tile_z, a.nz - 1) - z_begin + 2;
    const size_t sz = (size_t)a.ny * (size_t)a.nx;
    if (threadIdx.x == 0) {
        for (int i = 0; i < ring; i++) {
            bulk_bar_init(&full[i], 1);
            bulk_bar_init(&empty[i], (unsigned)(rows * BULK_LANES));
        }
        asm volatile("fence.mbarrier_init.release.cluster;" ::: "memory");
    }
    __syncthreads();

    if (warp == rows) { /* the producer: lane r copies row r of every plane */
        const int y = y_tile - 1 + lane;
        const int xa = max(x_tile - 4, 0), xb = min(x_tile + BULK_TILE_X + 4, a.nx);
        const bool copies = lane < rows + 2 && y >= 0 && y < a.ny;
        const unsigned bytes = copies ? (unsigned)(xb - xa) * (unsigned)sizeof(float) : 0u;
        const unsigned total = __reduce_add_sync(0xffffffffu, bytes);
        const float *src = a.in + (size_t)(z_begin - 1) * sz + (size_t)(copies ? y : 0) * (size_t)a.nx + xa;
        float *const dst = sh + lane * BULK_PITCH + (xa - (x_tile - 4));
        for (int j = 0; j < planes; j++, src += sz) {
            const int b = j % ring;
            if (j >= ring) /* the consumers released this buffer's previous plane */
                bulk_bar_wait(&empty[b], (unsigned)(j / ring - 1) & 1u);
            if (lane == 0)
                bulk_bar_expect(&full[b], total);
            __syncwarp();
            if (copies)
                bulk_copy(dst + b * buf, src, bytes, &full[b]);
        }
        return;
    }

    /* a consumer: 4 cells of row y, the z neighbours in registers. Every lane arrives on a
     * buffer's `empty` barrier after its own reads of it (an arrival releases only the arriving
     * thread's accesses). */
    const int y = y_tile + warp, x0 = x_tile + lane * 4;
    const bool mine = x0 < a.nx && y < a.ny;
    const bool compute = mine && y >= 1 && y <= a.ny - 2;
    const int at = (warp + 1) * BULK_PITCH + 4 + lane * 4; /* the thread's cells in a buffer */
    float *q = a.out + (size_t)z_begin * sz + (size_t)(mine ? y : 0) * (size_t)a.nx + (mine ? x0 : 0);
    const float4 zero = make_float4(0.0f, 0.0f, 0.0f, 0.0f);
    float4 below = zero, cur = zero, above = zero;
    bulk_bar_wait(&full[0], 0);
    if (mine)
        below = bulk_lds(sh + at);
    bulk_bar_arrive(&empty[0]);
    bulk_bar_wait(&full[1 % ring], (unsigned)(1 / ring) & 1u);
    if (mine)
        cur = bulk_lds(sh + (1 % ring) * buf + at);
    for (int j = 1; j < planes - 1; j++, q += sz) {
        const int b = j % ring, n = (j + 1) % ring;
        bulk_bar_wait(&full[n], (unsigned)((j + 1) / ring) & 1u);
        if (mine)
            above = bulk_lds(sh + n * buf + at);
        if (compute) {
            const float *row = sh + b * buf + at;
            const float4 ym = bulk_lds(row - BULK_PITCH), yp = bulk_lds(row + BULK_PITCH);
            const float xl = x0 >= 1 ? row[-1] : 0.0f, xr = x0 + 4 < a.nx ? row[4] : 0.0f;
            const float cv[4] = {cur.x, cur.y, cur.z, cur.w}, zm[4] = {below.x, below.y, below.z, below.w},
                        zp[4] = {above.x, above.y, above.z, above.w}, yl[4] = {ym.x, ym.y, ym.z, ym.w},
                        yh[4] = {yp.x, yp.y, yp.z, yp.w}, xs[6] = {xl, cur.x, cur.y, cur.z, cur.w, xr};
            float r[4];
            bool sea = false;
#pragma unroll
            for (int v = 0; v < 4; v++) {
                const bool update = cv[v] == cv[v] && x0 + v >= 1 && x0 + v <= a.nx - 2;
                r[v] = update ? stencil_cuda_cell(cv[v], zm[v], zp[v], yl[v], yh[v], xs[v], xs[v + 2], a.k, a.insulated)
                              : cv[v];
                sea = sea || cv[v] == cv[v];
            }
            if (sea)
                *reinterpret_cast<float4 *>(q) = make_float4(r[0], r[1], r[2], r[3]);
        }
        bulk_bar_arrive(&empty[b]);
        below = cur;
        cur = above;
    }
#endif
}

static size_t bulk_shared_bytes(int rows, int ring)
{
    return (size_t)ring * ((size_t)(rows + 2) * BULK_PITCH * sizeof(float) + 2 * sizeof(uint64_t));
}

static stencil_status bulk_launch(const stencil_cuda_state *s, const float *in, float *out, int steps,
                                  cudaStream_t stream, stencil_error *err)
{
    (void)steps; /* always 1: one timestep a launch */
    const stencil_problem *p = &s->problem;
    bulk_args a;
    a.in = in;
    a.out = out;
    a.nz = (int)p->nz;
    a.ny = (int)p->ny;
    a.nx = (int)p->nx;
    a.tiles_x = (int)((p->nx + BULK_TILE_X - 1) / BULK_TILE_X);
    a.tile_z = s->tile_z;
    a.ring = s->vec; /* vec holds this variant's ring depth */
    a.insulated = p->scheme == STENCIL_SCHEME_INSULATED;
    a.k = p->k;
    bulk_step<<<s->grid, s->block, s->shared_bytes, stream>>>(a);
    STENCIL_CUDA_CHECK(err, cudaGetLastError());
    return STENCIL_OK;
}

/* Knobs: block_y tile rows (consumer warps, 1 to 30; default 8), block_z plane buffers in the
 * ring (2 to 16; default 6: up to 4 planes in flight while one is computed), tile_z planes a
 * block (default: runs of 8 to 16 planes, as many as make about four waves of blocks; on the
 * H200 at 512^3 without land runs of 16 planes beat 32, 57 and 128: results/reference/h200,
 * calls 19-21). */
static stencil_status configure(stencil_cuda_state *s, stencil_error *err)
{
    const stencil_problem *p = &s->problem;
    const stencil_tuning *t = &p->tuning;
    const int rows = t->block_y ? t->block_y : 8, ring = t->block_z ? t->block_z : 6;
    if (rows < 1 || rows > BULK_MAX_ROWS || ring < 2 || ring > BULK_MAX_RING || t->tile_z < 0)
        return stencil_fail(err, STENCIL_ERR_ARG, "cuda_bulk takes block_y=1..%d tile rows, block_z=2..%d "
                            "plane buffers and tile_z >= 1 planes a block (given %d, %d, %d)",
                            BULK_MAX_ROWS, BULK_MAX_RING, rows, ring, t->tile_z);
    int dev = 0, major = 0, minor = 0, smem_optin = 0;
    STENCIL_CUDA_CHECK(err, cudaGetDevice(&dev));
    STENCIL_CUDA_CHECK(err, cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, dev));
    STENCIL_CUDA_CHECK(err, cudaDeviceGetAttribute(&minor, cudaDevAttrComputeCapabilityMinor, dev));
    STENCIL_CUDA_CHECK(err, cudaDeviceGetAttribute(&smem_optin, cudaDevAttrMaxSharedMemoryPerBlockOptin, dev));
    if (major < 9)
        return stencil_fail(err, STENCIL_ERR_UNAVAILABLE, "cuda_bulk needs the bulk copy engine of compute "
                            "capability 9.0 or later (this GPU: %d.%d): use cuda_shared", major, minor);
    if (p->nx % 4 != 0)
        return stencil_fail(err, STENCIL_ERR_UNAVAILABLE, "cuda_bulk copies rows in 16-byte pieces, so nx "
                            "must be a multiple of 4 (this grid: nx = %zu): use cuda_shared", p->nx);
    if (!s->interior)
        return STENCIL_OK; /* nothing to launch */
    if (p->nx > (size_t)1 << 30 || p->ny > (size_t)1 << 30 || p->nz > (size_t)1 << 30)
        return stencil_fail(err, STENCIL_ERR_ARG, "grid axes must be below 2^30 cells for CUDA");
    const size_t shared_bytes = bulk_shared_bytes(rows, ring);
    if (shared_bytes > (size_t)smem_optin)
        return stencil_fail(err, STENCIL_ERR_ARG, "cuda_bulk: block_y=%d, block_z=%d need %zu bytes of "
                            "shared memory a block; this GPU gives %d: fewer rows or buffers",
                            rows, ring, shared_bytes, smem_optin);
    const void *fn = (const void *)bulk_step;
    cudaFuncAttributes attr;
    STENCIL_CUDA_CHECK(err, cudaFuncGetAttributes(&attr, fn));
    if (shared_bytes > (size_t)attr.maxDynamicSharedSizeBytes) /* only raised: another state may need more */
        STENCIL_CUDA_CHECK(err, cudaFuncSetAttribute(fn, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                                     (int)shared_bytes));
    const int threads = (rows + 1) * BULK_LANES;
    const size_t tiles = ((p->nx + BULK_TILE_X - 1) / BULK_TILE_X) * ((p->ny + (size_t)rows - 1) / (size_t)rows);
    if (tiles > 0x7fffffffu)
        return stencil_fail(err, STENCIL_ERR_ARG, "too many x-y tiles: use more rows a tile (block_y)");
    const size_t planes = p->nz - 2;
    size_t tile_z = (size_t)t->tile_z;
    if (!tile_z) { /* enough runs for about four waves of blocks, each run 8 to 16 planes */
        int per_sm = 0;
        STENCIL_CUDA_CHECK(err, cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, fn, threads, shared_bytes));
        const size_t wave = (size_t)(per_sm > 0 ? per_sm : 1) * (size_t)stencil_cuda_sms();
        const size_t runs = (4 * wave + tiles - 1) / tiles;
        tile_z = (planes + runs - 1) / runs;
        tile_z = tile_z < 8 ? 8 : tile_z > 16 ? 16 : tile_z;
    }
    if (tile_z < (planes + 65534) / 65535)
        tile_z = (planes + 65534) / 65535;
    s->tile_z = (int)(tile_z < planes ? tile_z : planes);
    s->vec = ring;
    s->block = dim3((unsigned)threads, 1, 1);
    s->grid = dim3((unsigned)tiles, (unsigned)((planes + (size_t)s->tile_z - 1) / (size_t)s->tile_z), 1);
    s->shared_bytes = shared_bytes;
    return STENCIL_OK;
}

static stencil_status cuda_bulk_prepare(const stencil_problem *problem, void **state, stencil_error *err)
{
    return stencil_cuda_prepare(problem, bulk_launch, configure, state, err);
}

extern "C" const stencil_variant stencil_variant_cuda_bulk = {
    .name = "cuda_bulk",
    .device = STENCIL_GPU,
    .description = "CUDA 9.0+, nx % 4 == 0: z-streaming, a producer warp bulk-copies planes into a shared ring",
    .bytes_per_cell = 8.0,
    .tunings = "block_y,block_z,tile_z,graph",
    .uses_threads = 0,
    .speed_rank = 25, /* first: as fast or faster than cuda_shared on every cube without land
                       * (H200, 128 to 1024: +7, +1, +9, +1 %, calls 23 and 27), though not on a
                       * half-land 256^3 field (-8 %, call 28), so model times it against the
                       * next variant on the field itself; passed over where it declines (nx % 4,
                       * compute capability below 9.0) */
    .uses_ranks = 0,
    .available = stencil_cuda_available,
    .prepare = cuda_bulk_prepare,
    .upload = stencil_cuda_upload,
    .run = stencil_cuda_run,
    .download = stencil_cuda_download,
    .release = stencil_cuda_release,
    .exchange = NULL,
};
