/* The machine's state while a study runs: load average, CPU time taken by other processes
 * and by the hypervisor (steal), clock and governor, SMT, kernel and OS, the cgroup CPU
 * quota. Read from /proc, /sys and /etc under a root folder (the seam: tests point it at a
 * folder of made-up files and inject this process's CPU time, so no test loads the machine).
 * A fact the machine does not give is unknown (NAN, -1 or ""), never an error. */
#ifndef BENCH_SYSSTATE_H
#define BENCH_SYSSTATE_H

#include <stddef.h>

typedef struct bench_sys {
    const char *root;            /* "" or NULL: the real machine; else a folder with proc/, sys/, etc/ */
    double (*self_cpu_s)(void);  /* this process's CPU seconds; NULL: CLOCK_PROCESS_CPUTIME_ID */
} bench_sys;

/* One reading, cheap enough to take around every point (a few small files). */
typedef struct bench_sys_snap {
    double load1;           /* 1-minute load average (NAN: unknown) */
    double busy_s, steal_s; /* all CPUs since boot: non-idle time (steal excluded) and steal */
    double total_s;         /* all CPUs since boot, idle included (NAN: no /proc/stat) */
    double self_cpu_s;      /* this process's CPU time */
    double cpu_mhz;         /* mean current clock over the CPUs (NAN: unknown) */
} bench_sys_snap;

void bench_sys_sample(const bench_sys *sys, bench_sys_snap *snap);

/* Between two readings: the share of all CPUs' time that other processes used (busy time
 * not this process's) and that the hypervisor stole; NAN when /proc/stat is missing or too
 * little time passed (under 2 clock ticks of all CPUs). */
void bench_sys_between(const bench_sys_snap *a, const bench_sys_snap *b, double *other_frac,
                       double *steal_frac);

/* Facts that do not change during a run. */
typedef struct bench_sys_facts {
    int online_cpus;          /* -1: unknown */
    double cgroup_cpus;       /* cpu.max quota / period (NAN: no limit or unknown) */
    char governor[32];        /* cpufreq scaling governor of cpu0, "" unknown */
    int smt;                  /* 1 on, 0 off, -1 unknown */
    double max_mhz;           /* cpuinfo_max_freq of cpu0 (NAN: unknown) */
    char kernel[128];         /* e.g. "6.1.0-18-amd64" */
    char os[128];             /* PRETTY_NAME of os-release */
    double load1, load5, load15;
} bench_sys_facts;

void bench_sys_facts_read(const bench_sys *sys, bench_sys_facts *facts);

/* The CPUs a study can use: the cgroup quota when it is below the online CPUs, else the
 * online CPUs, else fallback. */
double bench_sys_cpus(const bench_sys_facts *facts, int fallback);

/* Thresholds above which a point or a machine counts as busy. */
#define BENCH_BUSY_OTHER 0.25 /* other processes took a quarter of all CPUs' time */
#define BENCH_BUSY_STEAL 0.05 /* the hypervisor stole 5 % */
#define BENCH_BUSY_LOAD 0.75  /* load average per usable CPU, before this process starts */

/* A warning for the start of a study, in words, from the facts and a reading of the others'
 * CPU share over a short window (other_frac/steal_frac, NAN unknown): "this machine is busy:
 * load 7.9 on 2 CPUs ...", or the CPU frequency governor when it is not "performance".
 * Returns the number of warnings written into buf (lines ending in '\n'); 0: none. */
int bench_sys_warnings(const bench_sys_facts *facts, double other_frac, double steal_frac,
                       char *buf, size_t cap);

#endif
