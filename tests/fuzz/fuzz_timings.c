/* libFuzzer target: a timings.csv through bench_timings_read, in both modes (by name, for
 * compare, the gate and plots; strict, for --resume). */
#include "fuzz_file.h"
#include "timings/timings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_write(data, size, "timings.csv");
    if (!path)
        return 0;
    const bench_read_mode modes[] = {BENCH_READ_BY_NAME, BENCH_READ_STRICT};
    for (int m = 0; m < 2; m++) {
        stencil_error err;
        bench_timings t;
        memset(&t, 0, sizeof t);
        bench_timings_read(path, modes[m], &t, &err);
        bench_timings_free(&t);
    }
    return 0;
}
