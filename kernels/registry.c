/* The registry: one explicit table. Adding a variant: its file in kernels/, one X(name) line
 * below, its name in STENCIL_CPU_VARIANTS or STENCIL_GPU_VARIANTS in kernels/CMakeLists.txt
 * (ctest's test_variants_registry holds the two lists equal). CUDA variants are listed only when the build has CUDA.
 * The order is the order of `stencilbench list`; naive, the reference, comes first. */
#include <stdio.h>
#include <string.h>

#include "variant.h"

#define STENCIL_CPU_VARIANTS(X) \
    X(naive)                    \
    X(tiled)                    \
    X(openmp)                   \
    X(openmp_counts)            \
    X(openmp_fused)

#ifdef STENCIL_HAVE_CUDA
#define STENCIL_GPU_VARIANTS(X) \
    X(cuda_naive)               \
    X(cuda_shared)              \
    X(cuda_fused)               \
    X(cuda_resident)            \
    X(cuda_bulk)
#else
#define STENCIL_GPU_VARIANTS(X)
#endif

/* MPI variants: listed always (built without MPI they say so); `all`, `cpu` and `gpu` leave
 * them out, since they need an MPI launcher: a study names them. */
#ifdef STENCIL_HAVE_CUDA
#define STENCIL_MPI_VARIANTS(X) \
    X(mpi)                      \
    X(mpi_cuda)
#else
#define STENCIL_MPI_VARIANTS(X) \
    X(mpi)
#endif

#define STENCIL_DECLARE(name) extern const stencil_variant stencil_variant_##name;
#define STENCIL_ENTRY(name) &stencil_variant_##name,

STENCIL_CPU_VARIANTS(STENCIL_DECLARE)
STENCIL_GPU_VARIANTS(STENCIL_DECLARE)
STENCIL_MPI_VARIANTS(STENCIL_DECLARE)

static const stencil_variant *const registry[] = {
    STENCIL_CPU_VARIANTS(STENCIL_ENTRY) STENCIL_GPU_VARIANTS(STENCIL_ENTRY)
        STENCIL_MPI_VARIANTS(STENCIL_ENTRY)};

size_t stencil_variant_count(void) { return sizeof registry / sizeof registry[0]; }

const stencil_variant *stencil_variant_at(size_t i)
{
    return i < stencil_variant_count() ? registry[i] : NULL;
}

const stencil_variant *stencil_variant_find(const char *name)
{
    for (size_t i = 0; i < stencil_variant_count(); i++)
        if (strcmp(registry[i]->name, name) == 0)
            return registry[i];
    return NULL;
}

/* The fastest of variants[i] not yet taken (taken may be NULL); its index in *at. */
static const stencil_variant *pick_next(const stencil_variant *const *variants, size_t n,
                                        const unsigned char *taken, size_t *at)
{
    const stencil_variant *best = NULL;
    char why[256];
    for (size_t i = 0; i < n; i++) {
        const stencil_variant *v = variants[i];
        if ((taken && taken[i]) || v->uses_ranks || !v->available(why, sizeof why))
            continue;
        int gpu = v->device == STENCIL_GPU, best_gpu = best && best->device == STENCIL_GPU;
        if (!best || gpu > best_gpu || (gpu == best_gpu && v->speed_rank > best->speed_rank)) {
            best = v;
            *at = i;
        }
    }
    return best;
}

const stencil_variant *stencil_variant_pick_fastest(const stencil_variant *const *variants, size_t n)
{
    size_t at = 0;
    return pick_next(variants, n, NULL, &at);
}

size_t stencil_variant_candidates(const stencil_variant *const *variants, size_t n,
                                  const stencil_problem *problem, int threads,
                                  const stencil_variant **out, size_t max, char *declined,
                                  size_t declined_len, stencil_error *err)
{
    enum { MAX_CANDIDATES = 64 };
    unsigned char taken[MAX_CANDIDATES] = {0};
    size_t len = 0, got = 0;
    if (declined && declined_len)
        declined[0] = '\0';
    if (n > MAX_CANDIDATES) {
        stencil_fail(err, STENCIL_ERR_ARG, "%zu variants to choose from: at most %d", n, MAX_CANDIDATES);
        return 0;
    }
    const stencil_variant *v;
    size_t at = 0;
    while (got < max && (v = pick_next(variants, n, taken, &at)) != NULL) {
        taken[at] = 1;
        if (got && v->device != out[0]->device)
            break; /* pick_next offers every GPU variant before the CPU ones */
        stencil_problem p = *problem;
        p.threads = v->uses_threads ? threads : 1;
        void *state = NULL;
        stencil_error why = {{0}};
        stencil_status st = v->prepare(&p, &state, &why);
        if (st == STENCIL_OK) {
            v->release(state);
            out[got++] = v;
            continue;
        }
        if (got) /* the first is found: the others are only its rivals */
            continue;
        if (st != STENCIL_ERR_UNAVAILABLE) {
            stencil_fail(err, st, "%s: %s", v->name, why.msg);
            return 0;
        }
        if (declined && len + 1 < declined_len) {
            int wrote = snprintf(declined + len, declined_len - len, "%s%s: %s", len ? "; " : "", v->name,
                                 why.msg);
            if (wrote > 0)
                len = len + (size_t)wrote < declined_len ? len + (size_t)wrote : declined_len - 1;
        }
    }
    if (!got)
        stencil_fail(err, STENCIL_ERR_UNAVAILABLE, "no variant takes a %zux%zux%zu grid here%s%s",
                     problem->nz, problem->ny, problem->nx, declined && len ? ": " : "",
                     declined && len ? declined : "");
    return got;
}

const stencil_variant *stencil_variant_pick_for(const stencil_variant *const *variants, size_t n,
                                                const stencil_problem *problem, int threads,
                                                char *declined, size_t declined_len,
                                                stencil_error *err)
{
    const stencil_variant *v = NULL;
    return stencil_variant_candidates(variants, n, problem, threads, &v, 1, declined, declined_len, err)
               ? v
               : NULL;
}

size_t stencil_variant_candidates_for(const stencil_problem *problem, int threads,
                                      const stencil_variant **out, size_t max, char *declined,
                                      size_t declined_len, stencil_error *err)
{
    return stencil_variant_candidates(registry, stencil_variant_count(), problem, threads, out, max,
                                      declined, declined_len, err);
}

const stencil_variant *stencil_variant_fastest(void)
{
    return stencil_variant_pick_fastest(registry, stencil_variant_count());
}
