/* The plan's time estimate from a calibration measured on the machine (issue 12 item 6): the
 * arithmetic on injected measurements (kernel rates per variant and thread count, their noise,
 * the copy probe per thread count, a busy machine, a variant unavailable here). No timing. */
#include <math.h>
#include <string.h>

#include "check.h"
#include "harness/plan.h"

static int near(double a, double b) { return fabs(a - b) <= 1e-9 * fmax(fabs(a), fabs(b)) + 1e-12; }

static bench_point point(const char *variant, size_t n, int threads, int steps)
{
    bench_point p;
    memset(&p, 0, sizeof p);
    p.variant = stencil_variant_find(variant);
    p.nz = p.ny = p.nx = n;
    p.threads = threads;
    p.steps = steps;
    snprintf(p.tuning_text, sizeof p.tuning_text, "default");
    return p;
}

static void plan_init(bench_plan *plan, bench_point *pts, size_t count)
{
    memset(plan, 0, sizeof *plan);
    plan->points = pts;
    plan->count = count;
    plan->reps = 5;
    plan->warmup = 1;
    plan->max_reps = 20;
    plan->target_noise = 0.02;
    plan->point_time_s = 2.0;
    plan->min_time_s = 0.01;
    plan->rate_scale = plan->copy_scale = 1.0;
    plan->llc_bytes = (size_t)32 << 20;
    plan->thread_counts[0] = 1;
    plan->thread_counts[1] = 2;
    plan->nthread_counts = 2;
}

/* A calibration: openmp at 1 and 2 threads, naive at 1; copies 19 and 38 GB/s (copy_scale 1). */
static bench_calibration calibration(double omp2_rate, double omp2_ci)
{
    bench_calibration cal;
    memset(&cal, 0, sizeof cal);
    cal.kernel[0] = (bench_kernel_rate){stencil_variant_find("naive"), 1, 4e8, 0.005, 5, 0.0};
    cal.kernel[1] = (bench_kernel_rate){stencil_variant_find("openmp"), 1, 1e9, 0.005, 5, 0.0};
    cal.kernel[2] = (bench_kernel_rate){stencil_variant_find("openmp"), 2, omp2_rate, omp2_ci, 5, 0.0};
    cal.nkernel = 3;
    cal.copy_gbps[0] = 19.0;
    cal.copy_gbps[1] = 38.0;
    return cal;
}

/* warm-up + reps x (kernel + 3 copies of the field at 1e-9 s a cell) + preparing (2e-9 a cell) */
static double expected(double cells, int steps, double rate, double reps)
{
    double per_rep = cells * steps / rate + cells * 3e-9;
    if (per_rep < 0.01)
        per_rep = 0.01;
    return (1 + reps) * per_rep + cells * 2e-9;
}

static void test_measured_rate(check_ctx *c)
{
    bench_point pts[1] = {point("openmp", 128, 2, 10)}; /* 2 x 8 MiB: in the 32 MiB LLC */
    bench_plan plan;
    plan_init(&plan, pts, 1);
    double cells = 128.0 * 128 * 128;
    double fixed = bench_point_estimate_s(&plan, &pts[0]); /* 1.5e9 per thread assumed */
    CHECK(c, near(fixed, expected(cells, 10, 3e9, 5)), "uncalibrated %g", fixed);
    bench_calibration cal = calibration(1e9, 0.005);
    bench_plan_calibrate(&plan, &cal);
    CHECK(c, near(plan.rate_scale, 1.0) && near(plan.copy_scale, 1.0), "scales %g %g",
          plan.rate_scale, plan.copy_scale);
    double est = bench_point_estimate_s(&plan, &pts[0]);
    CHECK(c, near(est, expected(cells, 10, 1e9, 5)), "at the measured 2-thread rate: %g", est);
    /* a short pass is batched to min_time */
    bench_point small[1] = {point("openmp", 32, 2, 1)};
    CHECK(c, near(bench_point_estimate_s(&plan, &small[0]), 6 * 0.01 + 32.0 * 32 * 32 * 2e-9),
          "batched: %g", bench_point_estimate_s(&plan, &small[0]));
    /* on a busy machine a batch set by a pass that ran alone lasts longer: as calibrated */
    cal.kernel[2].rep_s = 0.04;
    bench_plan_calibrate(&plan, &cal);
    CHECK(c, near(bench_point_estimate_s(&plan, &small[0]), 6 * 0.04 + 32.0 * 32 * 32 * 2e-9),
          "batch overshoot: %g", bench_point_estimate_s(&plan, &small[0]));
    cal.kernel[2].rep_s = 0.0;
    /* a busy machine starves the second thread: the 2-thread rate measured at half the
     * 1-thread one makes the point twice as long, whatever naive's rate says */
    cal = calibration(5e8, 0.005);
    bench_plan_calibrate(&plan, &cal);
    double slow = bench_point_estimate_s(&plan, &pts[0]);
    CHECK(c, near(slow - est, 6 * cells * 10 / 1e9), "half the rate: %g against %g", slow, est);
}

static void test_out_of_cache(check_ctx *c)
{
    bench_point pts[1] = {point("openmp", 256, 2, 10)}; /* 2 x 64 MiB: beyond the 32 MiB LLC */
    bench_plan plan;
    plan_init(&plan, pts, 1);
    bench_calibration cal = calibration(4e9, 0.005); /* in cache: 4 G updates/s */
    cal.copy_gbps[1] = 8.0;                          /* memory: 8 GB/s / 8 B = 1 G updates/s */
    bench_plan_calibrate(&plan, &cal);
    double cells = 256.0 * 256 * 256;
    double est = bench_point_estimate_s(&plan, &pts[0]);
    double per_rep = cells * 10 / 1e9 + cells * 3e-9;
    double want = 6 * per_rep + cells * 2e-9; /* warm-up and 5 repetitions (quiet: no more) */
    CHECK(c, near(est, want), "bounded by the 2-thread copy: %g, want %g", est, want);
    cal.copy_gbps[1] = 80.0; /* memory faster than the kernel: the kernel's rate */
    bench_plan_calibrate(&plan, &cal);
    est = bench_point_estimate_s(&plan, &pts[0]);
    CHECK(c, near(est, expected(cells, 10, 4e9, 5)), "kernel-bound: %g", est);
}

static void test_repetitions(check_ctx *c)
{
    bench_point pts[1] = {point("openmp", 128, 2, 10)};
    bench_plan plan;
    plan_init(&plan, pts, 1);
    double cells = 128.0 * 128 * 128, per_rep = cells * 10 / 1e9 + cells * 3e-9;
    /* noise +-3 % after 5 repetitions: 5 (3/2)^2 = 11.25 repetitions reach +-2 % */
    bench_calibration cal = calibration(1e9, 0.03);
    bench_plan_calibrate(&plan, &cal);
    double est = bench_point_estimate_s(&plan, &pts[0]);
    CHECK(c, near(est, per_rep * (1 + 11.25) + cells * 2e-9), "noisy: %g", est);
    /* +-20 %: the cap, max_reps (20 x 0.027 s is well inside point_time) */
    cal = calibration(1e9, 0.2);
    bench_plan_calibrate(&plan, &cal);
    est = bench_point_estimate_s(&plan, &pts[0]);
    CHECK(c, near(est, per_rep * 21 + cells * 2e-9), "very noisy: %g", est);
    /* a busy machine: the caps, even when the calibration happened to look quiet */
    cal = calibration(1e9, 0.001);
    cal.busy = 1;
    bench_plan_calibrate(&plan, &cal);
    CHECK(c, plan.expect_noisy == 1, "busy sets expect_noisy");
    est = bench_point_estimate_s(&plan, &pts[0]);
    CHECK(c, near(est, per_rep * 21 + cells * 2e-9), "busy: %g", est);
    /* a long point on a busy machine: no repetition starts after point_time (2 s), so the
     * 5 minimum, then up to the one that starts before 2 s */
    bench_point big[1] = {point("openmp", 128, 2, 100)}; /* 0.2 s a repetition at 1 G/s */
    plan_init(&plan, big, 1);
    bench_plan_calibrate(&plan, &cal);
    double cb = 128.0 * 128 * 128, pb = cb * 100 / 1e9 + cb * 3e-9;
    est = bench_point_estimate_s(&plan, &big[0]);
    CHECK(c, near(est, pb + (2.0 + pb) + cb * 2e-9), "time cap: %g, want %g", est,
          pb + 2.0 + pb + cb * 2e-9);
    /* --target-noise 0: exactly reps */
    plan.target_noise = 0;
    est = bench_point_estimate_s(&plan, &big[0]);
    CHECK(c, near(est, 6 * pb + cb * 2e-9), "fixed repetitions: %g", est);
}

static void test_plan_total(check_ctx *c)
{
    /* grids 40, 40, (40,) 48: two probe rounds; the GPU point only where the build has
     * cuda_naive (plans hold only variants the registry has) */
    bench_point pts[4], gpu = point("cuda_naive", 40, 1, 10);
    int n = 0, g = -1;
    pts[n++] = point("naive", 40, 1, 10);
    pts[n++] = point("openmp", 40, 2, 10);
    if (gpu.variant)
        pts[g = n++] = gpu;
    pts[n++] = point("openmp", 48, 2, 10);
    bench_plan plan;
    plan_init(&plan, pts, (size_t)n);
    bench_calibration cal = calibration(1e9, 0.005);
    if (g >= 0) { /* a CUDA build: the GPU variant is unavailable here */
        cal.unavailable[0] = pts[g].variant;
        cal.nunavailable = 1;
    }
    bench_plan_calibrate(&plan, &cal);
    if (g >= 0)
        CHECK(c, bench_point_estimate_s(&plan, &pts[g]) == 0.0, "an unavailable variant costs nothing");
    double without = bench_plan_estimate_s(&plan);
    cal.probe_s = 0.5; /* one copy-probe round at each of the 2 grids */
    bench_plan_calibrate(&plan, &cal);
    double with = bench_plan_estimate_s(&plan);
    CHECK(c, near(with - without, 1.0), "probe rounds: %g", with - without);
    double sum = 0;
    for (int i = 0; i < n; i++)
        sum += bench_point_estimate_s(&plan, &pts[i]);
    CHECK(c, with > sum, "the plan adds references, inputs and probes: %g > %g", with, sum);
}

int main(void)
{
    check_ctx c = {0};
    test_measured_rate(&c);
    test_out_of_cache(&c);
    test_repetitions(&c);
    test_plan_total(&c);
    return check_finish(&c, "test_plan_cost");
}
