#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "timings/results.h"
#include "harness/timer.h"

enum { NFIELDS = 29, LINE_MAX_LEN = 4096 };

static const char header[] =
    "schema_version,run_id,provenance,machine,variant,device,scheme,k,nz,ny,nx,grid_source,"
    "land_fraction,threads,tuning,host_memory,timesteps,rep,h2d_s,compute_s,d2h_s,total_s,"
    "cell_updates_per_s,effective_gbps,copy_gbps,roofline_fraction,max_abs_err,status,source";

const char *bench_csv_header(void) { return header; }

void bench_csv_clean(char *t)
{
    for (; *t; t++) {
        if (*t == ',')
            *t = ';';
        else if (*t == '"' || *t == '\n' || *t == '\r')
            *t = ' ';
    }
}

stencil_status bench_csv_open(const char *path, FILE **out, stencil_error *err)
{
    struct stat sb;
    int exists = stat(path, &sb) == 0 && sb.st_size > 0;
    if (exists) {
        /* Check the header; drop an unfinished last line (the process was killed mid-write). */
        FILE *f = fopen(path, "r");
        if (!f)
            return stencil_fail(err, STENCIL_ERR_IO, "cannot read %s: %s", path, strerror(errno));
        char line[LINE_MAX_LEN];
        int ok = fgets(line, sizeof line, f) && strncmp(line, header, strlen(header)) == 0;
        long keep = 0;
        if (ok) {
            keep = ftell(f);
            while (fgets(line, sizeof line, f))
                if (strchr(line, '\n'))
                    keep = ftell(f);
        }
        fclose(f);
        if (!ok)
            return stencil_fail(err, STENCIL_ERR_IO,
                                "%s does not start with the timings.csv v%d header", path,
                                BENCH_CSV_SCHEMA_VERSION);
        if (keep < sb.st_size && truncate(path, keep) != 0)
            return stencil_fail(err, STENCIL_ERR_IO, "cannot truncate %s: %s", path, strerror(errno));
    }
    FILE *f = fopen(path, "a");
    if (!f)
        return stencil_fail(err, STENCIL_ERR_IO, "cannot write %s: %s", path, strerror(errno));
    if (!exists && (fprintf(f, "%s\n", header) < 0 || fflush(f) != 0)) {
        fclose(f);
        return stencil_fail(err, STENCIL_ERR_IO, "cannot write %s: %s", path, strerror(errno));
    }
    *out = f;
    return STENCIL_OK;
}

static void num(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, ",%.9g", v);
    else
        fputc(',', f);
}

stencil_status bench_csv_write(FILE *f, const bench_row *r, stencil_error *err)
{
    fprintf(f, "%d,%s,%s,%s,%s,%s,%s", BENCH_CSV_SCHEMA_VERSION, r->run_id, r->provenance,
            r->machine, r->variant, r->device, r->scheme);
    num(f, r->k);
    fprintf(f, ",%ld,%ld,%ld,%s", r->nz, r->ny, r->nx, r->grid_source);
    num(f, r->land_fraction);
    fprintf(f, ",%ld,%s,%s,%ld,", r->threads, r->tuning, r->host_memory, r->timesteps);
    if (r->rep >= 0)
        fprintf(f, "%ld", r->rep);
    const double v[] = {r->h2d_s, r->compute_s, r->d2h_s, r->total_s, r->cell_updates_per_s,
                        r->effective_gbps, r->copy_gbps, r->roofline_fraction, r->max_abs_err};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        num(f, v[i]);
    fprintf(f, ",%s,%s\n", r->status, r->source);
    if (fflush(f) != 0 || ferror(f))
        return stencil_fail(err, STENCIL_ERR_IO, "cannot write a row to timings.csv: %s",
                            strerror(errno));
    return STENCIL_OK;
}

static int get_long(const char *s, long *out, int allow_empty)
{
    if (!*s) {
        *out = -1;
        return allow_empty;
    }
    char *end;
    errno = 0;
    *out = strtol(s, &end, 10);
    return !*end && !errno;
}

static int get_double(const char *s, double *out)
{
    if (!*s) {
        *out = NAN;
        return 1;
    }
    char *end;
    errno = 0;
    *out = strtod(s, &end);
    return !*end && !errno;
}

static int get_text(const char *s, char *out, size_t len)
{
    if (strlen(s) >= len)
        return 0;
    strcpy(out, s);
    return 1;
}

static int parse_row(char *line, bench_row *r)
{
    char *f[NFIELDS];
    int n = 0;
    char *p = line;
    line[strcspn(line, "\r\n")] = '\0';
    for (;;) {
        if (n == NFIELDS)
            return 0;
        f[n++] = p;
        char *c = strchr(p, ',');
        if (!c)
            break;
        *c = '\0';
        p = c + 1;
    }
    if (n != NFIELDS)
        return 0;
    long version;
    double *d[] = {&r->h2d_s, &r->compute_s, &r->d2h_s, &r->total_s, &r->cell_updates_per_s,
                   &r->effective_gbps, &r->copy_gbps, &r->roofline_fraction, &r->max_abs_err};
    int ok = get_long(f[0], &version, 0) && version == BENCH_CSV_SCHEMA_VERSION &&
             get_text(f[1], r->run_id, sizeof r->run_id) &&
             get_text(f[2], r->provenance, sizeof r->provenance) &&
             get_text(f[3], r->machine, sizeof r->machine) &&
             get_text(f[4], r->variant, sizeof r->variant) && *r->variant &&
             get_text(f[5], r->device, sizeof r->device) &&
             (strcmp(r->device, "cpu") == 0 || strcmp(r->device, "gpu") == 0) &&
             get_text(f[6], r->scheme, sizeof r->scheme) && get_double(f[7], &r->k) &&
             get_long(f[8], &r->nz, 0) && get_long(f[9], &r->ny, 0) &&
             get_long(f[10], &r->nx, 0) && get_text(f[11], r->grid_source, sizeof r->grid_source) &&
             get_double(f[12], &r->land_fraction) && get_long(f[13], &r->threads, 0) &&
             get_text(f[14], r->tuning, sizeof r->tuning) &&
             get_text(f[15], r->host_memory, sizeof r->host_memory) &&
             get_long(f[16], &r->timesteps, 0) && get_long(f[17], &r->rep, 1);
    for (int i = 0; i < 9 && ok; i++)
        ok = get_double(f[18 + i], d[i]);
    return ok && get_text(f[27], r->status, sizeof r->status) && *r->status &&
           get_text(f[28], r->source, sizeof r->source);
}

stencil_status bench_csv_read(const char *path, bench_row **rows, size_t *count, stencil_error *err)
{
    *rows = NULL;
    *count = 0;
    FILE *f = fopen(path, "r");
    if (!f)
        return stencil_fail(err, STENCIL_ERR_IO, "cannot read %s: %s", path, strerror(errno));
    char line[LINE_MAX_LEN];
    stencil_status st = STENCIL_OK;
    if (!fgets(line, sizeof line, f) || strncmp(line, header, strlen(header)) != 0 ||
        (line[strlen(header)] != '\n' && line[strlen(header)] != '\r'))
        st = stencil_fail(err, STENCIL_ERR_IO, "%s:1: not the timings.csv v%d header", path,
                          BENCH_CSV_SCHEMA_VERSION);
    size_t cap = 0;
    long lineno = 1;
    while (st == STENCIL_OK && fgets(line, sizeof line, f)) {
        lineno++;
        if (!strchr(line, '\n'))
            continue; /* an unfinished last line */
        if (*count == cap) {
            cap = cap ? 2 * cap : 256;
            bench_row *grown = realloc(*rows, cap * sizeof **rows);
            if (!grown) {
                st = stencil_fail(err, STENCIL_ERR_NOMEM, "out of memory reading %s", path);
                break;
            }
            *rows = grown;
        }
        if (!parse_row(line, &(*rows)[*count]))
            st = stencil_fail(err, STENCIL_ERR_IO,
                              "%s:%ld: not a timings.csv v%d row (%d fields of the right types)",
                              path, lineno, BENCH_CSV_SCHEMA_VERSION, NFIELDS);
        else
            (*count)++;
    }
    fclose(f);
    if (st != STENCIL_OK) {
        free(*rows);
        *rows = NULL;
        *count = 0;
    }
    return st;
}

/* Summary ------------------------------------------------------------------------------- */

typedef struct point_stat {
    const bench_row *row; /* the point's first ok row */
    double rate;          /* median over its ok rows */
    double roofline;      /* median */
} point_stat;

static int same_point(const bench_row *a, const bench_row *b)
{
    return strcmp(a->variant, b->variant) == 0 && a->nz == b->nz && a->ny == b->ny &&
           a->nx == b->nx && strcmp(a->grid_source, b->grid_source) == 0 &&
           a->threads == b->threads && strcmp(a->tuning, b->tuning) == 0 &&
           strcmp(a->host_memory, b->host_memory) == 0 && a->timesteps == b->timesteps;
}

static int same_grid_steps(const bench_row *a, const bench_row *b)
{
    return a->nz == b->nz && a->ny == b->ny && a->nx == b->nx &&
           strcmp(a->grid_source, b->grid_source) == 0 && a->timesteps == b->timesteps;
}

static size_t collect_points(const bench_row *rows, size_t count, point_stat *out)
{
    size_t np = 0;
    double *v = malloc((count ? count : 1) * sizeof *v);
    double *w = malloc((count ? count : 1) * sizeof *w);
    if (!v || !w) {
        free(v);
        free(w);
        return 0;
    }
    for (size_t i = 0; i < count; i++) {
        if (strcmp(rows[i].status, "ok") != 0 || !(rows[i].cell_updates_per_s > 0))
            continue;
        int seen = 0;
        for (size_t j = 0; j < np && !seen; j++)
            seen = same_point(out[j].row, &rows[i]);
        if (seen)
            continue;
        int n = 0;
        for (size_t j = i; j < count; j++)
            if (strcmp(rows[j].status, "ok") == 0 && same_point(&rows[i], &rows[j])) {
                v[n] = rows[j].cell_updates_per_s;
                w[n++] = rows[j].roofline_fraction;
            }
        out[np].row = &rows[i];
        out[np].rate = bench_median(v, n);
        out[np].roofline = bench_median(w, n);
        np++;
    }
    free(v);
    free(w);
    return np;
}

void bench_summary_print(FILE *f, const bench_row *rows, size_t count)
{
    point_stat *pts = malloc((count ? count : 1) * sizeof *pts);
    if (!pts) {
        fprintf(f, "(no memory for the summary)\n");
        return;
    }
    size_t np = collect_points(rows, count, pts);
    fprintf(f, "\nSummary (medians over repetitions; best point per variant)\n");
    fprintf(f, "%-14s %10s %9s %-22s %9s %9s %10s %s\n", "variant", "Gcell/s", "roofline",
            "at grid/steps/threads", "memory", "vs naive", "scaling", "(efficiency at threads)");
    for (size_t i = 0; i < np; i++) {
        int first = 1;
        for (size_t j = 0; j < i && first; j++)
            first = strcmp(pts[j].row->variant, pts[i].row->variant) != 0;
        if (!first)
            continue;
        const point_stat *best = &pts[i];
        for (size_t j = i; j < np; j++)
            if (strcmp(pts[j].row->variant, best->row->variant) == 0 && pts[j].rate > best->rate)
                best = &pts[j];
        const bench_row *b = best->row;
        /* naive on the same grid and steps (its best thread count and tuning) */
        double naive = -1.0;
        for (size_t j = 0; j < np; j++)
            if (strcmp(pts[j].row->variant, "naive") == 0 && same_grid_steps(pts[j].row, b) &&
                pts[j].rate > naive)
                naive = pts[j].rate;
        /* strong scaling on the same grid, steps, tuning and host memory */
        double r1 = -1.0, rt = -1.0;
        long tmax = 0;
        for (size_t j = 0; j < np; j++) {
            const bench_row *q = pts[j].row;
            if (strcmp(q->variant, b->variant) != 0 || !same_grid_steps(q, b) ||
                strcmp(q->tuning, b->tuning) != 0 || strcmp(q->host_memory, b->host_memory) != 0)
                continue;
            if (q->threads == 1)
                r1 = pts[j].rate;
            if (q->threads > tmax) {
                tmax = q->threads;
                rt = pts[j].rate;
            }
        }
        char where[64], speed[16] = "-", scale[16] = "-", at[40] = "";
        snprintf(where, sizeof where, "%ldx%ldx%ld/%ld/%ld", b->nz, b->ny, b->nx, b->timesteps,
                 b->threads);
        if (naive > 0)
            snprintf(speed, sizeof speed, "%.2fx", best->rate / naive);
        if (r1 > 0 && tmax > 1) {
            snprintf(scale, sizeof scale, "%.0f%%", 100.0 * rt / ((double)tmax * r1));
            snprintf(at, sizeof at, "(at %ld threads)", tmax);
        }
        char roof[16] = "-";
        if (isfinite(best->roofline))
            snprintf(roof, sizeof roof, "%.0f%%", 100.0 * best->roofline);
        fprintf(f, "%-14s %10.3f %9s %-22s %9s %9s %10s %s\n", b->variant, best->rate / 1e9, roof,
                where, b->host_memory, speed, scale, at);
    }
    if (np == 0)
        fprintf(f, "(no point finished with status ok)\n");
    free(pts);
}
