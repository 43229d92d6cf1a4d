/* noise_bench: a benchmark of the noise machinery (not a test: it prints figures). One fixed
 * point per thread count is measured as `stencilbench run` measures it (batched repetitions,
 * the adaptive stopping rule), TRIALS times on the machine as it is ("quiet") and TRIALS
 * times beside a CPU hog (a child process spinning on one core, or the command in
 * NOISE_BENCH_HOG, e.g. "stress-ng --cpu 1"). It prints per trial the repetitions used, how
 * they stopped, the CV and the CI half-width of the median, the other processes' share of
 * the CPUs, and then the gate's verdicts for pairs of trials: quiet against quiet (A/A),
 * hog against hog (A/A), and quiet against the quiet trial's rates slowed by 10 %.
 *
 * usage: noise_bench [TRIALS (default 5)] [VARIANT (default openmp)] [GRID N (default 64)]
 *                    [STEPS (default 10)] */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <omp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "analysis/gate.h"
#include "analysis/noise.h"
#include "harness/measure.h"
#include "harness/sysstate.h"
#include "harness/timer.h"
#include "timings/timings.h"

enum { MAX_TRIALS = 40, MAX_REPS = 20, MIN_REPS = 5 };

typedef struct trial {
    double t[MAX_REPS];
    int n, batch;
    bench_stop stop;
    bench_noise noise;
    double other, steal, elapsed;
} trial;

typedef struct rep_ctx {
    trial *tr;
    bench_stop_rule rule;
    double t0;
} rep_ctx;

static int on_rep(void *ctx, int rep, const bench_rep *times, const float *out)
{
    (void)rep, (void)out;
    rep_ctx *c = ctx;
    trial *tr = c->tr;
    tr->t[tr->n++] = times->compute_s;
    tr->batch = times->batch;
    tr->stop = bench_stop_decide(&c->rule, tr->t, (size_t)tr->n, bench_now() - c->t0, &tr->noise);
    return tr->stop == BENCH_GO_ON;
}

static pid_t start_hog(void)
{
    const char *cmd = getenv("NOISE_BENCH_HOG");
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);
        if (cmd && *cmd) {
            execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
            _exit(127);
        }
        volatile unsigned long x = 0;
        for (;;)
            x++;
    }
    if (pid > 0)
        setpgid(pid, pid);
    struct timespec settle = {0, 300000000L};
    nanosleep(&settle, NULL);
    return pid;
}

static void stop_hog(pid_t pid)
{
    if (pid > 0) {
        kill(-pid, SIGKILL);
        waitpid(pid, NULL, 0);
    }
}

static const char *stop_name(bench_stop s)
{
    return s == BENCH_STOP_SETTLED ? "settled" : s == BENCH_STOP_MAX_REPS ? "max_reps"
                                             : s == BENCH_STOP_TIME       ? "time cap"
                                                                          : "-";
}

static int run_trials(const stencil_variant *v, const stencil_problem *pr, const float *in,
                      float *out, int steps, int trials, trial *tr, const char *label)
{
    bench_sys_snap a, b;
    for (int k = 0; k < trials; k++) {
        memset(&tr[k], 0, sizeof tr[k]);
        rep_ctx c = {&tr[k], {MIN_REPS, MAX_REPS, BENCH_NOISE_TARGET, 2.0}, bench_now()};
        stencil_error err;
        bench_sys_sample(NULL, &a);
        if (bench_measure_batched(v, pr, in, steps, 1, 0, MAX_REPS, 0.01, on_rep, &c, out, &err) !=
            STENCIL_OK) {
            fprintf(stderr, "noise_bench: %s\n", err.msg);
            return 0;
        }
        bench_sys_sample(NULL, &b);
        tr[k].elapsed = bench_now() - c.t0;
        bench_sys_between(&a, &b, &tr[k].other, &tr[k].steal);
        printf("%-6s %5d %3d t  %4d reps  batch %5d  %-8s  cv %6.2f %%  ci +-%7.2f %%  %s  "
               "others %3.0f %%  %.2f s\n", label, k + 1, pr->threads, tr[k].n, tr[k].batch,
               stop_name(tr[k].stop), 100 * tr[k].noise.cv,
               isfinite(tr[k].noise.ci_rel) ? 100 * tr[k].noise.ci_rel : INFINITY,
               bench_noisy(tr[k].noise.ci_rel, BENCH_NOISE_TARGET) ? "NOISY" : "ok   ",
               100 * tr[k].other, tr[k].elapsed);
    }
    return 1;
}

/* The gate on pairs of trials (base k, new k+1), rates from compute times; scale slows the
 * new side's rates (a planted slowdown). Prints the verdict counts. */
static void verdicts(const char *what, const trial *base, const trial *fresh, int trials,
                     int shift, double scale)
{
    bench_gate_options opt = {0.05, 0.05, 0.025, 0};
    size_t counts[5] = {0};
    for (int k = 0; k + shift < trials; k++) {
        const trial *b = &base[k], *f = &fresh[k + shift];
        double rb[MAX_REPS], rf[MAX_REPS];
        for (int i = 0; i < b->n; i++)
            rb[i] = 1.0 / b->t[i];
        for (int i = 0; i < f->n; i++)
            rf[i] = scale / f->t[i];
        bench_gate_point g;
        stencil_error err;
        if (bench_gate_decide(rb, (size_t)b->n, rf, (size_t)f->n, NULL, 0, NULL, 0, &opt, &g, &err) ==
            STENCIL_OK)
            counts[g.verdict]++;
    }
    printf("  %-34s SLOWER %zu  FASTER %zu  SAME %zu  UNSURE %zu  NOISY %zu\n", what,
           counts[BENCH_SLOWER], counts[BENCH_FASTER], counts[BENCH_SAME], counts[BENCH_UNSURE],
           counts[BENCH_NOISY]);
}

int main(int argc, char **argv)
{
    int trials = argc > 1 ? atoi(argv[1]) : 5;
    const char *name = argc > 2 ? argv[2] : "openmp";
    int n = argc > 3 ? atoi(argv[3]) : 64, steps = argc > 4 ? atoi(argv[4]) : 10;
    const stencil_variant *v = stencil_variant_find(name);
    if (trials < 2 || trials > MAX_TRIALS || !v || n < 3 || steps < 1) {
        fprintf(stderr, "usage: noise_bench [TRIALS 2..%d] [VARIANT] [GRID N >= 3] [STEPS >= 1]\n",
                MAX_TRIALS);
        return 2;
    }
    size_t cells = (size_t)n * n * n;
    float *in = malloc(cells * sizeof(float)), *out = malloc(cells * sizeof(float));
    trial *quiet = calloc(MAX_TRIALS, sizeof *quiet), *hog = calloc(MAX_TRIALS, sizeof *hog);
    if (!in || !out || !quiet || !hog)
        return 1;
    for (size_t i = 0; i < cells; i++)
        in[i] = 10.0f + (float)(i % 13) * 0.5f;
    bench_sys_facts f;
    bench_sys_facts_read(NULL, &f);
    printf("noise_bench: %s on %dx%dx%d, %d steps; %d trials per condition; rule: %d..%d reps, "
           "target +-%.0f %%, cap 2 s, min_time 0.01 s\n", name, n, n, n, steps, trials, MIN_REPS,
           MAX_REPS, 100 * BENCH_NOISE_TARGET);
    printf("machine: %d CPUs, load %.2f %.2f %.2f, kernel %s, %s; hog: %s\n\n", f.online_cpus,
           f.load1, f.load5, f.load15, f.kernel, f.os,
           getenv("NOISE_BENCH_HOG") ? getenv("NOISE_BENCH_HOG") : "a child spinning on one core");
    int maxt = v->uses_threads ? omp_get_num_procs() : 1;
    for (int threads = 1; threads <= maxt; threads *= 2) {
        stencil_problem pr = {(size_t)n, (size_t)n, (size_t)n, 0.1f, STENCIL_SCHEME_COURSE, threads,
                              {0}, 0, 1, NULL, 0, 0};
        if (!run_trials(v, &pr, in, out, steps, trials, quiet, "quiet"))
            return 1;
        pid_t pid = start_hog();
        int ok = run_trials(v, &pr, in, out, steps, trials, hog, "hog");
        stop_hog(pid);
        if (!ok)
            return 1;
        printf("gate verdicts, %d thread%s (threshold 5 %%, alpha 0.05, max noise +-2.5 %%):\n",
               threads, threads > 1 ? "s" : "");
        verdicts("quiet A/A (trial k vs k+1)", quiet, quiet, trials, 1, 1.0);
        verdicts("hog A/A (trial k vs k+1)", hog, hog, trials, 1, 1.0);
        verdicts("quiet vs hog (same code)", quiet, hog, trials, 0, 1.0);
        verdicts("quiet, planted -10 % (k vs k+1)", quiet, quiet, trials, 1, 0.9);
        printf("\n");
    }
    free(in);
    free(out);
    free(quiet);
    free(hog);
    return 0;
}
