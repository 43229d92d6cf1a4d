/* stencilbench model writes what the variant computes in memory: for every variant that can
 * run here, each snapshot of the output equals bench_measure's result for the same steps,
 * bit for bit (NaN where the input is fill); coordinates and attributes travel.
 * usage: test_model PATH/TO/stencilbench */
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

enum { NZ = 9, NY = 10, NX = 11, CELLS = NZ * NY * NX, STEPS = 7, EVERY = 3 };

static const char *global(const io_dataset *ds, const char *want, char *value, size_t len)
{
    stencil_error err;
    char name[IO_NAME_LEN];
    value[0] = '\0';
    for (int i = 0; i < io_dataset_global_count(ds); i++)
        if (io_dataset_global(ds, i, name, sizeof name, value, len, &err) == STENCIL_OK &&
            strcmp(name, want) == 0)
            return value;
    return "";
}

static int same_field(const float *a, const float *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (isnan(a[i]) ? !isnan(b[i]) : memcmp(&a[i], &b[i], sizeof(float)) != 0)
            return 0;
    return 1;
}

/* Runs cmd with stderr to a file; returns the exit status and the first line of stderr. */
static int run_status(const char *cmd, const char *dir, char *msg, size_t len)
{
    char full[3072], errpath[300];
    snprintf(errpath, sizeof errpath, "%s/stderr.txt", dir);
    snprintf(full, sizeof full, "%s >/dev/null 2>'%s'", cmd, errpath);
    int rc = system(full);
    msg[0] = '\0';
    FILE *f = fopen(errpath, "r");
    if (f) {
        if (!fgets(msg, (int)len, f))
            msg[0] = '\0';
        fclose(f);
    }
    unlink(errpath);
    return rc != -1 && WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* An infinity, or a value so large that one update overflows, is refused with the cell named
 * and exit 2 by model and by run with the dataset, before any output exists (issue 18 item 13). */
static void refused_inputs(check_ctx *c, const char *exe, const char *dir, const char *in,
                           double *stored)
{
    const size_t cell = (4 * NY + 5) * NX + 6; /* z=4, y=5, x=6 */
    stored[CELLS + cell] = INFINITY;           /* time index 1 */
    stored[(2 * NY + 3) * NX + 1] = -3e38;     /* time index 0: z=2, y=3, x=1 */
    nc_fixture f = {in, "thetao", 4, {"time", "depth", "latitude", "longitude"}, {2, NZ, NY, NX},
                    NC_DOUBLE, stored, 1, 0, 0, 1, 0, (double)NC_FILL_FLOAT, 0, 0, 0};
    CHECK(c, nc_fixture_write(&f) == NC_NOERR, "fixture");
    char out[300], cmd[2048], msg[1024];
    snprintf(out, sizeof out, "%s/refused.nc", dir);
    snprintf(cmd, sizeof cmd, "'%s' model --variant naive --input '%s' --output '%s' --steps 2 "
             "--time-index 1", exe, in, out);
    int rc = run_status(cmd, dir, msg, sizeof msg);
    CHECK(c, rc == 2, "model with an Inf cell: exit %d: %s", rc, msg);
    CHECK(c, strstr(msg, "cell (z=4, y=5, x=6) holds +Inf") && strstr(msg, "time index 1"),
          "message does not name the cell: %s", msg);
    CHECK(c, access(out, F_OK) != 0, "an output was written from a refused input");
    snprintf(cmd, sizeof cmd, "'%s' model --variant openmp_fused --input '%s' --output '%s' "
             "--steps 2 --time-index 0", exe, in, out);
    rc = run_status(cmd, dir, msg, sizeof msg);
    CHECK(c, rc == 2, "model with a -3e38 cell: exit %d: %s", rc, msg);
    CHECK(c, strstr(msg, "cell (z=2, y=3, x=1) holds -3"), "message does not name the cell: %s", msg);
    CHECK(c, access(out, F_OK) != 0, "an output was written from a refused input");
    snprintf(cmd, sizeof cmd, "'%s' run --grid dataset --dataset '%s' --variant naive --reps 1 "
             "--steps 1 --out '%s/run' --no-plots --quiet", exe, in, dir);
    rc = run_status(cmd, dir, msg, sizeof msg);
    CHECK(c, rc == 2, "run with a -3e38 cell in its dataset: exit %d: %s", rc, msg);
    CHECK(c, strstr(msg, "cell (z=2, y=3, x=1)"), "message does not name the cell: %s", msg);
    unlink(out);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_model PATH/TO/stencilbench\n");
        return 2;
    }
    check_ctx c = {0, 0};
    stencil_error err = {{0}};
    char dir[] = "/tmp/test_model.XXXXXX", in[256], out[256], cmd[2048], text[256];
    if (!mkdtemp(dir))
        return 1;
    snprintf(in, sizeof in, "%s/in.nc", dir);
    static double stored[2 * CELLS];
    static float slice[CELLS], want[CELLS], got[CELLS];
    for (int t = 0; t < 2; t++) {
        io_ocean_spec spec = io_ocean_default(NZ, NY, NX);
        spec.land_fraction = 0.3;
        spec.hours = 6.0 * t;
        CHECK(&c, io_synthetic_ocean(&spec, slice, 1, &err) == STENCIL_OK, "%s", err.msg);
        for (int i = 0; i < CELLS; i++)
            stored[t * CELLS + i] = isnan(slice[i]) ? (double)NC_FILL_FLOAT : (double)slice[i];
    }
    nc_fixture f = {in, "thetao", 4, {"time", "depth", "latitude", "longitude"}, {2, NZ, NY, NX},
                    NC_FLOAT, stored, 1, 0, 0, 1, 0, (double)NC_FILL_FLOAT, 0, 0, 0};
    CHECK(&c, nc_fixture_write(&f) == NC_NOERR, "fixture");
    for (int i = 0; i < CELLS; i++)
        slice[i] = stored[CELLS + i] == (double)NC_FILL_FLOAT ? NAN : (float)stored[CELLS + i];

    int tested = 0;
    for (size_t vi = 0; vi < stencil_variant_count(); vi++) {
        const stencil_variant *v = stencil_variant_at(vi);
        char why[256];
        if (!v->available(why, sizeof why)) {
            printf("test_model: %s not tested here: %s\n", v->name, why);
            continue;
        }
        tested++;
        snprintf(out, sizeof out, "%s/out_%s.nc", dir, v->name);
        snprintf(cmd, sizeof cmd, "'%s' model --variant %s --input '%s' --output '%s' --steps %d "
                 "--save-every %d --time-index 1 --k 0.2 --scheme insulated --threads 2 >/dev/null",
                 argv[1], v->name, in, out, STEPS, EVERY);
        int rc = system(cmd);
        CHECK(&c, rc == 0, "%s: exit %d", cmd, rc);
        io_dataset ds;
        CHECK(&c, io_dataset_open(out, NULL, &ds, &err) == STENCIL_OK, "%s", err.msg);
        /* Snapshot 0 is the input (step 0), then every EVERY steps and the last. */
        const int steps_at[4] = {0, 3, 6, 7};
        CHECK(&c, ds.nt == 4 && ds.nz == NZ && ds.ny == NY && ds.nx == NX, "%s: shape %zu %zu %zu %zu",
              v->name, ds.nt, ds.nz, ds.ny, ds.nx);
        CHECK(&c, strcmp(ds.axes[0].name, "step") == 0 && strcmp(ds.axes[0].units, "1") == 0,
              "%s: snapshot axis '%s' units '%s', want step, 1", v->name, ds.axes[0].name, ds.axes[0].units);
        if (ds.nt == 4 && ds.nz == NZ) {
            CHECK(&c, ds.axes[0].values && ds.axes[0].values[0] == 0, "step 0");
            CHECK(&c, io_dataset_read(&ds, 0, got, NULL, &err) == STENCIL_OK, "%s", err.msg);
            CHECK(&c, same_field(got, slice, CELLS), "%s: snapshot 0 is not the input", v->name);
        }
        for (size_t t = 1; t < 4 && ds.nt == 4 && ds.nz == NZ; t++) {
            stencil_problem problem = {NZ, NY, NX, 0.2f, STENCIL_SCHEME_INSULATED,
                                       v->uses_threads ? 2 : 1, {0}, 0, 0, NULL, 0, 0};
            bench_rep rep;
            CHECK(&c, ds.axes[0].values && ds.axes[0].values[t] == steps_at[t], "time value");
            CHECK(&c, bench_measure(v, &problem, slice, steps_at[t], 0, 1, &rep, want, &err) == STENCIL_OK,
                  "%s", err.msg);
            CHECK(&c, io_dataset_read(&ds, t, got, NULL, &err) == STENCIL_OK, "%s", err.msg);
            CHECK(&c, same_field(got, want, CELLS), "%s: snapshot %zu (step %d) differs from memory",
                  v->name, t, steps_at[t]);
            CHECK(&c, !same_field(got, slice, CELLS), "%s: snapshot %zu did not change", v->name, t);
        }
        CHECK(&c, ds.axes[2].values && ds.axes[2].values[3] == 11.5 &&
                      strcmp(ds.axes[2].units, "degrees_north") == 0, "latitude coordinate");
        CHECK(&c, strcmp(global(&ds, "variant", text, sizeof text), v->name) == 0, "variant '%s'", text);
        CHECK(&c, strcmp(global(&ds, "scheme", text, sizeof text), "insulated") == 0, "scheme '%s'", text);
        CHECK(&c, strcmp(global(&ds, "steps", text, sizeof text), "7") == 0, "steps '%s'", text);
        CHECK(&c, strcmp(global(&ds, "k", text, sizeof text), "0.2") == 0, "k '%s'", text);
        CHECK(&c, strcmp(global(&ds, "input_file", text, sizeof text), in) == 0, "input_file '%s'", text);
        CHECK(&c, strcmp(global(&ds, "input_time", text, sizeof text), "2024-01-01 06:00:00") == 0,
              "input_time '%s'", text);
        CHECK(&c, global(&ds, "stencilbench_version", text, sizeof text)[0] != '\0', "no version");
        CHECK(&c, strcmp(ds.units, "degrees_C") == 0, "units '%s'", ds.units);
        io_dataset_close(&ds);
        unlink(out);
    }
    CHECK(&c, tested >= 1, "no variant could run");

    /* Without --variant, model runs the registry's fastest variant that takes the grid:
     * openmp_fused on a machine with no GPU; on a GPU the faster on the field of the two highest
     * ranked that take it (a trial: either may win), cuda_bulk declining nx = 11
     * (tests/test_registry checks the candidates, tests/test_model_support the trial). */
    stencil_problem grid = {NZ, NY, NX, 0.1f, STENCIL_SCHEME_COURSE, 1, {0}, 0, 0, NULL, 0, 0};
    stencil_error perr;
    const stencil_variant *cands[2] = {NULL, NULL};
    const size_t ncands = stencil_variant_candidates_for(&grid, 2, cands, 2, NULL, 0, &perr);
    const stencil_variant *fastest = cands[0];
    snprintf(out, sizeof out, "%s/out_default.nc", dir);
    snprintf(cmd, sizeof cmd, "'%s' model --input '%s' --output '%s' --steps 2 --threads 2", argv[1],
             in, out);
    FILE *p = popen(cmd, "r");
    char line[512] = "", want_line[256], transfers[1024] = "", warm[1024] = "";
    if (p) {
        if (!fgets(line, sizeof line, p))
            line[0] = '\0';
        char rest[1024];
        while (fgets(rest, sizeof rest, p)) {
            if (strstr(rest, " transfers: "))
                snprintf(transfers, sizeof transfers, "%s", rest);
            if (strstr(rest, "untimed warm-up"))
                snprintf(warm, sizeof warm, "%s", rest);
        }
        CHECK(&c, pclose(p) == 0, "%s failed", cmd);
    }
    /* A GPU variant says its transfers' rates and host memory (3 pinned buffers: the input and
     * the threaded snapshot ring's least, 2, for the one snapshot after it), and its warm-up (2
     * steps here: one chunk); a CPU variant neither. */
    if (fastest && fastest->device == STENCIL_GPU) {
        CHECK(&c, strstr(transfers, " transfers: host->device ") && strstr(transfers, " GB/s), device->host ") &&
                      strstr(transfers, "for 1 download of ") &&
                      (strstr(transfers, "), pinned host memory (3 x ") ||
                       strstr(transfers, "), pageable host memory (no pinned memory: ")),
                  "GPU transfer line '%s'", transfers);
        CHECK(&c, strstr(warm, "(timed after an untimed warm-up of 2 steps in this run's chunk lengths") == warm,
              "GPU warm-up line '%s'", warm);
        /* The snapshot ring holds a buffer for every snapshot after the input (--writer
         * thread, the default on a GPU): 4 at --save-every 1 over 4 steps, 5 pinned buffers
         * with the input; inline, one buffer (the pageable fallback aside). */
        for (int inl = 0; inl < 2; inl++) {
            snprintf(cmd, sizeof cmd, "'%s' model --variant %s --input '%s' --output '%s' --steps 4 "
                     "--save-every 1%s", argv[1], fastest->name, in, out, inl ? " --writer inline" : "");
            char ring[1024] = "", want_mem[64];
            if ((p = popen(cmd, "r"))) {
                char l[1024];
                while (fgets(l, sizeof l, p))
                    if (strstr(l, " transfers: "))
                        snprintf(ring, sizeof ring, "%s", l);
                CHECK(&c, pclose(p) == 0, "%s failed", cmd);
            }
            snprintf(want_mem, sizeof want_mem, "), pinned host memory (%d x ", inl ? 2 : 5);
            CHECK(&c, strstr(ring, "for 4 downloads of ") &&
                          (strstr(ring, want_mem) ||
                           strstr(ring, "), pageable host memory (no pinned memory: ")),
                  "--writer %s: GPU transfer line '%s', want '%s'", inl ? "inline" : "thread", ring,
                  want_mem);
            unlink(out);
        }
    } else {
        CHECK(&c, transfers[0] == '\0' && warm[0] == '\0', "a CPU variant printed '%s' '%s'", transfers, warm);
    }
    CHECK(&c, fastest != NULL, "no fastest variant");
    snprintf(want_line, sizeof want_line, "%s model completed in ", fastest ? fastest->name : "?");
    char rival_line[256] = "";
    if (fastest && fastest->device == STENCIL_GPU && ncands > 1)
        snprintf(rival_line, sizeof rival_line, "%s model completed in ", cands[1]->name);
    CHECK(&c, strncmp(line, want_line, strlen(want_line)) == 0 ||
                  (rival_line[0] && strncmp(line, rival_line, strlen(rival_line)) == 0),
          "model without --variant printed '%s', want it to start '%s'%s%s", line, want_line,
          rival_line[0] ? " or " : "", rival_line);
    if (fastest && fastest->device == STENCIL_CPU)
        CHECK(&c, strncmp(line, "openmp_fused model completed in ", 32) == 0,
              "model without --variant on a CPU-only machine ran '%s', want openmp_fused", line);
    unlink(out);
    refused_inputs(&c, argv[1], dir, in, stored);
    unlink(in);
    rmdir(dir);
    return check_finish(&c, "test_model");
}
