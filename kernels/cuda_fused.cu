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
 * R rows high (R = 1, 2 or 4 rows per thread, rows ty, ty + block_y, ...). */
#include "cuda_common.cuh"
#include "stencil_cell.h"

enum { FUSED_MAX_S = 8 };

struct fused_args {
    const float *in;
    float *out;
    int nz, ny, nx;
    int tiles_x;      /* tiles across x */
    int out_x, out_y; /* the exact part of a tile: extended size less 2 S */
    int tile_z;       /* output planes per block */
    float k;
    int insulated;
};

template <int S, int R> __global__ void fused_sweep(const fused_args a)
{
    extern __shared__ float sh[]; /* 2 S planes: level t's copy for parity p at (2 t + p) */
    const int bx = blockDim.x, by = blockDim.y, tx = threadIdx.x, ty = threadIdx.y;
    const int ex = bx, ey = by * R, plane = ex * ey;
    const int tile = (int)blockIdx.x;
    const int gx = (tile % a.tiles_x) * a.out_x - S + tx;
    const int oy = (tile / a.tiles_x) * a.out_y - S;
    const int z0 = 1 + (int)blockIdx.y * a.tile_z;
    const int z1 = min(z0 + a.tile_z, a.nz - 1);
    const int zs = max(z0 - S, 0), zlast = z1 - 1 + S;
    const size_t sz = (size_t)a.ny * (size_t)a.nx;
    const int dx = min(tx, ex - 1 - tx);

    for (int i = ty * bx + tx; i < 2 * S * plane; i += bx * by)
        sh[i] = 0.0f; /* the first iteration reads copies no level has written yet */

    int me[R], de[R];           /* the row's shared index and distance from the tile's edge */
    bool inbox[R], inner[R];    /* in the box; updated in x and y (not on a face) */
    const float *src[R];
    float *dst[R];
    float lo[S][R], mid[S][R];  /* level t's planes i-t-2 and i-t-1 (before iteration i) */
    float ahead1[R], ahead2[R]; /* level 0's planes i and i+1, loaded ahead */
    unsigned codes[R];          /* level 1's 4-bit codes, newest plane in the low bits */
#pragma unroll
    for (int j = 0; j < R; j++) {
        const int ly = ty + j * by, gy = oy + ly;
        me[j] = ly * ex + tx;
        de[j] = min(dx, min(ly, ey - 1 - ly));
        inbox[j] = gx >= 0 && gx < a.nx && gy >= 0 && gy < a.ny;
        inner[j] = gx >= 1 && gx <= a.nx - 2 && gy >= 1 && gy <= a.ny - 2;
        const size_t off = inbox[j] ? (size_t)gy * (size_t)a.nx + (size_t)gx : 0;
        src[j] = a.in + off;
        dst[j] = a.out + off;
        codes[j] = 0xffffffffu;
#pragma unroll
        for (int t = 0; t < S; t++)
            lo[t][j] = mid[t][j] = 0.0f;
        ahead1[j] = inbox[j] ? __ldg(src[j] + (size_t)zs * sz) : 0.0f;
        ahead2[j] = inbox[j] && zs + 1 < a.nz && zs + 1 <= zlast ? __ldg(src[j] + (size_t)(zs + 1) * sz) : 0.0f;
    }
    __syncthreads();

    for (int i = zs; i <= zlast; i++) {
        const int par = i & 1;
        float cur[R]; /* the newest plane of the level below the one being computed */
#pragma unroll
        for (int j = 0; j < R; j++) {
            cur[j] = ahead1[j];
            ahead1[j] = ahead2[j];
            ahead2[j] = inbox[j] && i + 2 < a.nz && i + 2 <= zlast ? __ldg(src[j] + (size_t)(i + 2) * sz) : 0.0f;
        }
#pragma unroll
        for (int t = 1; t <= S; t++) {
            const int pt = i - t; /* the plane level t computes */
            const float *below = sh + (2 * (t - 1) + (par ^ 1)) * plane;
            float *keep = sh + (2 * (t - 1) + par) * plane;
            float next[R];
#pragma unroll
            for (int j = 0; j < R; j++) {
                const float c = mid[t - 1][j], zm = lo[t - 1][j], zp = cur[j];
                const float *b = below + me[j];
                float v = c;
                if (t == 1) {
                    unsigned code = 15u;
                    if (de[j] >= 1 && inner[j] && pt >= 1 && pt <= a.nz - 2 && c == c) {
                        const float ym = b[-ex], yp = b[ex], xm = b[-1], xp = b[1];
                        v = stencil_cell(c, zm, zp, ym, yp, xm, xp, a.k, a.insulated);
                        code = (unsigned)((zm == zm) + (zp == zp) + (ym == ym) + (yp == yp) +
                                          (xm == xm) + (xp == xp));
                    }
                    codes[j] = codes[j] << 4 | code;
                    if (S > 1)
                        v = v == v ? v : 0.0f; /* land is +0 from level 1 on */
                } else {
                    const unsigned code = codes[j] >> (4 * (t - 1)) & 15u;
                    if (code != 15u && de[j] >= t)
                        v = stencil_cell_zero_filled(c, zm, zp, b[-ex], b[ex], b[-1], b[1],
                                                     (float)code, a.k, a.insulated);
                }
                next[j] = v;
                keep[me[j]] = cur[j];
                lo[t - 1][j] = c;
                mid[t - 1][j] = cur[j];
            }
#pragma unroll
            for (int j = 0; j < R; j++)
                cur[j] = next[j];
        }
        /* level S on plane i - S: stored where it is in the tile's exact part and updated */
        const int ps = i - S;
        if (ps >= z0 && ps < z1) {
#pragma unroll
            for (int j = 0; j < R; j++) {
                const unsigned code = codes[j] >> (4 * (S - 1)) & 15u;
                if (code != 15u && de[j] >= S && inner[j])
                    dst[j][(size_t)ps * sz] = cur[j];
            }
        }
        __syncthreads();
    }
}

typedef void (*fused_kernel)(const fused_args);

#define FUSED_ROW(R)                                                                             \
    {fused_sweep<1, R>, fused_sweep<2, R>, fused_sweep<3, R>, fused_sweep<4, R>,                \
     fused_sweep<5, R>, fused_sweep<6, R>, fused_sweep<7, R>, fused_sweep<8, R>}
static const fused_kernel fused_kernels[3][FUSED_MAX_S] = {FUSED_ROW(1), FUSED_ROW(2), FUSED_ROW(4)};

static int rows_index(int rows) { return rows == 1 ? 0 : rows == 2 ? 1 : 2; }

static size_t fused_shared_bytes(int S, int ex, int ey) { return 2 * (size_t)S * (size_t)ex * (size_t)ey * sizeof(float); }

/* The launch shape of an S-step sweep: tiles of (block_x - 2S) x (tile_y - 2S) exact cells. */
static void fused_shape(const stencil_cuda_state *s, int S, fused_args *a, dim3 *grid)
{
    const stencil_problem *p = &s->problem;
    const int ex = (int)s->block.x, ey = (int)s->block.y * s->vec;
    a->out_x = ex - 2 * S;
    a->out_y = ey - 2 * S;
    a->tiles_x = (int)((p->nx + (size_t)a->out_x - 1) / (size_t)a->out_x);
    const size_t tiles_y = (p->ny + (size_t)a->out_y - 1) / (size_t)a->out_y;
    const size_t planes = p->nz - 2;
    a->tile_z = s->tile_z;
    *grid = dim3((unsigned)((size_t)a->tiles_x * tiles_y),
                 (unsigned)((planes + (size_t)s->tile_z - 1) / (size_t)s->tile_z), 1);
}

static stencil_status fused_launch(const stencil_cuda_state *s, const float *in, float *out,
                                   int steps, cudaStream_t stream, stencil_error *err)
{
    const stencil_problem *p = &s->problem;
    if (steps < 1 || steps > FUSED_MAX_S)
        return stencil_fail(err, STENCIL_ERR_ARG, "cuda_fused: %d steps in one sweep", steps);
    fused_args a;
    dim3 grid;
    fused_shape(s, steps, &a, &grid);
    a.in = in;
    a.out = out;
    a.nz = (int)p->nz;
    a.ny = (int)p->ny;
    a.nx = (int)p->nx;
    a.k = p->k;
    a.insulated = p->scheme == STENCIL_SCHEME_INSULATED;
    const fused_kernel fn = fused_kernels[rows_index(s->vec)][steps - 1];
    const int ey = (int)s->block.y * s->vec;
    fn<<<grid, s->block, fused_shared_bytes(steps, (int)s->block.x, ey), stream>>>(a);
    STENCIL_CUDA_CHECK(err, cudaGetLastError());
    return STENCIL_OK;
}

/* Knobs: steps_per_sweep (default 4), block_x x block_y threads (default 32 x 8), tile_y rows
 * of the extended tile (block_y, 2 block_y or 4 block_y; default 4 block_y), tile_z output
 * planes per block (default: about four waves of blocks, at least 4 S planes a run). Checks
 * every kernel a run may launch (S steps, and 1 .. S-1 for the remainder). */
static stencil_status configure(stencil_cuda_state *s, stencil_error *err)
{
    const stencil_problem *p = &s->problem;
    const stencil_tuning *t = &p->tuning;
    const int S = t->steps_per_sweep ? t->steps_per_sweep : 4;
    const int bx = t->block_x ? t->block_x : 32, by = t->block_y ? t->block_y : 8;
    if (S < 1 || S > FUSED_MAX_S)
        return stencil_fail(err, STENCIL_ERR_ARG, "steps_per_sweep=%d: use 1 to %d", S, FUSED_MAX_S);
    const int ey = t->tile_y ? t->tile_y : 4 * by;
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
        if (bytes > 48 * 1024)
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
    stencil_cuda_state *s;
    stencil_status st = stencil_cuda_prepare(problem, fused_launch, &s, err);
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

extern "C" const stencil_variant stencil_variant_cuda_fused = {
    .name = "cuda_fused",
    .device = STENCIL_GPU,
    .description = "CUDA, temporal blocking: steps_per_sweep steps a pass, z-streaming wavefront",
    .bytes_per_cell = 8.0,
    .tunings = "steps_per_sweep,block_x,block_y,tile_y,tile_z,graph",
    .uses_threads = 0,
    .speed_rank = 30, /* several steps per pass over device memory */
    .available = stencil_cuda_available,
    .prepare = cuda_fused_prepare,
    .upload = stencil_cuda_upload,
    .run = stencil_cuda_run,
    .download = stencil_cuda_download,
    .release = stencil_cuda_release,
};
