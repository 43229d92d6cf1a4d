/* mpi_cuda: the mpi variant with each rank's block on a GPU (ranks on one node share its GPUs
 * round-robin, so several ranks may share one). A step packs the six faces with kernels on a
 * halo stream while the interior kernel runs on another; the faces go to the neighbours device
 * to device where the MPI library is CUDA-aware (asked at run time), else staged through pinned
 * host buffers; the halos are unpacked and the shell updated once they arrive. Cells are
 * stencil_cell's (--fmad=false), so the gathered field is bit-equal to naive. A rank whose GPU
 * fails keeps taking part in the exchange until the stage ends, when all ranks agree on the
 * error: none is left waiting. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "variant.h"

#ifdef STENCIL_HAVE_MPI
#include <mpi.h>
#if defined(OPEN_MPI) && OPEN_MPI
#include <mpi-ext.h>
#endif

#include "cuda_common.cuh"
#include "mpi_grid.h"
#include "stencil_cell.h"

enum { TAG_FACE = 100, TAG_SCATTER = 200, TAG_GATHER = 300 };

typedef struct mpi_cuda_state {
    stencil_problem problem;
    MPI_Comm cart;
    int rank, size, aware, dims[3], nbr[3][2];
    long n[3], o[3], b[3], s[3], u0[3], u1[3], i0[3], i1[3];
    float *d_cur, *d_next, *h_field;     /* h_field: the local array, pinned (scatter, gather) */
    float *d_send[6], *d_recv[6], *h_send[6], *h_recv[6];
    size_t face_cells[3];
    MPI_Datatype own;
    MPI_Datatype *parts;
    int nparts;                          /* of them, committed */
    cudaStream_t s_int, s_halo;
    cudaEvent_t interior_done;
    stencil_status st;                   /* the first device error of this stage */
    stencil_error err;
} mpi_cuda_state;

/* Records the first failing CUDA call and goes on, so the MPI calls stay matched. */
#define CK(m, expr)                                                                      \
    do {                                                                                 \
        cudaError_t e_ = (expr);                                                         \
        if (e_ != cudaSuccess && (m)->st == STENCIL_OK)                                  \
            (m)->st = stencil_cuda_fail(&(m)->err, e_, __FILE__, __LINE__, #expr);       \
    } while (0)

typedef struct box {
    long lo[3], hi[3]; /* local cells, inclusive */
} box;

__global__ void update_box_kernel(const float *in, float *out, box bx, long sy, long sz, float k,
                                  int insulated)
{
    long x = bx.lo[2] + (long)(blockIdx.x * blockDim.x + threadIdx.x);
    long y = bx.lo[1] + (long)(blockIdx.y * blockDim.y + threadIdx.y);
    long z = bx.lo[0] + (long)blockIdx.z;
    if (x > bx.hi[2] || y > bx.hi[1] || z > bx.hi[0])
        return;
    long i = z * sz + y * sy + x;
    out[i] = stencil_cell(in[i], in[i - sz], in[i + sz], in[i - sy], in[i + sy], in[i - 1], in[i + 1],
                          k, insulated);
}

/* Copies face plane `layer` along axis d of the local array to buf (to_buf) or back. */
__global__ void face_kernel(float *field, float *buf, int d, long layer, long b1, long b2, long sy,
                            long sz, int to_buf)
{
    long j = (long)(blockIdx.x * blockDim.x + threadIdx.x), a = j / b2, c = j % b2;
    if (a >= b1)
        return;
    long i = d == 0 ? layer * sz + (a + 1) * sy + (c + 1)
           : d == 1 ? (a + 1) * sz + layer * sy + (c + 1)
                    : (a + 1) * sz + (c + 1) * sy + layer;
    if (to_buf)
        buf[j] = field[i];
    else
        field[i] = buf[j];
}

static void launch_box(mpi_cuda_state *m, const box *bx, cudaStream_t stream)
{
    long nx = bx->hi[2] - bx->lo[2] + 1, ny = bx->hi[1] - bx->lo[1] + 1, nz = bx->hi[0] - bx->lo[0] + 1;
    if (nx <= 0 || ny <= 0 || nz <= 0 || m->st != STENCIL_OK)
        return;
    dim3 block(64, 4, 1), grid((unsigned)((nx + 63) / 64), (unsigned)((ny + 3) / 4), (unsigned)nz);
    update_box_kernel<<<grid, block, 0, stream>>>(m->d_cur, m->d_next, *bx, m->s[2], m->s[1] * m->s[2],
                                                  m->problem.k, m->problem.scheme == STENCIL_SCHEME_INSULATED);
    CK(m, cudaGetLastError());
}

/* The face dims other than d (their block sizes). */
static void face_dims(const mpi_cuda_state *m, int d, long *b1, long *b2)
{
    *b1 = d == 0 ? m->b[1] : m->b[0];
    *b2 = d == 2 ? m->b[1] : m->b[2];
}

static void faces(mpi_cuda_state *m, int to_buf)
{
    for (int d = 0; d < 3 && m->st == STENCIL_OK; d++)
        for (int side = 0; side < 2; side++) {
            long b1, b2, layer = to_buf ? (side ? m->b[d] : 1) : (side ? m->b[d] + 1 : 0);
            face_dims(m, d, &b1, &b2);
            float *buf = to_buf ? m->d_send[2 * d + side] : m->d_recv[2 * d + side];
            if (m->nbr[d][side] == MPI_PROC_NULL)
                continue;
            face_kernel<<<(unsigned)((b1 * b2 + 255) / 256), 256, 0, m->s_halo>>>(
                m->d_cur, buf, d, layer, b1, b2, m->s[2], m->s[1] * m->s[2], to_buf);
            CK(m, cudaGetLastError());
        }
}

/* Packs, exchanges and unpacks the halos of d_cur on the halo stream; the interior may run. */
static void exchange_halos(mpi_cuda_state *m)
{
    MPI_Request req[12];
    MPI_Status statuses[12];
    int k = 0;
    faces(m, 1);
    for (int f = 0; f < 6 && !m->aware; f++)
        if (m->nbr[f / 2][f % 2] != MPI_PROC_NULL && m->st == STENCIL_OK)
            CK(m, cudaMemcpyAsync(m->h_send[f], m->d_send[f], m->face_cells[f / 2] * sizeof(float),
                                  cudaMemcpyDeviceToHost, m->s_halo));
    CK(m, cudaStreamSynchronize(m->s_halo));
    for (int f = 0; f < 6; f++) {
        int d = f / 2, side = f % 2, cnt = (int)m->face_cells[d];
        float *rb = m->aware ? m->d_recv[f] : m->h_recv[f], *sb = m->aware ? m->d_send[f] : m->h_send[f];
        /* data moving toward minus carries tag 2d, toward plus 2d + 1 */
        MPI_Irecv(rb, cnt, MPI_FLOAT, m->nbr[d][side], TAG_FACE + 2 * d + (side ? 0 : 1), m->cart, &req[k++]);
        MPI_Isend(sb, cnt, MPI_FLOAT, m->nbr[d][side], TAG_FACE + 2 * d + (side ? 1 : 0), m->cart, &req[k++]);
    }
    MPI_Waitall(k, req, statuses);
    for (int f = 0; f < 6 && !m->aware; f++)
        if (m->nbr[f / 2][f % 2] != MPI_PROC_NULL && m->st == STENCIL_OK)
            CK(m, cudaMemcpyAsync(m->d_recv[f], m->h_recv[f], m->face_cells[f / 2] * sizeof(float),
                                  cudaMemcpyHostToDevice, m->s_halo));
    faces(m, 0);
}

/* Ends a stage: every rank learns the first failing rank's error. */
static stencil_status agree(mpi_cuda_state *m, stencil_error *err)
{
    int bad = m->st != STENCIL_OK ? m->rank : m->size;
    MPI_Allreduce(MPI_IN_PLACE, &bad, 1, MPI_INT, MPI_MIN, m->cart);
    if (bad == m->size)
        return STENCIL_OK;
    int code = (int)m->st;
    MPI_Bcast(&code, 1, MPI_INT, bad, m->cart);
    MPI_Bcast(m->err.msg, (int)sizeof m->err.msg, MPI_CHAR, bad, m->cart);
    stencil_status st = stencil_fail(err, (stencil_status)code, "rank %d: %s", bad, m->err.msg);
    m->st = STENCIL_OK;
    return st;
}

static void mpi_cuda_release(void *state)
{
    mpi_cuda_state *m = (mpi_cuda_state *)state;
    if (!m)
        return;
    cudaFree(m->d_cur);
    cudaFree(m->d_next);
    cudaFreeHost(m->h_field);
    for (int f = 0; f < 6; f++) {
        cudaFree(m->d_send[f]);
        cudaFree(m->d_recv[f]);
        cudaFreeHost(m->h_send[f]);
        cudaFreeHost(m->h_recv[f]);
    }
    if (m->s_int)
        cudaStreamDestroy(m->s_int);
    if (m->s_halo)
        cudaStreamDestroy(m->s_halo);
    if (m->interior_done)
        cudaEventDestroy(m->interior_done);
    if (m->own != MPI_DATATYPE_NULL)
        MPI_Type_free(&m->own);
    for (int r = 0; r < m->nparts; r++)
        MPI_Type_free(&m->parts[r]);
    free(m->parts);
    if (m->cart != MPI_COMM_NULL)
        MPI_Comm_free(&m->cart);
    free(m);
}

static MPI_Datatype subarray(const long *sizes, const long *sub, const long *start)
{
    int sz[3], su[3], st[3];
    for (int d = 0; d < 3; d++)
        sz[d] = (int)sizes[d], su[d] = (int)sub[d], st[d] = (int)start[d];
    MPI_Datatype t;
    MPI_Type_create_subarray(3, sz, su, st, MPI_ORDER_C, MPI_FLOAT, &t);
    MPI_Type_commit(&t);
    return t;
}

static void block_of(const mpi_cuda_state *m, const int *c, long *o, long *b)
{
    for (int d = 0; d < 3; d++) {
        o[d] = (long)stencil_rank_part((size_t)m->n[d], m->dims[d], c[d]);
        b[d] = (long)stencil_rank_part((size_t)m->n[d], m->dims[d], c[d] + 1) - o[d];
    }
}

static int cuda_aware(void)
{
#if defined(MPIX_CUDA_AWARE_SUPPORT) && MPIX_CUDA_AWARE_SUPPORT
    return MPIX_Query_cuda_support();
#elif defined(MPIX_GPU_SUPPORT_CUDA)
    int yes = 0;
    return MPIX_GPU_query_support(MPIX_GPU_SUPPORT_CUDA, &yes) == MPI_SUCCESS && yes;
#else
    return 0;
#endif
}

static stencil_status mpi_cuda_prepare(const stencil_problem *problem, void **state, stencil_error *err)
{
    *state = NULL;
    if (!problem->comm)
        return stencil_fail(err, STENCIL_ERR_ARG, "mpi_cuda needs the MPI communicator of its ranks "
                            "(run it through stencilbench run under mpirun)");
    MPI_Comm comm = *(const MPI_Comm *)problem->comm;
    mpi_cuda_state *m = (mpi_cuda_state *)calloc(1, sizeof *m);
    if (!m)
        return stencil_fail(err, STENCIL_ERR_NOMEM, "out of memory");
    m->problem = *problem;
    m->cart = MPI_COMM_NULL;
    m->own = MPI_DATATYPE_NULL;
    m->n[0] = (long)problem->nz, m->n[1] = (long)problem->ny, m->n[2] = (long)problem->nx;
    MPI_Comm_size(comm, &m->size);
    MPI_Dims_create(m->size, 3, m->dims);
    for (int d = 0; d < 3; d++)
        if (m->dims[d] > m->n[d]) {
            stencil_status st = stencil_fail(err, STENCIL_ERR_ARG, "%d ranks form a %dx%dx%d grid of "
                "blocks: more ranks along %c (%d) than cells (%ld); use fewer ranks or a larger grid",
                m->size, m->dims[0], m->dims[1], m->dims[2], "zyx"[d], m->dims[d], m->n[d]);
            free(m);
            return st;
        }
    const int periods[3] = {0, 0, 0};
    MPI_Cart_create(comm, 3, m->dims, periods, 0, &m->cart);
    MPI_Comm_rank(m->cart, &m->rank);
    int coords[3];
    MPI_Cart_coords(m->cart, m->rank, 3, coords);
    for (int d = 0; d < 3; d++)
        MPI_Cart_shift(m->cart, d, 1, &m->nbr[d][0], &m->nbr[d][1]);
    block_of(m, coords, m->o, m->b);
    for (int d = 0; d < 3; d++) {
        m->s[d] = m->b[d] + 2;
        long lo = 2 - m->o[d], hi = m->n[d] - 1 - m->o[d];
        m->u0[d] = lo > 1 ? lo : 1;
        m->u1[d] = hi < m->b[d] ? hi : m->b[d];
        m->i0[d] = m->u0[d] > 2 ? m->u0[d] : 2;
        m->i1[d] = m->u1[d] < m->b[d] - 1 ? m->u1[d] : m->b[d] - 1;
    }
    m->face_cells[0] = (size_t)(m->b[1] * m->b[2]);
    m->face_cells[1] = (size_t)(m->b[0] * m->b[2]);
    m->face_cells[2] = (size_t)(m->b[0] * m->b[1]);
    m->aware = cuda_aware();
    /* the ranks of a node share its GPUs round-robin */
    MPI_Comm node;
    int local = 0, gpus = 0;
    MPI_Comm_split_type(m->cart, MPI_COMM_TYPE_SHARED, m->rank, MPI_INFO_NULL, &node);
    MPI_Comm_rank(node, &local);
    MPI_Comm_free(&node);
    CK(m, cudaGetDeviceCount(&gpus));
    if (m->st == STENCIL_OK && gpus > 0)
        CK(m, cudaSetDevice(local % gpus));
    size_t cells = (size_t)(m->s[0] * m->s[1] * m->s[2]), bytes = cells * sizeof(float);
    if (m->st == STENCIL_OK) {
        CK(m, cudaMalloc((void **)&m->d_cur, bytes));
        CK(m, cudaMalloc((void **)&m->d_next, bytes));
        CK(m, cudaMallocHost((void **)&m->h_field, bytes));
        for (int f = 0; f < 6; f++) {
            size_t fb = m->face_cells[f / 2] * sizeof(float);
            CK(m, cudaMalloc((void **)&m->d_send[f], fb));
            CK(m, cudaMalloc((void **)&m->d_recv[f], fb));
            CK(m, cudaMallocHost((void **)&m->h_send[f], fb));
            CK(m, cudaMallocHost((void **)&m->h_recv[f], fb));
        }
        CK(m, cudaStreamCreate(&m->s_int));
        CK(m, cudaStreamCreate(&m->s_halo));
        CK(m, cudaEventCreateWithFlags(&m->interior_done, cudaEventDisableTiming));
    }
    if (m->rank == 0 && m->st == STENCIL_OK && !(m->parts = (MPI_Datatype *)calloc((size_t)m->size, sizeof *m->parts)))
        m->st = stencil_fail(&m->err, STENCIL_ERR_NOMEM, "out of memory");
    stencil_status st = agree(m, err);
    if (st != STENCIL_OK) {
        mpi_cuda_release(m);
        return st;
    }
    const long one[3] = {1, 1, 1};
    m->own = subarray(m->s, m->b, one);
    for (int r = 0; m->parts && r < m->size; r++) {
        int c[3];
        long po[3], pb[3];
        MPI_Cart_coords(m->cart, r, 3, c);
        block_of(m, c, po, pb);
        m->parts[r] = subarray(m->n, pb, po);
        m->nparts = r + 1;
    }
    *state = m;
    return STENCIL_OK;
}

static stencil_status mpi_cuda_upload(void *state, const float *field, stencil_error *err)
{
    mpi_cuda_state *m = (mpi_cuda_state *)state;
    MPI_Request recv;
    MPI_Irecv(m->h_field, 1, m->own, 0, TAG_SCATTER, m->cart, &recv);
    for (int r = 0; m->rank == 0 && r < m->size; r++)
        MPI_Send(field, 1, m->parts[r], r, TAG_SCATTER, m->cart);
    MPI_Wait(&recv, MPI_STATUS_IGNORE);
    size_t bytes = (size_t)(m->s[0] * m->s[1] * m->s[2]) * sizeof(float);
    CK(m, cudaMemcpy(m->d_cur, m->h_field, bytes, cudaMemcpyHostToDevice));
    CK(m, cudaMemcpy(m->d_next, m->d_cur, bytes, cudaMemcpyDeviceToDevice));
    return agree(m, err);
}

static stencil_status mpi_cuda_download(void *state, float *out, stencil_error *err)
{
    mpi_cuda_state *m = (mpi_cuda_state *)state;
    size_t bytes = (size_t)(m->s[0] * m->s[1] * m->s[2]) * sizeof(float);
    CK(m, cudaMemcpy(m->h_field, m->d_cur, bytes, cudaMemcpyDeviceToHost));
    MPI_Request send;
    MPI_Isend(m->h_field, 1, m->own, 0, TAG_GATHER, m->cart, &send);
    for (int r = 0; m->rank == 0 && r < m->size; r++)
        MPI_Recv(out, 1, m->parts[r], r, TAG_GATHER, m->cart, MPI_STATUS_IGNORE);
    MPI_Wait(&send, MPI_STATUS_IGNORE);
    return agree(m, err);
}

static stencil_status mpi_cuda_run(void *state, int steps, stencil_error *err)
{
    mpi_cuda_state *m = (mpi_cuda_state *)state;
    for (int step = 0; step < steps; step++) {
        box in = {{m->i0[0], m->i0[1], m->i0[2]}, {m->i1[0], m->i1[1], m->i1[2]}};
        launch_box(m, &in, m->s_int); /* the interior, while the halos move */
        exchange_halos(m);
        /* the shell: slabs around the interior box (the whole box when it is empty) */
        int empty = 0;
        for (int d = 0; d < 3; d++)
            empty |= m->i0[d] > m->i1[d];
        if (empty) {
            box all = {{m->u0[0], m->u0[1], m->u0[2]}, {m->u1[0], m->u1[1], m->u1[2]}};
            launch_box(m, &all, m->s_halo);
        } else {
            for (int d = 0; d < 3; d++)
                for (int side = 0; side < 2; side++) {
                    box b;
                    for (int e = 0; e < 3; e++) { /* earlier axes: the interior's; later: all */
                        b.lo[e] = e < d ? m->i0[e] : m->u0[e];
                        b.hi[e] = e < d ? m->i1[e] : m->u1[e];
                    }
                    if (side)
                        b.lo[d] = m->i1[d] + 1;
                    else
                        b.hi[d] = m->i0[d] - 1;
                    launch_box(m, &b, m->s_halo);
                }
        }
        CK(m, cudaStreamSynchronize(m->s_int));
        CK(m, cudaStreamSynchronize(m->s_halo));
        float *t = m->d_cur;
        m->d_cur = m->d_next;
        m->d_next = t;
    }
    return agree(m, err);
}

static stencil_status mpi_cuda_exchange(void *state, int steps, stencil_error *err)
{
    mpi_cuda_state *m = (mpi_cuda_state *)state;
    for (int step = 0; step < steps; step++) {
        exchange_halos(m);
        CK(m, cudaStreamSynchronize(m->s_halo));
    }
    return agree(m, err);
}

static int mpi_cuda_available(char *why, size_t why_len)
{
    int initialized = 0;
    MPI_Initialized(&initialized);
    if (!initialized) {
        snprintf(why, why_len, "not started by an MPI launcher: run mpirun -n N stencilbench run "
                 "--variant mpi_cuda --ranks N ...");
        return 0;
    }
    return stencil_cuda_available(why, why_len);
}

#else /* built without MPI */

static int mpi_cuda_available(char *why, size_t why_len)
{
    snprintf(why, why_len, "this stencilbench was built without MPI (Debian: apt-get install "
             "libopenmpi-dev openmpi-bin, then configure again)");
    return 0;
}
static stencil_status mpi_cuda_none(stencil_error *err)
{
    return stencil_fail(err, STENCIL_ERR_UNAVAILABLE, "mpi_cuda: built without MPI");
}
static stencil_status mpi_cuda_prepare(const stencil_problem *p, void **s, stencil_error *err)
{
    (void)p;
    *s = NULL;
    return mpi_cuda_none(err);
}
static stencil_status mpi_cuda_upload(void *s, const float *f, stencil_error *err) { (void)s, (void)f; return mpi_cuda_none(err); }
static stencil_status mpi_cuda_run(void *s, int n, stencil_error *err) { (void)s, (void)n; return mpi_cuda_none(err); }
static stencil_status mpi_cuda_download(void *s, float *o, stencil_error *err) { (void)s, (void)o; return mpi_cuda_none(err); }
static void mpi_cuda_release(void *s) { (void)s; }
static stencil_status mpi_cuda_exchange(void *s, int n, stencil_error *err) { (void)s, (void)n; return mpi_cuda_none(err); }

#endif

extern "C" const stencil_variant stencil_variant_mpi_cuda = {
    .name = "mpi_cuda",
    .device = STENCIL_GPU,
    .description = "MPI ranks over a 3-D block grid, one block per GPU (shared round-robin); packed halos, device to device or staged",
    .bytes_per_cell = 8.0,
    .tunings = "",
    .uses_threads = 0,
    .speed_rank = 0, /* never the default of `model`: it needs mpirun */
    .uses_ranks = 1,
    .available = mpi_cuda_available,
    .prepare = mpi_cuda_prepare,
    .upload = mpi_cuda_upload,
    .run = mpi_cuda_run,
    .download = mpi_cuda_download,
    .release = mpi_cuda_release,
    .exchange = mpi_cuda_exchange,
};
