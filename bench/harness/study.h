/* Running a planned study: for each point, build the input (cached per grid), check that it
 * fits in host and device memory, measure it (bench_measure_each), validate every repetition
 * against the naive reference (cached per grid and step count), and report a row per
 * repetition as it is measured (harness/report.h: the reporters write and print; the engine
 * does neither). Unrunnable points get a skipped:<why> row and the study goes on; a mismatch
 * gives failed:<why> rows and counts as a failure. */
#ifndef BENCH_STUDY_H
#define BENCH_STUDY_H

#include <signal.h>

#include "harness/machine.h"
#include "harness/plan.h"
#include "harness/ranks.h"
#include "harness/report.h"

typedef struct bench_study {
    const bench_plan *plan;
    const bench_probes *probes;
    const bench_reporter *reporters; /* told every event, in order */
    int nreporters;
    const char *run_id, *machine;
    /* Under mpirun: this process's rank (harness/ranks.h); NULL for one process. Rank 0 calls
     * bench_study_run, every other rank bench_study_serve with the same plan. */
    const bench_ranks *ranks;
    /* Set asynchronously (SIGINT); checked between repetitions. */
    volatile sig_atomic_t *stop;
    /* Per point, the first repetition still to run (resume); NULL means all. A value of
     * plan->reps or more (or -1 for a recorded skip or failure) means done. */
    int *first_rep;
    /* Results, filled by bench_study_run. */
    size_t points_run, points_skipped, points_failed;
    double wall_s;     /* the sweep's wall time */
    double measured_s; /* of it, inside timed stages (the rows' total_s) */
    int interrupted;
} bench_study;

/* Marks the points of plan already in rows (a previous, interrupted run of the same plan):
 * first_rep[i] gets the next repetition to run, -1 when the point ended in a skip or error.
 * first_rep has plan->count entries. */
void bench_study_resume_state(const bench_plan *plan, const bench_row *rows, size_t count,
                              int *first_rep);

/* Runs every point not yet done. Returns STENCIL_OK unless something outside a point failed
 * (writing the CSV, memory for the harness); failed points are counted, not returned. */
stencil_status bench_study_run(bench_study *study, stencil_error *err);

/* Ranks other than 0: takes part in the MPI points rank 0 announces until it announces the
 * end (bench/harness/study_peer.c). Reports nothing. */
stencil_status bench_study_serve(bench_study *study, stencil_error *err);

#endif
