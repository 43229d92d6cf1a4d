#define _DEFAULT_SOURCE /* madvise */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "cpu_state.h"

static int state_threads(const stencil_cpu_state *s)
{
    return s->problem.threads > 1 ? s->problem.threads : 1;
}

enum { HUGE_PAGE_BYTES = 2 << 20 };

void *stencil_cpu_alloc(size_t bytes)
{
    if (bytes < HUGE_PAGE_BYTES)
        return aligned_alloc(64, (bytes + 63) / 64 * 64);
    bytes = (bytes + HUGE_PAGE_BYTES - 1) / HUGE_PAGE_BYTES * HUGE_PAGE_BYTES;
    void *p = aligned_alloc(HUGE_PAGE_BYTES, bytes);
#ifdef MADV_HUGEPAGE
    if (p)
        (void)madvise(p, bytes, MADV_HUGEPAGE); /* advice only: EINVAL where THP is absent */
#endif
    return p;
}

/* Touch or copy rows (z, y) with the static partition the OpenMP variant uses. */
static void copy_rows(float *dst, const float *src, const stencil_problem *p, int threads)
{
    const long rows = (long)(p->nz * p->ny);
    const size_t nx = p->nx;
#pragma omp parallel for schedule(static) num_threads(threads) if (threads > 1)
    for (long r = 0; r < rows; r++) {
        if (src)
            memcpy(dst + (size_t)r * nx, src + (size_t)r * nx, nx * sizeof(float));
        else
            memset(dst + (size_t)r * nx, 0, nx * sizeof(float));
    }
}

stencil_status stencil_cpu_prepare(const stencil_problem *problem, int threads, void **state,
                                   stencil_error *err)
{
    stencil_status st = stencil_problem_check(problem, err);
    if (st != STENCIL_OK)
        return st;
    stencil_cpu_state *s = calloc(1, sizeof *s);
    if (!s)
        return stencil_fail(err, STENCIL_ERR_NOMEM, "out of host memory for the variant state");
    s->problem = *problem;
    s->problem.threads = threads;
    s->cells = problem->nz * problem->ny * problem->nx;
    size_t bytes = s->cells * sizeof(float);
    s->cur = stencil_cpu_alloc(bytes);
    s->next = stencil_cpu_alloc(bytes);
    if (!s->cur || !s->next) {
        stencil_cpu_release(s);
        return stencil_fail(err, STENCIL_ERR_NOMEM,
                            "cannot allocate 2 x %.1f MiB of host memory for %zux%zux%zu",
                            (double)bytes / 1048576.0, problem->nz, problem->ny, problem->nx);
    }
    copy_rows(s->cur, NULL, &s->problem, state_threads(s));
    copy_rows(s->next, NULL, &s->problem, state_threads(s));
    *state = s;
    return STENCIL_OK;
}

stencil_status stencil_cpu_upload(void *state, const float *field, stencil_error *err)
{
    (void)err;
    stencil_cpu_state *s = state;
    copy_rows(s->cur, field, &s->problem, state_threads(s));
    copy_rows(s->next, field, &s->problem, state_threads(s));
    return STENCIL_OK;
}

stencil_status stencil_cpu_download(void *state, float *out, stencil_error *err)
{
    (void)err;
    stencil_cpu_state *s = state;
    copy_rows(out, s->cur, &s->problem, state_threads(s));
    return STENCIL_OK;
}

void stencil_cpu_release(void *state)
{
    stencil_cpu_state *s = state;
    if (!s)
        return;
    free(s->cur);
    free(s->next);
    free(s);
}

void stencil_cpu_swap(stencil_cpu_state *s)
{
    float *t = s->cur;
    s->cur = s->next;
    s->next = t;
}

int stencil_cpu_available(char *why, size_t why_len)
{
    (void)why;
    (void)why_len;
    return 1;
}

int stencil_cpu_streaming(const stencil_problem *p)
{
    if (p->tuning.stream != 0)
        return p->tuning.stream > 0;
    size_t cache = p->cache_bytes ? p->cache_bytes : (size_t)32 << 20;
    return 2 * p->nz * p->ny * p->nx * sizeof(float) > cache;
}
