/* cuda_resident's tiling: kernels/resident_plan.h says what and why. */
#include <stdlib.h>

#include "resident_plan.h"

int resident_columns(size_t nx) { return (int)((nx - 2 + RESIDENT_TILE_X - 1) / RESIDENT_TILE_X); }

size_t resident_tile_bytes(int rows, int depth)
{
    const size_t copies = 2 * (size_t)(depth + 2) * (size_t)(rows + 2) * RESIDENT_LANES * sizeof(float);
    return (copies + (size_t)(rows + 1) * sizeof(int) + 15) / 16 * 16;
}

long long resident_tile_cost(const int *depth, int y0, int rows)
{
    long long sum = 0;
    int deepest = 0;
    for (int y = y0; y < y0 + rows; y++) {
        sum += depth[y];
        deepest = depth[y] > deepest ? depth[y] : deepest;
    }
    return sum + deepest;
}

void resident_depths(const float *field, size_t nz, size_t ny, size_t nx, int *depth)
{
    const int cols = resident_columns(nx);
    for (int ix = 0; ix < cols; ix++) {
        const size_t x0 = 1 + (size_t)ix * RESIDENT_TILE_X;
        const size_t x1 = x0 + RESIDENT_TILE_X < nx - 1 ? x0 + RESIDENT_TILE_X : nx - 1;
        for (size_t y = 0; y < ny; y++) {
            int d = 0;
            for (size_t z = nz - 2; y >= 1 && y <= ny - 2 && z >= 1 && !d; z--)
                for (size_t x = x0; x < x1 && !d; x++) {
                    const float v = field ? field[(z * ny + y) * nx + x] : 0.0f;
                    d = v == v ? (int)z : 0;
                }
            depth[(size_t)ix * ny + y] = d;
        }
    }
}

/* Cuts column ix (its depths d, by row) into tiles of at most rows rows (rows > 0), else of cost
 * at most w, each within budget; writes them to out when not NULL. Returns how many, or -1 when
 * a single row does not fit the budget. Rows all land before a tile and at its end are left out. */
static int cut_column(const int *d, int ny, int ix, int rows, long long w, size_t budget, resident_tile *out)
{
    int n = 0;
    for (int y = 1; y <= ny - 2;) {
        if (d[y] == 0) {
            y++;
            continue;
        }
        int r = 0, deepest = 0;
        long long sum = 0;
        while (y + r <= ny - 2) {
            const int next = d[y + r] > deepest ? d[y + r] : deepest;
            if (rows > 0 ? r == rows : r > 0 && sum + d[y + r] + next > w)
                break;
            if (resident_tile_bytes(r + 1, next) > budget)
                break;
            sum += d[y + r];
            deepest = next;
            r++;
        }
        if (r == 0)
            return -1;
        int kept = r;
        while (d[y + kept - 1] == 0)
            kept--;
        if (out)
            out[n] = (resident_tile){1 + ix * RESIDENT_TILE_X, y, kept, deepest, 0, 0};
        n++;
        y += r;
    }
    return n;
}

/* Tiles of every column for cost w (or rows), at most `most` of them; -1 when they do not fit. */
static int cut_all(const int *depth, int ny, int cols, int rows, long long w, size_t budget, int most,
                   resident_tile *out)
{
    int n = 0;
    for (int ix = 0; ix < cols; ix++) {
        const int k = cut_column(depth + (size_t)ix * ny, ny, ix, rows, w, budget, out ? out + n : NULL);
        if (k < 0 || n + k > most)
            return -1;
        n += k;
    }
    return n;
}

static int shares_edge(const resident_tile *a, const resident_tile *b)
{
    if (a->x0 == b->x0)
        return a->y0 + a->rows == b->y0 || b->y0 + b->rows == a->y0;
    const int dx = a->x0 > b->x0 ? a->x0 - b->x0 : b->x0 - a->x0;
    return dx == RESIDENT_TILE_X && a->y0 < b->y0 + b->rows && b->y0 < a->y0 + a->rows;
}

stencil_status resident_plan_make(resident_plan *plan, const int *depth, size_t nz, size_t ny,
                                  size_t nx, int rows, size_t budget, int capacity, stencil_error *err)
{
    *plan = (resident_plan){0};
    const int cols = resident_columns(nx), iny = (int)ny;
    long long lo = 1, hi = 1;
    for (size_t i = 0; i < (size_t)cols * ny; i++) {
        lo = 2LL * depth[i] > lo ? 2LL * depth[i] : lo;
        hi += depth[i];
    }
    hi += (long long)nz;
    if (cut_all(depth, iny, cols, rows, hi, budget, capacity, NULL) < 0)
        return stencil_fail(err, STENCIL_ERR_UNAVAILABLE,
                            "cuda_resident keeps the field in shared memory: grid %zux%zux%zu does "
                            "not fit in %d blocks of %zu bytes (%s): use cuda_shared for this grid",
                            nz, ny, nx, capacity, budget, rows ? "with the tile_y given" : "any tiling");
    while (rows == 0 && lo < hi) { /* the least cost at which the tiles fit */
        const long long mid = lo + (hi - lo) / 2;
        if (cut_all(depth, iny, cols, 0, mid, budget, capacity, NULL) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    const int count = cut_all(depth, iny, cols, rows, hi, budget, capacity, NULL);
    plan->tiles = (resident_tile *)calloc((size_t)count + 1, sizeof *plan->tiles);
    plan->nbs = (int *)calloc(6 * (size_t)count + 1, sizeof *plan->nbs);
    if (!plan->tiles || !plan->nbs) {
        resident_plan_free(plan);
        return stencil_fail(err, STENCIL_ERR_NOMEM, "out of host memory for cuda_resident's tiles");
    }
    plan->count = cut_all(depth, iny, cols, rows, hi, budget, capacity, plan->tiles);
    for (int i = 0; i < count; i++) {
        resident_tile *t = &plan->tiles[i];
        const int *column = depth + (size_t)((t->x0 - 1) / RESIDENT_TILE_X) * ny;
        const long long cost = resident_tile_cost(column, t->y0, t->rows);
        plan->cost_max = cost > plan->cost_max ? cost : plan->cost_max;
        plan->cost_sum += cost;
        t->nb_first = plan->nb_total;
        /* at most 6 a tile on average: 2 in its column, and each edge between two columns with
         * a and b tiles touches at most a + b - 1 pairs, listed both ways */
        for (int j = 0; j < count; j++)
            if (j != i && shares_edge(t, &plan->tiles[j]))
                plan->nbs[plan->nb_total++] = j;
        t->nb_count = plan->nb_total - t->nb_first;
    }
    return STENCIL_OK;
}

void resident_plan_free(resident_plan *plan)
{
    free(plan->tiles);
    free(plan->nbs);
    *plan = (resident_plan){0};
}
