/* timings.csv (results/SCHEMA.md, schema versions 1 to 4) as code: the one row type, the column
 * table that the header, the writer and the reader all come from, and the rate formulas.
 * Below the measuring engine and every reader (run summary, compare, gate, plots). */
#ifndef BENCH_TIMINGS_H
#define BENCH_TIMINGS_H

#include <stddef.h>
#include <stdio.h>

#include "variant.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The version this build writes to new files; it reads every version from 1 to it, and appends
 * to a file (--resume) in that file's version. */
#define BENCH_CSV_SCHEMA_VERSION 4

typedef enum bench_provenance {
    BENCH_MEASURED = 0,
    BENCH_PUBLISHED = 1,
    BENCH_PROJECTED = 2
} bench_provenance;

/* One repetition (or one skipped/failed point). An absent number is NAN, an absent integer
 * (rep of a skipped point) is -1; both are written as empty fields. Text fields are written
 * as they are; bench_csv_clean makes text fit a field. */
typedef struct bench_row {
    int schema_version; /* the version of the file it was read from (BENCH_COL_VERSION) */
    bench_provenance provenance;
    char run_id[128], machine[128], variant[64], device[8], scheme[16], grid_source[16];
    char tuning[128], host_memory[16], status[512], source[512];
    double k, land_fraction;
    long nz, ny, nx, threads, timesteps, rep;
    double h2d_s, compute_s, d2h_s, total_s, cell_updates_per_s, effective_gbps, copy_gbps,
        roofline_fraction, max_abs_err;
    /* v2: MPI ranks of the point (1 for single-process variants), and the halo exchange of
     * timesteps steps timed alone, apart from compute_s (empty for single-process variants) */
    long ranks;
    double halo_s;
    /* v3: the point's noise and the machine's state (SCHEMA.md) */
    long batch;
    double cv, ci_rel, load_before, load_after, other_cpu, steal, cpu_mhz;
    /* v4: the GPU's state (NVML) at the point's start and after this repetition, GPU rows */
    double gpu_sm_mhz_before, gpu_mem_mhz_before, gpu_temp_c_before, gpu_power_w_before;
    double gpu_sm_mhz_after, gpu_mem_mhz_after, gpu_temp_c_after, gpu_power_w_after;
    char gpu_throttle_before[160], gpu_throttle_after[160];
} bench_row;

typedef enum bench_column_kind {
    BENCH_COL_VERSION, /* schema_version: written as the file's version, read and checked */
    BENCH_COL_INT,
    BENCH_COL_REAL,
    BENCH_COL_TEXT,
    BENCH_COL_PROV
} bench_column_kind;

/* A column: its header name, kind, where it lives in bench_row (offset, and for text the
 * field's capacity), whether a by-name reader needs it, its value when a file lacks it, and
 * the schema version that added it (a file of version v has the columns with since <= v, in
 * table order). */
typedef struct bench_column {
    const char *name;
    bench_column_kind kind;
    size_t offset, cap;
    int required;
    const char *fallback;
    int since;
} bench_column;

/* The schema's columns in file order, every version's. */
const bench_column *bench_columns(size_t *count);

/* The schema version whose header line is (with or without its newline), or 0. */
int bench_csv_header_version(const char *line);

/* Writes the header line of a version (its columns' names, comma-separated) and a newline. */
int bench_csv_header_write(FILE *f, int version);

const char *bench_provenance_name(bench_provenance p);

/* A row with every number absent (NAN; integers -1, or their column's fallback where it has
 * one, so a row written and read back is the same row), provenance measured, text empty. */
void bench_row_init(bench_row *r);

/* status "ok" and a finite rate > 0: a repetition that counts. */
int bench_row_ok(const bench_row *r);

/* Interior cell updates of `steps` timesteps: (nz-2)(ny-2)(nx-2) * steps, the count every
 * rate in stencilbench uses (NaN cells included: every variant visits them). */
double bench_cell_updates(size_t nz, size_t ny, size_t nx, long steps);

/* Fills a row's timings and the figures derived from them: total_s, cell_updates_per_s,
 * effective_gbps (bytes_per_cell per update) and roofline_fraction (of r->copy_gbps). */
void bench_row_set_times(bench_row *r, double h2d_s, double compute_s, double d2h_s,
                         double bytes_per_cell);

/* Replaces commas, quotes and line breaks in text with ';' or spaces so it fits a field. */
void bench_csv_clean(char *text);

/* Opens path for appending rows. A new or empty file gets the header of
 * BENCH_CSV_SCHEMA_VERSION; an existing one must start with the header of a version this build
 * reads (STENCIL_ERR_IO otherwise), and a last line cut short by a crash is removed. *version
 * gets the version to write rows in. */
stencil_status bench_csv_open(const char *path, FILE **out, int *version, stencil_error *err);

/* Writes one row with the columns of a version, and flushes it. */
stencil_status bench_csv_write(FILE *f, int version, const bench_row *row, stencil_error *err);

/* Rows read from one or more files. */
typedef struct bench_timings {
    bench_row *rows;
    size_t count, capacity;
    char path[1024]; /* the first path read */
} bench_timings;

typedef enum bench_read_mode {
    /* Columns found by name, in any order, extra ones ignored; optional columns take their
     * fallback, a missing rate is derived from compute_s. For compare, the gate, plots. */
    BENCH_READ_BY_NAME = 0,
    /* The file must carry the whole header of one version (it is appended to: --resume), and
     * a last line without its newline (a write cut short) is left out. */
    BENCH_READ_STRICT = 1
} bench_read_mode;

/* Reads PATH, a timings.csv or a folder holding one, appending its rows to t (zeroed by the
 * caller, or holding rows already: files pool). Every line is checked: its field count, each
 * number (integers must be integers, no inf or nan), text within its field's capacity,
 * schema_version 1 to BENCH_CSV_SCHEMA_VERSION, the same on every line, nz, ny, nx >= 1. Returns STENCIL_ERR_IO (cannot read), STENCIL_ERR_ARG
 * (not this schema: the message names the file, line and column), STENCIL_ERR_NOMEM. */
stencil_status bench_timings_read(const char *path, bench_read_mode mode, bench_timings *t,
                                  stencil_error *err);

void bench_timings_free(bench_timings *t);

/* Splits one CSV line in place (RFC 4180 quotes accepted) into at most max fields; returns
 * the number of fields. The line's end of line is removed. */
int bench_csv_split(char *line, char **fields, int max);

#ifdef __cplusplus
}
#endif

#endif
