/* libFuzzer target: a timings.csv through bench_timings_read (compare, the gate, plots).
 * The CSV readers are being merged into one: re-point this call, and drop fuzz_results.c. */
#include "fuzz_file.h"
#include "timings/csv_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write(data, size, "timings.csv");
    if (!path)
        return 0;
    stencil_error err;
    bench_timings t;
    memset(&t, 0, sizeof t);
    bench_timings_read(path, &t, &err);
    bench_timings_free(&t);
    return 0;
}
