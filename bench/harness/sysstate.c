#define _GNU_SOURCE
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "harness/sysstate.h"

/* Reads root + path into buf (at most cap-1 bytes); 0 when it cannot. */
static int read_file(const bench_sys *sys, const char *path, char *buf, size_t cap)
{
    char full[1024];
    snprintf(full, sizeof full, "%s%s", sys && sys->root ? sys->root : "", path);
    FILE *f = fopen(full, "r");
    if (!f)
        return 0;
    size_t n = fread(buf, 1, cap - 1, f);
    fclose(f);
    buf[n] = '\0';
    return n > 0;
}

static double self_cpu_default(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0)
        return NAN;
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double ticks_per_s(void)
{
    long hz = sysconf(_SC_CLK_TCK);
    return hz > 0 ? (double)hz : 100.0;
}

/* The mean of cpuN/cpufreq/scaling_cur_freq (kHz), else of /proc/cpuinfo's "cpu MHz". */
static double mean_mhz(const bench_sys *sys)
{
    char buf[64], path[128];
    double sum = 0;
    int n = 0;
    for (int cpu = 0; cpu < 4096; cpu++) {
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%d/cpufreq/scaling_cur_freq", cpu);
        if (!read_file(sys, path, buf, sizeof buf))
            break;
        double khz = strtod(buf, NULL);
        if (khz > 0)
            sum += khz / 1000.0, n++;
    }
    if (n)
        return sum / n;
    static char info[1 << 16];
    if (!read_file(sys, "/proc/cpuinfo", info, sizeof info))
        return NAN;
    for (char *p = strstr(info, "cpu MHz"); p; p = strstr(p + 1, "cpu MHz")) {
        char *colon = strchr(p, ':');
        if (colon && strtod(colon + 1, NULL) > 0)
            sum += strtod(colon + 1, NULL), n++;
    }
    return n ? sum / n : NAN;
}

void bench_sys_sample(const bench_sys *sys, bench_sys_snap *s)
{
    char buf[512];
    s->load1 = s->cpu_mhz = NAN;
    s->busy_s = s->steal_s = s->total_s = NAN;
    if (read_file(sys, "/proc/loadavg", buf, sizeof buf) && sscanf(buf, "%lf", &s->load1) != 1)
        s->load1 = NAN;
    unsigned long long v[10] = {0};
    if (read_file(sys, "/proc/stat", buf, sizeof buf) &&
        sscanf(buf, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3],
               &v[4], &v[5], &v[6], &v[7]) >= 4) {
        /* user nice system idle iowait irq softirq steal (guest time is inside user) */
        double hz = ticks_per_s();
        double busy = (double)(v[0] + v[1] + v[2] + v[5] + v[6]);
        s->busy_s = busy / hz;
        s->steal_s = (double)v[7] / hz;
        s->total_s = (busy + (double)(v[3] + v[4] + v[7])) / hz;
    }
    s->self_cpu_s = sys && sys->self_cpu_s ? sys->self_cpu_s() : self_cpu_default();
    s->cpu_mhz = mean_mhz(sys);
}

void bench_sys_between(const bench_sys_snap *a, const bench_sys_snap *b, double *other_frac,
                       double *steal_frac)
{
    *other_frac = *steal_frac = NAN;
    double total = b->total_s - a->total_s;
    if (!(total >= 2.0 / ticks_per_s()))
        return;
    double other = (b->busy_s - a->busy_s) - (b->self_cpu_s - a->self_cpu_s);
    if (isfinite(other))
        *other_frac = other > 0 ? other / total : 0.0;
    *steal_frac = (b->steal_s - a->steal_s) / total;
}

/* "0-3,6,8-9" -> 7 */
static int count_list(const char *s)
{
    int n = 0;
    while (*s && *s != '\n') {
        char *end;
        long lo = strtol(s, &end, 10), hi = lo;
        if (end == s)
            return -1;
        if (*end == '-')
            hi = strtol(end + 1, &end, 10);
        n += (int)(hi - lo + 1);
        s = *end == ',' ? end + 1 : end;
    }
    return n > 0 ? n : -1;
}

static void first_line(char *s)
{
    s[strcspn(s, "\n")] = '\0';
}

void bench_sys_facts_read(const bench_sys *sys, bench_sys_facts *f)
{
    char buf[4096];
    memset(f, 0, sizeof *f);
    f->online_cpus = f->smt = -1;
    f->cgroup_cpus = f->max_mhz = f->load1 = f->load5 = f->load15 = NAN;
    if (read_file(sys, "/sys/devices/system/cpu/online", buf, sizeof buf))
        f->online_cpus = count_list(buf);
    if (read_file(sys, "/sys/fs/cgroup/cpu.max", buf, sizeof buf)) {
        double quota, period;
        if (sscanf(buf, "%lf %lf", &quota, &period) == 2 && quota > 0 && period > 0)
            f->cgroup_cpus = quota / period; /* "max 100000" leaves it unknown: no limit */
    }
    if (read_file(sys, "/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", buf, sizeof buf)) {
        first_line(buf);
        snprintf(f->governor, sizeof f->governor, "%.31s", buf);
    }
    if (read_file(sys, "/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq", buf, sizeof buf) &&
        strtod(buf, NULL) > 0)
        f->max_mhz = strtod(buf, NULL) / 1000.0;
    if (read_file(sys, "/sys/devices/system/cpu/smt/active", buf, sizeof buf))
        f->smt = buf[0] == '1' ? 1 : buf[0] == '0' ? 0 : -1;
    if (read_file(sys, "/proc/sys/kernel/osrelease", buf, sizeof buf)) {
        first_line(buf);
        snprintf(f->kernel, sizeof f->kernel, "%.127s", buf);
    } else if (!(sys && sys->root && *sys->root)) {
        struct utsname u;
        if (uname(&u) == 0)
            snprintf(f->kernel, sizeof f->kernel, "%s", u.release);
    }
    if (read_file(sys, "/etc/os-release", buf, sizeof buf)) {
        char *p = strstr(buf, "PRETTY_NAME=");
        if (p) {
            p += strlen("PRETTY_NAME=");
            if (*p == '"')
                p++;
            first_line(p);
            p[strcspn(p, "\"")] = '\0';
            snprintf(f->os, sizeof f->os, "%s", p);
        }
    }
    if (read_file(sys, "/proc/loadavg", buf, sizeof buf) &&
        sscanf(buf, "%lf %lf %lf", &f->load1, &f->load5, &f->load15) != 3)
        f->load1 = f->load5 = f->load15 = NAN;
}

double bench_sys_cpus(const bench_sys_facts *f, int fallback)
{
    double cpus = f->online_cpus > 0 ? f->online_cpus : fallback;
    if (isfinite(f->cgroup_cpus) && f->cgroup_cpus > 0 && f->cgroup_cpus < cpus)
        cpus = f->cgroup_cpus;
    return cpus > 0 ? cpus : 1.0;
}

static void append(char *buf, size_t cap, size_t *used, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void append(char *buf, size_t cap, size_t *used, const char *fmt, ...)
{
    if (*used >= cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf + *used, cap - *used, fmt, ap);
    va_end(ap);
    *used = n < 0 ? cap : *used + (size_t)n;
}

int bench_sys_warnings(const bench_sys_facts *f, double other_frac, double steal_frac, char *buf,
                       size_t cap)
{
    int n = 0;
    size_t used = 0;
    buf[0] = '\0';
    double cpus = bench_sys_cpus(f, 1);
    int loaded = isfinite(f->load1) && f->load1 > BENCH_BUSY_LOAD * cpus;
    int others = isfinite(other_frac) && other_frac > BENCH_BUSY_OTHER;
    int stolen = isfinite(steal_frac) && steal_frac > BENCH_BUSY_STEAL;
    if (loaded || others || stolen) {
        append(buf, cap, &used, "this machine is busy:");
        if (isfinite(f->load1))
            append(buf, cap, &used, " load %.1f on %g CPU%s%s", f->load1, cpus, cpus == 1 ? "" : "s",
                   isfinite(f->cgroup_cpus) && f->cgroup_cpus <= cpus ? " (cgroup quota)" : "");
        if (isfinite(other_frac))
            append(buf, cap, &used, "%s other processes took %.0f %% of the CPUs",
                   isfinite(f->load1) ? ";" : "", 100 * other_frac);
        if (stolen)
            append(buf, cap, &used, "; the hypervisor stole %.0f %%", 100 * steal_frac);
        append(buf, cap, &used, ". Timings will be noisy and slower than this machine can do; "
               "points that do not settle are marked NOISY\n");
        n++;
    }
    if (*f->governor && strcmp(f->governor, "performance") != 0) {
        append(buf, cap, &used, "the CPU frequency governor is '%s', not 'performance': clocks "
               "may change during the run\n", f->governor);
        n++;
    }
    return n;
}
