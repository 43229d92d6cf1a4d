/* How noisy a point's repetitions are, and when to stop repeating (as nvbench stops on a
 * noise criterion between a minimum and a maximum): pure functions of the samples. */
#ifndef BENCH_NOISE_H
#define BENCH_NOISE_H

#include <stddef.h>

typedef struct bench_noise {
    size_t n;
    double median;
    double cv;     /* standard deviation / mean (NAN for n < 2) */
    /* Relative half-width of the 95 % confidence interval of the median: 1.96 x the median's
     * standard error sqrt(pi/2) sigma / sqrt(n), with sigma estimated robustly from the
     * interquartile range (IQR / 1.349), over the median. INFINITY for n < 3. */
    double ci_rel;
} bench_noise;

void bench_noise_of(const double *x, size_t n, bench_noise *out);

typedef struct bench_stop_rule {
    int min_reps, max_reps; /* repetitions: at least, at most */
    double target;          /* stop when ci_rel <= target (0: after min_reps) */
    double max_s;           /* a point's time cap after min_reps, seconds (0: none) */
} bench_stop_rule;

typedef enum bench_stop {
    BENCH_GO_ON = 0,
    BENCH_STOP_SETTLED = 1,  /* the confidence interval is within the target */
    BENCH_STOP_MAX_REPS = 2, /* max_reps reached before settling */
    BENCH_STOP_TIME = 3      /* the time cap reached before settling */
} bench_stop;

/* Whether to stop after the n samples x (the compute times so far) of a point that has run
 * for elapsed_s seconds; noise (may be NULL) gets their noise. Never before min_reps. */
bench_stop bench_stop_decide(const bench_stop_rule *rule, const double *x, size_t n,
                             double elapsed_s, bench_noise *noise);

/* The default target: the run's target_noise default, and the one readers without it use. */
#define BENCH_NOISE_TARGET 0.02

/* 1 when a point stopped without settling: its ci_rel is above the target. */
static inline int bench_noisy(double ci_rel, double target)
{
    return target > 0 && !(ci_rel <= target);
}

#endif
