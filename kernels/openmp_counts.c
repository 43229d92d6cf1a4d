/* openmp_counts: openmp with the land mask folded in at upload (cpu_counts.h): a zero-filled
 * field and a byte of sea-neighbour count per cell, so a cell is six plain adds instead of six
 * compares and twelve masked adds; 9 bytes per update instead of 8, half the vector work. */
#include <omp.h>

#include "cpu_counts.h"

enum { PREFETCH_ROWS = 6, FLOATS_PER_LINE = 16 };

static stencil_status counts_prepare(const stencil_problem *problem, void **state,
                                     stencil_error *err)
{
    return stencil_counts_prepare(problem, 0, state, err);
}

static stencil_status counts_run(void *state, int steps, stencil_error *err)
{
    (void)err;
    stencil_counts_state *s = state;
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
                        STENCIL_PREFETCH_READ(in + row + sz + PREFETCH_ROWS * sy + x);
                        if (!stream)
                            __builtin_prefetch(out + row + PREFETCH_ROWS * sy + x, 1, 3);
                    }
                    for (size_t x = 0; x < nx; x += 4 * FLOATS_PER_LINE)
                        STENCIL_PREFETCH_READ(s->count + row + PREFETCH_ROWS * sy + x);
                }
                stencil_counts_row(out + row, in + row, in + row - sz, in + row + sz,
                                   s->count + row, nx, sy, k, insulated, stream);
            }
            stencil_vf_stream_fence();
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
    .speed_rank = 40, /* openmp with half the vector work */
    .available = stencil_cpu_available,
    .prepare = counts_prepare,
    .upload = stencil_counts_upload,
    .run = counts_run,
    .download = stencil_counts_download,
    .release = stencil_counts_release,
};
