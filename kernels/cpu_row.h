/* One x-row of interior cell updates, shared by the CPU variants that vectorise.
 * in and out point at cell (z, y, 0); sy and sz are the y and z strides in cells.
 * Updates x = x0 .. x1-1 (callers keep 1 <= x0, x1 <= nx-1) through stencil_cell; the compiler turns the loop into SIMD blends
 * because stencil_cell has no branches. insulated is a compile-time constant at each call
 * site (stencil_row_course / stencil_row_insulated), so the scheme test leaves the loop. */
#ifndef STENCIL_CPU_ROW_H
#define STENCIL_CPU_ROW_H

#include <stddef.h>
#include <stdint.h>

#include "stencil_cell.h"

static inline void stencil_row_part(const float *restrict in, float *restrict out, size_t x0,
                                    size_t x1, size_t sy, size_t sz, float k, const int insulated)
{
#pragma omp simd
    for (size_t x = x0; x < x1; x++)
        out[x] = stencil_cell(in[x], in[x - sz], in[x + sz], in[x - sy], in[x + sy], in[x - 1],
                              in[x + 1], k, insulated);
}

/* Splits the row where the centre loads become 64-byte aligned, so the long vector part issues
 * aligned loads (unaligned 64-byte loads split across cache lines and halve load throughput). */
static inline void stencil_row(const float *restrict in, float *restrict out, size_t x0,
                               size_t x1, size_t sy, size_t sz, float k, const int insulated)
{
    size_t a = x0 + ((64 - ((size_t)(uintptr_t)(in + x0) & 63)) & 63) / sizeof(float);
    if (a > x1)
        a = x1;
    stencil_row_part(in, out, x0, a, sy, sz, k, insulated);
    stencil_row_part(in, out, a, x1, sy, sz, k, insulated);
}

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

/* The same row with non-temporal (streaming) stores for the aligned middle of the row: the
 * output skips the cache and its read-for-ownership, cutting memory traffic from 12 to 8
 * bytes per cell when the field is far larger than the last-level cache. */
static inline void stencil_row_stream(const float *restrict in, float *restrict out, size_t x0,
                                      size_t x1, size_t sy, size_t sz, float k, const int insulated)
{
    size_t head = x0;
    while (head < x1 && ((size_t)(out + head) & (STENCIL_STREAM_WIDTH * sizeof(float) - 1)))
        head++;
    size_t body = head + (x1 - head) / STENCIL_STREAM_WIDTH * STENCIL_STREAM_WIDTH;
    stencil_row(in, out, x0, head, sy, sz, k, insulated);
    for (size_t x = head; x < body; x += STENCIL_STREAM_WIDTH) {
        _Alignas(64) float tmp[STENCIL_STREAM_WIDTH];
#pragma omp simd
        for (size_t j = 0; j < STENCIL_STREAM_WIDTH; j++) {
            size_t i = x + j;
            tmp[j] = stencil_cell(in[i], in[i - sz], in[i + sz], in[i - sy], in[i + sy], in[i - 1],
                                  in[i + 1], k, insulated);
        }
        STENCIL_STREAM_STORE(out + x, tmp);
    }
    stencil_row(in, out, body, x1, sy, sz, k, insulated);
}
#else
#define STENCIL_STREAM_FENCE() ((void)0)
#define stencil_row_stream stencil_row
#endif

static inline void stencil_row_any(const float *restrict in, float *restrict out, size_t x0,
                                   size_t x1, size_t sy, size_t sz, float k, int insulated,
                                   int stream)
{
    if (stream && insulated)
        stencil_row_stream(in, out, x0, x1, sy, sz, k, 1);
    else if (stream)
        stencil_row_stream(in, out, x0, x1, sy, sz, k, 0);
    else if (insulated)
        stencil_row(in, out, x0, x1, sy, sz, k, 1);
    else
        stencil_row(in, out, x0, x1, sy, sz, k, 0);
}

#endif
