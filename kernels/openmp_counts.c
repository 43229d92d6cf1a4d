/* openmp_counts: openmp with the land mask folded in at upload. The mask never changes, so
 * upload stores land as 0 and each cell's count of sea neighbours (1 byte); the hot loop is
 * then six plain adds instead of six compares and twelve masked adds. At 256^3 on 2 Zen 5
 * cores openmp is bound by that masking arithmetic, not memory; this reads 9 bytes per cell
 * update instead of 8 but does about half the vector work. Download restores NaN on land. */
#include <math.h>
#include <omp.h>
#include <stdint.h>
#include <stdlib.h>

#include "cpu_row.h"
#include "cpu_simd.h"
#include "cpu_state.h"

enum { PREFETCH_ROWS = 6, FLOATS_PER_LINE = 16, LAND = 255 };

typedef struct counts_state {
    stencil_cpu_state field; /* cur and next hold the field with land as 0 */
    unsigned char *count;    /* sea neighbours of each cell; LAND for land */
} counts_state;

static int thread_count(const stencil_problem *p)
{
    return p->threads > 0 ? p->threads : omp_get_max_threads();
}

static void counts_release(void *state)
{
    counts_state *s = state;
    if (!s)
        return;
    free(s->field.cur);
    free(s->field.next);
    free(s->count);
    free(s);
}

static stencil_status counts_prepare(const stencil_problem *problem, void **state,
                                     stencil_error *err)
{
    void *field;
    stencil_status st = stencil_cpu_prepare(problem, thread_count(problem), &field, err);
    if (st != STENCIL_OK)
        return st;
    counts_state *s = calloc(1, sizeof *s);
    if (!s) {
        stencil_cpu_release(field);
        return stencil_fail(err, STENCIL_ERR_NOMEM, "out of host memory for the variant state");
    }
    s->field = *(stencil_cpu_state *)field;
    free(field);
    s->count = aligned_alloc(64, (s->field.cells + 63) / 64 * 64);
    if (!s->count) {
        size_t cells = s->field.cells;
        counts_release(s);
        return stencil_fail(err, STENCIL_ERR_NOMEM, "cannot allocate %zu bytes for neighbour counts",
                            cells);
    }
    *state = s;
    return STENCIL_OK;
}

static stencil_status counts_upload(void *state, const float *f, stencil_error *err)
{
    (void)err;
    counts_state *s = state;
    const stencil_problem *p = &s->field.problem;
    const size_t nz = p->nz, ny = p->ny, nx = p->nx, sy = nx, sz = nx * ny;
    const long rows = (long)(nz * ny);
    float *cur = s->field.cur, *next = s->field.next;
    unsigned char *count = s->count;
#pragma omp parallel for schedule(static) num_threads(p->threads)
    for (long r = 0; r < rows; r++) {
        size_t z = (size_t)r / ny, y = (size_t)r % ny, row = (size_t)r * nx;
        int inner_row = z > 0 && z + 1 < nz && y > 0 && y + 1 < ny;
        for (size_t x = 0; x < nx; x++) {
            size_t i = row + x;
            cur[i] = next[i] = isnan(f[i]) ? 0.0f : f[i];
            int n = 0;
            if (inner_row && x > 0 && x + 1 < nx)
                n = !isnan(f[i - sz]) + !isnan(f[i + sz]) + !isnan(f[i - sy]) + !isnan(f[i + sy]) +
                    !isnan(f[i - 1]) + !isnan(f[i + 1]);
            count[i] = isnan(f[i]) ? LAND : (unsigned char)n;
        }
    }
    return STENCIL_OK;
}

static stencil_status counts_download(void *state, float *out, stencil_error *err)
{
    (void)err;
    counts_state *s = state;
    const long cells = (long)s->field.cells;
    const float *cur = s->field.cur;
    const unsigned char *count = s->count;
#pragma omp parallel for schedule(static) num_threads(s->field.problem.threads)
    for (long i = 0; i < cells; i++)
        out[i] = count[i] == LAND ? NAN : cur[i];
    return STENCIL_OK;
}

/* The scalar cell, for rows too short for a vector: the update, then land selected back to 0. */
static inline float counts_cell(const float *in, const unsigned char *cnt, size_t x, size_t sy,
                                size_t sz, float k, int insulated)
{
    float t = stencil_cell_zero_filled(in[x], in[x - sz], in[x + sz], in[x - sy], in[x + sy],
                                       in[x - 1], in[x + 1], (float)cnt[x], k, insulated);
    return cnt[x] == LAND ? 0.0f : t;
}

/* The same for the STENCIL_LANES cells from x: the shared sum and update on vectors. max(n, 1) is
 * n - (n == 0), a vector comparison giving -1 where true; land is then masked to +0. */
static inline stencil_vf counts_vec(const float *in, const unsigned char *cnt, size_t x,
                                    size_t sy, size_t sz, float k, int insulated)
{
    stencil_vf c = stencil_vf_load(in + x);
    stencil_vf s = STENCIL_SUM6(stencil_vf_load(in + x - sz), stencil_vf_load(in + x + sz),
                                stencil_vf_load(in + x - sy), stencil_vf_load(in + x + sy),
                                stencil_vf_load(in + x - 1), stencil_vf_load(in + x + 1));
    stencil_vi n = stencil_vi_load_bytes(cnt + x);
    stencil_vf m = __builtin_convertvector(n - (n == 0), stencil_vf);
    stencil_vf w = insulated ? __builtin_convertvector(n, stencil_vf) : stencil_vf_splat(6.0f);
    stencil_vf t = STENCIL_UPDATE(c, s, w, m, k);
    return (stencil_vf)((stencil_vi)t & (n != LAND));
}

/* One x-row of interior cells [1, nx-1): a vector for the cells before the first vector-aligned
 * address of out (only those lanes stored, one by one), aligned vectors up to the last such
 * boundary (non-temporal with stream), then a vector ending at nx-1 for the rest. Scalar head
 * and tail loops instead cost a third of the time on 256-cell rows. */
static void counts_row(const float *restrict in, float *restrict out,
                       const unsigned char *restrict cnt, size_t nx, size_t sy, size_t sz,
                       float k, int insulated, int stream)
{
    const size_t x0 = 1, x1 = nx - 1;
    if (x1 - x0 < STENCIL_LANES) {
        for (size_t x = x0; x < x1; x++)
            out[x] = counts_cell(in, cnt, x, sy, sz, k, insulated);
        return;
    }
    const uintptr_t align = STENCIL_VECTOR_BYTES - 1;
    size_t a = x0 + ((STENCIL_VECTOR_BYTES - ((uintptr_t)(out + x0) & align)) & align) / sizeof(float);
    size_t b = a + (x1 - a) / STENCIL_LANES * STENCIL_LANES;
    stencil_vf v = counts_vec(in, cnt, x0, sy, sz, k, insulated);
    for (size_t x = x0; x < a; x++)
        out[x] = v[x - x0];
    for (size_t x = a; x < b; x += STENCIL_LANES)
        stencil_vf_store(out + x, counts_vec(in, cnt, x, sy, sz, k, insulated), stream);
    v = counts_vec(in, cnt, x1 - STENCIL_LANES, sy, sz, k, insulated);
    for (size_t x = b; x < x1; x++)
        out[x] = v[x - (x1 - STENCIL_LANES)];
}

static stencil_status counts_run(void *state, int steps, stencil_error *err)
{
    (void)err;
    counts_state *s = state;
    const stencil_problem *p = &s->field.problem;
    const size_t nz = p->nz, ny = p->ny, nx = p->nx, sy = nx, sz = nx * ny;
    const float k = p->k;
    const int insulated = p->scheme == STENCIL_SCHEME_INSULATED;
    const int stream = stencil_cpu_streaming(p);
    if (nz < 3 || ny < 3 || nx < 3)
        return STENCIL_OK;
    const size_t iy = ny - 2, rows = (nz - 2) * iy;
#pragma omp parallel num_threads(p->threads)
    {
        size_t id = (size_t)omp_get_thread_num(), nt = (size_t)omp_get_num_threads();
        size_t r0 = rows * id / nt, r1 = rows * (id + 1) / nt;
        for (int step = 0; step < steps; step++) {
            const float *in = s->field.cur;
            float *out = s->field.next;
            for (size_t r = r0; r < r1; r++) {
                size_t row = (r / iy + 1) * sz + (r % iy + 1) * sy;
                if (r + PREFETCH_ROWS < r1) {
                    for (size_t x = 0; x < nx; x += FLOATS_PER_LINE) {
                        __builtin_prefetch(in + row + sz + PREFETCH_ROWS * sy + x, 0, 3);
                        if (!stream)
                            __builtin_prefetch(out + row + PREFETCH_ROWS * sy + x, 1, 3);
                    }
                    for (size_t x = 0; x < nx; x += 4 * FLOATS_PER_LINE)
                        __builtin_prefetch(s->count + row + PREFETCH_ROWS * sy + x, 0, 3);
                }
                counts_row(in + row, out + row, s->count + row, nx, sy, sz, k, insulated, stream);
            }
            STENCIL_STREAM_FENCE();
#pragma omp barrier
#pragma omp single
            stencil_cpu_swap(&s->field);
        }
    }
    return STENCIL_OK;
}

const stencil_variant stencil_variant_openmp_counts = {
    .name = "openmp_counts",
    .device = STENCIL_CPU,
    .description = "openmp with the land mask folded in at upload: zero-filled field, neighbour counts",
    .bytes_per_cell = 8.0,
    .tunings = "stream",
    .uses_threads = 1,
    .available = stencil_cpu_available,
    .prepare = counts_prepare,
    .upload = counts_upload,
    .run = counts_run,
    .download = counts_download,
    .release = counts_release,
};
