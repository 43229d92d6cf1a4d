/* stencilbench run's helpers apart from the command (bench/cli/cmd_run.c): its options and
 * usage, the run folder, the plan as printed, the machine check and the calibrated estimate. */
#ifndef BENCH_RUN_SUPPORT_H
#define BENCH_RUN_SUPPORT_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdio.h>

#include "config.h"
#include "harness/machine.h"
#include "harness/plan.h"
#include "harness/probe.h"
#include "harness/sysstate.h"

typedef struct run_options {
    const char *config, *out, *resume;
    int dry_run, quiet, no_plots;
    const char *keys[32], *values[32], *flags[32];
    int noverrides;
} run_options;

void bench_run_usage(FILE *f);
int bench_run_mkdir_p(const char *path);
void bench_run_utc_now(char *buf, size_t len, const char *fmt);
cJSON *bench_run_config_json(const io_study_config *c);
void bench_run_print_plan(const bench_plan *plan);
int bench_run_machine_check(bench_sys_facts *facts);
/* Measures this machine now for the plan's estimates, prints the estimated time (unless
 * quiet) and returns it in seconds. */
double bench_run_calibrate(bench_plan *plan, const bench_probes *probes, int busy, int quiet);
void bench_run_previous_record(const char *dir, char *started, size_t len, int *resumed);
int bench_run_parse_options(int argc, char **argv, run_options *o);

#endif
