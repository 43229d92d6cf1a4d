/* Bandwidth probes: the limits each row is compared against, measured in the same process. */
#ifndef BENCH_PROBE_H
#define BENCH_PROBE_H

#include <stddef.h>

/* STREAM-like copy b[i] = a[i] with `threads` OpenMP threads (first-touched by the same
 * static partition) over two arrays of `bytes` each, allocated as the CPU variants allocate
 * their fields (stencil_cpu_alloc: huge pages where the kernel has them); one warm-up, then
 * `reps` timed passes.
 * Returns the best pass's bandwidth, as STREAM does (the limit the machine can reach: on a
 * shared virtual machine a median can fall by 40 % when a neighbour is busy), in GB/s
 * (1e9 B/s) counting bytes read plus bytes written,
 * the same 8 B per float that the stencil's model counts; a negative value if allocation
 * failed. */
double bench_cpu_copy_gbps(int threads, size_t bytes, int reps);

/* The largest cache in bytes (the L3, else the L2) as hwloc reports it; sysconf as fallback. */
size_t bench_largest_cache_bytes(void);

/* The caches the CPU variants block for, as hwloc reports them: the largest (as above), the
 * number of its instances, and one core's L2 (0 when hwloc does not know). */
typedef struct bench_caches {
    size_t largest_bytes;
    int largest_instances;
    size_t core_bytes;
} bench_caches;
bench_caches bench_cache_layout(void);

struct stencil_problem;
/* Fills the problem's cache fields (cache_bytes, core_cache_bytes, cache_instances). */
void bench_problem_caches(struct stencil_problem *p, const bench_caches *c);

/* Bytes per array that keep the copy far out of cache: 4 x the largest cache, at least
 * 128 MiB, at most 2 GiB and a quarter of available memory. */
size_t bench_copy_probe_bytes(void);

#endif
