/* naive: the reference. A plain z, y, x loop nest over the interior, one cell at a time,
 * compiled without auto-vectorisation so it stays the scalar baseline every other variant
 * is validated against and measured relative to. */
#include "cpu_state.h"
#include "stencil_cell.h"

static stencil_status naive_prepare(const stencil_problem *problem, void **state,
                                    stencil_error *err)
{
    return stencil_cpu_prepare(problem, 1, state, err);
}

static stencil_status naive_run(void *state, int steps, stencil_error *err)
{
    (void)err;
    stencil_cpu_state *s = state;
    const size_t nz = s->problem.nz, ny = s->problem.ny, nx = s->problem.nx;
    const size_t sy = nx, sz = nx * ny;
    const float k = s->problem.k;
    const int insulated = s->problem.scheme == STENCIL_SCHEME_INSULATED;
    for (int step = 0; step < steps; step++) {
        const float *in = s->cur;
        float *out = s->next;
        for (size_t z = 1; z + 1 < nz; z++)
            for (size_t y = 1; y + 1 < ny; y++)
                for (size_t x = 1; x + 1 < nx; x++) {
                    size_t i = z * sz + y * sy + x;
                    out[i] = stencil_cell(in[i], in[i - sz], in[i + sz], in[i - sy], in[i + sy],
                                          in[i - 1], in[i + 1], k, insulated);
                }
        stencil_cpu_swap(s);
    }
    return STENCIL_OK;
}

const stencil_variant stencil_variant_naive = {
    .name = "naive",
    .device = STENCIL_CPU,
    .description = "plain scalar z-y-x loop nest, the reference",
    .bytes_per_cell = 8.0,
    .tunings = "",
    .uses_threads = 0,
    .speed_rank = 10, /* the scalar reference */
    .available = stencil_cpu_available,
    .prepare = naive_prepare,
    .upload = stencil_cpu_upload,
    .run = naive_run,
    .download = stencil_cpu_download,
    .release = stencil_cpu_release,
};
