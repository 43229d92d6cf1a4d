/* stencilbench: git-style subcommands. The only place that decides the process exit. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "stencilbench_version.h"

typedef struct bench_command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
} bench_command;

static const bench_command commands[] = {
    {"list", bench_cmd_list, "variants, and whether each can run here"},
    {"run", bench_cmd_run, "measure and validate variants on a grid"},
    {"plot", bench_cmd_plot, "render the charts of a run folder (gnuplot)"},
    {"viz", bench_cmd_viz, "pictures of a dataset: slice, animate, cube (gnuplot)"},
    {"slurm", bench_cmd_slurm, "write a study as a Slurm job array (sbatch script) into a run folder"},
    {"merge", bench_cmd_merge, "join run folders (a Slurm array's tasks) into one run"},
    {"compare", bench_cmd_compare, "a run against references; the regression gate (--gate)"},
    {"model", bench_cmd_model, "run the diffusion model on ocean data (netCDF in, netCDF out)"},
    {"summary", bench_cmd_summary, "dimensions, coordinates, attributes, mean/max/min/std of a dataset"},
    {"generate", bench_cmd_generate, "write the synthetic default dataset (netCDF)"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: stencilbench <command> [options]   (stencilbench <command> --help)\n\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n  --version  print the version\n");
}

/* Pin one thread per core unless the user chose otherwise. libgomp reads OMP_* when it is
 * loaded, before main runs, so the variables set here take effect only in a re-executed
 * program; if exec fails the program goes on unpinned (machine.json records the binding). */
static void bench_pin_threads(char **argv)
{
    if (getenv("OMP_PROC_BIND") && getenv("OMP_PLACES"))
        return;
    /* Under an MPI launcher the launcher binds each rank (mpirun --bind-to core --map-by
     * core:PE=T): pinning threads to the first cores here would stack every rank unbound by it
     * on the same cores. */
    if (getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMIX_RANK") || getenv("PMI_RANK"))
        return;
    setenv("OMP_PROC_BIND", "close", 0);
    setenv("OMP_PLACES", "cores", 0);
    if (getenv("STENCILBENCH_REEXEC"))
        return;
    setenv("STENCILBENCH_REEXEC", "1", 1);
    execv("/proc/self/exe", argv);
}

int main(int argc, char **argv)
{
    bench_pin_threads(argv);
    if (argc < 2) {
        usage(stderr);
        return BENCH_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return BENCH_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        if (argc > 2) {
            fprintf(stderr, "stencilbench: --version takes no arguments, got '%s'\n", argv[2]);
            return BENCH_EXIT_USAGE;
        }
        printf("stencilbench %s\n", STENCILBENCH_VERSION);
        return BENCH_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0) {
            int n = bench_cli_course_flags(argv[1], argc - 1, argv + 1);
            return n < 0 ? BENCH_EXIT_USAGE : commands[i].fn(n, argv + 1);
        }
    fprintf(stderr, "stencilbench: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return BENCH_EXIT_USAGE;
}
