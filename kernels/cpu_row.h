/* Row loops shared by the CPU variants that vectorise.
 *
 * STENCIL_ROW(out, x0, x1, stream, CELL) stores CELL(x) into out[x] for x in [x0, x1): a short
 * head up to the first vector-aligned address, then a long vector body whose stores are
 * aligned (an unaligned 64-byte access splits across two cache lines and halves its
 * throughput). With stream set, the body is written with non-temporal stores: the output skips
 * the cache and its read-for-ownership, cutting memory traffic from 12 to 8 bytes per cell
 * when the field is far larger than the last-level cache. CELL must be branch-free (the
 * shared cell functions are), so the loops vectorise into SIMD blends. */
#ifndef STENCIL_CPU_ROW_H
#define STENCIL_CPU_ROW_H

#include <stddef.h>
#include <stdint.h>

#include "cpu_simd.h"
#include "stencil_cell.h"

/* The vector width and the streaming store are cpu_simd.h's, one place per instruction set. */
#define STENCIL_STREAM_WIDTH STENCIL_LANES
#define STENCIL_STREAM_STORE(dst, src) stencil_vf_store((dst), stencil_vf_load(src), 1)

#define STENCIL_ROW_SPAN(out, lo, hi, CELL)                    \
    _Pragma("omp simd") for (size_t x_ = (lo); x_ < (hi); x_++) \
        (out)[x_] = CELL(x_);

/* Streaming stores go through a small aligned buffer filled by a long SIMD loop. */
#define STENCIL_STREAM_BLOCK 512

/* Rows of at least two vectors take their unaligned head and tail as one whole vector each,
 * computed into e_ and copied out lane by lane: the scalar loops they replace cost a third of
 * the time of a 256-cell row. Lanes computed twice get the same value (Jacobi: out is not in).
 * With stream, only the whole 64-byte lines [la, lb) are streamed; the aligned vectors of the
 * partial lines at the ends are ordinary stores, so no line gets both kinds (cpu_simd.h). */
#define STENCIL_ROW(out, x0, x1, stream, CELL)                                              \
    do {                                                                                    \
        enum { W_ = STENCIL_STREAM_WIDTH };                                                 \
        if ((x1) - (x0) < 2 * W_) {                                                         \
            STENCIL_ROW_SPAN(out, x0, x1, CELL)                                             \
            break;                                                                          \
        }                                                                                   \
        const stencil_row_spans s_ = stencil_row_spans_of((out), (x0), (x1));               \
        const size_t a_ = s_.a, b_ = s_.b;                                                  \
        const size_t la_ = (stream) ? s_.la : b_, lb_ = (stream) ? s_.lb : b_;              \
        _Alignas(64) float e_[W_];                                                          \
        _Pragma("omp simd") for (size_t j_ = 0; j_ < W_; j_++) e_[j_] = CELL((x0) + j_);    \
        for (size_t x_ = (x0); x_ < a_; x_++)                                               \
            (out)[x_] = e_[x_ - (x0)];                                                      \
        STENCIL_ROW_SPAN(out, a_, la_, CELL)                                                \
        for (size_t v_ = la_; v_ < lb_; v_ += STENCIL_STREAM_BLOCK) {                       \
            _Alignas(64) float tmp_[STENCIL_STREAM_BLOCK];                                  \
            size_t n_ = lb_ - v_ < STENCIL_STREAM_BLOCK ? lb_ - v_ : STENCIL_STREAM_BLOCK;  \
            _Pragma("omp simd") for (size_t j_ = 0; j_ < n_; j_++)                          \
                tmp_[j_] = CELL(v_ + j_);                                                   \
            for (size_t j_ = 0; j_ < n_; j_ += W_)                                          \
                STENCIL_STREAM_STORE((out) + v_ + j_, tmp_ + j_);                           \
        }                                                                                   \
        STENCIL_ROW_SPAN(out, lb_, b_, CELL)                                                \
        _Pragma("omp simd") for (size_t j_ = 0; j_ < W_; j_++) e_[j_] = CELL((x1) - W_ + j_); \
        for (size_t x_ = b_; x_ < (x1); x_++)                                               \
            (out)[x_] = e_[x_ - ((x1) - W_)];                                               \
    } while (0)

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
 * y and z strides in cells), as stencil_counts_row: a vector for the cells before the first
 * vector-aligned address of out (only those lanes stored), aligned vectors up to the last such
 * boundary (the whole 64-byte lines among them non-temporal with stream), then a vector ending at
 * x1 for the rest. */
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
    const stencil_row_spans sp = stencil_row_spans_of(out, x0, x1);
    const size_t la = stream ? sp.la : sp.b, lb = stream ? sp.lb : sp.b;
    stencil_vf v = stencil_row_vec(in, x0, sy, sz, k, insulated);
    for (size_t x = x0; x < sp.a; x++)
        out[x] = v[x - x0];
    for (size_t x = sp.a; x < la; x += STENCIL_LANES)
        stencil_vf_store(out + x, stencil_row_vec(in, x, sy, sz, k, insulated), 0);
    for (size_t x = la; x < lb; x += STENCIL_LANES)
        stencil_vf_store(out + x, stencil_row_vec(in, x, sy, sz, k, insulated), 1);
    for (size_t x = lb; x < sp.b; x += STENCIL_LANES)
        stencil_vf_store(out + x, stencil_row_vec(in, x, sy, sz, k, insulated), 0);
    v = stencil_row_vec(in, x1 - STENCIL_LANES, sy, sz, k, insulated);
    for (size_t x = sp.b; x < x1; x++)
        out[x] = v[x - (x1 - STENCIL_LANES)];
}

#endif
