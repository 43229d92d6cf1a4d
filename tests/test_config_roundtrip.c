/* Property: every study config the program accepts writes a study.ini (io_config_write of the
 * plan's resolved config) whose lines libinih can read (under 200 characters) and which reloads
 * (io_config_load) to the same plan: the same points in the same order, the same scalars, and
 * the same resolved text. Configs are drawn at random (fixed seed, so every run checks the same
 * ones) as command-line overrides, which may hold any text: long lists, "threads = cores" on many
 * cores, long dataset paths, " ;", '#', backslashes, newlines and blanks at either end. */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "config.h"
#include "harness/plan.h"
#include "nc_fixture.h"

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static unsigned pick(unsigned n)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return (unsigned)(rng % n);
}

static const char *const seps[] = {", ", ",", " ", "\t", " ,  ", " , "};

static void append(char *buf, size_t len, const char *text)
{
    size_t used = strlen(buf);
    snprintf(buf + used, len - used, "%s", text);
}

static void list(char *buf, size_t len, const char *const *items, unsigned nitems, unsigned n)
{
    buf[0] = '\0';
    if (pick(4) == 0)
        append(buf, len, " ");
    for (unsigned i = 0; i < n; i++) {
        if (i)
            append(buf, len, seps[pick(6)]);
        append(buf, len, items[pick(nitems)]);
    }
    if (pick(4) == 0)
        append(buf, len, "\t ");
}

/* Text of any bytes a path may hold but NUL, n characters. */
static void nasty(char *buf, size_t n)
{
    static const char chars[] = " ;#\\\n\t=[]:\"'x/._-a\xc3\xa9";
    for (size_t i = 0; i < n; i++)
        buf[i] = chars[pick(sizeof chars - 1)];
    buf[n] = '\0';
}

static int same_plan(check_ctx *t, const bench_plan *a, const bench_plan *b, int iter)
{
    int ok = a->count == b->count && a->reps == b->reps && a->warmup == b->warmup &&
             a->scheme == b->scheme && a->k_value == b->k_value &&
             a->land_fraction == b->land_fraction && a->seed == b->seed &&
             strcmp(a->dataset, b->dataset) == 0;
    for (size_t i = 0; ok && i < a->count; i++) {
        const bench_point *p = &a->points[i], *q = &b->points[i];
        ok = p->variant == q->variant && p->nz == q->nz && p->ny == q->ny && p->nx == q->nx &&
             p->dataset == q->dataset && p->threads == q->threads &&
             strcmp(p->tuning_text, q->tuning_text) == 0 && p->host_memory == q->host_memory &&
             p->steps == q->steps;
    }
    for (int k = 0; ok && k < IO_KEY_COUNT; k++)
        ok = strcmp(a->resolved.values[k].text, b->resolved.values[k].text) == 0;
    CHECK(t, ok, "config %d: the reloaded study.ini plans %zu points (want %zu), dataset '%s' "
          "(want '%s')", iter, b->count, a->count, b->dataset, a->dataset);
    return ok;
}

static int lines_fit(check_ctx *t, const char *path, int iter)
{
    FILE *f = fopen(path, "r");
    char line[4096];
    int ok = f != NULL, n = 0;
    while (ok && fgets(line, sizeof line, f)) {
        n++;
        ok = strlen(line) < 200;
    }
    if (f)
        fclose(f);
    CHECK(t, ok, "config %d: %s line %d has %zu characters (libinih reads 199)", iter, path, n,
          strlen(line));
    return ok;
}

int main(void)
{
    check_ctx t = {0, 0};
    char dir[] = "/tmp/test_config_roundtrip.XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    /* A real dataset file at a long path whose folder names hold " ;", a newline and blanks at
     * either end (not '#' or '\': netCDF-C 4.9 takes those for a URL fragment and a Windows
     * separator; random dataset texts that name no file hold them). */
    char data_dir[1200], data_path[1300], ini[256];
    snprintf(data_dir, sizeof data_dir, "%s/ a ;b c\ne ", dir);
    mkdir(data_dir, 0755);
    for (int i = 0; i < 4; i++) {
        append(data_dir, sizeof data_dir, "/");
        for (int k = 0; k < 60; k++)
            append(data_dir, sizeof data_dir, k % 7 == 3 ? " " : "x");
        mkdir(data_dir, 0755);
    }
    snprintf(data_path, sizeof data_path, "%s/field ;1.nc", data_dir);
    snprintf(ini, sizeof ini, "%s/study.ini", dir);
    static double values[60];
    const nc_fixture fx = {data_path, "thetao", 4, {"time", "depth", "latitude", "longitude"},
                           {1, 3, 4, 5}, NC_FLOAT, values, 0, 0, 0, 1, 0, 0, 0, 0, 0};
    if (nc_fixture_write(&fx) != NC_NOERR) {
        fprintf(stderr, "cannot write %s\n", data_path);
        return 1;
    }

    const char *variant_items[3 + 16] = {"all", "cpu", "gpu"};
    unsigned nvariant_items = 3;
    for (size_t i = 0; i < stencil_variant_count() && nvariant_items < 19; i++)
        variant_items[nvariant_items++] = stencil_variant_at(i)->name;
    static const char *const thread_items[] = {"cores", "pow2", "1", "2", "3", "7", "48", "4096"};
    static const char *const step_items[] = {"0", "1", "10", "100", "1000000", " 3"};
    static const char *const tuning_sets[] = {
        "default", "default | tile_y=8,tile_x=128", "tile_y=4;tile_x=8", "stream=1",
        "default|tile_y=2;stream=0", "block_x=64 | default"};
    static const char *const memories[] = {"pinned", "pageable", "pinned, pageable", " pageable "};
    bench_plan *a = malloc(sizeof *a), *b = malloc(sizeof *b);
    io_study_config *c = malloc(sizeof *c);
    if (!a || !b || !c)
        return 1;
    int accepted = 0, from_file = 0;
    const int rounds = 1500;
    for (int iter = 0; iter < rounds; iter++) {
        bench_topology topo = {.cores = 1 + (int)pick(96), .l2_bytes = 1 << 20,
                               .l3_bytes = 32 << 20, .llc_total_bytes = 32 << 20};
        char text[IO_CONFIG_TEXT_MAX], item[64];
        stencil_error err = {{0}};
        io_config_defaults(c);
        list(text, sizeof text, variant_items, nvariant_items, 1 + pick(4));
        io_config_set(c, "variants", text, "--variant", &err);
        text[0] = '\0';
        unsigned ngrids = 1 + pick(iter % 3 == 0 ? 30 : 6);
        for (unsigned g = 0; g < ngrids; g++) {
            unsigned kind = pick(8);
            if (kind == 0)
                snprintf(item, sizeof item, "auto");
            else if (kind == 1)
                snprintf(item, sizeof item, "dataset");
            else if (kind < 4)
                snprintf(item, sizeof item, "%u", 1 + pick(48));
            else
                snprintf(item, sizeof item, "%ux%ux%u", 1 + pick(1000), 1 + pick(1000), 1 + pick(1000000));
            append(text, sizeof text, g ? seps[pick(6)] : "");
            append(text, sizeof text, item);
        }
        io_config_set(c, "grids", text, "--grid", &err);
        list(text, sizeof text, thread_items, 8, 1 + pick(3));
        io_config_set(c, "threads", text, "--threads", &err);
        list(text, sizeof text, step_items, 6, 1 + pick(2));
        io_config_set(c, "timesteps", text, "--steps", &err);
        io_config_set(c, "tunings", tuning_sets[pick(6)], "--tuning", &err);
        io_config_set(c, "host_memory", memories[pick(4)], "--host-memory", &err);
        snprintf(text, sizeof text, "%s%u%s", pick(2) ? " " : "", 1 + pick(9), pick(2) ? "\t" : "");
        io_config_set(c, "reps", text, "--reps", &err);
        snprintf(text, sizeof text, "0.%u ", 1 + pick(999));
        io_config_set(c, "k", text, "--k", &err);
        io_config_set(c, "scheme", pick(2) ? "course" : "insulated", "--scheme", &err);
        unsigned d = pick(5);
        if (d == 0)
            text[0] = '\0';
        else if (d == 1)
            snprintf(text, sizeof text, "%s", data_path);
        else
            nasty(text, 1 + pick(d == 2 ? 40 : 900));
        io_config_set(c, "dataset", text, "--dataset", &err);

        if (bench_plan_build(c, &topo, a, &err) != STENCIL_OK)
            continue; /* not accepted: nothing to save */
        accepted++;
        int file_grid = 0;
        for (size_t i = 0; i < a->count; i++)
            file_grid |= a->points[i].dataset && *a->dataset;
        from_file += file_grid;
        CHECK(&t, io_config_write(&a->resolved, ini, &err) == STENCIL_OK, "write: %s", err.msg);
        int ok = lines_fit(&t, ini, iter);
        io_config_defaults(c);
        stencil_status st = io_config_load(ini, c, &err);
        CHECK(&t, st == STENCIL_OK, "config %d: study.ini does not load: %s", iter, err.msg);
        if (st == STENCIL_OK) {
            st = bench_plan_build(c, &topo, b, &err);
            CHECK(&t, st == STENCIL_OK, "config %d: the reloaded study does not plan: %s", iter, err.msg);
        }
        if (st == STENCIL_OK) {
            ok &= same_plan(&t, a, b, iter);
            bench_plan_free(b);
        }
        if (!ok) { /* show the file once */
            FILE *f = fopen(ini, "r");
            char line[4096];
            while (f && fgets(line, sizeof line, f))
                fprintf(stderr, "    | %s", line);
            if (f)
                fclose(f);
        }
        bench_plan_free(a);
        if (t.failed > 5)
            break;
    }
    /* Enough of them were accepted for the property to say something. */
    CHECK(&t, accepted >= rounds / 3, "only %d of %d random configs were accepted", accepted, rounds);
    CHECK(&t, from_file >= 10, "only %d accepted configs plan the dataset file", from_file);
    printf("%d of %d random configs accepted and checked (%d with the dataset file)\n", accepted,
           rounds, from_file);
    free(a), free(b), free(c);
    unlink(ini);
    unlink(data_path);
    for (int i = 4; i >= 0; i--) {
        rmdir(data_dir);
        char *slash = strrchr(data_dir, '/');
        if (slash)
            *slash = '\0';
    }
    rmdir(dir);
    return check_finish(&t, "test_config_roundtrip");
}
