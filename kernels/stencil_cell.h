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

#endif
