#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "classic.h"

enum { TAG_DIMENSION = 0x0A, TAG_VARIABLE = 0x0B, TAG_ATTRIBUTE = 0x0C };
enum { MAX_NAME = 256, MAX_VAR_DIMS = 1024 };

typedef struct cursor {
    const unsigned char *b;
    size_t len, pos;
    int version; /* 1, 2 or 5 */
    const char *path;
    stencil_error *err;
} cursor;

typedef struct var_info {
    char name[MAX_NAME + 1];
    uint64_t begin, size; /* size: unpadded bytes (of one record for a record variable) */
    int record;
} var_info;

static int bad(cursor *c, const char *fmt, ...)
{
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    stencil_fail(c->err, STENCIL_ERR_IO, "'%s' is not a valid netCDF classic file: %s (at byte %zu "
                 "of %zu; the header is damaged: download or write the file again)", c->path, what,
                 c->pos, c->len);
    return 0;
}

static int get_u(cursor *c, int bytes, uint64_t *v, const char *what)
{
    if ((size_t)bytes > c->len - c->pos)
        return bad(c, "the file ends inside the header, in %s", what);
    uint64_t x = 0;
    for (int i = 0; i < bytes; i++)
        x = x << 8 | c->b[c->pos + (size_t)i];
    c->pos += (size_t)bytes;
    *v = x;
    return 1;
}

/* NON_NEG: a non-negative INT (CDF-1, CDF-2) or INT64 (CDF-5). */
static int get_count(cursor *c, uint64_t *v, const char *what)
{
    if (!get_u(c, c->version == 5 ? 8 : 4, v, what))
        return 0;
    if (*v > (c->version == 5 ? (uint64_t)INT64_MAX : (uint64_t)INT32_MAX))
        return bad(c, "%s is %llu, more than the format allows", what, (unsigned long long)*v);
    return 1;
}

/* Skips n bytes rounded up to a multiple of 4. */
static int skip_padded(cursor *c, uint64_t n, const char *what)
{
    uint64_t room = c->len - c->pos;
    if (n > room || (n + 3) / 4 * 4 > room)
        return bad(c, "%s needs %llu bytes but the file has %llu left", what,
                   (unsigned long long)n, (unsigned long long)room);
    c->pos += (size_t)((n + 3) / 4 * 4);
    return 1;
}

/* UTF-8 without control characters or '/' (netCDF names). */
static int name_text(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        const unsigned char ch = s[i];
        const size_t more = ch < 0x80 ? 0 : (ch & 0xE0) == 0xC0 ? 1 : (ch & 0xF0) == 0xE0 ? 2 : 3;
        if (ch < 0x20 || ch == 0x7F || ch == '/' || (ch >= 0x80 && ch < 0xC2) || ch > 0xF4 ||
            i + more >= n + (more == 0))
            return 0;
        for (size_t k = 1; k <= more; k++)
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
        i += more + 1;
    }
    return 1;
}

static int get_name(cursor *c, char out[MAX_NAME + 1], const char *what)
{
    uint64_t n = 0;
    char length[64];
    snprintf(length, sizeof length, "the length of %s", what);
    if (!get_count(c, &n, length))
        return 0;
    if (n == 0 || n > MAX_NAME)
        return bad(c, "%s has length %llu (1 to %d)", what, (unsigned long long)n, MAX_NAME);
    const size_t start = c->pos;
    if (!skip_padded(c, n, what))
        return 0;
    if (!name_text(c->b + start, (size_t)n))
        return bad(c, "%s is not UTF-8 text without control characters or '/'", what);
    memcpy(out, c->b + start, (size_t)n);
    out[n] = '\0';
    return 1;
}

/* The size of one value of a type of this version, 0 when the version has no such type. */
static unsigned type_size(int version, uint64_t t)
{
    static const unsigned size[12] = {0, 1, 1, 2, 4, 4, 8, 1, 2, 4, 8, 8};
    if (t < 1 || t > (version == 5 ? 11u : 6u))
        return 0;
    return size[t];
}

static int get_attributes(cursor *c, const char *owner)
{
    uint64_t tag = 0, n = 0;
    if (!get_u(c, 4, &tag, "an attribute list tag") || !get_count(c, &n, "the number of attributes"))
        return 0;
    if (tag == 0 && n == 0)
        return 1;
    if (tag != TAG_ATTRIBUTE)
        return bad(c, "the attributes of %s have tag %llu (expected %d, or none)", owner,
                   (unsigned long long)tag, TAG_ATTRIBUTE);
    for (uint64_t i = 0; i < n; i++) {
        char name[MAX_NAME + 1];
        uint64_t type = 0, count = 0;
        if (!get_name(c, name, "an attribute name") || !get_u(c, 4, &type, "an attribute type") ||
            !get_count(c, &count, "an attribute length"))
            return 0;
        unsigned size = type_size(c->version, type);
        if (size == 0)
            return bad(c, "attribute '%s' of %s has type %llu, which CDF-%d does not have", name,
                       owner, (unsigned long long)type, c->version);
        if (count > UINT64_MAX / size)
            return bad(c, "attribute '%s' of %s is too long", name, owner);
        if (!skip_padded(c, count * size, "an attribute's values"))
            return 0;
    }
    return 1;
}

/* a * b + c within the file's size; 0 when it overflows or passes it. */
static int fits(uint64_t a, uint64_t b, uint64_t add, uint64_t limit, uint64_t *end)
{
    if (b != 0 && a > UINT64_MAX / b)
        return 0;
    uint64_t p = a * b;
    if (p > UINT64_MAX - add)
        return 0;
    *end = p + add;
    return *end <= limit;
}

static int check_extents(cursor *c, const var_info *vars, uint64_t nvars, uint64_t numrecs)
{
    const uint64_t header_end = c->pos, file = c->len;
    uint64_t recsize = 0, records = 0, data = 0, end;
    for (uint64_t v = 0; v < nvars; v++) { /* sizes are below 2^62: these sums do not wrap */
        const uint64_t padded = (vars[v].size + 3) / 4 * 4;
        if (vars[v].record)
            records++, recsize += padded;
        else
            data += padded;
    }
    for (uint64_t v = 0; v < nvars && records == 1; v++)
        if (vars[v].record)
            recsize = vars[v].size; /* a lone record variable is not padded */
    if (!fits(numrecs, recsize, data, UINT64_MAX, &data))
        data = UINT64_MAX;
    for (uint64_t v = 0; v < nvars; v++) {
        const var_info *p = &vars[v];
        if (p->begin < header_end)
            return bad(c, "variable '%s' begins at byte %llu, inside the header (which ends at "
                       "byte %llu)", p->name, (unsigned long long)p->begin,
                       (unsigned long long)header_end);
        int inside;
        if (!p->record)
            inside = fits(1, p->size, p->begin, file, &end);
        else /* the variable's part of the last record */
            inside = numrecs == 0 || (fits(numrecs - 1, recsize, p->begin, UINT64_MAX, &end) &&
                                      fits(1, p->size, end, file, &end));
        if (!inside) {
            stencil_fail(c->err, STENCIL_ERR_IO, "'%s' is truncated: its header describes %llu "
                         "bytes of data but the file has %zu bytes in all (variable '%s' passes "
                         "the end; download it again)", c->path, (unsigned long long)data, c->len,
                         p->name);
            return 0;
        }
    }
    return 1;
}

/* The dimensions: dim[d] their lengths (0: the unlimited one, *unlimited its id or -1). */
static int get_dimensions(cursor *c, uint64_t *dim, uint64_t ndims, int64_t *unlimited)
{
    *unlimited = -1;
    for (uint64_t d = 0; d < ndims; d++) {
        char name[MAX_NAME + 1];
        if (!get_name(c, name, "a dimension name") || !get_count(c, &dim[d], "a dimension length"))
            return 0;
        if (dim[d] == 0 && *unlimited >= 0)
            return bad(c, "dimension '%s' is a second unlimited dimension", name);
        if (dim[d] == 0)
            *unlimited = (int64_t)d;
    }
    return 1;
}

static int get_variable(cursor *c, const uint64_t *dim, uint64_t ndims, int64_t unlimited,
                        var_info *p)
{
    uint64_t rank = 0, type = 0, vsize = 0, id = 0, cells = 1;
    if (!get_name(c, p->name, "a variable name") || !get_count(c, &rank, "a variable's rank"))
        return 0;
    if (rank > MAX_VAR_DIMS)
        return bad(c, "variable '%s' has %llu dimensions (at most %d)", p->name,
                   (unsigned long long)rank, MAX_VAR_DIMS);
    for (uint64_t k = 0; k < rank; k++) {
        if (!get_count(c, &id, "a dimension id"))
            return 0;
        if (id >= ndims)
            return bad(c, "variable '%s' uses dimension id %llu; the file has %llu dimensions",
                       p->name, (unsigned long long)id, (unsigned long long)ndims);
        if ((int64_t)id == unlimited && k != 0)
            return bad(c, "variable '%s' uses the unlimited dimension as dimension %llu; only the "
                       "first may be unlimited", p->name, (unsigned long long)k + 1);
        if ((int64_t)id == unlimited)
            p->record = 1;
        else if (cells > ((uint64_t)1 << 62) / dim[id])
            return bad(c, "variable '%s' has more values than any file can hold", p->name);
        else
            cells *= dim[id];
    }
    if (!get_attributes(c, p->name) || !get_u(c, 4, &type, "a variable type"))
        return 0;
    const unsigned size = type_size(c->version, type);
    if (size == 0)
        return bad(c, "variable '%s' has type %llu, which CDF-%d does not have", p->name,
                   (unsigned long long)type, c->version);
    if (cells > ((uint64_t)1 << 62) / size)
        return bad(c, "variable '%s' has more bytes than any file can hold", p->name);
    p->size = cells * size;
    if (!get_u(c, c->version == 5 ? 8 : 4, &vsize, "a variable's vsize") ||
        !get_u(c, c->version == 1 ? 4 : 8, &p->begin, "a variable's begin offset"))
        return 0;
    /* vsize is the padded size; CDF-1/2 write 2^32 - 1 (or the low 32 bits) past 4 GiB. */
    const uint64_t padded = (p->size + 3) / 4 * 4;
    if (vsize != padded && vsize != p->size &&
        !(c->version != 5 && (vsize == 0xFFFFFFFFu || vsize == (padded & 0xFFFFFFFFu))))
        return bad(c, "variable '%s' declares %llu bytes (vsize) but its dimensions and type give "
                   "%llu", p->name, (unsigned long long)vsize, (unsigned long long)padded);
    return 1;
}

/* A list's tag and count: the tag, or ABSENT (two zeros); at most one element per min_bytes
 * of the rest of the file. */
static int get_list(cursor *c, uint64_t want_tag, uint64_t min_bytes, uint64_t *n, const char *what)
{
    uint64_t tag = 0;
    if (!get_u(c, 4, &tag, what) || !get_count(c, n, what))
        return 0;
    if ((tag != want_tag && !(tag == 0 && *n == 0)) || *n > (c->len - c->pos) / min_bytes)
        return bad(c, "%s (tag %llu, %llu elements) does not fit the file", what,
                   (unsigned long long)tag, (unsigned long long)*n);
    return 1;
}

static int get_header(cursor *c, int *nomem)
{
    uint64_t numrecs = 0, ndims = 0, nvars = 0;
    int64_t unlimited;
    if (c->version != 1 && c->version != 2 && c->version != 5)
        return bad(c, "format version %d (CDF-1, CDF-2 and CDF-5 exist)", c->version);
    if (!get_u(c, c->version == 5 ? 8 : 4, &numrecs, "the number of records"))
        return 0;
    if (numrecs == (c->version == 5 ? UINT64_MAX : 0xFFFFFFFFu))
        numrecs = 0; /* streaming: the library counts the records from the file's size */
    else if (numrecs > (c->version == 5 ? (uint64_t)INT64_MAX : (uint64_t)INT32_MAX))
        return bad(c, "the number of records is %llu", (unsigned long long)numrecs);
    if (!get_list(c, TAG_DIMENSION, 8, &ndims, "the dimension list"))
        return 0;
    uint64_t *dim = malloc((ndims ? ndims : 1) * sizeof *dim);
    if (!dim)
        return *nomem = 1, 0;
    var_info *vars = NULL;
    int ok = get_dimensions(c, dim, ndims, &unlimited) && get_attributes(c, "the file") &&
             get_list(c, TAG_VARIABLE, 16, &nvars, "the variable list");
    if (ok && !(vars = calloc(nvars ? nvars : 1, sizeof *vars)))
        ok = 0, *nomem = 1;
    for (uint64_t v = 0; ok && v < nvars; v++)
        ok = get_variable(c, dim, ndims, unlimited, &vars[v]);
    ok = ok && check_extents(c, vars, nvars, numrecs);
    free(dim);
    free(vars);
    return ok;
}

stencil_status io_classic_check_bytes(const unsigned char *bytes, size_t len, const char *path,
                                      stencil_error *err)
{
    if (len < 4 || memcmp(bytes, "CDF", 3) != 0)
        return STENCIL_OK;
    cursor c = {bytes, len, 4, bytes[3], path, err};
    int nomem = 0;
    if (get_header(&c, &nomem))
        return STENCIL_OK;
    if (nomem)
        return stencil_fail(err, STENCIL_ERR_NOMEM, "out of memory checking '%s'", path);
    return STENCIL_ERR_IO;
}

stencil_status io_classic_check(const char *path, stencil_error *err)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return STENCIL_OK; /* the caller's open says why */
    struct stat st;
    unsigned char magic[4];
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < 4 ||
        pread(fd, magic, 4, 0) != 4 || memcmp(magic, "CDF", 3) != 0) {
        close(fd);
        return STENCIL_OK;
    }
    void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    int e = errno;
    close(fd);
    if (map == MAP_FAILED)
        return stencil_fail(err, STENCIL_ERR_IO, "cannot read '%s': %s", path, strerror(e));
    stencil_status s = io_classic_check_bytes(map, (size_t)st.st_size, path, err);
    munmap(map, (size_t)st.st_size);
    return s;
}
