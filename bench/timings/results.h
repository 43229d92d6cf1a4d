/* timings.csv (results/SCHEMA.md, schema version 1): writing rows as they are measured,
 * reading a file back (for --resume and the summary), and the end-of-run summary table. */
#ifndef BENCH_RESULTS_H
#define BENCH_RESULTS_H

#include <stdio.h>

#include "variant.h"

#define BENCH_CSV_SCHEMA_VERSION 1

/* One row. Text fields hold no comma or quote (bench_csv_clean); an absent number is NAN, an
 * absent rep is -1; both are written as empty fields. */
typedef struct bench_row {
    char run_id[128], provenance[16], machine[128], variant[64], device[8], scheme[16];
    double k;
    long nz, ny, nx;
    char grid_source[16];
    double land_fraction;
    long threads;
    char tuning[128], host_memory[16];
    long timesteps, rep;
    double h2d_s, compute_s, d2h_s, total_s, cell_updates_per_s, effective_gbps, copy_gbps,
        roofline_fraction, max_abs_err;
    char status[320], source[256];
} bench_row;

/* The header line, without the newline. */
const char *bench_csv_header(void);

/* Replaces commas, quotes and line breaks in text with spaces or ';' so it fits a field. */
void bench_csv_clean(char *text);

/* Opens path for appending rows. A new or empty file gets the header; an existing one must
 * start with it (STENCIL_ERR_IO otherwise), and a last line cut short by a crash is removed. */
stencil_status bench_csv_open(const char *path, FILE **out, stencil_error *err);

/* Writes one row and flushes it. */
stencil_status bench_csv_write(FILE *f, const bench_row *row, stencil_error *err);

/* Reads every row of path into a malloc'ed array (free it). Checks the header and the field
 * count and types of every line; errors name the line. */
stencil_status bench_csv_read(const char *path, bench_row **rows, size_t *count,
                              stencil_error *err);

/* Prints, per variant: its best median rate over ok points, that point, its roofline
 * fraction, the speedup over naive on the same grid and steps, and the strong-scaling
 * efficiency rate(T) / (T rate(1)) at the largest thread count T on that grid and steps. */
void bench_summary_print(FILE *f, const bench_row *rows, size_t count);

#endif
