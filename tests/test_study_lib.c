/* The study runner with variants made up for the test: one that computes a wrong cell
 * (every row failed:validation, counted as a failure, the study goes on), one that is
 * unavailable (a skipped:unavailable row), and naive and tiled around them (ok rows). */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/study.h"
#include "report/report.h"
#include "check.h"

static const stencil_variant *naive(void) { return stencil_variant_find("naive"); }

static stencil_status broken_download(void *state, float *out, stencil_error *err)
{
    stencil_status st = naive()->download(state, out, err);
    out[1 * 8 * 8 + 2 * 8 + 3] += 0.5f; /* one interior cell off by 0.5 */
    return st;
}

static int never(char *why, size_t len)
{
    snprintf(why, len, "made up for the test");
    return 0;
}

int main(void)
{
    check_ctx t = {0};
    stencil_variant broken = *naive();
    broken.name = "broken";
    broken.download = broken_download;
    stencil_variant absent = *naive();
    absent.name = "absent";
    absent.available = never;

    const stencil_variant *vs[] = {naive(), &broken, &absent, stencil_variant_find("tiled")};
    bench_plan plan;
    memset(&plan, 0, sizeof plan);
    bench_point points[4];
    for (int i = 0; i < 4; i++) {
        memset(&points[i], 0, sizeof points[i]);
        points[i].variant = vs[i];
        points[i].nz = points[i].ny = points[i].nx = 8;
        points[i].threads = 1;
        points[i].steps = 3;
        snprintf(points[i].tuning_text, sizeof points[i].tuning_text, "default");
    }
    plan.points = points;
    plan.count = 4;
    plan.reps = 2;
    plan.warmup = 1;
    plan.k = 0.1f;
    plan.k_value = 0.1;
    plan.land_fraction = 0.3;
    plan.seed = 7;
    plan.thread_counts[0] = 1;
    plan.nthread_counts = 1;

    bench_probes probes;
    memset(&probes, 0, sizeof probes);
    probes.thread_counts[0] = 1;
    probes.cpu_copy_gbps[0] = 10.0;
    probes.nthreads = 1;
    probes.gpu_copy_gbps = -1.0;

    char path[] = "/tmp/stencil_test_study_XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return 1;
    close(fd);
    unlink(path);
    FILE *csv;
    int version;
    stencil_error err = {{0}};
    CHECK(&t, bench_csv_open(path, &csv, &version, &err) == STENCIL_OK, "%s", err.msg);
    volatile sig_atomic_t stop = 0;
    bench_csv_reporter writer = {csv, version, 0};
    bench_reporter rep = {bench_csv_report, &writer};
    bench_study s = {.plan = &plan, .probes = &probes, .reporters = &rep, .nreporters = 1,
                     .run_id = "test-run", .machine = "host", .stop = &stop};
    CHECK(&t, bench_study_run(&s, &err) == STENCIL_OK, "%s", err.msg);
    fclose(csv);
    CHECK(&t, s.points_run == 2 && s.points_failed == 1 && s.points_skipped == 1,
          "run %zu failed %zu skipped %zu", s.points_run, s.points_failed, s.points_skipped);
    CHECK(&t, writer.rows == 2 + 2 + 1 + 2, "rows %zu", writer.rows);

    bench_timings read = {0};
    CHECK(&t, bench_timings_read(path, BENCH_READ_STRICT, &read, &err) == STENCIL_OK, "%s", err.msg);
    const bench_row *rows = read.rows;
    size_t n = read.count;
    for (size_t i = 0; i < n; i++) {
        const bench_row *r = &rows[i];
        if (strcmp(r->variant, "broken") == 0)
            CHECK(&t, strncmp(r->status, "failed:validation: 1 cells differ", 33) == 0 &&
                          r->max_abs_err > 0.4 && r->rep >= 0 && r->compute_s > 0,
                  "broken row: %s", r->status);
        else if (strcmp(r->variant, "absent") == 0)
            CHECK(&t, strcmp(r->status, "skipped:unavailable: made up for the test") == 0 &&
                          r->rep == -1 && isnan(r->compute_s),
                  "absent row: %s", r->status);
        else
            CHECK(&t, strcmp(r->status, "ok") == 0 && r->max_abs_err == 0 &&
                          fabs(r->roofline_fraction - r->effective_gbps / 10.0) < 1e-9 &&
                          r->land_fraction > 0.2 && r->land_fraction < 0.4,
                  "%s row: %s", r->variant, r->status);
    }
    bench_timings_free(&read);

    /* The stop flag, set before the study, runs nothing. */
    stop = 1;
    CHECK(&t, bench_csv_open(path, &csv, &version, &err) == STENCIL_OK, "%s", err.msg);
    writer = (bench_csv_reporter){csv, version, 0};
    bench_study s2 = {.plan = &plan, .probes = &probes, .reporters = &rep, .nreporters = 1,
                      .run_id = "test-run", .machine = "host", .stop = &stop};
    CHECK(&t, bench_study_run(&s2, &err) == STENCIL_OK && s2.interrupted && writer.rows == 0,
          "stopped study");
    fclose(csv);
    unlink(path);
    return check_finish(&t, "test_study_lib");
}
