/* tiled: cache-blocked, one thread. The y-x plane is cut into tile_y x tile_x tiles and each
 * tile is swept through every z level, so the three planes a row needs (z-1, z, z+1) stay in
 * L2 even when whole planes do not; rows are vectorised through the shared row function, the
 * next rows from memory are prefetched, and large fields are written with streaming stores. */
#include "cpu_row.h"
#include "cpu_state.h"

enum { TILED_DEFAULT_Y = 32, TILED_DEFAULT_X = 1024, PREFETCH_ROWS = 6, FLOATS_PER_LINE = 16 };

static stencil_status tiled_prepare(const stencil_problem *problem, void **state,
                                    stencil_error *err)
{
    return stencil_cpu_prepare(problem, 1, state, err);
}

static stencil_status tiled_run(void *state, int steps, stencil_error *err)
{
    (void)err;
    stencil_cpu_state *s = state;
    const size_t nz = s->problem.nz, ny = s->problem.ny, nx = s->problem.nx;
    const size_t sy = nx, sz = nx * ny;
    const size_t ty = s->problem.tuning.tile_y > 0 ? (size_t)s->problem.tuning.tile_y : TILED_DEFAULT_Y;
    const size_t tx = s->problem.tuning.tile_x > 0 ? (size_t)s->problem.tuning.tile_x : TILED_DEFAULT_X;
    const float k = s->problem.k;
    const int insulated = s->problem.scheme == STENCIL_SCHEME_INSULATED;
    const int stream = stencil_cpu_streaming(&s->problem);
    if (nz < 3 || ny < 3 || nx < 3)
        return STENCIL_OK; /* no interior cells */
    for (int step = 0; step < steps; step++) {
        const float *in = s->cur;
        float *out = s->next;
        for (size_t y0 = 1; y0 < ny - 1; y0 += ty) {
            size_t y1 = y0 + ty < ny - 1 ? y0 + ty : ny - 1;
            for (size_t x0 = 1; x0 < nx - 1; x0 += tx) {
                size_t x1 = x0 + tx < nx - 1 ? x0 + tx : nx - 1;
                for (size_t z = 1; z < nz - 1; z++)
                    for (size_t y = y0; y < y1; y++) {
                        size_t row = z * sz + y * sy;
                        /* Prefetch the z+1 row this sweep reads PREFETCH_ROWS rows from now. */
                        size_t ahead = y + PREFETCH_ROWS, pz = z + 1;
                        if (ahead >= y1)
                            ahead = y0 + (ahead - y1) % (y1 - y0), pz++;
                        if (pz < nz)
                            for (size_t x = x0; x < x1; x += FLOATS_PER_LINE)
                                STENCIL_PREFETCH_READ(in + pz * sz + ahead * sy + x);
                        stencil_row_any(in + row, out + row, x0, x1, sy, sz, k, insulated, stream);
                    }
            }
        }
        stencil_vf_stream_fence();
        stencil_cpu_swap(s);
    }
    return STENCIL_OK;
}

const stencil_variant stencil_variant_tiled = {
    .name = "tiled",
    .device = STENCIL_CPU,
    .description = "y-x cache tiles swept through z, vectorised rows, one thread",
    .bytes_per_cell = 8.0,
    .tunings = "tile_y,tile_x,stream",
    .uses_threads = 0,
    .speed_rank = 20, /* one thread, vectorised and cache-blocked */
    .available = stencil_cpu_available,
    .prepare = tiled_prepare,
    .upload = stencil_cpu_upload,
    .run = tiled_run,
    .download = stencil_cpu_download,
    .release = stencil_cpu_release,
};
