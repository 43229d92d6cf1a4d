#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <ini.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "synthetic.h"

static const char *const key_names[IO_KEY_COUNT] = {
    "variants", "grids", "threads", "timesteps", "tunings", "host_memory", "reps",
    "warmup",   "scheme", "k",      "land_fraction", "seed", "dataset",
    "ranks",    "scaling", "max_reps", "target_noise", "point_time", "min_time"};

const char *io_config_key_name(io_config_key key)
{
    return (unsigned)key < IO_KEY_COUNT ? key_names[key] : NULL;
}

static void put(io_config_value *v, const char *text, const char *origin)
{
    snprintf(v->text, sizeof v->text, "%s", text);
    snprintf(v->origin, sizeof v->origin, "%s", origin);
}

void io_config_defaults(io_study_config *config)
{
    char seed[32];
    snprintf(seed, sizeof seed, "%u", IO_DEFAULT_SEED);
    const char *text[IO_KEY_COUNT] = {"cpu", "50x222x241", "cores", "10", "default", "pageable",
                                      "5",   "1",          "course", "0.1", "0.5", seed, "",
                                      "1",   "strong", "20", "2", "2", "0.01"};
    memset(config, 0, sizeof *config);
    for (int k = 0; k < IO_KEY_COUNT; k++)
        put(&config->values[k], text[k], "default");
}

static int find_key(const char *name)
{
    for (int k = 0; k < IO_KEY_COUNT; k++)
        if (strcmp(name, key_names[k]) == 0)
            return k;
    return -1;
}

static void known_keys(char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int k = 0; k < IO_KEY_COUNT && used < len; k++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s", k ? ", " : "", key_names[k]);
}

typedef struct load_ctx {
    FILE *f;
    const char *path;
    int line, next_line;
    int indented;      /* the current line starts with a blank (inih: a continuation) */
    int pending;       /* key + 1 whose value ended with a continuation '\', else 0 */
    size_t used;       /* characters of the pending value */
    int seen[IO_KEY_COUNT];
    io_study_config *config;
    stencil_error *err;
    int failed;
} load_ctx;

static char *read_line(char *str, int num, void *stream)
{
    load_ctx *c = stream;
    c->line = c->next_line;
    char *r = fgets(str, num, c->f);
    c->indented = r && (r[0] == ' ' || r[0] == '\t');
    if (r && strchr(r, '\n'))
        c->next_line++;
    return r;
}

static int hex_digit(char ch)
{
    return ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
         : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
}

/* Appends the escaped text s to dst (which holds *used characters): \\ \; \# \s \xHH are
 * decoded, any other backslash is kept; returns 1 when s ends with a lone continuation
 * backslash, -1 when dst would overflow, else 0. */
static int unescape_append(const char *s, char *dst, size_t cap, size_t *used)
{
    size_t n = *used;
    int more = 0;
    for (size_t i = 0; s[i]; i++) {
        char ch = s[i];
        if (ch == '\\' && s[i + 1] == '\0') {
            more = 1;
            break;
        }
        if (ch == '\\' && (s[i + 1] == '\\' || s[i + 1] == ';' || s[i + 1] == '#'))
            ch = s[++i];
        else if (ch == '\\' && s[i + 1] == 's')
            ch = ' ', i++;
        else if (ch == '\\' && s[i + 1] == 'x' && hex_digit(s[i + 2]) >= 0 &&
                 hex_digit(s[i + 3]) >= 0 && (hex_digit(s[i + 2]) | hex_digit(s[i + 3])) != 0) {
            ch = (char)(hex_digit(s[i + 2]) * 16 + hex_digit(s[i + 3]));
            i += 3;
        }
        if (n + 1 >= cap)
            return -1;
        dst[n++] = ch;
    }
    dst[n] = '\0';
    *used = n;
    return more;
}

static int on_value(void *user, const char *section, const char *name, const char *value)
{
    load_ctx *c = user;
    if (c->failed)
        return 1;
    char keys[256];
    int k = find_key(name);
    if (c->pending && c->indented && k + 1 == c->pending && strcmp(section, "study") == 0) {
        /* the next piece of a value continued with a trailing backslash */
        io_config_value *v = &c->config->values[k];
        int more = unescape_append(value, v->text, sizeof v->text, &c->used);
        if (more < 0) {
            stencil_fail(c->err, STENCIL_ERR_ARG, "%s:%d: [study] %s: value longer than %d "
                         "characters", c->path, c->line, name, IO_CONFIG_TEXT_MAX - 1);
            c->failed = 1;
            return 0;
        }
        c->pending = more ? k + 1 : 0;
        return 1;
    }
    if (c->pending) {
        stencil_fail(c->err, STENCIL_ERR_ARG, "%s:%d: [study] %s: the value on line %d ends with "
                     "'\\', which continues it on the next line, but this line is not indented "
                     "(write '\\\\' for a backslash)", c->path, c->line, key_names[c->pending - 1],
                     c->seen[c->pending - 1]);
        c->failed = 1;
        return 0;
    }
    if (strcmp(section, "study") != 0) {
        known_keys(keys, sizeof keys);
        stencil_fail(c->err, STENCIL_ERR_ARG,
                     "%s:%d: [%s] %s: unknown section '%s' (a study file has one section, "
                     "[study], with keys %s)", c->path, c->line, section, name, section, keys);
        c->failed = 1;
        return 0;
    }
    if (k < 0) {
        known_keys(keys, sizeof keys);
        stencil_fail(c->err, STENCIL_ERR_ARG, "%s:%d: [study] %s: unknown key (known keys: %s)",
                     c->path, c->line, name, keys);
        c->failed = 1;
        return 0;
    }
    if (c->seen[k]) {
        stencil_fail(c->err, STENCIL_ERR_ARG, "%s:%d: [study] %s: set twice (first on line %d)",
                     c->path, c->line, name, c->seen[k]);
        c->failed = 1;
        return 0;
    }
    c->seen[k] = c->line;
    io_config_value *v = &c->config->values[k];
    snprintf(v->origin, sizeof v->origin, "%s:%d", c->path, c->line);
    c->used = 0;
    int more = unescape_append(value, v->text, sizeof v->text, &c->used);
    if (more < 0) {
        stencil_fail(c->err, STENCIL_ERR_ARG, "%s:%d: [study] %s: value longer than %d characters",
                     c->path, c->line, name, IO_CONFIG_TEXT_MAX - 1);
        c->failed = 1;
        return 0;
    }
    c->pending = more ? k + 1 : 0;
    return 1;
}

stencil_status io_config_load(const char *path, io_study_config *config, stencil_error *err)
{
    load_ctx c = {0};
    struct stat st_file;
    if (stat(path, &st_file) == 0 && S_ISDIR(st_file.st_mode))
        return stencil_fail(err, STENCIL_ERR_IO, "config %s is a directory; give a study file "
                            "(e.g. configs/default.ini)", path);
    c.f = fopen(path, "r");
    if (!c.f)
        return stencil_fail(err, STENCIL_ERR_IO, "cannot read config %s: %s", path, strerror(errno));
    c.path = path;
    c.next_line = 1;
    c.config = config;
    c.err = err;
    /* Values are checked against a copy so a bad file leaves config as it was. */
    io_study_config *copy = malloc(sizeof *copy);
    if (!copy) {
        fclose(c.f);
        return stencil_fail(err, STENCIL_ERR_NOMEM, "out of memory reading %s", path);
    }
    *copy = *config;
    c.config = copy;
    int r = ini_parse_stream(read_line, &c, on_value, &c);
    int read_error = ferror(c.f) ? errno : 0;
    fclose(c.f);
    stencil_status st = STENCIL_OK;
    if (read_error)
        st = stencil_fail(err, STENCIL_ERR_IO, "cannot read config %s: %s", path, strerror(read_error));
    else if (c.failed)
        st = STENCIL_ERR_ARG;
    else if (c.pending)
        st = stencil_fail(err, STENCIL_ERR_ARG, "%s:%d: [study] %s: the value ends with '\\', which "
                          "continues it on the next line, but the file ends (write '\\\\' for a "
                          "backslash)", path, c.seen[c.pending - 1], key_names[c.pending - 1]);
    else if (r > 0)
        st = stencil_fail(err, STENCIL_ERR_ARG,
                          "%s:%d: not a '[section]' or 'key = value' line (or longer than 199 "
                          "characters)", path, r);
    else if (r < 0)
        st = stencil_fail(err, STENCIL_ERR_IO, "cannot parse %s (inih error %d)", path, r);
    /* Scalars are checked here, so their errors point at the file. */
    long l;
    double d;
    if (st == STENCIL_OK)
        st = io_config_long(copy, IO_KEY_REPS, 1, 1000, &l, err);
    if (st == STENCIL_OK)
        st = io_config_long(copy, IO_KEY_WARMUP, 0, 1000, &l, err);
    if (st == STENCIL_OK)
        st = io_config_long(copy, IO_KEY_SEED, 0, 2147483647L, &l, err);
    if (st == STENCIL_OK)
        st = io_config_double(copy, IO_KEY_LAND_FRACTION, 0.0, 1.0, &d, err);
    if (st == STENCIL_OK)
        st = io_config_double(copy, IO_KEY_K, 0.0, 1.0, &d, err);
    if (st == STENCIL_OK)
        st = io_config_long(copy, IO_KEY_MAX_REPS, 1, 1000, &l, err);
    if (st == STENCIL_OK)
        st = io_config_double(copy, IO_KEY_TARGET_NOISE, 0.0, 100.0, &d, err);
    if (st == STENCIL_OK)
        st = io_config_double(copy, IO_KEY_POINT_TIME, 0.0, 3600.0, &d, err);
    if (st == STENCIL_OK)
        st = io_config_double(copy, IO_KEY_MIN_TIME, 0.0, 10.0, &d, err);
    if (st == STENCIL_OK) {
        *config = *copy;
        snprintf(config->path, sizeof config->path, "%s", path);
    }
    free(copy);
    return st;
}

stencil_status io_config_set(io_study_config *config, const char *key, const char *text,
                             const char *origin, stencil_error *err)
{
    int k = find_key(key);
    if (k < 0) {
        char keys[256];
        known_keys(keys, sizeof keys);
        return stencil_fail(err, STENCIL_ERR_ARG, "%s: unknown key '%s' (known keys: %s)", origin,
                            key, keys);
    }
    if (strlen(text) >= IO_CONFIG_TEXT_MAX)
        return stencil_fail(err, STENCIL_ERR_ARG, "%s: value longer than %d characters", origin,
                            IO_CONFIG_TEXT_MAX - 1);
    put(&config->values[k], text, origin);
    return STENCIL_OK;
}

stencil_status io_config_fail(const io_study_config *config, io_config_key key, stencil_error *err,
                              const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const io_config_value *v = &config->values[key];
    if (strchr(v->origin, ':'))
        return stencil_fail(err, STENCIL_ERR_ARG, "%.300s: [study] %s: %s", v->origin,
                            key_names[key], msg);
    if (strncmp(v->origin, "--", 2) == 0)
        return stencil_fail(err, STENCIL_ERR_ARG, "%.300s %.60s: %s", v->origin, v->text, msg);
    return stencil_fail(err, STENCIL_ERR_ARG, "%s (%.300s): %s", key_names[key], v->origin, msg);
}

stencil_status io_config_long(const io_study_config *config, io_config_key key, long lo, long hi,
                              long *out, stencil_error *err)
{
    const char *text = config->values[key].text;
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    while (*end == ' ' || *end == '\t')
        end++;
    if (!*text || *end || errno || v < lo || v > hi)
        return io_config_fail(config, key, err, "'%s' is not a whole number from %ld to %ld", text,
                              lo, hi);
    *out = v;
    return STENCIL_OK;
}

stencil_status io_config_double(const io_study_config *config, io_config_key key, double lo,
                                double hi, double *out, stencil_error *err)
{
    const char *text = config->values[key].text;
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    while (*end == ' ' || *end == '\t')
        end++;
    int ok = *text && !*end && !errno && isfinite(v) && v >= lo && v <= hi;
    if (key == IO_KEY_K)
        ok = ok && v > 0.0; /* (0, 1] */
    if (!ok && key == IO_KEY_K)
        return io_config_fail(config, key, err, "the diffusion coefficient must be in (0, 1], not "
                              "'%s'", text);
    if (!ok)
        return io_config_fail(config, key, err, "'%s' is not a number in [%g, %g]", text, lo, hi);
    *out = v;
    return STENCIL_OK;
}

/* Writes "key = value" so that io_config_load reads back exactly value (libinih strips blanks
 * at both ends of a line, cuts " ;..." as a comment and reads lines of at most 199 characters):
 * backslash, ';', '#' and control characters are escaped, a blank at either end of a line is
 * written \s, and a line is continued after about WRAP characters with a trailing backslash. */
static void write_value(FILE *f, const char *key, const char *value)
{
    enum { WRAP = 150 };
    const size_t n = strlen(value);
    size_t line = 0;
    fprintf(f, "%s = ", key);
    for (size_t i = 0; i < n; i++) {
        const unsigned char ch = (unsigned char)value[i];
        if (line >= WRAP) {
            fputs("\\\n    ", f);
            line = 0;
        }
        char tok[8];
        if (ch == '\\' || ch == ';' || ch == '#')
            snprintf(tok, sizeof tok, "\\%c", ch);
        else if (ch == ' ' && (i == 0 || i + 1 == n || line == 0 || line + 1 >= WRAP))
            snprintf(tok, sizeof tok, "\\s");
        else if (ch < 0x20 || ch == 0x7F)
            snprintf(tok, sizeof tok, "\\x%02X", ch);
        else
            tok[0] = (char)ch, tok[1] = '\0';
        fputs(tok, f);
        line += strlen(tok);
    }
    fputc('\n', f);
}

stencil_status io_config_write(const io_study_config *config, const char *path,
                               stencil_error *err)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return stencil_fail(err, STENCIL_ERR_IO, "cannot write %s: %s", path, strerror(errno));
    fprintf(f, "; The resolved study of this run (stencilbench run --resume reads it).\n"
               "; In values \\\\ \\; \\# \\s \\xHH stand for a backslash, ';', '#', a blank and a\n"
               "; control character; a value ending in a single \\ goes on after the next line's blanks.\n"
               "[study]\n");
    for (int k = 0; k < IO_KEY_COUNT; k++)
        write_value(f, key_names[k], config->values[k].text);
    if (ferror(f) | (fclose(f) != 0))
        return stencil_fail(err, STENCIL_ERR_IO, "cannot write %s: %s", path, strerror(errno));
    return STENCIL_OK;
}
