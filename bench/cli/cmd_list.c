#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

int bench_cmd_list(int argc, char **argv)
{
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("usage: stencilbench list\n\nLists the registered stencil variants, whether each "
               "can run on this machine (and why not), and the tuning knobs each takes.\n");
        return BENCH_EXIT_OK;
    }
    if (argc > 1) {
        fprintf(stderr, "stencilbench list: unexpected argument '%s' (list takes none)\n", argv[1]);
        return BENCH_EXIT_USAGE;
    }
    printf("%-14s %-4s %-11s %-29s %s\n", "variant", "dev", "available", "tunings", "description");
    for (size_t i = 0; i < stencil_variant_count(); i++) {
        const stencil_variant *v = stencil_variant_at(i);
        char why[256] = "";
        int ok = v->available(why, sizeof why);
        printf("%-14s %-4s %-11s %-29s %s\n", v->name, v->device == STENCIL_GPU ? "gpu" : "cpu",
               ok ? "yes" : "no", *v->tunings ? v->tunings : "-", v->description);
        if (!ok)
            printf("%-14s      why not: %s\n", "", why);
    }
    return BENCH_EXIT_OK;
}
