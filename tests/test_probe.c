/* The probes return plausible positive figures: hwloc's topology, the CPU copy bandwidth for
 * 1 and all cores; with --gpu, the GPU device copy and pinned/pageable transfers (exit 77,
 * shown as skipped, where no GPU can be used). */
#include <string.h>

#include "harness/machine.h"
#include "harness/probe.h"
#include "check.h"

int main(int argc, char **argv)
{
    check_ctx t = {0};
    stencil_error err = {{0}};
    if (argc > 1 && strcmp(argv[1], "--gpu") == 0) {
        bench_gpu_info info;
        if (bench_gpu_query(&info, &err) != STENCIL_OK) {
            printf("test_probe --gpu: skipped: %s\n", err.msg);
            return 77;
        }
        int one = 1;
        bench_probes p;
        CHECK(&t, bench_probes_run(&one, 1, 1, &p, &err) == STENCIL_OK, "%s", err.msg);
        CHECK(&t, p.have_gpu && p.gpu.sms > 0 && p.gpu.global_mem_bytes > 0, "gpu facts");
        CHECK(&t, p.gpu_copy_gbps > 10 && p.gpu_copy_gbps < 100000, "D2D %.1f GB/s", p.gpu_copy_gbps);
        CHECK(&t, p.pinned_h2d_gbps > 0.5 && p.pinned_h2d_gbps < 1000, "pinned h2d %.1f", p.pinned_h2d_gbps);
        CHECK(&t, p.pinned_d2h_gbps > 0.5 && p.pinned_d2h_gbps < 1000, "pinned d2h %.1f", p.pinned_d2h_gbps);
        CHECK(&t, p.pageable_h2d_gbps > 0.1 && p.pageable_h2d_gbps < 1000, "pageable h2d %.1f", p.pageable_h2d_gbps);
        CHECK(&t, p.pageable_d2h_gbps > 0.1 && p.pageable_d2h_gbps < 1000, "pageable d2h %.1f", p.pageable_d2h_gbps);
        printf("GPU %s: D2D %.0f GB/s, pinned %.1f/%.1f, pageable %.1f/%.1f GB/s\n", p.gpu.name,
               p.gpu_copy_gbps, p.pinned_h2d_gbps, p.pinned_d2h_gbps, p.pageable_h2d_gbps,
               p.pageable_d2h_gbps);
        return check_finish(&t, "test_probe --gpu");
    }
    bench_topology topo;
    CHECK(&t, bench_topology_read(&topo, &err) == STENCIL_OK, "%s", err.msg);
    CHECK(&t, topo.cores >= 1 && topo.pus >= topo.cores && topo.packages >= 1, "cores %d pus %d",
          topo.cores, topo.pus);
    CHECK(&t, topo.memory_bytes > 0, "memory");
    CHECK(&t, topo.ncaches > 0 && (topo.l2_bytes > 0 || topo.l3_bytes > 0), "caches");
    /* What the CPU variants block for (passed to them in the problem): hwloc's largest cache,
     * its instances, a core's L2. */
    bench_caches caches = bench_cache_layout();
    CHECK(&t, caches.largest_bytes == (topo.l3_bytes ? topo.l3_bytes : topo.l2_bytes) &&
                  caches.core_bytes == topo.l2_bytes && caches.largest_instances >= 1 &&
                  caches.largest_instances <= topo.pus,
          "caches: largest %zu (topology L3 %zu, L2 %zu) x %d, core %zu", caches.largest_bytes,
          topo.l3_bytes, topo.l2_bytes, caches.largest_instances, caches.core_bytes);
    stencil_problem problem = {.nz = 8, .ny = 8, .nx = 8, .k = 0.1f, .threads = 1};
    bench_problem_caches(&problem, &caches);
    CHECK(&t, problem.cache_bytes == caches.largest_bytes && problem.core_cache_bytes == caches.core_bytes &&
                  problem.cache_instances == caches.largest_instances,
          "problem caches %zu %zu %d", problem.cache_bytes, problem.core_cache_bytes, problem.cache_instances);
    printf("caches: %zu KiB x %d, a core's L2 %zu KiB\n", caches.largest_bytes >> 10, caches.largest_instances,
           caches.core_bytes >> 10);
    int threads[2] = {1, topo.cores};
    bench_probes p;
    CHECK(&t, bench_probes_run(threads, topo.cores > 1 ? 2 : 1, 0, &p, &err) == STENCIL_OK, "%s",
          err.msg);
    for (int i = 0; i < p.nthreads; i++)
        CHECK(&t, p.cpu_copy_gbps[i] > 0.5 && p.cpu_copy_gbps[i] < 100000,
              "copy on %d threads: %.2f GB/s", p.thread_counts[i], p.cpu_copy_gbps[i]);
    CHECK(&t, !p.have_gpu && p.gpu_copy_gbps < 0, "no GPU probe when none is wanted");
    CHECK(&t, bench_probes_cpu(&p, 1) == p.cpu_copy_gbps[0], "lookup by threads");
    printf("copy %.1f GB/s on 1 thread, %.1f GB/s on %d; probes took %.2f s\n", p.cpu_copy_gbps[0],
           p.cpu_copy_gbps[p.nthreads - 1], p.thread_counts[p.nthreads - 1], p.seconds);
    return check_finish(&t, "test_probe");
}
