#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "timings/timings.h"

enum { MAX_FIELDS = 64, MAX_COLUMNS = 64 };

#define BENCH_STR2(x) #x
#define BENCH_STR(x) BENCH_STR2(x)

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

typedef struct reader {
    const char *path;
    bench_read_mode mode;
    const bench_column *cols;
    size_t ncols;
    int at[MAX_COLUMNS]; /* the file's field index of each schema column, -1 when absent */
    int nfields;         /* fields per line (the header's) */
    int has_rep;
    int version;      /* the first row's schema_version */
    size_t first_row; /* t->count before this file */
} reader;

static stencil_status bad(const reader *rd, long line, stencil_error *err, const char *what,
                          const char *col, const char *value)
{
    return stencil_fail(err, STENCIL_ERR_ARG, "%.300s: line %ld: %s%s%s%s%s%.60s%s", rd->path, line,
                        col ? "column '" : "", col ? col : "", col ? "': " : "", what,
                        value ? " '" : "", value ? value : "", value ? "'" : "");
}

static stencil_status read_header(reader *rd, char *line, stencil_error *err)
{
    char *names[MAX_FIELDS];
    if (rd->mode == BENCH_READ_STRICT && bench_csv_header_version(line) == 0)
        return stencil_fail(err, STENCIL_ERR_ARG,
                            "%.300s:1: not a timings.csv header (versions 1 to %d, results/SCHEMA.md)",
                            rd->path, BENCH_CSV_SCHEMA_VERSION);
    rd->nfields = bench_csv_split(line, names, MAX_FIELDS);
    rd->cols = bench_columns(&rd->ncols);
    for (size_t i = 0; i < rd->ncols; i++) {
        rd->at[i] = -1;
        for (int j = 0; j < rd->nfields; j++)
            if (strcmp(names[j], rd->cols[i].name) == 0)
                rd->at[i] = j;
        if (rd->at[i] < 0 && rd->cols[i].required &&
            strcmp(rd->cols[i].name, "cell_updates_per_s") != 0) /* else derived: below */
            return stencil_fail(err, STENCIL_ERR_ARG,
                                "%.300s: line 1: the header has no '%s' column; is this a "
                                "stencilbench timings.csv (results/SCHEMA.md)?",
                                rd->path, rd->cols[i].name);
    }
    int rate = -1, compute = -1;
    for (size_t i = 0; i < rd->ncols; i++) {
        if (strcmp(rd->cols[i].name, "rep") == 0)
            rd->has_rep = rd->at[i] >= 0;
        if (strcmp(rd->cols[i].name, "cell_updates_per_s") == 0)
            rate = rd->at[i];
        if (strcmp(rd->cols[i].name, "compute_s") == 0)
            compute = rd->at[i];
    }
    if (rate < 0 && compute < 0)
        return stencil_fail(err, STENCIL_ERR_ARG,
                            "%.300s: line 1: the header has no 'cell_updates_per_s (or compute_s)' "
                            "column; is this a stencilbench timings.csv (results/SCHEMA.md)?",
                            rd->path);
    return STENCIL_OK;
}

/* One field into the row; 0 when it is not a value of its column's kind. */
static int parse_field(const bench_column *c, const char *text, bench_row *r)
{
    char *at = (char *)r + c->offset, *end;
    errno = 0;
    switch (c->kind) {
    case BENCH_COL_VERSION: {
        long v = strtol(text, &end, 10);
        if (*end || !*text || v < 1 || v > BENCH_CSV_SCHEMA_VERSION)
            return 0;
        *(int *)at = (int)v;
        return 1;
    }
    case BENCH_COL_INT: {
        if (!*text) {
            *(long *)at = -1;
            return !c->required;
        }
        long v = strtol(text, &end, 10);
        if (*end || errno || v < 0)
            return 0;
        *(long *)at = v;
        return 1;
    }
    case BENCH_COL_REAL: {
        if (!*text) {
            *(double *)at = NAN;
            return 1;
        }
        double v = strtod(text, &end);
        if (*end || errno == ERANGE || !isfinite(v))
            return 0;
        *(double *)at = v;
        return 1;
    }
    case BENCH_COL_TEXT:
        if (strlen(text) >= c->cap)
            return 0;
        strcpy(at, text);
        return 1;
    case BENCH_COL_PROV:
        for (int p = BENCH_MEASURED; p <= BENCH_PROJECTED; p++)
            if (strcmp(text, bench_provenance_name((bench_provenance)p)) == 0) {
                *(bench_provenance *)at = (bench_provenance)p;
                return 1;
            }
        return 0;
    }
    return 0;
}

static const char *expect(const bench_column *c)
{
    switch (c->kind) {
    case BENCH_COL_VERSION:
        return BENCH_CSV_SCHEMA_VERSION == 1
                   ? "this stencilbench reads version 1, not"
                   : "this stencilbench reads versions 1 to " BENCH_STR(BENCH_CSV_SCHEMA_VERSION) ", not";
    case BENCH_COL_INT:
        return c->required ? "want a whole number >= 0, not" : "want a whole number >= 0 or empty, not";
    case BENCH_COL_REAL:
        return "want a finite number or empty, not";
    case BENCH_COL_PROV:
        return "want measured, published or projected, not";
    default:
        return "text too long (or empty where required):";
    }
}

static stencil_status parse_line(reader *rd, char *line, long lineno, size_t index,
                                 bench_row *r, stencil_error *err)
{
    char *f[MAX_FIELDS];
    int nf = bench_csv_split(line, f, MAX_FIELDS);
    if (nf != rd->nfields)
        return stencil_fail(err, STENCIL_ERR_ARG, "%.300s: line %ld: %d fields, the header has %d",
                            rd->path, lineno, nf, rd->nfields);
    bench_row_init(r);
    for (size_t i = 0; i < rd->ncols; i++) {
        const bench_column *c = &rd->cols[i];
        const char *text = rd->at[i] >= 0 ? f[rd->at[i]] : c->fallback;
        if (rd->at[i] >= 0 && !*text && *c->fallback)
            text = c->fallback;
        if (!parse_field(c, text, r) || (c->kind == BENCH_COL_TEXT && c->required && !*text))
            return bad(rd, lineno, err, expect(c), c->name, text);
    }
    if (r->nz < 1 || r->ny < 1 || r->nx < 1)
        return bad(rd, lineno, err, "nz, ny and nx must be 1 or more", NULL, NULL);
    if (index > rd->first_row && r->schema_version != rd->version)
        return bad(rd, lineno, err, "differs from the file's first row:", "schema_version", NULL);
    if (index == rd->first_row)
        rd->version = r->schema_version;
    if (strcmp(r->device, "cpu") != 0 && strcmp(r->device, "gpu") != 0)
        return bad(rd, lineno, err, "want cpu or gpu, not", "device", r->device);
    if (!rd->has_rep) /* no rep column: the row's index */
        r->rep = (long)index;
    if (!(r->cell_updates_per_s > 0.0) && r->compute_s > 0.0)
        r->cell_updates_per_s =
            bench_cell_updates((size_t)r->nz, (size_t)r->ny, (size_t)r->nx, r->timesteps) / r->compute_s;
    return STENCIL_OK;
}

static stencil_status read_file(FILE *fp, reader *rd, bench_timings *t, stencil_error *err)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t len = getline(&line, &cap, fp);
    stencil_status st = STENCIL_OK;
    if (len < 0)
        st = stencil_fail(err, STENCIL_ERR_ARG, "%.300s: empty file (want a timings.csv header line)",
                          rd->path);
    else
        st = read_header(rd, line, err);
    for (long lineno = 2; st == STENCIL_OK && (len = getline(&line, &cap, fp)) >= 0; lineno++) {
        if (line[0] == '\n' || (line[0] == '\r' && line[1] == '\n'))
            continue;
        if (rd->mode == BENCH_READ_STRICT && line[len - 1] != '\n')
            continue; /* a row cut short by a crash: --resume drops it */
        if (t->count == t->capacity) {
            size_t ncap = t->capacity ? 2 * t->capacity : 256;
            bench_row *nr = realloc(t->rows, ncap * sizeof *nr);
            if (!nr) {
                st = stencil_fail(err, STENCIL_ERR_NOMEM, "out of memory reading %.300s", rd->path);
                break;
            }
            t->rows = nr;
            t->capacity = ncap;
        }
        st = parse_line(rd, line, lineno, t->count, &t->rows[t->count], err);
        if (st == STENCIL_OK)
            t->count++;
    }
    if (st == STENCIL_OK && ferror(fp))
        st = stencil_fail(err, STENCIL_ERR_IO, "%.300s: read error", rd->path);
    free(line);
    return st;
}

stencil_status bench_timings_read(const char *path, bench_read_mode mode, bench_timings *t,
                                  stencil_error *err)
{
    char file[1100];
    struct stat sb;
    if (stat(path, &sb) != 0)
        return stencil_fail(err, STENCIL_ERR_IO, "%.300s: %s (want a run folder or a timings.csv)",
                            path, strerror(errno));
    if ((size_t)snprintf(file, sizeof file, S_ISDIR(sb.st_mode) ? "%s/timings.csv" : "%s", path) >=
        sizeof file)
        return stencil_fail(err, STENCIL_ERR_ARG, "%.300s...: path too long", path);
    FILE *fp = fopen(file, "r");
    if (!fp)
        return stencil_fail(err, STENCIL_ERR_IO, "%.300s: %s (want a run folder holding timings.csv)",
                            file, strerror(errno));
    if (!t->path[0])
        snprintf(t->path, sizeof t->path, "%s", path);
    size_t before = t->count;
    reader rd = {.path = file, .mode = mode, .first_row = before};
    stencil_status st = read_file(fp, &rd, t, err);
    fclose(fp);
    if (st != STENCIL_OK)
        t->count = before; /* all of a file or none of it */
    return st;
}

void bench_timings_free(bench_timings *t)
{
    free(t->rows);
    memset(t, 0, sizeof *t);
}
