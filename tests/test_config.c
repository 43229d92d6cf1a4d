/* Study configs: good and bad files (errors name file, line and key), and plan expansion on a
 * made-up machine (auto grids from its caches, cores, pow2, tunings, order, collapsing). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/plan.h"
#include "config.h"
#include "check.h"

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(1);
    }
    fputs(text, f);
    fclose(f);
}

/* Loads text as a config and builds a plan; returns the status, with the message in err. */
static stencil_status load_and_plan(const char *path, const char *text, const bench_topology *topo,
                                    bench_plan *plan, stencil_error *err)
{
    io_study_config c;
    io_config_defaults(&c);
    write_file(path, text);
    stencil_status st = io_config_load(path, &c, err);
    if (st == STENCIL_OK)
        st = bench_plan_build(&c, topo, plan, err);
    return st;
}

static void expect_error(check_ctx *t, const char *path, const char *text, const char *want)
{
    bench_topology topo = {.cores = 2, .l2_bytes = 1 << 20, .l3_bytes = 32 << 20};
    bench_plan plan;
    stencil_error err = {{0}};
    stencil_status st = load_and_plan(path, text, &topo, &plan, &err);
    CHECK(t, st != STENCIL_OK, "accepted a bad config:\n%s", text);
    CHECK(t, strstr(err.msg, want) != NULL, "message '%s' lacks '%s'", err.msg, want);
    if (st == STENCIL_OK)
        bench_plan_free(&plan);
}

int main(void)
{
    check_ctx t = {0};
    char path[] = "/tmp/stencil_test_config_XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) {
        perror("mkstemp");
        return 1;
    }
    close(fd);
    char want[700];

    /* A good file, with comments, on a machine with 4 cores, 1 MiB L2 and 32 MiB L3. */
    bench_topology topo = {.cores = 4, .l2_bytes = 1 << 20, .l3_bytes = 32 << 20,
                           .llc_total_bytes = 32 << 20};
    bench_plan plan;
    stencil_error err = {{0}};
    stencil_status st = load_and_plan(path,
                                      "; a study\n[study]\nvariants = naive, openmp\n"
                                      "grids = auto, dataset, 16 ; comment\n"
                                      "threads = cores\ntimesteps = 1, 10\nreps = 2\nwarmup = 0\n"
                                      "scheme = insulated\nk = 0.25\n",
                                      &topo, &plan, &err);
    CHECK(&t, st == STENCIL_OK, "good config rejected: %s", err.msg);
    if (st == STENCIL_OK) {
        /* grids 40^3 (L2), 128^3 (L3), 256^3 (4x LLC), dataset, 16^3; 2 steps; naive + 4 openmp */
        CHECK(&t, plan.count == 5 * 2 * 5, "points %zu, want 50", plan.count);
        CHECK(&t, plan.points[0].nz == 40 && plan.points[0].steps == 1 &&
                      strcmp(plan.points[0].variant->name, "naive") == 0,
              "first point %zu %d %s", plan.points[0].nz, plan.points[0].steps,
              plan.points[0].variant->name);
        CHECK(&t, plan.points[1].threads == 1 && plan.points[4].threads == 4 &&
                      strcmp(plan.points[4].variant->name, "openmp") == 0,
              "threads 1..4 for openmp");
        CHECK(&t, plan.points[5].steps == 10 && plan.points[5].nz == 40, "steps vary before grids");
        CHECK(&t, plan.points[10].nz == 128 && plan.points[20].nz == 256, "auto: 128, 256 (%zu, %zu)",
              plan.points[10].nz, plan.points[20].nz);
        CHECK(&t, plan.points[30].dataset && plan.points[30].ny == 222 && plan.points[30].nx == 241,
              "dataset grid 50x222x241");
        CHECK(&t, plan.reps == 2 && plan.warmup == 0 && plan.scheme == STENCIL_SCHEME_INSULATED &&
                      plan.k == 0.25f,
              "scalars");
        CHECK(&t, plan.nthread_counts == 4, "thread counts for probes %d", plan.nthread_counts);
        CHECK(&t, strstr(plan.notes, "in L2") && strstr(plan.notes, "far out of cache"),
              "notes say why: %s", plan.notes);
        CHECK(&t, strcmp(plan.resolved.values[IO_KEY_THREADS].text, "1, 2, 3, 4") == 0,
              "resolved threads '%s'", plan.resolved.values[IO_KEY_THREADS].text);
        CHECK(&t, plan.points[0].host_memory == BENCH_HOST_NONE, "CPU rows have host memory none");
        bench_plan_free(&plan);
    }

    /* pow2 on 6 cores; tunings apply to the variants that take their knobs. */
    topo.cores = 6;
    st = load_and_plan(path,
                       "[study]\nvariants = naive, tiled, openmp\ngrids = 16\nthreads = pow2\n"
                       "timesteps = 3\ntunings = default | tile_y=4,tile_x=8\n",
                       &topo, &plan, &err);
    CHECK(&t, st == STENCIL_OK, "pow2 config rejected: %s", err.msg);
    if (st == STENCIL_OK) {
        /* naive: 1; tiled: default + tuned; openmp: threads 1, 2, 4 */
        CHECK(&t, plan.count == 1 + 2 + 3, "points %zu, want 6", plan.count);
        CHECK(&t, strcmp(plan.points[2].tuning_text, "tile_y=4;tile_x=8") == 0, "tuning '%s'",
              plan.points[2].tuning_text);
        CHECK(&t, plan.points[5].threads == 4, "pow2 up to 4 of 6 cores");
        bench_plan_free(&plan);
    }

    /* Bad files: each message names the file, the line and the key. */
    snprintf(want, sizeof want, "%s:3: [study] colour: unknown key", path);
    expect_error(&t, path, "[study]\nreps = 2\ncolour = blue\n", want);
    snprintf(want, sizeof want, "%s:3: [sweep] reps: unknown section 'sweep'", path);
    expect_error(&t, path, "\n[sweep]\nreps = 2\n", want);
    snprintf(want, sizeof want, "%s:2: [study] reps: 'many' is not a whole number", path);
    expect_error(&t, path, "[study]\nreps = many\n", want);
    snprintf(want, sizeof want, "%s:3: [study] reps: set twice (first on line 2)", path);
    expect_error(&t, path, "[study]\nreps = 2\nreps = 3\n", want);
    snprintf(want, sizeof want, "%s:2: not a '[section]' or 'key = value' line", path);
    expect_error(&t, path, "[study]\njust words\n", want);
    snprintf(want, sizeof want, "%s:4: [study] grids: grid '5x5' is malformed", path);
    expect_error(&t, path, "[study]\n\nvariants = naive\ngrids = 16, 5x5\n", want);
    snprintf(want, sizeof want, "%s:2: [study] variants: unknown variant 'fast'", path);
    expect_error(&t, path, "[study]\nvariants = naive, fast\n", want);
    snprintf(want, sizeof want, "%s:2: [study] threads: 'lots' is not a whole number", path);
    expect_error(&t, path, "[study]\nthreads = 1, lots\n", want);
    snprintf(want, sizeof want, "%s:2: [study] k: the diffusion coefficient must be in (0, 1]", path);
    expect_error(&t, path, "[study]\nk = 2\n", want);
    snprintf(want, sizeof want, "%s:2: [study] host_memory: 'shared': use pinned", path);
    expect_error(&t, path, "[study]\nhost_memory = shared\n", want);
    snprintf(want, sizeof want, "%s:3: [study] tunings: 'block_x=64' sets knobs that none", path);
    expect_error(&t, path, "[study]\nvariants = naive\ntunings = default | block_x=64\n", want);
    snprintf(want, sizeof want, "%s:2: [study] scheme: ", path);
    expect_error(&t, path, "[study]\nscheme = hot\n", want);
    snprintf(want, sizeof want, "%s:2: [study] timesteps: is empty", path);
    expect_error(&t, path, "[study]\ntimesteps = ,\n", want);

    /* Escapes and continued lines (what io_config_write uses for long or awkward values). */
    {
        io_study_config e;
        io_config_defaults(&e);
        write_file(path, "[study]\ndataset = \\sa\\\\b\\;c \\#d\\x0Ae\\ \\q \\\n"
                         "    f\\s\\\n\tg\nreps = 2\n");
        st = io_config_load(path, &e, &err);
        CHECK(&t, st == STENCIL_OK && strcmp(e.values[IO_KEY_DATASET].text, " a\\b;c #d\ne\\ \\q f g") == 0,
              "escaped value '%s': %s", e.values[IO_KEY_DATASET].text, err.msg);
        snprintf(want, sizeof want, "%s:2: [study] dataset: the value ends with '\\'", path);
        expect_error(&t, path, "[study]\ndataset = a\\\n", want);
        snprintf(want, sizeof want, "%s:3: [study] dataset: the value on line 2 ends with '\\'", path);
        expect_error(&t, path, "[study]\ndataset = a\\\nreps = 2\n", want);
    }

    /* Flag overrides keep the flag as origin; a missing file says so. */
    io_study_config c;
    io_config_defaults(&c);
    CHECK(&t, io_config_set(&c, "grids", "7x7", "--grid", &err) == STENCIL_OK, "set");
    CHECK(&t, bench_plan_build(&c, &topo, &plan, &err) != STENCIL_OK &&
                  strstr(err.msg, "--grid 7x7: grid '7x7' is malformed"),
          "flag origin: %s", err.msg);
    CHECK(&t, io_config_load("/nonexistent/x.ini", &c, &err) == STENCIL_ERR_IO &&
                  strstr(err.msg, "/nonexistent/x.ini"),
          "missing file: %s", err.msg);

    /* The resolved config written and read back plans the same points. */
    io_config_defaults(&c);
    io_config_set(&c, "grids", "auto", "--grid", &err);
    io_config_set(&c, "variants", "all", "--variant", &err);
    st = bench_plan_build(&c, &topo, &plan, &err);
    CHECK(&t, st == STENCIL_OK, "plan: %s", err.msg);
    if (st == STENCIL_OK) {
        size_t n = plan.count;
        CHECK(&t, io_config_write(&plan.resolved, path, &err) == STENCIL_OK, "write: %s", err.msg);
        bench_plan_free(&plan);
        io_config_defaults(&c);
        CHECK(&t, io_config_load(path, &c, &err) == STENCIL_OK, "reload: %s", err.msg);
        CHECK(&t, bench_plan_build(&c, &topo, &plan, &err) == STENCIL_OK && plan.count == n,
              "resolved config plans %zu points, want %zu", plan.count, n);
        bench_plan_free(&plan);
    }
    unlink(path);
    return check_finish(&t, "test_config");
}
