/* Reference results for machines nobody here has run on (provenance projected), and the
 * course's published timings (provenance published), computed from the sources in
 * results/reference/sources/ and the measured reference folders, never typed by hand.
 *
 * GPU projection, for each point a measured reference GPU ran (variant, scheme, steps, grid):
 *
 *     step_s = floor + 8 B x cells / (B_target x e);   rate_target = cells / step_s
 *
 * floor: the per-step time the reference measured for the same variant and steps at its
 * smallest grid, less that grid's own DRAM time (the launch and latency floor, which a
 * bandwidth ratio must not scale); e: the roofline_fraction it reached at its largest grid
 * (out of every cache); cells: the interior cells of one step. Small grids come out
 * launch-bound, large ones at B_target x e / 8 B. A grid whose two fields fit the target's L2
 * gets a note in its source: the DRAM term overstates its time (a lower bound on the rate).
 *
 * CPU projection (a roofline estimate): for each point a measured reference ran,
 *
 *     rate_target = B_target / 8 B x f_measured
 *
 * where B_target is the target's published memory bandwidth (published_figures.csv, kind
 * spec, "memory bandwidth") and f_measured the median roofline_fraction (effective GB/s over
 * the copy bandwidth measured in the same process) the same variant reached on the measured
 * machine of the same kind: GPU variants from the measured reference with GPU rows, CPU
 * variants from the measured reference with the most CPU threads, at its full thread count
 * (a single core's share of a socket does not transfer between machines, so points below the
 * full thread count are not projected). */
#ifndef BENCH_PROJECT_H
#define BENCH_PROJECT_H

#include <stdio.h>

#include "analysis/compare.h"
#include "timings/timings.h"

typedef struct bench_project_options {
    const char *reference_root; /* results/reference: the measured folders, and where to write */
    const char *sources;        /* folder with published_figures.csv and the course timings;
                                   NULL = <reference_root>/sources */
    const char *cpu_from;       /* measured folder name for CPU projections; NULL = automatic */
    const char *gpu_from;       /* measured folder name for GPU projections; NULL = automatic */
} bench_project_options;

/* The course's 4-D model (steps, 50, 222, 241), diffused over its first three axes: cell
 * updates of one run of `steps` steps, (steps-2)*48*220*241 per step (published_figures.csv). */
double bench_course_cell_updates(long steps);

/* The projected rate: bandwidth_gbps * 1e9 / 8 * roofline_fraction. */
double bench_projected_rate(double bandwidth_gbps, double roofline_fraction);

/* The GPU model's inputs for one series (key's variant, scheme, device and timesteps) of a
 * measured reference's best points: the smallest grid's point (the floor) and the largest's
 * (the efficiency). Returns 0 when the series has no timed point. */
typedef struct bench_gpu_fit {
    const bench_result *small, *large;
    double small_step_s; /* median compute seconds per step at the smallest grid */
    double floor_s;      /* small_step_s less 8 B x its cells / (its copy GB/s x efficiency), >= 0 */
    double efficiency;   /* the largest grid's median roofline_fraction */
} bench_gpu_fit;
int bench_gpu_fit_for(const bench_results *pts, const bench_best *best, const bench_row *key,
                      bench_gpu_fit *out);

/* floor_s + 8 B x cells / (bandwidth_gbps x 1e9 x efficiency): one step's projected seconds. */
double bench_gpu_step_s(const bench_gpu_fit *fit, double cells, double bandwidth_gbps);

/* Writes <root>/<target>/timings.csv and README.md for every projected and published
 * machine (rtx3070, a40, epyc7552, and the course's h100nvl-epyc9v84). A target folder that
 * already holds measured rows (a contributed run) is left alone. Progress lines go to log. */
stencil_status bench_project_references(const bench_project_options *opt, FILE *log,
                                        stencil_error *err);

#endif
