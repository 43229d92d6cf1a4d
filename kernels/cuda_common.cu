/* The CUDA variants' shared life cycle (see cuda_common.cuh). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cuda_common.cuh"

extern "C" stencil_status stencil_cuda_fail(stencil_error *err, cudaError_t e, const char *file,
                                            int line, const char *expr)
{
    cudaGetLastError(); /* clear a non-sticky error so the next point can run */
    if (e == cudaErrorMemoryAllocation && strncmp(expr, "cudaMallocHost", 14) == 0)
        return stencil_fail(err, STENCIL_ERR_NOMEM, "out of page-locked host memory: %s:%d: %s", file,
                            line, expr);
    if (e == cudaErrorMemoryAllocation) {
        size_t free_b = 0, total_b = 0;
        cudaMemGetInfo(&free_b, &total_b);
        return stencil_fail(err, STENCIL_ERR_NOMEM,
                            "out of device memory (%.1f of %.1f GiB free): %s:%d: %s",
                            (double)free_b / 1073741824.0, (double)total_b / 1073741824.0, file,
                            line, expr);
    }
    return stencil_fail(err, STENCIL_ERR_DEVICE, "%s:%d: %s: %s (%s)", file, line, expr,
                        cudaGetErrorString(e), cudaGetErrorName(e));
}

extern "C" int stencil_cuda_available(char *why, size_t why_len)
{
    int n = 0;
    cudaError_t e = cudaGetDeviceCount(&n);
    if (e == cudaSuccess && n > 0)
        return 1;
    cudaGetLastError();
    if (e == cudaErrorInsufficientDriver)
        snprintf(why, why_len, "no usable NVIDIA driver (%s: %s)", cudaGetErrorName(e),
                 cudaGetErrorString(e));
    else if (e == cudaErrorNoDevice || e == cudaSuccess)
        snprintf(why, why_len, "no CUDA device found (cudaErrorNoDevice)");
    else
        snprintf(why, why_len, "CUDA cannot start (%s: %s)", cudaGetErrorName(e),
                 cudaGetErrorString(e));
    return 0;
}

extern "C" int stencil_cuda_sms(void)
{
    int dev = 0, sms = 0;
    if (cudaGetDevice(&dev) != cudaSuccess ||
        cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, dev) != cudaSuccess) {
        cudaGetLastError();
        return 1;
    }
    return sms > 0 ? sms : 1;
}

static stencil_status allocate(stencil_cuda_state *s, stencil_error *err)
{
    size_t free_b = 0, total_b = 0, bytes = s->cells * sizeof(float);
    STENCIL_CUDA_CHECK(err, cudaMemGetInfo(&free_b, &total_b));
    if (bytes > free_b / 2)
        return stencil_fail(err, STENCIL_ERR_NOMEM,
                            "out of device memory: grid %zux%zux%zu needs 2 x %.2f GiB, %.2f GiB is "
                            "free: choose a smaller grid",
                            s->problem.nz, s->problem.ny, s->problem.nx,
                            (double)bytes / 1073741824.0, (double)free_b / 1073741824.0);
    STENCIL_CUDA_CHECK(err, cudaMalloc((void **)&s->buf[0], s->cells * sizeof(float)));
    STENCIL_CUDA_CHECK(err, cudaMalloc((void **)&s->buf[1], s->cells * sizeof(float)));
    STENCIL_CUDA_CHECK(err, cudaStreamCreateWithFlags(&s->capture, cudaStreamNonBlocking));
    return STENCIL_OK;
}

extern "C" stencil_status stencil_cuda_prepare(const stencil_problem *problem,
                                               stencil_cuda_launch launch,
                                               stencil_status (*configure)(stencil_cuda_state *s,
                                                                           stencil_error *err),
                                               void **state, stencil_error *err)
{
    *state = NULL;
    stencil_status st = stencil_problem_check(problem, err);
    if (st != STENCIL_OK)
        return st;
    stencil_cuda_state *s = (stencil_cuda_state *)calloc(1, sizeof *s);
    if (!s)
        return stencil_fail(err, STENCIL_ERR_NOMEM, "out of host memory for the variant state");
    s->problem = *problem;
    s->cells = problem->nz * problem->ny * problem->nx;
    s->launch = launch;
    s->use_graph = problem->tuning.graph >= 0; /* auto = on: measured no slower on large grids */
    s->interior = problem->nz >= 3 && problem->ny >= 3 && problem->nx >= 3;
    st = allocate(s, err);
    if (st == STENCIL_OK && configure)
        st = configure(s, err);
    if (st != STENCIL_OK) {
        stencil_cuda_release(s);
        return st;
    }
    *state = s;
    return STENCIL_OK;
}

extern "C" stencil_status stencil_cuda_upload(void *state, const float *field, stencil_error *err)
{
    stencil_cuda_state *s = (stencil_cuda_state *)state;
    const size_t bytes = s->cells * sizeof(float);
    s->cur = 0;
    STENCIL_CUDA_CHECK(err, cudaMemcpyAsync(s->buf[0], field, bytes, cudaMemcpyHostToDevice, 0));
    STENCIL_CUDA_CHECK(err, cudaMemcpyAsync(s->buf[1], s->buf[0], bytes, cudaMemcpyDeviceToDevice, 0));
    return STENCIL_OK;
}

extern "C" stencil_status stencil_cuda_download(void *state, float *out, stencil_error *err)
{
    stencil_cuda_state *s = (stencil_cuda_state *)state;
    STENCIL_CUDA_CHECK(err, cudaMemcpyAsync(out, s->buf[s->cur], s->cells * sizeof(float),
                                            cudaMemcpyDeviceToHost, 0));
    return STENCIL_OK;
}

/* Timesteps the next launch advances when `left` remain: the variant's sweep, or fewer at the
 * end (a variant with sweep S runs a remainder r < S as one launch of r steps). */
static int launch_steps(const stencil_cuda_state *s, int left)
{
    const int sweep = s->sweep > 1 ? s->sweep : 1;
    return left < sweep ? left : sweep;
}

/* Launches that advance `steps` timesteps (each launch swaps the buffers once). */
static int launches_for(const stencil_cuda_state *s, int steps)
{
    const int sweep = s->sweep > 1 ? s->sweep : 1;
    return (steps + sweep - 1) / sweep;
}

/* Captures the launches of `steps` timesteps starting from buffer `first` on the private stream. */
static stencil_status capture_graph(stencil_cuda_state *s, int steps, int first,
                                    cudaGraphExec_t *exec, stencil_error *err)
{
    cudaGraph_t graph = NULL;
    stencil_status st = STENCIL_OK;
    STENCIL_CUDA_CHECK(err, cudaStreamBeginCapture(s->capture, cudaStreamCaptureModeThreadLocal));
    for (int i = 0, c = first, n; i < steps && st == STENCIL_OK; i += n, c ^= 1) {
        n = launch_steps(s, steps - i);
        st = s->launch(s, s->buf[c], s->buf[c ^ 1], n, s->capture, err);
    }
    cudaError_t e = cudaStreamEndCapture(s->capture, &graph);
    if (st != STENCIL_OK) {
        if (graph)
            cudaGraphDestroy(graph);
        return st;
    }
    STENCIL_CUDA_CHECK(err, e);
    e = cudaGraphInstantiate(exec, graph, 0);
    cudaGraphDestroy(graph);
    STENCIL_CUDA_CHECK(err, e);
    return STENCIL_OK;
}

static stencil_status graph_for(stencil_cuda_state *s, int steps, cudaGraphExec_t *exec,
                                stencil_error *err)
{
    for (int i = 0; i < STENCIL_CUDA_GRAPHS; i++)
        if (s->graphs[i].exec && s->graphs[i].steps == steps && s->graphs[i].first == s->cur) {
            *exec = s->graphs[i].exec;
            return STENCIL_OK;
        }
    stencil_cuda_graph *g = &s->graphs[s->next_graph];
    s->next_graph = (s->next_graph + 1) % STENCIL_CUDA_GRAPHS;
    if (g->exec) {
        STENCIL_CUDA_CHECK(err, cudaGraphExecDestroy(g->exec));
        g->exec = NULL;
    }
    stencil_status st = capture_graph(s, steps, s->cur, &g->exec, err);
    if (st != STENCIL_OK) {
        g->exec = NULL;
        return st;
    }
    g->steps = steps;
    g->first = s->cur;
    *exec = g->exec;
    return STENCIL_OK;
}

extern "C" stencil_status stencil_cuda_run(void *state, int steps, stencil_error *err)
{
    stencil_cuda_state *s = (stencil_cuda_state *)state;
    if (!s->interior) /* nothing changes; both buffers hold the field */
        return STENCIL_OK;
    /* a graph holds whole sweeps: 100 steps, or the multiple of the sweep just below */
    const int sweep = s->sweep > 1 ? s->sweep : 1;
    const int chunk = STENCIL_CUDA_GRAPH_STEPS - STENCIL_CUDA_GRAPH_STEPS % sweep;
    while (steps > 0) {
        int n = steps < chunk ? steps : chunk;
        if (s->use_graph) {
            cudaGraphExec_t exec = nullptr;
            stencil_status st = graph_for(s, n, &exec, err);
            if (st != STENCIL_OK)
                return st;
            STENCIL_CUDA_CHECK(err, cudaGraphLaunch(exec, 0));
            s->cur ^= launches_for(s, n) & 1;
        } else {
            for (int i = 0, m; i < n; i += m, s->cur ^= 1) {
                m = launch_steps(s, n - i);
                stencil_status st = s->launch(s, s->buf[s->cur], s->buf[s->cur ^ 1], m, 0, err);
                if (st != STENCIL_OK)
                    return st;
            }
        }
        steps -= n;
    }
    return STENCIL_OK;
}

extern "C" void stencil_cuda_release(void *state)
{
    stencil_cuda_state *s = (stencil_cuda_state *)state;
    if (!s)
        return;
    for (int i = 0; i < STENCIL_CUDA_GRAPHS; i++)
        if (s->graphs[i].exec)
            cudaGraphExecDestroy(s->graphs[i].exec);
    if (s->capture)
        cudaStreamDestroy(s->capture);
    cudaFree(s->buf[0]);
    cudaFree(s->buf[1]);
    if (s->release_extra)
        s->release_extra(s->extra);
    free(s);
}
