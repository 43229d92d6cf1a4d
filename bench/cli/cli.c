#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

int bench_cli_int(const char *flag, const char *text, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (!*text || *end || errno || v < lo || v > hi) {
        fprintf(stderr, "stencilbench: %s %s: expected a whole number from %ld to %ld\n", flag,
                text, lo, hi);
        return 0;
    }
    *out = v;
    return 1;
}

int bench_cli_double(const char *flag, const char *text, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (!*text || *end || errno || !isfinite(v) || v < lo || v > hi) {
        fprintf(stderr, "stencilbench: %s %s: expected a number from %g to %g\n", flag, text, lo,
                hi);
        return 0;
    }
    *out = v;
    return 1;
}

void bench_cli_list_variants(void)
{
    fprintf(stderr, "valid variants:");
    for (size_t i = 0; i < stencil_variant_count(); i++)
        fprintf(stderr, "%s %s", i ? "," : "", stencil_variant_at(i)->name);
    fprintf(stderr, " (or all, cpu, gpu)\n");
}

int bench_cli_variants(const char *text, const stencil_variant **out, int max)
{
    int n = 0;
    if (strcmp(text, "all") == 0 || strcmp(text, "cpu") == 0 || strcmp(text, "gpu") == 0) {
        for (size_t i = 0; i < stencil_variant_count() && n < max; i++) {
            const stencil_variant *v = stencil_variant_at(i);
            if (v->uses_ranks) /* MPI variants run under mpirun, through stencilbench run */
                continue;
            if (strcmp(text, "all") == 0 || (strcmp(text, "cpu") == 0) == (v->device == STENCIL_CPU))
                out[n++] = v;
        }
        return n;
    }
    const char *p = text;
    while (*p) {
        size_t len = strcspn(p, ",");
        char name[64];
        if (len == 0 || len >= sizeof name) {
            fprintf(stderr, "stencilbench: --variant '%s': empty or overlong name\n", text);
            bench_cli_list_variants();
            return -1;
        }
        memcpy(name, p, len);
        name[len] = '\0';
        const stencil_variant *v = stencil_variant_find(name);
        if (!v) {
            fprintf(stderr, "stencilbench: unknown variant '%s'; ", name);
            bench_cli_list_variants();
            return -1;
        }
        if (n < max)
            out[n++] = v;
        p += len;
        if (*p == ',')
            p++;
    }
    return n;
}
