/* stencilbench model --writer thread (snapshots written by a writer thread while the next chunk
 * runs) writes the same file, byte for byte, as --writer inline (the sequential loop: each
 * snapshot written before the next chunk), for CPU variants (and cuda_shared where it can run)
 * and snapshot intervals that divide the steps and that do not; every snapshot equals naive's
 * field after its steps (a GPU variant: its own, from bench_measure), computed here in memory;
 * a bad --writer exits 2. usage: test_model_writer PATH/TO/stencilbench */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "dataset.h"
#include "harness/measure.h"
#include "nc_fixture.h"
#include "synthetic.h"

enum { NZ = 8, NY = 9, NX = 10, CELLS = NZ * NY * NX, STEPS = 7 };

static int same_field(const float *a, const float *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (isnan(a[i]) ? !isnan(b[i]) : memcmp(&a[i], &b[i], sizeof(float)) != 0)
            return 0;
    return 1;
}

/* 1: both files exist and hold the same bytes. */
static int same_bytes(const char *a, const char *b)
{
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    int same = fa && fb;
    while (same) {
        int ca = fgetc(fa), cb = fgetc(fb);
        if (ca != cb)
            same = 0;
        if (ca == EOF || cb == EOF)
            break;
    }
    if (fa)
        fclose(fa);
    if (fb)
        fclose(fb);
    return same;
}

static int run(const char *exe, const char *variant, const char *in, const char *out, int every,
               const char *writer)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "'%s' model --variant %s --input '%s' --output '%s' --steps %d "
             "--save-every %d %s%s --threads 2 >/dev/null", exe, variant, in, out, STEPS, every,
             writer ? "--writer " : "", writer ? writer : "");
    int rc = system(cmd);
    return rc != -1 && WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_model_writer PATH/TO/stencilbench\n");
        return 2;
    }
    check_ctx c = {0, 0};
    stencil_error err = {{0}};
    char dir[] = "/tmp/test_model_writer.XXXXXX", in[256], thr[256], inl[256], def[256];
    if (!mkdtemp(dir))
        return 1;
    snprintf(in, sizeof in, "%s/in.nc", dir);
    static double stored[CELLS];
    static float slice[CELLS], want[STEPS + 1][CELLS], got[CELLS];
    io_ocean_spec spec = io_ocean_default(NZ, NY, NX);
    spec.land_fraction = 0.3;
    CHECK(&c, io_synthetic_ocean(&spec, slice, 1, &err) == STENCIL_OK, "%s", err.msg);
    for (int i = 0; i < CELLS; i++)
        stored[i] = isnan(slice[i]) ? (double)NC_FILL_FLOAT : (double)slice[i];
    nc_fixture f = {in, "thetao", 4, {"time", "depth", "latitude", "longitude"}, {1, NZ, NY, NX},
                    NC_FLOAT, stored, 1, 0, 0, 1, 0, (double)NC_FILL_FLOAT, 0, 0, 0};
    CHECK(&c, nc_fixture_write(&f) == NC_NOERR, "fixture");
    const char *variants[] = {"naive", "openmp_fused", "cuda_shared"};
    const int everies[] = {1, 2, 3, 4, 6, 7, 10};
    for (size_t vi = 0; vi < sizeof variants / sizeof variants[0]; vi++) {
        const stencil_variant *v = stencil_variant_find(variants[vi]);
        char why[256];
        if (!v || !v->available(why, sizeof why)) {
            printf("test_model_writer: %s not tested here\n", variants[vi]);
            continue;
        }
        /* naive (a GPU variant: itself) after s steps (model's defaults: course scheme, k = 0.1) */
        const stencil_variant *ref = v->device == STENCIL_GPU ? v : stencil_variant_find("naive");
        memcpy(want[0], slice, sizeof slice);
        for (int s = 1; s <= STEPS; s++) {
            stencil_problem problem = {NZ, NY, NX, 0.1f, STENCIL_SCHEME_COURSE, 1, {0}, 0, 0, NULL, 0, 0};
            bench_rep rep;
            CHECK(&c, bench_measure(ref, &problem, slice, s, 0, 1, &rep, want[s], &err) == STENCIL_OK,
                  "%s", err.msg);
        }
        for (size_t ei = 0; ei < sizeof everies / sizeof everies[0]; ei++) {
            const int every = everies[ei];
            snprintf(thr, sizeof thr, "%s/%s_%d_thread.nc", dir, v->name, every);
            snprintf(inl, sizeof inl, "%s/%s_%d_inline.nc", dir, v->name, every);
            snprintf(def, sizeof def, "%s/%s_%d_default.nc", dir, v->name, every);
            int rc = run(argv[1], v->name, in, thr, every, "thread");
            CHECK(&c, rc == 0, "%s --save-every %d --writer thread: exit %d", v->name, every, rc);
            rc = run(argv[1], v->name, in, inl, every, "inline");
            CHECK(&c, rc == 0, "%s --save-every %d --writer inline: exit %d", v->name, every, rc);
            rc = run(argv[1], v->name, in, def, every, NULL);
            CHECK(&c, rc == 0, "%s --save-every %d: exit %d", v->name, every, rc);
            CHECK(&c, same_bytes(thr, inl), "%s --save-every %d: --writer thread and inline wrote "
                  "different files", v->name, every);
            CHECK(&c, same_bytes(def, inl), "%s --save-every %d: the default writer and inline "
                  "wrote different files", v->name, every);
            io_dataset ds;
            if (io_dataset_open(thr, NULL, &ds, &err) != STENCIL_OK) {
                CHECK(&c, 0, "%s", err.msg);
                continue;
            }
            const size_t snapshots = 1 + (size_t)((STEPS + every - 1) / every);
            CHECK(&c, ds.nt == snapshots, "%s --save-every %d: %zu snapshots, want %zu", v->name,
                  every, ds.nt, snapshots);
            for (size_t t = 0; t < ds.nt && t < snapshots; t++) {
                const int at = (int)t * every < STEPS ? (int)t * every : STEPS;
                CHECK(&c, ds.axes[0].values && ds.axes[0].values[t] == at, "%s --save-every %d: "
                      "snapshot %zu's step is not %d", v->name, every, t, at);
                CHECK(&c, io_dataset_read(&ds, t, got, NULL, &err) == STENCIL_OK, "%s", err.msg);
                CHECK(&c, same_field(got, want[at], CELLS), "%s --save-every %d: snapshot %zu "
                      "differs from %s after %d steps", v->name, every, t, ref->name, at);
            }
            io_dataset_close(&ds);
            unlink(thr);
            unlink(inl);
            unlink(def);
        }
    }
    snprintf(thr, sizeof thr, "%s/bad.nc", dir);
    int rc = run(argv[1], "naive", in, thr, 3, "threads");
    CHECK(&c, rc == 2 && access(thr, F_OK) != 0, "--writer threads: exit %d, want 2 and no output", rc);
    unlink(in);
    rmdir(dir);
    return check_finish(&c, "test_model_writer");
}
