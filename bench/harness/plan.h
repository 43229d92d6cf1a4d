/* A study's plan: the config's lists expanded into points, in the order they run.
 *
 * Order: grid, then timesteps (so one naive reference per grid and step count serves every
 * variant), then variant, threads, tuning, host memory. Dimensions that do not apply collapse:
 * a variant that ignores threads runs with 1; CPU variants have host memory "none"; a tuning
 * that sets knobs a variant does not take is not planned for it.
 *
 * grids:   NZxNYxNX, N (a cube), `dataset` (the course grid 50x222x241 of the built-in
 *          synthetic ocean, or the netCDF file of the dataset key), `auto` (sizes from the
 *          caches: in L2, in L3, far out of cache; the plan's notes say which and why).
 * threads: a list, `cores` (1..physical cores), `pow2` (1, 2, 4, ... up to the cores).
 * ranks:   MPI processes of the MPI variants (uses_ranks; others run once, with 1); with
 *          scaling = weak a grid is one rank's block and a point's grid is that block times
 *          the rank grid (stencil_rank_dims), so the block per rank stays fixed. */
#ifndef BENCH_PLAN_H
#define BENCH_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "variant.h"
#include "harness/machine.h"

typedef enum bench_host_memory {
    BENCH_HOST_NONE = 0,     /* CPU variants */
    BENCH_HOST_PAGEABLE = 1,
    BENCH_HOST_PINNED = 2
} bench_host_memory;

typedef struct bench_point {
    const stencil_variant *variant;
    size_t nz, ny, nx;
    int dataset;             /* the grid is the `dataset` entry */
    int threads;
    int ranks;               /* MPI processes (MPI variants), 1 otherwise */
    stencil_tuning tuning;
    char tuning_text[128];   /* as written in the CSV ("default", "tile_y=8;tile_x=128") */
    bench_host_memory host_memory;
    int steps;
} bench_point;

/* What a run measures on this machine in its first second, for its estimates
 * (bench_plan_calibrate; stencilbench run measures it, tests inject it). */
enum { BENCH_MAX_CALIBRATED = 64 };
typedef struct bench_kernel_rate {
    const stencil_variant *variant;
    int threads;
    double rate;   /* cell updates per second on a small grid (in cache), as timed now */
    double ci_rel; /* its repetitions' noise: the median's 95 % CI half-width, relative */
    int reps;      /* the repetitions that ci_rel comes from */
    double rep_s;  /* a repetition batched to min_time as it lasted (median; 0 unknown): on a
                    * busy machine far longer, when the pass that set the batch ran alone */
} bench_kernel_rate;

typedef struct bench_calibration {
    bench_kernel_rate kernel[BENCH_MAX_CALIBRATED]; /* CPU variants x thread counts */
    int nkernel;
    const stencil_variant *unavailable[BENCH_MAX_CALIBRATED]; /* skipped here: no time */
    int nunavailable;
    double copy_gbps[BENCH_MAX_THREAD_COUNTS]; /* the copy probe per plan->thread_counts[i] */
    double probe_s; /* one round of the copy probe (the study repeats it at each grid) */
    int busy;       /* other processes hold the CPUs: repetitions will run to their caps */
} bench_calibration;

typedef struct bench_plan {
    bench_point *points;
    size_t count;
    int reps, warmup;           /* reps: the minimum number of timed repetitions */
    int max_reps;               /* adaptive repetitions (analysis/noise.h): at most, >= reps */
    double target_noise;        /* stop when the median's CI half-width is within this fraction */
    double point_time_s;        /* start no repetition after a point has run this long */
    double min_time_s;          /* a repetition batches kernel passes to last this long */
    /* Estimates: measured rate / assumed rate, from a calibration on this machine (1: none) */
    double rate_scale, copy_scale;
    int expect_noisy;           /* the calibration was noisy: estimate max_reps or point_time */
    bench_calibration cal;      /* measured on this machine (cal.nkernel 0: not calibrated) */
    size_t llc_bytes;           /* all last-level caches (hwloc; 0 unknown): a grid beyond them
                                 * is estimated at the copy's calibration, not the kernel's */
    stencil_scheme scheme;
    float k;                    /* as the variants use it */
    double k_value;             /* as written in the config (for the CSV) */
    double land_fraction;
    uint64_t seed;
    char dataset[IO_CONFIG_TEXT_MAX]; /* netCDF file for `dataset` grids; "" = built-in synthetic */
    int thread_counts[BENCH_MAX_THREAD_COUNTS]; /* distinct CPU thread counts of the points */
    int nthread_counts;
    int any_gpu;                /* a GPU variant is planned */
    int any_mpi;                /* an MPI variant is planned (it needs an MPI launcher) */
    int max_ranks;              /* the most ranks a point needs */
    int weak;                   /* scaling = weak */
    char notes[2048];           /* what auto and cores resolved to, and why */
    io_study_config resolved;   /* the config with its lists expanded (saved for --resume) */
} bench_plan;

/* Expands config on a machine described by topo. Errors name the file, line and key. */
stencil_status bench_plan_build(const io_study_config *config, const bench_topology *topo,
                                bench_plan *plan, stencil_error *err);
void bench_plan_free(bench_plan *plan);

const char *bench_host_memory_name(bench_host_memory m);

/* Host and device bytes a point needs: the harness's input, reference and output fields plus
 * the variant's two working fields (on the host for CPU variants, on the device for GPU). */
double bench_point_host_bytes(const bench_point *p);
double bench_point_device_bytes(const bench_point *p);

/* A time in seconds for a point's warm-up and repetitions, and for the whole plan including
 * naive references, inputs and the copy probe's rounds. Without a calibration, fixed rates
 * per kind of variant scaled by rate_scale and copy_scale; with one (plan->cal), each CPU
 * variant at each thread count runs at its measured rate, bounded out of cache by the copy
 * probe of its thread count (bytes_per_cell per update); a variant unavailable here costs
 * nothing; the repetitions are those the measured noise needs to reach target_noise
 * (n_cal (ci_rel / target)^2, within reps..max_reps), or the caps when the machine is busy;
 * a point stops starting repetitions after point_time. */
double bench_point_estimate_s(const bench_plan *plan, const bench_point *p);
double bench_plan_estimate_s(const bench_plan *plan);

/* Makes cal the plan's calibration: rate_scale (naive on 1 thread against the rate the fixed
 * estimates assume) and copy_scale (the first thread count's copy against ~19 GB/s) for
 * variants it did not time, and expect_noisy from cal->busy. */
void bench_plan_calibrate(bench_plan *plan, const bench_calibration *cal);

/* Whether two points share a naive reference (grid and steps; scheme and k are per plan). */
int bench_point_same_reference(const bench_point *a, const bench_point *b);

#endif
