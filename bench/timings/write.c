#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "timings/timings.h"

int bench_csv_header_write(FILE *f, int version)
{
    size_t n;
    const bench_column *c = bench_columns(&n);
    for (size_t i = 0; i < n; i++)
        if (c[i].since <= version && fprintf(f, "%s%s", i ? "," : "", c[i].name) < 0)
            return -1;
    return fputc('\n', f) == EOF ? -1 : 0;
}

static void write_field(FILE *f, int version, const bench_row *r, const bench_column *c)
{
    const char *at = (const char *)r + c->offset;
    switch (c->kind) {
    case BENCH_COL_VERSION:
        fprintf(f, "%d", version);
        break;
    case BENCH_COL_INT:
        if (*(const long *)at >= 0)
            fprintf(f, "%ld", *(const long *)at);
        break;
    case BENCH_COL_REAL: {
        double v = *(const double *)at;
        if (isfinite(v))
            fprintf(f, "%.9g", v);
        break;
    }
    case BENCH_COL_TEXT:
        fputs(at, f);
        break;
    case BENCH_COL_PROV:
        fputs(bench_provenance_name(*(const bench_provenance *)at), f);
        break;
    }
}

stencil_status bench_csv_write(FILE *f, int version, const bench_row *r, stencil_error *err)
{
    size_t n;
    const bench_column *c = bench_columns(&n);
    for (size_t i = 0; i < n; i++) {
        if (c[i].since > version)
            continue;
        if (i)
            fputc(',', f);
        write_field(f, version, r, &c[i]);
    }
    fputc('\n', f);
    if (fflush(f) != 0 || ferror(f))
        return stencil_fail(err, STENCIL_ERR_IO, "cannot write a row to timings.csv: %s",
                            strerror(errno));
    return STENCIL_OK;
}

stencil_status bench_csv_open(const char *path, FILE **out, int *version, stencil_error *err)
{
    *version = BENCH_CSV_SCHEMA_VERSION;
    struct stat sb;
    int exists = stat(path, &sb) == 0 && sb.st_size > 0;
    if (exists) {
        /* Check the header; drop an unfinished last line (the process was killed mid-write). */
        FILE *f = fopen(path, "r");
        if (!f)
            return stencil_fail(err, STENCIL_ERR_IO, "cannot read %s: %s", path, strerror(errno));
        char *line = NULL;
        size_t cap = 0;
        ssize_t len = getline(&line, &cap, f);
        int ok = len > 0 && line[len - 1] == '\n' && (*version = bench_csv_header_version(line)) > 0;
        long keep = 0;
        if (ok) {
            keep = ftell(f);
            while ((len = getline(&line, &cap, f)) > 0)
                if (line[len - 1] == '\n')
                    keep = ftell(f);
        }
        free(line);
        fclose(f);
        if (!ok)
            return stencil_fail(err, STENCIL_ERR_IO,
                                "%s does not start with a timings.csv header (versions 1 to %d)",
                                path, BENCH_CSV_SCHEMA_VERSION);
        if (keep < sb.st_size && truncate(path, keep) != 0)
            return stencil_fail(err, STENCIL_ERR_IO, "cannot truncate %s: %s", path, strerror(errno));
    }
    FILE *f = fopen(path, "a");
    if (!f)
        return stencil_fail(err, STENCIL_ERR_IO, "cannot write %s: %s", path, strerror(errno));
    if (!exists && (bench_csv_header_write(f, *version) != 0 || fflush(f) != 0)) {
        fclose(f);
        return stencil_fail(err, STENCIL_ERR_IO, "cannot write %s: %s", path, strerror(errno));
    }
    *out = f;
    return STENCIL_OK;
}
