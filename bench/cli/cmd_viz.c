/* stencilbench viz slice|animate|cube: pictures of a dataset (netCDF), drawn by gnuplot. Loads
 * only the levels and times a picture needs, then hands them to plots/viz.c. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <netcdf.h>

#include "dataset.h"
#include "size.h"
#include "plot.h"
#include "cli/cli.h"

static void viz_usage(FILE *f)
{
    fprintf(f,
            "usage: stencilbench viz slice|animate|cube|diff [options]\n\n"
            "Pictures of ocean data, drawn with gnuplot (Debian/Ubuntu package gnuplot-nox), written\n"
            "into the output folder; the path of what was written is printed.\n\n"
            "  slice     a PNG of one depth level at one time: longitude and latitude axes, colour\n"
            "            bar in degC, land and sea floor grey\n"
            "  animate   the time axis (or a model prediction's snapshots) at one depth level: an\n"
            "            animated GIF and a self-contained HTML page with play/pause and a slider\n"
            "            (a model prediction starts with its input, step 0)\n"
            "  cube      the first N depth levels as an exploded stack (each level at its own\n"
            "            height, so every level shows), one PNG per time for the first M times,\n"
            "            and an HTML page stepping through them\n"
            "  diff      a PNG of the change at one depth level: time I minus the first time (for a\n"
            "            model prediction: the prediction minus its input), blue colder, red warmer\n\n"
            "Temperatures use viridis, a perceptually uniform sequential colour map; each\n"
            "picture's colours span its data unless --range fixes them.\n\n"
            "  --input F     netCDF file (default: the synthetic default dataset, generated once)\n"
            "  --var V       variable (default: %s)\n"
            "  --out DIR     output folder (default: output, in the current folder)\n"
            "  --depth M     slice, animate, diff: the level nearest M metres (default: 0, the\n"
            "                surface; diff, and animate of a model prediction: the level that\n"
            "                changed most, as the model holds the surface fixed)\n"
            "  --time I      slice: time index, 0-based (default: 0); diff: the later time\n"
            "                (default: the last)\n"
            "  --range LO:HI colours from LO to HI in the variable's units (e.g. 0:15), the same\n"
            "                for every picture; values beyond take the end colours\n"
            "  --speed MS    animate: milliseconds per frame, 10 to 60000 (default: 100)\n"
            "  --depths N    cube: the first N depth levels (default: 5)\n"
            "  --times M     cube: the first M times (default: 3)\n",
            IO_DEFAULT_VAR);
}

/* A time coordinate as text: a date when its units are "<unit> since <date>", else the value
 * after the coordinate's long_name (a model prediction: "model timesteps completed: 10"). */
static void time_text(const io_dataset *ds, size_t t, char *buf, size_t len)
{
    const io_axis *a = &ds->axes[IO_AXIS_TIME];
    char name[128] = "";
    size_t n = 0;
    if (strstr(a->units, " since ")) {
        io_time_text(a->values[t], a->units, buf, len);
        return;
    }
    if (a->varid >= 0 && nc_inq_attlen(ds->ncid, a->varid, "long_name", &n) == NC_NOERR && n > 0 &&
        n < sizeof name && nc_get_att_text(ds->ncid, a->varid, "long_name", name) == NC_NOERR)
        name[n] = '\0';
    else
        snprintf(name, sizeof name, "%.100s", a->name);
    int unitless = a->units[0] == '\0' || strcmp(a->units, "1") == 0;
    snprintf(buf, len, "%.60s: %g%s%.30s", name, a->values[t], unitless ? "" : " ", unitless ? "" : a->units);
}

/* --range LO:HI into opt; 0 (with a message) unless both are numbers and LO < HI. */
static int parse_range(const char *text, plot_viz_options *opt)
{
    char *end;
    double lo = strtod(text, &end), hi = NAN;
    if (end != text && *end == ':') {
        const char *h = end + 1;
        hi = strtod(h, &end);
        if (end == h || *end != '\0')
            hi = NAN;
    }
    if (!isfinite(lo) || !isfinite(hi)) {
        fprintf(stderr, "stencilbench viz: --range %s: give LO:HI, two numbers in the variable's units "
                        "(e.g. --range 0:15)\n", text);
        return 0;
    }
    if (!(lo < hi)) {
        fprintf(stderr, "stencilbench viz: --range %s: LO must be below HI (e.g. --range 0:15)\n", text);
        return 0;
    }
    opt->fixed_range = 1, opt->range_lo = lo, opt->range_hi = hi;
    return 1;
}

/* The level whose water changed most (summed absolute change) from time 0 to time t1, in *z;
 * the model holds its outer shell fixed, so a prediction's surface never changes. */
static stencil_status most_changed_level(io_dataset *ds, size_t t1, size_t *z, stencil_error *err)
{
    size_t plane = ds->ny * ds->nx, n = ds->nz * plane;
    float *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    stencil_status st = STENCIL_ERR_NOMEM;
    double best = -1;
    if (a && b && (st = io_dataset_read(ds, 0, a, NULL, err)) == STENCIL_OK &&
        (st = io_dataset_read(ds, t1, b, NULL, err)) == STENCIL_OK)
        for (size_t k = 0; k < ds->nz; k++) {
            double sum = 0;
            for (size_t i = k * plane; i < (k + 1) * plane; i++)
                if (isfinite(a[i]) && isfinite(b[i]))
                    sum += fabs((double)b[i] - (double)a[i]);
            if (sum > best)
                best = sum, *z = k;
        }
    else if (st == STENCIL_ERR_NOMEM)
        stencil_fail(err, st, "out of memory for two %zux%zux%zu fields", ds->nz, ds->ny, ds->nx);
    free(a);
    free(b);
    return st;
}

/* One level of the current field into dst. */
static void take_level(const io_dataset *ds, const float *field, size_t z, float *dst)
{
    const size_t plane = ds->ny * ds->nx; /* fits: checked by the caller's io_size_field */
    memcpy(dst, field + z * plane, plane * sizeof *dst);
}

/* The --out folder, created with its parents when missing; 0 (after saying why) when it is a
 * file or cannot be created: bad input, exit 2. */
static int out_folder(const char *dir)
{
    char p[4096];
    if (!*dir || strlen(dir) >= sizeof p) {
        fprintf(stderr, "stencilbench viz: --out '%.100s': give a folder path of 1 to %zu "
                        "characters\n", dir, sizeof p - 1);
        return 0;
    }
    snprintf(p, sizeof p, "%s", dir);
    for (char *s = p + 1;; s++)
        if (*s == '/' || *s == '\0') {
            const char c = *s;
            *s = '\0';
            struct stat st;
            if (mkdir(p, 0777) != 0 && errno != EEXIST) {
                fprintf(stderr, "stencilbench viz: --out %s: cannot create %s: %s\n", dir, p,
                        strerror(errno));
                return 0;
            }
            if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode)) {
                fprintf(stderr, "stencilbench viz: --out %s: %s is not a folder\n", dir, p);
                return 0;
            }
            *s = c;
            if (c == '\0')
                return 1;
        }
}

int bench_cmd_viz(int argc, char **argv)
{
    static const struct option opts[] = {
        {"input", required_argument, 0, 'i'},  {"var", required_argument, 0, 'v'},
        {"out", required_argument, 0, 'o'},    {"depth", required_argument, 0, 'd'},
        {"time", required_argument, 0, 't'},   {"speed", required_argument, 0, 's'},
        {"depths", required_argument, 0, 'D'}, {"times", required_argument, 0, 'T'},
        {"range", required_argument, 0, 'r'},  {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        viz_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? BENCH_EXIT_USAGE : BENCH_EXIT_OK;
    }
    const char *mode = argv[1];
    if (strcmp(mode, "slice") != 0 && strcmp(mode, "animate") != 0 && strcmp(mode, "cube") != 0 &&
        strcmp(mode, "diff") != 0) {
        fprintf(stderr, "stencilbench viz: unknown picture '%s': give slice, animate, cube or diff\n\n", mode);
        viz_usage(stderr);
        return BENCH_EXIT_USAGE;
    }
    const char *input = NULL, *var = IO_DEFAULT_VAR;
    long time = -1, speed = 100, depths = 5, times = 3;
    double depth = 0.0;
    int depth_given = 0;
    plot_viz_options opt = {.out_dir = "output"};
    int c;
    optind = 2;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        int ok = 1;
        switch (c) {
        case 'i': input = optarg; break;
        case 'v': var = optarg; break;
        case 'o': opt.out_dir = optarg; break;
        case 'd':
            ok = bench_cli_double("--depth", optarg, 0.0, 20000.0, &depth);
            depth_given = 1;
            break;
        case 't': ok = bench_cli_int("--time", optarg, 0, 100000000, &time); break;
        case 's': ok = bench_cli_int("--speed", optarg, 10, 60000, &speed); break;
        case 'D': ok = bench_cli_int("--depths", optarg, 1, 100000, &depths); break;
        case 'T': ok = bench_cli_int("--times", optarg, 1, 100000, &times); break;
        case 'r': ok = parse_range(optarg, &opt); break;
        case 'h': viz_usage(stdout); return BENCH_EXIT_OK;
        default: viz_usage(stderr); return BENCH_EXIT_USAGE;
        }
        if (!ok)
            return BENCH_EXIT_USAGE;
    }
    if (optind < argc) {
        fprintf(stderr, "stencilbench viz: unexpected argument '%s'\n", argv[optind]);
        return BENCH_EXIT_USAGE;
    }
    stencil_error err = {{0}};
    if (plot_gnuplot_check(&err) != STENCIL_OK) {
        fprintf(stderr, "stencilbench viz: %s\n", err.msg);
        return BENCH_EXIT_FAILED;
    }
    char path[4096];
    if (!input) {
        if (bench_default_input(path, sizeof path, &err) != STENCIL_OK) {
            fprintf(stderr, "stencilbench viz: %s\n", err.msg);
            return BENCH_EXIT_FAILED;
        }
        input = path;
    }

    io_dataset ds;
    memset(&ds, 0, sizeof ds);
    int status = BENCH_EXIT_OK;
    float *field = NULL, *data = NULL;
    char (*labels)[128] = NULL;
    const char **label_ptr = NULL;
    if (io_dataset_open(input, var, &ds, &err) != STENCIL_OK) {
        fprintf(stderr, "stencilbench viz: %s\n", err.msg);
        io_dataset_close(&ds);
        return BENCH_EXIT_USAGE;
    }
    const double *dep = ds.axes[IO_AXIS_DEPTH].values;
    size_t z = plot_nearest_level(dep, ds.nz, depth);
    size_t t0 = 0, nt = ds.nt, z0 = z, nz = 1;
    if (strcmp(mode, "slice") == 0) {
        if (time < 0)
            time = 0;
        if ((size_t)time >= ds.nt) {
            fprintf(stderr, "stencilbench viz: --time %ld: %s has %zu time%s (0 to %zu)\n", time, input,
                    ds.nt, ds.nt == 1 ? "" : "s", ds.nt - 1);
            io_dataset_close(&ds);
            return BENCH_EXIT_USAGE;
        }
        t0 = (size_t)time, nt = 1;
    } else if (strcmp(mode, "diff") == 0) {
        if (time < 0)
            time = (long)ds.nt - 1;
        if (time < 1 || (size_t)time >= ds.nt) {
            fprintf(stderr, "stencilbench viz diff: --time %ld: give a later time than the first, 1 to %zu "
                    "(%s has %zu time%s)\n", time, ds.nt - 1, input, ds.nt, ds.nt == 1 ? "" : "s");
            io_dataset_close(&ds);
            return BENCH_EXIT_USAGE;
        }
        nt = (size_t)time + 1; /* times 0..I: the difference takes the first and the last */
    }
    /* diff, and animate of a model prediction (a step axis): by default the level that changed
     * most, where the diffusion shows */
    int prediction = strcmp(ds.axes[IO_AXIS_TIME].name, "step") == 0;
    if (!depth_given && ds.nt > 1 && (strcmp(mode, "diff") == 0 || (strcmp(mode, "animate") == 0 && prediction))) {
        if (most_changed_level(&ds, nt - 1, &z, &err) != STENCIL_OK) {
            fprintf(stderr, "stencilbench viz: %s\n", err.msg);
            io_dataset_close(&ds);
            return BENCH_EXIT_USAGE;
        }
        z0 = z;
    }
    if (strcmp(mode, "cube") == 0) {
        z0 = 0;
        nz = (size_t)depths < ds.nz ? (size_t)depths : ds.nz;
        nt = (size_t)times < ds.nt ? (size_t)times : ds.nt;
    }
    size_t plane, field_bytes, data_bytes;
    if (io_size_field(1, ds.ny, ds.nx, sizeof *field, &plane, NULL, input, &err) != STENCIL_OK ||
        io_size_field(ds.nz, ds.ny, ds.nx, sizeof *field, NULL, &field_bytes, input, &err) != STENCIL_OK ||
        io_size_field(nt * nz, ds.ny, ds.nx, sizeof *data, NULL, &data_bytes, input, &err) != STENCIL_OK) {
        fprintf(stderr, "stencilbench viz: %s\n", err.msg);
        io_dataset_close(&ds);
        return BENCH_EXIT_USAGE;
    }
    field = malloc(field_bytes);
    data = malloc(data_bytes);
    labels = calloc(nt, sizeof *labels);
    label_ptr = calloc(nt, sizeof *label_ptr);
    if (!field || !data || !labels || !label_ptr) {
        fprintf(stderr, "stencilbench viz: out of memory for %zu x %zu x %zu x %zu values\n", nt, nz, ds.ny,
                ds.nx);
        status = BENCH_EXIT_FAILED;
        goto done;
    }
    const io_axis *ta = &ds.axes[IO_AXIS_TIME];
    for (size_t t = 0; t < nt; t++) {
        if (io_dataset_read(&ds, t0 + t, field, NULL, &err) != STENCIL_OK) {
            fprintf(stderr, "stencilbench viz: %s\n", err.msg);
            status = BENCH_EXIT_USAGE;
            goto done;
        }
        for (size_t k = 0; k < nz; k++)
            take_level(&ds, field, z0 + k, data + (t * nz + k) * plane);
        if (ds.has_time && ta->values)
            time_text(&ds, t0 + t, labels[t], sizeof labels[t]);
        else
            snprintf(labels[t], sizeof labels[t], "time index %zu", t0 + t);
        label_ptr[t] = labels[t];
    }
    if (!out_folder(opt.out_dir)) {
        status = BENCH_EXIT_USAGE;
        goto done;
    }
    const char *base = strrchr(input, '/');
    plot_ocean o = {nt,
                    nz,
                    ds.ny,
                    ds.nx,
                    t0,
                    data,
                    dep ? dep + z0 : NULL,
                    ds.axes[IO_AXIS_LAT].values,
                    ds.axes[IO_AXIS_LON].values,
                    label_ptr,
                    ds.var,
                    ds.units,
                    base ? base + 1 : input};
    opt.depth_m = depth;
    opt.speed_ms = (int)speed;
    opt.depths = nz;
    opt.times = nt;
    opt.time = strcmp(mode, "diff") == 0 ? nt - 1 : 0;
    char written[PLOT_PATH_MAX];
    stencil_status st = strcmp(mode, "slice") == 0 ? plot_viz_slice(&o, &opt, written, sizeof written, &err)
                        : strcmp(mode, "animate") == 0 ? plot_viz_animate(&o, &opt, written, sizeof written, &err)
                        : strcmp(mode, "diff") == 0    ? plot_viz_diff(&o, &opt, written, sizeof written, &err)
                                                       : plot_viz_cube(&o, &opt, written, sizeof written, &err);
    if (st != STENCIL_OK) {
        fprintf(stderr, "stencilbench viz %s: %s\n", mode, err.msg);
        status = st == STENCIL_ERR_ARG ? BENCH_EXIT_USAGE : BENCH_EXIT_FAILED;
        goto done;
    }
    if (strcmp(mode, "animate") == 0) {
        size_t n = strlen(written);
        if (n > 5)
            printf("%.*s.gif\n", (int)(n - 5), written);
    } else if (strcmp(mode, "cube") == 0) {
        size_t n = strlen(written);
        for (size_t t = 0; t < nt && n > 5; t++)
            printf("%.*s_t%zu.png\n", (int)(n - 5), written, t);
    }
    printf("%s\n", written);
done:
    free(field);
    free(data);
    free(labels);
    free(label_ptr);
    io_dataset_close(&ds);
    return status;
}
