#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "timings/timings.h"

#define INT_COL(n, req, fb) {#n, BENCH_COL_INT, offsetof(bench_row, n), 0, req, fb, 1}
#define REAL_COL(n) {#n, BENCH_COL_REAL, offsetof(bench_row, n), 0, 0, "", 1}
#define INT_COL3(n) {#n, BENCH_COL_INT, offsetof(bench_row, n), 0, 0, "", 3}
#define REAL_COL3(n) {#n, BENCH_COL_REAL, offsetof(bench_row, n), 0, 0, "", 3}
#define REAL_COL4(n) {#n, BENCH_COL_REAL, offsetof(bench_row, n), 0, 0, "", 4}
#define TEXT_COL4(n) {#n, BENCH_COL_TEXT, offsetof(bench_row, n), sizeof(((bench_row *)0)->n), 0, "", 4}
#define TEXT_COL(n, req, fb) {#n, BENCH_COL_TEXT, offsetof(bench_row, n), sizeof(((bench_row *)0)->n), req, fb, 1}

/* The order is the file's order: results/SCHEMA.md lists the same columns (tests check). A
 * column a later version adds carries that version (since); the macros' columns are v1's. */
static const bench_column columns[] = {
    {"schema_version", BENCH_COL_VERSION, offsetof(bench_row, schema_version), 0, 1, "", 1},
    TEXT_COL(run_id, 0, ""),
    {"provenance", BENCH_COL_PROV, offsetof(bench_row, provenance), 0, 0, "measured", 1},
    TEXT_COL(machine, 0, ""),
    TEXT_COL(variant, 1, ""),
    TEXT_COL(device, 0, "cpu"),
    TEXT_COL(scheme, 0, "course"),
    REAL_COL(k),
    INT_COL(nz, 1, ""),
    INT_COL(ny, 1, ""),
    INT_COL(nx, 1, ""),
    TEXT_COL(grid_source, 0, "synthetic"),
    REAL_COL(land_fraction),
    INT_COL(threads, 0, "1"),
    TEXT_COL(tuning, 0, "default"),
    TEXT_COL(host_memory, 0, "none"),
    INT_COL(timesteps, 1, ""),
    INT_COL(rep, 0, ""),
    REAL_COL(h2d_s),
    REAL_COL(compute_s),
    REAL_COL(d2h_s),
    REAL_COL(total_s),
    REAL_COL(cell_updates_per_s),
    REAL_COL(effective_gbps),
    REAL_COL(copy_gbps),
    REAL_COL(roofline_fraction),
    REAL_COL(max_abs_err),
    TEXT_COL(status, 1, ""),
    TEXT_COL(source, 0, ""),
    /* v2: MPI ranks and the halo exchange (issue 14) */
    {"ranks", BENCH_COL_INT, offsetof(bench_row, ranks), 0, 0, "1", 2},
    {"halo_s", BENCH_COL_REAL, offsetof(bench_row, halo_s), 0, 0, "", 2},
    /* v3: noise and machine state, one block (adaptive repetitions, issue 12) */
    INT_COL3(batch),
    REAL_COL3(cv),
    REAL_COL3(ci_rel),
    REAL_COL3(load_before),
    REAL_COL3(load_after),
    REAL_COL3(other_cpu),
    REAL_COL3(steal),
    REAL_COL3(cpu_mhz),
    /* v4: the GPU's state from NVML, at the point's start and after the repetition (issue 12) */
    REAL_COL4(gpu_sm_mhz_before),
    REAL_COL4(gpu_mem_mhz_before),
    REAL_COL4(gpu_temp_c_before),
    REAL_COL4(gpu_power_w_before),
    TEXT_COL4(gpu_throttle_before),
    REAL_COL4(gpu_sm_mhz_after),
    REAL_COL4(gpu_mem_mhz_after),
    REAL_COL4(gpu_temp_c_after),
    REAL_COL4(gpu_power_w_after),
    TEXT_COL4(gpu_throttle_after),
};

const bench_column *bench_columns(size_t *count)
{
    *count = sizeof columns / sizeof columns[0];
    return columns;
}

const char *bench_provenance_name(bench_provenance p)
{
    return p == BENCH_PUBLISHED ? "published" : p == BENCH_PROJECTED ? "projected" : "measured";
}

void bench_row_init(bench_row *r)
{
    memset(r, 0, sizeof *r);
    r->schema_version = BENCH_CSV_SCHEMA_VERSION;
    for (size_t i = 0; i < sizeof columns / sizeof columns[0]; i++) {
        const bench_column *c = &columns[i];
        if (c->kind == BENCH_COL_REAL)
            *(double *)((char *)r + c->offset) = NAN;
        else if (c->kind == BENCH_COL_INT) /* its fallback, as a reader fills it, or absent */
            *(long *)((char *)r + c->offset) = *c->fallback ? strtol(c->fallback, NULL, 10) : -1;
    }
}

int bench_row_ok(const bench_row *r)
{
    return strcmp(r->status, "ok") == 0 && r->cell_updates_per_s > 0.0 &&
           isfinite(r->cell_updates_per_s);
}

double bench_cell_updates(size_t nz, size_t ny, size_t nx, long steps)
{
    if (nz < 3 || ny < 3 || nx < 3 || steps < 0)
        return 0.0;
    return (double)(nz - 2) * (double)(ny - 2) * (double)(nx - 2) * (double)steps;
}

void bench_row_set_times(bench_row *r, double h2d_s, double compute_s, double d2h_s,
                         double bytes_per_cell)
{
    double updates = bench_cell_updates((size_t)r->nz, (size_t)r->ny, (size_t)r->nx, r->timesteps);
    r->h2d_s = h2d_s;
    r->compute_s = compute_s;
    r->d2h_s = d2h_s;
    r->total_s = h2d_s + compute_s + d2h_s;
    r->cell_updates_per_s = compute_s > 0 && updates > 0 ? updates / compute_s : NAN;
    r->effective_gbps = r->cell_updates_per_s * bytes_per_cell / 1e9;
    r->roofline_fraction = r->effective_gbps / r->copy_gbps;
}

void bench_csv_clean(char *t)
{
    for (; *t; t++) {
        if (*t == ',')
            *t = ';';
        else if (*t == '"' || *t == '\n' || *t == '\r')
            *t = ' ';
    }
}

int bench_csv_header_version(const char *line)
{
    size_t n;
    const bench_column *c = bench_columns(&n);
    for (int v = BENCH_CSV_SCHEMA_VERSION; v >= 1; v--) {
        size_t at = 0, i = 0;
        for (; i < n; i++) {
            size_t len = strlen(c[i].name);
            if (c[i].since > v)
                continue;
            if ((i && line[at++] != ',') || strncmp(line + at, c[i].name, len) != 0)
                break;
            at += len;
        }
        if (i == n && (line[at] == '\0' || line[at] == '\n' || (line[at] == '\r' && line[at + 1] == '\n')))
            return v;
    }
    return 0;
}
