/* A C interface to Google Benchmark (bench/gbench_shim.cc), so that C code can register and
 * run benchmarks: a benchmark is a C function that loops while bench_gb_keep_running().
 * CPU benchmarks are timed by Google Benchmark on the wall clock (real time); GPU benchmarks
 * report each iteration's time themselves (manual time, from CUDA events). */
#ifndef BENCH_GBENCH_SHIM_H
#define BENCH_GBENCH_SHIM_H

#ifdef __cplusplus
extern "C" {
#endif

typedef struct bench_gb_state bench_gb_state; /* a benchmark::State */
typedef void (*bench_gb_fn)(bench_gb_state *state, void *ctx);

/* Registers fn(state, ctx) under name. manual_time: the function calls
 * bench_gb_set_iteration_time every iteration. repetitions > 0 fixes the repetition count
 * (and Google Benchmark appends "/repeats:N" to the name); 0 leaves it to
 * --benchmark_repetitions, names unchanged. Returns 0 on success. */
int bench_gb_register(const char *name, bench_gb_fn fn, void *ctx, int manual_time, int repetitions);

int bench_gb_keep_running(bench_gb_state *state);
void bench_gb_set_iteration_time(bench_gb_state *state, double seconds);
void bench_gb_pause(bench_gb_state *state);
void bench_gb_resume(bench_gb_state *state);
/* Per-iteration work, reported as rates: cell_updates_per_s and bytes_per_second. */
void bench_gb_set_work(bench_gb_state *state, double cell_updates, double bytes);
void bench_gb_skip(bench_gb_state *state, const char *why);

/* Initializes Google Benchmark from argv (it removes the --benchmark_* flags it knows), then
 * runs the registered benchmarks that --benchmark_filter selects. Returns 0, or 2 for a flag
 * it does not know (printed). */
int bench_gb_run(int *argc, char **argv);

#ifdef __cplusplus
}
#endif

#endif
