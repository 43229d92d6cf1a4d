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

/* Variants with stages, for stencil_variant_pick_for: one that takes only grids whose nx is a
 * multiple of 4 (as cuda_bulk), one that takes any, one whose prepare fails for want of memory. */
static int prepared, released, prepared_threads;
static stencil_status take_any(const stencil_problem *p, void **state, stencil_error *err)
{
    (void)err;
    prepared++;
    prepared_threads = p->threads;
    *state = (void *)&prepared;
    return p->threads >= 1 ? STENCIL_OK : STENCIL_ERR_ARG;
}
static stencil_status take_nx4(const stencil_problem *p, void **state, stencil_error *err)
{
    *state = NULL;
    if (p->nx % 4)
        return stencil_fail(err, STENCIL_ERR_UNAVAILABLE, "nx = %zu is not a multiple of 4", p->nx);
    return take_any(p, state, err);
}
static stencil_status take_none(const stencil_problem *p, void **state, stencil_error *err)
{
    (void)p;
    *state = NULL;
    return stencil_fail(err, STENCIL_ERR_NOMEM, "out of memory");
}
static void release_fake(void *state)
{
    released += state != NULL;
}
#define STAGED(var, dev, rank, prep, threads_used)                                                       \
    static const stencil_variant var = {.name = #var, .device = dev, .speed_rank = rank, .available = yes, \
                                        .prepare = prep, .release = release_fake, .uses_threads = threads_used}
STAGED(gpu_picky, STENCIL_GPU, 30, take_nx4, 0);
STAGED(gpu_any, STENCIL_GPU, 20, take_any, 0);
STAGED(cpu_any, STENCIL_CPU, 50, take_any, 1);
STAGED(gpu_broken, STENCIL_GPU, 40, take_none, 0);
STAGED(gpu_broken_low, STENCIL_GPU, 25, take_none, 0);

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
    const stencil_variant *bulk = stencil_variant_find("cuda_bulk");
    /* cuda_resident ranks between cuda_shared and cuda_bulk: on the grids it takes (small ones)
     * model's trial then weighs it against cuda_shared, or against cuda_bulk where that takes
     * the grid too */
    if (resident && shared && bulk)
        CHECK(&c, resident->speed_rank > shared->speed_rank && resident->speed_rank < bulk->speed_rank,
              "cuda_resident rank %d (cuda_shared %d, cuda_bulk %d)", resident->speed_rank, shared->speed_rank,
              bulk->speed_rank);
    /* stencil_variant_pick_for: the first in that order whose prepare takes the grid */
    const stencil_variant *staged[] = {&cpu_any, &gpu_any, &gpu_picky, &gpu_fastest_absent};
    stencil_problem grid4 = {.nz = 8, .ny = 8, .nx = 12, .k = 0.1f}, grid5 = grid4;
    grid5.nx = 13;
    char declined[256];
    stencil_error perr = {{0}};
    const stencil_variant *got = stencil_variant_pick_for(staged, 4, &grid4, 3, declined, sizeof declined, &perr);
    CHECK(&c, got == &gpu_picky && declined[0] == '\0' && prepared == 1 && released == 1 && prepared_threads == 1,
          "nx = 12: got %s, declined '%s', %d prepared, %d released", got ? got->name : "(none)", declined,
          prepared, released);
    got = stencil_variant_pick_for(staged, 4, &grid5, 3, declined, sizeof declined, &perr);
    CHECK(&c, got == &gpu_any && strcmp(declined, "gpu_picky: nx = 13 is not a multiple of 4") == 0 &&
                  prepared == 2 && released == 2,
          "nx = 13: got %s, declined '%s', %d prepared, %d released", got ? got->name : "(none)", declined,
          prepared, released);
    const stencil_variant *cpu_only[] = {&cpu_slow, &cpu_any};
    got = stencil_variant_pick_for(cpu_only, 2, &grid5, 3, NULL, 0, &perr);
    CHECK(&c, got == &cpu_any && prepared == 3 && prepared_threads == 3, "CPU: got %s, prepared with %d threads",
          got ? got->name : "(none)", prepared_threads);
    const stencil_variant *picky_only[] = {&gpu_picky};
    got = stencil_variant_pick_for(picky_only, 1, &grid5, 3, declined, sizeof declined, &perr);
    CHECK(&c, got == NULL && strstr(perr.msg, "no variant takes a 8x8x13 grid here: gpu_picky: nx = 13") != NULL,
          "none takes it: got %s, '%s'", got ? got->name : "(none)", perr.msg);
    const stencil_variant *broken[] = {&gpu_any, &gpu_broken};
    got = stencil_variant_pick_for(broken, 2, &grid4, 3, declined, sizeof declined, &perr);
    CHECK(&c, got == NULL && strcmp(perr.msg, "gpu_broken: out of memory") == 0,
          "a prepare that fails otherwise stops the choice: got %s, '%s'", got ? got->name : "(none)",
          perr.msg);
    CHECK(&c, prepared == 3 && released == 3, "%d prepared, %d released", prepared, released);

    /* stencil_variant_candidates: the choice and then its rivals of the same device, in order;
     * rivals that decline or fail are passed over, and a CPU variant never follows a GPU one */
    const stencil_variant *cands[4] = {NULL};
    size_t n = stencil_variant_candidates(staged, 4, &grid4, 3, cands, 4, declined, sizeof declined, &perr);
    CHECK(&c, n == 2 && cands[0] == &gpu_picky && cands[1] == &gpu_any && declined[0] == '\0' &&
                  prepared == 5 && released == 5,
          "nx = 12: %zu candidates (%s, %s), %d prepared, %d released", n, n ? cands[0]->name : "-",
          n > 1 ? cands[1]->name : "-", prepared, released);
    n = stencil_variant_candidates(staged, 4, &grid4, 3, cands, 1, NULL, 0, &perr);
    CHECK(&c, n == 1 && cands[0] == &gpu_picky && prepared == 6, "max 1: %zu candidates, %d prepared", n, prepared);
    n = stencil_variant_candidates(staged, 4, &grid5, 3, cands, 4, declined, sizeof declined, &perr);
    CHECK(&c, n == 1 && cands[0] == &gpu_any && strcmp(declined, "gpu_picky: nx = 13 is not a multiple of 4") == 0,
          "nx = 13: %zu candidates, declined '%s'", n, declined);
    const stencil_variant *rival_broken[] = {&gpu_any, &gpu_broken_low, &gpu_picky};
    n = stencil_variant_candidates(rival_broken, 3, &grid4, 3, cands, 4, NULL, 0, &perr);
    CHECK(&c, n == 2 && cands[0] == &gpu_picky && cands[1] == &gpu_any,
          "a rival that fails is passed over: %zu candidates", n);
    CHECK(&c, prepared == released, "%d prepared, %d released", prepared, released);

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
    if (best && gpu_here) /* cuda_bulk, which the grid or the GPU may decline: cuda_shared then */
        CHECK(&c, strcmp(best->name, "cuda_bulk") == 0, "with a GPU: got %s, want cuda_bulk", best->name);
    if (bulk && shared) /* the H200, without land: as fast or faster on every cube (model's trial
                         * decides on the field: half land, 256^3, cuda_shared was faster) */
        CHECK(&c, bulk->speed_rank > shared->speed_rank, "cuda_bulk rank %d (cuda_shared %d)", bulk->speed_rank,
              shared->speed_rank);
    else if (best)
        CHECK(&c, strcmp(best->name, "openmp_fused") == 0, "CPU only: got %s, want openmp_fused", best->name);
    printf("fastest here: %s\n", best ? best->name : "(none)");
    return check_finish(&c, "test_registry");
}
