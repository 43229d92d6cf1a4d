/* The course's published timings as reference rows (project.h): the H100 NVL + EPYC 9V84
 * folder from the course's own timings file, and the rows every projected folder appends. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "analysis/project.h"
#include "analysis/project_internal.h"

const char project_course_folder[] = "h100nvl-epyc9v84";
static const char course_label[] = "H100-NVL+EPYC-9V84";
static const char course_timings[] = "course_temperature_diffusion_timings_h100nvl_epyc9v84.csv";

static void text(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src);
    bench_csv_clean(dst); /* a comma in a citation becomes a semicolon */
}

/* A write error shows in ferror(f), which the caller checks before closing. */
void project_write_row(FILE *f, const out_row *o)
{
    bench_row r;
    bench_row_init(&r);
    r.provenance = strcmp(o->provenance, "published") == 0 ? BENCH_PUBLISHED : BENCH_PROJECTED;
    text(r.run_id, sizeof r.run_id, o->run_id);
    text(r.machine, sizeof r.machine, o->machine);
    text(r.variant, sizeof r.variant, o->variant);
    text(r.device, sizeof r.device, o->device);
    text(r.scheme, sizeof r.scheme, o->scheme);
    text(r.grid_source, sizeof r.grid_source, o->grid_source);
    text(r.tuning, sizeof r.tuning, o->tuning);
    text(r.host_memory, sizeof r.host_memory, o->host_memory);
    text(r.source, sizeof r.source, o->source);
    text(r.status, sizeof r.status, "ok");
    r.k = o->k;
    r.land_fraction = o->land_fraction;
    r.nz = o->nz, r.ny = o->ny, r.nx = o->nx;
    r.threads = o->threads;
    r.timesteps = o->timesteps;
    r.rep = 0;
    r.compute_s = o->compute_s;
    r.cell_updates_per_s = o->rate;
    if (isfinite(o->copy_gbps)) /* the course's models move more than 8 B per cell: no GB/s */
        r.effective_gbps = o->rate * 8.0 / 1e9;
    r.copy_gbps = o->copy_gbps;
    r.roofline_fraction = o->roofline;
    stencil_error ignored;
    bench_csv_write(f, BENCH_CSV_SCHEMA_VERSION, &r, &ignored);
}

FILE *project_open_out(const char *root, const char *folder, const char *file, stencil_error *err)
{
    char path[1400];
    snprintf(path, sizeof path, "%s/%s", root, folder);
    if (mkdir(path, 0777) != 0 && errno != EEXIST) {
        snprintf(err->msg, sizeof err->msg, "%.300s: %s", path, strerror(errno));
        return NULL;
    }
    snprintf(path, sizeof path, "%s/%s/%s", root, folder, file);
    FILE *f = fopen(path, "w");
    if (!f)
        snprintf(err->msg, sizeof err->msg, "%.300s: %s", path, strerror(errno));
    return f;
}

/* "course NumPy model 100 steps" -> variant course_numpy, steps 100. */
int project_parse_course_what(const char *what, char *variant, size_t cap, long *steps)
{
    char method[32];
    if (sscanf(what, "course %31s model %ld steps", method, steps) != 2)
        return 0;
    snprintf(variant, cap, "course_%s", method);
    for (char *p = variant; *p; p++)
        *p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
    return 1;
}

void project_course_row(FILE *f, const char *machine, const char *variant, const char *device,
                       long steps, double seconds, const char *source)
{
    char src[700];
    snprintf(src, sizeof src,
             "published: %s; %.9g s for %ld steps of the course's 4-D model (steps x 50 x 222 x "
             "241 diffused over its first three axes); rate = (steps-2)*48*220*241*steps / s",
             source, seconds, steps);
    out_row r = {"course-published", "published", machine, variant, device, "course",
                 "dataset", "default", "none", src, NAN, NAN, seconds,
                 bench_course_cell_updates(steps) / seconds, NAN, NAN, 50, 222, 241, 1, steps};
    project_write_row(f, &r);
}

stencil_status project_write_course_h100nvl(const char *root, const char *sources, FILE *log,
                                           stencil_error *err)
{
    char path[1400];
    snprintf(path, sizeof path, "%s/%s", sources, course_timings);
    FILE *in = fopen(path, "r");
    if (!in) {
        snprintf(err->msg, sizeof err->msg, "%.300s: %s", path, strerror(errno));
        return STENCIL_ERR_IO;
    }
    FILE *out = project_open_out(root, project_course_folder, "timings.csv", err);
    if (!out) {
        fclose(in);
        return STENCIL_ERR_IO;
    }
    bench_csv_header_write(out, BENCH_CSV_SCHEMA_VERSION);
    char *line = NULL, *f[8];
    size_t cap = 0, rows = 0;
    int header = 1;
    while (getline(&line, &cap, in) >= 0) {
        /* gpu_name,cpu_name,method,num_timesteps,mean_time_sec,std_dev_sec */
        if (header || bench_csv_split(line, f, 8) != 6) {
            header = 0;
            continue;
        }
        const char *variant = strstr(f[2], "CuPy")    ? "course_cupy"
                              : strstr(f[2], "NumPy") ? "course_numpy"
                                                      : "course_python";
        char src[300];
        snprintf(src, sizeof src, "%s (mean of the course's runs; std %s s; process wall time incl. start-up and I/O)",
                 course_timings, f[5]);
        project_course_row(out, course_label, variant, strcmp(variant, "course_cupy") == 0 ? "gpu" : "cpu",
                   strtol(f[3], NULL, 10), strtod(f[4], NULL), src);
        rows++;
    }
    free(line);
    fclose(in);
    if ((ferror(out) | fclose(out)) != 0) {
        snprintf(err->msg, sizeof err->msg, "%s/%s/timings.csv: write failed", root, project_course_folder);
        return STENCIL_ERR_IO;
    }
    FILE *rd = project_open_out(root, project_course_folder, "README.md", err);
    if (!rd)
        return STENCIL_ERR_IO;
    fprintf(rd,
            "# %s (published)\n\n"
            "The course's own timings of its Python model on an NVIDIA H100 NVL host with an AMD EPYC\n"
            "9V84 (`sources/%s`): pure Python, NumPy (CPU) and CuPy (GPU), 10/25/50/100 steps, the\n"
            "mean process wall time (start-up and I/O included) in `compute_s`.\n\n"
            "The course's model tiles one time slice into a 4-D array (steps, 50, 222, 241) and diffuses\n"
            "it over the first three axes, so one step updates (steps-2)*48*220*241 cells and\n\n"
            "    cell_updates_per_s = (steps-2) * 48 * 220 * 241 * steps / seconds\n\n"
            "The grid columns say 50x222x241 (the data's shape); compare rates, never seconds.\n"
            "Generated by `stencilbench compare --project results/reference`; do not edit by hand.\n",
            course_label, course_timings);
    fclose(rd);
    fprintf(log, "  %s: %zu published rows\n", project_course_folder, rows);
    return STENCIL_OK;
}
