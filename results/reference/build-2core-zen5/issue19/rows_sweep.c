#include <omp.h>
#include "cpu_counts.h"
#include "cpu_row.h"
/* one step: rows (z,y) split statically; kind 0 = counts row, 1 = STENCIL_ROW (masked) */
void SWEEP(const float *in, float *out, const unsigned char *cnt, size_t nz, size_t ny, size_t nx,
           int stream, int threads, int kind)
{
    const size_t sy = nx, sz = nx * ny, iy = ny - 2, rows = (nz - 2) * iy;
#pragma omp parallel num_threads(threads)
    {
        size_t id = omp_get_thread_num(), nt = omp_get_num_threads();
        size_t r0 = rows * id / nt, r1 = rows * (id + 1) / nt;
        for (size_t r = r0; r < r1; r++) {
            size_t row = (r / iy + 1) * sz + (r % iy + 1) * sy;
            if (kind == 0)
                stencil_counts_row(out + row, in + row, in + row - sz, in + row + sz, cnt + row, nx, sy, 0.1f, 0, stream);
            else
                stencil_row_any(in + row, out + row, 1, nx - 1, sy, sz, 0.1f, 0, stream);
        }
        stencil_vf_stream_fence();
    }
}
