/* The CUDA variants against naive on the CPU, bit for bit: odd shapes (and shapes whose rows
 * take cuda_shared's 16-byte path), random masks 0/50/100 % land, 1, 2 and 100 steps, both
 * schemes, every tuning knob; face and NaN cells unchanged; runs continued without upload;
 * graphs longer than one capture; out-of-memory reported, not fatal. cuda_fused besides: every
 * steps_per_sweep 1..8 on step counts it does not divide (1, 7, 13) with default and odd tile
 * shapes (the fewest rows the halo allows, runs of 1 to 200 planes), and its bad tile shapes refused.
 * cuda_resident: every shape it takes (the larger ones it must refuse, naming cuda_shared),
 * with 1 to 32 warps and 1 to 3 rows a tile, runs continued over several launches; synthetic
 * oceans (tiles of unequal depth and rows) and one state given three fields in turn.
 * cuda_bulk: every shape whose rows are 16-byte multiples (nx % 4 == 0; it must refuse the others,
 * and every shape on a GPU before compute capability 9.0, naming cuda_shared), 1 to 30 rows a
 * tile, rings of 2 to 16 plane buffers, runs of 1 plane to all of them, partial tiles in x and y.
 * Besides: a flat field, tiny values, signed zeros and (one step) values near the largest
 * float, the cases a faster division or sum would get wrong first.
 * Needs a CUDA device: exits 77 (ctest: skipped) without one. `test_cuda cuda_resident ...` checks
 * only the variants named (the references are computed all the same), to save device time. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "test_fields.h"
#include "harness/measure.h"
#include "harness/validate.h"
#include "synthetic.h"
#include "variant.h"

static const char *const naive_tunings[] = {
    "", "block_x=32,block_y=4,block_z=2", "block_x=7,block_y=3,block_z=5",
    "block_x=256,block_y=1,block_z=1", "block_x=16,block_y=16,block_z=4,graph=-1", "graph=1", NULL};
static const char *const shared_tunings[] = {
    "", "graph=-1", "block_x=8,block_y=3,tile_z=5", "block_x=64,block_y=2,tile_z=1",
    "block_x=32,block_y=16,tile_z=200", "block_x=2,block_y=2,tile_z=3,graph=1",
    "block_x=128,block_y=8,tile_z=7", "block_x=32,block_y=32,graph=-1", NULL};

/* cuda_fused: the first FUSED_BIG tunings run on every shape, the rest on those of at most
 * TINY_CELLS cells (the device call that runs this test has minutes) */
static const char *const fused_tunings[] = {
    "", "steps_per_sweep=8,block_y=17", "steps_per_sweep=3,block_y=7",
    "steps_per_sweep=6,block_y=18,tile_z=200,graph=1", "steps_per_sweep=5,block_y=11,tile_z=3",
    "graph=-1", "steps_per_sweep=1,block_y=3", "steps_per_sweep=7,block_y=15,tile_z=1,graph=-1",
    "steps_per_sweep=4,block_y=9", "steps_per_sweep=3,block_y=32,tile_z=2", NULL};

/* cuda_resident: graph=1 is refused (one cooperative launch a run); tile_y given may not fit;
 * "" is 16 warps, two blocks a multiprocessor where they fit, block_y=32 one */
static const char *const resident_tunings[] = {"", "block_y=1", "graph=-1", "block_y=7,tile_y=3",
                                               "block_y=13,tile_y=1", "block_y=32,tile_y=2", "block_y=32", NULL};

/* cuda_bulk: rows a tile (block_y), plane buffers (block_z), planes a block (tile_z) */
static const char *const bulk_tunings[] = {"", "graph=-1", "block_y=1,block_z=2,tile_z=1",
                                           "block_y=3,block_z=3,tile_z=5,graph=1",
                                           "block_y=30,block_z=12,tile_z=200", "block_y=16,block_z=4", NULL};

enum { GPU_VARIANTS = 5, RESIDENT = 3, BULK = 4, FUSED_BIG = 5, TINY_CELLS = 6 * 9 * 16, SMALL_CELLS = 37 * 53 * 72 };

static const char *const *tunings_for(const stencil_variant *v)
{
    if (strcmp(v->name, "cuda_naive") == 0)
        return naive_tunings;
    if (strcmp(v->name, "cuda_resident") == 0)
        return resident_tunings;
    if (strcmp(v->name, "cuda_bulk") == 0)
        return bulk_tunings;
    return strcmp(v->name, "cuda_shared") == 0 ? shared_tunings : fused_tunings;
}

static double worst_err = 0.0;

/* The variants checked: all, or those named on the command line (set in main). */
static int wanted[GPU_VARIANTS];

/* cuda_resident refuses a grid whose tiles cannot all be resident at once (with the tile_y
 * given, or any, by default), naming cuda_shared; by default it must take every shape of at
 * most SMALL_CELLS cells (0.6 MB: any GPU holds it). Returns 1 for a refusal. */
static int resident_refused(check_ctx *c, stencil_status st, const stencil_error *err, size_t cells,
                            int default_tuning)
{
    const int refused = (st == STENCIL_ERR_UNAVAILABLE || st == STENCIL_ERR_ARG) &&
                        strstr(err->msg, "use cuda_shared") != NULL;
    if (!refused)
        return 0;
    CHECK(c, !default_tuning || cells > SMALL_CELLS, "cuda_resident refused a small grid: %s", err->msg);
    CHECK(c, !default_tuning || st == STENCIL_ERR_UNAVAILABLE, "cuda_resident by default: status %d",
          (int)st);
    static size_t printed;
    if (printed++ < 4)
        printf("cuda_resident refused: %s\n", err->msg);
    return 1;
}

/* Whether this GPU runs cuda_bulk at all (compute capability 9.0 or later): set in main. */
static int bulk_here;

/* cuda_bulk refuses, as unavailable and naming cuda_shared, grids whose nx is not a multiple of 4
 * and every grid on a GPU before compute capability 9.0; it must take every other grid. Returns
 * 1 for a refusal. */
static int bulk_refused(check_ctx *c, stencil_status st, const stencil_error *err, size_t nx)
{
    const int refused = st == STENCIL_ERR_UNAVAILABLE && strstr(err->msg, "use cuda_shared") != NULL;
    if (!refused)
        return 0;
    CHECK(c, !bulk_here || nx % 4 != 0, "cuda_bulk refused nx = %zu: %s", nx, err->msg);
    static size_t printed;
    if (printed++ < 2)
        printf("cuda_bulk refused: %s\n", err->msg);
    return 1;
}

static void compare(check_ctx *c, const char *what, const float *in, const float *ref,
                    const float *out, size_t nz, size_t ny, size_t nx, int steps)
{
    bench_validation val;
    bench_validate(in, ref, out, nz, ny, nx, steps, &val);
    if (val.max_abs_err > worst_err)
        worst_err = val.max_abs_err;
    CHECK(c, val.ok && val.max_abs_err == 0.0, "%s: max err %g, %zu bad: %s", what,
          val.max_abs_err, val.bad_cells, val.first_bad);
    size_t changed = 0;
    for (size_t z = 0, i = 0; z < nz; z++) /* loops, not test_is_face: big grids stay quick */
        for (size_t y = 0; y < ny; y++)
            for (size_t x = 0; x < nx; x++, i++) {
                int face = z == 0 || y == 0 || x == 0 || z == nz - 1 || y == ny - 1 || x == nx - 1;
                if ((face || isnan(in[i])) && memcmp(&in[i], &out[i], sizeof(float)) != 0)
                    changed++;
            }
    CHECK(c, changed == 0, "%s: %zu face or NaN cells changed", what, changed);
}

/* prepare, upload, run(a), run(b), download: must equal a+b steps. */
static void continued(check_ctx *c, const stencil_variant *v, const stencil_problem *p,
                      const float *in, const float *ref, float *out, int a, int b)
{
    void *state = NULL;
    stencil_error err = {{0}};
    stencil_status st = v->prepare(p, &state, &err);
    if (st != STENCIL_OK && strcmp(v->name, "cuda_bulk") == 0 && bulk_refused(c, st, &err, p->nx))
        return;
    if (st == STENCIL_OK)
        st = v->upload(state, in, &err);
    if (st == STENCIL_OK)
        st = v->run(state, a, &err);
    if (st == STENCIL_OK)
        st = v->run(state, b, &err);
    memset(out, 0xff, p->nz * p->ny * p->nx * sizeof *out);
    if (st == STENCIL_OK)
        st = v->download(state, out, &err);
    v->release(state);
    CHECK(c, st == STENCIL_OK, "%s continued: %s", v->name, err.msg);
    char what[160];
    snprintf(what, sizeof what, "%s %zux%zux%zu run(%d)+run(%d) graph=%d", v->name, p->nz, p->ny,
             p->nx, a, b, p->tuning.graph);
    compare(c, what, in, ref, out, p->nz, p->ny, p->nx, a + b);
}

/* cuda_fused on one shape: every steps_per_sweep on step counts it does not divide (whole
 * sweeps: the main loop's 2 and 100 steps), a default and an odd tile shape each, half land
 * and none, both schemes. */
static void fused_sweeps(check_ctx *c, const stencil_variant *v, test_rng *rng, size_t nz, size_t ny,
                         size_t nx, float *in, float *ref, float *out, size_t *points)
{
    const int steps_list[] = {1, 7, 13}; /* 7: one sweep at S = 7, a shorter one at 8 */
    const double lands[] = {0.0, 0.5};
    const size_t cells = nz * ny * nx;
    for (size_t l = 0; l < sizeof lands / sizeof lands[0]; l++)
        for (size_t si = 0; si < sizeof steps_list / sizeof steps_list[0]; si++) {
            const int steps = steps_list[si];
            test_random_field(rng, in, cells, lands[l], 30.0);
            stencil_problem p = {.nz = nz, .ny = ny, .nx = nx, .k = 0.15f,
                                 .scheme = (stencil_scheme)((l + si) % 2), .threads = 1};
            stencil_error err = {{0}};
            CHECK(c, bench_reference(&p, in, steps, ref, &err) == STENCIL_OK, "naive: %s", err.msg);
            for (int sweep = 1; sweep <= 8; sweep++)
                for (int shape = 0; shape < 2; shape++) {
                    /* odd shapes: the smallest tile for the halo (block_y = 2S+1), runs of 2
                     * planes, graphs off for odd S */
                    char t[160];
                    if (shape == 0)
                        snprintf(t, sizeof t, "steps_per_sweep=%d", sweep);
                    else
                        snprintf(t, sizeof t, "steps_per_sweep=%d,block_y=%d,tile_z=2,graph=%d", sweep,
                                 2 * sweep + 1, sweep % 2 ? -1 : 1);
                    CHECK(c, stencil_tuning_parse(t, v->tunings, &p.tuning, &err) == STENCIL_OK,
                          "%s tuning '%s': %s", v->name, t, err.msg);
                    memset(out, 0xff, cells * sizeof *out);
                    bench_rep rep[2];
                    stencil_status st = bench_measure(v, &p, in, steps, 1, 2, rep, out, &err);
                    CHECK(c, st == STENCIL_OK, "%s '%s': %s", v->name, t, err.msg);
                    char what[240];
                    snprintf(what, sizeof what, "%s %zux%zux%zu land %.0f%% %s steps %d tuning '%s'",
                             v->name, nz, ny, nx, 100 * lands[l], stencil_scheme_name(p.scheme), steps, t);
                    compare(c, what, in, ref, out, nz, ny, nx, steps);
                    (*points)++;
                }
        }
}

/* Fields where a faster division or sum would go wrong first: a flat one with land (updates of
 * exactly 0 away from the coast), one of tiny values (updates below 2^-125, some subnormal), one
 * of signed zeros (sums that are -0; validation counts -0 and +0 equal, so only values are
 * checked here: tests/test_fused_emu compares cuda_fused's sweep bit for bit), every GPU variant
 * on them, 1 and 7 steps, both schemes over the two step counts; and one near the
 * largest float (updates that overflow to inf or NaN), 1 step only: a sea cell that becomes NaN
 * is land to naive from then on, while the GPU variants skip storing land and leave the other
 * buffer's older value there (on the H200, 7 steps of this field differed in every GPU variant;
 * README.md, "Numerically unstable runs"). */
static void off_fast_path(check_ctx *c, const stencil_variant *const *gpu, test_rng *rng, size_t nz,
                          size_t ny, size_t nx, float *in, float *ref, float *out, size_t *points)
{
    const size_t cells = nz * ny * nx;
    static const char *const kinds[] = {"flat", "tiny", "signed zero", "huge"};
    for (int kind = 0; kind < 4; kind++)
        for (int steps = 1; steps <= (kind == 3 ? 1 : 7); steps += 6) {
            test_random_field(rng, in, cells, 0.2, 30.0);
            for (size_t i = 0; i < cells; i++)
                if (in[i] == in[i])
                    in[i] = kind == 0   ? (i % 97 == 0 ? in[i] : 10.0f)
                            : kind == 1 ? ldexpf(in[i], -128)
                            : kind == 2 ? (i % 89 == 0 ? in[i] : i % 3 ? -0.0f : 0.0f)
                                        : ldexpf(in[i] - 15.0f, 123);
            stencil_problem p = {.nz = nz, .ny = ny, .nx = nx, .k = 0.15f,
                                 .scheme = (stencil_scheme)((kind + steps / 7) % 2), .threads = 1};
            stencil_error err = {{0}};
            CHECK(c, bench_reference(&p, in, steps, ref, &err) == STENCIL_OK, "naive: %s", err.msg);
            for (int g = 0; g < GPU_VARIANTS; g++) {
                if (!wanted[g])
                    continue;
                memset(out, 0xff, cells * sizeof *out);
                bench_rep rep[1];
                stencil_status st = bench_measure(gpu[g], &p, in, steps, 0, 1, rep, out, &err);
                if ((g == RESIDENT && resident_refused(c, st, &err, cells, 1)) ||
                    (g == BULK && bulk_refused(c, st, &err, nx)))
                    continue;
                CHECK(c, st == STENCIL_OK, "%s: %s", gpu[g]->name, err.msg);
                char what[200];
                snprintf(what, sizeof what, "%s %zux%zux%zu %s field, %d steps", gpu[g]->name, nz,
                         ny, nx, kinds[kind], steps);
                compare(c, what, in, ref, out, nz, ny, nx, steps);
                (*points)++;
            }
        }
}

/* cuda_fused refuses tiles too small for the halo, more rows than its registers allow and
 * steps_per_sweep > 8. */
static void fused_refusals(check_ctx *c, const stencil_variant *v)
{
    const char *const bad[] = {"steps_per_sweep=9", "steps_per_sweep=4,block_y=8", "block_y=4",
                               "steps_per_sweep=8,block_y=16", "steps_per_sweep=4,block_y=32",
                               "block_y=33", NULL};
    for (const char *const *t = bad; *t; t++) {
        stencil_problem p = {.nz = 20, .ny = 20, .nx = 20, .k = 0.1f, .threads = 1};
        stencil_error err = {{0}};
        void *state = NULL;
        CHECK(c, stencil_tuning_parse(*t, v->tunings, &p.tuning, &err) == STENCIL_OK, "'%s': %s", *t, err.msg);
        stencil_status st = v->prepare(&p, &state, &err);
        CHECK(c, st == STENCIL_ERR_ARG && state == NULL && err.msg[0], "%s '%s': status %d (%s)",
              v->name, *t, (int)st, err.msg);
        if (st == STENCIL_OK)
            v->release(state);
        printf("%s '%s' refused: %s\n", v->name, *t, err.msg);
    }
}

/* cuda_resident refuses graphs, more than 32 warps, and a grid too large for the GPU's shared
 * memory (by default, as unavailable, naming cuda_shared). */
static void resident_refusals(check_ctx *c, const stencil_variant *v)
{
    const struct {
        size_t nz, ny, nx;
        const char *tuning, *says;
        stencil_status st;
    } bad[] = {{20, 20, 20, "graph=1", "cooperative", STENCIL_ERR_ARG},
               {20, 20, 20, "block_y=33", "warps", STENCIL_ERR_ARG},
               {2000, 20, 20, "tile_y=4", "use cuda_shared", STENCIL_ERR_ARG},
               {512, 512, 512, "", "use cuda_shared", STENCIL_ERR_UNAVAILABLE}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        stencil_problem p = {.nz = bad[i].nz, .ny = bad[i].ny, .nx = bad[i].nx, .k = 0.1f, .threads = 1};
        stencil_error err = {{0}};
        void *state = NULL;
        CHECK(c, stencil_tuning_parse(bad[i].tuning, v->tunings, &p.tuning, &err) == STENCIL_OK,
              "'%s': %s", bad[i].tuning, err.msg);
        stencil_status st = v->prepare(&p, &state, &err);
        CHECK(c, st == bad[i].st && state == NULL && strstr(err.msg, bad[i].says),
              "%s %zux%zux%zu '%s': status %d (%s)", v->name, p.nz, p.ny, p.nx, bad[i].tuning,
              (int)st, err.msg);
        if (st == STENCIL_OK)
            v->release(state);
        printf("%s %zux%zux%zu '%s' refused: %s\n", v->name, p.nz, p.ny, p.nx, bad[i].tuning, err.msg);
    }
}

/* A synthetic ocean (io/synthetic.h: coasts, a sea floor of varying depth) with land fraction
 * `land`, a strait of land rows across it besides when `strait`. */
static void ocean_field(float *f, size_t nz, size_t ny, size_t nx, double land, uint64_t seed, int strait)
{
    io_ocean_spec spec = io_ocean_default(nz, ny, nx);
    spec.land_fraction = land;
    spec.seed = seed;
    stencil_error err = {{0}};
    if (io_synthetic_ocean(&spec, f, 1, &err) != STENCIL_OK) {
        fprintf(stderr, "synthetic ocean: %s\n", err.msg);
        exit(1);
    }
    for (size_t i = 0; strait && i < nz * ny * nx; i++)
        if (i / nx % ny >= ny / 3 && i / nx % ny < ny / 3 + 3)
            f[i] = NAN;
}

/* cuda_resident on oceans whose tiles differ in depth and rows (kernels/resident_plan.h): the
 * course grid and odd shapes, 1 to 100 steps and runs continued over launches, balanced and
 * equal tiles, few warps; then one state uploaded three fields in turn (its tiles cut again for
 * each: depths of 50 %, 75 % land and a strait), each run checked. */
static void resident_oceans(check_ctx *c, const stencil_variant *v, size_t *points)
{
    const size_t shapes[][3] = {{50, 222, 241}, {13, 37, 71}, {30, 61, 33}, {9, 200, 3}, {20, 130, 97}};
    static const char *const tunings[] = {"", "block_y=5", "tile_y=4", "block_y=32,tile_y=1", "block_y=32"};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        const size_t nz = shapes[s][0], ny = shapes[s][1], nx = shapes[s][2], cells = nz * ny * nx;
        float *in = malloc(cells * sizeof *in), *ref = malloc(cells * sizeof *ref), *out = malloc(cells * sizeof *out);
        if (!in || !ref || !out) {
            CHECK(c, 0, "out of host memory");
            exit(1);
        }
        const int steps_list[] = {1, 7, 100};
        for (size_t si = 0; si < 3; si++) {
            ocean_field(in, nz, ny, nx, 0.5, 7 + si, si == 1);
            stencil_problem p = {.nz = nz, .ny = ny, .nx = nx, .k = 0.15f, .scheme = (stencil_scheme)(si % 2),
                                 .threads = 1};
            stencil_error err = {{0}};
            CHECK(c, bench_reference(&p, in, steps_list[si], ref, &err) == STENCIL_OK, "naive: %s", err.msg);
            for (size_t t = 0; t < sizeof tunings / sizeof tunings[0]; t++) {
                CHECK(c, stencil_tuning_parse(tunings[t], v->tunings, &p.tuning, &err) == STENCIL_OK, "%s", err.msg);
                memset(out, 0xff, cells * sizeof *out);
                bench_rep rep[2];
                stencil_status st = bench_measure(v, &p, in, steps_list[si], 1, 2, rep, out, &err);
                if (resident_refused(c, st, &err, cells, tunings[t][0] == '\0'))
                    continue;
                CHECK(c, st == STENCIL_OK, "%s '%s': %s", v->name, tunings[t], err.msg);
                char what[200];
                snprintf(what, sizeof what, "%s ocean %zux%zux%zu steps %d tuning '%s'", v->name, nz, ny, nx,
                         steps_list[si], tunings[t]);
                compare(c, what, in, ref, out, nz, ny, nx, steps_list[si]);
                (*points)++;
            }
        }
        stencil_problem p = {.nz = nz, .ny = ny, .nx = nx, .k = 0.2f, .threads = 1};
        stencil_error err = {{0}};
        ocean_field(in, nz, ny, nx, 0.6, 3, 0);
        CHECK(c, bench_reference(&p, in, 301, ref, &err) == STENCIL_OK, "naive: %s", err.msg);
        p.tuning.graph = -1;
        continued(c, v, &p, in, ref, out, 201, 100);
        (*points)++;
        /* one state, three fields: the tiles follow each upload's depths */
        p.tuning.graph = 0;
        void *state = NULL;
        stencil_status st = v->prepare(&p, &state, &err);
        for (int f = 0; f < 4 && st == STENCIL_OK; f++) {
            ocean_field(in, nz, ny, nx, f == 1 ? 0.75 : 0.5, 11 + (uint64_t)(f % 3), f == 2);
            CHECK(c, bench_reference(&p, in, 9, ref, &err) == STENCIL_OK, "naive: %s", err.msg);
            st = v->upload(state, in, &err);
            if (st == STENCIL_OK)
                st = v->run(state, 9, &err);
            memset(out, 0xff, cells * sizeof *out);
            if (st == STENCIL_OK)
                st = v->download(state, out, &err);
            CHECK(c, st == STENCIL_OK, "%s upload %d: %s", v->name, f, err.msg);
            char what[200];
            snprintf(what, sizeof what, "%s %zux%zux%zu, one state, field %d", v->name, nz, ny, nx, f);
            if (st == STENCIL_OK)
                compare(c, what, in, ref, out, nz, ny, nx, 9);
            (*points)++;
        }
        if (state)
            v->release(state);
        CHECK(c, st == STENCIL_OK, "%s %zux%zux%zu, one state: %s", v->name, nz, ny, nx, err.msg);
        free(in);
        free(ref);
        free(out);
    }
}

/* 1 when cuda_bulk runs on this GPU (a grid it takes on any GPU of compute capability 9.0). */
static int bulk_available(const stencil_variant *v)
{
    stencil_problem p = {.nz = 4, .ny = 4, .nx = 8, .k = 0.1f, .threads = 1};
    stencil_error err = {{0}};
    void *state = NULL;
    stencil_status st = v->prepare(&p, &state, &err);
    if (st == STENCIL_OK)
        v->release(state);
    else
        printf("cuda_bulk does not run on this GPU: %s\n", err.msg);
    return st == STENCIL_OK;
}

/* cuda_bulk on shapes of its own (called once per main shape whose nx % 4 == 0, with a
 * different shape each time): partial tiles in x (nx = 4, 132, 260) and y (rows that do not
 * divide ny), runs of planes that do not divide nz, every ring depth 2..16 with 1, 7 and 30 rows,
 * half land and none, 1 and 7 steps. */
static void bulk_shapes(check_ctx *c, const stencil_variant *v, test_rng *rng, size_t *points)
{
    static const size_t shapes[][3] = {{9, 40, 260}, {70, 17, 132}, {5, 31, 4}, {3, 3, 128}};
    static size_t next;
    const size_t *sh = shapes[next++ % (sizeof shapes / sizeof shapes[0])];
    const size_t nz = sh[0], ny = sh[1], nx = sh[2], cells = nz * ny * nx;
    float *in = malloc(cells * sizeof *in), *ref = malloc(cells * sizeof *ref), *out = malloc(cells * sizeof *out);
    if (!in || !ref || !out) {
        CHECK(c, 0, "out of host memory");
        free(in), free(ref), free(out);
        return;
    }
    for (int steps = 1; steps <= 7; steps += 6)
        for (int land = 0; land < 2; land++) {
            test_random_field(rng, in, cells, 0.5 * land, 30.0);
            stencil_problem p = {.nz = nz, .ny = ny, .nx = nx, .k = 0.15f,
                                 .scheme = (stencil_scheme)((steps + land) % 2), .threads = 1};
            stencil_error err = {{0}};
            CHECK(c, bench_reference(&p, in, steps, ref, &err) == STENCIL_OK, "naive: %s", err.msg);
            for (int ring = 2; ring <= 16; ring++) {
                /* 30 rows take at most 13 buffers in an H100's or H200's 227 KiB */
                const int rows = ring % 3 == 0 ? 1 : ring % 3 == 1 ? 7 : ring <= 11 ? 30 : 16;
                char t[120];
                snprintf(t, sizeof t, "block_y=%d,block_z=%d,tile_z=%d", rows, ring, 1 + ring % 5 * 4);
                CHECK(c, stencil_tuning_parse(t, v->tunings, &p.tuning, &err) == STENCIL_OK, "'%s': %s", t, err.msg);
                memset(out, 0xff, cells * sizeof *out);
                bench_rep rep[1];
                stencil_status st = bench_measure(v, &p, in, steps, 0, 1, rep, out, &err);
                if (bulk_refused(c, st, &err, nx))
                    continue;
                CHECK(c, st == STENCIL_OK, "%s '%s': %s", v->name, t, err.msg);
                char what[200];
                snprintf(what, sizeof what, "%s %zux%zux%zu land %d%% steps %d tuning '%s'", v->name, nz, ny, nx,
                         50 * land, steps, t);
                compare(c, what, in, ref, out, nz, ny, nx, steps);
                (*points)++;
            }
        }
    free(in);
    free(ref);
    free(out);
}

/* cuda_bulk refuses bad knobs (as bad arguments: a ring larger than the shared memory too, on a
 * GPU that runs it) and grids whose nx is not a multiple of 4 (as unavailable, naming
 * cuda_shared; on a GPU before 9.0 every grid but those with bad knobs so). */
static void bulk_refusals(check_ctx *c, const stencil_variant *v)
{
    const struct {
        size_t nx;
        const char *tuning, *says;
        stencil_status st;
    } bad[] = {{20, "block_y=31", "block_y=1..30", STENCIL_ERR_ARG},
               {20, "block_z=1", "block_z=2..16", STENCIL_ERR_ARG},
               {20, "block_z=17", "block_z=2..16", STENCIL_ERR_ARG},
               {22, "", "use cuda_shared", STENCIL_ERR_UNAVAILABLE},
               {241, "block_y=4", "use cuda_shared", STENCIL_ERR_UNAVAILABLE},
               {20, "block_y=30,block_z=16", "shared memory", STENCIL_ERR_ARG}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        stencil_problem p = {.nz = 20, .ny = 20, .nx = bad[i].nx, .k = 0.1f, .threads = 1};
        stencil_error err = {{0}};
        void *state = NULL;
        CHECK(c, stencil_tuning_parse(bad[i].tuning, v->tunings, &p.tuning, &err) == STENCIL_OK,
              "'%s': %s", bad[i].tuning, err.msg);
        stencil_status st = v->prepare(&p, &state, &err);
        const int knob = bad[i].st == STENCIL_ERR_ARG && strstr(bad[i].says, "block_") != NULL;
        const int expected = knob || bulk_here
                                 ? st == bad[i].st && strstr(err.msg, bad[i].says) != NULL
                                 : st == STENCIL_ERR_UNAVAILABLE && strstr(err.msg, "use cuda_shared") != NULL;
        CHECK(c, expected && state == NULL, "%s nx %zu '%s': status %d (%s)", v->name, p.nx, bad[i].tuning,
              (int)st, err.msg);
        if (st == STENCIL_OK)
            v->release(state);
        printf("%s nx %zu '%s' refused: %s\n", v->name, p.nx, bad[i].tuning, err.msg);
    }
}

/* Two cuda_fused states alive at once: preparing the second (its S=4 remainder kernel needs
 * 44 KiB of shared memory) must not lower the limit the first one's S=4 kernel was given
 * (64 KiB): the first still runs. */
static void fused_two_states(check_ctx *c, const stencil_variant *v, test_rng *rng)
{
    enum { NZ = 20, NY = 40, NX = 70, CELLS = NZ * NY * NX };
    static float in[CELLS], ref[CELLS], out[CELLS];
    test_random_field(rng, in, CELLS, 0.3, 30.0);
    stencil_problem a = {.nz = NZ, .ny = NY, .nx = NX, .k = 0.1f, .threads = 1}, b = a;
    stencil_error err = {{0}};
    void *sa = NULL, *sb = NULL;
    CHECK(c, bench_reference(&a, in, 8, ref, &err) == STENCIL_OK, "naive: %s", err.msg);
    stencil_status st = stencil_tuning_parse("steps_per_sweep=4,block_y=16", v->tunings, &a.tuning, &err);
    if (st == STENCIL_OK)
        st = stencil_tuning_parse("steps_per_sweep=5,block_y=11", v->tunings, &b.tuning, &err);
    if (st == STENCIL_OK)
        st = v->prepare(&a, &sa, &err);
    if (st == STENCIL_OK)
        st = v->prepare(&b, &sb, &err);
    double secs; /* bench_time_stage waits for the device: an error of the run shows here */
    if (st == STENCIL_OK)
        st = bench_time_stage(v, sa, BENCH_STAGE_UPLOAD, in, out, 0, &secs, &err);
    if (st == STENCIL_OK)
        st = bench_time_stage(v, sa, BENCH_STAGE_RUN, in, out, 8, &secs, &err);
    if (st == STENCIL_OK)
        st = bench_time_stage(v, sa, BENCH_STAGE_DOWNLOAD, in, out, 0, &secs, &err);
    CHECK(c, st == STENCIL_OK, "two cuda_fused states: %s", err.msg);
    v->release(sb);
    v->release(sa);
    if (st == STENCIL_OK)
        compare(c, "two cuda_fused states", in, ref, out, NZ, NY, NX, 8);
}

int main(int argc, char **argv)
{
    test_rng rng = {0x9e3779b97f4a7c15ull};
    check_ctx c = {0, 0};
    const stencil_variant *gpu[GPU_VARIANTS] = {
        stencil_variant_find("cuda_naive"), stencil_variant_find("cuda_shared"),
        stencil_variant_find("cuda_fused"), stencil_variant_find("cuda_resident"),
        stencil_variant_find("cuda_bulk")};
    char why[256] = "";
    if (!gpu[0] || !gpu[1] || !gpu[2] || !gpu[3] || !gpu[BULK]) {
        printf("test_cuda: skipped: this build has no CUDA variants\n");
        return 77;
    }
    for (int g = 0; g < GPU_VARIANTS; g++) {
        wanted[g] = argc < 2;
        for (int i = 1; i < argc; i++)
            wanted[g] |= strcmp(argv[i], gpu[g]->name) == 0;
    }
    for (int i = 1; i < argc; i++) {
        int known = 0;
        for (int g = 0; g < GPU_VARIANTS; g++)
            known |= strcmp(argv[i], gpu[g]->name) == 0;
        if (!known) {
            fprintf(stderr, "test_cuda: %s is not a CUDA variant of this test (cuda_naive, cuda_shared, "
                    "cuda_fused, cuda_resident, cuda_bulk)\n", argv[i]);
            return 2;
        }
    }
    if (!gpu[0]->available(why, sizeof why)) {
        printf("test_cuda: skipped: %s\n", why);
        return 77;
    }
    bulk_here = bulk_available(gpu[BULK]);
    const size_t shapes[][3] = {{5, 7, 11},    {37, 53, 71},  {50, 222, 241}, {129, 257, 255},
                                {6, 9, 16},    {37, 53, 72},  {3, 3, 4},      {2, 5, 8}};
    const double lands[] = {0.0, 0.5, 1.0};
    const int steps_list[] = {1, 2, 100};
    size_t points = 0;
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        size_t nz = shapes[s][0], ny = shapes[s][1], nx = shapes[s][2], cells = nz * ny * nx;
        float *in = malloc(cells * sizeof *in), *ref = malloc(cells * sizeof *ref),
              *out = malloc(cells * sizeof *out);
        if (!in || !ref || !out) {
            CHECK(&c, 0, "out of host memory");
            return 1;
        }
        for (size_t l = 0; l < sizeof lands / sizeof lands[0]; l++)
            for (int scheme = 0; scheme < 2; scheme++)
                for (size_t si = 0; si < sizeof steps_list / sizeof steps_list[0]; si++) {
                    int steps = steps_list[si];
                    test_random_field(&rng, in, cells, lands[l], 30.0);
                    stencil_problem p = {.nz = nz, .ny = ny, .nx = nx, .k = 0.15f,
                                         .scheme = (stencil_scheme)scheme, .threads = 1};
                    stencil_error err = {{0}};
                    CHECK(&c, bench_reference(&p, in, steps, ref, &err) == STENCIL_OK, "naive: %s", err.msg);
                    for (int g = 0; g < GPU_VARIANTS; g++)
                        for (const char *const *t = tunings_for(gpu[g]); *t && wanted[g]; t++) {
                            if (g == 2 && cells > TINY_CELLS && t - fused_tunings >= FUSED_BIG)
                                break;
                            CHECK(&c, stencil_tuning_parse(*t, gpu[g]->tunings, &p.tuning, &err) == STENCIL_OK,
                                  "%s tuning '%s': %s", gpu[g]->name, *t, err.msg);
                            memset(out, 0xff, cells * sizeof *out); /* poison */
                            bench_rep rep[2];
                            stencil_status st = bench_measure(gpu[g], &p, in, steps, 1, 2, rep, out, &err);
                            if ((g == RESIDENT && resident_refused(&c, st, &err, cells, **t == '\0')) ||
                                (g == BULK && bulk_refused(&c, st, &err, nx)))
                                continue;
                            CHECK(&c, st == STENCIL_OK, "%s '%s': %s", gpu[g]->name, *t, err.msg);
                            char what[200];
                            snprintf(what, sizeof what, "%s %zux%zux%zu land %.0f%% %s steps %d tuning '%s'",
                                     gpu[g]->name, nz, ny, nx, 100 * lands[l],
                                     stencil_scheme_name(p.scheme), steps, *t);
                            compare(&c, what, in, ref, out, nz, ny, nx, steps);
                            points++;
                        }
                }
        if (cells <= SMALL_CELLS)
            off_fast_path(&c, gpu, &rng, nz, ny, nx, in, ref, out, &points);
        if (cells <= SMALL_CELLS && nx % 4 == 0 && wanted[BULK])
            bulk_shapes(&c, gpu[BULK], &rng, &points);
        if (cells <= SMALL_CELLS && nz > 2 && (nx % 4 != 0 || cells <= TINY_CELLS) && wanted[2])
            fused_sweeps(&c, gpu[2], &rng, nz, ny, nx, in, ref, out, &points);
        /* runs continued without upload, and more steps than one graph holds */
        if (cells <= SMALL_CELLS) {
            test_random_field(&rng, in, cells, 0.3, 30.0);
            stencil_problem p = {.nz = nz, .ny = ny, .nx = nx, .k = 0.2f, .threads = 1};
            stencil_error err = {{0}};
            CHECK(&c, bench_reference(&p, in, 7, ref, &err) == STENCIL_OK, "naive: %s", err.msg);
            for (int g = 0; g < GPU_VARIANTS; g++)
                for (p.tuning.graph = -1; wanted[g] && p.tuning.graph <= (g == RESIDENT ? -1 : 1); p.tuning.graph += 2)
                    continued(&c, gpu[g], &p, in, ref, out, 3, 4);
            CHECK(&c, bench_reference(&p, in, 301, ref, &err) == STENCIL_OK, "naive: %s", err.msg);
            for (int g = 0; g < GPU_VARIANTS; g++)
                for (p.tuning.graph = -1; wanted[g] && p.tuning.graph <= (g == RESIDENT ? -1 : 1); p.tuning.graph += 2)
                    continued(&c, gpu[g], &p, in, ref, out, 201, 100);
        }
        free(in);
        free(ref);
        free(out);
        printf("%zux%zux%zu done\n", nz, ny, nx);
        fflush(stdout);
    }
    /* Out of device memory: a clear STENCIL_ERR_NOMEM, and the device still works after. */
    for (int g = 0; g < GPU_VARIANTS; g++) {
        if (!wanted[g])
            continue;
        stencil_problem big = {.nz = 8192, .ny = 4096, .nx = 4096, .k = 0.1f, .threads = 1};
        void *state = NULL;
        stencil_error err = {{0}};
        stencil_status st = gpu[g]->prepare(&big, &state, &err);
        CHECK(&c, st == STENCIL_ERR_NOMEM && state == NULL && strstr(err.msg, "out of device memory"),
              "%s: 2 x 512 GiB: status %d: %s", gpu[g]->name, (int)st, err.msg);
        if (st == STENCIL_OK)
            gpu[g]->release(state);
        printf("%s out of memory: %s\n", gpu[g]->name, err.msg);
    }
    {
        const size_t nz = 9, ny = 10, nx = 12, cells = nz * ny * nx;
        float in[9 * 10 * 12], ref[9 * 10 * 12], out[9 * 10 * 12];
        test_random_field(&rng, in, cells, 0.5, 30.0);
        stencil_problem p = {.nz = nz, .ny = ny, .nx = nx, .k = 0.1f, .threads = 1};
        stencil_error err = {{0}};
        bench_rep rep[1];
        CHECK(&c, bench_reference(&p, in, 3, ref, &err) == STENCIL_OK, "naive: %s", err.msg);
        for (int g = 0; g < GPU_VARIANTS; g++) {
            if (!wanted[g])
                continue;
            stencil_status st = bench_measure(gpu[g], &p, in, 3, 0, 1, rep, out, &err);
            if (g == BULK && bulk_refused(&c, st, &err, nx))
                continue;
            CHECK(&c, st == STENCIL_OK, "%s after out-of-memory: %s", gpu[g]->name, err.msg);
            compare(&c, "after out-of-memory", in, ref, out, nz, ny, nx, 3);
        }
    }
    if (wanted[2]) {
        fused_refusals(&c, gpu[2]);
        fused_two_states(&c, gpu[2], &rng);
    }
    if (wanted[RESIDENT]) {
        resident_refusals(&c, gpu[RESIDENT]);
        resident_oceans(&c, gpu[RESIDENT], &points);
    }
    if (wanted[BULK])
        bulk_refusals(&c, gpu[BULK]);
    printf("test_cuda: %zu points against naive, largest |difference| %g\n", points, worst_err);
    return check_finish(&c, "test_cuda");
}
