/* Shared helpers of the variant contract: problem checks, tuning strings, errors. */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "variant.h"

stencil_status stencil_fail(stencil_error *err, stencil_status status, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return status;
}

stencil_status stencil_problem_check(const stencil_problem *p, stencil_error *err)
{
    if (p->nz < 1 || p->ny < 1 || p->nx < 1)
        return stencil_fail(err, STENCIL_ERR_ARG, "grid %zux%zux%zu: every size must be >= 1",
                            p->nz, p->ny, p->nx);
    if (p->ny > SIZE_MAX / p->nx || p->nz > SIZE_MAX / sizeof(float) / (p->ny * p->nx))
        return stencil_fail(err, STENCIL_ERR_ARG, "grid %zux%zux%zu is too large to address",
                            p->nz, p->ny, p->nx);
    if (!isfinite(p->k) || p->k <= 0.0f || p->k > 1.0f)
        return stencil_fail(err, STENCIL_ERR_ARG,
                            "diffusion coefficient k=%g is out of range: use 0 < k <= 1",
                            (double)p->k);
    if (p->scheme != STENCIL_SCHEME_COURSE && p->scheme != STENCIL_SCHEME_INSULATED)
        return stencil_fail(err, STENCIL_ERR_ARG, "unknown scheme %d", (int)p->scheme);
    if (p->threads < 0)
        return stencil_fail(err, STENCIL_ERR_ARG, "threads=%d: use 1 or more", p->threads);
    return STENCIL_OK;
}

const char *stencil_scheme_name(stencil_scheme scheme)
{
    return scheme == STENCIL_SCHEME_INSULATED ? "insulated" : "course";
}

int stencil_scheme_unstable(stencil_scheme scheme, double k, char *why, size_t why_len)
{
    /* T' = T (1 - 6k/n) + (k/n) s: the weights' absolute sum is |1 - 6k/n| + k, at most 1 for
     * every n >= 1 while k <= 2/7 (n = 1 is the worst); a pair of sea cells with no other sea
     * neighbour has the mode T1 = -T2 multiplied by 1 - 7k a step, a lone sea cell by 1 - 6k.
     * The insulated scheme's weights are 1 - k and k: stable for every k in (0, 1]. */
    if (scheme == STENCIL_SCHEME_INSULATED || (float)k <= 2.0f / 7.0f) /* the float k the kernels use */
        return 0;
    snprintf(why, why_len,
             "k=%g with the course scheme is not stable above k = 2/7: a pair of sea cells with "
             "no other sea neighbour grows by a factor of up to %.3g a step (7k - 1), so a long "
             "run can overflow to inf and NaN (its figures stay valid timings; the variants that keep "
             "land fixed then part from naive, and validation says why). The insulated scheme is "
             "stable for every k",
             k, 7.0 * k - 1.0);
    return 1;
}

stencil_status stencil_scheme_parse(const char *text, stencil_scheme *out, stencil_error *err)
{
    if (strcmp(text, "course") == 0)
        *out = STENCIL_SCHEME_COURSE;
    else if (strcmp(text, "insulated") == 0)
        *out = STENCIL_SCHEME_INSULATED;
    else
        return stencil_fail(err, STENCIL_ERR_ARG,
                            "unknown scheme '%s': use course (6*T, the default) or insulated (n*T)",
                            text);
    return STENCIL_OK;
}

static const char *const knob_names[] = {"tile_z",  "tile_y",  "tile_x", "block_x",
                                         "block_y", "block_z", "graph",  "stream",
                                         "steps_per_sweep"};
enum { KNOB_COUNT = sizeof knob_names / sizeof knob_names[0] };

static int *knob_slot(stencil_tuning *t, size_t i)
{
    int *slots[KNOB_COUNT] = {&t->tile_z,  &t->tile_y,  &t->tile_x, &t->block_x,
                              &t->block_y, &t->block_z, &t->graph,  &t->stream,
                              &t->steps_per_sweep};
    return slots[i];
}

static int name_in_list(const char *name, size_t len, const char *list)
{
    const char *p = list;
    while (p && *p) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n == len && strncmp(p, name, len) == 0)
            return 1;
        p = end ? end + 1 : NULL;
    }
    return 0;
}

stencil_status stencil_tuning_parse(const char *text, const char *allowed, stencil_tuning *out,
                                    stencil_error *err)
{
    memset(out, 0, sizeof *out);
    if (!text || !*text || strcmp(text, "default") == 0)
        return STENCIL_OK;
    const char *p = text;
    while (*p) {
        size_t len = strcspn(p, ",;");
        const char *end = p[len] ? p + len : NULL;
        const char *eq = memchr(p, '=', len);
        if (!eq)
            return stencil_fail(err, STENCIL_ERR_ARG,
                                "tuning '%.*s' in '%s': write name=value, e.g. tile_y=8",
                                (int)len, p, text);
        size_t name_len = (size_t)(eq - p);
        if (!name_in_list(p, name_len, allowed))
            return stencil_fail(err, STENCIL_ERR_ARG, "tuning knob '%.*s' is not taken here; knobs: %s",
                                (int)name_len, p, *allowed ? allowed : "(none)");
        size_t i = 0;
        while (i < KNOB_COUNT &&
               !(strlen(knob_names[i]) == name_len && strncmp(knob_names[i], p, name_len) == 0))
            i++;
        if (i == KNOB_COUNT)
            return stencil_fail(err, STENCIL_ERR_ARG, "unknown tuning knob '%.*s'", (int)name_len, p);
        char num[32];
        size_t num_len = len - name_len - 1;
        if (num_len == 0 || num_len >= sizeof num)
            return stencil_fail(err, STENCIL_ERR_ARG, "tuning '%.*s': missing or overlong value",
                                (int)len, p);
        memcpy(num, eq + 1, num_len);
        num[num_len] = '\0';
        char *stop;
        long v = strtol(num, &stop, 10);
        int is_switch = strcmp(knob_names[i], "graph") == 0 || strcmp(knob_names[i], "stream") == 0;
        int signed_ok = is_switch && (v == -1 || v == 0 || v == 1);
        if (*stop || (!signed_ok && (v < 1 || v > 1 << 20)))
            return stencil_fail(err, STENCIL_ERR_ARG,
                                "tuning %s=%s: use a whole number from 1 to %d%s", knob_names[i], num,
                                1 << 20, is_switch ? " (switches: -1 off, 0 auto, 1 on)" : "");
        *knob_slot(out, i) = (int)v;
        p = end ? end + 1 : p + len;
    }
    return STENCIL_OK;
}

void stencil_tuning_format(const stencil_tuning *t, const char *allowed, char *buf, size_t len)
{
    stencil_tuning copy = *t;
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < KNOB_COUNT; i++) {
        int v = *knob_slot(&copy, i);
        if (v == 0 || !name_in_list(knob_names[i], strlen(knob_names[i]), allowed))
            continue;
        int n = snprintf(buf + used, len - used, "%s%s=%d", used ? ";" : "", knob_names[i], v);
        if (n < 0 || (size_t)n >= len - used)
            break;
        used += (size_t)n;
    }
    if (used == 0)
        snprintf(buf, len, "default");
}
