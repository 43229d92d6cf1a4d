/* Writing an ocean field to netCDF-4 (CF-1.8): dims (time, depth, latitude, longitude), their
 * coordinate variables, and one float32 variable, deflated (level 4, shuffle), chunked one depth
 * level per chunk, NaN written as the _FillValue 9.96921e+36 (NC_FILL_FLOAT, as Copernicus
 * Marine files have it).
 *
 * The file is built in memory (its compressed size) and written by io_writer_commit to a
 * temporary file in the destination's folder (created by io_writer_create, so an unwritable
 * folder is reported at once), synced and renamed onto the destination, so an existing file is
 * replaced only by a complete one, and a failure (a full disk: "no space left on device")
 * leaves nothing behind. HDF5 never writes to the disk itself: after a failed write, libhdf5
 * 1.10 cannot close the file and crashes in its exit handler. Order of calls:
 *
 *   io_writer_create   (define mode: dims, coordinates, the variable)
 *   io_writer_text / io_writer_double / io_writer_int   attributes, any variable or NULL
 *                                                       for global; before the first put
 *   io_writer_put      one time slice at a time, any order
 *   io_writer_commit   or io_writer_abort (accepts NULL)
 */
#ifndef IO_WRITER_H
#define IO_WRITER_H

#include <stddef.h>

#include "dataset.h"

typedef struct io_writer io_writer;

/* axes: time, depth, latitude, longitude (io_dataset's order); an axis with values == NULL
 * gets a dimension but no coordinate variable; units are written when not "". When
 * copy_from is an open io_dataset, each axis whose varid >= 0 there (depth, latitude,
 * longitude; not time) gets all the attributes of that coordinate variable. var_units may
 * be NULL. Fails with STENCIL_ERR_IO, saying why, when the folder cannot be written. */
stencil_status io_writer_create(const char *path, const io_axis axes[IO_AXES], const char *var,
                                const io_dataset *copy_from, io_writer **out, stencil_error *err);

/* Attributes; var is a variable name, or NULL for a global attribute. */
stencil_status io_writer_text(io_writer *w, const char *var, const char *name, const char *value,
                              stencil_error *err);
stencil_status io_writer_double(io_writer *w, const char *var, const char *name, double value,
                                stencil_error *err);
stencil_status io_writer_int(io_writer *w, const char *var, const char *name, long long value,
                             stencil_error *err);

/* Writes time slice t (nz*ny*nx floats, x fastest); NaN becomes the fill value. */
stencil_status io_writer_put(io_writer *w, size_t t, const float *field, stencil_error *err);

/* Closes the file and renames it onto the destination; frees w in every case (on failure
 * the temporary file is removed). */
stencil_status io_writer_commit(io_writer *w, stencil_error *err);

/* Closes and removes the temporary file; frees w. */
void io_writer_abort(io_writer *w);

#endif
