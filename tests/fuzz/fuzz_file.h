/* For fuzz targets whose reader takes a path: the input is written to one temporary file per
 * process (under TMPDIR), rewritten for every run, removed at exit. */
#ifndef FUZZ_FILE_H
#define FUZZ_FILE_H

#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char fuzz_path[4096];

static void fuzz_remove(void)
{
    if (*fuzz_path)
        unlink(fuzz_path);
}

/* Writes data to the temporary file named by suffix ("x.ini"); returns its path or NULL. */
static const char *fuzz_write(const uint8_t *data, size_t size, const char *suffix)
{
    if (!*fuzz_path) {
        const char *tmp = getenv("TMPDIR");
        snprintf(fuzz_path, sizeof fuzz_path, "%s/stencilbench_fuzz_%ld_%s",
                 tmp && *tmp ? tmp : "/tmp", (long)getpid(), suffix);
        atexit(fuzz_remove);
    }
    FILE *f = fopen(fuzz_path, "wb");
    if (!f)
        return NULL;
    size_t wrote = size ? fwrite(data, 1, size, f) : 0;
    if (fclose(f) != 0 || wrote != size)
        return NULL;
    return fuzz_path;
}

#endif
