/* stencilbench plot RUN_DIR: (re)render the charts of a run folder. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "plot.h"
#include "cli/cli.h"
#include "report/report.h"

static void plot_usage(FILE *f)
{
    fprintf(f, "usage: stencilbench plot RUN_DIR\n\n"
               "Renders the charts of a run (results/runs/<run>/) from its timings.csv and\n"
               "machine.json, with gnuplot, into RUN_DIR/plots/: PNG and SVG of every chart, the\n"
               "data and gnuplot script of each in plots/data/, and plots/index.html showing them\n"
               "all with the machine summary. Points are medians of the repetitions; error bars\n"
               "span their min..max. Needs gnuplot (Debian/Ubuntu package gnuplot-nox).\n");
}

int bench_cmd_plot(int argc, char **argv)
{
    static const struct option opts[] = {{"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'h') {
            plot_usage(stdout);
            return BENCH_EXIT_OK;
        }
        plot_usage(stderr);
        return BENCH_EXIT_USAGE;
    }
    if (argc - optind != 1) {
        fprintf(stderr, "stencilbench plot: give one run folder, e.g. results/runs/<run>\n\n");
        plot_usage(stderr);
        return BENCH_EXIT_USAGE;
    }
    const char *dir = argv[optind];
    stencil_error err = {{0}};
    char *warnings = bench_summary_warnings(dir, NULL);
    stencil_status st = plot_render_run(dir, warnings, &err);
    free(warnings);
    if (st != STENCIL_OK) {
        fprintf(stderr, "stencilbench plot: %s\n", err.msg);
        return st == STENCIL_ERR_IO || st == STENCIL_ERR_ARG ? BENCH_EXIT_USAGE : BENCH_EXIT_FAILED;
    }
    printf("%s/plots/index.html\n", dir);
    return BENCH_EXIT_OK;
}
