/* The reporters of a study (harness/report.h): the console and the timings.csv writer, and the
 * end-of-run summary table printed from the rows. */
#ifndef BENCH_REPORTERS_H
#define BENCH_REPORTERS_H

#include <stdio.h>

#include "harness/report.h"

/* The console: the column header, a progress bar on a terminal, a line per point, failures
 * on stderr. quiet prints nothing; tty draws the progress bar on stderr. */
enum { BENCH_CONSOLE_MAX_UNAVAILABLE = 32 };
typedef struct bench_console {
    FILE *out, *err;
    int quiet, tty;
    int cols; /* the terminal's width (bench_console_columns); 0: no limit */
    /* the variants whose points were skipped as unavailable (their first point is printed,
     * the others only counted in the end's "N skipped") */
    const stencil_variant *unavailable[BENCH_CONSOLE_MAX_UNAVAILABLE];
    int nunavailable;
} bench_console;

/* Point lines narrower than this many columns leave out tuning, memory, compute_s, GB/s and
 * max_err (a second line holds tuning, memory and notes). */
enum { BENCH_CONSOLE_WIDE = 132 };

/* The width to fit: $COLUMNS where set, else the terminal's on fd, else 0 (not a terminal). */
int bench_console_columns(int fd);

/* 1 when the console prints its narrow point lines. */
int bench_console_compact(const bench_console *c);
/* The console is its reporter's state: pass a bench_console, zeroed past cols. */
stencil_status bench_console_report(void *console, const bench_event *ev, stencil_error *err);

/* timings.csv: every row an event carries, written and flushed as it comes. */
typedef struct bench_csv_reporter {
    FILE *f;
    int version; /* the file's schema version (bench_csv_open) */
    size_t rows;
} bench_csv_reporter;
stencil_status bench_csv_report(void *csv_reporter, const bench_event *ev, stencil_error *err);

/* Prints, per variant (in cols columns; 0: no limit): its best median rate over ok points, that point, its roofline
 * fraction, the speedup over naive on the same grid and steps, and the strong-scaling
 * efficiency rate(T) / (T rate(1)) at the largest thread count T on that grid and steps. */
void bench_summary_print(FILE *f, const bench_row *rows, size_t count, int cols);

/* Below this many columns (cols > 0) the summary leaves out host memory and fits 80. */
enum { BENCH_SUMMARY_WIDE = 114 };

/* What a run's numbers need said beside them (NULL context: the defaults, no probe rounds). */
typedef struct bench_summary_context {
    double target_noise;            /* a point is NOISY above this ci_rel (0.02 when 0) */
    double probe_swing;             /* largest max/min of the copy probe's rounds, NAN none */
    double probe_lo, probe_hi;      /* its range, GB/s, for the message */
} bench_summary_context;

/* After the table: NOISY points (the 95 % CI of their median rate wider than the target,
 * over all their repetitions), points measured while other processes or the hypervisor took
 * the CPUs (v3 rows), GPU points throttled for power or temperature or whose SM clock fell
 * by more than 10 % (v4 rows), a copy probe that moved during the run, and each best point whose
 * roofline fraction is over 100 % with the reasons in words (the grid fits in the caches,
 * which the out-of-cache copy does not see; a variant doing several timesteps per sweep
 * moves a fraction of the bytes the model counts). Prints nothing when there is nothing to say. */
/* The same notes as text for the charts' index page (malloc'ed; free it), from the run folder's
 * timings.csv; NULL where it cannot be read or has nothing to say. */
char *bench_summary_warnings(const char *run_dir, const bench_summary_context *ctx);

void bench_summary_notes(FILE *f, const bench_row *rows, size_t count,
                         const bench_summary_context *ctx);

#endif
