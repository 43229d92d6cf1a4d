/* The registry's choice of the fastest variant (model's default): among variants that can run
 * here, GPU before CPU, then the highest speed_rank, then the first listed; and on this
 * machine, with no GPU, it is the CPU variant of highest rank, openmp_fused. Also the
 * steps_per_sweep knob, and cuda_fused ranked below cuda_shared (measured slower) where the build has CUDA. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "variant.h"

static int yes(char *why, size_t len)
{
    (void)why;
    (void)len;
    return 1;
}

static int no(char *why, size_t len)
{
    snprintf(why, len, "not here");
    return 0;
}

#define FAKE(var, dev, rank, avail) \
    static const stencil_variant var = {.name = #var, .device = dev, .speed_rank = rank, .available = avail}

FAKE(cpu_slow, STENCIL_CPU, 10, yes);
FAKE(cpu_fast, STENCIL_CPU, 50, yes);
FAKE(cpu_fast_too, STENCIL_CPU, 50, yes);
FAKE(cpu_fastest_absent, STENCIL_CPU, 90, no);
FAKE(gpu_slow, STENCIL_GPU, 1, yes);
FAKE(gpu_fast, STENCIL_GPU, 5, yes);
FAKE(gpu_fastest_absent, STENCIL_GPU, 9, no);

static const char *pick(const stencil_variant *const *list, size_t n)
{
    const stencil_variant *v = stencil_variant_pick_fastest(list, n);
    return v ? v->name : "(none)";
}

int main(void)
{
    check_ctx c = {0, 0};
    const stencil_variant *cpu[] = {&cpu_slow, &cpu_fast, &cpu_fast_too, &cpu_fastest_absent};
    CHECK(&c, strcmp(pick(cpu, 4), "cpu_fast") == 0, "CPU only: got %s, want cpu_fast (highest "
          "available rank, the first of a tie)", pick(cpu, 4));
    const stencil_variant *late[] = {&cpu_fastest_absent, &cpu_slow, &cpu_fast};
    CHECK(&c, strcmp(pick(late, 3), "cpu_fast") == 0, "rank, not table order: got %s", pick(late, 3));
    const stencil_variant *mixed[] = {&cpu_fast, &gpu_slow, &gpu_fastest_absent, &gpu_fast, &cpu_slow};
    CHECK(&c, strcmp(pick(mixed, 5), "gpu_fast") == 0, "GPU before CPU: got %s, want gpu_fast",
          pick(mixed, 5));
    /* steps_per_sweep (cuda_fused's temporal blocking) is a knob like the others */
    stencil_tuning t;
    stencil_error err = {{0}};
    char text[128];
    CHECK(&c, stencil_tuning_parse("steps_per_sweep=3,block_x=9", "steps_per_sweep,block_x", &t, &err) ==
                  STENCIL_OK && t.steps_per_sweep == 3 && t.block_x == 9,
          "steps_per_sweep=3,block_x=9: %s", err.msg);
    stencil_tuning_format(&t, "steps_per_sweep,block_x", text, sizeof text);
    CHECK(&c, strcmp(text, "block_x=9;steps_per_sweep=3") == 0, "formatted as '%s'", text);
    CHECK(&c, stencil_tuning_parse("steps_per_sweep=2", "block_x", &t, &err) == STENCIL_ERR_ARG,
          "steps_per_sweep accepted by a variant that does not take it");
    const stencil_variant *fused = stencil_variant_find("cuda_fused"),
                          *shared = stencil_variant_find("cuda_shared");
    if (fused && shared)
        /* measured on the H200: cuda_fused below cuda_shared (results/reference/h200) */
        CHECK(&c, strstr(fused->tunings, "steps_per_sweep") && fused->speed_rank < shared->speed_rank,
              "cuda_fused: knobs '%s', rank %d (cuda_shared %d)", fused->tunings, fused->speed_rank,
              shared->speed_rank);
    const stencil_variant *resident = stencil_variant_find("cuda_resident");
    if (resident && shared) /* takes only grids that fit in shared memory: never model's default */
        CHECK(&c, resident->speed_rank < shared->speed_rank, "cuda_resident rank %d (cuda_shared %d)",
              resident->speed_rank, shared->speed_rank);
    const stencil_variant *gpu_absent[] = {&gpu_fastest_absent, &cpu_slow};
    CHECK(&c, strcmp(pick(gpu_absent, 2), "cpu_slow") == 0, "no GPU: got %s", pick(gpu_absent, 2));
    const stencil_variant *none[] = {&cpu_fastest_absent, &gpu_fastest_absent};
    CHECK(&c, stencil_variant_pick_fastest(none, 2) == NULL, "none available: got %s", pick(none, 2));

    /* The real registry: every variant has a rank, and ranks are distinct within a device, so
     * the choice never falls to table order. */
    for (size_t i = 0; i < stencil_variant_count(); i++)
        for (size_t j = 0; j < i; j++) {
            const stencil_variant *a = stencil_variant_at(i), *b = stencil_variant_at(j);
            if (a->uses_ranks || b->uses_ranks) /* MPI variants are never picked (mpirun) */
                continue;
            CHECK(&c, a->speed_rank > 0, "%s has no speed_rank", a->name);
            CHECK(&c, a->device != b->device || a->speed_rank != b->speed_rank,
                  "%s and %s share speed_rank %d", a->name, b->name, a->speed_rank);
        }
    const stencil_variant *best = stencil_variant_fastest();
    CHECK(&c, best != NULL, "no variant can run here");
    int gpu_here = 0;
    char why[256];
    for (size_t i = 0; i < stencil_variant_count(); i++)
        if (stencil_variant_at(i)->device == STENCIL_GPU && stencil_variant_at(i)->available(why, sizeof why))
            gpu_here = 1;
    if (best && gpu_here)
        CHECK(&c, strcmp(best->name, "cuda_shared") == 0, "with a GPU: got %s, want cuda_shared", best->name);
    else if (best)
        CHECK(&c, strcmp(best->name, "openmp_fused") == 0, "CPU only: got %s, want openmp_fused", best->name);
    printf("fastest here: %s\n", best ? best->name : "(none)");
    return check_finish(&c, "test_registry");
}
