/* The run data the charts draw (plots/ internal): a run folder's machine.json, and the rows of
 * its timings.csv with status ok and provenance measured, read and grouped into points by the
 * project's one reader and grouping (bench/timings, bench/analysis/points.h), each with the
 * median, min and max of its repetitions. */
#ifndef PLOT_RUN_DATA_H
#define PLOT_RUN_DATA_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "analysis/points.h"
#include "variant.h"

/* The metrics of a point, in timings.csv's columns h2d_s, compute_s, d2h_s, total_s,
 * cell_updates_per_s, roofline_fraction, copy_gbps, halo_s (bench_metric's order). */
enum {
    PLOT_M_H2D = BENCH_M_H2D,
    PLOT_M_COMPUTE = BENCH_M_COMPUTE,
    PLOT_M_D2H = BENCH_M_D2H,
    PLOT_M_TOTAL = BENCH_M_TOTAL,
    PLOT_M_RATE = BENCH_M_RATE,
    PLOT_M_ROOF = BENCH_M_ROOF,
    PLOT_M_COPY = BENCH_M_COPY,
    PLOT_M_HALO = BENCH_M_HALO,
    PLOT_M_N = BENCH_M_COUNT
};
enum { PLOT_MAX_CACHES = 8 };

/* What makes rows repetitions of one point. */
typedef struct plot_key {
    char variant[64], device[8], scheme[16], tuning[128], host[16];
    long nz, ny, nx, threads, steps, ranks; /* ranks: MPI processes (1 for other variants) */
} plot_key;

typedef struct plot_point {
    plot_key k;
    double cells; /* nz * ny * nx */
    int reps;
    double med[PLOT_M_N], lo[PLOT_M_N], hi[PLOT_M_N]; /* NaN where no repetition has the value */
} plot_point;

typedef struct plot_cache {
    double bytes;
    char label[48]; /* e.g. "L2 512 KiB" */
} plot_cache;

/* machine.json: the texts the charts and the index show, and the whole document. */
typedef struct plot_machine {
    char label[128], cpu[160], gpu[160];   /* cpu: "" when the label names the CPU already */
    plot_cache cpu_cache[PLOT_MAX_CACHES]; /* data and unified caches */
    int ncpu_cache;
    double gpu_l2; /* bytes; 0 or NaN when unknown */
    cJSON *json;
} plot_machine;

typedef struct plot_run_data {
    plot_machine m;
    plot_point *pts; /* sorted by key: a variant's points are neighbours, variants alphabetical */
    size_t np;
    int weak; /* machine.json's config says scaling = weak: an MPI point's grid is its block per
               * rank times the rank grid (stencil_rank_dims) */
    size_t rows_ok; /* measured rows with status ok: the rows grouped */
    /* the rows left out: measured with status failed:*, skipped:* or another; published or
     * projected (not measured here) */
    size_t rows_failed, rows_skipped, rows_other_status, rows_not_measured;
} plot_run_data;

/* Reads RUN_DIR/machine.json and RUN_DIR/timings.csv into d (zeroed first). STENCIL_ERR_IO
 * with a message naming the file (and line or column) when one is missing or malformed,
 * STENCIL_ERR_NOMEM. d holds what was read either way: free it with plot_run_data_free. */
stencil_status plot_run_data_load(const char *run_dir, plot_run_data *d, stencil_error *err);
void plot_run_data_free(plot_run_data *d);

/* A string or number member of a JSON object; NULL or NaN when absent or of another type. */
const char *plot_json_str(const cJSON *o, const char *key);
double plot_json_num(const cJSON *o, const char *key);

#endif
