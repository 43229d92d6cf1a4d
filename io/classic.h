/* A check of a classic netCDF header (CDF-1, CDF-2 "64-bit offset", CDF-5 "64-bit data") done
 * before netCDF-C parses it: libnetcdf 4.9.0 crashes inside nc_open on some damaged headers
 * (a name length of 2^64 - 1, a type that the format version does not have, issue 18).
 *
 * The header is read as the format specification describes it
 * (https://docs.unidata.ucar.edu/netcdf-c/current/file_format_specifications.html): magic and
 * version, numrecs, dimensions, global attributes, variables with their dimension ids,
 * attributes, type, vsize and begin. It is refused when an element runs past the end of the
 * file, a count or length cannot be right for the file's size, a name is empty, longer than
 * NC_MAX_NAME or not UTF-8 text, a type is not one of the version's, a dimension id does not
 * exist, the unlimited dimension is declared twice or used other than first, a vsize differs
 * from the size the dimensions give, or a variable's data begins inside the header or ends past
 * the end of the file (then the message says "truncated").
 *
 * Files that do not start with "CDF" (netCDF-4/HDF5, anything else) are not checked here. */
#ifndef IO_CLASSIC_H
#define IO_CLASSIC_H

#include <stddef.h>

#include "../kernels/variant.h"

/* STENCIL_OK when path is not a classic file or its header is sound; STENCIL_ERR_IO with a
 * message naming the file, what is wrong and where, otherwise. */
stencil_status io_classic_check(const char *path, stencil_error *err);

/* The same on the file's bytes in memory (len is the file's size); path is for messages. */
stencil_status io_classic_check_bytes(const unsigned char *bytes, size_t len, const char *path,
                                      stencil_error *err);

#endif
