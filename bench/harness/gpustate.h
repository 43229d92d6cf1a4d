/* The GPU's state while a study runs, from NVML: SM and memory clocks, temperature, power and
 * the reasons its clocks are held down, around every GPU point; its name, top clocks, power
 * limit and driver version for machine.json. NVML is loaded at run time (dlopen of
 * libnvidia-ml.so.1, no link dependency). Where it is missing, finds no device or does not
 * support a reading, that reading is unknown (NAN, -1 or ""), never an error. The seam: the
 * library to load (tests load a fake NVML, tests/fake_nvml.c, that says what they want). */
#ifndef BENCH_GPUSTATE_H
#define BENCH_GPUSTATE_H

#include <stddef.h>

#include "timings/timings.h"

/* NVML's clock event ("throttle") reasons, the bits of nvmlDeviceGetCurrentClocksEventReasons */
#define BENCH_GPU_IDLE 0x1ULL
#define BENCH_GPU_APP_CLOCKS 0x2ULL
#define BENCH_GPU_SW_POWER_CAP 0x4ULL
#define BENCH_GPU_HW_SLOWDOWN 0x8ULL
#define BENCH_GPU_SYNC_BOOST 0x10ULL
#define BENCH_GPU_SW_THERMAL 0x20ULL
#define BENCH_GPU_HW_THERMAL 0x40ULL
#define BENCH_GPU_HW_POWER_BRAKE 0x80ULL
#define BENCH_GPU_DISPLAY_CLOCKS 0x100ULL
/* The reasons that mean power or temperature held the clocks down. */
#define BENCH_GPU_THROTTLE (BENCH_GPU_SW_POWER_CAP | BENCH_GPU_HW_SLOWDOWN | BENCH_GPU_SW_THERMAL | \
                            BENCH_GPU_HW_THERMAL | BENCH_GPU_HW_POWER_BRAKE)
/* A point whose SM clock falls by more than this fraction is flagged. */
#define BENCH_GPU_CLOCK_DROP 0.10

/* One reading. */
typedef struct bench_gpu_snap {
    double sm_mhz, mem_mhz, temp_c, power_w; /* NAN: unknown */
    long long reasons;                       /* BENCH_GPU_* bits; -1: unknown */
} bench_gpu_snap;

/* What does not change during a run. */
typedef struct bench_gpu_facts {
    int nvml;             /* 1: NVML answered for the device */
    char why[256];        /* nvml 0: why ("no NVML: cannot load libnvidia-ml.so.1 ...") */
    char matched_by[16];  /* "pci_bus_id" or "index": how NVML's device was found */
    char name[96];        /* "" unknown */
    char driver[80];      /* the driver's version, e.g. "580.65.06" */
    double max_sm_mhz, max_mem_mhz, power_limit_w; /* NAN: unknown */
} bench_gpu_facts;

typedef struct bench_gpu_mon bench_gpu_mon;

/* Loads library (NULL or "": libnvidia-ml.so.1), initialises NVML and finds the device with
 * the PCI bus id (CUDA's, e.g. "0000:19:00.0"; NULL or "" to skip), else NVML device index
 * (-1 to skip). Returns a monitor however that goes (NULL only when out of memory), with
 * facts filled: what NVML said, or why it said nothing. */
bench_gpu_mon *bench_gpu_mon_open(const char *library, const char *pci_bus_id, int index,
                                  bench_gpu_facts *facts);

/* Shuts NVML down and unloads it; accepts NULL. */
void bench_gpu_mon_close(bench_gpu_mon *mon);

/* One reading (a handful of NVML calls); every field unknown when mon is NULL or NVML is
 * not there. */
void bench_gpu_sample(const bench_gpu_mon *mon, bench_gpu_snap *snap);

/* Reasons as words joined by '|' ("sw_power_cap|sw_thermal"), "none" for 0, "" for unknown;
 * bits without a word as one hex number ("0x200"). */
void bench_gpu_reasons_text(long long reasons, char *buf, size_t cap);

/* The reverse: words (as above) to bits; -1 for "" (unknown). Unknown words are ignored. */
long long bench_gpu_reasons_parse(const char *words);

/* A row's GPU columns (schema v4) from two readings, and back. */
void bench_gpu_row_set(bench_row *row, const bench_gpu_snap *before, const bench_gpu_snap *after);
void bench_gpu_row_get(const bench_row *row, bench_gpu_snap *before, bench_gpu_snap *after);

/* What the readings of one point say: the power/thermal reasons seen in any reading, and the
 * largest fall of the SM clock below the highest one read before it in the point (readings
 * taken while NVML says the GPU is idle do not count as a fall). */
typedef struct bench_gpu_watch {
    long long throttled;          /* BENCH_GPU_THROTTLE bits seen */
    double peak_sm;               /* highest SM clock so far (NAN: none) */
    double drop, drop_from, drop_to; /* largest fall as a fraction of the peak then (0: none) */
} bench_gpu_watch;

void bench_gpu_watch_reset(bench_gpu_watch *w);
/* The reading at the point's start, and one after each repetition. */
void bench_gpu_watch_before(bench_gpu_watch *w, const bench_gpu_snap *snap);
void bench_gpu_watch_after(bench_gpu_watch *w, const bench_gpu_snap *snap);
/* 1 when the point was throttled for power or temperature. */
int bench_gpu_watch_throttled(const bench_gpu_watch *w);
/* 1 when its SM clock fell by more than BENCH_GPU_CLOCK_DROP. */
int bench_gpu_watch_dropped(const bench_gpu_watch *w);

#endif
