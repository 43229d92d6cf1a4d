/* Working memory shared by the CPU variants: two 64-byte-aligned ping-pong buffers.
 * Both hold the input after upload, so cells that are never updated (outer faces, NaN)
 * are right in whichever buffer is current. With threads > 1 the buffers are first-touched
 * and copied by the same static row partition the OpenMP variant computes with. */
#ifndef STENCIL_CPU_STATE_H
#define STENCIL_CPU_STATE_H

#include "variant.h"

/* Software prefetch of input rows the sweep reads a few rows from now: into the L2
 * (__builtin_prefetch locality 1: prefetcht2 on x86), not the L1. Into the L1 (locality 3) the
 * prefetched rows evict the rows the current output row still reads; on the 2-core Zen 4 VM
 * (interleaved runs, 2 threads, half land) openmp ran 3.0-3.5 G at 256^3 and 3.4-3.5 G at 512^3
 * that way, 4.0-4.3 and 3.7-4.1 G with locality 1 (93-98 % of the in-run copy); tiled (one
 * thread) 1.8 and 1.7 against 2.3 and 2.5 G; openmp_counts 3.5-3.6 and 3.4 against 3.5-4.4 and
 * 3.7-4.2 G; openmp_fused 5.5 against 5.9-6.1 G at 512^3, equal at 256^3 (README, issue 19).
 * Unmeasured on the other hosts (Xeon, Zen 5) so far. */
#define STENCIL_PREFETCH_READ(p) __builtin_prefetch((p), 0, 1)

typedef struct stencil_cpu_state {
    stencil_problem problem;
    float *cur, *next;
    size_t cells;
} stencil_cpu_state;

/* Memory for a large CPU array, released with free(): 64-byte aligned, and from 2 MiB up
 * aligned to 2 MiB and advised for transparent huge pages (madvise MADV_HUGEPAGE; harmless
 * where THP is off or "always"). On 4 KiB pages a 256^3 sweep walks 32768 pages per field and
 * misses the TLB on the z neighbours' rows; NumPy arrays get huge pages the same way. NULL
 * when out of memory. */
void *stencil_cpu_alloc(size_t bytes);

stencil_status stencil_cpu_prepare(const stencil_problem *problem, int threads, void **state,
                                   stencil_error *err);
stencil_status stencil_cpu_upload(void *state, const float *field, stencil_error *err);
stencil_status stencil_cpu_download(void *state, float *out, stencil_error *err);
void stencil_cpu_release(void *state);
void stencil_cpu_swap(stencil_cpu_state *s);
int stencil_cpu_available(char *why, size_t why_len);

/* Whether to use non-temporal stores: the stream knob, or on auto when the two fields are
 * more than the largest cache (problem.cache_bytes, 32 MiB when unknown). */
int stencil_cpu_streaming(const stencil_problem *problem);

#endif
