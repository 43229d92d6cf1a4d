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
#include "harness/gpustate.h"
#include "harness/sysstate.h"

enum { BENCH_MAX_PROBE_ROUNDS = 64 };

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
    /* Where machine state is read (NULL: this machine); tests inject readings through it. */
    const bench_sys *sys;
    /* NVML (harness/gpustate.h): the GPU's state around every GPU point; NULL: not read */
    const bench_gpu_mon *gpu;
    /* 1: measure the CPU copy again before every grid after the first and after the last
     * point; rows take the latest copy figure. probes holds the first round. */
    int reprobe;
    /* Results, filled by bench_study_run. */
    size_t points_run, points_skipped, points_failed;
    double wall_s;     /* the sweep's wall time */
    double measured_s; /* of it, inside timed stages (the rows' total_s) */
    int interrupted;
    /* The CPU copy rounds (the first is probes'), one figure per probes->thread_counts entry,
     * and the largest max/min ratio over them per thread count (1: steady; NAN: one round). */
    double probe_rounds[BENCH_MAX_PROBE_ROUNDS][BENCH_MAX_THREAD_COUNTS];
    double probe_round_s[BENCH_MAX_PROBE_ROUNDS]; /* when, seconds since the sweep started */
    int nprobe_rounds;
    double probe_swing;
    size_t points_noisy; /* points that stopped above the noise target */
} bench_study;

/* A copy probe that moves by more than this ratio between rounds is flagged. */
#define BENCH_PROBE_SWING 1.2

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
