/* Row loops shared by the CPU variants that vectorise.
 *
 * STENCIL_ROW(out, x0, x1, stream, CELL) stores CELL(x) into out[x] for x in [x0, x1): a short
 * head up to the first 64-byte boundary, then a long vector body whose loads and stores are
 * aligned (an unaligned 64-byte load splits across two cache lines and halves load
 * throughput). With stream set, the body is written with non-temporal stores: the output skips
 * the cache and its read-for-ownership, cutting memory traffic from 12 to 8 bytes per cell
 * when the field is far larger than the last-level cache. CELL must be branch-free (the
 * shared cell functions are), so the loops vectorise into SIMD blends. */
#ifndef STENCIL_CPU_ROW_H
#define STENCIL_CPU_ROW_H

#include <stddef.h>
#include <stdint.h>

#include "stencil_cell.h"

#if defined(__AVX512F__) || defined(__AVX__)
#include <immintrin.h>
#if defined(__AVX512F__)
#define STENCIL_STREAM_WIDTH 16
#define STENCIL_STREAM_STORE(dst, src) _mm512_stream_ps((dst), _mm512_load_ps(src))
#else
#define STENCIL_STREAM_WIDTH 8
#define STENCIL_STREAM_STORE(dst, src) _mm256_stream_ps((dst), _mm256_load_ps(src))
#endif
#define STENCIL_STREAM_FENCE() _mm_sfence()
#else
#define STENCIL_STREAM_WIDTH 1
#define STENCIL_STREAM_STORE(dst, src) (*(dst) = *(src))
#define STENCIL_STREAM_FENCE() ((void)0)
#endif

#define STENCIL_ROW_SPAN(out, lo, hi, CELL)                    \
    _Pragma("omp simd") for (size_t x_ = (lo); x_ < (hi); x_++) \
        (out)[x_] = CELL(x_);

/* Streaming stores go through a small aligned buffer filled by a long SIMD loop. */
#define STENCIL_STREAM_BLOCK 512

#define STENCIL_ROW(out, x0, x1, stream, CELL)                                              \
    do {                                                                                    \
        size_t a_ = (x0) + ((64 - ((uintptr_t)((out) + (x0)) & 63)) & 63) / sizeof(float); \
        a_ = a_ < (x1) ? a_ : (x1);                                                         \
        STENCIL_ROW_SPAN(out, x0, a_, CELL)                                                 \
        size_t b_ = a_;                                                                     \
        if (stream) {                                                                       \
            b_ = a_ + ((x1) - a_) / STENCIL_STREAM_WIDTH * STENCIL_STREAM_WIDTH;            \
            for (size_t v_ = a_; v_ < b_; v_ += STENCIL_STREAM_BLOCK) {                     \
                _Alignas(64) float tmp_[STENCIL_STREAM_BLOCK];                              \
                size_t n_ = b_ - v_ < STENCIL_STREAM_BLOCK ? b_ - v_ : STENCIL_STREAM_BLOCK; \
                _Pragma("omp simd") for (size_t j_ = 0; j_ < n_; j_++)                      \
                    tmp_[j_] = CELL(v_ + j_);                                               \
                for (size_t j_ = 0; j_ < n_; j_ += STENCIL_STREAM_WIDTH)                    \
                    STENCIL_STREAM_STORE((out) + v_ + j_, tmp_ + j_);                       \
            }                                                                               \
        }                                                                                   \
        STENCIL_ROW_SPAN(out, b_, x1, CELL)                                                 \
    } while (0)

/* One x-row of interior updates: in and out point at cell (z, y, 0); sy and sz are the y and
 * z strides in cells. The scheme is a constant in each expansion, so its test leaves the loop. */
#define STENCIL_CELL_COURSE(x) \
    stencil_cell(in[x], in[(x) - sz], in[(x) + sz], in[(x) - sy], in[(x) + sy], in[(x) - 1], in[(x) + 1], k, 0)
#define STENCIL_CELL_INSULATED(x) \
    stencil_cell(in[x], in[(x) - sz], in[(x) + sz], in[(x) - sy], in[(x) + sy], in[(x) - 1], in[(x) + 1], k, 1)

static inline void stencil_row_any(const float *restrict in, float *restrict out, size_t x0,
                                   size_t x1, size_t sy, size_t sz, float k, int insulated,
                                   int stream)
{
    if (insulated)
        STENCIL_ROW(out, x0, x1, stream, STENCIL_CELL_INSULATED);
    else
        STENCIL_ROW(out, x0, x1, stream, STENCIL_CELL_COURSE);
}

#endif
