/* stencilbench compare's three modes, one file each: cmd_compare.c (options and --project,
 * the projected references of analysis/project.c), compare_reference.c (a run against
 * references: tables, verdicts in words, a chart) and compare_gate.c (the regression gate). */
#ifndef BENCH_COMPARE_CLI_H
#define BENCH_COMPARE_CLI_H

#include <stddef.h>

#include "analysis/compare.h"
#include "analysis/gate.h"

/* A run or reference as read: its rows, points and best points, and a name for tables. */
typedef struct compare_side {
    bench_timings t;
    bench_results pts;
    bench_best best;
    char name[1100], label[128];
} compare_side;

/* Reads a run or reference; allow_empty accepts a file with a header and no rows. */
stencil_status compare_side_load(const char *path, compare_side *s, int allow_empty, stencil_error *err);
void compare_side_free(compare_side *s);

/* Prints a warning when the side's rows (schema v3) say the machine was busy while they were
 * measured (other processes' or steal's share over BENCH_BUSY_OTHER / _STEAL); else nothing. */
void compare_busy_note(const compare_side *s, const char *side);
/* Prints a warning when some of the side's measured points are NOISY (their rates' median
 * uncertain by more than BENCH_NOISE_TARGET); else nothing. */
void compare_noise_note(const compare_side *s, const char *side);

/* A rate for tables ("-" when not finite), in buf. */
const char *compare_rate_text(double r, char *buf, size_t cap);

/* The machines table (compare_machines.c): one line per machine and device class of mine
 * (NULL: the references alone) and refs, with factors against your best CPU and GPU; the
 * chart CHART_DIR/CHART_NAME.png and .svg too unless chart_dir is NULL. Returns 0 when the
 * chart failed (err says why), else 1. */
int compare_machines(const compare_side *mine, const compare_side *refs, int nrefs,
                     const char *chart_dir, const char *chart_name, stencil_error *err);

/* A line per device class pair: ref's best against yours across device classes (for a
 * reference with no variant in common with your run). */
void compare_across(const compare_side *mine, const compare_side *ref);

/* The modes; each returns the exit status. */
int bench_compare_gate(const char *base_path, const char *new_path, const bench_gate_options *opt);

/* A run against references (run_path NULL: the machines table and chart of the references
 * alone). The per-variant detail is printed with detail, or when ref_path is one reference. */
int bench_compare_reference(const char *run_path, const char *ref_path, const char *chart_path,
                            int no_chart, int allow_nearest, int detail);

#endif
