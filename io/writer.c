#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <netcdf.h>
#include <netcdf_mem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "size.h"
#include "writer.h"

struct io_writer {
    char path[4096], tmp[4200];
    int fd;                  /* the temporary file, written only by io_writer_commit */
    int ncid, varid, defining;
    int coord_varid[IO_AXES];
    size_t len[IO_AXES];
    double *values[IO_AXES];
    float *level;
};

static void writer_free(io_writer *w)
{
    for (int i = 0; i < IO_AXES; i++)
        free(w->values[i]);
    free(w->level);
    free(w);
}

/* Closes the in-memory file; its image in *image (NULL on failure: then the return value). */
static int close_image(io_writer *w, NC_memio *image)
{
    memset(image, 0, sizeof *image);
    int rc = nc_close_memio(w->ncid, image);
    w->ncid = -1;
    if (rc != NC_NOERR) {
        free(image->memory);
        image->memory = NULL;
    }
    return rc;
}

void io_writer_abort(io_writer *w)
{
    if (!w)
        return;
    if (w->ncid >= 0) {
        NC_memio image;
        close_image(w, &image);
        free(image.memory);
    }
    if (w->fd >= 0) {
        close(w->fd);
        unlink(w->tmp);
    }
    writer_free(w);
}

/* A failed write or sync of the temporary file, in words that say what to do. */
static stencil_status disk_fail(io_writer *w, int e, stencil_error *err)
{
    if (e == ENOSPC || e == EDQUOT)
        return stencil_fail(err, STENCIL_ERR_IO, "cannot write '%s': no space left on device%s "
                            "(free some space or choose another folder; nothing was written)",
                            w->path, e == EDQUOT ? " (disk quota exceeded)" : "");
    return stencil_fail(err, STENCIL_ERR_IO, "cannot write '%s': %s (nothing was written)", w->path,
                        strerror(e));
}

static stencil_status nc_fail(io_writer *w, int rc, const char *what, stencil_error *err)
{
    return stencil_fail(err, STENCIL_ERR_IO, "cannot write '%s' (%s): %s", w->path, what,
                        rc > 0 ? strerror(rc) : nc_strerror(rc));
}

stencil_status io_writer_create(const char *path, const io_axis axes[IO_AXES], const char *var,
                                const io_dataset *copy_from, io_writer **out, stencil_error *err)
{
    *out = NULL;
    io_writer *w = calloc(1, sizeof *w);
    if (!w)
        return stencil_fail(err, STENCIL_ERR_NOMEM, "out of memory for a netCDF writer");
    w->ncid = -1;
    w->fd = -1;
    if (strlen(path) >= sizeof w->path) {
        writer_free(w);
        return stencil_fail(err, STENCIL_ERR_ARG, "output path too long");
    }
    snprintf(w->path, sizeof w->path, "%s", path);
    snprintf(w->tmp, sizeof w->tmp, "%s.tmp.XXXXXX", path);
    /* The whole field fits in size_t, so no level, slice or coordinate size below wraps. */
    const size_t whole[5] = {axes[0].len, axes[1].len, axes[2].len, axes[3].len, sizeof(double)};
    size_t ignored;
    stencil_status sized = io_size_product(&ignored, whole, 5, path, err);
    if (sized != STENCIL_OK) {
        writer_free(w);
        return sized;
    }
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        writer_free(w);
        return stencil_fail(err, STENCIL_ERR_IO, "cannot write '%s': it is a directory", path);
    }
    w->fd = mkstemp(w->tmp);
    if (w->fd < 0) {
        int e = errno;
        writer_free(w);
        return stencil_fail(err, STENCIL_ERR_IO, "cannot write '%s': %s (check that its folder "
                            "exists and is writable)", path, strerror(e));
    }
    fchmod(w->fd, 0644);
    /* The file is built in memory and written to disk by io_writer_commit: a full disk is then a
     * plain write error here, not an HDF5 write error (after which libhdf5 1.10 crashes in its
     * exit handler on the file it could not close). */
    int rc = nc_create_mem(w->path, NC_NETCDF4, (size_t)1 << 20, &w->ncid);
    if (rc != NC_NOERR) {
        w->ncid = -1;
        stencil_status st2 = nc_fail(w, rc, "create", err);
        io_writer_abort(w);
        return st2;
    }
    w->defining = 1;
    int dims[IO_AXES];
    for (int i = 0; i < IO_AXES && rc == NC_NOERR; i++) {
        const io_axis *a = &axes[i];
        w->len[i] = a->len;
        w->coord_varid[i] = -1;
        rc = nc_def_dim(w->ncid, a->name, a->len, &dims[i]);
        if (rc != NC_NOERR || !a->values)
            continue;
        w->values[i] = malloc((a->len ? a->len : 1) * sizeof *w->values[i]);
        if (!w->values[i]) {
            io_writer_abort(w);
            return stencil_fail(err, STENCIL_ERR_NOMEM, "out of memory for coordinate '%s'", a->name);
        }
        memcpy(w->values[i], a->values, a->len * sizeof *a->values);
        rc = nc_def_var(w->ncid, a->name, a->nc_type, 1, &dims[i], &w->coord_varid[i]);
        if (rc != NC_NOERR)
            break;
        int copied = 0;
        if (copy_from && i != IO_AXIS_TIME && copy_from->axes[i].varid >= 0) {
            int natts = 0;
            const int src = copy_from->axes[i].varid;
            nc_inq_varnatts(copy_from->ncid, src, &natts);
            for (int k = 0; k < natts && rc == NC_NOERR; k++) {
                char name[NC_MAX_NAME + 1];
                rc = nc_inq_attname(copy_from->ncid, src, k, name);
                if (rc == NC_NOERR)
                    rc = nc_copy_att(copy_from->ncid, src, name, w->ncid, w->coord_varid[i]);
            }
            copied = 1;
        }
        if (rc == NC_NOERR && !copied && a->units[0])
            rc = nc_put_att_text(w->ncid, w->coord_varid[i], "units", strlen(a->units), a->units);
    }
    if (rc == NC_NOERR)
        rc = nc_def_var(w->ncid, var, NC_FLOAT, IO_AXES, dims, &w->varid);
    size_t chunk[IO_AXES] = {1, 1, axes[IO_AXIS_LAT].len, axes[IO_AXIS_LON].len};
    if (rc == NC_NOERR)
        rc = nc_def_var_chunking(w->ncid, w->varid, NC_CHUNKED, chunk);
    if (rc == NC_NOERR)
        rc = nc_def_var_deflate(w->ncid, w->varid, 1, 1, 4);
    const float fill = NC_FILL_FLOAT;
    if (rc == NC_NOERR)
        rc = nc_put_att_float(w->ncid, w->varid, "_FillValue", NC_FLOAT, 1, &fill);
    if (rc != NC_NOERR) {
        stencil_status st2 = nc_fail(w, rc, "define", err);
        io_writer_abort(w);
        return st2;
    }
    const size_t plane = chunk[2] * chunk[3];
    w->level = malloc((plane > 0 ? plane : 1) * sizeof *w->level);
    if (!w->level) {
        io_writer_abort(w);
        return stencil_fail(err, STENCIL_ERR_NOMEM, "out of memory for an output level");
    }
    *out = w;
    return STENCIL_OK;
}

static int var_id(io_writer *w, const char *var, int *id)
{
    if (!var) {
        *id = NC_GLOBAL;
        return NC_NOERR;
    }
    return nc_inq_varid(w->ncid, var, id);
}

static stencil_status att_check(io_writer *w, const char *var, int *id, stencil_error *err)
{
    if (!w->defining)
        return stencil_fail(err, STENCIL_ERR_ARG, "%s: attributes must come before the data", w->path);
    int rc = var_id(w, var, id);
    return rc == NC_NOERR ? STENCIL_OK : nc_fail(w, rc, var, err);
}

stencil_status io_writer_text(io_writer *w, const char *var, const char *name, const char *value,
                              stencil_error *err)
{
    int id;
    stencil_status st = att_check(w, var, &id, err);
    if (st != STENCIL_OK)
        return st;
    int rc = nc_put_att_text(w->ncid, id, name, strlen(value), value);
    return rc == NC_NOERR ? STENCIL_OK : nc_fail(w, rc, name, err);
}

stencil_status io_writer_double(io_writer *w, const char *var, const char *name, double value,
                                stencil_error *err)
{
    int id;
    stencil_status st = att_check(w, var, &id, err);
    if (st != STENCIL_OK)
        return st;
    int rc = nc_put_att_double(w->ncid, id, name, NC_DOUBLE, 1, &value);
    return rc == NC_NOERR ? STENCIL_OK : nc_fail(w, rc, name, err);
}

stencil_status io_writer_int(io_writer *w, const char *var, const char *name, long long value,
                             stencil_error *err)
{
    int id;
    stencil_status st = att_check(w, var, &id, err);
    if (st != STENCIL_OK)
        return st;
    int rc = nc_put_att_longlong(w->ncid, id, name, value > 2147483647LL ? NC_INT64 : NC_INT, 1, &value);
    return rc == NC_NOERR ? STENCIL_OK : nc_fail(w, rc, name, err);
}

/* Leaves define mode and writes the coordinate values. */
static stencil_status end_define(io_writer *w, stencil_error *err)
{
    if (!w->defining)
        return STENCIL_OK;
    int rc = nc_enddef(w->ncid);
    for (int i = 0; i < IO_AXES && rc == NC_NOERR; i++)
        if (w->coord_varid[i] >= 0)
            rc = nc_put_var_double(w->ncid, w->coord_varid[i], w->values[i]);
    if (rc != NC_NOERR)
        return nc_fail(w, rc, "coordinates", err);
    w->defining = 0;
    return STENCIL_OK;
}

stencil_status io_writer_put(io_writer *w, size_t t, const float *field, stencil_error *err)
{
    stencil_status st = end_define(w, err);
    if (st != STENCIL_OK)
        return st;
    if (t >= w->len[IO_AXIS_TIME])
        return stencil_fail(err, STENCIL_ERR_ARG, "%s: time slice %zu of %zu", w->path, t,
                            w->len[IO_AXIS_TIME]);
    const size_t plane = w->len[IO_AXIS_LAT] * w->len[IO_AXIS_LON];
    for (size_t z = 0; z < w->len[IO_AXIS_DEPTH]; z++) {
        const float *src = field + z * plane;
        for (size_t i = 0; i < plane; i++)
            w->level[i] = isnan(src[i]) ? NC_FILL_FLOAT : src[i];
        size_t start[IO_AXES] = {t, z, 0, 0};
        size_t count[IO_AXES] = {1, 1, w->len[IO_AXIS_LAT], w->len[IO_AXIS_LON]};
        int rc = nc_put_vara_float(w->ncid, w->varid, start, count, w->level);
        if (rc != NC_NOERR)
            return nc_fail(w, rc, "data", err);
    }
    return STENCIL_OK;
}

stencil_status io_writer_commit(io_writer *w, stencil_error *err)
{
    stencil_status st = end_define(w, err);
    if (st != STENCIL_OK) {
        io_writer_abort(w);
        return st;
    }
    NC_memio image;
    int rc = close_image(w, &image);
    if (rc != NC_NOERR) {
        st = nc_fail(w, rc, "close", err);
        io_writer_abort(w);
        return st;
    }
    const unsigned char *p = image.memory;
    size_t left = image.size;
    int e = 0;
    while (left > 0 && e == 0) {
        ssize_t n = write(w->fd, p, left);
        if (n < 0 && errno != EINTR)
            e = errno;
        else if (n > 0)
            p += n, left -= (size_t)n;
    }
    free(image.memory);
    if (e == 0 && fsync(w->fd) != 0)
        e = errno;
    if (e == 0 && close(w->fd) != 0)
        e = errno;
    else if (e == 0)
        w->fd = -1;
    if (e != 0) {
        st = disk_fail(w, e, err);
        io_writer_abort(w);
        return st;
    }
    if (rename(w->tmp, w->path) != 0) {
        e = errno;
        st = stencil_fail(err, STENCIL_ERR_IO, "cannot write '%s': rename from '%s' failed: %s",
                          w->path, w->tmp, strerror(e));
        unlink(w->tmp);
        writer_free(w);
        return st;
    }
    writer_free(w);
    return STENCIL_OK;
}
