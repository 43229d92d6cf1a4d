/* Small netCDF files for tests, written with netCDF-C directly (not through io/), so that the
 * reader is checked against an independent writer. */
#ifndef TEST_NC_FIXTURE_H
#define TEST_NC_FIXTURE_H

#include <netcdf.h>
#include <string.h>

typedef struct nc_fixture {
    const char *path, *var;
    int rank;                   /* the variable's rank */
    const char *dim_names[4];   /* in the variable's order */
    size_t dims[4];
    nc_type type;               /* stored type: NC_FLOAT, NC_DOUBLE, NC_SHORT, ... */
    const double *values;       /* stored (packed) values, x fastest; NULL: none written */
    int has_fill, has_missing, packed, coords, classic;
    double fill, missing, scale, offset;
} nc_fixture;

/* Coordinate value i of a dimension: 10 + 0.5 i (time: 6 i hours). */
static inline double nc_fixture_coord(const char *dim, size_t i)
{
    return strcmp(dim, "time") == 0 ? 6.0 * (double)i : 10.0 + 0.5 * (double)i;
}

static inline const char *nc_fixture_units(const char *dim)
{
    if (strcmp(dim, "time") == 0)
        return "hours since 2024-01-01";
    if (strcmp(dim, "depth") == 0)
        return "m";
    if (strncmp(dim, "lat", 3) == 0)
        return "degrees_north";
    return "degrees_east";
}

/* Returns NC_NOERR or the first netCDF error. */
static inline int nc_fixture_write(const nc_fixture *f)
{
    int ncid, rc, dimids[4], varid;
    rc = nc_create(f->path, (f->classic ? 0 : NC_NETCDF4) | NC_CLOBBER, &ncid);
    if (rc != NC_NOERR)
        return rc;
    size_t n = 1;
    for (int i = 0; i < f->rank && rc == NC_NOERR; i++) {
        n *= f->dims[i];
        rc = nc_def_dim(ncid, f->dim_names[i], f->dims[i], &dimids[i]);
        if (rc == NC_NOERR && f->coords) {
            int cv;
            const char *u = nc_fixture_units(f->dim_names[i]);
            rc = nc_def_var(ncid, f->dim_names[i], NC_DOUBLE, 1, &dimids[i], &cv);
            if (rc == NC_NOERR)
                rc = nc_put_att_text(ncid, cv, "units", strlen(u), u);
        }
    }
    if (rc == NC_NOERR)
        rc = nc_def_var(ncid, f->var, f->type, f->rank, dimids, &varid);
    if (rc == NC_NOERR && !f->values && !f->classic && f->rank >= 2) {
        /* no data: chunk by planes, so that the declared dims may be far beyond any file */
        size_t chunk[4] = {1, 1, 1, 1};
        chunk[f->rank - 2] = f->dims[f->rank - 2];
        chunk[f->rank - 1] = f->dims[f->rank - 1];
        rc = nc_def_var_chunking(ncid, varid, NC_CHUNKED, chunk);
    }
    if (rc == NC_NOERR && f->has_fill)
        rc = nc_put_att_double(ncid, varid, "_FillValue", f->type, 1, &f->fill);
    if (rc == NC_NOERR && f->has_missing)
        rc = nc_put_att_double(ncid, varid, "missing_value", f->type, 1, &f->missing);
    if (rc == NC_NOERR && f->packed)
        rc = nc_put_att_double(ncid, varid, "scale_factor", NC_FLOAT, 1, &f->scale);
    if (rc == NC_NOERR && f->packed)
        rc = nc_put_att_double(ncid, varid, "add_offset", NC_FLOAT, 1, &f->offset);
    if (rc == NC_NOERR)
        rc = nc_put_att_text(ncid, varid, "units", 9, "degrees_C");
    if (rc == NC_NOERR)
        rc = nc_put_att_text(ncid, NC_GLOBAL, "title", 12, "test fixture");
    if (rc == NC_NOERR)
        rc = nc_enddef(ncid);
    for (int i = 0; i < f->rank && rc == NC_NOERR && f->coords; i++) {
        int cv;
        double c[64];
        for (size_t k = 0; k < f->dims[i] && k < 64; k++)
            c[k] = nc_fixture_coord(f->dim_names[i], k);
        rc = nc_inq_varid(ncid, f->dim_names[i], &cv);
        if (rc == NC_NOERR)
            rc = nc_put_var_double(ncid, cv, c);
    }
    if (rc == NC_NOERR && n > 0 && f->values)
        rc = nc_put_var_double(ncid, varid, f->values);
    int rc2 = nc_close(ncid);
    return rc != NC_NOERR ? rc : rc2;
}

#endif
