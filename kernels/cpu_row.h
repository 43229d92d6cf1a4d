/* The masked row of the CPU variants that read the field as it is (openmp, tiled, mpi):
 * stencil_row_any computes one x-row of interior cells, vectorised, with aligned and (with
 * stream, far out of cache) non-temporal stores (STENCIL_VEC_ROW, cpu_simd.h); rows shorter
 * than a vector go cell by cell (STENCIL_ROW_SPAN). */
#ifndef STENCIL_CPU_ROW_H
#define STENCIL_CPU_ROW_H

#include <stddef.h>
#include <stdint.h>

#include "cpu_simd.h"
#include "stencil_cell.h"

#define STENCIL_ROW_SPAN(out, lo, hi, CELL)                    \
    _Pragma("omp simd") for (size_t x_ = (lo); x_ < (hi); x_++) \
        (out)[x_] = CELL(x_);

/* One x-row of interior updates: in and out point at cell (z, y, 0); sy and sz are the y and
 * z strides in cells. The scheme is a constant in each expansion, so its test leaves the loop. */
#define STENCIL_CELL_COURSE(x) \
    stencil_cell(in[x], in[(x) - sz], in[(x) + sz], in[(x) - sy], in[(x) + sy], in[(x) - 1], in[(x) + 1], k, 0)
#define STENCIL_CELL_INSULATED(x) \
    stencil_cell(in[x], in[(x) - sz], in[(x) + sz], in[(x) - sy], in[(x) + sy], in[(x) - 1], in[(x) + 1], k, 1)

/* STENCIL_LANES cells of a row from x (in points at cell (z, y, 0)), bit for bit stencil_cell's.
 * Where every lane is land or has six sea neighbours (93 % of the 16-cell vectors of the studies'
 * 256^3 half-land ocean), the neighbour count is 6 wherever a cell changes, so the plain sum and
 * one update serve all lanes; land lanes get their sum zeroed, so that their NaN comes from the
 * cell alone, as in stencil_cell. Other vectors (coasts) go cell by cell through the masked sum. */
static inline stencil_vf stencil_row_vec(const float *in, size_t x, size_t sy, size_t sz, float k,
                                         int insulated)
{
    const stencil_vf c = stencil_vf_load(in + x);
    const stencil_vf s = STENCIL_SUM6(stencil_vf_load(in + x - sz), stencil_vf_load(in + x + sz),
                                      stencil_vf_load(in + x - sy), stencil_vf_load(in + x + sy),
                                      stencil_vf_load(in + x - 1), stencil_vf_load(in + x + 1));
    const stencil_vi sea6 = s == s; /* a NaN (land) neighbour makes the sum NaN */
    if (stencil_vi_all(sea6 | (c != c))) {
        const stencil_vf six = stencil_vf_splat(6.0f), s0 = (stencil_vf)((stencil_vi)s & sea6);
        return STENCIL_UPDATE(c, s0, six, six, k);
    }
    _Alignas(STENCIL_VECTOR_BYTES) float e[STENCIL_LANES];
    if (insulated) {
        _Pragma("omp simd") for (size_t j = 0; j < STENCIL_LANES; j++) e[j] = STENCIL_CELL_INSULATED(x + j);
    } else {
        _Pragma("omp simd") for (size_t j = 0; j < STENCIL_LANES; j++) e[j] = STENCIL_CELL_COURSE(x + j);
    }
    return stencil_vf_load(e);
}

/* One x-row [x0, x1) of interior updates (in and out point at cell (z, y, 0); sy and sz are the
 * y and z strides in cells). */
static inline void stencil_row_any(const float *restrict in, float *restrict out, size_t x0,
                                   size_t x1, size_t sy, size_t sz, float k, int insulated,
                                   int stream)
{
    if (x1 - x0 < STENCIL_LANES) {
        if (insulated) {
            STENCIL_ROW_SPAN(out, x0, x1, STENCIL_CELL_INSULATED)
        } else {
            STENCIL_ROW_SPAN(out, x0, x1, STENCIL_CELL_COURSE)
        }
        return;
    }
#define STENCIL_ROW_VEC(x) stencil_row_vec(in, (x), sy, sz, k, insulated)
    STENCIL_VEC_ROW(out, x0, x1, stream, STENCIL_ROW_VEC);
#undef STENCIL_ROW_VEC
}

#endif
