/* The arithmetic of one cell update, written once for every variant (host and device).
 *
 * Given a cell's value c and its six face neighbours (NaN = land or sea floor):
 *   s = sum of the neighbours that are not NaN, n = their count (0..6)
 *   course:    c' = c + k (s - 6c) / max(n, 1)
 *   insulated: c' = c + k (s - n c) / max(n, 1)
 * and a NaN cell stays NaN (NaN propagates through the formula, no select needed). The neighbours are summed in the order z-, z+, y-, y+, x-, x+ and
 * the form is branch-free (selects, not jumps), so that CPU loops vectorise and every variant
 * rounds identically: with contraction off (C11 mode; nvcc --fmad=false) results are bitwise
 * equal across variants. Outer-face cells are not updated; that is the caller's loop bounds.
 */
#ifndef STENCIL_CELL_H
#define STENCIL_CELL_H

#if defined(__CUDACC__)
#define STENCIL_HD static __host__ __device__ __forceinline__
#else
#include <math.h>
#define STENCIL_HD static inline
#endif

/* Adds v to the running sum and 1 to the count when v is not NaN (a masked add in SIMD). */
#define STENCIL_ACCUMULATE(s, n, v) \
    do {                            \
        s = (v) == (v) ? s + (v) : s; \
        n = (v) == (v) ? n + 1.0f : n; \
    } while (0)

/* The update once the neighbour sum s is known: w is the weight of the cell itself (6 in the
 * course scheme, n in the insulated one) and m = max(n, 1). A macro, so that one expression
 * serves scalars and the SIMD vectors of openmp_counts (kernels/cpu_simd.h) alike. */
#define STENCIL_UPDATE(c, s, w, m, k) ((c) + (k) * ((s) - (w) * (c)) / (m))

/* The neighbour sum of a zero-filled field, in the order of stencil_cell (scalars or vectors). */
#define STENCIL_SUM6(zm, zp, ym, yp, xm, xp) ((((((0.0f + (zm)) + (zp)) + (ym)) + (yp)) + (xm)) + (xp))

STENCIL_HD float stencil_update(float c, float s, float n, float k, int insulated)
{
    float w = insulated ? n : 6.0f;
    float m = n > 1.0f ? n : 1.0f;
    return STENCIL_UPDATE(c, s, w, m, k); /* a NaN c propagates: land stays NaN */
}

STENCIL_HD float stencil_cell(float c, float zm, float zp, float ym, float yp, float xm,
                              float xp, float k, int insulated)
{
    float s = 0.0f, n = 0.0f;
    STENCIL_ACCUMULATE(s, n, zm);
    STENCIL_ACCUMULATE(s, n, zp);
    STENCIL_ACCUMULATE(s, n, ym);
    STENCIL_ACCUMULATE(s, n, yp);
    STENCIL_ACCUMULATE(s, n, xm);
    STENCIL_ACCUMULATE(s, n, xp);
    return stencil_update(c, s, n, k, insulated);
}

/* The same cell for a field whose NaN cells were replaced by 0 and whose neighbour count n
 * was computed beforehand (the mask never changes). Adding 0 for a land neighbour gives
 * exactly the sum stencil_cell forms by skipping it (s starts at +0 and so never holds -0),
 * so the two functions agree bit for bit on every valid cell. */
STENCIL_HD float stencil_cell_zero_filled(float c, float zm, float zp, float ym, float yp,
                                          float xm, float xp, float n, float k, int insulated)
{
    return stencil_update(c, STENCIL_SUM6(zm, zp, ym, yp, xm, xp), n, k, insulated);
}

/* A cell whose six neighbours are all sea (n = 6, so both schemes weigh the cell by 6), without
 * the division, for cuda_fused (an IEEE division is about ten instructions and a branch on a
 * GPU, and the masked sum another eighteen). Use:
 *   x = stencil_sea6_update(...)   k (s - 6c); NaN when c or a neighbour is land
 *   stencil_sea6_ok(x)             whether the quotient below is exact (false for NaN and inf)
 *   stencil_sea6_finish(c, x)      c + x / 6, bit for bit what stencil_cell returns
 * x / 6 is q = RN(x r) with r = RN(1/6), e = x - 6q (exact, by one FMA), q + e r (one FMA):
 * tests/test_cell_sea6 checks every finite float and finds it equal to RN(x / 6) whenever
 * |x| >= 2^-125; below that the quotient is subnormal and some values differ, so ok() sends
 * them, x = 0 and infinities to stencil_cell.
 * The sum starts at zm, not at +0 as stencil_cell's does: the two differ only when all six
 * neighbours are zeros, and then only in the sign of the zero s; s - 6c is then -6c for c != 0
 * either way, and x = 0 for c = +-0, which ok() sends to stencil_cell. tests/test_cell_sea6
 * checks it on signed zeros. */
STENCIL_HD float stencil_sea6_update(float c, float zm, float zp, float ym, float yp, float xm,
                                     float xp, float k)
{
    return k * ((((((zm + zp) + ym) + yp) + xm) + xp) - 6.0f * c);
}

STENCIL_HD int stencil_sea6_ok(float x) { return fabsf(x) >= 0x1p-125f && fabsf(x) <= 0x1.fffffep127f; }

STENCIL_HD float stencil_div6(float x)
{
    const float r = 1.0f / 6.0f;
    const float q = x * r;
    return fmaf(fmaf(-q, 6.0f, x), r, q);
}

STENCIL_HD float stencil_sea6_finish(float c, float x) { return c + stencil_div6(x); }

#endif
