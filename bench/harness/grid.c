#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/grid.h"

static int parse_axis(const char **p, size_t *out)
{
    if (!isdigit((unsigned char)**p))
        return 0;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(*p, &end, 10);
    if (errno || v < 1 || v > BENCH_GRID_MAX_AXIS)
        return 0;
    *out = (size_t)v;
    *p = end;
    return 1;
}

stencil_status bench_parse_grid(const char *text, size_t *nz, size_t *ny, size_t *nx,
                                stencil_error *err)
{
    const char *p = text;
    size_t v[3];
    int n = 0, dangling = 0; /* dangling: an 'x' with no size after it, as in "7x" */
    while (n < 3) {
        if (!parse_axis(&p, &v[n]))
            break;
        n++;
        dangling = 0;
        if (*p != 'x' && *p != 'X')
            break;
        p++;
        dangling = 1;
    }
    if (*p != '\0' || dangling || (n != 1 && n != 3))
        return stencil_fail(err, STENCIL_ERR_ARG,
                            "grid '%s' is malformed: write NZxNYxNX (e.g. 50x222x241) or N for an "
                            "N^3 cube, each size a whole number from 1 to %u",
                            text, BENCH_GRID_MAX_AXIS);
    if (n == 1)
        v[1] = v[2] = v[0];
    *nz = v[0];
    *ny = v[1];
    *nx = v[2];
    return STENCIL_OK;
}

size_t bench_available_memory(void)
{
    FILE *f = fopen("/proc/meminfo", "r");
    if (f) {
        char line[256];
        unsigned long long kb = 0;
        while (fgets(line, sizeof line, f))
            if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
                break;
        fclose(f);
        if (kb)
            return (size_t)(kb * 1024ull);
    }
    long pages = sysconf(_SC_AVPHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    return pages > 0 && size > 0 ? (size_t)pages * (size_t)size : 0;
}

stencil_status bench_check_memory(size_t nz, size_t ny, size_t nx, int arrays, stencil_error *err)
{
    double need = (double)nz * (double)ny * (double)nx * sizeof(float) * arrays * 1.1;
    size_t have = bench_available_memory();
    if (have && need > (double)have)
        return stencil_fail(err, STENCIL_ERR_NOMEM,
                            "grid %zux%zux%zu needs about %.1f GiB of host memory (%d fields), "
                            "but only %.1f GiB is available: choose a smaller grid",
                            nz, ny, nx, need / 1073741824.0, arrays, (double)have / 1073741824.0);
    if (need > (double)SIZE_MAX / 2)
        return stencil_fail(err, STENCIL_ERR_NOMEM, "grid %zux%zux%zu is too large to address",
                            nz, ny, nx);
    return STENCIL_OK;
}
