/* stencilbench summary: what the course's summary prints, as a C tool: shape, statistics over
 * valid cells (in double), fill cells, dimensions with coordinate ranges, global attributes. */
#include <getopt.h>
#include <math.h>
#include <netcdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataset.h"
#include "size.h"
#include "cli/cli.h"

static void summary_usage(FILE *f)
{
    fprintf(f,
            "usage: stencilbench summary [--var NAME] [FILE.nc]\n\n"
            "Prints the variable's shape; mean, max, min and standard deviation (population,\n"
            "ddof 0; computed in double) over valid cells of every time slice; the number and\n"
            "fraction of fill cells (_FillValue, missing_value, NaN); each dimension with its\n"
            "coordinate range and units; the global attributes. With no FILE it summarises the\n"
            "synthetic default dataset (stencilbench generate --help).\n\n"
            "  --var NAME   the variable (default: thetao)\n");
}

static const char *type_name(int t)
{
    switch (t) {
    case NC_BYTE: return "byte";
    case NC_UBYTE: return "ubyte";
    case NC_SHORT: return "short";
    case NC_USHORT: return "ushort";
    case NC_INT: return "int";
    case NC_UINT: return "uint";
    case NC_INT64: return "int64";
    case NC_UINT64: return "uint64";
    case NC_FLOAT: return "float";
    default: return "double";
    }
}

/* Running statistics, merged slice by slice (Chan et al.): count, mean, sum of squared
 * deviations, extremes. */
typedef struct stats {
    double n, mean, m2, lo, hi;
} stats;

static void stats_add_slice(stats *s, const float *f, size_t cells)
{
    double n = 0, sum = 0, lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < cells; i++)
        if (!isnan(f[i])) {
            n++;
            sum += f[i];
            lo = f[i] < lo ? f[i] : lo;
            hi = f[i] > hi ? f[i] : hi;
        }
    if (n == 0)
        return;
    double mean = sum / n, m2 = 0;
    for (size_t i = 0; i < cells; i++)
        if (!isnan(f[i]))
            m2 += (f[i] - mean) * (f[i] - mean);
    double total = s->n + n, delta = mean - s->mean;
    s->m2 += m2 + delta * delta * s->n * n / total;
    s->mean += delta * n / total;
    s->n = total;
    s->lo = lo < s->lo ? lo : s->lo;
    s->hi = hi > s->hi ? hi : s->hi;
}

static void print_axis(const io_axis *a, int is_time)
{
    printf("  %-12s %6zu", a->name, a->len);
    if (!a->values) {
        printf("  (no coordinate variable)\n");
        return;
    }
    if (is_time && strstr(a->units, " since ")) {
        char t0[64], t1[64];
        io_time_text(a->values[0], a->units, t0, sizeof t0);
        io_time_text(a->values[a->len - 1], a->units, t1, sizeof t1);
        printf("  %s .. %s  (%s)\n", t0, t1, a->units[0] ? a->units : "no units");
        return;
    }
    int digits = a->nc_type == NC_FLOAT ? 7 : 10; /* a float's digits, not its double noise */
    printf("  %.*g .. %.*g %s\n", digits, a->values[0], digits, a->values[a->len - 1],
           a->units[0] ? a->units : "(no units)");
}

int bench_cmd_summary(int argc, char **argv)
{
    static const struct option opts[] = {
        {"var", required_argument, 0, 'V'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *var = IO_DEFAULT_VAR;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'V': var = optarg; break;
        case 'h': summary_usage(stdout); return BENCH_EXIT_OK;
        default: summary_usage(stderr); return BENCH_EXIT_USAGE;
        }
    }
    if (argc - optind > 1) {
        fprintf(stderr, "stencilbench summary: one file at most, got '%s' and '%s'\n",
                argv[optind], argv[optind + 1]);
        return BENCH_EXIT_USAGE;
    }
    stencil_error err = {{0}};
    char path[4096];
    if (optind < argc)
        snprintf(path, sizeof path, "%s", argv[optind]);
    else if (bench_default_input(path, sizeof path, &err) != STENCIL_OK) {
        fprintf(stderr, "stencilbench summary: %s\n", err.msg);
        return BENCH_EXIT_USAGE;
    }
    io_dataset ds;
    if (io_dataset_open(path, var, &ds, &err) != STENCIL_OK) {
        fprintf(stderr, "stencilbench summary: %s\n", err.msg);
        io_dataset_close(&ds);
        return BENCH_EXIT_USAGE;
    }
    size_t cells, bytes;
    if (io_size_field(ds.nz, ds.ny, ds.nx, sizeof(float), &cells, &bytes, path, &err) != STENCIL_OK) {
        fprintf(stderr, "stencilbench summary: %s\n", err.msg);
        io_dataset_close(&ds);
        return BENCH_EXIT_USAGE;
    }
    float *field = malloc(bytes);
    if (!field) {
        fprintf(stderr, "stencilbench summary: out of memory for a %zux%zux%zu field\n", ds.nz,
                ds.ny, ds.nx);
        io_dataset_close(&ds);
        return BENCH_EXIT_FAILED;
    }
    stats s = {0, 0, 0, INFINITY, -INFINITY};
    size_t fills = 0;
    int status = BENCH_EXIT_OK;
    for (size_t t = 0; t < ds.nt; t++) {
        size_t f = 0;
        if (io_dataset_read(&ds, t, field, &f, &err) != STENCIL_OK) {
            fprintf(stderr, "stencilbench summary: %s\n", err.msg);
            status = BENCH_EXIT_USAGE;
            goto done;
        }
        fills += f;
        stats_add_slice(&s, field, cells);
    }
    const double total = (double)cells * (double)ds.nt;
    const char *u = ds.units[0] ? ds.units : "";
    printf("file: %s\n", path);
    printf("variable: %s", ds.var);
    if (ds.long_name[0] || ds.standard_name[0])
        printf(" (%s%s%s)", ds.long_name, ds.long_name[0] && ds.standard_name[0] ? "; " : "",
               ds.standard_name);
    printf(", units %s, stored as %s", u[0] ? u : "(none)", type_name(ds.nc_type));
    if (ds.scale != 1.0 || ds.offset != 0.0)
        printf(", unpacked as value * %.9g + %.9g", ds.scale, ds.offset);
    printf(", _FillValue %.9g", ds.fill);
    if (ds.has_missing)
        printf(", missing_value %.9g", ds.missing);
    printf("\n");
    printf("shape: (");
    for (int i = ds.has_time ? 0 : 1; i < IO_AXES; i++)
        printf("%s%zu", i > (ds.has_time ? 0 : 1) ? ", " : "", ds.axes[i].len);
    printf(")\n");
    printf("cells: %.0f, valid: %.0f, fill: %zu (%.2f %%)\n", total, s.n, fills,
           100.0 * (double)fills / total);
    if (s.n > 0) {
        printf("mean: %.9g %s\n", s.mean, u);
        printf("max: %.9g %s\n", s.hi, u);
        printf("min: %.9g %s\n", s.lo, u);
        printf("std: %.9g %s\n", sqrt(s.m2 / s.n), u);
    }
    printf("\ndimensions and coordinates:\n");
    for (int i = ds.has_time ? 0 : 1; i < IO_AXES; i++)
        print_axis(&ds.axes[i], i == IO_AXIS_TIME);
    int natts = io_dataset_global_count(&ds);
    printf("\nglobal attributes (%d):\n", natts);
    for (int i = 0; i < natts; i++) {
        char name[IO_NAME_LEN], value[2048];
        if (io_dataset_global(&ds, i, name, sizeof name, value, sizeof value, &err) == STENCIL_OK)
            printf("  %s: %s\n", name, value);
    }
    if (s.n == 0) {
        fprintf(stderr, "stencilbench summary: '%s' in %s holds only fill values (no valid cells)\n",
                ds.var, path);
        status = BENCH_EXIT_USAGE;
    }
done:
    free(field);
    io_dataset_close(&ds);
    return status;
}
