/* What the measuring engine tells the world: events, delivered in order to every reporter
 * of a study (as Google Benchmark's reporters and nvbench's printers receive runs). The
 * engine never prints; the console (bench/report/console.c) and the timings.csv writer
 * (bench/report/csv.c) are reporters. */
#ifndef BENCH_REPORT_H
#define BENCH_REPORT_H

#include <stddef.h>

#include "harness/gpustate.h"
#include "harness/plan.h"
#include "harness/probe.h"
#include "timings/timings.h"

typedef enum bench_event_kind {
    BENCH_EV_STUDY_START,   /* before the first point */
    BENCH_EV_POINT_START,   /* a point is about to be measured */
    BENCH_EV_REP,           /* row: one repetition, timed and validated */
    BENCH_EV_POINT_DONE,    /* every repetition of the point ran (status "ok" or a failure) */
    BENCH_EV_POINT_SKIPPED, /* row: the point's skipped:<why> row */
    BENCH_EV_POINT_FAILED,  /* row: its failed:<why> row, or NULL when repetitions were written */
    BENCH_EV_STUDY_END      /* after the last point, or when stopped */
} bench_event_kind;

typedef struct bench_event {
    bench_event_kind kind;
    const bench_plan *plan;
    const bench_probes *probes;
    size_t index;              /* the point's index in plan->points */
    const bench_point *point;  /* NULL for study events */
    int rep;                   /* REP: the repetition; -1 otherwise */
    const bench_row *row;      /* REP, SKIPPED, FAILED: the row to record (may be NULL) */
    const char *status;        /* DONE, SKIPPED, FAILED: the point's outcome in words */
    const char *detail;        /* a message for the user about a failure, or NULL */
    /* DONE, FAILED: the repetitions measured in this call (nrep may be 0) */
    int nrep;
    const double *compute_s, *h2d_s, *d2h_s;
    double max_abs_err, copy_gbps;
    /* DONE: the point's noise over those repetitions (analysis/noise.h), how its repetitions
     * stopped (bench_stop), passes per repetition, and the machine over the point: other
     * processes' and steal's shares of all CPUs (NAN: unknown) */
    double cv, ci_rel, other_cpu, steal;
    int stop, batch;
    /* GPU points (NULL otherwise): what NVML's readings over the point say (throttling, a
     * falling SM clock); all unknown where NVML was not read */
    const bench_gpu_watch *gpu;
    /* progress: seconds since the study started, and the plan's estimates of the work done
     * (the current point counted by its repetitions) and of all the work to do */
    double elapsed_s, est_done_s, est_total_s;
} bench_event;

/* A reporter returns STENCIL_OK, or an error that stops the study (e.g. a row not written). */
typedef struct bench_reporter {
    stencil_status (*report)(void *ctx, const bench_event *ev, stencil_error *err);
    void *ctx;
} bench_reporter;

#endif
