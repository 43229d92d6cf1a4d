/* Working memory shared by the CPU variants: two 64-byte-aligned ping-pong buffers.
 * Both hold the input after upload, so cells that are never updated (outer faces, NaN)
 * are right in whichever buffer is current. With threads > 1 the buffers are first-touched
 * and copied by the same static row partition the OpenMP variant computes with. */
#ifndef STENCIL_CPU_STATE_H
#define STENCIL_CPU_STATE_H

#include "variant.h"

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
