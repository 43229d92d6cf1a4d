/* How the MPI variants split a grid over ranks, without MPI (the planner needs it to size weak
 * scaling grids and to refuse more ranks than cells before anything is launched).
 *
 * stencil_rank_dims gives the 3-D grid of ranks MPI_Dims_create(ranks, 3, {0,0,0}) gives in
 * Open MPI and MPICH: the prime factors of ranks, largest first, each multiplied into the
 * smallest dimension so far, then the dimensions sorted largest first (dims[0] splits z, the
 * slowest axis, so the largest faces are contiguous planes). tests/test_mpi_variant holds it
 * equal to the library's MPI_Dims_create for 1 to 128 ranks. Along an axis of n cells split d
 * ways, part i has the cells [n i / d, n (i + 1) / d). */
#ifndef STENCIL_MPI_GRID_H
#define STENCIL_MPI_GRID_H

#include <stddef.h>

static inline void stencil_rank_dims(int ranks, int dims[3])
{
    int factors[32], nf = 0;
    dims[0] = dims[1] = dims[2] = 1;
    for (int n = ranks, f = 2; n > 1 && nf < 32;) {
        if ((long)f * f > n) {
            factors[nf++] = n;
            break;
        }
        if (n % f == 0) {
            factors[nf++] = f;
            n /= f;
        } else {
            f++;
        }
    }
    for (int i = nf - 1; i >= 0; i--) { /* ascending factors: the largest first */
        int m = 0;
        for (int d = 1; d < 3; d++)
            if (dims[d] < dims[m])
                m = d;
        dims[m] *= factors[i];
    }
    for (int a = 0; a < 2; a++)
        for (int b = a + 1; b < 3; b++)
            if (dims[b] > dims[a]) {
                int t = dims[a];
                dims[a] = dims[b];
                dims[b] = t;
            }
}

/* The first cell of part i of an axis of n cells split d ways (stencil_rank_part(n, d, d) = n). */
static inline size_t stencil_rank_part(size_t n, int d, int i)
{
    return n * (size_t)i / (size_t)d;
}

#endif
