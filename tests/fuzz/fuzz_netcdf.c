/* libFuzzer target: a netCDF file through io_dataset_open, then (for fields up to 2^22 cells)
 * the first time slice through io_dataset_read, the attributes and the time coordinate text. */
#include <math.h>

#include "dataset.h"
#include "fuzz_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__asan_default_options(void);

/* libnetcdf allocates what a header declares and reports NC_ENOMEM when it cannot: let a
 * failed allocation return NULL as it does in the release build (the RSS limit still holds). */
const char *__asan_default_options(void)
{
    return "allocator_may_return_null=1";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write(data, size, "input.nc");
    if (!path)
        return 0;
    static io_dataset ds;
    stencil_error err;
    memset(&ds, 0, sizeof ds);
    if (io_dataset_open(path, NULL, &ds, &err) == STENCIL_OK) {
        const size_t most = (size_t)1 << 22;
        if (ds.nz && ds.ny && ds.nx && ds.nz <= most && ds.ny <= most / ds.nz &&
            ds.nx <= most / (ds.nz * ds.ny)) {
            float *f = malloc(ds.nz * ds.ny * ds.nx * sizeof *f);
            if (f)
                io_dataset_read(&ds, 0, f, NULL, &err);
            free(f);
        }
        char name[IO_NAME_LEN], value[512];
        for (int i = 0; i < io_dataset_global_count(&ds) && i < 64; i++)
            io_dataset_global(&ds, i, name, sizeof name, value, sizeof value, &err);
        const io_axis *time = &ds.axes[IO_AXIS_TIME];
        for (size_t i = 0; time->values && i < time->len && i < 64; i++)
            io_time_text(time->values[i], time->units, value, sizeof value);
    }
    io_dataset_close(&ds);
    return 0;
}
