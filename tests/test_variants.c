/* Every registered variant against naive: odd shapes, random masks (0, 50, 100 % land),
 * tile sizes that do not divide the grid, 1..4 threads, both schemes, 1 and several steps.
 * Also: outer-face and NaN cells unchanged.
 *
 *   test_variants NAME              checks one variant (ctest runs one test per variant,
 *                                   test_variants_NAME, in parallel); exit 77 (skipped) when
 *                                   it cannot run here (a CUDA variant without a GPU)
 *   test_variants --registry NAMES  checks that the registry holds exactly NAMES, the list
 *                                   ctest made a test for each of (kernels/CMakeLists.txt)
 *   test_variants                   checks every variant in turn */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "test_fields.h"
#include "harness/measure.h"
#include "harness/validate.h"
#include "variant.h"

/* Tuning sets for a variant: its defaults, then tile and block sizes that do not divide the
 * test grids, with streaming stores forced on and off where the variant has that switch. */
static const char *tunings_for(const stencil_variant *v, int which)
{
    int tiles = strstr(v->tunings, "tile_y") && strstr(v->tunings, "tile_x");
    int rows = strstr(v->tunings, "tile_y") != NULL;
    int blocks = strstr(v->tunings, "block_x") != NULL;
    int stream = strstr(v->tunings, "stream") != NULL;
    int sweeps = strstr(v->tunings, "steps_per_sweep") != NULL;
    if (which == 0)
        return "";
    if (sweeps && blocks) /* cuda_fused: the tile must hold a halo of steps_per_sweep cells a side */
        return which == 1 ? "steps_per_sweep=3,block_x=32,block_y=4,tile_y=8"
                          : "steps_per_sweep=2,block_x=64,block_y=2";
    if (sweeps) /* openmp_fused: deeper sweeps, on blocks of rows that do not divide the grid */
        return which == 1 ? "steps_per_sweep=3,tile_y=3,stream=1" : "steps_per_sweep=4,tile_y=1,stream=-1";
    if (strstr(v->tunings, "block_z") && !blocks) /* cuda_bulk: rows a tile, ring buffers, planes a block */
        return which == 1 ? "block_y=3,block_z=2,tile_z=2" : "block_y=1,block_z=3,tile_z=5";
    if (rows && !blocks && !stream) /* cuda_resident: warps a block, rows a tile (5 and 17 rows:
                                     * 33 and 9 tiles on 37x53x71, resident on any GPU) */
        return which == 1 ? "block_y=3,tile_y=17" : "block_y=1,tile_y=5";
    if (tiles && stream)
        return which == 1 ? "tile_y=7,tile_x=13,stream=1" : "tile_y=1,tile_x=5,stream=-1";
    if (tiles)
        return which == 1 ? "tile_y=7,tile_x=13" : "tile_y=1,tile_x=5";
    if (rows && stream)
        return which == 1 ? "tile_y=3,stream=1" : "tile_y=1,stream=-1";
    if (blocks)
        return which == 1 ? "block_x=32,block_y=4" : "block_x=64,block_y=2";
    if (stream)
        return which == 1 ? "stream=1" : "stream=-1";
    return NULL;
}

/* Whether v declines, as unavailable, a 4 x 4 x nx grid with its default knobs (cuda_bulk declines
 * every grid on GPUs before compute capability 9.0, and grids whose nx is not a multiple of 4):
 * such a shape is not checked, and when the 16-byte one (nx = 8) is declined, nothing is. */
static int declined(const stencil_variant *v, size_t nx, char *why, size_t why_len)
{
    stencil_problem p = {.nz = 4, .ny = 4, .nx = nx, .k = 0.1f, .threads = 1};
    stencil_error err = {{0}};
    void *state = NULL;
    stencil_status st = v->prepare(&p, &state, &err);
    if (st == STENCIL_OK)
        v->release(state);
    if (why)
        snprintf(why, why_len, "%s", err.msg);
    return st == STENCIL_ERR_UNAVAILABLE;
}

/* Checks one variant on every shape, mask, scheme, step count, tuning and thread count.
 * Returns the points checked, or -1 when the variant cannot run here. */
static int check_variant(check_ctx *c, const stencil_variant *v)
{
    /* Fields differ per variant but not from run to run: the seed mixes in the name. */
    test_rng rng = {0x243f6a8885a308d3ull};
    for (const char *p = v->name; *p; p++)
        rng.state = (rng.state ^ (unsigned char)*p) * 0x100000001b3ull;
    const size_t shapes[][3] = {{3, 3, 3}, {5, 7, 11}, {37, 53, 71}, {1, 1, 1}, {2, 5, 9}, {4, 3, 17},
                                {5, 6, 18}, {3, 5, 33}, {6, 11, 132}, {5, 9, 8}};
    /* 18, 33: the shortest rows of one and two vectors; 132, 8: rows of 16-byte multiples (cuda_bulk
     * takes only those: one tile and a partial one of 4 cells, and a tile of 8 cells) */
    const double lands[] = {0.0, 0.5, 1.0};
    const int steps_list[] = {1, 2, 7};
    char why[256];
    if (!v->available(why, sizeof why)) {
        printf("%s: not available here (%s): not tested\n", v->name, why);
        return -1;
    }
    if (declined(v, 8, why, sizeof why)) {
        printf("%s: not available on this device (%s): not tested\n", v->name, why);
        return -1;
    }
    int points = 0;
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        size_t nz = shapes[s][0], ny = shapes[s][1], nx = shapes[s][2];
        size_t cells = nz * ny * nx;
        float *in = malloc(cells * sizeof *in), *ref = malloc(cells * sizeof *ref),
              *out = malloc(cells * sizeof *out);
        if (!in || !ref || !out) {
            CHECK(c, 0, "out of memory");
            free(in);
            free(ref);
            free(out);
            return points;
        }
        for (size_t l = 0; l < sizeof lands / sizeof lands[0]; l++)
            for (int scheme = 0; scheme < 2; scheme++)
                for (size_t si = 0; si < sizeof steps_list / sizeof steps_list[0]; si++)
                    for (int tu = 0; tu < 3; tu++)
                        for (int threads = 1; threads <= (v->uses_threads ? 4 : 1); threads++) {
                            const char *tuning = tunings_for(v, tu);
                            if (!tuning)
                                continue;
                            int steps = steps_list[si];
                            test_random_field(&rng, in, cells, lands[l], 16.0);
                            stencil_problem p = {.nz = nz, .ny = ny, .nx = nx, .k = 0.15f, .scheme = (stencil_scheme)scheme, .threads = threads};
                            stencil_error err;
                            CHECK(c, stencil_tuning_parse(tuning, v->tunings, &p.tuning, &err) == STENCIL_OK,
                                  "%s tuning %s: %s", v->name, tuning, err.msg);
                            CHECK(c, bench_reference(&p, in, steps, ref, &err) == STENCIL_OK, "naive: %s", err.msg);
                            memset(out, 0xff, cells * sizeof *out); /* poison */
                            bench_rep rep[2];
                            stencil_status st = bench_measure(v, &p, in, steps, 1, 2, rep, out, &err);
                            if (st == STENCIL_ERR_UNAVAILABLE && nx % 4 != 0 && declined(v, nx, NULL, 0))
                                continue; /* cuda_bulk: rows of 16-byte multiples only */
                            CHECK(c, st == STENCIL_OK, "%s: %s", v->name, err.msg);
                            bench_validation val;
                            bench_validate(in, ref, out, nz, ny, nx, steps, &val);
                            CHECK(c, val.ok && val.max_abs_err == 0.0,
                                  "%s %zux%zux%zu land %.0f%% %s steps %d tuning '%s' threads %d: "
                                  "max err %g, %zu bad: %s",
                                  v->name, nz, ny, nx, 100 * lands[l], stencil_scheme_name(p.scheme),
                                  steps, tuning, threads, val.max_abs_err, val.bad_cells, val.first_bad);
                            size_t changed = 0;
                            for (size_t i = 0; i < cells; i++)
                                if ((test_is_face(i, nz, ny, nx) || isnan(in[i])) &&
                                    memcmp(&in[i], &out[i], sizeof(float)) != 0)
                                    changed++;
                            CHECK(c, changed == 0, "%s: %zu face or NaN cells changed", v->name, changed);
                            points++;
                        }
        free(in);
        free(ref);
        free(out);
    }
    printf("%s: %d points checked against naive\n", v->name, points);
    return points;
}

/* The registry must hold exactly the names ctest has a test for, so that a variant added to
 * kernels/registry.c but not to STENCIL_VARIANTS in kernels/CMakeLists.txt fails here. */
static int check_registry(check_ctx *c, int argc, char **argv)
{
    for (size_t i = 0; i < stencil_variant_count(); i++) {
        const char *name = stencil_variant_at(i)->name;
        int listed = 0;
        for (int a = 0; a < argc; a++)
            listed |= strcmp(argv[a], name) == 0;
        CHECK(c, listed, "variant %s is in the registry but has no test_variants_%s: add it to "
              "STENCIL_CPU_VARIANTS or STENCIL_GPU_VARIANTS in kernels/CMakeLists.txt", name, name);
    }
    for (int a = 0; a < argc; a++)
        CHECK(c, stencil_variant_find(argv[a]) != NULL,
              "test_variants_%s has no variant %s in the registry (kernels/registry.c)", argv[a], argv[a]);
    CHECK(c, (size_t)argc == stencil_variant_count(), "ctest lists %d variants, the registry %zu",
          argc, stencil_variant_count());
    return check_finish(c, "test_variants --registry");
}

int main(int argc, char **argv)
{
    check_ctx c = {0, 0};
    if (argc >= 2 && strcmp(argv[1], "--registry") == 0)
        return check_registry(&c, argc - 2, argv + 2);
    if (argc == 2) {
        const stencil_variant *v = stencil_variant_find(argv[1]);
        if (!v) {
            fprintf(stderr, "test_variants: unknown variant '%s'\n", argv[1]);
            return 1;
        }
        if (check_variant(&c, v) < 0)
            return 77;
        return check_finish(&c, argv[1]);
    }
    if (argc > 2) {
        fprintf(stderr, "usage: test_variants [NAME | --registry NAME...]\n");
        return 2;
    }
    int unavailable = 0;
    for (size_t vi = 0; vi < stencil_variant_count(); vi++)
        if (check_variant(&c, stencil_variant_at(vi)) < 0)
            unavailable++;
    if (unavailable)
        printf("%d variant(s) unavailable here; their own tests report them as skipped\n", unavailable);
    return check_finish(&c, "test_variants");
}
