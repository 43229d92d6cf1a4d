/* Reading an ocean field from netCDF (netCDF-C): one variable, one time slice at a time.
 *
 * The variable (default "thetao") has dims (time|step, depth, latitude|lat, longitude|lon), as
 * Copernicus Marine files have them, or (depth, latitude|lat, longitude|lon) with no time.
 * A dimension whose name differs is accepted when its coordinate variable says the same
 * through its `axis` attribute (T, Z, Y, X). CF encodings are honoured: values equal to
 * `_FillValue` or `missing_value`, or outside `valid_range` / `valid_min` / `valid_max`
 * (all compared packed, before scaling; the netCDF default fill of the type when there is no
 * `_FillValue`) become NaN, and `scale_factor`/`add_offset`
 * unpack integers (byte, short, int) and floats into float32 degrees. Reading is per depth
 * level, so memory stays one field of float plus one level of double.
 *
 * Every function returns STENCIL_OK or STENCIL_ERR_IO (file, format, variable, shape,
 * range), STENCIL_ERR_ARG or STENCIL_ERR_NOMEM with a message that says what to fix. */
#ifndef IO_DATASET_H
#define IO_DATASET_H

#include <stddef.h>

#include "../kernels/variant.h"

#define IO_NAME_LEN 256 /* NC_MAX_NAME + 1 */
#define IO_TEXT_LEN 256
#define IO_DEFAULT_VAR "thetao"

enum { IO_AXIS_TIME = 0, IO_AXIS_DEPTH = 1, IO_AXIS_LAT = 2, IO_AXIS_LON = 3, IO_AXES = 4 };

/* One dimension and its coordinate variable (a 1-D variable of the same name). */
typedef struct io_axis {
    char name[IO_NAME_LEN];
    char units[IO_TEXT_LEN]; /* "" when none */
    size_t len;
    double *values;          /* len values; NULL when the file has no coordinate variable */
    int nc_type;             /* the coordinate variable's netCDF type (NC_DOUBLE if made here) */
    int varid;               /* in the file it was read from; -1 when none */
} io_axis;

typedef struct io_dataset {
    char path[4096];
    char var[IO_NAME_LEN];
    int ncid, varid;
    int has_time;            /* 0 for a 3-D variable: axes[IO_AXIS_TIME].len is then 1 */
    io_axis axes[IO_AXES];   /* time, depth, latitude, longitude */
    size_t nt, nz, ny, nx;   /* nt >= 1 */
    int nc_type;             /* the variable's stored type */
    double scale, offset;    /* 1 and 0 when unpacked */
    int has_fill, has_missing, has_valid_min, has_valid_max;
    double fill, missing;    /* packed values, compared before scaling */
    double valid_min, valid_max;
    char units[IO_TEXT_LEN], long_name[IO_TEXT_LEN], standard_name[IO_TEXT_LEN];
} io_dataset;

/* Opens path and checks var (NULL: "thetao"): present, numeric, rank 3 or 4, dims as above.
 * Reads the coordinate variables. Close with io_dataset_close even after a failure. */
stencil_status io_dataset_open(const char *path, const char *var, io_dataset *ds,
                               stencil_error *err);

/* Reads time slice t (0 <= t < nt) into out (nz*ny*nx floats, x fastest), fill as NaN.
 * fill_cells (may be NULL) gets the number of NaN cells. */
stencil_status io_dataset_read(const io_dataset *ds, size_t t, float *out, size_t *fill_cells,
                               stencil_error *err);

/* Frees the coordinates and closes the file; safe on a zeroed or failed dataset. */
void io_dataset_close(io_dataset *ds);

/* The number of global attributes, and attribute i as text: strings as they are, numbers
 * printed with %.9g, separated by ", " when there are several. */
int io_dataset_global_count(const io_dataset *ds);
stencil_status io_dataset_global(const io_dataset *ds, int i, char *name, size_t name_len,
                                 char *value, size_t value_len, stencil_error *err);

/* A time coordinate value as text: "2024-01-01 06:00:00" when units are
 * "<seconds|minutes|hours|days> since YYYY-MM-DD[ HH:MM[:SS]]" (proleptic Gregorian),
 * otherwise the number and the units. */
void io_time_text(double value, const char *units, char *buf, size_t len);

/* 1 when the two paths name the same existing file (same device and inode), else 0. */
int io_same_file(const char *a, const char *b);

#endif
