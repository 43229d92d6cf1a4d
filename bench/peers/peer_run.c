/* stencilbench-peer: the project's side of bench/peers/numba_peer.py, on raw float32 files
 * (x fastest) that any tool can read and write.
 *
 *   stencilbench-peer field NZ NY NX OUT.f32
 *       the synthetic ocean the studies use (io/synthetic.h: half land, default seed)
 *   stencilbench-peer run IN.f32 NZ NY NX STEPS THREADS OUT_PREFIX VARIANT...
 *       per variant: prepare, upload, one untimed run of STEPS (warm-up), upload again, one
 *       timed run of STEPS; prints "VARIANT SECONDS" and writes the result to
 *       OUT_PREFIX<variant>.f32. Course scheme, k = 0.1, as the peer script.
 * Exit status: 0 ok, 1 a variant failed, 2 bad arguments. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness/probe.h"
#include "harness/timer.h"
#include "synthetic.h"
#include "variant.h"

static int usage(void)
{
    fprintf(stderr, "usage: stencilbench-peer field NZ NY NX OUT.f32\n"
                    "       stencilbench-peer run IN.f32 NZ NY NX STEPS THREADS OUT_PREFIX VARIANT...\n");
    return 2;
}

static int parse_size(const char *s, size_t *out)
{
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (*s < '0' || *s > '9' || *end || v < 1 || v > (1u << 20)) {
        fprintf(stderr, "stencilbench-peer: '%s' is not a size from 1 to 1048576\n", s);
        return 0;
    }
    *out = (size_t)v;
    return 1;
}

static int write_floats(const char *path, const float *f, size_t n)
{
    FILE *o = fopen(path, "wb");
    int ok = o && fwrite(f, sizeof *f, n, o) == n;
    if (o && fclose(o) != 0)
        ok = 0;
    if (!ok)
        fprintf(stderr, "stencilbench-peer: cannot write %s\n", path);
    return ok;
}

/* One variant: warm-up run, timed run; the result into out. */
static int run_variant(const stencil_variant *v, const stencil_problem *p, const float *in,
                       float *out, int steps, double *seconds)
{
    stencil_error err = {{0}};
    void *state = NULL;
    stencil_status st = v->prepare(p, &state, &err);
    if (st == STENCIL_OK)
        st = v->upload(state, in, &err);
    if (st == STENCIL_OK)
        st = v->run(state, steps, &err);
    if (st == STENCIL_OK)
        st = v->upload(state, in, &err);
    double t0 = bench_now();
    if (st == STENCIL_OK)
        st = v->run(state, steps, &err);
    *seconds = bench_now() - t0;
    if (st == STENCIL_OK)
        st = v->download(state, out, &err);
    v->release(state);
    if (st != STENCIL_OK)
        fprintf(stderr, "stencilbench-peer: %s: %s\n", v->name, err.msg);
    return st == STENCIL_OK;
}

int main(int argc, char **argv)
{
    size_t nz, ny, nx;
    if (argc == 6 && strcmp(argv[1], "field") == 0) {
        if (!parse_size(argv[2], &nz) || !parse_size(argv[3], &ny) || !parse_size(argv[4], &nx))
            return 2;
        io_ocean_spec spec = io_ocean_default(nz, ny, nx);
        float *f = malloc(nz * ny * nx * sizeof *f);
        stencil_error err = {{0}};
        if (!f || io_synthetic_ocean(&spec, f, 0, &err) != STENCIL_OK) {
            fprintf(stderr, "stencilbench-peer: %s\n", f ? err.msg : "out of memory");
            free(f);
            return 1;
        }
        int ok = write_floats(argv[5], f, nz * ny * nx);
        free(f);
        return ok ? 0 : 1;
    }
    if (argc < 10 || strcmp(argv[1], "run") != 0)
        return usage();
    size_t steps, threads;
    if (!parse_size(argv[3], &nz) || !parse_size(argv[4], &ny) || !parse_size(argv[5], &nx) ||
        !parse_size(argv[6], &steps) || !parse_size(argv[7], &threads))
        return 2;
    size_t cells = nz * ny * nx;
    float *in = malloc(cells * sizeof *in), *out = malloc(cells * sizeof *out);
    FILE *f = fopen(argv[2], "rb");
    if (!in || !out || !f || fread(in, sizeof *in, cells, f) != cells || fgetc(f) != EOF) {
        fprintf(stderr, "stencilbench-peer: %s must hold exactly %zu float32 values (%zux%zux%zu)\n",
                argv[2], cells, nz, ny, nx);
        if (f)
            fclose(f);
        free(in);
        free(out);
        return 2;
    }
    fclose(f);
    stencil_problem p = {.nz = nz, .ny = ny, .nx = nx, .k = 0.1f,
                         .scheme = STENCIL_SCHEME_COURSE, .threads = (int)threads};
    const bench_caches caches = bench_cache_layout();
    bench_problem_caches(&p, &caches);
    int failed = 0;
    for (int i = 9; i < argc; i++) {
        const stencil_variant *v = stencil_variant_find(argv[i]);
        if (!v || v->device != STENCIL_CPU) {
            fprintf(stderr, "stencilbench-peer: '%s' is not a CPU variant (stencilbench list)\n",
                    argv[i]);
            failed = 2;
            break;
        }
        double s;
        char path[4096];
        snprintf(path, sizeof path, "%s%s.f32", argv[8], v->name);
        if (!run_variant(v, &p, in, out, (int)steps, &s) || !write_floats(path, out, cells)) {
            failed = 1;
            continue;
        }
        printf("%s %.9f\n", v->name, s);
        fflush(stdout);
    }
    free(in);
    free(out);
    return failed;
}
