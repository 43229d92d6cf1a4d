/* cuda_fused's sweep, the code of one thread of one block (kernels/cuda_fused.cu says what it
 * does). Written once for the GPU kernel and for tests/test_fused_emu.cpp, which runs it on the
 * CPU with one std::thread per CUDA thread, so that the wavefront is checked against naive on
 * machines without a GPU. Under nvcc the functions are device code; under a host C++ compiler,
 * plain inline functions (shared memory is the caller's buffer, the barrier its functor). */
#ifndef STENCIL_CUDA_FUSED_SWEEP_H
#define STENCIL_CUDA_FUSED_SWEEP_H

#include <stddef.h>

#include "stencil_cell.h"

#if defined(__CUDACC__)
#define FUSED_DEV __device__ __forceinline__
#define FUSED_UNROLL _Pragma("unroll")
#else
#define FUSED_DEV inline
#define FUSED_UNROLL
#endif

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

/* One thread: its index in the block (tx, ty), the block's shape (bx, by), its x-y tile
 * (blockIdx.x) and its run of planes (blockIdx.y). */
struct fused_thread {
    int tx, ty, bx, by, tile, run;
};

FUSED_DEV int fused_min(int a, int b) { return a < b ? a : b; }
FUSED_DEV int fused_max(int a, int b) { return a > b ? a : b; }
FUSED_DEV float fused_load(const float *p)
{
#if defined(__CUDA_ARCH__)
    return __ldg(p);
#else
    return *p;
#endif
}

/* Host: the launch of an S-step sweep on nz x ny x nx with an ex x ey extended tile (ex, ey >=
 * 2S+1) and runs of tile_z planes: fills a's tiles_x, out_x, out_y and tile_z, and the grid
 * (blocks: tiles x runs). */
inline void fused_grid(size_t nz, size_t ny, size_t nx, int S, int ex, int ey, int tile_z,
                       fused_args *a, unsigned *tiles, unsigned *runs)
{
    a->out_x = ex - 2 * S;
    a->out_y = ey - 2 * S;
    a->tiles_x = (int)((nx + (size_t)a->out_x - 1) / (size_t)a->out_x);
    const size_t tiles_y = (ny + (size_t)a->out_y - 1) / (size_t)a->out_y;
    const size_t planes = nz - 2;
    a->tile_z = tile_z;
    *tiles = (unsigned)((size_t)a->tiles_x * tiles_y);
    *runs = (unsigned)((planes + (size_t)tile_z - 1) / (size_t)tile_z);
}

/* Shared memory of an S-step sweep: two copies of a plane per level below S. */
inline size_t fused_shared_bytes(int S, int ex, int ey)
{
    return 2 * (size_t)S * (size_t)ex * (size_t)ey * sizeof(float);
}

/* The sweep, for one thread: sh is the block's fused_shared_bytes of shared memory, sync()
 * the block's barrier (every thread of a block calls it equally often). */
template <int S, int R, class Sync>
FUSED_DEV void fused_body(const fused_args &a, const fused_thread &th, float *sh, const Sync &sync)
{
    const int bx = th.bx, by = th.by, tx = th.tx, ty = th.ty;
    const int ex = bx, ey = by * R, plane = ex * ey;
    const int tile = th.tile;
    const int gx = (tile % a.tiles_x) * a.out_x - S + tx;
    const int oy = (tile / a.tiles_x) * a.out_y - S;
    const int z0 = 1 + th.run * a.tile_z;
    const int z1 = fused_min(z0 + a.tile_z, a.nz - 1);
    const int zs = fused_max(z0 - S, 0), zlast = z1 - 1 + S;
    const size_t sz = (size_t)a.ny * (size_t)a.nx;
    const int dx = fused_min(tx, ex - 1 - tx);

    for (int i = ty * bx + tx; i < 2 * S * plane; i += bx * by)
        sh[i] = 0.0f; /* the first iteration reads copies no level has written yet */

    int me[R], de[R];           /* the row's shared index and distance from the tile's edge */
    bool inbox[R], inner[R];    /* in the box; updated in x and y (not on a face) */
    const float *src[R];
    float *dst[R];
    float lo[S][R], mid[S][R];  /* level t's planes i-t-2 and i-t-1 (before iteration i) */
    float ahead1[R], ahead2[R]; /* level 0's planes i and i+1, loaded ahead */
    unsigned codes[R];          /* level 1's 4-bit codes, newest plane in the low bits */
    FUSED_UNROLL
    for (int j = 0; j < R; j++) {
        const int ly = ty + j * by, gy = oy + ly;
        me[j] = ly * ex + tx;
        de[j] = fused_min(dx, fused_min(ly, ey - 1 - ly));
        inbox[j] = gx >= 0 && gx < a.nx && gy >= 0 && gy < a.ny;
        inner[j] = gx >= 1 && gx <= a.nx - 2 && gy >= 1 && gy <= a.ny - 2;
        const size_t off = inbox[j] ? (size_t)gy * (size_t)a.nx + (size_t)gx : 0;
        src[j] = a.in + off;
        dst[j] = a.out + off;
        codes[j] = 0xffffffffu;
        FUSED_UNROLL
        for (int t = 0; t < S; t++)
            lo[t][j] = mid[t][j] = 0.0f;
        ahead1[j] = inbox[j] ? fused_load(src[j] + (size_t)zs * sz) : 0.0f;
        ahead2[j] = inbox[j] && zs + 1 < a.nz && zs + 1 <= zlast
                        ? fused_load(src[j] + (size_t)(zs + 1) * sz)
                        : 0.0f;
    }
    sync();

    for (int i = zs; i <= zlast; i++) {
        const int par = i & 1;
        float cur[R]; /* the newest plane of the level below the one being computed */
        FUSED_UNROLL
        for (int j = 0; j < R; j++) {
            cur[j] = ahead1[j];
            ahead1[j] = ahead2[j];
            ahead2[j] = inbox[j] && i + 2 < a.nz && i + 2 <= zlast
                            ? fused_load(src[j] + (size_t)(i + 2) * sz)
                            : 0.0f;
        }
        FUSED_UNROLL
        for (int t = 1; t <= S; t++) {
            const int pt = i - t; /* the plane level t computes */
            const float *below = sh + (2 * (t - 1) + (par ^ 1)) * plane;
            float *keep = sh + (2 * (t - 1) + par) * plane;
            float next[R];
            FUSED_UNROLL
            for (int j = 0; j < R; j++) {
                const float c = mid[t - 1][j], zm = lo[t - 1][j], zp = cur[j];
                const float *b = below + me[j];
                float v = c;
                if (t == 1) {
                    unsigned code = 15u;
                    if (de[j] >= 1 && inner[j] && pt >= 1 && pt <= a.nz - 2 && c == c) {
                        const float ym = b[-ex], yp = b[ex], xm = b[-1], xp = b[1];
                        const float x = stencil_sea6_update(c, zm, zp, ym, yp, xm, xp, a.k);
                        if (stencil_sea6_ok(x)) { /* six sea neighbours: no division */
                            v = stencil_sea6_finish(c, x);
                            code = 6u;
                        } else {
                            v = stencil_cell(c, zm, zp, ym, yp, xm, xp, a.k, a.insulated);
                            code = (unsigned)((zm == zm) + (zp == zp) + (ym == ym) + (yp == yp) +
                                              (xm == xm) + (xp == xp));
                        }
                    }
                    codes[j] = (codes[j] << 4) | code;
                    if (S > 1)
                        v = v == v ? v : 0.0f; /* land is +0 from level 1 on */
                } else {
                    const unsigned code = (codes[j] >> (4 * (t - 1))) & 15u;
                    if (code != 15u && de[j] >= t) {
                        const float ym = b[-ex], yp = b[ex], xm = b[-1], xp = b[1];
                        bool fast = false;
                        if (code == 6u) { /* six sea neighbours: no division */
                            const float x = stencil_sea6_update(c, zm, zp, ym, yp, xm, xp, a.k);
                            fast = stencil_sea6_ok(x);
                            if (fast)
                                v = stencil_sea6_finish(c, x);
                        }
                        if (!fast)
                            v = stencil_cell_zero_filled(c, zm, zp, ym, yp, xm, xp, (float)code,
                                                         a.k, a.insulated);
                    }
                }
                next[j] = v;
                keep[me[j]] = cur[j];
                lo[t - 1][j] = c;
                mid[t - 1][j] = cur[j];
            }
            FUSED_UNROLL
            for (int j = 0; j < R; j++)
                cur[j] = next[j];
        }
        /* level S on plane i - S: stored where it is in the tile's exact part and updated */
        const int ps = i - S;
        if (ps >= z0 && ps < z1) {
            FUSED_UNROLL
            for (int j = 0; j < R; j++) {
                const unsigned code = (codes[j] >> (4 * (S - 1))) & 15u;
                if (code != 15u && de[j] >= S && inner[j])
                    dst[j][(size_t)ps * sz] = cur[j];
            }
        }
        sync();
    }
}

#endif
