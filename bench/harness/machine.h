/* The machine as a study sees it: hwloc topology, bandwidth probes, build facts, and the
 * machine.json record of a run folder (results/SCHEMA.md). */
#ifndef BENCH_MACHINE_H
#define BENCH_MACHINE_H

#include <stddef.h>

#include "variant.h"
#include "gpu/gpu.h"
#include "harness/gpustate.h"
#include "harness/sysstate.h"

enum { BENCH_MAX_CACHES = 16, BENCH_MAX_THREAD_COUNTS = 64 };

typedef struct bench_cache {
    int level;
    char type[16]; /* data, instruction, unified */
    size_t size_bytes;
    int count;
} bench_cache;

typedef struct bench_topology {
    char cpu_model[256];
    int packages, cores, pus, numa_nodes;
    unsigned long long memory_bytes;
    bench_cache caches[BENCH_MAX_CACHES];
    int ncaches;
    size_t l2_bytes; /* one core's L2 (0 if none) */
    size_t l3_bytes; /* the largest L3 (0 if none) */
    size_t llc_total_bytes; /* all last-level caches together (every L3, else every L2) */
} bench_topology;

/* Reads the topology with hwloc; fields it cannot learn stay 0 or "" (cores at least 1). */
stencil_status bench_topology_read(bench_topology *topo, stencil_error *err);

/* The bandwidth limits rows are compared against; a negative figure means not measured. */
typedef struct bench_probes {
    int thread_counts[BENCH_MAX_THREAD_COUNTS];
    double cpu_copy_gbps[BENCH_MAX_THREAD_COUNTS];
    int nthreads;
    int have_gpu;
    bench_gpu_info gpu;
    char gpu_why[256];       /* why there is no GPU */
    double gpu_copy_gbps;
    double pinned_h2d_gbps, pinned_d2h_gbps, pageable_h2d_gbps, pageable_d2h_gbps;
    double seconds;          /* time the probes took */
} bench_probes;

/* Measures the CPU copy for each of the thread counts, and the GPU probes when one is usable
 * (its facts go in probes->gpu). gpu_bytes sizes the GPU buffers (0: a default). */
stencil_status bench_probes_run(const int *threads, int nthreads, int want_gpu, bench_probes *probes,
                                stencil_error *err);

/* The CPU copy figure for a thread count (the nearest measured one), negative if none. */
double bench_probes_cpu(const bench_probes *probes, int threads);

/* Writes machine.json to path (write-then-rename). config_json is a cJSON object (the resolved
 * study) passed as void* to keep cJSON out of this header; it is not consumed. finished_utc
 * may be NULL (run in progress or stopped). */
typedef struct bench_record_info {
    const char *run_id, *hostname, *started_utc, *finished_utc, *dataset;
    int interrupted;
    int resumed; /* times this run was resumed */
    double sweep_wall_s, sweep_measured_s; /* the harness's overhead: wall minus measured */
    /* The machine's state (NULL: not read): before the probes and after the sweep, and the
     * share of all CPUs' time other processes and steal took during the sweep (NAN unknown) */
    const bench_sys_facts *state_before, *state_after;
    double sweep_other_cpu, sweep_steal;
    /* The CPU copy's rounds through the study (rounds x probes->nthreads figures, row k
     * at round_s[k] seconds into the sweep) and their largest max/min ratio; 0 rounds: none */
    int nprobe_rounds;
    const double (*probe_rounds)[BENCH_MAX_THREAD_COUNTS];
    const double *probe_round_s;
    double probe_swing;
    /* The GPU's state from NVML (NULL facts: no GPU in the run): what NVML said about the
     * device, and readings before the sweep and after it (NULL: not taken) */
    const bench_gpu_facts *gpu_facts;
    const bench_gpu_snap *gpu_before, *gpu_after;
} bench_record_info;

stencil_status bench_machine_json_write(const char *path, const bench_record_info *info,
                                        const bench_topology *topo, const bench_probes *probes,
                                        const void *config_json, stencil_error *err);

/* The git commit the binary was built from (`git describe --dirty`, read at build time), or
 * "" when the source was not a git checkout. */
void bench_git_commit(char *buf, size_t len);

#endif
