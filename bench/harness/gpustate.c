#define _POSIX_C_SOURCE 200809L
#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/gpustate.h"

/* NVML's types from the CUDA toolkit's nvml.h when the build found it (CMake defines
 * STENCILBENCH_HAVE_NVML_H), else the same ABI written out: NVML keeps these stable. */
#ifdef STENCILBENCH_HAVE_NVML_H
#include <nvml.h>
#else
typedef int nvmlReturn_t;
typedef struct nvmlDevice_st *nvmlDevice_t;
typedef int nvmlClockType_t;
typedef int nvmlTemperatureSensors_t;
#define NVML_SUCCESS 0
#define NVML_CLOCK_SM 1
#define NVML_CLOCK_MEM 2
#define NVML_TEMPERATURE_GPU 0
#endif

/* nvmlTemperature_v1_t, for nvmlDeviceGetTemperatureV (drivers from 2024 on) */
typedef struct nvml_temperature {
    unsigned int version;
    nvmlTemperatureSensors_t sensor;
    int temperature;
} nvml_temperature;
#define NVML_TEMPERATURE_V1 ((unsigned int)(sizeof(nvml_temperature) | (1U << 24)))

typedef nvmlReturn_t (*nvml_void_fn)(void);
typedef const char *(*nvml_error_fn)(nvmlReturn_t);
typedef nvmlReturn_t (*nvml_by_pci_fn)(const char *, nvmlDevice_t *);
typedef nvmlReturn_t (*nvml_by_index_fn)(unsigned int, nvmlDevice_t *);
typedef nvmlReturn_t (*nvml_text_fn)(nvmlDevice_t, char *, unsigned int);
typedef nvmlReturn_t (*nvml_driver_fn)(char *, unsigned int);
typedef nvmlReturn_t (*nvml_clock_fn)(nvmlDevice_t, nvmlClockType_t, unsigned int *);
typedef nvmlReturn_t (*nvml_temp_fn)(nvmlDevice_t, nvmlTemperatureSensors_t, unsigned int *);
typedef nvmlReturn_t (*nvml_tempv_fn)(nvmlDevice_t, nvml_temperature *);
typedef nvmlReturn_t (*nvml_uint_fn)(nvmlDevice_t, unsigned int *);
typedef nvmlReturn_t (*nvml_reasons_fn)(nvmlDevice_t, unsigned long long *);

#ifdef STENCILBENCH_HAVE_NVML_H
/* The pointers above have nvml.h's types (checked without referencing the symbols); the
 * deprecated and the newest entry points are left out so that any nvml.h compiles. */
#define NVML_SAME_TYPE(fn, type) _Static_assert(_Generic(&fn, type: 1, default: 0), #fn)
NVML_SAME_TYPE(nvmlInit_v2, nvml_void_fn);
NVML_SAME_TYPE(nvmlShutdown, nvml_void_fn);
NVML_SAME_TYPE(nvmlErrorString, nvml_error_fn);
NVML_SAME_TYPE(nvmlDeviceGetHandleByPciBusId_v2, nvml_by_pci_fn);
NVML_SAME_TYPE(nvmlDeviceGetHandleByIndex_v2, nvml_by_index_fn);
NVML_SAME_TYPE(nvmlDeviceGetName, nvml_text_fn);
NVML_SAME_TYPE(nvmlSystemGetDriverVersion, nvml_driver_fn);
NVML_SAME_TYPE(nvmlDeviceGetClockInfo, nvml_clock_fn);
NVML_SAME_TYPE(nvmlDeviceGetMaxClockInfo, nvml_clock_fn);
NVML_SAME_TYPE(nvmlDeviceGetPowerUsage, nvml_uint_fn);
NVML_SAME_TYPE(nvmlDeviceGetEnforcedPowerLimit, nvml_uint_fn);
_Static_assert(nvmlClocksThrottleReasonGpuIdle == BENCH_GPU_IDLE &&
                   nvmlClocksThrottleReasonSwPowerCap == BENCH_GPU_SW_POWER_CAP &&
                   nvmlClocksThrottleReasonHwSlowdown == BENCH_GPU_HW_SLOWDOWN &&
                   nvmlClocksThrottleReasonSwThermalSlowdown == BENCH_GPU_SW_THERMAL &&
                   nvmlClocksThrottleReasonHwThermalSlowdown == BENCH_GPU_HW_THERMAL &&
                   nvmlClocksThrottleReasonHwPowerBrakeSlowdown == BENCH_GPU_HW_POWER_BRAKE,
               "NVML's reason bits");
#ifdef nvmlTemperature_v1
_Static_assert(sizeof(nvml_temperature) == sizeof(nvmlTemperature_v1_t) &&
                   NVML_TEMPERATURE_V1 == nvmlTemperature_v1, "nvmlTemperature_v1_t");
#endif
#endif

struct bench_gpu_mon {
    void *lib;
    int initialised, ready; /* nvmlInit_v2 succeeded; a device was found */
    nvmlDevice_t dev;
    nvml_void_fn shutdown;
    nvml_clock_fn clock;
    nvml_temp_fn temp;
    nvml_tempv_fn tempv;
    nvml_uint_fn power;
    nvml_reasons_fn event_reasons, throttle_reasons;
};

/* dlsym's void * as a function pointer (POSIX guarantees the conversion). */
#define NVML_SYM(lib, type, name) ((type)dlsym(lib, name))

static void failed(bench_gpu_facts *f, const char *what, nvmlReturn_t rc, nvml_error_fn text)
{
    const char *s = text ? text(rc) : NULL;
    snprintf(f->why, sizeof f->why, "%s failed: %s (NVML error %d)", what, s ? s : "unknown", (int)rc);
}

bench_gpu_mon *bench_gpu_mon_open(const char *library, const char *pci_bus_id, int index,
                                  bench_gpu_facts *f)
{
    memset(f, 0, sizeof *f);
    f->max_sm_mhz = f->max_mem_mhz = f->power_limit_w = NAN;
    bench_gpu_mon *m = calloc(1, sizeof *m);
    if (!m) {
        snprintf(f->why, sizeof f->why, "out of memory");
        return NULL;
    }
    const char *path = library && *library ? library : "libnvidia-ml.so.1";
    m->lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!m->lib) {
        const char *e = dlerror();
        snprintf(f->why, sizeof f->why, "no NVML: cannot load %.60s (%.150s)", path, e ? e : "");
        return m;
    }
    nvml_void_fn init = NVML_SYM(m->lib, nvml_void_fn, "nvmlInit_v2");
    nvml_error_fn text = NVML_SYM(m->lib, nvml_error_fn, "nvmlErrorString");
    if (!init) {
        snprintf(f->why, sizeof f->why, "no NVML: %.60s has no nvmlInit_v2", path);
        return m;
    }
    nvmlReturn_t rc = init();
    if (rc != NVML_SUCCESS) {
        failed(f, "nvmlInit_v2", rc, text);
        return m;
    }
    m->initialised = 1;
    m->shutdown = NVML_SYM(m->lib, nvml_void_fn, "nvmlShutdown");
    nvml_by_pci_fn by_pci = NVML_SYM(m->lib, nvml_by_pci_fn, "nvmlDeviceGetHandleByPciBusId_v2");
    nvml_by_index_fn by_index = NVML_SYM(m->lib, nvml_by_index_fn, "nvmlDeviceGetHandleByIndex_v2");
    rc = (nvmlReturn_t)-1;
    if (pci_bus_id && *pci_bus_id && by_pci && (rc = by_pci(pci_bus_id, &m->dev)) == NVML_SUCCESS)
        snprintf(f->matched_by, sizeof f->matched_by, "pci_bus_id");
    else if (index >= 0 && by_index && (rc = by_index((unsigned)index, &m->dev)) == NVML_SUCCESS)
        snprintf(f->matched_by, sizeof f->matched_by, "index");
    else {
        char what[128];
        snprintf(what, sizeof what, "finding the GPU (PCI bus id '%.32s', index %d)",
                 pci_bus_id ? pci_bus_id : "", index);
        if (rc == (nvmlReturn_t)-1) /* nothing to look it up by, or no function to do it */
            snprintf(f->why, sizeof f->why, "%s: NVML cannot look it up", what);
        else
            failed(f, what, rc, text);
        return m;
    }
    m->ready = f->nvml = 1;
    m->clock = NVML_SYM(m->lib, nvml_clock_fn, "nvmlDeviceGetClockInfo");
    m->temp = NVML_SYM(m->lib, nvml_temp_fn, "nvmlDeviceGetTemperature");
    m->tempv = NVML_SYM(m->lib, nvml_tempv_fn, "nvmlDeviceGetTemperatureV");
    m->power = NVML_SYM(m->lib, nvml_uint_fn, "nvmlDeviceGetPowerUsage");
    m->event_reasons = NVML_SYM(m->lib, nvml_reasons_fn, "nvmlDeviceGetCurrentClocksEventReasons");
    m->throttle_reasons = NVML_SYM(m->lib, nvml_reasons_fn, "nvmlDeviceGetCurrentClocksThrottleReasons");
    nvml_text_fn name = NVML_SYM(m->lib, nvml_text_fn, "nvmlDeviceGetName");
    nvml_driver_fn driver = NVML_SYM(m->lib, nvml_driver_fn, "nvmlSystemGetDriverVersion");
    nvml_clock_fn max_clock = NVML_SYM(m->lib, nvml_clock_fn, "nvmlDeviceGetMaxClockInfo");
    nvml_uint_fn limit = NVML_SYM(m->lib, nvml_uint_fn, "nvmlDeviceGetEnforcedPowerLimit");
    unsigned int v;
    if (!name || name(m->dev, f->name, sizeof f->name) != NVML_SUCCESS)
        f->name[0] = '\0';
    if (!driver || driver(f->driver, sizeof f->driver) != NVML_SUCCESS)
        f->driver[0] = '\0';
    f->name[sizeof f->name - 1] = f->driver[sizeof f->driver - 1] = '\0';
    if (max_clock && max_clock(m->dev, NVML_CLOCK_SM, &v) == NVML_SUCCESS)
        f->max_sm_mhz = v;
    if (max_clock && max_clock(m->dev, NVML_CLOCK_MEM, &v) == NVML_SUCCESS)
        f->max_mem_mhz = v;
    if (limit && limit(m->dev, &v) == NVML_SUCCESS)
        f->power_limit_w = v / 1000.0;
    return m;
}

void bench_gpu_mon_close(bench_gpu_mon *m)
{
    if (!m)
        return;
    if (m->initialised && m->shutdown)
        m->shutdown();
    if (m->lib)
        dlclose(m->lib);
    free(m);
}

void bench_gpu_sample(const bench_gpu_mon *m, bench_gpu_snap *s)
{
    s->sm_mhz = s->mem_mhz = s->temp_c = s->power_w = NAN;
    s->reasons = -1;
    if (!m || !m->ready)
        return;
    unsigned int v;
    if (m->clock && m->clock(m->dev, NVML_CLOCK_SM, &v) == NVML_SUCCESS)
        s->sm_mhz = v;
    if (m->clock && m->clock(m->dev, NVML_CLOCK_MEM, &v) == NVML_SUCCESS)
        s->mem_mhz = v;
    nvml_temperature t = {NVML_TEMPERATURE_V1, NVML_TEMPERATURE_GPU, 0};
    if (m->tempv && m->tempv(m->dev, &t) == NVML_SUCCESS)
        s->temp_c = t.temperature;
    else if (m->temp && m->temp(m->dev, NVML_TEMPERATURE_GPU, &v) == NVML_SUCCESS)
        s->temp_c = v;
    if (m->power && m->power(m->dev, &v) == NVML_SUCCESS)
        s->power_w = v / 1000.0;
    unsigned long long r;
    /* the newer name first (drivers from 535 on), else the one it replaced */
    if ((m->event_reasons && m->event_reasons(m->dev, &r) == NVML_SUCCESS) ||
        (m->throttle_reasons && m->throttle_reasons(m->dev, &r) == NVML_SUCCESS))
        s->reasons = (long long)(r & 0x7fffffffffffffffULL);
}

static const struct {
    unsigned long long bit;
    const char *word;
} reason_words[] = {
    {BENCH_GPU_IDLE, "gpu_idle"},         {BENCH_GPU_APP_CLOCKS, "app_clocks"},
    {BENCH_GPU_SW_POWER_CAP, "sw_power_cap"}, {BENCH_GPU_HW_SLOWDOWN, "hw_slowdown"},
    {BENCH_GPU_SYNC_BOOST, "sync_boost"}, {BENCH_GPU_SW_THERMAL, "sw_thermal"},
    {BENCH_GPU_HW_THERMAL, "hw_thermal"}, {BENCH_GPU_HW_POWER_BRAKE, "hw_power_brake"},
    {BENCH_GPU_DISPLAY_CLOCKS, "display_clocks"},
};
enum { NWORDS = sizeof reason_words / sizeof reason_words[0] };

void bench_gpu_reasons_text(long long reasons, char *buf, size_t cap)
{
    if (!cap)
        return;
    buf[0] = '\0';
    if (reasons < 0)
        return;
    if (reasons == 0) {
        snprintf(buf, cap, "none");
        return;
    }
    size_t used = 0;
    unsigned long long left = (unsigned long long)reasons;
    for (size_t i = 0; i < NWORDS && used < cap; i++)
        if (left & reason_words[i].bit) {
            left &= ~reason_words[i].bit;
            used += (size_t)snprintf(buf + used, cap - used, "%s%s", used ? "|" : "", reason_words[i].word);
        }
    if (left && used < cap)
        snprintf(buf + used, cap - used, "%s0x%llx", used ? "|" : "", left);
}

long long bench_gpu_reasons_parse(const char *words)
{
    if (!words || !*words)
        return -1;
    long long bits = 0;
    for (const char *p = words; *p;) {
        size_t n = strcspn(p, "|");
        for (size_t i = 0; i < NWORDS; i++)
            if (strlen(reason_words[i].word) == n && strncmp(p, reason_words[i].word, n) == 0)
                bits |= (long long)reason_words[i].bit;
        if (n > 2 && p[0] == '0' && p[1] == 'x')
            bits |= (long long)(strtoull(p, NULL, 16) & 0x7fffffffffffffffULL);
        p += n;
        if (*p == '|')
            p++;
    }
    return bits;
}

void bench_gpu_row_set(bench_row *r, const bench_gpu_snap *b, const bench_gpu_snap *a)
{
    r->gpu_sm_mhz_before = b->sm_mhz;
    r->gpu_mem_mhz_before = b->mem_mhz;
    r->gpu_temp_c_before = b->temp_c;
    r->gpu_power_w_before = b->power_w;
    bench_gpu_reasons_text(b->reasons, r->gpu_throttle_before, sizeof r->gpu_throttle_before);
    r->gpu_sm_mhz_after = a->sm_mhz;
    r->gpu_mem_mhz_after = a->mem_mhz;
    r->gpu_temp_c_after = a->temp_c;
    r->gpu_power_w_after = a->power_w;
    bench_gpu_reasons_text(a->reasons, r->gpu_throttle_after, sizeof r->gpu_throttle_after);
}

void bench_gpu_row_get(const bench_row *r, bench_gpu_snap *b, bench_gpu_snap *a)
{
    *b = (bench_gpu_snap){r->gpu_sm_mhz_before, r->gpu_mem_mhz_before, r->gpu_temp_c_before,
                          r->gpu_power_w_before, bench_gpu_reasons_parse(r->gpu_throttle_before)};
    *a = (bench_gpu_snap){r->gpu_sm_mhz_after, r->gpu_mem_mhz_after, r->gpu_temp_c_after,
                          r->gpu_power_w_after, bench_gpu_reasons_parse(r->gpu_throttle_after)};
}

void bench_gpu_watch_reset(bench_gpu_watch *w)
{
    w->throttled = 0;
    w->peak_sm = NAN;
    w->drop = 0.0;
    w->drop_from = w->drop_to = NAN;
}

static void watch(bench_gpu_watch *w, const bench_gpu_snap *s, int after)
{
    if (s->reasons > 0)
        w->throttled |= s->reasons & (long long)BENCH_GPU_THROTTLE;
    if (!(s->sm_mhz > 0))
        return;
    int idle = s->reasons > 0 && (s->reasons & (long long)BENCH_GPU_IDLE);
    if (after && !idle && w->peak_sm > 0 && 1.0 - s->sm_mhz / w->peak_sm > w->drop) {
        w->drop = 1.0 - s->sm_mhz / w->peak_sm;
        w->drop_from = w->peak_sm;
        w->drop_to = s->sm_mhz;
    }
    if (!(s->sm_mhz <= w->peak_sm))
        w->peak_sm = s->sm_mhz;
}

void bench_gpu_watch_before(bench_gpu_watch *w, const bench_gpu_snap *s)
{
    watch(w, s, 0);
}

void bench_gpu_watch_after(bench_gpu_watch *w, const bench_gpu_snap *s)
{
    watch(w, s, 1);
}

int bench_gpu_watch_throttled(const bench_gpu_watch *w)
{
    return w->throttled != 0;
}

int bench_gpu_watch_dropped(const bench_gpu_watch *w)
{
    return w->drop > BENCH_GPU_CLOCK_DROP;
}
