/* The command-line interface: one function per subcommand (bench/cmd_*.c), dispatched by
 * bench/main.c. Each returns the process exit status: 0 success, 1 a failed run (a
 * validation mismatch, a device error), 2 bad input (a wrong flag, a bad value, a file). */
#ifndef BENCH_CLI_H
#define BENCH_CLI_H

#include <stddef.h>

#include "timings/timings.h"
#include "variant.h"

enum { BENCH_EXIT_OK = 0, BENCH_EXIT_FAILED = 1, BENCH_EXIT_USAGE = 2, BENCH_EXIT_INTERRUPTED = 130 };

int bench_cmd_list(int argc, char **argv);
int bench_cmd_run(int argc, char **argv);
int bench_cmd_plot(int argc, char **argv);
int bench_cmd_viz(int argc, char **argv);
int bench_cmd_compare(int argc, char **argv);
int bench_cmd_generate(int argc, char **argv);
int bench_cmd_summary(int argc, char **argv);
int bench_cmd_model(int argc, char **argv);
int bench_cmd_slurm(int argc, char **argv);
int bench_cmd_merge(int argc, char **argv);

/* Renames the course's flag names in a command's arguments (argv[0] is the command) to
 * stencilbench's where the command takes the same thing (model --num_timesteps -> --steps,
 * viz --target_depth -> --depth, ...), in place; returns the new argc. A course flag the
 * command has no use for prints one line saying which command and flag to use, and returns -1. */
int bench_cli_course_flags(const char *command, int argc, char **argv);

/* The default dataset's cache path in buf, generating it first (with a note on stderr) when
 * missing; for commands given no --input (bench/cmd_generate.c). */
stencil_status bench_default_input(char *buf, size_t len, stencil_error *err);

/* Strict number parsing for flags: the whole text must be a number in [lo, hi]. On error
 * prints "stencilbench: --flag VALUE: ..." to stderr and returns 0. */
int bench_cli_int(const char *flag, const char *text, long lo, long hi, long *out);
int bench_cli_double(const char *flag, const char *text, double lo, double hi, double *out);

/* A run folder given with flag (--out, --resume): shorter than max and free of characters that
 * would corrupt timings.csv (a comma, a double quote, a newline or other control character).
 * On error prints why to stderr and returns 0 (bench/cli/run_dir.c). */
int bench_run_dir_check(const char *flag, const char *dir, size_t max);

/* Locks DIR/.lock (flock, exclusive, not waiting) for as long as *fd stays open, so that two
 * runs never write one folder; when another process holds it, prints so and returns 0. */
int bench_run_dir_lock(const char *dir, int *fd);

/* Prints the registered variant names, comma-separated, to stderr. */
void bench_cli_list_variants(void);

/* Parses "all", "cpu", "gpu" or a comma list of variant names into out (at most max).
 * Unknown names print the valid ones and return -1; otherwise returns the count. */
int bench_cli_variants(const char *text, const stencil_variant **out, int max);

#endif
