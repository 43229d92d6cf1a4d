/* The registry: one explicit table. Adding a variant: its file in kernels/, one X(name) line
 * below, its name in STENCIL_CPU_VARIANTS or STENCIL_GPU_VARIANTS in kernels/CMakeLists.txt
 * (ctest's test_variants_registry holds the two lists equal). CUDA variants are listed only when the build has CUDA.
 * The order is the order of `stencilbench list`; naive, the reference, comes first. */
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

const stencil_variant *stencil_variant_pick_fastest(const stencil_variant *const *variants, size_t n)
{
    const stencil_variant *best = NULL;
    char why[256];
    for (size_t i = 0; i < n; i++) {
        const stencil_variant *v = variants[i];
        if (v->uses_ranks || !v->available(why, sizeof why))
            continue;
        int gpu = v->device == STENCIL_GPU, best_gpu = best && best->device == STENCIL_GPU;
        if (!best || gpu > best_gpu || (gpu == best_gpu && v->speed_rank > best->speed_rank))
            best = v;
    }
    return best;
}

const stencil_variant *stencil_variant_fastest(void)
{
    return stencil_variant_pick_fastest(registry, stencil_variant_count());
}
