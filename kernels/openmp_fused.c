/* openmp_fused: openmp_counts with two timesteps per pass over memory (temporal blocking): per
 * block of rows, a z wavefront writes step t+1 into three cached scratch planes and step t+2
 * from them, halving the bytes moved per cell update; slabs recompute one plane at each edge. */
#include <omp.h>
#include <string.h>

#include "cpu_counts.h"

/* RING scratch planes per thread, PAD floats apart beyond their size: planes a power of two
 * apart alias in the L1 cache and in the load-store unit's 4 KiB address check. */
enum { RING = 3, PAD = 80, PREFETCH_ROWS = 6, FLOATS_PER_LINE = 16 };

static stencil_status fused_prepare(const stencil_problem *problem, void **state,
                                    stencil_error *err)
{
    return stencil_counts_prepare(problem, RING * (problem->ny * problem->nx + PAD), state, err);
}

typedef struct sweep {
    const float *in;
    const unsigned char *count;
    size_t nz, ny, nx;
    float k;
    int insulated, stream;
} sweep;

/* Rows [y0, y1) of plane z into out (a plane): below, at and above are planes of the step
 * before; pre, if not NULL, is the plane to prefetch ahead (the one read for the first time). */
static void plane_rows(const sweep *w, float *out, const float *below, const float *at,
                       const float *above, size_t z, size_t y0, size_t y1, const float *pre,
                       int stream)
{
    const size_t nx = w->nx;
    const unsigned char *cnt = w->count + z * w->ny * nx;
    for (size_t y = y0; y < y1; y++) {
        size_t row = y * nx;
        if (y + PREFETCH_ROWS < y1) {
            for (size_t x = 0; pre && x < nx; x += FLOATS_PER_LINE)
                __builtin_prefetch(pre + row + PREFETCH_ROWS * nx + x, 0, 3);
            for (size_t x = 0; x < nx; x += 4 * FLOATS_PER_LINE)
                __builtin_prefetch(cnt + row + PREFETCH_ROWS * nx + x, 0, 3);
        }
        stencil_counts_row(out + row, at + row, below + row, above + row, cnt + row, nx, nx,
                           w->k, w->insulated, stream);
    }
}

/* Step t+1 of rows [y0, y1) of plane z (1 <= z <= nz-2) into the scratch plane mid; rows 0 and
 * ny-1 and the outer columns are copied from the input: they never change, and step t+2 reads
 * them. */
static void mid_rows(const sweep *w, float *mid, size_t z, size_t y0, size_t y1)
{
    const size_t ny = w->ny, nx = w->nx, plane = ny * nx;
    const float *at = w->in + z * plane;
    size_t a = y0 > 1 ? y0 : 1, b = y1 < ny - 1 ? y1 : ny - 1;
    plane_rows(w, mid, at - plane, at, at + plane, z, a, b, at + plane, 0);
    for (size_t y = a; y < b; y++) {
        mid[y * nx] = at[y * nx];
        mid[y * nx + nx - 1] = at[y * nx + nx - 1];
    }
    if (y0 == 0)
        memcpy(mid, at, nx * sizeof(float));
    if (y1 == ny)
        memcpy(mid + (ny - 1) * nx, at + (ny - 1) * nx, nx * sizeof(float));
}

/* Two steps of rows [ya, yb) of planes [za, zb), from w->in into out. A wavefront in z: step
 * t+1 of plane z (rows ya-1 .. yb) into the ring of RING scratch planes, then step t+2 of plane
 * z-1 from the ring. The block of rows keeps the ring and the input planes in L2. */
static void fused_block(const sweep *w, float *out, float *ring, size_t za, size_t zb,
                        size_t ya, size_t yb)
{
    const size_t nz = w->nz, plane = w->ny * w->nx;
    /* step t+1 of plane z: a scratch plane, or the input for the unchanging outer planes */
#define MID(z) ((z) == 0 || (z) == nz - 1 ? w->in + (z) * plane : ring + (z) % RING * (plane + PAD))
    size_t lo = za - 1 > 1 ? za - 1 : 1, hi = zb + 1 < nz - 1 ? zb + 1 : nz - 1;
    for (size_t z = lo; z <= hi; z++) {
        if (z < hi)
            mid_rows(w, ring + z % RING * (plane + PAD), z, ya - 1, yb + 1);
        size_t f = z - 1;
        if (f >= za && f < zb)
            plane_rows(w, out + f * plane, MID(f - 1), MID(f), MID(f + 1), f, ya, yb, NULL,
                       w->stream);
    }
#undef MID
}

/* Rows per block: the tile_y knob; else as many rows as keep a thread's working set (three
 * scratch planes, four input planes, the output and the counts: about 33 B a cell, 36 with a
 * margin) within a quarter of its share of the largest cache, and never fewer than about 16384
 * cells a plane (64 KiB of floats, the L2-sized block this started with, still the rule where the
 * caller gives no cache size). Longer blocks restart the wavefront less often: on the 2-core Zen 4 VM
 * (32 MiB L3), whole planes at 256^3 ran 8-12 % faster than 64-row blocks, 4-8 % at 512^3
 * (README, issue 19). */
static size_t block_rows(const stencil_problem *p)
{
    if (p->tuning.tile_y > 0)
        return (size_t)p->tuning.tile_y;
    size_t rows = 16384 / p->nx;
    const size_t threads = (size_t)(p->threads > 0 ? p->threads : omp_get_max_threads());
    if (p->cache_bytes) {
        const size_t fit = p->cache_bytes / (4 * threads) / (36 * p->nx);
        rows = fit > rows ? fit : rows;
    }
    return rows < 1 ? 1 : rows;
}

static stencil_status fused_run(void *state, int steps, stencil_error *err)
{
    (void)err;
    stencil_counts_state *s = state;
    const stencil_problem *p = &s->field.problem;
    const size_t nz = p->nz, ny = p->ny, nx = p->nx, plane = ny * nx;
    if (nz < 3 || ny < 3 || nx < 3)
        return STENCIL_OK;
    const int stream = stencil_cpu_streaming(p);
    const size_t rows = block_rows(p);
#pragma omp parallel num_threads(p->threads)
    {
        size_t id = (size_t)omp_get_thread_num(), nt = (size_t)omp_get_num_threads();
        size_t za = 1 + (nz - 2) * id / nt, zb = 1 + (nz - 2) * (id + 1) / nt;
        float *ring = s->scratch + id * s->scratch_per_thread;
        for (int step = 0; step < steps; step += 2) {
            sweep w = {s->field.cur, s->count, nz, ny, nx, p->k,
                       p->scheme == STENCIL_SCHEME_INSULATED, stream};
            float *out = s->field.next;
            if (za < zb && step + 1 < steps) {
                for (size_t ya = 1; ya < ny - 1; ya += rows) {
                    size_t yb = ya + rows < ny - 1 ? ya + rows : ny - 1;
                    fused_block(&w, out, ring, za, zb, ya, yb);
                }
            } else { /* an odd last step: one plain sweep of the slab */
                for (size_t z = za; z < zb; z++)
                    plane_rows(&w, out + z * plane, w.in + (z - 1) * plane, w.in + z * plane,
                               w.in + (z + 1) * plane, z, 1, ny - 1, w.in + (z + 1) * plane,
                               stream);
            }
            stencil_vf_stream_fence();
#pragma omp barrier
#pragma omp single
            stencil_cpu_swap(&s->field);
        }
    }
    return STENCIL_OK;
}

const stencil_variant stencil_variant_openmp_fused = {
    .name = "openmp_fused",
    .device = STENCIL_CPU,
    .description = "openmp_counts with two timesteps per sweep: z wavefront through 3 cached planes per thread",
    .bytes_per_cell = 8.0,
    .tunings = "tile_y,stream",
    .uses_threads = 1,
    .speed_rank = 50, /* openmp_counts moving half the bytes */
    .available = stencil_cpu_available,
    .prepare = fused_prepare,
    .upload = stencil_counts_upload,
    .run = fused_run,
    .download = stencil_counts_download,
    .release = stencil_counts_release,
};
