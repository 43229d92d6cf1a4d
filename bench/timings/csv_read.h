/* Reading timings.csv (results/SCHEMA.md, schema version 1) back in, for compare and the
 * regression gate. Columns are found by their header names, so column order does not matter
 * and extra columns are ignored; the required ones are listed in bench_timings_read. */
#ifndef BENCH_CSV_READ_H
#define BENCH_CSV_READ_H

#include <stddef.h>

#include "variant.h"

typedef enum bench_provenance {
    BENCH_MEASURED = 0,
    BENCH_PUBLISHED = 1,
    BENCH_PROJECTED = 2
} bench_provenance;

typedef struct bench_row {
    bench_provenance provenance;
    char run_id[96], machine[96], variant[48], device[8], scheme[16], tuning[128];
    char host_memory[16], grid_source[16], status[128], source[512];
    long nz, ny, nx, threads, timesteps, rep;
    double k, land_fraction, compute_s, cell_updates_per_s, effective_gbps, copy_gbps, roofline_fraction;
    int ok; /* status == "ok" and a finite rate > 0 */
} bench_row;

typedef struct bench_timings {
    bench_row *rows;
    size_t count, capacity;
    char path[1024];
} bench_timings;

/* Reads PATH, a timings.csv or a folder holding one, appending its rows to t (zeroed by the
 * caller, or already holding rows: several files pool into one). Required columns:
 * schema_version (every row 1), variant, nz, ny, nx, timesteps, status and one of
 * cell_updates_per_s or compute_s. Optional ones take defaults: provenance measured,
 * threads 1, scheme course, tuning/host_memory "default"/"none", rep the row's index.
 * A rate missing from a row is derived from compute_s as the schema defines it.
 * Returns STENCIL_ERR_IO (no such file), STENCIL_ERR_ARG (not schema v1: the message says
 * which line and column), STENCIL_ERR_NOMEM. */
stencil_status bench_timings_read(const char *path, bench_timings *t, stencil_error *err);

void bench_timings_free(bench_timings *t);

const char *bench_provenance_name(bench_provenance p);

/* Splits one CSV line in place (RFC 4180 quotes accepted) into at most max fields; returns
 * the number of fields. The line's end of line is removed. */
int bench_csv_split(char *line, char **fields, int max);

#endif
