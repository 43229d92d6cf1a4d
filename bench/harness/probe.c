#define _GNU_SOURCE
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/grid.h"
#include "harness/machine.h"
#include "harness/probe.h"
#include "harness/timer.h"
#include "cpu_state.h"

static void copy_chunk(float *restrict b, const float *restrict a, size_t n)
{
#pragma omp simd
    for (size_t i = 0; i < n; i++)
        b[i] = a[i];
}

double bench_cpu_copy_gbps(int threads, size_t bytes, int reps)
{
    if (threads < 1)
        threads = 1;
    if (reps < 1)
        reps = 1;
    if (reps > 64)
        reps = 64;
    size_t n = bytes / sizeof(float) / 64 * 64;
    /* The variants' allocation (huge pages where the kernel has them), so that their
     * fractions of the copy compare like with like. */
    float *a = stencil_cpu_alloc(n * sizeof(float));
    float *b = stencil_cpu_alloc(n * sizeof(float));
    if (!a || !b) {
        free(a);
        free(b);
        return -1.0;
    }
    double t[64];
#pragma omp parallel num_threads(threads)
    {
        int id = omp_get_thread_num(), nt = omp_get_num_threads();
        size_t lo = n * (size_t)id / (size_t)nt, hi = n * (size_t)(id + 1) / (size_t)nt;
        for (size_t i = lo; i < hi; i++) {
            a[i] = (float)(i & 1023);
            b[i] = 0.0f;
        }
        for (int r = -1; r < reps; r++) {
#pragma omp barrier
            double t0 = 0.0;
#pragma omp master
            t0 = bench_now();
            copy_chunk(b + lo, a + lo, hi - lo);
#pragma omp barrier
#pragma omp master
            if (r >= 0)
                t[r] = bench_now() - t0;
        }
    }
    free(a);
    free(b);
    double best = t[0];
    for (int r = 1; r < reps; r++)
        best = t[r] < best ? t[r] : best;
    return 2.0 * (double)n * sizeof(float) / best / 1e9;
}

bench_caches bench_cache_layout(void)
{
    /* hwloc reads the caches from sysfs (bench_topology_read); glibc's sysconf can report a whole
     * socket's L3 in a guest (384 MiB seen on a 2-core VM whose L3 is 32 MiB). */
    bench_caches c = {0, 0, 0};
    bench_topology t;
    stencil_error err;
    if (bench_topology_read(&t, &err) == STENCIL_OK) {
        const int level = t.l3_bytes ? 3 : 2;
        c.largest_bytes = t.l3_bytes ? t.l3_bytes : t.l2_bytes;
        for (int i = 0; i < t.ncaches; i++)
            if (t.caches[i].level == level && strcmp(t.caches[i].type, "instruction") != 0)
                c.largest_instances += t.caches[i].count;
        c.core_bytes = t.l2_bytes;
    }
    if (!c.largest_bytes) {
        long l3 = sysconf(_SC_LEVEL3_CACHE_SIZE);
        c.largest_bytes = l3 > 0 ? (size_t)l3 : (size_t)32 << 20;
        c.largest_instances = 0;
    }
    return c;
}

size_t bench_largest_cache_bytes(void)
{
    return bench_cache_layout().largest_bytes;
}

void bench_problem_caches(stencil_problem *p, const bench_caches *c)
{
    p->cache_bytes = c->largest_bytes;
    p->core_cache_bytes = c->core_bytes;
    p->cache_instances = c->largest_instances;
}

size_t bench_copy_probe_bytes(void)
{
    size_t bytes = 4 * bench_largest_cache_bytes();
    if (bytes < ((size_t)128 << 20))
        bytes = (size_t)128 << 20;
    if (bytes > ((size_t)2 << 30))
        bytes = (size_t)2 << 30;
    size_t avail = bench_available_memory();
    if (avail && bytes > avail / 4)
        bytes = avail / 4;
    return bytes;
}
