#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <ini.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "synthetic.h"

static const char *const key_names[IO_KEY_COUNT] = {
    "variants", "grids", "threads", "timesteps", "tunings", "host_memory", "reps",
    "warmup",   "scheme", "k",      "land_fraction", "seed", "dataset"};

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
                                      "5",   "1",          "course", "0.1", "0.5", seed, ""};
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
    if (r && strchr(r, '\n'))
        c->next_line++;
    return r;
}

static int on_value(void *user, const char *section, const char *name, const char *value)
{
    load_ctx *c = user;
    if (c->failed)
        return 1;
    char keys[256];
    if (strcmp(section, "study") != 0) {
        known_keys(keys, sizeof keys);
        stencil_fail(c->err, STENCIL_ERR_ARG,
                     "%s:%d: [%s] %s: unknown section '%s' (a study file has one section, "
                     "[study], with keys %s)", c->path, c->line, section, name, section, keys);
        c->failed = 1;
        return 0;
    }
    int k = find_key(name);
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
    if (strlen(value) >= IO_CONFIG_TEXT_MAX) {
        stencil_fail(c->err, STENCIL_ERR_ARG, "%s:%d: [study] %s: value longer than %d characters",
                     c->path, c->line, name, IO_CONFIG_TEXT_MAX - 1);
        c->failed = 1;
        return 0;
    }
    c->seen[k] = c->line;
    char origin[IO_CONFIG_ORIGIN_MAX];
    snprintf(origin, sizeof origin, "%s:%d", c->path, c->line);
    put(&c->config->values[k], value, origin);
    return 1;
}

stencil_status io_config_load(const char *path, io_study_config *config, stencil_error *err)
{
    load_ctx c = {0};
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
    fclose(c.f);
    stencil_status st = STENCIL_OK;
    if (c.failed)
        st = STENCIL_ERR_ARG;
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

stencil_status io_config_write(const io_study_config *config, const char *path,
                               stencil_error *err)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return stencil_fail(err, STENCIL_ERR_IO, "cannot write %s: %s", path, strerror(errno));
    fprintf(f, "; The resolved study of this run (stencilbench run --resume reads it).\n[study]\n");
    for (int k = 0; k < IO_KEY_COUNT; k++)
        fprintf(f, "%s = %s\n", key_names[k], config->values[k].text);
    if (fclose(f) != 0)
        return stencil_fail(err, STENCIL_ERR_IO, "cannot write %s: %s", path, strerror(errno));
    return STENCIL_OK;
}
