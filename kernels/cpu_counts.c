#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_counts.h"

void stencil_counts_release(void *state)
{
    stencil_counts_state *s = state;
    if (!s)
        return;
    free(s->field.cur);
    free(s->field.next);
    free(s->count);
    free(s->scratch);
    free(s);
}

stencil_status stencil_counts_prepare(const stencil_problem *problem, size_t scratch_floats,
                                      void **state, stencil_error *err)
{
    int threads = problem->threads > 0 ? problem->threads : omp_get_max_threads();
    void *field;
    stencil_status st = stencil_cpu_prepare(problem, threads, &field, err);
    if (st != STENCIL_OK)
        return st;
    stencil_counts_state *s = calloc(1, sizeof *s);
    if (!s) {
        stencil_cpu_release(field);
        return stencil_fail(err, STENCIL_ERR_NOMEM, "out of host memory for the variant state");
    }
    s->field = *(stencil_cpu_state *)field;
    free(field);
    s->count = stencil_cpu_alloc(s->field.cells);
    if (!s->count) {
        size_t cells = s->field.cells;
        stencil_counts_release(s);
        return stencil_fail(err, STENCIL_ERR_NOMEM, "cannot allocate %zu bytes for neighbour counts",
                            cells);
    }
    if (scratch_floats > 0) {
        size_t per = (scratch_floats + 15) / 16 * 16;
        s->scratch_per_thread = per;
        s->scratch = aligned_alloc(64, (size_t)threads * per * sizeof(float)); /* per thread: small pages */
        if (!s->scratch) {
            stencil_counts_release(s);
            return stencil_fail(err, STENCIL_ERR_NOMEM,
                                "cannot allocate %d x %.1f MiB of scratch planes", threads,
                                (double)per * sizeof(float) / 1048576.0);
        }
        float *scratch = s->scratch;
#pragma omp parallel num_threads(threads)
        memset(scratch + (size_t)omp_get_thread_num() * per, 0, per * sizeof(float));
    }
    *state = s;
    return STENCIL_OK;
}

stencil_status stencil_counts_upload(void *state, const float *f, stencil_error *err)
{
    (void)err;
    stencil_counts_state *s = state;
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
            count[i] = isnan(f[i]) ? STENCIL_LAND : (unsigned char)n;
        }
    }
    return STENCIL_OK;
}

stencil_status stencil_counts_download(void *state, float *out, stencil_error *err)
{
    (void)err;
    stencil_counts_state *s = state;
    const long cells = (long)s->field.cells;
    const float *cur = s->field.cur;
    const unsigned char *count = s->count;
#pragma omp parallel for schedule(static) num_threads(s->field.problem.threads)
    for (long i = 0; i < cells; i++)
        out[i] = count[i] == STENCIL_LAND ? NAN : cur[i];
    return STENCIL_OK;
}
