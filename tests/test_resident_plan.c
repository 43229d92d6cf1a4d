/* cuda_resident's tiling (kernels/resident_plan.h), on the CPU: every row with sea owned by exactly
 * one tile, each tile as deep as its deepest sea cell and within the shared-memory budget, no more
 * tiles than the GPU holds, neighbour lists exactly the tiles sharing an edge, and the balanced cut
 * no costlier than equal tiles (on the course grid's synthetic ocean, much cheaper). Grids: the
 * course grid, small odd ones, random masks, all land, all sea, a strait of land rows. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "test_fields.h"
#include "synthetic.h"
#include "resident_plan.h"

enum { H200_SMEM = 232448, H200_SMS = 132 };

/* The deepest sea plane of column ix, row y, read cell by cell. */
static int depth_of(const float *f, size_t nz, size_t ny, size_t nx, int ix, size_t y)
{
    int d = 0;
    const size_t x0 = 1 + (size_t)ix * RESIDENT_TILE_X;
    for (size_t z = 1; z + 1 < nz; z++)
        for (size_t x = x0; x < x0 + RESIDENT_TILE_X && x + 1 < nx; x++)
            if (y >= 1 && y + 1 < ny && !isnan(f[(z * ny + y) * nx + x]))
                d = (int)z;
    return d;
}

static int neighbours(const resident_tile *a, const resident_tile *b)
{
    const int over = a->y0 < b->y0 + b->rows && b->y0 < a->y0 + a->rows;
    if (a->x0 == b->x0)
        return a->y0 + a->rows == b->y0 || b->y0 + b->rows == a->y0;
    return abs(a->x0 - b->x0) == RESIDENT_TILE_X && over;
}

/* Every property of a plan for these depths; returns its cost_max (-1 when making it failed). */
static long long check_plan(check_ctx *c, const char *what, const int *depth, size_t nz, size_t ny,
                            size_t nx, int rows, size_t budget, int capacity)
{
    resident_plan plan;
    stencil_error err = {{0}};
    stencil_status st = resident_plan_make(&plan, depth, nz, ny, nx, rows, budget, capacity, &err);
    CHECK(c, st == STENCIL_OK, "%s: %s", what, err.msg);
    if (st != STENCIL_OK)
        return -1;
    const int cols = resident_columns(nx);
    int *owner = calloc((size_t)cols * ny, sizeof *owner);
    CHECK(c, plan.count <= capacity, "%s: %d tiles, %d fit", what, plan.count, capacity);
    long long cost_max = 0, cost_sum = 0;
    for (int i = 0; i < plan.count; i++) {
        const resident_tile *t = &plan.tiles[i];
        const int ix = (t->x0 - 1) / RESIDENT_TILE_X;
        const int *d = depth + (size_t)ix * ny;
        CHECK(c, (t->x0 - 1) % RESIDENT_TILE_X == 0 && ix < cols && t->rows >= 1 && t->y0 >= 1 &&
                     t->y0 + t->rows <= (int)ny - 1,
              "%s: tile %d at x %d y %d, %d rows", what, i, t->x0, t->y0, t->rows);
        if (!(t->y0 >= 1 && t->rows >= 1 && t->y0 + t->rows <= (int)ny - 1 && ix < cols))
            continue;
        int deepest = 0;
        for (int y = t->y0; y < t->y0 + t->rows; y++) {
            owner[(size_t)ix * ny + y]++;
            deepest = d[y] > deepest ? d[y] : deepest;
        }
        CHECK(c, t->depth == deepest && d[t->y0] > 0 && d[t->y0 + t->rows - 1] > 0,
              "%s: tile %d depth %d, its rows' deepest %d, end rows %d and %d", what, i, t->depth, deepest,
              d[t->y0], d[t->y0 + t->rows - 1]);
        CHECK(c, resident_tile_bytes(t->rows, t->depth) <= budget, "%s: tile %d %zu bytes > %zu", what, i,
              resident_tile_bytes(t->rows, t->depth), budget);
        CHECK(c, rows == 0 || t->rows <= rows, "%s: tile %d has %d rows, %d asked", what, i, t->rows, rows);
        const long long cost = resident_tile_cost(d, t->y0, t->rows);
        cost_max = cost > cost_max ? cost : cost_max;
        cost_sum += cost;
        int listed = 0;
        for (int j = 0; j < plan.count; j++) {
            int in_list = 0;
            for (int k = 0; k < t->nb_count; k++)
                in_list += plan.nbs[t->nb_first + k] == j;
            CHECK(c, in_list == (j != i && neighbours(t, &plan.tiles[j])),
                  "%s: tile %d lists tile %d %d times", what, i, j, in_list);
            listed += in_list;
        }
        CHECK(c, listed == t->nb_count, "%s: tile %d lists %d of %d", what, i, listed, t->nb_count);
    }
    for (int ix = 0; ix < cols; ix++)
        for (size_t y = 1; y + 1 < ny; y++) {
            const int n = owner[(size_t)ix * ny + y], d = depth[(size_t)ix * ny + y];
            CHECK(c, d > 0 ? n == 1 : n <= 1, "%s: column %d row %zu (depth %d) owned %d times",
                  what, ix, y, d, n);
        }
    CHECK(c, plan.cost_max == cost_max && plan.cost_sum == cost_sum, "%s: cost %lld/%lld, tiles say %lld/%lld",
          what, plan.cost_max, plan.cost_sum, cost_max, cost_sum);
    free(owner);
    resident_plan_free(&plan);
    return cost_max;
}

/* The depths against a cell-by-cell reading, then plans balanced and of equal rows (the fewest
 * rows that fit, as cuda_resident's prepare finds them): the balanced one no costlier. Returns
 * balanced / equal cost. */
static double check_field(check_ctx *c, const char *what, const float *f, size_t nz, size_t ny, size_t nx,
                          size_t budget, int capacity)
{
    const int cols = resident_columns(nx);
    int *depth = malloc((size_t)cols * ny * sizeof *depth);
    resident_depths(f, nz, ny, nx, depth);
    for (int ix = 0; ix < cols; ix++)
        for (size_t y = 0; y < ny; y++)
            CHECK(c, depth[(size_t)ix * ny + y] == depth_of(f, nz, ny, nx, ix, y), "%s: depth of column %d row %zu",
                  what, ix, y);
    int ty = 1;
    while ((size_t)cols * ((ny - 2 + (size_t)ty - 1) / (size_t)ty) > (size_t)capacity)
        ty++;
    char label[200];
    snprintf(label, sizeof label, "%s, rows %d", what, ty);
    const long long equal = check_plan(c, label, depth, nz, ny, nx, ty, budget, capacity);
    snprintf(label, sizeof label, "%s, balanced", what);
    const long long balanced = check_plan(c, label, depth, nz, ny, nx, 0, budget, capacity);
    CHECK(c, balanced <= equal, "%s: balanced cost %lld, equal rows %lld", what, balanced, equal);
    printf("%s: costliest tile %lld balanced, %lld in tiles of %d rows\n", what, balanced, equal, ty);
    free(depth);
    return equal > 0 ? (double)balanced / (double)equal : 1.0;
}

int main(void)
{
    check_ctx c = {0};
    stencil_error err = {{0}};

    /* the course grid: the open sea's tiles cost twice the mean in equal tiles */
    const size_t nz = IO_DEFAULT_NZ, ny = IO_DEFAULT_NY, nx = IO_DEFAULT_NX;
    float *f = malloc(nz * ny * nx * sizeof *f);
    io_ocean_spec spec = io_ocean_default(nz, ny, nx);
    CHECK(&c, io_synthetic_ocean(&spec, f, 1, &err) == STENCIL_OK, "%s", err.msg);
    const double ratio = check_field(&c, "course grid", f, nz, ny, nx, H200_SMEM, H200_SMS);
    CHECK(&c, ratio < 0.65, "course grid: the balanced cut costs %.2f of equal tiles'", ratio);

    /* small odd grids, synthetic, random and uniform masks, small budgets and capacities */
    test_rng rng = {42};
    const size_t shapes[][3] = {{13, 37, 71}, {7, 100, 31}, {30, 61, 33}, {5, 5, 95},
                                {9, 200, 3},   {3, 3, 3},    {3, 4, 200}};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        const size_t z = shapes[s][0], y = shapes[s][1], x = shapes[s][2], cells = z * y * x;
        float *g = malloc(cells * sizeof *g);
        for (int kind = 0; kind < 5; kind++) {
            if (kind == 0) {
                spec = io_ocean_default(z, y, x);
                CHECK(&c, io_synthetic_ocean(&spec, g, 1, &err) == STENCIL_OK, "%s", err.msg);
            } else {
                test_random_field(&rng, g, cells, kind == 1 ? 0.0 : kind == 2 ? 1.0 : 0.97, 30.0);
            }
            if (kind == 4) /* a strait: rows 3 to 5 and the last interior row all land */
                for (size_t i = 0; i < cells; i++)
                    if ((i / x % y >= 3 && i / x % y <= 5) || i / x % y == y - 2)
                        g[i] = NAN;
            static const char *const kinds[] = {"synthetic", "all sea", "all land", "97% land", "strait"};
            const int cols = resident_columns(x);
            const int capacity = cols * (int)((y - 2 + 2) / 3); /* equal tiles of 3 rows fit */
            const size_t budget = resident_tile_bytes(3, (int)z - 2) + (s % 2 ? 4096 : 0);
            char what[160];
            snprintf(what, sizeof what, "%zux%zux%zu %s", z, y, x, kinds[kind]);
            check_field(&c, what, g, z, y, x, budget, capacity);
            int *depth = malloc((size_t)cols * y * sizeof *depth);
            resident_depths(g, z, y, x, depth);
            snprintf(what, sizeof what, "%zux%zux%zu %s, 1 row", z, y, x, kinds[kind]);
            if (capacity >= cols * (int)(y - 2))
                check_plan(&c, what, depth, z, y, x, 1, budget, capacity);
            /* too few blocks: refused, naming cuda_shared, with nothing left allocated */
            resident_plan plan;
            stencil_status st = resident_plan_make(&plan, depth, z, y, x, 0, budget, 0, &err);
            int land = 1; /* no sea in any row: nothing to cut, whatever the blocks */
            for (size_t i = 0; i < (size_t)cols * y; i++)
                land = land && depth[i] == 0;
            CHECK(&c, land ? st == STENCIL_OK && plan.count == 0
                           : st == STENCIL_ERR_UNAVAILABLE && strstr(err.msg, "use cuda_shared") && !plan.tiles,
                  "%s: no blocks: status %d (%s)", what, (int)st, err.msg);
            resident_plan_free(&plan);
            st = resident_plan_make(&plan, depth, z, y, x, 0, resident_tile_bytes(1, 1) - 16, capacity, &err);
            CHECK(&c, land ? st == STENCIL_OK : st == STENCIL_ERR_UNAVAILABLE, "%s: no room: status %d", what, (int)st);
            resident_plan_free(&plan);
            free(depth);
        }
        free(g);
    }
    free(f);
    return check_finish(&c, "test_resident_plan");
}
