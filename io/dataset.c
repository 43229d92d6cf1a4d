#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <netcdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "classic.h"
#include "dataset.h"
#include "size.h"

static const char *const axis_names[IO_AXES][6] = {
    {"time", "t", "time_counter", "step", NULL}, /* step: a model prediction's snapshots */
    {"depth", "deptht", "lev", "z", NULL},
    {"latitude", "lat", "y", NULL},
    {"longitude", "lon", "x", NULL},
};
static const char axis_letters[IO_AXES] = {'T', 'Z', 'Y', 'X'};

static int nc_numeric(nc_type t)
{
    return t == NC_BYTE || t == NC_UBYTE || t == NC_SHORT || t == NC_USHORT || t == NC_INT ||
           t == NC_UINT || t == NC_INT64 || t == NC_UINT64 || t == NC_FLOAT || t == NC_DOUBLE;
}

/* A text attribute into buf ("" when absent or not text). */
static void text_att(int ncid, int varid, const char *name, char *buf, size_t len)
{
    nc_type t;
    size_t n;
    buf[0] = '\0';
    if (nc_inq_att(ncid, varid, name, &t, &n) != NC_NOERR || t != NC_CHAR || n >= len)
        return;
    if (nc_get_att_text(ncid, varid, name, buf) == NC_NOERR)
        buf[n] = '\0';
    else
        buf[0] = '\0';
}

/* A numeric attribute's first value; returns 1 when present. */
/* The first `want` values of a numeric attribute; 0 when it is absent or shorter. */
static int number_atts(int ncid, int varid, const char *name, double *out, size_t want)
{
    nc_type t;
    size_t n;
    if (nc_inq_att(ncid, varid, name, &t, &n) != NC_NOERR || n < want || !nc_numeric(t))
        return 0;
    double v[16];
    if (n > 16 || nc_get_att_double(ncid, varid, name, v) != NC_NOERR)
        return 0;
    for (size_t i = 0; i < want; i++)
        out[i] = v[i];
    return 1;
}

static int number_att(int ncid, int varid, const char *name, double *out)
{
    return number_atts(ncid, varid, name, out, 1);
}

static double default_fill(nc_type t)
{
    switch (t) {
    case NC_BYTE: return NC_FILL_BYTE;
    case NC_UBYTE: return NC_FILL_UBYTE;
    case NC_SHORT: return NC_FILL_SHORT;
    case NC_USHORT: return NC_FILL_USHORT;
    case NC_INT: return NC_FILL_INT;
    case NC_UINT: return NC_FILL_UINT;
    case NC_INT64: return (double)NC_FILL_INT64;
    case NC_UINT64: return (double)NC_FILL_UINT64;
    case NC_FLOAT: return NC_FILL_FLOAT;
    default: return NC_FILL_DOUBLE;
    }
}

/* Lists the variables of the file into buf: data variables (not coordinates) with their
 * rank, e.g. "thetao (4-D), so (4-D)". */
static void list_variables(int ncid, char *buf, size_t len)
{
    int nvars = 0;
    size_t used = 0;
    buf[0] = '\0';
    nc_inq_nvars(ncid, &nvars);
    for (int pass = 0; pass < 2 && used == 0; pass++) {
        for (int v = 0; v < nvars; v++) {
            char name[NC_MAX_NAME + 1];
            int ndims, dims[NC_MAX_VAR_DIMS];
            if (nc_inq_var(ncid, v, name, NULL, &ndims, dims, NULL) != NC_NOERR)
                continue;
            char dname[NC_MAX_NAME + 1] = "";
            if (ndims == 1)
                nc_inq_dimname(ncid, dims[0], dname);
            if (pass == 0 && ndims == 1 && strcmp(dname, name) == 0)
                continue; /* a coordinate variable; listed only when there is nothing else */
            int w = snprintf(buf + used, len - used, "%s%s (%d-D)", used ? ", " : "", name, ndims);
            if (w < 0 || (size_t)w >= len - used)
                return;
            used += (size_t)w;
        }
    }
    if (used == 0)
        snprintf(buf, len, "none");
}

static int axis_matches(int ncid, int axis, const char *dim_name)
{
    for (int i = 0; axis_names[axis][i]; i++)
        if (strcmp(dim_name, axis_names[axis][i]) == 0)
            return 1;
    int varid;
    char a[8];
    if (nc_inq_varid(ncid, dim_name, &varid) != NC_NOERR)
        return 0;
    text_att(ncid, varid, "axis", a, sizeof a);
    return a[0] == axis_letters[axis] && a[1] == '\0';
}

static stencil_status read_axis(io_dataset *ds, int dimid, io_axis *a, stencil_error *err)
{
    a->varid = -1;
    a->nc_type = NC_DOUBLE;
    if (nc_inq_dim(ds->ncid, dimid, a->name, &a->len) != NC_NOERR)
        return stencil_fail(err, STENCIL_ERR_IO, "%s: cannot read a dimension of '%s'", ds->path, ds->var);
    int varid, ndims, dims[NC_MAX_VAR_DIMS];
    nc_type t;
    if (nc_inq_varid(ds->ncid, a->name, &varid) != NC_NOERR ||
        nc_inq_var(ds->ncid, varid, NULL, &t, &ndims, dims, NULL) != NC_NOERR || ndims != 1 ||
        dims[0] != dimid || !nc_numeric(t))
        return STENCIL_OK; /* no coordinate variable: fine, the axis is just an index */
    size_t bytes;
    if (!io_size_mul(a->len ? a->len : 1, sizeof *a->values, &bytes))
        return stencil_fail(err, STENCIL_ERR_IO, "%s: coordinate '%s' declares %zu values, too many "
                            "to address on this machine (is the file damaged?)", ds->path, a->name,
                            a->len);
    a->values = malloc(bytes);
    if (!a->values)
        return stencil_fail(err, STENCIL_ERR_NOMEM, "out of memory for coordinate '%s'", a->name);
    int rc = nc_get_var_double(ds->ncid, varid, a->values);
    if (rc != NC_NOERR)
        return stencil_fail(err, STENCIL_ERR_IO, "%s: cannot read coordinate '%s': %s (is the file "
                            "truncated or damaged?)", ds->path, a->name, nc_strerror(rc));
    a->varid = varid;
    a->nc_type = t;
    text_att(ds->ncid, varid, "units", a->units, sizeof a->units);
    return STENCIL_OK;
}

stencil_status io_dataset_open(const char *path, const char *var, io_dataset *ds,
                               stencil_error *err)
{
    memset(ds, 0, sizeof *ds);
    ds->ncid = -1;
    if (!var)
        var = IO_DEFAULT_VAR;
    if (strlen(path) >= sizeof ds->path || strlen(var) >= sizeof ds->var)
        return stencil_fail(err, STENCIL_ERR_ARG, "file or variable name too long");
    snprintf(ds->path, sizeof ds->path, "%s", path);
    snprintf(ds->var, sizeof ds->var, "%s", var);
    struct stat st;
    if (stat(path, &st) != 0)
        return stencil_fail(err, STENCIL_ERR_IO, "cannot open '%s': %s", path, strerror(errno));
    if (S_ISDIR(st.st_mode))
        return stencil_fail(err, STENCIL_ERR_IO, "'%s' is a directory, not a netCDF file", path);
    /* A damaged classic header can crash libnetcdf inside nc_open (4.9.0; see io/classic.h),
     * and a truncated file reads missing data as fill: check the header against the file. */
    stencil_status checked = io_classic_check(path, err);
    if (checked != STENCIL_OK)
        return checked;
    int rc = nc_open(path, NC_NOWRITE, &ds->ncid);
    if (rc != NC_NOERR) {
        ds->ncid = -1;
        if (rc == NC_ENOTNC)
            return stencil_fail(err, STENCIL_ERR_IO, "'%s' is not a netCDF file (%s)", path, nc_strerror(rc));
        return stencil_fail(err, STENCIL_ERR_IO, "cannot open '%s' as netCDF: %s (is the file "
                            "truncated or damaged?)", path, rc > 0 ? strerror(rc) : nc_strerror(rc));
    }
    if (nc_inq_varid(ds->ncid, var, &ds->varid) != NC_NOERR) {
        char list[1024];
        list_variables(ds->ncid, list, sizeof list);
        return stencil_fail(err, STENCIL_ERR_IO, "'%s' has no variable '%s'; it has: %s (choose "
                            "one with --var)", path, var, list);
    }
    nc_type t;
    int ndims, dims[NC_MAX_VAR_DIMS];
    if (nc_inq_var(ds->ncid, ds->varid, NULL, &t, &ndims, dims, NULL) != NC_NOERR)
        return stencil_fail(err, STENCIL_ERR_IO, "%s: cannot inquire variable '%s'", path, var);
    ds->nc_type = t;
    if (!nc_numeric(t))
        return stencil_fail(err, STENCIL_ERR_IO, "%s: variable '%s' is not numeric", path, var);
    if (ndims != 3 && ndims != 4)
        return stencil_fail(err, STENCIL_ERR_IO, "%s: variable '%s' has %d dimension%s; need 4 "
                            "(time, depth, latitude, longitude) or 3 (depth, latitude, longitude)",
                            path, var, ndims, ndims == 1 ? "" : "s");
    ds->has_time = ndims == 4;
    for (int i = 0; i < ndims; i++) {
        int axis = ds->has_time ? i : i + 1;
        io_axis *a = &ds->axes[axis];
        stencil_status st2 = read_axis(ds, dims[i], a, err);
        if (st2 != STENCIL_OK)
            return st2;
        if (!axis_matches(ds->ncid, axis, a->name))
            return stencil_fail(err, STENCIL_ERR_IO, "%s: dimension %d of '%s' is '%s'; expected "
                                "%s or %s (or a coordinate with axis = \"%c\"): dims must be "
                                "([time,] depth, latitude, longitude)", path, i + 1, var, a->name,
                                axis_names[axis][0], axis_names[axis][1], axis_letters[axis]);
        if (a->len == 0)
            return stencil_fail(err, STENCIL_ERR_IO, "%s: dimension '%s' of '%s' is empty", path,
                                a->name, var);
    }
    if (!ds->has_time) {
        snprintf(ds->axes[IO_AXIS_TIME].name, IO_NAME_LEN, "time");
        ds->axes[IO_AXIS_TIME].len = 1;
        ds->axes[IO_AXIS_TIME].varid = -1;
        ds->axes[IO_AXIS_TIME].nc_type = NC_DOUBLE;
    }
    ds->nt = ds->axes[IO_AXIS_TIME].len;
    ds->nz = ds->axes[IO_AXIS_DEPTH].len;
    ds->ny = ds->axes[IO_AXIS_LAT].len;
    ds->nx = ds->axes[IO_AXIS_LON].len;
    /* Every slice, level and field buffer is a part of this product (in double, the widest
     * value read): when it fits, none of them wraps. */
    const size_t whole[5] = {ds->nt, ds->nz, ds->ny, ds->nx, sizeof(double)};
    char what[4096 + IO_NAME_LEN + 64];
    snprintf(what, sizeof what, "%s: '%s' (time x depth x latitude x longitude x bytes)", path, var);
    size_t ignored;
    stencil_status sized = io_size_product(&ignored, whole, 5, what, err);
    if (sized != STENCIL_OK)
        return sized;
    ds->scale = 1.0;
    ds->offset = 0.0;
    number_att(ds->ncid, ds->varid, "scale_factor", &ds->scale);
    number_att(ds->ncid, ds->varid, "add_offset", &ds->offset);
    ds->has_fill = number_att(ds->ncid, ds->varid, "_FillValue", &ds->fill);
    if (!ds->has_fill) {
        ds->fill = default_fill(t);
        ds->has_fill = 1;
    }
    ds->has_missing = number_att(ds->ncid, ds->varid, "missing_value", &ds->missing);
    double range[2];
    ds->has_valid_min = ds->has_valid_max = 0;
    if (number_atts(ds->ncid, ds->varid, "valid_range", range, 2)) {
        ds->valid_min = range[0];
        ds->valid_max = range[1];
        ds->has_valid_min = ds->has_valid_max = 1;
    } else {
        ds->has_valid_min = number_att(ds->ncid, ds->varid, "valid_min", &ds->valid_min);
        ds->has_valid_max = number_att(ds->ncid, ds->varid, "valid_max", &ds->valid_max);
    }
    text_att(ds->ncid, ds->varid, "units", ds->units, sizeof ds->units);
    text_att(ds->ncid, ds->varid, "long_name", ds->long_name, sizeof ds->long_name);
    text_att(ds->ncid, ds->varid, "standard_name", ds->standard_name, sizeof ds->standard_name);
    /* Whole-field chunks are read level by level: keep them in the chunk cache. */
    nc_set_var_chunk_cache(ds->ncid, ds->varid, (size_t)64 << 20, 1009, 0.75f);
    return STENCIL_OK;
}

stencil_status io_dataset_read(const io_dataset *ds, size_t t, float *out, size_t *fill_cells,
                               stencil_error *err)
{
    if (t >= ds->nt)
        return stencil_fail(err, STENCIL_ERR_ARG, "time index %zu is out of range: '%s' in %s has "
                            "%zu time%s (0 to %zu)", t, ds->var, ds->path, ds->nt,
                            ds->nt == 1 ? "" : "s", ds->nt - 1);
    size_t plane, bytes;
    stencil_status sized = io_size_field(1, ds->ny, ds->nx, sizeof(double), &plane, &bytes,
                                         ds->path, err);
    if (sized != STENCIL_OK)
        return sized;
    double *level = malloc(bytes);
    if (!level)
        return stencil_fail(err, STENCIL_ERR_NOMEM, "out of memory for a %zux%zu level", ds->ny, ds->nx);
    size_t fills = 0;
    for (size_t z = 0; z < ds->nz; z++) {
        size_t start[4] = {t, z, 0, 0}, count[4] = {1, 1, ds->ny, ds->nx};
        int off = ds->has_time ? 0 : 1;
        int rc = nc_get_vara_double(ds->ncid, ds->varid, start + off, count + off, level);
        if (rc != NC_NOERR && rc != NC_ERANGE) {
            free(level);
            return stencil_fail(err, STENCIL_ERR_IO, "%s: cannot read '%s' at time index %zu, "
                                "depth level %zu: %s (is the file truncated or damaged?)",
                                ds->path, ds->var, t, z, nc_strerror(rc));
        }
        float *dst = out + z * plane;
        for (size_t i = 0; i < plane; i++) {
            double v = level[i];
            if ((ds->has_fill && v == ds->fill) || (ds->has_missing && v == ds->missing) || isnan(v) ||
                (ds->has_valid_min && v < ds->valid_min) || (ds->has_valid_max && v > ds->valid_max)) {
                dst[i] = NAN;
                fills++;
            } else {
                dst[i] = (float)(v * ds->scale + ds->offset);
            }
        }
    }
    free(level);
    if (fill_cells)
        *fill_cells = fills;
    return STENCIL_OK;
}

void io_dataset_close(io_dataset *ds)
{
    for (int i = 0; i < IO_AXES; i++) {
        free(ds->axes[i].values);
        ds->axes[i].values = NULL;
    }
    if (ds->ncid >= 0)
        nc_close(ds->ncid);
    ds->ncid = -1;
}

int io_dataset_global_count(const io_dataset *ds)
{
    int n = 0;
    if (ds->ncid < 0 || nc_inq_natts(ds->ncid, &n) != NC_NOERR)
        return 0;
    return n;
}

stencil_status io_dataset_global(const io_dataset *ds, int i, char *name, size_t name_len,
                                 char *value, size_t value_len, stencil_error *err)
{
    char n[NC_MAX_NAME + 1];
    nc_type t;
    size_t len;
    if (nc_inq_attname(ds->ncid, NC_GLOBAL, i, n) != NC_NOERR ||
        nc_inq_att(ds->ncid, NC_GLOBAL, n, &t, &len) != NC_NOERR)
        return stencil_fail(err, STENCIL_ERR_IO, "%s: cannot read global attribute %d", ds->path, i);
    snprintf(name, name_len, "%s", n);
    value[0] = '\0';
    if (t == NC_CHAR) {
        char *s = malloc(len + 1);
        if (!s)
            return stencil_fail(err, STENCIL_ERR_NOMEM, "out of memory for attribute '%s'", n);
        if (nc_get_att_text(ds->ncid, NC_GLOBAL, n, s) == NC_NOERR) {
            s[len] = '\0';
            snprintf(value, value_len, "%s", s);
        }
        free(s);
    } else if (t == NC_STRING) {
        char **s = malloc((len ? len : 1) * sizeof *s);
        if (!s)
            return stencil_fail(err, STENCIL_ERR_NOMEM, "out of memory for attribute '%s'", n);
        if (nc_get_att_string(ds->ncid, NC_GLOBAL, n, s) == NC_NOERR) {
            size_t used = 0;
            for (size_t k = 0; k < len && used < value_len; k++) {
                int w = snprintf(value + used, value_len - used, "%s%s", k ? ", " : "", s[k] ? s[k] : "");
                used += w > 0 ? (size_t)w : 0;
            }
            nc_free_string(len, s);
        }
        free(s);
    } else if (nc_numeric(t)) {
        double *v = malloc((len ? len : 1) * sizeof *v);
        if (!v)
            return stencil_fail(err, STENCIL_ERR_NOMEM, "out of memory for attribute '%s'", n);
        if (nc_get_att_double(ds->ncid, NC_GLOBAL, n, v) == NC_NOERR || len == 0) {
            size_t used = 0;
            for (size_t k = 0; k < len && used < value_len; k++) {
                int w = snprintf(value + used, value_len - used, "%s%.9g", k ? ", " : "", v[k]);
                used += w > 0 ? (size_t)w : 0;
            }
        }
        free(v);
    } else {
        snprintf(value, value_len, "(type %d)", (int)t);
    }
    return STENCIL_OK;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (H. Hinnant's
 * days_from_civil), and back. */
static long long days_from_civil(long long y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const long long era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long long)doe - 719468;
}

static void civil_from_days(long long z, long long *y, unsigned *m, unsigned *d)
{
    z += 719468;
    const long long era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (long long)yoe + era * 400 + (*m <= 2);
}

/* Well inside long long and the day arithmetic of civil_from_days. */
#define IO_TIME_MAX_SECONDS 1e17

void io_time_text(double value, const char *units, char *buf, size_t len)
{
    char unit[32];
    int y, mo, d, h = 0, mi = 0, consumed = 0;
    double s = 0.0;
    double scale = 0.0;
    if (units && sscanf(units, "%31s since %d-%d-%d%n", unit, &y, &mo, &d, &consumed) == 4) {
        sscanf(units + consumed, "%*[ T]%d:%d:%lf", &h, &mi, &s);
        if (strncmp(unit, "second", 6) == 0)
            scale = 1.0;
        else if (strncmp(unit, "minute", 6) == 0)
            scale = 60.0;
        else if (strncmp(unit, "hour", 4) == 0)
            scale = 3600.0;
        else if (strncmp(unit, "day", 3) == 0)
            scale = 86400.0;
    }
    if (scale == 0.0 || !isfinite(value) || mo < 1 || mo > 12 || d < 1 || d > 31) {
        snprintf(buf, len, "%.9g%s%s", value, units && *units ? " " : "", units ? units : "");
        return;
    }
    double t = (double)days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400.0 + h * 3600.0 +
               mi * 60.0 + s + value * scale;
    /* Beyond about 3 billion years (or not finite: "inf" seconds in the units) a date means
     * nothing and the cast to an integer would be undefined: print the number instead. */
    if (!isfinite(t) || fabs(t) > IO_TIME_MAX_SECONDS) {
        snprintf(buf, len, "%.9g %s", value, units);
        return;
    }
    long long secs = (long long)floor(t + 0.5);
    long long days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
    long long rem = secs - days * 86400;
    long long yy;
    unsigned mm, dd;
    civil_from_days(days, &yy, &mm, &dd);
    snprintf(buf, len, "%04lld-%02u-%02u %02lld:%02lld:%02lld", yy, mm, dd, rem / 3600,
             rem / 60 % 60, rem % 60);
}

int io_same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    if (stat(a, &sa) != 0 || stat(b, &sb) != 0)
        return 0;
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}
