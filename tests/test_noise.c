/* The noise machinery without loading the machine: the stopping rule and the noise figures on
 * synthetic samples; machine readings and warnings through the seam (a made-up /proc, /sys
 * and /etc under a temporary root, and an injected CPU time for this process); a machine that
 * gives nothing; the gate's NOISY verdict on synthetic noisy rates; a study whose rows and
 * console lines carry what the seam says. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "analysis/gate.h"
#include "analysis/noise.h"
#include "analysis/points.h"
#include "harness/study.h"
#include "harness/sysstate.h"
#include "report/report.h"

static char root[256];

static void put(const char *rel, const char *text)
{
    char path[512], dir[512];
    snprintf(path, sizeof path, "%s%s", root, rel);
    for (char *p = strchr(path + strlen(root) + 1, '/'); p; p = strchr(p + 1, '/')) {
        snprintf(dir, sizeof dir, "%.*s", (int)(p - path), path);
        mkdir(dir, 0777);
    }
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static void test_stop_rule(check_ctx *c)
{
    double quiet[20], noisy[20];
    for (int i = 0; i < 20; i++) {
        quiet[i] = 1.0 + 0.002 * ((i * 7) % 5 - 2);      /* +-0.4 % */
        noisy[i] = 1.0 + 0.3 * ((double)((i * 7) % 11) / 10.0 - 0.5); /* +-15 % */
    }
    bench_stop_rule rule = {5, 20, 0.02, 2.0};
    bench_noise nz;
    CHECK(c, bench_stop_decide(&rule, quiet, 4, 0.1, &nz) == BENCH_GO_ON, "never before min_reps");
    CHECK(c, bench_stop_decide(&rule, quiet, 5, 0.1, &nz) == BENCH_STOP_SETTLED && nz.ci_rel < 0.02,
          "quiet samples settle at the minimum: ci_rel %g", nz.ci_rel);
    CHECK(c, bench_stop_decide(&rule, noisy, 5, 0.1, &nz) == BENCH_GO_ON && nz.ci_rel > 0.02,
          "noisy samples go on: ci_rel %g", nz.ci_rel);
    CHECK(c, bench_stop_decide(&rule, noisy, 12, 2.5, NULL) == BENCH_STOP_TIME, "time cap");
    CHECK(c, bench_stop_decide(&rule, noisy, 20, 0.5, &nz) == BENCH_STOP_MAX_REPS &&
              bench_noisy(nz.ci_rel, rule.target), "max_reps, and the point is noisy");
    bench_stop_rule fixed = {3, 20, 0.0, 0.0};
    CHECK(c, bench_stop_decide(&fixed, noisy, 3, 0.0, NULL) == BENCH_STOP_SETTLED,
          "target 0: exactly min_reps");
    CHECK(c, bench_stop_decide(&fixed, noisy, 2, 0.0, NULL) == BENCH_GO_ON, "target 0: min first");

    double v[5] = {5, 1, 4, 2, 3};
    bench_noise_of(v, 5, &nz);
    double want = 1.96 * 1.2533 * (2.0 / 1.349) / sqrt(5.0) / 3.0;
    CHECK(c, nz.median == 3 && fabs(nz.cv - sqrt(2.5) / 3.0) < 1e-12 && fabs(nz.ci_rel - want) < 1e-3,
          "1..5: median %g cv %g ci_rel %g (want %g)", nz.median, nz.cv, nz.ci_rel, want);
    bench_noise_of(v, 2, &nz);
    CHECK(c, isinf(nz.ci_rel) && bench_noisy(nz.ci_rel, 0.02), "2 samples: no interval, noisy");
    bench_noise_of(NULL, 0, &nz);
    CHECK(c, isnan(nz.median) && isnan(nz.cv), "no samples");
}

static double fake_self = 0.0;
static double self_cpu(void) { return fake_self; }

/* Each reading of this process's CPU time also moves the made-up /proc/stat on by 100 busy
 * ticks of other processes: a machine where something else takes every CPU. */
static long busy_ticks = 1000;
static double self_cpu_busy(void)
{
    char text[128];
    busy_ticks += 100;
    snprintf(text, sizeof text, "cpu  %ld 0 0 500 0 0 0 0 0 0\ncpu0 1 0 0 0\n", busy_ticks);
    put("/proc/stat", text);
    return 0.0;
}

static void test_seam(check_ctx *c)
{
    put("/proc/loadavg", "7.90 5.10 3.00 3/400 1234\n");
    put("/proc/stat", "cpu  1000 0 500 8000 100 0 0 100 0 0\ncpu0 1 2 3 4\n");
    put("/sys/devices/system/cpu/online", "0-1\n");
    put("/sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq", "2100000\n");
    put("/sys/devices/system/cpu/cpu1/cpufreq/scaling_cur_freq", "2300000\n");
    put("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", "powersave\n");
    put("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq", "3500000\n");
    put("/sys/devices/system/cpu/smt/active", "1\n");
    put("/sys/fs/cgroup/cpu.max", "150000 100000\n");
    put("/proc/sys/kernel/osrelease", "6.1.0-test\n");
    put("/etc/os-release", "NAME=Test\nPRETTY_NAME=\"Test Linux 1\"\n");
    bench_sys sys = {root, self_cpu};
    bench_sys_facts f;
    bench_sys_facts_read(&sys, &f);
    CHECK(c, f.online_cpus == 2 && f.cgroup_cpus == 1.5 && strcmp(f.governor, "powersave") == 0 &&
              f.smt == 1 && f.max_mhz == 3500 && strcmp(f.kernel, "6.1.0-test") == 0 &&
              strcmp(f.os, "Test Linux 1") == 0 && f.load1 == 7.9 && f.load15 == 3.0,
          "facts: cpus %d quota %g gov '%s' smt %d max %g kernel '%s' os '%s' load %g",
          f.online_cpus, f.cgroup_cpus, f.governor, f.smt, f.max_mhz, f.kernel, f.os, f.load1);
    CHECK(c, bench_sys_cpus(&f, 8) == 1.5, "the cgroup quota bounds the CPUs");

    bench_sys_snap a, b;
    fake_self = 1.0;
    bench_sys_sample(&sys, &a);
    CHECK(c, a.load1 == 7.9 && fabs(a.cpu_mhz - 2200) < 1e-9, "snap: load %g mhz %g", a.load1, a.cpu_mhz);
    /* 200 ticks later: 150 busy (50 of them ours: 0.5 s at 100 Hz), 20 steal, 30 idle */
    put("/proc/stat", "cpu  1100 0 550 8030 100 0 0 120 0 0\n");
    fake_self = 1.0 + 50.0 / (double)sysconf(_SC_CLK_TCK);
    bench_sys_sample(&sys, &b);
    double other, steal;
    bench_sys_between(&a, &b, &other, &steal);
    CHECK(c, fabs(other - 100.0 / 200.0) < 1e-9 && fabs(steal - 20.0 / 200.0) < 1e-9,
          "others 100 of 200 ticks, steal 20: got %g, %g", other, steal);

    char text[1024];
    int n = bench_sys_warnings(&f, other, steal, text, sizeof text);
    CHECK(c, n == 2 && strstr(text, "this machine is busy: load 7.9 on 1.5 CPUs (cgroup quota)") &&
              strstr(text, "other processes took 50 % of the CPUs") && strstr(text, "stole 10 %") &&
              strstr(text, "governor is 'powersave'"), "%d warnings: %s", n, text);
    put("/proc/loadavg", "0.20 0.10 0.00 1/100 1\n");
    put("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", "performance\n");
    bench_sys_facts_read(&sys, &f);
    n = bench_sys_warnings(&f, 0.02, 0.0, text, sizeof text);
    CHECK(c, n == 0 && !*text, "a quiet machine: no warning (%s)", text);
    put("/sys/fs/cgroup/cpu.max", "max 100000\n");
    bench_sys_facts_read(&sys, &f);
    CHECK(c, isnan(f.cgroup_cpus) && bench_sys_cpus(&f, 8) == 2, "no quota: the online CPUs");
}

/* A machine that says nothing: every fact unknown, nothing fails. */
static void test_silent_machine(check_ctx *c)
{
    char empty[300];
    snprintf(empty, sizeof empty, "%s/nothing", root);
    mkdir(empty, 0777);
    bench_sys sys = {empty, self_cpu};
    bench_sys_facts f;
    bench_sys_facts_read(&sys, &f);
    CHECK(c, f.online_cpus == -1 && isnan(f.cgroup_cpus) && !*f.governor && f.smt == -1 &&
              !*f.kernel && !*f.os && isnan(f.load1) && isnan(f.max_mhz), "unknown facts");
    bench_sys_snap a, b;
    bench_sys_sample(&sys, &a);
    bench_sys_sample(&sys, &b);
    double other, steal;
    bench_sys_between(&a, &b, &other, &steal);
    CHECK(c, isnan(a.load1) && isnan(a.total_s) && isnan(a.cpu_mhz) && isnan(other) && isnan(steal),
          "unknown readings");
    char text[256];
    CHECK(c, bench_sys_warnings(&f, other, steal, text, sizeof text) == 0, "no warning: %s", text);
    CHECK(c, bench_sys_cpus(&f, 3) == 3, "CPUs fall back");
}

static void spread(double *x, int n, double centre, double rel, int shift)
{
    for (int i = 0; i < n; i++)
        x[i] = centre * (1.0 + rel * ((double)(((i * 7 + shift) % 11) - 5) / 5.0));
}

static void test_gate_noisy(check_ctx *c)
{
    stencil_error err = {{0}};
    bench_gate_options opt = {0.05, 0.05, 0.025, 0};
    bench_gate_point g;
    double base[25], fresh[25];
    /* quiet (+-1 %): a planted 10 % slowdown is SLOWER */
    spread(base, 25, 1e9, 0.01, 0);
    spread(fresh, 25, 0.9e9, 0.01, 3);
    bench_gate_decide(base, 25, fresh, 25, NULL, 0, NULL, 0, &opt, &g, &err);
    CHECK(c, g.verdict == BENCH_SLOWER, "quiet, -10 %%: %s (noise %g %g)", bench_verdict_name(g.verdict),
          g.noise_base, g.noise_new);
    /* a hog on the new side (+-40 %): NOISY, never SLOWER or FASTER, whatever the medians */
    spread(fresh, 25, 0.85e9, 0.4, 3);
    bench_gate_decide(base, 25, fresh, 25, NULL, 0, NULL, 0, &opt, &g, &err);
    CHECK(c, g.verdict == BENCH_NOISY && g.noise_new > 0.025 && strstr(g.why, "new median"),
          "noisy new: %s (%s)", bench_verdict_name(g.verdict), g.why);
    spread(fresh, 25, 1.2e9, 0.4, 3);
    bench_gate_decide(base, 25, fresh, 25, NULL, 0, NULL, 0, &opt, &g, &err);
    CHECK(c, g.verdict == BENCH_NOISY, "noisy faster: %s", bench_verdict_name(g.verdict));
    /* without the noise check (max_noise 0) the same rows are judged as before */
    opt.max_noise = 0;
    spread(fresh, 25, 0.5e9, 0.4, 3);
    bench_gate_decide(base, 25, fresh, 25, NULL, 0, NULL, 0, &opt, &g, &err);
    CHECK(c, g.verdict == BENCH_SLOWER, "max_noise 0: %s", bench_verdict_name(g.verdict));
    CHECK(c, strcmp(bench_verdict_name(BENCH_NOISY), "NOISY") == 0, "name");
}

/* 4 runs x 5 repetitions of one point, each run with its copy probe and a rate around rate. */
static void runs_of(bench_row *rows, const char *side, double rate, double probe, int shift)
{
    for (int i = 0; i < 20; i++) {
        bench_row *r = &rows[i];
        bench_row_init(r);
        snprintf(r->run_id, sizeof r->run_id, "%s-%d", side, i / 5 + 1);
        snprintf(r->variant, sizeof r->variant, "openmp");
        snprintf(r->device, sizeof r->device, "cpu");
        snprintf(r->status, sizeof r->status, "ok");
        r->nz = r->ny = r->nx = 48;
        r->timesteps = 10;
        r->threads = 1;
        r->rep = i % 5;
        r->copy_gbps = probe;
        r->cell_updates_per_s = rate * (1.0 + 0.01 * (double)(((i * 7 + shift) % 11) - 5) / 5.0);
        r->compute_s = 1e6 / r->cell_updates_per_s;
    }
}

static bench_verdict gate_rows(bench_row *b, bench_row *f, int per_probe, double *ratio)
{
    stencil_error err = {{0}};
    bench_gate_options opt = {0.05, 0.05, 0.025, per_probe};
    if (per_probe && bench_gate_per_probe(b, 20, f, 20, &err) != STENCIL_OK)
        return BENCH_UNSURE;
    bench_results pb, pf;
    bench_results_build(b, 20, &pb, &err);
    bench_results_build(f, 20, &pf, &err);
    bench_gate_point g;
    bench_gate_decide(pb.p[0].rates, pb.p[0].n, pf.p[0].rates, pf.p[0].n, pb.p[0].run_medians,
                      pb.p[0].nruns, pf.p[0].run_medians, pf.p[0].nruns, &opt, &g, &err);
    *ratio = g.ratio;
    bench_results_free(&pb);
    bench_results_free(&pf);
    return g.verdict;
}

/* The gate over each run's own copy probe (issue 12 item 5): the new side ran while the
 * machine was 10 % slower, which its probe measured too; a real 10 % slowdown is still caught. */
static void test_gate_per_probe(check_ctx *c)
{
    bench_row b[20], f[20];
    double ratio;
    runs_of(b, "base", 1e9, 20.0, 0);
    runs_of(f, "new", 0.9e9, 18.0, 3);
    bench_verdict v = gate_rows(b, f, 0, &ratio);
    CHECK(c, v == BENCH_SLOWER, "by rates the slower machine looks SLOWER: %s", bench_verdict_name(v));
    v = gate_rows(b, f, 1, &ratio);
    CHECK(c, v == BENCH_SAME && fabs(ratio - 1.0) < 0.01, "over the probe: %s %.3fx",
          bench_verdict_name(v), ratio);
    CHECK(c, fabs(b[0].cell_updates_per_s * b[0].compute_s - 1e6) < 1e-3 && b[0].cell_updates_per_s < 0.96e9,
          "rate scaled by 19/20 and compute_s inversely: %g %g", b[0].cell_updates_per_s, b[0].compute_s);
    runs_of(b, "base", 1e9, 20.0, 0); /* a real slowdown on the same machine */
    runs_of(f, "new", 0.9e9, 20.0, 3);
    v = gate_rows(b, f, 1, &ratio);
    CHECK(c, v == BENCH_SLOWER && fabs(ratio - 0.9) < 0.01, "a real slowdown: %s %.3fx",
          bench_verdict_name(v), ratio);
    /* the reference is per device and thread count; a row without a probe keeps its rate */
    runs_of(b, "base", 1e9, 20.0, 0);
    runs_of(f, "new", 1e9, 40.0, 3);
    for (int i = 0; i < 20; i++)
        f[i].threads = 2;
    f[0].copy_gbps = NAN;
    stencil_error err = {{0}};
    double before = f[0].cell_updates_per_s, b1 = b[1].cell_updates_per_s, f1 = f[1].cell_updates_per_s;
    bench_gate_per_probe(b, 20, f, 20, &err);
    CHECK(c, f[0].cell_updates_per_s == before && b[1].cell_updates_per_s == b1 &&
                 f[1].cell_updates_per_s == f1,
          "own medians per thread count; no probe, no change");
}

/* A study on the seam's busy machine: its rows carry the made-up load, clock and others'
 * share, and the console's point line says busy. Fixed repetitions (target 0). */
static void test_study_seam(check_ctx *c)
{
    put("/proc/loadavg", "7.90 5.10 3.00 3/400 1234\n");
    self_cpu_busy(); /* the made-up /proc/stat starts where it will go on from */
    bench_sys sys = {root, self_cpu_busy};
    bench_plan plan;
    memset(&plan, 0, sizeof plan);
    bench_point p;
    memset(&p, 0, sizeof p);
    p.variant = stencil_variant_find("naive");
    p.nz = p.ny = p.nx = 8;
    p.threads = 1;
    p.steps = 2;
    snprintf(p.tuning_text, sizeof p.tuning_text, "default");
    plan.points = &p;
    plan.count = 1;
    plan.reps = 3;
    plan.max_reps = 3;
    plan.k = 0.1f;
    plan.k_value = 0.1;
    plan.thread_counts[0] = 1;
    plan.nthread_counts = 1;
    bench_probes probes;
    memset(&probes, 0, sizeof probes);
    probes.thread_counts[0] = 1;
    probes.cpu_copy_gbps[0] = 10.0;
    probes.nthreads = 1;
    probes.gpu_copy_gbps = -1.0;
    char path[300], out[300];
    snprintf(path, sizeof path, "%s/timings.csv", root);
    snprintf(out, sizeof out, "%s/console.txt", root);
    FILE *csv, *con = fopen(out, "w");
    int version;
    stencil_error err = {{0}};
    CHECK(c, con && bench_csv_open(path, &csv, &version, &err) == STENCIL_OK, "%s", err.msg);
    if (!con)
        return;
    volatile sig_atomic_t stop = 0;
    bench_csv_reporter writer = {csv, version, 0};
    bench_console console = {.out = con, .err = con};
    bench_reporter reps[] = {{bench_csv_report, &writer}, {bench_console_report, &console}};
    bench_study s = {.plan = &plan, .probes = &probes, .reporters = reps, .nreporters = 2,
                     .run_id = "seam", .machine = "fake", .stop = &stop, .sys = &sys};
    CHECK(c, bench_study_run(&s, &err) == STENCIL_OK, "%s", err.msg);
    fclose(csv);
    fclose(con);
    bench_timings t = {0};
    CHECK(c, bench_timings_read(path, BENCH_READ_STRICT, &t, &err) == STENCIL_OK && t.count == 3,
          "%s (%zu rows)", err.msg, t.count);
    for (size_t i = 0; i < t.count; i++) {
        const bench_row *r = &t.rows[i];
        CHECK(c, r->schema_version == 4 && r->load_before == 7.9 && r->load_after == 7.9 &&
                  fabs(r->cpu_mhz - 2200) < 1e-6 && fabs(r->other_cpu - 1.0) < 1e-9 &&
                  r->steal == 0 && r->batch == 1,
              "row %zu: load %g/%g mhz %g other %g steal %g batch %ld", i, r->load_before,
              r->load_after, r->cpu_mhz, r->other_cpu, r->steal, r->batch);
    }
    CHECK(c, t.count == 3 && isnan(t.rows[0].ci_rel) && isfinite(t.rows[2].ci_rel) &&
              isfinite(t.rows[2].cv), "ci_rel from the third repetition on");
    bench_timings_free(&t);
    char text[4096] = "";
    FILE *f = fopen(out, "r");
    size_t n = f ? fread(text, 1, sizeof text - 1, f) : 0;
    text[n] = '\0';
    if (f)
        fclose(f);
    CHECK(c, strstr(text, "busy: other processes 100% of the CPUs") != NULL, "console: %s", text);
}

/* A v1 file (before the noise columns) is read by name with unknown v2 fields, and appended
 * to in v1. */
static void test_v1_file(check_ctx *c)
{
    char path[300];
    snprintf(path, sizeof path, "%s/v1.csv", root);
    FILE *f = fopen(path, "w");
    if (!f)
        return;
    bench_csv_header_write(f, 1);
    fclose(f);
    FILE *csv;
    int version = 0;
    stencil_error err = {{0}};
    CHECK(c, bench_csv_open(path, &csv, &version, &err) == STENCIL_OK && version == 1, "%s v%d",
          err.msg, version);
    if (version != 1)
        return;
    bench_row r;
    bench_row_init(&r);
    snprintf(r.variant, sizeof r.variant, "naive");
    snprintf(r.device, sizeof r.device, "cpu");
    snprintf(r.status, sizeof r.status, "ok");
    r.nz = r.ny = r.nx = 8;
    r.timesteps = 1;
    r.rep = 0;
    r.compute_s = 1e-3;
    r.ci_rel = 0.5;
    r.load_before = 3.0;
    bench_csv_write(csv, version, &r, &err);
    fclose(csv);
    bench_timings t = {0};
    CHECK(c, bench_timings_read(path, BENCH_READ_BY_NAME, &t, &err) == STENCIL_OK && t.count == 1 &&
              t.rows[0].schema_version == 1 && isnan(t.rows[0].ci_rel) &&
              isnan(t.rows[0].load_before) && t.rows[0].batch == -1,
          "v1 row read: %s", err.msg);
    bench_timings_free(&t);
}

int main(void)
{
    check_ctx c = {0};
    snprintf(root, sizeof root, "/tmp/stencil_test_noise_XXXXXX");
    if (!mkdtemp(root))
        return 1;
    test_stop_rule(&c);
    test_seam(&c);
    test_silent_machine(&c);
    test_gate_noisy(&c);
    test_gate_per_probe(&c);
    test_study_seam(&c);
    test_v1_file(&c);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    if (system(cmd) != 0)
        fprintf(stderr, "test_noise: could not remove %s\n", root);
    return check_finish(&c, "test_noise");
}
