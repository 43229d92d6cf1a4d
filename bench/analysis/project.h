/* Reference results for machines nobody here has run on (provenance projected), and the
 * course's published timings (provenance published), computed from the sources in
 * results/reference/sources/ and the measured reference folders, never typed by hand.
 *
 * Projection (a roofline estimate): for each point a measured reference ran,
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

/* Writes <root>/<target>/timings.csv and README.md for every projected and published
 * machine (rtx3070, a40, epyc7552, and the course's h100nvl-epyc9v84). A target folder that
 * already holds measured rows (a contributed run) is left alone. Progress lines go to log. */
stencil_status bench_project_references(const bench_project_options *opt, FILE *log,
                                        stencil_error *err);

#endif
