/* stencilbench compare: a run against reference results (tables, verdicts in words, a chart),
 * the regression gate between two runs, and the generator of projected references. */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/compare.h"
#include "analysis/project.h"

static void compare_usage(FILE *f)
{
    fprintf(f,
            "usage: stencilbench compare RUN REFERENCE [--detail] [--chart FILE | --no-chart] [--exact]\n"
            "       stencilbench compare --machines REFERENCE_ROOT [--chart FILE | --no-chart]\n"
            "       stencilbench compare BASE NEW --gate [--threshold PCT] [--alpha A] [--max-noise PCT]\n"
            "       stencilbench compare --project REFERENCE_ROOT [--sources DIR]\n"
            "                            [--cpu-from FOLDER] [--gpu-from FOLDER]\n\n"
            "RUN, BASE, NEW: a run folder (results/runs/...) or a timings.csv. REFERENCE: a\n"
            "reference folder (results/reference/a40), another run, or results/reference itself\n"
            "(every machine in it).\n\n"
            "Against references: first the machines table, one line per machine and device class\n"
            "(yours, each reference's GPU and CPU, the course's published NumPy and CuPy figures):\n"
            "its best variant's rate on the course grid 50x222x241 and on the largest grid it\n"
            "shares with your run, and its factor against your best CPU and your best GPU, across\n"
            "device classes; and its chart, RUN/plots/machines.png (measured solid, projected\n"
            "hatched, published open; yours in its own colour). Then, with --detail or against one\n"
            "reference folder: per variant and grid, both median rates (cell updates/s), their\n"
            "ratio, both fractions of the copy bandwidth and a verdict in words. Each machine's\n"
            "figure is its best point at its largest thread count, so all cores compare with all\n"
            "cores. A grid the reference lacks is compared with its nearest grid of the same\n"
            "variant, labelled NEAREST (--exact lists it as unmatched instead). The chart (default\n"
            "RUN/plots/compare.png) draws measured bars solid, projected hatched, published open.\n\n"
            "  --detail         the per-variant tables against every reference, not only one\n"
            "  --machines ROOT  the machines table and chart of the references alone (chart:\n"
            "                   ROOT/plots/machines.png unless --chart)\n"
            "  --gate           the regression gate: per point with repetitions on both sides, a\n"
            "                   two-sided Mann-Whitney U test on the repetitions' rates and a\n"
            "                   minimum effect; verdicts FASTER, SLOWER, SAME, UNSURE (too few\n"
            "                   repetitions, or not significant), NOISY (a side's median too\n"
            "                   uncertain to judge); exit 1 when any point is SLOWER\n"
            "  --threshold PCT  minimum effect in %% of the base median (default 5)\n"
            "  --alpha A        significance level (default 0.05)\n"
            "  --max-noise PCT  NOISY above this 95 %% CI half-width of a side's median rate, in %%\n"
            "                   of it (default: half the threshold; 0: not checked)\n"
            "  --per-probe      judge rates over the copy probe their own run measured (each\n"
            "                   row's copy_gbps): a side that ran while the machine was slower\n"
            "                   is corrected by its probe\n"
            "  --project ROOT   (re)write the projected and published reference folders under\n"
            "                   ROOT from ROOT/sources and the measured folders in ROOT\n\n"
            "Exit status: 0 done (gate: nothing slower), 1 gate found a SLOWER point or the chart\n"
            "failed, 2 bad input (a missing file, not timings.csv schema v1, no common points).\n");
}

int bench_cmd_compare(int argc, char **argv)
{
    static const struct option opts[] = {
        {"gate", no_argument, 0, 'g'},          {"threshold", required_argument, 0, 't'},
        {"alpha", required_argument, 0, 'a'},   {"project", required_argument, 0, 'p'},
        {"sources", required_argument, 0, 's'}, {"cpu-from", required_argument, 0, 'c'},
        {"gpu-from", required_argument, 0, 'G'}, {"chart", required_argument, 0, 'C'},
        {"no-chart", no_argument, 0, 'n'},      {"exact", no_argument, 0, 'e'},
        {"detail", no_argument, 0, 'd'},        {"machines", required_argument, 0, 'm'},
        {"help", no_argument, 0, 'h'},          {"max-noise", required_argument, 0, 'N'},
        {"per-probe", no_argument, 0, 'P'},
        {0, 0, 0, 0}};
    int gate = 0, no_chart = 0, exact = 0, detail = 0, per_probe = 0, ch;
    const char *machines = NULL;
    double threshold = 5.0, alpha = 0.05, max_noise = -1.0;
    bench_project_options po = {0};
    const char *chart_path = NULL;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        int ok = 1;
        switch (ch) {
        case 'g': gate = 1; break;
        case 'P': per_probe = 1; break;
        case 't': ok = bench_cli_double("--threshold", optarg, 0.0, 100.0, &threshold); break;
        case 'a': ok = bench_cli_double("--alpha", optarg, 1e-9, 0.5, &alpha); break;
        case 'N': ok = bench_cli_double("--max-noise", optarg, 0.0, 100.0, &max_noise); break;
        case 'p': po.reference_root = optarg; break;
        case 's': po.sources = optarg; break;
        case 'c': po.cpu_from = optarg; break;
        case 'G': po.gpu_from = optarg; break;
        case 'C': chart_path = optarg; break;
        case 'n': no_chart = 1; break;
        case 'e': exact = 1; break;
        case 'd': detail = 1; break;
        case 'm': machines = optarg; break;
        case 'h': compare_usage(stdout); return BENCH_EXIT_OK;
        default: ok = 0; break;
        }
        if (!ok) {
            fprintf(stderr, "(stencilbench compare --help lists the options)\n");
            return BENCH_EXIT_USAGE;
        }
    }
    int npos = argc - optind;
    if (po.reference_root) {
        if (npos != 0 || gate) {
            fprintf(stderr, "stencilbench compare --project ROOT takes no other argument\n");
            return BENCH_EXIT_USAGE;
        }
        stencil_error err = {{0}};
        if (bench_project_references(&po, stdout, &err) != STENCIL_OK) {
            fprintf(stderr, "stencilbench compare --project: %s\n", err.msg);
            return BENCH_EXIT_USAGE;
        }
        return BENCH_EXIT_OK;
    }
    if (machines) {
        if (npos != 0 || gate) {
            fprintf(stderr, "stencilbench compare --machines ROOT takes no other argument\n");
            return BENCH_EXIT_USAGE;
        }
        return bench_compare_reference(NULL, machines, chart_path, no_chart, 1, 0);
    }
    if (npos != 2) {
        fprintf(stderr, "stencilbench compare: want two arguments (RUN REFERENCE, or BASE NEW "
                        "--gate), got %d; see stencilbench compare --help\n", npos);
        return BENCH_EXIT_USAGE;
    }
    if (gate) {
        bench_gate_options go = {threshold / 100.0, alpha,
                                 max_noise >= 0 ? max_noise / 100.0 : threshold / 200.0,
                                 per_probe};
        return bench_compare_gate(argv[optind], argv[optind + 1], &go);
    }
    return bench_compare_reference(argv[optind], argv[optind + 1], chart_path, no_chart, !exact,
                                   detail);
}
