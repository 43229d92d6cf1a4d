/* The mpi variant under mpirun (ctest runs it with 1, 2, 3 and 4 ranks): on odd shapes
 * (17x19x23 and others whose blocks are uneven), random land masks, both schemes, 1 to 4
 * threads per rank and 1, 2 and 7 steps, the field gathered on rank 0 is bit for bit naive's;
 * the halo exchange alone leaves the field as it is; more ranks than cells along an axis is
 * refused; stencil_rank_dims gives MPI_Dims_create's rank grids (the planner relies on it).
 * Exit 77 (skipped) when built without MPI. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "test_fields.h"
#include "harness/measure.h"
#include "variant.h"

#ifdef STENCIL_HAVE_MPI
#include <mpi.h>

#include "mpi_grid.h"

/* Runs every stage of mpi on every rank; rank 0's out gets the gathered field. */
static stencil_status run_mpi(const stencil_problem *p, const float *in, int steps, int exchange,
                              float *out, stencil_error *err)
{
    const stencil_variant *v = stencil_variant_find("mpi");
    void *state = NULL;
    stencil_status st = v->prepare(p, &state, err);
    if (st == STENCIL_OK)
        st = v->upload(state, in, err);
    if (st == STENCIL_OK)
        st = v->run(state, steps, err);
    if (st == STENCIL_OK && exchange)
        st = v->exchange(state, 3, err);
    if (st == STENCIL_OK)
        st = v->download(state, out, err);
    v->release(state);
    return st;
}

static int same_bits(const float *a, const float *b, size_t n, size_t *first)
{
    for (size_t i = 0; i < n; i++)
        if (memcmp(&a[i], &b[i], sizeof(float)) != 0) {
            *first = i;
            return 0;
        }
    return 1;
}

int main(int argc, char **argv)
{
    int provided, rank, size;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    check_ctx c = {0, 0};
    MPI_Comm comm = MPI_COMM_WORLD;

    for (int n = 1; n <= 128; n++) {
        int ours[3], theirs[3] = {0, 0, 0};
        stencil_rank_dims(n, ours);
        MPI_Dims_create(n, 3, theirs);
        CHECK(&c, memcmp(ours, theirs, sizeof ours) == 0, "%d ranks: stencil_rank_dims %dx%dx%d, "
              "MPI_Dims_create %dx%dx%d", n, ours[0], ours[1], ours[2], theirs[0], theirs[1], theirs[2]);
    }

    const size_t shapes[][3] = {{17, 19, 23}, {5, 7, 11}, {4, 4, 4}, {9, 40, 3}, {23, 6, 70}};
    const double lands[] = {0.0, 0.4};
    const int steps_list[] = {1, 2, 7};
    test_rng rng = {0x9e3779b97f4a7c15ull};
    const stencil_variant *naive = stencil_variant_find("naive");
    int points = 0;
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        size_t nz = shapes[s][0], ny = shapes[s][1], nx = shapes[s][2], cells = nz * ny * nx;
        int dims[3];
        stencil_rank_dims(size, dims);
        if ((size_t)dims[0] > nz || (size_t)dims[1] > ny || (size_t)dims[2] > nx)
            continue;
        float *in = malloc(cells * sizeof(float)), *ref = malloc(cells * sizeof(float));
        float *out = malloc(cells * sizeof(float));
        if (!in || !ref || !out) {
            fprintf(stderr, "out of memory\n");
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
        for (size_t l = 0; l < sizeof lands / sizeof lands[0]; l++)
            for (int scheme = 0; scheme < 2; scheme++)
                for (size_t k = 0; k < sizeof steps_list / sizeof steps_list[0]; k++)
                    for (int threads = 1; threads <= 4; threads *= 2) {
                        int steps = steps_list[k];
                        test_random_field(&rng, in, cells, lands[l], 30.0); /* same on every rank */
                        stencil_problem p = {.nz = nz, .ny = ny, .nx = nx, .k = 0.15f,
                                             .scheme = (stencil_scheme)scheme, .threads = threads,
                                             .ranks = size, .comm = &comm};
                        stencil_error err = {{0}};
                        memset(out, 0xff, cells * sizeof(float));
                        stencil_status st = run_mpi(&p, in, steps, threads == 2, rank == 0 ? out : NULL, &err);
                        CHECK(&c, st == STENCIL_OK, "%zux%zux%zu: %s", nz, ny, nx, err.msg);
                        if (rank != 0)
                            continue;
                        bench_rep rep;
                        p.ranks = 0, p.comm = NULL, p.threads = 1;
                        st = bench_measure(naive, &p, in, steps, 0, 1, &rep, ref, &err);
                        size_t first = 0;
                        CHECK(&c, st == STENCIL_OK && same_bits(ref, out, cells, &first),
                              "%d ranks, %zux%zux%zu land %.1f scheme %d steps %d threads %d: cell %zu "
                              "is %.9g, naive %.9g", size, nz, ny, nx, lands[l], scheme, steps,
                              threads, first, out[first], ref[first]);
                        points++;
                    }
        free(in);
        free(ref);
        free(out);
    }
    if (rank == 0)
        printf("%d ranks: %d points bit-equal to naive\n", size, points);

    if (size > 1) { /* a grid with fewer cells along z than ranks along it */
        stencil_problem p = {.nz = 1, .ny = 64, .nx = 64, .k = 0.1f, .threads = 1, .ranks = size, .comm = &comm};
        void *state = NULL;
        stencil_error err = {{0}};
        stencil_status st = stencil_variant_find("mpi")->prepare(&p, &state, &err);
        CHECK(&c, st == STENCIL_ERR_ARG && strstr(err.msg, "more ranks along z"), "1x64x64: %d %s", st, err.msg);
        stencil_variant_find("mpi")->release(state);
    }

    int failed = c.failed;
    MPI_Allreduce(MPI_IN_PLACE, &failed, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (rank == 0)
        check_finish(&c, "test_mpi_variant");
    MPI_Finalize();
    return failed ? 1 : 0;
}

#else

int main(void)
{
    printf("test_mpi_variant: built without MPI: not tested\n");
    return 77;
}

#endif
