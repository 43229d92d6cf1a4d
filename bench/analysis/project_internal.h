/* Shared by project.c and project_course.c: writing reference rows and folders. */
#ifndef BENCH_PROJECT_INTERNAL_H
#define BENCH_PROJECT_INTERNAL_H

#include <stdio.h>

#include "timings/timings.h"

typedef struct out_row {
    const char *run_id, *provenance, *machine, *variant, *device, *scheme, *grid_source;
    const char *tuning, *host_memory, *source;
    double k, land_fraction, compute_s, rate, copy_gbps, roofline;
    long nz, ny, nx, threads, timesteps;
} out_row;

/* Writes one row (a write error shows in ferror(f)). */
void project_write_row(FILE *f, const out_row *o);

/* Creates ROOT/FOLDER and opens ROOT/FOLDER/FILE for writing; NULL with err set on failure. */
FILE *project_open_out(const char *root, const char *folder, const char *file, stencil_error *err);

/* "course NumPy model 100 steps" -> variant course_numpy, steps 100; 0 when it is not such. */
int project_parse_course_what(const char *what, char *variant, size_t cap, long *steps);

/* Writes a published row of the course's model: `seconds` for `steps` steps, as a rate. */
void project_course_row(FILE *f, const char *machine, const char *variant, const char *device,
                        long steps, double seconds, const char *source);

/* The course's own folder (h100nvl-epyc9v84) from SOURCES' course timings file. */
extern const char project_course_folder[];
stencil_status project_write_course_h100nvl(const char *root, const char *sources, FILE *log,
                                            stencil_error *err);

#endif
