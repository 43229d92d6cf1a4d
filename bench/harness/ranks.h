/* The MPI processes of one `stencilbench run` (mpirun -n N stencilbench run ...).
 *
 * Every rank runs the same plan (rank 0's resolved study, broadcast). Rank 0 measures every
 * point, writes the run folder and prints; the other ranks are silent and take part only in the
 * points of MPI variants: before each, rank 0 announces its index, the first p->ranks ranks
 * get a communicator for it and run the variant's stages with rank 0; at the end rank 0
 * announces -1. A rank that waits for rank 0 sleeps between polls (MPI_Test), so idle ranks
 * leave the cores to the rank measuring. A rank that fails outside a point ends the whole
 * run (bench_ranks_abort: MPI_Abort), never leaving the others waiting.
 *
 * Built without MPI, or not started by an MPI launcher, there is one rank (size 1) and every
 * function here is a no-op. */
#ifndef BENCH_RANKS_H
#define BENCH_RANKS_H

#include "harness/measure.h"
#include "variant.h"

typedef struct bench_ranks {
    int rank, size;  /* 0 and 1 outside MPI */
    int launched;    /* started by an MPI launcher (mpirun, mpiexec, srun) */
    int active;      /* MPI initialised by bench_ranks_init */
    int err_fd;      /* ranks other than 0: the real stderr, for bench_ranks_abort; else -1 */
    /* processes the launcher says it started (its environment), when more than this MPI
     * library's world holds: the launcher of another MPI (Open MPI's mpirun starting a binary
     * built with MPICH, or the other way): every process would be a rank 0 of 1 */
    int foreign_launch;
} bench_ranks;

/* Whether MPI support was built in. */
int bench_ranks_built(void);

/* Initialises MPI when built with it and launched by an MPI launcher (its environment says so).
 * Ranks other than 0 send stdout and stderr to /dev/null from here on. */
void bench_ranks_init(bench_ranks *w, int *argc, char ***argv);

/* Every rank gives a status; returns the largest (0 when all are 0). Collective. */
int bench_ranks_agree(const bench_ranks *w, int status);

/* Rank 0's value, on every rank (the others' value is ignored); idle ranks sleep. Collective. */
int bench_ranks_bcast_int(const bench_ranks *w, int value);

/* Rank 0's bytes, on every rank. Collective. */
void bench_ranks_bcast_bytes(const bench_ranks *w, void *data, size_t len);

/* Prints "stencilbench: rank R of N: MESSAGE; ending the run" on the real stderr and ends every
 * rank (MPI_Abort with code). Outside MPI, prints it and returns. For the CLI only. */
void bench_ranks_abort(const bench_ranks *w, int code, const char *message);

/* A sleeping barrier, then MPI_Finalize. */
void bench_ranks_finish(bench_ranks *w);

/* The ranks of one point: world ranks 0 .. ranks-1 are members (collective over the world). */
typedef struct bench_point_ranks {
    int member;      /* this rank takes part */
    void *comm;      /* an MPI_Comm * for stencil_problem.comm (members), else NULL */
} bench_point_ranks;

void bench_point_ranks_open(const bench_ranks *w, int ranks, bench_point_ranks *pr);
void bench_point_ranks_close(bench_point_ranks *pr);

/* After each repetition, on every member: first the slowest rank's times to rank 0 (in place),
 * then rank 0's go (1 on, 0 stop) to every member, which returns it. */
void bench_point_ranks_times(const bench_point_ranks *pr, bench_rep *times);
int bench_point_ranks_go(const bench_point_ranks *pr, int go);

#endif
