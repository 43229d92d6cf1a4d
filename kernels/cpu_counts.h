/* The land-folded layout shared by openmp_counts and openmp_fused. The mask never changes, so
 * upload stores land as 0 in both ping-pong buffers and each cell's count of sea neighbours in
 * one byte (STENCIL_LAND for land); the hot loop is then six plain adds instead of six compares
 * and twelve masked adds. Download restores NaN on land. Results equal naive's bit for bit
 * (stencil_cell_zero_filled). Rows are explicit SIMD vectors (cpu_simd.h): the auto-vectoriser
 * handles the mixed byte and float loop badly. */
#ifndef STENCIL_CPU_COUNTS_H
#define STENCIL_CPU_COUNTS_H

#include <stddef.h>
#include <stdint.h>

#include "cpu_simd.h"
#include "cpu_state.h"
#include "stencil_cell.h"

enum { STENCIL_LAND = 255 };

typedef struct stencil_counts_state {
    stencil_cpu_state field; /* cur and next hold the field with land as 0 */
    unsigned char *count;    /* sea neighbours of each cell; STENCIL_LAND for land */
    float *scratch;          /* scratch_per_thread floats per thread, first-touched; or NULL */
    size_t scratch_per_thread;
} stencil_counts_state;

/* Allocates the fields, the counts and, if scratch_floats > 0, that many floats of scratch
 * per thread. Every buffer is first-touched by the threads that will use it. */
/* openmp_fused's defaults (kernels/openmp_fused.c says why): timesteps a sweep, rows a block. */
int stencil_fused_sweep_steps(const stencil_problem *p);
size_t stencil_fused_block_rows(const stencil_problem *p);

stencil_status stencil_counts_prepare(const stencil_problem *problem, size_t scratch_floats,
                                      void **state, stencil_error *err);
stencil_status stencil_counts_upload(void *state, const float *field, stencil_error *err);
stencil_status stencil_counts_download(void *state, float *out, stencil_error *err);
void stencil_counts_release(void *state);

/* One cell from row pointers: c is the cell's row (y neighbours at -sy, +sy), zm and zp the rows
 * of the planes below and above. Land is selected back to 0. */
static inline float stencil_counts_cell(const float *c, const float *zm, const float *zp,
                                        const unsigned char *cnt, size_t x, size_t sy, float k,
                                        int insulated)
{
    float t = stencil_cell_zero_filled(c[x], zm[x], zp[x], c[x - sy], c[x + sy], c[x - 1],
                                       c[x + 1], (float)cnt[x], k, insulated);
    return cnt[x] == STENCIL_LAND ? 0.0f : t;
}

/* The same for the STENCIL_LANES cells from x: the shared sum and update on vectors. max(n, 1)
 * is n - (n == 0), a vector comparison giving -1 where true; land is then masked to +0. */
static inline stencil_vf stencil_counts_vec(const float *c, const float *zm, const float *zp,
                                            const unsigned char *cnt, size_t x, size_t sy,
                                            float k, int insulated)
{
    stencil_vf t0 = stencil_vf_load(c + x);
    stencil_vf s = STENCIL_SUM6(stencil_vf_load(zm + x), stencil_vf_load(zp + x),
                                stencil_vf_load(c + x - sy), stencil_vf_load(c + x + sy),
                                stencil_vf_load(c + x - 1), stencil_vf_load(c + x + 1));
    stencil_vi n = stencil_vi_load_bytes(cnt + x);
    stencil_vf m = __builtin_convertvector(n - (n == 0), stencil_vf);
    stencil_vf w = insulated ? __builtin_convertvector(n, stencil_vf) : stencil_vf_splat(6.0f);
    stencil_vf t = STENCIL_UPDATE(t0, s, w, m, k);
    return (stencil_vf)((stencil_vi)t & (n != STENCIL_LAND));
}

/* One x-row of interior cells [1, nx-1) into out (STENCIL_VEC_ROW, cpu_simd.h). */
static inline void stencil_counts_row(float *restrict out, const float *c, const float *zm,
                                      const float *zp, const unsigned char *restrict cnt,
                                      size_t nx, size_t sy, float k, int insulated, int stream)
{
    const size_t x0 = 1, x1 = nx - 1;
    if (x1 - x0 < STENCIL_LANES) {
        for (size_t x = x0; x < x1; x++)
            out[x] = stencil_counts_cell(c, zm, zp, cnt, x, sy, k, insulated);
        return;
    }
#define STENCIL_COUNTS_VEC(x) stencil_counts_vec(c, zm, zp, cnt, (x), sy, k, insulated)
    STENCIL_VEC_ROW(out, x0, x1, stream, STENCIL_COUNTS_VEC);
#undef STENCIL_COUNTS_VEC
}

#endif
