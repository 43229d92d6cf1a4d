#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "timings/csv_read.h"

enum { MAX_FIELDS = 64 };

const char *bench_provenance_name(bench_provenance p)
{
    return p == BENCH_PUBLISHED ? "published" : p == BENCH_PROJECTED ? "projected" : "measured";
}

int bench_csv_split(char *line, char **fields, int max)
{
    size_t len = strlen(line);
    while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
        line[--len] = '\0';
    int n = 0;
    char *p = line;
    for (;;) {
        if (n == max)
            return n;
        if (*p == '"') { /* quoted: "" is a quote; the field ends at the closing quote */
            char *w = ++p;
            fields[n++] = w;
            while (*p) {
                if (*p == '"' && p[1] == '"') {
                    *w++ = '"';
                    p += 2;
                } else if (*p == '"') {
                    p++;
                    break;
                } else {
                    *w++ = *p++;
                }
            }
            char *next = strchr(p, ',');
            *w = '\0';
            if (!next)
                return n;
            p = next + 1;
        } else {
            fields[n++] = p;
            char *comma = strchr(p, ',');
            if (!comma)
                return n;
            *comma = '\0';
            p = comma + 1;
        }
    }
}

typedef struct columns {
    int schema_version, run_id, provenance, machine, variant, device, scheme, k, nz, ny, nx;
    int grid_source, threads, tuning, host_memory, timesteps, rep, compute_s, rate, eff_gbps;
    int copy_gbps, roofline, status, source, land;
} columns;

static int find_col(char **names, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    return -1;
}

static void copy_field(char *dst, size_t cap, char **f, int nf, int col, const char *dflt)
{
    const char *s = (col >= 0 && col < nf && *f[col]) ? f[col] : dflt;
    snprintf(dst, cap, "%s", s);
}

/* 1 when the field is empty or absent (value then NAN), 1 with the value when it is a
 * number, 0 when it is text that is not a number. */
static int num_field(char **f, int nf, int col, double *out)
{
    *out = NAN;
    if (col < 0 || col >= nf || !*f[col])
        return 1;
    char *end;
    errno = 0;
    double v = strtod(f[col], &end);
    if (*end || errno)
        return 0;
    *out = v;
    return 1;
}

static stencil_status read_file(FILE *fp, const char *path, bench_timings *t, stencil_error *err)
{
    char *line = NULL;
    size_t cap = 0;
    stencil_status st = STENCIL_OK;
    char *names[MAX_FIELDS], *f[MAX_FIELDS];
    char *header = NULL;
    if (getline(&line, &cap, fp) < 0) {
        snprintf(err->msg, sizeof err->msg, "%.300s: empty file (want a timings.csv header line)", path);
        free(line);
        return STENCIL_ERR_ARG;
    }
    header = strdup(line);
    if (!header) {
        free(line);
        snprintf(err->msg, sizeof err->msg, "out of memory");
        return STENCIL_ERR_NOMEM;
    }
    int nh = bench_csv_split(header, names, MAX_FIELDS);
    columns c = {
        find_col(names, nh, "schema_version"), find_col(names, nh, "run_id"),
        find_col(names, nh, "provenance"),     find_col(names, nh, "machine"),
        find_col(names, nh, "variant"),        find_col(names, nh, "device"),
        find_col(names, nh, "scheme"),         find_col(names, nh, "k"),
        find_col(names, nh, "nz"),             find_col(names, nh, "ny"),
        find_col(names, nh, "nx"),             find_col(names, nh, "grid_source"),
        find_col(names, nh, "threads"),        find_col(names, nh, "tuning"),
        find_col(names, nh, "host_memory"),    find_col(names, nh, "timesteps"),
        find_col(names, nh, "rep"),            find_col(names, nh, "compute_s"),
        find_col(names, nh, "cell_updates_per_s"), find_col(names, nh, "effective_gbps"),
        find_col(names, nh, "copy_gbps"),      find_col(names, nh, "roofline_fraction"),
        find_col(names, nh, "status"),         find_col(names, nh, "source"),
        find_col(names, nh, "land_fraction")};
    const char *missing = c.schema_version < 0 ? "schema_version"
                          : c.variant < 0      ? "variant"
                          : c.nz < 0           ? "nz"
                          : c.ny < 0           ? "ny"
                          : c.nx < 0           ? "nx"
                          : c.timesteps < 0    ? "timesteps"
                          : c.status < 0       ? "status"
                          : (c.rate < 0 && c.compute_s < 0) ? "cell_updates_per_s (or compute_s)"
                                                            : NULL;
    if (missing) {
        snprintf(err->msg, sizeof err->msg,
                 "%.300s: line 1: the header has no '%s' column; is this a stencilbench timings.csv "
                 "(results/SCHEMA.md)?", path, missing);
        st = STENCIL_ERR_ARG;
        goto done;
    }
    long lineno = 1;
    while (getline(&line, &cap, fp) >= 0) {
        lineno++;
        if (line[0] == '\n' || line[0] == '\0' || (line[0] == '\r' && line[1] == '\n'))
            continue;
        int nf = bench_csv_split(line, f, MAX_FIELDS);
        if (nf != nh) {
            snprintf(err->msg, sizeof err->msg, "%.300s: line %ld: %d fields, the header has %d", path,
                     lineno, nf, nh);
            st = STENCIL_ERR_ARG;
            goto done;
        }
        if (t->count == t->capacity) {
            size_t ncap = t->capacity ? 2 * t->capacity : 256;
            bench_row *nr = realloc(t->rows, ncap * sizeof *nr);
            if (!nr) {
                snprintf(err->msg, sizeof err->msg, "out of memory reading %.300s", path);
                st = STENCIL_ERR_NOMEM;
                goto done;
            }
            t->rows = nr;
            t->capacity = ncap;
        }
        bench_row *r = &t->rows[t->count];
        memset(r, 0, sizeof *r);
        double ver, nz, ny, nx, th, ts, rep;
        int good = num_field(f, nf, c.schema_version, &ver) && num_field(f, nf, c.nz, &nz) &&
                   num_field(f, nf, c.ny, &ny) && num_field(f, nf, c.nx, &nx) &&
                   num_field(f, nf, c.threads, &th) && num_field(f, nf, c.timesteps, &ts) &&
                   num_field(f, nf, c.rep, &rep) && num_field(f, nf, c.k, &r->k) && num_field(f, nf, c.land, &r->land_fraction) &&
                   num_field(f, nf, c.compute_s, &r->compute_s) &&
                   num_field(f, nf, c.rate, &r->cell_updates_per_s) &&
                   num_field(f, nf, c.eff_gbps, &r->effective_gbps) &&
                   num_field(f, nf, c.copy_gbps, &r->copy_gbps) &&
                   num_field(f, nf, c.roofline, &r->roofline_fraction);
        if (!good) {
            snprintf(err->msg, sizeof err->msg, "%.300s: line %ld: a numeric column holds text", path, lineno);
            st = STENCIL_ERR_ARG;
            goto done;
        }
        if (ver != 1.0) {
            snprintf(err->msg, sizeof err->msg,
                     "%.300s: line %ld: schema_version '%s', this stencilbench reads version 1", path,
                     lineno, f[c.schema_version]);
            st = STENCIL_ERR_ARG;
            goto done;
        }
        if (!(nz >= 1 && ny >= 1 && nx >= 1 && ts >= 0)) {
            snprintf(err->msg, sizeof err->msg, "%.300s: line %ld: nz, ny, nx and timesteps must be given", path, lineno);
            st = STENCIL_ERR_ARG;
            goto done;
        }
        r->nz = (long)nz;
        r->ny = (long)ny;
        r->nx = (long)nx;
        r->timesteps = (long)ts;
        r->threads = isnan(th) ? 1 : (long)th;
        r->rep = isnan(rep) ? (long)t->count : (long)rep;
        char prov[32];
        copy_field(prov, sizeof prov, f, nf, c.provenance, "measured");
        if (strcmp(prov, "measured") == 0)
            r->provenance = BENCH_MEASURED;
        else if (strcmp(prov, "published") == 0)
            r->provenance = BENCH_PUBLISHED;
        else if (strcmp(prov, "projected") == 0)
            r->provenance = BENCH_PROJECTED;
        else {
            snprintf(err->msg, sizeof err->msg,
                     "%.300s: line %ld: provenance '%s' (want measured, published or projected)", path,
                     lineno, prov);
            st = STENCIL_ERR_ARG;
            goto done;
        }
        copy_field(r->run_id, sizeof r->run_id, f, nf, c.run_id, "");
        copy_field(r->machine, sizeof r->machine, f, nf, c.machine, "");
        copy_field(r->variant, sizeof r->variant, f, nf, c.variant, "");
        copy_field(r->device, sizeof r->device, f, nf, c.device, "cpu");
        copy_field(r->scheme, sizeof r->scheme, f, nf, c.scheme, "course");
        copy_field(r->tuning, sizeof r->tuning, f, nf, c.tuning, "default");
        copy_field(r->host_memory, sizeof r->host_memory, f, nf, c.host_memory, "none");
        copy_field(r->grid_source, sizeof r->grid_source, f, nf, c.grid_source, "synthetic");
        copy_field(r->status, sizeof r->status, f, nf, c.status, "");
        copy_field(r->source, sizeof r->source, f, nf, c.source, "");
        if (!(r->cell_updates_per_s > 0.0) && r->compute_s > 0.0)
            r->cell_updates_per_s =
                bench_cell_updates((size_t)r->nz, (size_t)r->ny, (size_t)r->nx, (int)r->timesteps) /
                r->compute_s;
        r->ok = strcmp(r->status, "ok") == 0 && r->cell_updates_per_s > 0.0 &&
                isfinite(r->cell_updates_per_s);
        t->count++;
    }
    if (ferror(fp)) {
        snprintf(err->msg, sizeof err->msg, "%.300s: read error", path);
        st = STENCIL_ERR_IO;
    }
done:
    free(header);
    free(line);
    return st;
}

stencil_status bench_timings_read(const char *path, bench_timings *t, stencil_error *err)
{
    char file[1100];
    struct stat sb;
    if (stat(path, &sb) != 0) {
        snprintf(err->msg, sizeof err->msg, "%.300s: %s (want a run folder or a timings.csv)", path,
                 strerror(errno));
        return STENCIL_ERR_IO;
    }
    snprintf(file, sizeof file, S_ISDIR(sb.st_mode) ? "%s/timings.csv" : "%s", path);
    FILE *fp = fopen(file, "r");
    if (!fp) {
        snprintf(err->msg, sizeof err->msg, "%.300s: %s (want a run folder holding timings.csv)", file,
                 strerror(errno));
        return STENCIL_ERR_IO;
    }
    if (!t->path[0])
        snprintf(t->path, sizeof t->path, "%s", path);
    stencil_status st = read_file(fp, file, t, err);
    fclose(fp);
    return st;
}

void bench_timings_free(bench_timings *t)
{
    free(t->rows);
    memset(t, 0, sizeof *t);
}
