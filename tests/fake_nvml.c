/* The fake NVML (tests/fake_nvml.h): NVML's signatures with plain C types (the ABI is the
 * same: enums are int, handles pointers), return codes as NVML's. */
#include <stdio.h>
#include <string.h>

#include "fake_nvml.h"

enum { OK = 0, INVALID_ARGUMENT = 2, NOT_SUPPORTED = 3, NOT_FOUND = 6, FUNCTION_NOT_FOUND = 13,
       VERSION_MISMATCH = 25 };

static fake_nvml st; /* the test's script: state of a test double, not of the project */
static int sm_at, reasons_at;

void fake_nvml_set(const fake_nvml *s)
{
    st = *s;
    sm_at = reasons_at = 0;
}

const fake_nvml *fake_nvml_get(void)
{
    return &st;
}

int nvmlInit_v2(void)
{
    st.inits++;
    return st.init_rc;
}

int nvmlShutdown(void)
{
    st.shutdowns++;
    return OK;
}

const char *nvmlErrorString(int rc)
{
    return rc == 9 ? "Driver Not Loaded" : "fake NVML error";
}

int nvmlDeviceGetHandleByPciBusId_v2(const char *bus_id, void **dev)
{
    if (!st.bus_id || strcmp(bus_id, st.bus_id) != 0)
        return NOT_FOUND;
    *dev = &st;
    return OK;
}

int nvmlDeviceGetHandleByIndex_v2(unsigned index, void **dev)
{
    if (index != 0 || !st.by_index)
        return INVALID_ARGUMENT;
    *dev = &st;
    return OK;
}

int nvmlDeviceGetName(void *dev, char *name, unsigned len)
{
    (void)dev;
    snprintf(name, len, "%s", st.name);
    return OK;
}

int nvmlSystemGetDriverVersion(char *version, unsigned len)
{
    snprintf(version, len, "%s", st.driver);
    return OK;
}

int nvmlDeviceGetClockInfo(void *dev, int type, unsigned *mhz)
{
    if (dev != &st || !st.supported || (type != 1 && type != 2))
        return NOT_SUPPORTED;
    if (type == 2) {
        *mhz = st.mem;
        return OK;
    }
    if (!st.nsm)
        return NOT_SUPPORTED;
    *mhz = st.sm[sm_at < st.nsm ? sm_at : st.nsm - 1];
    sm_at++;
    return OK;
}

int nvmlDeviceGetMaxClockInfo(void *dev, int type, unsigned *mhz)
{
    if (dev != &st || !st.supported)
        return NOT_SUPPORTED;
    *mhz = type == 1 ? st.max_sm : st.max_mem;
    return OK;
}

int nvmlDeviceGetTemperature(void *dev, int sensor, unsigned *c)
{
    if (dev != &st || !st.supported || sensor != 0)
        return NOT_SUPPORTED;
    *c = st.temp;
    return OK;
}

typedef struct {
    unsigned version;
    int sensor;
    int temperature;
} temperature_v1;

int nvmlDeviceGetTemperatureV(void *dev, temperature_v1 *t)
{
    if (!st.temperature_v)
        return FUNCTION_NOT_FOUND;
    if (t->version != (unsigned)(sizeof *t | (1u << 24)))
        return VERSION_MISMATCH;
    if (dev != &st || !st.supported || t->sensor != 0)
        return NOT_SUPPORTED;
    t->temperature = (int)st.temp + 1000; /* tells the test which call answered */
    return OK;
}

int nvmlDeviceGetPowerUsage(void *dev, unsigned *mw)
{
    if (dev != &st || !st.supported)
        return NOT_SUPPORTED;
    *mw = st.power_mw;
    return OK;
}

int nvmlDeviceGetEnforcedPowerLimit(void *dev, unsigned *mw)
{
    if (dev != &st || !st.supported)
        return NOT_SUPPORTED;
    *mw = st.limit_mw;
    return OK;
}

static int reasons(void *dev, unsigned long long *r)
{
    if (dev != &st || !st.supported || !st.nreasons)
        return NOT_SUPPORTED;
    *r = st.reasons[reasons_at < st.nreasons ? reasons_at : st.nreasons - 1];
    reasons_at++;
    return OK;
}

int nvmlDeviceGetCurrentClocksEventReasons(void *dev, unsigned long long *r)
{
    return st.event_reasons ? reasons(dev, r) : FUNCTION_NOT_FOUND;
}

int nvmlDeviceGetCurrentClocksThrottleReasons(void *dev, unsigned long long *r)
{
    return reasons(dev, r);
}
