#define _XOPEN_SOURCE 700
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataset.h"
#include "field_check.h"
#include "harness/grid.h"
#include "harness/plan.h"
#include "mpi_grid.h"

enum { MAX_ITEMS = 64, ITEM_LEN = 256, MAX_VARIANTS = 64 };

typedef struct item_list {
    char item[MAX_ITEMS][ITEM_LEN];
    int n;
} item_list;

/* Splits text at any of seps, trimming blanks; empty items are dropped. */
static stencil_status split(const io_study_config *c, io_config_key key, const char *seps,
                            item_list *out, stencil_error *err)
{
    const char *p = c->values[key].text;
    out->n = 0;
    while (*p) {
        size_t len = strcspn(p, seps);
        const char *s = p, *e = p + len;
        while (s < e && (*s == ' ' || *s == '\t'))
            s++;
        while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
            e--;
        if (e > s) {
            if (out->n == MAX_ITEMS)
                return io_config_fail(c, key, err, "more than %d items", MAX_ITEMS);
            if ((size_t)(e - s) >= ITEM_LEN)
                return io_config_fail(c, key, err, "an item is longer than %d characters",
                                      ITEM_LEN - 1);
            memcpy(out->item[out->n], s, (size_t)(e - s));
            out->item[out->n][e - s] = '\0';
            out->n++;
        }
        p += len;
        if (*p)
            p++;
    }
    if (out->n == 0)
        return io_config_fail(c, key, err, "is empty: give at least one value");
    return STENCIL_OK;
}

typedef struct grid_entry {
    size_t nz, ny, nx;
    int dataset;
} grid_entry;

static size_t cube_edge(double cells, int round_up, size_t multiple)
{
    size_t n = (size_t)cbrt(cells);
    while (round_up && (double)n * n * n < cells)
        n++;
    n = round_up ? (n + multiple - 1) / multiple * multiple : n / multiple * multiple;
    return n < 8 ? 8 : n;
}

static size_t append_note(char *notes, size_t used, const char *fmt, double a, double b, double c)
{
    size_t len = 2048;
    if (used < len)
        used += (size_t)snprintf(notes + used, len - used, fmt, a, b, c);
    return used;
}

/* The shape of a dataset file, whose first time slice (the one measured) is read and checked
 * here, so that a field no variant may run (io_field_check) is refused before the study. */
static stencil_status dataset_shape(const char *path, size_t *nz, size_t *ny, size_t *nx,
                                    stencil_error *err)
{
    io_dataset ds;
    memset(&ds, 0, sizeof ds);
    stencil_status st = io_dataset_open(path, NULL, &ds, err);
    float *f = NULL;
    if (st == STENCIL_OK) {
        *nz = ds.nz, *ny = ds.ny, *nx = ds.nx;
        const size_t most = SIZE_MAX / sizeof *f;
        if (ds.nz == 0 || ds.ny == 0 || ds.nx == 0 || ds.ny > most / ds.nz ||
            ds.nx > most / (ds.nz * ds.ny))
            st = stencil_fail(err, STENCIL_ERR_IO, "%s: a field of %zux%zux%zu cells cannot be "
                              "held in memory", path, ds.nz, ds.ny, ds.nx);
        else
            f = malloc(ds.nz * ds.ny * ds.nx * sizeof *f);
        if (st == STENCIL_OK && !f)
            st = stencil_fail(err, STENCIL_ERR_NOMEM, "out of memory to read %s", path);
    }
    if (st == STENCIL_OK)
        st = io_dataset_read(&ds, 0, f, NULL, err);
    stencil_error bad;
    if (st == STENCIL_OK && io_field_check(f, ds.nz, ds.ny, ds.nx, &bad) != STENCIL_OK)
        st = stencil_fail(err, STENCIL_ERR_IO, "'%s' in %s at time index 0: %s", ds.var, path,
                          bad.msg);
    free(f);
    io_dataset_close(&ds);
    return st;
}

static int add_grid(grid_entry *g, int n, size_t nz, size_t ny, size_t nx, int dataset)
{
    for (int i = 0; i < n; i++)
        if (g[i].nz == nz && g[i].ny == ny && g[i].nx == nx && g[i].dataset == dataset)
            return n;
    g[n].nz = nz, g[n].ny = ny, g[n].nx = nx, g[n].dataset = dataset;
    return n + 1;
}

static stencil_status plan_grids(const io_study_config *c, const bench_topology *topo,
                                 bench_plan *plan, grid_entry *grids, int *ngrids,
                                 stencil_error *err)
{
    item_list items;
    stencil_status st = split(c, IO_KEY_GRIDS, ", \t", &items, err);
    if (st != STENCIL_OK)
        return st;
    int n = 0;
    size_t used = strlen(plan->notes);
    const double mib = 1048576.0;
    for (int i = 0; i < items.n; i++) {
        const char *it = items.item[i];
        if (n > MAX_ITEMS - 3)
            return io_config_fail(c, IO_KEY_GRIDS, err, "more than %d grids", MAX_ITEMS - 3);
        if (strcmp(it, "dataset") == 0 && *plan->dataset) {
            /* A netCDF file: its shape (one time slice is measured). */
            size_t nz, ny, nx;
            stencil_error e2;
            if (dataset_shape(plan->dataset, &nz, &ny, &nx, &e2) != STENCIL_OK)
                return io_config_fail(c, IO_KEY_DATASET, err, "%s", e2.msg);
            n = add_grid(grids, n, nz, ny, nx, 1);
            used = append_note(plan->notes, used, "grid dataset: %.0fx%.0fx%.0f, the first time slice "
                               "of the dataset file\n", (double)nz, (double)ny, (double)nx);
        } else if (strcmp(it, "dataset") == 0) {
            n = add_grid(grids, n, 50, 222, 241, 1);
        } else if (strcmp(it, "auto") == 0) {
            /* Two float fields (read and write) of n^3 cells: 8 n^3 bytes. */
            size_t llc = topo->llc_total_bytes ? topo->llc_total_bytes
                         : topo->l3_bytes          ? topo->l3_bytes
                                                   : topo->l2_bytes;
            if (topo->l2_bytes) {
                size_t e = cube_edge((double)topo->l2_bytes / 2 / 8, 0, 4);
                n = add_grid(grids, n, e, e, e, 0);
                used = append_note(plan->notes, used,
                                   "grid auto: %.0f^3 in L2 (two fields %.2f MiB, at most half the "
                                   "%.2f MiB L2 of a core)\n",
                                   (double)e, 8.0 * (double)e * e * e / mib,
                                   (double)topo->l2_bytes / mib);
            }
            if (topo->l3_bytes) {
                size_t e = cube_edge((double)topo->l3_bytes / 2 / 8, 0, 8);
                n = add_grid(grids, n, e, e, e, 0);
                used = append_note(plan->notes, used,
                                   "grid auto: %.0f^3 in L3 (two fields %.1f MiB, at most half the "
                                   "%.1f MiB L3)\n",
                                   (double)e, 8.0 * (double)e * e * e / mib,
                                   (double)topo->l3_bytes / mib);
            }
            if (!llc)
                llc = (size_t)32 << 20;
            size_t e = cube_edge(4.0 * (double)llc / 8, 1, 16);
            n = add_grid(grids, n, e, e, e, 0);
            used = append_note(plan->notes, used,
                               "grid auto: %.0f^3 far out of cache (two fields %.0f MiB, at least 4x "
                               "the %.1f MiB of last-level cache in all)\n",
                               (double)e, 8.0 * (double)e * e * e / mib, (double)llc / mib);
        } else {
            size_t nz, ny, nx;
            stencil_error e2;
            if (bench_parse_grid(it, &nz, &ny, &nx, &e2) != STENCIL_OK)
                return io_config_fail(c, IO_KEY_GRIDS, err,
                                      "grid '%s' is malformed: write NZxNYxNX (e.g. 50x222x241), N "
                                      "for an N^3 cube, auto or dataset; sizes 1 to %u", it,
                                      BENCH_GRID_MAX_AXIS);
            n = add_grid(grids, n, nz, ny, nx, 0);
        }
    }
    *ngrids = n;
    return STENCIL_OK;
}

static int add_int(int *v, int n, int x, int max)
{
    for (int i = 0; i < n; i++)
        if (v[i] == x)
            return n;
    if (n < max)
        v[n++] = x;
    return n;
}

static stencil_status plan_ints(const io_study_config *c, io_config_key key, long lo, long hi,
                                int cores, int *out, int *nout, stencil_error *err)
{
    item_list items;
    stencil_status st = split(c, key, ", \t", &items, err);
    if (st != STENCIL_OK)
        return st;
    int n = 0;
    for (int i = 0; i < items.n; i++) {
        const char *it = items.item[i];
        if (key == IO_KEY_THREADS && strcmp(it, "cores") == 0) {
            for (int t = 1; t <= cores; t++)
                n = add_int(out, n, t, BENCH_MAX_THREAD_COUNTS);
            continue;
        }
        if (key == IO_KEY_THREADS && strcmp(it, "pow2") == 0) {
            for (int t = 1; t <= cores; t *= 2)
                n = add_int(out, n, t, BENCH_MAX_THREAD_COUNTS);
            continue;
        }
        char *end;
        long v = strtol(it, &end, 10);
        if (*end || v < lo || v > hi)
            return io_config_fail(c, key, err, "'%s' is not a whole number from %ld to %ld%s", it,
                                  lo, hi, key == IO_KEY_THREADS ? ", cores or pow2" : "");
        n = add_int(out, n, (int)v, BENCH_MAX_THREAD_COUNTS);
    }
    *nout = n;
    return STENCIL_OK;
}

static stencil_status plan_variants(const io_study_config *c, const stencil_variant **out, int *nout,
                                    stencil_error *err)
{
    item_list items;
    stencil_status st = split(c, IO_KEY_VARIANTS, ", \t", &items, err);
    if (st != STENCIL_OK)
        return st;
    int n = 0;
    for (int i = 0; i < items.n; i++) {
        const char *it = items.item[i];
        int all = strcmp(it, "all") == 0, cpu = strcmp(it, "cpu") == 0, gpu = strcmp(it, "gpu") == 0;
        for (size_t r = 0; r < stencil_variant_count(); r++) {
            const stencil_variant *v = stencil_variant_at(r);
            /* all, cpu and gpu: the single-process variants (MPI ones are named) */
            int group = !v->uses_ranks && (all || (cpu && v->device == STENCIL_CPU) ||
                                           (gpu && v->device == STENCIL_GPU));
            int take = group || strcmp(it, v->name) == 0;
            int dup = 0;
            for (int j = 0; j < n; j++)
                dup |= out[j] == v;
            if (take && !dup && n < MAX_VARIANTS)
                out[n++] = v;
        }
        if (!all && !cpu && !gpu && !stencil_variant_find(it)) {
            char names[512];
            size_t used = 0;
            for (size_t r = 0; r < stencil_variant_count() && used < sizeof names; r++)
                used += (size_t)snprintf(names + used, sizeof names - used, "%s%s", r ? ", " : "",
                                         stencil_variant_at(r)->name);
            return io_config_fail(c, IO_KEY_VARIANTS, err,
                                  "unknown variant '%s'; valid variants: %s (or all, cpu, gpu)", it, names);
        }
    }
    *nout = n;
    return STENCIL_OK;
}

#define ALL_KNOBS "tile_z,tile_y,tile_x,block_x,block_y,block_z,graph,stream,steps_per_sweep"

static stencil_status plan_host_memory(const io_study_config *c, bench_host_memory *out, int *nout,
                                       stencil_error *err)
{
    item_list items;
    stencil_status st = split(c, IO_KEY_HOST_MEMORY, ", \t", &items, err);
    if (st != STENCIL_OK)
        return st;
    int n = 0;
    for (int i = 0; i < items.n; i++) {
        bench_host_memory m;
        if (strcmp(items.item[i], "pinned") == 0)
            m = BENCH_HOST_PINNED;
        else if (strcmp(items.item[i], "pageable") == 0)
            m = BENCH_HOST_PAGEABLE;
        else
            return io_config_fail(c, IO_KEY_HOST_MEMORY, err, "'%s': use pinned and/or pageable",
                                  items.item[i]);
        int dup = 0;
        for (int j = 0; j < n; j++)
            dup |= out[j] == m;
        if (!dup)
            out[n++] = m;
    }
    *nout = n;
    return STENCIL_OK;
}

static stencil_status plan_scaling(const io_study_config *c, bench_plan *plan, stencil_error *err)
{
    const char *t = c->values[IO_KEY_SCALING].text;
    if (strcmp(t, "strong") != 0 && strcmp(t, "weak") != 0)
        return io_config_fail(c, IO_KEY_SCALING, err, "'%s': use strong (the grid is shared by the "
                              "ranks) or weak (the grid is each rank's block)", t);
    plan->weak = strcmp(t, "weak") == 0;
    return STENCIL_OK;
}

/* An MPI point's grid: under weak scaling the block times the rank grid; either way every
 * rank must hold at least one cell along each axis. */
static stencil_status plan_rank_grid(const io_study_config *c, const bench_plan *plan,
                                     bench_point *p, stencil_error *err)
{
    int dims[3];
    stencil_rank_dims(p->ranks, dims);
    if (plan->weak && p->dataset)
        return io_config_fail(c, IO_KEY_SCALING, err, "weak scaling grows the grid with the ranks; "
                              "the dataset grid cannot grow: give block sizes (NZxNYxNX) or use "
                              "scaling = strong");
    if (plan->weak) {
        p->nz *= (size_t)dims[0], p->ny *= (size_t)dims[1], p->nx *= (size_t)dims[2];
        if (p->nz > BENCH_GRID_MAX_AXIS || p->ny > BENCH_GRID_MAX_AXIS || p->nx > BENCH_GRID_MAX_AXIS)
            return io_config_fail(c, IO_KEY_RANKS, err, "%d ranks (a %dx%dx%d rank grid) make a "
                                  "%zux%zux%zu grid, over the %u cells per axis allowed", p->ranks,
                                  dims[0], dims[1], dims[2], p->nz, p->ny, p->nx, BENCH_GRID_MAX_AXIS);
    }
    const size_t n[3] = {p->nz, p->ny, p->nx};
    static const char axis[] = "zyx";
    for (int d = 0; d < 3; d++)
        if ((size_t)dims[d] > n[d])
            return io_config_fail(c, IO_KEY_RANKS, err, "%d ranks split the grid %zux%zux%zu into "
                                  "%dx%dx%d blocks: more ranks along %c (%d) than cells (%zu); use "
                                  "fewer ranks or a larger grid", p->ranks, p->nz, p->ny, p->nx,
                                  dims[0], dims[1], dims[2], axis[d], dims[d], n[d]);
    return STENCIL_OK;
}

/* "1, 2, 4" into buf; 0 when it does not fit. */
static int join_ints(char *buf, size_t len, const int *v, int n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < n; i++) {
        int w = snprintf(buf + used, len - used, "%s%d", i ? ", " : "", v[i]);
        if (w < 0 || (size_t)w >= len - used)
            return 0;
        used += (size_t)w;
    }
    return 1;
}

stencil_status bench_plan_build(const io_study_config *config, const bench_topology *topo,
                                bench_plan *plan, stencil_error *err)
{
    memset(plan, 0, sizeof *plan);
    plan->resolved = *config;
    const io_study_config *c = config;
    long reps, warmup, seed, max_reps;
    double k, land, noise, point_time, min_time;
    stencil_status st = io_config_long(c, IO_KEY_REPS, 1, 1000, &reps, err);
    if (st == STENCIL_OK)
        st = io_config_long(c, IO_KEY_WARMUP, 0, 1000, &warmup, err);
    if (st == STENCIL_OK)
        st = io_config_long(c, IO_KEY_SEED, 0, 2147483647L, &seed, err);
    if (st == STENCIL_OK)
        st = io_config_double(c, IO_KEY_K, 0.0, 1.0, &k, err);
    if (st == STENCIL_OK)
        st = io_config_double(c, IO_KEY_LAND_FRACTION, 0.0, 1.0, &land, err);
    if (st == STENCIL_OK)
        st = io_config_long(c, IO_KEY_MAX_REPS, 1, 1000, &max_reps, err);
    if (st == STENCIL_OK)
        st = io_config_double(c, IO_KEY_TARGET_NOISE, 0.0, 100.0, &noise, err);
    if (st == STENCIL_OK)
        st = io_config_double(c, IO_KEY_POINT_TIME, 0.0, 3600.0, &point_time, err);
    if (st == STENCIL_OK)
        st = io_config_double(c, IO_KEY_MIN_TIME, 0.0, 10.0, &min_time, err);
    stencil_error e2;
    if (st == STENCIL_OK && stencil_scheme_parse(c->values[IO_KEY_SCHEME].text, &plan->scheme,
                                                 &e2) != STENCIL_OK)
        st = io_config_fail(c, IO_KEY_SCHEME, err, "%s", e2.msg);
    if (st != STENCIL_OK)
        return st;
    plan->reps = (int)reps;
    plan->warmup = (int)warmup;
    plan->max_reps = max_reps > reps ? (int)max_reps : (int)reps;
    plan->target_noise = noise / 100.0;
    plan->point_time_s = point_time;
    plan->min_time_s = min_time;
    plan->rate_scale = plan->copy_scale = 1.0;
    plan->llc_bytes = topo->llc_total_bytes ? topo->llc_total_bytes : topo->l3_bytes;
    plan->seed = (uint64_t)seed;
    plan->k = (float)k;
    plan->k_value = k;
    plan->land_fraction = land;
    snprintf(plan->dataset, sizeof plan->dataset, "%s", c->values[IO_KEY_DATASET].text);
    char *abs = *plan->dataset ? realpath(plan->dataset, NULL) : NULL;
    if (abs && strlen(abs) >= sizeof plan->dataset) {
        free(abs);
        return io_config_fail(c, IO_KEY_DATASET, err, "the file's absolute path is longer than %d "
                              "characters: move it to a shorter path", IO_CONFIG_TEXT_MAX - 1);
    }
    if (abs) { /* so that --resume finds it from any folder */
        snprintf(plan->dataset, sizeof plan->dataset, "%s", abs);
        snprintf(plan->resolved.values[IO_KEY_DATASET].text, IO_CONFIG_TEXT_MAX, "%s", abs);
        free(abs);
    }

    const stencil_variant *variants[MAX_VARIANTS];
    grid_entry grids[MAX_ITEMS];
    int threads[BENCH_MAX_THREAD_COUNTS], steps[BENCH_MAX_THREAD_COUNTS];
    int ranks[BENCH_MAX_THREAD_COUNTS];
    bench_host_memory mems[2];
    int nv = 0, ng = 0, nt = 0, ns = 0, nm = 0, nr = 0;
    int cores = topo->cores > 0 ? topo->cores : 1;
    item_list tunings;
    if ((st = plan_variants(c, variants, &nv, err)) != STENCIL_OK ||
        (st = plan_grids(c, topo, plan, grids, &ng, err)) != STENCIL_OK ||
        (st = plan_ints(c, IO_KEY_THREADS, 1, 4096, cores, threads, &nt, err)) != STENCIL_OK ||
        (st = plan_ints(c, IO_KEY_TIMESTEPS, 0, 1000000, cores, steps, &ns, err)) != STENCIL_OK ||
        (st = plan_ints(c, IO_KEY_RANKS, 1, 4096, cores, ranks, &nr, err)) != STENCIL_OK ||
        (st = plan_scaling(c, plan, err)) != STENCIL_OK ||
        (st = plan_host_memory(c, mems, &nm, err)) != STENCIL_OK ||
        (st = split(c, IO_KEY_TUNINGS, "|", &tunings, err)) != STENCIL_OK)
        return st;
    if (strstr(c->values[IO_KEY_THREADS].text, "cores")) {
        size_t used = strlen(plan->notes);
        snprintf(plan->notes + used, sizeof plan->notes - used,
                 "threads cores: 1 to %d, the physical cores hwloc reports\n", cores);
    }
    /* Each tuning must be well formed; it is planned for the variants that take its knobs. */
    stencil_tuning parsed[MAX_ITEMS];
    int tuning_used[MAX_ITEMS] = {0};
    for (int i = 0; i < tunings.n; i++) {
        stencil_error e2;
        if (strcmp(tunings.item[i], "default") == 0)
            memset(&parsed[i], 0, sizeof parsed[i]);
        else if (stencil_tuning_parse(tunings.item[i], ALL_KNOBS, &parsed[i], &e2) != STENCIL_OK)
            return io_config_fail(c, IO_KEY_TUNINGS, err, "%s", e2.msg);
    }

    size_t cap = (size_t)ng * (size_t)ns * (size_t)nv * (size_t)nt * (size_t)tunings.n * 2 * (size_t)nr;
    plan->points = calloc(cap ? cap : 1, sizeof *plan->points);
    if (!plan->points)
        return stencil_fail(err, STENCIL_ERR_NOMEM, "out of memory planning %zu points", cap);
    for (int g = 0; g < ng; g++)
        for (int s = 0; s < ns; s++)
            for (int v = 0; v < nv; v++) {
                const stencil_variant *var = variants[v];
                int gpu = var->device == STENCIL_GPU;
                int vt = var->uses_threads && !gpu ? nt : 1;
                int vm = gpu ? nm : 1, vr = var->uses_ranks ? nr : 1;
                size_t first = plan->count;
                for (int t = 0; t < vt; t++)
                  for (int rk = 0; rk < vr; rk++)
                    for (int u = 0; u < tunings.n; u++)
                        for (int m = 0; m < vm; m++) {
                            bench_point p = {0};
                            stencil_error e2;
                            if (strcmp(tunings.item[u], "default") != 0 &&
                                stencil_tuning_parse(tunings.item[u], var->tunings, &p.tuning, &e2) !=
                                    STENCIL_OK)
                                continue;
                            tuning_used[u] = 1;
                            p.variant = var;
                            p.nz = grids[g].nz, p.ny = grids[g].ny, p.nx = grids[g].nx;
                            p.dataset = grids[g].dataset;
                            p.threads = var->uses_threads && !gpu ? threads[t] : 1;
                            p.host_memory = gpu ? mems[m] : BENCH_HOST_NONE;
                            p.steps = steps[s];
                            p.ranks = var->uses_ranks ? ranks[rk] : 1;
                            if (var->uses_ranks &&
                                (st = plan_rank_grid(c, plan, &p, err)) != STENCIL_OK) {
                                bench_plan_free(plan);
                                return st;
                            }
                            stencil_tuning_format(&p.tuning, var->tunings, p.tuning_text,
                                                  sizeof p.tuning_text);
                            int dup = 0;
                            for (size_t q = first; q < plan->count && !dup; q++)
                                dup = plan->points[q].threads == p.threads &&
                                      plan->points[q].ranks == p.ranks &&
                                      plan->points[q].host_memory == p.host_memory &&
                                      strcmp(plan->points[q].tuning_text, p.tuning_text) == 0;
                            if (dup)
                                continue;
                            plan->points[plan->count++] = p;
                            if (gpu)
                                plan->any_gpu = 1;
                            else /* MPI points: the copy probe with every rank's threads */
                                plan->nthread_counts =
                                    add_int(plan->thread_counts, plan->nthread_counts,
                                            p.threads * p.ranks, BENCH_MAX_THREAD_COUNTS);
                            plan->any_mpi |= var->uses_ranks;
                            if (p.ranks > plan->max_ranks)
                                plan->max_ranks = p.ranks;
                        }
            }
    for (int u = 0; u < tunings.n; u++)
        if (!tuning_used[u]) {
            bench_plan_free(plan);
            return io_config_fail(c, IO_KEY_TUNINGS, err,
                                  "'%s' sets knobs that none of the planned variants takes "
                                  "(stencilbench list shows each variant's knobs)",
                                  tunings.item[u]);
        }
    if (plan->nthread_counts == 0)
        plan->nthread_counts = add_int(plan->thread_counts, 0, 1, BENCH_MAX_THREAD_COUNTS);

    /* The resolved config: lists expanded so that --resume plans the same points. */
    char buf[IO_CONFIG_TEXT_MAX];
    size_t used = 0;
    int fits = 1;
    buf[0] = '\0';
    for (int g = 0; g < ng && fits; g++) {
        int w = grids[g].dataset
                    ? snprintf(buf + used, sizeof buf - used, "%sdataset", g ? ", " : "")
                    : snprintf(buf + used, sizeof buf - used, "%s%zux%zux%zu", g ? ", " : "",
                               grids[g].nz, grids[g].ny, grids[g].nx);
        fits = w >= 0 && (size_t)w < sizeof buf - used;
        used += fits ? (size_t)w : 0;
    }
    if (fits)
        snprintf(plan->resolved.values[IO_KEY_GRIDS].text, IO_CONFIG_TEXT_MAX, "%s", buf);
    fits = fits && join_ints(buf, sizeof buf, threads, nt);
    if (fits)
        snprintf(plan->resolved.values[IO_KEY_THREADS].text, IO_CONFIG_TEXT_MAX, "%s", buf);
    fits = fits && join_ints(buf, sizeof buf, ranks, nr);
    if (fits)
        snprintf(plan->resolved.values[IO_KEY_RANKS].text, IO_CONFIG_TEXT_MAX, "%s", buf);
    used = 0;
    buf[0] = '\0';
    for (int v = 0; v < nv && fits; v++) {
        int w = snprintf(buf + used, sizeof buf - used, "%s%s", v ? ", " : "", variants[v]->name);
        fits = w >= 0 && (size_t)w < sizeof buf - used;
        used += fits ? (size_t)w : 0;
    }
    if (fits)
        snprintf(plan->resolved.values[IO_KEY_VARIANTS].text, IO_CONFIG_TEXT_MAX, "%s", buf);
    if (!fits) { /* cannot happen within the limits above; never save a cut list */
        bench_plan_free(plan);
        return stencil_fail(err, STENCIL_ERR_ARG, "the study's expanded lists are longer than %d "
                            "characters: plan fewer grids, threads or variants",
                            IO_CONFIG_TEXT_MAX - 1);
    }
    return STENCIL_OK;
}

void bench_plan_free(bench_plan *plan)
{
    free(plan->points);
    plan->points = NULL;
    plan->count = 0;
}
