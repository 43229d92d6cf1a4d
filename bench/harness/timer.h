/* The harness's clocks. Only bench/ reads a clock. */
#ifndef BENCH_TIMER_H
#define BENCH_TIMER_H

/* Seconds on a monotonic clock (CLOCK_MONOTONIC), arbitrary origin. */
double bench_now(void);

#endif
