/* cuda_resident's tiling (kernels/cuda_resident.cu), plain C so that CI tests it without a GPU.
 *
 * The x-y plane is cut into columns RESIDENT_TILE_X cells wide (a warp's 32 lanes hold a
 * column's 30 owned cells and their two x halo cells) and each column into tiles of whole rows,
 * one thread block each, resident for the whole run. A tile keeps planes 0 .. depth + 1 of its
 * rows (and a halo row each side) in shared memory, two copies, where depth is the deepest plane
 * holding a sea cell among its owned cells: below it nothing changes.
 *
 * A step lasts as long as the costliest tile takes (every tile waits for its neighbours), and a
 * tile costs its sea row-planes (a warp updates a row of one plane at a time). Equal tiles put
 * the open sea's full-depth tiles at twice the mean on the course grid; so each column's rows
 * are split to make the costliest tile as cheap as it can be (a binary search over that cost,
 * each column cut greedily), within the shared memory a block has (`budget`) and the blocks the
 * GPU holds at once (`capacity`). Rows all land are owned by no tile: they never change, and
 * their cells reach a neighbour's halo from global memory as they were uploaded. */
#ifndef STENCIL_RESIDENT_PLAN_H
#define STENCIL_RESIDENT_PLAN_H

#include <stddef.h>

#include "variant.h"

#ifdef __cplusplus
extern "C" {
#endif

enum { RESIDENT_LANES = 32, RESIDENT_TILE_X = RESIDENT_LANES - 2 };

typedef struct resident_tile {
    int x0, y0;             /* first owned cell: x0 .. x0 + 29 (at most nx - 2), y0 .. */
    int rows, depth;        /* owned rows y0 .. y0 + rows - 1; planes updated 1 .. depth */
    int nb_first, nb_count; /* the tiles sharing an edge with this one: nbs[nb_first ..] */
} resident_tile;

typedef struct resident_plan {
    int count;              /* tiles, column by column, rows upwards */
    resident_tile *tiles;
    int *nbs, nb_total;     /* neighbour lists, both ways: i lists j iff j lists i */
    long long cost_max, cost_sum; /* the costliest tile's cost, and all tiles' */
} resident_plan;

/* Columns of tiles for nx (nx >= 3). */
int resident_columns(size_t nx);

/* Shared memory of a tile: two copies of depth + 2 planes of rows + 2 rows of 32 floats, and the
 * rows' running plane counts (rows + 1 ints). */
size_t resident_tile_bytes(int rows, int depth);

/* A tile's cost: its rows' depths summed (row-planes updated), plus its own depth (halo loads). */
long long resident_tile_cost(const int *depth, int y0, int rows);

/* depth[ix * ny + y] for column ix and row y in 1 .. ny - 2: the deepest plane in 1 .. nz - 2
 * holding a sea (non-NaN) cell among the column's owned cells of row y; 0 when there is none.
 * Rows 0 and ny - 1 get 0. field NULL: every cell sea. (The GPU computes the same table from
 * the uploaded field; this one is the tests' reference and the plan before any upload.) */
void resident_depths(const float *field, size_t nz, size_t ny, size_t nx, int *depth);

/* Cuts the columns into tiles: rows > 0 makes tiles of that many rows (fewer where rows all
 * land are trimmed); rows == 0 balances the tiles' costs. Every tile fits in budget bytes and
 * there are at most capacity tiles. Returns STENCIL_ERR_UNAVAILABLE (no such cut: a row that
 * does not fit, or too many tiles) or STENCIL_ERR_NOMEM with a message; *plan is then empty. */
stencil_status resident_plan_make(resident_plan *plan, const int *depth, size_t nz, size_t ny,
                                  size_t nx, int rows, size_t budget, int capacity, stencil_error *err);

void resident_plan_free(resident_plan *plan);

#ifdef __cplusplus
}
#endif

#endif
