/* The GPU's state (bench/harness/gpustate.c) through its seam: a fake NVML library (argv[1],
 * tests/fake_nvml.c) says a GPU is healthy, throttled, dropping its clock, or says nothing;
 * the readings reach timings.csv's v4 columns, machine.json's state.gpu, the console's point
 * line and the summary's warnings. With no NVML at all every reading is unknown, the
 * columns are empty and nothing fails. */
#define _POSIX_C_SOURCE 200809L
#include <cjson/cJSON.h>
#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "fake_nvml.h"
#include "harness/gpustate.h"
#include "harness/machine.h"
#include "report/report.h"

static const char *fake_path;
static fake_nvml_set_fn fake_set;
static fake_nvml_get_fn fake_get;
static char root[256];

static fake_nvml healthy(void)
{
    fake_nvml f;
    memset(&f, 0, sizeof f);
    f.bus_id = "00000000:19:00.0";
    f.supported = f.event_reasons = 1;
    snprintf(f.name, sizeof f.name, "NVIDIA H200");
    snprintf(f.driver, sizeof f.driver, "580.65.06");
    f.sm[0] = 1980;
    f.nsm = 1;
    f.nreasons = 1; /* reasons[0] = 0: none */
    f.mem = 3201, f.temp = 41, f.power_mw = 118500, f.limit_mw = 700000;
    f.max_sm = 1980, f.max_mem = 3201;
    return f;
}

static bench_gpu_mon *open_fake(const fake_nvml *f, bench_gpu_facts *facts)
{
    fake_set(f);
    return bench_gpu_mon_open(fake_path, "00000000:19:00.0", 0, facts);
}

static int unknown(const bench_gpu_snap *s)
{
    return isnan(s->sm_mhz) && isnan(s->mem_mhz) && isnan(s->temp_c) && isnan(s->power_w) &&
           s->reasons == -1;
}

static void test_words(check_ctx *c)
{
    char w[160];
    bench_gpu_reasons_text(0, w, sizeof w);
    CHECK(c, strcmp(w, "none") == 0, "0: '%s'", w);
    bench_gpu_reasons_text(-1, w, sizeof w);
    CHECK(c, !*w, "unknown: '%s'", w);
    bench_gpu_reasons_text(0x4 | 0x8 | 0x20, w, sizeof w);
    CHECK(c, strcmp(w, "sw_power_cap|hw_slowdown|sw_thermal") == 0, "'%s'", w);
    long long all = 0x1ff | 0x200 | 0x4000;
    bench_gpu_reasons_text(all, w, sizeof w);
    CHECK(c, strstr(w, "gpu_idle|app_clocks|") == w && strstr(w, "hw_power_brake|display_clocks|0x4200") &&
              bench_gpu_reasons_parse(w) == all, "every bit and two without words: '%s'", w);
    CHECK(c, bench_gpu_reasons_parse("") == -1 && bench_gpu_reasons_parse("none") == 0 &&
              bench_gpu_reasons_parse("sw_thermal|gpu_idle") == 0x21, "parse");
}

/* NVML absent: a library that is not there, and no monitor at all. */
static void test_no_nvml(check_ctx *c)
{
    bench_gpu_facts f;
    bench_gpu_mon *m = bench_gpu_mon_open("/nonexistent/libnvidia-ml.so.1", "00000000:19:00.0", 0, &f);
    CHECK(c, m && !f.nvml && strstr(f.why, "no NVML: cannot load /nonexistent/libnvidia-ml.so.1") &&
              !*f.name && !*f.driver && isnan(f.max_sm_mhz) && isnan(f.power_limit_w),
          "why '%s'", f.why);
    bench_gpu_snap s, t;
    bench_gpu_sample(m, &s);
    bench_gpu_sample(NULL, &t);
    CHECK(c, unknown(&s) && unknown(&t), "readings unknown");
    bench_gpu_watch w;
    bench_gpu_watch_reset(&w);
    bench_gpu_watch_before(&w, &s);
    bench_gpu_watch_after(&w, &t);
    CHECK(c, !bench_gpu_watch_throttled(&w) && !bench_gpu_watch_dropped(&w), "nothing flagged");
    bench_gpu_mon_close(m);
    bench_gpu_mon_close(NULL);
}

static void test_healthy(check_ctx *c)
{
    fake_nvml f = healthy();
    bench_gpu_facts facts;
    bench_gpu_mon *m = open_fake(&f, &facts);
    CHECK(c, m && facts.nvml && !*facts.why && strcmp(facts.matched_by, "pci_bus_id") == 0 &&
              strcmp(facts.name, "NVIDIA H200") == 0 && strcmp(facts.driver, "580.65.06") == 0 &&
              facts.max_sm_mhz == 1980 && facts.max_mem_mhz == 3201 && facts.power_limit_w == 700,
          "facts: nvml %d why '%s' by '%s' name '%s' driver '%s' max %g/%g limit %g", facts.nvml,
          facts.why, facts.matched_by, facts.name, facts.driver, facts.max_sm_mhz,
          facts.max_mem_mhz, facts.power_limit_w);
    bench_gpu_snap s;
    bench_gpu_sample(m, &s);
    CHECK(c, s.sm_mhz == 1980 && s.mem_mhz == 3201 && s.temp_c == 41 && s.power_w == 118.5 &&
              s.reasons == 0, "reading %g %g %g %g %lld", s.sm_mhz, s.mem_mhz, s.temp_c, s.power_w,
          s.reasons);
    bench_gpu_mon_close(m);
    CHECK(c, fake_get()->inits == 1 && fake_get()->shutdowns == 1, "init %d, shutdown %d",
          fake_get()->inits, fake_get()->shutdowns);

    /* an older driver: no clock event reasons (the throttle reasons answer), and a newer one's
     * nvmlDeviceGetTemperatureV preferred where it answers */
    f.event_reasons = 0;
    f.reasons[0] = 0x4;
    f.temperature_v = 1;
    m = open_fake(&f, &facts);
    bench_gpu_sample(m, &s);
    CHECK(c, s.reasons == 0x4 && s.temp_c == 1041, "old driver reasons %lld, temperature %g",
          s.reasons, s.temp_c);
    bench_gpu_mon_close(m);

    /* found by index where the bus id is not NVML's; neither: not read, and why */
    f = healthy();
    f.bus_id = "00000000:3b:00.0";
    f.by_index = 1;
    m = open_fake(&f, &facts);
    CHECK(c, facts.nvml && strcmp(facts.matched_by, "index") == 0, "by index: %s", facts.why);
    bench_gpu_mon_close(m);
    f.by_index = 0;
    m = open_fake(&f, &facts);
    bench_gpu_sample(m, &s);
    CHECK(c, m && !facts.nvml && strstr(facts.why, "finding the GPU (PCI bus id '00000000:19:00.0'") &&
              unknown(&s), "no device: '%s'", facts.why);
    bench_gpu_mon_close(m);
    CHECK(c, fake_get()->shutdowns == 1, "initialised NVML is shut down");

    /* nvmlInit_v2 fails (no driver loaded) */
    f = healthy();
    f.init_rc = 9;
    m = open_fake(&f, &facts);
    bench_gpu_sample(m, &s);
    CHECK(c, m && !facts.nvml && strstr(facts.why, "nvmlInit_v2 failed: Driver Not Loaded (NVML error 9)") &&
              unknown(&s), "init: '%s'", facts.why);
    bench_gpu_mon_close(m);
    CHECK(c, fake_get()->shutdowns == 0, "no shutdown without init");

    /* a device that supports no reading */
    f = healthy();
    f.supported = 0;
    m = open_fake(&f, &facts);
    bench_gpu_sample(m, &s);
    CHECK(c, facts.nvml && isnan(facts.max_sm_mhz) && isnan(facts.power_limit_w) && unknown(&s),
          "unsupported readings unknown");
    bench_gpu_mon_close(m);
}

/* A point's readings: throttled, a falling clock, an idle GPU's low clock (not a fall). */
static void test_watch(check_ctx *c)
{
    fake_nvml f = healthy();
    f.sm[1] = 1980, f.sm[2] = 1700;
    f.nsm = 3;
    f.reasons[1] = 0x4 | 0x20;
    f.reasons[2] = 0x4;
    f.nreasons = 3;
    bench_gpu_facts facts;
    bench_gpu_mon *m = open_fake(&f, &facts);
    bench_gpu_snap b, a;
    bench_gpu_watch w;
    bench_gpu_watch_reset(&w);
    bench_gpu_sample(m, &b);
    bench_gpu_watch_before(&w, &b);
    CHECK(c, !bench_gpu_watch_throttled(&w) && !bench_gpu_watch_dropped(&w), "quiet start");
    bench_gpu_sample(m, &a);
    bench_gpu_watch_after(&w, &a);
    CHECK(c, bench_gpu_watch_throttled(&w) && w.throttled == (0x4 | 0x20) && !bench_gpu_watch_dropped(&w),
          "throttled %llx", (unsigned long long)w.throttled);
    bench_gpu_sample(m, &a);
    bench_gpu_watch_after(&w, &a);
    CHECK(c, bench_gpu_watch_dropped(&w) && w.drop_from == 1980 && w.drop_to == 1700 &&
              fabs(w.drop - 280.0 / 1980.0) < 1e-12, "drop %g from %g to %g", w.drop, w.drop_from,
          w.drop_to);
    bench_gpu_mon_close(m);

    bench_gpu_snap busy = {1980, 3201, 60, 500, 0}, idle = {600, 3201, 50, 90, 0x1},
                   slower = {1850, 3201, 60, 500, 0};
    bench_gpu_watch_reset(&w);
    bench_gpu_watch_before(&w, &busy);
    bench_gpu_watch_after(&w, &idle);
    bench_gpu_watch_after(&w, &slower);
    CHECK(c, !bench_gpu_watch_dropped(&w) && !bench_gpu_watch_throttled(&w) && w.drop < 0.1,
          "idle 600 MHz is no fall; 1980 -> 1850 (6.6 %%) is under 10 %%: drop %g", w.drop);
    /* an idle start (low clock) then a loaded clock: a rise, not a fall */
    bench_gpu_watch_reset(&w);
    bench_gpu_watch_before(&w, &idle);
    bench_gpu_watch_after(&w, &busy);
    CHECK(c, w.drop == 0 && w.peak_sm == 1980, "rise: drop %g", w.drop);
}

/* Readings into a v4 row, written and read back; with no NVML, empty fields. */
static void test_csv(check_ctx *c)
{
    char path[300];
    snprintf(path, sizeof path, "%s/timings.csv", root);
    FILE *csv;
    int version = 0;
    stencil_error err = {{0}};
    CHECK(c, bench_csv_open(path, &csv, &version, &err) == STENCIL_OK && version == 4, "%s v%d",
          err.msg, version);
    if (version != 4)
        return;
    bench_gpu_snap b = {1980, 3201, 41, 118.5, 0}, a = {1755, 3201, 83, 699.5, 0x4 | 0x20}, none;
    bench_gpu_sample(NULL, &none);
    bench_row r;
    for (int i = 0; i < 2; i++) {
        bench_row_init(&r);
        snprintf(r.variant, sizeof r.variant, "cuda_shared");
        snprintf(r.device, sizeof r.device, "gpu");
        snprintf(r.status, sizeof r.status, "ok");
        r.nz = r.ny = r.nx = 64;
        r.timesteps = 10;
        r.rep = i;
        r.compute_s = 1e-3;
        bench_gpu_row_set(&r, i ? &none : &b, i ? &none : &a);
        CHECK(c, bench_csv_write(csv, version, &r, &err) == STENCIL_OK, "%s", err.msg);
    }
    fclose(csv);
    char text[4096] = "";
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(text, 1, sizeof text - 1, f) : 0;
    text[n] = '\0';
    if (f)
        fclose(f);
    CHECK(c, strstr(text, ",cpu_mhz,gpu_sm_mhz_before,gpu_mem_mhz_before,gpu_temp_c_before,"
                          "gpu_power_w_before,gpu_throttle_before,gpu_sm_mhz_after,gpu_mem_mhz_after,"
                          "gpu_temp_c_after,gpu_power_w_after,gpu_throttle_after\n") &&
              strstr(text, ",1980,3201,41,118.5,none,1755,3201,83,699.5,sw_power_cap|sw_thermal\n") &&
              strstr(text, ",,,,,,,,,,\n"), "file:\n%s", text);
    bench_timings t = {0};
    CHECK(c, bench_timings_read(path, BENCH_READ_STRICT, &t, &err) == STENCIL_OK && t.count == 2,
          "%s", err.msg);
    if (t.count == 2) {
        const bench_row *x = &t.rows[0], *y = &t.rows[1];
        CHECK(c, x->schema_version == 4 && x->gpu_sm_mhz_before == 1980 && x->gpu_power_w_after == 699.5 &&
                  strcmp(x->gpu_throttle_before, "none") == 0 &&
                  strcmp(x->gpu_throttle_after, "sw_power_cap|sw_thermal") == 0, "row 0 back");
        CHECK(c, isnan(y->gpu_sm_mhz_before) && isnan(y->gpu_temp_c_after) && !*y->gpu_throttle_after,
              "row 1: unknown");
        bench_gpu_snap b2, a2;
        bench_gpu_row_get(x, &b2, &a2);
        CHECK(c, b2.sm_mhz == 1980 && b2.reasons == 0 && a2.reasons == (0x4 | 0x20) && a2.temp_c == 83,
              "row to readings");
    }
    bench_timings_free(&t);
}

static cJSON *read_json(const char *path)
{
    char *text = malloc(1 << 16);
    FILE *f = fopen(path, "r");
    size_t n = f && text ? fread(text, 1, (1 << 16) - 1, f) : 0;
    if (f)
        fclose(f);
    if (!text)
        return NULL;
    text[n] = '\0';
    cJSON *o = cJSON_Parse(text);
    free(text);
    return o;
}

static void test_machine_json(check_ctx *c)
{
    bench_topology topo;
    memset(&topo, 0, sizeof topo);
    topo.cores = 1;
    bench_probes probes;
    memset(&probes, 0, sizeof probes);
    probes.gpu_copy_gbps = probes.pinned_h2d_gbps = probes.pinned_d2h_gbps = -1;
    probes.pageable_h2d_gbps = probes.pageable_d2h_gbps = -1;
    fake_nvml f = healthy();
    bench_gpu_facts facts;
    bench_gpu_mon *m = open_fake(&f, &facts);
    bench_gpu_snap before, after = {1755, 3201, 83, 699.5, 0x4};
    bench_gpu_sample(m, &before);
    bench_gpu_mon_close(m);
    bench_record_info info = {"run", "host", "2026-11-29T10:00:00Z", NULL, NULL, 0, 0, -1, -1,
                              NULL, NULL, NAN, NAN, 0, NULL, NULL, NAN, &facts, &before, &after};
    char path[300];
    snprintf(path, sizeof path, "%s/machine.json", root);
    stencil_error err = {{0}};
    CHECK(c, bench_machine_json_write(path, &info, &topo, &probes, NULL, &err) == STENCIL_OK, "%s", err.msg);
    cJSON *o = read_json(path);
    cJSON *g = cJSON_GetObjectItem(cJSON_GetObjectItem(o, "state"), "gpu");
    cJSON *b = cJSON_GetObjectItem(g, "before"), *a = cJSON_GetObjectItem(g, "after");
    CHECK(c, cJSON_IsTrue(cJSON_GetObjectItem(g, "nvml")) && cJSON_IsNull(cJSON_GetObjectItem(g, "why")) &&
              strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(g, "name")), "NVIDIA H200") == 0 &&
              strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(g, "driver_version")), "580.65.06") == 0 &&
              strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(g, "matched_by")), "pci_bus_id") == 0 &&
              cJSON_GetNumberValue(cJSON_GetObjectItem(g, "max_sm_mhz")) == 1980 &&
              cJSON_GetNumberValue(cJSON_GetObjectItem(g, "max_mem_mhz")) == 3201 &&
              cJSON_GetNumberValue(cJSON_GetObjectItem(g, "power_limit_w")) == 700 &&
              cJSON_GetNumberValue(cJSON_GetObjectItem(b, "sm_mhz")) == 1980 &&
              strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(b, "throttle")), "none") == 0 &&
              cJSON_GetNumberValue(cJSON_GetObjectItem(a, "temp_c")) == 83 &&
              strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(a, "throttle")), "sw_power_cap") == 0,
          "state.gpu with NVML");
    cJSON_Delete(o);

    /* no NVML: the reason, every fact and reading null */
    m = bench_gpu_mon_open("/nonexistent/libnvidia-ml.so.1", "00000000:19:00.0", 0, &facts);
    bench_gpu_sample(m, &before);
    bench_gpu_mon_close(m);
    info.gpu_after = &before;
    CHECK(c, bench_machine_json_write(path, &info, &topo, &probes, NULL, &err) == STENCIL_OK, "%s", err.msg);
    o = read_json(path);
    g = cJSON_GetObjectItem(cJSON_GetObjectItem(o, "state"), "gpu");
    b = cJSON_GetObjectItem(g, "before");
    CHECK(c, cJSON_IsFalse(cJSON_GetObjectItem(g, "nvml")) &&
              strstr(cJSON_GetStringValue(cJSON_GetObjectItem(g, "why")), "no NVML") &&
              cJSON_IsNull(cJSON_GetObjectItem(g, "name")) && cJSON_IsNull(cJSON_GetObjectItem(g, "max_sm_mhz")) &&
              cJSON_IsNull(cJSON_GetObjectItem(b, "sm_mhz")) && cJSON_IsNull(cJSON_GetObjectItem(b, "throttle")),
          "state.gpu without NVML");
    cJSON_Delete(o);

    /* no GPU in the run: null */
    info.gpu_facts = NULL;
    CHECK(c, bench_machine_json_write(path, &info, &topo, &probes, NULL, &err) == STENCIL_OK, "%s", err.msg);
    o = read_json(path);
    CHECK(c, cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetObjectItem(o, "state"), "gpu")), "no GPU: null");
    cJSON_Delete(o);
}

static stencil_variant fake_gpu_variant(void)
{
    stencil_variant v;
    memset(&v, 0, sizeof v);
    v.name = "cuda_fake";
    v.device = STENCIL_GPU;
    v.bytes_per_cell = 8;
    return v;
}

/* The console's line for a finished GPU point, with the point's watch. */
static void console_line(const bench_gpu_watch *w, const stencil_variant *v, char *text, size_t cap)
{
    bench_point p;
    memset(&p, 0, sizeof p);
    p.variant = v;
    p.nz = p.ny = p.nx = 64;
    p.threads = 1;
    p.steps = 10;
    snprintf(p.tuning_text, sizeof p.tuning_text, "default");
    bench_plan plan;
    memset(&plan, 0, sizeof plan);
    plan.points = &p;
    plan.count = 1;
    plan.reps = plan.max_reps = 3;
    plan.target_noise = 0.02;
    bench_probes probes;
    memset(&probes, 0, sizeof probes);
    double compute[3] = {1e-3, 1e-3, 1e-3}, zero[3] = {0, 0, 0};
    bench_event ev = {.kind = BENCH_EV_POINT_DONE, .plan = &plan, .probes = &probes, .point = &p,
                      .rep = -1, .status = "ok", .nrep = 3, .compute_s = compute, .h2d_s = zero,
                      .d2h_s = zero, .copy_gbps = 4000, .cv = 0, .ci_rel = 0.001,
                      .other_cpu = NAN, .steal = NAN, .gpu = w};
    FILE *f = tmpfile();
    bench_console con = {.out = f, .err = f};
    stencil_error err;
    bench_console_report(&con, &ev, &err);
    rewind(f);
    size_t n = fread(text, 1, cap - 1, f);
    text[n] = '\0';
    fclose(f);
}

static void test_console(check_ctx *c)
{
    stencil_variant v = fake_gpu_variant();
    bench_gpu_snap b = {1980, 3201, 60, 500, 0}, a = {1700, 3201, 85, 700, 0x4 | 0x20};
    bench_gpu_watch w;
    bench_gpu_watch_reset(&w);
    bench_gpu_watch_before(&w, &b);
    bench_gpu_watch_after(&w, &a);
    char text[2048];
    console_line(&w, &v, text, sizeof text);
    CHECK(c, strstr(text, "GPU THROTTLED: sw_power_cap|sw_thermal") &&
              strstr(text, "GPU SM clock fell 14% (1980 -> 1700 MHz)"), "console:\n%s", text);
    bench_gpu_watch_reset(&w);
    bench_gpu_watch_before(&w, &b);
    bench_gpu_watch_after(&w, &b);
    console_line(&w, &v, text, sizeof text);
    CHECK(c, strstr(text, "cuda_fake") && !strstr(text, "GPU"), "a steady GPU: no note:\n%s", text);
    bench_gpu_snap none;
    bench_gpu_sample(NULL, &none);
    bench_gpu_watch_reset(&w);
    bench_gpu_watch_before(&w, &none);
    bench_gpu_watch_after(&w, &none);
    console_line(&w, &v, text, sizeof text);
    CHECK(c, strstr(text, "cuda_fake") && !strstr(text, "GPU"), "no NVML: no note:\n%s", text);
}

/* The summary's warnings from rows: a throttled point, a point whose clock fell, a steady
 * one, and a point NVML said nothing about. */
static void test_summary(check_ctx *c)
{
    enum { N = 12 };
    bench_row rows[N];
    bench_gpu_snap steady = {1980, 3201, 60, 500, 0}, capped = {1830, 3201, 70, 700, 0x4},
                   fallen = {1600, 3201, 88, 690, 0}, none;
    bench_gpu_sample(NULL, &none);
    for (int i = 0; i < N; i++) {
        bench_row *r = &rows[i];
        bench_row_init(r);
        snprintf(r->variant, sizeof r->variant, "cuda_fake");
        snprintf(r->device, sizeof r->device, "gpu");
        snprintf(r->status, sizeof r->status, "ok");
        snprintf(r->tuning, sizeof r->tuning, "default");
        snprintf(r->host_memory, sizeof r->host_memory, "pinned");
        r->nz = r->ny = r->nx = 64 << (i / 3); /* 4 points of 3 repetitions */
        r->timesteps = 10;
        r->threads = 1;
        r->rep = i % 3;
        bench_row_set_times(r, 1e-3, 1e-3 * (1 + 0.001 * (i % 3)), 1e-3, 8);
        int point = i / 3, rep = i % 3;
        const bench_gpu_snap *after = point == 0 && rep == 1 ? &capped
                                    : point == 1 && rep == 2 ? &fallen
                                    : point == 3 ? &none : &steady;
        bench_gpu_row_set(r, point == 3 ? &none : &steady, after);
    }
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    bench_summary_notes(f, rows, N, NULL);
    fclose(f);
    CHECK(c, text && strstr(text, "Warnings:") &&
              strstr(text, "- the GPU was throttled for power or temperature (sw_power_cap) during 1 of 3 GPU points") &&
              strstr(text, "- the GPU's SM clock fell by more than 10 % within 1 of 3 GPU points (at most 19 %, 1980 -> 1600 MHz)"),
          "summary:\n%s", text ? text : "");
    free(text);
    /* the same rows with nothing from NVML: no GPU warning */
    for (int i = 0; i < N; i++)
        bench_gpu_row_set(&rows[i], &none, &none);
    text = NULL;
    f = open_memstream(&text, &len);
    bench_summary_notes(f, rows, N, NULL);
    fclose(f);
    CHECK(c, text && !strstr(text, "GPU"), "no NVML, no GPU warning:\n%s", text ? text : "");
    free(text);
}

int main(int argc, char **argv)
{
    check_ctx c = {0};
    if (argc < 2) {
        fprintf(stderr, "usage: test_gpustate PATH/TO/libfake_nvml.so\n");
        return 2;
    }
    fake_path = argv[1];
    void *fake = dlopen(fake_path, RTLD_NOW | RTLD_LOCAL);
    if (!fake) {
        fprintf(stderr, "test_gpustate: %s\n", dlerror());
        return 1;
    }
    fake_set = (fake_nvml_set_fn)dlsym(fake, "fake_nvml_set");
    fake_get = (fake_nvml_get_fn)dlsym(fake, "fake_nvml_get");
    if (!fake_set || !fake_get)
        return 1;
    snprintf(root, sizeof root, "/tmp/stencil_test_gpustate_XXXXXX");
    if (!mkdtemp(root))
        return 1;
    test_words(&c);
    test_no_nvml(&c);
    test_healthy(&c);
    test_watch(&c);
    test_csv(&c);
    test_machine_json(&c);
    test_console(&c);
    test_summary(&c);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    if (system(cmd) != 0)
        fprintf(stderr, "test_gpustate: could not remove %s\n", root);
    dlclose(fake);
    return check_finish(&c, "test_gpustate");
}
