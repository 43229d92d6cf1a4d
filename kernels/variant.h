/* The contract between the harness and every stencil variant.
 *
 * A variant advances a masked 7-point Jacobi diffusion (stencil_cell.h) on a float32 field
 * T[z][y][x], x fastest. Its life cycle, driven and timed only by the harness:
 *
 *   prepare(problem, &state, err)   allocate working memory (not timed; CPU variants
 *                                   first-touch it with the threads that will use it)
 *   upload(state, field, err)       copy the input in, resetting the state (timed: h2d)
 *   run(state, steps, err)          advance `steps` timesteps (timed: compute)
 *   download(state, out, err)       copy the current field out (timed: d2h)
 *   release(state)                  free everything; accepts NULL
 *
 * MPI variants (uses_ranks) are one process per rank: every rank of problem.comm calls every
 * stage with the same problem, collectively; the field is read (upload) and written
 * (download) on rank 0 only, the other ranks pass NULL. They also have
 *   exchange(state, steps, err)     `steps` halo exchanges alone, no compute (timed: halo)
 *
 * CPU variants do their work before returning. GPU variants enqueue all of it on the legacy
 * default stream (stream 0) and may return before it completes; the harness brackets each
 * call with CUDA events on stream 0 and synchronises. Functions return STENCIL_OK or another
 * stencil_status, with a message in err. A kernel never reads a clock, opens a file or prints.
 */
#ifndef STENCIL_VARIANT_H
#define STENCIL_VARIANT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum stencil_status {
    STENCIL_OK = 0,
    STENCIL_ERR_ARG = 1,         /* a parameter is out of range */
    STENCIL_ERR_NOMEM = 2,       /* host or device memory could not be allocated */
    STENCIL_ERR_UNAVAILABLE = 3, /* the variant cannot run on this machine */
    STENCIL_ERR_DEVICE = 4,      /* a device call failed */
    STENCIL_ERR_IO = 5,          /* a file could not be read or written (io/, bench/) */
    STENCIL_ERR_VALIDATION = 6   /* a result differs from the reference (bench/) */
} stencil_status;

typedef enum stencil_scheme {
    STENCIL_SCHEME_COURSE = 0,   /* T' = T + k (s - 6T) / max(n,1): land counts as 0 degC */
    STENCIL_SCHEME_INSULATED = 1 /* T' = T + k (s - nT) / max(n,1): land is zero-flux */
} stencil_scheme;

typedef enum stencil_device { STENCIL_CPU = 0, STENCIL_GPU = 1 } stencil_device;

typedef struct stencil_error {
    char msg[512];
} stencil_error;

/* Tuning knobs; 0 means "the variant's default". A variant lists the names it reads in
 * stencil_variant.tunings; the harness rejects any other name for that variant. */
typedef struct stencil_tuning {
    int tile_z, tile_y, tile_x;    /* CPU cache blocks, GPU tiles (cells) */
    int block_x, block_y, block_z; /* GPU thread-block shape */
    int graph;                     /* GPU: 1 = capture the step loop in a CUDA graph, -1 = off */
    int stream;                    /* CPU: 1 = non-temporal stores, -1 = normal stores, 0 = auto */
    int steps_per_sweep;           /* temporal blocking: timesteps one pass over the grid advances */
} stencil_tuning;

typedef struct stencil_problem {
    size_t nz, ny, nx;
    float k;                 /* diffusion coefficient, in (0, 1] */
    stencil_scheme scheme;
    int threads;             /* CPU threads; 0 = the OpenMP default */
    stencil_tuning tuning;
    size_t cache_bytes;      /* the largest CPU cache (the harness asks hwloc); 0 = unknown */
    /* MPI variants: the ranks of the point and the MPI_Comm they share (a pointer to it, so
     * that this header needs no mpi.h); 0 and NULL for every other variant. */
    int ranks;
    const void *comm;
    /* The caches below the largest, for cache blocking (the harness asks hwloc; 0 = unknown):
     * a core's own L2, and how many instances of the largest cache there are (threads spread
     * over them: ceil(threads / instances) share one). */
    size_t core_cache_bytes;
    int cache_instances;
} stencil_problem;

typedef struct stencil_variant {
    const char *name;        /* also its file name: kernels/<name>.c or .cu */
    stencil_device device;
    const char *description; /* one line */
    double bytes_per_cell;   /* model traffic per cell update: 8 (read T, write T') */
    const char *tunings;     /* comma-separated knob names it reads, "" for none */
    int uses_threads;        /* 1 when problem.threads changes what it does */
    /* Expected speed among the variants of its device: higher is expected faster (by design
     * and by the reference results in results/reference/). `model` runs, by default, the
     * available variant of highest rank that takes the grid, GPU variants before CPU ones (on a
     * GPU the faster on the field of the two highest: stencil_variant_candidates_for); give a
     * new variant a rank above the ones it beats where it runs, and let its prepare decline the
     * rest as STENCIL_ERR_UNAVAILABLE. */
    int speed_rank;
    int uses_ranks;          /* 1 for MPI variants: one process per rank (problem.ranks) */
    /* Returns 1 when it can run here; otherwise 0 with the reason in why. */
    int (*available)(char *why, size_t why_len);
    stencil_status (*prepare)(const stencil_problem *problem, void **state, stencil_error *err);
    stencil_status (*upload)(void *state, const float *field, stencil_error *err);
    stencil_status (*run)(void *state, int steps, stencil_error *err);
    stencil_status (*download)(void *state, float *out, stencil_error *err);
    void (*release)(void *state);
    /* MPI variants: `steps` halo exchanges with no update, timed apart from run; else NULL. */
    stencil_status (*exchange)(void *state, int steps, stencil_error *err);
} stencil_variant;

/* The registry (kernels/registry.c): one explicit table. */
size_t stencil_variant_count(void);
const stencil_variant *stencil_variant_at(size_t i);
const stencil_variant *stencil_variant_find(const char *name); /* NULL when unknown */
/* The fastest variant that can run here: among those whose available() says yes, a GPU
 * variant before a CPU one, then the highest speed_rank, then the first in the table; NULL
 * when none can run. stencil_variant_pick_fastest does the same over any n variants. */
const stencil_variant *stencil_variant_fastest(void);
const stencil_variant *stencil_variant_pick_fastest(const stencil_variant *const *variants, size_t n);
/* The fastest of the n variants that takes this problem: the same order, trying each one's
 * prepare (then release) and passing over those that decline the grid or the device as
 * unavailable (cuda_bulk on a grid whose nx is not a multiple of 4, or a GPU before compute
 * capability 9.0), with problem.threads set to `threads` for variants that use threads and 1
 * for the others. What declined goes into `declined` ("name: why; ..."; may be NULL). NULL with
 * err set when a prepare fails otherwise (memory, arguments) or when none takes it. At most 64
 * variants. */
const stencil_variant *stencil_variant_pick_for(const stencil_variant *const *variants, size_t n,
                                                const stencil_problem *problem, int threads,
                                                char *declined, size_t declined_len,
                                                stencil_error *err);

/* The variants that take this problem, fastest first (at most max into out; returns how many,
 * 0 with err set as stencil_variant_pick_for fails): the first is stencil_variant_pick_for's
 * choice; after it come the next variants of the same device, in the same order, whose prepare
 * takes the problem (those that decline or fail are passed over silently: they are only the
 * first's rivals, for stencilbench model's trial). declined names what declined before the first.
 * stencil_variant_candidates_for does the same over the registry. */
size_t stencil_variant_candidates(const stencil_variant *const *variants, size_t n,
                                  const stencil_problem *problem, int threads,
                                  const stencil_variant **out, size_t max, char *declined,
                                  size_t declined_len, stencil_error *err);
size_t stencil_variant_candidates_for(const stencil_problem *problem, int threads,
                                      const stencil_variant **out, size_t max, char *declined,
                                      size_t declined_len, stencil_error *err);

/* Checks a problem's shape, k and scheme; fills err and returns STENCIL_ERR_ARG if bad. */
stencil_status stencil_problem_check(const stencil_problem *problem, stencil_error *err);

/* printf into err->msg; returns status so callers can `return stencil_fail(...)`. */
stencil_status stencil_fail(stencil_error *err, stencil_status status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Reads a tuning string "tile_y=8,tile_x=128" (";" also separates) against the knob names
 * a variant takes (allowed, comma-separated). */
stencil_status stencil_tuning_parse(const char *text, const char *allowed, stencil_tuning *out,
                                    stencil_error *err);
/* Writes the non-default knobs of t that appear in allowed, e.g. "tile_y=8;tile_x=128";
 * "default" when none are set. Uses ";" between knobs so the text is CSV-safe. */
void stencil_tuning_format(const stencil_tuning *t, const char *allowed, char *buf, size_t len);

const char *stencil_scheme_name(stencil_scheme scheme);
stencil_status stencil_scheme_parse(const char *text, stencil_scheme *out, stencil_error *err);
/* 1, with why, when the scheme's update can amplify a field at this k (the course scheme above
 * k = 2/7, where cells at coasts can grow without bound); 0 when it cannot. */
int stencil_scheme_unstable(stencil_scheme scheme, double k, char *why, size_t why_len);

#ifdef __cplusplus
}
#endif

#endif
