/* A native SIMD register of floats as a GCC/Clang vector, for CPU variants whose loops the
 * auto-vectoriser handles badly (mixed byte and float data). The arithmetic operators act lane
 * by lane, so the shared STENCIL_UPDATE and STENCIL_SUM6 expressions apply unchanged and round
 * exactly as in the scalar cell. The width is the target's (AVX-512: 16 lanes, AVX2: 8, else
 * 4): GCC lowers a wider vector's comparisons to scalar code. Only loads, the byte widening
 * and the streaming store are written per instruction set. */
#ifndef STENCIL_CPU_SIMD_H
#define STENCIL_CPU_SIMD_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

#if defined(__AVX512F__)
#define STENCIL_VECTOR_BYTES 64
#elif defined(__AVX2__)
#define STENCIL_VECTOR_BYTES 32
#else
#define STENCIL_VECTOR_BYTES 16
#endif

enum { STENCIL_LANES = STENCIL_VECTOR_BYTES / (int)sizeof(float) };

/* Non-temporal stores must cover whole cache lines: a line that gets both an ordinary store
 * (which pulls it into the cache with a read-for-ownership) and streaming stores is flushed
 * and written twice. With 32-byte (AVX2) vectors a vector-aligned span leaves half a line at
 * each end of a row: on a Zen 3 VM that store pattern copied at 3 GB/s against 13-17 GB/s for
 * whole streamed lines, and every CPU variant ran at half speed or less out of cache. */
enum { STENCIL_LINE_BYTES = 64, STENCIL_LINE_FLOATS = STENCIL_LINE_BYTES / (int)sizeof(float) };

/* The spans of a row [x0, x1) of out, which is float-aligned, for vector stores:
 * [x0, a) before the first vector-aligned address, [a, b) whole aligned vectors, [b, x1) the
 * rest; within [a, b), [la, lb) is the part made of whole 64-byte lines, the only part that
 * may be streamed (a <= la <= lb <= b). Needs x1 - x0 >= STENCIL_LANES. */
typedef struct stencil_row_spans {
    size_t a, la, lb, b;
} stencil_row_spans;

static inline stencil_row_spans stencil_row_spans_of(const float *out, size_t x0, size_t x1)
{
    const uintptr_t vm = STENCIL_VECTOR_BYTES - 1, lm = STENCIL_LINE_BYTES - 1;
    const uintptr_t start = (uintptr_t)(out + x0);
    stencil_row_spans s;
    s.a = x0 + ((STENCIL_VECTOR_BYTES - (start & vm)) & vm) / sizeof(float);
    s.b = s.a + (x1 - s.a) / STENCIL_LANES * STENCIL_LANES;
    s.la = x0 + ((STENCIL_LINE_BYTES - (start & lm)) & lm) / sizeof(float);
    s.lb = s.la + (x1 > s.la ? (x1 - s.la) / STENCIL_LINE_FLOATS * STENCIL_LINE_FLOATS : 0);
    if (s.la > s.b || s.lb > s.b) /* no whole line inside the aligned vectors */
        s.la = s.lb = s.b;
    return s;
}

/* A row [x0, x1) of out, x1 - x0 >= STENCIL_LANES, from VEC(x), the vector of cells x ..
 * x + STENCIL_LANES - 1: one vector for the cells before the first vector-aligned address (only
 * those lanes stored), aligned vectors up to the last such boundary (with stream, the whole
 * 64-byte lines among them non-temporal, the others ordinary: no line gets both kinds), then a
 * vector ending at x1 for the rest. Lanes computed twice get the same value (Jacobi: out is not
 * an input). Scalar head and tail loops instead cost a third of the time of a 256-cell row. */
#define STENCIL_VEC_ROW(out, x0, x1, stream, VEC)                                    \
    do {                                                                             \
        const stencil_row_spans sp_ = stencil_row_spans_of((out), (x0), (x1));       \
        const size_t la_ = (stream) ? sp_.la : sp_.b, lb_ = (stream) ? sp_.lb : sp_.b; \
        stencil_vf v_ = VEC(x0);                                                     \
        for (size_t x_ = (x0); x_ < sp_.a; x_++)                                     \
            (out)[x_] = v_[x_ - (x0)];                                               \
        for (size_t x_ = sp_.a; x_ < la_; x_ += STENCIL_LANES)                       \
            stencil_vf_store((out) + x_, VEC(x_), 0);                                \
        for (size_t x_ = la_; x_ < lb_; x_ += STENCIL_LANES)                         \
            stencil_vf_store((out) + x_, VEC(x_), 1);                                \
        for (size_t x_ = lb_; x_ < sp_.b; x_ += STENCIL_LANES)                       \
            stencil_vf_store((out) + x_, VEC(x_), 0);                                \
        v_ = VEC((x1) - STENCIL_LANES);                                              \
        for (size_t x_ = sp_.b; x_ < (x1); x_++)                                     \
            (out)[x_] = v_[x_ - ((x1) - STENCIL_LANES)];                             \
    } while (0)

typedef float stencil_vf __attribute__((vector_size(STENCIL_VECTOR_BYTES)));
typedef int stencil_vi __attribute__((vector_size(STENCIL_VECTOR_BYTES)));

static inline stencil_vf stencil_vf_splat(float f)
{
    return (stencil_vf){0} + f;
}

/* STENCIL_LANES floats from p, which need not be aligned. */
static inline stencil_vf stencil_vf_load(const float *p)
{
    stencil_vf v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* Stores v at p, which must be aligned to the vector; non-temporal (bypassing the cache) if
 * asked and the target has such a store. */
static inline void stencil_vf_store(float *p, stencil_vf v, int stream)
{
#ifdef STENCIL_STORE_PROBE /* tests/test_cpu_row.c records the stores */
    STENCIL_STORE_PROBE(p, stream);
#endif
    if (stream) {
#if defined(__AVX512F__)
        _mm512_stream_ps(p, (__m512)v);
        return;
#elif defined(__AVX2__)
        _mm256_stream_ps(p, (__m256)v);
        return;
#elif defined(__SSE__)
        _mm_stream_ps(p, (__m128)v);
        return;
#endif
    }
    memcpy(p, &v, sizeof v);
}

/* Orders this thread's non-temporal stores before what follows (call before a barrier). */
static inline void stencil_vf_stream_fence(void)
{
#if defined(__SSE__)
    _mm_sfence();
#endif
}

/* Whether every lane of m (a vector comparison's result: -1 true, 0 false) is true. */
static inline int stencil_vi_all(stencil_vi m)
{
#if defined(__AVX512F__)
    return _mm512_cmpneq_epi32_mask((__m512i)m, _mm512_setzero_si512()) == 0xffff;
#elif defined(__AVX2__)
    return _mm256_movemask_ps((__m256)m) == 0xff;
#elif defined(__SSE__)
    return _mm_movemask_ps((__m128)m) == 0xf;
#else
    for (int i = 0; i < STENCIL_LANES; i++)
        if (!m[i])
            return 0;
    return 1;
#endif
}

/* STENCIL_LANES bytes from p, zero-extended to ints (GCC 12's __builtin_convertvector does
 * this one byte at a time, which made the whole loop three times slower). */
static inline stencil_vi stencil_vi_load_bytes(const unsigned char *p)
{
#if defined(__AVX512F__)
    return (stencil_vi)_mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)p));
#elif defined(__AVX2__)
    return (stencil_vi)_mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)p));
#elif defined(__SSE4_1__)
    int four;
    memcpy(&four, p, sizeof four);
    return (stencil_vi)_mm_cvtepu8_epi32(_mm_cvtsi32_si128(four));
#else
    stencil_vi v;
    for (int i = 0; i < STENCIL_LANES; i++)
        v[i] = p[i];
    return v;
#endif
}

#endif
