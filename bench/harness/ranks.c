#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness/ranks.h"

#ifdef STENCIL_HAVE_MPI
#include <mpi.h>

int bench_ranks_built(void) { return 1; }

/* Waits for req, sleeping 0.2 ms between tests: a waiting rank leaves its core to the others. */
static void wait_sleeping(MPI_Request *req)
{
    int done = 0;
    const struct timespec nap = {0, 200000};
    for (MPI_Test(req, &done, MPI_STATUS_IGNORE); !done; MPI_Test(req, &done, MPI_STATUS_IGNORE))
        nanosleep(&nap, NULL);
}

void bench_ranks_init(bench_ranks *w, int *argc, char ***argv)
{
    static const char *const launcher_vars[] = {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK",
                                                "PMI_SIZE", "MV2_COMM_WORLD_SIZE"};
    memset(w, 0, sizeof *w);
    w->size = 1;
    w->err_fd = -1;
    for (size_t i = 0; i < sizeof launcher_vars / sizeof launcher_vars[0]; i++)
        w->launched |= getenv(launcher_vars[i]) != NULL;
    if (!w->launched)
        return;
    int provided;
    MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
    w->active = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &w->rank);
    MPI_Comm_size(MPI_COMM_WORLD, &w->size);
    const char *env = getenv("OMPI_COMM_WORLD_SIZE") ? getenv("OMPI_COMM_WORLD_SIZE") : getenv("PMI_SIZE");
    if (env && atoi(env) > w->size)
        w->foreign_launch = atoi(env);
    if (w->rank != 0) {
        fflush(stdout);
        fflush(stderr);
        w->err_fd = dup(STDERR_FILENO);
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0) {
            dup2(null, STDOUT_FILENO);
            dup2(null, STDERR_FILENO);
            close(null);
        }
    }
}

int bench_ranks_agree(const bench_ranks *w, int status)
{
    if (!w->active)
        return status;
    MPI_Request req;
    int out = status;
    MPI_Iallreduce(&status, &out, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD, &req);
    wait_sleeping(&req);
    return out;
}

int bench_ranks_bcast_int(const bench_ranks *w, int value)
{
    if (w->active)
        bench_ranks_bcast_bytes(w, &value, sizeof value);
    return value;
}

void bench_ranks_bcast_bytes(const bench_ranks *w, void *data, size_t len)
{
    if (!w->active)
        return;
    MPI_Request req;
    MPI_Ibcast(data, (int)len, MPI_BYTE, 0, MPI_COMM_WORLD, &req);
    wait_sleeping(&req);
}

void bench_ranks_abort(const bench_ranks *w, int code, const char *message)
{
    char line[1200];
    int n = snprintf(line, sizeof line, "stencilbench: rank %d of %d: %s; ending the run\n", w->rank,
                     w->size, message);
    ssize_t wr = write(w->err_fd >= 0 ? w->err_fd : STDERR_FILENO, line,
                       n > 0 && (size_t)n < sizeof line ? (size_t)n : strlen(line));
    (void)wr;
    if (w->active)
        MPI_Abort(MPI_COMM_WORLD, code);
}

void bench_ranks_finish(bench_ranks *w)
{
    if (!w->active)
        return;
    MPI_Request req;
    MPI_Ibarrier(MPI_COMM_WORLD, &req);
    wait_sleeping(&req);
    MPI_Finalize();
    w->active = 0;
}

void bench_point_ranks_open(const bench_ranks *w, int ranks, bench_point_ranks *pr)
{
    memset(pr, 0, sizeof *pr);
    if (!w->active)
        return;
    MPI_Comm comm;
    pr->member = w->rank < ranks;
    MPI_Comm_split(MPI_COMM_WORLD, pr->member ? 0 : MPI_UNDEFINED, w->rank, &comm);
    if (pr->member) {
        MPI_Comm *c = malloc(sizeof *c);
        if (!c) /* nothing to tell the others with: end the run rather than leave them waiting */
            MPI_Abort(MPI_COMM_WORLD, 1);
        *c = comm;
        pr->comm = c;
    }
}

void bench_point_ranks_close(bench_point_ranks *pr)
{
    if (pr->comm) {
        MPI_Comm_free((MPI_Comm *)pr->comm);
        free(pr->comm);
    }
    pr->comm = NULL;
    pr->member = 0;
}

void bench_point_ranks_times(const bench_point_ranks *pr, bench_rep *times)
{
    if (!pr->comm)
        return;
    MPI_Comm comm = *(MPI_Comm *)pr->comm;
    int rank;
    MPI_Comm_rank(comm, &rank);
    double t[4] = {times->h2d_s, times->compute_s, times->d2h_s, times->halo_s}, slowest[4];
    MPI_Reduce(t, slowest, 4, MPI_DOUBLE, MPI_MAX, 0, comm);
    if (rank == 0)
        *times = (bench_rep){slowest[0], slowest[1], slowest[2], slowest[3], times->batch};
}

int bench_point_ranks_go(const bench_point_ranks *pr, int go)
{
    if (!pr->comm)
        return go;
    MPI_Request req;
    MPI_Ibcast(&go, 1, MPI_INT, 0, *(MPI_Comm *)pr->comm, &req);
    wait_sleeping(&req);
    return go;
}

#else /* built without MPI: one rank */

int bench_ranks_built(void) { return 0; }

void bench_ranks_init(bench_ranks *w, int *argc, char ***argv)
{
    (void)argc, (void)argv;
    memset(w, 0, sizeof *w);
    w->size = 1;
    w->err_fd = -1;
    w->launched = getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMIX_RANK") || getenv("PMI_RANK");
}

int bench_ranks_agree(const bench_ranks *w, int status) { (void)w; return status; }
int bench_ranks_bcast_int(const bench_ranks *w, int value) { (void)w; return value; }
void bench_ranks_bcast_bytes(const bench_ranks *w, void *data, size_t len) { (void)w, (void)data, (void)len; }

void bench_ranks_abort(const bench_ranks *w, int code, const char *message)
{
    (void)code;
    fprintf(stderr, "stencilbench: rank %d of %d: %s; ending the run\n", w->rank, w->size, message);
}

void bench_ranks_finish(bench_ranks *w) { (void)w; }

void bench_point_ranks_open(const bench_ranks *w, int ranks, bench_point_ranks *pr)
{
    (void)w, (void)ranks;
    memset(pr, 0, sizeof *pr);
}

void bench_point_ranks_close(bench_point_ranks *pr) { (void)pr; }

void bench_point_ranks_times(const bench_point_ranks *pr, bench_rep *times) { (void)pr, (void)times; }

int bench_point_ranks_go(const bench_point_ranks *pr, int go)
{
    (void)pr;
    return go;
}

#endif
