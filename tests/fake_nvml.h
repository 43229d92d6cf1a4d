/* A fake NVML for test_gpustate: libfake_nvml.so exports the entry points that
 * bench/harness/gpustate.c loads from libnvidia-ml.so.1, answering what the test set with
 * fake_nvml_set (reached through dlsym on the same library). */
#ifndef TEST_FAKE_NVML_H
#define TEST_FAKE_NVML_H

typedef struct fake_nvml {
    int init_rc;             /* what nvmlInit_v2 answers (0: success) */
    const char *bus_id;      /* the device's PCI bus id; any other is not found */
    int by_index;            /* 1: NVML index 0 is the device */
    int supported;           /* 0: every reading answers NVML_ERROR_NOT_SUPPORTED */
    int event_reasons;       /* 0: an older driver (no nvmlDeviceGetCurrentClocksEventReasons) */
    int temperature_v;       /* 1: nvmlDeviceGetTemperatureV answers, else only the old call */
    char name[96], driver[80];
    unsigned sm[8];          /* SM clocks, one per reading, the last one repeated */
    int nsm;
    unsigned long long reasons[8]; /* clock event reasons, likewise */
    int nreasons;
    unsigned mem, temp, power_mw, limit_mw, max_sm, max_mem;
    int inits, shutdowns;    /* counted by the fake */
} fake_nvml;

typedef void (*fake_nvml_set_fn)(const fake_nvml *state);
typedef const fake_nvml *(*fake_nvml_get_fn)(void);

#endif
