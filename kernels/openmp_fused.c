/* openmp_fused: openmp_counts with several timesteps per pass over memory (temporal blocking):
 * per block of rows, a z wavefront writes step t+1 into three cached scratch planes, step t+2
 * from them into three more, and so on; the last step of the sweep goes to the output, so the
 * bytes moved per cell update fall with the steps a sweep takes (steps_per_sweep, 2 to 4;
 * default below). Slabs and blocks recompute the planes and rows their edges need. */
#include <omp.h>
#include <string.h>

#include "cpu_counts.h"

/* RING scratch planes per level and thread, PAD floats apart beyond their size: planes a power
 * of two apart alias in the L1 cache and in the load-store unit's 4 KiB address check. */
enum { RING = 3, PAD = 80, PREFETCH_ROWS = 6, FLOATS_PER_LINE = 16, MAX_SWEEP = 4 };

/* Steps a sweep: the steps_per_sweep knob; else 4 when the two fields do not fit the largest
 * cache (each sweep then reads memory once for four steps) and each thread's slab has at least
 * 32 planes, 2 otherwise or when the cache is unknown. A sweep of S steps recomputes S - 1,
 * S - 2, .. planes at each edge of a slab of P planes: 1 + 3/P times the work at S = 4 against
 * 1 + 1/P at S = 2, too much on thin slabs (many threads), and in cache there is no memory
 * traffic to save. Measured on the 2-core Zen 4 VM, 32 MiB L3, interleaved runs: 4 against 2
 * steps +9 to +12 % at 256^3, +13 to +20 % at 512^3, -4 to -17 % at 128^3 (README, issue 19);
 * many-core hosts (thin slabs) keep 2 steps, unmeasured with 4. */
int stencil_fused_sweep_steps(const stencil_problem *p)
{
    if (p->tuning.steps_per_sweep)
        return p->tuning.steps_per_sweep;
    const double fields = 2.0 * (double)p->nz * (double)p->ny * (double)p->nx * sizeof(float);
    const size_t threads = (size_t)(p->threads > 0 ? p->threads : omp_get_max_threads());
    const size_t slab = p->nz > 2 ? (p->nz - 2) / threads : 0;
    return p->cache_bytes && fields > (double)p->cache_bytes && slab >= 32 ? 4 : 2;
}

static stencil_status fused_prepare(const stencil_problem *problem, void **state,
                                    stencil_error *err)
{
    const int S = stencil_fused_sweep_steps(problem);
    if (S < 2 || S > MAX_SWEEP)
        return stencil_fail(err, STENCIL_ERR_ARG, "steps_per_sweep=%d: use 2 to %d", S, MAX_SWEEP);
    return stencil_counts_prepare(problem, (size_t)(S - 1) * RING * (problem->ny * problem->nx + PAD),
                                  state, err);
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
                STENCIL_PREFETCH_READ(pre + row + PREFETCH_ROWS * nx + x);
            for (size_t x = 0; x < nx; x += 4 * FLOATS_PER_LINE)
                STENCIL_PREFETCH_READ(cnt + row + PREFETCH_ROWS * nx + x);
        }
        stencil_counts_row(out + row, at + row, below + row, above + row, cnt + row, nx, nx,
                           w->k, w->insulated, stream);
    }
}

/* An intermediate step of rows [y0, y1) of plane z (1 <= z <= nz-2) into the scratch plane mid,
 * from the previous step's planes below, at and above; rows 0 and ny-1 and the outer columns
 * are copied from the input: they never change, and the next step reads them. pre: the plane to
 * prefetch (the input's next plane at the first step), or NULL. */
static void mid_rows(const sweep *w, float *mid, const float *below, const float *at,
                     const float *above, size_t z, size_t y0, size_t y1, const float *pre)
{
    const size_t ny = w->ny, nx = w->nx;
    const float *orig = w->in + z * ny * nx;
    size_t a = y0 > 1 ? y0 : 1, b = y1 < ny - 1 ? y1 : ny - 1;
    plane_rows(w, mid, below, at, above, z, a, b, pre, 0);
    for (size_t y = a; y < b; y++) {
        mid[y * nx] = orig[y * nx];
        mid[y * nx + nx - 1] = orig[y * nx + nx - 1];
    }
    if (y0 == 0)
        memcpy(mid, orig, nx * sizeof(float));
    if (y1 == ny)
        memcpy(mid + (ny - 1) * nx, orig + (ny - 1) * nx, nx * sizeof(float));
}

/* S steps of rows [ya, yb) of planes [za, zb), from w->in into out. A wavefront in z: at
 * iteration z, step j (1 <= j < S) of plane z - j + 1 into level j's ring of RING scratch planes
 * (rows widened by S - j a side), from level j - 1's planes (level 0: the input); then step S of
 * plane z - S + 1 from level S - 1 into out. Level j's planes 0 and nz-1 are the input's, which
 * never change. The block of rows keeps the rings and the input planes in cache. */
static void fused_block(const sweep *w, float *out, float *rings, int S, size_t za, size_t zb,
                        size_t ya, size_t yb)
{
    const size_t nz = w->nz, ny = w->ny, plane = ny * w->nx;
    const size_t level_floats = RING * (plane + PAD);
    /* level j's plane z (j = 0: the input) */
#define LEVEL(j, z)                                                                               \
    ((j) == 0 || (z) == 0 || (z) == nz - 1 ? w->in + (z) * plane                                 \
                                           : rings + ((j) - 1) * level_floats + (z) % RING * (plane + PAD))
    const size_t reach = (size_t)S - 1;
    /* level j must cover planes [za - (S - j), zb + (S - j)) within 1 .. nz-2 */
    for (size_t z = za > reach ? za - reach : 1; z < zb + reach; z++) {
        for (int j = 1; j <= S; j++) {
            if (z + 1 < (size_t)j)
                break;
            const size_t pz = z + 1 - (size_t)j; /* the plane step j computes now */
            const size_t margin = (size_t)(S - j);
            if (pz < 1 || pz > nz - 2 || pz + margin < za || pz >= zb + margin)
                continue;
            if (j < S) {
                size_t y0 = ya > margin ? ya - margin : 0, y1 = yb + margin < ny ? yb + margin : ny;
                mid_rows(w, rings + (size_t)(j - 1) * level_floats + pz % RING * (plane + PAD),
                         LEVEL(j - 1, pz - 1), LEVEL(j - 1, pz), LEVEL(j - 1, pz + 1), pz, y0, y1,
                         j == 1 && pz + 1 < nz ? w->in + (pz + 1) * plane : NULL);
            } else {
                plane_rows(w, out + pz * plane, LEVEL(j - 1, pz - 1), LEVEL(j - 1, pz),
                           LEVEL(j - 1, pz + 1), pz, ya, yb, NULL, w->stream);
            }
        }
    }
#undef LEVEL
}

/* Rows per block: the tile_y knob; else as many rows as keep a thread's working set (three
 * scratch planes a level, four input planes, the output and the counts: about 33 B a cell at 2
 * steps a sweep, 36 with a margin, 12 more a step) within the cache it blocks for, and never
 * fewer than about 16384 cells a plane (64 KiB of floats, the L2-sized block this started with,
 * still the rule where the caller gives no cache size). Which cache, measured on two machines
 * (README, issue 19):
 * - Few threads a largest-cache instance (2 on the 2-core Zen 4 VM, 32 MiB L3): a quarter of a
 *   thread's share of it. Longer blocks restart the wavefront less often: whole planes ran
 *   8-12 % faster there than 64-row blocks at 256^3 (2 steps a sweep); at 512^3 and 4
 *   steps whole planes (15 MiB a thread) fell to 0.85x the single-sweep limit while the rule's
 *   136 rows, like 64 or 256, ran 1.26-1.28x.
 * - Eight or more threads on one instance (16 on the H200's Xeon host, 300 MiB L3, 2 MiB L2 a
 *   core): half the core's own L2. Whole planes ran at 0.99-1.02x the single-sweep limit there,
 *   blocks of 64 rows (a third to a half of the L2) at 1.30-1.34x, at 256^3 and 512^3 alike:
 *   sixteen working sets contend for the shared cache and its bandwidth a thread is low. */
enum { SHARED_CACHE_CROWD = 8 };

size_t stencil_fused_block_rows(const stencil_problem *p)
{
    if (p->tuning.tile_y > 0)
        return (size_t)p->tuning.tile_y;
    size_t rows = 16384 / p->nx;
    const size_t threads = (size_t)(p->threads > 0 ? p->threads : omp_get_max_threads());
    const size_t instances = p->cache_instances > 0 ? (size_t)p->cache_instances : 1;
    const size_t sharers = (threads + instances - 1) / instances;
    const size_t row_bytes = (12 * (size_t)stencil_fused_sweep_steps(p) + 12) * p->nx; /* 36 B a cell at 2 steps */
    size_t fit = 0;
    if (sharers >= SHARED_CACHE_CROWD && p->core_cache_bytes)
        fit = p->core_cache_bytes / 2 / row_bytes;
    else if (p->cache_bytes)
        fit = p->cache_bytes / (4 * sharers) / row_bytes;
    rows = fit > rows ? fit : rows;
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
    const size_t rows = stencil_fused_block_rows(p);
    const int S = stencil_fused_sweep_steps(p);
#pragma omp parallel num_threads(p->threads)
    {
        size_t id = (size_t)omp_get_thread_num(), nt = (size_t)omp_get_num_threads();
        size_t za = 1 + (nz - 2) * id / nt, zb = 1 + (nz - 2) * (id + 1) / nt;
        float *rings = s->scratch + id * s->scratch_per_thread;
        for (int step = 0, n; step < steps; step += n) {
            n = steps - step < S ? steps - step : S; /* the last sweep may take fewer steps */
            sweep w = {s->field.cur, s->count, nz, ny, nx, p->k,
                       p->scheme == STENCIL_SCHEME_INSULATED, stream};
            float *out = s->field.next;
            if (za < zb && n >= 2) {
                for (size_t ya = 1; ya < ny - 1; ya += rows) {
                    size_t yb = ya + rows < ny - 1 ? ya + rows : ny - 1;
                    fused_block(&w, out, rings, n, za, zb, ya, yb);
                }
            } else { /* a single last step: one plain sweep of the slab */
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
    .description = "openmp_counts with temporal blocking: 2 to 4 steps a sweep, z wavefront through cached planes",
    .bytes_per_cell = 8.0,
    .tunings = "steps_per_sweep,tile_y,stream",
    .uses_threads = 1,
    .speed_rank = 50, /* openmp_counts moving half the bytes or less */
    .available = stencil_cpu_available,
    .prepare = fused_prepare,
    .upload = stencil_counts_upload,
    .run = fused_run,
    .download = stencil_counts_download,
    .release = stencil_counts_release,
};
