/* stencilbench generate: write the synthetic default dataset as netCDF. */
#include <getopt.h>
#include <omp.h>
#include <stdio.h>
#include <sys/stat.h>

#include "default_dataset.h"
#include "synthetic.h"
#include "cli/cli.h"
#include "harness/grid.h"

static void generate_usage(FILE *f)
{
    fprintf(f,
            "usage: stencilbench generate [FILE.nc]\n"
            "       stencilbench generate --grid NZxNYxNX FILE.nc\n\n"
            "Writes the built-in default dataset: a deterministic synthetic ocean shaped like the\n"
            "course's Copernicus Marine subset (time %d, 6-hourly from 2024-01-01; depth %d, GLO12\n"
            "levels; latitude %d, 46.83 to 65.25 N; longitude %d, 13.83 W to 6.17 E), variable\n"
            "thetao in degrees_C, NaN land and sea floor as _FillValue; CF-1.8 netCDF-4, deflated.\n"
            "An existing FILE is replaced only once the new one is complete.\n\n"
            "With no FILE it (re)writes the cache file that commands use when they get no --input:\n"
            "  ${STENCILBENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/stencilbench}/%s\n\n"
            "  --grid NZxNYxNX   the same synthetic ocean on another grid (N for a cube), one time,\n"
            "                    into FILE.nc: a large input for stencilbench model (e.g. 512)\n",
            IO_DEFAULT_NT, IO_DEFAULT_NZ, IO_DEFAULT_NY, IO_DEFAULT_NX, IO_DEFAULT_DATASET_NAME);
}

int bench_cmd_generate(int argc, char **argv)
{
    static const struct option opts[] = {{"help", no_argument, 0, 'h'},
                                         {"grid", required_argument, 0, 'g'}, {0, 0, 0, 0}};
    stencil_error err = {{0}};
    size_t nz = IO_DEFAULT_NZ, ny = IO_DEFAULT_NY, nx = IO_DEFAULT_NX;
    const char *grid = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'h') {
            generate_usage(stdout);
            return BENCH_EXIT_OK;
        }
        if (c == 'g') {
            grid = optarg;
            if (bench_parse_grid(optarg, &nz, &ny, &nx, &err) != STENCIL_OK) {
                fprintf(stderr, "stencilbench generate: --grid: %s\n", err.msg);
                return BENCH_EXIT_USAGE;
            }
            continue;
        }
        generate_usage(stderr);
        return BENCH_EXIT_USAGE;
    }
    if (argc - optind > 1) {
        fprintf(stderr, "stencilbench generate: one file at most, got '%s' and '%s'\n", argv[optind],
                argv[optind + 1]);
        return BENCH_EXIT_USAGE;
    }
    if (grid && optind >= argc) {
        fprintf(stderr, "stencilbench generate: --grid %s needs a FILE.nc to write (the cache file "
                        "holds the default grid only)\n", grid);
        return BENCH_EXIT_USAGE;
    }
    if (grid && bench_check_memory(nz, ny, nx, 1, &err) != STENCIL_OK) {
        fprintf(stderr, "stencilbench generate: --grid %s: %s\n", grid, err.msg);
        return BENCH_EXIT_USAGE;
    }
    stencil_status st = STENCIL_OK;
    char path[4096];
    struct stat info;
    if (optind < argc) {
        snprintf(path, sizeof path, "%s", argv[optind]);
        st = io_write_synthetic_dataset(path, nz, ny, nx, omp_get_num_procs(), &err);
    } else {
        /* The cache file: made (with its folder) when missing, rewritten when present. */
        st = io_default_dataset_path(path, sizeof path, 0, &err);
        int existed = st == STENCIL_OK && stat(path, &info) == 0;
        if (st == STENCIL_OK)
            st = io_default_dataset_path(path, sizeof path, 1, &err);
        if (st == STENCIL_OK && existed)
            st = io_write_default_dataset(path, omp_get_num_procs(), &err);
    }
    if (st != STENCIL_OK) {
        fprintf(stderr, "stencilbench generate: %s\n", err.msg);
        return st == STENCIL_ERR_NOMEM ? BENCH_EXIT_FAILED : BENCH_EXIT_USAGE;
    }
    double mib = stat(path, &info) == 0 ? (double)info.st_size / 1048576.0 : 0.0;
    const int course = nz == IO_DEFAULT_NZ && ny == IO_DEFAULT_NY && nx == IO_DEFAULT_NX;
    printf("wrote %s: synthetic thetao (time %d, depth %zu, latitude %zu, longitude %zu), %.1f MiB\n",
           path, course ? IO_DEFAULT_NT : 1, nz, ny, nx, mib);
    return BENCH_EXIT_OK;
}

stencil_status bench_default_input(char *buf, size_t len, stencil_error *err)
{
    struct stat info;
    stencil_status st = io_default_dataset_path(buf, len, 0, err);
    if (st != STENCIL_OK || stat(buf, &info) == 0)
        return st;
    fprintf(stderr, "stencilbench: no --input: generating the synthetic default dataset once, "
                    "into %s\n", buf);
    return io_default_dataset_path(buf, len, 1, err);
}
