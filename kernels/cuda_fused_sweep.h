/* cuda_fused's sweep, the code of one thread of one block (kernels/cuda_fused.cu says what it
 * does). Written once for the GPU kernel and for tests/test_fused_emu.cpp, which runs it on the
 * CPU with one std::thread per CUDA thread, so that the wavefront is checked against naive on
 * machines without a GPU. Under nvcc the functions are device code; under a host C++ compiler,
 * plain inline functions. The caller passes the block's shared memory and an `ops` object with
 * the block's barrier and the warp's shuffles and vote:
 *   ops.sync()          every thread of the block, equally often
 *   ops.swap(w, e, l, r)  l = lane-1's w (lane 0: its own), r = lane+1's e (the last: its own),
 *                       as __shfl_up_sync(~0, w, 1) and __shfl_down_sync(~0, e, 1)
 *   ops.all(p)          whether p holds in every lane of the warp, as __all_sync(~0, p)
 *   ops.copy4(d, s)     copies 4 floats (16-byte aligned) from global s to shared d, and
 *   ops.copy1(d, s)     one float, both asynchronously (cp.async): the copies land by the
 *   ops.commit()        ops.wait() after the commit that follows them and FUSED_AHEAD - 1 more
 *   ops.wait()          commits (cp.async.wait_group), visible to the block after ops.sync()
 * sync, swap, all and wait are called by every thread of the block at the same points. */
#ifndef STENCIL_CUDA_FUSED_SWEEP_H
#define STENCIL_CUDA_FUSED_SWEEP_H

#include <stddef.h>

#include "stencil_cell.h"

#if defined(__CUDACC__)
#define FUSED_DEV __device__ __forceinline__
#define FUSED_HD __host__ __device__ inline
#define FUSED_UNROLL _Pragma("unroll")
#else
#define FUSED_DEV inline
#define FUSED_HD inline
#define FUSED_UNROLL
#endif

/* FUSED_LANES: a warp, whose 4 cells a lane make a tile's width (tests/test_fused_emu also runs
 * narrower ones); FUSED_FAST: a plane's code word says that every updated cell of the thread has
 * six sea neighbours */
enum { FUSED_MAX_S = 8, FUSED_LANES = 32, FUSED_FAST = 1 << 16 };
/* level 0's planes are copied FUSED_AHEAD iterations ahead into a ring of FUSED_RING slots: an
 * iteration reads planes i-2, i-1 and i, and writes plane i + FUSED_AHEAD */
enum { FUSED_AHEAD = 3, FUSED_RING = FUSED_AHEAD + 3 };

struct fused_args {
    const float *in;
    float *out;
    int nz, ny, nx;
    int tiles_x;      /* tiles across x */
    int halo_x;       /* cells recomputed on each x side: S rounded up to a multiple of 4 */
    int out_x, out_y; /* the part of a tile it stores: 4 lanes - 2 halo_x by rows - 2 S */
    int tile_z;       /* output planes per block */
    float k;
    int insulated;
};

/* One thread: its lane (4 cells in x) and row in the block, the block's rows, its x-y tile
 * (blockIdx.x) and its run of planes (blockIdx.y). */
struct fused_thread {
    int lane, row, rows, tile, run;
};

FUSED_DEV int fused_min(int a, int b) { return a < b ? a : b; }
FUSED_DEV int fused_max(int a, int b) { return a > b ? a : b; }
FUSED_DEV int fused_clamp(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }
FUSED_DEV float fused_zf(float v) { return v == v ? v : 0.0f; } /* land (NaN) as +0 */

/* Four consecutive floats of shared memory, 16-byte aligned (a thread's cells in a plane). */
FUSED_DEV void fused_load4(const float *p, float v[4])
{
#if defined(__CUDA_ARCH__)
    const float4 q = *(const float4 *)p;
    v[0] = q.x, v[1] = q.y, v[2] = q.z, v[3] = q.w;
#else
    v[0] = p[0], v[1] = p[1], v[2] = p[2], v[3] = p[3];
#endif
}

FUSED_DEV void fused_store4(float *p, const float v[4])
{
#if defined(__CUDA_ARCH__)
    *(float4 *)p = make_float4(v[0], v[1], v[2], v[3]);
#else
    p[0] = v[0], p[1] = v[1], p[2] = v[2], p[3] = v[3];
#endif
}

inline int fused_halo_x(int S) { return (S + 3) / 4 * 4; }

/* Host: the launch of an S-step sweep on nz x ny x nx with tiles of 4 lanes by `rows` rows (at
 * least 2S+1; 4 lanes more than 2 halo_x) and runs of tile_z planes: fills a's tiles_x, halo_x,
 * out_x, out_y and tile_z, and the grid (blocks: tiles x runs). */
inline void fused_grid(size_t nz, size_t ny, size_t nx, int S, int lanes, int rows, int tile_z,
                       fused_args *a, unsigned *tiles, unsigned *runs)
{
    a->halo_x = fused_halo_x(S);
    a->out_x = 4 * lanes - 2 * a->halo_x;
    a->out_y = rows - 2 * S;
    a->tiles_x = (int)((nx + (size_t)a->out_x - 1) / (size_t)a->out_x);
    const size_t tiles_y = (ny + (size_t)a->out_y - 1) / (size_t)a->out_y;
    const size_t planes = nz - 2;
    a->tile_z = tile_z;
    *tiles = (unsigned)((size_t)a->tiles_x * tiles_y);
    *runs = (unsigned)((planes + (size_t)tile_z - 1) / (size_t)tile_z);
}

/* Shared memory of an S-step sweep, in planes of the tile: level 0's ring of FUSED_RING planes,
 * and two copies (even and odd iterations) of a plane of each level from 1 to S-1. */
FUSED_HD int fused_shared_planes(int S) { return FUSED_RING + 2 * (S - 1); }
inline size_t fused_shared_bytes(int S, int lanes, int rows)
{
    return (size_t)fused_shared_planes(S) * (size_t)rows * 4 * (size_t)lanes * sizeof(float);
}

/* The tile's rows when block_y is not given: 32 up to S = 3 (1024 threads), 18 beyond (what the
 * registers allow), fewer where the GPU's shared memory a block (smem bytes) holds fewer; 0 when
 * it cannot hold the 2S+1 rows the halo needs. */
inline int fused_default_rows(int S, size_t smem)
{
    const int want = S <= 3 ? 32 : 18;
    const size_t row = fused_shared_bytes(S, FUSED_LANES, 1);
    const int fit = (int)(smem / row < (size_t)want ? smem / row : (size_t)want);
    return fit >= 2 * S + 1 ? fit : 0;
}

/* The sweep, for one thread of a block of L lanes (32 on the GPU) by th.rows rows. V: rows are
 * 16-byte aligned (nx % 4 == 0), so the thread's four cells load and store as one vector. */
template <int S, bool V, int L, class Ops>
FUSED_DEV void fused_body(const fused_args &a, const fused_thread &th, float *sh, const Ops &ops)
{
    enum { EX = 4 * L };
    const int lane = th.lane, row = th.row, ey = th.rows, plane = ey * EX;
    const int nx = a.nx, ny = a.ny, nz = a.nz, H = a.halo_x;
    const int lx = 4 * lane, gx = (th.tile % a.tiles_x) * a.out_x - H + lx;
    const int gy = (th.tile / a.tiles_x) * a.out_y - S + row;
    const int z0 = 1 + th.run * a.tile_z, z1 = fused_min(z0 + a.tile_z, nz - 1);
    const int zs = fused_max(z0 - S, 0), zlast = z1 - 1 + S, zload = fused_min(zlast, nz - 1);
    const size_t sz = (size_t)ny * (size_t)nx;
    const bool yin = gy >= 1 && gy <= ny - 2, ystore = row >= S && row < ey - S;

    /* cells outside the box read a clamped cell (only cells outside the exact part use them) */
    const float *src = a.in + (size_t)fused_clamp(gy, 0, ny - 1) * (size_t)nx;
    float *dst = a.out + (size_t)fused_clamp(gy, 0, ny - 1) * (size_t)nx;
    int xo[4];                  /* each cell's clamped x (V: the vector's) */
    bool upd[4], keep_out[4];   /* updated in x and y; stored by this tile */
    unsigned fast_word = FUSED_FAST; /* the code word of a plane of sea: 6 where updated, else 15 */
    bool store_all = true;
    FUSED_UNROLL
    for (int j = 0; j < 4; j++) {
        const int x = gx + j;
        xo[j] = V ? fused_clamp(gx, 0, nx - 4) : fused_clamp(x, 0, nx - 1);
        upd[j] = yin && x >= 1 && x <= nx - 2;
        keep_out[j] = upd[j] && ystore && lx + j >= H && lx + j < EX - H;
        fast_word |= (upd[j] ? 6u : 15u) << (4 * j);
        store_all = store_all && keep_out[j];
    }
    const int me = row * EX + lx;
    const int up = (row > 0 ? row - 1 : row) * EX + lx; /* the tile's edge rows read */
    const int dn = (row < ey - 1 ? row + 1 : row) * EX + lx; /* their own (never kept) */

    for (int i = row * L + lane; i < fused_shared_planes(S) * plane; i += L * ey)
        sh[i] = 0.0f; /* the first iterations read planes nothing has written yet */
    ops.sync();

    /* level 0's planes in a ring of FUSED_RING plane slots, filled FUSED_AHEAD planes ahead by
     * asynchronous copies; levels 1..S-1 in two copies each after it */
    float *const ring = sh, *const levels = sh + FUSED_RING * plane;
    const auto fetch = [&](int z) {
        const float *p = src + (size_t)fused_min(z, zload) * sz;
        float *d = ring + (z % FUSED_RING) * plane + me;
        if (V)
            ops.copy4(d, p + xo[0]);
        else
            FUSED_UNROLL
            for (int j = 0; j < 4; j++)
                ops.copy1(d + j, p + xo[j]);
        ops.commit();
    };
    const auto slot = [&](int z) { return ring + ((z + FUSED_RING) % FUSED_RING) * plane; };
    FUSED_UNROLL
    for (int q = 0; q < FUSED_AHEAD; q++)
        fetch(zs + q);
    ops.wait();
    ops.sync();

    float lo[S][4], mid[S][4]; /* [k]: level k's planes i-k-2, i-k-1 (k >= 1; level 0: the ring) */
    unsigned codes[S];         /* level 1's code words of planes i-1 .. i-S: 4 bits a cell */
    FUSED_UNROLL
    for (int t = 0; t < S; t++) {
        codes[t] = 0xffffu;
        FUSED_UNROLL
        for (int j = 0; j < 4; j++)
            lo[t][j] = mid[t][j] = 0.0f;
    }

    for (int i = zs; i <= zlast; i++) {
        const int par = i & 1;
        fetch(i + FUSED_AHEAD); /* into plane i + AHEAD - RING's slot, last read in iteration i-1 */
        float cur[4]; /* the newest plane of the level below the one being computed */
        fused_load4(slot(i) + me, cur);
        FUSED_UNROLL
        for (int t = S - 1; t > 0; t--)
            codes[t] = codes[t - 1];

        FUSED_UNROLL
        for (int t = 1; t <= S; t++) {
            const int pt = i - t; /* the plane level t computes */
            const bool zin = pt >= 1 && pt <= nz - 2;
            float c[4], zm[4], ym[4], yp[4], x[4], v[4];
            const float *below;
            if (t == 1) {
                below = slot(i - 1);
                fused_load4(below + me, c);
                fused_load4(slot(i - 2) + me, zm);
            } else {
                below = levels + (2 * (t - 2) + (par ^ 1)) * plane;
                fused_store4(levels + (2 * (t - 2) + par) * plane + me, cur);
                FUSED_UNROLL
                for (int j = 0; j < 4; j++) {
                    c[j] = mid[t - 1][j];
                    zm[j] = lo[t - 1][j];
                }
            }
            fused_load4(below + up, ym);
            fused_load4(below + dn, yp);
            float xl, xr;
            ops.swap(c[3], c[0], xl, xr);
            const float *zp = cur;
            bool ok = t == 1 || (codes[t - 1] & FUSED_FAST) != 0;
            FUSED_UNROLL
            for (int j = 0; j < 4; j++) {
                const float xm = j ? c[j - 1] : xl, xp = j < 3 ? c[j + 1] : xr;
                x[j] = stencil_sea6_update(c[j], zm[j], zp[j], ym[j], yp[j], xm, xp, a.k);
                ok = ok && (!upd[j] || stencil_sea6_ok(x[j]));
            }
            ok = ops.all(ok && zin); /* zin is the block's: every lane votes alike */
            if (ok) { /* the warp's updated cells all have six sea neighbours: no division */
                FUSED_UNROLL
                for (int j = 0; j < 4; j++)
                    v[j] = upd[j]            ? stencil_sea6_finish(c[j], x[j])
                           : t == 1 && S > 1 ? fused_zf(c[j])
                                             : c[j];
                if (t == 1)
                    codes[0] = fast_word;
            } else if (t == 1) { /* on the field as it is (NaN = land): note each cell's code */
                unsigned word = FUSED_FAST;
                FUSED_UNROLL
                for (int j = 0; j < 4; j++) {
                    const float xm = j ? c[j - 1] : xl, xp = j < 3 ? c[j + 1] : xr;
                    unsigned code = 15u;
                    float w = c[j];
                    if (zin && upd[j] && c[j] == c[j]) {
                        if (stencil_sea6_ok(x[j])) {
                            w = stencil_sea6_finish(c[j], x[j]);
                            code = 6u;
                        } else {
                            w = stencil_cell(c[j], zm[j], zp[j], ym[j], yp[j], xm, xp, a.k, a.insulated);
                            code = (unsigned)((zm[j] == zm[j]) + (zp[j] == zp[j]) + (ym[j] == ym[j]) +
                                              (yp[j] == yp[j]) + (xm == xm) + (xp == xp));
                        }
                    }
                    if (upd[j] && code != 6u)
                        word &= ~(unsigned)FUSED_FAST;
                    word |= code << (4 * j);
                    v[j] = S > 1 ? fused_zf(w) : w; /* land is +0 from level 1 on */
                }
                codes[0] = word;
            } else { /* on the zero-filled field, with the count noted at level 1 */
                FUSED_UNROLL
                for (int j = 0; j < 4; j++) {
                    const float xm = j ? c[j - 1] : xl, xp = j < 3 ? c[j + 1] : xr;
                    const unsigned code = (codes[t - 1] >> (4 * j)) & 15u;
                    v[j] = c[j];
                    if (code == 6u && stencil_sea6_ok(x[j]))
                        v[j] = stencil_sea6_finish(c[j], x[j]);
                    else if (code != 15u)
                        v[j] = stencil_cell_zero_filled(c[j], zm[j], zp[j], ym[j], yp[j], xm, xp,
                                                        (float)code, a.k, a.insulated);
                }
            }
            FUSED_UNROLL
            for (int j = 0; j < 4; j++) {
                if (t > 1) {
                    lo[t - 1][j] = c[j];
                    mid[t - 1][j] = cur[j];
                }
                cur[j] = v[j];
            }
        }
        /* level S on plane i - S: stored where this tile keeps it and the cell is updated */
        const int ps = i - S;
        if (ps >= z0 && ps < z1) {
            float *p = dst + (size_t)ps * sz;
            const unsigned word = codes[S - 1];
            if (V && store_all && (word & FUSED_FAST))
                fused_store4(p + gx, cur);
            else
                FUSED_UNROLL
                for (int j = 0; j < 4; j++)
                    if (keep_out[j] && ((word >> (4 * j)) & 15u) != 15u)
                        p[gx + j] = cur[j];
        }
        ops.wait(); /* plane i + 1 is in its slot, for every thread after the barrier */
        ops.sync();
    }
}

#endif
