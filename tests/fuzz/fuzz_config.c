/* libFuzzer target: a study file (INI) through io_config_load, then every key read back. */
#include "config.h"
#include "fuzz_file.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write(data, size, "study.ini");
    if (!path)
        return 0;
    static io_study_config config;
    stencil_error err;
    io_config_defaults(&config);
    if (io_config_load(path, &config, &err) == STENCIL_OK)
        for (int k = 0; k < IO_KEY_COUNT; k++) {
            long l;
            double d;
            io_config_long(&config, (io_config_key)k, 0, 1000000, &l, &err);
            io_config_double(&config, (io_config_key)k, 0.0, 1.0, &d, &err);
        }
    return 0;
}
