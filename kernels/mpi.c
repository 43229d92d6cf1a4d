/* mpi: hybrid MPI + OpenMP. The grid is split into blocks over a 3-D Cartesian grid of ranks
 * (MPI_Dims_create, MPI_Cart_create), each block with a one-cell halo. A step posts the six
 * face exchanges (non-blocking, subarray datatypes), updates the cells that need no halo with
 * OpenMP threads meanwhile, then the block's shell once the halos have arrived: the exchange
 * hides behind the interior. Cells are naive's (stencil_cell rows), so results are bit-equal.
 * The field lives on rank 0: upload scatters it to the blocks, download gathers it back. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "variant.h"

#ifdef STENCIL_HAVE_MPI
#include <mpi.h>
#include <omp.h>

#include "cpu_row.h"
#include "cpu_state.h"
#include "mpi_grid.h"

enum { TAG_FACE = 100, TAG_SCATTER = 200, TAG_GATHER = 300, INTERIOR_CHUNKS = 4 };
enum { PREFETCH_ROWS = 6, FLOATS_PER_LINE = 16 }; /* as openmp's rows */

typedef struct mpi_state {
    stencil_problem problem;
    MPI_Comm cart;
    int rank, size, threads, stream, dims[3], nbr[3][2];
    size_t n[3], o[3], b[3], s[3]; /* global shape, block origin, block shape, local shape */
    long u0[3], u1[3], i0[3], i1[3]; /* updated cells and halo-free interior (local, inclusive) */
    float *cur, *next;
    MPI_Datatype face_send[3][2], face_recv[3][2], own; /* own: the block within cur */
    MPI_Datatype *parts;           /* rank 0: each rank's block within the global field */
    int nparts;                    /* of them, committed */
    MPI_Request req[12];
    MPI_Status statuses[12]; /* not MPI_STATUSES_IGNORE: MPICH's (a pointer to 1) trips GCC's bounds checks */
} mpi_state;

static MPI_Datatype subarray(const size_t *sizes, const size_t *sub, const size_t *start)
{
    int sz[3], su[3], st[3];
    for (int d = 0; d < 3; d++)
        sz[d] = (int)sizes[d], su[d] = (int)sub[d], st[d] = (int)start[d];
    MPI_Datatype t;
    MPI_Type_create_subarray(3, sz, su, st, MPI_ORDER_C, MPI_FLOAT, &t);
    MPI_Type_commit(&t);
    return t;
}

static void block_of(const mpi_state *m, const int *coords, size_t *o, size_t *b)
{
    for (int d = 0; d < 3; d++) {
        o[d] = stencil_rank_part(m->n[d], m->dims[d], coords[d]);
        b[d] = stencil_rank_part(m->n[d], m->dims[d], coords[d] + 1) - o[d];
    }
}

static void mpi_release(void *state)
{
    mpi_state *m = state;
    if (!m)
        return;
    for (int d = 0; d < 3; d++)
        for (int side = 0; side < 2; side++) {
            if (m->face_send[d][side] != MPI_DATATYPE_NULL)
                MPI_Type_free(&m->face_send[d][side]);
            if (m->face_recv[d][side] != MPI_DATATYPE_NULL)
                MPI_Type_free(&m->face_recv[d][side]);
        }
    if (m->own != MPI_DATATYPE_NULL)
        MPI_Type_free(&m->own);
    for (int r = 0; r < m->nparts; r++)
        MPI_Type_free(&m->parts[r]);
    free(m->parts);
    if (m->cart != MPI_COMM_NULL)
        MPI_Comm_free(&m->cart);
    free(m->cur);
    free(m->next);
    free(m);
}

/* Allocates the two local fields, first-touched (zeroed) by the threads that update them. */
static int alloc_fields(mpi_state *m)
{
    size_t cells = m->s[0] * m->s[1] * m->s[2];
    m->cur = stencil_cpu_alloc(cells * sizeof(float)); /* huge pages where the kernel has them */
    m->next = stencil_cpu_alloc(cells * sizeof(float));
    if (!m->cur || !m->next)
        return 0;
    const size_t plane = m->s[1] * m->s[2];
#pragma omp parallel for num_threads(m->threads) schedule(static)
    for (size_t z = 0; z < m->s[0]; z++) {
        memset(m->cur + z * plane, 0, plane * sizeof(float));
        memset(m->next + z * plane, 0, plane * sizeof(float));
    }
    return 1;
}

static stencil_status mpi_prepare(const stencil_problem *problem, void **state, stencil_error *err)
{
    *state = NULL;
    if (!problem->comm)
        return stencil_fail(err, STENCIL_ERR_ARG, "mpi needs the MPI communicator of its ranks "
                            "(run it through stencilbench run under mpirun)");
    MPI_Comm comm = *(const MPI_Comm *)problem->comm;
    mpi_state *m = calloc(1, sizeof *m);
    if (!m)
        return stencil_fail(err, STENCIL_ERR_NOMEM, "out of memory");
    m->problem = *problem;
    m->cart = MPI_COMM_NULL;
    m->own = MPI_DATATYPE_NULL;
    for (int d = 0; d < 3; d++)
        m->face_send[d][0] = m->face_send[d][1] = m->face_recv[d][0] = m->face_recv[d][1] = MPI_DATATYPE_NULL;
    m->threads = problem->threads > 0 ? problem->threads : omp_get_max_threads();
    m->n[0] = problem->nz, m->n[1] = problem->ny, m->n[2] = problem->nx;
    MPI_Comm_size(comm, &m->size);
    if (problem->ranks > 0 && problem->ranks != m->size) {
        int size = m->size;
        free(m);
        return stencil_fail(err, STENCIL_ERR_ARG, "the point has %d ranks, its communicator %d",
                            problem->ranks, size);
    }
    MPI_Dims_create(m->size, 3, m->dims);
    static const char axis[] = "zyx";
    for (int d = 0; d < 3; d++)
        if ((size_t)m->dims[d] > m->n[d]) {
            stencil_status st = stencil_fail(err, STENCIL_ERR_ARG,
                "%d ranks form a %dx%dx%d grid of blocks: more ranks along %c (%d) than cells (%zu); "
                "use fewer ranks or a larger grid", m->size, m->dims[0], m->dims[1], m->dims[2],
                axis[d], m->dims[d], m->n[d]);
            free(m);
            return st;
        }
    const int periods[3] = {0, 0, 0};
    MPI_Cart_create(comm, 3, m->dims, periods, 0, &m->cart); /* no reorder: rank 0 stays root */
    MPI_Comm_rank(m->cart, &m->rank);
    int coords[3];
    MPI_Cart_coords(m->cart, m->rank, 3, coords);
    for (int d = 0; d < 3; d++)
        MPI_Cart_shift(m->cart, d, 1, &m->nbr[d][0], &m->nbr[d][1]);
    block_of(m, coords, m->o, m->b);
    /* streaming stores when the block's two fields outgrow the cache (openmp's rule) */
    stencil_problem block = *problem;
    block.nz = m->b[0] + 2, block.ny = m->b[1] + 2, block.nx = m->b[2] + 2;
    m->stream = stencil_cpu_streaming(&block);
    for (int d = 0; d < 3; d++) {
        m->s[d] = m->b[d] + 2;
        /* local l holds global o + l - 1; global cells 1 .. n-2 are updated */
        long lo = 2 - (long)m->o[d], hi = (long)m->n[d] - 1 - (long)m->o[d];
        m->u0[d] = lo > 1 ? lo : 1;
        m->u1[d] = hi < (long)m->b[d] ? hi : (long)m->b[d];
        m->i0[d] = m->u0[d] > 2 ? m->u0[d] : 2;
        m->i1[d] = m->u1[d] < (long)m->b[d] - 1 ? m->u1[d] : (long)m->b[d] - 1;
    }
    /* Allocation on every rank; all ranks agree on the outcome, so none waits for a failed one. */
    int ok = alloc_fields(m), failed_rank = ok ? m->size : m->rank;
    if (m->rank == 0 && ok) {
        m->parts = malloc((size_t)m->size * sizeof *m->parts);
        ok = m->parts != NULL;
        failed_rank = ok ? m->size : 0;
    }
    MPI_Allreduce(MPI_IN_PLACE, &failed_rank, 1, MPI_INT, MPI_MIN, m->cart);
    if (failed_rank < m->size) {
        int c[3];
        size_t fo[3], fb[3];
        MPI_Cart_coords(m->cart, failed_rank, 3, c);
        block_of(m, c, fo, fb);
        mpi_release(m);
        return stencil_fail(err, STENCIL_ERR_NOMEM, "rank %d cannot allocate its block of "
                            "%zux%zux%zu cells (two fields and a halo)", failed_rank, fb[0], fb[1], fb[2]);
    }
    for (int d = 0; d < 3; d++) {
        size_t sub[3] = {m->b[0], m->b[1], m->b[2]}, at[3] = {1, 1, 1};
        sub[d] = 1;
        at[d] = 1; /* the first owned layer goes to the minus neighbour */
        m->face_send[d][0] = subarray(m->s, sub, at);
        at[d] = m->b[d];
        m->face_send[d][1] = subarray(m->s, sub, at);
        at[d] = 0;
        m->face_recv[d][0] = subarray(m->s, sub, at);
        at[d] = m->b[d] + 1;
        m->face_recv[d][1] = subarray(m->s, sub, at);
    }
    const size_t one[3] = {1, 1, 1};
    m->own = subarray(m->s, m->b, one);
    for (int r = 0; m->parts && r < m->size; r++) {
        int c[3];
        size_t po[3], pb[3];
        MPI_Cart_coords(m->cart, r, 3, c);
        block_of(m, c, po, pb);
        m->parts[r] = subarray(m->n, pb, po);
        m->nparts = r + 1;
    }
    *state = m;
    return STENCIL_OK;
}

static stencil_status mpi_upload(void *state, const float *field, stencil_error *err)
{
    (void)err;
    mpi_state *m = state;
    MPI_Request recv;
    MPI_Irecv(m->cur, 1, m->own, 0, TAG_SCATTER, m->cart, &recv);
    for (int r = 0; m->rank == 0 && r < m->size; r++)
        MPI_Send(field, 1, m->parts[r], r, TAG_SCATTER, m->cart);
    MPI_Wait(&recv, MPI_STATUS_IGNORE);
    /* both fields hold the input: cells never updated are right in either */
    const size_t plane = m->s[1] * m->s[2];
#pragma omp parallel for num_threads(m->threads) schedule(static)
    for (size_t z = 0; z < m->s[0]; z++)
        memcpy(m->next + z * plane, m->cur + z * plane, plane * sizeof(float));
    return STENCIL_OK;
}

static stencil_status mpi_download(void *state, float *out, stencil_error *err)
{
    (void)err;
    mpi_state *m = state;
    MPI_Request send;
    MPI_Isend(m->cur, 1, m->own, 0, TAG_GATHER, m->cart, &send);
    for (int r = 0; m->rank == 0 && r < m->size; r++)
        MPI_Recv(out, 1, m->parts[r], r, TAG_GATHER, m->cart, MPI_STATUS_IGNORE);
    MPI_Wait(&send, MPI_STATUS_IGNORE);
    return STENCIL_OK;
}

/* Posts the six face exchanges of field f. Data moving toward minus carries tag 2d, toward plus
 * 2d+1; a missing neighbour (the global boundary) is MPI_PROC_NULL, a no-op. */
static void post_halo(mpi_state *m, float *f)
{
    int k = 0;
    for (int d = 0; d < 3; d++) {
        MPI_Irecv(f, 1, m->face_recv[d][0], m->nbr[d][0], TAG_FACE + 2 * d + 1, m->cart, &m->req[k++]);
        MPI_Irecv(f, 1, m->face_recv[d][1], m->nbr[d][1], TAG_FACE + 2 * d, m->cart, &m->req[k++]);
        MPI_Isend(f, 1, m->face_send[d][0], m->nbr[d][0], TAG_FACE + 2 * d, m->cart, &m->req[k++]);
        MPI_Isend(f, 1, m->face_send[d][1], m->nbr[d][1], TAG_FACE + 2 * d + 1, m->cart, &m->req[k++]);
    }
}

/* Updates local cells x in [x0, x1] of rows (z, y), z in [z0, z1], y in [y0, y1], skipping the
 * cells of the interior box when skip_interior is set (the shell). */
static void update_box(const mpi_state *m, const float *in, float *out, const long *lo,
                       const long *hi, int skip_interior)
{
    const size_t sy = m->s[2], sz = m->s[1] * m->s[2];
    const float k = m->problem.k;
    const int insulated = m->problem.scheme == STENCIL_SCHEME_INSULATED;
    const long ny = hi[1] - lo[1] + 1;
    if (hi[0] < lo[0] || ny <= 0 || hi[2] < lo[2])
        return;
    const long rows = (hi[0] - lo[0] + 1) * ny;
    const int interior = m->i0[0] <= m->i1[0] && m->i0[1] <= m->i1[1] && m->i0[2] <= m->i1[2];
    const int stream = m->stream && !skip_interior; /* whole interior rows: non-temporal stores */
#pragma omp parallel num_threads(m->threads)
    {
#pragma omp for schedule(static)
        for (long r = 0; r < rows; r++) {
            long z = lo[0] + r / ny, y = lo[1] + r % ny;
            size_t row = (size_t)z * sz + (size_t)y * sy;
            if (!skip_interior || !interior || z < m->i0[0] || z > m->i1[0] || y < m->i0[1] ||
                y > m->i1[1]) {
                if (r + PREFETCH_ROWS < rows && z + 1 <= hi[0]) /* the z+1 row, read first here */
                    for (long x = lo[2]; x <= hi[2]; x += FLOATS_PER_LINE)
                        STENCIL_PREFETCH_READ(in + row + sz + PREFETCH_ROWS * sy + (size_t)x);
                stencil_row_any(in + row, out + row, (size_t)lo[2], (size_t)hi[2] + 1, sy, sz, k,
                                insulated, stream);
                continue;
            }
            if (lo[2] < m->i0[2]) /* the row's cells left and right of the interior */
                stencil_row_any(in + row, out + row, (size_t)lo[2], (size_t)m->i0[2], sy, sz, k,
                                insulated, 0);
            if (m->i1[2] < hi[2])
                stencil_row_any(in + row, out + row, (size_t)m->i1[2] + 1, (size_t)hi[2] + 1, sy, sz,
                                k, insulated, 0);
        }
        stencil_vf_stream_fence();
    }
}

static stencil_status mpi_run(void *state, int steps, stencil_error *err)
{
    (void)err;
    mpi_state *m = state;
    for (int step = 0; step < steps; step++) {
        post_halo(m, m->cur);
        /* the interior in z chunks, polling the exchange between them so it progresses while
         * the threads compute (Open MPI moves large messages only inside MPI calls) */
        long span = m->i1[0] - m->i0[0] + 1;
        for (int c = 0; c < INTERIOR_CHUNKS && span > 0; c++) {
            long lo[3] = {m->i0[0] + span * c / INTERIOR_CHUNKS, m->i0[1], m->i0[2]};
            long hi[3] = {m->i0[0] + span * (c + 1) / INTERIOR_CHUNKS - 1, m->i1[1], m->i1[2]};
            update_box(m, m->cur, m->next, lo, hi, 0);
            int done;
            MPI_Testall(12, m->req, &done, m->statuses);
        }
        MPI_Waitall(12, m->req, m->statuses);
        update_box(m, m->cur, m->next, m->u0, m->u1, 1);
        float *t = m->cur;
        m->cur = m->next;
        m->next = t;
    }
    return STENCIL_OK;
}

static stencil_status mpi_exchange(void *state, int steps, stencil_error *err)
{
    (void)err;
    mpi_state *m = state;
    for (int step = 0; step < steps; step++) {
        post_halo(m, m->cur);
        MPI_Waitall(12, m->req, m->statuses);
    }
    return STENCIL_OK;
}

static int mpi_available(char *why, size_t why_len)
{
    int initialized = 0;
    MPI_Initialized(&initialized);
    if (!initialized)
        snprintf(why, why_len, "not started by an MPI launcher: run mpirun -n N stencilbench run "
                 "--variant mpi --ranks N ...");
    return initialized;
}

#define MPI_STAGES                                                                              \
    .prepare = mpi_prepare, .upload = mpi_upload, .run = mpi_run, .download = mpi_download,    \
    .release = mpi_release, .exchange = mpi_exchange

#else /* built without MPI */

static int mpi_available(char *why, size_t why_len)
{
    snprintf(why, why_len, "this stencilbench was built without MPI (Debian: apt-get install "
             "libopenmpi-dev openmpi-bin, then configure again)");
    return 0;
}

static stencil_status mpi_unavailable(stencil_error *err)
{
    return stencil_fail(err, STENCIL_ERR_UNAVAILABLE, "mpi: built without MPI");
}
static stencil_status mpi_prepare(const stencil_problem *p, void **s, stencil_error *err)
{
    (void)p;
    *s = NULL;
    return mpi_unavailable(err);
}
static stencil_status mpi_upload(void *s, const float *f, stencil_error *err) { (void)s, (void)f; return mpi_unavailable(err); }
static stencil_status mpi_run(void *s, int n, stencil_error *err) { (void)s, (void)n; return mpi_unavailable(err); }
static stencil_status mpi_download(void *s, float *o, stencil_error *err) { (void)s, (void)o; return mpi_unavailable(err); }
static void mpi_release(void *s) { (void)s; }
static stencil_status mpi_exchange(void *s, int n, stencil_error *err) { (void)s, (void)n; return mpi_unavailable(err); }

#define MPI_STAGES                                                                              \
    .prepare = mpi_prepare, .upload = mpi_upload, .run = mpi_run, .download = mpi_download,    \
    .release = mpi_release, .exchange = mpi_exchange

#endif

const stencil_variant stencil_variant_mpi = {
    .name = "mpi",
    .device = STENCIL_CPU,
    .description = "MPI ranks over a 3-D block grid, halo exchange overlapped with the interior; OpenMP within a rank",
    .bytes_per_cell = 8.0,
    .tunings = "",
    .uses_threads = 1,
    .speed_rank = 0, /* never the default of `model`: it needs mpirun */
    .uses_ranks = 1,
    .available = mpi_available,
    MPI_STAGES,
};
