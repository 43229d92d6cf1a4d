// The C interface to Google Benchmark declared in bench/gbench_shim.h.
#include <benchmark/benchmark.h>

#include "gbench/gbench_shim.h"

namespace {

benchmark::State &as_state(bench_gb_state *s) { return *reinterpret_cast<benchmark::State *>(s); }

}  // namespace

extern "C" {

int bench_gb_register(const char *name, bench_gb_fn fn, void *ctx, int manual_time, int repetitions)
{
    auto *b = benchmark::RegisterBenchmark(name, [fn, ctx](benchmark::State &state) {
        fn(reinterpret_cast<bench_gb_state *>(&state), ctx);
    });
    if (!b)
        return 1;
    if (manual_time)
        b->UseManualTime();
    else
        b->UseRealTime();
    if (repetitions > 0)
        b->Repetitions(repetitions);
    b->Unit(benchmark::kMillisecond);
    return 0;
}

int bench_gb_keep_running(bench_gb_state *state) { return as_state(state).KeepRunning() ? 1 : 0; }

void bench_gb_set_iteration_time(bench_gb_state *state, double seconds)
{
    as_state(state).SetIterationTime(seconds);
}

void bench_gb_pause(bench_gb_state *state) { as_state(state).PauseTiming(); }

void bench_gb_resume(bench_gb_state *state) { as_state(state).ResumeTiming(); }

void bench_gb_set_work(bench_gb_state *state, double cell_updates, double bytes)
{
    benchmark::State &s = as_state(state);
    s.counters["cell_updates_per_s"] =
        benchmark::Counter(cell_updates, benchmark::Counter::kIsIterationInvariantRate);
    s.counters["bytes_per_second"] = benchmark::Counter(
        bytes, benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
}

void bench_gb_skip(bench_gb_state *state, const char *why) { as_state(state).SkipWithError(why); }

int bench_gb_run(int *argc, char **argv)
{
    benchmark::Initialize(argc, argv);
    if (benchmark::ReportUnrecognizedArguments(*argc, argv))
        return 2;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}

}  // extern "C"
