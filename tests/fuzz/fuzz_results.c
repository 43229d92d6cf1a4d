/* libFuzzer target: a timings.csv through bench_csv_read (a run's own rows, --resume). */
#include "fuzz_file.h"
#include "timings/results.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write(data, size, "timings.csv");
    if (!path)
        return 0;
    stencil_error err;
    bench_row *rows = NULL;
    size_t count = 0;
    if (bench_csv_read(path, &rows, &count, &err) == STENCIL_OK)
        free(rows);
    return 0;
}
