/* libFuzzer target: grid text ("NZxNYxNX" or "N") through bench_parse_grid. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "harness/grid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    size_t nz, ny, nx;
    stencil_error err;
    bench_parse_grid(text, &nz, &ny, &nx, &err);
    free(text);
    return 0;
}
